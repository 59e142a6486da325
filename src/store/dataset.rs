//! A run's inputs and outputs (MLflow 3), in MLflow's file-store layout (spec §1.9,
//! `FileStore.log_inputs` / `log_outputs` / `record_logged_model`):
//! - a dataset once per experiment: `<exp>/datasets/<md5(name + digest)>/meta.yaml`;
//! - its link to a run: `<run>/inputs/<md5(dataset_id + run_id)>/meta.yaml` (`source_type:
//!   DATASET`, the input's tags as a mapping);
//! - a logged model as input: `<run>/inputs/<md5(model_id + run_id)>/meta.yaml` (`MODEL`);
//! - a logged model as output: `<run>/outputs/<model_id>/meta.yaml` (`MODEL_OUTPUT`, step).
//!
//! An existing dataset or link folder is never rewritten, as MLflow does.

use super::fs::{self, IoContext};
use super::yaml::{parse_tree, tree_to_yaml};
use super::{Entity, Error, Result, RunHandle, Store, layout};
use crate::entities::{Lifecycle, tags};
use serde_json::{Value, json};
use std::path::Path;

/// MLflow's limits (`mlflow/utils/validation.py`).
pub const MAX_DATASET_NAME: usize = 500;
pub const MAX_DATASET_DIGEST: usize = 36;
pub const MAX_DATASET_SOURCE: usize = 65535;
pub const MAX_DATASET_SCHEMA: usize = 1048575;
pub const MAX_DATASET_PROFILE: usize = 16777215;
pub const MAX_INPUT_TAG_KEY: usize = 255;
pub const MAX_INPUT_TAG_VALUE: usize = 500;
pub const MAX_DATASETS_PER_BATCH: usize = 1000;

/// A dataset as MLflow records it (`mlflow.entities.Dataset`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dataset {
    pub name: String,
    pub digest: String,
    pub source_type: String,
    pub source: String,
    pub schema: Option<String>,
    pub profile: Option<String>,
}

/// A dataset used by a run, with the input's tags (`mlflow.data.context`: Train, ...).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DatasetInput {
    pub dataset: Dataset,
    pub tags: Vec<(String, String)>,
}

/// What a run's `inputs/` and `outputs/` folders record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunIo {
    pub datasets: Vec<DatasetInput>,
    pub model_inputs: Vec<String>,
    /// (model id, step)
    pub model_outputs: Vec<(String, i64)>,
}

impl Dataset {
    /// MLflow's `_validate_dataset`.
    pub fn validate(&self) -> Result<()> {
        let fields = [
            ("name", &self.name, MAX_DATASET_NAME),
            ("digest", &self.digest, MAX_DATASET_DIGEST),
            ("source", &self.source, MAX_DATASET_SOURCE),
        ];
        for (what, v, max) in fields {
            if v.is_empty() && what != "source" {
                return Err(Error::Invalid(format!("Dataset {what} cannot be None")));
            }
            if v.chars().count() > max {
                return Err(Error::Invalid(format!(
                    "'{what}' exceeds the maximum length of {max} characters"
                )));
            }
        }
        if self.source_type.is_empty() {
            return Err(Error::Invalid("Dataset source_type cannot be None".into()));
        }
        for (what, v, max) in [
            ("schema", &self.schema, MAX_DATASET_SCHEMA),
            ("profile", &self.profile, MAX_DATASET_PROFILE),
        ] {
            if let Some(v) = v
                && v.chars().count() > max
            {
                return Err(Error::Invalid(format!(
                    "'{what}' exceeds the maximum length of {max} characters"
                )));
            }
        }
        Ok(())
    }

    /// `md5(name + digest)`, MLflow's dataset id.
    pub fn id(&self) -> String {
        md5_hex(format!("{}{}", self.name, self.digest).as_bytes())
    }

    fn to_tree(&self) -> Value {
        json!({
            "digest": self.digest,
            "name": self.name,
            "profile": self.profile,
            "schema": self.schema,
            "source": self.source,
            "source_type": self.source_type,
        })
    }

    fn from_tree(t: &Value) -> Dataset {
        let s = |k: &str| t.get(k).and_then(Value::as_str).map(str::to_string);
        Dataset {
            name: s("name").unwrap_or_default(),
            digest: s("digest").unwrap_or_default(),
            source_type: s("source_type").unwrap_or_default(),
            source: s("source").unwrap_or_default(),
            schema: s("schema"),
            profile: s("profile"),
        }
    }
}

