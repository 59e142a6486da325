//! A run's fingerprint: one digest of the stamps (kind, size, modification time in
//! nanoseconds, inode; `lstat`, links never followed) of everything a push sends of it:
//! `meta.yaml`, the `params/`, `tags/` and `metrics/` folders and every file in them, the
//! `inputs/` and `outputs/` folders when present, and the artifacts tree. Any write to the
//! run changes a stamp (a new file, a file appended to or rewritten, a folder whose listing
//! changed), so an equal fingerprint says the run is as it was, with a few `lstat` calls and
//! no read.
//!
//! As the run summaries do ([`super::summary`]), a stamp younger than the margin (2 s) may
//! hide a write made within the file system's time granularity after it was taken: then there
//! is no fingerprint (`None`), and the caller compares the run in full next time.

use super::fs::IoContext;
use super::{Result, RunHandle, Store, layout};
use sha2::Digest;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// The folders of a run that a fingerprint covers, beside `meta.yaml` and the artifacts.
const FOLDERS: [&str; 5] = [
    layout::PARAMS,
    layout::TAGS,
    layout::METRICS,
    layout::INPUTS,
    layout::OUTPUTS,
];

struct Print {
    hash: sha2::Sha256,
    /// Stamps modified after this (ns since the epoch) are too young to vouch for anything.
    young_after: i64,
    racy: bool,
}

impl Print {
    fn put(&mut self, bytes: &[u8]) {
        self.hash.update((bytes.len() as u64).to_le_bytes());
        self.hash.update(bytes);
    }

    /// The stamp of `path` under the name `rel`; a real folder's entries after it, by name.
    fn tree(&mut self, rel: &str, path: &Path) -> Result<()> {
        let m = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.put(rel.as_bytes());
                self.put(b"absent");
                return Ok(());
            }
            Err(e) => return Err(e).at(path),
        };
        let t = m.file_type();
        let kind: &[u8] = if t.is_symlink() {
            b"link"
        } else if t.is_dir() {
            b"dir"
        } else if t.is_file() {
            b"file"
        } else {
            b"other"
        };
        let mtime = m.mtime().saturating_mul(1_000_000_000) + m.mtime_nsec();
        if mtime > self.young_after {
            self.racy = true;
        }
        self.put(rel.as_bytes());
        self.put(kind);
        self.hash.update(m.size().to_le_bytes());
        self.hash.update(mtime.to_le_bytes());
        self.hash.update(m.ino().to_le_bytes());
        if t.is_dir() {
            let mut names: Vec<std::ffi::OsString> = std::fs::read_dir(path)
                .at(path)?
                .map(|e| e.map(|e| e.file_name()))
                .collect::<std::io::Result<_>>()
                .at(path)?;
            names.sort();
            for name in names {
                let child = format!("{rel}/{}", name.to_string_lossy());
                self.tree(&child, &path.join(&name))?;
            }
        }
        Ok(())
    }
}

impl Store {
    /// The run's fingerprint (see the module doc), or `None` when something in it changed
    /// within the last 2 s.
    pub fn run_fingerprint(&self, h: &RunHandle) -> Result<Option<String>> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let mut p = Print {
            hash: sha2::Sha256::new(),
            young_after: now.saturating_sub(self.summary_margin.max(0)),
            racy: false,
        };
        p.tree(layout::META, &layout::meta(&h.dir))?;
        for folder in FOLDERS {
            p.tree(folder, &h.dir.join(folder))?;
        }
        match self.artifact_dir(h) {
            Ok(dir) => p.tree(layout::ARTIFACTS, &dir)?,
            // Not a local folder: nothing here to stamp (and nothing a push could send).
            Err(_) => p.put(b"no local artifacts"),
        }
        if p.racy {
            return Ok(None);
        }
        Ok(Some(
            p.hash.finalize()[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        ))
    }
}

