//! The use case behind `mlt import` and `mlt store merge`: open what is to be taken in (a
//! bundle, another store, an MLflow SQLite database), plan the transfer, settle conflicts by
//! the chosen policy, then apply it, or for a dry run only count what it would write. What
//! happens on the way is told to a callback ([`Event`]); the result is data ([`Outcome`])
//! that the caller renders (see [`super::report`]).

use super::{Manifest, Opened};
use crate::store::transfer::{Progress, Stopped};
use crate::store::{
    self, Conflict, Counts, OnConflict, Report, Store, TransferOptions, TransferScope,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why an import or merge did not happen (or stopped).
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// The source is the target store itself.
    #[error("{} is this store", .0.display())]
    SameStore(PathBuf),
    /// Conflicts found while the policy is [`OnConflict::Fail`]: nothing was written.
    #[error("{count} conflict{}; nothing was imported", if *.count == 1 { "" } else { "s" })]
    Conflicts { count: usize, from: SourceKind },
    /// A write failed part way; what was written before it is in the [`Stopped`].
    #[error("{}", .0.error)]
    Stopped(Stopped),
    #[error(transparent)]
    Bundle(#[from] super::Error),
}

impl From<store::Error> for TransferError {
    fn from(e: store::Error) -> Self {
        TransferError::Bundle(e.into())
    }
}

/// Where warnings about the source (damaged files skipped...) go.
pub type Warn = Arc<dyn Fn(&str) + Send + Sync>;

/// What is taken in, opened and (for a bundle) verified.
pub enum Source {
    /// A verified bundle; for a `.tar.gz`, unpacked in scratch that lives as long as this.
    Bundle {
        store: Store,
        manifest: Box<Manifest>,
        _tmp: Option<store::fs::Scratch>,
    },
    /// A plain store given to `import`: a copied store, an MLflow `mlruns/` folder.
    Store(Store),
    /// The other store of a merge.
    OtherStore(Store),
    /// An MLflow SQLite database, read into a scratch store. Its artifacts are read from the
    /// database's folder and the artifact root, nowhere else.
    Database {
        store: Store,
        artifact_roots: Vec<PathBuf>,
        /// What reading the database noticed (rows left out...).
        notes: Vec<String>,
        _tmp: store::fs::Scratch,
    },
}

/// What kind of source, for messages ("takes the bundle's").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Bundle,
    Store,
    OtherStore,
    Database,
}

impl Source {
    pub fn store(&self) -> &Store {
        match self {
            Source::Bundle { store, .. }
            | Source::Store(store)
            | Source::OtherStore(store)
            | Source::Database { store, .. } => store,
        }
    }

    pub fn kind(&self) -> SourceKind {
        match self {
            Source::Bundle { .. } => SourceKind::Bundle,
            Source::Store(_) => SourceKind::Store,
            Source::OtherStore(_) => SourceKind::OtherStore,
            Source::Database { .. } => SourceKind::Database,
        }
    }

    /// The bundle's manifest counts: what it says it holds.
    pub fn manifest_counts(&self) -> Option<&Counts> {
        match self {
            Source::Bundle { manifest, .. } => Some(&manifest.counts),
            _ => None,
        }
    }

    fn artifact_roots(&self) -> &[PathBuf] {
        match self {
            Source::Database { artifact_roots, .. } => artifact_roots,
            _ => &[],
        }
    }

    /// Whether the source carries artifacts (a bundle exported without them does not).
    fn has_artifacts(&self) -> bool {
        match self {
            Source::Bundle { manifest, .. } => manifest.artifacts,
            _ => true,
        }
    }
}

/// How to open what `mlt import` was given.
pub struct OpenOptions<'a> {
    /// With an MLflow database: the folder holding its runs' artifacts as `<experiment
    /// id>/<run id>/artifacts` (default: `mlruns/` beside the database, else `mlartifacts/`).
    pub artifact_root: Option<&'a Path>,
    /// The store it goes into: scratch (an unpacked `.tar.gz`, a database read) is made in its
    /// `.mlt/tmp/` when it exists, except for a dry run, which writes nothing there.
    pub target: &'a Store,
    pub dry_run: bool,
}

