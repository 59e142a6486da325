//! The model registry of `mlt server`, driven by MLflow's own `MlflowClient`: every registry
//! call and its errors (`server_registry.py`), then the same registry read by `mlt models`
//! and by MLflow's file-registry reader on the folder.

use super::server::Server;
use super::{assert_same, py, registry_canonical};
use crate::harness::TestEnv;
use serde_json::Value;
use std::path::Path;

#[test]
fn mlflows_client_drives_the_registry_of_mlt_server() {
    let env = TestEnv::new();
    // An MLflow 3 logged model (and its registered "doubler"), written by MLflow itself.
    let logged: Value =
        serde_json::from_str(&py("logged_model.py", &[Path::new("write"), env.root()])).unwrap();
    let model_id = logged["model_id"].as_str().unwrap();
    // Runs with model files, made with the mlt CLI.
    let model = env.path("model-src");
    std::fs::create_dir_all(&model).unwrap();
    std::fs::write(model.join("MLmodel"), "flavors: {}\n").unwrap();
    std::fs::write(model.join("weights.bin"), "www").unwrap();
    let mut runs = Vec::new();
    for name in ["first", "second"] {
        let run = env.ok(&["runs", "start", "-e", "registry", "-n", name]);
        env.ok(&["models", "log", model.to_str().unwrap(), "--run", &run]);
        runs.push(run);
    }
    let exp = env.json(&["runs", "show", &runs[0], "-f", "json"])["run"]["info"]["experiment_id"]
        .as_str()
        .unwrap()
        .to_string();

    let server = Server::start(&env, &[]);
    let out: Value = serde_json::from_str(
        &server.py("server_registry.py", &[&exp, &runs[0], &runs[1], model_id]),
    )
    .unwrap();
    let log = server.log();
    server.stop();
    assert!(!log.contains(" 500 "), "{log}");

    // Clients are given the proxy's URIs, so load_model("models:/clf/N") downloads through it.
    let proxied = format!("mlflow-artifacts:/{exp}/{}/artifacts/model", runs[1]);
    assert_eq!(out["sources"]["2"], proxied.as_str());
    assert_eq!(
        out["download_uris"]["1"],
        format!("runs:/{}/model", runs[0]).as_str()
    );
    assert_eq!(out["download_uris"]["2"], proxied.as_str());
    let logged_uri = out["download_uris"]["logged"].as_str().unwrap();
    assert!(
        logged_uri.starts_with("mlflow-artifacts:/")
            && logged_uri.ends_with(&format!("/models/{model_id}/artifacts")),
        "{logged_uri}"
    );
    assert_eq!(out["by_alias"], 2);
    assert_eq!(
        out["pages"],
        serde_json::json!([["page-4", "page-3"], ["page-2", "page-1"], ["page-0"]])
    );
    assert_eq!(out["version_pages"], serde_json::json!([["1", "2"], ["3"]]));

    // The CLI sees what the client wrote, where `mlt models` reads it.
    let show = &env.json(&["models", "show", "clf", "--format", "json"])["registered_model"];
    assert_eq!(show["description"], "a classifier");
    assert_eq!(
        super::harness::kv_map(&show["tags"]),
        serde_json::json!({"team": "cv", "owner": "ana"})
    );
    let versions: Vec<(&str, &str)> = show["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_str().unwrap(),
                v["current_stage"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [("3", "Staging"), ("2", "Production"), ("1", "Archived")]
    );
    let v2 = &show["versions"][1];
    // On disk the store's own location, not the proxy's URI.
    let on_disk = v2["source"].as_str().unwrap();
    assert!(
        on_disk.starts_with("file://")
            && on_disk.ends_with(&format!("/mlruns/{exp}/{}/artifacts/model", runs[1])),
        "{on_disk}"
    );
    assert_eq!(v2["run_id"], runs[1].as_str());
    assert_eq!(v2["aliases"], serde_json::json!(["champion"]));
    assert_eq!(v2["description"], "proxied");
    let from_logged =
        &env.json(&["models", "version", "models:/from-logged/1", "-f", "json"])["model_version"];
    assert_eq!(from_logged["model_id"], model_id);
    assert_eq!(from_logged["run_id"], logged["run_id"]);
    assert_eq!(env.ok(&["models", "get-alias", "clf", "challenger"]), "3");

    // And MLflow's own file-registry reader sees the same as mlt.
    let mlflow: Value =
        serde_json::from_str(&py("registry.py", &[Path::new("read"), env.root()])).unwrap();
    assert_same(&mlflow, &registry_canonical(&env));
    let names: Vec<&str> = mlflow["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["clf", "doubler", "from-logged"]);
}