pub(super) fn validate_input_tags(tags: &[(String, String)]) -> Result<()> {
    for (k, v) in tags {
        if k.chars().count() > MAX_INPUT_TAG_KEY {
            return Err(Error::Invalid(format!(
                "'key' exceeds the maximum length of {MAX_INPUT_TAG_KEY} characters"
            )));
        }
        if v.chars().count() > MAX_INPUT_TAG_VALUE {
            return Err(Error::Invalid(format!(
                "'value' exceeds the maximum length of {MAX_INPUT_TAG_VALUE} characters"
            )));
        }
    }
    Ok(())
}

fn active(h: &RunHandle) -> Result<()> {
    if h.info.lifecycle_stage == Lifecycle::Deleted {
        return Err(Error::deleted_run(&h.info.run_id));
    }
    Ok(())
}

/// Writes `tree` as `<dir>/meta.yaml` unless `dir` exists already (MLflow never rewrites it).
fn write_once(base: &Path, dir: &Path, tree: &Value) -> Result<()> {
    fs::check_no_link(base, dir)?;
    if dir.exists() {
        return Ok(());
    }
    fs::create_dir_all(dir)?;
    fs::write_atomic(&layout::meta(dir), tree_to_yaml(tree).as_bytes())
}

fn read_meta(base: &Path, dir: &Path) -> Option<Value> {
    let path = layout::meta(dir);
    if !fs::plain_file(base, &path) {
        return None;
    }
    parse_tree(&fs::read_to_string(&path).ok()?).ok()
}

impl Store {
    /// Records datasets and logged models as inputs of an active run (`log_inputs`).
    pub fn log_inputs(
        &self,
        run_id: &str,
        datasets: &[DatasetInput],
        models: &[String],
    ) -> Result<()> {
        if datasets.len() > MAX_DATASETS_PER_BATCH {
            return Err(Error::Invalid(format!(
                "a request may log at most {MAX_DATASETS_PER_BATCH} datasets, this one has {}",
                datasets.len()
            )));
        }
        for d in datasets {
            d.dataset.validate()?;
            validate_input_tags(&d.tags)?;
        }
        let h = self.find_run(run_id)?;
        active(&h)?;
        let exp_dir = self
            .experiment_dir(&h.info.experiment_id)
            .ok_or_else(|| Error::missing(Entity::Experiment, &h.info.experiment_id))?;
        let _lock = self.lock()?;
        write_inputs(&exp_dir, &h.dir, run_id, datasets, models)
    }

    /// Records logged models as outputs of an active run (`log_outputs`).
    pub fn log_outputs(&self, run_id: &str, models: &[(String, i64)]) -> Result<()> {
        for (m, _) in models {
            check_model_id(m)?;
        }
        let h = self.find_run(run_id)?;
        active(&h)?;
        let _lock = self.lock()?;
        write_outputs(&h.dir, models)
    }
}

/// Writes the input links of the run in `run_dir` (in its experiment's folder `exp_dir`; also
/// a run folder still being built aside) and the datasets they name, under the store lock.
/// Datasets and model ids must have been checked.
pub(super) fn write_inputs(
    exp_dir: &Path,
    run_dir: &Path,
    run_id: &str,
    datasets: &[DatasetInput],
    models: &[String],
) -> Result<()> {
    for d in datasets {
        let dataset_id = d.dataset.id();
        let dir = exp_dir.join(layout::DATASETS).join(&dataset_id);
        write_once(exp_dir, &dir, &d.dataset.to_tree())?;
        let input_id = md5_hex(format!("{dataset_id}{run_id}").as_bytes());
        let tags: serde_json::Map<String, Value> = d
            .tags
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        // destination_id is the source id, as MLflow writes it (spec §1.9).
        let link = json!({
            "destination_id": dataset_id,
            "destination_type": "RUN",
            "source_id": dataset_id,
            "source_type": "DATASET",
            "tags": tags,
        });
        write_once(run_dir, &run_dir.join(layout::INPUTS).join(input_id), &link)?;
    }
    for m in models {
        check_model_id(m)?;
        let input_id = md5_hex(format!("{m}{run_id}").as_bytes());
        let link = json!({
            "destination_id": m,
            "destination_type": "RUN",
            "source_id": m,
            "source_type": "MODEL",
            "tags": {},
        });
        write_once(run_dir, &run_dir.join(layout::INPUTS).join(input_id), &link)?;
    }
    Ok(())
}

/// Writes the output links of the run in `run_dir` (also one still being built aside).
pub(super) fn write_outputs(run_dir: &Path, models: &[(String, i64)]) -> Result<()> {
    for (m, step) in models {
        check_model_id(m)?;
        let link = json!({
            "destination_id": m,
            "destination_type": "MODEL_OUTPUT",
            "source_id": m,
            "source_type": "RUN_OUTPUT",
            "step": step,
            "tags": {},
        });
        write_once(run_dir, &run_dir.join(OUTPUTS).join(m), &link)?;
    }
    Ok(())
}

