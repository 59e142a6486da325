//! `mlt export`: experiments, runs, registered models or the whole store, to a bundle (a
//! folder or a `.tar.gz` with a manifest of checksums).

use crate::bundle::{self, ExportRequest};
use crate::cli::kit::{CliError, CmdResult, Ctx, Printer, bundle_error};
use crate::entities::View;
use crate::output;
use crate::store::{RunRef, Store, TransferScope};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// An mlt bundle: store-shaped content and a manifest of checksums (mlt import reads it)
    #[default]
    Bundle,
    /// The folders and JSON of the mlflow-export-import tool (its import-experiments reads
    /// them into an MLflow server)
    MlflowExportImport,
    /// One row a run: info, latest metrics, params and tags as columns (like MLflow's
    /// `experiments csv`)
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to write: a new folder, or a file whose name ends in .tar.gz (CSV: a file, or
    /// stdout when left out or -)
    pub dest: Option<PathBuf>,
    /// What to write
    #[arg(long, short, value_enum, default_value_t)]
    pub format: ExportFormat,
    /// An experiment (name or id), whole: its runs, logged models, datasets; repeatable
    #[arg(long, short)]
    pub experiment: Vec<String>,
    /// A run (id or runs:/ URI); repeatable
    #[arg(long, short)]
    pub run: Vec<String>,
    /// The runs an MLflow filter finds (in the -e experiments, else in all)
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Which runs --filter searches
    #[arg(long, value_enum, default_value = "all")]
    pub view: View,
    /// A registered model, with all its versions and the runs behind them; repeatable
    #[arg(long, short)]
    pub model: Vec<String>,
    /// Leave artifacts out (runs keep an empty artifacts/ folder)
    #[arg(long)]
    pub no_artifacts: bool,
}

/// Resolves what the user named into a selection (ids), and records it as given.
fn selection(
    store: &Store,
    args: &Args,
) -> Result<(TransferScope, bundle::SelectionRecord), CliError> {
    let mut sel = TransferScope::default();
    let mut exp_ids = Vec::new();
    for e in &args.experiment {
        exp_ids.push(store.experiment(e)?.experiment_id);
    }
    if let Some(filter) = &args.filter {
        let found = crate::app::query::select(
            store,
            &crate::app::query::RunQuery {
                filter: Some(filter.clone()),
                experiments: args.experiment.clone(),
                view: args.view,
                max_results: usize::MAX,
                ..Default::default()
            },
        )?;
        if found.runs.is_empty() && args.run.is_empty() && args.model.is_empty() {
            return Err(CliError::failure(format!(
                "nothing to export: no run matches the filter {filter:?}"
            )));
        }
        sel.runs
            .extend(found.runs.into_iter().map(|(h, _)| h.info.run_id));
    } else {
        sel.experiments = exp_ids;
    }
    for r in &args.run {
        let id = RunRef::parse(r)?.run_id;
        store.find_run(&id)?;
        if !sel.runs.contains(&id) {
            sel.runs.push(id);
        }
    }
    for m in &args.model {
        store.registered_model(m)?;
        sel.models.push(m.clone());
    }
    let record = bundle::SelectionRecord {
        everything: sel.is_everything(),
        experiments: args.experiment.clone(),
        runs: args.run.clone(),
        filter: args.filter.clone(),
        models: args.model.clone(),
    };
    Ok((sel, record))
}

