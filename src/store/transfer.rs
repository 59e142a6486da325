//! Moving experiments, runs and registered models from one store into another: the engine
//! behind `mlt export` (into a fresh store-shaped folder), `mlt import` and `mlt store merge`.
//!
//! The rules, the same in every direction:
//!
//! - **Experiments are matched by name** (ids are random per machine). A name missing here is
//!   created, keeping its id when that id is free here (else a new one); a deleted experiment
//!   stays deleted. Tags missing here are added; a tag with another value here is kept.
//! - **Runs keep their ids.** A run missing here is copied whole (built aside, renamed into
//!   place). Its `meta.yaml` gets this store's experiment id and the store-relative artifact
//!   location `mlruns/<exp>/<run>/artifacts`, and its artifacts are copied into that folder,
//!   wherever they were in the source. These are the only rewrites.
//! - **The same run, the same content:** a run that exists here is compared file by file
//!   (params, tags, metrics, artifacts by SHA-256; `meta.yaml` by value, leaving out the two
//!   rewritten fields). Equal is "unchanged"; anything else, even a metric file with more lines
//!   on one side, is a conflict, settled by [`OnConflict`].
//! - **Registered models keep their version numbers.** A model missing here is copied whole; a
//!   version missing here is added; the same number with different content is a conflict.
//!   Aliases missing here are added; an alias pointing elsewhere here is a conflict.
//! - MLflow 3 logged models, datasets and traces of an experiment (its `models/`, `datasets/`
//!   and `traces/` folders) travel with it, by the same rules, keyed by their ids.
//!
//! Nothing is written until the whole plan is made, so `--on-conflict fail` leaves the store
//! as it was. The plan is made and carried out under the store lock.

use super::experiment::key_path;
use super::fs::{self, IoContext};
use super::locate::local_path_of_uri;
use super::safe_path::{self, Bounds};
use super::yaml::{Doc, Meta, Scalar, to_yaml};
use super::{Error, MLRUNS, Result, Store, TRASH};
use crate::model::{self, Experiment, Lifecycle, RunInfo, View, validate_model_name};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What to do with a run or model version that exists on both sides with different content.
/// (The doc lines of the values are the command line's help.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OnConflict {
    /// Keep this store's copy
    Skip,
    /// Change nothing when anything conflicts
    #[default]
    Fail,
    /// Replace this store's copy
    Overwrite,
}

/// What to take from the source store. Empty means everything.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Whole experiments (ids): every run, logged model, dataset and trace in them.
    pub experiments: Vec<String>,
    /// Single runs (ids), with their experiment (meta and tags only), the logged models they
    /// produced and the datasets they read.
    pub runs: Vec<String>,
    /// Registered models (names) with every version and the runs behind the versions.
    pub models: Vec<String>,
}

impl Selection {
    pub fn is_everything(&self) -> bool {
        self.experiments.is_empty() && self.runs.is_empty() && self.models.is_empty()
    }
}

#[derive(Clone, Copy, Debug)]
pub struct TransferOptions {
    pub on_conflict: OnConflict,
    /// Copy artifacts (and compare them). Without, runs arrive with empty `artifacts/`.
    pub artifacts: bool,
    /// The source is the user's own store (`export`): an artifact location it records outside
    /// itself, one the user chose, is read as `artifacts download` reads it. Otherwise (import,
    /// merge) artifacts are read only from inside the source.
    pub own_source: bool,
    /// Only plan (`--dry-run`): the plan is not to be applied, and making it writes nothing
    /// in this store, not even its lock file (it locks only when the lock file is there).
    pub dry_run: bool,
}

impl Default for TransferOptions {
    fn default() -> Self {
        TransferOptions {
            on_conflict: OnConflict::Fail,
            artifacts: true,
            own_source: false,
            dry_run: false,
        }
    }
}

/// How much of each kind of thing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    pub experiments: u64,
    pub runs: u64,
    pub metric_points: u64,
    pub artifacts: u64,
    pub artifact_bytes: u64,
    /// MLflow 3 logged models, datasets and traces.
    pub experiment_items: u64,
    pub models: u64,
    pub model_versions: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.experiments += o.experiments;
        self.runs += o.runs;
        self.metric_points += o.metric_points;
        self.artifacts += o.artifacts;
        self.artifact_bytes += o.artifact_bytes;
        self.experiment_items += o.experiment_items;
        self.models += o.models;
        self.model_versions += o.model_versions;
    }

    pub fn is_zero(&self) -> bool {
        *self == Counts::default()
    }
}

/// A run, version, alias or item that differs between the two sides.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Conflict {
    /// `run`, `model version`, `alias`, `logged model`, `dataset`, `trace`.
    pub kind: &'static str,
    /// The run id, `name/version`, `name@alias`, the item id.
    pub id: String,
    pub reason: String,
}

/// What a transfer did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Report {
    /// Everything written: new things and overwritten ones. `experiments` and `models` count
    /// the ones created here.
    pub imported: Counts,
    /// Already here with the same content (`experiments` and `models`: matched by name).
    pub unchanged: Counts,
    /// Runs and versions replaced (`--on-conflict overwrite`), also counted in `imported`.
    pub overwritten: Counts,
    /// Conflicts left as they were (`--on-conflict skip`).
    pub skipped: Counts,
    pub conflicts: Vec<Conflict>,
    /// Experiment and model tags, and aliases, added to things that were already here.
    pub tags_added: u64,
    pub aliases_added: u64,
    /// Experiments created: (name, id here).
    pub experiments_created: Vec<(String, String)>,
}

/// A transfer that failed part way: the error, and what was written before it.
#[derive(Debug)]
pub struct Stopped {
    pub error: Error,
    pub written: Box<Report>,
}

impl From<Stopped> for Error {
    fn from(s: Stopped) -> Error {
        s.error
    }
}

/// What a transfer (or an export) is busy with, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Experiments,
    Runs,
    /// MLflow 3 logged models, datasets and traces.
    ExperimentItems,
    /// Registered models (with their versions).
    Models,
    /// Files of a bundle, checksummed or packed.
    Files,
}

impl Stage {
    /// What is counted, plural: "runs".
    pub fn noun(self) -> &'static str {
        match self {
            Stage::Experiments => "experiments",
            Stage::Runs => "runs",
            Stage::ExperimentItems => "logged models, datasets and traces",
            Stage::Models => "registered models",
            Stage::Files => "files",
        }
    }
}

/// Where a stage is: `done` of `total` things of the stage, `bytes` copied so far in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
    pub bytes: u64,
}

/// Told each step of [`Plan::apply`] (and of an export).
pub type ProgressFn<'a> = &'a mut dyn FnMut(Progress);

/// Counts the steps of one stage for a [`ProgressFn`]; a stage with nothing to do says
/// nothing.
pub(crate) struct Stepper<'p> {
    stage: Stage,
    done: u64,
    total: u64,
    progress: &'p mut dyn FnMut(Progress),
}

