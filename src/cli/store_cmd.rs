//! `mlt store`: operations on whole stores.

use super::import::{OnConflictArg, transfer};
use super::{CliError, CmdResult, Ctx};
use crate::output::Format;
use crate::store::{self, Store, TransferOptions};
use clap::Subcommand;
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
        on_conflict: OnConflictArg,
        /// Check and report what would happen; write nothing
        #[arg(long)]
        dry_run: bool,
        /// Leave artifacts out (and do not compare them)
        #[arg(long)]
        no_artifacts: bool,
        /// The report's format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
}

/// Refuses to take a store into itself.
pub fn refuse_same(target: &Store, source: &Store) -> Result<(), CliError> {
    let canon = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    if canon(target.tracking()).is_some() && canon(target.tracking()) == canon(source.tracking()) {
        return Err(CliError::usage(format!(
            "{} is this store; merge another one",
            source.root().display()
        )));
    }
    Ok(())
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
            let cwd = std::env::current_dir()?;
            let source = store::locate(Some(&other), None, None, &cwd)
                .store()
                .on_warning(|m| eprintln!("warning: {m}"));
            if !source.tracking().is_dir() {
                return Err(CliError::failure(format!(
                    "no store at {} (no mlruns/ folder)",
                    other.display()
                )));
            }
            let target = if dry_run {
                ctx.existing_store()?
            } else {
                ctx.writable_store()?
            };
            refuse_same(&target, &source)?;
            let opts = TransferOptions {
                on_conflict: on_conflict.into(),
                artifacts: !no_artifacts,
                own_source: false,
            };
            transfer(&target, &source, opts, dry_run, format, None, "other store")
        }
    }
}
