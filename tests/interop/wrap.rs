//! A killed `mlt run` (issue 10, defect 9): the store it leaves is one MLflow reads as mlt
//! does, the run RUNNING with its wrapper recorded, and the command is ended.

use super::harness::{TestEnv, canonical, kv_map};
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

#[test]
fn mlflow_reads_the_run_of_a_killed_mlt_run() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    let mut child = env
        .std_cmd()
        .args([
            "run",
            "-P",
            "lr=0.1",
            "--",
            "sh",
            "-c",
            "echo $$ > child.pid; echo loss: 0.5; while :; do echo x; sleep 0.01; done",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "loss: 0.5\n");
    let pid = std::fs::read_to_string(env.path("child.pid")).unwrap();
    child.kill().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    child.wait().unwrap();
    let id = stderr
        .lines()
        .find_map(|l| l.strip_prefix("mlt: run "))
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();

    // The command is ended (gone, or a zombie nobody reaps).
    let stat = format!("/proc/{}/stat", pid.trim());
    let ended = || {
        std::fs::read_to_string(&stat).map_or(true, |s| {
            s[s.rfind(')').unwrap() + 1..].trim_start().starts_with('Z')
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while !ended() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(ended(), "the command outlived mlt run");

    let mlflow: serde_json::Value =
        serde_json::from_str(&super::py("mlflow_read.py", &[env.root()])).unwrap();
    super::assert_same(&mlflow, &canonical(&env));
    let run = &env.json(&["runs", "show", &id, "-f", "json"])["run"];
    assert_eq!(run["info"]["status"], "RUNNING");
    let tags = kv_map(&run["data"]["tags"]);
    let owner = mlt::owner::Owner::parse(tags[mlt::owner::WRAPPER_TAG].as_str().unwrap()).unwrap();
    assert_eq!(owner.state(), mlt::owner::State::Gone);
}
