//! MLflow reads a store cloned with git (after `mlt init`), and a damaged store after
//! `mlt store check --repair`.

use super::harness::{TestEnv, canonical};
use super::{assert_same, py, python, repo, write_with_mlt};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(["-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether MLflow's client can read every run of the store (stderr when it cannot).
fn mlflow_reads(root: &Path) -> Result<Value, String> {
    let out = Command::new(python())
        .arg(repo().join("tests/interop/check_read.py"))
        .arg(root)
        .env("MLFLOW_ALLOW_FILE_STORE", "true")
        .env_remove("MLFLOW_TRACKING_URI")
        .output()
        .unwrap();
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn mlflow_reads_a_git_clone_after_mlt_init() {
    let env = TestEnv::new();
    git(env.root(), &["init", "-q"]);
    write_with_mlt(&env);
    git(env.root(), &["add", "-A"]);
    git(env.root(), &["commit", "-qm", "store"]);
    let clone = TestEnv::new();
    git(
        clone.root(),
        &["clone", "-q", env.root().to_str().unwrap(), "."],
    );
    // What git gives back: MLflow cannot find the runs whose folders were empty.
    let err = mlflow_reads(clone.root()).expect_err("MLflow read a clone without its folders");
    assert!(err.contains("not found"), "{err}");

    let o = clone.run(&["init"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("Restored"), "{}", o.stderr);
    let mlflow: Value = serde_json::from_str(&py("mlflow_read.py", &[clone.root()])).unwrap();
    assert_same(&mlflow, &canonical(&clone));
    // And it is the store that was committed.
    assert_same(&mlflow, &canonical(&env));
    mlflow_reads(clone.root()).unwrap();
}

#[test]
fn mlflow_reads_every_run_after_store_check_repair() {
    let env = TestEnv::init();
    let run_dir = |run: &str| {
        for e in std::fs::read_dir(env.path("mlruns")).unwrap() {
            let d = e.unwrap().path().join(run);
            if d.is_dir() {
                return d;
            }
        }
        panic!("no folder for {run}");
    };
    let a = env.start("e", "a");
    env.ok(&["log", "metric", "loss", "0.5", "--run", &a]);
    env.ok(&["log", "param", "lr", "0.1", "--run", &a]);
    let da = run_dir(&a);
    // A metric file a crash left empty, one cut mid-line, one with a bad line.
    std::fs::write(da.join("metrics/empty"), "").unwrap();
    std::fs::write(da.join("metrics/torn"), "1 0.5 0\n2 0.7").unwrap();
    std::fs::write(da.join("metrics/bad"), "1 0.5 0\nx y z\n").unwrap();
    // Temporary files an older mlt left in params/ and tags/.
    std::fs::write(da.join("params/.mlt-tmp-q1W2e3"), "half").unwrap();
    std::fs::write(da.join("tags/.mlt-tmp-r4T5y6"), "half").unwrap();
    // Ended: a RUNNING run's metric files are not rewritten under a possible writer.
    env.ok(&["runs", "end", "--run", &a]);
    // A run whose `mlt run` was killed, with the absolute location mlt run gives.
    let b = env.start("e", "b");
    let db = run_dir(&b);
    let mut c = Command::new("true").spawn().unwrap();
    let pid = c.id();
    c.wait().unwrap();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    std::fs::write(
        db.join("tags/mlt.wrapper"),
        format!(
            "{{\"host\":\"{}\",\"pid\":{pid},\"start\":1,\"boot\":\"\"}}",
            host.trim()
        ),
    )
    .unwrap();
    // A run git left without its empty folders, and no .trash/.
    let c = env.start("e", "c");
    let dc = run_dir(&c);
    std::fs::remove_dir(dc.join("params")).unwrap();
    std::fs::remove_dir(dc.join("artifacts")).unwrap();
    std::fs::remove_dir(env.path("mlruns/.trash")).unwrap();

    mlflow_reads(env.root()).expect_err("MLflow read the damaged store");
    // setup_tracking's MLflow made .trash/ again; take it away for the check.
    let _ = std::fs::remove_dir(env.path("mlruns/.trash"));

    let o = env.run(&["store", "check", "--repair", "--deep"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let o = env.run(&["store", "check", "--deep"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);

    let read = mlflow_reads(env.root()).unwrap();
    let runs = read["runs"].as_object().unwrap();
    let mut ids: Vec<&String> = runs.keys().collect();
    ids.sort();
    let mut want = vec![&a, &b, &c];
    want.sort();
    assert_eq!(ids, want);
    assert_eq!(runs[&a]["params"], serde_json::json!(["lr"]));
    assert!(
        !runs[&a]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t.as_str().unwrap().starts_with(".mlt-tmp-")),
        "{read}"
    );
    assert_eq!(
        runs[&a]["metrics"],
        serde_json::json!({"bad": 0.5, "loss": 0.5, "torn": 0.5})
    );
    assert_eq!(runs[&b]["status"], "KILLED");
    // And mlt agrees with MLflow on the whole store.
    let mlflow: Value = serde_json::from_str(&py("mlflow_read.py", &[env.root()])).unwrap();
    assert_same(&mlflow, &canonical(&env));
}
