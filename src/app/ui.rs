//! What the web UI shows, as data: the answers of the UI's JSON endpoints (`/mlt-api/v1/...`,
//! documented in `ui/README.md`), which `mlt server` serves and `mlt report` embeds in its one
//! HTML file. Each answer type serializes (serde) to exactly the JSON shape the contract gives,
//! so the server and the report send the same bytes for the same store.
//!
//! - [`experiments`]: every experiment with its run count and last activity;
//! - [`runs_table`], [`runs_by_id`]: runs in the `RUN` shape, the keys they have, how many
//!   matched;
//! - [`run_detail`]: one run with its description, dataset inputs and logged models;
//! - [`metric_ranges`], [`histories`]: metric minimums and maximums, and histories downsampled
//!   for a chart ([`super::downsample`]);
//! - [`artifact_folder`], [`artifact_file`]: a run's artifacts, read only inside the store;
//! - [`models`], [`model`]: the model registry.

use super::columns::ColumnPattern;
use super::query::{self, Read, RunQuery};
use super::{Result, downsample};
use crate::entities::{MetricPoint, ModelVersion, RegisteredModel, Run, View, tags};
use crate::store::{self, RunHandle, RunParts, Store};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// A float as the contract gives it: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
struct Float(f64);

impl Serialize for Float {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.is_nan() {
            s.serialize_str("NaN")
        } else if v == f64::INFINITY {
            s.serialize_str("Infinity")
        } else if v == f64::NEG_INFINITY {
            s.serialize_str("-Infinity")
        } else {
            s.serialize_f64(v)
        }
    }
}

/// A float for a chart: a number, or null when it is not finite.
struct Finite(f64);

impl Serialize for Finite {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            s.serialize_f64(self.0)
        } else {
            s.serialize_none()
        }
    }
}

struct MetricJson<'a>(&'a MetricPoint);

impl Serialize for MetricJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("value", &Float(self.0.value))?;
        m.serialize_entry("step", &self.0.step)?;
        m.serialize_entry("timestamp", &self.0.timestamp)?;
        m.end()
    }
}

struct Metrics<'a>(&'a BTreeMap<String, MetricPoint>);

impl Serialize for Metrics<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, p)| (k, MetricJson(p))))
    }
}

/// Writes a run's `RUN` fields into a map being serialized.
fn run_entries<M: SerializeMap>(m: &mut M, r: &Run) -> Result<(), M::Error> {
    let i = &r.info;
    m.serialize_entry("run_id", &i.run_id)?;
    m.serialize_entry("run_name", &i.run_name)?;
    m.serialize_entry("experiment_id", &i.experiment_id)?;
    m.serialize_entry("status", i.status.as_str())?;
    m.serialize_entry("start_time", &i.start_time)?;
    m.serialize_entry("end_time", &i.end_time)?;
    m.serialize_entry("lifecycle_stage", i.lifecycle_stage.as_str())?;
    m.serialize_entry("user_id", &i.user_id)?;
    m.serialize_entry("parent_run_id", &r.tags.get(tags::PARENT_RUN_ID))?;
    m.serialize_entry("artifact_uri", &i.artifact_uri)?;
    m.serialize_entry("params", &r.params)?;
    m.serialize_entry("metrics", &Metrics(&r.metrics))?;
    m.serialize_entry("tags", &r.tags)?;
    Ok(())
}

/// A run in the contract's `RUN` shape.
pub struct RunJson<'a>(pub &'a Run);

impl Serialize for RunJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        run_entries(&mut m, self.0)?;
        m.end()
    }
}

/// An experiment with what the experiments list shows of its runs.
#[derive(Clone, Debug, Serialize)]
pub struct ExperimentSummary {
    pub experiment_id: String,
    pub name: String,
    /// `active` or `deleted`.
    pub lifecycle_stage: &'static str,
    pub artifact_location: String,
    pub creation_time: Option<i64>,
    pub last_update_time: Option<i64>,
    /// Its runs that are not deleted.
    pub run_count: usize,
    /// The latest start or end time of those runs (ms), `None` when it has none.
    pub last_activity: Option<i64>,
    pub tags: BTreeMap<String, String>,
}

