//! A run's or logged model's files, to and from the server (see the module doc of
//! `app::sync`). The remote side is a location the server gave:
//!
//! - `mlflow-artifacts:/<path>` (or `mlflow-artifacts://host/<path>`): through the server's
//!   artifact proxy, each file streamed in one PUT; a file of at least
//!   `MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE` bytes (default 500 MiB) in parts of
//!   `MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE` (default 10 MiB) through the proxy's multipart
//!   endpoints when the server offers them (its artifact store is S3 or another cloud store),
//!   else in one PUT (`MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD=false` never tries parts);
//! - `s3://bucket/key` (a server with `--no-serve-artifacts` and an S3 artifact root):
//!   straight to S3 with the AWS variables ([`crate::remote::s3`]), large files in parts;
//! - anything else (`file:`, a local path): the server does not serve artifacts and mlt
//!   cannot reach them: an error, but only when there is a file to move.
//!
//! Only changed files move. A push compares each local file's stamp (size, modification
//! time) with the link's map of what the server has, sends those that are new or changed,
//! and records each stamp once its file is on the server; the run's link is written to the
//! map as it goes (at most a second apart, and after every file of 1 MiB or more), so a push
//! killed part way sends again at most the files of its last second. A run found there by its
//! source tag without a map (the map lost, or pushed from another clone of the store) starts
//! from the server's listing: a file it lists with the local size is not sent again. A file
//! removed here stays
//! on the server: MLflow's artifacts are append-only (there is no delete through the API a
//! client is meant to use), and mlt does not remove what a teammate may be reading.
//!
//! A link inside the artifacts that stays in the store is sent as the file it points at (as
//! MLflow's `log_artifacts` does); one that leads out of the store is not read: skipped, with a
//! warning.
//!
//! A pull lists the files there (recursively) and fetches those this side lacks (not in the
//! map, or listed with another size, or missing here), each written whole into the run's
//! artifacts (a temporary file in `.mlt/tmp/`, renamed into place). Every path the server
//! lists is checked before the first byte is written: one that is not a plain relative path
//! (`..`, absolute, empty parts) is refused, and nothing is written outside the artifacts
//! folder, not even through a link in it. A file already here with the size the server
//! lists is taken as the same one and not fetched again.

use super::{FileStamp, RunLink, Session};
use crate::remote::multipart::{Multipart, Thresholds};
use crate::remote::s3::{S3, S3Config, S3Url};
use crate::store::RunHandle;
use crate::store::pulled_files::{LocalFile, PulledFile};
use crate::store::remotes::Kind;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Sends the run's new and changed files to `remote_uri` (the run's `artifact_uri` on the
/// server), recording each in `link.artifacts` and in the tally.
pub(super) fn push_run(
    s: &Session,
    run: &RunHandle,
    remote_uri: &str,
    link: &mut RunLink,
) -> crate::app::Result<()> {
    let t = Transfer::from_env()?;
    push_run_with(s, t, run, remote_uri, link)
}

/// For a run found there by its source tag, without a map of what was sent (the map was
/// lost, or another clone of this store pushed it): each local file the server lists with the
/// same size is taken as sent, as a pull takes a file here with the size listed there, so a
/// push does not send it again. No request for a run without files.
pub(super) fn known_there(
    s: &Session,
    run: &RunHandle,
    remote_uri: &str,
    link: &mut RunLink,
) -> crate::app::Result<()> {
    let files = s.store.run_artifact_files(run)?;
    if files.is_empty() {
        return Ok(());
    }
    let t = Transfer::from_env()?;
    let target = target(remote_uri)?;
    let listed: BTreeMap<String, Option<u64>> = list(s, t, &target)?
        .into_iter()
        .map(|l| (l.rel, l.size))
        .collect();
    for f in files {
        if listed.get(&f.rel) == Some(&Some(f.size)) {
            let stamp = FileStamp {
                size: f.size,
                mtime_ns: f.mtime_ns,
            };
            link.artifacts.insert(f.rel, stamp);
        }
    }
    Ok(())
}