impl<'p> Stepper<'p> {
    pub(crate) fn new(stage: Stage, total: usize, progress: &'p mut dyn FnMut(Progress)) -> Self {
        Stepper {
            stage,
            done: 0,
            total: total as u64,
            progress,
        }
    }

    /// One more done; `bytes` copied so far.
    pub(crate) fn one(&mut self, bytes: u64) {
        self.done += 1;
        (self.progress)(Progress {
            stage: self.stage,
            done: self.done,
            total: self.total,
            bytes,
        });
    }

    /// The next stage, counting `total`.
    pub(crate) fn next(self, stage: Stage, total: usize) -> Self {
        Stepper::new(stage, total, self.progress)
    }
}

// ---------------------------------------------------------------------------------------
// The plan

struct ExpPlan {
    src: Experiment,
    src_dir: PathBuf,
    target_id: String,
    create: bool,
    add_tags: Vec<(String, String)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Create,
    Overwrite,
}

struct RunPlan {
    info: RunInfo,
    src_dir: PathBuf,
    /// The source's artifact folder, when it is local and may be read, and what reading it
    /// may reach.
    src_artifacts: Option<(PathBuf, Bounds)>,
    target_exp: String,
    action: Action,
    /// The folder this run has here (when overwriting).
    existing: Option<PathBuf>,
}

/// A logged model, dataset or trace of an experiment: `<exp>/<folder>/<id>/`.
struct ItemPlan {
    folder: &'static str,
    id: String,
    src_dir: PathBuf,
    src_exp: String,
    target_exp: String,
    action: Action,
    existing: Option<PathBuf>,
}

struct VersionPlan {
    src_dir: PathBuf,
    version: i64,
    action: Action,
}

struct ModelPlan {
    name: String,
    src_dir: PathBuf,
    create: bool,
    versions: Vec<VersionPlan>,
    add_tags: Vec<(String, String)>,
    /// Aliases to write (new, or moved with overwrite): alias → version.
    set_aliases: Vec<(String, String)>,
}

/// Everything a transfer will do, worked out before anything is written. Holds the target's
/// lock until it is applied or dropped.
pub struct Plan<'a> {
    target: &'a Store,
    source: &'a Store,
    opts: TransferOptions,
    _lock: Option<fs::Lock>,
    experiments: Vec<ExpPlan>,
    /// Source experiment id → id here.
    exp_ids: HashMap<String, String>,
    runs: Vec<RunPlan>,
    items: Vec<ItemPlan>,
    models: Vec<ModelPlan>,
    report: Report,
    /// Every run taken (planned, unchanged or in conflict).
    all_runs: BTreeSet<String>,
    /// Things the caller should hear about (tags kept, traces left out...).
    pub warnings: Vec<String>,
    /// What reading the source, its artifacts, and this store may reach.
    src_bounds: Bounds,
    art_bounds: Bounds,
    dst_bounds: Bounds,
    /// Links found and not followed.
    noted: RefCell<BTreeSet<String>>,
}

impl Plan<'_> {
    /// Where a source run's artifacts are read from: the location it records, when that is
    /// inside the source (lexically and once every link is resolved); else, for a location in
    /// MLflow's default layout (another machine's absolute path, a moved store), the run's own
    /// `artifacts/` folder. A location elsewhere is never read.
    fn source_artifacts(&self, dir: &Path, info: &RunInfo) -> Result<(PathBuf, Bounds)> {
        let h = super::RunHandle {
            dir: dir.to_path_buf(),
            info: info.clone(),
        };
        let recorded = self.source.artifact_dir(&h)?;
        let bounds = if self.opts.own_source {
            self.source.artifact_bounds(&h)
        } else {
            self.art_bounds.clone()
        };
        let outside = match bounds.resolve(&recorded) {
            Ok(_) => return Ok((recorded, bounds)),
            Err(o) => o,
        };
        let own = dir.join("artifacts");
        let default_layout = info.artifact_uri.trim_end_matches('/').ends_with(&format!(
            "/{}/{}/artifacts",
            info.experiment_id, info.run_id
        ));
        if default_layout && self.src_bounds.resolve(&own).is_ok() {
            return Ok((own, self.src_bounds.clone()));
        }
        Err(Error::Invalid(format!(
            "its artifacts are at '{}', outside the source{}; mlt reads nothing there",
            info.artifact_uri,
            match &outside.target {
                Some(t) if *t != recorded => format!(" (it leads to {})", t.display()),
                _ => String::new(),
            }
        )))
    }

    /// Walks everything the plan will read from the source, so that the links it will not
    /// follow are told before anything is written.
    fn note_links(&mut self) -> Result<()> {
        for e in &self.experiments {
            if e.create {
                self.src_tree(&e.src_dir.join("tags"), &[])?;
            }
        }
        for r in &self.runs {
            self.src_tree(&r.src_dir, &["artifacts"])?;
            if self.opts.artifacts
                && let Some((a, b)) = &r.src_artifacts
            {
                tree(a, &[], b, "the source", &self.noted)?;
            }
        }
        for i in &self.items {
            self.src_tree(&i.src_dir, &[])?;
        }
        for m in &self.models {
            if m.create {
                self.src_tree(&m.src_dir, &[])?;
            } else {
                for v in &m.versions {
                    self.src_tree(&v.src_dir, &[])?;
                }
            }
        }
        let noted = std::mem::take(&mut *self.noted.borrow_mut());
        self.warnings.extend(noted);
        Ok(())
    }

    /// The source's files under `dir` (see [`tree`]).
    fn src_tree(&self, dir: &Path, skip_top: &[&str]) -> Result<Files> {
        tree(dir, skip_top, &self.src_bounds, "the source", &self.noted)
    }

    /// This store's files under `dir`.
    fn dst_tree(&self, dir: &Path, skip_top: &[&str]) -> Result<Files> {
        tree(dir, skip_top, &self.dst_bounds, "this store", &self.noted)
    }

    /// The conflicts found. With [`OnConflict::Fail`] the plan must not be applied when there
    /// are any.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.report.conflicts
    }

    /// What applying the plan would write, counted without writing anything: the report that
    /// [`Plan::apply`] returns when nothing fails.
    pub fn preview(&self) -> Result<Report> {
        let mut r = self.report.clone();
        for e in self.experiments.iter().filter(|e| e.create) {
            r.imported.experiments += 1;
            r.experiments_created
                .push((e.src.name.clone(), e.target_id.clone()));
        }
        r.experiments_created.sort();
        for run in &self.runs {
            r.imported.add(&self.run_counts(run)?);
            if run.action == Action::Overwrite {
                r.overwritten.runs += 1;
            }
        }
        for i in &self.items {
            r.imported.experiment_items += 1;
            if i.action == Action::Overwrite {
                r.overwritten.experiment_items += 1;
            }
        }
        for m in &self.models {
            r.imported.models += u64::from(m.create);
            r.imported.model_versions += m.versions.len() as u64;
            r.overwritten.model_versions += m
                .versions
                .iter()
                .filter(|v| v.action == Action::Overwrite)
                .count() as u64;
        }
        Ok(r)
    }

    /// What copying a run writes: its metric points, and its artifacts when they travel.
    fn run_counts(&self, run: &RunPlan) -> Result<Counts> {
        let mut c = Counts {
            runs: 1,
            ..Counts::default()
        };
        for (rel, p, is_dir) in self.src_tree(&run.src_dir, &["artifacts", "meta.yaml"])? {
            if !is_dir && rel.starts_with("metrics") {
                c.metric_points += count_lines(&p)?;
            }
        }
        if self.opts.artifacts
            && let Some((src, bounds)) = &run.src_artifacts
        {
            for (_, p, is_dir) in tree(src, &[], bounds, "the source", &self.noted)? {
                if !is_dir {
                    c.artifacts += 1;
                    c.artifact_bytes += std::fs::metadata(&p).at(&p)?.len();
                }
            }
        }
        Ok(c)
    }

    /// Things to write (runs, versions, items, experiments, models, tags, aliases).
    pub fn units(&self) -> u64 {
        (self.experiments.iter().filter(|e| e.create).count()
            + self.runs.len()
            + self.items.len()
            + self
                .models
                .iter()
                .map(|m| usize::from(m.create) + m.versions.len())
                .sum::<usize>()) as u64
    }
}

