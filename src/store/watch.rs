//! The change watch of a long-running reader (`mlt server`, `mlt ui`): the kernel (inotify)
//! reports what changes in the tracking folder, so that checking a run's summary (see
//! [`super::summary`]) takes no system call while nothing changed. Every stamp the summaries
//! are checked against is then the `lstat` of a name looked up once and kept until an event
//! says otherwise.
//!
//! Why a read sees every change that finished before it began, as the stamps alone would:
//! - a folder is watched before anything in it is looked up, and its parents before it, up to
//!   the tracking folder (a folder renamed, replaced or removed is reported by its parent);
//! - the kernel queues an event before the system call that made the change returns, and every
//!   read of a run first takes in the queued events ([`Watch::sync`]);
//! - what is looked up is kept only if no event came for its folder between the moment the
//!   lookup began and the moment it is kept (each folder's epoch); an event that came later
//!   is taken in by the next read, and forgets it.
//!
//! What the watch cannot vouch for is looked up the usual way each time: a file with more than
//! one link (written through another name, its folder hears nothing), a folder or file on
//! another device, anything outside the tracking folder or beyond half the watch limit
//! (`fs.inotify.max_user_watches`: the other half is left to other programs). A store on a
//! file system whose changes the kernel may not see (NFS and other network file systems) is
//! not watched at all, and a lost event (the queue overflowed) forgets everything. When the
//! kernel has no room for another watch, no folder is added for a minute.

use super::summary::{Stamp, stat_stamp};
use rustix::fs::inotify::{self, ReadFlags, WatchFlags};
use rustix::fs::{AtFlags, FileType};
use std::collections::{HashMap, HashSet};
use std::mem::MaybeUninit;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// The file systems whose changes the kernel reports to inotify in full: local ones (ext4,
/// XFS, Btrfs, tmpfs, overlayfs, F2FS, ZFS, bcachefs, ramfs).
const LOCAL: [u32; 9] = [
    0xEF53,
    0x5846_5342,
    0x9123_683E,
    0x0102_1994,
    0x794C_7630,
    0xF2F5_2010,
    0x2FC1_2FC1,
    0xCA45_1A4E,
    0x8584_58F6,
];

/// The most names kept; beyond, the watch forgets them all and starts again.
const MAX_KEPT: usize = 4_000_000;

/// The parts of the folders' states, each behind its own lock.
const SHARDS: usize = 64;

/// A quick hash (FxHash's) for keys read from the store's own folders: paths as bytes.
#[derive(Default, Clone, Copy)]
pub(super) struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.add(u64::from_le_bytes(b));
        }
        for &b in words.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

pub(super) type FastHash = std::hash::BuildHasherDefault<Fx>;

/// [`Fx`] of some bytes.
pub(super) fn hash_of(bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    FastHash::default().hash_one(bytes)
}

/// What `lstat` says of a name in a folder.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Entry {
    Missing,
    File(Stamp),
    Dir,
    /// A link, a device, or a name that could not be looked up.
    Other,
}

/// What is known of one watched folder.
/// The states of folders, by their paths' bytes.
type Folders = HashMap<Box<[u8]>, DirState, FastHash>;

struct DirState {
    /// Changed by every event for the folder: what was looked up before is kept only if it
    /// still holds the epoch it was looked up under.
    epoch: u64,
    /// The folder's own stamp, once taken.
    stamp: Option<Stamp>,
    entries: HashMap<String, Entry, FastHash>,
    /// The names of its sub-folders that have a state.
    children: HashSet<String>,
}

/// How many lookups were answered from what was kept, and how many were not.
#[cfg(test)]
#[derive(Default, Debug, Clone, Copy)]
pub(super) struct Counts {
    pub(super) hits: usize,
    pub(super) misses: usize,
}

