//! Runs: `mlruns/<exp>/<run_id>/` with `meta.yaml`, `params/`, `metrics/`, `tags/` and
//! `artifacts/`.

use super::experiment::key_path;
use super::fs::{self, IoContext};
use super::layout;
use super::metric::MetricPoints;
use super::yaml::{Doc, Meta, Scalar, to_yaml};
use super::{Entity, Error, Result, Store, TRASH};
use crate::entities::{
    self, Experiment, KeyKind, Lifecycle, MetricPoint, Run, RunInfo, RunStatus, View, tags,
    validate_key, validate_value_len,
};
use crate::env;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Folders inside an experiment that are not runs (MLflow's `RESERVED_EXPERIMENT_FOLDERS`).
use super::layout::EXPERIMENT_RESERVED as RESERVED;

/// What a new run starts with.
#[derive(Clone, Debug, Default)]
pub struct NewRun {
    pub run_name: Option<String>,
    pub tags: Vec<(String, String)>,
    pub start_time: Option<i64>,
    pub user: Option<String>,
}

/// The two forms of a run's artifact location (see [`Store::set_artifact_location_form`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocationForm {
    /// An absolute `file://` URI, right from any working directory.
    Absolute,
    /// Relative to the store root, so the store can be moved.
    Relative,
}

/// A located run: its folder and its `meta.yaml`.
#[derive(Clone, Debug)]
pub struct RunHandle {
    pub dir: PathBuf,
    pub info: RunInfo,
}

/// Which keys of one kind to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Keys {
    /// Every key the folder lists.
    #[default]
    All,
    /// These keys, each read when its file exists.
    Only(Vec<String>),
    /// The keys among these that `All` would read (the folder is listed, and only these files
    /// are read), so that a run read in parts has what the same parts of a whole run have.
    Listed(Vec<String>),
}

/// Which params, metrics and tags [`Store::read_run_parts`] reads (all by default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunParts {
    pub params: Keys,
    pub metrics: Keys,
    pub tags: Keys,
}

/// Params, metrics and tags to log together.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    pub metrics: Vec<(String, MetricPoint)>,
    pub params: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty() && self.params.is_empty() && self.tags.is_empty()
    }

    pub fn len(&self) -> usize {
        self.metrics.len() + self.params.len() + self.tags.len()
    }

    /// Checks keys and values by MLflow's rules, without touching the disk.
    pub fn validate(&self) -> Result<()> {
        for (k, _) in &self.metrics {
            validate_key(KeyKind::Metric, k)?;
        }
        for (k, p) in &self.metrics {
            if p.timestamp < 0 {
                return Err(Error::Invalid(format!(
                    "metric '{k}': timestamp {} is negative",
                    p.timestamp
                )));
            }
        }
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (k, v) in &self.params {
            validate_key(KeyKind::Param, k)?;
            validate_value_len(KeyKind::Param, k, v)?;
            if let Some(prev) = seen.insert(k, v)
                && prev != v
            {
                return Err(Error::Invalid(format!(
                    "param '{k}' is given twice with different values ('{prev}' and '{v}')"
                )));
            }
        }
        for (k, v) in &self.tags {
            validate_key(KeyKind::Tag, k)?;
            validate_value_len(KeyKind::Tag, k, v)?;
        }
        Ok(())
    }

    /// MLflow's per-request limits of `log_batch`.
    pub fn check_limits(&self) -> Result<()> {
        use entities::{MAX_BATCH_METRICS, MAX_BATCH_PARAMS, MAX_BATCH_TAGS, MAX_BATCH_TOTAL};
        let checks = [
            ("metrics", self.metrics.len(), MAX_BATCH_METRICS),
            ("params", self.params.len(), MAX_BATCH_PARAMS),
            ("tags", self.tags.len(), MAX_BATCH_TAGS),
            ("entries in total", self.len(), MAX_BATCH_TOTAL),
        ];
        for (what, n, max) in checks {
            if n > max {
                return Err(Error::Invalid(format!(
                    "a batch may hold at most {max} {what}, this one has {n}"
                )));
            }
        }
        Ok(())
    }
}

fn malformed(path: &Path) -> impl Fn(String) -> Error + '_ {
    move |msg| Error::Malformed {
        path: path.to_path_buf(),
        msg,
    }
}

