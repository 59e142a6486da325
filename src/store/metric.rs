//! Metric files: `metrics/<key>`, one `"<timestamp> <value> <step>\n"` line per point,
//! appended and never rewritten.

use super::{Error, Result, Store};
use crate::entities::{MetricPoint, parse_value};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// The line MLflow writes for a point.
pub fn format_line(p: &MetricPoint) -> String {
    let mut s = String::with_capacity(48);
    push_line(&mut s, p);
    s
}

/// Appends [`format_line`]'s line to `out`, with no formatting machinery nor allocation of its
/// own: `log batch` writes thousands of lines per call.
pub fn push_line(out: &mut String, p: &MetricPoint) {
    push_int(out, p.timestamp);
    out.push(' ');
    crate::entities::push_value(out, p.value);
    out.push(' ');
    push_int(out, p.step);
    out.push('\n');
}

/// Writes many points' lines, each as [`push_line`] writes it, reusing the text of the last
/// timestamp and step: the points of one record share both.
#[derive(Default)]
pub struct LineWriter {
    timestamp: Option<(i64, String)>,
    step: Option<(i64, String)>,
}

impl LineWriter {
    /// Appends `p`'s line to `out`.
    pub fn push(&mut self, out: &mut String, p: &MetricPoint) {
        out.push_str(int_text(&mut self.timestamp, p.timestamp));
        out.push(' ');
        crate::entities::push_value(out, p.value);
        out.push(' ');
        out.push_str(int_text(&mut self.step, p.step));
        out.push('\n');
    }
}

/// The decimal text of `n`, from `last` when it was the last one asked for.
fn int_text(last: &mut Option<(i64, String)>, n: i64) -> &str {
    if last.as_ref().is_none_or(|(m, _)| *m != n) {
        let mut s = String::with_capacity(20);
        push_int(&mut s, n);
        *last = Some((n, s));
    }
    last.as_ref().map_or("", |(_, s)| s.as_str())
}

/// An integer in decimal, as `{}` writes it.
fn push_int(out: &mut String, n: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

/// Parses one line as MLflow does (`line.strip().split(" ")`: 2, 3 or 5 fields).
pub fn parse_line(line: &str) -> Result<MetricPoint, String> {
    // No allocation per line: an export reads hundreds of millions of them.
    let mut fields = [""; 5];
    let mut count = 0;
    for f in line.trim().split(' ') {
        if count < fields.len() {
            fields[count] = f;
        }
        count += 1;
    }
    if !matches!(count, 2 | 3 | 5) {
        return Err(format!(
            "expected 'timestamp value step', found {count} fields"
        ));
    }
    let timestamp = fields[0]
        .parse::<i64>()
        .map_err(|_| format!("timestamp '{}' is not an integer", fields[0]))?;
    let value =
        parse_value(fields[1]).ok_or_else(|| format!("value '{}' is not a number", fields[1]))?;
    let step = match count {
        2 => 0,
        _ => fields[2]
            .parse::<i64>()
            .map_err(|_| format!("step '{}' is not an integer", fields[2]))?,
    };
    Ok(MetricPoint {
        timestamp,
        value,
        step,
    })
}

/// The good points of one metric file, read line by line as they are asked for, so a file of
/// any size is read in constant memory. Bad lines, a torn last line and an empty file are
/// reported through the store's warnings and skipped, so one damaged file never hides a whole
/// run (MLflow would refuse to read the run at all).
pub struct MetricPoints<'a> {
    store: &'a Store,
    path: PathBuf,
    reader: Option<BufReader<File>>,
    /// The raw bytes of the current line: a line that is not UTF-8 is skipped, not an error.
    line: Vec<u8>,
    n: usize,
}

impl MetricPoints<'_> {
    /// The file being read (for messages).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Iterator for MetricPoints<'_> {
    type Item = Result<MetricPoint>;

    fn next(&mut self) -> Option<Result<MetricPoint>> {
        loop {
            let reader = self.reader.as_mut()?;
            self.line.clear();
            let read = match reader.read_until(b'\n', &mut self.line) {
                Ok(read) => read,
                Err(source) => {
                    self.reader = None;
                    return Some(Err(Error::Io {
                        path: self.path.clone(),
                        source,
                    }));
                }
            };
            if read == 0 {
                self.reader = None;
                if self.n == 0 {
                    self.store
                        .warn(&format!("{}: empty metric file", self.path.display()));
                }
                return None;
            }
            self.n += 1;
            if let Some(p) = plain_line(&self.line) {
                return Some(Ok(p));
            }
            let Ok(line) = std::str::from_utf8(&self.line) else {
                self.store.warn(&format!(
                    "{}:{}: malformed metric line skipped: not UTF-8",
                    self.path.display(),
                    self.n
                ));
                continue;
            };
            if line.trim().is_empty() {
                continue;
            }
            let complete = line.ends_with('\n');
            match parse_line(line) {
                // A last line without its newline is a write cut short unless it is whole.
                Ok(p) if complete || line.trim().split(' ').count() != 2 => return Some(Ok(p)),
                Ok(_) => self.store.warn(&format!(
                    "{}:{}: torn last line skipped",
                    self.path.display(),
                    self.n
                )),
                Err(msg) => self.store.warn(&format!(
                    "{}:{}: malformed metric line skipped: {msg}",
                    self.path.display(),
                    self.n
                )),
            }
        }
    }
}

