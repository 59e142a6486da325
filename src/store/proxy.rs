//! The artifact proxy's view of the store (`mlt server`'s `/mlflow-artifacts/...`): a path
//! under the tracking folder, `E/R/artifacts/...` (a run's artifacts) or
//! `E/models/M/artifacts/...` (a logged model's), as MLflow's `mlflow-artifacts:/` URIs name
//! them. Only those folders are read or written, and only for a run or logged model that
//! exists; a link that leads out of the folder is neither followed nor written through.

use super::fs::{self, IoContext};
use super::layout;
use super::safe_path::{self, Bounds};
use super::{Error, Result, Store};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Where a proxy path leads: the artifact folder it is inside and the path in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyTarget {
    /// The run's or logged model's `artifacts/` folder.
    pub root: PathBuf,
    /// The path inside `root` (`/` separators, empty for the folder itself).
    pub rel: String,
    /// `root` joined with `rel`.
    pub path: PathBuf,
}

/// One entry of a folder listing: its name (or path), whether it is a folder, a file's size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyEntry {
    pub name: String,
    pub is_dir: bool,
    pub size: Option<u64>,
}

fn refuse(path: &str, why: &str) -> Error {
    Error::Invalid(format!("artifact path '{path}' {why}"))
}

impl Store {
    /// Resolves a proxy path (`E/R/artifacts/x`, `E/models/M/artifacts/x`; already checked to
    /// be plain: no `..`, `.`, empty or absolute parts) to the artifact folder it is in. The
    /// run or logged model must exist; a path anywhere else in the store is refused.
    pub fn proxy_target(&self, path: &str) -> Result<ProxyTarget> {
        super::artifact::validate_artifact_path(path).map_err(|_| {
            refuse(
                path,
                "is not a plain relative path (no '..', '.', empty parts)",
            )
        })?;
        let parts: Vec<&str> = path.split('/').collect();
        let outside = || {
            refuse(
                path,
                "is not inside a run's or a logged model's artifact folder \
                 (<experiment>/<run>/artifacts/... or <experiment>/models/<model>/artifacts/...)",
            )
        };
        let exp = parts.first().ok_or_else(outside)?;
        let (owner_len, owner) = match parts.as_slice() {
            [_, layout::MODELS, m, layout::ARTIFACTS, ..] => (4, Some(*m)),
            [_, r, layout::ARTIFACTS, ..] if *r != layout::MODELS => (3, None),
            _ => return Err(outside()),
        };
        let exp_dir = self
            .experiment_dir(exp)
            .filter(|d| d.parent() == Some(self.tracking()))
            .ok_or_else(|| Error::missing(super::Entity::Experiment, *exp))?;
        let owner_dir = match owner {
            Some(m) => {
                let dir = exp_dir.join(layout::MODELS).join(m);
                if !m.starts_with("m-") || !fs::plain_file(&exp_dir, &layout::meta(&dir)) {
                    return Err(Error::missing(super::Entity::LoggedModel, m));
                }
                dir
            }
            None => {
                let r = parts[1];
                let dir = exp_dir.join(r);
                if layout::EXPERIMENT_RESERVED.contains(&r)
                    || !crate::entities::is_valid_run_id(r)
                    || !fs::plain_file(&exp_dir, &layout::meta(&dir))
                {
                    return Err(Error::missing(super::Entity::Run, r));
                }
                dir
            }
        };
        let root = owner_dir.join(layout::ARTIFACTS);
        // The artifacts folder itself may not lead out of the store.
        if std::fs::symlink_metadata(&root).is_ok() {
            safe_path::check_inside(&root, &self.read_bounds(), path, "the store")?;
        }
        let rel = parts[owner_len..].join("/");
        let path_buf = if rel.is_empty() {
            root.clone()
        } else {
            rel.split('/').fold(root.clone(), |p, part| p.join(part))
        };
        Ok(ProxyTarget {
            root,
            rel,
            path: path_buf,
        })
    }

    /// Refuses a target whose path (through any link in it) leads out of its artifact folder.
    fn check_in_folder(&self, t: &ProxyTarget, shown: &str) -> Result<PathBuf> {
        let bounds = Bounds::new([t.root.as_path()]).with(&t.root);
        safe_path::check_inside(
            &t.path,
            &bounds,
            &format!("artifact '{shown}'"),
            "its folder",
        )
    }

