//! Who a process is, in a form that outlives it: host, pid, the process's start time and the
//! boot it started in. `mlt run` records its own on the run it wraps (the `mlt.wrapper` tag), so
//! that `mlt store check` can tell a RUNNING run whose wrapper is gone from one still running,
//! even after the pid was reused.

use serde::{Deserialize, Serialize};

/// The run tag where `mlt run` records the wrapper process.
pub const WRAPPER_TAG: &str = "mlt.wrapper";

/// One process, identified so that a reused pid is not mistaken for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub host: String,
    pub pid: u32,
    /// Start time in clock ticks since boot (field 22 of `/proc/<pid>/stat`); 0 when unknown.
    pub start: u64,
    /// `/proc/sys/kernel/random/boot_id`; empty when unknown.
    pub boot: String,
}

/// What can be said of a recorded owner from this machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// The same process is still running here.
    Alive,
    /// It ran on this host and is gone (no such pid, another process under its pid, or the
    /// machine rebooted since).
    Gone,
    /// It ran on another host: nothing can be said from here.
    Elsewhere,
}

impl Owner {
    /// This process.
    pub fn current() -> Owner {
        let pid = std::process::id();
        Owner {
            host: hostname(),
            pid,
            start: start_ticks(pid).unwrap_or(0),
            boot: boot_id(),
        }
    }

    /// The tag value (compact JSON).
    pub fn to_tag(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a tag value; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Owner> {
        serde_json::from_str(text).ok()
    }

    /// Whether the process is still running, judged on this machine.
    pub fn state(&self) -> State {
        if self.host != hostname() {
            return State::Elsewhere;
        }
        if !self.boot.is_empty() && !boot_id().is_empty() && self.boot != boot_id() {
            return State::Gone;
        }
        match start_ticks(self.pid) {
            None => State::Gone,
            Some(t) if self.start != 0 && t != self.start => State::Gone,
            Some(_) => State::Alive,
        }
    }
}

/// The machine's host name.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

fn boot_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// Field 22 of `/proc/<pid>/stat` (the start time), read after the command name, which is in
/// parentheses and may itself hold spaces and parentheses. `None` when there is no such
/// process (or it is a zombie, which is as good as gone).
fn start_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    // After the name: state (field 3) ... starttime (field 22).
    let state = fields.next()?;
    if state == "Z" || state == "X" {
        return None;
    }
    fields.nth(22 - 4)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_dead_one_is_gone() {
        let me = Owner::current();
        assert!(me.pid > 0 && me.start > 0 && !me.host.is_empty());
        assert_eq!(Owner::parse(&me.to_tag()), Some(me.clone()));
        assert_eq!(me.state(), State::Alive);

        // Same pid, another start time: the pid was reused.
        let reused = Owner {
            start: me.start + 1,
            ..me.clone()
        };
        assert_eq!(reused.state(), State::Gone);

        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        let dead = Owner { pid, ..me.clone() };
        assert_eq!(dead.state(), State::Gone);

        let other_boot = Owner {
            boot: "another-boot".into(),
            ..me.clone()
        };
        assert_eq!(other_boot.state(), State::Gone);

        let elsewhere = Owner {
            host: format!("{}-other", me.host),
            ..me
        };
        assert_eq!(elsewhere.state(), State::Elsewhere);
        assert_eq!(Owner::parse("not json"), None);
    }
}
