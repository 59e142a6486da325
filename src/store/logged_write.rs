//! Writing MLflow 3 logged models as MLflow's file store writes them (`create_logged_model`,
//! `finalize_logged_model`, `delete_logged_model`, `set_logged_model_tags`,
//! `log_logged_model_params` in `mlflow/store/tracking/file_store.py`):
//!
//! ```text
//! <exp>/models/<model_id>/meta.yaml     artifact_location, creation_timestamp, experiment_id,
//!                                        last_updated_timestamp, lifecycle_stage, model_id,
//!                                        model_type, name, source_run_id, status (int),
//!                                        status_message
//! <exp>/models/<model_id>/{metrics,params,tags}/<key>
//! <exp>/models/<model_id>/artifacts/    (the files, made by the first upload)
//! ```
//!
//! and reading them whole (tags, params, latest metrics) for `mlt server`.

use super::fs::{self, IoContext};
use super::layout;
use super::yaml::{Doc, Meta, Scalar, to_yaml};
use super::{Entity, Error, Result, Store};
use crate::entities::{self, KeyKind, Lifecycle, View, validate_key, validate_value_len};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `LoggedModelStatus.to_int`: 0 unspecified, 1 pending, 2 ready, 3 failed.
pub const STATUS_PENDING: i64 = 1;
pub const STATUS_READY: i64 = 2;

/// A logged model as MLflow's file store reads it: meta.yaml, tags, params, latest metrics.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedModelRecord {
    pub model_id: String,
    pub name: String,
    pub experiment_id: String,
    pub artifact_location: String,
    pub creation_timestamp: Option<i64>,
    pub last_updated_timestamp: Option<i64>,
    pub model_type: Option<String>,
    pub source_run_id: Option<String>,
    pub status: i64,
    pub status_message: Option<String>,
    pub deleted: bool,
    pub tags: BTreeMap<String, String>,
    pub params: BTreeMap<String, String>,
    pub metrics: Vec<ModelMetric>,
    pub dir: PathBuf,
}

/// The latest value of a model metric for one (dataset name, digest).
#[derive(Clone, Debug, PartialEq)]
pub struct ModelMetric {
    pub key: String,
    pub value: f64,
    pub timestamp: i64,
    pub step: i64,
    pub run_id: String,
    pub dataset_name: Option<String>,
    pub dataset_digest: Option<String>,
}

/// What `create_logged_model` is given.
#[derive(Clone, Debug, Default)]
pub struct NewLoggedModel {
    pub experiment_id: String,
    pub name: Option<String>,
    pub model_type: Option<String>,
    pub source_run_id: Option<String>,
    pub params: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
}

/// MLflow's `_validate_logged_model_name`: not empty, none of `/ : . % " '`.
pub fn validate_logged_model_name(name: &str) -> Result<()> {
    if name.is_empty() || name.contains(['/', ':', '.', '%', '"', '\'']) {
        return Err(Error::Invalid(format!(
            "Invalid model name ('{name}') provided. Model name must be a non-empty string and \
             cannot contain the following characters: ('/', ':', '.', '%', '\"', \"'\")"
        )));
    }
    Ok(())
}

fn valid_model_id(id: &str) -> bool {
    id.len() > 2 && id.starts_with("m-") && id[2..].bytes().all(|b| b.is_ascii_alphanumeric())
}

fn malformed(path: &Path) -> impl Fn(String) -> Error + '_ {
    move |msg| Error::Malformed {
        path: path.to_path_buf(),
        msg,
    }
}

fn random_name() -> String {
    const ADJ: [&str; 8] = [
        "bold", "calm", "eager", "keen", "lucky", "merry", "swift", "witty",
    ];
    const NOUN: [&str; 8] = ["ant", "bat", "fox", "lark", "mole", "owl", "seal", "wolf"];
    let n = uuid::Uuid::new_v4().as_u128();
    format!(
        "{}-{}-{}",
        ADJ[(n % 8) as usize],
        NOUN[((n >> 8) % 8) as usize],
        (n >> 16) % 1000
    )
}