    /// Writes an artifact from a stream: into a temporary file in `.mlt/tmp/`, then renamed
    /// into place, so a reader sees the old file or the whole new one and a failed upload
    /// leaves nothing. Returns the bytes written.
    pub fn upload_artifact(&self, path: &str, mut body: impl Read) -> Result<u64> {
        let t = self.proxy_target(path)?;
        if t.rel.is_empty() {
            return Err(refuse(path, "names the artifact folder itself, not a file"));
        }
        self.check_in_folder(&t, path)?;
        if t.path.is_dir() {
            return Err(refuse(path, "is a folder"));
        }
        // A file where a folder of the path must be: refused before the body is read.
        let mut at = t.root.clone();
        for part in t
            .rel
            .split('/')
            .take(t.rel.split('/').count().saturating_sub(1))
        {
            at.push(part);
            if at.exists() && !at.is_dir() {
                return Err(refuse(
                    path,
                    &format!("goes through '{part}', which is a file"),
                ));
            }
        }
        let (tmp_dir, durable) = match fs::temp_home(&t.path) {
            Some(h) => h,
            None => (self.tmp_dir(), false),
        };
        fs::create_dir_all(&tmp_dir)?;
        let tmp = fs::temp_file_in(&tmp_dir)?;
        let mut file = tmp.as_file();
        let n = std::io::copy(&mut body, &mut file).map_err(|source| Error::Io {
            path: t.path.clone(),
            source,
        })?;
        file.flush().at(&t.path)?;
        if durable {
            tmp.as_file().sync_all().at(&t.path)?;
        }
        let dir = t.path.parent().unwrap_or(&t.root).to_path_buf();
        fs::create_dir_all(&dir)?;
        // Checked again now that the folders exist: one made by another writer meanwhile may
        // be a link.
        self.check_in_folder(&t, path)?;
        match tmp.persist(&t.path) {
            Ok(_) => {}
            Err(e) if e.error.raw_os_error() == Some(18) => {
                // `.mlt/` on another file system: a copy beside the target, then a rename.
                let beside = fs::temp_file_in(&dir)?;
                std::fs::copy(e.file.path(), beside.path()).at(&t.path)?;
                beside.persist(&t.path).map_err(|e| Error::Io {
                    path: t.path.clone(),
                    source: e.error,
                })?;
            }
            Err(e) => {
                return Err(Error::Io {
                    path: t.path.clone(),
                    source: e.error,
                });
            }
        }
        if durable {
            fs::sync_dir(&dir)?;
        }
        Ok(n)
    }

    /// The local file to send for a download, with its size. A folder, a missing file or a
    /// link out of the artifact folder is refused.
    pub fn artifact_file_for_download(&self, path: &str) -> Result<(PathBuf, u64)> {
        let t = self.proxy_target(path)?;
        let real = self.check_in_folder(&t, path)?;
        let meta = match std::fs::metadata(&real) {
            Ok(m) => m,
            Err(_) => return Err(self.missing_artifact(&t, path)),
        };
        if !meta.is_file() {
            return Err(refuse(path, "is a folder, not a file"));
        }
        Ok((real, meta.len()))
    }

    fn missing_artifact(&self, t: &ProxyTarget, path: &str) -> Error {
        let owner = t
            .root
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Error::missing(super::Entity::Artifact { run: owner }, path)
    }

    /// The entries right inside a folder of the proxy (MLflow's `list_artifacts`, one level),
    /// sorted by name. A file, or a folder that does not exist (a run with no artifacts yet),
    /// lists nothing; a link that leads out of the artifact folder is left out.
    pub fn list_proxy(&self, path: &str) -> Result<Vec<ProxyEntry>> {
        let t = self.proxy_target(path)?;
        list_folder(&t, &t.path)
    }

