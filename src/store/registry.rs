//! The model registry: `registry/models/<name>/` in MLflow's file-registry layout.
//!
//! ```text
//! registry/models/<name>/meta.yaml          name, description, timestamps
//! registry/models/<name>/tags/<key>
//! registry/models/<name>/aliases/<alias>    the version number as text
//! registry/models/<name>/version-<N>/meta.yaml, tags/<key>
//! registry/models/<name>/version-<N>/artifacts/   files registered from a local folder (mlt)
//! ```
//!
//! Version numbers are allocated under the store lock and never reused (deleted versions stay,
//! as `Deleted_Internal`). Every rewrite is a temp file renamed into place.

use super::artifact::{copy_atomic, folder_plan};
use super::fs::{self, IoContext};
use super::layout;
use super::locate::local_path_of_uri;
use super::yaml::{Doc, Meta, Scalar, to_yaml};
use super::{Entity, Error, Result, RunRef, Store};
use crate::entities::{
    KeyKind, ModelVersion, RegisteredModel, Stage, validate_alias, validate_key,
    validate_model_name,
};
use crate::env;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::layout::VERSION_FILES;

/// What a new version is made from.
#[derive(Clone, Debug, Default)]
pub struct NewVersion {
    /// As given: `runs:/...`, `models:/...`, a path.
    pub source: String,
    pub run_id: Option<String>,
    pub model_id: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<(String, String)>,
    /// A local folder to copy into the store as the version's files.
    pub copy_from: Option<PathBuf>,
}

/// A `models:/` URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelUri {
    Version(String, i64),
    Latest(String),
    Stage(String, Stage),
    Alias(String, String),
    /// MLflow 3: `models:/m-<hex>`, a logged model.
    LoggedModel(String),
}

impl ModelUri {
    /// Parses `models:/<name>/<version|latest|stage>`, `models:/<name>@<alias>` or
    /// `models:/<model_id>` (MLflow's `_parse_model_uri`).
    pub fn parse(uri: &str) -> Result<ModelUri> {
        let bad = |why: &str| Error::Invalid(format!("invalid model URI '{uri}': {why}"));
        let rest = uri
            .strip_prefix("models:/")
            .ok_or_else(|| bad("it does not start with models:/"))?
            .trim_start_matches('/');
        let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
        match parts.as_slice() {
            [one] if !one.is_empty() => {
                if let Some((name, alias)) = one.rsplit_once('@') {
                    if name.is_empty() || alias.is_empty() {
                        return Err(bad("expected models:/<name>@<alias>"));
                    }
                    if alias.eq_ignore_ascii_case("latest") {
                        return Ok(ModelUri::Latest(name.into()));
                    }
                    Ok(ModelUri::Alias(name.into(), alias.into()))
                } else {
                    Ok(ModelUri::LoggedModel(one.to_string()))
                }
            }
            [name, which] if !name.is_empty() && !which.is_empty() => {
                let name = name.to_string();
                if which.bytes().all(|b| b.is_ascii_digit()) {
                    let v = which.parse().map_err(|_| bad("version out of range"))?;
                    Ok(ModelUri::Version(name, v))
                } else if which.eq_ignore_ascii_case("latest") {
                    Ok(ModelUri::Latest(name))
                } else {
                    let stage = Stage::parse_user(which).ok_or_else(|| {
                        bad("expected a version number, 'latest' or a stage \
                             (None, Staging, Production, Archived)")
                    })?;
                    Ok(ModelUri::Stage(name, stage))
                }
            }
            _ => Err(bad(
                "expected models:/<name>/<version>, models:/<name>@<alias> or models:/<model_id>",
            )),
        }
    }
}

fn bad_meta(path: &Path) -> impl Fn(String) -> Error + '_ {
    move |msg| Error::Malformed {
        path: path.to_path_buf(),
        msg,
    }
}

fn version_dir_number(name: &str) -> Option<i64> {
    layout::version_number(name)
}

impl Store {
    /// The registered models' folder: `models/` in [`Store::registry_root`].
    pub fn models_dir(&self) -> PathBuf {
        self.registry_root().join(layout::MODELS)
    }

    fn model_dir(&self, name: &str) -> Result<PathBuf> {
        validate_model_name(name)?;
        Ok(self.models_dir().join(name))
    }

    fn existing_model_dir(&self, name: &str) -> Result<PathBuf> {
        let dir = self.model_dir(name)?;
        if !dir.join(layout::META).is_file() {
            let names = self.model_names();
            return Err(Error::missing_among(
                Entity::Model,
                name,
                names.iter().map(String::as_str),
            ));
        }
        Ok(dir)
    }

