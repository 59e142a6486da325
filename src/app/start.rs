//! Starting a run: the experiment (made on first use), MLflow's system tags (user, source,
//! git commit and branch, parent, note), then the caller's tags.

use super::Result;
use crate::context;
use crate::entities::{Experiment, RunInfo, tags};
use crate::env;
use crate::store::{NewRun, RunRef, Store};
use std::path::PathBuf;

/// What a new run starts with; `system` tags replace or add to MLflow's defaults, and the
/// user's `tags` win over both.
#[derive(Clone, Debug, Default)]
pub struct StartRun {
    /// Experiment id or name; created when the name is new. Default: `$MLFLOW_EXPERIMENT_ID`,
    /// `$MLFLOW_EXPERIMENT_NAME`, else the Default experiment.
    pub experiment: Option<String>,
    pub name: Option<String>,
    pub tags: Vec<(String, String)>,
    /// The parent run's id (or `runs:/` URI), for nested runs.
    pub parent: Option<String>,
    pub description: Option<String>,
    pub system: Vec<(String, String)>,
    /// Where to read the git commit and branch (default: the working directory).
    pub dir: Option<PathBuf>,
}

/// A started run, and the experiment that was created for it, if one was.
pub struct Started {
    pub info: RunInfo,
    pub created_experiment: Option<Experiment>,
}

/// Starts a run with MLflow's system tags.
pub fn start(store: &Store, s: StartRun) -> Result<Started> {
    let mut created_experiment = None;
    let exp = match s
        .experiment
        .or_else(|| env::var(env::MLFLOW_EXPERIMENT_ID))
        .or_else(|| env::var(env::MLFLOW_EXPERIMENT_NAME))
    {
        None => store.experiment("0")?,
        Some(spec) => {
            let (e, created) = store.get_or_create_experiment(&spec)?;
            if created {
                created_experiment = Some(e.clone());
            }
            e
        }
    };
    let user = env::user();
    let mut t: Vec<(String, String)> = vec![
        (tags::USER.into(), user.clone()),
        (tags::SOURCE_NAME.into(), context::source_name()),
        (tags::SOURCE_TYPE.into(), "LOCAL".into()),
    ];
    if let Some(git) = s
        .dir
        .or_else(|| std::env::current_dir().ok())
        .and_then(|d| context::git_info(&d))
    {
        t.push((tags::GIT_COMMIT.into(), git.commit));
        if let Some(b) = git.branch {
            t.push((tags::GIT_BRANCH.into(), b));
        }
    }
    if let Some(p) = s.parent {
        let p = store.find_run(&RunRef::parse(&p)?.run_id)?;
        t.push((tags::PARENT_RUN_ID.into(), p.info.run_id));
    }
    if let Some(d) = s.description {
        t.push((tags::NOTE.into(), d));
    }
    t.retain(|(k, _)| !s.system.iter().any(|(sk, _)| sk == k));
    t.extend(s.system);
    // User tags win over the defaults above.
    t.retain(|(k, _)| !s.tags.iter().any(|(uk, _)| uk == k));
    t.extend(s.tags);
    let info = store.create_run(
        &exp,
        NewRun {
            run_name: s.name,
            tags: t,
            start_time: None,
            user: Some(user),
        },
    )?;
    Ok(Started {
        info,
        created_experiment,
    })
}