pub(super) struct Watch {
    fd: rustix::fd::OwnedFd,
    /// The tracking folder: only what is inside is watched.
    root: PathBuf,
    dev: u64,
    folders: Vec<RwLock<Folders>>,
    /// The folder of each watch descriptor. Held while events are taken in and while a folder
    /// starts being watched, so neither misses the other.
    wds: Mutex<HashMap<i32, PathBuf>>,
    /// The buffer events are read into; held while the queue is drained.
    drain: Mutex<Vec<MaybeUninit<u8>>>,
    /// How many drains began (see [`Watch::sync`]).
    begun: AtomicU64,
    epochs: AtomicU64,
    /// The kernel's watch limit was reached: no folder is added for a while.
    full: Backoff,
    /// The most folders watched at once: half the user's limit, so that other programs
    /// (editors, file managers) keep watches of their own.
    most: usize,
    kept: AtomicUsize,
    #[cfg(test)]
    counts: Mutex<Counts>,
}

/// After the kernel refused a watch for want of room (other programs hold the user's
/// watches), no folder is added for [`Backoff::PAUSE`]; then they are tried again, as room
/// may have been made since.
#[derive(Default)]
struct Backoff {
    /// When the last refusal came (milliseconds since the Unix epoch), 0 for none.
    at_ms: AtomicU64,
}

impl Backoff {
    const PAUSE: std::time::Duration = std::time::Duration::from_secs(60);

    fn now_ms() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_millis() as u64)
            .max(1)
    }

    fn hit(&self) {
        self.at_ms.store(Self::now_ms(), Ordering::Relaxed);
    }

    fn blocked(&self) -> bool {
        self.blocked_at(Self::now_ms())
    }

    fn blocked_at(&self, now_ms: u64) -> bool {
        let at = self.at_ms.load(Ordering::Relaxed);
        at != 0 && now_ms.saturating_sub(at) < Self::PAUSE.as_millis() as u64
    }
}

