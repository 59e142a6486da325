//! File-system helpers: every error names its path; writes are atomic or single appends.

use super::layout;
use super::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Prefix of temporary files. They live in the store's `.mlt/tmp/`, so readers need not skip
/// them: a key that happens to start with it is an ordinary key.
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

/// A store this process opened: its root, its `.mlt/` folder, and, once its `.mlt/tmp/` has
/// been made, whether its writes are durable (read once, not for every file).
struct Home {
    root: PathBuf,
    mlt: PathBuf,
    durable: Option<bool>,
}

/// The stores this process has opened (see [`temp_home`]).
static STORES: std::sync::Mutex<Vec<Home>> = std::sync::Mutex::new(Vec::new());

/// Makes writes under `root` put their temporary files in `mlt/tmp/` ([`Store`] does this for
/// every store it opens).
///
/// [`Store`]: super::Store
pub fn register_store(root: &Path, mlt: &Path) {
    let mut stores = STORES.lock().unwrap_or_else(|e| e.into_inner());
    if !stores.iter().any(|h| h.root == root) {
        stores.push(Home {
            root: root.to_path_buf(),
            mlt: mlt.to_path_buf(),
            durable: None,
        });
    }
}

/// Forgets what was read of the stores' settings (after `mlt init --durable` changed one).
pub fn forget_settings() {
    let mut stores = STORES.lock().unwrap_or_else(|e| e.into_inner());
    for h in stores.iter_mut() {
        h.durable = None;
    }
}

/// Where the temporary files for a write to `path` go, and whether writes there are durable:
/// the `tmp/` folder of the `.mlt/` of the store `path` is in (the innermost, when stores
/// nest), on the same file system as `mlruns/` and where MLflow never looks. The store is
/// known from the stores this process opened, never guessed from folder names: a run's
/// `params/` can hold a folder called `.mlt` (the param `.mlt/x`). `None` outside any store
/// (a bundle being built aside). The folder is made on first use; later calls cost no I/O.
pub fn temp_home(path: &Path) -> Option<(PathBuf, bool)> {
    let mut stores = STORES.lock().unwrap_or_else(|e| e.into_inner());
    let home = stores
        .iter_mut()
        // A file right in the root (a bundle's manifest) is where MLflow never looks anyway.
        .filter(|h| {
            path.parent()
                .is_some_and(|p| p != h.root && p.starts_with(&h.root))
        })
        .max_by_key(|h| h.root.components().count())?;
    let tmp = home.mlt.join(layout::TMP);
    let durable = match home.durable {
        Some(d) => d,
        None => {
            if !home.mlt.is_dir() && fs::create_dir_all(&home.mlt).is_ok() {
                // Nothing in .mlt/ belongs in git: a lock file and scratch space.
                let _ = fs::write(home.mlt.join(layout::GITIGNORE), b"*\n");
            }
            let d = durable_at(&home.mlt);
            if fs::create_dir_all(&tmp).is_ok() {
                home.durable = Some(d);
            }
            d
        }
    };
    Some((tmp, durable))
}

/// Whether writes into the store whose `.mlt/` folder is `mlt` are flushed to disk:
/// `MLT_DURABLE` (1/true/yes or 0/false/no) when set, else whether `.mlt/durable` exists
/// (`mlt init --durable`).
pub fn durable_at(mlt: &Path) -> bool {
    match crate::env::var(crate::env::MLT_DURABLE).as_deref() {
        Some("1" | "true" | "yes" | "on") => true,
        Some(_) => false,
        None => mlt.join(DURABLE_MARKER).is_file(),
    }
}

/// The file in `.mlt/` that turns the durable mode on for a store.
pub const DURABLE_MARKER: &str = super::layout::DURABLE;

/// A temporary file for a write to `path`: in the store's `.mlt/tmp/` (see [`temp_home`]), or
/// beside `path` outside a store. Returns it with the durable flag.
fn temp_for(path: &Path) -> Result<(tempfile::NamedTempFile, bool)> {
    match temp_home(path) {
        Some((tmp, durable)) => match temp_file_in(&tmp) {
            Ok(f) => Ok((f, durable)),
            // `.mlt/tmp/` was removed since it was made: make it again.
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir_all(&tmp).at(&tmp)?;
                Ok((temp_file_in(&tmp)?, durable))
            }
            Err(e) => Err(e),
        },
        None => {
            let dir = path.parent().unwrap_or(Path::new("."));
            fs::create_dir_all(dir).at(dir)?;
            Ok((temp_file_in(dir)?, false))
        }
    }
}

