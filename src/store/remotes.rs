//! The map of what this store has exchanged with each MLflow tracking server (`mlt push`,
//! `mlt pull`): `.mlt/remotes/<server>/`, beside `mlruns/`, one small JSON file per linked
//! thing, each written atomically on its own, so a push or pull cut short at any point leaves
//! every file either as it was or as it became, never half written.
//!
//! ```text
//! .mlt/remotes/<slug>/            one folder per server; <slug> = the URL's key made safe + a hash
//!   remote.json                   {"url": <key>}: which server this is
//!   experiments/<local id>.json   an experiment's link
//!   runs/<local run id>.json      a run's link (its remote id, what the server has of it)
//!   logged-models/<local id>.json an MLflow 3 logged model's link
//!   models/<name, encoded>.json   a registered model's link (its versions' numbers there)
//! ```
//!
//! The store only knows where these files are and how to read and write them; what they hold
//! is the sync use case's (`app::sync`), as serde types. The folder is in `.mlt/`, which git
//! ignores: a clone of the store has no map, and the server's `mlt.source.*` tags let a push
//! from it find what is already there.

use super::{Result, Store, fs, layout};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Digest;
use std::path::PathBuf;

/// The kinds of things a map links.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Experiment,
    Run,
    LoggedModel,
    Model,
    /// A run whose creation there was asked for and whose answer is not yet in the map.
    Creating,
}

impl Kind {
    fn folder(self) -> &'static str {
        match self {
            Kind::Experiment => "experiments",
            Kind::Run => "runs",
            Kind::LoggedModel => "logged-models",
            Kind::Model => "models",
            Kind::Creating => "creating",
        }
    }
}

/// The map of one server, in one store.
#[derive(Clone, Debug)]
pub struct RemoteMap {
    dir: PathBuf,
    key: String,
}

/// A local id or name as a file name: kept when it is plain (`[A-Za-z0-9._-]`, not starting
/// with a dot), otherwise `~` and its bytes in hex, so no name can leave its folder.
fn file_name(id: &str) -> String {
    let plain = !id.is_empty()
        && !id.starts_with('.')
        && id.len() <= 200
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if plain {
        format!("{id}.json")
    } else {
        let hex: String = id.bytes().map(|b| format!("{b:02x}")).collect();
        if hex.len() > 200 {
            let digest = sha2::Sha256::digest(id.as_bytes());
            let h: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            format!("~{h}.json")
        } else {
            format!("~{hex}.json")
        }
    }
}

fn name_of(file: &str) -> Option<String> {
    let stem = file.strip_suffix(".json")?;
    match stem.strip_prefix('~') {
        None => Some(stem.to_string()),
        Some(hex) if hex.len() % 2 == 0 => {
            let bytes: Option<Vec<u8>> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
                .collect();
            String::from_utf8(bytes?).ok()
        }
        Some(_) => None,
    }
}

impl Store {
    /// The map of the server whose URL key is `key` (see `remote::Remote::key`).
    pub fn remote_map(&self, key: &str) -> RemoteMap {
        let safe: String = key
            .split_once("://")
            .map_or(key, |(_, rest)| rest)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .take(60)
            .collect();
        let digest = sha2::Sha256::digest(key.as_bytes());
        let h: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        RemoteMap {
            dir: self
                .mlt_dir()
                .join(layout::REMOTES)
                .join(format!("{safe}-{h}")),
            key: key.to_string(),
        }
    }
}

impl RemoteMap {
    /// The map's folder (for messages and tests).
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    fn path(&self, kind: Kind, id: &str) -> PathBuf {
        self.dir.join(kind.folder()).join(file_name(id))
    }

    /// The link of `id`, if there is one. A file that is not the JSON of `T` (damaged, or
    /// from another version) reads as no link: the caller then looks on the server.
    pub fn get<T: DeserializeOwned>(&self, kind: Kind, id: &str) -> Option<T> {
        let text = fs::read_to_string_unless_link(&self.path(kind, id)).ok()??;
        serde_json::from_str(&text).ok()
    }

    /// Writes the link of `id` (atomically).
    pub fn put<T: Serialize>(&self, kind: Kind, id: &str, link: &T) -> Result<()> {
        let dir = self.dir.join(kind.folder());
        if !dir.is_dir() {
            fs::create_dir_all(&dir)?;
            let remote = self.dir.join("remote.json");
            if !remote.exists() {
                let body = serde_json::json!({ "url": self.key });
                fs::write_atomic(&remote, body.to_string().as_bytes())?;
            }
        }
        let body = serde_json::to_vec(link).map_err(|e| super::Error::Invalid(e.to_string()))?;
        fs::write_atomic(&self.path(kind, id), &body)
    }

    /// Removes the link of `id` (no error when there is none).
    pub fn remove(&self, kind: Kind, id: &str) -> Result<()> {
        match std::fs::remove_file(self.path(kind, id)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(super::Error::Io {
                path: self.path(kind, id),
                source: e,
            }),
        }
    }

    /// The ids that have a link of `kind`, sorted.
    pub fn ids(&self, kind: Kind) -> Vec<String> {
        let mut out: Vec<String> = std::fs::read_dir(self.dir.join(kind.folder()))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| name_of(&e.file_name().to_string_lossy()))
            .collect();
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_written_read_listed_and_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(tmp.path());
        store.init().unwrap();
        let map = store.remote_map("http://127.0.0.1:5000");
        assert_eq!(map.get::<String>(Kind::Run, "r1"), None);
        map.put(Kind::Run, "r1", &"remote-1".to_string()).unwrap();
        map.put(Kind::Model, "my model/ü", &7u32).unwrap();
        assert_eq!(
            map.get::<String>(Kind::Run, "r1").as_deref(),
            Some("remote-1")
        );
        assert_eq!(map.get::<u32>(Kind::Model, "my model/ü"), Some(7));
        assert_eq!(map.ids(Kind::Model), ["my model/ü"]);
        assert!(
            map.dir()
                .starts_with(tmp.path().join(".mlt").join("remotes"))
        );
        assert!(map.dir().join("remote.json").is_file());
        // A name never leaves its folder.
        map.put(Kind::Model, "../../x", &1u32).unwrap();
        assert_eq!(map.ids(Kind::Model).len(), 2);
        assert!(!tmp.path().join(".mlt").join("x.json").exists());
        map.remove(Kind::Run, "r1").unwrap();
        map.remove(Kind::Run, "r1").unwrap();
        assert!(map.ids(Kind::Run).is_empty());
        // Another server, another map.
        assert_ne!(store.remote_map("http://127.0.0.1:5001").dir(), map.dir());
    }

    #[test]
    fn a_damaged_link_reads_as_none() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(tmp.path());
        store.init().unwrap();
        let map = store.remote_map("http://h");
        map.put(Kind::Run, "r", &1u32).unwrap();
        std::fs::write(map.dir().join("runs").join("r.json"), "{oops").unwrap();
        assert_eq!(map.get::<u32>(Kind::Run, "r"), None);
    }
}
