//! MLflow reads a store after mlt's writes were killed at random moments: no empty metric file
//! makes it refuse the store, and no temporary file shows up as a param, tag or artifact.

use super::{assert_same, py};
use crate::harness::{TestEnv, canonical};

#[test]
fn mlflow_reads_every_run_after_killed_writes() {
    let env = TestEnv::init();
    let run = env.ok(&["runs", "start", "-e", "crash"]);
    let src = env.path("src");
    for i in 0..200 {
        let f = src.join(format!("d{}/f{i}.txt", i % 5));
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, format!("file {i}\n")).unwrap();
    }
    for trial in 0..30 {
        let mut args: Vec<String> = Vec::new();
        match trial % 3 {
            0 => {
                args.extend(["log", "params", "--run", &run].map(String::from));
                args.extend((0..200).map(|i| format!("p{trial}_{i}=v{i}")));
            }
            1 => {
                args.extend(["log", "metrics", "--run", &run].map(String::from));
                args.extend((0..200).map(|i| format!("m{trial}_{i}=1")));
            }
            _ => {
                args.extend(
                    ["artifacts", "log", src.to_str().unwrap(), "--run", &run].map(String::from),
                );
                args.extend(["--path".to_string(), format!("t{trial}")]);
            }
        }
        env.kill_at_random(&args, 30_000);
    }
    env.ok(&["runs", "end", "--run", &run]);
    let mlflow: serde_json::Value =
        serde_json::from_str(&py("mlflow_read.py", &[env.root()])).unwrap();
    assert_same(&mlflow, &canonical(&env));
}

#[test]
fn mlflow_reads_the_winners_of_racing_param_writers() {
    let env = TestEnv::init();
    let run = env.ok(&["runs", "start", "-e", "race"]);
    for round in 0..20 {
        let children: Vec<_> = (0..2)
            .map(|n| {
                let mut c = env
                    .std_cmd()
                    .args(["log", "batch", "--run", &run])
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .unwrap();
                let stdin = c.stdin.take().unwrap();
                (n, stdin, c)
            })
            .collect();
        let mut wins = 0;
        let mut waiting = Vec::new();
        for (n, mut stdin, c) in children {
            use std::io::Write;
            let _ = write!(stdin, "{{\"params\":{{\"z{round}\":\"val{n}\"}}}}");
            waiting.push((stdin, c));
        }
        for (stdin, mut c) in waiting {
            drop(stdin);
            wins += usize::from(c.wait().unwrap().success());
        }
        assert_eq!(wins, 1, "round {round}");
    }
    let mlflow: serde_json::Value =
        serde_json::from_str(&py("mlflow_read.py", &[env.root()])).unwrap();
    assert_same(&mlflow, &canonical(&env));
    let runs = mlflow["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["runs"].as_array().unwrap().clone())
        .find(|r| r["run_id"] == run.as_str())
        .unwrap();
    assert_eq!(runs["params"].as_object().unwrap().len(), 20);
}

#[test]
fn mlflow_reads_a_store_whose_disk_filled_up() {
    let disk = crate::harness::SmallDisk::new(1024);
    let env = &disk.env;
    let run = env.ok(&["runs", "start", "-e", "full"]);
    env.ok(&["log", "metrics", "a=1", "b=1", "--run", &run]);
    disk.fill();
    for args in [
        vec!["log", "metrics", "c=3", "d=4", "--run", &run],
        vec!["log", "params", "p=1", "q=2", "--run", &run],
        vec!["log", "tag", "t", "v", "--run", &run],
        vec!["runs", "start", "-e", "full"],
        vec!["experiments", "create", "another"],
    ] {
        let o = env.run(&args);
        assert_ne!(o.code, 0, "{args:?} fit on a full disk?");
        assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    }
    let mlflow: serde_json::Value =
        serde_json::from_str(&py("mlflow_read.py", &[env.root()])).unwrap();
    assert_same(&mlflow, &canonical(env));
    disk.free();
}