/// `GET /experiments`.
#[derive(Clone, Debug, Serialize)]
pub struct ExperimentList {
    pub experiments: Vec<ExperimentSummary>,
}

/// Every experiment, active and deleted (as the store lists them), with the count of its
/// active runs and their last activity. Reads each run's `meta.yaml` only.
pub fn experiments(store: &Store) -> Result<ExperimentList> {
    let mut out = Vec::new();
    for e in store.list_experiments(View::All)? {
        let runs = store.list_runs(&e, View::Active)?;
        let last_activity = runs
            .iter()
            .map(|h| h.info.end_time.unwrap_or(0).max(h.info.start_time))
            .max();
        out.push(ExperimentSummary {
            run_count: runs.len(),
            last_activity,
            lifecycle_stage: e.lifecycle_stage.as_str(),
            experiment_id: e.experiment_id,
            name: e.name,
            artifact_location: e.artifact_location,
            creation_time: e.creation_time,
            last_update_time: e.last_update_time,
            tags: e.tags,
        });
    }
    Ok(ExperimentList { experiments: out })
}

/// What the runs table asks for (`GET /runs?experiments=&filter=&order_by=&view=&columns=`).
#[derive(Clone, Debug, Default)]
pub struct RunsRequest {
    /// Experiment ids or names; empty: every experiment.
    pub experiments: Vec<String>,
    /// mlt's filter language; `None` or empty matches every run.
    pub filter: Option<String>,
    /// `key [ASC|DESC]`, first is most significant; MLflow's default order when empty.
    pub order_by: Vec<String>,
    pub view: View,
    /// Only these params, metrics and tags are read (names or globs); empty: whole runs.
    pub columns: Vec<ColumnPattern>,
}

/// The param, metric and tag keys some run of a table has, sorted.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ColumnKeys {
    pub params: Vec<String>,
    pub metrics: Vec<String>,
    pub tags: Vec<String>,
}

/// `GET /runs`: runs in the `RUN` shape, the keys they have, and how many matched.
#[derive(Clone, Debug)]
pub struct RunsTable {
    pub runs: Vec<Run>,
    pub keys: ColumnKeys,
    pub matched: usize,
}

impl RunsTable {
    fn new(runs: Vec<Run>, matched: usize) -> RunsTable {
        let (mut p, mut m, mut t) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for r in &runs {
            p.extend(r.params.keys());
            m.extend(r.metrics.keys());
            t.extend(r.tags.keys());
        }
        let list = |s: BTreeSet<&String>| s.into_iter().cloned().collect();
        let keys = ColumnKeys {
            params: list(p),
            metrics: list(m),
            tags: list(t),
        };
        RunsTable {
            runs,
            keys,
            matched,
        }
    }
}

impl Serialize for RunsTable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("runs", &Runs(&self.runs))?;
        m.serialize_entry("keys", &self.keys)?;
        m.serialize_entry("matched", &self.matched)?;
        m.end()
    }
}

struct Runs<'a>(&'a [Run]);

impl Serialize for Runs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(RunJson))
    }
}

/// The runs table: every run of the experiments that matches the filter, in the order asked
/// (all of them: the table is virtualized), read whole, or only the columns asked for.
/// A bad filter or order is [`super::Error::Expression`], with its column.
pub fn runs_table(store: &Store, req: &RunsRequest) -> Result<RunsTable> {
    let q = RunQuery {
        filter: req.filter.clone().filter(|f| !f.trim().is_empty()),
        order_by: req.order_by.clone(),
        experiments: req.experiments.clone(),
        view: req.view,
        max_results: usize::MAX,
        offset: 0,
        read: if req.columns.is_empty() {
            Read::Whole
        } else {
            Read::Named
        },
        columns: req.columns.clone(),
    };
    let found = query::select(store, &q)?;
    let runs = found.runs.into_iter().map(|(_, r)| r).collect();
    Ok(RunsTable::new(runs, found.matched))
}