/// Whether an error is "cross-device link" (the store's `.mlt/` is on another file system
/// than the file being written, e.g. `mlruns/` is a mount point).
fn cross_device(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(18)
}

/// Writes a file by writing a temporary file (in the store's `.mlt/tmp/`) and renaming it into
/// place, so a reader sees the old content or the new, never half of it, and a killed write
/// leaves nothing where MLflow looks. In the durable mode the file is flushed before the
/// rename and its folder after.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let (tmp, durable) = temp_for(path)?;
    make_dir(dir, durable)?;
    let tmp = fill(tmp, bytes, durable)?;
    match tmp.persist(path) {
        Ok(_) => {}
        Err(e) if cross_device(&e.error) => {
            // Rare: a mount between the store root and this folder. A temporary file beside
            // the target is the only atomic way left.
            let beside = fill(temp_file_in(dir)?, bytes, durable)?;
            beside.persist(path).map_err(|e| Error::Io {
                path: path.to_path_buf(),
                source: e.error,
            })?;
        }
        Err(e) => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: e.error,
            });
        }
    }
    if durable {
        sync_dir(dir)?;
    }
    Ok(())
}

fn fill(
    mut tmp: tempfile::NamedTempFile,
    bytes: &[u8],
    durable: bool,
) -> Result<tempfile::NamedTempFile> {
    tmp.write_all(bytes).at(tmp.path())?;
    if durable {
        tmp.as_file().sync_all().at(tmp.path())?;
    }
    Ok(tmp)
}

/// A file's content staged in a temporary file, to be put in place later (see [`Staged`]).
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    dest: PathBuf,
    durable: bool,
}

impl Staged {
    /// Writes `bytes` to a temporary file for `dest` (nothing is visible yet). Fails, with
    /// nothing left behind, when the disk is full.
    pub fn new(dest: &Path, bytes: &[u8]) -> Result<Staged> {
        let (tmp, durable) = temp_for(dest)?;
        let tmp = fill(tmp, bytes, durable)?;
        Ok(Staged {
            tmp,
            dest: dest.to_path_buf(),
            durable,
        })
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Puts the file in place, replacing what is there.
    pub fn replace(self) -> Result<()> {
        let dir = self.dest.parent().unwrap_or(Path::new("."));
        make_dir(dir, self.durable)?;
        match self.tmp.persist(&self.dest) {
            Ok(_) => {}
            Err(e) if cross_device(&e.error) => {
                let bytes = fs::read(e.file.path()).at(e.file.path())?;
                return write_atomic(&self.dest, &bytes);
            }
            Err(e) => {
                return Err(Error::Io {
                    path: self.dest.clone(),
                    source: e.error,
                });
            }
        }
        if self.durable {
            sync_dir(dir)?;
        }
        Ok(())
    }

    /// Puts the file in place only if there is none yet (a hard link, which never replaces):
    /// `Ok(false)` when another writer was first. Two writers racing for the same new file get
    /// exactly one winner.
    pub fn create(self) -> Result<bool> {
        let dir = self.dest.parent().unwrap_or(Path::new("."));
        make_dir(dir, self.durable)?;
        let linked = match fs::hard_link(self.tmp.path(), &self.dest) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
            Err(e) if cross_device(&e) || e.kind() == std::io::ErrorKind::Unsupported => {
                // No hard links here: create the file exclusively and fill it (visible while
                // it is being written, the best such a file system allows).
                let bytes = fs::read(self.tmp.path()).at(self.tmp.path())?;
                match OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&self.dest)
                {
                    Ok(mut f) => {
                        f.write_all(&bytes).at(&self.dest)?;
                        true
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
                    Err(e) => return Err(e).at(&self.dest),
                }
            }
            Err(e) => return Err(e).at(&self.dest),
        };
        if linked && self.durable {
            sync_dir(dir)?;
        }
        // The temporary name goes when `self.tmp` drops.
        Ok(linked)
    }
}

/// Creates a folder and the missing ones above it. In the durable mode each new folder's entry
/// is flushed in its parent, so a file put in it later cannot come back without its folder.
fn make_dir(dir: &Path, durable: bool) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.is_dir()).collect();
    fs::create_dir_all(dir).at(dir)?;
    if durable {
        for d in missing.iter().rev() {
            if let Some(parent) = d.parent() {
                sync_dir(parent)?;
            }
        }
    }
    Ok(())
}

/// Flushes a folder's entries (the names renamed or linked into it) to disk.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).at(dir)
}

