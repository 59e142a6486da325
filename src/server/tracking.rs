//! The tracking endpoints: experiments, runs, metrics, params, tags, inputs and outputs.
//!
//! Each handler reads its message ([`Msg`]), checks what MLflow's handler checks
//! (`mlflow/server/handlers.py`), and calls the store or the `app` use cases the CLI calls,
//! on the blocking pool. Locations are given to clients through [`client_uri`], so a run's
//! artifact URI is `mlflow-artifacts:/E/R/artifacts`.

use super::error::{ApiError, ApiResult};
use super::proto::Empty;
use super::proto::tracking as pb;
use super::request::Msg;
use super::{State, client_uri};
use crate::app;
use crate::entities::{self, Experiment, MetricPoint, Run, RunInfo, RunStatus, View};
use crate::search;
use crate::store::{self, Batch, NewRun, Store, dataset};
use axum::Json;
use axum::Router;
use axum::extract::State as S;
use axum::routing::{get, post};
use base64::Engine;

/// MLflow's `SEARCH_MAX_RESULTS_DEFAULT` and `SEARCH_MAX_RESULTS_THRESHOLD`.
pub const SEARCH_MAX_RESULTS_DEFAULT: i64 = 1000;
pub const SEARCH_MAX_RESULTS_THRESHOLD: i64 = 50000;
/// `get-history-bulk-interval`: at most this many runs, and points per run.
pub const MAX_RUNS_GET_METRIC_HISTORY_BULK: usize = 100;
pub const MAX_RESULTS_PER_RUN: i64 = 2500;

/// This family's routes, relative to `/api/2.0` (the router serves them under every prefix).
pub fn routes() -> Router<State> {
    Router::new()
        .route("/mlflow/experiments/create", post(create_experiment))
        .route("/mlflow/experiments/get", get(get_experiment))
        .route(
            "/mlflow/experiments/get-by-name",
            get(get_experiment_by_name),
        )
        .route(
            "/mlflow/experiments/search",
            post(search_experiments).get(search_experiments),
        )
        .route("/mlflow/experiments/update", post(update_experiment))
        .route("/mlflow/experiments/delete", post(delete_experiment))
        .route("/mlflow/experiments/restore", post(restore_experiment))
        .route(
            "/mlflow/experiments/set-experiment-tag",
            post(set_experiment_tag),
        )
        .route(
            "/mlflow/experiments/delete-experiment-tag",
            post(delete_experiment_tag),
        )
        .route("/mlflow/runs/create", post(create_run))
        .route("/mlflow/runs/get", get(get_run))
        .route("/mlflow/runs/update", post(update_run))
        .route("/mlflow/runs/delete", post(delete_run))
        .route("/mlflow/runs/restore", post(restore_run))
        .route("/mlflow/runs/search", post(search_runs).get(search_runs))
        .route("/mlflow/runs/log-batch", post(log_batch))
        .route("/mlflow/runs/log-metric", post(log_metric))
        .route("/mlflow/runs/log-parameter", post(log_param))
        .route("/mlflow/runs/set-tag", post(set_tag))
        .route("/mlflow/runs/delete-tag", post(delete_tag))
        .route("/mlflow/runs/log-inputs", post(log_inputs))
        .route("/mlflow/runs/outputs", post(log_outputs))
        .route("/mlflow/runs/log-model", post(log_model))
        .route("/mlflow/metrics/get-history", get(get_metric_history))
        .route(
            "/mlflow/metrics/get-history-bulk-interval",
            get(get_metric_history_bulk_interval),
        )
}

// ---------------------------------------------------------------- helpers

/// A required string field: missing or empty is MLflow's "Missing value" error.
fn required(v: Option<&str>, field: &str) -> ApiResult<String> {
    match v {
        Some(s) if !s.is_empty() => Ok(s.to_string()),
        _ => Err(ApiError::missing_field(field)),
    }
}

/// An experiment by id only (a name is not an id here, as in MLflow).
fn experiment_by_id(store: &Store, id: &str) -> ApiResult<Experiment> {
    if store.experiment_dir(id).is_none() {
        return Err(ApiError::not_found(format!(
            "No Experiment with id={id} exists"
        )));
    }
    Ok(store.experiment(id)?)
}

/// A write that MLflow refuses with INVALID_PARAMETER_VALUE when it clashes with what is
/// there (a param that would change, a deleted run): the store calls these conflicts.
fn logging_error(e: store::Error) -> ApiError {
    match e {
        store::Error::Conflict(msg) => ApiError::invalid(msg),
        store::Error::Partial { source, .. } if matches!(*source, store::Error::Conflict(_)) => {
            ApiError::invalid(source.to_string())
        }
        e => e.into(),
    }
}

/// MLflow's page token: base64 of the JSON `{"offset": N}`.
pub fn page_token(offset: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{{\"offset\": {offset}}}"))
}

/// The offset a page token names; none is 0.
pub fn parse_page_token(token: Option<&str>) -> ApiResult<usize> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(0);
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .map_err(|_| ApiError::invalid("Invalid page token, could not base64-decode"))?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| {
        ApiError::invalid(format!(
            "Invalid page token, decoded value={}",
            String::from_utf8_lossy(&bytes)
        ))
    })?;
    let offset = v
        .get("offset")
        .ok_or_else(|| ApiError::invalid(format!("Invalid page token, parsed value={v}")))?;
    offset.as_u64().map(|o| o as usize).ok_or_else(|| {
        ApiError::invalid(format!(
            "Invalid page token, offset {offset} is not a non-negative integer"
        ))
    })
}

/// `max_results` of a search: MLflow's default, and at most its threshold.
fn search_limit(max: Option<i64>) -> ApiResult<usize> {
    let n = max.unwrap_or(SEARCH_MAX_RESULTS_DEFAULT);
    if n > SEARCH_MAX_RESULTS_THRESHOLD {
        return Err(ApiError::invalid(format!(
            "Invalid value for request parameter max_results. It must be at most \
             {SEARCH_MAX_RESULTS_THRESHOLD}, but got value {n}"
        )));
    }
    if n < 0 {
        return Err(ApiError::invalid(format!(
            "Invalid value {n} for parameter 'max_results' supplied. It must be a \
             non-negative integer."
        )));
    }
    Ok(n as usize)
}

