//! MLflow reads a store after an import that refused what lay outside its source: a run whose
//! artifact location points out of the source, and an artifact link out of it.

use super::harness::{TestEnv, canonical};
use super::{assert_same, py};
use std::path::Path;

#[test]
fn mlflow_reads_a_store_after_an_import_that_refused_outside_locations() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "SECRET").unwrap();
    let src = TestEnv::init();
    let away = src.start("e1", "away");
    let linked = src.start("e1", "linked");
    std::fs::create_dir_all(src.path("files")).unwrap();
    std::fs::write(src.path("files/kept.txt"), "kept").unwrap();
    src.ok(&["artifacts", "log", "files", "--run", &linked]);
    src.ok(&["log", "metric", "loss", "0.5", "--run", &away]);
    for r in [&away, &linked] {
        src.ok(&["runs", "end", "--run", r]);
    }
    let run_dir = |id: &str| {
        walkdir::WalkDir::new(src.path("mlruns"))
            .max_depth(2)
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .find(|p| p.file_name().is_some_and(|n| n == id))
            .unwrap()
    };
    let meta = run_dir(&away).join("meta.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let old = text
        .lines()
        .find(|l| l.starts_with("artifact_uri:"))
        .unwrap()
        .to_string();
    let uri = format!("artifact_uri: file://{}", outside.path().display());
    std::fs::write(&meta, text.replace(&old, &uri)).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        run_dir(&linked).join("artifacts/leak.txt"),
    )
    .unwrap();

    let env = TestEnv::init();
    let o = env.run(&["import", src.root().to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("outside the source"), "{}", o.stderr);
    assert!(o.stderr.contains("leak.txt is a link out"), "{}", o.stderr);
    // MLflow reads every run mlt reads, with the same values.
    let mlflow: serde_json::Value =
        serde_json::from_str(&py("mlflow_read.py", &[env.root()])).unwrap();
    assert_same(&mlflow, &canonical(&env));
    let runs: Vec<&str> = mlflow["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["runs"].as_array().unwrap())
        .map(|r| r["run_id"].as_str().unwrap())
        .collect();
    assert!(
        runs.contains(&away.as_str()) && runs.contains(&linked.as_str()),
        "{runs:?}"
    );
    // MLflow downloads the artifact that came, and nothing of the secret is in the store.
    let dest = env.path("dl");
    let got = py(
        "mlflow_download.py",
        &[env.root(), Path::new(&linked), Path::new("kept.txt"), &dest],
    );
    assert_eq!(std::fs::read_to_string(got.trim()).unwrap(), "kept");
    for e in walkdir::WalkDir::new(env.path("mlruns")) {
        let e = e.unwrap();
        assert!(!e.file_type().is_symlink(), "{:?}", e.path());
        if e.file_type().is_file() {
            assert_ne!(
                std::fs::read(e.path()).unwrap(),
                b"SECRET",
                "{:?}",
                e.path()
            );
        }
    }
}
