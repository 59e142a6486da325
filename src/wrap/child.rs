//! Running a wrapped command: its output passed through live and copied as it comes (to a file
//! and to a line reader), in constant memory; SIGINT, SIGTERM and SIGHUP passed on to it, with
//! a grace period before SIGKILL.
//!
//! Process groups: when our stdin is a terminal, the command stays in our process group, so it
//! can read the terminal and gets Ctrl-C from the terminal itself; mlt then passes on only the
//! signals another process sent to mlt (so Ctrl-C is not delivered twice). Otherwise (scripts,
//! CI, tests) the command gets a process group of its own, and every signal mlt receives is
//! sent to that whole group, so the command's own children stop too. This is the trade-off of
//! `timeout --foreground`, chosen by whether there is a terminal to share.
//!
//! Should mlt itself die while the command runs (`kill -9`), the watchdog (`watch`) ends the
//! command, or its whole group, by the same SIGTERM-then-SIGKILL rule.

use super::parse::Lines;
use super::watch::{Target, Watchdog};
use rustix::process::{Pid, Signal};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::SignalsInfo;
use signal_hook::iterator::exfiltrator::WithOrigin;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

enum Event {
    Signal { signal: i32, from_process: bool },
    Exited(std::io::Result<ExitStatus>),
    StreamDone,
}

/// The signals mlt catches while it wraps a command. Installed before the run is created, so
/// an interrupt at any moment is seen.
pub struct Interrupts {
    tx: Sender<Event>,
    rx: Receiver<Event>,
    handle: signal_hook::iterator::Handle,
}

impl Interrupts {
    pub fn install() -> std::io::Result<Interrupts> {
        let mut signals = SignalsInfo::<WithOrigin>::new([SIGINT, SIGTERM, SIGHUP])?;
        let handle = signals.handle();
        let (tx, rx) = channel();
        let sender = tx.clone();
        std::thread::spawn(move || {
            for origin in signals.forever() {
                let event = Event::Signal {
                    signal: origin.signal,
                    from_process: origin.process.is_some(),
                };
                if sender.send(event).is_err() {
                    break;
                }
            }
        });
        Ok(Interrupts { tx, rx, handle })
    }

    /// A signal that arrived before the command started, if any.
    pub fn pending(&self) -> Option<i32> {
        let mut found = None;
        while let Ok(ev) = self.rx.try_recv() {
            if let Event::Signal { signal, .. } = ev {
                found.get_or_insert(signal);
            }
        }
        found
    }
}

impl Drop for Interrupts {
    fn drop(&mut self) {
        self.handle.close();
    }
}

/// A reader of output lines, called in the stream's own thread.
pub type LineReader = Box<dyn FnMut(&str) + Send>;

/// Where one output stream of the command goes besides our own stream.
pub struct Tee {
    /// The artifact file the stream is saved to.
    pub file: Option<std::fs::File>,
    /// Called with each complete line (for metrics), in the stream's thread.
    pub lines: Option<LineReader>,
}

/// How the command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    Exited(i32),
    Signaled(i32),
}

/// The outcome of a wrapped command.
#[derive(Debug)]
pub struct Finished {
    pub ended: Ended,
    /// The first signal mlt received while the command ran.
    pub interrupted: Option<i32>,
    /// The command was still running after the grace period (or a second signal) and was
    /// killed.
    pub force_killed: bool,
    /// Errors writing the saved output (the command ran on regardless).
    pub save_errors: Vec<String>,
}

impl Finished {
    /// The exit code a shell would give: the command's own, or 128 + the signal. A command
    /// that was interrupted and still exited 0 gives 128 + the interrupting signal, as it did
    /// not finish its work.
    pub fn exit_code(&self) -> u8 {
        let code = match (self.ended, self.interrupted) {
            (Ended::Exited(0), Some(sig)) | (Ended::Signaled(_), Some(sig)) => 128 + sig,
            (Ended::Exited(c), _) => c,
            (Ended::Signaled(s), None) => 128 + s,
        };
        u8::try_from(code.clamp(0, 255)).unwrap_or(1)
    }
}

