//! `mlt runs list` and `mlt runs search`: one set of options and one selection
//! ([`query::select`]); they differ only in their defaults (list: the Default experiment, every
//! run; search: every experiment, at most 1000 runs).

use crate::app::columns::ColumnPattern;
use crate::app::query::{self, Read, RunQuery};
use crate::cli::kit::{CmdResult, Ctx, positive};
use crate::entities::{Run, View};
use crate::output::{self, Cell, Format, Listing, json};
use crate::search;

/// The options `runs list` and `runs search` share.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// e.g. "metrics.acc > 0.9 and params.lr = '0.01'" (default: every run)
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// e.g. "metrics.loss" or "metrics.acc DESC"; repeatable, first is most significant
    /// (default: newest first)
    #[arg(long = "order-by", value_name = "KEY [ASC|DESC]")]
    pub order_by: Vec<String>,
    /// Experiment name or id, repeatable
    #[arg(long, short)]
    pub experiment: Vec<String>,
    /// At most this many runs
    #[arg(long, value_parser = positive)]
    pub max_results: Option<usize>,
    /// Param, metric and tag columns for table, csv and md, by name or glob, comma-separated:
    /// 'params.*,metrics.acc,tags.mlflow.*' (default: those the filter and the order name;
    /// JSON always shows whole runs)
    #[arg(long, value_name = "COLUMNS", value_delimiter = ',', value_parser = ColumnPattern::parse)]
    pub columns: Vec<ColumnPattern>,
    /// Which runs: active, deleted or all
    #[arg(long, value_enum, default_value_t)]
    pub view: View,
    /// Output format
    #[arg(long, short, value_enum, default_value_t)]
    pub format: Format,
}

/// Which command's defaults apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defaults {
    /// The Default experiment when none is named; every run.
    List,
    /// Every experiment; at most 1000 runs.
    Search,
}

pub fn run(ctx: &Ctx, args: Args, defaults: Defaults) -> CmdResult {
    let store = ctx.existing_store()?;
    let default_experiment = args.experiment.is_empty() && defaults == Defaults::List;
    let experiments = if default_experiment {
        vec![crate::store::DEFAULT_EXPERIMENT_ID.to_string()]
    } else {
        args.experiment
    };
    let max_results = args.max_results.unwrap_or(match defaults {
        Defaults::List => usize::MAX,
        Defaults::Search => 1000,
    });
    // JSON shows whole runs; the other formats show only the chosen columns (or those the
    // filter and the order name), so only those files are read.
    let found = query::select(
        &store,
        &RunQuery {
            filter: args.filter,
            order_by: args.order_by,
            experiments,
            view: args.view,
            max_results,
            offset: 0,
            read: if args.format == Format::Json {
                Read::Whole
            } else {
                Read::Named
            },
            columns: args.columns,
        },
    )?;
    if default_experiment {
        let name = store.experiment(crate::store::DEFAULT_EXPERIMENT_ID)?.name;
        ctx.printer().status(format_args!(
            "Runs of experiment '{name}' ({}); -e NAME for another",
            found.matched
        ));
    }
    if found.matched > found.runs.len() {
        ctx.printer().status(format_args!(
            "showing {} of {} runs (--max-results to see more)",
            found.runs.len(),
            found.matched
        ));
    }
    let runs: Vec<Run> = found.runs.into_iter().map(|(_, r)| r).collect();
    let text = output::render_text(
        args.format,
        || listing(&runs, &found.shown, args.view),
        || json::runs_document(&runs),
    );
    output::print(&text)?;
    Ok(())
}

/// One row a run: its info (the experiment when the runs are of several, the stage when
/// deleted runs may be shown), then the columns.
fn listing(runs: &[Run], columns: &[search::Identifier], view: View) -> Listing {
    let several = runs
        .iter()
        .any(|r| r.info.experiment_id != runs[0].info.experiment_id);
    let mut headers = vec!["run id".to_string()];
    if several {
        headers.push("experiment".into());
    }
    headers.extend(["name", "status", "started", "duration"].map(String::from));
    if view != View::Active {
        headers.push("stage".into());
    }
    headers.extend(columns.iter().map(|c| c.to_string()));
    let mut l = Listing::new(headers);
    for r in runs {
        let i = &r.info;
        let mut row = vec![Cell::id(&i.run_id)];
        if several {
            row.push(Cell::id(&i.experiment_id));
        }
        row.extend([
            Cell::from(&i.run_name),
            Cell::Id(i.status.to_string()),
            Cell::Time(i.start_time),
            Cell::Id(
                i.end_time
                    .map(|e| output::duration(e - i.start_time))
                    .unwrap_or_default(),
            ),
        ]);
        if view != View::Active {
            row.push(Cell::id(i.lifecycle_stage.as_str()));
        }
        for c in columns {
            row.push(
                match c.entity {
                    search::Entity::Metric => r.metrics.get(&c.key).map(|p| Cell::Number(p.value)),
                    search::Entity::Param => r.params.get(&c.key).map(Cell::from),
                    search::Entity::Tag => r.tags.get(&c.key).map(Cell::from),
                    search::Entity::Attribute => None,
                }
                .unwrap_or_default(),
            );
        }
        l.row(row);
    }
    l
}
