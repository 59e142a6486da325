//! Typed calls of the tracking service (experiments, runs, logging, histories), with paging
//! done here: each `*_all` call walks every page, handing each page to the caller so memory
//! stays one page.

use super::{Method, Remote, Result, Retry};
use crate::proto::Empty;
use crate::proto::tracking::{
    CreateExperiment, CreateExperimentResponse, CreateRun, DatasetInput, Experiment, ExperimentId,
    ExperimentResponse, GetExperimentByName, GetMetricHistory, GetMetricHistoryResponse, KeyValue,
    LogBatch, LogInputs, LogOutputs, Metric, ModelInput, ModelOutput, Run, RunId, RunResponse,
    SearchExperiments, SearchExperimentsResponse, SearchRuns, SearchRunsResponse, SetExperimentTag,
    UpdateRun, UpdateRunResponse, ViewType,
};

/// The most runs MLflow's server returns in one page of `runs/search`.
pub const SEARCH_PAGE: i64 = 1000;
/// The most points one page of `metrics/get-history` asks for.
pub const HISTORY_PAGE: i64 = 25_000;

/// MLflow's limits on one `runs/log-batch` request (`mlflow/utils/validation.py`).
pub mod limits {
    pub const METRICS: usize = 1000;
    pub const PARAMS: usize = 100;
    pub const TAGS: usize = 100;
    pub const ENTITIES: usize = 1000;
    /// The request body, in bytes (MLflow allows 1 MB; a margin for the JSON around).
    pub const BYTES: usize = 1_000_000 - 10_000;
}