/// The run folders of these ids, in the order given, each once; unknown (or malformed) ids
/// are left out.
fn handles_of(store: &Store, ids: &[String]) -> Result<Vec<RunHandle>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for id in ids {
        if !seen.insert(id.as_str()) {
            continue;
        }
        match store.find_run(id) {
            Ok(h) => out.push(h),
            Err(store::Error::Invalid(_)) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

/// The runs with these ids (any experiment, any lifecycle), in the order given; unknown ids
/// are left out. `columns` limits what is read as in [`runs_table`].
pub fn runs_by_id(store: &Store, ids: &[String], columns: &[ColumnPattern]) -> Result<RunsTable> {
    let handles = handles_of(store, ids)?;
    let parts = if columns.is_empty() {
        RunParts::default()
    } else {
        query::chosen_parts(columns)
    };
    let runs = store.read_runs_parts(&handles, &parts)?;
    let n = runs.len();
    Ok(RunsTable::new(runs, n))
}

/// A dataset a run used.
#[derive(Clone, Debug, Serialize)]
pub struct RunInput {
    pub name: String,
    pub digest: String,
    pub source_type: String,
    pub source: String,
    /// The input's `mlflow.data.context` tag (`train`, `eval`, ...), if any.
    pub context: Option<String>,
}

/// An MLflow 3 logged model a run produced.
#[derive(Clone, Debug, Serialize)]
pub struct RunLoggedModel {
    pub model_id: String,
    pub name: String,
    pub artifact_location: String,
    pub creation_timestamp: Option<i64>,
}

/// `GET /runs/<id>`: the run, its description, inputs and logged models.
#[derive(Clone, Debug)]
pub struct RunDetail {
    pub run: Run,
    /// The `mlflow.note.content` tag (Markdown).
    pub description: Option<String>,
    pub inputs: Vec<RunInput>,
    pub logged_models: Vec<RunLoggedModel>,
}

impl Serialize for RunDetail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        run_entries(&mut m, &self.run)?;
        m.serialize_entry("description", &self.description)?;
        m.serialize_entry("inputs", &self.inputs)?;
        m.serialize_entry("logged_models", &self.logged_models)?;
        m.end()
    }
}

/// One run whole, for the run page; an unknown id is the store's not-found error.
pub fn run_detail(store: &Store, run_id: &str) -> Result<RunDetail> {
    let h = store.find_run(run_id).map_err(not_found_if_invalid)?;
    let run = store.read_run(&h)?;
    let io = store.run_io(&h)?;
    let inputs = io
        .datasets
        .into_iter()
        .map(|d| RunInput {
            context: d
                .tags
                .iter()
                .find(|(k, _)| k == "mlflow.data.context")
                .map(|(_, v)| v.clone()),
            name: d.dataset.name,
            digest: d.dataset.digest,
            source_type: d.dataset.source_type,
            source: d.dataset.source,
        })
        .collect();
    let mut logged_models = Vec::new();
    for m in store.logged_models_of_run(&h)? {
        let creation_timestamp = store
            .read_logged_model_record(&m.dir)
            .ok()
            .and_then(|r| r.creation_timestamp);
        logged_models.push(RunLoggedModel {
            model_id: m.model_id,
            name: m.name,
            artifact_location: m.artifact_location,
            creation_timestamp,
        });
    }
    Ok(RunDetail {
        description: run.tags.get(tags::NOTE).cloned(),
        run,
        inputs,
        logged_models,
    })
}

/// A malformed run id names no run: not found, as an unknown one.
fn not_found_if_invalid(e: store::Error) -> store::Error {
    match e {
        store::Error::Invalid(msg) => store::Error::NotFound(msg),
        e => e,
    }
}