    /// The names of the registered models (folders with a meta.yaml), unsorted.
    fn model_names(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.models_dir()) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join(layout::META).is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    }

    /// No alias `alias` on model `name`, whose aliases are `aliases`.
    fn missing_alias(name: &str, alias: &str, aliases: &BTreeMap<String, i64>) -> Error {
        Error::missing_among(
            Entity::Alias {
                model: name.to_string(),
            },
            alias,
            aliases.keys().map(String::as_str),
        )
    }

    fn version_dir(&self, name: &str, version: i64) -> Result<PathBuf> {
        let dir = self
            .existing_model_dir(name)?
            .join(layout::version_folder(version));
        Ok(dir)
    }

    fn read_tags(dir: &Path) -> Result<BTreeMap<String, String>> {
        let mut tags = BTreeMap::new();
        for (k, p) in fs::read_key_files(&dir.join(layout::TAGS))? {
            tags.insert(k, fs::read_to_string(&p)?);
        }
        Ok(tags)
    }

    fn read_aliases(dir: &Path) -> Result<BTreeMap<String, i64>> {
        let mut out = BTreeMap::new();
        for (alias, p) in fs::read_key_files(&dir.join(layout::ALIASES))? {
            let text = fs::read_to_string(&p)?;
            let v = text.trim().parse().map_err(|_| {
                bad_meta(&p)(format!("alias '{alias}' holds '{text}', not a version"))
            })?;
            out.insert(alias, v);
        }
        Ok(out)
    }

    fn read_registered_model(&self, dir: &Path) -> Result<RegisteredModel> {
        let path = dir.join(layout::META);
        let doc = Doc::parse(&self.read_record(&path)?).map_err(bad_meta(&path))?;
        let m = bad_meta(&path);
        Ok(RegisteredModel {
            name: doc.str("name").map_err(&m)?,
            creation_timestamp: doc.opt_int("creation_timestamp").map_err(&m)?.unwrap_or(0),
            last_updated_timestamp: doc
                .opt_int("last_updated_timestamp")
                .map_err(&m)?
                .unwrap_or(0),
            description: doc.opt_str("description").map_err(&m)?,
            tags: Self::read_tags(dir)?,
            aliases: Self::read_aliases(dir)?,
        })
    }

    /// A version folder, deleted ones included.
    fn read_version_dir(
        &self,
        dir: &Path,
        aliases: &BTreeMap<String, i64>,
    ) -> Result<ModelVersion> {
        let path = dir.join(layout::META);
        let doc = Doc::parse(&self.read_record(&path)?).map_err(bad_meta(&path))?;
        let m = bad_meta(&path);
        let version = doc.int("version").map_err(&m)?;
        let stage_text = doc
            .opt_str("current_stage")
            .map_err(&m)?
            .unwrap_or_else(|| "None".into());
        let current_stage = Stage::parse_stored(&stage_text)
            .ok_or_else(|| m(format!("unknown current_stage '{stage_text}'")))?;
        Ok(ModelVersion {
            name: doc.str("name").map_err(&m)?,
            version,
            creation_timestamp: doc.opt_int("creation_timestamp").map_err(&m)?.unwrap_or(0),
            last_updated_timestamp: doc
                .opt_int("last_updated_timestamp")
                .map_err(&m)?
                .unwrap_or(0),
            current_stage,
            description: doc.opt_str("description").map_err(&m)?,
            source: doc.opt_str("source").map_err(&m)?.unwrap_or_default(),
            run_id: doc.opt_str("run_id").map_err(&m)?,
            run_link: doc.opt_str("run_link").map_err(&m)?,
            status: doc
                .opt_str("status")
                .map_err(&m)?
                .unwrap_or_else(|| "READY".into()),
            status_message: doc.opt_str("status_message").map_err(&m)?,
            storage_location: doc.opt_str("storage_location").map_err(&m)?,
            user_id: doc.opt_str("user_id").map_err(&m)?,
            model_id: doc.opt_str("model_id").map_err(&m)?,
            tags: Self::read_tags(dir)?,
            aliases: aliases
                .iter()
                .filter(|(_, v)| **v == version)
                .map(|(a, _)| a.clone())
                .collect(),
        })
    }

    /// Every version folder of a model (deleted ones too), by number.
    pub(crate) fn version_dirs(&self, model_dir: &Path) -> Result<Vec<(i64, PathBuf)>> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(model_dir).at(model_dir)? {
            let e = e.at(model_dir)?;
            if let Some(n) = version_dir_number(&e.file_name().to_string_lossy())
                && e.path().is_dir()
            {
                out.push((n, e.path()));
            }
        }
        out.sort();
        Ok(out)
    }

    /// Rewrites a meta.yaml with `change` applied, keeping every other field.
    fn rewrite_meta(path: &Path, change: impl FnOnce(&mut Meta)) -> Result<()> {
        let doc = Doc::parse(&fs::read_to_string(path)?).map_err(bad_meta(path))?;
        let mut meta = doc.to_meta();
        change(&mut meta);
        fs::write_atomic(path, to_yaml(&meta).as_bytes())
    }

    fn touch_model(dir: &Path, now: i64) -> Result<()> {
        Self::rewrite_meta(&dir.join(layout::META), |m| {
            m.insert("last_updated_timestamp".into(), Scalar::Int(now));
        })
    }

    fn check_tag(key: &str, value: &str) -> Result<()> {
        validate_key(KeyKind::Tag, key)?;
        crate::entities::validate_len(
            crate::entities::Field::Value(KeyKind::Tag),
            key,
            value,
            crate::entities::MAX_MODEL_TAG_VAL_LEN,
        )?;
        Ok(())
    }

    // ---- registered models ----

    /// Creates a registered model; fails when the name is taken.
    pub fn create_registered_model(
        &self,
        name: &str,
        description: Option<&str>,
        tags: &[(String, String)],
    ) -> Result<RegisteredModel> {
        let dir = self.model_dir(name)?;
        for (k, v) in tags {
            Self::check_tag(k, v)?;
        }
        let _lock = self.lock()?;
        if dir.exists() {
            return Err(Error::Exists {
                what: Entity::Model,
                name: name.to_string(),
                id: None,
                deleted: false,
            });
        }
        self.write_new_model(&dir, name, description, tags, None)?;
        self.read_registered_model(&dir)
    }

    /// Builds a model folder aside and renames it into place (the lock is held).
    fn write_new_model(
        &self,
        dir: &Path,
        name: &str,
        description: Option<&str>,
        tags: &[(String, String)],
        first_version: Option<(&Path, &str)>,
    ) -> Result<()> {
        let now = env::now_ms();
        let mut meta = Meta::new();
        meta.insert("name".into(), Scalar::from(name));
        meta.insert("creation_timestamp".into(), Scalar::Int(now));
        meta.insert("last_updated_timestamp".into(), Scalar::Int(now));
        meta.insert(
            "description".into(),
            description.map_or(Scalar::Null, Scalar::from),
        );
        meta.insert("deployment_job_id".into(), Scalar::Null);
        meta.insert("deployment_job_state".into(), Scalar::Null);
        meta.insert("workspace".into(), Scalar::from("default"));
        let scratch = self.scratch_dir()?;
        let build = scratch.path().join("model");
        fs::create_dir_all(&build)?;
        fs::write_new(&build.join(layout::META), to_yaml(&meta).as_bytes())?;
        for (k, v) in tags {
            let p = layout::tag(&build, k);
            fs::create_dir_all(p.parent().unwrap_or(&build))?;
            fs::write_new(&p, v.as_bytes())?;
        }
        // A model made for its first version appears with it, never without it.
        if let Some((version_build, version_dir)) = first_version {
            fs::rename(version_build, &build.join(version_dir))?;
        }
        fs::create_dir_all(&self.models_dir())?;
        fs::rename(&build, dir)
    }

    pub fn registered_model(&self, name: &str) -> Result<RegisteredModel> {
        let dir = self.existing_model_dir(name)?;
        self.read_registered_model(&dir)
    }

    /// Every registered model, by name. Unreadable ones are skipped with a warning.
    pub fn list_registered_models(&self) -> Result<Vec<RegisteredModel>> {
        let root = self.models_dir();
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(e).at(&root),
        };
        for e in entries {
            let e = e.at(&root)?;
            let dir = e.path();
            if !dir.join(layout::META).is_file() {
                continue;
            }
            match self.read_registered_model(&dir) {
                Ok(m) => out.push(m),
                Err(err) => self.warn(&format!("skipping registered model: {err}")),
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    pub fn set_model_description(&self, name: &str, description: Option<&str>) -> Result<()> {
        let dir = self.existing_model_dir(name)?;
        let _lock = self.lock()?;
        Self::rewrite_meta(&dir.join(layout::META), |m| {
            m.insert(
                "description".into(),
                description.map_or(Scalar::Null, Scalar::from),
            );
            m.insert("last_updated_timestamp".into(), Scalar::Int(env::now_ms()));
        })
    }

    pub fn set_model_tag(&self, name: &str, key: &str, value: &str) -> Result<()> {
        Self::check_tag(key, value)?;
        let dir = self.existing_model_dir(name)?;
        let _lock = self.lock()?;
        let p = layout::tag(&dir, key);
        fs::create_dir_all(p.parent().unwrap_or(&dir))?;
        fs::write_atomic(&p, value.as_bytes())?;
        Self::touch_model(&dir, env::now_ms())
    }

    pub fn delete_model_tag(&self, name: &str, key: &str) -> Result<()> {
        validate_key(KeyKind::Tag, key)?;
        let dir = self.existing_model_dir(name)?;
        let _lock = self.lock()?;
        let p = layout::tag(&dir, key);
        if !p.is_file() {
            return Err(Error::NotFound(format!(
                "model '{name}' has no tag '{key}'"
            )));
        }
        std::fs::remove_file(&p).at(&p)?;
        Self::touch_model(&dir, env::now_ms())
    }

    /// Renames a model. Unlike MLflow, its tags and aliases come along: the folder is copied
    /// aside with every name rewritten, renamed into place, and only then is the old one removed.
    pub fn rename_registered_model(&self, old: &str, new: &str) -> Result<RegisteredModel> {
        let from = self.existing_model_dir(old)?;
        let to = self.model_dir(new)?;
        let _lock = self.lock()?;
        if to.exists() {
            return Err(Error::Exists {
                what: Entity::Model,
                name: new.to_string(),
                id: None,
                deleted: false,
            });
        }
        let now = env::now_ms();
        let scratch = self.scratch_dir()?;
        let build = scratch.path().join("model");
        self.copy_store_tree(&from, &build)?;
        let old_files = self.relative_location(&from);
        let new_files = self.relative_location(&to);
        Self::rewrite_meta(&build.join(layout::META), |m| {
            m.insert("name".into(), Scalar::from(new));
            m.insert("last_updated_timestamp".into(), Scalar::Int(now));
        })?;
        for (_, vdir) in self.version_dirs(&build)? {
            Self::rewrite_meta(&vdir.join(layout::META), |m| {
                m.insert("name".into(), Scalar::from(new));
                // Files mlt copied in move with the model.
                for field in ["source", "storage_location"] {
                    if let Some(Scalar::Str(loc)) = m.get(field)
                        && let Some(rest) = loc.strip_prefix(&format!("{old_files}/"))
                    {
                        let moved = format!("{new_files}/{rest}");
                        m.insert(field.into(), Scalar::from(moved));
                    }
                }
            })?;
        }
        fs::rename(&build, &to)?;
        let trash = scratch.path().join("old");
        fs::rename(&from, &trash)?;
        self.read_registered_model(&to)
    }

    /// Deletes a model and all its versions for good (MLflow's `delete_registered_model`).
    pub fn delete_registered_model(&self, name: &str) -> Result<()> {
        let dir = self.existing_model_dir(name)?;
        let _lock = self.lock()?;
        // Renamed out first, so a crash never leaves half a model behind.
        let scratch = self.scratch_dir()?;
        fs::rename(&dir, &scratch.path().join("gone"))
    }

    // ---- versions ----

    /// Registers a new version, creating the model on first use. The number is the highest
    /// ever used plus one, allocated under the store lock.
    pub fn create_model_version(&self, name: &str, new: NewVersion) -> Result<ModelVersion> {
        let dir = self.model_dir(name)?;
        for (k, v) in &new.tags {
            Self::check_tag(k, v)?;
        }
        if let Some(src) = &new.copy_from
            && !src.is_dir()
        {
            return Err(Error::NotFound(format!(
                "{} is not a folder",
                src.display()
            )));
        }
        let _lock = self.lock()?;
        let new_model = !dir.join(layout::META).is_file();
        let version = if new_model {
            1
        } else {
            self.version_dirs(&dir)?.last().map_or(1, |(n, _)| n + 1)
        };
        let vdir = dir.join(layout::version_folder(version));
        let now = env::now_ms();
        let scratch = self.scratch_dir()?;
        let build = scratch.path().join("version");
        fs::create_dir_all(&build)?;
        // A folder copied in is both the source and the storage location, store-relative so
        // the version survives the store being moved or cloned.
        let (source, storage_location) = match &new.copy_from {
            Some(src) => {
                copy_tree(src, &build.join(VERSION_FILES))?;
                let rel = self.relative_location(&vdir.join(VERSION_FILES));
                let source = if new.source.is_empty() {
                    rel.clone()
                } else {
                    new.source.clone()
                };
                (source, rel)
            }
            None => (new.source.clone(), self.storage_location_of(&new.source)?),
        };
        let mut meta = Meta::new();
        meta.insert("name".into(), Scalar::from(name));
        meta.insert("version".into(), Scalar::Int(version));
        meta.insert("creation_timestamp".into(), Scalar::Int(now));
        meta.insert("last_updated_timestamp".into(), Scalar::Int(now));
        meta.insert("current_stage".into(), Scalar::from(Stage::None.as_str()));
        let opt = |v: &Option<String>| v.as_deref().map_or(Scalar::Null, Scalar::from);
        meta.insert("description".into(), opt(&new.description));
        meta.insert("source".into(), Scalar::from(source));
        meta.insert("run_id".into(), opt(&new.run_id));
        meta.insert("run_link".into(), Scalar::Null);
        meta.insert("model_id".into(), opt(&new.model_id));
        meta.insert("status".into(), Scalar::from("READY"));
        meta.insert("status_message".into(), Scalar::Null);
        meta.insert("storage_location".into(), Scalar::from(storage_location));
        meta.insert("user_id".into(), Scalar::Null);
        meta.insert("deployment_job_state".into(), Scalar::Null);
        meta.insert("workspace".into(), Scalar::from("default"));
        fs::write_new(&build.join(layout::META), to_yaml(&meta).as_bytes())?;
        for (k, v) in &new.tags {
            let p = layout::tag(&build, k);
            fs::create_dir_all(p.parent().unwrap_or(&build))?;
            fs::write_new(&p, v.as_bytes())?;
        }
        if new_model {
            let vname = layout::version_folder(version);
            self.write_new_model(&dir, name, None, &[], Some((&build, &vname)))?;
        } else {
            fs::rename(&build, &vdir)?;
            Self::touch_model(&dir, now)?;
        }
        self.read_version_dir(&vdir, &Self::read_aliases(&dir)?)
    }

    /// MLflow's `storage_location` for a source: a `models:/` URI is resolved to where its
    /// files are; anything else is kept as given.
    fn storage_location_of(&self, source: &str) -> Result<String> {
        if !source.starts_with("models:/") {
            return Ok(source.to_string());
        }
        match ModelUri::parse(source)? {
            ModelUri::LoggedModel(id) => Ok(self.logged_model(&id)?.artifact_location),
            other => Ok(self.resolve_version(&other)?.download_uri().to_string()),
        }
    }

    /// Every version number of a model, deleted ones too, by number.
    pub fn all_version_numbers(&self, name: &str) -> Result<Vec<i64>> {
        let dir = self.existing_model_dir(name)?;
        Ok(self
            .version_dirs(&dir)?
            .into_iter()
            .map(|(n, _)| n)
            .collect())
    }

    /// A live version (not deleted).
    pub fn model_version(&self, name: &str, version: i64) -> Result<ModelVersion> {
        let dir = self.version_dir(name, version)?;
        let not_found = || {
            Error::missing(
                Entity::Version {
                    model: name.to_string(),
                },
                version.to_string(),
            )
        };
        if !dir.join(layout::META).is_file() {
            return Err(not_found());
        }
        let aliases = Self::read_aliases(&self.existing_model_dir(name)?)?;
        let v = self.read_version_dir(&dir, &aliases)?;
        if v.current_stage == Stage::DeletedInternal {
            return Err(not_found());
        }
        Ok(v)
    }

    /// The live versions of a model, newest first.
    pub fn model_versions(&self, name: &str) -> Result<Vec<ModelVersion>> {
        let dir = self.existing_model_dir(name)?;
        let aliases = Self::read_aliases(&dir)?;
        let mut out = Vec::new();
        for (_, vdir) in self.version_dirs(&dir)?.into_iter().rev() {
            if !vdir.join(layout::META).is_file() {
                continue;
            }
            match self.read_version_dir(&vdir, &aliases) {
                Ok(v) if v.current_stage != Stage::DeletedInternal => out.push(v),
                Ok(_) => {}
                Err(e) => self.warn(&format!("skipping model version: {e}")),
            }
        }
        Ok(out)
    }

    fn rewrite_version(
        &self,
        name: &str,
        version: i64,
        change: impl FnOnce(&mut Meta),
    ) -> Result<()> {
        self.model_version(name, version)?;
        let dir = self.version_dir(name, version)?;
        let now = env::now_ms();
        Self::rewrite_meta(&dir.join(layout::META), |m| {
            change(m);
            m.insert("last_updated_timestamp".into(), Scalar::Int(now));
        })?;
        Self::touch_model(&self.existing_model_dir(name)?, now)
    }

    pub fn set_version_description(
        &self,
        name: &str,
        version: i64,
        description: Option<&str>,
    ) -> Result<()> {
        let _lock = self.lock()?;
        self.rewrite_version(name, version, |m| {
            m.insert(
                "description".into(),
                description.map_or(Scalar::Null, Scalar::from),
            );
        })
    }

    pub fn set_version_tag(&self, name: &str, version: i64, key: &str, value: &str) -> Result<()> {
        Self::check_tag(key, value)?;
        let _lock = self.lock()?;
        self.model_version(name, version)?;
        let dir = self.version_dir(name, version)?;
        let p = layout::tag(&dir, key);
        fs::create_dir_all(p.parent().unwrap_or(&dir))?;
        fs::write_atomic(&p, value.as_bytes())
    }

    pub fn delete_version_tag(&self, name: &str, version: i64, key: &str) -> Result<()> {
        validate_key(KeyKind::Tag, key)?;
        let _lock = self.lock()?;
        self.model_version(name, version)?;
        let p = layout::tag(&self.version_dir(name, version)?, key);
        if !p.is_file() {
            return Err(Error::NotFound(format!(
                "version {version} of '{name}' has no tag '{key}'"
            )));
        }
        std::fs::remove_file(&p).at(&p)
    }

    /// Moves a version to a stage. With `archive_existing` (Staging or Production only), every
    /// other version in that stage goes to Archived. Returns the versions archived.
    pub fn transition_stage(
        &self,
        name: &str,
        version: i64,
        stage: Stage,
        archive_existing: bool,
    ) -> Result<Vec<i64>> {
        if archive_existing && !matches!(stage, Stage::Staging | Stage::Production) {
            return Err(Error::ArchiveStage { stage });
        }
        let _lock = self.lock()?;
        self.model_version(name, version)?;
        let mut archived = Vec::new();
        if archive_existing {
            for other in self.model_versions(name)?.into_iter().rev() {
                if other.version != version && other.current_stage == stage {
                    self.rewrite_version(name, other.version, |m| {
                        m.insert(
                            "current_stage".into(),
                            Scalar::from(Stage::Archived.as_str()),
                        );
                    })?;
                    archived.push(other.version);
                }
            }
        }
        self.rewrite_version(name, version, |m| {
            m.insert("current_stage".into(), Scalar::from(stage.as_str()));
        })?;
        Ok(archived)
    }

    /// Soft-deletes a version, as MLflow does: it stays on disk as `Deleted_Internal` (so its
    /// number is never reused) and the aliases pointing at it are removed.
    pub fn delete_model_version(&self, name: &str, version: i64) -> Result<Vec<String>> {
        let _lock = self.lock()?;
        let v = self.model_version(name, version)?;
        self.rewrite_version(name, version, |m| {
            m.insert(
                "current_stage".into(),
                Scalar::from(Stage::DeletedInternal.as_str()),
            );
        })?;
        let dir = self.existing_model_dir(name)?;
        for a in &v.aliases {
            let p = layout::alias(&dir, a);
            std::fs::remove_file(&p).at(&p)?;
        }
        Ok(v.aliases)
    }

    // ---- aliases ----

    /// Points an alias at a version; returns the version it pointed at before.
    pub fn set_alias(&self, name: &str, alias: &str, version: i64) -> Result<Option<i64>> {
        validate_alias(alias)?;
        let _lock = self.lock()?;
        self.model_version(name, version)?;
        let dir = self.existing_model_dir(name)?;
        let before = Self::read_aliases(&dir)?.get(alias).copied();
        let p = layout::alias(&dir, alias);
        fs::create_dir_all(&dir.join(layout::ALIASES))?;
        fs::write_atomic(&p, version.to_string().as_bytes())?;
        Self::touch_model(&dir, env::now_ms())?;
        Ok(before)
    }

    /// Removes an alias; returns the version it pointed at.
    pub fn delete_alias(&self, name: &str, alias: &str) -> Result<i64> {
        validate_alias(alias)?;
        let _lock = self.lock()?;
        let dir = self.existing_model_dir(name)?;
        let aliases = Self::read_aliases(&dir)?;
        let Some(v) = aliases.get(alias).copied() else {
            return Err(Self::missing_alias(name, alias, &aliases));
        };
        let p = layout::alias(&dir, alias);
        std::fs::remove_file(&p).at(&p)?;
        Self::touch_model(&dir, env::now_ms())?;
        Ok(v)
    }

    // ---- resolving ----

    /// The version a `models:/<name>/...` URI names (not a logged-model URI).
    pub fn resolve_version(&self, uri: &ModelUri) -> Result<ModelVersion> {
        match uri {
            ModelUri::Version(name, v) => self.model_version(name, *v),
            ModelUri::Latest(name) => self
                .model_versions(name)?
                .into_iter()
                .next()
                .ok_or_else(|| Error::NotFound(format!("model '{name}' has no versions"))),
            ModelUri::Stage(name, stage) => self
                .model_versions(name)?
                .into_iter()
                .find(|v| v.current_stage == *stage)
                .ok_or_else(|| {
                    Error::NotFound(format!("model '{name}' has no version in stage {stage}"))
                }),
            ModelUri::Alias(name, alias) => {
                let aliases = Self::read_aliases(&self.existing_model_dir(name)?)?;
                let v = aliases
                    .get(alias)
                    .ok_or_else(|| Self::missing_alias(name, alias, &aliases))?;
                self.model_version(name, *v)
            }
            ModelUri::LoggedModel(id) => Err(Error::Invalid(format!(
                "models:/{id} is a logged model, not a registered version"
            ))),
        }
    }

    /// The local folder (or file) a model URI's files are in: `models:/...` (following
    /// `storage_location` or `source`), `runs:/<run>/<path>` (with MLflow 3's logged-model
    /// fallback), `file:` URIs and paths (relative ones against the store root).
    pub fn model_files(&self, uri: &str) -> Result<PathBuf> {
        self.model_files_depth(uri, 0)
    }

    fn model_files_depth(&self, uri: &str, depth: usize) -> Result<PathBuf> {
        if depth > 8 {
            return Err(Error::Invalid(format!(
                "model URI '{uri}' resolves in a loop"
            )));
        }
        if uri.starts_with("models:/") {
            let parsed = ModelUri::parse(uri)?;
            if let ModelUri::LoggedModel(id) = &parsed {
                return self.logged_model_dir(id);
            }
            let v = self.resolve_version(&parsed)?;
            let files = self.model_files_depth(v.download_uri(), depth + 1);
            // A folder mlt copied in, seen through an absolute path of a store that moved.
            return match files {
                Ok(p) if p.exists() => Ok(p),
                other => {
                    let own = self.version_dir(&v.name, v.version)?.join(VERSION_FILES);
                    if own.is_dir() { Ok(own) } else { other }
                }
            };
        }
        if uri.starts_with("runs:/") {
            // artifact_path falls back to MLflow 3's logged models by itself.
            let r = RunRef::parse(uri)?;
            let h = self.find_run(&r.run_id)?;
            return self.artifact_path(&h, r.path.as_deref());
        }
        let path = local_path_of_uri(uri).ok_or_else(|| {
            Error::Invalid(format!(
                "model source '{uri}' is not local; mlt reads only local files"
            ))
        })?;
        let path = if path.is_absolute() {
            path
        } else {
            self.root().join(path)
        };
        if !path.exists() {
            return Err(Error::NotFound(format!(
                "the files of '{uri}' are missing ({})",
                path.display()
            )));
        }
        Ok(path)
    }
}

impl Store {
    /// Copies a model's files into `dest`: a folder's contents, or a single file by its name.
    /// Returns what was written (the folder, or the file).
    /// With `sub`, only that file or folder inside the model (a folder keeps its path).
    pub fn download_model(&self, uri: &str, sub: Option<&str>, dest: &Path) -> Result<PathBuf> {
        let mut files = self.model_files(uri)?;
        let mut dest = dest.to_path_buf();
        if let Some(sub) = sub.map(|s| s.trim_matches('/')).filter(|s| !s.is_empty()) {
            super::artifact::validate_artifact_path(sub)?;
            files = files.join(sub);
            if !files.exists() {
                return Err(Error::NotFound(format!("{uri} has no file '{sub}'")));
            }
            if files.is_dir() {
                dest = dest.join(sub);
            }
        }
        let dest = dest.as_path();
        if std::fs::symlink_metadata(&files).is_ok() {
            super::safe_path::check_inside(
                &files,
                &self.bounds_for(&files),
                &format!("{uri}'s '{}'", sub.unwrap_or("").trim_matches('/')),
                "the store",
            )?;
        }
        if files.is_file() {
            fs::create_dir_all(dest)?;
            let out = dest.join(files.file_name().unwrap_or_default());
            std::fs::copy(&files, &out).at(&out)?;
            return Ok(out);
        }
        self.copy_store_tree(&files, dest)?;
        Ok(dest.to_path_buf())
    }
}

/// A logged model (MLflow 3): `mlruns/<exp>/models/<model_id>/meta.yaml`.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedModel {
    pub model_id: String,
    pub name: String,
    pub experiment_id: String,
    pub source_run_id: Option<String>,
    pub artifact_location: String,
    pub dir: PathBuf,
}

