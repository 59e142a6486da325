//! Registry entries and MLflow 3 logged models as a tracking server has them (`mlt pull`):
//! a registered model with the server's timestamps, a version with the server's number, a
//! logged model with the server's id, each written in MLflow's file layout (see
//! `registry.rs` and `logged_write.rs`), built aside and renamed into place whole.

use super::fs;
use super::layout;
use super::logged_write::LoggedModelRecord;
use super::registry::ModelUri;
use super::yaml::{Meta, Scalar, to_yaml};
use super::{Entity, Error, Result, Store};
use crate::entities::{
    KeyKind, Lifecycle, ModelVersion, RegisteredModel, Stage, validate_key, validate_model_name,
};
use std::path::PathBuf;

/// A registered model as the server has it.
#[derive(Clone, Debug, Default)]
pub struct PulledModel {
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<(String, String)>,
    pub creation_timestamp: i64,
    pub last_updated_timestamp: i64,
}

/// A model version as the server has it (its source already made local by the caller).
#[derive(Clone, Debug)]
pub struct PulledVersion {
    /// The number wanted (the server's); the next free one is taken when it is in use here.
    pub version: i64,
    pub source: String,
    pub run_id: Option<String>,
    pub model_id: Option<String>,
    pub run_link: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<(String, String)>,
    pub stage: Stage,
    pub creation_timestamp: i64,
    pub last_updated_timestamp: i64,
    pub user_id: Option<String>,
    pub status: String,
    pub status_message: Option<String>,
}

/// A logged model as the server has it, keeping its id.
#[derive(Clone, Debug, Default)]
pub struct PulledLoggedModel {
    pub model_id: String,
    /// The local experiment it goes into.
    pub experiment_id: String,
    pub name: String,
    pub model_type: Option<String>,
    pub source_run_id: Option<String>,
    /// `LoggedModelStatus` as a number (0 to 3).
    pub status: i64,
    pub status_message: Option<String>,
    pub creation_timestamp: Option<i64>,
    pub last_updated_timestamp: Option<i64>,
    pub params: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
}

fn opt(v: &Option<String>) -> Scalar {
    v.as_deref().map_or(Scalar::Null, Scalar::from)
}

fn write_values(dir: &std::path::Path, values: &[(String, String)], param: bool) -> Result<()> {
    for (k, v) in values {
        let p = if param {
            layout::param(dir, k)
        } else {
            layout::tag(dir, k)
        };
        fs::create_dir_all(p.parent().unwrap_or(dir))?;
        fs::write_atomic(&p, v.as_bytes())?;
    }
    Ok(())
}

impl Store {
    /// Creates a registered model with the server's description, tags and timestamps; fails
    /// when the name is taken here.
    pub fn add_pulled_model(&self, m: &PulledModel) -> Result<RegisteredModel> {
        validate_model_name(&m.name)?;
        for (k, _) in &m.tags {
            validate_key(KeyKind::Tag, k)?;
        }
        let dir = self.models_dir().join(&m.name);
        let _lock = self.lock()?;
        if dir.exists() {
            return Err(Error::Exists {
                what: Entity::Model,
                name: m.name.clone(),
                id: None,
                deleted: false,
            });
        }
        let mut meta = Meta::new();
        meta.insert("name".into(), Scalar::from(m.name.as_str()));
        meta.insert(
            "creation_timestamp".into(),
            Scalar::Int(m.creation_timestamp),
        );
        meta.insert(
            "last_updated_timestamp".into(),
            Scalar::Int(m.last_updated_timestamp),
        );
        meta.insert("description".into(), opt(&m.description));
        meta.insert("deployment_job_id".into(), Scalar::Null);
        meta.insert("deployment_job_state".into(), Scalar::Null);
        meta.insert("workspace".into(), Scalar::from("default"));
        let scratch = self.scratch_dir()?;
        let build = scratch.path().join("model");
        fs::create_dir_all(&build)?;
        fs::write_new(&layout::meta(&build), to_yaml(&meta).as_bytes())?;
        write_values(&build, &m.tags, false)?;
        fs::create_dir_all(&self.models_dir())?;
        fs::rename(&build, &dir)?;
        drop(_lock);
        self.registered_model(&m.name)
    }