/// Files (and folders, is_dir = true) under a folder: (path relative to it, exact name bytes;
/// the path to read; is_dir), sorted.
type Files = Vec<(PathBuf, PathBuf, bool)>;

/// Files under `dir`, recursively, sorted; temp files and the top-level entries in `skip_top`
/// left out. Links are followed only where they stay inside `bounds`; the others are noted
/// (`tree_name` says whose bounds) and not read.
fn tree(
    dir: &Path,
    skip_top: &[&str],
    bounds: &Bounds,
    tree_name: &str,
    noted: &RefCell<BTreeSet<String>>,
) -> Result<Files> {
    let walk = safe_path::walk_skipping(dir, bounds, skip_top)?;
    for (rel, o) in &walk.skipped {
        noted.borrow_mut().insert(format!(
            "{} is {}; not read",
            dir.join(rel).display(),
            o.describe(tree_name)
        ));
    }
    Ok(walk
        .entries
        .into_iter()
        .map(|e| (e.rel, e.path, e.is_dir))
        .collect())
}

/// SHA-256 of a file, streamed.
pub fn sha256_file(path: &Path) -> Result<[u8; 32]> {
    let mut f = std::fs::File::open(path).at(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf).at(path)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().into())
}

fn count_lines(path: &Path) -> Result<u64> {
    let mut f = std::fs::File::open(path).at(path)?;
    let mut buf = vec![0u8; 64 * 1024];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let n = f.read(&mut buf).at(path)?;
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        last = buf[n - 1];
    }
    Ok(lines + u64::from(last != b'\n'))
}

/// Copies a file (streamed); returns its size and its number of lines.
fn copy_counting(src: &Path, dst: &Path) -> Result<(u64, u64)> {
    if let Some(dir) = dst.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut from = std::fs::File::open(src).at(src)?;
    let mut to = std::fs::File::create(dst).at(dst)?;
    let mut buf = vec![0u8; 64 * 1024];
    let (mut bytes, mut lines, mut last) = (0u64, 0u64, b'\n');
    loop {
        let n = from.read(&mut buf).at(src)?;
        if n == 0 {
            break;
        }
        to.write_all(&buf[..n]).at(dst)?;
        bytes += n as u64;
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        last = buf[n - 1];
    }
    if last != b'\n' {
        lines += 1;
    }
    // Keep the source's permission bits (an executable script artifact stays executable).
    if let Ok(m) = std::fs::metadata(src) {
        let _ = std::fs::set_permissions(dst, m.permissions());
    }
    Ok((bytes, lines))
}

fn parse_meta(path: &Path) -> Result<Meta> {
    let text = fs::read_to_string(path)?;
    Ok(Doc::parse(&text)
        .map_err(|msg| Error::Malformed {
            path: path.to_path_buf(),
            msg,
        })?
        .to_meta())
}

/// A `meta.yaml` for comparison: without the fields a transfer rewrites and without nulls
/// (MLflow writes `deleted_time: null` at creation and drops it on the next rewrite).
fn comparable(mut m: Meta, drop: &[&str]) -> Meta {
    for k in drop {
        m.remove(*k);
    }
    m.retain(|_, v| *v != Scalar::Null);
    m
}

/// The `/`-joined components of a local location, or None when it is not local.
fn location_parts(location: &str) -> Option<(bool, Vec<String>)> {
    let p = local_path_of_uri(location)?;
    let abs = p.is_absolute();
    let parts = p
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    Some((abs, parts))
}

impl Store {
    /// The lock file that planning and applying a transfer hold.
    fn transfer_lock_path(&self) -> PathBuf {
        self.mlt_dir().join("lock")
    }

    /// The lock a plan holds: the store's; for a dry run only when its lock file is there
    /// already, so that a dry run creates nothing (not even `.mlt/`).
    fn plan_lock(&self, dry_run: bool) -> Result<Option<fs::Lock>> {
        if !dry_run {
            return self.lock().map(Some);
        }
        let path = self.transfer_lock_path();
        if path.is_file() {
            fs::lock(&path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The tracking folder as seen from the store root (`mlruns`).
    fn tracking_rel(&self) -> String {
        let rel = self.relative_location(&self.tracking);
        if rel.is_empty() || Path::new(&rel).is_absolute() {
            MLRUNS.to_string()
        } else {
            rel
        }
    }

    /// Where registered models are: mlt's `registry/models/`, else MLflow's default
    /// `mlruns/models/` (a registry in the tracking folder).
    pub(crate) fn registry_models_dir_for_reading(&self) -> PathBuf {
        let mlt = self.models_dir();
        let mlflow = self.tracking.join("models");
        if !mlt.is_dir() && mlflow.is_dir() {
            mlflow
        } else {
            mlt
        }
    }

    /// Every run folder here by id (active and deleted experiments).
    fn run_index(&self) -> Result<HashMap<String, PathBuf>> {
        let mut out = HashMap::new();
        if !self.tracking.is_dir() {
            return Ok(out);
        }
        for exp in self.experiment_dirs(View::All)? {
            for dir in self.run_dirs(&exp)? {
                if dir.join("meta.yaml").is_file() {
                    let id = dir.file_name().unwrap_or_default().to_string_lossy();
                    out.entry(id.into_owned()).or_insert(dir);
                }
            }
        }
        Ok(out)
    }

    fn experiments_here(&self) -> Result<Vec<(Experiment, PathBuf)>> {
        let mut out = Vec::new();
        if !self.tracking.is_dir() {
            return Ok(out);
        }
        for dir in self.experiment_dirs(View::All)? {
            if !dir.join("meta.yaml").is_file() {
                continue;
            }
            match self.read_experiment_dir(&dir) {
                Ok(e) => out.push((e, dir)),
                Err(e) => self.warn(&format!("skipping experiment: {e}")),
            }
        }
        Ok(out)
    }

    /// Works out what taking `sel` from `source` into this store would do, without writing.
    pub fn plan_transfer<'a>(
        &'a self,
        source: &'a Store,
        sel: &Selection,
        opts: TransferOptions,
    ) -> Result<Plan<'a>> {
        self.plan_transfer_reading(source, sel, opts, &[])
    }

    /// [`Store::plan_transfer`], where the source's runs may also keep their artifacts in the
    /// folders `artifact_roots` (an MLflow database's artifact root, read into a scratch store).
    pub fn plan_transfer_reading<'a>(
        &'a self,
        source: &'a Store,
        sel: &Selection,
        opts: TransferOptions,
        artifact_roots: &[PathBuf],
    ) -> Result<Plan<'a>> {
        if !source.tracking.is_dir() && !source.registry_models_dir_for_reading().is_dir() {
            return Err(Error::NotFound(format!(
                "{} holds no store (no {} folder)",
                source.root.display(),
                source.tracking.display()
            )));
        }
        let lock = self.plan_lock(opts.dry_run)?;
        let mut plan = Plan {
            target: self,
            source,
            opts,
            _lock: lock,
            experiments: Vec::new(),
            exp_ids: HashMap::new(),
            runs: Vec::new(),
            items: Vec::new(),
            models: Vec::new(),
            report: Report::default(),
            all_runs: BTreeSet::new(),
            warnings: Vec::new(),
            src_bounds: source.read_bounds(),
            art_bounds: artifact_roots
                .iter()
                .fold(source.read_bounds(), |b, r| b.with(r)),
            dst_bounds: self.read_bounds(),
            noted: RefCell::new(BTreeSet::new()),
        };