impl Store {
    /// Run folders of an experiment folder.
    pub(crate) fn run_dirs(&self, exp_dir: &Path) -> Result<Vec<PathBuf>> {
        let entries = std::fs::read_dir(exp_dir).at(exp_dir)?;
        let mut out: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                !RESERVED.contains(&n.as_ref()) && entities::is_valid_run_id(&n)
            })
            .map(|e| e.path())
            .collect();
        out.sort();
        Ok(out)
    }

    /// Finds a run folder by id, in active and deleted experiments.
    pub fn find_run(&self, run_id: &str) -> Result<RunHandle> {
        self.require()?;
        if !entities::is_valid_run_id(run_id) {
            return Err(Error::Invalid(format!("invalid run id '{run_id}'")));
        }
        let mut roots = vec![self.tracking.clone(), self.tracking.join(TRASH)];
        for root in roots.drain(..) {
            let Ok(entries) = std::fs::read_dir(&root) else {
                continue;
            };
            for e in entries.filter_map(|e| e.ok()) {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if layout::is_reserved_in_tracking(&name) {
                    continue;
                }
                let dir = e.path().join(run_id);
                // A meta.yaml whose run id matches its folder is enough: git drops the empty
                // `params/` and `artifacts/` folders that MLflow also requires (`mlt init` and
                // `mlt store check --repair` put them back), and such a run has no params.
                if dir.join(layout::META).is_file() {
                    let info = self.read_run_info(&dir)?;
                    return Ok(RunHandle { dir, info });
                }
            }
        }
        Err(Error::missing(Entity::Run, run_id))
    }

    /// A run that can still be logged to.
    pub fn active_run(&self, run_id: &str) -> Result<RunHandle> {
        let h = self.find_run(run_id)?;
        if h.info.lifecycle_stage == Lifecycle::Deleted {
            return Err(Error::deleted_run(run_id));
        }
        Ok(h)
    }

    /// Reads a run's `meta.yaml`, checking it belongs to its folder.
    pub(crate) fn read_run_info(&self, dir: &Path) -> Result<RunInfo> {
        self.read_run_info_telling(dir).map(|(info, _)| info)
    }

    /// [`Store::read_run_info`], and whether the run name came from the `mlflow.runName` tag
    /// (meta.yaml has none).
    pub(super) fn read_run_info_telling(&self, dir: &Path) -> Result<(RunInfo, bool)> {
        let path = dir.join(layout::META);
        let text = self.read_record(&path)?;
        let bad = malformed(&path);
        let doc = Doc::parse(&text).map_err(&bad)?;
        let run_id = doc.str("run_id").map_err(&bad)?;
        let dir_name = dir.file_name().unwrap_or_default().to_string_lossy();
        if run_id != dir_name {
            return Err(bad(format!(
                "run_id '{run_id}' does not match its folder '{dir_name}'"
            )));
        }
        let experiment_id = doc.str("experiment_id").map_err(&bad)?;
        let exp_dir_name = dir
            .parent()
            .and_then(|p| p.file_name())
            .unwrap_or_default()
            .to_string_lossy();
        if experiment_id != exp_dir_name {
            return Err(bad(format!(
                "experiment_id '{experiment_id}' does not match its experiment folder '{exp_dir_name}'"
            )));
        }
        let status = match doc.opt_int("status") {
            Ok(None) => RunStatus::Running,
            Ok(Some(n)) => {
                RunStatus::from_int(n).ok_or_else(|| bad(format!("unknown status {n}")))?
            }
            Err(_) => return Err(bad("status must be an integer 1-5".into())),
        };
        let stage = doc
            .opt_str("lifecycle_stage")
            .map_err(&bad)?
            .unwrap_or_else(|| "active".into());
        let lifecycle_stage = Lifecycle::parse(&stage)
            .ok_or_else(|| bad(format!("unknown lifecycle_stage '{stage}'")))?;
        let mut run_name = doc.opt_str("run_name").map_err(&bad)?.unwrap_or_default();
        let from_tag = run_name.is_empty();
        if from_tag {
            let tag = layout::tag(dir, tags::RUN_NAME);
            if fs::plain_file(dir, &tag) {
                run_name = fs::read_to_string(&tag)?;
            }
        }
        let info = RunInfo {
            run_id,
            experiment_id,
            run_name,
            user_id: doc.opt_str("user_id").map_err(&bad)?.unwrap_or_default(),
            status,
            start_time: doc.opt_int("start_time").map_err(&bad)?.unwrap_or(0),
            end_time: doc.opt_int("end_time").map_err(&bad)?,
            artifact_uri: doc
                .opt_str("artifact_uri")
                .map_err(&bad)?
                .unwrap_or_default(),
            lifecycle_stage,
            deleted_time: doc.opt_int("deleted_time").map_err(&bad)?,
        };
        Ok((info, from_tag))
    }

    /// Reads a whole run: info, params, latest metrics, tags.
    pub fn read_run(&self, h: &RunHandle) -> Result<Run> {
        self.read_run_parts(h, &RunParts::default())
    }

    /// Reads a run's info and only the params, metrics and tags asked for: a search that names
    /// two metrics opens two metric files per run, not all of them.
    pub fn read_run_parts(&self, h: &RunHandle, parts: &RunParts) -> Result<Run> {
        let files = |folder: &str, keys: &Keys| -> Result<Vec<(String, PathBuf)>> {
            let dir = h.dir.join(folder);
            match keys {
                Keys::All => fs::read_key_files(&dir),
                Keys::Listed(keys) if keys.is_empty() => Ok(Vec::new()),
                Keys::Listed(keys) => {
                    let mut files = fs::read_key_files(&dir)?;
                    files.retain(|(k, _)| keys.contains(k));
                    Ok(files)
                }
                // A key names the file a listing of the folder would give it; one that is not
                // a plain relative path names no file (and never reaches outside the run).
                Keys::Only(keys) if keys.is_empty() => Ok(Vec::new()),
                Keys::Only(keys) => {
                    // The folder is checked once; a flat key then needs only its own file
                    // checked, a nested one every folder on its way. A flat metric is checked
                    // by the stat that reading its latest value takes anyway.
                    let real_dir = self.is_real_dir(&dir);
                    Ok(keys
                        .iter()
                        .filter(|k| real_dir && is_plain_key(k))
                        .map(|k| (k.clone(), key_path(&dir, k)))
                        .filter(|(k, p)| {
                            if k.contains('/') {
                                fs::plain_file(&h.dir, p)
                            } else {
                                folder == layout::METRICS || self.file_stamp(p).is_some()
                            }
                        })
                        .collect())
                }
            }
        };
        let general = |folder: &str, keys: &Keys| -> Result<BTreeMap<String, String>> {
            if *keys == Keys::All
                && let Some(found) = flat_values(&h.dir.join(folder))?
            {
                return Ok(found);
            }
            let mut out = BTreeMap::new();
            for (k, p) in files(folder, keys)? {
                out.insert(k, fs::read_to_string(&p)?);
            }
            Ok(out)
        };
        // Through the run's summary (see `summary`), which gives what these reads give.
        let mut session = self.summary_session(&h.dir);
        let mut values = |folder: &str, keys: &Keys| -> Result<BTreeMap<String, String>> {
            let Some(s) = session.as_mut() else {
                return general(folder, keys);
            };
            match keys {
                Keys::All => self.values_in(s, folder, || general(folder, keys)),
                Keys::Only(only) if !only.is_empty() => {
                    let dir = h.dir.join(folder);
                    let Some(real) = self.real_dir(&dir) else {
                        return Ok(BTreeMap::new());
                    };
                    let mut out = BTreeMap::new();
                    for k in only.iter().filter(|k| is_plain_key(k)) {
                        let p = key_path(&dir, k);
                        if k.contains('/') {
                            if fs::plain_file(&h.dir, &p) {
                                out.insert(k.clone(), fs::read_to_string(&p)?);
                            }
                        } else if let Some(now) = real.file_stamp(k) {
                            out.insert(k.clone(), self.value_in(s, folder, k, &p, Some(now))?);
                        }
                    }
                    Ok(out)
                }
                _ => general(folder, keys),
            }
        };
        let params = values(layout::PARAMS, &parts.params)?;
        let tags = values(layout::TAGS, &parts.tags)?;
        // Flat keys of `Only` are not checked above: they are given to be checked.
        let unchecked = matches!(parts.metrics, Keys::Only(_));
        let metrics = match (session.as_mut(), &parts.metrics) {
            (Some(s), Keys::All) => self.latest_all_in(s, || {
                self.latest_of_files(&h.dir, files(layout::METRICS, &parts.metrics)?, false)
            })?,
            (Some(s), Keys::Only(_)) => {
                self.latest_only_in(s, files(layout::METRICS, &parts.metrics)?)?
            }
            _ => {
                self.latest_of_files(&h.dir, files(layout::METRICS, &parts.metrics)?, unchecked)?
            }
        };
        if let Some(s) = session {
            self.end_session(s);
        }
        Ok(Run {
            info: h.info.clone(),
            params,
            metrics,
            tags,
        })
    }

    /// [`Store::read_run_parts`] of many runs, in order, reading several at once.
    pub fn read_runs_parts(&self, handles: &[RunHandle], parts: &RunParts) -> Result<Vec<Run>> {
        self.par_map(handles, |h| self.read_run_parts(h, parts))
            .collect()
    }

    pub fn get_run(&self, run_id: &str) -> Result<Run> {
        let h = self.find_run(run_id)?;
        self.read_run(&h)
    }

    /// Every point of one metric, in the order logged.
    pub fn metric_history(&self, run_id: &str, key: &str) -> Result<Vec<MetricPoint>> {
        validate_key(KeyKind::Metric, key)?;
        let h = self.find_run(run_id)?;
        self.metric_points(&h, key)?.collect()
    }

    /// Streams the points of one metric of a run, in the order logged, reading the file as
    /// they are asked for (constant memory, whatever the file's size).
    pub fn metric_points(&self, h: &RunHandle, key: &str) -> Result<MetricPoints<'_>> {
        validate_key(KeyKind::Metric, key)?;
        let path = layout::metric(&h.dir, key);
        if !fs::plain_file(&h.dir, &path) {
            return Err(Error::NotFound(format!(
                "run {} has no metric '{key}'",
                h.info.run_id
            )));
        }
        self.metric_file_points(&path)
    }

    /// The metric keys of a run, sorted by path (`a`, `train/acc`, `train/loss`, `z`).
    pub fn metric_keys(&self, h: &RunHandle) -> Result<Vec<String>> {
        Ok(fs::read_key_files(&h.dir.join(layout::METRICS))?
            .into_iter()
            .map(|(k, _)| k)
            .collect())
    }

    /// The runs of an experiment, newest first (MLflow's default order). Unreadable runs are
    /// skipped with a warning.
    pub fn list_runs(&self, experiment: &Experiment, view: View) -> Result<Vec<RunHandle>> {
        let Some(exp_dir) = self.experiment_dir(&experiment.experiment_id) else {
            return Err(Error::missing(
                Entity::Experiment,
                &experiment.experiment_id,
            ));
        };
        let dirs = self.run_dirs(&exp_dir)?;
        let found = self.par_map(&dirs, |dir| {
            // Read straight away (no look first: a search lists thousands of runs).
            match self.run_info_summarized(dir) {
                Ok(info) if view.includes(info.lifecycle_stage) => Some(RunHandle {
                    dir: dir.clone(),
                    info,
                }),
                Ok(_) => None,
                Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                    self.warn(&format!("skipping {}: no meta.yaml", dir.display()));
                    None
                }
                Err(e) => {
                    self.warn(&format!("skipping run: {e}"));
                    None
                }
            }
        });
        let mut out: Vec<RunHandle> = found.flatten().collect();
        out.sort_by(|a, b| {
            b.info
                .start_time
                .cmp(&a.info.start_time)
                .then_with(|| a.info.run_id.cmp(&b.info.run_id))
        });
        Ok(out)
    }

    /// Creates a run in an active experiment. Its artifact location is store-relative when the
    /// experiment's is, so the store can be moved.
    pub fn create_run(&self, experiment: &Experiment, new: NewRun) -> Result<RunInfo> {
        if experiment.lifecycle_stage == Lifecycle::Deleted {
            return Err(Error::Deleted {
                what: Entity::Experiment,
                name: experiment.name.clone(),
                id: experiment.experiment_id.clone(),
            });
        }
        let mut tags = new.tags;
        let batch = Batch {
            tags: tags.clone(),
            ..Batch::default()
        };
        batch.validate()?;
        let run_name = new
            .run_name
            .filter(|n| !n.is_empty())
            .or_else(|| {
                tags.iter()
                    .find(|(k, _)| k == tags::RUN_NAME)
                    .map(|(_, v)| v.clone())
            })
            .unwrap_or_else(random_run_name);
        tags.retain(|(k, _)| k != tags::RUN_NAME);
        tags.push((tags::RUN_NAME.to_string(), run_name.clone()));

        let exp_dir = self
            .experiment_dir(&experiment.experiment_id)
            .ok_or_else(|| Error::missing(Entity::Experiment, &experiment.experiment_id))?;
        let run_id = entities::new_run_id();
        let info = RunInfo {
            artifact_uri: join_location(&experiment.artifact_location, &run_id),
            run_id: run_id.clone(),
            experiment_id: experiment.experiment_id.clone(),
            run_name,
            user_id: new.user.unwrap_or_else(env::user),
            status: RunStatus::Running,
            start_time: new.start_time.unwrap_or_else(env::now_ms),
            end_time: None,
            lifecycle_stage: Lifecycle::Active,
            deleted_time: None,
        };
        // Build the whole run folder aside, then rename it into the experiment in one step.
        let scratch = self.scratch_dir()?;
        let build = scratch.path().join(&run_id);
        for d in layout::RUN_FOLDERS {
            fs::create_dir_all(&build.join(d))?;
        }
        let mut meta = run_meta(&info);
        meta.insert("deleted_time".into(), Scalar::Null);
        // Plain writes are enough here: nobody sees the folder until it is renamed into place.
        fs::write_new(&build.join(layout::META), to_yaml(&meta).as_bytes())?;
        for (k, v) in &tags {
            fs::write_new(&layout::tag(&build, k), v.as_bytes())?;
        }
        fs::rename(&build, &exp_dir.join(&run_id))?;
        Ok(info)
    }

    /// Rewrites a run's `meta.yaml` from its info, keeping fields mlt does not know.
    pub(super) fn write_run_info(&self, dir: &Path, info: &RunInfo) -> Result<()> {
        let path = dir.join(layout::META);
        let mut meta = match fs::read_to_string(&path)
            .ok()
            .and_then(|t| Doc::parse(&t).ok())
        {
            Some(doc) => doc.to_meta(),
            None => Meta::new(),
        };
        meta.remove("deleted_time");
        meta.remove("run_uuid");
        meta.extend(run_meta(info));
        fs::write_atomic(&path, to_yaml(&meta).as_bytes())
    }

    /// Ends a run (or changes its status) and sets its end time.
    pub fn set_run_status(
        &self,
        run_id: &str,
        status: RunStatus,
        end_time: Option<i64>,
    ) -> Result<RunInfo> {
        // meta.yaml is read, changed and rewritten: serialize with other rewrites.
        let _lock = self.lock()?;
        let h = self.active_run(run_id)?;
        let mut info = h.info;
        info.status = status;
        info.end_time = if status.is_terminal() {
            Some(end_time.unwrap_or_else(env::now_ms))
        } else {
            end_time
        };
        self.write_run_info(&h.dir, &info)?;
        Ok(info)
    }

    /// Rewrites a run's artifact location in the other form: a store-relative location
    /// (`mlruns/1/<run>/artifacts`) becomes the absolute `file://` URI of the same folder, or
    /// such a URI (or absolute path) inside the store becomes store-relative again. Anything
    /// else (another scheme, a folder outside the store) is left as it is. `mlt run` gives its
    /// command an absolute location, because MLflow's client resolves a relative one against
    /// its own working directory, and makes it relative again when the run ends.
    pub fn set_artifact_location_form(&self, run_id: &str, form: LocationForm) -> Result<RunInfo> {
        use super::locate::{local_path_of_uri, normalize, path_to_file_uri};
        let _lock = self.lock()?;
        let h = self.find_run(run_id)?;
        let uri = h.info.artifact_uri.as_str();
        let local = local_path_of_uri(uri);
        let new = match (form, local) {
            (LocationForm::Absolute, Some(p))
                if !p.is_absolute() && !uri.is_empty() && !uri.starts_with("file:") =>
            {
                Some(path_to_file_uri(&normalize(&self.root.join(p))))
            }
            (LocationForm::Relative, Some(p)) if p.is_absolute() => {
                let p = normalize(&p);
                p.starts_with(&self.root)
                    .then(|| self.relative_location(&p))
                    .filter(|rel| !rel.is_empty())
            }
            _ => None,
        };
        let mut info = h.info;
        if let Some(new) = new
            && new != info.artifact_uri
        {
            info.artifact_uri = new;
            self.write_run_info(&h.dir, &info)?;
        }
        Ok(info)
    }

    pub fn delete_run(&self, run_id: &str) -> Result<RunInfo> {
        let _lock = self.lock()?;
        let h = self.active_run(run_id)?;
        self.mark_run_deleted_if_active(&h.dir, env::now_ms())?;
        self.read_run_info(&h.dir)
    }

    pub fn restore_run(&self, run_id: &str) -> Result<RunInfo> {
        let _lock = self.lock()?;
        let h = self.find_run(run_id)?;
        if h.info.lifecycle_stage == Lifecycle::Active {
            return Err(Error::Invalid(format!("run {run_id} is not deleted")));
        }
        if h.dir.parent().and_then(|p| p.parent()) != Some(self.tracking.as_path()) {
            return Err(Error::Invalid(format!(
                "run {run_id} is in a deleted experiment; restore the experiment {}",
                h.info.experiment_id
            )));
        }
        self.mark_run_restored_if_deleted(&h.dir)?;
        self.read_run_info(&h.dir)
    }

    pub(crate) fn mark_run_deleted_if_active(&self, dir: &Path, now: i64) -> Result<()> {
        let mut info = match self.read_run_info(dir) {
            Ok(i) => i,
            Err(e) => {
                self.warn(&format!("leaving run as it is: {e}"));
                return Ok(());
            }
        };
        if info.lifecycle_stage == Lifecycle::Deleted {
            return Ok(());
        }
        info.lifecycle_stage = Lifecycle::Deleted;
        info.deleted_time = Some(now);
        self.write_run_info(dir, &info)
    }

    pub(crate) fn mark_run_restored_if_deleted(&self, dir: &Path) -> Result<()> {
        let mut info = match self.read_run_info(dir) {
            Ok(i) => i,
            Err(e) => {
                self.warn(&format!("leaving run as it is: {e}"));
                return Ok(());
            }
        };
        if info.lifecycle_stage == Lifecycle::Active {
            return Ok(());
        }
        info.lifecycle_stage = Lifecycle::Active;
        info.deleted_time = None;
        self.write_run_info(dir, &info)
    }

    /// Checks a batch against the run's existing params (params never change).
    pub fn check_params(&self, h: &RunHandle, params: &[(String, String)]) -> Result<()> {
        for (k, v) in params {
            let path = layout::param(&h.dir, k);
            fs::check_no_link(&h.dir, &path)?;
            if path.is_file() {
                let old = fs::read_to_string(&path)?;
                if &old != v {
                    return Err(Error::Conflict(format!(
                        "param '{k}' of run {} is already '{old}'; params cannot change \
                         (tried '{v}')",
                        h.info.run_id
                    )));
                }
            }
        }
        Ok(())
    }

    /// Logs a batch to an active run: validates everything first, then writes params, metrics
    /// (each key's points appended in one write) and tags.
    pub fn log_batch(&self, h: &RunHandle, batch: &Batch) -> Result<()> {
        Logger::new(self, h.clone()).log(batch)
    }

    pub fn delete_run_tag(&self, run_id: &str, key: &str) -> Result<()> {
        validate_key(KeyKind::Tag, key)?;
        let h = self.active_run(run_id)?;
        let path = layout::tag(&h.dir, key);
        if !path.is_file() {
            return Err(Error::NotFound(format!("run {run_id} has no tag '{key}'")));
        }
        std::fs::remove_file(&path).at(&path)
    }
}

