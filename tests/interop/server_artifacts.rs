//! `mlt server`'s artifact proxy and MLflow 3 logged models, driven by MLflow's real client
//! (tests/interop/server_artifacts*.py) and by raw HTTP for what a client never sends
//! (traversal, links out). Afterwards the CLI (`mlt artifacts list/cat`, `mlt runs show`) and
//! the store's files show what the client wrote.

use crate::harness::TestEnv;
use crate::server::Server;
use std::path::Path;

/// A store in `<tmp>/store`, so that the folder around it can be checked for stray files.
fn env_with_run() -> (TestEnv, String) {
    let env = TestEnv::in_sub("store", |_| {});
    env.ok(&["init"]);
    let run = env.ok(&["runs", "start", "-e", "0"]);
    (env, run)
}

/// Every file under `dir` (following no link), as paths relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// Runs `code` with MLflow's file-store client over the store (`client`, `json` in scope) and
/// returns what it printed.
fn read_with_mlflow_file_store(env: &TestEnv, code: &str) -> String {
    let script =
        format!("import json\nfrom mlflow import MlflowClient\nclient = MlflowClient()\n{code}\n");
    let out = std::process::Command::new(crate::python())
        .args(["-c", &script])
        .env(
            "MLFLOW_TRACKING_URI",
            format!("file://{}", env.root().join("mlruns").display()),
        )
        .env("MLFLOW_ALLOW_FILE_STORE", "true")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn server_artifacts_mlflows_client_uploads_lists_downloads_and_logs_models() {
    let (env, run) = env_with_run();
    let server = Server::start(&env, &[]);
    let work = tempfile::tempdir().unwrap();
    let out = server.py(
        "server_artifacts.py",
        &["0", &run, &work.path().display().to_string()],
    );
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        v["list_root"],
        serde_json::json!([
            ["blobs", true, null],
            ["hello.txt", false, 18],
            ["sub", true, null]
        ])
    );
    assert_eq!(
        v["list_sub"],
        serde_json::json!([["sub/data.csv", false, 8]])
    );
    assert_eq!(v["big_same"], true);
    assert_eq!(v["big_size"], 6 * 1024 * 1024 + 123);
    assert_eq!(
        v["downloaded"],
        serde_json::json!(["blobs/big.bin", "hello.txt", "sub/data.csv"])
    );
    assert_eq!(v["after_delete"], serde_json::json!(["blobs", "hello.txt"]));
    let model_id = v["model_id"].as_str().unwrap();
    assert_eq!(
        v["artifact_location"],
        format!("mlflow-artifacts:/0/models/{model_id}/artifacts")
    );
    assert_eq!(v["status_created"], "PENDING");
    assert_eq!(v["status_final"], "READY");
    assert_eq!(
        v["tags"],
        serde_json::json!({"team": "ml", "stage": "test"})
    );
    assert_eq!(v["params"], serde_json::json!({"alpha": "0.5"}));
    assert_eq!(v["search"], serde_json::json!([model_id]));
    assert_eq!(v["search_none"], 0);
    assert_eq!(v["predict"], serde_json::json!([0, 1]));
    assert!(
        v["model_files"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("MLmodel")),
        "{v}"
    );
    assert_eq!(v["missing"], "RESOURCE_DOES_NOT_EXIST");
    assert_eq!(v["bad_name"], "INVALID_PARAMETER_VALUE");
    assert_eq!(v["after_model_delete"], serde_json::json!(["clf"]));

    // The bytes are in the run's own folder, and the CLI reads them.
    let art = env.root().join(format!("mlruns/0/{run}/artifacts"));
    assert_eq!(
        std::fs::read_to_string(art.join("hello.txt")).unwrap(),
        "hello from mlflow\n"
    );
    assert_eq!(
        std::fs::metadata(art.join("blobs/big.bin")).unwrap().len(),
        6 * 1024 * 1024 + 123
    );
    let listed = env.json(&["artifacts", "list", &run, "--format", "json"]);
    let paths: Vec<&str> = listed["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"hello.txt") && paths.contains(&"blobs/big.bin"),
        "{listed}"
    );
    assert!(!paths.iter().any(|p| p.starts_with("sub")), "{listed}");
    assert_eq!(
        env.ok(&["artifacts", "cat", &format!("runs:/{run}/hello.txt")]),
        "hello from mlflow"
    );
    // The logged model is the run's, as `mlt runs show` and MLflow's file store see it.
    let shown = env.json(&["runs", "show", &run, "--format", "json"]);
    let models = shown["logged_models"].as_array().unwrap();
    assert_eq!(models.len(), 1, "{shown}");
    assert_eq!(models[0]["model_id"], model_id);
    assert_eq!(models[0]["name"], "clf");
    let mdir = env.root().join(format!("mlruns/0/models/{model_id}"));
    let meta = std::fs::read_to_string(mdir.join("meta.yaml")).unwrap();
    assert!(meta.contains("status: 2\n"), "{meta}");
    assert!(mdir.join("artifacts/MLmodel").is_file());
    assert_eq!(
        std::fs::read_to_string(mdir.join("params/alpha")).unwrap(),
        "0.5"
    );
    // Nothing was left in .mlt/tmp/, nothing written beside the store.
    assert!(files_under(&env.root().join(".mlt/tmp")).is_empty());
    assert_eq!(
        files_under(env.root().parent().unwrap())
            .iter()
            .filter(|p| !p.starts_with("store/"))
            .count(),
        0
    );
    // MLflow's own file-store reader sees the model.
    let read = read_with_mlflow_file_store(
        &env,
        &format!(
            "m = client.get_logged_model('{model_id}'); \
             print(json.dumps([m.name, str(m.status), m.params, m.tags.get('team'), \
                               m.source_run_id]))"
        ),
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(read.trim()).unwrap(),
        serde_json::json!(["clf", "READY", {"alpha": "0.5"}, "ml", run])
    );
}

