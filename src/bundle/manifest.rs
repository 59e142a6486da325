//! `manifest.json`: what a bundle holds, and the checksum of every file in it.

use super::{Result, rejected};
use crate::entities::View;
use crate::store::transfer::Stage;
use crate::store::{self, Counts, Store};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Component, Path};

pub const MANIFEST: &str = "manifest.json";
const FORMAT: &str = "mlt-bundle";
const FORMAT_VERSION: u32 = 1;

/// What the user asked to export, as they named it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SelectionRecord {
    /// The whole store.
    pub everything: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub experiments: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExperimentContents {
    pub experiment_id: String,
    pub name: String,
    pub lifecycle_stage: String,
    pub runs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelContents {
    pub name: String,
    pub versions: Vec<i64>,
}

/// What the bundle holds, by name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Contents {
    pub experiments: Vec<ExperimentContents>,
    pub models: Vec<ModelContents>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative, with `/`.
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub mlt_version: String,
    /// RFC 3339, UTC.
    pub created: String,
    pub created_ms: i64,
    pub selection: SelectionRecord,
    /// Whether artifacts were included (`--no-artifacts` leaves them out).
    pub artifacts: bool,
    pub counts: Counts,
    pub contents: Contents,
    pub total_files: u64,
    pub total_bytes: u64,
    pub files: Vec<FileEntry>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a path written in a manifest or a tar entry: relative, `/`-separated, no `..`, no
/// `.`, no empty part. Returns why not.
pub(super) fn check_relative(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("an empty path".into());
    }
    if path.starts_with('/') || Path::new(path).is_absolute() {
        return Err(format!("'{path}' is an absolute path"));
    }
    if path.contains('\\') || path.contains('\0') {
        return Err(format!("'{path}' holds a backslash or NUL"));
    }
    for part in path.split('/') {
        match part {
            ".." => return Err(format!("'{path}' climbs out of the bundle with '..'")),
            "" | "." => return Err(format!("'{path}' is not a plain relative path")),
            _ => {}
        }
    }
    Ok(())
}