/// Fetches the files at `remote_uri` into the local run's artifacts, recording each in
/// `link.artifacts` and in the tally.
pub(super) fn pull_run(
    s: &Session,
    remote_uri: &str,
    run: &RunHandle,
    link: &mut RunLink,
) -> crate::app::Result<()> {
    let t = Transfer::from_env()?;
    pull_run_with(s, t, remote_uri, run, link)
}

/// Sends the files under `local_dir` (a logged model's artifacts folder in the store) to
/// `remote_uri`; `state` is what the server has (relative path → stamp). The caller writes
/// its link to the map.
pub(super) fn push_dir(
    s: &Session,
    local_dir: &Path,
    remote_uri: &str,
    state: &mut BTreeMap<String, FileStamp>,
) -> crate::app::Result<()> {
    let t = Transfer::from_env()?;
    let files = s.store.folder_files(local_dir)?;
    push_files(s, t, files, remote_uri, state, &mut |_| Ok(()))
}

/// Fetches the files at `remote_uri` into `local_dir` (a logged model's artifacts folder in
/// the store). The caller writes its link to the map.
pub(super) fn pull_dir(
    s: &Session,
    remote_uri: &str,
    local_dir: &Path,
    state: &mut BTreeMap<String, FileStamp>,
) -> crate::app::Result<()> {
    let t = Transfer::from_env()?;
    pull_files(
        s,
        t,
        remote_uri,
        Local::Folder(local_dir),
        state,
        &mut |_| Ok(()),
    )
}

/// How files move: the multipart thresholds, the S3 client (or why there is none) and the
/// client for the presigned URLs of the proxy's multipart uploads.
pub(super) struct Transfer {
    pub thresholds: Thresholds,
    s3: Result<Arc<S3>, String>,
    presigned: Arc<S3>,
}

impl Transfer {
    /// From the environment, read once per process (the S3 client keeps its connections).
    fn from_env() -> crate::app::Result<&'static Transfer> {
        static T: OnceLock<Result<Transfer, String>> = OnceLock::new();
        let t = T.get_or_init(|| {
            let get = |k: &str| std::env::var(k).ok();
            let thresholds = Thresholds::from_env(get).map_err(|e| e.to_string())?;
            Ok(Transfer::new(thresholds, S3Config::from_env(get)))
        });
        t.as_ref()
            .map_err(|m| crate::remote::Error::Config(m.clone()).into())
    }

    pub(super) fn new(thresholds: Thresholds, s3: crate::remote::Result<S3Config>) -> Transfer {
        Transfer {
            thresholds,
            s3: s3
                .map(|c| Arc::new(S3::new(Some(c))))
                .map_err(|e| e.to_string()),
            presigned: Arc::new(S3::new(None)),
        }
    }

    fn s3(&self) -> crate::app::Result<&S3> {
        self.s3
            .as_deref()
            .map_err(|m| crate::remote::Error::Config(m.clone()).into())
    }
}

/// Where files go or come from.
enum Target {
    /// A path for the artifact proxy (`1/<run>/artifacts`).
    Proxy(String),
    S3(S3Url),
}

fn target(uri: &str) -> crate::app::Result<Target> {
    if let Some(p) = crate::remote::artifacts::proxy_path(uri) {
        if p.is_empty() {
            return Err(unreachable(uri, "names no artifact folder"));
        }
        return Ok(Target::Proxy(p));
    }
    if let Some(u) = S3Url::parse(uri) {
        return Ok(Target::S3(u?));
    }
    Err(unreachable(
        uri,
        "is not served by the server (start it with --serve-artifacts, MLflow's default, or \
         give it an s3:// artifact root)",
    ))
}

fn unreachable(uri: &str, why: &str) -> crate::app::Error {
    crate::remote::Error::Config(format!(
        "the server keeps these artifacts at {uri:?}, which {why}; mlt moves artifacts only \
         through the server's artifact proxy (mlflow-artifacts:) or straight to S3 (s3://)"
    ))
    .into()
}

/// What writes the link being filled in to the map, now and then (see the module doc).
type Checkpoint<'c> = dyn FnMut(&BTreeMap<String, FileStamp>) -> crate::app::Result<()> + 'c;