/// The metric keys asked for, or every metric of the run when none is.
fn keys_of(store: &Store, h: &RunHandle, keys: &[String]) -> Result<Vec<String>> {
    if keys.is_empty() {
        Ok(store.metric_keys(h)?)
    } else {
        Ok(keys.to_vec())
    }
}

/// The points of a run's metric, or `None` when it has no such metric.
fn points(store: &Store, h: &RunHandle, key: &str) -> Result<Option<Vec<MetricPoint>>> {
    match store.metric_points(h, key) {
        Ok(p) => Ok(Some(p.collect::<store::Result<Vec<_>>>()?)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(store::Error::Invalid(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A metric's range over its history.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// Over finite values; `None` when there is none.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Every point logged.
    pub count: usize,
}

impl Serialize for Range {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("min", &self.min.map(Float))?;
        m.serialize_entry("max", &self.max.map(Float))?;
        m.serialize_entry("count", &self.count)?;
        m.end()
    }
}

/// `GET /metric-ranges`: run id → metric key → range.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MetricRanges {
    pub ranges: BTreeMap<String, BTreeMap<String, Range>>,
}

/// The min, max (over finite values) and count of these metrics (all of a run's when `keys` is
/// empty) of these runs. Unknown runs and metrics a run lacks are left out.
pub fn metric_ranges(store: &Store, run_ids: &[String], keys: &[String]) -> Result<MetricRanges> {
    let mut out = MetricRanges::default();
    for h in handles_of(store, run_ids)? {
        let mut per = BTreeMap::new();
        for key in keys_of(store, &h, keys)? {
            let Some(pts) = points(store, &h, &key)? else {
                continue;
            };
            let finite = pts.iter().map(|p| p.value).filter(|v| v.is_finite());
            let (min, max) =
                finite.fold((None, None), |(lo, hi): (Option<f64>, Option<f64>), v| {
                    (
                        Some(lo.map_or(v, |l| l.min(v))),
                        Some(hi.map_or(v, |h| h.max(v))),
                    )
                });
            per.insert(
                key,
                Range {
                    min,
                    max,
                    count: pts.len(),
                },
            );
        }
        out.ranges.insert(h.info.run_id.clone(), per);
    }
    Ok(out)
}

/// The x axis of a history.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum XAxis {
    #[default]
    Step,
    /// The timestamp (ms since the epoch).
    Time,
}

/// What a chart asks for (`GET /history?runs=&keys=&x=&points=&from=&to=`).
#[derive(Clone, Debug)]
pub struct HistoryRequest {
    pub run_ids: Vec<String>,
    /// Metric keys; empty: every metric of each run.
    pub keys: Vec<String>,
    pub x: XAxis,
    /// About this many points per series (min/max buckets beyond it).
    pub points: usize,
    /// Only points with `from <= x <= to`.
    pub from: Option<f64>,
    pub to: Option<f64>,
}

impl Default for HistoryRequest {
    fn default() -> HistoryRequest {
        HistoryRequest {
            run_ids: Vec::new(),
            keys: Vec::new(),
            x: XAxis::Step,
            points: DEFAULT_POINTS,
            from: None,
            to: None,
        }
    }
}

/// Points per series when a chart does not say.
pub const DEFAULT_POINTS: usize = 1000;

/// One metric of one run, ready to draw.
#[derive(Clone, Debug)]
pub struct Series {
    pub run_id: String,
    pub key: String,
    /// The points in the range asked for, before downsampling.
    pub total: usize,
    /// Whether points were left out to keep about the number asked for.
    pub downsampled: bool,
    pub steps: Vec<i64>,
    pub timestamps: Vec<i64>,
    pub values: Vec<f64>,
}

impl Serialize for Series {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Values<'a>(&'a [f64]);
        impl Serialize for Values<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().map(|&v| Finite(v)))
            }
        }
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("run_id", &self.run_id)?;
        m.serialize_entry("key", &self.key)?;
        m.serialize_entry("total", &self.total)?;
        m.serialize_entry("downsampled", &self.downsampled)?;
        m.serialize_entry("steps", &self.steps)?;
        m.serialize_entry("timestamps", &self.timestamps)?;
        m.serialize_entry("values", &Values(&self.values))?;
        m.end()
    }
}

