//! Showing a transfer on the terminal: the progress bar on stderr for long transfers (drawn
//! only when stderr is a terminal, and only once the work has gone on for a moment, so short
//! commands and pipes never see it; each stage, experiments, runs, models, files, with its own
//! count and noun: `[###---] 49/300 runs, 1 MiB`), and [`show_transfer`], which runs an import
//! or merge use case and renders what it tells and returns.

use super::error::CmdResult;
use super::printer::Printer;
use crate::bundle::import::{self, Event, Source, TransferRequest};
use crate::bundle::report::{self, Message};
use crate::output::{self, Format};
use crate::store::Store;
use crate::store::transfer::{Progress, Stage};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const DELAY: Duration = Duration::from_millis(300);
const EVERY: Duration = Duration::from_millis(100);
const WIDTH: usize = 30;

pub struct Bar {
    on: bool,
    start: Instant,
    last: Option<Instant>,
    stage: Option<Stage>,
}

impl Bar {
    /// A bar; hidden when stderr is not a terminal or `shown` is false. Made by
    /// [`Printer::bar`].
    pub(super) fn new(shown: bool) -> Bar {
        Bar {
            on: shown && std::io::stderr().is_terminal(),
            start: Instant::now(),
            last: None,
            stage: None,
        }
    }

    pub fn update(&mut self, p: Progress) {
        if !self.on || self.start.elapsed() < DELAY {
            return;
        }
        let new_stage = self.stage != Some(p.stage);
        self.stage = Some(p.stage);
        if !new_stage && self.last.is_some_and(|t| t.elapsed() < EVERY) && p.done < p.total {
            return;
        }
        self.last = Some(Instant::now());
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{}", line(&p));
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

/// Takes `source` into `target` as `req` says: warnings and conflicts on stderr as they come,
/// the bar while it writes, then what was done (or would be, for a dry run) on stderr, and the
/// report on stdout in `format`.
pub fn show_transfer(
    printer: Printer,
    target: &Store,
    source: &Source,
    req: TransferRequest,
    format: Format,
) -> CmdResult {
    let mut bar = printer.bar();
    let outcome = import::transfer(target, source, req, &mut |e| match e {
        Event::Warning(w) => printer.warn(format_args!("{w}")),
        Event::Conflict(c, settled) => printer.status(format_args!(
            "conflict: {}",
            report::conflict_line(c, settled)
        )),
        Event::Progress(p) => bar.update(p),
    });
    bar.finish();
    let o = outcome?;
    let manifest = o.manifest.as_ref();
    if o.dry_run {
        let line = report::dry_run_line(o.units, o.report.conflicts.len());
        printer.status(format_args!("{line}"));
    } else {
        for m in report::closing(&o.report, manifest) {
            match m {
                Message::Info(s) => printer.status(format_args!("{s}")),
                Message::Warning(s) => printer.warn(format_args!("{s}")),
            }
        }
    }
    output::print(&output::render(
        format,
        || report::listing(&o.report, manifest, o.dry_run),
        || report::to_json(&o.report, manifest, o.dry_run),
    ))?;
    Ok(())
}

/// `[#####-----] 49/300 runs, 1.2 MiB`.
fn line(p: &Progress) -> String {
    let filled = if p.total == 0 {
        WIDTH
    } else {
        (p.done as usize * WIDTH / p.total as usize).min(WIDTH)
    };
    format!(
        "[{}{}] {}/{} {}, {}",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        p.done,
        p.total,
        p.stage.noun(),
        crate::output::bytes(p.bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_the_stage_with_its_noun() {
        let p = Progress {
            stage: Stage::Runs,
            done: 150,
            total: 300,
            bytes: 2048,
        };
        assert_eq!(
            line(&p),
            format!(
                "[{}{}] 150/300 runs, 2.0 KiB",
                "#".repeat(15),
                "-".repeat(15)
            )
        );
        let files = Progress {
            stage: Stage::Files,
            done: 3,
            total: 3,
            bytes: 0,
        };
        assert!(
            line(&files).ends_with("] 3/3 files, 0 B"),
            "{}",
            line(&files)
        );
    }
}