impl Store {
    /// The folder of a logged model (in any experiment, active or deleted) and its experiment's
    /// id. A folder reached through a link is not taken.
    pub fn logged_model_folder(&self, id: &str) -> Result<(String, PathBuf)> {
        if !valid_model_id(id) {
            return Err(Error::missing(Entity::LoggedModel, id));
        }
        for exp in self.experiment_dirs(View::All)? {
            let dir = exp.join(layout::MODELS).join(id);
            if fs::plain_file(&exp, &layout::meta(&dir)) {
                let exp_id = exp
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                return Ok((exp_id, dir));
            }
        }
        Err(Error::missing(Entity::LoggedModel, id))
    }

    /// A logged model whole. A deleted one is missing unless `allow_deleted`.
    pub fn logged_model_record(&self, id: &str, allow_deleted: bool) -> Result<LoggedModelRecord> {
        let (exp_id, dir) = self.logged_model_folder(id)?;
        let m = self.read_logged_model_record(&dir)?;
        if m.deleted && !allow_deleted {
            return Err(Error::missing(Entity::LoggedModel, id));
        }
        if m.experiment_id != exp_id {
            return Err(Error::Conflict(format!(
                "Model '{id}' metadata is in invalid state."
            )));
        }
        Ok(m)
    }

    /// Reads a logged model's folder.
    pub fn read_logged_model_record(&self, dir: &Path) -> Result<LoggedModelRecord> {
        let path = layout::meta(dir);
        let doc = Doc::parse(&self.read_record(&path)?).map_err(malformed(&path))?;
        let bad = malformed(&path);
        let model_id = doc.str("model_id").map_err(&bad)?;
        let mut metrics = Vec::new();
        for (key, file) in fs::read_key_files(&dir.join(layout::METRICS))? {
            metrics.extend(latest_model_metrics(&key, &fs::read_to_string(&file)?));
        }
        let read_values = |sub: &str| -> Result<BTreeMap<String, String>> {
            let mut out = BTreeMap::new();
            for (k, f) in fs::read_key_files(&dir.join(sub))? {
                out.insert(k, fs::read_to_string(&f)?);
            }
            Ok(out)
        };
        Ok(LoggedModelRecord {
            name: doc.opt_str("name").map_err(&bad)?.unwrap_or_default(),
            experiment_id: doc.str("experiment_id").map_err(&bad)?,
            artifact_location: doc
                .opt_str("artifact_location")
                .map_err(&bad)?
                .unwrap_or_default(),
            creation_timestamp: doc.opt_int("creation_timestamp").map_err(&bad)?,
            last_updated_timestamp: doc.opt_int("last_updated_timestamp").map_err(&bad)?,
            model_type: doc.opt_str("model_type").map_err(&bad)?,
            source_run_id: doc.opt_str("source_run_id").map_err(&bad)?,
            status: doc.opt_int("status").map_err(&bad)?.unwrap_or(0),
            status_message: doc.opt_str("status_message").map_err(&bad)?,
            deleted: doc.opt_str("lifecycle_stage").map_err(&bad)?.as_deref() == Some("deleted"),
            tags: read_values(layout::TAGS)?,
            params: read_values(layout::PARAMS)?,
            metrics,
            dir: dir.to_path_buf(),
            model_id,
        })
    }

