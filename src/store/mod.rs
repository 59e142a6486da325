//! The store: a folder holding `mlruns/` (MLflow's file store, byte for byte) and, beside it,
//! `.mlt/` for mlt's own lock and scratch files. This module is the only code that knows the
//! on-disk layout.

pub mod artifact;
pub mod check;
mod error;
mod experiment;
pub mod fs;
pub mod gc;
pub mod layout;
mod locate;
mod logged;
pub mod logged_write;
mod metric;
mod model_files;
pub mod proxy;
pub mod pulled_files;
mod registry;
pub mod remotes;
mod run;
pub mod safe_path;
pub mod sqlite;
mod summary;
pub mod transfer;
mod watch;
pub mod yaml;

pub use artifact::{ArtifactEntry, RunRef};
pub use error::{Entity, Error, ErrorKind, StoreRole, levenshtein, similar};
pub use locate::{
    Located, Origin, local_path_of_uri, locate, normalize as normalize_path, path_to_file_uri,
};
pub use metric::MetricPoints;
pub use registry::{LoggedModel, ModelUri, NewVersion};
pub use run::{Batch, Keys, LocationForm, Logger, NewRun, RunHandle, RunParts};
pub use transfer::{
    Conflict, Counts, OnConflict, Report, TransferOptions, TransferPlan, TransferScope,
};

use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub use layout::{DEFAULT_EXPERIMENT_ID, MLRUNS, MLT_DIR, REGISTRY, TRASH};

type WarnFn = Box<dyn Fn(&str) + Send + Sync>;

/// Threads that read runs at once: four per core, at least 16. More than the cores, as with a
/// cold cache the time goes in waiting for the disk, and a disk answers many reads at once
/// faster than one at a time; not many more, as every thread costs its start and its share of
/// the allocator. On the 2,000-run bench store on 2 cores (JSON search of 332 runs): warm
/// 73 ms with 16 threads, 88 ms with 64; cold 0.20 s with either; cold without the summary
/// cache 0.64 s with 16, 0.70 s with 64.
fn read_threads() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(4, |n| n.get());
        (cores * 4).clamp(16, 64)
    })
}

thread_local! {
    /// Warnings held back on a [`Store::par_map`] worker, for the item it is reading.
    static HELD: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
    /// How many warnings this thread gave (or held back): a read that warned is not cached.
    static WARNED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// Set while this thread reads the items of a [`Store::par_map`], which took in the change
    /// watch's events once for all of them (see [`watch`]).
    static SYNCED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Takes in the change watch's events before a read, unless the batch of reads this thread is
/// part of did so when it began.
fn sync_watch(w: Option<&watch::Watch>) {
    if let Some(w) = w
        && !SYNCED.with(|s| s.get())
    {
        w.sync();
    }
}

/// How many warnings this thread gave so far.
pub(crate) fn warnings_given() -> u64 {
    WARNED.with(|w| w.get())
}

/// A store on disk.
pub struct Store {
    root: PathBuf,
    tracking: PathBuf,
    /// The registry folder when it was named (`MLFLOW_REGISTRY_URI`), else found by
    /// [`layout::registry_root`]'s rule.
    registry: Option<PathBuf>,
    warn: WarnFn,
    /// The run summaries read or written (see [`summary`]), by run folder.
    summaries: Vec<std::sync::RwLock<summary::Memo>>,
    /// How long a file must have been unchanged for a summary to keep what was read of it.
    summary_margin: i64,
    /// The change watch of a long-running reader (see [`watch`]), when it was asked for.
    watch: Option<std::sync::Arc<watch::Watch>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("root", &self.root)
            .field("tracking", &self.tracking)
            .field("registry", &self.registry)
            .finish()
    }
}

impl Store {
    /// A store whose tracking folder is `root/mlruns`. Nothing is read or created.
    pub fn new(root: impl Into<PathBuf>) -> Store {
        let root = root.into();
        let tracking = layout::tracking(&root);
        Store::with_tracking(root, tracking)
    }

    /// A store whose tracking folder has another name (an `MLFLOW_TRACKING_URI` folder).
    pub fn with_tracking(root: PathBuf, tracking: PathBuf) -> Store {
        fs::register_store(&root, &root.join(MLT_DIR));
        Store {
            root,
            tracking,
            registry: None,
            warn: Box::new(|_| {}),
            summaries: (0..summary::SHARDS).map(|_| Default::default()).collect(),
            summary_margin: summary::MARGIN_NS,
            watch: None,
        }
    }

