//! `mlt pull` from `mlt server`, then the real MLflow reads the pulled store: every run with
//! the server's id and every value MLflow read in the source store.

use crate::harness::TestEnv;
use crate::server::Server;
use crate::{py, write_with_mlt};
use serde_json::Value;

fn read(env: &TestEnv) -> Value {
    serde_json::from_str(&py("mlflow_read.py", &[env.root()])).unwrap()
}

#[test]
fn mlflow_reads_a_pulled_store_with_the_servers_ids_and_values() {
    let src = TestEnv::new();
    write_with_mlt(&src);
    let server = Server::start(&src, &[]);
    let dst = TestEnv::new();
    let out = dst.ok(&["pull", &server.url, "--format", "json"]);
    let report: Value = serde_json::from_str(&out).unwrap();
    // The active experiments' runs (the deleted experiment is not pulled).
    assert_eq!(report["runs"]["new"], 5, "{report}");

    let (a, b) = (read(&src), read(&dst));
    let exps = |v: &Value| v["experiments"].as_array().unwrap().clone();
    let mut compared = 0;
    for ea in exps(&a) {
        let found = exps(&b).into_iter().find(|e| e["name"] == ea["name"]);
        if ea["lifecycle_stage"] == "deleted" {
            assert!(found.is_none(), "{} was pulled", ea["name"]);
            continue;
        }
        let eb = found.unwrap_or_else(|| panic!("{} not pulled", ea["name"]));
        assert_eq!(ea["tags"], eb["tags"]);
        let runs_b = eb["runs"].as_array().unwrap();
        assert_eq!(ea["runs"].as_array().unwrap().len(), runs_b.len());
        for ra in ea["runs"].as_array().unwrap() {
            let rb = runs_b
                .iter()
                .find(|r| r["run_id"] == ra["run_id"])
                .unwrap_or_else(|| panic!("run {} not pulled with its id", ra["run_id"]));
            // This store's experiment id and artifact location; artifacts are the artifacts
            // step's (tested there).
            for field in [
                "run_name",
                "status",
                "start_time",
                "end_time",
                "lifecycle_stage",
                "user_id",
                "params",
                "tags",
                "metrics",
                "history",
            ] {
                assert_eq!(ra[field], rb[field], "run {} {field}", ra["run_id"]);
            }
            assert_eq!(rb["experiment_id"], eb["experiment_id"]);
            let uri = rb["artifact_uri"].as_str().unwrap();
            let run_id = rb["run_id"].as_str().unwrap();
            assert!(uri.ends_with(&format!("{run_id}/artifacts")), "{uri}");
            compared += 1;
        }
    }
    assert_eq!(compared, 5);

    // A pull again changes nothing MLflow sees.
    dst.ok(&["pull", &server.url]);
    assert_eq!(read(&dst), b);
}