    /// Deletes an artifact file or folder, or everything in the artifact folder when `path` is
    /// the folder itself (MLflow's `delete_artifacts`): moved aside into
    /// `.mlt/tmp/` in one rename, then removed, so readers never see half a folder. A link is
    /// removed itself, never what it points at. A missing path is not an error.
    pub fn delete_proxy(&self, path: &str) -> Result<()> {
        let t = self.proxy_target(path)?;
        if t.rel.is_empty() {
            // The whole folder (MLflow's `delete_artifacts()` with no path): emptied, moved
            // aside in one rename and made again.
            let Ok(meta) = std::fs::symlink_metadata(&t.root) else {
                return Ok(());
            };
            if !meta.is_dir() {
                return Err(refuse(path, "is not a real folder; not deleted"));
            }
            let scratch = self.scratch_named("delete-")?;
            std::fs::rename(&t.root, scratch.path().join("gone")).at(&t.root)?;
            return fs::create_dir_all(&t.root);
        }
        // The folders on the way must stay inside; the last part may itself be a link (which
        // is removed, not followed).
        if let Some(parent) = t.path.parent() {
            let bounds = Bounds::new([t.root.as_path()]).with(&t.root);
            safe_path::check_inside(parent, &bounds, &format!("artifact '{path}'"), "its folder")?;
        }
        let Ok(meta) = std::fs::symlink_metadata(&t.path) else {
            return Ok(());
        };
        if !meta.is_dir() {
            return std::fs::remove_file(&t.path).at(&t.path);
        }
        let scratch = self.scratch_named("delete-")?;
        let aside = scratch.path().join("gone");
        match std::fs::rename(&t.path, &aside) {
            Ok(()) => Ok(()),
            // Another file system: removed in place.
            Err(e) if e.raw_os_error() == Some(18) => std::fs::remove_dir_all(&t.path).at(&t.path),
            Err(e) => Err(e).at(&t.path),
        }
    }
}

