//! Artifact files moving between the store and a tracking server (`mlt push`, `mlt pull`):
//! the files of a run's (or a logged model's) artifacts with their stamps, read without
//! following a link out of the store, and files fetched from a server, each written whole
//! (a temporary file in `.mlt/tmp/`, renamed into place) and only inside the folder it
//! belongs to, whatever path the server names.

use super::artifact::{join_rel, validate_artifact_path};
use super::fs::{self, IoContext};
use super::safe_path::{self, Bounds};
use super::{Error, Result, RunHandle, Store};
use std::path::{Path, PathBuf};

/// A file under an artifacts folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalFile {
    /// Its artifact path (`/`-separated, relative to the folder).
    pub rel: String,
    /// Where to read it.
    pub path: PathBuf,
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i64,
}

/// A file's size and modification time (nanoseconds since the epoch), through links.
pub fn file_stamp(path: &Path) -> Result<(u64, i64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).at(path)?;
    Ok((
        m.len(),
        m.mtime().saturating_mul(1_000_000_000) + m.mtime_nsec(),
    ))
}

/// A file being fetched: written into a temporary file, put in place by [`PulledFile::commit`]
/// (and never, when dropped before).
pub struct PulledFile {
    tmp: tempfile::NamedTempFile,
    dest: PathBuf,
    bounds: Bounds,
    what: String,
}

impl PulledFile {
    /// Where the bytes go until the commit.
    pub fn file(&mut self) -> &mut std::fs::File {
        self.tmp.as_file_mut()
    }

    /// Where the file lands.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Renames the file into place (its folders made); returns its size and modification
    /// time there.
    pub fn commit(self) -> Result<(u64, i64)> {
        let durable = fs::durable_for(&self.dest);
        if durable {
            self.tmp.as_file().sync_all().at(&self.dest)?;
        }
        let dir = self.dest.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        // Checked again: a folder on the way may have become a link since.
        safe_path::check_inside(&self.dest, &self.bounds, &self.what, "the store")?;
        if self.dest.is_dir() {
            return Err(Error::Invalid(format!("{} is a folder here", self.what)));
        }
        let dest = self.dest.clone();
        if let Err(e) = self.tmp.persist(&dest) {
            if e.error.raw_os_error() != Some(18 /* EXDEV */) {
                return Err(Error::Io {
                    path: dest,
                    source: e.error,
                });
            }
            // `.mlt/` on another file system than the artifacts: copied beside, renamed.
            let beside = fs::temp_file_in(dir)?;
            std::fs::copy(e.file.path(), beside.path()).at(&dest)?;
            beside.persist(&dest).map_err(|e| Error::Io {
                path: dest.clone(),
                source: e.error,
            })?;
        }
        if durable {
            fs::sync_dir(dir)?;
        }
        file_stamp(&dest)
    }
}

impl Store {
    /// Every file of a run's own artifacts folder, sorted by path. A link that stays inside
    /// the store is read as what it points at; one that leads out (or nowhere) is left out,
    /// with a warning, as are names that are not UTF-8 (no server could name them).
    pub fn run_artifact_files(&self, h: &RunHandle) -> Result<Vec<LocalFile>> {
        let dir = self.artifact_dir(h)?;
        self.files_under(
            &dir,
            &self.artifact_bounds(h),
            &format!("run {}", h.info.run_id),
        )
    }

    /// Every file under `dir`, a folder of the store (a logged model's artifacts), as
    /// [`Store::run_artifact_files`].
    pub fn folder_files(&self, dir: &Path) -> Result<Vec<LocalFile>> {
        self.files_under(dir, &self.read_bounds(), &dir.display().to_string())
    }

    fn files_under(&self, dir: &Path, bounds: &Bounds, owner: &str) -> Result<Vec<LocalFile>> {
        let walk = safe_path::walk(dir, bounds)?;
        for (rel, o) in &walk.skipped {
            self.warn(&format!(
                "{owner}: artifact '{}' is {}; not sent",
                fs::slash_path(rel),
                o.describe("the store")
            ));
        }
        let mut out = Vec::new();
        for entry in walk.entries.into_iter().filter(|e| !e.is_dir) {
            let Some(parts) = entry
                .rel
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<Vec<_>>>()
            else {
                self.warn(&format!(
                    "{owner}: artifact '{}' has a name that is not UTF-8; not sent",
                    entry.rel.display()
                ));
                continue;
            };
            let (size, mtime_ns) = file_stamp(&entry.path)?;
            out.push(LocalFile {
                rel: parts.join("/"),
                path: entry.path,
                size,
                mtime_ns,
            });
        }
        Ok(out)
    }

