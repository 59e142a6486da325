//! A store whose registry MLflow keeps at its default location: registry URI = tracking URI,
//! so registered models live in `mlruns/models/<name>/` (issue 11, fidelity 16). Every
//! `mlt models` command reads them there, and what mlt registers there MLflow reads back.

use super::{assert_same, python, registry_canonical, repo};
use crate::harness::TestEnv;
use std::path::Path;
use std::process::Command;

/// `registry.py` with MLflow's default registry location.
fn registry_py(args: &[&str], root: &Path) -> serde_json::Value {
    let out = Command::new(python())
        .arg(repo().join("tests/interop/registry.py"))
        .arg(args[0])
        .arg(root)
        .args(&args[1..])
        .env("MLFLOW_ALLOW_FILE_STORE", "true")
        .env("MLT_TEST_REGISTRY", "tracking")
        .env_remove("MLFLOW_TRACKING_URI")
        .env_remove("MLFLOW_REGISTRY_URI")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "registry.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn mlt_reads_and_extends_a_registry_in_mlruns() {
    let env = TestEnv::new();
    let mlflow = registry_py(&["write"], env.root());
    assert!(env.path("mlruns/models/classifier/meta.yaml").is_file());
    assert!(!env.path("registry").exists());

    // list, show, version (by number, alias, stage) and download, as MLflow reads them.
    assert_same(&mlflow, &registry_canonical(&env));
    assert_eq!(
        env.ok(&["models", "get-alias", "classifier", "champion"]),
        "2"
    );
    let names: Vec<String> = env.json(&["models", "list", "-f", "json"])["registered_models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["classifier", "other model"]);

    // What mlt registers goes beside MLflow's, where MLflow looks.
    let run =
        env.json(&["runs", "search", "-e", "models", "-f", "json"])["runs"][0]["info"]["run_id"]
            .as_str()
            .unwrap()
            .to_string();
    let v = env.ok(&[
        "models",
        "register",
        &format!("runs:/{run}/model"),
        "classifier",
    ]);
    assert_eq!(v, "4");
    env.ok(&[
        "models",
        "register",
        &format!("runs:/{run}/model"),
        "new one",
    ]);
    env.ok(&["models", "set-alias", "new one", "best", "1"]);
    assert!(
        env.path("mlruns/models/new one/version-1/meta.yaml")
            .is_file()
    );
    assert!(!env.path("registry").exists(), "no second registry");
    let mlflow = registry_py(&["read"], env.root());
    assert_same(&mlflow, &registry_canonical(&env));
    assert_eq!(mlflow["models"][1]["name"], "new one");
    assert_eq!(mlflow["models"][1]["by_alias"]["best"], 1);
}

#[test]
fn mlflow_registry_uri_names_the_registry() {
    // MLflow wrote its registry in mlruns/ of another folder; MLFLOW_REGISTRY_URI points there
    // from a store found by MLFLOW_TRACKING_URI.
    let other = TestEnv::new();
    let mlflow = registry_py(&["write"], other.root());
    let env = TestEnv::new();
    env.ok(&["init"]);
    let uri = format!("file://{}", other.path("mlruns").display());
    let o = env.run_with(&["models", "list", "-f", "json"], |c| {
        c.env("MLFLOW_TRACKING_URI", env.path("mlruns"))
            .env("MLFLOW_REGISTRY_URI", &uri);
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    let list: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(
        list["registered_models"].as_array().unwrap().len(),
        mlflow["models"].as_array().unwrap().len()
    );
    // --store names a store with its own registry: the variable does not apply.
    let o = env.run_with(
        &[
            "--store",
            env.root().to_str().unwrap(),
            "models",
            "list",
            "-f",
            "json",
        ],
        |c| {
            c.env("MLFLOW_REGISTRY_URI", &uri);
        },
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let list: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(
        list["registered_models"].as_array().unwrap().is_empty(),
        "{list}"
    );
}
