//! `mlt runs`: start, end, list, search, compare, diff, show, tag, rename, delete and restore
//! runs. `runs compare` (with the `--fail-if` gate) is in `compare.rs`.

mod compare;
mod list;

use crate::app::start::start;
use crate::cli::kit::{CliError, CmdResult, Ctx, RunArg, StartArgs};
use crate::compare::{self as diff, RunDiff};
use crate::entities::json_f64;
use crate::entities::{Run, RunStatus};
use crate::output::{self, Cell, Format, Listing, json};
use crate::store::{ArtifactEntry, Batch, LoggedModel};
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Start a run and print its id: RUN=$(mlt runs start -e train)
    Start(#[command(flatten)] StartArgs),
    /// End a run: set its status and end time
    End {
        #[command(flatten)]
        run: RunArg,
        /// The run's final status
        #[arg(long, value_enum, default_value = "FINISHED")]
        status: EndStatus,
    },
    /// List the runs of an experiment, newest first (the options of `runs search`)
    #[command(visible_alias = "ls")]
    #[command(mut_arg("experiment", |a| a.help(
        "Experiment name or id, repeatable [default: Default]"
    )))]
    #[command(mut_arg("max_results", |a| a.help("At most this many runs [default: every run]")))]
    List(list::Args),
    /// Find runs with MLflow's filter language (plus OR, NOT and parentheses) and order them
    #[command(mut_arg("experiment", |a| a.help(
        "Experiment name or id, repeatable [default: every experiment]"
    )))]
    #[command(mut_arg("max_results", |a| a.help("At most this many runs [default: 1000]")))]
    Search(list::Args),
    /// Compare runs side by side, best values marked; gate a candidate in CI with --fail-if
    Compare(compare::Args),
    /// Show what differs between two runs: params, metrics (with change), tags, artifacts
    Diff {
        /// The base run (id, id prefix, name, or runs:/ URI)
        a: String,
        /// The run compared with it
        b: String,
        /// Exit 1 when the runs differ and 0 when they do not, as `git diff --exit-code`
        #[arg(long)]
        exit_code: bool,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Show everything about a run: info, params, latest metrics, tags, artifacts, logged models
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
        Cmd::Start(args) => {
            let store = ctx.writable_store()?;
            let parent = args
                .parent
                .as_ref()
                .map(|p| ctx.find_run(&store, p).map(|h| h.info.run_id))
                .transpose()?;
            let started = start(&store, args.into_request(parent))?;
            if let Some(e) = started.created_experiment {
                ctx.printer().status(format!(
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
        Cmd::List(args) => list::run(ctx, args, list::Defaults::List)?,
        Cmd::Search(args) => list::run(ctx, args, list::Defaults::Search)?,
        Cmd::Compare(args) => compare::run(ctx, args)?,
        Cmd::Diff {
            a,
            b,
            exit_code,
            format,
        } => {
            let store = ctx.existing_store()?;
            let load = |spec: &str| -> Result<(Run, Vec<ArtifactEntry>), CliError> {
                let h = ctx.find_run(&store, spec)?;
                let files = store.list_artifacts(&h, None).unwrap_or_else(|e| {
                    ctx.printer().warn(e);
                    Vec::new()
                });
                Ok((store.read_run(&h)?, files))
            };
            let (ra, fa) = load(&a)?;
            let (rb, fb) = load(&b)?;
            let d = diff::diff_runs(&ra, &rb, &fa, &fb);
            let same = no_difference(&d);
            if same {
                ctx.printer().status(format_args!(
                    "No differences between runs {} and {}",
                    ra.info.run_id, rb.info.run_id
                ));
            }
            // As `git diff`, no difference prints nothing, except in the formats a program
            // reads: CSV keeps its header, JSON its shape.
            if !same || matches!(format, Format::Json | Format::Csv) {
                let text = output::render(
                    format,
                    || diff_listing(&ra, &rb, &d),
                    || diff_json(&ra, &rb, &d),
                );
                output::print(&text)?;
            }
            if exit_code && !same {
                return Err(CliError::exit(1));
            }
        }
        Cmd::Show { run, format } => {
            let store = ctx.existing_store()?;
            let h = ctx.run(&store, &run)?;
            let run = store.read_run(&h)?;
            let artifacts = store.list_artifacts(&h, None).unwrap_or_else(|e| {
                ctx.printer().warn(e);
                Vec::new()
            });
            let models = store.logged_models_of_run(&h).unwrap_or_else(|e| {
                ctx.printer().warn(e);
                Vec::new()
            });
            let text = output::render(
                format,
                || detail(&run, &artifacts, &models),
                || {
                    serde_json::json!({
                        "run": json::run(&run),
                        "artifacts": artifacts.iter().map(json::file_info).collect::<Vec<_>>(),
                        "logged_models": models.iter().map(|m| serde_json::json!({
                            "model_id": m.model_id,
                            "name": m.name,
                            "experiment_id": m.experiment_id,
                            "artifact_location": m.artifact_location,
                        })).collect::<Vec<_>>(),
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
            ctx.printer().status(format!(
                "Renamed run {} to '{}'",
                info.run_id, info.run_name
            ));
        }
        Cmd::Delete { run } => {
            let store = ctx.existing_store()?;
            let h = ctx.run(&store, &run)?;
            let info = store.delete_run(&h.info.run_id)?;
            ctx.printer().status(format!("Deleted run {}", info.run_id));
        }
        Cmd::Restore { run } => {
            let store = ctx.existing_store()?;
            let h = ctx.run(&store, &run)?;
            let info = store.restore_run(&h.info.run_id)?;
            ctx.printer()
                .status(format!("Restored run {}", info.run_id));
        }
    }
    Ok(())
}

fn diff_listing(a: &Run, b: &Run, d: &RunDiff) -> Listing {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let num = |v: Option<f64>| v.map(Cell::Number).unwrap_or_else(|| Cell::from("-"));
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
            (Some(x), Some(r)) => Cell::change(x, format!(" ({:+.1}%)", r * 100.0)),
            (Some(x), None) => Cell::change(x, ""),
            _ => Cell::default(),
        };
        let (x, y) = (num(c.a), num(c.b));
        l.row([Cell::from("metric"), Cell::from(&c.key), x, y, change]);
    }
    text_rows(&mut l, "tag", &d.tags);
    for c in &d.artifacts {
        let (x, y) = (opt(c.a.map(output::bytes)), opt(c.b.map(output::bytes)));
        l.row([
            Cell::from("artifact"),
            Cell::from(&c.key),
            Cell::Id(x),
            Cell::Id(y),
            Cell::default(),
        ]);
    }
    l
}

/// Whether two runs differ in nothing diff looks at.
fn no_difference(d: &RunDiff) -> bool {
    d.params.is_empty() && d.metrics.is_empty() && d.tags.is_empty() && d.artifacts.is_empty()
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

fn detail(run: &Run, artifacts: &[ArtifactEntry], models: &[LoggedModel]) -> Listing {
    let i = &run.info;
    let mut l = Listing::new(["field", "value"]);
    l.row([Cell::from("run_id"), Cell::id(&i.run_id)]);
    l.row(["run_name", &i.run_name]);
    l.row([Cell::from("experiment_id"), Cell::id(&i.experiment_id)]);
    l.row(["status", i.status.as_str()]);
    l.row(["lifecycle_stage", i.lifecycle_stage.as_str()]);
    l.row(["user_id", &i.user_id]);
    l.row([Cell::from("start_time"), Cell::Time(i.start_time)]);
    if let Some(e) = i.end_time {
        l.row([Cell::from("end_time"), Cell::Time(e)]);
        l.row([
            Cell::from("duration"),
            Cell::Id(output::duration(e - i.start_time)),
        ]);
    }
    l.row(["artifact_uri", &i.artifact_uri]);
    for (k, v) in &run.params {
        l.row([format!("params.{k}"), v.clone()]);
    }
    for (k, p) in &run.metrics {
        l.row([
            Cell::from(format!("metrics.{k}")),
            Cell::number_with(p.value, format!(" (step {})", p.step)),
        ]);
    }
    for (k, v) in &run.tags {
        l.row([format!("tags.{k}"), v.clone()]);
    }
    for a in artifacts.iter().filter(|a| !a.is_dir) {
        l.row([
            Cell::from(format!("artifacts/{}", a.path)),
            Cell::Id(a.size.map(output::bytes).unwrap_or_default()),
        ]);
    }
    for m in models {
        l.row([
            Cell::from(format!("logged_models.{}", m.name)),
            Cell::from(format!("{} at {}", m.model_id, m.artifact_location)),
        ]);
    }
    l
}