/// Whether writes to `path` (inside a store) are durable.
pub fn durable_for(path: &Path) -> bool {
    temp_home(path).is_some_and(|(_, d)| d)
}

/// Appends whole lines to a file that already exists, in one `write` on an O_APPEND file (so
/// lines from concurrent writers never interleave). If the write fails part way (a full disk),
/// the part written is cut off again, so the file never ends in a torn line of ours. Returns
/// the file's length before the write, for [`undo_append`].
pub fn append_whole(file: &mut File, path: &Path, bytes: &[u8], durable: bool) -> Result<u64> {
    use std::io::ErrorKind;
    let before = file.metadata().at(path)?.len();
    let mut done = 0;
    while done < bytes.len() {
        match file.write(&bytes[done..]) {
            Ok(0) => {
                let e = std::io::Error::new(ErrorKind::WriteZero, "no space written");
                undo_append(file, before, done as u64);
                return Err(e).at(path);
            }
            Ok(n) => done += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => {
                undo_append(file, before, done as u64);
                return Err(e).at(path);
            }
        }
    }
    if durable {
        file.sync_data().at(path)?;
    }
    Ok(before)
}

/// Cuts `written` bytes appended at `before` off again, when nobody appended after them.
pub fn undo_append(file: &File, before: u64, written: u64) {
    if written == 0 {
        return;
    }
    if file.metadata().is_ok_and(|m| m.len() == before + written) {
        let _ = file.set_len(before);
    }
}

/// Writes a file in a folder that is still being built aside (not yet visible in the store).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).at(dir)?;
    }
    fs::write(path, bytes).at(path)
}

/// Copies a file to a temporary file (in the store's `.mlt/tmp/`) and renames it into place.
pub fn copy_atomic(src: &Path, dst: &Path) -> Result<()> {
    let dir = dst.parent().unwrap_or(Path::new("."));
    let (tmp, durable) = temp_for(dst)?;
    make_dir(dir, durable)?;
    let mut from = File::open(src).at(src)?;
    let mut to = tmp.as_file();
    std::io::copy(&mut from, &mut to).map_err(|e| {
        // Name the side that failed: a full disk is the destination's fault.
        let on_write = matches!(
            e.raw_os_error(),
            Some(28 /* ENOSPC */) | Some(122 /* EDQUOT */) | Some(27 /* EFBIG */)
        );
        Error::Io {
            path: if on_write {
                dst.to_path_buf()
            } else {
                src.to_path_buf()
            },
            source: e,
        }
    })?;
    if durable {
        tmp.as_file().sync_all().at(dst)?;
    }
    match tmp.persist(dst) {
        Ok(_) => {}
        Err(e) if cross_device(&e.error) => {
            let beside = temp_file_in(dir)?;
            fs::copy(src, beside.path()).at(dst)?;
            beside.persist(dst).map_err(|e| Error::Io {
                path: dst.to_path_buf(),
                source: e.error,
            })?;
        }
        Err(e) => {
            return Err(Error::Io {
                path: dst.to_path_buf(),
                source: e.error,
            });
        }
    }
    if durable {
        sync_dir(dir)?;
    }
    Ok(())
}

/// A temporary file in `dir`, readable like any file the user creates (0666 less the umask;
/// tempfile's default of 0600 would hide store files from teammates and CI users). Its writer
/// holds a lock on it while it lives, so `mlt store gc` leaves it alone (see
/// [`temp_abandoned`]).
pub fn temp_file_in(dir: &Path) -> Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .at(dir)?;
    tmp.as_file().lock().at(tmp.path())?;
    Ok(tmp)
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

/// A whole (small) file as text, or `None` when `path` itself is a link (which is not
/// followed): for the store's own records (`meta.yaml`), whose links the caller checks.
pub fn read_to_string_unless_link(path: &Path) -> Result<Option<String>> {
    use std::os::unix::fs::OpenOptionsExt;
    let nofollow = rustix::fs::OFlags::NOFOLLOW.bits() as i32;
    match OpenOptions::new()
        .read(true)
        .custom_flags(nofollow)
        .open(path)
    {
        Ok(f) => read_all(f, path).map(Some),
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => Ok(None),
        Err(e) => Err(e).at(path),
    }
}

/// A whole (small) file as text. Reads without asking the file's size first (one system call
/// less than `std::fs::read_to_string`, which matters when a search reads thousands of param
/// and tag files of a few bytes each).
pub fn read_to_string(path: &Path) -> Result<String> {
    read_all(File::open(path).at(path)?, path)
}