/// Whether `key` is a relative path of plain names (`a`, `a/b`), as the keys a listing of a
/// params/, metrics/ or tags/ folder gives: no empty, `.` or `..` part, no leading `/`.
/// The values of a flat folder of key files (params/, tags/), as [`fs::read_key_files`] and
/// [`fs::read_to_string`] read them (regular files only, links skipped, sorted by key), but
/// with the files opened relative to the open folder: a whole run's params and tags are read
/// without walking the store's path again for each file. `None` when the folder is not that
/// simple (a nested key, an entry of unknown type, a folder that cannot be opened for another
/// reason than not being one): the caller reads it the general way.
fn flat_values(dir: &Path) -> Result<Option<BTreeMap<String, String>>> {
    use rustix::fs::{FileType, Mode, OFlags};
    use rustix::io::Errno;
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = match rustix::fs::openat(rustix::fs::CWD, dir, flags, Mode::empty()) {
        Ok(fd) => fd,
        // No folder, or a link or a file in its place: no keys, as a listing gives.
        Err(Errno::NOENT | Errno::NOTDIR | Errno::LOOP) => return Ok(Some(BTreeMap::new())),
        Err(_) => return Ok(None),
    };
    let Ok(mut entries) = rustix::fs::Dir::new(fd) else {
        return Ok(None);
    };
    let mut names = Vec::new();
    while let Some(entry) = entries.read() {
        let Ok(entry) = entry else { return Ok(None) };
        let name = entry.file_name();
        match entry.file_type() {
            FileType::RegularFile => names.push(name.to_owned()),
            FileType::Directory if name.to_bytes() != b"." && name.to_bytes() != b".." => {
                return Ok(None);
            }
            FileType::Unknown => return Ok(None),
            _ => {}
        }
    }
    let Ok(at) = entries.fd() else {
        return Ok(None);
    };
    let mut out = BTreeMap::new();
    for name in names {
        let key = name.to_string_lossy().into_owned();
        let path = dir
            .join(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(name.to_bytes()));
        let file = rustix::fs::openat(at, &name, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
            .map_err(std::io::Error::from)
            .at(&path)?;
        let text = fs::read_open(std::fs::File::from(file), &path)?;
        out.insert(key, text);
    }
    Ok(Some(out))
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && !key.contains('\0')
        && key
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

/// Logs batch after batch to one run, keeping metric files open between batches (a stream of
/// thousands of records costs one open per key, not one per point).
pub struct Logger<'a> {
    store: StoreRef<'a>,
    h: RunHandle,
    files: HashMap<String, std::fs::File>,
}

/// The store a [`Logger`] writes to: borrowed, or its own (for a logger that lives in a thread).
enum StoreRef<'a> {
    Borrowed(&'a Store),
    Owned(Box<Store>),
}

impl std::ops::Deref for StoreRef<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        match self {
            StoreRef::Borrowed(s) => s,
            StoreRef::Owned(s) => s,
        }
    }
}