/// Opens a bundle folder, a `.tar.gz` bundle (verified), a store, or an MLflow database.
/// Nothing is written to the target.
pub fn open(path: &Path, opts: &OpenOptions, warn: Warn) -> Result<Source, TransferError> {
    let scratch_in = (!opts.dry_run).then_some(opts.target);
    let with_warn = |s: Store| {
        let w = warn.clone();
        s.on_warning(move |m| w(m))
    };
    if path.is_file() && store::sqlite::is_sqlite(path) {
        let root = store::sqlite::artifact_root(path, opts.artifact_root);
        let tmp = super::import_scratch(scratch_in)?;
        let store = with_warn(Store::new(tmp.path().join("db")));
        let notes = store.write_from_mlflow_db(path, &root)?;
        let beside = store::sqlite::database_folder(path);
        return Ok(Source::Database {
            store,
            artifact_roots: vec![beside, root],
            notes,
            _tmp: tmp,
        });
    }
    Ok(match super::open(path, scratch_in)? {
        Opened::Bundle {
            dir,
            manifest,
            _tmp,
        } => Source::Bundle {
            store: with_warn(Store::new(&dir)),
            manifest,
            _tmp,
        },
        Opened::Store(s) => Source::Store(with_warn(s)),
    })
}

/// The store `store merge` takes in: the folder holding `mlruns/`, or `mlruns/` itself.
pub fn open_other_store(path: &Path, warn: Warn) -> Result<Source, TransferError> {
    let cwd = std::env::current_dir().map_err(|source| store::Error::Io {
        path: PathBuf::from("."),
        source,
    })?;
    let s = store::locate(Some(path), None, None, &cwd).store();
    s.require_as(store::StoreRole::MergeSource)?;
    Ok(Source::OtherStore(s.on_warning(move |m| warn(m))))
}

/// Refuses to take a store into itself.
pub fn refuse_same_store(target: &Store, source: &Store) -> Result<(), TransferError> {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let here = canon(target.tracking());
    if here.is_some() && here == canon(source.tracking()) {
        return Err(TransferError::SameStore(source.root().to_path_buf()));
    }
    Ok(())
}

/// How to take the source in.
#[derive(Clone, Copy, Debug, Default)]
pub struct TransferRequest {
    pub on_conflict: OnConflict,
    /// Copy (and compare) artifacts.
    pub artifacts: bool,
    /// Plan and count only; write nothing.
    pub dry_run: bool,
}

