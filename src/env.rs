//! Every environment variable mlt reads, in one place.

/// The store folder (the one holding `mlruns/`).
pub const MLT_STORE: &str = "MLT_STORE";
/// The run that `mlt log` and `mlt artifacts` write to when `--run` is not given.
pub const MLT_RUN_ID: &str = "MLT_RUN_ID";
/// MLflow's own run variable, read after `MLT_RUN_ID`.
pub const MLFLOW_RUN_ID: &str = "MLFLOW_RUN_ID";
/// MLflow's tracking URI; used when it is a `file:` URI or a plain path.
pub const MLFLOW_TRACKING_URI: &str = "MLFLOW_TRACKING_URI";
/// Default experiment (by name) for `mlt runs start`, as in MLflow.
pub const MLFLOW_EXPERIMENT_NAME: &str = "MLFLOW_EXPERIMENT_NAME";
/// Default experiment (by id) for `mlt runs start`, as in MLflow.
pub const MLFLOW_EXPERIMENT_ID: &str = "MLFLOW_EXPERIMENT_ID";
/// Fixes "now" (milliseconds since the epoch) for reproducible tests.
pub const MLT_NOW_MS: &str = "MLT_NOW_MS";
/// Overrides `mlflow.source.name` of new runs (default: the calling script).
pub const MLT_SOURCE_NAME: &str = "MLT_SOURCE_NAME";
/// 1: flush every write to disk (file, then folder) around each rename and append; 0: never,
/// whatever the store's `.mlt/durable` setting says.
pub const MLT_DURABLE: &str = "MLT_DURABLE";
/// Width of tables and charts, when set (otherwise the terminal's).
pub const COLUMNS: &str = "COLUMNS";
/// Set (and not empty): no colors, even on a terminal (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";

// Set by `mlt run` for the command it runs (with MLT_RUN_ID, MLT_STORE, MLFLOW_RUN_ID,
// MLFLOW_TRACKING_URI and MLFLOW_EXPERIMENT_ID above).

/// MLflow's model registry URI. Read when it names a local folder (a `file:` URI or a path)
/// and the store was not named by `--store` or `MLT_STORE`: registered models are then in its
/// `models/`. Set by `mlt run` to the store's registry folder.
pub const MLFLOW_REGISTRY_URI: &str = "MLFLOW_REGISTRY_URI";
/// MLflow 3.13+ refuses a file store without it.
pub const MLFLOW_ALLOW_FILE_STORE: &str = "MLFLOW_ALLOW_FILE_STORE";
/// Set to 1 (unless already set) so Python's output reaches the pipe as it is printed.
pub const PYTHONUNBUFFERED: &str = "PYTHONUNBUFFERED";

/// The browser `mlt ui` opens (a command; the URL is appended), as in Python's `webbrowser`.
pub const BROWSER: &str = "BROWSER";

/// A variable's value when it is set and not empty.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Milliseconds since the Unix epoch (or `MLT_NOW_MS`).
pub fn now_ms() -> i64 {
    if let Some(v) = var(MLT_NOW_MS).and_then(|v| v.parse().ok()) {
        return v;
    }
    chrono::Utc::now().timestamp_millis()
}

/// Microseconds since the Unix epoch (or `MLT_NOW_MS` × 1000).
pub fn now_us() -> i64 {
    if let Some(v) = var(MLT_NOW_MS).and_then(|v| v.parse::<i64>().ok()) {
        return v.saturating_mul(1000);
    }
    chrono::Utc::now().timestamp_micros()
}

/// The user name MLflow would record (`getpass.getuser()`: the variables, then the password
/// database entry of the process's uid).
pub fn user() -> String {
    ["LOGNAME", "USER", "LNAME", "USERNAME"]
        .iter()
        .find_map(|v| var(v))
        .or_else(user_from_passwd)
        .unwrap_or_else(|| "unknown".to_string())
}

fn user_from_passwd() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        let _pw = f.next()?;
        (f.next()?.parse::<u32>().ok()? == uid).then(|| name.to_string())
    })
}

/// The password `mlt server user add` gives the user, read instead of stdin: never from the
/// command line, where other users of the machine see it.
pub const MLT_PASSWORD: &str = "MLT_PASSWORD";