    /// A file fetched from a server into a run's artifacts at `rel`: refused when `rel` is
    /// not a plain relative path (`..`, absolute, empty parts) or leads out of the run's
    /// artifacts through a link.
    pub fn pulled_run_file(&self, h: &RunHandle, rel: &str) -> Result<PulledFile> {
        let dir = self.artifact_dir(h)?;
        let what = format!("run {}'s artifact '{rel}'", h.info.run_id);
        self.pulled_file(&dir, rel, self.artifact_bounds(h), what)
    }

    /// A file fetched from a server into `dir`, a folder of the store (a logged model's
    /// artifacts), at `rel`, checked as in [`Store::pulled_run_file`].
    pub fn pulled_folder_file(&self, dir: &Path, rel: &str) -> Result<PulledFile> {
        let what = format!("artifact '{rel}' of {}", dir.display());
        safe_path::check_inside(
            dir,
            &self.read_bounds(),
            &dir.display().to_string(),
            "the store",
        )?;
        self.pulled_file(dir, rel, self.read_bounds(), what)
    }

    fn pulled_file(
        &self,
        dir: &Path,
        rel: &str,
        bounds: Bounds,
        what: String,
    ) -> Result<PulledFile> {
        if rel.is_empty() {
            return Err(Error::Invalid(format!("{what}: an empty artifact path")));
        }
        validate_artifact_path(rel)?;
        let dest = join_rel(dir, Some(rel))?;
        // Lexically inside the folder (the check above), and no link on the way out.
        if !dest.starts_with(dir) {
            return Err(Error::Invalid(format!("{what} is outside its folder")));
        }
        safe_path::check_inside(&dest, &bounds, &what, "the store")?;
        if dest.is_dir() {
            return Err(Error::Invalid(format!("{what} is a folder here")));
        }
        self.ensure_mlt_dir()?;
        let tmp_dir = self.tmp_dir();
        fs::create_dir_all(&tmp_dir)?;
        let tmp = fs::temp_file_in(&tmp_dir)?;
        Ok(PulledFile {
            tmp,
            dest,
            bounds,
            what,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewRun;
    use std::io::Write;

    fn run() -> (tempfile::TempDir, Store, RunHandle) {
        let tmp = tempfile::tempdir().unwrap();
        let s = Store::new(tmp.path().join("store"));
        s.init().unwrap();
        let e = s.create_experiment("e", None, &[]).unwrap();
        let info = s.create_run(&e, NewRun::default()).unwrap();
        let h = s.find_run(&info.run_id).unwrap();
        (tmp, s, h)
    }

    #[test]
    fn pulled_files_land_whole_inside_the_run_and_nowhere_else() {
        let (tmp, s, h) = run();
        let mut f = s.pulled_run_file(&h, "d/e/f.txt").unwrap();
        f.file().write_all(b"hello").unwrap();
        let dest = f.dest().to_path_buf();
        assert!(!dest.exists(), "nothing in place before the commit");
        let (size, mtime) = f.commit().unwrap();
        assert_eq!(size, 5);
        assert!(mtime > 0);
        assert_eq!(
            std::fs::read(s.artifact_dir(&h).unwrap().join("d/e/f.txt")).unwrap(),
            b"hello"
        );
        // Dropped before the commit: nothing lands.
        let mut f = s.pulled_run_file(&h, "g.txt").unwrap();
        f.file().write_all(b"x").unwrap();
        drop(f);
        assert!(!s.artifact_dir(&h).unwrap().join("g.txt").exists());
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "./a",
            "",
            "a\\b",
        ] {
            assert!(s.pulled_run_file(&h, bad).is_err(), "{bad}");
        }
        // A folder in the artifacts that is a link out of the store: nothing written through.
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, s.artifact_dir(&h).unwrap().join("out")).unwrap();
        let e = s
            .pulled_run_file(&h, "out/x.txt")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("link out of the store"), "{e}");
        assert!(std::fs::read_dir(&outside).unwrap().next().is_none());
        // Listed with stamps; the link out is left out.
        let files = s.run_artifact_files(&h).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(names, ["d/e/f.txt"]);
        assert_eq!(files[0].size, 5);
    }
}
