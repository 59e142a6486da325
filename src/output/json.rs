//! JSON shapes, following MLflow's REST API (`service.proto`) so tools written against it can
//! read mlt's output. NaN and the infinities are the strings "NaN", "Infinity", "-Infinity".

use crate::entities::{
    Experiment, MetricPoint, ModelVersion, RegisteredModel, Run, RunInfo, json_f64,
};
use crate::store::ArtifactEntry;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn key_values(m: &BTreeMap<String, String>) -> Value {
    Value::Array(
        m.iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect(),
    )
}

/// An `Experiment` message.
pub fn experiment(e: &Experiment) -> Value {
    let mut v = json!({
        "experiment_id": e.experiment_id,
        "name": e.name,
        "artifact_location": e.artifact_location,
        "lifecycle_stage": e.lifecycle_stage.as_str(),
        "tags": key_values(&e.tags),
    });
    if let Some(t) = e.creation_time {
        v["creation_time"] = t.into();
    }
    if let Some(t) = e.last_update_time {
        v["last_update_time"] = t.into();
    }
    v
}

/// A `RunInfo` message (with MLflow's deprecated `run_uuid` alias).
pub fn run_info(i: &RunInfo) -> Value {
    let mut v = json!({
        "run_id": i.run_id,
        "run_uuid": i.run_id,
        "run_name": i.run_name,
        "experiment_id": i.experiment_id,
        "user_id": i.user_id,
        "status": i.status.as_str(),
        "start_time": i.start_time,
        "artifact_uri": i.artifact_uri,
        "lifecycle_stage": i.lifecycle_stage.as_str(),
    });
    if let Some(t) = i.end_time {
        v["end_time"] = t.into();
    }
    v
}

/// A `Metric` message.
pub fn metric(key: &str, p: &MetricPoint) -> Value {
    json!({"key": key, "value": json_f64(p.value), "timestamp": p.timestamp, "step": p.step})
}

/// A `Run` message: `{"info": ..., "data": {"metrics", "params", "tags"}}`.
pub fn run(r: &Run) -> Value {
    json!({
        "info": run_info(&r.info),
        "data": {
            "metrics": r.metrics.iter().map(|(k, p)| metric(k, p)).collect::<Vec<_>>(),
            "params": key_values(&r.params),
            "tags": key_values(&r.tags),
        },
    })
}

/// A `FileInfo` message.
pub fn file_info(a: &ArtifactEntry) -> Value {
    let mut v = json!({"path": a.path, "is_dir": a.is_dir});
    if let Some(s) = a.size {
        v["file_size"] = s.into();
    }
    v
}

/// A `RegisteredModel` message, with the latest version per stage as MLflow returns it.
pub fn registered_model(m: &RegisteredModel, latest_versions: &[ModelVersion]) -> Value {
    json!({
        "name": m.name,
        "creation_timestamp": m.creation_timestamp,
        "last_updated_timestamp": m.last_updated_timestamp,
        "description": m.description,
        "tags": key_values(&m.tags),
        "aliases": m.aliases.iter().map(|(a, v)| json!({"alias": a, "version": v.to_string()})).collect::<Vec<_>>(),
        "latest_versions": latest_versions.iter().map(model_version).collect::<Vec<_>>(),
    })
}

/// A `ModelVersion` message (the version number is a string there, as in MLflow's API).
pub fn model_version(v: &ModelVersion) -> Value {
    json!({
        "name": v.name,
        "version": v.version.to_string(),
        "creation_timestamp": v.creation_timestamp,
        "last_updated_timestamp": v.last_updated_timestamp,
        "current_stage": v.current_stage.as_str(),
        "description": v.description,
        "source": v.source,
        "run_id": v.run_id,
        "run_link": v.run_link,
        "status": v.status,
        "status_message": v.status_message,
        "storage_location": v.storage_location,
        "model_id": v.model_id,
        "tags": key_values(&v.tags),
        "aliases": v.aliases,
    })
}