impl<'a> Logger<'a> {
    pub fn new(store: &'a Store, h: RunHandle) -> Logger<'a> {
        Logger {
            store: StoreRef::Borrowed(store),
            h,
            files: HashMap::new(),
        }
    }

    /// A logger that owns its store, so it can be moved into another thread.
    pub fn owning(store: Store, h: RunHandle) -> Logger<'static> {
        Logger {
            store: StoreRef::Owned(Box::new(store)),
            h,
            files: HashMap::new(),
        }
    }

    /// Validates a batch, then writes params, metrics and tags.
    pub fn log(&mut self, batch: &Batch) -> Result<()> {
        if self.h.info.lifecycle_stage == Lifecycle::Deleted {
            return Err(Error::deleted_run(&self.h.info.run_id));
        }
        batch.validate()?;
        self.log_valid(batch)
    }

    /// [`Logger::log`] of a batch that [`Batch::validate`] has already accepted (a stream
    /// checks each record as it arrives, then writes several together).
    pub fn log_valid(&mut self, batch: &Batch) -> Result<()> {
        let h = &self.h;
        if h.info.lifecycle_stage == Lifecycle::Deleted {
            return Err(Error::deleted_run(&h.info.run_id));
        }
        self.store.check_params(h, &batch.params)?;
        let mut done = Written::default();
        self.write(batch, &mut done).map_err(|e| done.explain(e))?;
        let h = &self.h;
        let renamed = batch
            .tags
            .iter()
            .rev()
            .find(|(k, _)| k == tags::RUN_NAME)
            .map(|(_, v)| v.clone());
        if let Some(name) = renamed {
            let _lock = self.store.lock()?;
            let mut info = self.store.read_run_info(&h.dir)?;
            info.run_name = name;
            self.store.write_run_info(&h.dir, &info)?;
        }
        Ok(())
    }
}