/// How often the link is written while files move.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);
/// A file at least this big has its link written right after it.
const CHECKPOINT_FILE: u64 = 1 << 20;

/// A run's link written to the map with `state` as its artifacts.
fn run_checkpoint<'c>(s: &'c Session, run_id: &'c str, link: &'c RunLink) -> Box<Checkpoint<'c>> {
    Box::new(move |state| {
        let mut l = link.clone();
        l.artifacts = state.clone();
        s.save_link(Kind::Run, run_id, &l)
    })
}

pub(super) fn push_run_with(
    s: &Session,
    t: &Transfer,
    run: &RunHandle,
    remote_uri: &str,
    link: &mut RunLink,
) -> crate::app::Result<()> {
    let files = s.store.run_artifact_files(run)?;
    let mut state = std::mem::take(&mut link.artifacts);
    let r = {
        let mut save = run_checkpoint(s, &run.info.run_id, link);
        push_files(s, t, files, remote_uri, &mut state, &mut *save)
    };
    link.artifacts = state;
    r
}

pub(super) fn pull_run_with(
    s: &Session,
    t: &Transfer,
    remote_uri: &str,
    run: &RunHandle,
    link: &mut RunLink,
) -> crate::app::Result<()> {
    let mut state = std::mem::take(&mut link.artifacts);
    let r = {
        let mut save = run_checkpoint(s, &run.info.run_id, link);
        pull_files(s, t, remote_uri, Local::Run(run), &mut state, &mut *save)
    };
    link.artifacts = state;
    r
}

fn push_files(
    s: &Session,
    t: &Transfer,
    files: Vec<LocalFile>,
    remote_uri: &str,
    state: &mut BTreeMap<String, FileStamp>,
    save: &mut Checkpoint,
) -> crate::app::Result<()> {
    let todo: Vec<(LocalFile, FileStamp)> = files
        .into_iter()
        .map(|f| {
            let stamp = FileStamp {
                size: f.size,
                mtime_ns: f.mtime_ns,
            };
            (f, stamp)
        })
        .filter(|(f, stamp)| state.get(&f.rel) != Some(stamp))
        .collect();
    if todo.is_empty() {
        return Ok(());
    }
    // Only now: a run without files never needs the server to serve artifacts. A dry run
    // sends nothing, and a run or model it would create has no location there yet.
    let target = if s.options.dry_run && remote_uri.is_empty() {
        None
    } else {
        Some(target(remote_uri)?)
    };
    if let Some(Target::S3(_)) = target {
        t.s3()?;
    }
    let mut proxy_multipart = t.thresholds.proxy;
    let mut last_save = Instant::now();
    let mut unsaved = false;
    for (f, stamp) in todo {
        if !s.options.dry_run
            && let Some(target) = &target
        {
            let sent = send_file(s, t, target, &f, &mut proxy_multipart);
            if let Err(e) = sent {
                if unsaved {
                    save(state)?;
                }
                return Err(e);
            }
            state.insert(f.rel.clone(), stamp);
            unsaved = true;
            if f.size >= CHECKPOINT_FILE || last_save.elapsed() >= CHECKPOINT_EVERY {
                save(state)?;
                last_save = Instant::now();
                unsaved = false;
            }
        }
        s.count(|tally| {
            tally.artifacts += 1;
            tally.artifact_bytes += f.size;
        });
        s.add_bytes(f.size);
    }
    if unsaved {
        save(state)?;
    }
    Ok(())
}

