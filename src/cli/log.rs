use crate::cli::kit::{CliError, CmdResult, Ctx, parse_key_value};
use crate::env;
use crate::ingest;
use crate::model::{MetricPoint, parse_value};
use crate::store::{Batch, Logger, RunHandle, Store};
use clap::Subcommand;
use std::collections::HashMap;
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
    let id = ctx.run_spec(target.run.as_deref())?;
    let store = ctx.existing_store()?;
    // Check keys before touching the disk, so a bad key never costs a run lookup.
    batch.validate()?;
    let h = store.active_run(&id)?;
    store.log_batch(&h, &batch)?;
    Ok(())
}

fn batch(ctx: &Ctx, file: Option<PathBuf>, target: Target) -> CmdResult {
    let id = ctx.run_spec(target.run.as_deref())?;
    let store = ctx.existing_store()?;
    let h = store.active_run(&id)?;
    let now = env::now_ms();
    let mut totals = Totals::default();
    match file.filter(|f| f.as_os_str() != "-") {
        None => {
            // A stream is applied record by record, in order: a training loop can pipe into it.
            let stdin = std::io::stdin().lock();
            let mut logger = Logger::new(&store, h.clone());
            let res = ingest::for_each_record(BufReader::new(stdin), now, |rec, _| {
                // The logger validates keys and params itself; earlier records are on disk.
                check_envelope(&h, &rec)?;
                logger.log(&rec.batch).map_err(|e| e.to_string())?;
                totals.add(&rec.batch);
                Ok(())
            });
            if let Err(msg) = res {
                eprintln!("{}", totals.summary(&id, "before the error"));
                return Err(CliError::failure(msg));
            }
        }
        Some(path) => {
            // A file is checked whole first, so a bad record at the end changes nothing.
            let open = || {
                std::fs::File::open(&path)
                    .map(BufReader::new)
                    .map_err(|e| CliError::failure(format!("{}: {e}", path.display())))
            };
            let mut seen = HashMap::new();
            ingest::for_each_record(open()?, now, |rec, _| {
                check_record(&store, &h, &rec, &mut seen)
            })
            .map_err(CliError::failure)?;
            // Checked records are merged into large batches: one write per key per batch.
            let mut logger = Logger::new(&store, h.clone());
            let mut pending = Batch::default();
            ingest::for_each_record(open()?, now, |rec, _| {
                totals.add(&rec.batch);
                pending.metrics.extend(rec.batch.metrics);
                pending.params.extend(rec.batch.params);
                pending.tags.extend(rec.batch.tags);
                if pending.len() >= 100_000 {
                    logger
                        .log(&std::mem::take(&mut pending))
                        .map_err(|e| e.to_string())?;
                }
                Ok(())
            })
            .map_err(CliError::failure)?;
            logger.log(&pending)?;
        }
    }
    eprintln!("{}", totals.summary(&id, ""));
    Ok(())
}

/// Checks what only a record knows: the run it names (if any) and MLflow's limits for a
/// log-batch body.
fn check_envelope(h: &RunHandle, rec: &ingest::Record) -> Result<(), String> {
    if let Some(r) = &rec.run_id
        && r != &h.info.run_id
    {
        return Err(format!(
            "the record is for run {r}, but the target run is {}",
            h.info.run_id
        ));
    }
    if rec.mlflow_body {
        rec.batch.check_limits().map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Checks one record of a file before anything is written: its envelope, keys and values, and
/// params against the run and against earlier records.
fn check_record(
    store: &Store,
    h: &RunHandle,
    rec: &ingest::Record,
    seen: &mut HashMap<String, String>,
) -> Result<(), String> {
    check_envelope(h, rec)?;
    rec.batch.validate().map_err(|e| e.to_string())?;
    store
        .check_params(h, &rec.batch.params)
        .map_err(|e| e.to_string())?;
    for (k, v) in &rec.batch.params {
        if let Some(prev) = seen.insert(k.clone(), v.clone())
            && &prev != v
        {
            return Err(format!(
                "param '{k}' was '{prev}' in an earlier record; params cannot change (got '{v}')"
            ));
        }
    }
    Ok(())
}

#[derive(Default)]
struct Totals {
    metrics: usize,
    params: usize,
    tags: usize,
}

impl Totals {
    fn add(&mut self, b: &Batch) {
        self.metrics += b.metrics.len();
        self.params += b.params.len();
        self.tags += b.tags.len();
    }

    fn summary(&self, run: &str, when: &str) -> String {
        let when = if when.is_empty() {
            String::new()
        } else {
            format!(" {when}")
        };
        format!(
            "Logged {} metric values, {} params and {} tags to run {run}{when}",
            self.metrics, self.params, self.tags
        )
    }
}