impl Store {
    /// Streams the good points of a metric file, in file order (see [`MetricPoints`]).
    pub(crate) fn metric_file_points(&self, path: &Path) -> Result<MetricPoints<'_>> {
        let file = File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(MetricPoints {
            store: self,
            path: path.to_path_buf(),
            reader: Some(BufReader::with_capacity(64 * 1024, file)),
            line: Vec::new(),
            n: 0,
        })
    }

    /// Reads every good point of a metric file, in file order.
    pub fn read_metric_file(&self, path: &Path) -> Result<Vec<MetricPoint>> {
        self.metric_file_points(path)?.collect()
    }

    /// The latest point of a metric file by MLflow's rule, if it has any good line.
    pub(crate) fn latest_in_file(&self, path: &Path) -> Result<Option<MetricPoint>> {
        let mut best: Option<MetricPoint> = None;
        for p in self.metric_file_points(path)? {
            let p = p?;
            if best.as_ref().is_none_or(|b| p.later_than(b)) {
                best = Some(p);
            }
        }
        Ok(best)
    }
}

/// A summary cache of latest values, beside `mlruns/`: `.mlt/cache/latest/<experiment>/<run>`
/// holds, for each metric file of the run it has seen, the file's identity and size and times
/// (device, inode, size, mtime and ctime in nanoseconds), the last bytes it covered, and the
/// latest point of those bytes by MLflow's rule. An entry is used only while the file's
/// current stat matches it exactly; a file that only grew (same inode, larger, its old last
/// bytes unchanged) is read from where the entry ends. Anything else (no entry, another
/// inode, a file that shrank or changed, a damaged or missing cache file, a link anywhere) reads
/// the whole file as before, so the cache is never needed for a correct answer. Only files
/// read without a warning are cached, so warnings are given as often as before. Cache files
/// are written atomically (a temporary file in `.mlt/tmp/`, renamed), never flushed: a lost
/// or torn one is ignored.
pub(super) mod cache {
    use super::*;
    use std::collections::{BTreeMap, HashMap, HashSet};
    use std::io::{Read, Seek, SeekFrom, Write};
    use std::os::unix::fs::MetadataExt;
    use std::sync::OnceLock;