impl Manifest {
    /// Lists and hashes every file under `root` (telling `progress` file by file), and
    /// describes the store there.
    pub fn build(
        root: &Path,
        bundle: &Store,
        selection: SelectionRecord,
        artifacts: bool,
        counts: Counts,
        progress: store::transfer::ProgressFn,
    ) -> Result<Manifest> {
        let mut listed = Vec::new();
        for entry in walkdir::WalkDir::new(root).min_depth(1).sort_by_file_name() {
            let entry = entry.map_err(|e| store::fs::walk_error(e, root))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel_path = entry.path().strip_prefix(root).unwrap_or(entry.path());
            // Two names that differ only in bytes that are not UTF-8 would become one name in
            // the manifest (and in a tar entry): refuse rather than merge them.
            let Some(rel) = rel_path
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<Vec<_>>>()
                .map(|parts| parts.join("/"))
            else {
                return Err(store::Error::Invalid(format!(
                    "cannot export {:?}: its name is not UTF-8, and a bundle keeps every name \
                     as UTF-8 text; rename the file",
                    rel_path.as_os_str()
                ))
                .into());
            };
            if rel == MANIFEST {
                continue;
            }
            let size = entry
                .metadata()
                .map_err(|e| store::fs::walk_error(e, root))?
                .len();
            listed.push((rel, entry.into_path(), size));
        }
        let mut step = store::transfer::Stepper::new(Stage::Files, listed.len(), progress);
        let (mut files, mut hashed) = (Vec::with_capacity(listed.len()), 0u64);
        for (rel, path, size) in listed {
            files.push(FileEntry {
                path: rel,
                size,
                sha256: hex(&store::transfer::sha256_file(&path)?),
            });
            hashed += size;
            step.one(hashed);
        }
        let now = crate::env::now_ms();
        let created = chrono::DateTime::from_timestamp_millis(now)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default();
        Ok(Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            mlt_version: env!("CARGO_PKG_VERSION").into(),
            created,
            created_ms: now,
            selection,
            artifacts,
            counts,
            contents: describe(bundle)?,
            total_files: files.len() as u64,
            total_bytes: files.iter().map(|f| f.size).sum(),
            files,
        })
    }

    pub fn write(&self, root: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self).expect("a manifest serializes");
        text.push('\n');
        store::fs::write_atomic(&root.join(MANIFEST), text.as_bytes())?;
        Ok(())
    }

    /// Parses a manifest's text and checks its shape.
    pub fn parse(bytes: &[u8]) -> Result<Manifest> {
        let m: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| rejected(format!("{MANIFEST} is malformed: {e}")))?;
        m.check_format()?;
        Ok(m)
    }

    /// Its totals agree with its list of files (a manifest that lies about them is refused).
    pub fn check_totals(&self) -> Result<()> {
        let sum = self
            .files
            .iter()
            .try_fold(0u64, |a, f| a.checked_add(f.size));
        if self.total_files != self.files.len() as u64 || sum != Some(self.total_bytes) {
            return Err(rejected(format!(
                "{MANIFEST} says {} files and {} bytes, but lists {} files of {} bytes",
                self.total_files,
                self.total_bytes,
                self.files.len(),
                sum.map_or("too many".to_string(), |s| s.to_string())
            )));
        }
        Ok(())
    }

    fn check_format(&self) -> Result<()> {
        if self.format != FORMAT {
            return Err(rejected(format!(
                "{MANIFEST} is not an mlt bundle manifest (format '{}')",
                self.format
            )));
        }
        if self.format_version > FORMAT_VERSION {
            return Err(rejected(format!(
                "bundle format {} is newer than this mlt understands ({FORMAT_VERSION}); \
                 written by mlt {}",
                self.format_version, self.mlt_version
            )));
        }
        Ok(())
    }

    /// Reads and checks the shape of `root/manifest.json`.
    pub fn read(root: &Path) -> Result<Manifest> {
        let path = root.join(MANIFEST);
        let meta = std::fs::symlink_metadata(&path)
            .map_err(|_| rejected(format!("{MANIFEST} is missing")))?;
        if !meta.is_file() {
            return Err(rejected(format!("{MANIFEST} is not a plain file")));
        }
        let text =
            std::fs::read(&path).map_err(|e| rejected(format!("cannot read {MANIFEST}: {e}")))?;
        Manifest::parse(&text)
    }

    /// Checks `root` against the manifest: no links, nothing unlisted, every listed file
    /// present with its size and SHA-256. Reports the first problems found.
    pub fn verify(&self, root: &Path) -> Result<()> {
        self.check_totals()?;
        let mut listed: BTreeMap<&str, &FileEntry> = BTreeMap::new();
        for f in &self.files {
            check_relative(&f.path).map_err(|why| rejected(format!("the manifest lists {why}")))?;
            if f.path == MANIFEST || listed.insert(&f.path, f).is_some() {
                return Err(rejected(format!("the manifest lists '{}' twice", f.path)));
            }
        }
        let mut problems: Vec<String> = Vec::new();
        // Walk without following links: a link anywhere is refused, so nothing read below
        // can lead outside the bundle.
        for entry in walkdir::WalkDir::new(root).min_depth(1).sort_by_file_name() {
            let entry = entry.map_err(|e| store::fs::walk_error(e, root))?;
            let rel_path = entry.path().strip_prefix(root).unwrap_or(entry.path());
            if rel_path
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
            {
                return Err(rejected(format!("odd path {}", rel_path.display())));
            }
            let rel = store::fs::slash_path(rel_path);
            let ft = entry.file_type();
            if ft.is_symlink() {
                let to = std::fs::read_link(entry.path())
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                return Err(rejected(format!(
                    "{rel} is a symbolic link (to {to}); bundles hold only files and folders"
                )));
            }
            if ft.is_dir() {
                continue;
            }
            if !ft.is_file() {
                return Err(rejected(format!(
                    "{rel} is not a plain file (a device, socket or pipe)"
                )));
            }
            if rel == MANIFEST {
                continue;
            }
            if !listed.contains_key(rel.as_str()) {
                problems.push(format!("{rel} is not in the manifest"));
            }
        }
        for f in &self.files {
            let path = store::layout::key_path(root, &f.path);
            let meta = match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_file() => m,
                _ => {
                    problems.push(format!("{} is missing", f.path));
                    continue;
                }
            };
            if meta.len() != f.size {
                problems.push(format!(
                    "{} has changed: {} bytes, the manifest says {}",
                    f.path,
                    meta.len(),
                    f.size
                ));
                continue;
            }
            let sum = hex(&store::transfer::sha256_file(&path)?);
            if sum != f.sha256 {
                problems.push(format!(
                    "{} has changed: its SHA-256 differs from the manifest's",
                    f.path
                ));
            }
        }
        match problems.len() {
            0 => Ok(()),
            1 => Err(rejected(problems.remove(0))),
            n => Err(rejected(format!(
                "{} (and {} more problem{})",
                problems[0],
                n - 1,
                if n == 2 { "" } else { "s" }
            ))),
        }
    }
}

/// The experiments (with their run ids) and registered models (with their versions) of a
/// bundle's store.
fn describe(bundle: &Store) -> Result<Contents> {
    let mut out = Contents::default();
    if bundle.tracking().is_dir() {
        let mut exps = bundle.list_experiments(View::All)?;
        exps.sort_by(|a, b| a.name.cmp(&b.name));
        for e in exps {
            let mut runs: Vec<String> = bundle
                .list_runs(&e, View::All)?
                .into_iter()
                .map(|h| h.info.run_id)
                .collect();
            runs.sort();
            out.experiments.push(ExperimentContents {
                experiment_id: e.experiment_id,
                name: e.name,
                lifecycle_stage: e.lifecycle_stage.as_str().into(),
                runs,
            });
        }
    }
    for m in bundle.list_registered_models()? {
        let mut versions: Vec<i64> = bundle.all_version_numbers(&m.name)?;
        versions.sort();
        out.models.push(ModelContents {
            name: m.name,
            versions,
        });
    }
    Ok(out)
}
