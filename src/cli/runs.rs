use super::{CliError, CmdResult, Ctx, parse_key_value, run_id};
use crate::context;
use crate::env;
use crate::model::{Run, RunInfo, RunStatus, View, tags};
use crate::output::{self, Format, Listing, json};
use crate::store::{ArtifactEntry, NewRun, RunRef, Store};
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Start a run and print its id: RUN=$(mlt runs start -e train)
    Start {
        /// Experiment name or id; created when the name is new
        /// [default: $MLFLOW_EXPERIMENT_ID, $MLFLOW_EXPERIMENT_NAME, else Default]
        #[arg(long, short)]
        experiment: Option<String>,
        /// Run name (default: a random adjective-noun-NNN)
        #[arg(long, short)]
        name: Option<String>,
        /// A tag, repeatable
        #[arg(long = "tag", short = 't', value_name = "KEY=VALUE", value_parser = parse_key_value)]
        tags: Vec<(String, String)>,
        /// Parent run, for nested runs
        #[arg(long, value_name = "RUN")]
        parent: Option<String>,
        /// Description (the mlflow.note.content tag)
        #[arg(long, short)]
        description: Option<String>,
    },
    /// End a run: set its status and end time
    End {
        /// Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]
        #[arg(long)]
        run: Option<String>,
        #[arg(long, value_enum, default_value = "FINISHED")]
        status: EndStatus,
    },
    /// List the runs of an experiment, newest first
    #[command(visible_alias = "ls")]
    List {
        /// Experiment name or id [default: Default]
        #[arg(long, short)]
        experiment: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        view: View,
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Show everything about a run: info, params, latest metrics, tags, artifacts
    Show {
        /// Run id or runs:/ URI [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]
        run: Option<String>,
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Delete a run (restorable)
    Delete { run: String },
    /// Restore a deleted run
    Restore { run: String },
    /// Delete a tag of a run
    DeleteTag {
        key: String,
        #[arg(long)]
        run: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum EndStatus {
    Finished,
    Failed,
    Killed,
}

impl From<EndStatus> for RunStatus {
    fn from(s: EndStatus) -> RunStatus {
        match s {
            EndStatus::Finished => RunStatus::Finished,
            EndStatus::Failed => RunStatus::Failed,
            EndStatus::Killed => RunStatus::Killed,
        }
    }
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> CmdResult {
    match cmd {
        Cmd::Start {
            experiment,
            name,
            tags,
            parent,
            description,
        } => {
            let store = ctx.writable_store()?;
            let info = start(&store, experiment, name, tags, parent, description)?;
            output::print(&format!("{}\n", info.run_id))?;
        }
        Cmd::End { run, status } => {
            let id = run_id(run.as_deref())?;
            ctx.existing_store()?
                .set_run_status(&id, status.into(), None)?;
        }
        Cmd::List {
            experiment,
            view,
            format,
        } => {
            let store = ctx.existing_store()?;
            let exp = store.experiment(experiment.as_deref().unwrap_or("0"))?;
            let handles = store.list_runs(&exp, view)?;
            let text = match format {
                Format::Json => {
                    let mut runs = Vec::with_capacity(handles.len());
                    for h in &handles {
                        runs.push(json::run(&store.read_run(h)?));
                    }
                    output::to_json(&serde_json::json!({ "runs": runs }))
                }
                f => {
                    let l = listing(handles.iter().map(|h| &h.info), view);
                    if f == Format::Csv {
                        l.to_csv()
                    } else {
                        l.to_table()
                    }
                }
            };
            output::print(&text)?;
        }
        Cmd::Show { run, format } => {
            let store = ctx.existing_store()?;
            let r = RunRef::parse(&run_id(run.as_deref())?)?;
            let h = store.find_run(&r.run_id)?;
            let run = store.read_run(&h)?;
            let artifacts = store.list_artifacts(&h, None).unwrap_or_else(|e| {
                eprintln!("warning: {e}");
                Vec::new()
            });
            let text = output::render(
                format,
                || detail(&run, &artifacts),
                || {
                    serde_json::json!({
                        "run": json::run(&run),
                        "artifacts": artifacts.iter().map(json::file_info).collect::<Vec<_>>(),
                    })
                },
            );
            output::print(&text)?;
        }
        Cmd::Delete { run } => {
            let info = ctx
                .existing_store()?
                .delete_run(&RunRef::parse(&run)?.run_id)?;
            eprintln!("Deleted run {}", info.run_id);
        }
        Cmd::Restore { run } => {
            let info = ctx
                .existing_store()?
                .restore_run(&RunRef::parse(&run)?.run_id)?;
            eprintln!("Restored run {}", info.run_id);
        }
        Cmd::DeleteTag { key, run } => {
            let id = run_id(run.as_deref())?;
            ctx.existing_store()?.delete_run_tag(&id, &key)?;
        }
    }
    Ok(())
}

/// Starts a run with MLflow's system tags.
fn start(
    store: &Store,
    experiment: Option<String>,
    name: Option<String>,
    user_tags: Vec<(String, String)>,
    parent: Option<String>,
    description: Option<String>,
) -> Result<RunInfo, CliError> {
    let exp = match experiment
        .or_else(|| env::var(env::MLFLOW_EXPERIMENT_ID))
        .or_else(|| env::var(env::MLFLOW_EXPERIMENT_NAME))
    {
        None => store.experiment("0")?,
        Some(spec) => match store.experiment(&spec) {
            Ok(e) => e,
            Err(crate::store::Error::NotFound(_)) => {
                let e = store.create_experiment(&spec, None, &[])?;
                eprintln!("Created experiment '{}' ({})", e.name, e.experiment_id);
                e
            }
            Err(e) => return Err(e.into()),
        },
    };
    let user = env::user();
    let mut t: Vec<(String, String)> = vec![
        (tags::USER.into(), user.clone()),
        (tags::SOURCE_NAME.into(), context::source_name()),
        (tags::SOURCE_TYPE.into(), "LOCAL".into()),
    ];
    if let Some(git) = std::env::current_dir()
        .ok()
        .and_then(|d| context::git_info(&d))
    {
        t.push((tags::GIT_COMMIT.into(), git.commit));
        if let Some(b) = git.branch {
            t.push((tags::GIT_BRANCH.into(), b));
        }
    }
    if let Some(p) = parent {
        let p = store.find_run(&RunRef::parse(&p)?.run_id)?;
        t.push((tags::PARENT_RUN_ID.into(), p.info.run_id));
    }
    if let Some(d) = description {
        t.push((tags::NOTE.into(), d));
    }
    // User tags win over the defaults above.
    t.retain(|(k, _)| !user_tags.iter().any(|(uk, _)| uk == k));
    t.extend(user_tags);
    Ok(store.create_run(
        &exp,
        NewRun {
            run_name: name,
            tags: t,
            start_time: None,
            user: Some(user),
        },
    )?)
}

fn listing<'a>(infos: impl Iterator<Item = &'a RunInfo>, view: View) -> Listing {
    let mut headers = vec!["run id", "name", "status", "started", "duration"];
    if view != View::Active {
        headers.push("stage");
    }
    let mut l = Listing::new(headers);
    for i in infos {
        let mut row = vec![
            i.run_id.clone(),
            i.run_name.clone(),
            i.status.to_string(),
            output::time(i.start_time),
            i.end_time
                .map(|e| output::duration(e - i.start_time))
                .unwrap_or_default(),
        ];
        if view != View::Active {
            row.push(i.lifecycle_stage.as_str().to_string());
        }
        l.row(row);
    }
    l
}

fn detail(run: &Run, artifacts: &[ArtifactEntry]) -> Listing {
    let i = &run.info;
    let mut l = Listing::new(["field", "value"]);
    l.row(["run_id", &i.run_id]);
    l.row(["run_name", &i.run_name]);
    l.row(["experiment_id", &i.experiment_id]);
    l.row(["status", i.status.as_str()]);
    l.row(["lifecycle_stage", i.lifecycle_stage.as_str()]);
    l.row(["user_id", &i.user_id]);
    l.row(["start_time".to_string(), output::time(i.start_time)]);
    if let Some(e) = i.end_time {
        l.row(["end_time".to_string(), output::time(e)]);
        l.row(["duration".to_string(), output::duration(e - i.start_time)]);
    }
    l.row(["artifact_uri", &i.artifact_uri]);
    for (k, v) in &run.params {
        l.row([format!("params.{k}"), v.clone()]);
    }
    for (k, p) in &run.metrics {
        l.row([
            format!("metrics.{k}"),
            format!("{} (step {})", output::value(p.value), p.step),
        ]);
    }
    for (k, v) in &run.tags {
        l.row([format!("tags.{k}"), v.clone()]);
    }
    for a in artifacts.iter().filter(|a| !a.is_dir) {
        l.row([
            format!("artifacts/{}", a.path),
            a.size.map(output::bytes).unwrap_or_default(),
        ]);
    }
    l
}