    const HEADER: &str = "mlt latest-metric cache 1";
    /// How many of the last bytes an entry keeps, to see that a file only grew.
    const TAIL: u64 = 32;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) struct Stamp {
        dev: u64,
        ino: u64,
        size: u64,
        mtime: i128,
        ctime: i128,
    }

    impl Stamp {
        pub(super) fn of(m: &std::fs::Metadata) -> Stamp {
            Stamp {
                dev: m.dev(),
                ino: m.ino(),
                size: m.size(),
                mtime: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
                ctime: i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
            }
        }
    }

    #[derive(Clone, Debug, PartialEq)]
    pub(super) struct Entry {
        stamp: Stamp,
        tail: Vec<u8>,
        latest: Option<MetricPoint>,
    }

    /// Folders of caches already seen to be real folders (no link on the way), per process.
    /// Read by every reading thread at once: a lock that readers do not wait on.
    fn checked() -> &'static std::sync::RwLock<HashSet<PathBuf>> {
        static CHECKED: OnceLock<std::sync::RwLock<HashSet<PathBuf>>> = OnceLock::new();
        CHECKED.get_or_init(|| std::sync::RwLock::new(HashSet::new()))
    }

    /// Whether every folder from `base` down to `dir` is a folder, not a link.
    pub(in crate::store) fn real_dirs(base: &Path, dir: &Path) -> bool {
        if checked()
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(dir)
        {
            return true;
        }
        let Ok(rel) = dir.strip_prefix(base) else {
            return false;
        };
        let mut at = base.to_path_buf();
        for c in rel.components() {
            at.push(c);
            match std::fs::symlink_metadata(&at) {
                Ok(m) if m.file_type().is_dir() => {}
                _ => return false,
            }
        }
        checked()
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_path_buf());
        true
    }

    /// Makes the folders from `base` down to `dir` one by one, never through a link.
    pub(in crate::store) fn make_real_dirs(base: &Path, dir: &Path) -> bool {
        let Ok(rel) = dir.strip_prefix(base) else {
            return false;
        };
        let mut at = base.to_path_buf();
        for c in rel.components() {
            at.push(c);
            match std::fs::create_dir(&at) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(_) => return false,
            }
            match std::fs::symlink_metadata(&at) {
                Ok(m) if m.file_type().is_dir() => {}
                _ => return false,
            }
        }
        real_dirs(base, dir)
    }

    pub(in crate::store) fn plain_name(s: &str) -> bool {
        !s.is_empty()
            && !s.starts_with('.')
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
    }

    impl Store {
        /// The cache file of a run folder `<tracking>/<experiment>/<run>`, if it can have one.
        fn cache_file(&self, run_dir: &Path) -> Option<PathBuf> {
            let rel = run_dir.strip_prefix(&self.tracking).ok()?;
            let parts: Vec<&str> = rel.iter().map(|c| c.to_str()).collect::<Option<_>>()?;
            let [exp, run] = parts[..] else { return None };
            if !plain_name(exp) || !plain_name(run) {
                return None;
            }
            Some(super::super::layout::latest_cache(
                &self.root.join(super::super::MLT_DIR),
                exp,
                run,
            ))
        }

        /// The latest point of each metric file (key, path) of the run in `run_dir`, by
        /// MLflow's rule, as [`Store::latest_in_file`] gives it for each; keys without a good
        /// line are left out. With `unchecked`, the paths were not seen to be regular files:
        /// those that are not (missing, a link, a folder) are left out too.
        pub(crate) fn latest_of_files(
            &self,
            run_dir: &Path,
            files: Vec<(String, PathBuf)>,
            unchecked: bool,
        ) -> Result<BTreeMap<String, MetricPoint>> {
            let mut out = BTreeMap::new();
            let cache_file = self.cache_file(run_dir);
            let mut entries = cache_file
                .as_deref()
                .map(|f| self.read_cache(f))
                .unwrap_or_default();
            let mut changed = false;
            let mut seen = HashSet::new();
            for (key, path) in files {
                let cacheable = cache_file.is_some() && !key.contains(['\t', '\n']);
                let found = if cacheable {
                    let old = entries.get(&key);
                    match latest_cached(&path, old) {
                        Cached::Entry(entry) => {
                            if old != Some(&entry) {
                                entries.insert(key.clone(), entry.clone());
                                changed = true;
                            }
                            seen.insert(key.clone());
                            entry.latest
                        }
                        Cached::NotAFile if unchecked => {
                            changed |= entries.remove(&key).is_some();
                            continue;
                        }
                        Cached::NotAFile | Cached::Uncached => {
                            changed |= entries.remove(&key).is_some();
                            self.latest_in_file(&path)?
                        }
                    }
                } else {
                    if unchecked && !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                        continue;
                    }
                    self.latest_in_file(&path)?
                };
                if let Some(p) = found {
                    out.insert(key, p);
                }
            }
            if changed && let Some(f) = cache_file {
                self.write_cache(&f, &entries);
            }
            Ok(out)
        }

        fn read_cache(&self, file: &Path) -> HashMap<String, Entry> {
            let base = self.root.join(super::super::MLT_DIR);
            let Some(dir) = file.parent() else {
                return HashMap::new();
            };
            if !real_dirs(&self.root, &base) || !real_dirs(&base, dir) {
                return HashMap::new();
            }
            let Some(bytes) = read_regular(file, None) else {
                return HashMap::new();
            };
            parse_cache(&bytes).unwrap_or_default()
        }

        /// Writes a run's cache file; a failure leaves the cache as it was (it is not needed).
        fn write_cache(&self, file: &Path, entries: &HashMap<String, Entry>) {
            let base = self.root.join(super::super::MLT_DIR);
            let Some(dir) = file.parent() else { return };
            // Makes `.mlt/tmp/` (and `.mlt/`) if need be.
            let Some((tmp, _)) = super::super::fs::temp_home(file) else {
                return;
            };
            if !real_dirs(&self.root, &base) || !make_real_dirs(&base, dir) {
                return;
            }
            let Ok(mut t) = tempfile::NamedTempFile::new_in(&tmp) else {
                return;
            };
            if t.write_all(format_cache(entries).as_bytes()).is_ok() {
                let _ = t.persist(file);
            }
        }
    }

    /// The bytes of a regular file (not a link) from `from` on, read up to the size its open
    /// handle had; with the stat of that handle.
    pub(in crate::store) fn read_regular(path: &Path, from: Option<u64>) -> Option<Vec<u8>> {
        read_regular_stamped(path, from).map(|(b, _)| b)
    }

    fn read_regular_stamped(path: &Path, from: Option<u64>) -> Option<(Vec<u8>, Stamp)> {
        use std::os::unix::fs::OpenOptionsExt;
        // Not through a link; a FIFO put there does not block the open; the stat is the
        // open file's own, so what is read is what is looked at.
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(flags.bits() as i32)
            .open(path)
            .ok()?;
        let m = f.metadata().ok()?;
        if !m.file_type().is_file() {
            return None;
        }
        let stamp = Stamp::of(&m);
        let from = from.unwrap_or(0);
        if from > stamp.size {
            return None;
        }
        if from > 0 {
            f.seek(SeekFrom::Start(from)).ok()?;
        }
        let want = (stamp.size - from) as usize;
        let mut bytes = Vec::with_capacity(want);
        f.take(want as u64).read_to_end(&mut bytes).ok()?;
        (bytes.len() == want).then_some((bytes, stamp))
    }

    /// The entry of a metric file, from `old` when the file still matches it or only grew,
    /// else from reading it whole; `None` when the file cannot be summed up without a warning
    /// (or is not a regular file): the caller reads it the usual way.
    pub(super) enum Cached {
        Entry(Entry),
        /// Missing, or not a regular file.
        NotAFile,
        /// Not summed up without a warning: read the usual way.
        Uncached,
    }

    /// [`latest_entry`], telling a path that is no regular file apart.
    pub(super) fn latest_cached(path: &Path, old: Option<&Entry>) -> Cached {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_file() => match latest_entry(path, Stamp::of(&m), old) {
                Some(e) => Cached::Entry(e),
                None => Cached::Uncached,
            },
            _ => Cached::NotAFile,
        }
    }

    fn latest_entry(path: &Path, now: Stamp, old: Option<&Entry>) -> Option<Entry> {
        if let Some(old) = old {
            if old.stamp == now {
                return Some(old.clone());
            }
            let (o, n) = (&old.stamp, &now);
            if o.dev == n.dev && o.ino == n.ino && n.size > o.size {
                let tail_len = old.tail.len() as u64;
                if let Some((bytes, stamp)) = read_regular_stamped(path, Some(o.size - tail_len))
                    && stamp.dev == o.dev
                    && stamp.ino == o.ino
                    && bytes.starts_with(&old.tail)
                    && let Some(latest) = fold(&bytes[old.tail.len()..], old.latest)
                {
                    return Some(Entry {
                        tail: tail_of(&bytes, stamp.size),
                        stamp,
                        latest,
                    });
                }
            }
        }
        let (bytes, stamp) = read_regular_stamped(path, None)?;
        if bytes.is_empty() {
            // An empty file is warned about.
            return None;
        }
        let latest = fold(&bytes, None)?;
        Some(Entry {
            tail: tail_of(&bytes, stamp.size),
            stamp,
            latest,
        })
    }

    /// The last bytes of a file of `size` bytes whose end is `bytes`.
    fn tail_of(bytes: &[u8], size: u64) -> Vec<u8> {
        let n = TAIL.min(size).min(bytes.len() as u64) as usize;
        bytes[bytes.len() - n..].to_vec()
    }

    /// The latest point of `bytes` (whole lines) after `best`, by MLflow's rule, as
    /// [`MetricPoints`] reads them; `None` if any line would be warned about (a bad or torn
    /// line).
    fn fold(bytes: &[u8], mut best: Option<MetricPoint>) -> Option<Option<MetricPoint>> {
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            return None;
        }
        for raw in bytes.split_inclusive(|&b| b == b'\n') {
            let p = match plain_line(raw) {
                Some(p) => p,
                None => {
                    let line = std::str::from_utf8(raw).ok()?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    parse_line(line).ok()?
                }
            };
            if best.as_ref().is_none_or(|b| p.later_than(b)) {
                best = Some(p);
            }
        }
        Some(best)
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn unhex(s: &str) -> Option<Vec<u8>> {
        if !s.len().is_multiple_of(2) {
            return None;
        }
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
            .collect()
    }

    pub(super) fn format_cache(entries: &HashMap<String, Entry>) -> String {
        let mut keys: Vec<&String> = entries.keys().collect();
        keys.sort();
        let mut out = format!("{HEADER}\n");
        for k in keys {
            let e = &entries[k];
            let s = &e.stamp;
            let latest = match &e.latest {
                None => "-".to_string(),
                Some(p) => format!("{} {:x} {}", p.timestamp, p.value.to_bits(), p.step),
            };
            out.push_str(&format!(
                "{k}\t{}\t{}\t{}\t{}\t{}\t{}\t{latest}\n",
                s.dev,
                s.ino,
                s.size,
                s.mtime,
                s.ctime,
                hex(&e.tail)
            ));
        }
        out.push_str("end\n");
        out
    }

    /// A cache file's entries; `None` if anything in it is off (it is then ignored whole).
    pub(super) fn parse_cache(bytes: &[u8]) -> Option<HashMap<String, Entry>> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text.strip_suffix("end\n")?.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut out = HashMap::new();
        for line in lines {
            let f: Vec<&str> = line.split('\t').collect();
            let [k, dev, ino, size, mtime, ctime, tail, latest] = f[..] else {
                return None;
            };
            let latest = match latest {
                "-" => None,
                l => {
                    let mut p = l.split(' ');
                    let timestamp = p.next()?.parse().ok()?;
                    let value = f64::from_bits(u64::from_str_radix(p.next()?, 16).ok()?);
                    let step = p.next()?.parse().ok()?;
                    if p.next().is_some() {
                        return None;
                    }
                    Some(MetricPoint {
                        timestamp,
                        value,
                        step,
                    })
                }
            };
            let stamp = Stamp {
                dev: dev.parse().ok()?,
                ino: ino.parse().ok()?,
                size: size.parse().ok()?,
                mtime: mtime.parse().ok()?,
                ctime: ctime.parse().ok()?,
            };
            let tail = unhex(tail)?;
            if tail.len() as u64 > stamp.size.min(TAIL) {
                return None;
            }
            out.insert(
                k.to_string(),
                Entry {
                    stamp,
                    tail,
                    latest,
                },
            );
        }
        Some(out)
    }
}

