//! `mlt server --port 0` over a test's store, for the commands that talk to a tracking server
//! (`mlt push`, `mlt pull`); stopped when dropped.

use crate::harness::TestEnv;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Server {
    child: Child,
    /// `host:port`.
    pub addr: String,
    pub url: String,
}

impl Server {
    /// Serves `env`'s store, with `extra` options (`--auth FILE`, ...).
    pub fn start(env: &TestEnv, extra: &[&str]) -> Server {
        let mut cmd = env.std_cmd();
        cmd.args(["server", "--port", "0"]).args(extra);
        Server::spawn(cmd, "mlt server")
    }

    /// Runs `cmd` (`mlt server` or `mlt ui` on port 0) until it says where it listens.
    pub fn spawn(mut cmd: Command, what: &str) -> Server {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("Listening on http://").nth(1) {
                    let _ = tx.send(rest.trim().to_string());
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("{what} printed where it listens"));
        Server {
            child,
            url: format!("http://{addr}"),
            addr,
        }
    }
}

impl Drop for Server {
    /// Stopped as a user stops it (SIGTERM), then waited for.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// A store with an experiment "churn" and two runs: a finished parent with params, a history
/// with NaN and -inf and an artifact, and a running child nested under it.
pub fn churn_store() -> (TestEnv, String, String) {
    let src = TestEnv::init();
    src.experiment("churn");
    let parent = src.start("churn", "parent");
    src.ok(&["log", "params", "lr=0.1", "layers=3", "--run", &parent]);
    for (step, v) in [(0, "0.5"), (1, "nan"), (2, "-inf")] {
        src.ok(&[
            "log",
            "metric",
            "loss",
            v,
            "--step",
            &step.to_string(),
            "--timestamp",
            &(1_700_000_000_000i64 + step).to_string(),
            "--run",
            &parent,
        ]);
    }
    std::fs::write(src.path("notes.txt"), "first model\n").unwrap();
    src.ok(&["artifacts", "log", "notes.txt", "--run", &parent]);
    src.ok(&["runs", "end", &parent]);
    let child = src.start("churn", "child");
    src.ok(&["log", "tag", "mlflow.parentRunId", &parent, "--run", &child]);
    (src, parent, child)
}

/// A loopback address where nothing listens.
pub fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", l.local_addr().unwrap())
}

/// A push or pull's `--format json` summary.
pub fn summary(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}
