//! Domain types (experiments, runs, metrics) and MLflow's validation rules for them.
//!
//! Nothing here touches the disk: `store` reads and writes these types.

mod float;
mod registry;
mod validate;

pub use float::{format_value, json_f64, parse_value, push_value};
pub use registry::*;
pub use validate::*;

use std::collections::BTreeMap;
use std::fmt;

/// Whether an experiment or run is active or soft-deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    Active,
    Deleted,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Active => "active",
            Lifecycle::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Lifecycle::Active),
            "deleted" => Some(Lifecycle::Deleted),
            _ => None,
        }
    }
}

/// Which lifecycle stages a listing shows (MLflow's `ViewType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum View {
    /// Only what is active (not deleted)
    #[default]
    Active,
    /// Only what was deleted (restorable until gc)
    Deleted,
    /// Both
    All,
}

impl View {
    pub fn includes(self, stage: Lifecycle) -> bool {
        match self {
            View::Active => stage == Lifecycle::Active,
            View::Deleted => stage == Lifecycle::Deleted,
            View::All => true,
        }
    }
}

/// A run's status; stored in `meta.yaml` as MLflow's integer enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum RunStatus {
    Running = 1,
    Scheduled = 2,
    Finished = 3,
    Failed = 4,
    Killed = 5,
}

impl RunStatus {
    pub fn from_int(v: i64) -> Option<Self> {
        Some(match v {
            1 => RunStatus::Running,
            2 => RunStatus::Scheduled,
            3 => RunStatus::Finished,
            4 => RunStatus::Failed,
            5 => RunStatus::Killed,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "RUNNING",
            RunStatus::Scheduled => "SCHEDULED",
            RunStatus::Finished => "FINISHED",
            RunStatus::Failed => "FAILED",
            RunStatus::Killed => "KILLED",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            RunStatus::Finished | RunStatus::Failed | RunStatus::Killed
        )
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An experiment as read from `meta.yaml` and its `tags/` folder.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    pub experiment_id: String,
    pub name: String,
    pub artifact_location: String,
    pub lifecycle_stage: Lifecycle,
    pub creation_time: Option<i64>,
    pub last_update_time: Option<i64>,
    pub tags: BTreeMap<String, String>,
}

/// The `meta.yaml` part of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunInfo {
    pub run_id: String,
    pub experiment_id: String,
    pub run_name: String,
    pub user_id: String,
    pub status: RunStatus,
    pub start_time: i64,
    pub end_time: Option<i64>,
    pub artifact_uri: String,
    pub lifecycle_stage: Lifecycle,
    pub deleted_time: Option<i64>,
}

/// One logged metric value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricPoint {
    pub timestamp: i64,
    pub value: f64,
    pub step: i64,
}

impl MetricPoint {
    /// MLflow's "latest" order: the greatest `(step, timestamp, value)` wins, not the last line.
    pub fn later_than(&self, other: &MetricPoint) -> bool {
        (self.step, self.timestamp)
            .cmp(&(other.step, other.timestamp))
            .then_with(|| total_cmp_py(self.value, other.value))
            .is_gt()
    }
}

/// Python compares NaN as neither greater nor smaller; treat it as smallest so that a tie on
/// (step, timestamp) keeps the first real value, which is what `max()` ends up doing in practice.
fn total_cmp_py(a: f64, b: f64) -> std::cmp::Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        _ => a.total_cmp(&b),
    }
}

/// A whole run: info, params, latest metrics and tags.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub info: RunInfo,
    pub params: BTreeMap<String, String>,
    pub metrics: BTreeMap<String, MetricPoint>,
    pub tags: BTreeMap<String, String>,
}