        // -- what the selection names, in the source
        let src_exps = source.experiments_here()?;
        let src_by_id: HashMap<&str, &(Experiment, PathBuf)> = src_exps
            .iter()
            .map(|x| (x.0.experiment_id.as_str(), x))
            .collect();
        let everything = sel.is_everything();
        let mut whole: BTreeSet<String> = BTreeSet::new();
        if everything {
            whole.extend(src_exps.iter().map(|(e, _)| e.experiment_id.clone()));
        }
        for id in &sel.experiments {
            if !src_by_id.contains_key(id.as_str()) {
                return Err(Error::NotFound(format!(
                    "no experiment '{id}' in the source"
                )));
            }
            whole.insert(id.clone());
        }
        let src_runs = source.run_index()?;
        // run id → (source run folder); ordered for a stable plan.
        let mut runs: BTreeMap<String, PathBuf> = BTreeMap::new();
        for id in &whole {
            let (_, dir) = src_by_id[id.as_str()];
            for r in source.run_dirs(dir)? {
                if r.join("meta.yaml").is_file() {
                    let rid = r.file_name().unwrap_or_default().to_string_lossy().into();
                    runs.insert(rid, r);
                }
            }
        }
        for id in &sel.runs {
            let dir = src_runs
                .get(id)
                .ok_or_else(|| Error::NotFound(format!("no run '{id}' in the source")))?;
            runs.insert(id.clone(), dir.clone());
        }
        let src_models_dir = source.registry_models_dir_for_reading();
        let mut model_names: BTreeSet<String> = sel.models.iter().cloned().collect();
        if everything && let Ok(entries) = std::fs::read_dir(&src_models_dir) {
            for e in entries.flatten() {
                if e.path().join("meta.yaml").is_file() {
                    model_names.insert(e.file_name().to_string_lossy().into_owned());
                }
            }
        }
        for name in &model_names {
            validate_model_name(name).map_err(Error::Invalid)?;
            let dir = src_models_dir.join(name);
            if !dir.join("meta.yaml").is_file() {
                return Err(Error::NotFound(format!(
                    "no registered model '{name}' in the source"
                )));
            }
            // The runs behind the versions come along.
            for (_, vdir) in source.version_dirs(&dir)? {
                let Ok(meta) = parse_meta(&vdir.join("meta.yaml")) else {
                    continue;
                };
                if let Some(Scalar::Str(rid)) = meta.get("run_id")
                    && !rid.is_empty()
                    && !runs.contains_key(rid)
                {
                    match src_runs.get(rid) {
                        Some(d) => {
                            runs.insert(rid.clone(), d.clone());
                        }
                        None => plan.warnings.push(format!(
                            "model '{name}' {}: its run {rid} is not in the source",
                            vdir.file_name().unwrap_or_default().to_string_lossy()
                        )),
                    }
                }
            }
        }

        // -- experiments: matched by name
        let mut run_infos: Vec<(RunInfo, PathBuf)> = Vec::new();
        let mut involved: BTreeSet<String> = whole.clone();
        for dir in runs.values() {
            // A run folder (or its meta.yaml) that is a link out of the source is not read.
            if let Err(o) = plan
                .src_bounds
                .resolve(dir)
                .and_then(|_| plan.src_bounds.resolve(&dir.join("meta.yaml")))
            {
                plan.warnings.push(format!(
                    "skipping run {}: {} is {}",
                    dir.file_name().unwrap_or_default().to_string_lossy(),
                    o.path.display(),
                    o.describe("the source")
                ));
                continue;
            }
            // A damaged run is left behind with a warning; it does not stop the others.
            let info = match source.read_run_info(dir) {
                Ok(i) => i,
                Err(e) => {
                    plan.warnings.push(format!("skipping run: {e}"));
                    continue;
                }
            };
            involved.insert(info.experiment_id.clone());
            run_infos.push((info, dir.clone()));
        }
        let here = self.experiments_here()?;
        let here_runs = self.run_index()?;
        let by_name: HashMap<&str, &Experiment> =
            here.iter().map(|(e, _)| (e.name.as_str(), e)).collect();
        let mut taken: BTreeSet<String> =
            here.iter().map(|(e, _)| e.experiment_id.clone()).collect();
        for id in &involved {
            let Some((src, src_dir)) = src_by_id.get(id.as_str()).map(|x| (&x.0, &x.1)) else {
                return Err(Error::NotFound(format!(
                    "experiment {id} of a selected run is missing in the source"
                )));
            };
            let (target_id, create, add_tags) = match by_name.get(src.name.as_str()) {
                Some(t) => {
                    let mut add = Vec::new();
                    for (k, v) in &src.tags {
                        match t.tags.get(k) {
                            None => add.push((k.clone(), v.clone())),
                            Some(mine) if mine != v => plan.warnings.push(format!(
                                "experiment '{}': tag '{k}' is '{mine}' here and '{v}' in the \
                                 source; kept '{mine}'",
                                src.name
                            )),
                            Some(_) => {}
                        }
                    }
                    plan.report.unchanged.experiments += 1;
                    (t.experiment_id.clone(), false, add)
                }
                None => {
                    if let Some(mine) = renamed_here(src, &here, &run_infos, &here_runs) {
                        plan.warnings.push(format!(
                            "experiment {} is '{}' here and '{}' in the source: renamed on one \
                             side? Experiments are matched by name, so '{}' comes in as a new \
                             experiment; give both sides one name and merge again to keep its \
                             runs together",
                            src.experiment_id, mine.name, src.name, src.name
                        ));
                    }
                    let free = |id: &str| {
                        !taken.contains(id)
                            && !self.tracking.join(id).exists()
                            && !self.tracking.join(TRASH).join(id).exists()
                    };
                    let new_id = if free(&src.experiment_id) {
                        src.experiment_id.clone()
                    } else {
                        loop {
                            let id = model::new_experiment_id();
                            if free(&id) {
                                break id;
                            }
                        }
                    };
                    taken.insert(new_id.clone());
                    (new_id, true, Vec::new())
                }
            };
            plan.report.tags_added += add_tags.len() as u64;
            plan.exp_ids.insert(id.clone(), target_id.clone());
            plan.experiments.push(ExpPlan {
                src: src.clone(),
                src_dir: src_dir.clone(),
                target_id,
                create,
                add_tags,
            });
        }