/// Sends one file; `proxy_multipart` is turned off once the server says it has no multipart
/// uploads.
fn send_file(
    s: &Session,
    t: &Transfer,
    target: &Target,
    f: &LocalFile,
    proxy_multipart: &mut bool,
) -> crate::app::Result<()> {
    let big = f.size >= t.thresholds.minimum;
    match target {
        Target::Proxy(root) => {
            let path = format!("{root}/{}", f.rel);
            if big && *proxy_multipart {
                let (folder, name) = path.rsplit_once('/').unwrap_or(("", &path));
                match s.remote.upload_multipart(
                    folder,
                    name,
                    &f.path,
                    t.thresholds.chunk,
                    &t.presigned,
                )? {
                    Multipart::Done(_) => return Ok(()),
                    Multipart::Unsupported => *proxy_multipart = false,
                }
            }
            s.remote.upload_file(&path, &f.path)?;
        }
        Target::S3(u) => {
            let s3 = t.s3()?;
            let key = u.join(&f.rel);
            if big {
                s3.put_object_multipart(&u.bucket, &key, &f.path, t.thresholds.chunk)?;
            } else {
                s3.put_object(&u.bucket, &key, &f.path)?;
            }
        }
    }
    Ok(())
}

/// The local side of a pull.
enum Local<'a> {
    Run(&'a RunHandle),
    Folder(&'a Path),
}

impl Local<'_> {
    fn files(&self, s: &Session) -> crate::store::Result<Vec<LocalFile>> {
        match self {
            Local::Run(h) => s.store.run_artifact_files(h),
            Local::Folder(d) => s.store.folder_files(d),
        }
    }

    fn pulled(&self, s: &Session, rel: &str) -> crate::store::Result<PulledFile> {
        match self {
            Local::Run(h) => s.store.pulled_run_file(h, rel),
            Local::Folder(d) => s.store.pulled_folder_file(d, rel),
        }
    }
}

/// A file listed there: its path below the location, and its size when given.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Listed {
    rel: String,
    size: Option<u64>,
}

/// How deep a listing goes: deeper is a server leading the client on.
const MAX_DEPTH: usize = 64;