fn view(v: Option<pb::ViewType>) -> View {
    match v {
        None | Some(pb::ViewType::ActiveOnly) => View::Active,
        Some(pb::ViewType::DeletedOnly) => View::Deleted,
        Some(pb::ViewType::All) => View::All,
    }
}

fn kv(pairs: &[pb::KeyValue]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect()
}

fn to_kv<'a>(m: impl IntoIterator<Item = (&'a String, &'a String)>) -> Vec<pb::KeyValue> {
    m.into_iter()
        .map(|(k, v)| pb::KeyValue {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

pub fn experiment_proto(store: &Store, e: &Experiment) -> pb::Experiment {
    pb::Experiment {
        experiment_id: e.experiment_id.clone(),
        name: e.name.clone(),
        artifact_location: client_uri(store, &e.artifact_location),
        lifecycle_stage: e.lifecycle_stage.as_str().to_string(),
        last_update_time: e.last_update_time,
        creation_time: e.creation_time,
        tags: to_kv(&e.tags),
    }
}

pub fn run_info_proto(store: &Store, i: &RunInfo) -> pb::RunInfo {
    pb::RunInfo {
        run_id: i.run_id.clone(),
        run_uuid: i.run_id.clone(),
        run_name: i.run_name.clone(),
        experiment_id: i.experiment_id.clone(),
        user_id: i.user_id.clone(),
        status: i.status.as_str().to_string(),
        start_time: i.start_time,
        end_time: i.end_time,
        artifact_uri: client_uri(store, &i.artifact_uri),
        lifecycle_stage: i.lifecycle_stage.as_str().to_string(),
    }
}

fn metric_proto(key: &str, p: &MetricPoint) -> pb::Metric {
    pb::Metric {
        key: key.to_string(),
        value: p.value,
        timestamp: p.timestamp,
        step: p.step,
        ..pb::Metric::default()
    }
}

/// A run as MLflow's `Run.to_proto`, with its inputs and outputs.
pub fn run_proto(store: &Store, run: &Run, io: dataset::RunIo) -> pb::Run {
    pb::Run {
        info: run_info_proto(store, &run.info),
        data: pb::RunData {
            metrics: run
                .metrics
                .iter()
                .map(|(k, p)| metric_proto(k, p))
                .collect(),
            params: to_kv(&run.params),
            tags: to_kv(&run.tags),
        },
        inputs: pb::RunInputs {
            dataset_inputs: io.datasets.into_iter().map(Into::into).collect(),
            model_inputs: io
                .model_inputs
                .into_iter()
                .map(|model_id| pb::ModelInput { model_id })
                .collect(),
        },
        outputs: pb::RunOutputs {
            model_outputs: io
                .model_outputs
                .into_iter()
                .map(|(model_id, step)| pb::ModelOutput { model_id, step })
                .collect(),
        },
    }
}

/// A whole run, read for a client.
fn read_run(store: &Store, run_id: &str) -> ApiResult<pb::Run> {
    let h = store.find_run(run_id)?;
    let run = store.read_run(&h)?;
    let io = store.run_io(&h)?;
    Ok(run_proto(store, &run, io))
}

fn status(name: &str) -> ApiResult<RunStatus> {
    match name.to_ascii_uppercase().as_str() {
        "RUNNING" | "1" => Ok(RunStatus::Running),
        "SCHEDULED" | "2" => Ok(RunStatus::Scheduled),
        "FINISHED" | "3" => Ok(RunStatus::Finished),
        "FAILED" | "4" => Ok(RunStatus::Failed),
        "KILLED" | "5" => Ok(RunStatus::Killed),
        _ => Err(ApiError::invalid(format!(
            "Invalid value '{name}' for parameter 'status': it must be one of RUNNING, \
             SCHEDULED, FINISHED, FAILED, KILLED"
        ))),
    }
}

fn point(m: &pb::Metric) -> MetricPoint {
    MetricPoint {
        timestamp: m.timestamp,
        value: m.value,
        step: m.step,
    }
}

/// Logs a batch to an active run, with MLflow's limits and validation (the CLI's code).
fn log(store: &Store, run_id: &str, batch: &Batch) -> ApiResult<()> {
    log_with_models(store, run_id, batch, &[])
}

/// As [`log`], then the points that name a logged model to that model too.
fn log_with_models(
    store: &Store,
    run_id: &str,
    batch: &Batch,
    models: &[dataset::ModelMetric],
) -> ApiResult<()> {
    batch.check_limits()?;
    batch.validate()?;
    let h = store.find_run(run_id)?;
    store.log_batch(&h, batch).map_err(logging_error)?;
    if !models.is_empty() {
        store.log_model_metrics(&h, models)?;
    }
    Ok(())
}

/// The points of a request that name a logged model.
fn model_metrics(metrics: &[pb::Metric]) -> Vec<dataset::ModelMetric> {
    metrics
        .iter()
        .filter_map(|m| {
            let model_id = m.model_id.clone().filter(|id| !id.is_empty())?;
            Some(dataset::ModelMetric {
                model_id,
                key: m.key.clone(),
                point: point(m),
                dataset: m.dataset_name.clone().zip(m.dataset_digest.clone()),
            })
        })
        .collect()
}

// ---------------------------------------------------------------- experiments

async fn create_experiment(
    S(state): S<State>,
    Msg(m): Msg<pb::CreateExperiment>,
) -> ApiResult<Json<pb::CreateExperimentResponse>> {
    let name = required(m.name.as_deref(), "name")?;
    let tags = kv(&m.tags);
    let location = m.artifact_location.filter(|l| !l.is_empty());
    state
        .blocking(move |store| {
            let location = match location {
                Some(l) => Some(super::store_location(store, &l)?),
                None => None,
            };
            let e = store.create_experiment(&name, location.as_deref(), &tags)?;
            Ok(Json(pb::CreateExperimentResponse {
                experiment_id: e.experiment_id,
            }))
        })
        .await
}

async fn get_experiment(
    S(state): S<State>,
    Msg(m): Msg<pb::ExperimentId>,
) -> ApiResult<Json<pb::ExperimentResponse>> {
    let id = required(m.experiment_id.as_deref(), "experiment_id")?;
    state
        .blocking(move |store| {
            let e = experiment_by_id(store, &id)?;
            Ok(Json(pb::ExperimentResponse {
                experiment: experiment_proto(store, &e),
            }))
        })
        .await
}

async fn get_experiment_by_name(
    S(state): S<State>,
    Msg(m): Msg<pb::GetExperimentByName>,
) -> ApiResult<Json<pb::ExperimentResponse>> {
    let name = required(m.experiment_name.as_deref(), "experiment_name")?;
    state
        .blocking(move |store| match store.experiment_by_name(&name)? {
            Some(e) => Ok(Json(pb::ExperimentResponse {
                experiment: experiment_proto(store, &e),
            })),
            None => Err(ApiError::not_found(format!(
                "Could not find experiment with name '{name}'"
            ))),
        })
        .await
}

async fn search_experiments(
    S(state): S<State>,
    Msg(m): Msg<pb::SearchExperiments>,
) -> ApiResult<Json<pb::SearchExperimentsResponse>> {
    let max = search_limit(m.max_results)?;
    let offset = parse_page_token(m.page_token.as_deref())?;
    let text = m.filter.unwrap_or_default();
    let filter = search::parse_experiment_filter(&text)
        .map_err(|e| ApiError::invalid(format!("Invalid filter '{text}': {}", e.message)))?;
    let orders = m
        .order_by
        .iter()
        .map(|o| {
            search::parse_experiment_order_by(o)
                .map_err(|e| ApiError::invalid(format!("Invalid order_by '{o}': {}", e.message)))
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let view = view(m.view_type);
    state
        .blocking(move |store| {
            let exps = app::experiments::select(store, view, filter.as_ref(), &orders)?;
            let end = offset.saturating_add(max);
            let next = (end < exps.len()).then(|| page_token(end));
            Ok(Json(pb::SearchExperimentsResponse {
                experiments: exps
                    .iter()
                    .skip(offset)
                    .take(max)
                    .map(|e| experiment_proto(store, e))
                    .collect(),
                next_page_token: next,
            }))
        })
        .await
}

async fn update_experiment(
    S(state): S<State>,
    Msg(m): Msg<pb::UpdateExperiment>,
) -> ApiResult<Empty> {
    let id = required(m.experiment_id.as_deref(), "experiment_id")?;
    let name = required(m.new_name.as_deref(), "new_name")?;
    state
        .blocking(move |store| {
            experiment_by_id(store, &id)?;
            store.rename_experiment(&id, &name)?;
            Ok(Empty {})
        })
        .await
}

async fn delete_experiment(S(state): S<State>, Msg(m): Msg<pb::ExperimentId>) -> ApiResult<Empty> {
    let id = required(m.experiment_id.as_deref(), "experiment_id")?;
    state
        .blocking(move |store| {
            experiment_by_id(store, &id)?;
            store.delete_experiment(&id)?;
            Ok(Empty {})
        })
        .await
}

async fn restore_experiment(S(state): S<State>, Msg(m): Msg<pb::ExperimentId>) -> ApiResult<Empty> {
    let id = required(m.experiment_id.as_deref(), "experiment_id")?;
    state
        .blocking(move |store| {
            experiment_by_id(store, &id)?;
            store.restore_experiment(&id)?;
            Ok(Empty {})
        })
        .await
}

async fn set_experiment_tag(
    S(state): S<State>,
    Msg(m): Msg<pb::SetExperimentTag>,
) -> ApiResult<Empty> {
    let id = required(m.experiment_id.as_deref(), "experiment_id")?;
    let key = required(m.key.as_deref(), "key")?;
    let value = m.value.unwrap_or_default();
    state
        .blocking(move |store| {
            experiment_by_id(store, &id)?;
            store.set_experiment_tag(&id, &key, &value)?;
            Ok(Empty {})
        })
        .await
}

async fn delete_experiment_tag(
    S(state): S<State>,
    Msg(m): Msg<pb::DeleteExperimentTag>,
) -> ApiResult<Empty> {
    let id = required(m.experiment_id.as_deref(), "experiment_id")?;
    let key = required(m.key.as_deref(), "key")?;
    state
        .blocking(move |store| {
            experiment_by_id(store, &id)?;
            store.delete_experiment_tag(&id, &key)?;
            Ok(Empty {})
        })
        .await
}

// ---------------------------------------------------------------- runs

async fn create_run(
    S(state): S<State>,
    Msg(m): Msg<pb::CreateRun>,
) -> ApiResult<Json<pb::RunResponse>> {
    let exp = m
        .experiment_id
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| store::DEFAULT_EXPERIMENT_ID.to_string());
    let tags = kv(&m.tags);
    let run_name = m.run_name.filter(|n| !n.is_empty());
    if let (Some(name), Some((_, tag))) = (
        &run_name,
        tags.iter().find(|(k, _)| k == entities::tags::RUN_NAME),
    ) && name != tag
    {
        return Err(ApiError::invalid(format!(
            "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with \
             different values (run_name='{name}', mlflow.runName='{tag}')."
        )));
    }
    let new = NewRun {
        run_name,
        tags,
        start_time: m.start_time.filter(|t| *t > 0),
        user: m.user_id.filter(|u| !u.is_empty()),
    };
    state
        .blocking(move |store| {
            let e = experiment_by_id(store, &exp)?;
            if e.lifecycle_stage == entities::Lifecycle::Deleted {
                return Err(ApiError::new(
                    super::error::Code::InvalidState,
                    format!("Could not create run under non-active experiment with ID {exp}."),
                ));
            }
            let info = store.create_run(&e, new)?;
            Ok(Json(pb::RunResponse {
                run: read_run(store, &info.run_id)?,
            }))
        })
        .await
}

async fn get_run(S(state): S<State>, Msg(m): Msg<pb::RunId>) -> ApiResult<Json<pb::RunResponse>> {
    let id = required(m.get(), "run_id")?;
    state
        .blocking(move |store| {
            Ok(Json(pb::RunResponse {
                run: read_run(store, &id)?,
            }))
        })
        .await
}

async fn update_run(
    S(state): S<State>,
    Msg(m): Msg<pb::UpdateRun>,
) -> ApiResult<Json<pb::UpdateRunResponse>> {
    let id = required(m.run(), "run_id")?;
    let new_status = m.status.as_deref().map(status).transpose()?;
    let end_time = m.end_time;
    let run_name = m.run_name.filter(|n| !n.is_empty());
    state
        .blocking(move |store| {
            let mut info = store.active_run(&id)?.info;
            if let Some(name) = &run_name {
                info = store.rename_run(&id, name)?;
            }
            if new_status.is_some() || end_time.is_some() {
                info = store.set_run_status(&id, new_status.unwrap_or(info.status), end_time)?;
            }
            Ok(Json(pb::UpdateRunResponse {
                run_info: run_info_proto(store, &info),
            }))
        })
        .await
}

async fn delete_run(S(state): S<State>, Msg(m): Msg<pb::RunId>) -> ApiResult<Empty> {
    let id = required(m.get(), "run_id")?;
    state
        .blocking(move |store| {
            store.delete_run(&id)?;
            Ok(Empty {})
        })
        .await
}

async fn restore_run(S(state): S<State>, Msg(m): Msg<pb::RunId>) -> ApiResult<Empty> {
    let id = required(m.get(), "run_id")?;
    state
        .blocking(move |store| {
            store.restore_run(&id)?;
            Ok(Empty {})
        })
        .await
}

async fn search_runs(
    S(state): S<State>,
    Msg(m): Msg<pb::SearchRuns>,
) -> ApiResult<Json<pb::SearchRunsResponse>> {
    let max = search_limit(m.max_results)?;
    let offset = parse_page_token(m.page_token.as_deref())?;
    let view = view(m.run_view_type);
    state
        .blocking(move |store| {
            // As MLflow's file store: the experiments named (ids that do not exist add no
            // runs), filtered, ordered, then the page.
            let experiments: Vec<String> = m
                .experiment_ids
                .into_iter()
                .filter(|id| store.experiment_dir(id).is_some())
                .collect();
            if experiments.is_empty() {
                // Still check the filter and the order, as MLflow parses them first.
                app::query::parse(m.filter.as_deref(), &m.order_by)?;
                return Ok(Json(pb::SearchRunsResponse {
                    runs: Vec::new(),
                    next_page_token: None,
                }));
            }
            let end = offset.saturating_add(max);
            let q = app::query::RunQuery {
                filter: m.filter.filter(|f| !f.trim().is_empty()),
                order_by: m.order_by,
                experiments,
                view,
                max_results: end,
                offset,
                read: app::query::Read::Whole,
                columns: Vec::new(),
            };
            let selected = app::query::select(store, &q)?;
            let next = (end < selected.matched).then(|| page_token(end));
            let mut runs = Vec::new();
            for (h, run) in &selected.runs {
                runs.push(run_proto(store, run, store.run_io(h)?));
            }
            Ok(Json(pb::SearchRunsResponse {
                runs,
                next_page_token: next,
            }))
        })
        .await
}

async fn log_batch(S(state): S<State>, Msg(m): Msg<pb::LogBatch>) -> ApiResult<Empty> {
    let id = required(m.run_id.as_deref(), "run_id")?;
    let batch = Batch {
        metrics: m
            .metrics
            .iter()
            .map(|x| (x.key.clone(), point(x)))
            .collect(),
        params: kv(&m.params),
        tags: kv(&m.tags),
    };
    let models = model_metrics(&m.metrics);
    state
        .blocking(move |store| {
            log_with_models(store, &id, &batch, &models)?;
            Ok(Empty {})
        })
        .await
}

async fn log_metric(S(state): S<State>, Msg(m): Msg<pb::LogMetric>) -> ApiResult<Empty> {
    let id = required(m.run(), "run_id")?;
    let key = required(m.key.as_deref(), "key")?;
    let value = m.value.ok_or_else(|| ApiError::missing_field("value"))?;
    let timestamp = m
        .timestamp
        .ok_or_else(|| ApiError::missing_field("timestamp"))?;
    let metric = pb::Metric {
        key,
        value,
        timestamp,
        step: m.step.unwrap_or(0),
        dataset_name: m.dataset_name,
        dataset_digest: m.dataset_digest,
        model_id: m.model_id,
        run_id: None,
    };
    let batch = Batch {
        metrics: vec![(metric.key.clone(), point(&metric))],
        ..Batch::default()
    };
    let models = model_metrics(std::slice::from_ref(&metric));
    state
        .blocking(move |store| {
            log_with_models(store, &id, &batch, &models)?;
            Ok(Empty {})
        })
        .await
}

async fn log_param(S(state): S<State>, Msg(m): Msg<pb::RunKeyValue>) -> ApiResult<Empty> {
    log_key_value(state, m, |kv| Batch {
        params: vec![kv],
        ..Batch::default()
    })
    .await
}

async fn set_tag(S(state): S<State>, Msg(m): Msg<pb::RunKeyValue>) -> ApiResult<Empty> {
    log_key_value(state, m, |kv| Batch {
        tags: vec![kv],
        ..Batch::default()
    })
    .await
}

/// Logs one param or tag (`batch` says which) of a `log-parameter` or `set-tag` request.
async fn log_key_value(
    state: State,
    m: pb::RunKeyValue,
    batch: impl FnOnce((String, String)) -> Batch,
) -> ApiResult<Empty> {
    let id = required(m.run(), "run_id")?;
    let key = required(m.key.as_deref(), "key")?;
    let batch = batch((key, m.value.unwrap_or_default()));
    state
        .blocking(move |store| {
            log(store, &id, &batch)?;
            Ok(Empty {})
        })
        .await
}

async fn delete_tag(S(state): S<State>, Msg(m): Msg<pb::DeleteTag>) -> ApiResult<Empty> {
    let id = required(m.run_id.as_deref(), "run_id")?;
    let key = required(m.key.as_deref(), "key")?;
    state
        .blocking(move |store| {
            store.delete_run_tag(&id, &key)?;
            Ok(Empty {})
        })
        .await
}

async fn log_inputs(S(state): S<State>, Msg(m): Msg<pb::LogInputs>) -> ApiResult<Empty> {
    let id = required(m.run_id.as_deref(), "run_id")?;
    let datasets = m
        .datasets
        .into_iter()
        .map(|d| {
            let ds = d
                .dataset
                .ok_or_else(|| ApiError::invalid("Dataset cannot be None"))?;
            Ok(dataset::DatasetInput {
                dataset: dataset::Dataset {
                    name: ds.name.unwrap_or_default(),
                    digest: ds.digest.unwrap_or_default(),
                    source_type: ds.source_type.unwrap_or_default(),
                    source: ds.source.unwrap_or_default(),
                    schema: ds.schema,
                    profile: ds.profile,
                },
                tags: kv(&d.tags),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let models: Vec<String> = m.models.into_iter().map(|x| x.model_id).collect();
    state
        .blocking(move |store| {
            store
                .log_inputs(&id, &datasets, &models)
                .map_err(logging_error)?;
            Ok(Empty {})
        })
        .await
}

async fn log_outputs(S(state): S<State>, Msg(m): Msg<pb::LogOutputs>) -> ApiResult<Empty> {
    let id = required(m.run_id.as_deref(), "run_id")?;
    let models: Vec<(String, i64)> = m.models.into_iter().map(|x| (x.model_id, x.step)).collect();
    state
        .blocking(move |store| {
            store.log_outputs(&id, &models).map_err(logging_error)?;
            Ok(Empty {})
        })
        .await
}

async fn log_model(S(state): S<State>, Msg(m): Msg<pb::LogModel>) -> ApiResult<Empty> {
    let id = required(m.run_id.as_deref(), "run_id")?;
    let json = required(m.model_json.as_deref(), "model_json")?;
    state
        .blocking(move |store| {
            store
                .record_logged_model(&id, &json)
                .map_err(logging_error)?;
            Ok(Empty {})
        })
        .await
}

// ---------------------------------------------------------------- metrics

/// Every point of a metric of a run, in the order logged; none when the run has no such
/// metric (as MLflow answers).
fn history(store: &Store, run_id: &str, key: &str) -> ApiResult<Vec<MetricPoint>> {
    entities::validate_key(entities::KeyKind::Metric, key).map_err(store::Error::from)?;
    let h = store.find_run(run_id)?;
    match store.metric_points(&h, key) {
        Ok(points) => Ok(points.collect::<Result<Vec<_>, _>>()?),
        Err(e) if e.kind() == store::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

async fn get_metric_history(
    S(state): S<State>,
    Msg(m): Msg<pb::GetMetricHistory>,
) -> ApiResult<Json<pb::GetMetricHistoryResponse>> {
    let id = required(m.run(), "run_id")?;
    let key = required(m.metric_key.as_deref(), "metric_key")?;
    if let Some(n) = m.max_results
        && n <= 0
    {
        return Err(ApiError::invalid(format!(
            "Invalid value {n} for parameter 'max_results' supplied. It must be a positive \
             integer."
        )));
    }
    let offset = parse_page_token(m.page_token.as_deref())?;
    let max = m.max_results.map(|n| n as usize);
    state
        .blocking(move |store| {
            let points = history(store, &id, &key)?;
            let (page, next) = match max {
                None => (points.get(offset..).unwrap_or(&[]), None),
                Some(n) => {
                    let end = offset.saturating_add(n);
                    let next = (end < points.len()).then(|| page_token(end));
                    (
                        points.get(offset..end.min(points.len())).unwrap_or(&[]),
                        next,
                    )
                }
            };
            Ok(Json(pb::GetMetricHistoryResponse {
                metrics: page.iter().map(|p| metric_proto(&key, p)).collect(),
                next_page_token: next,
            }))
        })
        .await
}

async fn get_metric_history_bulk_interval(
    S(state): S<State>,
    Msg(m): Msg<pb::GetMetricHistoryBulkInterval>,
) -> ApiResult<Json<pb::GetMetricHistoryBulkIntervalResponse>> {
    if m.run_ids.is_empty() {
        return Err(ApiError::missing_field("run_ids"));
    }
    if m.run_ids.len() > MAX_RUNS_GET_METRIC_HISTORY_BULK {
        return Err(ApiError::invalid(format!(
            "GetMetricHistoryBulkInterval request must specify at most \
             {MAX_RUNS_GET_METRIC_HISTORY_BULK} run_ids. Received {} run_ids.",
            m.run_ids.len()
        )));
    }
    let key = required(m.metric_key.as_deref(), "metric_key")?;
    let max = m.max_results.unwrap_or(MAX_RESULTS_PER_RUN);
    if !(1..=MAX_RESULTS_PER_RUN).contains(&max) {
        return Err(ApiError::invalid(format!(
            "max_results must be between 1 and {MAX_RESULTS_PER_RUN}."
        )));
    }
    let range = match (m.start_step, m.end_step) {
        (Some(s), Some(e)) if s > e => {
            return Err(ApiError::invalid(format!(
                "end_step must be greater than start_step. Found start_step={s} and \
                 end_step={e}."
            )));
        }
        (Some(s), Some(e)) => Some((s, e)),
        (None, None) => None,
        _ => {
            return Err(ApiError::invalid(
                "If either start step or end step are specified, both must be specified.",
            ));
        }
    };
    let run_ids = m.run_ids;
    state
        .blocking(move |store| {
            let runs = run_ids
                .iter()
                .map(|id| history(store, id, &key))
                .collect::<ApiResult<Vec<_>>>()?;
            let metrics = sample_bulk_interval(&runs, max as usize, range)
                .into_iter()
                .map(|(i, p)| pb::MetricWithRunId {
                    key: key.clone(),
                    value: p.value,
                    timestamp: p.timestamp,
                    step: p.step,
                    run_id: run_ids[i].clone(),
                })
                .collect();
            Ok(Json(pb::GetMetricHistoryBulkIntervalResponse { metrics }))
        })
        .await
}

/// MLflow's sampling for `get-history-bulk-interval` (`AbstractStore.
/// get_metric_history_bulk_interval`): the steps that exist in any run, in the range (all of
/// them from 0 when none is given); at most `max` of them evenly spaced, plus the last one
/// and each run's first and last step; then for each run its points at those steps, ordered
/// by (step, timestamp), at most `max(max, steps)` of them evenly spaced over the run.
/// Returns (index of the run, point).
pub fn sample_bulk_interval(
    runs: &[Vec<MetricPoint>],
    max: usize,
    range: Option<(i64, i64)>,
) -> Vec<(usize, MetricPoint)> {
    use std::collections::BTreeSet;
    let max = max.max(1);
    let mut mins_maxes = BTreeSet::new();
    for run in runs {
        if let (Some(lo), Some(hi)) = (
            run.iter().map(|p| p.step).min(),
            run.iter().map(|p| p.step).max(),
        ) {
            mins_maxes.insert(lo);
            mins_maxes.insert(hi);
        }
    }
    let all: Vec<i64> = runs
        .iter()
        .flatten()
        .map(|p| p.step)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let (start, end) = range.unwrap_or((0, all.last().copied().unwrap_or(0)));
    mins_maxes.retain(|s| start <= *s && *s <= end);
    let lo = all.partition_point(|s| *s < start);
    let hi = all.partition_point(|s| *s <= end);
    let mut sampled: BTreeSet<i64> = BTreeSet::new();
    if hi.saturating_sub(lo) <= max {
        sampled.extend(all.get(lo..hi).unwrap_or(&[]));
    } else {
        let n = hi - lo;
        let interval = n as f64 / max as f64;
        for i in 0..max {
            let idx = lo + (i as f64 * interval) as usize;
            if idx < hi {
                sampled.insert(all[idx]);
            }
        }
        sampled.insert(all[hi - 1]);
    }
    sampled.extend(mins_maxes);
    let per_run = max.max(sampled.len());
    let mut out = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let mut pts: Vec<MetricPoint> = run
            .iter()
            .filter(|p| sampled.contains(&p.step))
            .copied()
            .collect();
        pts.sort_by_key(|p| (p.step, p.timestamp));
        for j in evenly_spaced(pts.len(), per_run) {
            out.push((i, pts[j]));
        }
    }
    out
}

/// `_evenly_spaced_indices`: at most `max` indices into `total` items, first and last
/// included (Python's `round`, ties to even).
fn evenly_spaced(total: usize, max: usize) -> Vec<usize> {
    if total == 0 {
        return Vec::new();
    }
    if total <= max {
        return (0..total).collect();
    }
    if max == 1 {
        return vec![total - 1];
    }
    let step = (total - 1) as f64 / (max - 1) as f64;
    let set: std::collections::BTreeSet<usize> = (0..max)
        .map(|i| (i as f64 * step).round_ties_even() as usize)
        .collect();
    set.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::super::error::Code;
    use super::super::testing::{app, call};
    use super::*;
    use axum::http::StatusCode;
    use serde_json::json;

    const API: &str = "/api/2.0/mlflow";

    #[test]
    fn page_tokens_are_mlflows_base64_offsets() {
        assert_eq!(page_token(5), "eyJvZmZzZXQiOiA1fQ==");
        assert_eq!(parse_page_token(Some("eyJvZmZzZXQiOiA1fQ==")).unwrap(), 5);
        assert_eq!(parse_page_token(None).unwrap(), 0);
        assert_eq!(parse_page_token(Some("")).unwrap(), 0);
        for bad in ["!!!", "bm90IGpzb24=", "e30=", "eyJvZmZzZXQiOiAtMX0="] {
            let e = parse_page_token(Some(bad)).unwrap_err();
            assert_eq!(e.code, Code::InvalidParameterValue, "{bad}");
        }
    }

    #[test]
    fn bulk_interval_sampling_keeps_ends_and_bounds_the_points() {
        let run = |steps: std::ops::Range<i64>| -> Vec<MetricPoint> {
            steps
                .map(|s| MetricPoint {
                    timestamp: s,
                    value: s as f64,
                    step: s,
                })
                .collect()
        };
        let runs = vec![run(0..100), run(10..20)];
        let out = sample_bulk_interval(&runs, 10, None);
        let steps0: Vec<i64> = out
            .iter()
            .filter(|(i, _)| *i == 0)
            .map(|(_, p)| p.step)
            .collect();
        assert_eq!(steps0, [0, 10, 19, 20, 30, 40, 50, 60, 70, 80, 90, 99]);
        let steps1: Vec<i64> = out
            .iter()
            .filter(|(i, _)| *i == 1)
            .map(|(_, p)| p.step)
            .collect();
        assert_eq!(steps1, [10, 19]);
        let out = sample_bulk_interval(&runs, 2500, Some((5, 12)));
        assert_eq!(out.iter().filter(|(i, _)| *i == 0).count(), 8);
        assert_eq!(evenly_spaced(5, 3), [0, 2, 4]);
        assert_eq!(evenly_spaced(4, 3), [0, 2, 3]);
        assert_eq!(evenly_spaced(4, 1), [3]);
    }

    #[tokio::test]
    async fn experiments_round_trip_with_mlflows_error_codes() {
        let (_d, app, _) = app();
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/experiments/create"),
            Some(json!({"name": "e1", "tags": [{"key": "k", "value": "v"}]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let id = v["experiment_id"].as_str().unwrap().to_string();
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/experiments/create"),
            Some(json!({"name": "e1"})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("RESOURCE_ALREADY_EXISTS"))
        );
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/experiments/create"),
            Some(json!({})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
        let (s, v) = call(
            &app,
            "GET",
            &format!("{API}/experiments/get?experiment_id={id}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["experiment"]["name"], "e1");
        assert_eq!(
            v["experiment"]["artifact_location"],
            format!("mlflow-artifacts:/{id}")
        );
        assert_eq!(v["experiment"]["tags"], json!([{"key": "k", "value": "v"}]));
        assert!(v["experiment"]["creation_time"].is_i64());
        let (s, v) = call(
            &app,
            "GET",
            &format!("{API}/experiments/get-by-name?experiment_name=nope"),
            None,
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::NOT_FOUND, Some("RESOURCE_DOES_NOT_EXIST"))
        );
        let (s, _) = call(
            &app,
            "GET",
            &format!("{API}/experiments/get?experiment_id=e1"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // Paging: Default + e1 + 3 more, 2 a page.
        for n in ["e2", "e3", "e4"] {
            call(
                &app,
                "POST",
                &format!("{API}/experiments/create"),
                Some(json!({"name": n})),
            )
            .await;
        }
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"max_results": 2});
            if let Some(t) = &token {
                body["page_token"] = json!(t);
            }
            let (s, v) = call(
                &app,
                "POST",
                &format!("{API}/experiments/search"),
                Some(body),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            for e in v["experiments"].as_array().unwrap() {
                names.push(e["name"].as_str().unwrap().to_string());
            }
            match v["next_page_token"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(names.len(), 5, "{names:?}");
        let (s, v) = call(&app, "GET", &format!("{API}/experiments/search?filter=name+LIKE+%27e%25%27&order_by=name+DESC&max_results=2"), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["experiments"][0]["name"], "e4");
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/experiments/search"),
            Some(json!({"filter": "name ==="})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
        let (s, _) = call(
            &app,
            "POST",
            &format!("{API}/experiments/search"),
            Some(json!({"max_results": 50001})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn runs_log_search_and_history_pages() {
        let (_d, app, _) = app();
        let (s, v) = call(&app, "POST", &format!("{API}/runs/create"), Some(json!({"experiment_id": "0", "run_name": "r", "start_time": "1000", "user_id": "ann", "tags": [{"key": "t", "value": "1"}]}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let run = v["run"]["info"]["run_id"].as_str().unwrap().to_string();
        assert_eq!(
            v["run"]["info"]["artifact_uri"],
            format!("mlflow-artifacts:/0/{run}/artifacts")
        );
        assert_eq!(v["run"]["info"]["status"], "RUNNING");
        assert_eq!(v["run"]["info"]["start_time"], 1000);
        assert_eq!(v["run"]["info"]["user_id"], "ann");
        assert!(v["run"]["info"].get("end_time").is_none());
        let metrics: Vec<_> = (0..25)
            .map(|i| json!({"key": "loss", "value": i, "timestamp": i, "step": i}))
            .collect();
        let (s, v) = call(&app, "POST", &format!("{API}/runs/log-batch"), Some(json!({"run_id": run, "metrics": metrics, "params": [{"key": "lr", "value": "0.1"}]}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/log-parameter"),
            Some(json!({"run_id": run, "key": "lr", "value": "0.2"})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/log-metric"),
            Some(json!({"run_id": run, "key": "acc", "value": "NaN", "timestamp": 5})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/log-metric"),
            Some(json!({"run_id": run, "key": "acc", "value": "high", "timestamp": 5})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
        let too_many: Vec<_> = (0..1001)
            .map(|i| json!({"key": "m", "value": 1, "timestamp": 1, "step": i}))
            .collect();
        let (s, _) = call(
            &app,
            "POST",
            &format!("{API}/runs/log-batch"),
            Some(json!({"run_id": run, "metrics": too_many})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        // History in pages of 10.
        let mut got = Vec::new();
        let mut token = String::new();
        loop {
            let (s, v) = call(&app, "GET", &format!("{API}/metrics/get-history?run_id={run}&metric_key=loss&max_results=10&page_token={token}"), None).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            got.extend(
                v["metrics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m["step"].as_i64().unwrap()),
            );
            match v["next_page_token"].as_str() {
                Some(t) => token = t.replace('=', "%3D"),
                None => break,
            }
        }
        assert_eq!(got, (0..25).collect::<Vec<_>>());
        let (_, v) = call(
            &app,
            "GET",
            &format!("{API}/metrics/get-history?run_id={run}&metric_key=none"),
            None,
        )
        .await;
        assert_eq!(v, json!({}));
        let (s, _) = call(
            &app,
            "GET",
            &format!("{API}/metrics/get-history?run_id={run}&metric_key=loss&max_results=0"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, v) = call(&app, "GET", &format!("{API}/metrics/get-history-bulk-interval?run_ids={run}&metric_key=loss&max_results=5"), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["metrics"][0]["run_id"], run.as_str());
        let (s, _) = call(
            &app,
            "GET",
            &format!(
                "{API}/metrics/get-history-bulk-interval?run_ids={run}&metric_key=loss&start_step=3"
            ),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        // Update, search, delete, restore.
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/update"),
            Some(json!({"run_id": run, "status": "FINISHED", "end_time": 2000, "run_name": "r2"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["run_info"]["status"], "FINISHED");
        assert_eq!(v["run_info"]["end_time"], 2000);
        assert_eq!(v["run_info"]["run_name"], "r2");
        let (s, v) = call(&app, "POST", &format!("{API}/runs/search"), Some(json!({"experiment_ids": ["0"], "filter": "params.lr = '0.1' and metrics.loss > 3"}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["runs"].as_array().unwrap().len(), 1);
        assert_eq!(
            v["runs"][0]["data"]["tags"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["key"] == "mlflow.runName")
                .unwrap()["value"],
            "r2"
        );
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/search"),
            Some(json!({"experiment_ids": ["0"], "filter": "metrics.loss >>> 3"})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
        call(
            &app,
            "POST",
            &format!("{API}/runs/delete"),
            Some(json!({"run_id": run})),
        )
        .await;
        let (_, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/search"),
            Some(json!({"experiment_ids": ["0"]})),
        )
        .await;
        assert_eq!(v, json!({}));
        let (_, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/search"),
            Some(json!({"experiment_ids": ["0"], "run_view_type": "DELETED_ONLY"})),
        )
        .await;
        assert_eq!(v["runs"].as_array().unwrap().len(), 1);
        let (s, _) = call(
            &app,
            "POST",
            &format!("{API}/runs/restore"),
            Some(json!({"run_id": run})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = call(
            &app,
            "GET",
            &format!("{API}/runs/get?run_id=0123456789abcdef0123456789abcdef"),
            None,
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::NOT_FOUND, Some("RESOURCE_DOES_NOT_EXIST"))
        );
    }

    #[tokio::test]
    async fn search_runs_pages_through_every_run_once() {
        let (_d, app, _) = app();
        let mut ids = Vec::new();
        for i in 0..7 {
            let (_, v) = call(
                &app,
                "POST",
                &format!("{API}/runs/create"),
                Some(json!({"experiment_id": "0", "start_time": 1000 + i})),
            )
            .await;
            ids.push(v["run"]["info"]["run_id"].as_str().unwrap().to_string());
        }
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"experiment_ids": ["0"], "max_results": 3, "order_by": ["attributes.start_time ASC"]});
            if let Some(t) = &token {
                body["page_token"] = json!(t);
            }
            let (s, v) = call(&app, "POST", &format!("{API}/runs/search"), Some(body)).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            for r in v["runs"].as_array().unwrap() {
                seen.push(r["info"]["run_id"].as_str().unwrap().to_string());
            }
            match v["next_page_token"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, ids);
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/search"),
            Some(json!({"experiment_ids": ["0"], "page_token": "xyz"})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
    }

    #[tokio::test]
    async fn inputs_outputs_and_model_history_show_in_the_run() {
        let (_d, app, state) = app();
        let (_, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/create"),
            Some(json!({"experiment_id": "0"})),
        )
        .await;
        let run = v["run"]["info"]["run_id"].as_str().unwrap().to_string();
        let ds = json!({"name": "iris", "digest": "abc", "source_type": "code", "source": "{}", "schema": "{}", "profile": "{}"});
        let (s, v) = call(&app, "POST", &format!("{API}/runs/log-inputs"), Some(json!({"run_id": run, "datasets": [{"tags": [{"key": "mlflow.data.context", "value": "Train"}], "dataset": ds}]}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, _) = call(
            &app,
            "POST",
            &format!("{API}/runs/outputs"),
            Some(json!({"run_id": run, "models": [{"model_id": "m-1", "step": 0}]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let model = json!({"run_id": run, "artifact_path": "model", "flavors": {}, "utc_time_created": "now"}).to_string();
        let (s, _) = call(
            &app,
            "POST",
            &format!("{API}/runs/log-model"),
            Some(json!({"run_id": run, "model_json": model})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/log-model"),
            Some(json!({"run_id": run, "model_json": "{}"})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
        // A point naming a logged model of the experiment goes to the model too.
        let model_dir = state.store.tracking().join("0/models/m-1");
        std::fs::create_dir_all(&model_dir).unwrap();
        std::fs::write(model_dir.join("meta.yaml"), "model_id: m-1\n").unwrap();
        let body = json!({"run_id": run, "key": "acc", "value": 0.5, "timestamp": 7, "step": 1,
            "model_id": "m-1", "dataset_name": "iris", "dataset_digest": "abc"});
        let (s, _) = call(&app, "POST", &format!("{API}/runs/log-metric"), Some(body)).await;
        assert_eq!(s, StatusCode::OK);
        let line = std::fs::read_to_string(model_dir.join("metrics/acc")).unwrap();
        assert_eq!(line, format!("7 0.5 1 {run} iris abc\n"));
        let (_, v) = call(&app, "GET", &format!("{API}/runs/get?run_id={run}"), None).await;
        assert_eq!(v["run"]["data"]["metrics"][0]["value"], 0.5);
        assert_eq!(v["run"]["inputs"]["dataset_inputs"][0]["dataset"], ds);
        assert_eq!(
            v["run"]["inputs"]["dataset_inputs"][0]["tags"][0]["value"],
            "Train"
        );
        assert_eq!(
            v["run"]["outputs"]["model_outputs"],
            json!([{"model_id": "m-1", "step": 0}])
        );
        let tags = v["run"]["data"]["tags"].as_array().unwrap();
        assert!(tags.iter().any(|t| t["key"] == "mlflow.log-model.history"));
    }

    #[tokio::test]
    async fn bad_requests_are_4xx_with_a_code() {
        let (_d, app, _) = app();
        let body = json!({"name": "gone"});
        let (_, v) = call(
            &app,
            "POST",
            &format!("{API}/experiments/create"),
            Some(body),
        )
        .await;
        let gone = v["experiment_id"].as_str().unwrap().to_string();
        let body = json!({"experiment_id": gone});
        call(
            &app,
            "POST",
            &format!("{API}/experiments/delete"),
            Some(body.clone()),
        )
        .await;
        let (s, v) = call(&app, "POST", &format!("{API}/runs/create"), Some(body)).await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_STATE"))
        );
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/create"),
            Some(json!({"experiment_id": "0", "start_time": "soon"})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/create"),
            Some(json!({"experiment_id": "999"})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::NOT_FOUND, Some("RESOURCE_DOES_NOT_EXIST"))
        );
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/update"),
            Some(json!({"run_id": "x", "status": "DONE"})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
        let (s, v) = call(
            &app,
            "POST",
            &format!("{API}/runs/log-batch"),
            Some(json!({"metrics": []})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
        let (s, _) = call(&app, "GET", &format!("{API}/runs/create"), None).await;
        assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    }
}