#[test]
fn server_artifacts_traversal_and_links_out_are_refused_and_write_nothing_outside() {
    let (env, run) = env_with_run();
    let around = env.root().parent().unwrap().to_path_buf();
    let outside = around.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "secret").unwrap();
    let art = env.root().join(format!("mlruns/0/{run}/artifacts"));
    std::os::unix::fs::symlink(&outside, art.join("link")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), art.join("secret.txt")).unwrap();
    let server = Server::start(&env, &[]);
    let base = "/api/2.0/mlflow-artifacts/artifacts";
    let a = format!("{base}/0/{run}/artifacts");
    let attempts = [
        ("PUT", format!("{a}/../../../../escape.txt")),
        ("PUT", format!("{a}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/escape.txt")),
        ("PUT", format!("{a}/..%2f..%2f..%2f..%2fescape.txt")),
        ("PUT", format!("{a}/%2E%2E%2F%2E%2E%2Fescape.txt")),
        ("PUT", format!("{a}/..%5c..%5cescape.txt")),
        ("PUT", format!("{a}/..\\..\\escape.txt")),
        ("PUT", format!("{base}//tmp/escape.txt")),
        ("PUT", format!("{base}/%2ftmp%2fescape.txt")),
        ("PUT", format!("{base}/0/{run}/meta.yaml")),
        ("PUT", format!("{base}/0/{run}/tags/escape")),
        ("PUT", format!("{base}/0/meta.yaml")),
        ("PUT", format!("{base}/escape.txt")),
        ("PUT", format!("{a}/link/escape.txt")),
        ("PUT", format!("{a}/secret.txt")),
        ("GET", format!("{a}/link/secret.txt")),
        ("GET", format!("{a}/secret.txt")),
        ("GET", format!("{base}/0/{run}/meta.yaml")),
        ("GET", format!("{a}/../meta.yaml")),
        ("GET", format!("{base}?path=0/{run}/artifacts/link")),
        ("GET", format!("{base}?path=0/{run}/artifacts/..%2F..%2F..")),
        ("GET", format!("{base}?path=%2Fetc")),
        ("DELETE", format!("{a}/link/secret.txt")),
        ("DELETE", format!("{base}/0/{run}")),
        ("DELETE", format!("{a}/%2e%2e")),
        (
            "GET",
            format!("/api/2.0/mlflow/artifacts/list?run_id={run}&path=..%2F.."),
        ),
    ];
    for (method, path) in &attempts {
        let (status, body) = server.http(method, path, b"escaped!", &[]);
        assert!(
            (400..500).contains(&status),
            "{method} {path}: {status} {body}"
        );
        let v: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|_| panic!("{method} {path}: not JSON: {body}"));
        assert!(v["error_code"].is_string(), "{method} {path}: {body}");
    }
    // Nothing written outside the run's artifacts, the secret untouched.
    assert_eq!(
        std::fs::read_to_string(outside.join("secret.txt")).unwrap(),
        "secret"
    );
    assert_eq!(files_under(&outside), ["secret.txt"]);
    let stray: Vec<String> = files_under(&around)
        .into_iter()
        .filter(|p| p.contains("escape"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
    assert!(!Path::new("/tmp/escape.txt").exists());
    // The listing leaves the links out; a plain upload still works.
    let (status, body) = server.http("GET", &format!("{base}?path=0/{run}/artifacts"), b"", &[]);
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("link") && !body.contains("secret"), "{body}");
    let (status, _) = server.http("PUT", &format!("{a}/ok.txt"), b"fine", &[]);
    assert_eq!(status, 200);
    assert_eq!(std::fs::read_to_string(art.join("ok.txt")).unwrap(), "fine");
    // A deleted link is the link, never what it points at.
    let (status, _) = server.http("DELETE", &format!("{a}/link"), b"", &[]);
    assert_eq!(status, 200);
    assert!(outside.join("secret.txt").exists());
    // Multipart uploads are answered as MLflow's server answers them for a local store.
    let (status, body) = server.http(
        "POST",
        &format!("/api/2.0/mlflow-artifacts/mpu/create/0/{run}/artifacts/big"),
        br#"{"path": "big", "num_parts": 2}"#,
        &[("Content-Type", "application/json")],
    );
    assert_eq!(status, 501, "{body}");
    assert!(body.contains("Multipart upload is not supported"), "{body}");
}