/// A signal's name, for messages.
pub fn signal_name(sig: i32) -> String {
    signal_hook::low_level::signal_name(sig)
        .map(str::to_string)
        .unwrap_or_else(|| format!("signal {sig}"))
}

/// Checks that a program can be started, before anything is recorded: a name with a `/` must
/// be an executable file (from `cwd`), a bare name must be found on `PATH`.
pub fn check_program(program: &str, cwd: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| {
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.contains('/') {
        let p = cwd.join(program);
        return if !p.exists() {
            Err(format!("{program}: no such file"))
        } else if executable(&p) {
            Ok(())
        } else {
            Err(format!("{program}: not an executable file"))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    if std::env::split_paths(&path).any(|d| executable(&d.join(program))) {
        Ok(())
    } else {
        Err(format!("{program}: command not found"))
    }
}

/// What to run and how.
pub struct Spec {
    pub command: Command,
    pub grace: Duration,
    /// Told what the wrapper does while the command runs (the caller prints it).
    pub notify: Box<dyn Fn(Notice)>,
}

/// What the wrapper has to tell the user while the command runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// The command did not stop within the grace period: it is killed.
    GraceOver { grace: Duration },
    /// The command has exited, but something it started still holds its output: that is
    /// killed (`killed`, when it is in the command's own group) or waited for.
    LeftRunning { killed: bool, signal: i32 },
    /// A signal came: it was passed on, and the command has the grace period to stop.
    Stopping { signal: i32, grace: Duration },
    /// A second signal: the command is killed.
    Killing,
    /// The watchdog could not be started, so the command runs unwatched.
    Unwatched { error: String },
}

impl Notice {
    /// A warning rather than news of what is being done.
    pub fn is_warning(&self) -> bool {
        matches!(self, Notice::Unwatched { .. })
    }
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::GraceOver { grace } => write!(
                f,
                "mlt: the command did not stop within {} s; killing it",
                grace.as_secs_f64()
            ),
            Notice::LeftRunning { killed: true, .. } => f.write_str(
                "mlt: the command has exited; stopping what it left running, which holds its \
                 output",
            ),
            Notice::LeftRunning {
                killed: false,
                signal,
            } => write!(
                f,
                "mlt: the command has exited, but something it started still holds its output \
                 ({} again to stop waiting)",
                signal_name(*signal)
            ),
            Notice::Stopping { signal, grace } => write!(
                f,
                "mlt: got {}; waiting up to {} s for the command to stop (again to kill it)",
                signal_name(*signal),
                grace.as_secs_f64()
            ),
            Notice::Killing => f.write_str("mlt: killing the command"),
            Notice::Unwatched { error } => write!(
                f,
                "cannot start the watchdog ({error}): if mlt is killed, the command will go on \
                 running"
            ),
        }
    }
}

