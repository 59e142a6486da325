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

/// `{"runs": [Run, ...]}` as [`run`] gives each, pretty-printed with a trailing newline, the
/// same text as [`super::to_json`] of those values, written straight from the runs: no tree of
/// values is built (on the 2,000-run bench store's 332 runs, about a third of what the JSON
/// search spends after reading). Fields are in the order a value tree prints them (sorted).
pub fn runs_document(runs: &[Run]) -> String {
    use serde::Serialize;

    #[derive(Serialize)]
    struct Doc<'a> {
        runs: Vec<RunJ<'a>>,
    }
    #[derive(Serialize)]
    struct RunJ<'a> {
        data: Data<'a>,
        info: Info<'a>,
    }
    #[derive(Serialize)]
    struct Data<'a> {
        metrics: Vec<MetricJ<'a>>,
        params: Vec<Kv<'a>>,
        tags: Vec<Kv<'a>>,
    }
    #[derive(Serialize)]
    struct Kv<'a> {
        key: &'a str,
        value: &'a str,
    }
    #[derive(Serialize)]
    struct MetricJ<'a> {
        key: &'a str,
        step: i64,
        timestamp: i64,
        #[serde(serialize_with = "crate::proto::ser::f64")]
        value: f64,
    }
    #[derive(Serialize)]
    struct Info<'a> {
        artifact_uri: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        end_time: Option<i64>,
        experiment_id: &'a str,
        lifecycle_stage: &'a str,
        run_id: &'a str,
        run_name: &'a str,
        run_uuid: &'a str,
        start_time: i64,
        status: &'a str,
        user_id: &'a str,
    }
    fn kv(m: &BTreeMap<String, String>) -> Vec<Kv<'_>> {
        m.iter()
            .map(|(k, v)| Kv {
                key: k.as_str(),
                value: v.as_str(),
            })
            .collect()
    }
    let doc = Doc {
        runs: runs
            .iter()
            .map(|r| RunJ {
                data: Data {
                    metrics: r
                        .metrics
                        .iter()
                        .map(|(k, p)| MetricJ {
                            key: k.as_str(),
                            step: p.step,
                            timestamp: p.timestamp,
                            value: p.value,
                        })
                        .collect(),
                    params: kv(&r.params),
                    tags: kv(&r.tags),
                },
                info: Info {
                    artifact_uri: &r.info.artifact_uri,
                    end_time: r.info.end_time,
                    experiment_id: &r.info.experiment_id,
                    lifecycle_stage: r.info.lifecycle_stage.as_str(),
                    run_id: &r.info.run_id,
                    run_name: &r.info.run_name,
                    run_uuid: &r.info.run_id,
                    start_time: r.info.start_time,
                    status: r.info.status.as_str(),
                    user_id: &r.info.user_id,
                },
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "null".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::{Lifecycle, RunStatus};

    #[test]
    fn runs_document_is_the_text_of_the_value_tree() {
        let mut a = crate::entities::test_run("a1", 0, &[], &[]);
        a.info.run_name = "quote \" and \\ and \u{e9} and \n".into();
        a.info.experiment_id = "7".into();
        a.info.status = RunStatus::Failed;
        a.info.lifecycle_stage = Lifecycle::Deleted;
        a.info.start_time = -5;
        a.info.artifact_uri = "file:///x y/artifacts".into();
        for (i, v) in [
            0.1,
            1.0,
            -0.0,
            1e300,
            5e-324,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            123456789.0,
        ]
        .into_iter()
        .enumerate()
        {
            a.metrics.insert(
                format!("m{i}"),
                MetricPoint {
                    timestamp: i as i64 * 1000,
                    value: v,
                    step: -(i as i64),
                },
            );
        }
        a.params.insert("lr".into(), "0.01".into());
        a.tags
            .insert("mlflow.note.content".into(), "# title\n\tx".into());
        let mut b = crate::entities::test_run("b2", 3, &[("x", 2.5)], &[("p", "")]);
        b.info.end_time = Some(1_700_000_000_000);
        for runs in [vec![], vec![a.clone()], vec![a, b]] {
            let tree = serde_json::json!({"runs": runs.iter().map(run).collect::<Vec<_>>()});
            assert_eq!(runs_document(&runs), super::super::to_json(&tree));
        }
    }
}
