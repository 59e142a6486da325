//! A progress bar on stderr for long transfers: drawn only when stderr is a terminal, and only
//! once the work has gone on for a moment, so short commands and pipes never see it.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const DELAY: Duration = Duration::from_millis(300);
const EVERY: Duration = Duration::from_millis(100);
const WIDTH: usize = 30;

pub struct Bar {
    on: bool,
    what: &'static str,
    start: Instant,
    last: Option<Instant>,
}

impl Bar {
    /// A bar counting `what` (e.g. "runs"); hidden when stderr is not a terminal or `shown`
    /// is false. Made by [`super::Printer::bar`].
    pub(super) fn new(what: &'static str, shown: bool) -> Bar {
        Bar {
            on: shown && std::io::stderr().is_terminal(),
            what,
            start: Instant::now(),
            last: None,
        }
    }

    pub fn update(&mut self, done: u64, total: u64, bytes: u64) {
        if !self.on || self.start.elapsed() < DELAY {
            return;
        }
        if self.last.is_some_and(|t| t.elapsed() < EVERY) && done < total {
            return;
        }
        self.last = Some(Instant::now());
        let filled = if total == 0 {
            WIDTH
        } else {
            (done as usize * WIDTH / total as usize).min(WIDTH)
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K[{}{}] {done}/{total} {}, {}",
            "#".repeat(filled),
            "-".repeat(WIDTH - filled),
            self.what,
            crate::output::bytes(bytes)
        );
        let _ = err.flush();
    }

    /// Clears the bar's line.
    pub fn finish(&mut self) {
        if self.last.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}
