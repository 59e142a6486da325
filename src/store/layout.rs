//! Where everything is in a store: the one module that knows file and folder names. Every
//! other module of `src/store/` builds its paths with these names and functions.
//!
//! ```text
//! <root>/                              the store (often a project's folder)
//!   mlruns/                            the tracking folder: MLflow's file store
//!     <experiment id>/meta.yaml        an experiment; tags/<key> its tags
//!       <run id>/meta.yaml             a run; params/<key>, metrics/<key>, tags/<key>,
//!                                      artifacts/, inputs/, outputs/ (MLflow 3 datasets, models)
//!       models/<m-id>/meta.yaml        an MLflow 3 logged model (params/, metrics/, tags/,
//!                                      artifacts/)
//!     .trash/<experiment id>/          deleted experiments, laid out as above
//!     models/<name>/                   MLflow's default registry (registry URI = tracking
//!                                      URI), laid out as registry/models/<name>/ below
//!   registry/                          mlt's registry (MLflow registry URI <root>/registry)
//!     models/<name>/meta.yaml          a registered model; tags/<key>, aliases/<alias>
//!       version-<n>/meta.yaml          a version; tags/<key>, artifacts/ (registered files)
//!   .mlt/                              mlt's own, never read by MLflow (git-ignored)
//!     lock  tmp/  check/<time>/  durable  .gitignore
//!     cache/latest/<experiment id>/<run id>   latest value of each metric file (checked)
//!     cache/runs/<experiment id>/<run id>     a run's meta.yaml, params, tags, latest
//!                                             metrics, each with its file's stamp (checked)
//! ```
//!
//! Which registry folder a store uses is [`registry_root`]'s rule.

use std::path::{Path, PathBuf};

/// The tracking folder inside a store.
pub const MLRUNS: &str = "mlruns";
/// mlt's own folder beside `mlruns/` (never inside it: MLflow reads every folder there).
pub const MLT_DIR: &str = ".mlt";
/// Deleted experiments live in `mlruns/.trash/`.
pub const TRASH: &str = ".trash";
/// The Default experiment.
pub const DEFAULT_EXPERIMENT_ID: &str = "0";
/// The artifact folder an MLflow server keeps beside its database by default.
pub const MLARTIFACTS: &str = "mlartifacts";
/// The registry folder inside a store.
pub const REGISTRY: &str = "registry";

/// The description of an experiment, run, logged model, registered model or version.
pub const META: &str = "meta.yaml";
pub const PARAMS: &str = "params";
pub const METRICS: &str = "metrics";
pub const TAGS: &str = "tags";
pub const ARTIFACTS: &str = "artifacts";
pub const INPUTS: &str = "inputs";
pub const OUTPUTS: &str = "outputs";
/// Registered models (in a registry folder), logged models (in an experiment).
pub const MODELS: &str = "models";
pub const ALIASES: &str = "aliases";
/// Where files registered from a local folder are kept, inside the version folder.
pub const VERSION_FILES: &str = ARTIFACTS;

/// The folders every run folder has (MLflow finds a run only when the first three exist).
pub const RUN_FOLDERS: [&str; 4] = [METRICS, PARAMS, ARTIFACTS, TAGS];
/// Folders inside an experiment that are not runs (MLflow's `RESERVED_EXPERIMENT_FOLDERS`).
pub const EXPERIMENT_RESERVED: [&str; 4] = [TAGS, DATASETS, TRACES, MODELS];
/// MLflow 3 datasets and traces, in an experiment folder.
pub const DATASETS: &str = "datasets";
pub const TRACES: &str = "traces";

/// In `.mlt/`: the store lock, the temporary folder, what repairs take out, the durable marker.
pub const LOCK: &str = "lock";
pub const TMP: &str = "tmp";
pub const CHECK: &str = "check";
pub const DURABLE: &str = "durable";
/// `.mlt/cache/latest/`: the latest-metric cache, one file per run.
pub const LATEST_CACHE: [&str; 2] = ["cache", "latest"];
/// `.mlt/cache/runs/`: the run summary cache, one file per run.
pub const RUNS_CACHE: [&str; 2] = ["cache", "runs"];
/// `.mlt/remotes/`: what was pushed to and pulled from each tracking server (`store::remotes`).
pub const REMOTES: &str = "remotes";
/// `.mlt/.gitignore`, which keeps all of `.mlt/` out of git.
pub const GITIGNORE: &str = ".gitignore";

/// `dir/meta.yaml`.
pub fn meta(dir: &Path) -> PathBuf {
    dir.join(META)
}

/// Whether `dir` holds a `meta.yaml` file.
pub fn has_meta(dir: &Path) -> bool {
    meta(dir).is_file()
}

/// The file of a (validated) key in `dir` (`tags/`, `params/`, `metrics/`, `aliases/`): `/`
/// in the key makes subfolders.
pub fn key_path(dir: &Path, key: &str) -> PathBuf {
    let mut p = dir.to_path_buf();
    for part in key.split('/') {
        p.push(part);
    }
    p
}

/// The file of tag `key` of the thing in `dir`.
pub fn tag(dir: &Path, key: &str) -> PathBuf {
    key_path(&dir.join(TAGS), key)
}

/// The file of param `key` of the run in `dir`.
pub fn param(dir: &Path, key: &str) -> PathBuf {
    key_path(&dir.join(PARAMS), key)
}

/// The file of metric `key` of the run in `dir`.
pub fn metric(dir: &Path, key: &str) -> PathBuf {
    key_path(&dir.join(METRICS), key)
}

/// The file of alias `alias` of the registered model in `dir`.
pub fn alias(model_dir: &Path, alias: &str) -> PathBuf {
    model_dir.join(ALIASES).join(alias)
}

