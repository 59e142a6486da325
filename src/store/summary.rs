//! The run summary cache: `.mlt/cache/runs/<experiment id>/<run id>`, one file per run holding
//! what reading the run whole gives (its `meta.yaml` parsed, its param and tag values, the
//! latest value of each metric), each with the stamp (device, inode, size, modification and
//! change times in nanoseconds) of the file or folder it was read from. A search then checks a
//! run with one `lstat` per file instead of opening, reading and closing each.
//!
//! Never needed for a correct answer, and never trusted beyond what the stamps say:
//! - an entry is used only while its file's stamp is unchanged, and a folder's listing only
//!   while the folder's stamp is (a file added or removed changes it);
//! - an entry is only written when its file had not changed for [`MARGIN_NS`] before the read
//!   began (as git's index treats racily clean files): MLflow rewrites tags and `meta.yaml` in
//!   place (same inode, maybe the same size), and a rewrite within the file system's time
//!   granularity of the read would keep the stamp. A file changed since the read began has a
//!   change time at least that of the start, so a stamp older than that names what was read;
//! - a link, a nested key, a file that reading warns about, anything odd: not cached, read
//!   the usual way (with the same answers, warnings and errors);
//! - a damaged or foreign cache file is ignored (and rewritten).
//!
//! A store also keeps the summaries it read or wrote in memory (a server checks them with
//! the same stamps, without reading the cache files again).

use super::Store;
use super::layout;
use super::metric::cache::{make_real_dirs, plain_name, read_regular, real_dirs};
use crate::entities::{Lifecycle, MetricPoint, RunInfo, RunStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const VERSION: u32 = 1;

/// How long a file must have been unchanged before a read began for what was read of it to be
/// cached: more than any file system's time granularity (FAT's 2 s) and a little clock skew.
pub(super) const MARGIN_NS: i64 = 2_000_000_000;

/// The most summaries a store keeps in memory; beyond, it forgets them and starts again.
const MEMO_MAX: usize = 200_000;
/// The memory of summaries is in this many parts, each behind its own lock, so that the
/// threads reading runs at once seldom wait for each other.
pub(super) const SHARDS: usize = 64;

/// Summaries by run folder (its path's bytes).
pub(super) type Memo = std::collections::HashMap<Box<[u8]>, Arc<Summary>, super::watch::FastHash>;

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Stamp {
    d: u64,
    i: u64,
    s: u64,
    m: i64,
    c: i64,
}

impl Stamp {
    fn of(m: &std::fs::Metadata) -> Stamp {
        Stamp {
            d: m.dev(),
            i: m.ino(),
            s: m.size(),
            m: m.mtime().saturating_mul(1_000_000_000) + m.mtime_nsec(),
            c: m.ctime().saturating_mul(1_000_000_000) + m.ctime_nsec(),
        }
    }
}

/// The stamp of a regular file (not a link).
fn file_stamp(p: &Path) -> Option<Stamp> {
    std::fs::symlink_metadata(p)
        .ok()
        .filter(|m| m.file_type().is_file())
        .map(|m| Stamp::of(&m))
}

/// Now, in nanoseconds since the epoch, by the clock file times come from.
fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A run's `meta.yaml` as [`Store::read_run_info`] gives it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Info {
    run_id: String,
    experiment_id: String,
    run_name: String,
    user_id: String,
    status: i64,
    start_time: i64,
    end_time: Option<i64>,
    artifact_uri: String,
    deleted: bool,
    deleted_time: Option<i64>,
}

impl Info {
    fn of(i: &RunInfo) -> Info {
        Info {
            run_id: i.run_id.clone(),
            experiment_id: i.experiment_id.clone(),
            run_name: i.run_name.clone(),
            user_id: i.user_id.clone(),
            status: i.status as i64,
            start_time: i.start_time,
            end_time: i.end_time,
            artifact_uri: i.artifact_uri.clone(),
            deleted: i.lifecycle_stage == Lifecycle::Deleted,
            deleted_time: i.deleted_time,
        }
    }

    fn get(&self) -> Option<RunInfo> {
        Some(RunInfo {
            run_id: self.run_id.clone(),
            experiment_id: self.experiment_id.clone(),
            run_name: self.run_name.clone(),
            user_id: self.user_id.clone(),
            status: RunStatus::from_int(self.status)?,
            start_time: self.start_time,
            end_time: self.end_time,
            artifact_uri: self.artifact_uri.clone(),
            lifecycle_stage: if self.deleted {
                Lifecycle::Deleted
            } else {
                Lifecycle::Active
            },
            deleted_time: self.deleted_time,
        })
    }
}

/// A metric's latest point: timestamp, the value's bits (NaN and infinities kept), step.
type Point = Option<(i64, u64, i64)>;

fn point(p: Option<&MetricPoint>) -> Point {
    p.map(|p| (p.timestamp, p.value.to_bits(), p.step))
}

fn unpoint(p: &Point) -> Option<MetricPoint> {
    p.map(|(timestamp, bits, step)| MetricPoint {
        timestamp,
        value: f64::from_bits(bits),
        step,
    })
}

