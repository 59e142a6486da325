//! The watchdog: a small second mlt process (`mlt __watch`) that ends the wrapped command when
//! `mlt run` itself dies without ending it (`kill -9`, the OOM killer, a crash).
//!
//! `mlt run` starts it just before the command, in a process group of its own (so a signal
//! meant for mlt's group does not reach it), with a control pipe (its stdin) whose other end
//! only `mlt run` holds, and a second copy of the read ends of the command's output pipes (its
//! stdout and stderr). It writes nothing and reads only the control pipe, until that ends:
//!
//! - `process PID` or `group PID`: what to stop, sent as soon as the command is spawned (a
//!   group when the command has one of its own).
//! - `done`: `mlt run` finished its work; the watchdog exits at once.
//! - `reaped`: the command itself has exited and been waited for; its pid may be reused, so
//!   the watchdog forgets it, unless it is a process group's id (a group's id is not reused
//!   while the group has members: what the command left running).
//! - the pipe ends without `done`: `mlt run` is gone. The command gets SIGTERM (its whole
//!   group, when it has one), and SIGKILL when it still runs after the grace period. Meanwhile
//!   the watchdog drains the output pipes, so a command that writes is stopped by that SIGTERM
//!   rather than killed by SIGPIPE at its next line (what it prints after mlt died is lost).
//!
//! This needs no `unsafe` (no `pre_exec`), works for the command's whole process group, and
//! uses the same SIGTERM-then-SIGKILL rule as an interrupt of a living `mlt run`.

use rustix::process::{Pid, Signal};
use std::io::{BufRead, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The hidden first argument that makes mlt a watchdog.
pub const ARG: &str = "__watch";

/// `mlt run`'s side: the watchdog process and the control pipe to it.
pub struct Watchdog {
    child: Child,
    control: Option<ChildStdin>,
}

/// What the watchdog stops: the command alone, or its process group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Process(u32),
    Group(u32),
}

impl Watchdog {
    /// Starts the watchdog of a command about to be spawned; `out` and `err` are the read ends
    /// of the command's output pipes (the watchdog keeps copies). It is started first, so that
    /// the command is watched from the moment it exists. When it cannot be started, the
    /// caller says so and the command runs unwatched.
    pub fn start(grace: Duration, out: &impl AsFd, err: &impl AsFd) -> std::io::Result<Watchdog> {
        Self::spawn(grace, out, err)
    }

    fn spawn(grace: Duration, out: &impl AsFd, err: &impl AsFd) -> std::io::Result<Watchdog> {
        let out: OwnedFd = out.as_fd().try_clone_to_owned()?;
        let err: OwnedFd = err.as_fd().try_clone_to_owned()?;
        let mut c = Command::new(own_exe());
        std::os::unix::process::CommandExt::arg0(&mut c, "mlt");
        std::os::unix::process::CommandExt::process_group(&mut c, 0);
        c.arg(ARG)
            .arg(format!("{}", grace.as_secs_f64()))
            .stdin(Stdio::piped())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err));
        let mut child = c.spawn()?;
        // The copies of the pipes are closed here, with the Command: only the watchdog holds
        // them now.
        drop(c);
        let control = child.stdin.take();
        Ok(Watchdog { child, control })
    }

    /// Tells the watchdog what to stop, right after the command was spawned.
    pub fn watch(&mut self, target: Target) {
        match target {
            Target::Process(p) => self.say(&format!("process {p}")),
            Target::Group(p) => self.say(&format!("group {p}")),
        }
    }

    /// Tells the watchdog the command has been waited for.
    pub fn reaped(&mut self) {
        self.say("reaped");
    }

    /// Tells the watchdog to leave. It is not waited for: it reads `done` from the pipe even
    /// after mlt has exited, and mlt does not wait for it to finish starting up.
    pub fn done(mut self) {
        self.say("done");
        self.control = None;
        let _ = self.child.try_wait();
    }

    fn say(&mut self, word: &str) {
        if let Some(c) = &mut self.control
            && writeln!(c, "{word}").and_then(|_| c.flush()).is_err()
        {
            // The watchdog is gone (someone killed it): nothing to tell.
            self.control = None;
        }
    }
}

/// This program, for re-running it as the watchdog: `/proc/self/exe` where there is one (it
/// works even when the binary was replaced or deleted since mlt started).
fn own_exe() -> std::path::PathBuf {
    let proc = std::path::PathBuf::from("/proc/self/exe");
    if proc.exists() {
        return proc;
    }
    std::env::current_exe().unwrap_or_else(|_| "mlt".into())
}

/// When mlt was started as a watchdog (`mlt __watch GRACE`), runs it and returns its exit
/// code; `None` for any other command line.
pub fn main_if_asked() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    if args.next().is_none_or(|a| a != ARG) {
        return None;
    }
    let grace: Option<Duration> = match (args.next(), args.next()) {
        (Some(g), None) => g
            .to_str()
            .and_then(|g| g.parse::<f64>().ok())
            // Too long to represent (mlt run accepts up to Duration::MAX): no deadline.
            .map(|g| Duration::try_from_secs_f64(g).unwrap_or(Duration::MAX)),
        _ => None,
    };
    // A watchdog writes nothing: its stdout and stderr are the command's output pipes.
    let Some(grace) = grace else {
        return Some(ExitCode::from(2));
    };
    if let Some(target) = left_behind(std::io::stdin().lock()) {
        drain(std::io::stdout().as_fd());
        drain(std::io::stderr().as_fd());
        stop(target, grace);
    }
    Some(ExitCode::SUCCESS)
}

