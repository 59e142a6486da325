//! MLflow reading what mlt wrote from odd input (issue 10): null params and tags, and an
//! experiment many processes created on first use at once.

use super::harness::TestEnv;
use super::py;

/// `{"params": {"p": null}}` is stored as MLflow's own client stores `log_params({"p": None})`.
#[test]
fn null_params_and_tags_are_stored_as_mlflows_client_stores_them() {
    let env = TestEnv::init();
    let run = env.ok(&["runs", "start", "-e", "e"]);
    let o = env.run_with(&["log", "batch", "--run", &run], |c| {
        c.write_stdin(r#"{"params": {"p": null}, "tags": {"t": null}}"#);
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    let out: serde_json::Value = serde_json::from_str(&py(
        "hostile_input.py",
        &["none".as_ref(), env.root(), run.as_ref()],
    ))
    .unwrap();
    assert_eq!(out["mlflow"], out["mlt"], "{out}");
    assert_eq!(out["mlt"]["p"], "None", "{out}");
}

/// 24 processes start runs in one new experiment at once: MLflow sees one experiment of
/// that name holding all 24 runs.
#[test]
fn mlflow_sees_one_experiment_after_concurrent_first_use() {
    let env = TestEnv::init();
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(env.path(".mlt/lock"))
        .unwrap();
    lock.lock().unwrap();
    let children: Vec<_> = (0..24)
        .map(|_| {
            env.std_cmd()
                .args(["runs", "start", "-e", "fresh"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    lock.unlock().unwrap();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let out: serde_json::Value = serde_json::from_str(&py(
        "hostile_input.py",
        &["experiment".as_ref(), env.root(), "fresh".as_ref()],
    ))
    .unwrap();
    assert_eq!(out, serde_json::json!({"experiments": 1, "runs": 24}));
}
