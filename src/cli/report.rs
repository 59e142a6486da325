//! `mlt report`: one self-contained HTML file (the runs table, the compare charts and the
//! differences) for a CI job to attach. The use case is [`crate::app::report`]; this selects
//! the runs, and writes the file atomically (or to stdout with `-o -`).

use crate::app::query;
use crate::app::report::{self, Report};
use crate::cli::kit::{CliError, CmdResult, Ctx, positive};
use crate::entities::View;
use crate::store::{RunHandle, Store};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Runs to report on (ids, id prefixes, names, runs:/ or models:/ URIs), in this order
    #[arg(
        value_name = "RUN",
        required_unless_present_any = ["filter", "experiment"]
    )]
    runs: Vec<String>,
    /// Report on the runs this filter finds instead, e.g. "params.opt = 'adam'"
    #[arg(long, value_name = "EXPR", conflicts_with = "runs")]
    filter: Option<String>,
    /// Search these experiments (name or id, repeatable) instead of naming runs [default
    /// with --filter: every experiment]
    #[arg(long, short, conflicts_with = "runs")]
    experiment: Vec<String>,
    /// With --filter or -e: order of the runs, e.g. "metrics.acc DESC"; repeatable
    /// [default: newest first]
    #[arg(
        long = "order-by",
        value_name = "KEY [ASC|DESC]",
        conflicts_with = "runs"
    )]
    order_by: Vec<String>,
    /// With --filter or -e: at most this many runs
    #[arg(long, default_value_t = 100, conflicts_with = "runs", value_parser = positive)]
    max_results: usize,
    /// The report's title [default: "mlt report" and the experiments' names]
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// The HTML file to write (replaced atomically), or - for stdout
    #[arg(long, short, value_name = "FILE")]
    output: PathBuf,
}

pub fn run(ctx: &Ctx, a: Args) -> CmdResult {
    let store = ctx.existing_store()?;
    let handles = select(ctx, &store, &a)?;
    let generated = crate::env::now_ms();
    let html = report::html(
        &store,
        &Report {
            runs: &handles,
            title: a.title.as_deref(),
            generated,
        },
    )?;
    if a.output == Path::new("-") {
        let mut out = std::io::stdout().lock();
        out.write_all(html.as_bytes())?;
        out.flush()?;
        return Ok(());
    }
    write_atomic(&a.output, html.as_bytes())?;
    ctx.printer().status(format_args!(
        "wrote {} ({} runs, {})",
        a.output.display(),
        handles.len(),
        crate::output::bytes(html.len() as u64)
    ));
    Ok(())
}

/// The runs named, or those the filter and experiments select.
fn select(ctx: &Ctx, store: &Store, a: &Args) -> Result<Vec<RunHandle>, CliError> {
    if a.filter.is_none() && a.experiment.is_empty() {
        let mut out: Vec<RunHandle> = Vec::new();
        for spec in &a.runs {
            let h = ctx.find_run(store, spec)?;
            if !out.iter().any(|o| o.info.run_id == h.info.run_id) {
                out.push(h);
            }
        }
        return Ok(out);
    }
    let (found, matched) = query::search_handles(
        store,
        a.filter.clone(),
        a.experiment.clone(),
        &a.order_by,
        View::Active,
        a.max_results,
    )?;
    if matched > found.len() {
        ctx.printer().status(format_args!(
            "reporting {} of {matched} runs (--max-results to report more)",
            found.len()
        ));
    }
    if found.is_empty() {
        return Err(CliError::failure(if a.filter.is_some() {
            "no run matches the filter"
        } else {
            "no runs in the experiments searched"
        }));
    }
    Ok(found)
}

/// Writes `bytes` to a temporary file beside `path` and renames it into place: a reader (a CI
/// step uploading the report) sees the old file or the new one, never half of one.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail =
        |e: std::io::Error| CliError::failure(format!("cannot write {}: {e}", path.display()));
    let mut tmp = tempfile::Builder::new()
        .prefix(".mlt-report-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    // A temporary file is private (0600); a report is for sharing, as any file made here.
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
