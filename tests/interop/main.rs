//! Interoperability with the real MLflow (mlflow-skinny, pinned in scripts/mlflow-venv.sh).
//!
//! The first test to need Python creates the virtualenv (cached outside the repo); nothing here
//! is skipped when it is missing. Each test compares what MLflow's `MlflowClient` sees, as the
//! canonical JSON of `canonical.py`, with what mlt's `--format json` output says.

#[path = "../cli/harness.rs"]
#[allow(dead_code)]
mod harness;

use harness::{TestEnv, canonical};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The virtualenv's python, creating the virtualenv on first use.
fn python() -> &'static Path {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        let out = Command::new("bash")
            .arg(repo().join("scripts/mlflow-venv.sh"))
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("run scripts/mlflow-venv.sh");
        assert!(out.status.success(), "scripts/mlflow-venv.sh failed");
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
}

/// Runs one of the Python scripts beside this file and returns its stdout.
fn py(script: &str, args: &[&Path]) -> String {
    let out = Command::new(python())
        .arg(repo().join("tests/interop").join(script))
        .args(args)
        .env("MLFLOW_ALLOW_FILE_STORE", "true")
        .env_remove("MLFLOW_TRACKING_URI")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn assert_same(mlflow: &serde_json::Value, mlt: &serde_json::Value) {
    if mlflow != mlt {
        let a = serde_json::to_string_pretty(mlflow).unwrap();
        let b = serde_json::to_string_pretty(mlt).unwrap();
        let diff: Vec<String> = a
            .lines()
            .zip(b.lines())
            .enumerate()
            .filter(|(_, (x, y))| x != y)
            .take(10)
            .map(|(i, (x, y))| format!("line {i}:\n  mlflow: {x}\n  mlt:    {y}"))
            .collect();
        panic!("MLflow and mlt disagree:\n{}", diff.join("\n"));
    }
}

/// A store written by mlt with everything the issue lists.
fn write_with_mlt(env: &TestEnv) -> (String, String) {
    env.ok(&["init"]);
    let exp = env.ok(&[
        "experiments",
        "create",
        "vision",
        "-t",
        "team/owner=ana",
        "-t",
        "yes=no",
    ]);
    let parent = env.ok(&[
        "runs", "start", "-e", "vision", "--name", "sweep", "-d", "a sweep",
    ]);
    env.ok(&[
        "log",
        "params",
        "lr=0.01",
        "model/arch=resnet 50",
        "ratio=1:30",
        "--run",
        &parent,
    ]);
    let lines: String = [
        ("loss", "1.5", 0),
        ("loss", "0.75", 1),
        ("loss", "nan", 2),
        ("loss", "0.25", 3),
        ("train/acc", "inf", 0),
        ("train/acc", "-inf", 1),
        ("train/acc", "1e-05", 2),
        ("big", "1e20", -1),
    ]
    .iter()
    .map(|(k, v, s)| {
        format!(
            "{{\"step\": {s}, \"timestamp\": {}, \"metrics\": {{\"{k}\": \"{v}\"}}}}\n",
            1_700_000_000_000i64 + s
        )
    })
    .collect();
    std::fs::write(env.path("points.jsonl"), lines).unwrap();
    env.ok(&["log", "batch", "points.jsonl", "--run", &parent]);
    env.ok(&[
        "log",
        "tags",
        "nested/tag=x",
        "multi=line",
        "--run",
        &parent,
    ]);
    env.ok(&["log", "tag", "note", "hello\nworld", "--run", &parent]);
    std::fs::create_dir_all(env.path("out/plots/deep")).unwrap();
    std::fs::write(env.path("out/plots/a.txt"), "plot a").unwrap();
    std::fs::write(env.path("out/plots/deep/b.json"), "{\"b\": 2}").unwrap();
    std::fs::write(env.path("out/model.bin"), [0u8, 1, 2, 3]).unwrap();
    env.ok(&["artifacts", "log", "out", "--run", &parent]);
    env.ok(&["runs", "end", "--run", &parent]);

    let child = env.ok(&[
        "runs", "start", "-e", "vision", "--parent", &parent, "--name", "child",
    ]);
    env.ok(&[
        "log",
        "metric",
        "loss",
        "0.5",
        "--step",
        "7",
        "--timestamp",
        "1700000000100",
        "--run",
        &child,
    ]);
    env.ok(&["runs", "end", "--run", &child, "--status", "FAILED"]);
    let killed = env.ok(&["runs", "start", "-e", "vision", "--name", "killed"]);
    env.ok(&["runs", "end", "--run", &killed, "--status", "KILLED"]);
    let gone = env.ok(&["runs", "start", "-e", "vision", "--name", "gone"]);
    env.ok(&["runs", "delete", &gone]);
    env.ok(&["runs", "start", "-e", "vision", "--name", "still running"]);

    env.ok(&["experiments", "create", "doomed"]);
    let doomed_run = env.ok(&["runs", "start", "-e", "doomed"]);
    env.ok(&["log", "param", "p", "v", "--run", &doomed_run]);
    env.ok(&["experiments", "delete", "doomed"]);
    (exp, parent)
}

#[test]
fn mlflow_reads_what_mlt_writes() {
    let env = TestEnv::new();
    write_with_mlt(&env);
    let mlflow: serde_json::Value =
        serde_json::from_str(&py("mlflow_read.py", &[env.root()])).unwrap();
    assert_same(&mlflow, &canonical(&env));
    // Sanity: the comparison covered what it should.
    let exps = mlflow["experiments"].as_array().unwrap();
    assert_eq!(exps.len(), 3);
    let runs: usize = exps
        .iter()
        .map(|e| e["runs"].as_array().unwrap().len())
        .sum();
    assert_eq!(runs, 6);
}

#[test]
fn mlt_reads_what_mlflow_writes() {
    let env = TestEnv::new();
    let mlflow: serde_json::Value =
        serde_json::from_str(&py("mlflow_write.py", &[env.root()])).unwrap();
    assert_same(&mlflow, &canonical(&env));
    let runs: usize = mlflow["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["runs"].as_array().unwrap().len())
        .sum();
    assert!(runs >= 8, "{runs}");
}

#[test]
fn mlflow_downloads_artifacts_from_a_moved_store() {
    let env = TestEnv::new();
    let (_, parent) = write_with_mlt(&env);
    let elsewhere = tempfile::tempdir().unwrap();
    let moved = elsewhere.path().join("moved-store");
    harness_copy(env.root(), &moved);
    drop(env);
    let dest = elsewhere.path().join("dl");
    let out = py(
        "mlflow_download.py",
        &[
            &moved,
            Path::new(&parent),
            Path::new("plots/deep/b.json"),
            &dest,
        ],
    );
    let local = PathBuf::from(out.trim());
    assert!(local.starts_with(&dest), "{}", local.display());
    assert_eq!(std::fs::read_to_string(local).unwrap(), "{\"b\": 2}");
}

fn harness_copy(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Copies the sklearn model MLflow 3 logged (`fixtures/models/sklearn-mlflow3`) to `dest`;
/// `stripped` drops the fields of the run that logged it, as `mlflow.sklearn.save_model`
/// would have written the file, with a fixed `model_uuid`.
fn sklearn_model(dest: &Path, stripped: bool) {
    let src = repo().join("fixtures/models/sklearn-mlflow3");
    harness_copy(&src, dest);
    if stripped {
        let text = std::fs::read_to_string(dest.join("MLmodel")).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| {
                !["artifact_path:", "run_id:", "model_id:"]
                    .iter()
                    .any(|p| l.starts_with(p))
            })
            .map(|l| {
                if l.starts_with("model_uuid:") {
                    "model_uuid: 0123456789abcdef0123456789abcdef"
                } else {
                    l
                }
            })
            .collect();
        std::fs::write(dest.join("MLmodel"), kept.join("\n") + "\n").unwrap();
    }
}

#[test]
fn mlflow_loads_models_that_mlt_logs() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    let run = env.ok(&["runs", "start", "--name", "train"]);
    sklearn_model(&env.path("logged"), false);
    sklearn_model(&env.path("saved"), true);
    std::fs::create_dir_all(env.path("raw")).unwrap();
    std::fs::write(env.path("raw/weights.bin"), [1u8, 2, 3, 4]).unwrap();
    let uri = env.ok(&["models", "log", "logged", "--run", &run]);
    assert_eq!(uri, format!("runs:/{run}/model"));
    env.ok(&["models", "log", "saved", "--run", &run, "--name", "saved"]);
    env.ok(&["models", "log", "raw", "--run", &run, "--name", "raw"]);
    env.ok(&["runs", "end", "--run", &run]);

    let got: serde_json::Value = serde_json::from_str(&py(
        "mlflow_load_model.py",
        &[
            env.root(),
            Path::new(&run),
            Path::new("model"),
            Path::new("saved"),
            Path::new("raw"),
        ],
    ))
    .unwrap();
    let artifacts = env.path(&format!("mlruns/0/{run}/artifacts"));
    for name in ["model", "saved", "raw"] {
        let m = &got["models"][name];
        // MLflow reads back every field mlt wrote, equal.
        let ours = mlt::mlmodel::MlModel::load(&artifacts.join(name)).unwrap();
        for (k, theirs) in m["mlmodel"].as_object().unwrap() {
            let want = ours
                .fields()
                .get(k)
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            assert_eq!(theirs, &want, "{name}: {k}");
        }
        assert_eq!(m["mlmodel"]["run_id"], run.as_str(), "{name}");
        assert_eq!(m["mlmodel"]["artifact_path"], name, "{name}");
        assert_eq!(m["mlmodel"]["model_id"], serde_json::Value::Null, "{name}");
    }
    // The sklearn models load through pyfunc and predict y = 2*x1 - x2 + 1.
    for name in ["model", "saved"] {
        let m = &got["models"][name];
        assert_eq!(m["pyfunc_error"], serde_json::Value::Null, "{name}");
        assert_eq!(m["predictions"], serde_json::json!([2.5, 5.5]), "{name}");
        assert_eq!(m["files"].as_array().unwrap().len(), 7, "{name}");
    }
    assert_eq!(
        got["models"]["saved"]["mlmodel"]["model_uuid"],
        "0123456789abcdef0123456789abcdef"
    );
    // A folder without an MLmodel: MLflow reads and downloads it, but it has no pyfunc flavor.
    let raw = &got["models"]["raw"];
    assert_eq!(raw["mlmodel"]["flavors"], serde_json::json!({}));
    assert_eq!(raw["files"], serde_json::json!(["MLmodel", "weights.bin"]));
    let err = raw["pyfunc_error"].as_str().unwrap();
    assert!(err.contains("python_function"), "{err}");
    // The history tag, as MLflow reads it: one entry per model, in order.
    let history = got["history"].as_array().unwrap();
    let paths: Vec<&str> = history
        .iter()
        .map(|h| h["artifact_path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["model", "saved", "raw"]);
    assert_eq!(
        history[0]["flavors"]["python_function"]["loader_module"],
        "mlflow.sklearn"
    );
}