/// `GET /history`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Histories {
    pub series: Vec<Series>,
}

/// One history sorted by x (step then time, or time then step), cut to the range and
/// downsampled by min/max buckets ([`downsample::min_max`]).
pub fn series(run_id: &str, key: &str, mut pts: Vec<MetricPoint>, req: &HistoryRequest) -> Series {
    let x = |p: &MetricPoint| match req.x {
        XAxis::Step => p.step,
        XAxis::Time => p.timestamp,
    };
    match req.x {
        XAxis::Step => pts.sort_by_key(|p| (p.step, p.timestamp)),
        XAxis::Time => pts.sort_by_key(|p| (p.timestamp, p.step)),
    }
    pts.retain(|p| {
        let v = x(p) as f64;
        req.from.is_none_or(|f| v >= f) && req.to.is_none_or(|t| v <= t)
    });
    let values: Vec<f64> = pts.iter().map(|p| p.value).collect();
    let kept = downsample::min_max(&values, req.points);
    let downsampled = kept.len() < pts.len();
    Series {
        run_id: run_id.to_string(),
        key: key.to_string(),
        total: pts.len(),
        downsampled,
        steps: kept.iter().map(|&i| pts[i].step).collect(),
        timestamps: kept.iter().map(|&i| pts[i].timestamp).collect(),
        values: kept.iter().map(|&i| values[i]).collect(),
    }
}

/// The histories of these metrics (all of each run's when no key is given) of these runs, in
/// the order of the runs then the keys; unknown runs and metrics a run lacks are left out.
pub fn histories(store: &Store, req: &HistoryRequest) -> Result<Histories> {
    let mut out = Histories::default();
    for h in handles_of(store, &req.run_ids)? {
        for key in keys_of(store, &h, &req.keys)? {
            if let Some(pts) = points(store, &h, &key)? {
                out.series.push(series(&h.info.run_id, &key, pts, req));
            }
        }
    }
    Ok(out)
}

/// An entry of an artifact folder.
#[derive(Clone, Debug, Serialize)]
pub struct ArtifactFile {
    /// From the artifact root, `/`-separated.
    pub path: String,
    pub is_dir: bool,
    /// Files only.
    pub file_size: Option<u64>,
}

/// `GET /artifacts`.
#[derive(Clone, Debug, Serialize)]
pub struct ArtifactFolder {
    /// The run's artifact location as the store records it.
    pub root_uri: String,
    /// The folder listed (empty: the root).
    pub path: String,
    pub files: Vec<ArtifactFile>,
}