impl Store {
    pub(super) fn read_logged_model(&self, dir: &Path) -> Result<LoggedModel> {
        let path = dir.join(layout::META);
        let doc = Doc::parse(&self.read_record(&path)?).map_err(bad_meta(&path))?;
        let m = bad_meta(&path);
        Ok(LoggedModel {
            model_id: doc.str("model_id").map_err(&m)?,
            name: doc.opt_str("name").map_err(&m)?.unwrap_or_default(),
            experiment_id: doc.str("experiment_id").map_err(&m)?,
            source_run_id: doc.opt_str("source_run_id").map_err(&m)?,
            artifact_location: doc
                .opt_str("artifact_location")
                .map_err(&m)?
                .unwrap_or_default(),
            dir: dir.to_path_buf(),
        })
    }

    /// Finds a logged model by id in any experiment.
    pub fn logged_model(&self, id: &str) -> Result<LoggedModel> {
        let valid = id.starts_with("m-")
            && id.len() > 2
            && id[2..].bytes().all(|b| b.is_ascii_alphanumeric());
        if !valid {
            return Err(Error::NotFound(format!(
                "no logged model '{id}' (and no registered model: use models:/<name>/<version>)"
            )));
        }
        for exp in self.experiment_dirs(crate::entities::View::All)? {
            let dir = exp.join(layout::MODELS).join(id);
            if dir.join(layout::META).is_file() {
                return self.read_logged_model(&dir);
            }
        }
        Err(Error::missing(Entity::LoggedModel, id))
    }

