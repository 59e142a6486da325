use super::{CliError, CmdResult, Ctx, run_id};
use crate::output::{self, Cell, Format, Listing, json};
use crate::store::{RunHandle, RunRef, Store};
use clap::Subcommand;
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Copy a file or a folder's contents into a run's artifacts
    Log {
        /// File or folder
        local: PathBuf,
        /// Folder inside the artifacts to put it in
        #[arg(long, value_name = "SUBDIR")]
        path: Option<String>,
        /// Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]
        #[arg(long)]
        run: Option<String>,
    },
    /// List artifacts recursively, with sizes
    #[command(visible_alias = "ls")]
    List {
        /// Run id or runs:/<run_id>/<path> [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]
        run: Option<String>,
        /// Only under this artifact path
        #[arg(long)]
        path: Option<String>,
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Copy artifacts to a local folder and print where they landed
    Download {
        /// Run id, runs:/<run_id>/<path>, or a models:/ URI
        /// [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]
        run: Option<String>,
        /// Only this artifact path (default: all)
        #[arg(long)]
        path: Option<String>,
        /// Destination folder
        #[arg(long, short, default_value = ".")]
        dest: PathBuf,
    },
    /// Print one artifact file to stdout
    Cat {
        /// runs:/<run_id>/<path>, or a run id followed by the path
        target: String,
        /// Artifact path when TARGET is a run id
        path: Option<String>,
    },
}

/// The run and artifact path named by a positional run (id or runs:/ URI) and `--path`.
fn resolve(
    store: &Store,
    run: Option<&str>,
    path: Option<String>,
) -> Result<(RunHandle, Option<String>), CliError> {
    let r = RunRef::parse(&run_id(run)?)?;
    let path = match (r.path, path) {
        (Some(a), Some(b)) => Some(format!("{a}/{b}")),
        (a, b) => a.or(b),
    };
    Ok((store.find_run(&r.run_id)?, path))
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> CmdResult {
    match cmd {
        Cmd::Log { local, path, run } => {
            let store = ctx.existing_store()?;
            let h = store.active_run(&RunRef::parse(&run_id(run.as_deref())?)?.run_id)?;
            let written = store.log_artifacts(&h, &local, path.as_deref())?;
            eprintln!(
                "Logged {} file{} to run {}",
                written.len(),
                if written.len() == 1 { "" } else { "s" },
                h.info.run_id
            );
        }
        Cmd::List { run, path, format } => {
            let store = ctx.existing_store()?;
            let (h, path) = resolve(&store, run.as_deref(), path)?;
            let entries = store.list_artifacts(&h, path.as_deref())?;
            let root = store.artifact_dir(&h)?;
            let text = output::render(
                format,
                || {
                    let mut l = Listing::new(["path", "size"]);
                    for e in &entries {
                        let p = if e.is_dir {
                            format!("{}/", e.path)
                        } else {
                            e.path.clone()
                        };
                        l.row([
                            Cell::from(p),
                            Cell::Id(e.size.map(output::bytes).unwrap_or_default()),
                        ]);
                    }
                    l
                },
                || {
                    serde_json::json!({
                        "root_uri": root.display().to_string(),
                        "files": entries.iter().map(json::file_info).collect::<Vec<_>>(),
                    })
                },
            );
            output::print(&text)?;
        }
        Cmd::Download { run, path, dest } => {
            let store = ctx.existing_store()?;
            if let Some(uri) = run.as_deref().filter(|r| r.starts_with("models:/")) {
                let dest = std::env::current_dir()?.join(dest);
                let out = store.download_model(uri, path.as_deref(), &dest)?;
                output::print(&format!("{}\n", out.display()))?;
                return Ok(());
            }
            let (h, path) = resolve(&store, run.as_deref(), path)?;
            let dest = std::env::current_dir()?.join(dest);
            let out = store.download_artifacts(&h, path.as_deref(), &dest)?;
            output::print(&format!("{}\n", out.display()))?;
        }
        Cmd::Cat { target, path } => {
            let store = ctx.existing_store()?;
            let (h, path) = resolve(&store, Some(&target), path)?;
            let Some(path) = path else {
                return Err(CliError::usage("no artifact path given")
                    .hint("mlt artifacts cat runs:/<run_id>/<path>, or RUN PATH"));
            };
            let file = store.artifact_path(&h, Some(&path))?;
            if file.is_dir() {
                return Err(CliError::failure(format!(
                    "'{path}' is a folder, not a file"
                )));
            }
            let mut f = std::fs::File::open(&file)
                .map_err(|e| CliError::failure(format!("{}: {e}", file.display())))?;
            let mut out = std::io::stdout().lock();
            match std::io::copy(&mut f, &mut out).and_then(|_| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
                _ => {}
            }
        }
    }
    Ok(())
}