/// The entries of one folder of a run's artifacts (`path` empty: the root), by name. A link
/// that leads out of the store is left out; `..` and absolute paths are refused.
pub fn artifact_folder(store: &Store, run_id: &str, path: &str) -> Result<ArtifactFolder> {
    let h = store.find_run(run_id).map_err(not_found_if_invalid)?;
    let path = path.trim_matches('/');
    if !path.is_empty() {
        store::artifact::validate_artifact_path(path)?;
    }
    let dir = if path.is_empty() { None } else { Some(path) };
    let entries = match store.list_run_artifact_folder(&h, dir) {
        Ok(e) => e,
        // No artifact yet: the folder is empty.
        Err(e) if e.is_not_found() && dir.is_none() => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let files = entries
        .into_iter()
        .map(|e| ArtifactFile {
            path: match dir {
                Some(p) => format!("{p}/{}", e.name),
                None => e.name,
            },
            is_dir: e.is_dir,
            file_size: e.size,
        })
        .collect();
    Ok(ArtifactFolder {
        root_uri: h.info.artifact_uri.clone(),
        path: path.to_string(),
        files,
    })
}

/// The local path and size of one artifact file of a run, checked: inside the run's artifacts
/// (or its logged model's files), no link out of the store, no `..` or absolute path, a file.
pub fn artifact_file(store: &Store, run_id: &str, path: &str) -> Result<(PathBuf, u64)> {
    let h = store.find_run(run_id).map_err(not_found_if_invalid)?;
    store::artifact::validate_artifact_path(path)?;
    let p = store.artifact_path(&h, Some(path))?;
    // `artifact_path` checked where the path leads; read what it leads to, checked again.
    let real = store.artifact_bounds(&h).resolve(&p).map_err(|o| {
        store::Error::Invalid(format!("artifact '{path}' is {}", o.describe("the store")))
    })?;
    let meta = std::fs::metadata(&real)
        .map_err(|e| store::Error::Invalid(format!("artifact '{path}': {e}")))?;
    if !meta.is_file() {
        return Err(
            store::Error::Invalid(format!("artifact '{path}' is a folder, not a file")).into(),
        );
    }
    Ok((real, meta.len()))
}

/// A registered model as the registry pages show it.
#[derive(Clone, Debug, Serialize)]
pub struct ModelSummary {
    pub name: String,
    pub description: Option<String>,
    pub creation_timestamp: i64,
    pub last_updated_timestamp: i64,
    pub tags: BTreeMap<String, String>,
    /// Alias → version.
    pub aliases: BTreeMap<String, i64>,
    /// Live versions.
    pub version_count: usize,
    /// The highest live version, `None` when it has none.
    pub latest_version: Option<i64>,
}

fn summary(m: RegisteredModel, versions: &[ModelVersion]) -> ModelSummary {
    ModelSummary {
        name: m.name,
        description: m.description,
        creation_timestamp: m.creation_timestamp,
        last_updated_timestamp: m.last_updated_timestamp,
        tags: m.tags,
        aliases: m.aliases,
        version_count: versions.len(),
        latest_version: versions.iter().map(|v| v.version).max(),
    }
}

/// `GET /models`.
#[derive(Clone, Debug, Serialize)]
pub struct ModelList {
    pub models: Vec<ModelSummary>,
}

/// Every registered model (prompts left out, as MLflow's searches do), by name.
pub fn models(store: &Store) -> Result<ModelList> {
    let page = super::registry::search_registered_models(store, "", &[], 0, None)?;
    let mut models = Vec::new();
    for m in page.items {
        let versions = store.model_versions(&m.name)?;
        models.push(summary(m, &versions));
    }
    Ok(ModelList { models })
}

/// A model version on the model's page.
#[derive(Clone, Debug, Serialize)]
pub struct VersionSummary {
    pub version: i64,
    pub run_id: Option<String>,
    pub source: String,
    pub status: String,
    pub current_stage: &'static str,
    pub description: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub aliases: Vec<String>,
    pub creation_timestamp: i64,
    pub last_updated_timestamp: i64,
}

/// `GET /models/<name>`.
#[derive(Clone, Debug, Serialize)]
pub struct ModelDetail {
    pub model: ModelSummary,
    /// Newest first.
    pub versions: Vec<VersionSummary>,
}

/// One registered model with its live versions, newest first.
pub fn model(store: &Store, name: &str) -> Result<ModelDetail> {
    let m = store.registered_model(name)?;
    let versions = store.model_versions(name)?;
    let model = summary(m, &versions);
    let versions = versions
        .into_iter()
        .map(|v| VersionSummary {
            version: v.version,
            run_id: v.run_id,
            source: v.source,
            status: v.status,
            current_stage: v.current_stage.as_str(),
            description: v.description,
            tags: v.tags,
            aliases: v.aliases,
            creation_timestamp: v.creation_timestamp,
            last_updated_timestamp: v.last_updated_timestamp,
        })
        .collect();
    Ok(ModelDetail { model, versions })
}