    /// Creates a logged model (status PENDING) in an active experiment, with its params and
    /// tags. The folder is built aside and renamed into place whole.
    pub fn create_logged_model(&self, new: NewLoggedModel) -> Result<LoggedModelRecord> {
        let name = match new.name.filter(|n| !n.is_empty()) {
            Some(n) => {
                validate_logged_model_name(&n)?;
                n
            }
            None => random_name(),
        };
        for (k, v) in &new.params {
            validate_key(KeyKind::Param, k)?;
            validate_value_len(KeyKind::Param, k, v)?;
        }
        for (k, _) in &new.tags {
            validate_key(KeyKind::Tag, k)?;
        }
        let exp_dir = self
            .experiment_dir(&new.experiment_id)
            .ok_or_else(|| Error::missing(Entity::Experiment, &new.experiment_id))?;
        let exp = self.read_experiment_dir(&exp_dir)?;
        if exp.lifecycle_stage != Lifecycle::Active {
            return Err(Error::Conflict(format!(
                "Could not create model under non-active experiment with ID {}.",
                exp.experiment_id
            )));
        }
        let model_id = format!("m-{}", entities::new_run_id());
        let now = crate::env::now_ms();
        let location = format!(
            "{}/{}/{model_id}/{}",
            exp.artifact_location.trim_end_matches('/'),
            layout::MODELS,
            layout::ARTIFACTS
        );
        let mut meta = Meta::new();
        meta.insert("artifact_location".into(), Scalar::from(location));
        meta.insert("creation_timestamp".into(), Scalar::Int(now));
        meta.insert(
            "experiment_id".into(),
            Scalar::from(exp.experiment_id.as_str()),
        );
        meta.insert("last_updated_timestamp".into(), Scalar::Int(now));
        meta.insert("lifecycle_stage".into(), Scalar::from("active"));
        meta.insert("model_id".into(), Scalar::from(model_id.as_str()));
        meta.insert("model_type".into(), opt(new.model_type));
        meta.insert("name".into(), Scalar::from(name));
        meta.insert("source_run_id".into(), opt(new.source_run_id));
        meta.insert("status".into(), Scalar::Int(STATUS_PENDING));
        meta.insert("status_message".into(), Scalar::Null);
        let scratch = self.scratch_dir()?;
        let build = scratch.path().join(&model_id);
        for d in [layout::METRICS, layout::PARAMS, layout::TAGS] {
            fs::create_dir_all(&build.join(d))?;
        }
        fs::write_new(&layout::meta(&build), to_yaml(&meta).as_bytes())?;
        for (k, v) in &new.params {
            fs::write_new(&layout::param(&build, k), v.as_bytes())?;
        }
        for (k, v) in &new.tags {
            fs::write_new(&layout::tag(&build, k), v.as_bytes())?;
        }
        let models = exp_dir.join(layout::MODELS);
        fs::check_no_link(&exp_dir, &models)?;
        fs::create_dir_all(&models)?;
        fs::rename(&build, &models.join(&model_id))?;
        self.logged_model_record(&model_id, false)
    }

    /// Rewrites a logged model's meta.yaml under the store lock: `change` gets its fields.
    fn rewrite_logged_model(
        &self,
        id: &str,
        change: impl FnOnce(&mut Meta),
    ) -> Result<LoggedModelRecord> {
        let _lock = self.lock()?;
        let m = self.logged_model_record(id, false)?;
        let path = layout::meta(&m.dir);
        let mut meta = Doc::parse(&self.read_record(&path)?)
            .map_err(malformed(&path))?
            .to_meta();
        meta.insert(
            "last_updated_timestamp".into(),
            Scalar::Int(crate::env::now_ms()),
        );
        change(&mut meta);
        fs::write_atomic(&path, to_yaml(&meta).as_bytes())?;
        self.read_logged_model_record(&m.dir)
    }

    /// Sets a logged model's status (MLflow's `finalize_logged_model`, which writes the model's
    /// fields back without `lifecycle_stage`).
    pub fn finalize_logged_model(&self, id: &str, status: i64) -> Result<LoggedModelRecord> {
        if !(0..=3).contains(&status) {
            return Err(Error::Invalid(format!(
                "invalid logged model status {status}"
            )));
        }
        self.rewrite_logged_model(id, |meta| {
            meta.remove("lifecycle_stage");
            meta.insert("status".into(), Scalar::Int(status));
        })
    }

