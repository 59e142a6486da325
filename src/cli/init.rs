use crate::cli::kit::{CmdResult, Ctx, Printer};
use crate::output;
use crate::store::{Origin, Store};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to create the store in (default: --store, else MLT_STORE, else a local
    /// MLFLOW_TRACKING_URI, else the working directory)
    pub dir: Option<PathBuf>,
    /// Flush every write to disk in this store from now on (file, then folder, around each
    /// rename and append): slower, but a power loss cannot bring a file back empty. Kept in
    /// .mlt/durable on this machine; MLT_DURABLE=1 or 0 overrides it.
    #[arg(long, conflicts_with = "no_durable")]
    pub durable: bool,
    /// Turn the durable mode off again
    #[arg(long)]
    pub no_durable: bool,
}

/// Creates a store and prints its path. On an existing store it only puts back the empty
/// folders that git drops (safe to run in a clone, and in CI after a checkout). Without a
/// folder it creates the store every other command would use, except that a store in a folder
/// above does not stop it making one in the working directory.
pub fn run(ctx: &Ctx, args: Args) -> CmdResult {
    let cwd = std::env::current_dir()?;
    let store = match args.dir {
        Some(d) => Store::new(crate::store::locate(Some(&d), None, None, &cwd).root),
        None => match ctx.located.origin {
            Origin::Flag | Origin::MltStore | Origin::TrackingUri => ctx.located.store(),
            Origin::Ancestor | Origin::WorkingDir => Store::new(cwd),
        },
    };
    if store.init()? {
        Printer::current().status(format_args!(
            "Created a store at {}",
            store.root().display()
        ));
    } else {
        Printer::current().status(format_args!(
            "{} is already a store",
            store.root().display()
        ));
    }
    // A store cloned from git lacks the empty folders git does not keep (a run's params/ and
    // artifacts/...), without which MLflow cannot find the run: put them back.
    let restored = store.restore_folders()?;
    if !restored.is_empty() {
        Printer::current().status(format_args!(
            "Restored {} empty folders (git does not keep empty folders)",
            restored.len()
        ));
    }
    if args.durable || args.no_durable {
        store.set_durable(args.durable)?;
        let mode = if args.durable { "on" } else { "off" };
        Printer::current().status(format_args!("Durable writes are {mode} for this store"));
    }
    output::print(&format!("{}\n", store.root().display()))?;
    Ok(())
}