/// The entries right inside `dir` (a folder of `t`'s artifact folder), sorted by name.
pub(crate) fn list_folder(t: &ProxyTarget, dir: &Path) -> Result<Vec<ProxyEntry>> {
    let bounds = Bounds::new([t.root.as_path()]).with(&t.root);
    let real = match bounds.resolve(dir) {
        Ok(r) => r,
        Err(o) => {
            return Err(Error::Invalid(format!(
                "artifact folder '{}' is {}; not read",
                t.rel,
                o.describe("its folder")
            )));
        }
    };
    if !real.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(&real).at(&real)? {
        let e = e.at(&real)?;
        let Some(name) = e.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let Ok(target) = bounds.resolve(&e.path()) else {
            continue;
        };
        let Ok(meta) = std::fs::metadata(&target) else {
            continue;
        };
        out.push(ProxyEntry {
            name,
            is_dir: meta.is_dir(),
            size: (!meta.is_dir()).then_some(meta.len()),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

impl Store {
    /// One folder of a run's artifacts (its own location, wherever that is), entries by name;
    /// a link that leads out of the artifact folder is left out.
    pub fn list_run_artifact_folder(
        &self,
        h: &super::RunHandle,
        path: Option<&str>,
    ) -> Result<Vec<ProxyEntry>> {
        let root = self.artifact_dir(h)?;
        let rel = path.unwrap_or("").trim_matches('/').to_string();
        let dir = super::artifact::join_rel(&root, Some(&rel))?;
        let t = ProxyTarget {
            root,
            rel,
            path: dir.clone(),
        };
        list_folder(&t, &dir)
    }
}

impl Store {
    /// The local folder of a logged model's files: its artifact location (store-relative or
    /// absolute), or its own `artifacts/` when that location is not local or not there.
    fn logged_model_root(&self, m: &super::logged_write::LoggedModelRecord) -> PathBuf {
        let own = m.dir.join(layout::ARTIFACTS);
        match super::local_path_of_uri(&m.artifact_location) {
            Some(p) if !m.artifact_location.is_empty() => {
                let p = if p.is_absolute() {
                    p
                } else {
                    self.root().join(p)
                };
                if p.exists() || !own.exists() { p } else { own }
            }
            _ => own,
        }
    }

    fn logged_model_target(
        &self,
        m: &super::logged_write::LoggedModelRecord,
        path: Option<&str>,
    ) -> Result<ProxyTarget> {
        let root = self.logged_model_root(m);
        let rel = path.unwrap_or("").trim_matches('/').to_string();
        let dir = super::artifact::join_rel(&root, Some(&rel))?;
        Ok(ProxyTarget {
            root,
            rel,
            path: dir,
        })
    }

    /// One folder of a logged model's files, entries by name.
    pub fn list_logged_model_folder(
        &self,
        m: &super::logged_write::LoggedModelRecord,
        path: Option<&str>,
    ) -> Result<Vec<ProxyEntry>> {
        let t = self.logged_model_target(m, path)?;
        list_folder(&t, &t.path)
    }

    /// A file of a logged model to send, with its size; a link out of its folder is refused.
    pub fn logged_model_file(
        &self,
        m: &super::logged_write::LoggedModelRecord,
        path: &str,
    ) -> Result<(PathBuf, u64)> {
        let t = self.logged_model_target(m, Some(path))?;
        let real = self.check_in_folder(&t, path)?;
        match std::fs::metadata(&real) {
            Ok(meta) if meta.is_file() => Ok((real, meta.len())),
            Ok(_) => Err(refuse(path, "is a folder, not a file")),
            Err(_) => Err(Error::missing(
                super::Entity::Artifact {
                    run: m.model_id.clone(),
                },
                path,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewRun;

    fn store() -> (tempfile::TempDir, Store, String) {
        let tmp = tempfile::tempdir().unwrap();
        let s = Store::new(tmp.path().join("store"));
        s.init().unwrap();
        let e = s.experiment("0").unwrap();
        let run = s.create_run(&e, NewRun::default()).unwrap().run_id;
        (tmp, s, run)
    }

    #[test]
    fn paths_map_into_run_and_model_artifact_folders_only() {
        let (_t, s, run) = store();
        let t = s
            .proxy_target(&format!("0/{run}/artifacts/a/b.txt"))
            .unwrap();
        assert_eq!(t.rel, "a/b.txt");
        assert_eq!(
            t.path,
            s.tracking().join(format!("0/{run}/artifacts/a/b.txt"))
        );
        for bad in [
            "0".to_string(),
            format!("0/{run}"),
            format!("0/{run}/meta.yaml"),
            format!("0/{run}/params/x"),
            "0/meta.yaml".to_string(),
            ".trash/0/x/artifacts/y".to_string(),
            format!("0/{run}/artifacts/../meta.yaml"),
            format!("0/{run}/artifacts//x"),
            format!("/0/{run}/artifacts/x"),
            format!("0/{run}/artifacts/a\\b"),
            "0/models/m-none/artifacts/x".to_string(),
            "0/0123456789abcdef0123456789abcdef/artifacts/x".to_string(),
            "99/abc/artifacts/x".to_string(),
        ] {
            assert!(s.proxy_target(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uploads_land_whole_and_links_out_are_refused() {
        let (tmp, s, run) = store();
        let p = format!("0/{run}/artifacts/dir/f.bin");
        let data = vec![7u8; 3 * 1024 * 1024 + 5];
        assert_eq!(s.upload_artifact(&p, &data[..]).unwrap(), data.len() as u64);
        let (file, size) = s.artifact_file_for_download(&p).unwrap();
        assert_eq!(size, data.len() as u64);
        assert_eq!(std::fs::read(file).unwrap(), data);
        let list = s.list_proxy(&format!("0/{run}/artifacts")).unwrap();
        assert_eq!(
            list,
            [ProxyEntry {
                name: "dir".into(),
                is_dir: true,
                size: None
            }]
        );
        assert!(s.list_proxy(&p).unwrap().is_empty());
        let through_file = format!("0/{run}/artifacts/dir/f.bin/x");
        let e = s.upload_artifact(&through_file, &b"x"[..]).unwrap_err();
        assert_eq!(e.kind(), crate::store::ErrorKind::Invalid, "{e}");
        // Nothing left in .mlt/tmp/.
        let left: Vec<_> = std::fs::read_dir(s.tmp_dir()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
        // A link in the artifacts to a folder outside: not written through, not read.
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret"), "s").unwrap();
        let art = s.tracking().join(format!("0/{run}/artifacts"));
        std::os::unix::fs::symlink(&outside, art.join("out")).unwrap();
        assert!(
            s.upload_artifact(&format!("0/{run}/artifacts/out/x"), &b"x"[..])
                .is_err()
        );
        assert!(!outside.join("x").exists());
        assert!(
            s.artifact_file_for_download(&format!("0/{run}/artifacts/out/secret"))
                .is_err()
        );
        assert!(s.list_proxy(&format!("0/{run}/artifacts/out")).is_err());
        let names: Vec<String> = s
            .list_proxy(&format!("0/{run}/artifacts"))
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["dir"]);
        // Deleting the link removes the link only.
        s.delete_proxy(&format!("0/{run}/artifacts/out")).unwrap();
        assert!(outside.join("secret").exists());
        s.delete_proxy(&format!("0/{run}/artifacts/dir")).unwrap();
        assert!(!art.join("dir").exists());
        std::fs::write(art.join("last.txt"), "x").unwrap();
        s.delete_proxy(&format!("0/{run}/artifacts")).unwrap();
        assert!(art.is_dir() && std::fs::read_dir(&art).unwrap().next().is_none());
    }
}
