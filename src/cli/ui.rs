//! `mlt ui`: the same server as `mlt server` (the web UI at `/`, MLflow's REST API beside it),
//! on loopback by default, and the browser opened on it.

use crate::cli::kit::{CmdResult, Ctx, Printer, serve};
use crate::server::{Config, LogLevel};
use std::process::{Command, Stdio};
use std::sync::Arc;

#[derive(clap::Args, Debug)]
#[command(after_long_help = "\
The browser: $BROWSER when set, else xdg-open or open when found on PATH; with none (a \
server without a desktop) the URL is printed to open by hand. Only failed requests are \
logged (`mlt server --log-level info` logs every one).

Examples:
  mlt ui                                  # http://127.0.0.1:5000 in the browser
  mlt ui --port 0 --no-open               # any free port, printed at start
  mlt --store ~/exp ui --port 8080")]
pub struct Args {
    /// Interface to listen on. Anything but loopback is reachable from other machines
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0: any free port, printed at start)
    #[arg(long, short, default_value_t = 5000)]
    pub port: u16,
    /// Do not open a browser; just print the URL
    #[arg(long)]
    pub no_open: bool,
}

/// Serves the store with the UI until SIGTERM or Ctrl-C, opening the browser once listening.
pub fn run(ctx: &Ctx, args: Args) -> CmdResult {
    let printer = Printer::current();
    let store = ctx.existing_store()?;
    let mut config = Config::new(args.host.clone(), args.port);
    config.log_level = LogLevel::Warn;
    config.log = Arc::new(move |line| printer.log(line));
    serve::serve(store, config, |url| {
        if args.no_open {
            return;
        }
        let url = format!("{url}/");
        if !open_browser(&url) {
            printer.status(format_args!("No browser found: open {url} in one"));
        }
    })
}

/// Starts the user's browser on `url` without waiting for it: `$BROWSER` (a command, the URL
/// appended), else `xdg-open` or `open` when on PATH. Whether one was started.
fn open_browser(url: &str) -> bool {
    let from_env = crate::env::var(crate::env::BROWSER)
        .and_then(|b| {
            b.split(':')
                .map(str::trim)
                .find(|s| !s.is_empty())
                .map(String::from)
        })
        .and_then(|b| shell_words(&b));
    let candidates = from_env.into_iter().chain(
        ["xdg-open", "open"]
            .into_iter()
            .filter(|p| on_path(p))
            .map(|p| vec![p.to_string()]),
    );
    for cmd in candidates {
        let (prog, rest) = cmd.split_first().expect("non-empty");
        let started = Command::new(prog)
            .args(rest)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        if let Ok(mut child) = started {
            // Reaped when it exits, so no zombie stays while the server runs.
            std::thread::spawn(move || child.wait());
            return true;
        }
    }
    false
}

/// A command split on whitespace; `None` when empty.
fn shell_words(s: &str) -> Option<Vec<String>> {
    let words: Vec<String> = s.split_whitespace().map(String::from).collect();
    (!words.is_empty()).then_some(words)
}

/// Whether an executable of this name is in one of $PATH's folders.
fn on_path(name: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            std::fs::metadata(dir.join(name))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}