/// What was read of the files of a flat folder (params/, tags/, metrics/).
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(bound(deserialize = "V: Deserialize<'de>"))]
pub(super) struct Folder<V> {
    /// When set, `files` holds every regular file of the folder while it has this stamp.
    dir: Option<Stamp>,
    files: BTreeMap<String, (Stamp, V)>,
}

impl<V> Default for Folder<V> {
    fn default() -> Self {
        Folder {
            dir: None,
            files: BTreeMap::new(),
        }
    }
}

impl<V: Clone> Folder<V> {
    /// Every file's value, when the folder and all its files still have their stamps.
    ///
    /// With the store's change watch, the stamps are what the watch kept (one look, no system
    /// call); else the folder is opened once (`O_PATH`) and each file's stamp taken relative to
    /// it, so the kernel walks one name per file, not the whole path.
    fn whole(&self, store: &Store, dir: &Path) -> Option<Vec<(&String, &V)>> {
        let stamp = self.dir?;
        let folder = store.real_dir(dir)?;
        if let RealDir::Watched(w, d) = &folder
            && self.files.keys().all(|k| plain_name_key(k))
        {
            let files = self.files.iter().map(|(k, (s, _))| (k.as_str(), *s));
            match w.unchanged(d, stamp, files) {
                Some(true) => return Some(self.files.iter().map(|(k, (_, v))| (k, v)).collect()),
                Some(false) => return None,
                None => {}
            }
        }
        if folder.stamp()? != stamp {
            return None;
        }
        let mut out = Vec::with_capacity(self.files.len());
        for (k, (s, v)) in &self.files {
            if !plain_name_key(k) || folder.file_stamp(k)? != *s {
                return None;
            }
            out.push((k, v));
        }
        Some(out)
    }

    /// The value of `key`, whose file now has the stamp `now`, if it is the one read.
    fn one(&self, key: &str, now: Stamp) -> Option<&V> {
        self.files
            .get(key)
            .and_then(|(s, v)| (*s == now).then_some(v))
    }

    /// Records what was read of `key`'s file.
    fn put(&mut self, key: &str, stamp: Stamp, v: V) {
        if self.files.insert(key.to_string(), (stamp, v)).is_none() {
            self.dir = None;
        }
    }
}

/// One run's summary.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(super) struct Summary {
    v: u32,
    meta: Option<(Stamp, Info)>,
    params: Folder<String>,
    tags: Folder<String>,
    metrics: Folder<Point>,
}

/// A run's summary being used for one read: where it is kept, and whether it changed.
pub(super) struct Session {
    dir: PathBuf,
    summary: Arc<Summary>,
    changed: bool,
    /// When this read began, less the margin: only stamps older than this are cached.
    before: i64,
}

impl Session {
    /// The summary, to change (copied first if it is shared).
    fn edit(&mut self) -> &mut Summary {
        self.changed = true;
        let s = Arc::make_mut(&mut self.summary);
        s.v = VERSION;
        s
    }

    fn folder(&self, folder: &str) -> &Folder<String> {
        if folder == layout::PARAMS {
            &self.summary.params
        } else {
            &self.summary.tags
        }
    }

    fn folder_mut(&mut self, folder: &str) -> &mut Folder<String> {
        let s = self.edit();
        if folder == layout::PARAMS {
            &mut s.params
        } else {
            &mut s.tags
        }
    }
}

/// What a flat folder's listing gives: its stamp (before the listing), the open folder, and
/// the names of its regular files, as UTF-8.
struct Listing {
    stamp: Stamp,
    fd: rustix::fd::OwnedFd,
    names: Vec<String>,
}

/// The regular files of a flat folder, as [`super::fs::read_key_files`] lists them; `None`
/// when the folder is not that simple (missing, a link, a subfolder, an entry of unknown type,
/// a name that is not UTF-8).
fn list_flat(dir: &Path) -> Option<Listing> {
    use rustix::fs::{FileType, Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = rustix::fs::openat(rustix::fs::CWD, dir, flags, Mode::empty()).ok()?;
    let stamp = stat_stamp(&rustix::fs::fstat(&fd).ok()?);
    let dup = rustix::io::dup(&fd).ok()?;
    let mut entries = rustix::fs::Dir::new(dup).ok()?;
    let mut names = Vec::new();
    while let Some(entry) = entries.read() {
        let entry = entry.ok()?;
        let name = entry.file_name().to_bytes();
        match entry.file_type() {
            FileType::RegularFile => names.push(std::str::from_utf8(name).ok()?.to_string()),
            FileType::Directory if name != b"." && name != b".." => return None,
            FileType::Unknown => return None,
            _ => {}
        }
    }
    names.sort();
    Some(Listing { stamp, fd, names })
}

/// A real folder (not a link), for taking the stamps of what it holds: through the store's
/// change watch when it has one, else open (`O_PATH`), so that the kernel walks one name per
/// file, not the whole path.
pub(super) enum RealDir<'a> {
    Open(rustix::fd::OwnedFd),
    Watched(&'a super::watch::Watch, &'a Path),
}