impl Store {
    /// A run's inputs and outputs, as MLflow's file reader finds them. Unreadable links are
    /// skipped, as are datasets whose folder is gone.
    pub fn run_io(&self, h: &RunHandle) -> Result<RunIo> {
        super::sync_watch(self.watch.as_deref());
        let mut io = RunIo::default();
        let inputs = h.dir.join(layout::INPUTS);
        if self.is_dir_following(&inputs) {
            let exp_dir = self.experiment_dir(&h.info.experiment_id);
            for dir in sorted_entries(&inputs)? {
                let Some(link) = read_meta(&h.dir, &dir) else {
                    continue;
                };
                let source = link["source_id"].as_str().unwrap_or_default().to_string();
                match link["source_type"].as_str() {
                    Some("DATASET") => {
                        let Some(exp_dir) = &exp_dir else { continue };
                        let ddir = exp_dir.join(layout::DATASETS).join(&source);
                        if super::fs::check_no_link(exp_dir, &ddir).is_err() {
                            continue;
                        }
                        let Some(d) = read_meta(exp_dir, &ddir) else {
                            continue;
                        };
                        let tags = link["tags"]
                            .as_object()
                            .map(|m| {
                                m.iter()
                                    .map(|(k, v)| {
                                        (k.clone(), v.as_str().unwrap_or_default().to_string())
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        io.datasets.push(DatasetInput {
                            dataset: Dataset::from_tree(&d),
                            tags,
                        });
                    }
                    Some("MODEL") => io.model_inputs.push(source),
                    _ => {}
                }
            }
        }
        let outputs = h.dir.join(OUTPUTS);
        if self.is_dir_following(&outputs) {
            for dir in sorted_entries(&outputs)? {
                let Some(link) = read_meta(&h.dir, &dir) else {
                    continue;
                };
                if link["destination_type"].as_str() != Some("MODEL_OUTPUT") {
                    continue;
                }
                let id = link["destination_id"].as_str().unwrap_or_default();
                io.model_outputs
                    .push((id.to_string(), link["step"].as_i64().unwrap_or(0)));
            }
        }
        Ok(io)
    }

    /// Appends a model's description (the JSON object `model_json`, as MLflow's client sends
    /// it) to the run's `mlflow.log-model.history` tag, as `record_logged_model` does: the tag
    /// is a JSON list, written as Python's `json.dumps` writes it.
    pub fn record_logged_model(&self, run_id: &str, model_json: &str) -> Result<()> {
        let model: Value = serde_json::from_str(model_json)
            .map_err(|e| Error::Invalid(format!("Malformed model info: {e}")))?;
        let Some(obj) = model.as_object() else {
            return Err(Error::Invalid(
                "Malformed model info: not a JSON object".into(),
            ));
        };
        let missing: Vec<&str> = ["artifact_path", "flavors", "utc_time_created", "run_id"]
            .into_iter()
            .filter(|k| !obj.contains_key(*k))
            .collect();
        if !missing.is_empty() {
            return Err(Error::Invalid(format!(
                "Model json is missing mandatory fields: {missing:?}"
            )));
        }
        let _lock = self.lock()?;
        let h = self.find_run(run_id)?;
        active(&h)?;
        let path = layout::tag(&h.dir, tags::LOGGED_MODELS);
        fs::check_no_link(&h.dir, &path)?;
        let old = if path.is_file() {
            Some(fs::read_to_string(&path)?)
        } else {
            None
        };
        // The client's text is json.dumps output already: splice it into the list as it is,
        // so the tag keeps the keys' order and spacing MLflow writes.
        let new = match old.as_deref().map(str::trim) {
            Some(list) if list.starts_with('[') && list.ends_with(']') && list != "[]" => {
                format!("{}, {}]", &list[..list.len() - 1], model_json.trim())
            }
            _ => format!("[{}]", model_json.trim()),
        };
        let batch = super::Batch {
            tags: vec![(tags::LOGGED_MODELS.to_string(), new)],
            ..Default::default()
        };
        // Still under the lock: two models recorded at once both stay in the list (writing
        // a tag other than the run name takes no lock of its own).
        self.log_batch(&h, &batch)
    }
}

impl Store {
    /// Also logs metric points to the logged model they name (`metric.model_id`), as MLflow's
    /// file store does: `<exp>/models/<model_id>/metrics/<key>`, one `"<timestamp> <value>
    /// <step> <run_id>[ <dataset_name> <dataset_digest>]"` line per point. Points whose model
    /// is not in the run's experiment are not written there (the run has them). Keys must
    /// have been validated (they were logged to the run first).
    pub fn log_model_metrics(&self, h: &RunHandle, points: &[ModelMetric]) -> Result<()> {
        let Some(exp_dir) = self.experiment_dir(&h.info.experiment_id) else {
            return Ok(());
        };
        for p in points {
            check_model_id(&p.model_id)?;
            let model_dir = exp_dir.join(layout::MODELS).join(&p.model_id);
            if !fs::plain_file(&exp_dir, &layout::meta(&model_dir)) {
                continue;
            }
            let path = layout::metric(&model_dir, &p.key);
            fs::check_no_link(&model_dir, &path)?;
            let dataset = p.dataset.as_ref().map(|(n, d)| (n.as_str(), d.as_str()));
            let line = super::logged_write::model_metric_text(&p.point, &h.info.run_id, dataset);
            let mut f = fs::open_append(&path)?;
            fs::append_whole(&mut f, &path, line.as_bytes(), fs::durable_for(&path))?;
        }
        Ok(())
    }
}

/// A metric point that names a logged model.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelMetric {
    pub model_id: String,
    pub key: String,
    pub point: crate::entities::MetricPoint,
    /// (dataset name, digest)
    pub dataset: Option<(String, String)>,
}

/// A model id names a folder: plain characters only.
fn check_model_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!("invalid model id '{id}'")))
    }
}

