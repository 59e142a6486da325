//! The folder layout of the mlflow-export-import tool (`export-experiments`), so a team can
//! move on to an MLflow server with that tool's `import-experiments`:
//!
//! ```text
//! experiments.json                      {"system", "info", "mlflow": {"experiments": [{id, name, ok_runs, failed_runs}]}}
//! <experiment id>/experiment.json       {"system", "info", "mlflow": {"experiment": {...}, "runs": [run ids]}}
//! <experiment id>/runs/<run id>/run.json  {"system", "mlflow": {"info", "params", "metrics": {key: [points]}, "tags", "inputs"}}
//! <experiment id>/runs/<run id>/artifacts/...
//! ```
//!
//! As the tool writes them with Python's `json`: NaN and infinities are the bare tokens
//! `NaN`, `Infinity` and `-Infinity`, and times also come as `_start_time` strings.

use super::export_import_layout as names;
use crate::entities::{Experiment, View};
use crate::store::{self, RunHandle, Store, TransferScope};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// What the export wrote: experiments, runs.
pub struct Written {
    pub experiments: u64,
    pub runs: u64,
    pub artifacts: u64,
}

fn ts(ms: Option<i64>) -> Value {
    match ms.and_then(|m| chrono::DateTime::from_timestamp_millis((m + 500) / 1000 * 1000)) {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string().into(),
        None => Value::Null,
    }
}

/// Python's `json.dumps(indent=2)`, with the non-finite floats it writes.
struct Writer {
    /// Stands in for non-finite numbers until the text is written.
    marker: String,
}

impl Writer {
    fn number(&self, v: f64) -> Value {
        if v.is_finite() {
            json!(v)
        } else {
            let t = if v.is_nan() {
                "NaN"
            } else if v > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            };
            format!("{}{t}", self.marker).into()
        }
    }

    fn write(&self, path: &Path, v: &Value) -> store::Result<()> {
        let mut text = serde_json::to_string_pretty(v).expect("JSON serializes");
        for t in ["NaN", "-Infinity", "Infinity"] {
            text = text.replace(&format!("\"{}{t}\"", self.marker), t);
        }
        text.push('\n');
        store::fs::write_atomic(path, text.as_bytes())
    }

    /// One of the tool's files: `system` (who wrote it, when), its `info` when it has one,
    /// and the `mlflow` part.
    fn write_export_file(
        &self,
        path: &Path,
        info: Option<Value>,
        mlflow: Value,
    ) -> store::Result<()> {
        let mut v = json!({"system": system(), "mlflow": mlflow});
        if let Some(info) = info {
            v["info"] = info;
        }
        self.write(path, &v)
    }
}

fn system() -> Value {
    let now = crate::env::now_ms();
    json!({
        "package_version": format!("mlt {}", env!("CARGO_PKG_VERSION")),
        "script": "mlt export --format mlflow-export-import",
        "export_file_version": "2",
        "export_time": now / 1000,
        "_export_time": ts(Some(now)),
        "mlflow_version": Value::Null,
        "mlflow_tracking_uri": Value::Null,
        "user": crate::env::user(),
    })
}

fn experiment_json(e: &Experiment) -> Value {
    json!({
        "experiment_id": e.experiment_id,
        "name": e.name,
        "artifact_location": e.artifact_location,
        "lifecycle_stage": e.lifecycle_stage.as_str(),
        "tags": e.tags,
        "creation_time": e.creation_time,
        "last_update_time": e.last_update_time,
        "_creation_time": ts(e.creation_time),
        "_last_update_time": ts(e.last_update_time),
    })
}

/// Writes the selection's experiments (all their runs in `view`) and single runs into `dest`,
/// a new folder, built aside and renamed into place. Runs are grouped under their experiments.
/// (Registered models are not part of this layout.)
pub fn write(
    store: &Store,
    sel: &TransferScope,
    view: View,
    dest: &Path,
) -> store::Result<Written> {
    if dest.exists() {
        return Err(store::Error::Conflict(format!(
            "{} already exists; remove it or choose another name",
            dest.display()
        )));
    }
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    super::reap_abandoned(&parent, super::EXPORT_SCRATCH);
    let building = store::fs::Scratch::new_in(&parent, super::EXPORT_SCRATCH)?;
    let root = building.path().join("out");
    let written = write_into(store, sel, view, &root)?;
    std::fs::rename(&root, dest).map_err(|source| store::Error::Io {
        path: dest.to_path_buf(),
        source,
    })?;
    Ok(written)
}

