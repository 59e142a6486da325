//! The one place that writes to stderr: status messages ("Created ...", "Deleted ..."),
//! warnings, errors with their hints, and progress bars. stdout carries results only and is
//! written by `output`.
//!
//! `--quiet` silences status messages and progress; warnings and errors are always shown.

use super::error::CliError;
use super::progress::Bar;
use std::fmt::Display;
use std::io::Write;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Printer {
    #[default]
    Default,
    Quiet,
}

static CURRENT: std::sync::OnceLock<Printer> = std::sync::OnceLock::new();

impl Printer {
    /// Sets the process's printer, once, from the command line.
    pub fn install(self) -> Printer {
        *CURRENT.get_or_init(|| self)
    }

    /// The process's printer (the default until [`Printer::install`]): for code that has no
    /// [`super::Ctx`] at hand.
    pub fn current() -> Printer {
        CURRENT.get().copied().unwrap_or_default()
    }

    /// A message about what was done.
    pub fn status(self, msg: impl Display) {
        if self == Printer::Default {
            line(format_args!("{msg}"));
        }
    }

    /// A warning: something was skipped or looks wrong, and the command goes on.
    pub fn warn(self, msg: impl Display) {
        line(format_args!("warning: {msg}"));
    }

    /// The failure a command ended with, with its hint. A hint that starts on its own line is
    /// a picture (a caret under a column), shown as it is.
    pub fn error(self, e: &CliError) {
        line(format_args!("error: {}", e.message));
        match &e.hint {
            Some(h) if h.starts_with('\n') => line(format_args!("{}", &h[1..])),
            Some(h) => line(format_args!("hint: {h}")),
            None => {}
        }
    }

    /// A line of a long-running command's log (`mlt server`'s requests), shown even with
    /// --quiet: the command's own settings choose which lines there are.
    pub fn log(self, msg: impl Display) {
        line(format_args!("{msg}"));
    }

    /// A progress bar: drawn only on a terminal, and never with --quiet.
    pub fn bar(self) -> Bar {
        Bar::new(self == Printer::Default)
    }
}

fn line(args: std::fmt::Arguments) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{args}");
}