    /// Has the kernel report changes to the tracking folder (see [`watch`]), so that reading
    /// runs again costs no system call for what did not change: for a reader that lives long
    /// (`mlt server`). Nothing changes where the store's file system cannot be watched.
    pub fn watch_changes(mut self) -> Store {
        self.watch = watch::Watch::start(&self.tracking);
        self
    }

    /// Uses `registry` as the registry folder (MLflow's registry URI), whatever is there.
    pub fn with_registry(mut self, registry: Option<PathBuf>) -> Store {
        self.registry = registry;
        self
    }

    /// Sets what happens to warnings (malformed files skipped, torn lines...).
    pub fn on_warning(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Store {
        self.warn = Box::new(f);
        self
    }

    pub(crate) fn warn(&self, msg: &str) {
        WARNED.with(|w| w.set(w.get() + 1));
        let held = HELD.with(|h| match h.borrow_mut().as_mut() {
            Some(held) => {
                held.push(msg.to_string());
                true
            }
            None => false,
        });
        if !held {
            (self.warn)(msg)
        }
    }

    /// `f` over `items` on [`read_threads`] threads, in order. Each item's warnings are held
    /// back and given when its result is taken from the iterator, so what a caller sees
    /// (results, warnings, the first error it stops at) is what reading the items one after
    /// another would give.
    pub(crate) fn par_map<'a, T: Sync, R: Send + 'a>(
        &'a self,
        items: &[T],
        f: impl Fn(&T) -> R + Sync,
    ) -> impl Iterator<Item = R> + 'a {
        let threads = read_threads().min(items.len());
        let mut done: Vec<Option<(R, Vec<String>)>> = Vec::with_capacity(items.len());
        sync_watch(self.watch.as_deref());
        if threads <= 1 {
            // At most one item: no thread, and its warnings go straight out. The thread is
            // marked synced for the item only (even if reading it panics: a server's threads
            // live on).
            struct Unmark(bool);
            impl Drop for Unmark {
                fn drop(&mut self) {
                    SYNCED.with(|s| s.set(self.0));
                }
            }
            let _unmark = Unmark(SYNCED.with(|s| s.replace(true)));
            done.extend(items.iter().map(|t| Some((f(t), Vec::new()))));
        } else {
            done.resize_with(items.len(), || None);
            let next = std::sync::atomic::AtomicUsize::new(0);
            let work = || {
                HELD.with(|h| *h.borrow_mut() = Some(Vec::new()));
                SYNCED.with(|s| s.set(true));
                let mut out = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    let warnings = HELD.with(|h| h.borrow_mut().as_mut().map(std::mem::take));
                    out.push((i, r, warnings.unwrap_or_default()));
                }
                out
            };
            std::thread::scope(|s| {
                let workers: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
                for w in workers {
                    match w.join() {
                        Ok(out) => {
                            for (i, r, warnings) in out {
                                done[i] = Some((r, warnings));
                            }
                        }
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                }
            });
        }
        done.into_iter().flatten().map(move |(r, warnings)| {
            for w in warnings {
                // Held again when this runs on another par_map's worker.
                self.warn(&w);
            }
            r
        })
    }

    /// The folder holding `mlruns/`.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The `mlruns/` folder (MLflow's tracking root).
    pub fn tracking(&self) -> &Path {
        &self.tracking
    }

    /// The model registry folder, MLflow's registry URI: `registry/` beside `mlruns/`, or
    /// `mlruns/` itself in a store MLflow wrote with its default registry location (see
    /// [`layout::registry_root`]).
    pub fn registry_root(&self) -> PathBuf {
        layout::registry_root(&self.root, &self.tracking, self.registry.as_deref())
    }

    /// The folders the store itself writes: `mlruns/`, `registry/` and `.mlt/` (left out when
    /// asking git whether the code around a store is dirty).
    pub fn own_folders(&self) -> [PathBuf; 3] {
        [self.tracking.clone(), self.registry_root(), self.mlt_dir()]
    }

    /// The path that names this store to another mlt process (`MLT_STORE`): the root, or the
    /// tracking folder itself when it is not called `mlruns/`.
    pub fn env_location(&self) -> &Path {
        if self.tracking == layout::tracking(&self.root) {
            &self.root
        } else {
            &self.tracking
        }
    }

