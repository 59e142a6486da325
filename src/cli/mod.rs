//! The command line: wiring only. Each command parses its arguments, calls a use case of the
//! library (`crate::app`, `crate::store`, ...) and renders the result. A command is a file
//! (`init.rs`) or a folder for a family (`runs/`, `models/`); commands never import each
//! other, only the toolkit in `kit/` (errors and hints, the store and run a command names, the
//! printer). This file turns the outcome into an exit code (0 ok, 1 failure, 2 usage).

#[cfg(test)]
mod architecture_tests;
mod artifacts;
mod completions;
mod examples;
mod experiments;
mod export;
#[cfg(test)]
mod help_tests;
mod import;
mod init;
pub mod kit;
mod log;
mod metrics;
mod models;
mod report;
mod run;
mod runs;
mod server;
mod store_cmd;
mod sync;
mod ui;

use crate::env;
use crate::store;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use kit::{CmdResult, Ctx, Printer};
use std::path::PathBuf;
use std::process::ExitCode;

/// Track experiments, runs, metrics and artifacts in MLflow's file-store format, from the shell.
#[derive(Parser, Debug)]
// `--version` is mlt's own only (`mlt --version`): propagated to every subcommand it would
// take `mlt models set-description m d --version 3` for a request to print mlt's version.
#[command(name = "mlt", version, max_term_width = 100)]
#[command(
    after_help = "The store is found by: --store, $MLT_STORE, $MLFLOW_TRACKING_URI (file: \
URIs and paths; a server's URI is not a file store and is passed over with a warning), the \
nearest folder above holding mlruns/, else the working directory."
)]
pub struct Cli {
    /// The store: a folder holding mlruns/ (or the mlruns/ folder itself)
    #[arg(long, global = true, value_name = "DIR")]
    pub store: Option<PathBuf>,

    /// Print no status messages or progress (warnings and errors are still shown)
    #[arg(long, short, global = true)]
    pub quiet: bool,

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
    /// Serve MLflow's REST API over the store, so MLflow's own client logs into it
    Server(server::Args),
    /// Browse the store's runs in a web browser: the web UI on loopback, the browser opened
    Ui(ui::Args),
    /// Write one self-contained HTML report (runs table, metric charts, differences) of some
    /// runs, for a CI job to attach
    Report(report::Args),
    /// Send experiments, runs and models to an MLflow tracking server (MLflow's own, with
    /// PostgreSQL and S3, or `mlt server`): only what changed, nothing twice
    Push(sync::PushArgs),
    /// Fetch experiments, runs and models from an MLflow tracking server into this store,
    /// keeping the server's run ids
    Pull(sync::PullArgs),
    /// Print a shell completion script
    Completions(completions::Args),
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
        )
        .with_registry_uri(env::var(env::MLFLOW_REGISTRY_URI).as_deref(), &cwd),
    };
    if let Some(uri) = &ctx.located.ignored_uri
        && !matches!(
            cli.command,
            Command::Completions(_) | Command::Push(_) | Command::Pull(_)
        )
    {
        // A server is where `mlt push` and `mlt pull` go: said, for who meant that.
        let server = uri.starts_with("http://") || uri.starts_with("https://");
        ctx.printer().warn(format_args!(
            "{}={uri} is not a file store (mlt works on file stores only): using the store at \
             {}{}",
            env::MLFLOW_TRACKING_URI,
            ctx.located.root.display(),
            if server {
                " (`mlt push` and `mlt pull` send runs to that server and fetch them)"
            } else {
                ""
            }
        ));
    }
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
        Command::Server(a) => server::run(&ctx, a),
        Command::Ui(a) => ui::run(&ctx, a),
        Command::Report(a) => report::run(&ctx, a),
        Command::Push(a) => sync::push(&ctx, a),
        Command::Pull(a) => sync::pull(&ctx, a),
        Command::Completions(a) => completions::run(a),
    }
}

