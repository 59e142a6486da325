use super::{CmdResult, Ctx};
use crate::output;
use crate::store::Store;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to create the store in (default: --store, else the working directory)
    pub dir: Option<PathBuf>,
}

/// Creates a store and prints its path. On an existing store it only puts back the empty
/// folders that git drops (safe to run in a clone, and in CI after a checkout).
pub fn run(ctx: &Ctx, args: Args, store_flag: bool) -> CmdResult {
    let cwd = std::env::current_dir()?;
    let store = match (args.dir, store_flag) {
        (Some(d), _) => Store::new(crate::store::locate(Some(&d), None, None, &cwd).root),
        (None, true) => ctx.located.store(),
        (None, false) => Store::new(cwd),
    };
    if store.init()? {
        eprintln!("Created a store at {}", store.root().display());
    } else {
        eprintln!("{} is already a store", store.root().display());
    }
    // A store cloned from git lacks the empty folders git does not keep (a run's params/ and
    // artifacts/...), without which MLflow cannot find the run: put them back.
    let restored = store.restore_folders()?;
    if !restored.is_empty() {
        eprintln!(
            "Restored {} empty folders (git does not keep empty folders)",
            restored.len()
        );
    }
    output::print(&format!("{}\n", store.root().display()))?;
    Ok(())
}