/// Runs the command with stdin inherited and stdout/stderr piped through threads that copy
/// them to our stdout/stderr and to the tees. Returns when the command has exited and its
/// output has been read to the end (or when a signal arrives after the command exited while
/// something it started still holds the output open).
pub fn run(
    mut spec: Spec,
    interrupts: &Interrupts,
    out: Tee,
    err: Tee,
) -> std::io::Result<Finished> {
    use std::io::IsTerminal;
    let own_group = !std::io::stdin().is_terminal();
    if own_group {
        std::os::unix::process::CommandExt::process_group(&mut spec.command, 0);
    }
    let (child_out, out_end) = std::io::pipe()?;
    let (child_err, err_end) = std::io::pipe()?;
    // Should mlt die without ending the command (kill -9), the watchdog ends it. It is started
    // first, so the command is never unwatched.
    let mut watchdog = match Watchdog::start(spec.grace, &child_out, &child_err) {
        Ok(w) => Some(w),
        Err(e) => {
            (spec.notify)(Notice::Unwatched {
                error: e.to_string(),
            });
            None
        }
    };
    let spawned = spec
        .command
        .stdin(Stdio::inherit())
        .stdout(out_end)
        .stderr(err_end)
        .spawn();
    // Our copies of the write ends go with the Command, so the output ends when the
    // command's does.
    drop(spec.command);
    let mut child = spawned?;
    if let Some(w) = &mut watchdog {
        w.watch(if own_group {
            Target::Group(child.id())
        } else {
            Target::Process(child.id())
        });
    }
    let pid = Pid::from_child(&child);
    let send = |sig: Signal| {
        let _ = if own_group {
            rustix::process::kill_process_group(pid, sig)
        } else {
            rustix::process::kill_process(pid, sig)
        };
    };
    let readers = [
        spawn_pump(
            child_out,
            Box::new(std::io::stdout()),
            out,
            interrupts.tx.clone(),
        ),
        spawn_pump(
            child_err,
            Box::new(std::io::stderr()),
            err,
            interrupts.tx.clone(),
        ),
    ];
    let tx = interrupts.tx.clone();
    std::thread::spawn(move || {
        let _ = tx.send(Event::Exited(child.wait()));
    });

    let mut status: Option<ExitStatus> = None;
    let mut streams_done = 0;
    let mut interrupted = None;
    let mut force_killed = false;
    let mut deadline: Option<Instant> = None;
    let mut detached = false;
    let mut late_signal = false;
    while status.is_none() || streams_done < readers.len() {
        let event = match deadline {
            Some(d) => match interrupts
                .rx
                .recv_timeout(d.saturating_duration_since(Instant::now()))
            {
                Ok(ev) => ev,
                Err(RecvTimeoutError::Timeout) => {
                    (spec.notify)(Notice::GraceOver { grace: spec.grace });
                    send(Signal::KILL);
                    force_killed = true;
                    deadline = None;
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            },
            None => match interrupts.rx.recv() {
                Ok(ev) => ev,
                Err(_) => break,
            },
        };
        match event {
            Event::Exited(st) => {
                if let Some(w) = &mut watchdog {
                    w.reaped();
                }
                status = Some(st?);
                deadline = None;
            }
            Event::StreamDone => streams_done += 1,
            Event::Signal {
                signal,
                from_process,
            } => {
                if status.is_some() {
                    // The command has ended, but something it started still holds its output
                    // open: stop that (in its own group), and stop waiting at a second signal.
                    // The command's own outcome stands.
                    if late_signal {
                        detached = true;
                        break;
                    }
                    late_signal = true;
                    (spec.notify)(Notice::LeftRunning {
                        killed: own_group,
                        signal,
                    });
                    if own_group {
                        send(Signal::KILL);
                    }
                } else if interrupted.is_none() {
                    interrupted = Some(signal);
                    if own_group || from_process {
                        send(to_signal(signal));
                    }
                    (spec.notify)(Notice::Stopping {
                        signal,
                        grace: spec.grace,
                    });
                    // A grace too long to represent is no deadline at all.
                    deadline = Instant::now().checked_add(spec.grace);
                } else {
                    (spec.notify)(Notice::Killing);
                    send(Signal::KILL);
                    force_killed = true;
                    deadline = None;
                }
            }
        }
    }
    if let Some(w) = watchdog {
        w.done();
    }
    let mut save_errors = Vec::new();
    if !detached {
        for r in readers {
            match r.join() {
                Ok(Some(e)) => save_errors.push(e),
                Ok(None) => {}
                Err(_) => save_errors.push("an output thread panicked".into()),
            }
        }
    }
    let status = status.ok_or_else(|| std::io::Error::other("lost track of the command"))?;
    let ended = {
        use std::os::unix::process::ExitStatusExt;
        match (status.code(), status.signal()) {
            (Some(c), _) => Ended::Exited(c),
            (None, Some(s)) => Ended::Signaled(s),
            (None, None) => Ended::Exited(1),
        }
    };
    Ok(Finished {
        ended,
        interrupted,
        force_killed,
        save_errors,
    })
}

fn to_signal(sig: i32) -> Signal {
    match sig {
        SIGINT => Signal::INT,
        SIGHUP => Signal::HUP,
        _ => Signal::TERM,
    }
}

/// Copies one stream in 64 KiB chunks: to our own stream (flushed, so progress bars show), to
/// the file, and through a line splitter to the line reader. Returns the first error writing
/// the file; the copy to our stream and the reading go on regardless.
fn spawn_pump(
    mut pipe: impl Read + Send + 'static,
    mut ours: Box<dyn Write + Send>,
    mut tee: Tee,
    tx: Sender<Event>,
) -> std::thread::JoinHandle<Option<String>> {
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        let mut lines = Lines::new();
        let mut pass = true;
        let mut error = None;
        loop {
            let n = match pipe.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            let chunk = &buf[..n];
            // Our stdout may be closed (`mlt run ... | head`): keep saving and reading.
            if pass && ours.write_all(chunk).and_then(|_| ours.flush()).is_err() {
                pass = false;
            }
            if let Some(f) = &mut tee.file
                && let Err(e) = f.write_all(chunk)
            {
                error = Some(e.to_string());
                tee.file = None;
            }
            if let Some(f) = &mut tee.lines {
                lines.feed(chunk, |l| f(l));
            }
        }
        if let Some(f) = &mut tee.lines {
            lines.finish(|l| f(l));
        }
        if let Some(f) = tee.file.take()
            && let Err(e) = f.sync_all()
        {
            error.get_or_insert(e.to_string());
        }
        let _ = tx.send(Event::StreamDone);
        error
    })
}

