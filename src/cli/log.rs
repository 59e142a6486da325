use crate::cli::kit::{CliError, CmdResult, Ctx, parse_key_value};
use crate::entities::{MetricPoint, parse_value};
use crate::env;
use crate::ingest;
use crate::store::Batch;
use clap::Subcommand;
use std::io::BufReader;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Target {
    /// Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]
    #[arg(long, global = true)]
    run: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Log one param (params never change: the same value again is fine, another is an error)
    Param {
        /// Param key
        key: String,
        /// Param value
        value: String,
        #[command(flatten)]
        target: Target,
    },
    /// Log several params: mlt log params lr=0.01 layers=3
    Params {
        /// Params to log
        #[arg(value_name = "KEY=VALUE", required = true, value_parser = parse_key_value)]
        params: Vec<(String, String)>,
        #[command(flatten)]
        target: Target,
    },
    /// Log one metric value (nan, inf and -inf are values too)
    Metric {
        /// Metric key
        key: String,
        /// Metric value
        #[arg(allow_hyphen_values = true, value_parser = parse_metric_value)]
        value: f64,
        #[command(flatten)]
        point: Point,
        #[command(flatten)]
        target: Target,
    },
    /// Log several metrics at one step: mlt log metrics loss=0.3 acc=0.9 --step 5
    Metrics {
        /// Metrics to log, all at one step and time
        #[arg(value_name = "KEY=VALUE", required = true, value_parser = parse_metric_pair)]
        metrics: Vec<(String, f64)>,
        #[command(flatten)]
        point: Point,
        #[command(flatten)]
        target: Target,
    },
    /// Set one tag
    Tag {
        /// Tag key
        key: String,
        /// Tag value
        value: String,
        #[command(flatten)]
        target: Target,
    },
    /// Set several tags: mlt log tags team=vision stage=dev
    Tags {
        /// Tags to set
        #[arg(value_name = "KEY=VALUE", required = true, value_parser = parse_key_value)]
        tags: Vec<(String, String)>,
        #[command(flatten)]
        target: Target,
    },
    /// Log JSON records from a file or stdin (see the README for the formats)
    Batch {
        /// A file, or - (the default) for stdin, applied record by record as it streams in
        file: Option<PathBuf>,
        #[command(flatten)]
        target: Target,
    },
}

#[derive(clap::Args, Debug)]
pub struct Point {
    /// Step of the value
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    step: i64,
    /// Timestamp in milliseconds since the epoch [default: now]
    #[arg(long)]
    timestamp: Option<i64>,
}

impl Point {
    fn at(&self, value: f64) -> MetricPoint {
        MetricPoint {
            timestamp: self.timestamp.unwrap_or_else(env::now_ms),
            value,
            step: self.step,
        }
    }
}

fn parse_metric_value(s: &str) -> Result<f64, String> {
    parse_value(s).ok_or_else(|| format!("'{s}' is not a number"))
}

fn parse_metric_pair(s: &str) -> Result<(String, f64), String> {
    let (k, v) = parse_key_value(s)?;
    Ok((k, parse_metric_value(&v)?))
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> CmdResult {
    let (target, batch) = match cmd {
        Cmd::Batch { file, target } => return batch(ctx, file, target),
        Cmd::Param { key, value, target } => (
            target,
            Batch {
                params: vec![(key, value)],
                ..Batch::default()
            },
        ),
        Cmd::Params { params, target } => (
            target,
            Batch {
                params,
                ..Batch::default()
            },
        ),
        Cmd::Metric {
            key,
            value,
            point,
            target,
        } => (
            target,
            Batch {
                metrics: vec![(key, point.at(value))],
                ..Batch::default()
            },
        ),
        Cmd::Metrics {
            metrics,
            point,
            target,
        } => {
            let p = point.at(0.0);
            (
                target,
                Batch {
                    metrics: metrics
                        .into_iter()
                        .map(|(k, v)| (k, MetricPoint { value: v, ..p }))
                        .collect(),
                    ..Batch::default()
                },
            )
        }
        Cmd::Tag { key, value, target } => (
            target,
            Batch {
                tags: vec![(key, value)],
                ..Batch::default()
            },
        ),
        Cmd::Tags { tags, target } => (
            target,
            Batch {
                tags,
                ..Batch::default()
            },
        ),
    };
    let spec = ctx.run_spec(target.run.as_deref())?;
    let store = ctx.existing_store()?;
    // Check keys before touching the disk, so a bad key never costs a run lookup.
    batch.validate()?;
    let h = store.active_run(&ctx.run_id(&store, Some(&spec))?)?;
    store.log_batch(&h, &batch)?;
    Ok(())
}

fn batch(ctx: &Ctx, file: Option<PathBuf>, target: Target) -> CmdResult {
    let store = ctx.existing_store()?;
    let id = ctx.run_id(&store, target.run.as_deref())?;
    let h = store.active_run(&id)?;
    let file = file.filter(|f| f.as_os_str() != "-");
    let streaming = file.is_none();
    let res = match file {
        // A stream is applied record by record, in order: a training loop can pipe into it.
        None => ingest::log_batch(
            &store,
            &h,
            || Ok(BufReader::new(std::io::stdin().lock())),
            &ingest::Options {
                apply: ingest::Apply::AsItArrives,
                now: &env::now_ms,
            },
        ),
        // A file is checked whole first, so a bad record at the end changes nothing.
        Some(path) => ingest::log_batch(
            &store,
            &h,
            || {
                std::fs::File::open(&path)
                    .map(BufReader::new)
                    .map_err(|e| format!("{}: {e}", path.display()))
            },
            &ingest::Options {
                apply: ingest::Apply::CheckedFirst,
                now: &env::now_ms,
            },
        ),
    };
    match res {
        Ok(logged) => {
            ctx.printer().status(summary(&logged, &id, ""));
            Ok(())
        }
        Err(f) => {
            if streaming {
                ctx.printer()
                    .status(summary(&f.logged, &id, " before the error"));
            }
            Err(CliError::failure(f.message))
        }
    }
}

fn summary(l: &ingest::Logged, run: &str, when: &str) -> String {
    format!(
        "Logged {} metric values, {} params and {} tags to run {run}{when}",
        l.metrics, l.params, l.tags
    )
}
