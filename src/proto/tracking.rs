//! The tracking service's messages (`mlflow/protos/service.proto`; field names as in
//! `service_pb2.pyi`). Requests read protobuf's lenient JSON ([`super::de`]); responses leave
//! out unset fields and empty lists, with int64 as numbers and enums as names.

use super::{de, ser};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------- entities

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Metric {
    #[serde(default)]
    pub key: String,
    #[serde(default, deserialize_with = "de::f64", serialize_with = "ser::f64")]
    pub value: f64,
    #[serde(default, deserialize_with = "de::i64")]
    pub timestamp: i64,
    #[serde(default, deserialize_with = "de::i64")]
    pub step: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_digest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
}

/// A key and a value: `Param`, `RunTag`, `ExperimentTag`, `InputTag`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct KeyValue {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Experiment {
    pub experiment_id: String,
    pub name: String,
    pub artifact_location: String,
    pub lifecycle_stage: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "de::opt_i64")]
    pub last_update_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "de::opt_i64")]
    pub creation_time: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<KeyValue>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RunInfo {
    pub run_id: String,
    pub run_uuid: String,
    pub run_name: String,
    pub experiment_id: String,
    pub user_id: String,
    pub status: String,
    #[serde(deserialize_with = "de::i64")]
    pub start_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "de::opt_i64")]
    pub end_time: Option<i64>,
    pub artifact_uri: String,
    pub lifecycle_stage: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RunData {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<KeyValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<KeyValue>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct Dataset {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct DatasetInput {
    #[serde(
        default,
        deserialize_with = "de::many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<KeyValue>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<Dataset>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct ModelInput {
    #[serde(default)]
    pub model_id: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct ModelOutput {
    #[serde(default)]
    pub model_id: String,
    #[serde(default, deserialize_with = "de::i64")]
    pub step: i64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RunInputs {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dataset_inputs: Vec<DatasetInput>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub model_inputs: Vec<ModelInput>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RunOutputs {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub model_outputs: Vec<ModelOutput>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Run {
    pub info: RunInfo,
    pub data: RunData,
    pub inputs: RunInputs,
    pub outputs: RunOutputs,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricWithRunId {
    pub key: String,
    #[serde(deserialize_with = "de::f64", serialize_with = "ser::f64")]
    pub value: f64,
    #[serde(deserialize_with = "de::i64")]
    pub timestamp: i64,
    #[serde(deserialize_with = "de::i64")]
    pub step: i64,
    pub run_id: String,
}

// ---------------------------------------------------------------- experiments

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CreateExperiment {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_location: Option<String>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<KeyValue>,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct CreateExperimentResponse {
    pub experiment_id: String,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SearchExperiments {
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(default, deserialize_with = "de::strings")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order_by: Vec<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view_type: Option<ViewType>,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct SearchExperimentsResponse {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub experiments: Vec<Experiment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// MLflow's `ViewType`, by name or number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewType {
    ActiveOnly,
    DeletedOnly,
    All,
}

impl Serialize for ViewType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            ViewType::ActiveOnly => "ACTIVE_ONLY",
            ViewType::DeletedOnly => "DELETED_ONLY",
            ViewType::All => "ALL",
        })
    }
}

impl<'de> Deserialize<'de> for ViewType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ViewType, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let name = match &v {
            serde_json::Value::String(s) => s.to_ascii_uppercase(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        match name.as_str() {
            "ACTIVE_ONLY" | "1" => Ok(ViewType::ActiveOnly),
            "DELETED_ONLY" | "2" => Ok(ViewType::DeletedOnly),
            "ALL" | "3" => Ok(ViewType::All),
            _ => Err(serde::de::Error::custom(format!(
                "{v} is not a view type (ACTIVE_ONLY, DELETED_ONLY, ALL)"
            ))),
        }
    }
}

/// A message that names one experiment.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ExperimentId {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct GetExperimentByName {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment_name: Option<String>,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct ExperimentResponse {
    pub experiment: Experiment,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct UpdateExperiment {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_name: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SetExperimentTag {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DeleteExperimentTag {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

// ---------------------------------------------------------------- runs

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CreateRun {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<KeyValue>,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct RunResponse {
    pub run: Run,
}

/// A message that names one run (`run_id`, or the old `run_uuid`).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RunId {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_uuid: Option<String>,
}

impl RunId {
    pub fn get(&self) -> Option<&str> {
        pick(&self.run_id, &self.run_uuid)
    }
}

fn pick<'a>(a: &'a Option<String>, b: &'a Option<String>) -> Option<&'a str> {
    a.as_deref()
        .filter(|s| !s.is_empty())
        .or(b.as_deref().filter(|s| !s.is_empty()))
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct UpdateRun {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_uuid: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_name: Option<String>,
}

impl UpdateRun {
    pub fn run(&self) -> Option<&str> {
        pick(&self.run_id, &self.run_uuid)
    }
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct UpdateRunResponse {
    pub run_info: RunInfo,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LogMetric {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_uuid: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<i64>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_name: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_digest: Option<String>,
}

impl LogMetric {
    pub fn run(&self) -> Option<&str> {
        pick(&self.run_id, &self.run_uuid)
    }
}

/// `LogParam` and `SetTag`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RunKeyValue {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_uuid: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl RunKeyValue {
    pub fn run(&self) -> Option<&str> {
        pick(&self.run_id, &self.run_uuid)
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DeleteTag {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SearchRuns {
    #[serde(default, deserialize_with = "de::strings")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub experiment_ids: Vec<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_view_type: Option<ViewType>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    #[serde(default, deserialize_with = "de::strings")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order_by: Vec<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct SearchRunsResponse {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<Run>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LogBatch {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<KeyValue>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<KeyValue>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LogModel {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_json: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LogInputs {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<DatasetInput>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<ModelInput>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LogOutputs {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<ModelOutput>,
}

// ---------------------------------------------------------------- metrics

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct GetMetricHistory {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_uuid: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_key: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
}

impl GetMetricHistory {
    pub fn run(&self) -> Option<&str> {
        pick(&self.run_id, &self.run_uuid)
    }
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct GetMetricHistoryResponse {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct GetMetricHistoryBulkInterval {
    #[serde(default, deserialize_with = "de::strings")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub run_ids: Vec<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_key: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_step: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_step: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct GetMetricHistoryBulkIntervalResponse {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<MetricWithRunId>,
}

/// A run's dataset input as the store reads it, as MLflow's message.
impl From<crate::store::dataset::DatasetInput> for DatasetInput {
    fn from(d: crate::store::dataset::DatasetInput) -> DatasetInput {
        DatasetInput {
            tags: d
                .tags
                .into_iter()
                .map(|(key, value)| KeyValue { key, value })
                .collect(),
            dataset: Some(Dataset {
                name: Some(d.dataset.name),
                digest: Some(d.dataset.digest),
                source_type: Some(d.dataset.source_type),
                source: Some(d.dataset.source),
                schema: d.dataset.schema,
                profile: d.dataset.profile,
            }),
        }
    }
}
