use super::{CmdResult, Ctx};
use crate::output;
use crate::store::{Origin, Store};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to create the store in (default: --store, else MLT_STORE, else a local
    /// MLFLOW_TRACKING_URI, else the working directory)
    pub dir: Option<PathBuf>,
}

/// Creates a store and prints its path. Running it on an existing store changes nothing.
/// Without a folder it creates the store every other command would use, except that a store
/// in a folder above does not stop it making one in the working directory.
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
        eprintln!("Created a store at {}", store.root().display());
    } else {
        eprintln!("{} is already a store", store.root().display());
    }
    output::print(&format!("{}\n", store.root().display()))?;
    Ok(())
}