impl Logger<'_> {
    /// Writes a checked batch. Everything that needs new disk space and is not an append (new
    /// params, tags, the first lines of a new metric) is staged in temporary files first, so a
    /// full disk there changes nothing; appends to existing metric files come next and are
    /// undone together if one fails; only then do staged files go in place (renames and
    /// links, which need no data blocks). What was written before a failure is kept in `done`.
    fn write(&mut self, batch: &Batch, done: &mut Written) -> Result<()> {
        let h = self.h.clone();
        let params_dir = h.dir.join(layout::PARAMS);
        let mut new_params: Vec<(&str, &str, fs::Staged)> = Vec::new();
        for (k, v) in &batch.params {
            let path = key_path(&params_dir, k);
            if new_params.iter().any(|(n, _, _)| n == k) {
                continue;
            }
            if path.is_file() {
                // Checked before, but another writer may have been first since.
                self.store.check_params(&h, &[(k.clone(), v.clone())])?;
            } else {
                new_params.push((k, v, fs::Staged::new(&path, v.as_bytes())?));
            }
        }
        // The last value of a tag given twice wins, as when they were written one by one.
        let mut tag_values: BTreeMap<&str, &str> = BTreeMap::new();
        for (k, v) in &batch.tags {
            tag_values.insert(k, v);
        }
        let mut new_tags = Vec::new();
        for (k, v) in tag_values {
            fs::check_no_link(&h.dir, &layout::tag(&h.dir, k))?;
            new_tags.push((k, fs::Staged::new(&layout::tag(&h.dir, k), v.as_bytes())?));
        }
        // Each key's lines, in key order. The points of a stream come key after key in the same
        // order record after record, so the next key is tried first, then the index.
        let mut by_key: Vec<(&str, String)> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut lines = super::metric::LineWriter::default();
        let mut next = 0;
        for (k, p) in &batch.metrics {
            let i = match by_key.get(next) {
                Some((n, _)) if n == k => next,
                _ => *index.entry(k).or_insert_with(|| {
                    by_key.push((k, String::new()));
                    by_key.len() - 1
                }),
            };
            lines.push(&mut by_key[i].1, p);
            next = if i + 1 == by_key.len() { 0 } else { i + 1 };
        }
        by_key.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut appends = Vec::new();
        let mut new_metrics = Vec::new();
        for (k, lines) in by_key {
            let path = layout::metric(&h.dir, k);
            if !self.files.contains_key(k) {
                fs::check_no_link(&h.dir, &path)?;
            }
            if self.files.contains_key(k) || path.is_file() {
                appends.push((k, path, lines));
            } else {
                new_metrics.push((k, fs::Staged::new(&path, lines.as_bytes())?, lines));
            }
        }

        // Params first: one that another writer created meanwhile with another value stops
        // the batch before any metric or tag is written.
        for (k, v, staged) in new_params {
            let path = staged.dest().to_path_buf();
            if !staged.create()? {
                let now = fs::read_to_string(&path)?;
                if now != v {
                    return Err(Error::Conflict(format!(
                        "param '{k}' of run {} is already '{now}'; params cannot change \
                         (tried '{v}')",
                        h.info.run_id
                    )));
                }
            } else {
                done.params.push(k.to_string());
            }
        }
        let durable = fs::durable_for(&h.dir);
        for (k, path, _) in &appends {
            if !self.files.contains_key(*k) {
                let f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(path)
                    .at(path)?;
                self.files.insert(k.to_string(), f);
            }
        }
        let mut appended: Vec<(&str, u64, u64)> = Vec::new();
        for (k, path, lines) in &appends {
            let file = self.files.get_mut(*k).expect("opened above");
            match fs::append_whole(file, path, lines.as_bytes(), durable) {
                Ok(before) => appended.push((k, before, lines.len() as u64)),
                Err(e) => {
                    // Undo this batch's other appends, so no key has its points and another not.
                    for (k, before, len) in appended {
                        if let Some(f) = self.files.get(k) {
                            fs::undo_append(f, before, len);
                        }
                    }
                    return Err(e);
                }
            }
        }
        done.metrics
            .extend(appends.iter().map(|(k, _, _)| k.to_string()));
        for (k, staged, lines) in new_metrics {
            let path = staged.dest().to_path_buf();
            if !staged.create()? {
                // Another writer created it first: append to theirs.
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .at(&path)?;
                fs::append_whole(&mut f, &path, lines.as_bytes(), durable)?;
                self.files.insert(k.to_string(), f);
            }
            done.metrics.push(k.to_string());
        }
        for (k, staged) in new_tags {
            staged.replace()?;
            done.tags.push(k.to_string());
        }
        Ok(())
    }
}