/// How the folder name of a model version begins.
pub const VERSION_PREFIX: &str = "version-";

/// The folder name of version `n`: `version-<n>`.
pub fn version_folder(n: i64) -> String {
    format!("{VERSION_PREFIX}{n}")
}

/// The version number a folder name `version-<n>` gives.
pub fn version_number(folder_name: &str) -> Option<i64> {
    folder_name.strip_prefix(VERSION_PREFIX)?.parse().ok()
}

/// The folder of experiment `id` in the tracking folder `tracking`.
pub fn experiment(tracking: &Path, id: &str) -> PathBuf {
    tracking.join(id)
}

/// The folder of deleted experiment `id` in the tracking folder `tracking`.
pub fn trashed_experiment(tracking: &Path, id: &str) -> PathBuf {
    tracking.join(TRASH).join(id)
}

/// Whether experiment id `id` is taken in `tracking`, by an active or a deleted experiment.
pub fn experiment_id_in_use(tracking: &Path, id: &str) -> bool {
    experiment(tracking, id).exists() || trashed_experiment(tracking, id).exists()
}

/// The latest-metric cache file of run `run` of experiment `exp`, in the store whose `.mlt/`
/// folder is `mlt_dir`.
pub fn latest_cache(mlt_dir: &Path, exp: &str, run: &str) -> PathBuf {
    let [cache, latest] = LATEST_CACHE;
    mlt_dir.join(cache).join(latest).join(exp).join(run)
}

/// The run summary cache file of run `run` of experiment `exp`, in the store whose `.mlt/`
/// folder is `mlt_dir`.
pub fn run_summary_cache(mlt_dir: &Path, exp: &str, run: &str) -> PathBuf {
    let [cache, runs] = RUNS_CACHE;
    mlt_dir.join(cache).join(runs).join(exp).join(run)
}

/// The lock file of the store whose `.mlt/` folder is `mlt_dir`.
pub fn lock(mlt_dir: &Path) -> PathBuf {
    mlt_dir.join(LOCK)
}

/// Whether a folder in `mlruns/` is not an experiment by its name alone: the trash and
/// MLflow's default registry.
pub fn is_reserved_in_tracking(name: &str) -> bool {
    name == MODELS || name.ends_with(TRASH)
}

/// `root/mlruns`.
pub fn tracking(root: &Path) -> PathBuf {
    root.join(MLRUNS)
}

/// Whether a folder looks like a tracking folder itself (named `mlruns`, or holding a
/// `.trash/` or the Default experiment) rather than a store root.
pub fn looks_like_tracking(dir: &Path) -> bool {
    !tracking(dir).is_dir()
        && (dir.file_name().is_some_and(|n| n == MLRUNS)
            || dir.join(TRASH).is_dir()
            || has_meta(&dir.join(DEFAULT_EXPERIMENT_ID)))
}

/// Whether `root` (with its tracking folder `tracking`, and its registry folder `registry` when
/// one was named) is a store: its tracking folder is there, or its registry is (a store that
/// holds only registered models, as an export of models is). The one rule;
/// [`crate::store::Store::require`] turns a no into an error.
pub fn is_store(root: &Path, tracking: &Path, registry: Option<&Path>) -> bool {
    tracking.is_dir()
        || registry_root(root, tracking, registry)
            .join(MODELS)
            .is_dir()
}

/// The registry folder (MLflow's registry URI) of the store at `root` with tracking folder
/// `tracking`, where both reads and new registrations go:
/// 1. `explicit` when given (`MLFLOW_REGISTRY_URI` naming a local folder);
/// 2. else `<root>/registry/` when it holds `models/` (mlt's own place);
/// 3. else the tracking folder when it holds `models/`: a store MLflow wrote with its default
///    registry location (registry URI = tracking URI), whose registrations MLflow must keep
///    finding, so mlt registers there too;
/// 4. else `<root>/registry/` (a new registry).
pub fn registry_root(root: &Path, tracking: &Path, explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    let own = root.join(REGISTRY);
    if own.join(MODELS).is_dir() {
        return own;
    }
    if tracking.join(MODELS).is_dir() {
        return tracking.to_path_buf();
    }
    own
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_location_rule() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let tracking = root.join(MLRUNS);
        std::fs::create_dir_all(&tracking).unwrap();
        // Nothing yet: mlt's own place.
        assert_eq!(registry_root(root, &tracking, None), root.join(REGISTRY));
        // MLflow's default registry location.
        std::fs::create_dir_all(tracking.join(MODELS)).unwrap();
        assert_eq!(registry_root(root, &tracking, None), tracking);
        // Both: mlt's own wins.
        std::fs::create_dir_all(root.join(REGISTRY).join(MODELS)).unwrap();
        assert_eq!(registry_root(root, &tracking, None), root.join(REGISTRY));
        // An explicit one wins over both.
        let other = root.join("elsewhere");
        assert_eq!(registry_root(root, &tracking, Some(&other)), other);
    }

    #[test]
    fn stores_and_names() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        assert!(!is_store(root, &tracking(root), None));
        std::fs::create_dir_all(root.join(REGISTRY).join(MODELS)).unwrap();
        assert!(is_store(root, &tracking(root), None), "a registry alone");
        std::fs::create_dir_all(tracking(root)).unwrap();
        assert!(is_store(root, &tracking(root), None));
        assert_eq!(version_number(&version_folder(12)), Some(12));
        assert_eq!(version_number("version-x"), None);
        assert_eq!(tag(Path::new("r"), "a/b"), Path::new("r/tags/a/b"));
        assert!(is_reserved_in_tracking(".trash") && is_reserved_in_tracking(MODELS));
    }
}
