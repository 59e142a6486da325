//! Runs fetched from a tracking server (`mlt pull`), written here with the server's run ids,
//! exactly as MLflow's file store would hold them had they been logged here.
//!
//! A new run is built whole in a scratch folder (its `meta.yaml`, tags, params, every metric
//! history as it arrives page by page, its inputs and outputs) and renamed into its
//! experiment in one step, as [`Store::create_run`] does: MLflow (or a pull cut short) never
//! sees half a run. A run pulled before is brought up to date with the store's ordinary
//! writes (`log_batch`, `log_inputs`, `log_outputs`) and one rewrite of its `meta.yaml` for
//! its status, end time and lifecycle.

use super::dataset::{self, DatasetInput};
use super::fs::{self, IoContext};
use super::layout;
use super::metric::LineWriter;
use super::run::{join_location, run_meta};
use super::yaml::{Scalar, to_yaml};
use super::{Batch, Entity, Error, Result, RunHandle, Store};
use crate::entities::{
    self, Experiment, KeyKind, Lifecycle, MetricPoint, RunInfo, RunStatus, tags, validate_key,
};
use crate::env;
use std::collections::HashSet;
use std::path::PathBuf;

/// A run as the server has it: what its `meta.yaml`, tags, params, inputs and outputs hold
/// here. Metric histories are added to the [`PulledBuild`] as they are fetched.
#[derive(Clone, Debug)]
pub struct PulledRun {
    pub run_id: String,
    /// Empty: taken from the `mlflow.runName` tag, as MLflow reads it.
    pub run_name: String,
    pub user_id: String,
    pub status: RunStatus,
    pub start_time: i64,
    pub end_time: Option<i64>,
    pub lifecycle: Lifecycle,
    pub tags: Vec<(String, String)>,
    pub params: Vec<(String, String)>,
    pub datasets: Vec<DatasetInput>,
    /// Logged models the run read (their ids).
    pub model_inputs: Vec<String>,
    /// Logged models the run produced (id, step).
    pub model_outputs: Vec<(String, i64)>,
}

/// A pulled run being built aside (see the module doc); dropped without
/// [`PulledBuild::finish`], it leaves nothing behind.
pub struct PulledBuild<'s> {
    store: &'s Store,
    _scratch: fs::Scratch,
    build: PathBuf,
    exp_dir: PathBuf,
    info: RunInfo,
    run: PulledRun,
    keys: HashSet<String>,
    lines: String,
}

