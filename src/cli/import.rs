//! `mlt import`: a bundle (folder or `.tar.gz`, verified first), another store (a copied
//! store, an MLflow `mlruns/` folder) or an MLflow SQLite database into this store. The use
//! case is [`crate::bundle::import`]; this parses, opens the target and renders.

use crate::bundle::import::{self, OpenOptions, Source, TransferRequest};
use crate::cli::kit::{CmdResult, Ctx, Printer, show_transfer};
use crate::output::Format;
use crate::store::OnConflict;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A bundle (folder or .tar.gz), a store or MLflow mlruns/ folder, or an MLflow SQLite
    /// database (mlflow.db)
    pub source: PathBuf,
    /// With an mlflow.db: the folder holding its runs' artifacts as <experiment id>/<run
    /// id>/artifacts, when they are not where MLflow recorded them [default: mlruns/ beside
    /// the database, else mlartifacts/]
    #[arg(long, value_name = "DIR")]
    pub artifact_root: Option<PathBuf>,
    /// What to do with a run or model version that is here with different content
    #[arg(long, value_enum, default_value_t)]
    pub on_conflict: OnConflict,
    /// Show what would be written (the report's table); write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The report's format
    #[arg(long, short, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(ctx: &Ctx, args: Args) -> CmdResult {
    // Everything is verified before the store is touched (or created).
    let view = ctx.store();
    let open = OpenOptions {
        artifact_root: args.artifact_root.as_deref(),
        target: &view,
        dry_run: args.dry_run,
    };
    let source = import::open(
        &args.source,
        &open,
        Arc::new(|m| Printer::current().warn(format_args!("{m}"))),
    )?;
    if let Source::Database { notes, .. } = &source {
        for n in notes {
            Printer::current().status(format_args!("note: {n}"));
        }
    }
    let target = if args.dry_run {
        view
    } else {
        ctx.writable_store()?
    };
    let req = TransferRequest {
        on_conflict: args.on_conflict,
        artifacts: true,
        dry_run: args.dry_run,
    };
    show_transfer(ctx.printer(), &target, &source, req, args.format)
}