    /// The local folder of a logged model's files: its artifact location, or its own
    /// `artifacts/` when that location is an absolute path that no longer exists.
    fn logged_model_files(&self, m: &LoggedModel) -> Result<PathBuf> {
        let own = m.dir.join(layout::ARTIFACTS);
        let Some(p) =
            local_path_of_uri(&m.artifact_location).filter(|_| !m.artifact_location.is_empty())
        else {
            return Ok(own);
        };
        let p = if p.is_absolute() {
            p
        } else {
            self.root().join(p)
        };
        if !p.exists() && own.is_dir() {
            return Ok(own);
        }
        Ok(p)
    }

    fn logged_model_dir(&self, id: &str) -> Result<PathBuf> {
        let m = self.logged_model(id)?;
        self.logged_model_files(&m)
    }

    /// The files of the logged model named `name` that run `run_id` produced.
    pub(crate) fn logged_model_of_run(
        &self,
        exp: &str,
        run_id: &str,
        name: &str,
    ) -> Result<Option<PathBuf>> {
        let Some(exp_dir) = self.experiment_dir(exp) else {
            return Ok(None);
        };
        let models = exp_dir.join(layout::MODELS);
        let Ok(entries) = std::fs::read_dir(&models) else {
            return Ok(None);
        };
        for e in entries.flatten() {
            if !e.path().join(layout::META).is_file() {
                continue;
            }
            if let Ok(m) = self.read_logged_model(&e.path())
                && m.name == name
                && m.source_run_id.as_deref() == Some(run_id)
            {
                return self.logged_model_files(&m).map(Some);
            }
        }
        Ok(None)
    }
}

