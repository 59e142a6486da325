//! `mlt artifacts`: log, list, download and print a run's artifacts.

use crate::cli::kit::{CliError, CmdResult, Ctx, RunArg};
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
        #[command(flatten)]
        run: RunArg,
        /// Only under this artifact path
        #[arg(long)]
        path: Option<String>,
        /// Output format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Copy artifacts to a local folder and print where they landed
    Download {
        #[command(flatten)]
        run: RunArg,
        /// Only this artifact path (default: all)
        #[arg(long)]
        path: Option<String>,
        /// Destination folder
        #[arg(long, short, default_value = ".")]
        dest: PathBuf,
    },
    /// Print one artifact file to stdout
    #[command(override_usage = "mlt artifacts cat runs:/<RUN>/<PATH>\n       \
mlt artifacts cat RUN PATH\n       mlt artifacts cat PATH [--run RUN]")]
    Cat {
        /// The run then the path, or a runs:/<run>/<path> URI, or only the path (with --run
        /// or $MLT_RUN_ID)
        #[arg(value_name = "RUN|PATH", required = true, num_args = 1..=2)]
        args: Vec<String>,
        /// The run, when only the path is given
        #[arg(long, value_name = "RUN")]
        run: Option<String>,
    },
}

/// The run and artifact path named by a run (id, prefix, name or runs:/ URI) and `--path`.
fn resolve(
    ctx: &Ctx,
    store: &Store,
    run: Option<&str>,
    path: Option<String>,
) -> Result<(RunHandle, Option<String>), CliError> {
    let spec = ctx.run_spec(run)?;
    let (h, uri_path) = if spec.starts_with("runs:/") {
        let r = RunRef::parse(&spec)?;
        (store.find_run(&r.run_id)?, r.path)
    } else {
        (ctx.find_run(store, &spec)?, None)
    };
    let path = match (uri_path, path) {
        (Some(a), Some(b)) => Some(format!("{a}/{b}")),
        (a, b) => a.or(b),
    };
    Ok((h, path))
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> CmdResult {
    match cmd {
        Cmd::Log { local, path, run } => {
            let store = ctx.existing_store()?;
            let h = store.active_run(&ctx.run_id(&store, run.as_deref())?)?;
            let written = store.log_artifacts(&h, &local, path.as_deref())?;
            ctx.printer().status(format_args!(
                "Logged {} file{} to run {}",
                written.len(),
                if written.len() == 1 { "" } else { "s" },
                h.info.run_id
            ));
        }
        Cmd::List { run, path, format } => {
            let store = ctx.existing_store()?;
            let (h, path) = resolve(ctx, &store, run.given(), path)?;
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
            if let Some(uri) = run.given().filter(|r| r.starts_with("models:/")) {
                let dest = std::env::current_dir()?.join(dest);
                let out = store.download_model(uri, path.as_deref(), &dest)?;
                output::print(&format!("{}\n", out.display()))?;
                return Ok(());
            }
            let (h, path) = resolve(ctx, &store, run.given(), path)?;
            let dest = std::env::current_dir()?.join(dest);
            let out = store.download_artifacts(&h, path.as_deref(), &dest)?;
            output::print(&format!("{}\n", out.display()))?;
        }
        Cmd::Cat { mut args, run } => {
            let store = ctx.existing_store()?;
            let one_uri = args.len() == 1 && args[0].starts_with("runs:/");
            let (run, path) = match (run, args.len()) {
                (Some(_), 2) => {
                    return Err(CliError::usage(
                        "give the run once: RUN PATH, or PATH with --run RUN",
                    ));
                }
                (Some(r), _) => (Some(r), args.pop()),
                (None, 2) => {
                    let path = args.pop();
                    (args.pop(), path)
                }
                (None, _) if one_uri => (args.pop(), None),
                (None, _) => (None, args.pop()),
            };
            let (h, path) = resolve(ctx, &store, run.as_deref(), path)?;
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
