//! `mlt runs`: start, end, list, search, compare, diff, show, tag, rename, delete and restore
//! runs. `runs compare` (with the `--fail-if` gate) is in `compare.rs`.

mod compare;

use crate::app::query::{self, Read, RunQuery};
use crate::app::start::{StartRun, start};
use crate::cli::kit::{CliError, CmdResult, Ctx, RunArg, parse_key_value, positive};
use crate::compare::{self as diff, RunDiff};
use crate::model::json_f64;
use crate::model::{Run, RunInfo, RunStatus, View};
use crate::output::{self, Format, Listing, json};
use crate::search;
use crate::store::{ArtifactEntry, Batch};
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
        #[command(flatten)]
        run: RunArg,
        /// The run's final status
        #[arg(long, value_enum, default_value = "FINISHED")]
        status: EndStatus,
    },
    /// List the runs of an experiment, newest first
    #[command(visible_alias = "ls")]
    List {
        /// Experiment name or id [default: Default]
        #[arg(long, short)]
        experiment: Option<String>,
        /// Which runs: active, deleted or all
        #[arg(long, value_enum, default_value_t)]
        view: View,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Find runs with MLflow's filter language (plus OR, NOT and parentheses) and order them
    Search {
        /// e.g. "metrics.acc > 0.9 and params.lr = '0.01'" (default: every run)
        #[arg(long, value_name = "EXPR")]
        filter: Option<String>,
        /// e.g. "metrics.loss" or "metrics.acc DESC"; repeatable, first is most significant
        #[arg(long = "order-by", value_name = "KEY [ASC|DESC]")]
        order_by: Vec<String>,
        /// Experiment name or id, repeatable [default: every experiment]
        #[arg(long, short)]
        experiment: Vec<String>,
        /// At most this many runs
        #[arg(long, default_value_t = 1000, value_parser = positive)]
        max_results: usize,
        /// Which runs to search: active, deleted or all
        #[arg(long, value_enum, default_value_t)]
        view: View,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Compare runs side by side, best values marked; gate a candidate in CI with --fail-if
    Compare(compare::Args),
    /// Show what differs between two runs: params, metrics (with change), tags, artifacts
    Diff {
        /// The base run (id, id prefix, name, or runs:/ URI)
        a: String,
        /// The run compared with it
        b: String,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Show everything about a run: info, params, latest metrics, tags, artifacts
    Show {
        #[command(flatten)]
        run: RunArg,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Set a tag on a run
    SetTag {
        /// Tag key
        key: String,
        /// Tag value
        value: String,
        #[command(flatten)]
        run: RunArg,
    },
    /// Delete a tag of a run
    DeleteTag {
        /// Tag key
        key: String,
        #[command(flatten)]
        run: RunArg,
    },
    /// Rename a run (its run name and its mlflow.runName tag)
    Rename {
        /// The new run name
        new_name: String,
        #[command(flatten)]
        run: RunArg,
    },
    /// Delete a run (restorable)
    Delete {
        #[command(flatten)]
        run: RunArg,
    },
    /// Restore a deleted run
    Restore {
        #[command(flatten)]
        run: RunArg,
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
            let parent = parent
                .map(|p| ctx.find_run(&store, &p).map(|h| h.info.run_id))
                .transpose()?;
            let started = start(
                &store,
                StartRun {
                    experiment,
                    name,
                    tags,
                    parent,
                    description,
                    ..StartRun::default()
                },
            )?;
            if let Some(e) = started.created_experiment {
                ctx.printer.status(format!(
                    "Created experiment '{}' ({})",
                    e.name, e.experiment_id
                ));
            }
            output::print(&format!("{}\n", started.info.run_id))?;
        }
        Cmd::End { run, status } => {
            let store = ctx.existing_store()?;
            let h = ctx.run(&store, &run)?;
            store.set_run_status(&h.info.run_id, status.into(), None)?;
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
                f => output::render(
                    f,
                    || listing(handles.iter().map(|h| &h.info), view),
                    || serde_json::Value::Null,
                ),
            };
            output::print(&text)?;
        }
        Cmd::Search {
            filter,
            order_by,
            experiment,
            max_results,
            view,
            format,
        } => {
            let store = ctx.existing_store()?;
            // JSON shows whole runs; the other formats show only the columns the filter and
            // the order name, so only those files are read.
            let found = query::select(
                &store,
                &RunQuery {
                    filter,
                    order_by,
                    experiments: experiment,
                    view,
                    max_results,
                    read: if format == Format::Json {
                        Read::Whole
                    } else {
                        Read::Named
                    },
                },
            )?;
            let runs: Vec<Run> = found.runs.into_iter().map(|(_, r)| r).collect();
            let text = output::render(
                format,
                || {
                    let several = runs
                        .iter()
                        .any(|r| r.info.experiment_id != runs[0].info.experiment_id);
                    search_listing(&runs, &found.columns, several)
                },
                || serde_json::json!({"runs": runs.iter().map(json::run).collect::<Vec<_>>()}),
            );
            output::print(&text)?;
        }
        Cmd::Compare(args) => compare::run(ctx, args)?,
        Cmd::Diff { a, b, format } => {
            let store = ctx.existing_store()?;
            let load = |spec: &str| -> Result<(Run, Vec<ArtifactEntry>), CliError> {
                let h = ctx.find_run(&store, spec)?;
                let files = store.list_artifacts(&h, None).unwrap_or_else(|e| {
                    ctx.printer.warn(e);
                    Vec::new()
                });
                Ok((store.read_run(&h)?, files))
            };
            let (ra, fa) = load(&a)?;
            let (rb, fb) = load(&b)?;
            let d = diff::diff_runs(&ra, &rb, &fa, &fb);
            let text = output::render(
                format,
                || diff_listing(&ra, &rb, &d),
                || diff_json(&ra, &rb, &d),
            );
            output::print(&text)?;
        }
        Cmd::Show { run, format } => {
            let store = ctx.existing_store()?;
            let h = ctx.run(&store, &run)?;
            let run = store.read_run(&h)?;
            let artifacts = store.list_artifacts(&h, None).unwrap_or_else(|e| {
                ctx.printer.warn(e);
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
        Cmd::SetTag { key, value, run } => {
            let store = ctx.existing_store()?;
            let h = store.active_run(&ctx.run(&store, &run)?.info.run_id)?;
            store.log_batch(
                &h,
                &Batch {
                    tags: vec![(key, value)],
                    ..Batch::default()
                },
            )?;
        }
        Cmd::DeleteTag { key, run } => {
            let store = ctx.existing_store()?;
            let h = ctx.run(&store, &run)?;
            store.delete_run_tag(&h.info.run_id, &key)?;
        }
        Cmd::Rename { new_name, run } => {
            let store = ctx.existing_store()?;
            let h = ctx.run(&store, &run)?;
            let info = store.rename_run(&h.info.run_id, &new_name)?;
            ctx.printer.status(format!(
                "Renamed run {} to '{}'",
                info.run_id, info.run_name
            ));
        }
        Cmd::Delete { run } => {
            let store = ctx.existing_store()?;
            let h = ctx.run(&store, &run)?;
            let info = store.delete_run(&h.info.run_id)?;
            ctx.printer.status(format!("Deleted run {}", info.run_id));
        }
        Cmd::Restore { run } => {
            let store = ctx.existing_store()?;
            let h = ctx.run(&store, &run)?;
            let info = store.restore_run(&h.info.run_id)?;
            ctx.printer.status(format!("Restored run {}", info.run_id));
        }
    }
    Ok(())
}

fn search_listing(runs: &[Run], columns: &[search::Identifier], with_experiment: bool) -> Listing {
    let mut headers = vec!["run id".to_string()];
    if with_experiment {
        headers.push("experiment".into());
    }
    headers.extend(["name", "status", "started"].map(String::from));
    headers.extend(columns.iter().map(|c| c.to_string()));
    let mut l = Listing::new(headers);
    for r in runs {
        let mut row = vec![r.info.run_id.clone()];
        if with_experiment {
            row.push(r.info.experiment_id.clone());
        }
        row.extend([
            r.info.run_name.clone(),
            r.info.status.to_string(),
            output::time(r.info.start_time),
        ]);
        for c in columns {
            row.push(
                match c.entity {
                    search::Entity::Metric => r.metrics.get(&c.key).map(|p| output::value(p.value)),
                    search::Entity::Param => r.params.get(&c.key).cloned(),
                    search::Entity::Tag => r.tags.get(&c.key).cloned(),
                    search::Entity::Attribute => None,
                }
                .unwrap_or_default(),
            );
        }
        l.row(row);
    }
    l
}

fn diff_listing(a: &Run, b: &Run, d: &RunDiff) -> Listing {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let mut l = Listing::new(["", "key", &a.info.run_name, &b.info.run_name, "change"]);
    let text_rows = |l: &mut Listing, kind: &str, cs: &[diff::Change<String>]| {
        for c in cs {
            let (x, y) = (opt(c.a.clone()), opt(c.b.clone()));
            l.row([kind.to_string(), c.key.clone(), x, y, String::new()]);
        }
    };
    text_rows(&mut l, "param", &d.params);
    for c in &d.metrics {
        let change = match (c.delta(), c.relative()) {
            (Some(x), Some(r)) => format!("{} ({:+.1}%)", signed(x), r * 100.0),
            (Some(x), None) => signed(x),
            _ => String::new(),
        };
        let (x, y) = (opt(c.a.map(output::value)), opt(c.b.map(output::value)));
        l.row(["metric".into(), c.key.clone(), x, y, change]);
    }
    text_rows(&mut l, "tag", &d.tags);
    for c in &d.artifacts {
        let (x, y) = (opt(c.a.map(output::bytes)), opt(c.b.map(output::bytes)));
        l.row(["artifact".into(), c.key.clone(), x, y, String::new()]);
    }
    l
}

fn signed(x: f64) -> String {
    if x >= 0.0 {
        format!("+{}", output::value(x))
    } else {
        output::value(x)
    }
}

fn diff_json(a: &Run, b: &Run, d: &RunDiff) -> serde_json::Value {
    use serde_json::json;
    let strings = |cs: &[diff::Change<String>]| -> Vec<serde_json::Value> {
        cs.iter()
            .map(|c| json!({"key": c.key, "a": c.a, "b": c.b}))
            .collect()
    };
    json!({
        "a": a.info.run_id,
        "b": b.info.run_id,
        "params": strings(&d.params),
        "metrics": d.metrics.iter().map(|c| json!({
            "key": c.key,
            "a": c.a.map(json_f64),
            "b": c.b.map(json_f64),
            "change": c.delta().map(json_f64),
            "relative_change": c.relative().map(json_f64),
        })).collect::<Vec<_>>(),
        "tags": strings(&d.tags),
        "artifacts": d.artifacts.iter().map(|c| json!({"path": c.key, "a_size": c.a, "b_size": c.b})).collect::<Vec<_>>(),
    })
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