impl Store {
    /// Starts building the pulled run `run` in the local experiment `experiment`, keeping the
    /// run's id. Its artifact location is under the experiment's, as [`Store::create_run`]
    /// makes it. Fails when a run of that id is already here (in any experiment).
    pub fn build_pulled_run(
        &self,
        experiment: &Experiment,
        run: PulledRun,
    ) -> Result<PulledBuild<'_>> {
        if experiment.lifecycle_stage == Lifecycle::Deleted {
            return Err(Error::Deleted {
                what: Entity::Experiment,
                name: experiment.name.clone(),
                id: experiment.experiment_id.clone(),
            });
        }
        if !entities::is_valid_run_id(&run.run_id) {
            return Err(Error::Invalid(format!(
                "invalid run id '{}' from the server",
                run.run_id
            )));
        }
        self.check_run_id_free(&run.run_id)?;
        let batch = Batch {
            params: run.params.clone(),
            tags: run.tags.clone(),
            ..Batch::default()
        };
        batch.validate()?;
        for d in &run.datasets {
            d.dataset.validate()?;
            dataset::validate_input_tags(&d.tags)?;
        }
        let exp_dir = self
            .experiment_dir(&experiment.experiment_id)
            .ok_or_else(|| Error::missing(Entity::Experiment, &experiment.experiment_id))?;
        let run_name = if run.run_name.is_empty() {
            run.tags
                .iter()
                .rev()
                .find(|(k, _)| k == tags::RUN_NAME)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        } else {
            run.run_name.clone()
        };
        let info = RunInfo {
            artifact_uri: join_location(&experiment.artifact_location, &run.run_id),
            run_id: run.run_id.clone(),
            experiment_id: experiment.experiment_id.clone(),
            run_name,
            user_id: run.user_id.clone(),
            status: run.status,
            start_time: run.start_time,
            end_time: run.end_time,
            lifecycle_stage: run.lifecycle,
            deleted_time: (run.lifecycle == Lifecycle::Deleted).then(env::now_ms),
        };
        let scratch = self.scratch_named("pull-")?;
        let build = scratch.path().join(&run.run_id);
        for d in layout::RUN_FOLDERS {
            fs::create_dir_all(&build.join(d))?;
        }
        Ok(PulledBuild {
            store: self,
            _scratch: scratch,
            build,
            exp_dir,
            info,
            run,
            keys: HashSet::new(),
            lines: String::new(),
        })
    }

    /// Fails when run `run_id` is here already, naming its experiment.
    fn check_run_id_free(&self, run_id: &str) -> Result<()> {
        match self.find_run(run_id) {
            Ok(h) => Err(Error::Conflict(format!(
                "run {run_id} is already in experiment {} here",
                h.info.experiment_id
            ))),
            Err(e) if e.kind() == super::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Appends points fetched from the server to a pulled run that is here already, in the
    /// server's order (the run is active).
    pub fn append_pulled_points(
        &self,
        h: &RunHandle,
        key: &str,
        points: &[MetricPoint],
    ) -> Result<()> {
        if points.is_empty() {
            return Ok(());
        }
        let batch = Batch {
            metrics: points.iter().map(|p| (key.to_string(), *p)).collect(),
            ..Batch::default()
        };
        self.log_batch(h, &batch)
    }

    /// Sets tags and adds params of a pulled run that is here already (the run is active; a
    /// param it has with another value is a conflict, and nothing is written).
    pub fn update_pulled_data(
        &self,
        h: &RunHandle,
        params: &[(String, String)],
        tags: &[(String, String)],
    ) -> Result<()> {
        let batch = Batch {
            params: params.to_vec(),
            tags: tags.to_vec(),
            ..Batch::default()
        };
        if batch.is_empty() {
            return Ok(());
        }
        self.log_batch(h, &batch)
    }

    /// Sets a run's status, end time and lifecycle to the server's, exactly (no end time
    /// is made up for a finished run that has none). A run becoming deleted gets its
    /// deletion time now, as a delete here gives it.
    pub fn set_pulled_state(
        &self,
        run_id: &str,
        status: RunStatus,
        end_time: Option<i64>,
        lifecycle: Lifecycle,
    ) -> Result<RunInfo> {
        let _lock = self.lock()?;
        let h = self.find_run(run_id)?;
        let mut info = h.info;
        if lifecycle == Lifecycle::Active
            && info.lifecycle_stage == Lifecycle::Deleted
            && h.dir.parent().and_then(|p| p.parent()) != Some(self.tracking.as_path())
        {
            return Err(Error::Invalid(format!(
                "run {run_id} is in a deleted experiment; restore the experiment {}",
                info.experiment_id
            )));
        }
        if info.status == status && info.end_time == end_time && info.lifecycle_stage == lifecycle {
            return Ok(info);
        }
        info.status = status;
        info.end_time = end_time;
        if info.lifecycle_stage != lifecycle {
            info.deleted_time = (lifecycle == Lifecycle::Deleted).then(env::now_ms);
            info.lifecycle_stage = lifecycle;
        }
        self.write_run_info(&h.dir, &info)?;
        Ok(info)
    }
}

impl PulledBuild<'_> {
    /// The run's folder once it is in place.
    pub fn final_dir(&self) -> PathBuf {
        self.exp_dir.join(&self.info.run_id)
    }

    /// The run's `meta.yaml` as it will be.
    pub fn info(&self) -> &RunInfo {
        &self.info
    }

    /// Appends points of metric `key` (a page of its history, in the server's order). No
    /// file is made for a metric without points (MLflow cannot read an empty one).
    pub fn add_points(&mut self, key: &str, points: &[MetricPoint]) -> Result<()> {
        if points.is_empty() {
            return Ok(());
        }
        if !self.keys.contains(key) {
            validate_key(KeyKind::Metric, key)?;
            self.keys.insert(key.to_string());
        }
        self.lines.clear();
        let mut w = LineWriter::default();
        for p in points {
            w.push(&mut self.lines, p);
        }
        let path = layout::metric(&self.build, key);
        let mut f = fs::open_append(&path)?;
        use std::io::Write;
        f.write_all(self.lines.as_bytes()).at(&path)
    }

    /// Puts the run in place, whole, with its inputs and outputs (and the datasets they
    /// name, in the experiment). Fails, leaving nothing, when a run of that id appeared here
    /// meanwhile.
    pub fn finish(self) -> Result<RunHandle> {
        let store = self.store;
        let mut meta = run_meta(&self.info);
        if self.info.deleted_time.is_none() {
            meta.insert("deleted_time".into(), Scalar::Null);
        }
        fs::write_new(&self.build.join(layout::META), to_yaml(&meta).as_bytes())?;
        let mut run_tags = self.run.tags.clone();
        if !self.info.run_name.is_empty() && !run_tags.iter().any(|(k, _)| k == tags::RUN_NAME) {
            run_tags.push((tags::RUN_NAME.to_string(), self.info.run_name.clone()));
        }
        for (k, v) in &run_tags {
            fs::write_new(&layout::tag(&self.build, k), v.as_bytes())?;
        }
        for (k, v) in &self.run.params {
            fs::write_new(&layout::param(&self.build, k), v.as_bytes())?;
        }
        let dest = self.final_dir();
        let _lock = store.lock()?;
        store.check_run_id_free(&self.info.run_id)?;
        dataset::write_inputs(
            &self.exp_dir,
            &self.build,
            &self.info.run_id,
            &self.run.datasets,
            &self.run.model_inputs,
        )?;
        dataset::write_outputs(&self.build, &self.run.model_outputs)?;
        fs::rename(&self.build, &dest)?;
        Ok(RunHandle {
            dir: dest,
            info: self.info,
        })
    }
}