/// The rest of an open file as text.
fn read_all(mut f: File, path: &Path) -> Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 512];
    loop {
        match f.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e).at(path),
        }
    }
    String::from_utf8(bytes).map_err(|_| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ),
    })
}

pub fn create_dir_all(path: &Path) -> Result<()> {
    fs::create_dir_all(path).at(path)
}

/// Renames a file or a folder built aside into place. In the durable mode, everything in a
/// folder is flushed first, and the destination's folder after.
pub fn rename(from: &Path, to: &Path) -> Result<()> {
    let durable = durable_for(to);
    if durable {
        sync_tree(from)?;
    }
    fs::rename(from, to).at(to)?;
    if durable && let Some(dir) = to.parent() {
        sync_dir(dir)?;
    }
    Ok(())
}

/// Flushes every file and folder under `path` (a folder about to be renamed into place).
fn sync_tree(path: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(path).contents_first(true) {
        let entry = entry.map_err(|e| walk_error(e, path))?;
        let t = entry.file_type();
        if t.is_file() || t.is_dir() {
            File::open(entry.path())
                .and_then(|f| f.sync_all())
                .at(entry.path())?;
        }
    }
    Ok(())
}

/// Whether `path`, below `base`, is a plain file reached without any link on the way: each
/// folder from `base` down is a real folder and the file a real file. A run's files are read
/// only so, so that a link put in a run folder (by a merged branch, say) cannot make mlt print
/// or copy a file from outside the store.
pub fn plain_file(base: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(base) else {
        return false;
    };
    let mut at = base.to_path_buf();
    let mut parts = rel.components().peekable();
    while let Some(c) = parts.next() {
        at.push(c);
        let Ok(m) = fs::symlink_metadata(&at) else {
            return false;
        };
        let want = if parts.peek().is_some() {
            m.is_dir()
        } else {
            m.is_file()
        };
        if !want {
            return false;
        }
    }
    true
}

/// Refuses to write `path`, below `base`, through a link: every part of it that exists must be
/// a real folder (or, for the last, a real file).
pub fn check_no_link(base: &Path, path: &Path) -> Result<()> {
    let Ok(rel) = path.strip_prefix(base) else {
        return Ok(());
    };
    let mut at = base.to_path_buf();
    for c in rel.components() {
        at.push(c);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(Error::Invalid(format!(
                    "{} is a link; mlt does not write through links inside a store",
                    at.display()
                )));
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(())
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
    // A folder that is itself a link (a crafted `params -> /etc` merged from a branch) lists
    // nothing, as links inside it are not followed either.
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => {}
        _ => return Ok(out),
    }
    key_files_in(dir, "", &mut out, 0)?;
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The files below `dir` (keys prefixed with `prefix`), by the entries' own types: links are
/// skipped, folders (nested keys such as `a/b`) are read in turn. Plain `read_dir`, not a
/// walker: a run's folders are flat but for rare nested keys, and a search lists thousands.
fn key_files_in(
    dir: &Path,
    prefix: &str,
    out: &mut Vec<(String, PathBuf)>,
    depth: usize,
) -> Result<()> {
    // Key parts are validated names; anything deeper than this was not written by a client.
    const MAX_DEPTH: usize = 64;
    for entry in fs::read_dir(dir).at(dir)? {
        let entry = entry.at(dir)?;
        let kind = entry.file_type().at(dir)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let key = if prefix.is_empty() {
            name.into_owned()
        } else {
            format!("{prefix}/{name}")
        };
        if kind.is_file() {
            out.push((key, entry.path()));
        } else if kind.is_dir() && depth < MAX_DEPTH {
            key_files_in(&entry.path(), &key, out, depth + 1)?;
        }
    }
    Ok(())
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
        // The lock is taken before the file has its name, so no reaper ever sees `.owner`
        // unlocked while its folder is in use.
        let owner_path = dir.path().join(SCRATCH_OWNER);
        let naming = dir.path().join(".owner-new");
        let owner = File::create(&naming).at(&naming)?;
        owner.lock().at(&naming)?;
        fs::rename(&naming, &owner_path).at(&owner_path)?;
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
        // No lock file: an older mlt's folder. Any other error (another user's folder):
        // nothing can be said, so it is kept.
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
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

/// The rest of a file already open (relative to its folder, say) as text, as
/// [`read_to_string`] reads a file it opens; errors name `path`.
pub(crate) fn read_open(f: File, path: &Path) -> Result<String> {
    read_all(f, path)
}
