//! The command line: clap types, one file per subcommand group, and the one place where
//! errors become messages and exit codes (0 ok, 1 failure, 2 usage).

mod artifacts;
mod compare;
mod completions;
mod experiments;
mod export;
mod import;
mod init;
mod log;
mod metrics;
mod models;
mod package;
mod progress;
mod run;
mod runs;
mod store_cmd;

use crate::env;
use crate::store::{self, Located, Store};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Track experiments, runs, metrics and artifacts in MLflow's file-store format, from the shell.
#[derive(Parser, Debug)]
// `--version` is mlt's own only (`mlt --version`): propagated to every subcommand it would
// take `mlt models set-description m d --version 3` for a request to print mlt's version.
#[command(name = "mlt", version, max_term_width = 100)]
#[command(
    after_help = "The store is found by: --store, $MLT_STORE, $MLFLOW_TRACKING_URI (file: \
URIs and paths), the nearest folder above holding mlruns/, else the working directory."
)]
pub struct Cli {
    /// The store: a folder holding mlruns/ (or the mlruns/ folder itself)
    #[arg(long, global = true, value_name = "DIR")]
    pub store: Option<PathBuf>,

    /// Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep
    /// every digit)
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=17))]
    pub precision: Option<u8>,

    /// Show times in UTC instead of local time
    #[arg(long, global = true)]
    pub utc: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a store (mlruns/ with the Default experiment)
    Init(init::Args),
    /// Create, list, rename, delete and tag experiments
    #[command(subcommand, visible_alias = "exp")]
    Experiments(experiments::Cmd),
    /// Start, end, list and show runs
    #[command(subcommand)]
    Runs(runs::Cmd),
    /// Run a command in a new run: params, output, metrics, outcome and code recorded
    Run(run::Args),
    /// Log params, metrics and tags to a run
    #[command(subcommand)]
    Log(log::Cmd),
    /// Print, plot and export metric histories
    #[command(subcommand)]
    Metrics(metrics::Cmd),
    /// Register, log and inspect models; manage versions, aliases, stages and tags
    #[command(subcommand)]
    Models(models::Cmd),
    /// Log, list, download and print run artifacts
    #[command(subcommand)]
    Artifacts(artifacts::Cmd),
    /// Export experiments, runs or registered models (default: the whole store) to a bundle:
    /// a folder or a .tar.gz with a manifest of SHA-256 checksums
    Export(export::Args),
    /// Import a bundle, another store or an MLflow mlruns/ folder: runs keep their ids,
    /// experiments are matched by name, and everything is verified first
    Import(import::Args),
    /// Merge another store into this one; check, repair and garbage-collect a store
    #[command(subcommand)]
    Store(store_cmd::Cmd),
    /// Print a shell completion script
    Completions(completions::Args),
}

/// A failure with its exit code and an optional hint.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub hint: Option<String>,
    pub code: u8,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            hint: None,
            code: 2,
        }
    }

    pub fn failure(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            hint: None,
            code: 1,
        }
    }

    /// Exits with `code` and no message (the wrapped command's own exit code).
    pub fn exit(code: u8) -> CliError {
        CliError {
            message: String::new(),
            hint: None,
            code,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }
}

impl From<store::Error> for CliError {
    fn from(e: store::Error) -> CliError {
        CliError::failure(e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        CliError::failure(e.to_string())
    }
}

pub type CmdResult = Result<(), CliError>;

/// A refused bundle says that nothing was changed.
pub fn bundle_error(e: crate::bundle::Error) -> CliError {
    match e {
        crate::bundle::Error::Rejected(_) => {
            CliError::failure(e.to_string()).hint("nothing was imported; the store is unchanged")
        }
        crate::bundle::Error::Store(e) => e.into(),
    }
}

/// What every command gets: where the store is.
pub struct Ctx {
    pub located: Located,
}

impl Ctx {
    /// The store, with warnings printed to stderr.
    pub fn store(&self) -> Store {
        self.located
            .store()
            .on_warning(|m| eprintln!("warning: {m}"))
    }

    /// A store that must already exist.
    pub fn existing_store(&self) -> Result<Store, CliError> {
        let s = self.store();
        s.require()?;
        Ok(s)
    }

