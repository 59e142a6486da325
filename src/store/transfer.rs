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

use super::fs::{self, IoContext};
use super::layout::{self, ALIASES, ARTIFACTS, INPUTS, META, METRICS, MODELS, PARAMS, TAGS};
use super::locate::local_path_of_uri;
use super::safe_path::{self, Bounds};
use super::yaml::{Doc, Meta, Scalar, to_yaml};
use super::{Error, MLRUNS, Result, Store, TRASH};
use crate::entities::{self, Experiment, Lifecycle, RunInfo, View, validate_model_name};
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
pub struct TransferScope {
    /// Whole experiments (ids): every run, logged model, dataset and trace in them.
    pub experiments: Vec<String>,
    /// Single runs (ids), with their experiment (meta and tags only), the logged models they
    /// produced and the datasets they read.
    pub runs: Vec<String>,
    /// Registered models (names) with every version and the runs behind the versions.
    pub models: Vec<String>,
}

impl TransferScope {
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

/// Told each step of [`TransferPlan::apply`] (and of an export).
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
pub struct TransferPlan<'a> {
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

impl TransferPlan<'_> {
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
        let own = dir.join(ARTIFACTS);
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
                self.src_tree(&e.src_dir.join(TAGS), &[])?;
            }
        }
        for r in &self.runs {
            self.src_tree(&r.src_dir, &[ARTIFACTS])?;
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
    /// [`TransferPlan::apply`] returns when nothing fails.
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
        for (rel, p, is_dir) in self.src_tree(&run.src_dir, &[ARTIFACTS, META])? {
            if !is_dir && rel.starts_with(METRICS) {
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
        layout::lock(&self.mlt_dir())
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

    /// Every run folder here by id (active and deleted experiments).
    fn run_index(&self) -> Result<HashMap<String, PathBuf>> {
        let mut out = HashMap::new();
        if !self.tracking.is_dir() {
            return Ok(out);
        }
        for exp in self.experiment_dirs(View::All)? {
            for dir in self.run_dirs(&exp)? {
                if dir.join(META).is_file() {
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
            if !dir.join(META).is_file() {
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
        sel: &TransferScope,
        opts: TransferOptions,
    ) -> Result<TransferPlan<'a>> {
        self.plan_transfer_reading(source, sel, opts, &[])
    }

    /// [`Store::plan_transfer`], where the source's runs may also keep their artifacts in the
    /// folders `artifact_roots` (an MLflow database's artifact root, read into a scratch store).
    pub fn plan_transfer_reading<'a>(
        &'a self,
        source: &'a Store,
        sel: &TransferScope,
        opts: TransferOptions,
        artifact_roots: &[PathBuf],
    ) -> Result<TransferPlan<'a>> {
        source.require_as(super::StoreRole::TransferSource)?;
        let mut plan = TransferPlan::empty(self, source, opts, artifact_roots)?;
        let chosen = plan.choose(sel)?;
        plan.all_runs = chosen.runs.keys().cloned().collect();
        let runs = plan.read_runs(&chosen.runs);
        plan.match_experiments(&chosen, &runs)?;
        plan.plan_runs(runs)?;
        for (folder, id, src_dir, src_exp) in plan.items_wanted(&chosen) {
            plan.plan_item(folder, id, src_dir, src_exp)?;
        }
        for name in &chosen.models {
            plan.plan_model(name)?;
        }
        plan.note_links()?;
        Ok(plan)
    }

    /// Whether an experiment id is used here (by an active or a deleted experiment).
    fn experiment_id_in_use(&self, id: &str) -> bool {
        layout::experiment_id_in_use(&self.tracking, id)
    }

    /// The id a new experiment gets here: `wanted` when it is free, else a new random one;
    /// either is then `taken`.
    fn free_experiment_id(&self, wanted: &str, taken: &mut BTreeSet<String>) -> String {
        let free = |id: &str| !taken.contains(id) && !self.experiment_id_in_use(id);
        let id = if free(wanted) {
            wanted.to_string()
        } else {
            loop {
                let id = entities::new_experiment_id();
                if free(&id) {
                    break id;
                }
            }
        };
        taken.insert(id.clone());
        id
    }
}

/// What a selection names in the source.
struct Chosen {
    /// Every experiment of the source, with its folder.
    experiments: Vec<(Experiment, PathBuf)>,
    /// Experiment id → index in `experiments`.
    by_id: HashMap<String, usize>,
    /// Experiments taken whole (ids).
    whole: BTreeSet<String>,
    /// Run id → source run folder (the runs of whole experiments, single runs, the runs
    /// behind chosen model versions); ordered for a stable plan.
    runs: BTreeMap<String, PathBuf>,
    /// Registered models (names).
    models: BTreeSet<String>,
}

impl Chosen {
    fn experiment(&self, id: &str) -> Option<&(Experiment, PathBuf)> {
        self.by_id.get(id).map(|i| &self.experiments[*i])
    }
}

/// The folders of a run, an item or a model version as a plan records them.
type Settled = (Action, Option<PathBuf>);

impl<'a> TransferPlan<'a> {
    /// A plan that does nothing yet, holding the target's lock (see [`Store::plan_lock`]).
    fn empty(
        target: &'a Store,
        source: &'a Store,
        opts: TransferOptions,
        artifact_roots: &[PathBuf],
    ) -> Result<TransferPlan<'a>> {
        Ok(TransferPlan {
            target,
            source,
            opts,
            _lock: target.plan_lock(opts.dry_run)?,
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
            dst_bounds: target.read_bounds(),
            noted: RefCell::new(BTreeSet::new()),
        })
    }

    /// Finds what `sel` names in the source; everything when it names nothing. A name or id
    /// the source lacks is an error.
    fn choose(&mut self, sel: &TransferScope) -> Result<Chosen> {
        let source = self.source;
        let experiments = source.experiments_here()?;
        let by_id: HashMap<String, usize> = experiments
            .iter()
            .enumerate()
            .map(|(i, (e, _))| (e.experiment_id.clone(), i))
            .collect();
        let everything = sel.is_everything();
        let mut whole: BTreeSet<String> = BTreeSet::new();
        if everything {
            whole.extend(by_id.keys().cloned());
        }
        for id in &sel.experiments {
            if !by_id.contains_key(id) {
                return Err(Error::NotFound(format!(
                    "no experiment '{id}' in the source"
                )));
            }
            whole.insert(id.clone());
        }
        let mut runs: BTreeMap<String, PathBuf> = BTreeMap::new();
        for id in &whole {
            let (_, dir) = &experiments[by_id[id]];
            for r in source.run_dirs(dir)? {
                if r.join(META).is_file() {
                    let rid = r.file_name().unwrap_or_default().to_string_lossy().into();
                    runs.insert(rid, r);
                }
            }
        }
        let src_runs = source.run_index()?;
        for id in &sel.runs {
            let dir = src_runs
                .get(id)
                .ok_or_else(|| Error::NotFound(format!("no run '{id}' in the source")))?;
            runs.insert(id.clone(), dir.clone());
        }
        let models = self.choose_models(sel, &src_runs, &mut runs)?;
        Ok(Chosen {
            experiments,
            by_id,
            whole,
            runs,
            models,
        })
    }

    /// The registered models `sel` names (all, when it names nothing), each with the runs
    /// behind its versions added to `runs`.
    fn choose_models(
        &mut self,
        sel: &TransferScope,
        src_runs: &HashMap<String, PathBuf>,
        runs: &mut BTreeMap<String, PathBuf>,
    ) -> Result<BTreeSet<String>> {
        let mut models: BTreeSet<String> = sel.models.iter().cloned().collect();
        let models_dir = self.source.models_dir();
        if sel.is_everything()
            && let Ok(entries) = std::fs::read_dir(&models_dir)
        {
            for e in entries.flatten() {
                if e.path().join(META).is_file() {
                    models.insert(e.file_name().to_string_lossy().into_owned());
                }
            }
        }
        for name in &models {
            validate_model_name(name)?;
            let dir = models_dir.join(name);
            if !dir.join(META).is_file() {
                return Err(Error::NotFound(format!(
                    "no registered model '{name}' in the source"
                )));
            }
            self.add_runs_behind_versions(name, &dir, src_runs, runs)?;
        }
        Ok(models)
    }

    /// The runs behind a chosen model's versions come along (a warning for one the source
    /// lacks).
    fn add_runs_behind_versions(
        &mut self,
        name: &str,
        model_dir: &Path,
        src_runs: &HashMap<String, PathBuf>,
        runs: &mut BTreeMap<String, PathBuf>,
    ) -> Result<()> {
        for (_, vdir) in self.source.version_dirs(model_dir)? {
            let Ok(meta) = parse_meta(&vdir.join(META)) else {
                continue;
            };
            let Some(Scalar::Str(rid)) = meta.get("run_id") else {
                continue;
            };
            if rid.is_empty() || runs.contains_key(rid) {
                continue;
            }
            match src_runs.get(rid) {
                Some(d) => {
                    runs.insert(rid.clone(), d.clone());
                }
                None => self.warnings.push(format!(
                    "model '{name}' {}: its run {rid} is not in the source",
                    vdir.file_name().unwrap_or_default().to_string_lossy()
                )),
            }
        }
        Ok(())
    }

    /// Reads the chosen runs' `meta.yaml`. A run folder that is a link out of the source, or a
    /// damaged run, is left behind with a warning; it does not stop the others.
    fn read_runs(&mut self, runs: &BTreeMap<String, PathBuf>) -> Vec<(RunInfo, PathBuf)> {
        let mut out = Vec::new();
        for dir in runs.values() {
            if let Err(o) = self
                .src_bounds
                .resolve(dir)
                .and_then(|_| self.src_bounds.resolve(&dir.join(META)))
            {
                self.warnings.push(format!(
                    "skipping run {}: {} is {}",
                    dir.file_name().unwrap_or_default().to_string_lossy(),
                    o.path.display(),
                    o.describe("the source")
                ));
                continue;
            }
            match self.source.read_run_info(dir) {
                Ok(info) => out.push((info, dir.clone())),
                Err(e) => self.warnings.push(format!("skipping run: {e}")),
            }
        }
        out
    }

    /// Matches each experiment involved (taken whole, or holding a chosen run) with this
    /// store's experiment of the same name, or plans to create it.
    fn match_experiments(&mut self, chosen: &Chosen, runs: &[(RunInfo, PathBuf)]) -> Result<()> {
        let mut involved = chosen.whole.clone();
        involved.extend(runs.iter().map(|(i, _)| i.experiment_id.clone()));
        let t = self.target;
        let here = t.experiments_here()?;
        let here_runs = t.run_index()?;
        let by_name: HashMap<&str, &Experiment> =
            here.iter().map(|(e, _)| (e.name.as_str(), e)).collect();
        let mut taken: BTreeSet<String> =
            here.iter().map(|(e, _)| e.experiment_id.clone()).collect();
        for id in &involved {
            let Some((src, src_dir)) = chosen.experiment(id) else {
                return Err(Error::NotFound(format!(
                    "experiment {id} of a selected run is missing in the source"
                )));
            };
            let (target_id, create, add_tags) = match by_name.get(src.name.as_str()) {
                Some(mine) => {
                    self.report.unchanged.experiments += 1;
                    (
                        mine.experiment_id.clone(),
                        false,
                        self.tags_to_add(src, mine),
                    )
                }
                None => {
                    if let Some(mine) = renamed_here(src, &here, runs, &here_runs) {
                        self.warnings.push(format!(
                            "experiment {} is '{}' here and '{}' in the source: renamed on one \
                             side? Experiments are matched by name, so '{}' comes in as a new \
                             experiment; give both sides one name and merge again to keep its \
                             runs together",
                            src.experiment_id, mine.name, src.name, src.name
                        ));
                    }
                    let new_id = t.free_experiment_id(&src.experiment_id, &mut taken);
                    (new_id, true, Vec::new())
                }
            };
            self.report.tags_added += add_tags.len() as u64;
            self.exp_ids.insert(id.clone(), target_id.clone());
            self.experiments.push(ExpPlan {
                src: src.clone(),
                src_dir: src_dir.clone(),
                target_id,
                create,
                add_tags,
            });
        }
        Ok(())
    }

    /// The source experiment's tags that this store's experiment of the same name lacks; one
    /// with another value here is kept, with a warning.
    fn tags_to_add(&mut self, src: &Experiment, mine: &Experiment) -> Vec<(String, String)> {
        let mut add = Vec::new();
        for (k, v) in &src.tags {
            match mine.tags.get(k) {
                None => add.push((k.clone(), v.clone())),
                Some(here) if here != v => self.warnings.push(format!(
                    "experiment '{}': tag '{k}' is '{here}' here and '{v}' in the source; kept \
                     '{here}'",
                    src.name
                )),
                Some(_) => {}
            }
        }
        add
    }

    /// A thing on both sides: unchanged when `diffs` is empty, else a conflict settled by the
    /// policy. `Some` when it is to be overwritten; `count` picks the counter of its kind.
    fn settle(
        &mut self,
        kind: &'static str,
        id: &str,
        diffs: &[String],
        mine: PathBuf,
        count: fn(&mut Counts) -> &mut u64,
    ) -> Option<Settled> {
        if diffs.is_empty() {
            *count(&mut self.report.unchanged) += 1;
            return None;
        }
        self.report.conflicts.push(Conflict {
            kind,
            id: id.to_string(),
            reason: describe(diffs),
        });
        if self.opts.on_conflict != OnConflict::Overwrite {
            *count(&mut self.report.skipped) += 1;
            return None;
        }
        Some((Action::Overwrite, Some(mine)))
    }

    /// Each run is created, or compared with this store's run of the same id.
    fn plan_runs(&mut self, runs: Vec<(RunInfo, PathBuf)>) -> Result<()> {
        let here_runs = self.target.run_index()?;
        for (info, dir) in runs {
            let target_exp = self.exp_ids[&info.experiment_id].clone();
            let src_artifacts = match self.source_artifacts(&dir, &info) {
                Ok(p) => Some(p),
                Err(e) => {
                    if self.opts.artifacts {
                        self.warnings
                            .push(format!("run {}: {e}; not copied", info.run_id));
                    }
                    None
                }
            };
            let (action, existing) = match here_runs.get(&info.run_id) {
                None => (Action::Create, None),
                Some(mine) => {
                    let theirs = src_artifacts.as_ref().map(|(p, b)| (p.as_path(), b));
                    let diffs = self.run_differences(&dir, theirs, mine)?;
                    let settled =
                        self.settle("run", &info.run_id, &diffs, mine.clone(), |c| &mut c.runs);
                    let Some(s) = settled else {
                        continue;
                    };
                    s
                }
            };
            self.runs.push(RunPlan {
                info,
                src_dir: dir,
                src_artifacts,
                target_exp,
                action,
                existing,
            });
        }
        Ok(())
    }

    /// The logged models, datasets and traces to take: all of a whole experiment's; of the
    /// others, the logged models a chosen run produced and the datasets one read.
    fn items_wanted(&self, chosen: &Chosen) -> Vec<(&'static str, String, PathBuf, String)> {
        let mut wanted = Vec::new();
        for exp in &self.experiments {
            let src_exp = &exp.src.experiment_id;
            let is_whole = chosen.whole.contains(src_exp);
            for folder in [MODELS, layout::DATASETS, layout::TRACES] {
                let Ok(entries) = std::fs::read_dir(exp.src_dir.join(folder)) else {
                    continue;
                };
                let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
                dirs.sort();
                for d in dirs {
                    let id = d
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned();
                    if !d.is_dir() || !entities::is_valid_run_id(&id) {
                        continue;
                    }
                    let take = is_whole
                        || match folder {
                            MODELS => self.produced_by_a_chosen_run(&d),
                            layout::DATASETS => {
                                chosen.runs.values().any(|r| run_reads_dataset(r, &id))
                            }
                            _ => false,
                        };
                    if take {
                        wanted.push((folder, id, d, src_exp.clone()));
                    }
                }
            }
        }
        wanted
    }

    /// Whether a logged model's `source_run_id` is a run taken.
    fn produced_by_a_chosen_run(&self, model_dir: &Path) -> bool {
        parse_meta(&model_dir.join(META))
            .ok()
            .is_some_and(|m| match m.get("source_run_id") {
                Some(Scalar::Str(r)) => self.all_runs.contains(r),
                _ => false,
            })
    }

    /// An item is created, or compared with this store's item of the same id. A trace goes
    /// only where its experiment keeps its id, since traces record it.
    fn plan_item(
        &mut self,
        folder: &'static str,
        id: String,
        src_dir: PathBuf,
        src_exp: String,
    ) -> Result<()> {
        let target_exp = self.exp_ids[&src_exp].clone();
        if folder == "traces" && target_exp != src_exp {
            self.warnings.push(format!(
                "trace {id} not taken: its experiment has another id here ({target_exp}), \
                 and traces record their experiment's id"
            ));
            return Ok(());
        }
        let here_dir = self
            .target
            .experiment_dir(&target_exp)
            .map(|d| d.join(folder).join(&id));
        let (action, existing) = match here_dir.filter(|d| d.is_dir()) {
            None => (Action::Create, None),
            Some(mine) => {
                let diffs = self.item_differences(folder, &src_dir, &src_exp, &mine)?;
                let count: fn(&mut Counts) -> &mut u64 = |c| &mut c.experiment_items;
                match self.settle(item_kind(folder), &id, &diffs, mine, count) {
                    Some(s) => s,
                    None => return Ok(()),
                }
            }
        };
        self.items.push(ItemPlan {
            folder,
            id,
            src_dir,
            src_exp,
            target_exp,
            action,
            existing,
        });
        Ok(())
    }

    /// A registered model is created whole, or its missing versions, tags and aliases are
    /// added to this store's model of the same name.
    fn plan_model(&mut self, name: &str) -> Result<()> {
        let src_dir = self.source.models_dir().join(name);
        let mine = self.target.models_dir().join(name);
        let src_versions = self.source.version_dirs(&src_dir)?;
        if !mine.join(META).is_file() {
            let versions = src_versions
                .into_iter()
                .map(|(version, d)| VersionPlan {
                    src_dir: d,
                    version,
                    action: Action::Create,
                })
                .collect();
            self.models.push(ModelPlan {
                name: name.to_string(),
                src_dir,
                create: true,
                versions,
                add_tags: Vec::new(),
                set_aliases: Vec::new(),
            });
            return Ok(());
        }
        self.report.unchanged.models += 1;
        let (versions, kept) = self.plan_versions(name, src_versions, &mine)?;
        let add_tags = self.model_tags_to_add(name, &src_dir, &mine)?;
        self.report.tags_added += add_tags.len() as u64;
        let set_aliases = self.aliases_to_set(name, &src_dir, &mine, &kept)?;
        self.report.aliases_added += set_aliases.len() as u64;
        self.models.push(ModelPlan {
            name: name.to_string(),
            src_dir,
            create: false,
            versions,
            add_tags,
            set_aliases,
        });
        Ok(())
    }

    /// The versions to write into this store's model `mine`, and the numbers of those kept as
    /// they are here although the source's differ.
    fn plan_versions(
        &mut self,
        name: &str,
        src_versions: Vec<(i64, PathBuf)>,
        mine: &Path,
    ) -> Result<(Vec<VersionPlan>, BTreeSet<String>)> {
        let mut versions = Vec::new();
        let mut kept = BTreeSet::new();
        for (version, d) in src_versions {
            let here_v = mine.join(layout::version_folder(version));
            if !here_v.join(META).is_file() {
                versions.push(VersionPlan {
                    src_dir: d,
                    version,
                    action: Action::Create,
                });
                continue;
            }
            let diffs = self.version_differences(&d, &here_v)?;
            let id = format!("{name}/{version}");
            let count: fn(&mut Counts) -> &mut u64 = |c| &mut c.model_versions;
            match self.settle("model version", &id, &diffs, here_v, count) {
                Some((action, _)) => versions.push(VersionPlan {
                    src_dir: d,
                    version,
                    action,
                }),
                None if !diffs.is_empty() => {
                    kept.insert(version.to_string());
                }
                None => {}
            }
        }
        Ok((versions, kept))
    }

    /// The source model's tags that this store's lacks; one that differs here is kept.
    fn model_tags_to_add(
        &mut self,
        name: &str,
        src_dir: &Path,
        mine: &Path,
    ) -> Result<Vec<(String, String)>> {
        let mut add = Vec::new();
        for (k, p) in fs::read_key_files(&src_dir.join(TAGS))? {
            let theirs = fs::read_to_string(&p)?;
            let here_tag = layout::tag(mine, &k);
            if !here_tag.is_file() {
                add.push((k, theirs));
            } else if fs::read_to_string(&here_tag)? != theirs {
                self.warnings.push(format!(
                    "model '{name}': tag '{k}' differs here; kept this store's value"
                ));
            }
        }
        Ok(add)
    }

    /// The source model's aliases to write here: the ones missing here, and with overwrite
    /// the ones pointing elsewhere here. An alias at a version `kept` as it is here, or one
    /// that points elsewhere here, is a conflict.
    fn aliases_to_set(
        &mut self,
        name: &str,
        src_dir: &Path,
        mine: &Path,
        kept: &BTreeSet<String>,
    ) -> Result<Vec<(String, String)>> {
        let mut set = Vec::new();
        for (alias, p) in fs::read_key_files(&src_dir.join(ALIASES))? {
            let theirs = fs::read_to_string(&p)?.trim().to_string();
            let here_alias = layout::alias(mine, &alias);
            let conflict = |reason: String| Conflict {
                kind: "alias",
                id: format!("{name}@{alias}"),
                reason,
            };
            if kept.contains(&theirs) {
                let why = format!("points at version {theirs}, which differs here");
                self.report.conflicts.push(conflict(why));
                continue;
            }
            if !here_alias.is_file() {
                set.push((alias, theirs));
                continue;
            }
            let ours = fs::read_to_string(&here_alias)?.trim().to_string();
            if ours != theirs {
                let why = format!("version {ours} here, version {theirs} in the source");
                self.report.conflicts.push(conflict(why));
                if self.opts.on_conflict == OnConflict::Overwrite {
                    set.push((alias, theirs));
                }
            }
        }
        Ok(set)
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
        MODELS => "logged model",
        layout::DATASETS => "dataset",
        _ => "trace",
    }
}

/// Whether a run's `inputs/*/meta.yaml` names the dataset.
fn run_reads_dataset(run_dir: &Path, dataset_id: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(run_dir.join(INPUTS)) else {
        return false;
    };
    entries.flatten().any(|e| {
        parse_meta(&e.path().join(META))
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
                if !same && rel.starts_with(METRICS) {
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

impl TransferPlan<'_> {
    /// The files of a run: everything in its folder but `artifacts/`, plus its artifacts (from
    /// wherever they are) as `artifacts/<path>`.
    fn run_files(
        &self,
        dir: &Path,
        artifacts: Option<(&Path, &Bounds)>,
        source: bool,
    ) -> Result<Files> {
        let mut files = if source {
            self.src_tree(dir, &[ARTIFACTS])?
        } else {
            self.dst_tree(dir, &[ARTIFACTS])?
        };
        let name = if source { "the source" } else { "this store" };
        if self.opts.artifacts
            && let Some((a, bounds)) = artifacts
        {
            for (rel, p, d) in tree(a, &[], bounds, name, &self.noted)? {
                files.push((Path::new(ARTIFACTS).join(rel), p, d));
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
            if rel != Path::new(META) {
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
            if folder != MODELS || rel != Path::new(META) {
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
            if rel != Path::new(META) {
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
                && rest[1] == ARTIFACTS
                && self.all_runs.contains(&rest[0])
                && (abs || i == 0 || parts[..i].join("/") == self.source.tracking_rel());
            let default_model = rest.len() >= 3
                && rest[0] == MODELS
                && rest[1].starts_with("m-")
                && rest[2] == ARTIFACTS;
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

impl TransferPlan<'_> {
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
                    fs::write_atomic(&layout::tag(&dir, k), v.as_bytes())?;
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
        let meta_path = exp.src_dir.join(META);
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
            fs::write_new(&build.join(META), to_yaml(&meta).as_bytes())?;
        } else {
            copy_counting(&meta_path, &build.join(META))?;
        }
        for (rel, p, is_dir) in self.src_tree(&exp.src_dir.join(TAGS), &[])? {
            let to = build.join(TAGS).join(&rel);
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
        for (rel, p, is_dir) in self.src_tree(&run.src_dir, &[ARTIFACTS, META])? {
            let to = build.join(&rel);
            if is_dir {
                fs::create_dir_all(&to)?;
                continue;
            }
            let (_, lines) = copy_counting(&p, &to)?;
            if rel.starts_with(METRICS) {
                c.metric_points += lines;
            }
        }
        for d in [METRICS, PARAMS, ARTIFACTS] {
            fs::create_dir_all(&build.join(d))?;
        }
        // meta.yaml: this store's experiment id and store-relative artifact location.
        let meta_path = run.src_dir.join(META);
        let mut meta = parse_meta(&meta_path)?;
        let uri = format!("{}/{}/{id}/artifacts", t.tracking_rel(), run.target_exp);
        let before = meta.clone();
        meta.insert(
            "experiment_id".into(),
            Scalar::from(run.target_exp.as_str()),
        );
        meta.insert("artifact_uri".into(), Scalar::Str(uri));
        if meta == before {
            copy_counting(&meta_path, &build.join(META))?;
        } else {
            fs::write_new(&build.join(META), to_yaml(&meta).as_bytes())?;
        }
        if self.opts.artifacts {
            if let Some((src, bounds)) = &run.src_artifacts {
                for (rel, p, is_dir) in tree(src, &[], bounds, "the source", &self.noted)? {
                    let to = build.join(ARTIFACTS).join(&rel);
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
            let old_artifacts = old.join(ARTIFACTS);
            if old_artifacts.is_dir() {
                std::fs::remove_dir(build.join(ARTIFACTS)).at(&build)?;
                fs::rename(&old_artifacts, &build.join(ARTIFACTS))?;
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
        if item.folder == MODELS && build.join(META).is_file() {
            let path = build.join(META);
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
        for (rel, p, is_dir) in self.src_tree(src, &[META])? {
            let to = dest.join(&rel);
            if is_dir {
                fs::create_dir_all(&to)?;
            } else {
                copy_counting(&p, &to)?;
            }
        }
        fs::create_dir_all(dest)?;
        let meta_path = src.join(META);
        let meta = self.version_meta(&meta_path)?;
        if meta == parse_meta(&meta_path)? {
            copy_counting(&meta_path, &dest.join(META))?;
        } else {
            fs::write_new(&dest.join(META), to_yaml(&meta).as_bytes())?;
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
                if top.is_some_and(|t| t.starts_with(layout::VERSION_PREFIX)) {
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
                self.build_version(&v.src_dir, &build.join(layout::version_folder(v.version)))?;
                report.imported.model_versions += 1;
            }
            fs::create_dir_all(&t.models_dir())?;
            fs::rename(&build, &mine)?;
            report.imported.models += 1;
            return Ok(());
        }
        for v in &m.versions {
            let build = scratch.path().join(layout::version_folder(v.version));
            self.build_version(&v.src_dir, &build)?;
            let dest = mine.join(layout::version_folder(v.version));
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
            fs::write_atomic(&layout::tag(&mine, k), v.as_bytes())?;
        }
        for (alias, v) in &m.set_aliases {
            fs::write_atomic(&layout::alias(&mine, alias), v.as_bytes())?;
        }
        Ok(())
    }
}