    /// Adds a version to an existing registered model with the server's number, or, when
    /// that number is in use here (deleted versions included), the next free one.
    pub fn add_pulled_version(&self, name: &str, v: &PulledVersion) -> Result<ModelVersion> {
        for (k, _) in &v.tags {
            validate_key(KeyKind::Tag, k)?;
        }
        if v.version < 1 {
            return Err(Error::Invalid(format!(
                "version {} of model '{name}' is not a version number",
                v.version
            )));
        }
        self.registered_model(name)?;
        let dir = self.models_dir().join(name);
        let storage_location = match ModelUri::parse(&v.source) {
            Ok(ModelUri::LoggedModel(id)) => self
                .logged_model(&id)
                .map(|m| m.artifact_location)
                .unwrap_or_else(|_| v.source.clone()),
            _ => v.source.clone(),
        };
        let _lock = self.lock()?;
        let used = self.version_dirs(&dir)?;
        let number = if used.iter().any(|(n, _)| *n == v.version) {
            used.last().map_or(1, |(n, _)| n + 1)
        } else {
            v.version
        };
        let mut meta = Meta::new();
        meta.insert("name".into(), Scalar::from(name));
        meta.insert("version".into(), Scalar::Int(number));
        meta.insert(
            "creation_timestamp".into(),
            Scalar::Int(v.creation_timestamp),
        );
        meta.insert(
            "last_updated_timestamp".into(),
            Scalar::Int(v.last_updated_timestamp),
        );
        meta.insert("current_stage".into(), Scalar::from(v.stage.as_str()));
        meta.insert("description".into(), opt(&v.description));
        meta.insert("source".into(), Scalar::from(v.source.as_str()));
        meta.insert("run_id".into(), opt(&v.run_id));
        meta.insert("run_link".into(), opt(&v.run_link));
        meta.insert("model_id".into(), opt(&v.model_id));
        meta.insert("status".into(), Scalar::from(v.status.as_str()));
        meta.insert("status_message".into(), opt(&v.status_message));
        meta.insert("storage_location".into(), Scalar::from(storage_location));
        meta.insert("user_id".into(), opt(&v.user_id));
        meta.insert("deployment_job_state".into(), Scalar::Null);
        meta.insert("workspace".into(), Scalar::from("default"));
        let scratch = self.scratch_dir()?;
        let build = scratch.path().join("version");
        fs::create_dir_all(&build)?;
        fs::write_new(&layout::meta(&build), to_yaml(&meta).as_bytes())?;
        write_values(&build, &v.tags, false)?;
        fs::rename(&build, &dir.join(layout::version_folder(number)))?;
        drop(_lock);
        self.model_version(name, number)
    }

    /// Creates a logged model with the server's id in an active local experiment; fails when
    /// a logged model of that id is here already.
    pub fn add_pulled_logged_model(&self, m: &PulledLoggedModel) -> Result<LoggedModelRecord> {
        let valid = m.model_id.len() > 2
            && m.model_id.starts_with("m-")
            && m.model_id[2..].bytes().all(|b| b.is_ascii_alphanumeric());
        if !valid {
            return Err(Error::Invalid(format!(
                "'{}' is not a logged model id (m-<hex>)",
                m.model_id
            )));
        }
        for (k, v) in &m.params {
            validate_key(KeyKind::Param, k)?;
            crate::entities::validate_value_len(KeyKind::Param, k, v)?;
        }
        for (k, _) in &m.tags {
            validate_key(KeyKind::Tag, k)?;
        }
        if !(0..=3).contains(&m.status) {
            return Err(Error::Invalid(format!(
                "invalid logged model status {}",
                m.status
            )));
        }
        let exp_dir = self
            .experiment_dir(&m.experiment_id)
            .ok_or_else(|| Error::missing(Entity::Experiment, &m.experiment_id))?;
        let exp = self.read_experiment_dir(&exp_dir)?;
        if exp.lifecycle_stage != Lifecycle::Active {
            return Err(Error::Conflict(format!(
                "Could not create model under non-active experiment with ID {}.",
                exp.experiment_id
            )));
        }
        let _lock = self.lock()?;
        if self.logged_model_folder(&m.model_id).is_ok() {
            return Err(Error::Exists {
                what: Entity::LoggedModel,
                name: m.model_id.clone(),
                id: None,
                deleted: false,
            });
        }
        let location = format!(
            "{}/{}/{}/{}",
            exp.artifact_location.trim_end_matches('/'),
            layout::MODELS,
            m.model_id,
            layout::ARTIFACTS
        );
        let now = crate::env::now_ms();
        let mut meta = Meta::new();
        meta.insert("artifact_location".into(), Scalar::from(location));
        meta.insert(
            "creation_timestamp".into(),
            Scalar::Int(m.creation_timestamp.unwrap_or(now)),
        );
        meta.insert(
            "experiment_id".into(),
            Scalar::from(exp.experiment_id.as_str()),
        );
        meta.insert(
            "last_updated_timestamp".into(),
            Scalar::Int(m.last_updated_timestamp.unwrap_or(now)),
        );
        meta.insert("lifecycle_stage".into(), Scalar::from("active"));
        meta.insert("model_id".into(), Scalar::from(m.model_id.as_str()));
        meta.insert(
            "model_type".into(),
            Scalar::from(m.model_type.as_deref().unwrap_or("")),
        );
        meta.insert("name".into(), Scalar::from(m.name.as_str()));
        meta.insert(
            "source_run_id".into(),
            Scalar::from(m.source_run_id.as_deref().unwrap_or("")),
        );
        meta.insert("status".into(), Scalar::Int(m.status));
        meta.insert("status_message".into(), opt(&m.status_message));
        let scratch = self.scratch_dir()?;
        let build = scratch.path().join(&m.model_id);
        for d in [layout::METRICS, layout::PARAMS, layout::TAGS] {
            fs::create_dir_all(&build.join(d))?;
        }
        fs::write_new(&layout::meta(&build), to_yaml(&meta).as_bytes())?;
        write_values(&build, &m.params, true)?;
        write_values(&build, &m.tags, false)?;
        let models = exp_dir.join(layout::MODELS);
        fs::check_no_link(&exp_dir, &models)?;
        fs::create_dir_all(&models)?;
        fs::rename(&build, &models.join(&m.model_id))?;
        drop(_lock);
        self.logged_model_record(&m.model_id, false)
    }