    fn mlt_dir(&self) -> PathBuf {
        self.root.join(MLT_DIR)
    }

    /// Holds the store-wide lock, used where allocation can race (experiment names) and around
    /// read-change-rewrite of a `meta.yaml` (run status, deletion, renames).
    pub(crate) fn lock(&self) -> Result<fs::Lock> {
        self.ensure_mlt_dir()?;
        fs::lock(&layout::lock(&self.mlt_dir()))
    }

    fn ensure_mlt_dir(&self) -> Result<()> {
        let dir = self.mlt_dir();
        if !dir.is_dir() {
            fs::create_dir_all(&dir)?;
            // Nothing in .mlt/ belongs in git: a lock file and scratch space.
            fs::write_atomic(&dir.join(layout::GITIGNORE), b"*\n")?;
        }
        Ok(())
    }

    /// A fresh scratch folder on the same file system, for building a folder and renaming it
    /// into place whole.
    pub(crate) fn scratch_dir(&self) -> Result<fs::Scratch> {
        self.scratch_named("build-")
    }

    /// A scratch folder named `<prefix>XXXXXX` under `.mlt/tmp/` (e.g. `import-`, `export-`),
    /// removed when dropped; one that a killed command left is reclaimed by `mlt store gc`.
    pub fn scratch_named(&self, prefix: &str) -> Result<fs::Scratch> {
        self.ensure_mlt_dir()?;
        fs::Scratch::new_in(&self.tmp_dir(), prefix)
    }

    /// `.mlt/tmp/`: every temporary file and scratch folder of the store lives here, on the
    /// same file system as `mlruns/` and where MLflow never looks.
    pub fn tmp_dir(&self) -> PathBuf {
        self.mlt_dir().join(layout::TMP)
    }

    /// The store-relative form of a path under the tracking folder, with `/` separators.
    pub(crate) fn relative_location(&self, path: &Path) -> String {
        fs::slash_path(path.strip_prefix(&self.root).unwrap_or(path))
    }

    /// Creates the store (`mlruns/`, `.trash/`, the Default experiment) if it is missing.
    /// Returns true when something was created.
    pub fn init(&self) -> Result<bool> {
        let mut created = false;
        if !self.tracking.is_dir() {
            fs::create_dir_all(&self.tracking)?;
            created = true;
        }
        let trash = self.tracking.join(TRASH);
        if !trash.is_dir() {
            fs::create_dir_all(&trash)?;
        }
        let default = self.tracking.join(DEFAULT_EXPERIMENT_ID);
        if !layout::has_meta(&default)
            && !self
                .tracking
                .join(TRASH)
                .join(DEFAULT_EXPERIMENT_ID)
                .is_dir()
        {
            self.write_default_experiment()?;
            created = true;
        }
        self.ensure_mlt_dir()?;
        Ok(created)
    }

    /// Turns the durable mode on or off for this store (see [`fs::durable_at`]).
    pub fn set_durable(&self, on: bool) -> Result<()> {
        self.ensure_mlt_dir()?;
        let marker = self.mlt_dir().join(layout::DURABLE);
        fs::forget_settings();
        if on {
            fs::write_atomic(&marker, b"flush every write to disk\n")
        } else if marker.exists() {
            std::fs::remove_file(&marker).map_err(|source| Error::Io {
                path: marker,
                source,
            })
        } else {
            Ok(())
        }
    }

    /// Whether there is a store here ([`layout::is_store`]).
    pub fn exists(&self) -> bool {
        layout::is_store(&self.root, &self.tracking, self.registry.as_deref())
    }

    /// Fails with [`Error::NoStore`] when there is no store here: the one check, and the one
    /// message, for every command that needs an existing store.
    pub fn require(&self) -> Result<()> {
        self.require_as(StoreRole::Target)
    }

    /// [`Store::require`] for a store wanted as `role` (the other store of a merge...), which
    /// the error names.
    pub fn require_as(&self, role: StoreRole) -> Result<()> {
        if self.exists() {
            Ok(())
        } else {
            Err(Error::NoStore {
                root: self.root.clone(),
                tracking: self.tracking.clone(),
                role,
            })
        }
    }
}

pub mod dataset;
mod fingerprint;
#[cfg(test)]
pub(crate) use fingerprint::age as age_for_tests;
pub mod pulled;
#[cfg(test)]
mod tests;
// Registry entries and logged models as a server has them (`mlt pull`).
pub mod pulled_models;