impl<'a> RealDir<'a> {
    /// `None` when `dir` is not a folder, or is a link.
    fn open_fd(dir: &Path) -> Option<RealDir<'a>> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        rustix::fs::openat(rustix::fs::CWD, dir, flags, Mode::empty())
            .ok()
            .map(RealDir::Open)
    }

    fn stamp(&self) -> Option<Stamp> {
        match self {
            RealDir::Open(fd) => rustix::fs::fstat(fd).ok().map(|st| stat_stamp(&st)),
            RealDir::Watched(w, dir) => w.dir_stamp(dir),
        }
    }

    /// The stamp of the regular file `name` (one plain name) in the folder, else `None`.
    pub(super) fn file_stamp(&self, name: &str) -> Option<Stamp> {
        use rustix::fs::{AtFlags, FileType};
        match self {
            RealDir::Open(fd) => {
                let st = rustix::fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
                (FileType::from_raw_mode(st.st_mode) == FileType::RegularFile)
                    .then(|| stat_stamp(&st))
            }
            RealDir::Watched(w, dir) => match w.entry(dir, name) {
                super::watch::Entry::File(s) => Some(s),
                _ => None,
            },
        }
    }
}

impl Store {
    /// The real folder `dir` (not a link), for taking stamps; `None` when it is not one.
    pub(super) fn real_dir<'a>(&'a self, dir: &'a Path) -> Option<RealDir<'a>> {
        if let Some(w) = self.watch.as_deref() {
            match w.is_real_dir(dir) {
                Some(true) => return Some(RealDir::Watched(w, dir)),
                Some(false) => return None,
                None => {}
            }
        }
        RealDir::open_fd(dir)
    }

    /// Whether `dir` is a real folder (not a link).
    pub(super) fn is_real_dir(&self, dir: &Path) -> bool {
        if let Some(known) = self.watch.as_deref().and_then(|w| w.is_real_dir(dir)) {
            return known;
        }
        std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
    }

    /// Whether `dir` is a folder, following a link as [`Path::is_dir`] does.
    pub(super) fn is_dir_following(&self, dir: &Path) -> bool {
        if let Some(w) = self.watch.as_deref()
            && let (Some(p), Some(n)) = (dir.parent(), dir.file_name().and_then(|n| n.to_str()))
        {
            match w.entry(p, n) {
                super::watch::Entry::Dir => return true,
                super::watch::Entry::Missing | super::watch::Entry::File(_) => return false,
                super::watch::Entry::Other => {}
            }
        }
        dir.is_dir()
    }

    /// The stamp of the regular file `p` (not a link).
    pub(super) fn file_stamp(&self, p: &Path) -> Option<Stamp> {
        if let Some(w) = self.watch.as_deref()
            && let (Some(dir), Some(name)) = (p.parent(), p.file_name().and_then(|n| n.to_str()))
        {
            return match w.entry(dir, name) {
                super::watch::Entry::File(s) => Some(s),
                _ => None,
            };
        }
        file_stamp(p)
    }
}

/// The stamp of what `fstat` or `statat` gave, as [`Stamp::of`] makes it of `Metadata`.
pub(super) fn stat_stamp(st: &rustix::fs::Stat) -> Stamp {
    Stamp {
        d: st.st_dev,
        i: st.st_ino,
        s: st.st_size as u64,
        m: st.st_mtime.saturating_mul(1_000_000_000) + st.st_mtime_nsec as i64,
        c: st.st_ctime.saturating_mul(1_000_000_000) + st.st_ctime_nsec as i64,
    }
}

/// A regular file of an open folder as text, with its stamp; `None` for anything else.
fn read_at(at: &rustix::fd::OwnedFd, name: &str) -> Option<(Stamp, String)> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW | OFlags::NONBLOCK;
    let fd = rustix::fs::openat(at, name, flags, Mode::empty()).ok()?;
    let f = std::fs::File::from(fd);
    let m = f.metadata().ok()?;
    if !m.file_type().is_file() {
        return None;
    }
    let text = super::fs::read_open(f, Path::new(name)).ok()?;
    Some((Stamp::of(&m), text))
}