    /// Deletes a logged model softly: `lifecycle_stage: deleted`, as MLflow does.
    pub fn delete_logged_model(&self, id: &str) -> Result<()> {
        self.rewrite_logged_model(id, |meta| {
            meta.insert("lifecycle_stage".into(), Scalar::from("deleted"));
        })?;
        Ok(())
    }

    /// Sets tags on a logged model (each file written whole).
    pub fn set_logged_model_tags(&self, id: &str, tags: &[(String, String)]) -> Result<()> {
        for (k, _) in tags {
            validate_key(KeyKind::Tag, k)?;
        }
        let m = self.logged_model_record(id, false)?;
        for (k, v) in tags {
            let path = layout::tag(&m.dir, k);
            fs::check_no_link(&m.dir, &path)?;
            fs::write_atomic(&path, v.as_bytes())?;
        }
        Ok(())
    }

    /// Deletes a logged model's tag; a missing tag is RESOURCE_DOES_NOT_EXIST.
    pub fn delete_logged_model_tag(&self, id: &str, key: &str) -> Result<()> {
        validate_key(KeyKind::Tag, key)?;
        let m = self.logged_model_record(id, false)?;
        let path = layout::tag(&m.dir, key);
        if !fs::plain_file(&m.dir, &path) {
            return Err(Error::NotFound(format!(
                "No tag with key '{key}' found for model with ID '{id}'."
            )));
        }
        std::fs::remove_file(&path).at(&path)
    }

    /// Logs params on a logged model (they may be overwritten, unlike a run's).
    pub fn log_logged_model_params(&self, id: &str, params: &[(String, String)]) -> Result<()> {
        for (k, v) in params {
            validate_key(KeyKind::Param, k)?;
            validate_value_len(KeyKind::Param, k, v)?;
        }
        let m = self.logged_model_record(id, false)?;
        for (k, v) in params {
            let path = layout::param(&m.dir, k);
            fs::check_no_link(&m.dir, &path)?;
            fs::write_atomic(&path, v.as_bytes())?;
        }
        Ok(())
    }

    /// The logged models of an experiment that are not deleted (a malformed one is skipped
    /// with a warning), in folder order.
    pub fn experiment_logged_models(&self, exp_id: &str) -> Result<Vec<LoggedModelRecord>> {
        let Some(exp_dir) = self.experiment_dir(exp_id) else {
            return Ok(Vec::new());
        };
        let Ok(entries) = std::fs::read_dir(exp_dir.join(layout::MODELS)) else {
            return Ok(Vec::new());
        };
        let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        dirs.sort();
        let mut out = Vec::new();
        for dir in dirs {
            if !fs::plain_file(&exp_dir, &layout::meta(&dir)) {
                continue;
            }
            match self.read_logged_model_record(&dir) {
                Ok(m) if m.deleted || m.experiment_id != exp_id => {}
                Ok(m) => out.push(m),
                Err(e) => self.warn(&format!("skipping logged model: {e}")),
            }
        }
        Ok(out)
    }
}

fn opt(v: Option<String>) -> Scalar {
    v.map_or(Scalar::Null, Scalar::Str)
}

/// One line of a model metric file: `ts value step run_id [dataset_name dataset_digest]`;
/// `None` for a malformed line.
fn model_metric_line(key: &str, line: &str) -> Option<ModelMetric> {
    let f: Vec<&str> = line.trim().split(' ').collect();
    if f.len() != 4 && f.len() != 6 {
        return None;
    }
    let (Ok(timestamp), Some(value), Ok(step)) = (
        f[0].parse::<i64>(),
        entities::parse_value(f[1]),
        f[2].parse::<i64>(),
    ) else {
        return None;
    };
    Some(ModelMetric {
        key: key.to_string(),
        value,
        timestamp,
        step,
        run_id: f[3].to_string(),
        dataset_name: f.get(4).map(|s| s.to_string()),
        dataset_digest: f.get(5).map(|s| s.to_string()),
    })
}