/// The whole command line, as parsed and as completions and the man page describe it: enum
/// values are taken in any case (`--status failed`, `--format JSON`).
pub fn command() -> clap::Command {
    completions::with_store_candidates(examples::add(any_case(Cli::command())))
}

/// Enum values in any case, on every command.
fn any_case(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|a| {
        if a.get_action().takes_values() && a.get_value_parser().possible_values().is_some() {
            a.ignore_case(true)
        } else {
            a
        }
    })
    .mut_subcommands(any_case)
}

/// The command line as [`command`] gives it, for parsing `args`: what only long help shows
/// (the examples) is added only when help is asked for, and what only dynamic completion uses
/// (the store's candidates; completion builds [`command`] itself) is left out. Parsing,
/// errors and short help are the same; a call that logs a point builds less on every start.
fn command_for(args: &[std::ffi::OsString]) -> clap::Command {
    let cmd = any_case(Cli::command());
    // `--help` anywhere, or the `help` subcommand (`mlt help runs`, `mlt runs help search`);
    // a value that happens to be "help" only costs the examples being built.
    let help = args.iter().skip(1).any(|a| a == "--help" || a == "help");
    if help { examples::add(cmd) } else { cmd }
}

/// Parses the command line, runs it and turns the outcome into an exit code.
pub fn main() -> ExitCode {
    // `mlt run`'s watchdog is mlt run again with a hidden first argument (no subcommand, so
    // it stays out of help and completions).
    if let Some(code) = crate::wrap::watch::main_if_asked() {
        return code;
    }
    // `COMPLETE=bash mlt ...`: the shell asks for candidates (dynamic completion).
    clap_complete::CompleteEnv::with_factory(command).complete();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut cmd = command_for(&args);
    let parsed = cmd
        .try_get_matches_from_mut(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    // The whole command tree is a few thousand allocations: freeing them one by one at every
    // start is time spent for nothing, the process ends soon and the memory goes with it.
    std::mem::forget(cmd);
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let printer = if cli.quiet {
        Printer::Quiet
    } else {
        Printer::Default
    }
    .install();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.message.is_empty() => ExitCode::from(e.code),
        Err(e) => {
            printer.error(&e);
            ExitCode::from(e.code)
        }
    }
}

#[cfg(test)]
mod start_up_tests {
    use super::*;

    fn words(line: &str) -> Vec<std::ffi::OsString> {
        line.split(' ').map(Into::into).collect()
    }

    fn long_help(line: &str) -> String {
        let args = words(line);
        let e = command_for(&args).try_get_matches_from(args).unwrap_err();
        e.render().to_string()
    }

    #[test]
    fn examples_are_built_when_help_is_asked_for_and_parsing_is_the_same_without() {
        for line in ["mlt --help", "mlt runs search --help", "mlt help log batch"] {
            let full = command().try_get_matches_from(words(line)).unwrap_err();
            assert_eq!(long_help(line), full.render().to_string(), "{line}");
        }
        assert!(long_help("mlt runs search --help").contains("Examples:"));
        assert!(long_help("mlt help runs search").contains("Examples:"));
        assert!(long_help("mlt runs help search").contains("Examples:"));
        assert!(
            !command_for(&words("mlt runs search"))
                .find_subcommand("runs")
                .and_then(|r| r.find_subcommand("search"))
                .and_then(|s| s.get_after_long_help())
                .is_some_and(|h| h.to_string().contains("Examples:"))
        );
        for line in [
            "mlt runs search --format JSON --view ALL",
            "mlt runs list --status failed",
            "mlt --version",
            "mlt runs search --format nope",
        ] {
            let a = command()
                .try_get_matches_from(words(line))
                .map_err(|e| e.kind());
            let b = command_for(&words(line))
                .try_get_matches_from(words(line))
                .map_err(|e| e.kind());
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{line}");
        }
    }
}