    /// The local folder a logged model's files are in (where a pull writes them).
    pub fn logged_model_files_dir(&self, id: &str) -> Result<PathBuf> {
        self.model_files(&format!("models:/{id}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let tmp = tempfile::tempdir().unwrap();
        let s = Store::new(tmp.path());
        s.init().unwrap();
        (tmp, s)
    }

    fn version(n: i64) -> PulledVersion {
        PulledVersion {
            version: n,
            source: "s3://b/1/r/artifacts/model".into(),
            run_id: Some("r".into()),
            model_id: None,
            run_link: None,
            description: Some("d".into()),
            tags: vec![("k".into(), "v".into())],
            stage: Stage::Production,
            creation_timestamp: 5,
            last_updated_timestamp: 6,
            user_id: Some("u".into()),
            status: "READY".into(),
            status_message: None,
        }
    }

    #[test]
    fn versions_keep_the_servers_number_unless_it_is_taken() {
        let (_t, s) = store();
        let m = s
            .add_pulled_model(&PulledModel {
                name: "m".into(),
                description: Some("about".into()),
                tags: vec![("team".into(), "a".into())],
                creation_timestamp: 1,
                last_updated_timestamp: 2,
            })
            .unwrap();
        assert_eq!((m.creation_timestamp, m.tags["team"].as_str()), (1, "a"));
        assert!(
            s.add_pulled_model(&PulledModel {
                name: "m".into(),
                ..Default::default()
            })
            .is_err()
        );
        let v = s.add_pulled_version("m", &version(3)).unwrap();
        assert_eq!(
            (v.version, v.current_stage, v.creation_timestamp),
            (3, Stage::Production, 5)
        );
        assert_eq!(v.tags["k"], "v");
        assert_eq!(v.description.as_deref(), Some("d"));
        // 3 is taken: the next free number.
        assert_eq!(s.add_pulled_version("m", &version(3)).unwrap().version, 4);
        assert_eq!(s.add_pulled_version("m", &version(1)).unwrap().version, 1);
        // A local version after them takes the next number.
        let next = s
            .create_model_version(
                "m",
                crate::store::NewVersion {
                    source: "s3://x".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(next.version, 5);
        assert!(s.add_pulled_version("nope", &version(1)).is_err());
    }

    #[test]
    fn logged_models_keep_the_servers_id() {
        let (_t, s) = store();
        let m = s
            .add_pulled_logged_model(&PulledLoggedModel {
                model_id: "m-0123abcd".into(),
                experiment_id: "0".into(),
                name: "model".into(),
                source_run_id: Some("r1".into()),
                status: 2,
                params: vec![("alpha".into(), "0.5".into())],
                tags: vec![("t".into(), "v".into())],
                creation_timestamp: Some(7),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(m.model_id, "m-0123abcd");
        assert_eq!((m.status, m.creation_timestamp), (2, Some(7)));
        assert_eq!(m.params["alpha"], "0.5");
        assert_eq!(m.tags["t"], "v");
        assert_eq!(m.source_run_id.as_deref(), Some("r1"));
        assert_eq!(
            s.logged_model_files_dir("m-0123abcd").unwrap(),
            s.root().join("mlruns/0/models/m-0123abcd/artifacts")
        );
        let again = s.add_pulled_logged_model(&PulledLoggedModel {
            model_id: "m-0123abcd".into(),
            experiment_id: "0".into(),
            ..Default::default()
        });
        assert!(again.is_err());
        let bad = s.add_pulled_logged_model(&PulledLoggedModel {
            model_id: "../x".into(),
            experiment_id: "0".into(),
            ..Default::default()
        });
        assert!(bad.is_err());
    }
}