/// A model metric file's latest point per (dataset name, digest); malformed lines are
/// skipped.
fn latest_model_metrics(key: &str, text: &str) -> Vec<ModelMetric> {
    let mut best: Vec<ModelMetric> = Vec::new();
    for m in text.lines().filter_map(|l| model_metric_line(key, l)) {
        let later = |a: &ModelMetric, b: &ModelMetric| {
            (a.step, a.timestamp)
                .cmp(&(b.step, b.timestamp))
                .then(a.value.total_cmp(&b.value))
                .is_gt()
        };
        match best
            .iter_mut()
            .find(|b| (&b.dataset_name, &b.dataset_digest) == (&m.dataset_name, &m.dataset_digest))
        {
            Some(b) if later(&m, b) => *b = m,
            Some(_) => {}
            None => best.push(m),
        }
    }
    best
}

impl ModelMetric {
    /// What MLflow's SQL store tells points of a logged model apart by (its primary key
    /// without the model): key, timestamp, step and run, here with the dataset too. The
    /// value is left out: that store keeps a NaN of a model as 0.
    pub fn identity(&self) -> (&str, i64, i64, &str, Option<&str>, Option<&str>) {
        (
            &self.key,
            self.timestamp,
            self.step,
            &self.run_id,
            self.dataset_name.as_deref(),
            self.dataset_digest.as_deref(),
        )
    }
}

/// A model metric file's line for a point: `"<timestamp> <value> <step> <run_id>[
/// <dataset_name> <dataset_digest>]\n"`, as MLflow's file store writes it.
pub(super) fn model_metric_text(
    point: &crate::entities::MetricPoint,
    run_id: &str,
    dataset: Option<(&str, &str)>,
) -> String {
    let mut line = format!(
        "{} {} {} {run_id}",
        point.timestamp,
        entities::format_value(point.value),
        point.step
    );
    if let Some((name, digest)) = dataset {
        line.push_str(&format!(" {name} {digest}"));
    }
    line.push('\n');
    line
}

impl Store {
    /// Every point of a logged model's metrics, key by key, each key's in the order of its
    /// file (malformed lines skipped).
    pub fn logged_model_metric_history(&self, m: &LoggedModelRecord) -> Result<Vec<ModelMetric>> {
        model_metric_history_in(&m.dir)
    }

    /// Appends to a logged model's metrics the points it lacks (told apart as
    /// [`ModelMetric::identity`] says), as MLflow's file store writes them, under the store's
    /// lock. Returns how many were added (or would be, with `dry_run`) and the model's points
    /// as they are then, as [`Store::logged_model_metric_history`] gives them. A run id or
    /// dataset with a space or a newline, which a line cannot hold, refuses the whole request.
    pub fn add_model_metric_points(
        &self,
        model_id: &str,
        points: &[ModelMetric],
        dry_run: bool,
    ) -> Result<(u64, Vec<ModelMetric>)> {
        let (_, dir) = self.logged_model_folder(model_id)?;
        let _lock = if dry_run { None } else { Some(self.lock()?) };
        let mut history = model_metric_history_in(&dir)?;
        let known: std::collections::HashSet<_> = history.iter().map(|p| p.identity()).collect();
        let mut seen = std::collections::HashSet::new();
        let mut fresh: Vec<&ModelMetric> = Vec::new();
        for p in points {
            if known.contains(&p.identity()) || !seen.insert(p.identity()) {
                continue;
            }
            validate_key(KeyKind::Metric, &p.key)?;
            let plain = |s: &str| !s.is_empty() && !s.contains([' ', '\n', '\r']);
            if !plain(&p.run_id)
                || p.dataset_name.as_deref().is_some_and(|s| !plain(s))
                || p.dataset_digest.as_deref().is_some_and(|s| !plain(s))
                || p.dataset_name.is_some() != p.dataset_digest.is_some()
            {
                return Err(Error::Invalid(format!(
                    "logged model {model_id}: metric {:?} names its run or dataset with \
                     characters a metric line cannot hold",
                    p.key
                )));
            }
            fresh.push(p);
        }
        let added = fresh.len() as u64;
        if dry_run {
            return Ok((added, history));
        }
        let mut by_key: BTreeMap<&str, String> = BTreeMap::new();
        for p in &fresh {
            let point = crate::entities::MetricPoint {
                timestamp: p.timestamp,
                value: p.value,
                step: p.step,
            };
            let dataset = p.dataset_name.as_deref().zip(p.dataset_digest.as_deref());
            by_key
                .entry(&p.key)
                .or_default()
                .push_str(&model_metric_text(&point, &p.run_id, dataset));
        }
        for (key, text) in by_key {
            let path = layout::metric(&dir, key);
            fs::check_no_link(&dir, &path)?;
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            let mut f = fs::open_append(&path)?;
            fs::append_whole(&mut f, &path, text.as_bytes(), fs::durable_for(&path))?;
        }
        // Each key's new points go after its old ones, as in the files.
        history.extend(fresh.into_iter().cloned());
        history.sort_by(|a, b| a.key.cmp(&b.key));
        Ok((added, history))
    }
}