/// The common line, `<timestamp> <decimal value> <step>\n` with single spaces, parsed without
/// the general path's UTF-8 check and splitting; what [`parse_line`] would give, or `None` for
/// any other line.
fn plain_line(raw: &[u8]) -> Option<MetricPoint> {
    let line = raw.strip_suffix(b"\n")?;
    let mut fields = line.split(|&b| b == b' ');
    let (t, v, s) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() {
        return None;
    }
    let timestamp = digits(t)?;
    let step = match s.strip_prefix(b"-") {
        Some(s) => -digits(s)?,
        None => digits(s)?,
    };
    if !v.iter().all(|b| b.is_ascii_digit() || b".eE+-".contains(b)) {
        return None;
    }
    // Only ASCII bytes are left, so this is UTF-8.
    let value = parse_value(std::str::from_utf8(v).ok()?)?;
    Some(MetricPoint {
        timestamp,
        value,
        step,
    })
}

/// 1 to 18 ASCII digits (no overflow possible), as a number.
fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 18 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, &d| n * 10 + i64::from(d - b'0')))
}

#[cfg(test)]
mod cache_tests {
    use crate::entities::MetricPoint;
    use crate::store::{NewRun, RunHandle, Store};
    use std::sync::{Arc, Mutex};

    fn run() -> (tempfile::TempDir, Store, RunHandle, Arc<Mutex<Vec<String>>>) {
        let tmp = tempfile::tempdir().unwrap();
        let warnings = Arc::new(Mutex::new(Vec::new()));
        let w = warnings.clone();
        let s = Store::new(tmp.path()).on_warning(move |m| w.lock().unwrap().push(m.into()));
        s.init().unwrap();
        let e = s.experiment("0").unwrap();
        let info = s.create_run(&e, NewRun::default()).unwrap();
        let h = s.find_run(&info.run_id).unwrap();
        (tmp, s, h, warnings)
    }

