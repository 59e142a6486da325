//! Experiments: `mlruns/<id>/meta.yaml` and `mlruns/<id>/tags/<key>`; deleted ones in `.trash/`.

use super::fs::{self, IoContext};
use super::layout;
use super::yaml::{Doc, Meta, Scalar, to_yaml};
use super::{DEFAULT_EXPERIMENT_ID, Entity, Error, Result, Store, TRASH};
use crate::entities::{
    self, Experiment, KeyKind, Lifecycle, View, validate_experiment_name, validate_key,
    validate_value_len,
};
use crate::env;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Folders in `mlruns/` that are not experiments.
fn is_experiment_dir_name(name: &str) -> bool {
    !layout::is_reserved_in_tracking(name) && entities::is_valid_experiment_id(name)
}

/// No such experiment, or no store yet (which creating one makes).
fn is_missing_experiment(e: &Error) -> bool {
    e.is_not_found()
}

impl Store {
    fn active_dir(&self, id: &str) -> PathBuf {
        self.tracking.join(id)
    }

    fn trash_dir(&self, id: &str) -> PathBuf {
        self.tracking.join(TRASH).join(id)
    }

    /// The folder of an experiment, active or deleted.
    pub(crate) fn experiment_dir(&self, id: &str) -> Option<PathBuf> {
        if !entities::is_valid_experiment_id(id) {
            return None;
        }
        [self.active_dir(id), self.trash_dir(id)]
            .into_iter()
            .find(|d| d.join(layout::META).is_file())
    }

