//! `mlt server`: MLflow's REST API over the store (see `crate::server`).

use crate::cli::kit::{CliError, CmdResult, Ctx, Printer};
use crate::server::{self, Config, LogLevel};
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Interface to listen on. Anything but loopback is reachable from other machines
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0: any free port, printed at start)
    #[arg(long, short, default_value_t = 5000)]
    pub port: u16,
    /// Refuse every write (403): serve the store for reading only
    #[arg(long)]
    pub read_only: bool,
    /// Which requests get a line on stderr: error (none), warn (failed ones), info (all),
    /// debug (all, with the error message of failed ones)
    #[arg(long, value_enum, default_value_t = Level::Info)]
    pub log_level: Level,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
}

impl From<Level> for LogLevel {
    fn from(l: Level) -> LogLevel {
        match l {
            Level::Error => LogLevel::Error,
            Level::Warn => LogLevel::Warn,
            Level::Info => LogLevel::Info,
            Level::Debug => LogLevel::Debug,
        }
    }
}

/// Serves the store until SIGTERM or Ctrl-C; requests in flight finish first.
pub fn run(ctx: &Ctx, args: Args) -> CmdResult {
    let store = ctx.writable_store()?;
    let printer = Printer::current();
    let mut config = Config::new(args.host.clone(), args.port);
    config.read_only = args.read_only;
    config.log_level = args.log_level.into();
    config.log = Arc::new(move |line| printer.log(line));
    let users_configured = config.users.is_some();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let bound = server::bind(store, config).await.map_err(|e| {
            CliError::failure(format!("cannot listen on {}:{}: {e}", args.host, args.port))
        })?;
        let addr = bound.addr()?;
        if !server::is_loopback(&args.host) && !users_configured && !args.read_only {
            printer.warn(format_args!(
                "serving on {} without authentication: anyone who can reach it can change the store",
                args.host
            ));
        }
        printer.status(format_args!("Listening on http://{addr}"));
        bound.serve(server::shutdown_signal()).await?;
        printer.status("Stopped");
        Ok(())
    })
}