    fn latest(s: &Store, h: &RunHandle, key: &str) -> Option<MetricPoint> {
        s.read_run(h).unwrap().metrics.get(key).copied()
    }

    fn point(timestamp: i64, value: f64, step: i64) -> MetricPoint {
        MetricPoint {
            timestamp,
            value,
            step,
        }
    }

    fn cache_file(t: &tempfile::TempDir, h: &RunHandle) -> std::path::PathBuf {
        t.path().join(".mlt/cache/latest/0").join(&h.info.run_id)
    }

    #[test]
    fn the_cache_is_used_while_files_match_and_follows_them_when_they_change() {
        let (t, s, h, _) = run();
        let m = h.dir.join("metrics/loss");
        // Not sorted by step: the latest is the largest step, not the last line.
        std::fs::write(&m, "5 0.5 3\n6 0.25 1\n").unwrap();
        assert_eq!(latest(&s, &h, "loss"), Some(point(5, 0.5, 3)));
        let cache = cache_file(&t, &h);
        let text = std::fs::read_to_string(&cache).unwrap();
        assert!(
            text.starts_with("loss\t") || text.contains("\nloss\t"),
            "{text}"
        );
        // A hit: forge the cached value (same stamps) and it is what comes back.
        let forged = text.replace(
            &format!("5 {:x} 3", 0.5f64.to_bits()),
            &format!("5 {:x} 3", 9.0f64.to_bits()),
        );
        assert_ne!(forged, text);
        std::fs::write(&cache, &forged).unwrap();
        assert_eq!(latest(&s, &h, "loss").unwrap().value, 9.0);
        // Growth is read from where the entry ends (the forged value stays the running best,
        // which shows that only the new lines were read) ...
        let mut f = std::fs::OpenOptions::new().append(true).open(&m).unwrap();
        std::io::Write::write_all(&mut f, b"7 0.125 2\n").unwrap();
        assert_eq!(latest(&s, &h, "loss").unwrap().value, 9.0);
        std::io::Write::write_all(&mut f, b"8 0.0625 4\n").unwrap();
        assert_eq!(latest(&s, &h, "loss"), Some(point(8, 0.0625, 4)));
        // ... and a file replaced (another inode, as a repair writes it) is read whole.
        std::fs::write(t.path().join("new"), "1 1 0\n").unwrap();
        std::fs::rename(t.path().join("new"), &m).unwrap();
        assert_eq!(latest(&s, &h, "loss"), Some(point(1, 1.0, 0)));
    }

