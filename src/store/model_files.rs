//! Model folders in a run's artifacts (MLflow 2's `log_model` layout: `<artifacts>/<name>/`
//! with an `MLmodel`), and the run tag `mlflow.log-model.history` that lists them.

use super::artifact::{copy_atomic, folder_plan, join_rel};
use super::fs::{self, IoContext};
use super::layout;
use super::{Entity, Error, Result, RunHandle, Store};
use crate::entities::{Lifecycle, tags};
use std::path::Path;

impl Store {
    /// Copies the files of the folder `local` into the run's artifacts under `name`, except its
    /// top-level `mlmodel_name` file, which is written last with `mlmodel` as its content (so a
    /// reader that finds the `MLmodel` finds every file beside it). Refuses a `name` the run
    /// already has. If a copy fails, the partial folder is removed. Returns the artifact paths
    /// written.
    pub fn log_model_files(
        &self,
        h: &RunHandle,
        local: &Path,
        name: &str,
        mlmodel_name: &str,
        mlmodel: &[u8],
    ) -> Result<Vec<String>> {
        if h.info.lifecycle_stage == Lifecycle::Deleted {
            return Err(Error::deleted_run(&h.info.run_id));
        }
        let base = self.artifact_dir(h)?;
        let target = join_rel(&base, Some(name))?;
        self.check_writable(h, &target, Some(name))?;
        let taken = || Error::Exists {
            what: Entity::Artifact {
                run: h.info.run_id.clone(),
            },
            name: name.to_string(),
            id: None,
            deleted: false,
        };
        if target.symlink_metadata().is_ok() {
            return Err(taken());
        }
        // The MLmodel is written last, by us.
        let mut plan = folder_plan(local, &target, &format!("{name}/"))?;
        plan.retain(|(src, _, _)| src.strip_prefix(local).ok() != Some(Path::new(mlmodel_name)));
        for (src, _, _) in &plan {
            std::fs::File::open(src).at(src)?;
        }
        // Claim the folder: of two writers racing for one name, one gets AlreadyExists.
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        match std::fs::create_dir(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(taken()),
            Err(e) => return Err(e).at(&target),
        }
        let copied = plan
            .iter()
            .try_for_each(|(src, dst, _)| copy_atomic(src, dst))
            .and_then(|()| fs::write_atomic(&target.join(mlmodel_name), mlmodel));
        if let Err(e) = copied {
            let _ = std::fs::remove_dir_all(&target);
            return Err(e);
        }
        let mut written: Vec<String> = plan.into_iter().map(|(_, _, a)| a).collect();
        written.push(format!("{name}/{mlmodel_name}"));
        Ok(written)
    }

    /// The run tag `mlflow.log-model.history` (a JSON list), checked; `None` when unset.
    pub fn logged_model_history(&self, h: &RunHandle) -> Result<Option<String>> {
        let path = layout::tag(&h.dir, tags::LOGGED_MODELS);
        if !path.is_file() {
            return Ok(None);
        }
        let text = fs::read_to_string(&path)?;
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Array(_)) => Ok(Some(text)),
            _ => Err(Error::MalformedTag {
                path,
                run: h.info.run_id.clone(),
                key: tags::LOGGED_MODELS.to_string(),
                msg: format!("tag {} is not a JSON list", tags::LOGGED_MODELS),
            }),
        }
    }

    /// Appends one entry (JSON text) to the run tag `mlflow.log-model.history`, keeping the
    /// entries already there byte for byte. MLflow's file store sets no length limit on this tag.
    pub fn append_logged_model_history(&self, h: &RunHandle, entry: &str) -> Result<()> {
        let _lock = self.lock()?;
        let list = match self.logged_model_history(h)? {
            None => format!("[{entry}]"),
            Some(old) => {
                let head = old.trim_end().strip_suffix(']').unwrap_or("[").trim_end();
                if head.ends_with('[') {
                    format!("{head}{entry}]")
                } else {
                    format!("{head}, {entry}]")
                }
            }
        };
        fs::write_atomic(&layout::tag(&h.dir, tags::LOGGED_MODELS), list.as_bytes())
    }
}