/// What a batch wrote before it failed, for the error message.
#[derive(Default)]
struct Written {
    params: Vec<String>,
    metrics: Vec<String>,
    tags: Vec<String>,
}

impl Written {
    fn explain(&self, e: Error) -> Error {
        if self.params.is_empty() && self.metrics.is_empty() && self.tags.is_empty() {
            return match e {
                Error::Io { path, source } => Error::Io {
                    path,
                    source: std::io::Error::new(
                        source.kind(),
                        format!("{source}; nothing of this batch was written"),
                    ),
                },
                e => e,
            };
        }
        let list = |what: &str, keys: &[String]| {
            (!keys.is_empty()).then(|| format!("{what} {}", keys.join(", ")))
        };
        let written: Vec<String> = [
            list("params", &self.params),
            list("metrics", &self.metrics),
            list("tags", &self.tags),
        ]
        .into_iter()
        .flatten()
        .collect();
        Error::Partial {
            written: written.join("; "),
            source: Box::new(e),
        }
    }
}

/// `<location>/<run_id>/artifacts`, in the location's own form (relative path, absolute path
/// or URI).
pub(super) fn join_location(location: &str, run_id: &str) -> String {
    format!("{}/{run_id}/artifacts", location.trim_end_matches('/'))
}

/// The fields MLflow 3 writes in a run's `meta.yaml`.
pub(crate) fn run_meta(info: &RunInfo) -> Meta {
    let mut m = Meta::new();
    m.insert(
        "artifact_uri".into(),
        Scalar::from(info.artifact_uri.as_str()),
    );
    m.insert("end_time".into(), Scalar::from(info.end_time));
    m.insert("entry_point_name".into(), Scalar::from(""));
    m.insert(
        "experiment_id".into(),
        Scalar::from(info.experiment_id.as_str()),
    );
    m.insert(
        "lifecycle_stage".into(),
        Scalar::from(info.lifecycle_stage.as_str()),
    );
    m.insert("run_id".into(), Scalar::from(info.run_id.as_str()));
    m.insert("run_name".into(), Scalar::from(info.run_name.as_str()));
    m.insert("source_name".into(), Scalar::from(""));
    m.insert("source_type".into(), Scalar::Int(4));
    m.insert("source_version".into(), Scalar::from(""));
    m.insert("start_time".into(), Scalar::Int(info.start_time));
    m.insert("status".into(), Scalar::Int(info.status as i64));
    m.insert("tags".into(), Scalar::EmptyList);
    m.insert("user_id".into(), Scalar::from(info.user_id.as_str()));
    if let Some(t) = info.deleted_time {
        m.insert("deleted_time".into(), Scalar::Int(t));
    }
    m
}