        // -- runs
        for (info, dir) in run_infos {
            let target_exp = plan.exp_ids[&info.experiment_id].clone();
            let src_artifacts = match plan.source_artifacts(&dir, &info) {
                Ok(p) => Some(p),
                Err(e) => {
                    if opts.artifacts {
                        plan.warnings
                            .push(format!("run {}: {e}; not copied", info.run_id));
                    }
                    None
                }
            };
            let (action, existing) = match here_runs.get(&info.run_id) {
                None => (Action::Create, None),
                Some(mine) => {
                    let diffs = plan.run_differences(
                        &dir,
                        src_artifacts.as_ref().map(|(p, b)| (p.as_path(), b)),
                        mine,
                    )?;
                    if diffs.is_empty() {
                        plan.report.unchanged.runs += 1;
                        continue;
                    }
                    let conflict = Conflict {
                        kind: "run",
                        id: info.run_id.clone(),
                        reason: describe(&diffs),
                    };
                    plan.report.conflicts.push(conflict);
                    if opts.on_conflict != OnConflict::Overwrite {
                        plan.report.skipped.runs += 1;
                        continue;
                    }
                    (Action::Overwrite, Some(mine.clone()))
                }
            };
            plan.runs.push(RunPlan {
                info,
                src_dir: dir,
                src_artifacts,
                target_exp,
                action,
                existing,
            });
        }

        // -- logged models, datasets and traces
        let all_runs: BTreeSet<String> = runs.keys().cloned().collect();
        plan.all_runs = all_runs.clone();
        let mut wanted: Vec<(&'static str, String, PathBuf, String)> = Vec::new();
        for exp in &plan.experiments {
            let src_exp = &exp.src.experiment_id;
            let is_whole = whole.contains(src_exp);
            for folder in ["models", "datasets", "traces"] {
                let base = exp.src_dir.join(folder);
                let Ok(entries) = std::fs::read_dir(&base) else {
                    continue;
                };
                let mut ids: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
                ids.sort();
                for d in ids {
                    let id = d
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned();
                    if !d.is_dir() || !model::is_valid_run_id(&id) {
                        continue;
                    }
                    let take = is_whole
                        || match folder {
                            "models" => parse_meta(&d.join("meta.yaml"))
                                .ok()
                                .and_then(|m| match m.get("source_run_id") {
                                    Some(Scalar::Str(r)) => Some(all_runs.contains(r)),
                                    _ => None,
                                })
                                .unwrap_or(false),
                            "datasets" => runs.values().any(|r| run_reads_dataset(r, &id)),
                            _ => false,
                        };
                    if take {
                        wanted.push((folder, id, d, src_exp.clone()));
                    }
                }
            }
        }
        for (folder, id, src_dir, src_exp) in wanted {
            let target_exp = plan.exp_ids[&src_exp].clone();
            if folder == "traces" && target_exp != src_exp {
                plan.warnings.push(format!(
                    "trace {id} not taken: its experiment has another id here ({target_exp}), \
                     and traces record their experiment's id"
                ));
                continue;
            }
            let here_dir = self
                .experiment_dir(&target_exp)
                .map(|d| d.join(folder).join(&id));
            let (action, existing) = match here_dir.filter(|d| d.is_dir()) {
                None => (Action::Create, None),
                Some(mine) => {
                    let diffs = plan.item_differences(folder, &src_dir, &src_exp, &mine)?;
                    if diffs.is_empty() {
                        plan.report.unchanged.experiment_items += 1;
                        continue;
                    }
                    plan.report.conflicts.push(Conflict {
                        kind: item_kind(folder),
                        id: id.clone(),
                        reason: describe(&diffs),
                    });
                    if opts.on_conflict != OnConflict::Overwrite {
                        plan.report.skipped.experiment_items += 1;
                        continue;
                    }
                    (Action::Overwrite, Some(mine))
                }
            };
            plan.items.push(ItemPlan {
                folder,
                id,
                src_dir,
                src_exp,
                target_exp,
                action,
                existing,
            });
        }

        // -- registered models
        for name in &model_names {
            let src_dir = src_models_dir.join(name);
            let mine = self.models_dir().join(name);
            let src_versions = source.version_dirs(&src_dir)?;
            if !mine.join("meta.yaml").is_file() {
                plan.models.push(ModelPlan {
                    name: name.clone(),
                    src_dir,
                    create: true,
                    versions: src_versions
                        .into_iter()
                        .map(|(version, d)| VersionPlan {
                            src_dir: d,
                            version,
                            action: Action::Create,
                        })
                        .collect(),
                    add_tags: Vec::new(),
                    set_aliases: Vec::new(),
                });
                continue;
            }
            plan.report.unchanged.models += 1;
            let mut versions = Vec::new();
            // Versions kept as they are here although the source's differ.
            let mut kept: BTreeSet<String> = BTreeSet::new();
            for (version, d) in src_versions {
                let here_v = mine.join(format!("version-{version}"));
                if !here_v.join("meta.yaml").is_file() {
                    versions.push(VersionPlan {
                        src_dir: d,
                        version,
                        action: Action::Create,
                    });
                    continue;
                }
                let diffs = plan.version_differences(&d, &here_v)?;
                if diffs.is_empty() {
                    plan.report.unchanged.model_versions += 1;
                    continue;
                }
                plan.report.conflicts.push(Conflict {
                    kind: "model version",
                    id: format!("{name}/{version}"),
                    reason: describe(&diffs),
                });
                if opts.on_conflict != OnConflict::Overwrite {
                    plan.report.skipped.model_versions += 1;
                    kept.insert(version.to_string());
                    continue;
                }
                versions.push(VersionPlan {
                    src_dir: d,
                    version,
                    action: Action::Overwrite,
                });
            }
            let mut add_tags = Vec::new();
            for (k, p) in fs::read_key_files(&src_dir.join("tags"))? {
                let theirs = fs::read_to_string(&p)?;
                let here_tag = key_path(&mine.join("tags"), &k);
                if !here_tag.is_file() {
                    add_tags.push((k, theirs));
                } else if fs::read_to_string(&here_tag)? != theirs {
                    plan.warnings.push(format!(
                        "model '{name}': tag '{k}' differs here; kept this store's value"
                    ));
                }
            }
            plan.report.tags_added += add_tags.len() as u64;
            let mut set_aliases = Vec::new();
            for (alias, p) in fs::read_key_files(&src_dir.join("aliases"))? {
                let theirs = fs::read_to_string(&p)?.trim().to_string();
                let here_alias = mine.join("aliases").join(&alias);
                if kept.contains(&theirs) {
                    plan.report.conflicts.push(Conflict {
                        kind: "alias",
                        id: format!("{name}@{alias}"),
                        reason: format!("points at version {theirs}, which differs here"),
                    });
                    continue;
                }
                if !here_alias.is_file() {
                    set_aliases.push((alias, theirs));
                    continue;
                }
                let ours = fs::read_to_string(&here_alias)?.trim().to_string();
                if ours != theirs {
                    plan.report.conflicts.push(Conflict {
                        kind: "alias",
                        id: format!("{name}@{alias}"),
                        reason: format!("version {ours} here, version {theirs} in the source"),
                    });
                    if opts.on_conflict == OnConflict::Overwrite {
                        set_aliases.push((alias, theirs));
                    }
                }
            }
            plan.report.aliases_added += set_aliases.len() as u64;
            plan.models.push(ModelPlan {
                name: name.clone(),
                src_dir,
                create: false,
                versions,
                add_tags,
                set_aliases,
            });
        }
        plan.note_links()?;
        Ok(plan)
    }
}

