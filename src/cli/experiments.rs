use crate::cli::kit::{CmdResult, Ctx, bad_expression, parse_key_value, positive};
use crate::entities::{Experiment, View};
use crate::output::{self, Cell, Format, Listing, json};
use crate::search::{self, Entity, Identifier};
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
    /// List experiments, newest first; filter and order them as MLflow's search_experiments
    #[command(visible_alias = "ls")]
    List {
        /// e.g. "name LIKE 'cv-%' and tags.team = 'vision'" (default: every experiment)
        #[arg(long, value_name = "EXPR")]
        filter: Option<String>,
        /// name, experiment_id, creation_time or last_update_time, e.g. "name" or
        /// "last_update_time DESC"; repeatable, first is most significant
        #[arg(long = "order-by", value_name = "KEY [ASC|DESC]")]
        order_by: Vec<String>,
        /// At most this many experiments [default: all]
        #[arg(long, value_name = "N", value_parser = positive)]
        max_results: Option<usize>,
        /// Which experiments to search (the filter applies to these)
        #[arg(long, value_enum, default_value_t)]
        view: View,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Show one experiment (by id or name)
    Show {
        /// Experiment name or id
        experiment: String,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Rename an experiment
    Rename {
        /// Experiment name or id
        experiment: String,
        /// The new name (unique)
        new_name: String,
    },
    /// Delete an experiment (moved to mlruns/.trash/, restorable)
    Delete {
        /// Experiment name or id
        experiment: String,
    },
    /// Restore a deleted experiment and its runs
    Restore {
        /// Name or id of the deleted experiment
        experiment: String,
    },
    /// Set a tag on an experiment
    SetTag {
        /// Experiment name or id
        experiment: String,
        /// Tag key
        key: String,
        /// Tag value
        value: String,
    },
    /// Delete a tag of an experiment
    DeleteTag {
        /// Experiment name or id
        experiment: String,
        /// Tag key
        key: String,
    },
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
        Cmd::List {
            filter,
            order_by,
            max_results,
            view,
            format,
        } => {
            let text = filter.as_deref().unwrap_or("");
            let expr = search::parse_experiment_filter(text)
                .map_err(|e| bad_expression("filter", text, &e))?;
            let orders = order_by
                .iter()
                .map(|o| {
                    search::parse_experiment_order_by(o)
                        .map_err(|e| bad_expression("--order-by", o, &e))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let store = ctx.existing_store()?;
            // As MLflow's file store: the view picks the experiments, then the filter, the
            // order and the limit apply.
            let mut exps = crate::app::experiments::select(&store, view, expr.as_ref(), &orders)?;
            exps.truncate(max_results.unwrap_or(usize::MAX));
            let columns = named_columns(expr.as_ref(), &orders);
            let text = output::render(
                format,
                || listing(&exps, view, &columns),
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
            ctx.printer().status(format_args!(
                "Renamed experiment {} to '{}'",
                e.experiment_id, e.name
            ));
        }
        Cmd::Delete { experiment } => {
            let e = ctx.existing_store()?.delete_experiment(&experiment)?;
            ctx.printer().status(format_args!(
                "Deleted experiment {} ('{}')",
                e.experiment_id, e.name
            ));
        }
        Cmd::Restore { experiment } => {
            let e = ctx.existing_store()?.restore_experiment(&experiment)?;
            ctx.printer().status(format_args!(
                "Restored experiment {} ('{}')",
                e.experiment_id, e.name
            ));
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

/// What the listing shows beyond its usual columns: the tags the filter names, and the last
/// update time when the filter or the order names it.
struct Columns {
    updated: bool,
    tags: Vec<String>,
}

fn named_columns(expr: Option<&search::Expr>, orders: &[search::OrderBy]) -> Columns {
    let named: Vec<&Identifier> = expr
        .map(|e| e.identifiers())
        .unwrap_or_default()
        .into_iter()
        .chain(orders.iter().map(|o| &o.ident))
        .collect();
    let mut tags: Vec<String> = Vec::new();
    for i in &named {
        if i.entity == Entity::Tag && !tags.contains(&i.key) {
            tags.push(i.key.clone());
        }
    }
    Columns {
        updated: named
            .iter()
            .any(|i| i.entity == Entity::Attribute && i.key == "last_update_time"),
        tags,
    }
}

fn listing(exps: &[Experiment], view: View, columns: &Columns) -> Listing {
    let mut headers: Vec<String> = vec!["id".into(), "name".into()];
    if view != View::Active {
        headers.push("stage".into());
    }
    headers.push("created".into());
    if columns.updated {
        headers.push("updated".into());
    }
    headers.push("artifact location".into());
    headers.extend(columns.tags.iter().map(|k| format!("tags.{k}")));
    let time = |t: Option<i64>| t.map(Cell::Time).unwrap_or_default();
    let mut l = Listing::new(headers);
    for e in exps {
        let mut row = vec![Cell::id(&e.experiment_id), Cell::from(&e.name)];
        if view != View::Active {
            row.push(Cell::id(e.lifecycle_stage.as_str()));
        }
        row.push(time(e.creation_time));
        if columns.updated {
            row.push(time(e.last_update_time));
        }
        row.push(Cell::from(&e.artifact_location));
        row.extend(
            columns
                .tags
                .iter()
                .map(|k| Cell::from(e.tags.get(k).cloned().unwrap_or_default())),
        );
        l.row(row);
    }
    l
}

fn detail(e: &Experiment) -> Listing {
    let mut l = Listing::new(["field", "value"]);
    l.row([Cell::from("experiment_id"), Cell::id(&e.experiment_id)]);
    l.row(["name", &e.name]);
    l.row(["lifecycle_stage", e.lifecycle_stage.as_str()]);
    l.row(["artifact_location", &e.artifact_location]);
    if let Some(t) = e.creation_time {
        l.row([Cell::from("creation_time"), Cell::Time(t)]);
    }
    if let Some(t) = e.last_update_time {
        l.row([Cell::from("last_update_time"), Cell::Time(t)]);
    }
    for (k, v) in &e.tags {
        l.row([format!("tags.{k}"), v.clone()]);
    }
    l
}