/// What happens on the way, in order.
#[derive(Debug)]
pub enum Event<'a> {
    /// Something left out or kept (a damaged run, a tag that differs, a link not followed).
    Warning(&'a str),
    /// A run, version, alias or item that differs on the two sides, and how it is settled.
    Conflict(&'a Conflict, OnConflict),
    /// Writing goes on.
    Progress(Progress),
}

/// How a transfer went (or, for a dry run, would go).
#[derive(Debug)]
pub struct Outcome {
    /// What was written; a dry run's counts what would be.
    pub report: Report,
    pub dry_run: bool,
    /// Things to write: experiments, runs, items, models, versions.
    pub units: u64,
    /// What the bundle's manifest announced.
    pub manifest: Option<Counts>,
}

/// Plans taking everything `source` has into `target`, tells warnings and conflicts, and
/// applies the plan unless a conflict stops it under [`OnConflict::Fail`] or it is a dry run.
pub fn transfer(
    target: &Store,
    source: &Source,
    req: TransferRequest,
    events: &mut dyn FnMut(Event),
) -> Result<Outcome, TransferError> {
    if matches!(source.kind(), SourceKind::Store | SourceKind::OtherStore) {
        refuse_same_store(target, source.store())?;
    }
    let opts = TransferOptions {
        on_conflict: req.on_conflict,
        artifacts: req.artifacts && source.has_artifacts(),
        own_source: false,
        dry_run: req.dry_run,
    };
    let plan = target.plan_transfer_reading(
        source.store(),
        &TransferScope::default(),
        opts,
        source.artifact_roots(),
    )?;
    for w in &plan.warnings {
        events(Event::Warning(w));
    }
    for c in plan.conflicts() {
        events(Event::Conflict(c, req.on_conflict));
    }
    let conflicts = plan.conflicts().len();
    if req.on_conflict == OnConflict::Fail && conflicts > 0 {
        return Err(TransferError::Conflicts {
            count: conflicts,
            from: source.kind(),
        });
    }
    let units = plan.units();
    let manifest = source.manifest_counts().copied();
    let report = if req.dry_run {
        plan.preview()?
    } else {
        plan.apply(&mut |p| events(Event::Progress(p)))
            .map_err(TransferError::Stopped)?
    };
    Ok(Outcome {
        report,
        dry_run: req.dry_run,
        units,
        manifest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::MetricPoint;
    use crate::store::transfer::Stage;
    use crate::store::{Batch, NewRun};

    fn log_point(s: &Store, run_id: &str, step: i64) {
        let h = s.find_run(run_id).unwrap();
        let point = MetricPoint {
            timestamp: 1000 + step,
            value: 0.5,
            step,
        };
        let batch = Batch {
            metrics: vec![("loss".into(), point)],
            params: vec![],
            tags: vec![],
        };
        s.log_batch(&h, &batch).unwrap();
    }

    /// A store with one experiment `e` and `n` runs, each with one metric point; the run ids.
    fn store_with_runs(dir: &Path, n: usize) -> (Store, Vec<String>) {
        let s = Store::new(dir);
        s.init().unwrap();
        let exp = s.create_experiment("e", None, &[]).unwrap();
        let mut ids = Vec::new();
        for _ in 0..n {
            let info = s.create_run(&exp, NewRun::default()).unwrap();
            log_point(&s, &info.run_id, 0);
            ids.push(info.run_id);
        }
        (s, ids)
    }

    fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out: Vec<_> = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                let content = std::fs::read(e.path()).unwrap_or_default();
                (e.path().to_path_buf(), content)
            })
            .collect();
        out.sort();
        out
    }

    fn ignore(_: Event) {}

    #[test]
    fn a_dry_run_counts_what_it_would_write_and_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let src = Source::Store(store_with_runs(&tmp.path().join("src"), 3).0);
        for existing in [false, true] {
            let dst = tmp.path().join(format!("dst-{existing}"));
            std::fs::create_dir_all(&dst).unwrap();
            if existing {
                std::fs::create_dir_all(dst.join("mlruns/0")).unwrap();
            }
            let before = files(&dst);
            let target = Store::new(&dst);
            let req = TransferRequest {
                dry_run: true,
                artifacts: true,
                ..TransferRequest::default()
            };
            let o = transfer(&target, &src, req, &mut ignore).unwrap();
            assert!(o.dry_run);
            assert_eq!(o.report.imported.runs, 3);
            assert_eq!(o.report.imported.metric_points, 3);
            assert_eq!(o.report.imported.experiments, 2, "Default and e");
            assert_eq!(files(&dst), before, "a dry run wrote something");
            // The same request without the dry run writes what the dry run counted.
            let o2 = transfer(
                &target,
                &src,
                TransferRequest {
                    dry_run: false,
                    ..req
                },
                &mut ignore,
            )
            .unwrap();
            assert_eq!(o2.report.imported, o.report.imported);
            // (Default's id 0 is taken in the existing store: it gets a new random one.)
            let names = |o: &Outcome| -> Vec<String> {
                o.report
                    .experiments_created
                    .iter()
                    .map(|e| e.0.clone())
                    .collect()
            };
            assert_eq!(names(&o2), names(&o));
        }
    }

    #[test]
    fn progress_counts_each_stage_with_its_own_total() {
        let tmp = tempfile::tempdir().unwrap();
        let src = Source::Store(store_with_runs(&tmp.path().join("src"), 3).0);
        let target = Store::new(tmp.path().join("dst"));
        let mut seen = Vec::new();
        let req = TransferRequest {
            artifacts: true,
            ..TransferRequest::default()
        };
        transfer(&target, &src, req, &mut |e| {
            if let Event::Progress(p) = e {
                seen.push((p.stage, p.done, p.total));
            }
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                (Stage::Experiments, 1, 2),
                (Stage::Experiments, 2, 2),
                (Stage::Runs, 1, 3),
                (Stage::Runs, 2, 3),
                (Stage::Runs, 3, 3),
            ]
        );
    }

    #[test]
    fn conflicts_are_told_and_stop_a_transfer_under_fail() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, ids) = store_with_runs(&tmp.path().join("a"), 1);
        let b = Store::new(tmp.path().join("b"));
        let req = TransferRequest {
            artifacts: true,
            ..TransferRequest::default()
        };
        let src = Source::Store(a);
        transfer(&b, &src, req, &mut ignore).unwrap();
        // The run grows in the source: the same id, other content.
        let run = ids[0].clone();
        log_point(src.store(), &run, 1);
        let mut told = Vec::new();
        let err = transfer(&b, &src, req, &mut |e| {
            if let Event::Conflict(c, _) = e {
                told.push(c.id.clone());
            }
        })
        .unwrap_err();
        assert!(
            matches!(err, TransferError::Conflicts { count: 1, .. }),
            "{err}"
        );
        assert_eq!(told, vec![run]);
        let skip = TransferRequest {
            on_conflict: OnConflict::Skip,
            ..req
        };
        let o = transfer(&b, &src, skip, &mut ignore).unwrap();
        assert_eq!(o.report.skipped.runs, 1);
    }

    #[test]
    fn a_store_is_not_taken_into_itself() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, _) = store_with_runs(tmp.path(), 0);
        let src = Source::Store(Store::new(tmp.path()));
        let err = transfer(&a, &src, TransferRequest::default(), &mut ignore).unwrap_err();
        assert!(matches!(err, TransferError::SameStore(_)), "{err}");
    }
}