/// The experiment here that `src` was before one side renamed it: the same id, another name,
/// and the same creation time or a run of it here in it. (Ids alone can meet by chance in
/// stores with MLflow's old counting ids.)
fn renamed_here<'h>(
    src: &Experiment,
    here: &'h [(Experiment, PathBuf)],
    src_runs: &[(RunInfo, PathBuf)],
    here_runs: &HashMap<String, PathBuf>,
) -> Option<&'h Experiment> {
    let (mine, dir) = here
        .iter()
        .find(|(e, _)| e.experiment_id == src.experiment_id && e.name != src.name)?;
    let born_together = src.creation_time.is_some() && src.creation_time == mine.creation_time;
    let shares_a_run = src_runs.iter().any(|(info, _)| {
        info.experiment_id == src.experiment_id
            && here_runs
                .get(&info.run_id)
                .is_some_and(|d| d.parent() == Some(dir.as_path()))
    });
    (born_together || shares_a_run).then_some(mine)
}

fn item_kind(folder: &str) -> &'static str {
    match folder {
        "models" => "logged model",
        "datasets" => "dataset",
        _ => "trace",
    }
}

/// Whether a run's `inputs/*/meta.yaml` names the dataset.
fn run_reads_dataset(run_dir: &Path, dataset_id: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(run_dir.join("inputs")) else {
        return false;
    };
    entries.flatten().any(|e| {
        parse_meta(&e.path().join("meta.yaml"))
            .ok()
            .is_some_and(|m| m.get("source_id") == Some(&Scalar::Str(dataset_id.to_string())))
    })
}

/// "metrics/loss, tags/x (only here) and 3 more".
fn describe(diffs: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut s = diffs
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if diffs.len() > SHOWN {
        s.push_str(&format!(" and {} more", diffs.len() - SHOWN));
    }
    format!("differs in {s}")
}

/// Compares two sets of files by path and content; `meta` files are compared by value with
/// `meta_cmp`.
fn compare_files(
    ours: &[(PathBuf, PathBuf, bool)],
    theirs: &[(PathBuf, PathBuf, bool)],
    mut meta_cmp: impl FnMut(&Path, &Path, &Path) -> Result<Option<bool>>,
) -> Result<Vec<String>> {
    let ours: BTreeMap<&Path, &Path> = ours
        .iter()
        .filter(|x| !x.2)
        .map(|(r, p, _)| (r.as_path(), p.as_path()))
        .collect();
    let theirs: BTreeMap<&Path, &Path> = theirs
        .iter()
        .filter(|x| !x.2)
        .map(|(r, p, _)| (r.as_path(), p.as_path()))
        .collect();
    let mut diffs = Vec::new();
    for (rel, theirs_p) in &theirs {
        match ours.get(rel) {
            None => diffs.push(format!("{} (not here)", rel.display())),
            Some(ours_p) => {
                let same = match meta_cmp(rel, ours_p, theirs_p)? {
                    Some(same) => same,
                    None => {
                        let (a, b) = (
                            std::fs::metadata(ours_p).at(ours_p)?.len(),
                            std::fs::metadata(theirs_p).at(theirs_p)?.len(),
                        );
                        a == b && sha256_file(ours_p)? == sha256_file(theirs_p)?
                    }
                };
                if !same && rel.starts_with("metrics") {
                    // Metric files only grow: say which side has more points.
                    let (a, b) = (count_lines(ours_p)?, count_lines(theirs_p)?);
                    diffs.push(format!(
                        "{} ({a} points here, {b} in the source)",
                        rel.display()
                    ));
                } else if !same {
                    diffs.push(rel.display().to_string());
                }
            }
        }
    }
    for rel in ours.keys() {
        if !theirs.contains_key(rel) {
            diffs.push(format!("{} (only here)", rel.display()));
        }
    }
    Ok(diffs)
}