    #[test]
    fn a_damaged_or_missing_cache_is_ignored() {
        let (t, s, h, _) = run();
        std::fs::write(h.dir.join("metrics/acc"), "5 0.5 0\n").unwrap();
        assert_eq!(latest(&s, &h, "acc"), Some(point(5, 0.5, 0)));
        let cache = cache_file(&t, &h);
        let text = std::fs::read_to_string(&cache).unwrap();
        for bad in [&text[..text.len() - 4], "garbage", ""] {
            std::fs::write(&cache, bad).unwrap();
            assert_eq!(latest(&s, &h, "acc"), Some(point(5, 0.5, 0)), "{bad:?}");
        }
        std::fs::remove_dir_all(t.path().join(".mlt/cache")).unwrap();
        assert_eq!(latest(&s, &h, "acc"), Some(point(5, 0.5, 0)));
    }

    #[test]
    fn damaged_metric_files_are_not_cached_and_warn_every_time() {
        let (_t, s, h, warnings) = run();
        std::fs::write(h.dir.join("metrics/m"), "5 0.5 0\nbad line\n").unwrap();
        for n in 1..=2 {
            assert_eq!(latest(&s, &h, "m"), Some(point(5, 0.5, 0)));
            assert_eq!(warnings.lock().unwrap().len(), n);
        }
    }

