//! MLflow's tutorial example end to end through `mlt server`, then the same store read by the
//! mlt CLI and by MLflow's file-store reader.

use crate::harness::{TestEnv, canonical, kv_map};
use crate::server::Server;
use crate::{assert_same, py};

#[test]
fn mlflows_tutorial_runs_unchanged_against_mlt_server() {
    let env = TestEnv::init();
    let server = Server::start(&env, &[]);
    let work = tempfile::tempdir().unwrap();
    let port = server.port.to_string();
    let out = server.py("server_seed.py", &[&port, work.path().to_str().unwrap()]);
    let seen: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(server.stop(), Some(0));
    let run_id = seen["run_id"].as_str().unwrap();

    // The CLI sees what the client logged.
    let run = env.json(&["runs", "show", run_id, "--format", "json"]);
    let params = kv_map(&run["run"]["data"]["params"]);
    for (k, v) in seen["params"].as_object().unwrap() {
        assert_eq!(params[k], *v, "param {k}");
    }
    let metrics = &run["run"]["data"]["metrics"];
    let accuracy = metrics
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "accuracy")
        .expect("accuracy logged");
    assert_eq!(accuracy["value"], seen["accuracy"]);
    assert_eq!(
        kv_map(&run["run"]["data"]["tags"])["Training Info"],
        "Basic LR model for iris data"
    );
    let run_text = env.ok(&["runs", "show", run_id]);
    assert!(
        run_text.contains(seen["model_id"].as_str().unwrap()),
        "runs show lists the logged model:\n{run_text}"
    );
    let model = env.json(&["models", "show", "iris-estimator-1", "--format", "json"]);
    let text = model.to_string();
    assert!(text.contains(run_id), "{text}");
    assert!(!text.contains("champion"), "the alias was deleted: {text}");

    // MLflow's file reader and mlt agree on the whole store.
    let mlflow = py("mlflow_read.py", &[env.root()]);
    let mlflow: serde_json::Value = serde_json::from_str(&mlflow).unwrap();
    assert_same(&mlflow, &canonical(&env));
}
