//! `mlt export`: experiments, runs, registered models or the whole store, to a bundle (a
//! folder or a `.tar.gz` with a manifest of checksums).

use super::progress::Bar;
use super::{CliError, CmdResult, Ctx};
use crate::bundle::{self, ExportRequest};
use crate::model::View;
use crate::output;
use crate::store::{RunRef, Selection, Store};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to write: a new folder, or a file whose name ends in .tar.gz
    pub dest: PathBuf,
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
fn selection(store: &Store, args: &Args) -> Result<(Selection, bundle::SelectionRecord), CliError> {
    let mut sel = Selection::default();
    let mut exp_ids = Vec::new();
    for e in &args.experiment {
        exp_ids.push(store.experiment(e)?.experiment_id);
    }
    if let Some(filter) = &args.filter {
        let found = super::runs::select_runs(
            store,
            Some(filter),
            &[],
            &args.experiment,
            args.view,
            usize::MAX,
            false,
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
    let (sel, described) = selection(&store, &args)?;
    let mut bar = Bar::new("runs");
    let exported = bundle::export(
        &store,
        &ExportRequest {
            dest: &args.dest,
            selection: &sel,
            described,
            artifacts: !args.no_artifacts,
        },
        &mut |done, total, bytes| bar.update(done, total, bytes),
    );
    bar.finish();
    let exported = exported.map_err(super::bundle_error)?;
    for w in &exported.warnings {
        eprintln!("warning: {w}");
    }
    let c = &exported.manifest.counts;
    eprintln!(
        "Exported {} to {} ({} files, {})",
        super::import::summary(c),
        args.dest.display(),
        exported.manifest.total_files,
        output::bytes(exported.manifest.total_bytes)
    );
    output::print(&format!("{}\n", args.dest.display()))?;
    Ok(())
}
