use crate::app::query::{self, experiments, parts_for};
use crate::cli::kit::{CliError, CmdResult, Ctx};
use crate::entities::{KeyKind, MetricPoint, View, validate_key};
use crate::output::chart::{self, PlotStyle, Series};
use crate::output::stream::{LongFormat, PointWriter, Stdout};
use crate::output::{self, Cell, Format, Listing, json};
use crate::search;
use crate::store::{self, RunHandle, Store};
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Print every point of metrics (step, timestamp, value) in logging order, or plot them
    #[command(
        override_usage = "mlt metrics history [OPTIONS] [RUN] [KEY]... [--run <RUN>]...",
        after_help = "The first argument is a run when it is a runs:/ URI, the id of a run in \
the store, an id prefix of 8 or more characters, or a run's name; otherwise every argument is a \
key. Without keys, every metric of the runs is shown. With several runs or keys, the listing \
gains run_id and key columns."
    )]
    History {
        /// A run (id, id prefix, name or runs:/ URI), then metric keys [default: every key]
        #[arg(value_name = "RUN|KEY")]
        args: Vec<String>,
        /// A run, repeatable [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]
        #[arg(long = "run", value_name = "RUN")]
        runs: Vec<String>,
        /// Draw every run's keys on one chart in the terminal
        #[arg(long, conflicts_with = "format")]
        plot: bool,
        /// The plot's x axis: the step, or the seconds since the first point
        #[arg(
            long,
            value_enum,
            value_name = "AXIS",
            default_value_t,
            requires = "plot"
        )]
        x: XAxis,
        /// Rows of the plot
        #[arg(long, value_name = "ROWS", default_value_t = 15, requires = "plot",
              value_parser = clap::value_parser!(u16).range(2..=500))]
        height: u16,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Write every metric point (run_id, key, step, timestamp, value) as CSV or JSON lines, in
    /// constant memory
    Export {
        /// Experiment name or id, repeatable [default: every experiment]
        #[arg(long, short)]
        experiment: Vec<String>,
        /// Only the runs that match, e.g. "params.lr = '0.01' and metrics.acc > 0.9"
        #[arg(long, value_name = "EXPR")]
        filter: Option<String>,
        /// Only this metric, repeatable [default: every metric]
        #[arg(long = "key", short, value_name = "KEY")]
        keys: Vec<String>,
        /// Which runs to export: active, deleted or all
        #[arg(long, value_enum, default_value_t)]
        view: View,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: LongFormat,
    },
}

/// What a plot's x axis shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum XAxis {
    #[default]
    Step,
    /// Wall-clock seconds since the earliest point plotted
    Time,
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> CmdResult {
    match cmd {
        Cmd::History {
            args,
            runs,
            plot,
            x,
            height,
            format,
        } => {
            let store = ctx.existing_store()?;
            let series = history(ctx, &store, args, runs)?;
            if plot {
                let text = plot_series(&series, x, height.into())?;
                output::print(&text)?;
            } else {
                output::print(&history_text(&series, format))?;
            }
        }
        Cmd::Export {
            experiment,
            filter,
            keys,
            view,
            format,
        } => {
            let store = ctx.existing_store()?;
            export(
                ctx,
                &store,
                &experiment,
                filter.as_deref(),
                &keys,
                view,
                format,
            )?;
        }
    }
    Ok(())
}

/// The points of one metric of one run.
struct History {
    run_id: String,
    key: String,
    points: Vec<MetricPoint>,
}

/// Sorts the arguments into runs and keys, and reads every run's keys.
fn history(
    ctx: &Ctx,
    store: &Store,
    args: Vec<String>,
    run_flags: Vec<String>,
) -> Result<Vec<History>, CliError> {
    let mut keys = args;
    let mut specs = Vec::new();
    if let Some(first) = keys.first()
        && is_run(store, first)?
    {
        specs.push(keys.remove(0));
    }
    specs.extend(run_flags);
    if specs.is_empty() {
        specs.push(ctx.run_spec(None)?);
    }
    let mut handles: Vec<RunHandle> = Vec::new();
    for spec in &specs {
        let h = ctx.find_run(store, spec)?;
        if !handles.iter().any(|o| o.info.run_id == h.info.run_id) {
            handles.push(h);
        }
    }
    let mut unique: Vec<String> = Vec::new();
    for k in keys {
        validate_key(KeyKind::Metric, &k).map_err(|e| CliError::failure(e.to_string()))?;
        if !unique.contains(&k) {
            unique.push(k);
        }
    }
    let mut out = Vec::new();
    for h in &handles {
        let all = store.metric_keys(h)?;
        let run_keys = if unique.is_empty() {
            all.clone()
        } else {
            unique.clone()
        };
        for key in &run_keys {
            if !all.contains(key) {
                let known = if all.is_empty() {
                    "it has no metrics".to_string()
                } else {
                    format!("its metrics: {}", all.join(", "))
                };
                return Err(CliError::failure(format!(
                    "run {} has no metric '{key}'",
                    h.info.run_id
                ))
                .hint(known));
            }
            let points = store
                .metric_points(h, key)?
                .collect::<store::Result<Vec<_>>>()?;
            out.push(History {
                run_id: h.info.run_id.clone(),
                key: key.clone(),
                points,
            });
        }
    }
    Ok(out)
}