/// The host name (`/proc/sys/kernel/hostname`, else `/etc/hostname`, else `$HOSTNAME`).
pub fn host_name() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| {
            std::fs::read_to_string(p)
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .or_else(|| crate::env::var("HOSTNAME"))
}

/// The shell MLflow uses for `.sh` entry points: `$SHELL`, else bash.
pub fn user_shell() -> String {
    crate::env::var("SHELL").unwrap_or_else(|| "bash".to_string())
}

/// `bash`, which runs MLproject commands as in MLflow (`bash -c COMMAND`); `sh` where there is
/// no bash.
pub fn project_shell() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    if std::env::split_paths(&path).any(|d| d.join("bash").is_file()) {
        PathBuf::from("bash")
    } else {
        PathBuf::from("sh")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_shell() {
        let f = |ended, interrupted| Finished {
            ended,
            interrupted,
            force_killed: false,
            save_errors: vec![],
        };
        assert_eq!(f(Ended::Exited(0), None).exit_code(), 0);
        assert_eq!(f(Ended::Exited(3), None).exit_code(), 3);
        assert_eq!(f(Ended::Signaled(9), None).exit_code(), 137);
        assert_eq!(f(Ended::Exited(0), Some(SIGINT)).exit_code(), 130);
        assert_eq!(f(Ended::Exited(5), Some(SIGTERM)).exit_code(), 5);
        assert_eq!(f(Ended::Signaled(9), Some(SIGTERM)).exit_code(), 143);
    }

    #[test]
    fn programs_are_checked_before_they_run() {
        let here = Path::new("/");
        assert_eq!(check_program("sh", here), Ok(()));
        assert_eq!(
            check_program("no-such-program-mlt", here),
            Err("no-such-program-mlt: command not found".into())
        );
        assert_eq!(
            check_program("./nope", here),
            Err("./nope: no such file".into())
        );
        assert_eq!(
            check_program("etc/passwd", here).unwrap_err(),
            "etc/passwd: not an executable file"
        );
        assert_eq!(signal_name(SIGTERM), "SIGTERM");
    }
}
