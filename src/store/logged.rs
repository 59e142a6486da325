//! The MLflow 3 logged models a run produced: `mlruns/<exp>/models/<model_id>/meta.yaml` whose
//! `source_run_id` is the run (`mlflow.sklearn.log_model` writes them there, not in the run).

use super::{LoggedModel, Result, RunHandle, Store, fs};

impl Store {
    /// The logged models whose source is this run, by name then id. Only the run's experiment
    /// holds them; a model folder reached through a link, or whose meta.yaml cannot be read,
    /// is skipped (with a warning for the latter).
    pub fn logged_models_of_run(&self, h: &RunHandle) -> Result<Vec<LoggedModel>> {
        let Some(exp_dir) = self.experiment_dir(&h.info.experiment_id) else {
            return Ok(Vec::new());
        };
        let Ok(entries) = std::fs::read_dir(exp_dir.join("models")) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for e in entries.flatten() {
            let dir = e.path();
            if !fs::plain_file(&exp_dir, &super::layout::meta(&dir)) {
                continue;
            }
            match self.read_logged_model(&dir) {
                Ok(m) if m.source_run_id.as_deref() == Some(h.info.run_id.as_str()) => out.push(m),
                Ok(_) => {}
                Err(e) => self.warn(&format!("skipping logged model: {e}")),
            }
        }
        out.sort_by(|a, b| (&a.name, &a.model_id).cmp(&(&b.name, &b.model_id)));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewRun;

    fn model(s: &Store, exp: &str, id: &str, name: &str, run: &str) -> std::path::PathBuf {
        let dir = s.root().join("mlruns").join(exp).join("models").join(id);
        std::fs::create_dir_all(dir.join("artifacts")).unwrap();
        std::fs::write(
            dir.join("meta.yaml"),
            format!(
                "artifact_location: file:///x/{id}/artifacts\ncreation_timestamp: 1\n\
                 experiment_id: '{exp}'\nmodel_id: {id}\nmodel_type: ''\nname: {name}\n\
                 source_run_id: {run}\nstatus: READY\n"
            ),
        )
        .unwrap();
        dir
    }

    #[test]
    fn finds_the_models_whose_source_is_the_run() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Store::new(tmp.path());
        s.init().unwrap();
        let e = s.experiment("0").unwrap();
        let run = s.create_run(&e, NewRun::default()).unwrap().run_id;
        let other = s.create_run(&e, NewRun::default()).unwrap().run_id;
        let h = s.find_run(&run).unwrap();
        assert!(s.logged_models_of_run(&h).unwrap().is_empty());
        model(&s, "0", "m-bb", "model", &run);
        model(&s, "0", "m-aa", "model", &run);
        model(&s, "0", "m-cc", "clf", &run);
        model(&s, "0", "m-dd", "model", &other);
        // A broken meta.yaml is skipped, a linked model folder is not read.
        let broken = s.root().join("mlruns/0/models/m-ee");
        std::fs::create_dir_all(&broken).unwrap();
        std::fs::write(broken.join("meta.yaml"), "model_id: [\n").unwrap();
        let outside = tempfile::tempdir().unwrap();
        let far = model(&s, "0", "m-ff", "model", &run);
        std::fs::rename(&far, outside.path().join("m-ff")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("m-ff"), &far).unwrap();
        let found = s.logged_models_of_run(&h).unwrap();
        let ids: Vec<&str> = found.iter().map(|m| m.model_id.as_str()).collect();
        assert_eq!(ids, ["m-cc", "m-aa", "m-bb"]);
        assert_eq!(found[1].artifact_location, "file:///x/m-aa/artifacts");
    }
}
