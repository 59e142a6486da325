//! `mlt store`: operations on whole stores.

use crate::bundle::import::{self, TransferRequest};
use crate::cli::kit::{CliError, CmdResult, Ctx, Printer, show_transfer};
use crate::output::{self, Cell, Format, Listing};
use crate::store::{self, OnConflict};
use clap::Subcommand;
use serde_json::{Value, json};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Take in everything another store has and this one does not (runs by id, experiments by
    /// name, model versions by number), e.g. another machine's or another git branch's store
    Merge {
        /// The other store (the folder holding mlruns/, or the mlruns/ folder itself)
        other: PathBuf,
        /// What to do with a run or model version that is here with different content
        #[arg(long, value_enum, default_value_t)]
        on_conflict: OnConflict,
        /// Show what would be written (the report's table); write nothing
        #[arg(long)]
        dry_run: bool,
        /// Leave artifacts out (and do not compare them)
        #[arg(long)]
        no_artifacts: bool,
        /// The report's format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Find what would make the store unreadable to mlt or MLflow (folders git dropped, torn
    /// metric files, leftover temporary files, broken meta.yaml, runs whose `mlt run` was
    /// killed, links out of the store, ...). Exits 1 when it finds a fault
    Check {
        /// Fix what can be fixed without losing data, and say what could not be
        #[arg(long)]
        repair: bool,
        /// Also parse every line of every metric file (otherwise only their last byte is read)
        #[arg(long)]
        deep: bool,
        /// The report's format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Remove scratch that killed commands left in .mlt/tmp/, and permanently purge deleted
    /// runs, experiments and logged models (with their artifacts inside the store), as
    /// `mlflow gc` does
    Gc {
        /// Only what was deleted at least this long ago: 30d, 12h, 90m, 1d12h (default: all)
        #[arg(long, value_name = "DURATION")]
        older_than: Option<String>,
        /// List what would go and how many bytes it would free; remove nothing
        #[arg(long)]
        dry_run: bool,
        /// The listing's format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> CmdResult {
    match cmd {
        Cmd::Merge {
            other,
            on_conflict,
            dry_run,
            no_artifacts,
            format,
        } => {
            let source = import::open_other_store(
                &other,
                std::sync::Arc::new(|m| Printer::current().warn(format_args!("{m}"))),
            )?;
            let target = if dry_run {
                ctx.existing_store()?
            } else {
                ctx.writable_store()?
            };
            let req = TransferRequest {
                on_conflict,
                artifacts: !no_artifacts,
                dry_run,
            };
            show_transfer(ctx.printer(), &target, &source, req, format)
        }
        Cmd::Check {
            repair,
            deep,
            format,
        } => check(ctx, repair, deep, format),
        Cmd::Gc {
            older_than,
            dry_run,
            format,
        } => gc(ctx, older_than.as_deref(), dry_run, format),
    }
}

fn check(ctx: &Ctx, repair: bool, deep: bool, format: Format) -> CmdResult {
    use crate::store::check::{CheckOptions, Outcome};
    let store = ctx.existing_store()?;
    let scan = store.check(CheckOptions { deep })?;
    let outcomes: Vec<Outcome> = if repair {
        store.repair(&scan.findings)
    } else {
        scan.findings
            .iter()
            .map(|f| Outcome {
                finding: f.clone(),
                repaired: false,
                message: String::new(),
            })
            .collect()
    };
    let rel = |p: &std::path::Path| store.display_path(p);
    let text = output::render(
        format,
        || {
            let mut headers = vec!["kind", "path", "run_id", "message", "repairable"];
            if repair {
                headers.push("repair");
            }
            let mut l = Listing::new(headers);
            for o in &outcomes {
                let f = &o.finding;
                let mut row = vec![
                    Cell::id(f.kind.as_str()),
                    Cell::from(rel(&f.path)),
                    Cell::id(f.run_id.clone().unwrap_or_default()),
                    Cell::from(message(f)),
                    Cell::id(if f.repairable { "yes" } else { "no" }),
                ];
                if repair {
                    row.push(Cell::from(if o.repaired {
                        format!("done: {}", o.message)
                    } else {
                        o.message.clone()
                    }));
                }
                l.row(row);
            }
            l
        },
        || {
            let findings: Vec<Value> = outcomes
                .iter()
                .map(|o| {
                    let f = &o.finding;
                    let mut v = json!({
                        "kind": f.kind.as_str(),
                        "path": rel(&f.path),
                        "run_id": f.run_id,
                        "experiment_id": f.experiment_id,
                        "message": message(f),
                        "repairable": f.repairable,
                        "note": f.kind.is_note(),
                    });
                    if repair {
                        v["repaired"] = json!(o.repaired);
                        v["repair"] = json!(o.message);
                    }
                    v
                })
                .collect();
            json!({
                "experiments": scan.experiments,
                "runs": scan.runs,
                "metric_files": scan.metric_files,
                "findings": findings,
            })
        },
    );
    let left = outcomes
        .iter()
        .filter(|o| !o.finding.kind.is_note() && !o.repaired)
        .count();
    if !outcomes.is_empty() || format == Format::Json {
        output::print(&text)?;
    }
    let scanned = format!(
        "{}, {}, {}",
        count(scan.experiments, "experiment"),
        count(scan.runs, "run"),
        count(scan.metric_files, "metric file")
    );
    if scan.faults() == 0 {
        Printer::current().status(format_args!("The store is healthy ({scanned})."));
        return Ok(());
    }
    if repair {
        let fixed = scan.faults() - left;
        Printer::current().status(format_args!(
            "Repaired {fixed} of {} problems ({scanned}).",
            scan.faults()
        ));
        if left == 0 {
            return Ok(());
        }
        return Err(CliError::failure(format!(
            "{} could not be repaired; see the report",
            count(left, "problem")
        )));
    }
    let repairable = outcomes
        .iter()
        .filter(|o| !o.finding.kind.is_note() && o.finding.repairable)
        .count();
    Err(
        CliError::failure(format!("found {} problems ({scanned})", scan.faults())).hint(format!(
            "`mlt store check --repair` fixes {repairable} of them without losing data"
        )),
    )
}

/// A finding's message, with the command that gets past it when there is one.
fn message(f: &store::check::Finding) -> String {
    use store::check::Suggestion;
    match f.suggestion {
        Some(Suggestion::RenameExperiment) => format!("{} (mlt experiments rename)", f.message),
        None => f.message.clone(),
    }
}

fn gc(ctx: &Ctx, older_than: Option<&str>, dry_run: bool, format: Format) -> CmdResult {
    let older_than_ms = match older_than {
        Some(s) => store::gc::parse_duration(s).map_err(CliError::usage)?,
        None => 0,
    };
    let store = ctx.existing_store()?;
    let items = store.gc(older_than_ms, dry_run)?;
    let rel = |p: &std::path::Path| store.display_path(p);
    let total: u64 = items.iter().map(|i| i.bytes).sum();
    let text = output::render(
        format,
        || {
            let mut l = Listing::new(["what", "id", "bytes", "path", "note"]);
            for i in &items {
                l.row([
                    Cell::id(i.kind.as_str()),
                    Cell::id(i.id.clone().unwrap_or_default()),
                    Cell::id(i.bytes.to_string()),
                    Cell::from(rel(&i.path)),
                    Cell::from(i.note.clone().unwrap_or_default()),
                ]);
            }
            l
        },
        || {
            json!({
                "dry_run": dry_run,
                "bytes": total,
                "items": items.iter().map(|i| json!({
                    "kind": i.kind.as_str(),
                    "id": i.id,
                    "bytes": i.bytes,
                    "path": rel(&i.path),
                    "note": i.note,
                })).collect::<Vec<_>>(),
            })
        },
    );
    if !items.is_empty() || format == Format::Json {
        output::print(&text)?;
    }
    for i in &items {
        if let Some(n) = &i.note {
            Printer::current().status(format_args!(
                "note: {} {}: {n}",
                i.kind.as_str(),
                i.id.as_deref().unwrap_or("")
            ));
        }
    }
    let n = items.len();
    let size = output::bytes(total);
    if dry_run {
        Printer::current().status(format_args!(
            "Would remove {} and free {size}.",
            count(n, "item")
        ));
    } else {
        Printer::current().status(format_args!(
            "Removed {} and freed {size}.",
            count(n, "item")
        ));
    }
    Ok(())
}

/// `1 run`, `2 runs`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