/// Whether the first argument of `history` names a run: a `runs:/` or `models:/` URI, the id
/// of a run in the store, an id prefix of 8 or more characters, or a run's name. A shorter
/// prefix is taken for a key: `acc` could be both.
fn is_run(store: &Store, arg: &str) -> Result<bool, CliError> {
    if arg.starts_with("runs:/") || arg.starts_with("models:/") {
        return Ok(true);
    }
    match crate::app::resolve::run(store, arg) {
        Ok(h) => Ok(h.info.run_id == arg || arg.len() >= 8 || h.info.run_name == arg),
        Err(crate::app::Error::Store(e))
            if matches!(
                e.kind(),
                store::ErrorKind::NotFound | store::ErrorKind::Invalid | store::ErrorKind::Conflict
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

fn history_text(series: &[History], format: Format) -> String {
    let several = series.len() > 1;
    output::render(
        format,
        || {
            let mut headers = vec!["step", "timestamp", "value"];
            if several {
                headers.splice(0..0, ["run_id", "key"]);
            }
            let mut l = Listing::new(headers);
            for s in series {
                for p in &s.points {
                    let mut row = vec![
                        Cell::Id(p.step.to_string()),
                        Cell::Id(p.timestamp.to_string()),
                        Cell::Number(p.value),
                    ];
                    if several {
                        row.splice(0..0, [Cell::id(&s.run_id), Cell::from(&s.key)]);
                    }
                    l.row(row);
                }
            }
            l
        },
        || {
            let points = series.iter().flat_map(|s| {
                s.points.iter().map(|p| {
                    let mut m = json::metric(&s.key, p);
                    m["run_id"] = s.run_id.as_str().into();
                    m
                })
            });
            serde_json::json!({ "metrics": points.collect::<Vec<_>>() })
        },
    )
}

fn plot_series(series: &[History], x: XAxis, height: usize) -> Result<String, CliError> {
    let t0 = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.timestamp))
        .min()
        .unwrap_or(0);
    let lines: Vec<Series> = series
        .iter()
        .map(|s| Series {
            label: format!("{}/{}", short_id(&s.run_id), s.key),
            points: s
                .points
                .iter()
                .map(|p| {
                    let xv = match x {
                        XAxis::Step => p.step as f64,
                        XAxis::Time => (p.timestamp - t0) as f64 / 1000.0,
                    };
                    (xv, p.value)
                })
                .collect(),
        })
        .collect();
    let style = PlotStyle {
        width: output::terminal_width(),
        height,
        color: output::color_stdout(),
        x_title: match x {
            XAxis::Step => "step".into(),
            XAxis::Time => format!("seconds since {}", output::local_time(t0)),
        },
        x_integers: x == XAxis::Step,
    };
    chart::plot(&lines, &style)
        .ok_or_else(|| CliError::failure("nothing to plot: no point has a finite value"))
}

/// The first 8 characters of a run id, as in legends.
fn short_id(id: &str) -> &str {
    id.char_indices().nth(8).map_or(id, |(i, _)| &id[..i])
}

/// Streams the long format: run after run (reading only the files the filter names), metric
/// file after metric file, point after point. Nothing is collected but the list of runs of
/// one experiment.
fn export(
    ctx: &Ctx,
    store: &Store,
    experiment: &[String],
    filter: Option<&str>,
    keys: &[String],
    view: View,
    format: LongFormat,
) -> CmdResult {
    let parsed = query::parse(filter, &[])?;
    let expr = parsed.filter;
    for k in keys {
        validate_key(KeyKind::Metric, k).map_err(|e| CliError::failure(e.to_string()))?;
    }
    let exps = experiments(store, experiment)?;
    let parts = parts_for(&parsed.columns);
    let mut found = vec![false; keys.len()];
    let mut w = PointWriter::new(Stdout::new(), format)?;
    'runs: for e in &exps {
        for h in store.list_runs(e, view)? {
            if let Some(x) = &expr
                && !search::matches(x, &store.read_run_parts(&h, &parts)?)
            {
                continue;
            }
            let run_keys = if keys.is_empty() {
                store.metric_keys(&h)?
            } else {
                keys.to_vec()
            };
            for key in &run_keys {
                let points = match store.metric_points(&h, key) {
                    Ok(p) => p,
                    Err(e) if e.is_not_found() => continue,
                    Err(e) => return Err(e.into()),
                };
                if let Some(i) = keys.iter().position(|k| k == key) {
                    found[i] = true;
                }
                w.series(&h.info.run_id, key);
                for p in points {
                    w.point(&p?)?;
                    if w.get_ref().closed() {
                        break 'runs;
                    }
                }
            }
        }
    }
    let out = w.finish()?;
    if !out.closed() {
        for (k, _) in keys.iter().zip(&found).filter(|(_, f)| !**f) {
            ctx.printer()
                .warn(format_args!("no selected run has a metric '{k}'"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids() {
        assert_eq!(short_id("0123456789abcdef"), "01234567");
        assert_eq!(short_id("abc"), "abc");
        assert_eq!(short_id("ééééééééé"), "éééééééé");
    }
}