impl Store {
    /// The experiment and run folder names of a run folder `<tracking>/<experiment>/<run>`,
    /// when it can have a cache file.
    fn summary_names<'d>(&self, run_dir: &'d Path) -> Option<(&'d str, &'d str)> {
        if self.summary_margin < 0 {
            return None;
        }
        let (dir, tracking) = (
            run_dir.as_os_str().as_bytes(),
            self.tracking.as_os_str().as_bytes(),
        );
        let rel = dir.strip_prefix(tracking)?.strip_prefix(b"/")?;
        let rel = std::str::from_utf8(rel).ok()?;
        let (exp, run) = rel.split_once('/')?;
        (plain_name(exp) && plain_name(run)).then_some((exp, run))
    }

    /// The cache file of a run folder `<tracking>/<experiment>/<run>`, if it can have one.
    fn summary_file(&self, run_dir: &Path) -> Option<PathBuf> {
        let (exp, run) = self.summary_names(run_dir)?;
        Some(layout::run_summary_cache(
            &self.root.join(super::MLT_DIR),
            exp,
            run,
        ))
    }

    /// The summary of the run in `dir` for one read: from memory, else from its cache file,
    /// else empty. `None` when the run cannot have one.
    pub(super) fn summary_session(&self, dir: &Path) -> Option<Session> {
        self.summary_names(dir)?;
        super::sync_watch(self.watch.as_deref());
        let memo = self
            .memo(dir)
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(dir.as_os_str().as_bytes())
            .cloned();
        let summary = match memo {
            Some(s) => s,
            None => {
                let file = self.summary_file(dir)?;
                let s = Arc::new(self.read_summary(&file).unwrap_or_default());
                self.remember(dir, s.clone());
                s
            }
        };
        Some(Session {
            dir: dir.to_path_buf(),
            summary,
            changed: false,
            before: now_ns().saturating_sub(self.summary_margin),
        })
    }

    /// The part of the memory of summaries that holds the run in `dir`.
    fn memo(&self, dir: &Path) -> &std::sync::RwLock<Memo> {
        let h = super::watch::hash_of(dir.as_os_str().as_bytes());
        &self.summaries[(h >> 40) as usize % self.summaries.len()]
    }

    fn remember(&self, dir: &Path, s: Arc<Summary>) {
        let key: Box<[u8]> = dir.as_os_str().as_bytes().into();
        let mut memo = self.memo(dir).write().unwrap_or_else(|e| e.into_inner());
        if memo.len() >= MEMO_MAX / SHARDS {
            memo.clear();
        }
        memo.insert(key, s);
    }

    /// Keeps a session's summary (in memory and in its cache file) if it changed. A failed
    /// write leaves the cache as it was: it is not needed.
    pub(super) fn end_session(&self, s: Session) {
        if !s.changed {
            return;
        }
        self.remember(&s.dir, s.summary.clone());
        let Some(file) = self.summary_file(&s.dir) else {
            return;
        };
        let base = self.root.join(super::MLT_DIR);
        let Some(dir) = file.parent() else { return };
        let Some((tmp, _)) = super::fs::temp_home(&file) else {
            return;
        };
        if !real_dirs(&self.root, &base) || !make_real_dirs(&base, dir) {
            return;
        }
        let Ok(bytes) = serde_json::to_vec(&*s.summary) else {
            return;
        };
        let Ok(mut t) = tempfile::NamedTempFile::new_in(&tmp) else {
            return;
        };
        if std::io::Write::write_all(&mut t, &bytes).is_ok() {
            let _ = t.persist(&file);
        }
    }

    fn read_summary(&self, file: &Path) -> Option<Summary> {
        let base = self.root.join(super::MLT_DIR);
        let dir = file.parent()?;
        if !real_dirs(&self.root, &base) || !real_dirs(&base, dir) {
            return None;
        }
        let bytes = read_regular(file, None)?;
        let s: Summary = serde_json::from_slice(&bytes).ok()?;
        (s.v == VERSION).then_some(s)
    }

    /// [`Store::read_run_info`] through the run's summary.
    pub(crate) fn run_info_summarized(&self, dir: &Path) -> super::Result<RunInfo> {
        let Some(mut s) = self.summary_session(dir) else {
            return self.read_run_info(dir);
        };
        let info = self.info_in(&mut s)?;
        self.end_session(s);
        Ok(info)
    }

    /// The run's info, from the session's summary while `meta.yaml` is unchanged.
    pub(super) fn info_in(&self, s: &mut Session) -> super::Result<RunInfo> {
        let meta = s.dir.join(layout::META);
        let before = self.file_stamp(&meta);
        if let (Some(now), Some((stamp, info))) = (before, &s.summary.meta)
            && now == *stamp
            && let Some(info) = info.get()
        {
            return Ok(info);
        }
        let (info, from_tag) = self.read_run_info_telling(&s.dir)?;
        let after = self.file_stamp(&meta);
        let keep = match (before, after) {
            (Some(b), Some(a)) if a == b && a.c < s.before && !from_tag => {
                Some((a, Info::of(&info)))
            }
            _ => None,
        };
        if keep.is_some() || s.summary.meta.is_some() {
            s.edit().meta = keep;
        }
        Ok(info)
    }

    /// Every param (`tags` false) or tag of the run, as [`Store::read_run_parts`] reads a
    /// whole folder; `general` reads it the usual way.
    pub(super) fn values_in(
        &self,
        s: &mut Session,
        folder: &str,
        general: impl FnOnce() -> super::Result<BTreeMap<String, String>>,
    ) -> super::Result<BTreeMap<String, String>> {
        let dir = s.dir.join(folder);
        if let Some(found) = s.folder(folder).whole(self, &dir) {
            return Ok(found
                .into_iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect());
        }
        let read = list_flat(&dir).and_then(|l| {
            let mut files = BTreeMap::new();
            for name in l.names {
                let (stamp, text) = read_at(&l.fd, &name)?;
                files.insert(name, (stamp, text));
            }
            Some((l.stamp, files))
        });
        let Some((stamp, files)) = read else {
            // Read the usual way, and nothing kept.
            let part = s.folder(folder);
            if part.dir.is_some() || !part.files.is_empty() {
                *s.folder_mut(folder) = Folder::default();
            }
            return general();
        };
        let out: BTreeMap<String, String> = files
            .iter()
            .map(|(k, (_, v))| (k.clone(), v.clone()))
            .collect();
        let mut kept = Folder {
            dir: (stamp.c < s.before).then_some(stamp),
            files,
        };
        kept.files.retain(|_, (st, _)| st.c < s.before);
        if kept.files.len() != out.len() {
            kept.dir = None;
        }
        *s.folder_mut(folder) = kept;
        Ok(out)
    }

    /// The value of one flat param or tag key whose file `path` now has the stamp `now`.
    pub(super) fn value_in(
        &self,
        s: &mut Session,
        folder: &str,
        key: &str,
        path: &Path,
        now: Option<Stamp>,
    ) -> super::Result<String> {
        if let Some(now) = now
            && let Some(v) = s.folder(folder).one(key, now)
        {
            return Ok(v.clone());
        }
        let text = super::fs::read_to_string(path)?;
        if let Some(now) = now
            && now.c < s.before
        {
            s.folder_mut(folder).put(key, now, text.clone());
        }
        Ok(text)
    }

    /// The latest point of every metric of the run (a whole `metrics/` folder); `general`
    /// reads it the usual way.
    pub(super) fn latest_all_in(
        &self,
        s: &mut Session,
        general: impl FnOnce() -> super::Result<BTreeMap<String, MetricPoint>>,
    ) -> super::Result<BTreeMap<String, MetricPoint>> {
        let dir = s.dir.join(layout::METRICS);
        if let Some(found) = s.summary.metrics.whole(self, &dir) {
            return Ok(found
                .into_iter()
                .filter_map(|(k, p)| unpoint(p).map(|p| (k.clone(), p)))
                .collect());
        }
        let Some(listing) = list_flat(&dir) else {
            if s.summary.metrics.dir.is_some() || !s.summary.metrics.files.is_empty() {
                s.edit().metrics = Folder::default();
            }
            return general();
        };
        let files: Vec<(String, PathBuf)> = listing
            .names
            .iter()
            .map(|n| (n.clone(), dir.join(n)))
            .collect();
        let warned = super::warnings_given();
        let out = self.latest_of_files(&s.dir, files.clone(), false)?;
        let mut kept = Folder {
            dir: (listing.stamp.c < s.before).then_some(listing.stamp),
            files: BTreeMap::new(),
        };
        if super::warnings_given() == warned {
            for (k, p) in &files {
                match self.file_stamp(p) {
                    Some(st) if st.c < s.before => {
                        kept.files.insert(k.clone(), (st, point(out.get(k))));
                    }
                    _ => kept.dir = None,
                }
            }
        } else {
            kept.dir = None;
        }
        s.edit().metrics = kept;
        Ok(out)
    }

    /// The latest points of the named metric files (flat keys, not checked to be files), as
    /// [`Store::latest_of_files`] gives them with `unchecked`.
    pub(super) fn latest_only_in(
        &self,
        s: &mut Session,
        files: Vec<(String, PathBuf)>,
    ) -> super::Result<BTreeMap<String, MetricPoint>> {
        let mut out = BTreeMap::new();
        let mut rest = Vec::new();
        let metrics_dir = s.dir.join(layout::METRICS);
        let folder = self.real_dir(&metrics_dir);
        for (k, p) in files {
            if k.contains('/') {
                rest.push((k, p));
                continue;
            }
            let now = match &folder {
                Some(f) => f.file_stamp(&k),
                None => self.file_stamp(&p),
            };
            match now {
                // Not a regular file: left out, as the usual read leaves it out.
                None => {}
                Some(now) => match s.summary.metrics.one(&k, now) {
                    Some(cached) => {
                        if let Some(pt) = unpoint(cached) {
                            out.insert(k, pt);
                        }
                    }
                    None => rest.push((k, p)),
                },
            }
        }
        if rest.is_empty() {
            return Ok(out);
        }
        let warned = super::warnings_given();
        let read = self.latest_of_files(&s.dir, rest.clone(), true)?;
        if super::warnings_given() == warned {
            for (k, p) in &rest {
                if k.contains('/') {
                    continue;
                }
                let now = match &folder {
                    Some(f) => f.file_stamp(k),
                    None => self.file_stamp(p),
                };
                if let Some(st) = now
                    && st.c < s.before
                {
                    s.edit().metrics.put(k, st, point(read.get(k)));
                }
            }
        }
        out.extend(read);
        Ok(out)
    }
}