    #[test]
    fn the_cache_is_not_read_or_written_through_links() {
        let (t, s, h, _) = run();
        std::fs::write(h.dir.join("metrics/m"), "5 0.5 0\n").unwrap();
        // A `cache` folder that is a link elsewhere: a forged entry there is not read, and
        // nothing is written there.
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join(".mlt")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), t.path().join(".mlt/cache")).unwrap();
        assert_eq!(latest(&s, &h, "m"), Some(point(5, 0.5, 0)));
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let p = MetricPoint {
            timestamp: 1700000000000,
            value: 0.5,
            step: 3,
        };
        assert_eq!(format_line(&p), "1700000000000 0.5 3\n");
        for n in [0, 1, -1, 9, 10, -10, 1700000000000, i64::MAX, i64::MIN] {
            let mut s = String::new();
            push_int(&mut s, n);
            assert_eq!(s, n.to_string());
            let p = MetricPoint {
                timestamp: n,
                value: -1e-5,
                step: n,
            };
            assert_eq!(
                format_line(&p),
                format!("{n} {} {n}\n", crate::entities::format_value(-1e-5))
            );
        }
        assert_eq!(parse_line("1700000000000 0.5 3\n").unwrap(), p);
        assert_eq!(parse_line("5 1.0").unwrap().step, 0);
        assert_eq!(parse_line("5 1.0 2 ds digest").unwrap().step, 2);
        assert!(parse_line("5 1.0 2 x").is_err());
        assert!(parse_line("x 1.0 2").is_err());
        assert!(parse_line("5 abc 2").is_err());
        assert!(parse_line("5 nan -1").unwrap().value.is_nan());
    }

    /// The line writer of `log batch` writes the bytes `format_line` writes, point by point,
    /// whatever repeats or changes between points.
    #[test]
    fn the_line_writer_writes_format_lines_bytes() {
        let values = [
            0.1,
            1e-7,
            1e21,
            -0.0,
            0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            3.0,
            -42.0,
            0.956034,
            1e15,
            1e16,
            0.30000000000000004,
            5e-324,
            f64::MAX,
        ];
        let ints = [0, 1, -1, 1700000000000, i64::MAX, i64::MIN, 99, 100];
        let mut points = Vec::new();
        for (i, &value) in values.iter().enumerate() {
            for (j, &n) in ints.iter().enumerate() {
                for step in [n, ints[(i + j) % ints.len()]] {
                    points.push(MetricPoint {
                        timestamp: n,
                        value,
                        step,
                    });
                }
            }
        }
        let mut w = LineWriter::default();
        let mut got = String::new();
        let mut want = String::new();
        for p in &points {
            w.push(&mut got, p);
            want.push_str(&format_line(p));
            assert_eq!(
                format_line(p),
                format!(
                    "{} {} {}\n",
                    p.timestamp,
                    crate::entities::format_value(p.value),
                    p.step
                )
            );
        }
        assert_eq!(got, want);
        assert!(got.starts_with("0 0.1 0\n0 0.1 0\n1 0.1 1\n1 0.1 1\n-1 0.1 -1\n"));
        assert!(got.contains("1700000000000 1e-07 1700000000000\n"));
        assert!(got.contains(" 1e+21 ") && got.contains(" -0.0 ") && got.contains(" nan "));
    }

    #[test]
    fn the_plain_line_path_agrees_with_the_general_one() {
        let lines = [
            "1700000000000 0.5 3\n",
            "1700000000000 0.123456 0\n",
            "5 1.0 -2\n",
            "5 -1.5e-3 7\n",
            "5 +.5E2 -0\n",
            "5 1e400 1\n",
            "0 0 0\n",
            "5 1.0\n",
            "5 1.0 2\r\n",
            "5  1.0 2\n",
            " 5 1.0 2\n",
            "5 1.0 2 \n",
            "5 1.0 2",
            "5 1.2.3 4\n",
            "5 - 4\n",
            "5 1.0 +4\n",
            "5 1.0 -\n",
            "-5 1.0 4\n",
            "5 nan 4\n",
            "5 1_0 4\n",
            "1234567890123456789 1 2\n",
            "5 1.0 1234567890123456789\n",
            "5 1.0 2 ds digest\n",
            "\n",
        ];
        for line in lines {
            // Whatever the plain path takes, it reads as the general path does.
            if let Some(p) = plain_line(line.as_bytes()) {
                assert_eq!(Ok(p), parse_line(line), "{line:?}");
                assert!(line.ends_with('\n'), "{line:?}");
            }
        }
        for line in ["1700000000000 0.123456 0\n", "5 -1.5e-3 -7\n", "0 0 0\n"] {
            assert!(plain_line(line.as_bytes()).is_some(), "{line:?}");
        }
    }

    #[test]
    fn damaged_files_keep_their_good_lines() {
        use std::sync::{Arc, Mutex};
        let tmp = tempfile::tempdir().unwrap();
        let warnings: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
        let w = warnings.clone();
        let store = Store::new(tmp.path()).on_warning(move |m| w.lock().unwrap().push(m.into()));
        let f = tmp.path().join("m");
        std::fs::write(&f, "1 0.5 0\ngarbage\n2 0.7 1\n3 0.").unwrap();
        let pts = store.read_metric_file(&f).unwrap();
        assert_eq!(pts.len(), 2);
        assert_eq!(store.latest_in_file(&f).unwrap().unwrap().value, 0.7);
        let w = warnings.lock().unwrap();
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].contains(":2: malformed"), "{w:?}");
        assert!(w[1].contains(":4: torn"), "{w:?}");
        drop(w);
        std::fs::write(&f, "").unwrap();
        assert!(store.read_metric_file(&f).unwrap().is_empty());
        assert!(warnings.lock().unwrap()[4].ends_with("empty metric file"));
        // A byte that is not UTF-8 spoils its line only.
        std::fs::write(&f, b"1 0.5 0\n2 0.\xff 1\n\xfe\n3 0.7 2\n").unwrap();
        let pts = store.read_metric_file(&f).unwrap();
        assert_eq!(pts.iter().map(|p| p.step).collect::<Vec<_>>(), [0, 2]);
        let w = warnings.lock().unwrap();
        assert!(
            w[5].ends_with(":2: malformed metric line skipped: not UTF-8"),
            "{w:?}"
        );
        assert!(
            w[6].ends_with(":3: malformed metric line skipped: not UTF-8"),
            "{w:?}"
        );
    }
}