fn write_into(
    store: &Store,
    sel: &TransferScope,
    view: View,
    dest: &Path,
) -> store::Result<Written> {
    let (experiments, runs) = (&sel.experiments, &sel.runs);
    store::fs::create_dir_all(dest)?;
    let w = Writer {
        marker: format!("mlt-{}-", uuid::Uuid::new_v4().simple()),
    };
    let mut groups: BTreeMap<String, (Experiment, Vec<RunHandle>)> = BTreeMap::new();
    let everything = experiments.is_empty() && runs.is_empty();
    let exps = if everything {
        store.list_experiments(View::All)?
    } else {
        experiments
            .iter()
            .map(|e| store.experiment(e))
            .collect::<store::Result<_>>()?
    };
    for e in exps {
        let handles = store.list_runs(&e, view)?;
        groups.insert(e.experiment_id.clone(), (e, handles));
    }
    for id in runs {
        let h = store.find_run(id)?;
        let e = store.experiment(&h.info.experiment_id)?;
        let entry = groups
            .entry(e.experiment_id.clone())
            .or_insert_with(|| (e, Vec::new()));
        if !entry.1.iter().any(|x| x.info.run_id == h.info.run_id) {
            entry.1.push(h);
        }
    }
    let mut out = Written {
        experiments: 0,
        runs: 0,
        artifacts: 0,
    };
    let mut results = Vec::new();
    for (id, (e, handles)) in &groups {
        let exp_dir = names::experiment(dest, id);
        let mut ids = Vec::new();
        for h in handles {
            let run = store.read_run(h)?;
            let mut metrics = serde_json::Map::new();
            for key in run.metrics.keys() {
                let mut points: Vec<Value> = Vec::new();
                for p in store.metric_points(h, key)? {
                    let p = p?;
                    points.push(
                        json!({"value": w.number(p.value), "timestamp": p.timestamp, "step": p.step}),
                    );
                }
                metrics.insert(key.clone(), points.into());
            }
            let i = &run.info;
            let mut info = crate::output::json::run_info(i);
            info["end_time"] = json!(i.end_time);
            info["_start_time"] = ts(Some(i.start_time));
            info["_end_time"] = ts(i.end_time);
            let run_dir = names::run(&exp_dir, &i.run_id);
            w.write_export_file(
                &run_dir.join(names::RUN_JSON),
                None,
                json!({
                    "info": info,
                    "params": run.params,
                    "metrics": metrics,
                    "tags": run.tags,
                    "inputs": {"dataset_inputs": []},
                }),
            )?;
            let files = store.list_artifacts(h, None).unwrap_or_default();
            if files.iter().any(|f| !f.is_dir) {
                store.download_artifacts(h, None, &run_dir.join(names::ARTIFACTS))?;
                out.artifacts += files.iter().filter(|f| !f.is_dir).count() as u64;
            }
            ids.push(i.run_id.clone());
            out.runs += 1;
        }
        w.write_export_file(
            &exp_dir.join(names::EXPERIMENT_JSON),
            Some(json!({
                "num_total_runs": ids.len(),
                "num_ok_runs": ids.len(),
                "num_failed_runs": 0,
                "failed_runs": [],
            })),
            json!({"experiment": experiment_json(e), "runs": ids}),
        )?;
        results.push(json!({
            "id": e.experiment_id, "name": e.name, "ok_runs": ids.len(), "failed_runs": 0,
        }));
        out.experiments += 1;
    }
    w.write_export_file(
        &dest.join(names::EXPERIMENTS_JSON),
        Some(json!({
            "experiment_names": groups.values().map(|(e, _)| e.name.clone()).collect::<Vec<_>>(),
            "status": {"experiments": out.experiments, "total_runs": out.runs, "ok_runs": out.runs, "failed_runs": 0},
        })),
        json!({"experiments": results}),
    )?;
    Ok(out)
}