/// The entries of a folder, sorted by path.
fn sorted_entries(dir: &std::path::Path) -> Result<Vec<std::path::PathBuf>> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .at(dir)?
        .flatten()
        .map(|e| e.path())
        .collect();
    out.sort();
    Ok(out)
}

/// A run's `outputs/` folder.
pub const OUTPUTS: &str = "outputs";

/// MD5 (RFC 1321) as lowercase hex: MLflow names dataset and input folders by it.
pub fn md5_hex(data: &[u8]) -> String {
    use md5::Digest;
    md5::Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewRun;

    #[test]
    fn md5_matches_rfc_1321() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            md5_hex(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            ),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
    }

    #[test]
    fn inputs_and_outputs_are_written_once_and_read_back() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Store::new(tmp.path());
        s.init().unwrap();
        let e = s.experiment("0").unwrap();
        let run = s.create_run(&e, NewRun::default()).unwrap().run_id;
        let d = DatasetInput {
            dataset: Dataset {
                name: "iris".into(),
                digest: "ad126910".into(),
                source_type: "code".into(),
                source: "{}".into(),
                schema: None,
                profile: Some("{\"num_rows\": 2}".into()),
            },
            tags: vec![("mlflow.data.context".into(), "Train".into())],
        };
        s.log_inputs(&run, std::slice::from_ref(&d), &["m-1".into()])
            .unwrap();
        s.log_inputs(&run, std::slice::from_ref(&d), &[]).unwrap();
        s.log_outputs(&run, &[("m-1".into(), 0)]).unwrap();
        let ds = s.root().join("mlruns/0/datasets").join(d.dataset.id());
        let meta = std::fs::read_to_string(ds.join("meta.yaml")).unwrap();
        assert!(
            meta.contains("name: 'iris'") || meta.contains("name: iris"),
            "{meta}"
        );
        let h = s.find_run(&run).unwrap();
        let io = s.run_io(&h).unwrap();
        assert_eq!(io.datasets, vec![d.clone()]);
        assert_eq!(io.model_inputs, vec!["m-1".to_string()]);
        assert_eq!(io.model_outputs, vec![("m-1".to_string(), 0)]);
        let mut bad = d.clone();
        bad.dataset.digest = "x".repeat(37);
        assert!(s.log_inputs(&run, &[bad], &[]).is_err());
        assert!(s.log_outputs(&run, &[("../x".into(), 0)]).is_err());
    }

    #[test]
    fn logged_models_are_appended_to_the_history_tag() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Store::new(tmp.path());
        s.init().unwrap();
        let e = s.experiment("0").unwrap();
        let run = s.create_run(&e, NewRun::default()).unwrap().run_id;
        let m = format!(
            r#"{{"run_id": "{run}", "artifact_path": "model", "utc_time_created": "x", "flavors": {{}}}}"#
        );
        s.record_logged_model(&run, &m).unwrap();
        s.record_logged_model(&run, &m).unwrap();
        let tag = s.get_run(&run).unwrap().tags[tags::LOGGED_MODELS].clone();
        assert_eq!(tag, format!("[{m}, {m}]"));
        let v: Value = serde_json::from_str(&tag).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2);
        assert!(s.record_logged_model(&run, r#"{"run_id": "x"}"#).is_err());
        assert!(s.record_logged_model(&run, "nope").is_err());
    }
}