/// Copies a folder's files into `to`, each landing whole (see `folder_plan`): a user's folder,
/// whose links are followed.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for (src, dst, _) in folder_plan(from, to, "")? {
        copy_atomic(&src, &dst)?;
    }
    Ok(())
}

impl Store {
    /// What reading `path` may reach: the store, and `path` itself when it is (as recorded)
    /// outside the store, as a run's artifact location the user chose can be.
    fn bounds_for(&self, path: &Path) -> super::safe_path::Bounds {
        let b = self.read_bounds();
        if super::locate::normalize(path).starts_with(self.root()) {
            b
        } else {
            b.with(path)
        }
    }

    /// Copies a folder of this store into `to`, each file landing whole, reading through no link
    /// that leads out of the store (those are left out, with a warning).
    fn copy_store_tree(&self, from: &Path, to: &Path) -> Result<()> {
        fs::create_dir_all(to)?;
        let walk = super::safe_path::walk(from, &self.bounds_for(from))?;
        for (rel, o) in &walk.skipped {
            self.warn(&format!(
                "{} is {}; not copied",
                from.join(rel).display(),
                o.describe("the store")
            ));
        }
        for e in walk.entries {
            let dst = to.join(&e.rel);
            if e.is_dir {
                fs::create_dir_all(&dst)?;
            } else {
                copy_atomic(&e.path, &dst)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_uris() {
        let p = |s: &str| ModelUri::parse(s).unwrap();
        assert_eq!(p("models:/m/3"), ModelUri::Version("m".into(), 3));
        assert_eq!(p("models:/m/latest"), ModelUri::Latest("m".into()));
        assert_eq!(p("models:/m/LATEST"), ModelUri::Latest("m".into()));
        assert_eq!(
            p("models:/m/production"),
            ModelUri::Stage("m".into(), Stage::Production)
        );
        assert_eq!(
            p("models:/m@champion"),
            ModelUri::Alias("m".into(), "champion".into())
        );
        assert_eq!(p("models:/m@latest"), ModelUri::Latest("m".into()));
        assert_eq!(
            p("models:/m-0123abc"),
            ModelUri::LoggedModel("m-0123abc".into())
        );
        assert_eq!(
            p("models:/my model/1"),
            ModelUri::Version("my model".into(), 1)
        );
        for bad in [
            "models:/",
            "models:/a/b/c",
            "models:/a//1",
            "models:/a/Prod",
            "runs:/x",
            "models:/@x",
        ] {
            assert!(ModelUri::parse(bad).is_err(), "{bad}");
        }
    }
}