/// A key a flat folder's listing can give: one plain name.
fn plain_name_key(k: &str) -> bool {
    !k.is_empty() && k != "." && k != ".." && !k.contains(['/', '\0'])
}

#[cfg(test)]
impl Store {
    /// A store whose summaries keep files unchanged for `ns` (none at all when negative).
    pub(super) fn with_summary_margin(mut self, ns: i64) -> Store {
        self.summary_margin = ns;
        self
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::entities::{Run, View};
    use crate::store::{Batch, Keys, NewRun, RunParts};
    use std::sync::Mutex;

    const MS: i64 = 1_000_000;

    /// A store with two runs with params, tags and metrics (the change watch's tests use it
    /// too).
    pub(in crate::store) fn store() -> (tempfile::TempDir, Vec<String>) {
        let tmp = tempfile::tempdir().unwrap();
        let s = Store::new(tmp.path());
        s.init().unwrap();
        let e = s.experiment("0").unwrap();
        let mut ids = Vec::new();
        for n in 0..2 {
            let info = s.create_run(&e, NewRun::default()).unwrap();
            let h = s.find_run(&info.run_id).unwrap();
            let p = |v: f64, step| MetricPoint {
                timestamp: 1000 + step,
                value: v,
                step,
            };
            let batch = Batch {
                metrics: vec![
                    ("acc".into(), p(0.5 + f64::from(n), 0)),
                    ("acc".into(), p(0.75, 1)),
                    ("loss".into(), p(f64::NAN, 0)),
                ],
                params: vec![("lr".into(), "0.01".into()), ("opt".into(), "adam".into())],
                tags: vec![("note".into(), "aaaa".into())],
            };
            s.log_batch(&h, &batch).unwrap();
            ids.push(info.run_id);
        }
        (tmp, ids)
    }

    fn only(keys: &[&str]) -> Keys {
        Keys::Only(keys.iter().map(|k| k.to_string()).collect())
    }

    /// What a search reads: every run's info, then the named parts, then the whole runs; with
    /// the warnings given.
    fn search(s: &Store) -> (Vec<Run>, Vec<Run>, Vec<String>) {
        let e = s.experiment("0").unwrap();
        let handles = s.list_runs(&e, View::All).unwrap();
        let named = RunParts {
            params: only(&["lr", "none", "a/b"]),
            metrics: only(&["acc", "loss", "none"]),
            tags: only(&["note", "mlflow.runName"]),
        };
        let parts = s.read_runs_parts(&handles, &named).unwrap();
        let whole = s.read_runs_parts(&handles, &RunParts::default()).unwrap();
        (parts, whole, Vec::new())
    }

    thread_local! {
        /// Set while a test runs again through the change watch (`mod through_the_watch`).
        static WATCH: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    fn watched(root: &Path, margin: i64) -> (Store, Arc<Mutex<Vec<String>>>) {
        let w = Arc::new(Mutex::new(Vec::new()));
        let w2 = w.clone();
        let mut s = Store::new(root)
            .with_summary_margin(margin)
            .on_warning(move |m| w2.lock().unwrap().push(m.into()));
        if WATCH.with(|w| w.get()) {
            s = s.watch_changes();
            assert!(s.watch.is_some(), "the store is watched");
        }
        (s, w)
    }

    /// The tests above again, each store reading through the change watch: every change a
    /// test makes is made just before the read that must see it.
    mod through_the_watch {
        macro_rules! again {
            ($($name:ident),* $(,)?) => {$(
                #[test]
                fn $name() {
                    super::WATCH.with(|w| w.set(true));
                    super::$name();
                }
            )*};
        }
        again!(
            the_cache_is_written_and_used_once_files_are_settled,
            an_in_place_rewrite_of_the_same_size_in_the_same_second_is_seen,
            added_and_removed_params_tags_and_metrics_are_seen,
            meta_yaml_rewrites_are_seen,
            links_swapped_in_for_files_are_not_followed,
            a_damaged_cache_file_is_ignored_and_rewritten,
        );
    }

    /// Reads through `hot` (its memory and cache files), through a new store (the cache files
    /// only) and through a store without summaries, and checks they agree, warnings included.
    fn agree(root: &Path, hot: &Store, hot_w: &Mutex<Vec<String>>, margin: i64) -> Vec<Run> {
        let (cold, cold_w) = watched(root, -1);
        let want = search(&cold);
        let want_w = std::mem::take(&mut *cold_w.lock().unwrap());
        hot_w.lock().unwrap().clear();
        let got = search(hot);
        assert_eq!(fmt(&got), fmt(&want));
        assert_eq!(*hot_w.lock().unwrap(), want_w);
        let (fresh, fresh_w) = watched(root, margin);
        let got = search(&fresh);
        assert_eq!(fmt(&got), fmt(&want));
        assert_eq!(*fresh_w.lock().unwrap(), want_w);
        want.1
    }

    /// Runs as text (NaN compares equal to itself).
    fn fmt(r: &(Vec<Run>, Vec<Run>, Vec<String>)) -> String {
        format!("{:?}", (&r.0, &r.1))
    }

    fn wait() {
        std::thread::sleep(std::time::Duration::from_millis(60));
    }

    fn run_dir(root: &Path, id: &str) -> PathBuf {
        root.join("mlruns/0").join(id)
    }

    fn cache_file(root: &Path, id: &str) -> PathBuf {
        root.join(".mlt/cache/runs/0").join(id)
    }

    #[test]
    fn the_cache_is_written_and_used_once_files_are_settled() {
        let (tmp, ids) = store();
        let root = tmp.path();
        wait();
        let (hot, w) = watched(root, 30 * MS);
        agree(root, &hot, &w, 30 * MS);
        let text = std::fs::read_to_string(cache_file(root, &ids[0])).unwrap();
        assert!(
            text.contains("\"aaaa\"") && text.contains("\"adam\""),
            "{text}"
        );
        // A cache entry is used while its file's stamp holds: a value changed in the cache
        // alone is what a read gives (this proves the files are not read).
        std::fs::write(
            cache_file(root, &ids[0]),
            text.replace("\"adam\"", "\"sgd\""),
        )
        .unwrap();
        let (fresh, _) = watched(root, 30 * MS);
        let (_, whole, _) = search(&fresh);
        assert_eq!(
            whole
                .iter()
                .find(|r| r.info.run_id == ids[0])
                .unwrap()
                .params["opt"],
            "sgd"
        );
    }

    #[test]
    fn an_in_place_rewrite_of_the_same_size_in_the_same_second_is_seen() {
        let (tmp, ids) = store();
        let root = tmp.path();
        // The real margin: files just written are read, not cached.
        let (hot, w) = watched(root, MARGIN_NS);
        agree(root, &hot, &w, MARGIN_NS);
        let tag = run_dir(root, &ids[0]).join("tags/note");
        let ino = std::fs::metadata(&tag).unwrap().ino();
        std::fs::write(&tag, "bbbb").unwrap();
        assert_eq!(std::fs::metadata(&tag).unwrap().ino(), ino);
        let whole = agree(root, &hot, &w, MARGIN_NS);
        assert!(whole.iter().any(|r| r.tags["note"] == "bbbb"));
        // Settled files are cached; a later in-place rewrite of the same size changes the
        // change time, and is seen.
        let (hot, w) = watched(root, 30 * MS);
        wait();
        agree(root, &hot, &w, 30 * MS);
        std::fs::write(&tag, "cccc").unwrap();
        let whole = agree(root, &hot, &w, 30 * MS);
        assert!(whole.iter().any(|r| r.tags["note"] == "cccc"));
    }

    #[test]
    fn added_and_removed_params_tags_and_metrics_are_seen() {
        let (tmp, ids) = store();
        let root = tmp.path();
        wait();
        let (hot, w) = watched(root, 30 * MS);
        agree(root, &hot, &w, 30 * MS);
        let dir = run_dir(root, &ids[0]);
        std::fs::write(dir.join("params/new"), "1").unwrap();
        std::fs::remove_file(dir.join("tags/note")).unwrap();
        std::fs::remove_file(dir.join("params/lr")).unwrap();
        std::fs::write(dir.join("metrics/m"), "5 1.5 0\n").unwrap();
        let whole = agree(root, &hot, &w, 30 * MS);
        let r = whole.iter().find(|r| r.info.run_id == ids[0]).unwrap();
        assert_eq!(r.params.get("new").map(String::as_str), Some("1"));
        assert!(!r.tags.contains_key("note") && !r.params.contains_key("lr"));
        assert_eq!(r.metrics["m"].value, 1.5);
        wait();
        agree(root, &hot, &w, 30 * MS);
        // A metric that grows, a nested key, a line warned about.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join("metrics/acc"))
            .unwrap();
        std::io::Write::write_all(&mut f, b"2000 9.5 7\n").unwrap();
        std::fs::create_dir(dir.join("params/a")).unwrap();
        std::fs::write(dir.join("params/a/b"), "nested").unwrap();
        std::fs::write(dir.join("metrics/bad"), "not a line\n").unwrap();
        let whole = agree(root, &hot, &w, 30 * MS);
        let r = whole.iter().find(|r| r.info.run_id == ids[0]).unwrap();
        assert_eq!(r.metrics["acc"].value, 9.5);
        assert_eq!(r.params["a/b"], "nested");
        wait();
        agree(root, &hot, &w, 30 * MS);
        assert!(
            !w.lock().unwrap().is_empty(),
            "the bad line is warned about each time"
        );
    }

    #[test]
    fn meta_yaml_rewrites_are_seen() {
        let (tmp, ids) = store();
        let root = tmp.path();
        wait();
        let (hot, w) = watched(root, 30 * MS);
        agree(root, &hot, &w, 30 * MS);
        let s = Store::new(root);
        s.set_run_status(&ids[0], RunStatus::Finished, Some(5000))
            .unwrap();
        let whole = agree(root, &hot, &w, 30 * MS);
        assert!(whole.iter().any(|r| r.info.end_time == Some(5000)));
        wait();
        agree(root, &hot, &w, 30 * MS);
        s.rename_run(&ids[0], "renamed").unwrap();
        let whole = agree(root, &hot, &w, 30 * MS);
        assert!(whole.iter().any(|r| r.info.run_name == "renamed"));
        wait();
        agree(root, &hot, &w, 30 * MS);
        s.delete_run(&ids[1]).unwrap();
        let whole = agree(root, &hot, &w, 30 * MS);
        assert!(
            whole
                .iter()
                .any(|r| r.info.lifecycle_stage == Lifecycle::Deleted)
        );
        wait();
        agree(root, &hot, &w, 30 * MS);
        s.restore_run(&ids[1]).unwrap();
        let whole = agree(root, &hot, &w, 30 * MS);
        assert!(
            whole
                .iter()
                .all(|r| r.info.lifecycle_stage == Lifecycle::Active)
        );
        wait();
        agree(root, &hot, &w, 30 * MS);
        // MLflow's way: the same file rewritten in place (same inode, same size).
        let meta = run_dir(root, &ids[0]).join("meta.yaml");
        let text = std::fs::read_to_string(&meta).unwrap();
        let changed = text.replace("status: 3", "status: 4");
        assert_ne!(text, changed);
        std::fs::write(&meta, changed).unwrap();
        let whole = agree(root, &hot, &w, 30 * MS);
        assert!(whole.iter().any(|r| r.info.status == RunStatus::Failed));
        // No run name in meta.yaml: the name comes from the tag, which is not cached with it.
        wait();
        let text = std::fs::read_to_string(&meta).unwrap();
        let text: String = text
            .lines()
            .filter(|l| !l.starts_with("run_name:"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(&meta, text).unwrap();
        wait();
        agree(root, &hot, &w, 30 * MS);
        std::fs::write(run_dir(root, &ids[0]).join("tags/mlflow.runName"), "other").unwrap();
        let whole = agree(root, &hot, &w, 30 * MS);
        assert!(whole.iter().any(|r| r.info.run_name == "other"));
        // A broken meta.yaml is the same error.
        std::fs::write(&meta, "run_id: [").unwrap();
        let e = s.experiment("0").unwrap();
        let (cold, _) = watched(root, -1);
        let want = cold
            .run_info_summarized(&run_dir(root, &ids[0]))
            .map_err(|e| e.to_string());
        let got = hot
            .run_info_summarized(&run_dir(root, &ids[0]))
            .map_err(|e| e.to_string());
        assert_eq!(got, want);
        assert!(got.is_err());
        assert_eq!(
            hot.list_runs(&e, View::All).unwrap().len(),
            cold.list_runs(&e, View::All).unwrap().len()
        );
    }

    #[test]
    fn links_swapped_in_for_files_are_not_followed() {
        let (tmp, ids) = store();
        let root = tmp.path();
        wait();
        let (hot, w) = watched(root, 30 * MS);
        agree(root, &hot, &w, 30 * MS);
        let dir = run_dir(root, &ids[0]);
        let outside = root.join("outside");
        std::fs::write(&outside, "zzzz").unwrap();
        for f in ["tags/note", "params/lr", "metrics/acc"] {
            std::fs::remove_file(dir.join(f)).unwrap();
            std::os::unix::fs::symlink(&outside, dir.join(f)).unwrap();
        }
        let whole = agree(root, &hot, &w, 30 * MS);
        let r = whole.iter().find(|r| r.info.run_id == ids[0]).unwrap();
        assert!(!r.tags.contains_key("note") && !r.params.contains_key("lr"));
        assert!(!r.metrics.contains_key("acc"));
        wait();
        agree(root, &hot, &w, 30 * MS);
        // A folder swapped for a link lists nothing.
        let other = root.join("elsewhere");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("x"), "1").unwrap();
        std::fs::rename(dir.join("params"), root.join("old-params")).unwrap();
        std::os::unix::fs::symlink(&other, dir.join("params")).unwrap();
        let whole = agree(root, &hot, &w, 30 * MS);
        let r = whole.iter().find(|r| r.info.run_id == ids[0]).unwrap();
        assert!(r.params.is_empty());
    }

    #[test]
    fn a_damaged_cache_file_is_ignored_and_rewritten() {
        let (tmp, ids) = store();
        let root = tmp.path();
        wait();
        let (hot, w) = watched(root, 30 * MS);
        agree(root, &hot, &w, 30 * MS);
        let file = cache_file(root, &ids[0]);
        let good = std::fs::read(&file).unwrap();
        for bad in [
            &b""[..],
            b"{",
            b"\xff\xfe",
            &good[..good.len() / 2],
            b"{\"v\":99}",
        ] {
            std::fs::write(&file, bad).unwrap();
            let (hot, w) = watched(root, 30 * MS);
            agree(root, &hot, &w, 30 * MS);
            assert_eq!(std::fs::read(&file).unwrap().len(), good.len());
        }
        // A cache folder that is a link is not used.
        let runs = root.join(".mlt/cache/runs");
        std::fs::rename(&runs, root.join("moved")).unwrap();
        std::os::unix::fs::symlink(root.join("moved"), &runs).unwrap();
        let (hot, w) = watched(root, 30 * MS);
        agree(root, &hot, &w, 30 * MS);
    }
}
