//! File-system helpers: every error names its path; writes are atomic or single appends.

use super::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Prefix of temporary files; readers skip them.
pub const TMP_PREFIX: &str = ".mlt-tmp-";

pub trait IoContext<T> {
    fn at(self, path: &Path) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: &Path) -> Result<T> {
        self.map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Writes a file by writing a temporary file in the same folder and renaming it into place,
/// so a reader sees the old content or the new, never half of it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).at(dir)?;
    let mut tmp = temp_file_in(dir)?;
    tmp.write_all(bytes).at(tmp.path())?;
    tmp.persist(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

/// Writes a file in a folder that is still being built aside (not yet visible in the store).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).at(dir)?;
    }
    fs::write(path, bytes).at(path)
}

/// A temporary file in `dir`, readable like any file the user creates (0666 less the umask;
/// tempfile's default of 0600 would hide store files from teammates and CI users).
pub fn temp_file_in(dir: &Path) -> Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .at(dir)
}

/// Opens a file for appending (creating it and its folders). Callers append whole lines with a
/// single `write` each, so lines from concurrent writers never interleave.
pub fn open_append(path: &Path) -> Result<File> {
    match OpenOptions::new().append(true).create(true).open(path) {
        Ok(f) => Ok(f),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).at(dir)?;
            }
            OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
                .at(path)
        }
        Err(e) => Err(e).at(path),
    }
}

pub fn read_to_string(path: &Path) -> Result<String> {
    fs::read_to_string(path).at(path)
}

pub fn create_dir_all(path: &Path) -> Result<()> {
    fs::create_dir_all(path).at(path)
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).at(to)
}

/// A relative path with `/` separators on every platform: an artifact path, a nested key.
pub fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads every file under `dir` as `key -> content`, where the key is the relative path with
/// `/` separators (MLflow's nested keys). A missing folder reads as empty.
pub fn read_key_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| walk_error(e, dir))?;
        if !entry.file_type().is_file() {
            continue;
        }
        if entry.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let key = slash_path(rel);
        out.push((key, entry.path().to_path_buf()));
    }
    Ok(out)
}

/// A folder walk's error, naming the path it concerns (a link loop has no I/O error).
pub fn walk_error(e: walkdir::Error, root: &Path) -> Error {
    Error::Io {
        path: e.path().unwrap_or(root).to_path_buf(),
        source: e
            .into_io_error()
            .unwrap_or_else(|| std::io::Error::other("symbolic link loop")),
    }
}

/// The file in a scratch folder that its owner holds locked while it lives (see [`Scratch`]).
pub const SCRATCH_OWNER: &str = ".owner";

/// A scratch folder (under the store's `.mlt/tmp/`), removed when dropped. Its owner holds an
/// exclusive lock on `.owner` inside it for as long as it lives, so `mlt store gc` can tell a
/// folder a killed command left (the lock is free) from one a running command still uses.
pub struct Scratch {
    dir: tempfile::TempDir,
    _owner: File,
}

impl Scratch {
    /// A new scratch folder in `base`, named `<prefix>XXXXXX`.
    pub fn new_in(base: &Path, prefix: &str) -> Result<Scratch> {
        fs::create_dir_all(base).at(base)?;
        let dir = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir_in(base)
            .at(base)?;
        let owner_path = dir.path().join(SCRATCH_OWNER);
        let owner = File::create(&owner_path).at(&owner_path)?;
        owner.lock().at(&owner_path)?;
        Ok(Scratch { dir, _owner: owner })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Whether a scratch folder's owner is gone: its `.owner` lock can be taken (or it has none,
/// as folders from older versions of mlt do). A folder a live command holds is never gone.
pub fn scratch_abandoned(dir: &Path) -> bool {
    let owner = dir.join(SCRATCH_OWNER);
    match OpenOptions::new().write(true).open(&owner) {
        Ok(f) => matches!(f.try_lock(), Ok(())),
        Err(_) => true,
    }
}

/// Whether a loose temporary file's writer is gone: writers hold a lock on the file while they
/// write it (see [`temp_file_in`]).
pub fn temp_abandoned(path: &Path) -> bool {
    match OpenOptions::new().write(true).open(path) {
        Ok(f) => matches!(f.try_lock(), Ok(())),
        Err(_) => false,
    }
}

/// An exclusive lock held until dropped (std `File::lock`).
pub struct Lock {
    _file: File,
}

pub fn lock(path: &Path) -> Result<Lock> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).at(dir)?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .at(path)?;
    file.lock().at(path)?;
    Ok(Lock { _file: file })
}