/// Sets the modification time of everything under `dir` (links too, not followed) `secs` seconds
/// back, so that a test's fresh files are old enough to be fingerprinted.
#[cfg(test)]
pub(crate) fn age(dir: &Path, secs: u64) {
    let then = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - secs;
    let t = rustix::fs::Timespec {
        tv_sec: then as i64,
        tv_nsec: 0,
    };
    let times = rustix::fs::Timestamps {
        last_access: t,
        last_modification: t,
    };
    for e in walkdir::WalkDir::new(dir).contents_first(true) {
        let e = e.unwrap();
        rustix::fs::utimensat(
            rustix::fs::CWD,
            e.path(),
            &times,
            rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
        )
        .unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::{MetricPoint, RunStatus};
    use crate::store::{Batch, NewRun};

    fn run() -> (tempfile::TempDir, Store, String) {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::new(tmp.path());
        store.init().unwrap();
        let e = store.experiment("0").unwrap();
        let info = store.create_run(&e, NewRun::default()).unwrap();
        let h = store.find_run(&info.run_id).unwrap();
        store
            .log_batch(
                &h,
                &Batch {
                    metrics: vec![(
                        "loss".into(),
                        MetricPoint {
                            timestamp: 1,
                            value: 0.5,
                            step: 0,
                        },
                    )],
                    params: vec![("lr".into(), "0.1".into())],
                    tags: vec![("t".into(), "1".into())],
                },
            )
            .unwrap();
        (tmp, store, info.run_id)
    }

    fn fp(store: &Store, id: &str) -> Option<String> {
        let h = store.find_run(id).unwrap();
        store.run_fingerprint(&h).unwrap()
    }

    fn point(step: i64) -> Batch {
        Batch {
            metrics: vec![(
                "loss".into(),
                MetricPoint {
                    timestamp: 2,
                    value: 0.4,
                    step,
                },
            )],
            ..Batch::default()
        }
    }

    #[test]
    fn a_fresh_run_has_no_fingerprint_an_old_one_keeps_it() {
        let (tmp, store, id) = run();
        assert_eq!(fp(&store, &id), None, "written just now: racily clean");
        age(tmp.path(), 10);
        let a = fp(&store, &id).expect("old enough");
        assert_eq!(fp(&store, &id).as_deref(), Some(a.as_str()));
        // Reading the run (and its summary cache) changes nothing.
        store.get_run(&id).unwrap();
        assert_eq!(fp(&store, &id).as_deref(), Some(a.as_str()));
    }

    #[test]
    fn every_kind_of_change_changes_the_fingerprint() {
        let (tmp, store, id) = run();
        age(tmp.path(), 10);
        let mut seen = vec![fp(&store, &id).unwrap()];
        let changes: Vec<(&str, Box<dyn Fn()>)> = vec![
            (
                "a metric line appended",
                Box::new(|| {
                    let h = store.find_run(&id).unwrap();
                    store.log_batch(&h, &point(1)).unwrap();
                }),
            ),
            (
                "a new tag",
                Box::new(|| {
                    let h = store.find_run(&id).unwrap();
                    store
                        .log_batch(
                            &h,
                            &Batch {
                                tags: vec![("u".into(), "2".into())],
                                ..Batch::default()
                            },
                        )
                        .unwrap();
                }),
            ),
            (
                "the status",
                Box::new(|| {
                    store
                        .set_run_status(&id, RunStatus::Finished, Some(5))
                        .unwrap();
                }),
            ),
            (
                "a new artifact",
                Box::new(|| {
                    let h = store.find_run(&id).unwrap();
                    let dir = store.artifact_dir(&h).unwrap();
                    std::fs::create_dir_all(dir.join("sub")).unwrap();
                    std::fs::write(dir.join("sub").join("f.txt"), "x").unwrap();
                }),
            ),
            (
                "an artifact rewritten",
                Box::new(|| {
                    let h = store.find_run(&id).unwrap();
                    let dir = store.artifact_dir(&h).unwrap();
                    std::fs::write(dir.join("sub").join("f.txt"), "yy").unwrap();
                }),
            ),
        ];
        for (what, change) in changes {
            change();
            assert_eq!(fp(&store, &id), None, "{what}: just changed");
            age(tmp.path(), 10);
            let now = fp(&store, &id).unwrap();
            assert!(
                !seen.contains(&now),
                "{what} left the fingerprint as it was"
            );
            seen.push(now);
        }
    }

    #[test]
    fn links_are_stamped_not_followed() {
        let (tmp, store, id) = run();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("big"), "1").unwrap();
        let h = store.find_run(&id).unwrap();
        let dir = store.artifact_dir(&h).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.join("elsewhere")).unwrap();
        age(tmp.path(), 10);
        age(outside.path(), 10);
        let a = fp(&store, &id).unwrap();
        // A change behind the link is not the run's.
        std::fs::write(outside.path().join("big"), "22").unwrap();
        age(outside.path(), 10);
        assert_eq!(fp(&store, &id).unwrap(), a);
    }
}