/// Property tests for metric lines and the file reader (see `crate::fuzz_tests`).
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz_tests::{fuzz, text};
    use proptest::prelude::*;

    fn same(a: &MetricPoint, b: &MetricPoint) -> bool {
        a.timestamp == b.timestamp
            && a.step == b.step
            && (a.value.to_bits() == b.value.to_bits() || (a.value.is_nan() && b.value.is_nan()))
    }

    fn point() -> impl Strategy<Value = MetricPoint> {
        (any::<i64>(), any::<f64>(), any::<i64>()).prop_map(|(timestamp, value, step)| {
            MetricPoint {
                timestamp,
                value,
                step,
            }
        })
    }

    #[test]
    fn a_written_line_reads_back_the_same() {
        fuzz("metric-line/round-trip", point(), |p| {
            let line = format_line(&p);
            let back =
                parse_line(&line).map_err(|e| TestCaseError::fail(format!("{line:?}: {e}")))?;
            prop_assert!(same(&back, &p), "{:?} -> {:?}", line, back);
            if let Some(fast) = plain_line(line.as_bytes()) {
                prop_assert!(same(&fast, &p), "{:?} -> {:?}", line, fast);
            }
            Ok(())
        });
    }

    #[test]
    fn arbitrary_lines_never_panic_and_both_paths_agree() {
        const ALPHABET: &[&str] = &[
            "1",
            "0",
            "9",
            "-",
            "+",
            ".",
            "e",
            "E",
            " ",
            "  ",
            "\n",
            "\r",
            "\t",
            "nan",
            "inf",
            "NaN",
            "1700000000000",
            "9223372036854775807",
            "9223372036854775808",
            "x",
            "\u{ff}",
        ];
        let soup =
            prop::collection::vec(prop::sample::select(ALPHABET), 0..20).prop_map(|t| t.join(""));
        let check = |s: String| {
            let general = parse_line(&s);
            if let Some(fast) = plain_line(s.as_bytes()) {
                let g = general
                    .map_err(|e| TestCaseError::fail(format!("{s:?}: fast ok, general {e}")))?;
                prop_assert!(same(&fast, &g), "{:?}", s);
            }
            Ok(())
        };
        fuzz("metric-line/bytes", text(), check);
        fuzz("metric-line/tokens", soup, check);
    }

    #[test]
    fn a_damaged_file_yields_exactly_its_good_lines() {
        // Lines: good ones, garbage, bytes that are not UTF-8, a torn end.
        let line = prop_oneof![
            point().prop_map(|p| format_line(&p).into_bytes()),
            prop::collection::vec(any::<u8>(), 0..30),
            Just(b"5 0.\xff 1\n".to_vec()),
            Just(b"\n".to_vec()),
        ];
        fuzz(
            "metric-file/reader",
            prop::collection::vec(line, 0..12),
            |lines| {
                let bytes: Vec<u8> = lines.concat();
                let tmp = tempfile::tempdir().unwrap();
                let store = Store::new(tmp.path()).on_warning(|_| {});
                let f = tmp.path().join("m");
                std::fs::write(&f, &bytes).unwrap();
                let got = store
                    .read_metric_file(&f)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                // The oracle: each newline-ended piece that is UTF-8 and parses, and a last piece
                // without a newline only when it has the step field.
                let mut want = Vec::new();
                let mut rest: &[u8] = &bytes;
                while !rest.is_empty() {
                    let (piece, complete) = match rest.iter().position(|&b| b == b'\n') {
                        Some(i) => (&rest[..=i], true),
                        None => (rest, false),
                    };
                    rest = &rest[piece.len()..];
                    let Ok(s) = std::str::from_utf8(piece) else {
                        continue;
                    };
                    if s.trim().is_empty() {
                        continue;
                    }
                    if let Ok(p) = parse_line(s)
                        && (complete || s.trim().split(' ').count() != 2)
                    {
                        want.push(p);
                    }
                }
                prop_assert_eq!(got.len(), want.len());
                for (g, w) in got.iter().zip(&want) {
                    prop_assert!(same(g, w), "{:?} vs {:?}", g, w);
                }
                Ok(())
            },
        );
    }
}