pub fn run(ctx: &Ctx, args: Args) -> CmdResult {
    let store = ctx.existing_store()?;
    if args.format == ExportFormat::Csv {
        return csv(&store, &args);
    }
    let Some(dest) = args.dest.clone() else {
        return Err(CliError::usage(
            "where to? give a folder (or a .tar.gz file)",
        ));
    };
    if args.format == ExportFormat::Bundle {
        bundle::destination(&dest).map_err(|e| CliError::usage(e.to_string()))?;
    }
    let (sel, described) = selection(&store, &args)?;
    if args.format == ExportFormat::MlflowExportImport {
        if !sel.models.is_empty() {
            return Err(CliError::usage(
                "--format mlflow-export-import writes experiments and runs, not registered models",
            ));
        }
        let w = bundle::export_import::write(&store, &sel, args.view, &dest)?;
        Printer::current().status(format_args!(
            "Exported {} experiment{} and {} run{} ({} artifacts) in mlflow-export-import's \
             layout to {}",
            w.experiments,
            if w.experiments == 1 { "" } else { "s" },
            w.runs,
            if w.runs == 1 { "" } else { "s" },
            w.artifacts,
            dest.display()
        ));
        output::print(&format!("{}\n", dest.display()))?;
        return Ok(());
    }
    let mut bar = ctx.printer().bar();
    let exported = bundle::export(
        &store,
        &ExportRequest {
            dest: &dest,
            selection: &sel,
            described,
            artifacts: !args.no_artifacts,
        },
        &mut |p| bar.update(p),
    );
    bar.finish();
    let exported = exported.map_err(bundle_error)?;
    for w in &exported.warnings {
        Printer::current().warn(format_args!("{w}"));
    }
    let c = &exported.manifest.counts;
    Printer::current().status(format_args!(
        "Exported {} to {} ({} files, {})",
        bundle::report::summary(c),
        dest.display(),
        exported.manifest.total_files,
        output::bytes(exported.manifest.total_bytes)
    ));
    output::print(&format!("{}\n", dest.display()))?;
    Ok(())
}

/// One row a run, MLflow's `search_runs` columns: info, then `metrics.*` (latest values),
/// `params.*` and `tags.*`, each sorted by key.
fn csv(store: &Store, args: &Args) -> CmdResult {
    if !args.model.is_empty() || args.no_artifacts {
        return Err(CliError::usage(
            "--format csv lists runs: use -e, -r and --filter (not -m or --no-artifacts)",
        ));
    }
    let mut runs = Vec::new();
    if args.run.is_empty() || args.filter.is_some() || !args.experiment.is_empty() {
        let found = crate::app::query::select(
            store,
            &crate::app::query::RunQuery {
                filter: args.filter.clone(),
                experiments: args.experiment.clone(),
                view: args.view,
                max_results: usize::MAX,
                read: crate::app::query::Read::Whole,
                ..Default::default()
            },
        )?;
        runs.extend(found.runs.into_iter().map(|(_, r)| r));
    }
    for r in &args.run {
        let id = RunRef::parse(r)?.run_id;
        if !runs.iter().any(|x| x.info.run_id == id) {
            runs.push(store.get_run(&id)?);
        }
    }
    let keys = |f: &dyn Fn(&crate::entities::Run) -> Vec<String>| {
        let mut all: Vec<String> = runs.iter().flat_map(f).collect();
        all.sort();
        all.dedup();
        all
    };
    let metrics = keys(&|r| r.metrics.keys().cloned().collect());
    let params = keys(&|r| r.params.keys().cloned().collect());
    let tags = keys(&|r| r.tags.keys().cloned().collect());
    let mut headers: Vec<String> = [
        "run_id",
        "experiment_id",
        "run_name",
        "status",
        "artifact_uri",
        "start_time",
        "end_time",
    ]
    .map(String::from)
    .to_vec();
    headers.extend(metrics.iter().map(|k| format!("metrics.{k}")));
    headers.extend(params.iter().map(|k| format!("params.{k}")));
    headers.extend(tags.iter().map(|k| format!("tags.{k}")));
    let time = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f+00:00").to_string())
            .unwrap_or_default()
    };
    let mut l = output::Listing::new(headers);
    for r in &runs {
        let i = &r.info;
        let mut row = vec![
            i.run_id.clone(),
            i.experiment_id.clone(),
            i.run_name.clone(),
            i.status.to_string(),
            i.artifact_uri.clone(),
            time(i.start_time),
            i.end_time.map(time).unwrap_or_default(),
        ];
        row.extend(metrics.iter().map(|k| {
            r.metrics
                .get(k)
                .map(|p| output::value(p.value))
                .unwrap_or_default()
        }));
        row.extend(
            params
                .iter()
                .map(|k| r.params.get(k).cloned().unwrap_or_default()),
        );
        row.extend(
            tags.iter()
                .map(|k| r.tags.get(k).cloned().unwrap_or_default()),
        );
        l.row(row);
    }
    let text = l.to_csv();
    match args.dest.as_deref() {
        None => output::print(&text)?,
        Some(p) if p == std::path::Path::new("-") => output::print(&text)?,
        Some(p) => {
            crate::store::fs::write_atomic(p, text.as_bytes())?;
            Printer::current().status(format_args!("Wrote {} runs to {}", runs.len(), p.display()));
        }
    }
    Ok(())
}
