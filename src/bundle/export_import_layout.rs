//! Where things are in the folder the mlflow-export-import tool writes and reads (a format of
//! its own, not a store): the names [`super::export_import`] builds its paths with.
//!
//! ```text
//! experiments.json
//! <experiment id>/experiment.json
//! <experiment id>/runs/<run id>/run.json
//! <experiment id>/runs/<run id>/artifacts/...
//! ```

use std::path::{Path, PathBuf};

/// The list of experiments, at the top.
pub const EXPERIMENTS_JSON: &str = "experiments.json";
/// An experiment and its run ids, in the experiment's folder.
pub const EXPERIMENT_JSON: &str = "experiment.json";
/// A run, in the run's folder.
pub const RUN_JSON: &str = "run.json";
/// The folder of the runs, in an experiment's folder.
pub const RUNS: &str = "runs";
/// A run's files, in the run's folder.
pub const ARTIFACTS: &str = "artifacts";

/// The folder of experiment `id`.
pub fn experiment(root: &Path, id: &str) -> PathBuf {
    root.join(id)
}

/// The folder of run `run_id` in the experiment folder `exp_dir`.
pub fn run(exp_dir: &Path, run_id: &str) -> PathBuf {
    exp_dir.join(RUNS).join(run_id)
}