impl Watch {
    /// A watch of the tracking folder `root`, with a thread that takes in events as they come
    /// (so the kernel's queue does not overflow between reads). `None` where it cannot vouch
    /// for what it would keep: `root` is not a real folder on a local file system, or inotify
    /// is not available.
    pub(super) fn start(root: &Path) -> Option<Arc<Watch>> {
        let most = std::fs::read_to_string("/proc/sys/fs/inotify/max_user_watches")
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok())
            .map_or(4096, |n| n / 2);
        Watch::start_with(root, most)
    }

    /// [`Watch::start`], watching at most `most` folders at once.
    fn start_with(root: &Path, most: usize) -> Option<Arc<Watch>> {
        let st = rustix::fs::lstat(root).ok()?;
        if FileType::from_raw_mode(st.st_mode) != FileType::Directory {
            return None;
        }
        let fs = rustix::fs::statfs(root).ok()?;
        if !LOCAL.contains(&(fs.f_type as u32)) {
            return None;
        }
        let flags = inotify::CreateFlags::NONBLOCK | inotify::CreateFlags::CLOEXEC;
        let fd = inotify::init(flags).ok()?;
        let w = Arc::new(Watch {
            fd,
            root: root.to_path_buf(),
            dev: st.st_dev,
            folders: (0..SHARDS).map(|_| Default::default()).collect(),
            wds: Mutex::new(HashMap::new()),
            drain: Mutex::new(vec![MaybeUninit::uninit(); 64 * 1024]),
            begun: AtomicU64::new(0),
            epochs: AtomicU64::new(0),
            full: Backoff::default(),
            most,
            kept: AtomicUsize::new(0),
            #[cfg(test)]
            counts: Mutex::new(Counts::default()),
        });
        let weak = Arc::downgrade(&w);
        std::thread::Builder::new()
            .name("mlt-watch".into())
            .spawn(move || {
                while let Some(w) = weak.upgrade() {
                    let mut fds = [rustix::event::PollFd::new(
                        &w.fd,
                        rustix::event::PollFlags::IN,
                    )];
                    // Not long: the watch (its inotify instance) outlives its store by this.
                    let a_while = rustix::event::Timespec {
                        tv_sec: 0,
                        tv_nsec: 250_000_000,
                    };
                    let _ = rustix::event::poll(&mut fds, Some(&a_while));
                    w.sync();
                }
            })
            .ok()?;
        Some(w)
    }

    /// Takes in every event queued so far: what changed before this call is forgotten when it
    /// returns. A drain that began after this call was made serves it too.
    pub(super) fn sync(&self) {
        let ticket = self.begun.load(Ordering::SeqCst);
        let mut buf = self.drain.lock().unwrap_or_else(|e| e.into_inner());
        if self.begun.load(Ordering::SeqCst) != ticket {
            return;
        }
        self.begun.fetch_add(1, Ordering::SeqCst);
        let mut events = Vec::new();
        let mut reader = inotify::Reader::new(&self.fd, &mut buf);
        loop {
            match reader.next() {
                Ok(e) => events.push((
                    e.wd(),
                    e.events(),
                    e.file_name()
                        .map(|n| String::from_utf8_lossy(n.to_bytes()).into_owned()),
                )),
                Err(rustix::io::Errno::INTR) => {}
                Err(rustix::io::Errno::AGAIN) => break,
                // Cannot happen with this buffer; if it did, nothing read can be trusted.
                Err(_) => {
                    events.push((-1, ReadFlags::QUEUE_OVERFLOW, None));
                    break;
                }
            }
        }
        self.apply(events);
    }

    /// Forgets what the events say changed.
    fn apply(&self, events: Vec<(i32, ReadFlags, Option<String>)>) {
        if events.is_empty() {
            return;
        }
        let mut wds = self.wds.lock().unwrap_or_else(|e| e.into_inner());
        for (wd, mask, name) in events {
            if mask.contains(ReadFlags::QUEUE_OVERFLOW) {
                self.forget_all();
                continue;
            }
            let Some(dir) = wds.get(&wd).cloned() else {
                continue;
            };
            match name {
                Some(name) => self.touch(&dir, Some(&name), mask),
                None if mask.intersects(
                    ReadFlags::IGNORED
                        | ReadFlags::DELETE_SELF
                        | ReadFlags::MOVE_SELF
                        | ReadFlags::UNMOUNT,
                ) =>
                {
                    // The folder is gone from where it was: forget it, and stop hearing of it
                    // (its parent hears of the name).
                    self.drop_tree(&dir);
                    wds.remove(&wd);
                    if !mask.contains(ReadFlags::IGNORED) {
                        let _ = inotify::remove_watch(&self.fd, wd);
                    }
                    if let (Some(parent), Some(n)) =
                        (dir.parent(), dir.file_name().and_then(|n| n.to_str()))
                    {
                        self.touch(parent, Some(n), ReadFlags::MOVED_FROM);
                    }
                }
                None => self.touch(&dir, None, mask),
            }
        }
    }

    /// An event for `dir` itself (`name` None) or for one of its names.
    fn touch(&self, dir: &Path, name: Option<&str>, mask: ReadFlags) {
        let mut sub = None;
        {
            let mut part = self.part(dir).write().unwrap_or_else(|e| e.into_inner());
            let Some(st) = part.get_mut(key(dir)) else {
                return;
            };
            st.epoch = self.next_epoch();
            match name {
                None => st.stamp = None,
                Some(n) => {
                    if st.entries.remove(n).is_some() {
                        self.kept.fetch_sub(1, Ordering::Relaxed);
                    }
                    // A name added, removed or moved changes the folder's own times.
                    if !mask.intersects(ReadFlags::MODIFY | ReadFlags::ATTRIB)
                        || mask.contains(ReadFlags::ISDIR)
                    {
                        st.stamp = None;
                    }
                    if st.children.remove(n) {
                        sub = Some(dir.join(n));
                    }
                }
            }
        }
        if let Some(sub) = sub {
            self.drop_tree(&sub);
        }
    }

    /// Forgets the state of `dir` and of every folder below it.
    fn drop_tree(&self, dir: &Path) {
        let st = self
            .part(dir)
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key(dir));
        if let Some(st) = st {
            self.kept.fetch_sub(st.entries.len(), Ordering::Relaxed);
            for c in st.children {
                self.drop_tree(&dir.join(c));
            }
        }
    }

    fn forget_all(&self) {
        for part in &self.folders {
            part.write().unwrap_or_else(|e| e.into_inner()).clear();
        }
        self.kept.store(0, Ordering::Relaxed);
    }

    fn next_epoch(&self) -> u64 {
        self.epochs.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn part(&self, dir: &Path) -> &RwLock<Folders> {
        &self.folders[(hash_of(key(dir)) >> 40) as usize % SHARDS]
    }

    /// The epoch of `dir`'s state, if it has one.
    fn epoch_of(&self, dir: &Path) -> Option<u64> {
        self.part(dir)
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(key(dir))
            .map(|s| s.epoch)
    }

    /// Watches `dir` (and its parents) if it is not watched yet: its epoch, or `None` when it
    /// cannot be watched (not a real folder, outside the tracking folder, on another device,
    /// the watch limit...).
    fn ensure(&self, dir: &Path) -> Option<u64> {
        if let Some(e) = self.epoch_of(dir) {
            return Some(e);
        }
        if self.full.blocked() || self.kept.load(Ordering::Relaxed) > MAX_KEPT {
            if self.kept.load(Ordering::Relaxed) > MAX_KEPT {
                let _wds = self.wds.lock().unwrap_or_else(|e| e.into_inner());
                self.forget_all();
            }
            return None;
        }
        let parent = if dir == self.root {
            None
        } else {
            let rel = dir.strip_prefix(&self.root).ok()?;
            if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
                return None;
            }
            let (p, name) = (dir.parent()?, dir.file_name()?.to_str()?);
            self.ensure(p)?;
            Some((p, name))
        };
        let mut wds = self.wds.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = self.epoch_of(dir) {
            return Some(e);
        }
        if wds.len() >= self.most {
            return None;
        }
        let st = rustix::fs::lstat(dir).ok()?;
        if FileType::from_raw_mode(st.st_mode) != FileType::Directory || st.st_dev != self.dev {
            return None;
        }
        let flags = WatchFlags::MODIFY
            | WatchFlags::ATTRIB
            | WatchFlags::CREATE
            | WatchFlags::DELETE
            | WatchFlags::MOVED_FROM
            | WatchFlags::MOVED_TO
            | WatchFlags::DELETE_SELF
            | WatchFlags::MOVE_SELF
            | WatchFlags::DONT_FOLLOW
            | WatchFlags::ONLYDIR;
        let wd = match inotify::add_watch(&self.fd, dir, flags) {
            Ok(wd) => wd,
            Err(rustix::io::Errno::NOSPC) => {
                self.full.hit();
                return None;
            }
            Err(_) => return None,
        };
        match wds.get(&wd) {
            // The same folder under two names: trust neither.
            Some(p) if p != dir => {
                let p = p.clone();
                self.drop_tree(&p);
                return None;
            }
            _ => {}
        }
        wds.insert(wd, dir.to_path_buf());
        if let Some((p, name)) = parent {
            let mut part = self.part(p).write().unwrap_or_else(|e| e.into_inner());
            // Gone since (an event took it): this folder's place is not vouched for.
            part.get_mut(key(p))?.children.insert(name.to_string());
        }
        let epoch = self.next_epoch();
        self.part(dir)
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                key(dir).into(),
                DirState {
                    epoch,
                    stamp: None,
                    entries: HashMap::default(),
                    children: HashSet::new(),
                },
            );
        Some(epoch)
    }

    /// What `lstat` says of `name` (one plain name) in the folder `dir`.
    pub(super) fn entry(&self, dir: &Path, name: &str) -> Entry {
        let found = self
            .part(dir)
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(key(dir))
            .map(|s| (s.epoch, s.entries.get(name).copied()));
        let epoch = match found {
            Some((_, Some(e))) => {
                self.count(true);
                return e;
            }
            Some((epoch, None)) => epoch,
            None => match self.ensure(dir) {
                Some(epoch) => epoch,
                None => return look(&dir.join(name), self.dev).0,
            },
        };
        self.count(false);
        let (e, keep) = look(&dir.join(name), self.dev);
        if keep {
            let mut part = self.part(dir).write().unwrap_or_else(|e| e.into_inner());
            if let Some(st) = part.get_mut(key(dir))
                && st.epoch == epoch
                && st.entries.insert(name.to_string(), e).is_none()
            {
                self.kept.fetch_add(1, Ordering::Relaxed);
            }
        }
        e
    }

    /// Whether the folder `dir` still has the stamp `stamp` and each of `files` its stamp, as
    /// far as what is kept says (one look, under one lock): `Some(true)` when all do,
    /// `Some(false)` when one is kept and differs, `None` when something is not kept.
    pub(super) fn unchanged<'k>(
        &self,
        dir: &Path,
        stamp: Stamp,
        mut files: impl Iterator<Item = (&'k str, Stamp)>,
    ) -> Option<bool> {
        let part = self.part(dir).read().unwrap_or_else(|e| e.into_inner());
        let st = part.get(key(dir))?;
        if st.stamp? != stamp {
            return Some(false);
        }
        let mut all = true;
        let same = files.all(|(name, s)| match st.entries.get(name) {
            Some(Entry::File(now)) => *now == s,
            Some(_) => false,
            None => {
                all = false;
                true
            }
        });
        drop(part);
        self.count(same && all);
        match (same, all) {
            (false, _) => Some(false),
            (true, true) => Some(true),
            (true, false) => None,
        }
    }

    /// Whether `dir` is a real folder (not a link), when the watch can say; `None` when it
    /// cannot.
    pub(super) fn is_real_dir(&self, dir: &Path) -> Option<bool> {
        let (d, root) = (key(dir), key(&self.root));
        if d == root {
            return self.ensure(dir).map(|_| true);
        }
        if !(d.starts_with(root) && d.get(root.len()) == Some(&b'/')) {
            return None;
        }
        // A folder with a state is one: it was a real folder when it got it, and an event for
        // its name or for itself takes the state away.
        if self.epoch_of(dir).is_some() {
            self.count(true);
            return Some(true);
        }
        let (p, n) = (dir.parent()?, dir.file_name()?.to_str()?);
        match self.entry(p, n) {
            Entry::Dir => match self.epoch_of(dir) {
                Some(_) => Some(true),
                None => self.ensure(dir).map(|_| true),
            },
            Entry::Other => None,
            Entry::Missing | Entry::File(_) => Some(false),
        }
    }

    /// The stamp of the real folder `dir`, `None` when it is not one.
    pub(super) fn dir_stamp(&self, dir: &Path) -> Option<Stamp> {
        let found = self
            .part(dir)
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(key(dir))
            .map(|s| (s.epoch, s.stamp));
        let epoch = match found {
            Some((_, Some(stamp))) => {
                self.count(true);
                return Some(stamp);
            }
            Some((epoch, None)) => epoch,
            None => match self.ensure(dir) {
                Some(epoch) => epoch,
                None => return real_dir_stamp(dir),
            },
        };
        self.count(false);
        let s = real_dir_stamp(dir)?;
        let mut part = self.part(dir).write().unwrap_or_else(|e| e.into_inner());
        if let Some(st) = part.get_mut(key(dir))
            && st.epoch == epoch
        {
            st.stamp = Some(s);
        }
        Some(s)
    }

    #[cfg(test)]
    fn count(&self, hit: bool) {
        let mut c = self.counts.lock().unwrap();
        if hit {
            c.hits += 1;
        } else {
            c.misses += 1;
        }
    }

    #[cfg(not(test))]
    fn count(&self, _hit: bool) {}

    /// The lookups counted so far, and starts again.
    #[cfg(test)]
    pub(super) fn take_counts(&self) -> Counts {
        std::mem::take(&mut *self.counts.lock().unwrap())
    }
}