/// [`Store::logged_model_metric_history`] of the model folder `dir`.
fn model_metric_history_in(dir: &Path) -> Result<Vec<ModelMetric>> {
    let mut out = Vec::new();
    for (key, file) in fs::read_key_files(&dir.join(layout::METRICS))? {
        let text = fs::read_to_string(&file)?;
        out.extend(text.lines().filter_map(|l| model_metric_line(&key, l)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewRun;

    #[test]
    fn logged_models_are_written_as_mlflow_writes_them() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Store::new(tmp.path());
        s.init().unwrap();
        let e = s.experiment("0").unwrap();
        let run = s.create_run(&e, NewRun::default()).unwrap().run_id;
        let m = s
            .create_logged_model(NewLoggedModel {
                experiment_id: "0".into(),
                name: Some("model".into()),
                source_run_id: Some(run.clone()),
                params: vec![("alpha".into(), "0.5".into())],
                tags: vec![("mlflow.source.type".into(), "LOCAL".into())],
                ..Default::default()
            })
            .unwrap();
        assert!(m.model_id.starts_with("m-") && m.model_id.len() == 34);
        assert_eq!(m.status, STATUS_PENDING);
        assert_eq!(
            m.artifact_location,
            format!("mlruns/0/models/{}/artifacts", m.model_id)
        );
        assert_eq!(m.params["alpha"], "0.5");
        let text = std::fs::read_to_string(m.dir.join("meta.yaml")).unwrap();
        assert!(text.contains("lifecycle_stage: 'active'\n"), "{text}");
        assert!(text.contains("status: 1\n") && text.contains("model_type: null\n"));
        // The CLI's reader sees it as the run's.
        let h = s.find_run(&run).unwrap();
        assert_eq!(s.logged_models_of_run(&h).unwrap()[0].model_id, m.model_id);
        let f = s.finalize_logged_model(&m.model_id, STATUS_READY).unwrap();
        assert_eq!(f.status, STATUS_READY);
        let text = std::fs::read_to_string(m.dir.join("meta.yaml")).unwrap();
        assert!(!text.contains("lifecycle_stage"), "{text}");
        s.set_logged_model_tags(&m.model_id, &[("k".into(), "v".into())])
            .unwrap();
        s.delete_logged_model_tag(&m.model_id, "k").unwrap();
        assert!(s.delete_logged_model_tag(&m.model_id, "k").is_err());
        assert_eq!(s.experiment_logged_models("0").unwrap().len(), 1);
        s.delete_logged_model(&m.model_id).unwrap();
        assert!(s.logged_model_record(&m.model_id, false).is_err());
        assert!(s.logged_model_record(&m.model_id, true).unwrap().deleted);
        assert!(s.experiment_logged_models("0").unwrap().is_empty());
        for bad in ["a/b", "a.b", "", "x'y"] {
            assert!(validate_logged_model_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn model_metrics_keep_the_latest_per_dataset() {
        let got = latest_model_metrics(
            "acc",
            "1 0.5 0 r\n2 0.7 1 r\n3 0.1 0 r\n1 0.9 0 r ds d1\nbad\n",
        );
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].value, got[0].step), (0.7, 1));
        assert_eq!(got[1].dataset_name.as_deref(), Some("ds"));
    }

    #[test]
    fn points_pulled_into_a_model_are_added_once_and_bad_ones_refused_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Store::new(tmp.path());
        s.init().unwrap();
        let m = s
            .create_logged_model(NewLoggedModel {
                experiment_id: "0".into(),
                name: Some("m".into()),
                ..Default::default()
            })
            .unwrap();
        let point = |key: &str, step: i64, value: f64, dataset: Option<&str>| ModelMetric {
            key: key.into(),
            value,
            timestamp: 1000 + step,
            step,
            run_id: "r1".into(),
            dataset_name: dataset.map(Into::into),
            dataset_digest: dataset.map(|_| "abc".into()),
        };
        let first = [
            point("acc", 0, 0.5, None),
            point("acc", 1, f64::NAN, Some("train")),
            point("acc", 1, f64::NAN, Some("train")),
            point("loss", 0, 2.0, None),
        ];
        assert_eq!(
            s.add_model_metric_points(&m.model_id, &first, true)
                .unwrap()
                .0,
            3
        );
        assert!(
            s.logged_model_metric_history(&m).unwrap().is_empty(),
            "a dry run wrote"
        );
        let (added, after) = s
            .add_model_metric_points(&m.model_id, &first, false)
            .unwrap();
        assert_eq!(added, 3);
        // What it hands back is what the files now hold.
        let lines = |v: &[ModelMetric]| -> Vec<String> {
            v.iter()
                .map(|p| {
                    let ds = p.dataset_name.as_deref().zip(p.dataset_digest.as_deref());
                    let point = crate::entities::MetricPoint {
                        timestamp: p.timestamp,
                        value: p.value,
                        step: p.step,
                    };
                    format!("{} {}", p.key, model_metric_text(&point, &p.run_id, ds))
                })
                .collect()
        };
        assert_eq!(
            lines(&after),
            lines(&s.logged_model_metric_history(&m).unwrap())
        );
        let text = std::fs::read_to_string(m.dir.join("metrics/acc")).unwrap();
        assert_eq!(text, "1000 0.5 0 r1\n1001 nan 1 r1 train abc\n");
        // Again, and the same point with the value MLflow's SQL store keeps for a NaN: none.
        let again = [first[1].clone(), point("acc", 1, 0.0, Some("train"))];
        assert_eq!(
            s.add_model_metric_points(&m.model_id, &again, false)
                .unwrap()
                .0,
            0
        );
        assert_eq!(s.logged_model_metric_history(&m).unwrap().len(), 3);
        // A dataset name a line cannot hold: nothing of the request is written.
        let bad = [
            point("acc", 5, 1.0, None),
            point("acc", 6, 1.0, Some("my set")),
        ];
        let e = s
            .add_model_metric_points(&m.model_id, &bad, false)
            .unwrap_err();
        assert!(e.to_string().contains("cannot hold"), "{e}");
        assert_eq!(s.logged_model_metric_history(&m).unwrap().len(), 3);
        let traversal = [point("../x", 7, 1.0, None)];
        assert!(
            s.add_model_metric_points(&m.model_id, &traversal, false)
                .is_err()
        );
    }
}
