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