/// An "adjective-noun-NNN" name like MLflow's `_generate_random_name`.
fn random_run_name() -> String {
    const ADJ: [&str; 16] = [
        "bold", "calm", "clever", "eager", "fast", "gentle", "honest", "keen", "lucky", "merry",
        "nimble", "polite", "quiet", "shy", "swift", "witty",
    ];
    const NOUN: [&str; 16] = [
        "ant", "bat", "bear", "crab", "deer", "eel", "finch", "fox", "hare", "lark", "mole", "owl",
        "seal", "slug", "toad", "wolf",
    ];
    let n = uuid::Uuid::new_v4().as_u128();
    format!(
        "{}-{}-{}",
        ADJ[(n % 16) as usize],
        NOUN[((n >> 8) % 16) as usize],
        (n >> 16) % 1000
    )
}

impl Store {
    /// Renames a run as MLflow's `update_run_info(run_name=...)` does: the `run_name` of its
    /// meta.yaml and its `mlflow.runName` tag.
    pub fn rename_run(&self, run_id: &str, name: &str) -> Result<RunInfo> {
        let batch = Batch {
            tags: vec![(tags::RUN_NAME.to_string(), name.to_string())],
            ..Batch::default()
        };
        batch.validate()?;
        // The tag first (logging takes the lock itself), then meta.yaml under the lock.
        self.log_batch(&self.active_run(run_id)?, &batch)?;
        let _lock = self.lock()?;
        let h = self.active_run(run_id)?;
        let mut info = h.info.clone();
        info.run_name = name.to_string();
        self.write_run_info(&h.dir, &info)?;
        Ok(info)
    }
}