impl Remote {
    /// The experiment with this name (active or deleted), or `None`.
    pub fn experiment_by_name(&self, name: &str) -> Result<Option<Experiment>> {
        let req = GetExperimentByName {
            experiment_name: Some(name.to_string()),
        };
        match self.get::<_, ExperimentResponse>("2.0/mlflow/experiments/get-by-name", &req) {
            Ok(r) => Ok(Some(r.experiment)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn experiment(&self, id: &str) -> Result<Experiment> {
        let req = ExperimentId {
            experiment_id: Some(id.to_string()),
        };
        Ok(self
            .get::<_, ExperimentResponse>("2.0/mlflow/experiments/get", &req)?
            .experiment)
    }

    /// Creates an experiment; returns its id. An experiment of that name made meanwhile (by
    /// another client, or by this request before a dropped answer) is found and returned.
    pub fn create_experiment(&self, name: &str, tags: Vec<KeyValue>) -> Result<String> {
        let req = CreateExperiment {
            name: Some(name.to_string()),
            artifact_location: None,
            tags,
        };
        match self.call::<_, CreateExperimentResponse>(
            Method::Post,
            "2.0/mlflow/experiments/create",
            &req,
            Retry::Unsafe,
        ) {
            Ok(r) => Ok(r.experiment_id),
            Err(e) if e.is_already_exists() || e.is_ambiguous() => {
                match self.experiment_by_name(name)? {
                    Some(x) => Ok(x.experiment_id),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    pub fn set_experiment_tag(&self, id: &str, key: &str, value: &str) -> Result<()> {
        let req = SetExperimentTag {
            experiment_id: Some(id.to_string()),
            key: Some(key.to_string()),
            value: Some(value.to_string()),
        };
        self.post::<_, Empty>("2.0/mlflow/experiments/set-experiment-tag", &req)?;
        Ok(())
    }

    /// Every experiment (of `view`), a page at a time.
    pub fn experiments_all(
        &self,
        view: ViewType,
        mut each: impl FnMut(Vec<Experiment>) -> Result<()>,
    ) -> Result<()> {
        let mut token = None;
        loop {
            let req = SearchExperiments {
                max_results: Some(SEARCH_PAGE),
                page_token: token.take(),
                filter: None,
                order_by: Vec::new(),
                view_type: Some(view),
            };
            let r: SearchExperimentsResponse = self.post("2.0/mlflow/experiments/search", &req)?;
            each(r.experiments)?;
            match r.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => return Ok(()),
            }
        }
    }

    /// Every run of these experiments that `filter` (MLflow's search syntax) matches, a page
    /// at a time, oldest first.
    pub fn runs_all(
        &self,
        experiment_ids: &[String],
        filter: Option<&str>,
        view: ViewType,
        mut each: impl FnMut(Vec<Run>) -> Result<()>,
    ) -> Result<()> {
        let mut token = None;
        loop {
            let req = SearchRuns {
                experiment_ids: experiment_ids.to_vec(),
                filter: filter.map(str::to_string),
                run_view_type: Some(view),
                max_results: Some(SEARCH_PAGE),
                order_by: vec!["attributes.start_time ASC".into()],
                page_token: token.take(),
            };
            let r: SearchRunsResponse = self.post("2.0/mlflow/runs/search", &req)?;
            each(r.runs)?;
            match r.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => return Ok(()),
            }
        }
    }

    /// The run, or `None` when the server has no run of that id.
    pub fn run(&self, run_id: &str) -> Result<Option<Run>> {
        let req = RunId {
            run_id: Some(run_id.to_string()),
            run_uuid: None,
        };
        match self.get::<_, RunResponse>("2.0/mlflow/runs/get", &req) {
            Ok(r) => Ok(Some(r.run)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Creates a run. Not retried when the server may have made it: the caller finds it by
    /// its `mlt.source.run_id` tag ([`crate::remote::Error::is_ambiguous`]).
    pub fn create_run(&self, req: &CreateRun) -> Result<Run> {
        Ok(self
            .call::<_, RunResponse>(Method::Post, "2.0/mlflow/runs/create", req, Retry::Unsafe)?
            .run)
    }

    pub fn update_run(&self, req: &UpdateRun) -> Result<UpdateRunResponse> {
        self.post("2.0/mlflow/runs/update", req)
    }

    pub fn delete_run(&self, run_id: &str) -> Result<()> {
        let req = RunId {
            run_id: Some(run_id.to_string()),
            run_uuid: None,
        };
        self.post::<_, Empty>("2.0/mlflow/runs/delete", &req)?;
        Ok(())
    }

    pub fn restore_run(&self, run_id: &str) -> Result<()> {
        let req = RunId {
            run_id: Some(run_id.to_string()),
            run_uuid: None,
        };
        self.post::<_, Empty>("2.0/mlflow/runs/restore", &req)?;
        Ok(())
    }

    /// One `log-batch` request (the caller keeps it within [`limits`]). Safe to repeat on
    /// MLflow's SQL store (it skips metric points it has); on a file store a repeated point
    /// is kept twice, so callers that may repeat one compare with the server first.
    pub fn log_batch(
        &self,
        run_id: &str,
        metrics: Vec<Metric>,
        params: Vec<KeyValue>,
        tags: Vec<KeyValue>,
    ) -> Result<()> {
        let req = LogBatch {
            run_id: Some(run_id.to_string()),
            metrics,
            params,
            tags,
        };
        self.post::<_, Empty>("2.0/mlflow/runs/log-batch", &req)?;
        Ok(())
    }

    pub fn delete_tag(&self, run_id: &str, key: &str) -> Result<()> {
        let req = crate::proto::tracking::DeleteTag {
            run_id: Some(run_id.to_string()),
            key: Some(key.to_string()),
        };
        self.post::<_, Empty>("2.0/mlflow/runs/delete-tag", &req)?;
        Ok(())
    }

    pub fn log_inputs(
        &self,
        run_id: &str,
        datasets: Vec<DatasetInput>,
        models: Vec<ModelInput>,
    ) -> Result<()> {
        let req = LogInputs {
            run_id: Some(run_id.to_string()),
            datasets,
            models,
        };
        self.post::<_, Empty>("2.0/mlflow/runs/log-inputs", &req)?;
        Ok(())
    }

    /// MLflow 3's run outputs: the logged models a run made (`mlflow.log_model` in a run).
    pub fn log_outputs(&self, run_id: &str, models: Vec<ModelOutput>) -> Result<()> {
        let req = LogOutputs {
            run_id: Some(run_id.to_string()),
            models,
        };
        self.post::<_, Empty>("2.0/mlflow/runs/outputs", &req)?;
        Ok(())
    }

    /// A metric's whole history, a page at a time, in the server's order.
    pub fn metric_history_all(
        &self,
        run_id: &str,
        key: &str,
        mut each: impl FnMut(Vec<Metric>) -> Result<()>,
    ) -> Result<()> {
        let mut token = None;
        loop {
            let req = GetMetricHistory {
                run_id: Some(run_id.to_string()),
                run_uuid: None,
                metric_key: Some(key.to_string()),
                page_token: token.take(),
                max_results: Some(HISTORY_PAGE),
            };
            let r: GetMetricHistoryResponse = self.get("2.0/mlflow/metrics/get-history", &req)?;
            each(r.metrics)?;
            match r.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => return Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote::Settings;

    #[test]
    fn experiments_runs_batches_and_histories_round_trip_through_mlt_server() {
        let tmp = tempfile::tempdir().unwrap();
        let store = crate::store::Store::new(tmp.path());
        store.init().unwrap();
        let server = crate::server::Spawned::new(store);
        let r = Remote::new(&server.url, Settings::default()).unwrap();
        assert!(r.experiment_by_name("e").unwrap().is_none());
        let id = r.create_experiment("e", Vec::new()).unwrap();
        // Made again: the existing one is found.
        assert_eq!(r.create_experiment("e", Vec::new()).unwrap(), id);
        let run = r
            .create_run(&CreateRun {
                experiment_id: Some(id.clone()),
                start_time: Some(1_700_000_000_000),
                tags: vec![KeyValue {
                    key: "mlt.source.run_id".into(),
                    value: "abc".into(),
                }],
                ..CreateRun::default()
            })
            .unwrap();
        let rid = run.info.run_id.clone();
        let points = |vals: &[f64]| -> Vec<Metric> {
            vals.iter()
                .enumerate()
                .map(|(i, v)| Metric {
                    key: "loss".into(),
                    value: *v,
                    timestamp: 1_700_000_000_000 + i as i64,
                    step: i as i64,
                    ..Metric::default()
                })
                .collect()
        };
        r.log_batch(
            &rid,
            points(&[1.0, f64::NAN, f64::INFINITY]),
            Vec::new(),
            Vec::new(),
        )
        .unwrap();
        let mut got = Vec::new();
        r.metric_history_all(&rid, "loss", |page| {
            got.extend(page);
            Ok(())
        })
        .unwrap();
        assert_eq!(got.len(), 3);
        assert!(got[1].value.is_nan() && got[2].value == f64::INFINITY);
        let mut runs = Vec::new();
        r.runs_all(
            std::slice::from_ref(&id),
            Some("tags.`mlt.source.run_id` = 'abc'"),
            ViewType::All,
            |page| {
                runs.extend(page);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].info.start_time, 1_700_000_000_000);
        assert!(r.run("0123456789abcdef0123456789abcdef").unwrap().is_none());
    }
}