impl Plan<'_> {
    /// The files of a run: everything in its folder but `artifacts/`, plus its artifacts (from
    /// wherever they are) as `artifacts/<path>`.
    fn run_files(
        &self,
        dir: &Path,
        artifacts: Option<(&Path, &Bounds)>,
        source: bool,
    ) -> Result<Files> {
        let mut files = if source {
            self.src_tree(dir, &["artifacts"])?
        } else {
            self.dst_tree(dir, &["artifacts"])?
        };
        let name = if source { "the source" } else { "this store" };
        if self.opts.artifacts
            && let Some((a, bounds)) = artifacts
        {
            for (rel, p, d) in tree(a, &[], bounds, name, &self.noted)? {
                files.push((Path::new("artifacts").join(rel), p, d));
            }
        }
        Ok(files)
    }

    fn run_differences(
        &self,
        src_dir: &Path,
        src_artifacts: Option<(&Path, &Bounds)>,
        mine: &Path,
    ) -> Result<Vec<String>> {
        let theirs = self.run_files(src_dir, src_artifacts, true)?;
        let info = self.target.read_run_info(mine)?;
        let h = super::RunHandle {
            dir: mine.to_path_buf(),
            info,
        };
        let my_artifacts = self.target.artifact_dir(&h).ok();
        let my_bounds = self.target.artifact_bounds(&h);
        let ours = self.run_files(
            mine,
            my_artifacts.as_deref().map(|p| (p, &my_bounds)),
            false,
        )?;
        compare_files(&ours, &theirs, |rel, a, b| {
            if rel != Path::new("meta.yaml") {
                return Ok(None);
            }
            let drop = ["experiment_id", "artifact_uri"];
            Ok(Some(
                comparable(parse_meta(a)?, &drop) == comparable(parse_meta(b)?, &drop),
            ))
        })
    }

    fn item_differences(
        &self,
        folder: &str,
        src_dir: &Path,
        src_exp: &str,
        mine: &Path,
    ) -> Result<Vec<String>> {
        let theirs = self.src_tree(src_dir, &[])?;
        let ours = self.dst_tree(mine, &[])?;
        compare_files(&ours, &theirs, |rel, a, b| {
            if folder != "models" || rel != Path::new("meta.yaml") {
                return Ok(None);
            }
            let _ = src_exp;
            let drop = ["experiment_id", "artifact_location"];
            Ok(Some(
                comparable(parse_meta(a)?, &drop) == comparable(parse_meta(b)?, &drop),
            ))
        })
    }

    fn version_differences(&self, src_dir: &Path, mine: &Path) -> Result<Vec<String>> {
        let theirs = self.src_tree(src_dir, &[])?;
        let ours = self.dst_tree(mine, &[])?;
        compare_files(&ours, &theirs, |rel, a, b| {
            if rel != Path::new("meta.yaml") {
                return Ok(None);
            }
            let rewritten = self.version_meta(b)?;
            Ok(Some(
                comparable(parse_meta(a)?, &[]) == comparable(rewritten, &[]),
            ))
        })
    }

    /// A version's `meta.yaml` with its locations rewritten for this store.
    fn version_meta(&self, path: &Path) -> Result<Meta> {
        let mut meta = parse_meta(path)?;
        for field in ["source", "storage_location"] {
            if let Some(Scalar::Str(loc)) = meta.get(field)
                && let Some(new) = self.rewrite_location(loc)
            {
                meta.insert(field.into(), Scalar::Str(new));
            }
        }
        Ok(meta)
    }

    /// A location inside the source's tracking folder in MLflow's default layout
    /// (`.../<exp>/<run>/artifacts/...` or `.../<exp>/models/<id>/artifacts/...`), written in
    /// this store's store-relative form with this store's experiment id. None: keep it.
    fn rewrite_location(&self, loc: &str) -> Option<String> {
        let (abs, parts) = location_parts(loc)?;
        for i in 0..parts.len() {
            let Some(new_exp) = self.exp_ids.get(&parts[i]) else {
                continue;
            };
            let rest = &parts[i + 1..];
            let default_run = rest.len() >= 2
                && rest[1] == "artifacts"
                && self.all_runs.contains(&rest[0])
                && (abs || i == 0 || parts[..i].join("/") == self.source.tracking_rel());
            let default_model = rest.len() >= 3
                && rest[0] == "models"
                && rest[1].starts_with("m-")
                && rest[2] == "artifacts";
            if default_run || default_model {
                let new = format!(
                    "{}/{new_exp}/{}",
                    self.target.tracking_rel(),
                    rest.join("/")
                );
                return (new != loc).then_some(new);
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------------------
// Carrying the plan out

impl Plan<'_> {
    /// Writes everything planned, unit by unit: each run, version or item is built aside and
    /// renamed into place whole. Returns what was done; when a write fails, what was written
    /// before it (whole units: running the same transfer again completes it).
    pub fn apply(mut self, progress: ProgressFn) -> Result<Report, Stopped> {
        let mut report = std::mem::take(&mut self.report);
        let result = if self.opts.dry_run {
            Err(Error::Invalid("a dry run's plan is not applied".into()))
        } else {
            self.apply_into(&mut report, progress)
        };
        match result {
            Ok(()) => Ok(report),
            Err(error) => Err(Stopped {
                error,
                written: Box::new(report),
            }),
        }
    }

    fn apply_into(&self, report: &mut Report, progress: ProgressFn) -> Result<()> {
        let mut bytes = 0u64;
        let t = self.target;
        if !t.tracking.is_dir() {
            fs::create_dir_all(&t.tracking)?;
        }
        let created: Vec<&ExpPlan> = self.experiments.iter().filter(|e| e.create).collect();
        let mut step = Stepper::new(Stage::Experiments, created.len(), progress);
        for exp in &self.experiments {
            if exp.create {
                self.create_experiment(exp)?;
                report.imported.experiments += 1;
                report
                    .experiments_created
                    .push((exp.src.name.clone(), exp.target_id.clone()));
                step.one(bytes);
            } else if !exp.add_tags.is_empty() {
                let dir = t.experiment_dir(&exp.target_id).ok_or_else(|| {
                    Error::NotFound(format!("experiment {} vanished", exp.target_id))
                })?;
                for (k, v) in &exp.add_tags {
                    fs::write_atomic(&key_path(&dir.join("tags"), k), v.as_bytes())?;
                }
            }
        }
        report.experiments_created.sort();
        let mut step = step.next(Stage::Runs, self.runs.len());
        for run in &self.runs {
            let c = self.copy_run(run)?;
            bytes += c.artifact_bytes;
            report.imported.add(&c);
            if run.action == Action::Overwrite {
                report.overwritten.runs += 1;
            }
            step.one(bytes);
        }
        let mut step = step.next(Stage::ExperimentItems, self.items.len());
        for item in &self.items {
            self.copy_item(item)?;
            report.imported.experiment_items += 1;
            if item.action == Action::Overwrite {
                report.overwritten.experiment_items += 1;
            }
            step.one(bytes);
        }
        let mut step = step.next(Stage::Models, self.models.len());
        for m in &self.models {
            self.copy_model(m, report)?;
            step.one(bytes);
        }
        Ok(())
    }

    fn create_experiment(&self, exp: &ExpPlan) -> Result<()> {
        let t = self.target;
        let scratch = t.scratch_dir()?;
        let build = scratch.path().join("experiment");
        fs::create_dir_all(&build)?;
        let meta_path = exp.src_dir.join("meta.yaml");
        let mut meta = parse_meta(&meta_path)?;
        let mut changed = false;
        if exp.target_id != exp.src.experiment_id {
            meta.insert("experiment_id".into(), Scalar::from(exp.target_id.as_str()));
            changed = true;
        }
        // A location in the default layout (`.../<id>`) becomes this store's relative one.
        if let Some((_, parts)) = location_parts(&exp.src.artifact_location)
            && parts.last() == Some(&exp.src.experiment_id)
        {
            let new = format!("{}/{}", t.tracking_rel(), exp.target_id);
            if new != exp.src.artifact_location {
                meta.insert("artifact_location".into(), Scalar::Str(new));
                changed = true;
            }
        }
        if changed {
            fs::write_new(&build.join("meta.yaml"), to_yaml(&meta).as_bytes())?;
        } else {
            copy_counting(&meta_path, &build.join("meta.yaml"))?;
        }
        for (rel, p, is_dir) in self.src_tree(&exp.src_dir.join("tags"), &[])? {
            let to = build.join("tags").join(&rel);
            if is_dir {
                fs::create_dir_all(&to)?;
            } else {
                copy_counting(&p, &to)?;
            }
        }
        let dest = match exp.src.lifecycle_stage {
            Lifecycle::Active => t.tracking.join(&exp.target_id),
            Lifecycle::Deleted => t.tracking.join(TRASH).join(&exp.target_id),
        };
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::rename(&build, &dest)
    }

    fn target_exp_dir(&self, id: &str) -> Result<PathBuf> {
        self.target
            .experiment_dir(id)
            .ok_or_else(|| Error::NotFound(format!("experiment {id} is missing here")))
    }

    fn copy_run(&self, run: &RunPlan) -> Result<Counts> {
        let t = self.target;
        let id = &run.info.run_id;
        let exp_dir = self.target_exp_dir(&run.target_exp)?;
        let scratch = t.scratch_dir()?;
        let build = scratch.path().join(id);
        let mut c = Counts {
            runs: 1,
            ..Counts::default()
        };
        for (rel, p, is_dir) in self.src_tree(&run.src_dir, &["artifacts", "meta.yaml"])? {
            let to = build.join(&rel);
            if is_dir {
                fs::create_dir_all(&to)?;
                continue;
            }
            let (_, lines) = copy_counting(&p, &to)?;
            if rel.starts_with("metrics") {
                c.metric_points += lines;
            }
        }
        for d in ["metrics", "params", "artifacts"] {
            fs::create_dir_all(&build.join(d))?;
        }
        // meta.yaml: this store's experiment id and store-relative artifact location.
        let meta_path = run.src_dir.join("meta.yaml");
        let mut meta = parse_meta(&meta_path)?;
        let uri = format!("{}/{}/{id}/artifacts", t.tracking_rel(), run.target_exp);
        let before = meta.clone();
        meta.insert(
            "experiment_id".into(),
            Scalar::from(run.target_exp.as_str()),
        );
        meta.insert("artifact_uri".into(), Scalar::Str(uri));
        if meta == before {
            copy_counting(&meta_path, &build.join("meta.yaml"))?;
        } else {
            fs::write_new(&build.join("meta.yaml"), to_yaml(&meta).as_bytes())?;
        }
        if self.opts.artifacts {
            if let Some((src, bounds)) = &run.src_artifacts {
                for (rel, p, is_dir) in tree(src, &[], bounds, "the source", &self.noted)? {
                    let to = build.join("artifacts").join(&rel);
                    if is_dir {
                        fs::create_dir_all(&to)?;
                        continue;
                    }
                    let (n, _) = copy_counting(&p, &to)?;
                    c.artifacts += 1;
                    c.artifact_bytes += n;
                }
            }
        } else if let Some(old) = &run.existing {
            // Without artifacts in the source, this store's artifacts stay.
            let old_artifacts = old.join("artifacts");
            if old_artifacts.is_dir() {
                std::fs::remove_dir(build.join("artifacts")).at(&build)?;
                fs::rename(&old_artifacts, &build.join("artifacts"))?;
            }
        }
        let dest = exp_dir.join(id);
        if let Some(old) = &run.existing {
            fs::rename(old, &scratch.path().join("replaced"))?;
        }
        fs::rename(&build, &dest)?;
        Ok(c)
    }

    fn copy_item(&self, item: &ItemPlan) -> Result<()> {
        let t = self.target;
        let exp_dir = self.target_exp_dir(&item.target_exp)?;
        let scratch = t.scratch_dir()?;
        let build = scratch.path().join("item");
        for (rel, p, is_dir) in self.src_tree(&item.src_dir, &[])? {
            let to = build.join(&rel);
            if is_dir {
                fs::create_dir_all(&to)?;
            } else {
                copy_counting(&p, &to)?;
            }
        }
        fs::create_dir_all(&build)?;
        if item.folder == "models" && build.join("meta.yaml").is_file() {
            let path = build.join("meta.yaml");
            let mut meta = parse_meta(&path)?;
            let before = meta.clone();
            if item.src_exp != item.target_exp {
                meta.insert(
                    "experiment_id".into(),
                    Scalar::from(item.target_exp.as_str()),
                );
            }
            if let Some(Scalar::Str(loc)) = meta.get("artifact_location")
                && let Some(new) = self.rewrite_location(loc)
            {
                meta.insert("artifact_location".into(), Scalar::Str(new));
            }
            if meta != before {
                fs::write_atomic(&path, to_yaml(&meta).as_bytes())?;
            }
        }
        let dest_parent = exp_dir.join(item.folder);
        fs::create_dir_all(&dest_parent)?;
        if let Some(old) = &item.existing {
            fs::rename(old, &scratch.path().join("replaced"))?;
        }
        fs::rename(&build, &dest_parent.join(&item.id))
    }

    /// Copies a version folder into `dest`, its meta.yaml rewritten.
    fn build_version(&self, src: &Path, dest: &Path) -> Result<()> {
        for (rel, p, is_dir) in self.src_tree(src, &["meta.yaml"])? {
            let to = dest.join(&rel);
            if is_dir {
                fs::create_dir_all(&to)?;
            } else {
                copy_counting(&p, &to)?;
            }
        }
        fs::create_dir_all(dest)?;
        let meta_path = src.join("meta.yaml");
        let meta = self.version_meta(&meta_path)?;
        if meta == parse_meta(&meta_path)? {
            copy_counting(&meta_path, &dest.join("meta.yaml"))?;
        } else {
            fs::write_new(&dest.join("meta.yaml"), to_yaml(&meta).as_bytes())?;
        }
        Ok(())
    }

    fn copy_model(&self, m: &ModelPlan, report: &mut Report) -> Result<()> {
        let t = self.target;
        let mine = t.models_dir().join(&m.name);
        let scratch = t.scratch_dir()?;
        if m.create {
            let build = scratch.path().join("model");
            for (rel, p, is_dir) in self.src_tree(&m.src_dir, &[])? {
                let top = rel
                    .components()
                    .next()
                    .map(|c| c.as_os_str().to_string_lossy());
                if top.is_some_and(|t| t.starts_with("version-")) {
                    continue;
                }
                let to = build.join(&rel);
                if is_dir {
                    fs::create_dir_all(&to)?;
                } else {
                    copy_counting(&p, &to)?;
                }
            }
            for v in &m.versions {
                self.build_version(&v.src_dir, &build.join(format!("version-{}", v.version)))?;
                report.imported.model_versions += 1;
            }
            fs::create_dir_all(&t.models_dir())?;
            fs::rename(&build, &mine)?;
            report.imported.models += 1;
            return Ok(());
        }
        for v in &m.versions {
            let build = scratch.path().join(format!("version-{}", v.version));
            self.build_version(&v.src_dir, &build)?;
            let dest = mine.join(format!("version-{}", v.version));
            if v.action == Action::Overwrite {
                fs::rename(
                    &dest,
                    &scratch.path().join(format!("replaced-{}", v.version)),
                )?;
                report.overwritten.model_versions += 1;
            }
            fs::rename(&build, &dest)?;
            report.imported.model_versions += 1;
        }
        for (k, v) in &m.add_tags {
            fs::write_atomic(&key_path(&mine.join("tags"), k), v.as_bytes())?;
        }
        for (alias, v) in &m.set_aliases {
            fs::write_atomic(&mine.join("aliases").join(alias), v.as_bytes())?;
        }
        Ok(())
    }
}