/// The issue's proof: `log_model` inside `start_run`, then `load_model` and
/// `download_artifacts` of the model URI. It needs the tracking endpoints (experiments, runs,
/// log-batch) too, so it passes once those are served.
#[test]
fn server_artifacts_log_model_then_load_and_download() {
    let env = TestEnv::init();
    let server = Server::start(&env, &[]);
    let work = tempfile::tempdir().unwrap();
    let out = server.py(
        "server_artifacts_log_model.py",
        &[&work.path().display().to_string()],
    );
    // MLflow prints a "View run" line of its own: the answer is the last line.
    let last = out.trim().lines().last().unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["predict"], serde_json::json!([0, 0, 0, 1, 1, 1]));
    let files = v["files"].as_array().unwrap();
    for f in ["MLmodel", "input_example.json", "requirements.txt"] {
        assert!(files.contains(&serde_json::json!(f)), "{f}: {v}");
    }
    let run = v["run_id"].as_str().unwrap();
    let model_id = v["model_id"].as_str().unwrap();
    let shown = env.json(&["runs", "show", run, "--format", "json"]);
    assert_eq!(shown["logged_models"][0]["model_id"], model_id, "{shown}");
    assert_eq!(shown["logged_models"][0]["name"], "model");
    // MLflow's file-store reader sees the model as the run's output, and its files.
    let read = read_with_mlflow_file_store(
        &env,
        &format!(
            "r = client.get_run('{run}'); m = client.get_logged_model('{model_id}'); \
             print(json.dumps([[o.model_id for o in r.outputs.model_outputs], str(m.status), \
                               m.source_run_id]))"
        ),
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(read.trim()).unwrap(),
        serde_json::json!([[model_id], "READY", run])
    );
}