#[cfg(test)]
mod read_path_tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn run() -> (tempfile::TempDir, Store, RunHandle) {
        let tmp = tempfile::tempdir().unwrap();
        let s = Store::new(tmp.path());
        s.init().unwrap();
        let e = s.experiment("0").unwrap();
        let info = s.create_run(&e, NewRun::default()).unwrap();
        let h = s.find_run(&info.run_id).unwrap();
        (tmp, s, h)
    }

    /// What the general path reads of a folder: its listing, then each file.
    fn general(dir: &Path) -> BTreeMap<String, String> {
        fs::read_key_files(dir)
            .unwrap()
            .into_iter()
            .map(|(k, p)| (k, fs::read_to_string(&p).unwrap()))
            .collect()
    }

    #[test]
    fn flat_folders_read_relative_to_the_folder_as_the_general_path_reads_them() {
        let (tmp, _s, h) = run();
        let params = h.dir.join(layout::PARAMS);
        std::fs::write(params.join("lr"), "0.01").unwrap();
        std::fs::write(params.join("opt"), "adam").unwrap();
        std::fs::write(params.join(".hidden"), "x").unwrap();
        std::fs::write(params.join("empty"), "").unwrap();
        let outside = tmp.path().join("secret");
        std::fs::write(&outside, "do not read").unwrap();
        symlink(&outside, params.join("link")).unwrap();
        let got = flat_values(&params).unwrap().unwrap();
        assert_eq!(got, general(&params));
        assert_eq!(got.get("lr").map(String::as_str), Some("0.01"));
        assert!(!got.contains_key("link"));

        // A nested key: the general path reads it.
        std::fs::create_dir(params.join("a")).unwrap();
        std::fs::write(params.join("a/b"), "1").unwrap();
        assert_eq!(flat_values(&params).unwrap(), None);

        // No folder, a link or a file in its place: nothing, as a listing gives.
        assert_eq!(
            flat_values(&h.dir.join("nothing")).unwrap(),
            Some(BTreeMap::new())
        );
        let tags = h.dir.join(layout::TAGS);
        std::fs::remove_dir_all(&tags).unwrap();
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("t"), "v").unwrap();
        symlink(&elsewhere, &tags).unwrap();
        assert_eq!(flat_values(&tags).unwrap(), Some(BTreeMap::new()));
        assert_eq!(general(&tags), BTreeMap::new());
    }

    #[test]
    fn whole_and_named_reads_agree_on_files_links_and_missing_keys() {
        let (tmp, s, h) = run();
        let metrics = h.dir.join(layout::METRICS);
        std::fs::write(metrics.join("acc"), "1 0.5 0\n2 0.7 1\n").unwrap();
        let outside = tmp.path().join("outside");
        std::fs::write(&outside, "1 9.0 9\n").unwrap();
        symlink(&outside, metrics.join("link")).unwrap();
        std::fs::create_dir(metrics.join("dir")).unwrap();
        std::fs::write(h.dir.join(layout::PARAMS).join("lr"), "0.1").unwrap();
        symlink(&outside, h.dir.join(layout::PARAMS).join("plink")).unwrap();
        let keys = |k: &[&str]| Keys::Only(k.iter().map(|k| k.to_string()).collect());
        let named = s
            .read_run_parts(
                &h,
                &RunParts {
                    params: keys(&["lr", "plink", "none"]),
                    metrics: keys(&["acc", "link", "dir", "none"]),
                    tags: keys(&[]),
                },
            )
            .unwrap();
        let whole = s.read_run(&h).unwrap();
        for run in [&named, &whole] {
            assert_eq!(run.metrics.keys().collect::<Vec<_>>(), ["acc"]);
            assert_eq!(run.metrics["acc"].value, 0.7);
            assert_eq!(run.params.keys().collect::<Vec<_>>(), ["lr"]);
        }
        // The same again once the latest values are cached.
        let again = s.read_run_parts(
            &h,
            &RunParts {
                tags: keys(&[]),
                ..Default::default()
            },
        );
        assert_eq!(again.unwrap().metrics, whole.metrics);
    }
}