    /// A store that is created on first write, as MLflow creates its root.
    pub fn writable_store(&self) -> Result<Store, CliError> {
        let s = self.store();
        if s.init()? {
            eprintln!("Created a store at {}", s.root().display());
        }
        Ok(s)
    }
}

/// The target run: `--run`, else `MLT_RUN_ID`, else `MLFLOW_RUN_ID`.
pub fn run_id(flag: Option<&str>) -> Result<String, CliError> {
    flag.map(str::to_string)
        .or_else(|| env::var(env::MLT_RUN_ID))
        .or_else(|| env::var(env::MLFLOW_RUN_ID))
        .ok_or_else(|| {
            CliError::usage("no run given")
                .hint("pass --run ID or set MLT_RUN_ID (or MLFLOW_RUN_ID)")
        })
}

/// The run a spec names: a run id, a `runs:/` URI, or a registered version's `models:/` URI
/// (the run that produced it), so `runs compare models:/m@champion models:/m@staging` works.
pub fn find_run(store: &Store, spec: &str) -> Result<store::RunHandle, CliError> {
    if spec.starts_with("models:/") {
        let v = store.resolve_version(&store::ModelUri::parse(spec)?)?;
        let Some(run) = v.run_id else {
            return Err(CliError::failure(format!(
                "{spec} (version {} of '{}') was not made by a run, so it has no tracking data",
                v.version, v.name
            )));
        };
        return Ok(store.find_run(&run)?);
    }
    Ok(store.find_run(&store::RunRef::parse(spec)?.run_id)?)
}

/// A filter or order-by error: what is wrong, at which column, with a caret under it.
pub fn bad_expression(what: &str, text: &str, e: &crate::search::ParseError) -> CliError {
    CliError::usage(format!(
        "invalid {what} at column {}: {}",
        e.column, e.message
    ))
    .hint(pointer(text, e.column))
}

/// `text` with a caret under the 1-based `column`; a long text is cut to the part around the
/// column so the hint stays a readable line.
fn pointer(text: &str, column: usize) -> String {
    const SIDE: usize = 40;
    let chars: Vec<char> = text.chars().collect();
    let at = column.saturating_sub(1);
    let start = at.saturating_sub(SIDE);
    let end = (at + SIDE).min(chars.len());
    let mut shown: String = chars[start.min(end)..end].iter().collect();
    let mut caret = at - start;
    if start > 0 {
        shown.insert_str(0, "...");
        caret += 3;
    }
    if end < chars.len() {
        shown.push_str("...");
    }
    format!("\n  {shown}\n  {}^", " ".repeat(caret))
}

/// A count that must be at least 1 (`--max-results`): MLflow refuses 0 too ("It must be a
/// positive integer"), and a search that may return nothing always says "no run matches".
pub fn positive(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// Parses `key=value`.
pub fn parse_key_value(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected KEY=VALUE, got '{s}'"))
}

fn dispatch(cli: Cli) -> CmdResult {
    crate::output::configure(crate::output::Settings::new(
        cli.precision.map(usize::from),
        cli.utc,
    ));
    let cwd = std::env::current_dir()?;
    let ctx = Ctx {
        located: store::locate(
            cli.store.as_deref(),
            env::var(env::MLT_STORE).as_deref(),
            env::var(env::MLFLOW_TRACKING_URI).as_deref(),
            &cwd,
        ),
    };
    match cli.command {
        Command::Init(a) => init::run(&ctx, a),
        Command::Experiments(c) => experiments::run(&ctx, c),
        Command::Runs(c) => runs::run(&ctx, c),
        Command::Run(a) => run::run(&ctx, a),
        Command::Log(c) => log::run(&ctx, c),
        Command::Metrics(c) => metrics::run(&ctx, c),
        Command::Models(c) => models::run(&ctx, c),
        Command::Artifacts(c) => artifacts::run(&ctx, c),
        Command::Export(a) => export::run(&ctx, a),
        Command::Import(a) => import::run(&ctx, a),
        Command::Store(c) => store_cmd::run(&ctx, c),
        Command::Completions(a) => completions::run(a),
    }
}

/// Parses the command line, runs it and turns the outcome into an exit code.
pub fn main() -> ExitCode {
    // `mlt run`'s watchdog is mlt run again with a hidden first argument (no subcommand, so
    // it stays out of help and completions).
    if let Some(code) = crate::wrap::watch::main_if_asked() {
        return code;
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.message.is_empty() => ExitCode::from(e.code),
        Err(e) => {
            eprintln!("error: {}", e.message);
            match e.hint {
                // A hint that starts on its own line is a picture (a caret under a column).
                Some(h) if h.starts_with('\n') => eprintln!("{}", &h[1..]),
                Some(h) => eprintln!("hint: {h}"),
                None => {}
            }
            ExitCode::from(e.code)
        }
    }
}