/// Every file below the location, recursively, each path checked.
fn list(s: &Session, t: &Transfer, target: &Target) -> crate::app::Result<Vec<Listed>> {
    let mut out = Vec::new();
    match target {
        Target::Proxy(root) => {
            // (folder below the root, depth)
            let mut folders = vec![(String::new(), 0usize)];
            while let Some((dir, depth)) = folders.pop() {
                let listed_path = if dir.is_empty() {
                    root.clone()
                } else {
                    format!("{root}/{dir}")
                };
                for e in s.remote.list_artifacts(&listed_path)? {
                    let name = child_name(&listed_path, &e.path)?;
                    let rel = if dir.is_empty() {
                        name
                    } else {
                        format!("{dir}/{name}")
                    };
                    if e.is_dir {
                        if depth + 1 >= MAX_DEPTH {
                            return Err(hostile(&rel, "nests folders too deep"));
                        }
                        folders.push((rel, depth + 1));
                    } else {
                        out.push(Listed {
                            rel,
                            size: e.file_size.and_then(|n| u64::try_from(n).ok()),
                        });
                    }
                }
            }
        }
        Target::S3(u) => {
            let prefix = if u.key.is_empty() {
                String::new()
            } else {
                format!("{}/", u.key)
            };
            for o in t.s3()?.list_objects(&u.bucket, &prefix)? {
                let Some(rel) = o.key.strip_prefix(&prefix) else {
                    return Err(hostile(&o.key, "is not below the location listed"));
                };
                // A "folder" some tools make: an empty object named with a trailing `/`.
                if rel.ends_with('/') && o.size == 0 {
                    continue;
                }
                crate::store::artifact::validate_artifact_path(rel)
                    .map_err(|e| hostile(rel, &e.to_string()))?;
                out.push(Listed {
                    rel: rel.to_string(),
                    size: Some(o.size),
                });
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.dedup_by(|a, b| a.rel == b.rel);
    Ok(out)
}

fn hostile(path: &str, why: &str) -> crate::app::Error {
    crate::app::Error::Store(crate::store::Error::Invalid(format!(
        "the server listed the artifact {path:?}, which {why}; refused, nothing fetched"
    )))
}

/// The name of an entry listed in the folder `listed` (MLflow's proxy gives names; a path
/// from the artifact root is taken too): one plain path segment, or an error.
fn child_name(listed: &str, entry: &str) -> crate::app::Result<String> {
    let name = entry
        .strip_prefix(listed)
        .and_then(|r| r.strip_prefix('/'))
        .unwrap_or(entry);
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains('/')
        && !name.contains('\\')
        && !name.contains('\0');
    if plain {
        Ok(name.to_string())
    } else {
        Err(hostile(entry, "is not a plain file name"))
    }
}

fn pull_files(
    s: &Session,
    t: &Transfer,
    remote_uri: &str,
    local: Local,
    state: &mut BTreeMap<String, FileStamp>,
    save: &mut Checkpoint,
) -> crate::app::Result<()> {
    let target = target(remote_uri)?;
    let listed = list(s, t, &target)?;
    let here: BTreeMap<String, LocalFile> = local
        .files(s)?
        .into_iter()
        .map(|f| (f.rel.clone(), f))
        .collect();
    let mut todo = Vec::new();
    for l in listed {
        let mine = here.get(&l.rel);
        let same_size = |size: u64| l.size.is_none_or(|n| n == size);
        match (state.get(&l.rel), mine) {
            (Some(st), Some(_)) if same_size(st.size) => {}
            // Here already with the size there (the map was lost, or it came from here).
            (_, Some(f)) if l.size == Some(f.size) => {
                if !s.options.dry_run {
                    state.insert(
                        l.rel.clone(),
                        FileStamp {
                            size: f.size,
                            mtime_ns: f.mtime_ns,
                        },
                    );
                }
            }
            _ => todo.push(l),
        }
    }
    // Every path checked before the first byte is fetched (and each destination again, for
    // links, as it is opened).
    for l in &todo {
        crate::store::artifact::validate_artifact_path(&l.rel)
            .map_err(|e| hostile(&l.rel, &e.to_string()))?;
    }
    let mut last_save = Instant::now();
    let mut unsaved = false;
    for l in &todo {
        let mut bytes = l.size.unwrap_or(0);
        if !s.options.dry_run {
            let mut pf = match local.pulled(s, &l.rel) {
                Ok(pf) => pf,
                Err(e) => {
                    if unsaved {
                        save(state)?;
                    }
                    return Err(e.into());
                }
            };
            let got = fetch(s, t, &target, l, pf.file());
            let got = match got {
                Ok(n) => n,
                Err(e) => {
                    if unsaved {
                        save(state)?;
                    }
                    return Err(e);
                }
            };
            if let Some(n) = l.size
                && n != got
            {
                return Err(crate::remote::Error::Transport {
                    endpoint: format!("{remote_uri}/{}", l.rel),
                    message: format!("{got} bytes came of the {n} listed"),
                    sent: true,
                }
                .into());
            }
            let (size, mtime_ns) = pf.commit()?;
            bytes = size;
            state.insert(l.rel.clone(), FileStamp { size, mtime_ns });
            unsaved = true;
            if size >= CHECKPOINT_FILE || last_save.elapsed() >= CHECKPOINT_EVERY {
                save(state)?;
                last_save = Instant::now();
                unsaved = false;
            }
        }
        s.count(|tally| {
            tally.artifacts += 1;
            tally.artifact_bytes += bytes;
        });
        s.add_bytes(bytes);
    }
    if unsaved || (!s.options.dry_run && !todo.is_empty()) {
        save(state)?;
    }
    Ok(())
}

fn fetch(
    s: &Session,
    t: &Transfer,
    target: &Target,
    l: &Listed,
    out: &mut std::fs::File,
) -> crate::app::Result<u64> {
    let mut w = std::io::BufWriter::with_capacity(256 << 10, out);
    let n = match target {
        Target::Proxy(root) => {
            s.remote
                .download_file(&format!("{root}/{}", l.rel), l.size, &mut w)?
        }
        Target::S3(u) => {
            t.s3()?
                .get_object(&u.bucket, &u.join(&l.rel), l.size.unwrap_or(0), &mut w)?
        }
    };
    use std::io::Write;
    w.flush().map_err(|e| crate::remote::Error::Io {
        path: "downloaded artifact".into(),
        source: e,
    })?;
    Ok(n)
}

#[cfg(test)]
#[path = "tests_artifacts.rs"]
mod tests;
