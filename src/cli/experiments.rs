use super::{CmdResult, Ctx, parse_key_value};
use crate::model::{Experiment, View};
use crate::output::{self, Format, Listing, json};
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Create an experiment and print its id
    Create {
        /// Unique name
        name: String,
        /// Where its runs keep artifacts (default: inside the store, store-relative)
        #[arg(long, value_name = "PATH|URI")]
        artifact_location: Option<String>,
        /// A tag, repeatable
        #[arg(long = "tag", short = 't', value_name = "KEY=VALUE", value_parser = parse_key_value)]
        tags: Vec<(String, String)>,
    },
    /// List experiments
    #[command(visible_alias = "ls")]
    List {
        /// Which experiments to show
        #[arg(long, value_enum, default_value_t)]
        view: View,
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Show one experiment (by id or name)
    Show {
        experiment: String,
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Rename an experiment
    Rename {
        experiment: String,
        new_name: String,
    },
    /// Delete an experiment (moved to mlruns/.trash/, restorable)
    Delete { experiment: String },
    /// Restore a deleted experiment and its runs
    Restore { experiment: String },
    /// Set a tag on an experiment
    SetTag {
        experiment: String,
        key: String,
        value: String,
    },
    /// Delete a tag of an experiment
    DeleteTag { experiment: String, key: String },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> CmdResult {
    match cmd {
        Cmd::Create {
            name,
            artifact_location,
            tags,
        } => {
            let store = ctx.writable_store()?;
            let e = store.create_experiment(&name, artifact_location.as_deref(), &tags)?;
            output::print(&format!("{}\n", e.experiment_id))?;
        }
        Cmd::List { view, format } => {
            let store = ctx.existing_store()?;
            let exps = store.list_experiments(view)?;
            let text = output::render(
                format,
                || listing(&exps, view),
                || serde_json::json!({"experiments": exps.iter().map(json::experiment).collect::<Vec<_>>()}),
            );
            output::print(&text)?;
        }
        Cmd::Show { experiment, format } => {
            let store = ctx.existing_store()?;
            let e = store.experiment(&experiment)?;
            let text = output::render(
                format,
                || detail(&e),
                || serde_json::json!({"experiment": json::experiment(&e)}),
            );
            output::print(&text)?;
        }
        Cmd::Rename {
            experiment,
            new_name,
        } => {
            let e = ctx
                .existing_store()?
                .rename_experiment(&experiment, &new_name)?;
            eprintln!("Renamed experiment {} to '{}'", e.experiment_id, e.name);
        }
        Cmd::Delete { experiment } => {
            let e = ctx.existing_store()?.delete_experiment(&experiment)?;
            eprintln!("Deleted experiment {} ('{}')", e.experiment_id, e.name);
        }
        Cmd::Restore { experiment } => {
            let e = ctx.existing_store()?.restore_experiment(&experiment)?;
            eprintln!("Restored experiment {} ('{}')", e.experiment_id, e.name);
        }
        Cmd::SetTag {
            experiment,
            key,
            value,
        } => ctx
            .existing_store()?
            .set_experiment_tag(&experiment, &key, &value)?,
        Cmd::DeleteTag { experiment, key } => ctx
            .existing_store()?
            .delete_experiment_tag(&experiment, &key)?,
    }
    Ok(())
}

fn listing(exps: &[Experiment], view: View) -> Listing {
    let mut headers = vec!["id", "name", "created", "artifact location"];
    if view != View::Active {
        headers.insert(2, "stage");
    }
    let mut l = Listing::new(headers);
    for e in exps {
        let mut row = vec![
            e.experiment_id.clone(),
            e.name.clone(),
            e.creation_time.map(output::time).unwrap_or_default(),
            e.artifact_location.clone(),
        ];
        if view != View::Active {
            row.insert(2, e.lifecycle_stage.as_str().to_string());
        }
        l.row(row);
    }
    l
}

fn detail(e: &Experiment) -> Listing {
    let mut l = Listing::new(["field", "value"]);
    l.row(["experiment_id", &e.experiment_id]);
    l.row(["name", &e.name]);
    l.row(["lifecycle_stage", e.lifecycle_stage.as_str()]);
    l.row(["artifact_location", &e.artifact_location]);
    if let Some(t) = e.creation_time {
        l.row(["creation_time".to_string(), output::time(t)]);
    }
    if let Some(t) = e.last_update_time {
        l.row(["last_update_time".to_string(), output::time(t)]);
    }
    for (k, v) in &e.tags {
        l.row([format!("tags.{k}"), v.clone()]);
    }
    l
}