    /// Every experiment folder (active first, then deleted), without reading them.
    pub(crate) fn experiment_dirs(&self, view: View) -> Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        let mut roots = Vec::new();
        if view.includes(Lifecycle::Active) {
            roots.push(self.tracking.clone());
        }
        if view.includes(Lifecycle::Deleted) {
            roots.push(self.tracking.join(TRASH));
        }
        for root in roots {
            let entries = match std::fs::read_dir(&root) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e).at(&root),
            };
            let mut dirs: Vec<PathBuf> = entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter(|e| is_experiment_dir_name(&e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .collect();
            dirs.sort();
            out.extend(dirs);
        }
        Ok(out)
    }

    /// Reads an experiment folder.
    pub(crate) fn read_experiment_dir(&self, dir: &Path) -> Result<Experiment> {
        let meta_path = dir.join(layout::META);
        let text = self.read_record(&meta_path)?;
        let malformed = |msg: String| Error::Malformed {
            path: meta_path.clone(),
            msg,
        };
        let doc = Doc::parse(&text).map_err(malformed)?;
        let experiment_id = doc.str("experiment_id").map_err(malformed)?;
        let dir_name = dir.file_name().unwrap_or_default().to_string_lossy();
        if experiment_id != dir_name {
            return Err(malformed(format!(
                "experiment_id '{experiment_id}' does not match its folder '{dir_name}'"
            )));
        }
        let stage = doc
            .opt_str("lifecycle_stage")
            .map_err(malformed)?
            .unwrap_or_else(|| "active".into());
        let lifecycle_stage = Lifecycle::parse(&stage)
            .ok_or_else(|| malformed(format!("unknown lifecycle_stage '{stage}'")))?;
        let mut tags = BTreeMap::new();
        for (key, path) in fs::read_key_files(&dir.join(layout::TAGS))? {
            tags.insert(key, fs::read_to_string(&path)?);
        }
        Ok(Experiment {
            experiment_id,
            name: doc.str("name").map_err(malformed)?,
            artifact_location: doc.str("artifact_location").map_err(malformed)?,
            lifecycle_stage,
            creation_time: doc.opt_int("creation_time").map_err(malformed)?,
            last_update_time: doc.opt_int("last_update_time").map_err(malformed)?,
            tags,
        })
    }

    /// Lists experiments, newest first (MLflow's order: creation time descending, then id).
    /// Unreadable experiments are skipped with a warning, as MLflow does.
    pub fn list_experiments(&self, view: View) -> Result<Vec<Experiment>> {
        self.require()?;
        let mut out = Vec::new();
        for dir in self.experiment_dirs(view)? {
            if !dir.join(layout::META).is_file() {
                self.warn(&format!(
                    "skipping {}: no meta.yaml (not an experiment)",
                    dir.display()
                ));
                continue;
            }
            match self.read_experiment_dir(&dir) {
                Ok(e) if view.includes(e.lifecycle_stage) => out.push(e),
                Ok(_) => {}
                Err(e) => self.warn(&format!("skipping experiment: {e}")),
            }
        }
        out.sort_by(|a, b| {
            b.creation_time
                .unwrap_or(i64::MIN)
                .cmp(&a.creation_time.unwrap_or(i64::MIN))
                .then_with(|| a.experiment_id.cmp(&b.experiment_id))
        });
        Ok(out)
    }

    /// Finds an experiment by id, else by name (active or deleted).
    pub fn experiment(&self, id_or_name: &str) -> Result<Experiment> {
        self.require()?;
        if let Some(dir) = self.experiment_dir(id_or_name) {
            return self.read_experiment_dir(&dir);
        }
        match self.experiment_by_name(id_or_name)? {
            Some(e) => Ok(e),
            None => Err(Error::missing_among(
                Entity::Experiment,
                id_or_name,
                self.experiment_names()?.iter().map(String::as_str),
            )),
        }
    }

    /// The names of the experiments that can be read, active and deleted.
    fn experiment_names(&self) -> Result<Vec<String>> {
        Ok(self
            .experiment_dirs(View::All)?
            .iter()
            .filter(|d| d.join(layout::META).is_file())
            .filter_map(|d| self.read_experiment_dir(d).ok())
            .map(|e| e.name)
            .collect())
    }

    /// Finds an experiment by exact name, active or deleted.
    pub fn experiment_by_name(&self, name: &str) -> Result<Option<Experiment>> {
        for dir in self.experiment_dirs(View::All)? {
            if !dir.join(layout::META).is_file() {
                continue;
            }
            match self.read_experiment_dir(&dir) {
                Ok(e) if e.name == name => return Ok(Some(e)),
                Ok(_) => {}
                Err(e) => self.warn(&format!("skipping experiment: {e}")),
            }
        }
        Ok(None)
    }

    /// An active experiment, or an error saying it is deleted.
    pub fn active_experiment(&self, id_or_name: &str) -> Result<Experiment> {
        let e = self.experiment(id_or_name)?;
        if e.lifecycle_stage == Lifecycle::Deleted {
            return Err(Error::Deleted {
                what: Entity::Experiment,
                name: e.name,
                id: e.experiment_id,
            });
        }
        Ok(e)
    }

    pub(crate) fn write_default_experiment(&self) -> Result<()> {
        let now = env::now_ms();
        let dir = self.active_dir(DEFAULT_EXPERIMENT_ID);
        fs::create_dir_all(&dir)?;
        let meta = experiment_meta(
            DEFAULT_EXPERIMENT_ID,
            "Default",
            &self.relative_location(&dir),
            now,
        );
        fs::write_atomic(&dir.join(layout::META), to_yaml(&meta).as_bytes())
    }

    /// Creates an experiment and returns it. The name must be new among active and deleted
    /// experiments; the check and the creation happen under the store lock.
    pub fn create_experiment(
        &self,
        name: &str,
        artifact_location: Option<&str>,
        tags: &[(String, String)],
    ) -> Result<Experiment> {
        validate_experiment_name(name)?;
        for (k, v) in tags {
            validate_key(KeyKind::ExperimentTag, k)?;
            validate_value_len(KeyKind::ExperimentTag, k, v)?;
        }
        self.init()?;
        let _lock = self.lock()?;
        if let Some(e) = self.experiment_by_name(name)? {
            return Err(Error::Exists {
                what: Entity::Experiment,
                name: name.to_string(),
                deleted: e.lifecycle_stage == Lifecycle::Deleted,
                id: Some(e.experiment_id),
            });
        }
        self.create_experiment_locked(name, artifact_location, tags)
    }

    /// The experiment with id or name `id_or_name`, created (named so) if there is none, and
    /// whether it was created: MLflow's `set_experiment`. The look-up is repeated under the
    /// store lock before creating, so of many processes naming the same new experiment at
    /// once one creates it and the others use it.
    pub fn get_or_create_experiment(&self, id_or_name: &str) -> Result<(Experiment, bool)> {
        match self.experiment(id_or_name) {
            Ok(e) => return Ok((e, false)),
            Err(e) if is_missing_experiment(&e) => {}
            Err(e) => return Err(e),
        }
        validate_experiment_name(id_or_name)?;
        self.init()?;
        let _lock = self.lock()?;
        match self.experiment(id_or_name) {
            Ok(e) => Ok((e, false)),
            Err(e) if is_missing_experiment(&e) => {
                Ok((self.create_experiment_locked(id_or_name, None, &[])?, true))
            }
            Err(e) => Err(e),
        }
    }

    /// Creates an experiment named `name`, which the caller has checked is new while holding
    /// the store lock (still held).
    fn create_experiment_locked(
        &self,
        name: &str,
        artifact_location: Option<&str>,
        tags: &[(String, String)],
    ) -> Result<Experiment> {
        let id = loop {
            let id = entities::new_experiment_id();
            if self.experiment_dir(&id).is_none() && !self.active_dir(&id).exists() {
                break id;
            }
        };
        let final_dir = self.active_dir(&id);
        let location = match artifact_location {
            Some(l) => self.normalize_location(l),
            None => self.relative_location(&final_dir),
        };
        // Build the folder aside and rename it in whole: MLflow never sees half an experiment.
        let scratch = self.scratch_dir()?;
        let build = scratch.path().join(&id);
        fs::create_dir_all(&build)?;
        let meta = experiment_meta(&id, name, &location, env::now_ms());
        fs::write_new(&build.join(layout::META), to_yaml(&meta).as_bytes())?;
        for (k, v) in tags {
            fs::write_new(&layout::tag(&build, k), v.as_bytes())?;
        }
        fs::rename(&build, &final_dir)?;
        self.read_experiment_dir(&final_dir)
    }

    /// A user-given artifact location: URIs stay as given; a path inside the store becomes
    /// store-relative (portable), a path outside stays absolute.
    fn normalize_location(&self, location: &str) -> String {
        if super::locate::local_path_of_uri(location).is_none() || location.starts_with("file:") {
            return location.to_string();
        }
        let cwd = std::env::current_dir().unwrap_or_default();
        let abs = super::locate::normalize(&cwd.join(location));
        if abs.starts_with(&self.root) {
            self.relative_location(&abs)
        } else {
            abs.to_string_lossy().into_owned()
        }
    }

    /// Rewrites an experiment's `meta.yaml`, keeping fields mlt does not know.
    fn update_experiment_meta(&self, dir: &Path, f: impl FnOnce(&mut Meta)) -> Result<()> {
        let path = dir.join(layout::META);
        let text = fs::read_to_string(&path)?;
        let mut meta = Doc::parse(&text)
            .map_err(|msg| Error::Malformed {
                path: path.clone(),
                msg,
            })?
            .to_meta();
        // Readers ignore it and the tags/ folder is authoritative; don't keep a stale copy.
        meta.remove("tags");
        meta.insert("last_update_time".into(), Scalar::Int(env::now_ms()));
        f(&mut meta);
        fs::write_atomic(&path, to_yaml(&meta).as_bytes())
    }

    pub fn rename_experiment(&self, id_or_name: &str, new_name: &str) -> Result<Experiment> {
        validate_experiment_name(new_name)?;
        let _lock = self.lock()?;
        let e = self.active_experiment(id_or_name)?;
        if let Some(other) = self.experiment_by_name(new_name)? {
            if other.experiment_id == e.experiment_id {
                return Ok(e);
            }
            return Err(Error::Exists {
                what: Entity::Experiment,
                name: new_name.to_string(),
                deleted: other.lifecycle_stage == Lifecycle::Deleted,
                id: Some(other.experiment_id),
            });
        }
        let dir = self.active_dir(&e.experiment_id);
        self.update_experiment_meta(&dir, |m| {
            m.insert("name".into(), Scalar::Str(new_name.to_string()));
        })?;
        self.read_experiment_dir(&dir)
    }

    /// Soft-deletes an experiment as MLflow does: marks it and its active runs deleted, then
    /// moves its folder to `.trash/`.
    pub fn delete_experiment(&self, id_or_name: &str) -> Result<Experiment> {
        let _lock = self.lock()?;
        let e = self.active_experiment(id_or_name)?;
        if e.experiment_id == DEFAULT_EXPERIMENT_ID {
            return Err(Error::Invalid(
                "the Default experiment (0) cannot be deleted".into(),
            ));
        }
        let dir = self.active_dir(&e.experiment_id);
        let now = env::now_ms();
        for run_dir in self.run_dirs(&dir)? {
            self.mark_run_deleted_if_active(&run_dir, now)?;
        }
        self.update_experiment_meta(&dir, |m| {
            m.insert("lifecycle_stage".into(), Scalar::from("deleted"));
            m.insert("last_update_time".into(), Scalar::Int(now));
        })?;
        let target = self.trash_dir(&e.experiment_id);
        fs::create_dir_all(target.parent().expect("trash has a parent"))?;
        if target.exists() {
            return Err(Error::Conflict(format!(
                "{} already exists; cannot move experiment {} to the trash",
                target.display(),
                e.experiment_id
            )));
        }
        fs::rename(&dir, &target)?;
        self.read_experiment_dir(&target)
    }

    /// Restores a deleted experiment and every deleted run in it, as MLflow does.
    pub fn restore_experiment(&self, id_or_name: &str) -> Result<Experiment> {
        let _lock = self.lock()?;
        let e = self.experiment(id_or_name)?;
        if e.lifecycle_stage == Lifecycle::Active {
            return Err(Error::Invalid(format!(
                "experiment '{}' ({}) is not deleted",
                e.name, e.experiment_id
            )));
        }
        let from = self.trash_dir(&e.experiment_id);
        let to = self.active_dir(&e.experiment_id);
        if to.exists() {
            return Err(Error::Conflict(format!(
                "cannot restore experiment {}: {} already exists",
                e.experiment_id,
                to.display()
            )));
        }
        let now = env::now_ms();
        self.update_experiment_meta(&from, |m| {
            m.insert("lifecycle_stage".into(), Scalar::from("active"));
            m.insert("last_update_time".into(), Scalar::Int(now));
        })?;
        fs::rename(&from, &to)?;
        for run_dir in self.run_dirs(&to)? {
            self.mark_run_restored_if_deleted(&run_dir)?;
        }
        self.read_experiment_dir(&to)
    }

    pub fn set_experiment_tag(&self, id_or_name: &str, key: &str, value: &str) -> Result<()> {
        validate_key(KeyKind::ExperimentTag, key)?;
        validate_value_len(KeyKind::ExperimentTag, key, value)?;
        let e = self.active_experiment(id_or_name)?;
        let dir = self.active_dir(&e.experiment_id);
        fs::write_atomic(&layout::tag(&dir, key), value.as_bytes())
    }

    pub fn delete_experiment_tag(&self, id_or_name: &str, key: &str) -> Result<()> {
        validate_key(KeyKind::ExperimentTag, key)?;
        let e = self.active_experiment(id_or_name)?;
        let path = layout::tag(&self.active_dir(&e.experiment_id), key);
        if !path.is_file() {
            return Err(Error::NotFound(format!(
                "experiment '{}' has no tag '{key}'",
                e.name
            )));
        }
        std::fs::remove_file(&path).at(&path)
    }
}

/// Kept for the modules that still name it here.
pub(crate) use super::layout::key_path;

pub(crate) fn experiment_meta(id: &str, name: &str, location: &str, now: i64) -> Meta {
    let mut m = Meta::new();
    m.insert("artifact_location".into(), Scalar::from(location));
    m.insert("creation_time".into(), Scalar::Int(now));
    m.insert("experiment_id".into(), Scalar::from(id));
    m.insert("last_update_time".into(), Scalar::Int(now));
    m.insert("lifecycle_stage".into(), Scalar::from("active"));
    m.insert("name".into(), Scalar::from(name));
    m
}