/// Reads the control pipe to its end: what is left to stop when it ended without `done`.
fn left_behind(control: impl BufRead) -> Option<Target> {
    let mut target = None;
    for line in control.lines() {
        let Ok(line) = line else { break };
        let mut words = line.split_whitespace();
        let pid = |w: Option<&str>| {
            w.and_then(|w| w.parse::<u32>().ok())
                .filter(|&p| p > 0 && i32::try_from(p).is_ok())
        };
        match words.next() {
            Some("done") => return None,
            Some("process") => target = pid(words.next()).map(Target::Process),
            Some("group") => target = pid(words.next()).map(Target::Group),
            Some("reaped") => {
                if let Some(Target::Process(_)) = target {
                    target = None;
                }
            }
            _ => {}
        }
    }
    // `mlt run` is gone without saying it was done.
    target
}

/// Reads a pipe to its end in a thread, throwing the bytes away.
fn drain(fd: std::os::fd::BorrowedFd<'_>) {
    let Ok(fd) = fd.try_clone_to_owned() else {
        return;
    };
    std::thread::spawn(move || {
        let mut f = std::fs::File::from(fd);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match f.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
    });
}

/// SIGTERM, then SIGKILL after the grace period if it still runs.
fn stop(target: Target, grace: Duration) {
    let send = |sig: Signal| match target {
        Target::Process(p) => Pid::from_raw(p as i32)
            .map(|pid| rustix::process::kill_process(pid, sig).is_ok())
            .unwrap_or(false),
        Target::Group(p) => Pid::from_raw(p as i32)
            .map(|pid| rustix::process::kill_process_group(pid, sig).is_ok())
            .unwrap_or(false),
    };
    if !send(Signal::TERM) {
        return;
    }
    let deadline = Instant::now().checked_add(grace);
    while deadline.is_none_or(|d| Instant::now() < d) {
        std::thread::sleep(Duration::from_millis(20));
        if !running(target) {
            return;
        }
    }
    send(Signal::KILL);
}

/// Whether anything of the target is still running. A zombie is not: it has ended, and may
/// never be reaped where the init process does not reap orphans (some containers).
fn running(target: Target) -> bool {
    let Some(pid) = (match target {
        Target::Process(p) | Target::Group(p) => Pid::from_raw(p as i32),
    }) else {
        return false;
    };
    let exists = match target {
        Target::Process(_) => rustix::process::test_kill_process(pid).is_ok(),
        Target::Group(_) => rustix::process::test_kill_process_group(pid).is_ok(),
    };
    if !exists {
        return false;
    }
    // With /proc, look closer: the kernel counts zombies in.
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return true;
    };
    match target {
        Target::Process(p) => proc_stat(p).is_none_or(|(state, _)| live(&state)),
        Target::Group(g) => procs
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter_map(proc_stat)
            .any(|(state, group)| group == g && live(&state)),
    }
}

fn live(state: &str) -> bool {
    state != "Z" && state != "X"
}

/// The state and process group of a process, from `/proc/<pid>/stat` (after the command
/// name, which is in parentheses and may hold anything: state, ppid, pgrp).
fn proc_stat(pid: u32) -> Option<(String, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
    let state = fields.next()?.to_string();
    let group = fields.nth(1)?.parse().ok()?;
    Some((state, group))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;

    #[test]
    fn done_leaves_the_target_alone_and_an_ended_pipe_stops_it() {
        let p = Target::Process(7);
        let g = Target::Group(7);
        assert_eq!(left_behind(&b"process 7\ndone\n"[..]), None);
        assert_eq!(left_behind(&b"group 7\nreaped\ndone\n"[..]), None);
        assert_eq!(left_behind(&b"process 7\n"[..]), Some(p));
        // mlt died before the command was spawned: nothing to stop.
        assert_eq!(left_behind(&b""[..]), None);
        assert_eq!(left_behind(&b"group x\n"[..]), None);
        // A reaped process is forgotten: its pid could be another's by now. A group's id
        // stays its own while the group has members.
        assert_eq!(left_behind(&b"process 7\nreaped\n"[..]), None);
        assert_eq!(left_behind(&b"group 7\nreaped\n"[..]), Some(g));

        let mut child = Command::new("sleep").arg("30").spawn().unwrap();
        let pid = child.id();
        assert!(running(Target::Process(pid)));
        let started = Instant::now();
        stop(Target::Process(pid), Duration::from_secs(5));
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(15));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_group_is_running_while_a_member_is() {
        let mut leader = Command::new("sh")
            .args(["-c", "sleep 30 & wait"])
            .process_group(0)
            .spawn()
            .unwrap();
        let g = Target::Group(leader.id());
        std::thread::sleep(Duration::from_millis(100));
        assert!(running(g));
        // The leader ends first and stays a zombie (not reaped yet): the sleep still runs.
        rustix::process::kill_process(Pid::from_child(&leader), Signal::KILL).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert!(running(g));
        assert!(!running(Target::Process(leader.id())));
        let started = Instant::now();
        stop(g, Duration::from_secs(5));
        assert!(!running(g));
        assert!(started.elapsed() < Duration::from_secs(5));
        leader.wait().unwrap();
    }

    #[test]
    fn a_target_that_ignores_sigterm_is_killed_after_the_grace() {
        let mut child = Command::new("sh")
            .args(["-c", "trap '' TERM; while :; do sleep 0.05; done"])
            .spawn()
            .unwrap();
        let pid = child.id();
        std::thread::sleep(Duration::from_millis(100));
        let started = Instant::now();
        stop(Target::Process(pid), Duration::from_millis(300));
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9));
        assert!(started.elapsed() >= Duration::from_millis(300));
    }
}