/// A folder's key in [`Folders`].
fn key(dir: &Path) -> &[u8] {
    dir.as_os_str().as_bytes()
}

/// `lstat` of `path`, and whether what it says may be kept.
fn look(path: &Path, dev: u64) -> (Entry, bool) {
    match rustix::fs::statat(rustix::fs::CWD, path, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => match FileType::from_raw_mode(st.st_mode) {
            FileType::RegularFile => (
                Entry::File(stat_stamp(&st)),
                st.st_nlink == 1 && st.st_dev == dev,
            ),
            FileType::Directory => (Entry::Dir, st.st_dev == dev),
            _ => (Entry::Other, true),
        },
        Err(rustix::io::Errno::NOENT) => (Entry::Missing, true),
        Err(_) => (Entry::Other, false),
    }
}

fn real_dir_stamp(dir: &Path) -> Option<Stamp> {
    let st = rustix::fs::lstat(dir).ok()?;
    (FileType::from_raw_mode(st.st_mode) == FileType::Directory).then(|| stat_stamp(&st))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::{Run, View};
    use crate::store::{RunParts, Store};

    use crate::store::summary::tests::store;

    #[test]
    fn after_the_kernel_refuses_a_watch_folders_are_tried_again_a_minute_later() {
        let b = Backoff::default();
        assert!(!b.blocked_at(1_000_000), "nothing refused yet");
        b.at_ms.store(1_000_000, Ordering::Relaxed);
        assert!(b.blocked_at(1_000_000));
        assert!(b.blocked_at(1_059_999));
        assert!(!b.blocked_at(1_060_000));
        b.hit();
        assert!(b.blocked(), "refused just now");
    }

    /// A store over `root` that reads through the change watch.
    fn watched(root: &Path) -> Store {
        let s = Store::new(root).with_summary_margin(0).watch_changes();
        assert!(s.watch.is_some(), "the store is watched");
        s
    }

    fn runs(s: &Store) -> Vec<Run> {
        let e = s.experiment("0").unwrap();
        let handles = s.list_runs(&e, View::All).unwrap();
        let mut runs = s.read_runs_parts(&handles, &RunParts::default()).unwrap();
        runs.sort_by(|a, b| a.info.run_id.cmp(&b.info.run_id));
        runs
    }

    fn run<'a>(runs: &'a [Run], id: &str) -> &'a Run {
        runs.iter().find(|r| r.info.run_id == id).unwrap()
    }

    fn counts(s: &Store) -> Counts {
        s.watch.as_ref().unwrap().take_counts()
    }

    /// What a store without summaries or watch reads.
    fn cold(root: &Path) -> String {
        format!("{:?}", runs(&Store::new(root).with_summary_margin(-1)))
    }

    #[test]
    fn unchanged_runs_are_read_again_without_a_lookup() {
        let (tmp, _) = store();
        let s = watched(tmp.path());
        // The first read fills the summaries, the second checks them (and keeps what it
        // looked up), the third looks up nothing.
        let first = runs(&s);
        runs(&s);
        assert!(counts(&s).misses > 0);
        let again = runs(&s);
        let c = counts(&s);
        assert_eq!((c.misses, c.hits > 0), (0, true), "{c:?}");
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        assert_eq!(format!("{again:?}"), cold(tmp.path()));
    }

    #[test]
    fn folders_renamed_or_replaced_are_seen() {
        let (tmp, ids) = store();
        let root = tmp.path();
        let s = watched(root);
        runs(&s);
        let dir = root.join("mlruns/0").join(&ids[0]);
        // A params folder swapped for another.
        std::fs::rename(dir.join("params"), root.join("old-params")).unwrap();
        std::fs::create_dir(dir.join("params")).unwrap();
        std::fs::write(dir.join("params/lr"), "0.02").unwrap();
        let got = runs(&s);
        assert_eq!(run(&got, &ids[0]).params["lr"], "0.02");
        assert_eq!(format!("{got:?}"), cold(root));
        // A whole run folder swapped for a copy with other values.
        let copy = root.join("copy");
        for sub in ["params", "tags", "metrics"] {
            std::fs::create_dir_all(copy.join(sub)).unwrap();
        }
        std::fs::copy(dir.join("meta.yaml"), copy.join("meta.yaml")).unwrap();
        std::fs::write(copy.join("params/lr"), "0.03").unwrap();
        std::fs::write(copy.join("tags/note"), "bbbb").unwrap();
        std::fs::write(copy.join("metrics/acc"), "5 0.25 0\n").unwrap();
        std::fs::rename(&dir, root.join("old-run")).unwrap();
        std::fs::rename(&copy, &dir).unwrap();
        let got = runs(&s);
        let r = run(&got, &ids[0]);
        assert_eq!(
            (r.params["lr"].as_str(), r.tags["note"].as_str()),
            ("0.03", "bbbb")
        );
        assert_eq!(r.metrics["acc"].value, 0.25);
        assert_eq!(format!("{got:?}"), cold(root));
        // The experiment folder moved away and back.
        std::fs::rename(root.join("mlruns/0"), root.join("exp-away")).unwrap();
        std::fs::write(
            root.join("exp-away").join(&ids[1]).join("tags/note"),
            "cccc",
        )
        .unwrap();
        std::fs::rename(root.join("exp-away"), root.join("mlruns/0")).unwrap();
        let got = runs(&s);
        assert_eq!(run(&got, &ids[1]).tags["note"], "cccc");
        assert_eq!(format!("{got:?}"), cold(root));
    }

    #[test]
    fn a_file_with_two_links_is_looked_up_each_time() {
        let (tmp, ids) = store();
        let root = tmp.path();
        let note = root.join("mlruns/0").join(&ids[0]).join("tags/note");
        let other = root.join("other-name");
        std::fs::hard_link(&note, &other).unwrap();
        let s = watched(root);
        runs(&s);
        // Written through the other name: the run's folder hears nothing.
        std::fs::write(&other, "bbbb").unwrap();
        let got = runs(&s);
        assert_eq!(run(&got, &ids[0]).tags["note"], "bbbb");
    }

    #[test]
    fn a_lost_event_forgets_everything() {
        let (tmp, ids) = store();
        let root = tmp.path();
        let s = watched(root);
        runs(&s);
        let w = s.watch.as_ref().unwrap();
        assert!(w.kept.load(Ordering::Relaxed) > 0);
        w.apply(vec![(-1, ReadFlags::QUEUE_OVERFLOW, None)]);
        assert_eq!(w.kept.load(Ordering::Relaxed), 0);
        w.take_counts();
        std::fs::write(
            root.join("mlruns/0").join(&ids[0]).join("params/lr"),
            "0.05",
        )
        .unwrap();
        let got = runs(&s);
        assert!(w.take_counts().misses > 0);
        assert_eq!(run(&got, &ids[0]).params["lr"], "0.05");
    }

    #[test]
    fn many_changes_made_while_reading_are_all_seen_by_the_next_read() {
        let (tmp, ids) = store();
        let root = tmp.path();
        let s = std::sync::Arc::new(watched(root));
        let dir = root.join("mlruns/0").join(&ids[1]);
        let reader = {
            let s = s.clone();
            std::thread::spawn(move || {
                for _ in 0..50 {
                    runs(&s);
                }
            })
        };
        for i in 0..200 {
            std::fs::write(dir.join("params/lr"), format!("{i:04}")).unwrap();
            std::fs::write(dir.join("tags/note"), format!("n{i:03}")).unwrap();
        }
        reader.join().unwrap();
        let got = runs(&s);
        let r = run(&got, &ids[1]);
        assert_eq!(
            (r.params["lr"].as_str(), r.tags["note"].as_str()),
            ("0199", "n199")
        );
    }

    #[test]
    fn beyond_the_most_folders_it_may_watch_runs_are_looked_up_as_usual() {
        let (tmp, ids) = store();
        let root = tmp.path();
        // The tracking folder, the experiment and one run folder: the rest is not watched.
        let mut s = Store::new(root).with_summary_margin(0);
        s.watch = Watch::start_with(&s.tracking, 3);
        for _ in 0..3 {
            runs(&s);
        }
        let w = s.watch.as_ref().unwrap();
        assert_eq!(w.wds.lock().unwrap().len(), 3);
        w.take_counts();
        for id in &ids {
            let tag = root.join("mlruns/0").join(id).join("tags/note");
            std::fs::write(tag, "dddd").unwrap();
        }
        let got = runs(&s);
        assert!(w.take_counts().hits > 0);
        assert!(got.iter().all(|r| r.tags["note"] == "dddd"));
        assert_eq!(format!("{got:?}"), cold(root));
    }

    #[test]
    fn only_a_real_folder_is_watched() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("dir");
        std::fs::create_dir(&dir).unwrap();
        assert!(Watch::start(&dir).is_some());
        std::os::unix::fs::symlink(&dir, tmp.path().join("link")).unwrap();
        std::fs::write(tmp.path().join("file"), "").unwrap();
        for p in ["link", "file", "missing"] {
            assert!(Watch::start(&tmp.path().join(p)).is_none(), "{p}");
        }
    }
}