/// A finished run with the given latest metrics and params, for tests.
#[cfg(test)]
pub fn test_run(
    id: &str,
    start_time: i64,
    metrics: &[(&str, f64)],
    params: &[(&str, &str)],
) -> Run {
    Run {
        info: RunInfo {
            run_id: id.into(),
            experiment_id: "0".into(),
            run_name: format!("run-{id}"),
            user_id: "u".into(),
            status: RunStatus::Finished,
            start_time,
            end_time: None,
            artifact_uri: String::new(),
            lifecycle_stage: Lifecycle::Active,
            deleted_time: None,
        },
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        metrics: metrics
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    MetricPoint {
                        timestamp: 0,
                        value: *v,
                        step: 0,
                    },
                )
            })
            .collect(),
        tags: BTreeMap::new(),
    }
}

/// Well-known system tags, as MLflow's client writes them.
pub mod tags {
    pub const RUN_NAME: &str = "mlflow.runName";
    pub const USER: &str = "mlflow.user";
    pub const SOURCE_NAME: &str = "mlflow.source.name";
    pub const SOURCE_TYPE: &str = "mlflow.source.type";
    pub const PARENT_RUN_ID: &str = "mlflow.parentRunId";
    pub const NOTE: &str = "mlflow.note.content";
    pub const GIT_COMMIT: &str = "mlflow.source.git.commit";
    pub const GIT_BRANCH: &str = "mlflow.source.git.branch";
    /// JSON list of the models logged to a run (MLflow's `MLFLOW_LOGGED_MODELS`).
    pub const LOGGED_MODELS: &str = "mlflow.log-model.history";
    pub const GIT_DIRTY: &str = "mlflow.source.git.dirty";
    pub const GIT_REPO_URL: &str = "mlflow.source.git.repoURL";
    pub const PROJECT_ENTRY_POINT: &str = "mlflow.project.entryPoint";
    pub const PROJECT_ENV: &str = "mlflow.project.env";
    pub const PROJECT_BACKEND: &str = "mlflow.project.backend";
    /// mlt's own tags for a wrapped command (`mlt run`).
    pub const COMMAND: &str = "mlt.command";
    pub const CWD: &str = "mlt.cwd";
    pub const HOST: &str = "mlt.host";
    pub const EXIT_CODE: &str = "mlt.exitCode";
    pub const SIGNAL: &str = "mlt.signal";
    pub const DURATION: &str = "mlt.duration";
    pub const PROJECT_ENV_CONFIG: &str = "mlt.project.envConfig";
}

/// A new experiment id: 18 random decimal digits without a leading zero, as MLflow 2+ makes.
pub fn new_experiment_id() -> String {
    let n = uuid::Uuid::new_v4().as_u128();
    let mut digits: Vec<u8> = format!("{:018}", n % 1_000_000_000_000_000_000).into_bytes();
    let mut extra = uuid::Uuid::new_v4().as_u128();
    while digits.first() == Some(&b'0') {
        digits.remove(0);
        digits.push(b'0' + (extra % 9) as u8 + 1);
        extra /= 9;
    }
    String::from_utf8(digits).expect("ascii digits")
}

/// A new run id: uuid4 as 32 lowercase hex digits.
pub fn new_run_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn experiment_ids_are_18_digits_without_leading_zero() {
        for _ in 0..200 {
            let id = new_experiment_id();
            assert_eq!(id.len(), 18, "{id}");
            assert!(id.bytes().all(|b| b.is_ascii_digit()));
            assert_ne!(id.as_bytes()[0], b'0');
        }
    }

    #[test]
    fn run_ids_are_uuid_hex() {
        let id = new_run_id();
        assert_eq!(id.len(), 32);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }

    #[test]
    fn latest_is_max_step_then_timestamp_not_last_line() {
        let a = MetricPoint {
            timestamp: 5,
            value: 1.0,
            step: 2,
        };
        let b = MetricPoint {
            timestamp: 9,
            value: 0.0,
            step: 1,
        };
        assert!(a.later_than(&b));
        let c = MetricPoint {
            timestamp: 6,
            value: 0.0,
            step: 2,
        };
        assert!(c.later_than(&a));
    }
}
