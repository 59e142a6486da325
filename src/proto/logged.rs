//! The MLflow 3 logged-model messages (`service.proto`: `LoggedModel`, `LoggedModelInfo`,
//! `LoggedModelData`, `CreateLoggedModel`, `FinalizeLoggedModel`, `SearchLoggedModels`,
//! `SetLoggedModelTags`, `LogLoggedModelParamsRequest`, `ListLoggedModelArtifacts`).

use super::{de, ser};
use crate::store::logged_write::LoggedModelRecord;
use serde::{Deserialize, Serialize};

/// A key and a value (`LoggedModelTag`, `LoggedModelParameter`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct KeyValue {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct LoggedModel {
    pub info: LoggedModelInfo,
    pub data: LoggedModelData,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct LoggedModelInfo {
    pub model_id: String,
    pub experiment_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "de::opt_i64")]
    pub creation_timestamp_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "de::opt_i64")]
    pub last_updated_timestamp_ms: Option<i64>,
    pub artifact_uri: String,
    /// `LoggedModelStatus` by name (`LOGGED_MODEL_READY`).
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_run_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<KeyValue>,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct LoggedModelData {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<KeyValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
}

/// `Metric`, as a logged model carries it.
#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct Metric {
    pub key: String,
    #[serde(deserialize_with = "de::f64", serialize_with = "ser::f64")]
    pub value: f64,
    #[serde(deserialize_with = "de::i64")]
    pub timestamp: i64,
    #[serde(deserialize_with = "de::i64")]
    pub step: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_digest: Option<String>,
    pub model_id: String,
    pub run_id: String,
}

/// The proto enum name of a `LoggedModelStatus` int.
pub fn status_enum(status: i64) -> &'static str {
    match status {
        1 => "LOGGED_MODEL_PENDING",
        2 => "LOGGED_MODEL_READY",
        3 => "LOGGED_MODEL_UPLOAD_FAILED",
        _ => "LOGGED_MODEL_STATUS_UNSPECIFIED",
    }
}

/// A status a client sent: the enum's name or its number.
pub fn status_from(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => match s.as_str() {
            "LOGGED_MODEL_STATUS_UNSPECIFIED" => Some(0),
            "LOGGED_MODEL_PENDING" => Some(1),
            "LOGGED_MODEL_READY" => Some(2),
            "LOGGED_MODEL_UPLOAD_FAILED" => Some(3),
            s => s.parse().ok(),
        },
        _ => None,
    }
    .filter(|s| (0..=3).contains(s))
}

impl LoggedModel {
    /// The message for a stored model, with its artifact location as clients see it.
    pub fn from_record(m: LoggedModelRecord, artifact_uri: String) -> LoggedModel {
        let kv = |map: std::collections::BTreeMap<String, String>| {
            map.into_iter()
                .map(|(key, value)| KeyValue { key, value })
                .collect()
        };
        let metrics = m
            .metrics
            .into_iter()
            .map(|x| Metric {
                key: x.key,
                value: x.value,
                timestamp: x.timestamp,
                step: x.step,
                dataset_name: x.dataset_name,
                dataset_digest: x.dataset_digest,
                model_id: m.model_id.clone(),
                run_id: x.run_id,
            })
            .collect();
        LoggedModel {
            info: LoggedModelInfo {
                model_id: m.model_id.clone(),
                experiment_id: m.experiment_id,
                name: m.name,
                creation_timestamp_ms: m.creation_timestamp,
                last_updated_timestamp_ms: m.last_updated_timestamp,
                artifact_uri,
                status: status_enum(m.status).to_string(),
                model_type: m.model_type.filter(|t| !t.is_empty()),
                source_run_id: m.source_run_id.filter(|t| !t.is_empty()),
                status_message: m.status_message.filter(|t| !t.is_empty()),
                tags: kv(m.tags),
            },
            data: LoggedModelData {
                params: kv(m.params),
                metrics,
            },
        }
    }
}

/// `{"model": ...}`: the answer of create, get and finalize.
#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct ModelResponse {
    pub model: LoggedModel,
}

#[derive(Debug, Deserialize, Default, Serialize)]
#[serde(default)]
pub struct CreateLoggedModel {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_type: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_run_id: Option<String>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<KeyValue>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<KeyValue>,
}

#[derive(Debug, Deserialize, Default, Serialize)]
#[serde(default)]
pub struct FinalizeLoggedModel {
    /// Also in the path; MLflow's server requires it in the body too.
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, Default, Serialize)]
#[serde(default)]
pub struct GetLoggedModel {
    #[serde(default, deserialize_with = "de::opt_bool")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_deleted: Option<bool>,
}

#[derive(Debug, Deserialize, Default, Serialize)]
#[serde(default)]
pub struct SetTags {
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<KeyValue>,
}

#[derive(Debug, Deserialize, Default, Serialize)]
#[serde(default)]
pub struct LogParams {
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<KeyValue>,
}

#[derive(Debug, Deserialize, Default, Serialize)]
#[serde(default)]
pub struct Dataset {
    pub dataset_name: String,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_digest: Option<String>,
}

#[derive(Debug, Deserialize, Default, Serialize)]
#[serde(default)]
pub struct OrderBy {
    pub field_name: String,
    #[serde(default, deserialize_with = "de::opt_bool")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ascending: Option<bool>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_name: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_digest: Option<String>,
}

#[derive(Debug, Deserialize, Default, Serialize)]
#[serde(default)]
pub struct SearchLoggedModels {
    #[serde(default, deserialize_with = "de::strings")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub experiment_ids: Vec<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<Dataset>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order_by: Vec<OrderBy>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct SearchResponse {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<LoggedModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize, Default, Serialize)]
#[serde(default)]
pub struct ListLoggedModelArtifacts {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_directory_path: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

#[derive(Debug, Deserialize, Default, Serialize)]
#[serde(default)]
pub struct GetArtifactFile {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_file_path: Option<String>,
}
