//! Interoperability with the real MLflow (mlflow-skinny, pinned in scripts/mlflow-venv.sh).
//!
//! The first test to need Python creates the virtualenv (cached outside the repo); nothing here
//! is skipped when it is missing. Each test compares what MLflow's `MlflowClient` sees, as the
//! canonical JSON of `canonical.py`, with what mlt's `--format json` output says.

mod browser;
mod browser_compare;
mod browser_report;
mod browser_run;
mod browser_table;
mod check;
mod crash;
#[path = "../cli/harness.rs"]
#[allow(dead_code)]
mod harness;
mod hostile_input;
mod ordering;
mod pull_read;
mod registry_location;
mod safety;
mod server;
mod server_artifacts;
mod server_auth;
mod server_registry;
mod server_seed;
mod server_sweep;
mod server_tracking;
mod team;
mod wrap;

use harness::{TestEnv, canonical};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub(crate) fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The virtualenv's python, creating the virtualenv on first use.
pub(crate) fn python() -> &'static Path {
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
    py_in(python(), &[], script, args)
}

/// [`py`] with another interpreter, and `env` added to the environment.
fn py_in(python: &Path, env: &[(String, String)], script: &str, args: &[&Path]) -> String {
    let out = Command::new(python)
        .arg(repo().join("tests/interop").join(script))
        .args(args)
        .env("MLFLOW_ALLOW_FILE_STORE", "true")
        .env_remove("MLFLOW_TRACKING_URI")
        .envs(env.iter().map(|(k, v)| (k, v)))
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

/// The registry as mlt reports it, in the shape of `registry.py`'s canonical JSON.
fn registry_canonical(env: &TestEnv) -> serde_json::Value {
    use serde_json::{Value, json};
    let version_number = |v: &Value| -> i64 { v["version"].as_str().unwrap().parse().unwrap() };
    let mut models = Vec::new();
    let list = env.json(&["models", "list", "-f", "json"]);
    for m in list["registered_models"].as_array().unwrap() {
        let name = m["name"].as_str().unwrap();
        let show = &env.json(&["models", "show", name, "-f", "json"])["registered_model"];
        let mut versions = Vec::new();
        for v in show["versions"].as_array().unwrap() {
            let n = version_number(v);
            let dest = env.path(&format!("dl/{name}/{n}"));
            env.ok(&[
                "models",
                "download",
                &format!("models:/{name}/{n}"),
                "--dest",
                dest.to_str().unwrap(),
            ]);
            let mut files: Vec<String> = walkdir::WalkDir::new(&dest)
                .into_iter()
                .map(|e| e.unwrap())
                .filter(|e| e.file_type().is_file())
                .map(|e| e.path().strip_prefix(&dest).unwrap().display().to_string())
                .collect();
            files.sort();
            let mut aliases: Vec<Value> = v["aliases"].as_array().unwrap().clone();
            aliases.sort_by_key(|a| a.as_str().unwrap().to_string());
            let download_uri = match &v["storage_location"] {
                Value::String(s) if !s.is_empty() => s.clone(),
                _ => v["source"].as_str().unwrap().to_string(),
            };
            versions.push(json!({
                "version": n,
                "current_stage": v["current_stage"],
                "description": v["description"],
                "source": v["source"],
                "run_id": v["run_id"],
                "status": v["status"],
                "tags": harness::kv_map(&v["tags"]),
                "aliases": aliases,
                "creation_timestamp": v["creation_timestamp"],
                "last_updated_timestamp": v["last_updated_timestamp"],
                "download_uri": download_uri,
                "files": files,
            }));
        }
        versions.sort_by_key(|v| v["version"].as_i64().unwrap());
        let mut aliases = serde_json::Map::new();
        let mut by_alias = serde_json::Map::new();
        for a in show["aliases"].as_array().unwrap() {
            let alias = a["alias"].as_str().unwrap();
            aliases.insert(alias.into(), a["version"].clone());
            let v = env.json(&[
                "models",
                "version",
                &format!("models:/{name}@{alias}"),
                "-f",
                "json",
            ]);
            by_alias.insert(alias.into(), json!(version_number(&v["model_version"])));
        }
        let mut latest = serde_json::Map::new();
        for stage in ["None", "Staging", "Production", "Archived"] {
            let o = env.run(&[
                "models",
                "version",
                &format!("models:/{name}/{stage}"),
                "-f",
                "json",
            ]);
            if o.code == 0 {
                let v: Value = serde_json::from_str(&o.stdout).unwrap();
                latest.insert(stage.into(), json!(version_number(&v["model_version"])));
            }
        }
        models.push(json!({
            "name": name,
            "description": show["description"],
            "tags": harness::kv_map(&show["tags"]),
            "aliases": aliases,
            "creation_timestamp": show["creation_timestamp"],
            "last_updated_timestamp": show["last_updated_timestamp"],
            "by_alias": by_alias,
            "latest_by_stage": latest,
            "versions": versions,
        }));
    }
    models.sort_by_key(|m| m["name"].as_str().unwrap().to_string());
    json!({"models": models})
}

#[test]
fn mlflow_reads_mlts_registry() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    let mut runs = Vec::new();
    for i in 0..3 {
        let run = env.ok(&[
            "runs",
            "start",
            "-e",
            "models",
            "--name",
            &format!("train-{i}"),
        ]);
        let dir = env.path(&format!("model-{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("MLmodel"),
            format!("flavors: {{}}\nrun_id: {run}\n"),
        )
        .unwrap();
        std::fs::write(dir.join("weights.bin"), "w".repeat(i + 1)).unwrap();
        env.ok(&[
            "artifacts",
            "log",
            dir.to_str().unwrap(),
            "--path",
            "model",
            "--run",
            &run,
        ]);
        env.ok(&["runs", "end", "--run", &run]);
        runs.push(run);
    }
    env.ok(&[
        "models", "create", "clf", "-d", "a model", "-t", "team=cv", "-t", "yes=no",
    ]);
    for r in &runs {
        env.ok(&["models", "register", &format!("runs:/{r}/model"), "clf"]);
    }
    // A local folder, copied into the store.
    std::fs::create_dir_all(env.path("local/sub")).unwrap();
    std::fs::write(env.path("local/MLmodel"), "flavors: {}\n").unwrap();
    std::fs::write(env.path("local/sub/data.txt"), "012").unwrap();
    env.ok(&["models", "register", "local", "clf", "-t", "from=disk"]);
    env.ok(&["models", "set-alias", "clf", "champion", "1"]);
    env.ok(&["models", "set-alias", "clf", "champion", "2"]);
    env.ok(&["models", "set-alias", "clf", "staging", "3"]);
    env.ok(&["models", "set-alias", "clf", "edge", "4"]);
    env.ok(&["models", "stage", "clf", "1", "Production"]);
    env.ok(&[
        "models",
        "stage",
        "clf",
        "2",
        "production",
        "--archive-existing",
    ]);
    env.ok(&["models", "stage", "clf", "3", "Staging"]);
    env.ok(&["models", "set-tag", "clf", "-v", "2", "validated", "true"]);
    env.ok(&[
        "models",
        "set-description",
        "clf",
        "-v",
        "2",
        "the good one",
    ]);
    env.ok(&["models", "delete-version", "clf", "3"]);
    env.ok(&["models", "set-description", "clf", "a model, revised"]);
    env.ok(&["models", "set-tag", "clf", "owner", "ana"]);
    env.ok(&["models", "delete-tag", "clf", "yes"]);
    env.ok(&["models", "rename", "clf", "classifier"]);
    env.ok(&["models", "register", "models:/classifier/2", "other model"]);

    let mlt = registry_canonical(&env);
    let mlflow: serde_json::Value =
        serde_json::from_str(&py("registry.py", &[Path::new("read"), env.root()])).unwrap();
    assert_same(&mlflow, &mlt);
    // The comparison covered what it should: the renamed model kept its tags and aliases.
    let clf = &mlt["models"][0];
    assert_eq!(clf["name"], "classifier");
    assert_eq!(clf["tags"]["team"], "cv");
    assert_eq!(clf["by_alias"]["champion"], 2);
    assert_eq!(clf["versions"].as_array().unwrap().len(), 3);
    assert_eq!(
        clf["versions"][2]["files"],
        serde_json::json!(["MLmodel", "sub/data.txt"])
    );

    // Registered-model search: the same names, in the same order, as MLflow's.
    env.ok(&["models", "set-tag", "other model", "team", "nlp"]);
    env.ok(&[
        "models",
        "create",
        "a prompt",
        "-t",
        "mlflow.prompt.is_prompt=true",
    ]);
    let queries = serde_json::json!([
        ["", []],
        ["name = 'classifier'", []],
        ["name != 'classifier'", []],
        ["name LIKE '%model'", []],
        ["name ILIKE 'CLASS%'", []],
        ["name IN ('classifier', 'nothing')", []],
        ["name NOT IN ('classifier')", []],
        ["tags.team = 'cv'", []],
        ["tags.team != 'cv'", []],
        ["tags.team LIKE '%l%'", []],
        ["tags.`mlflow.prompt.is_prompt` = 'true'", []],
        ["name LIKE '%' and tags.owner = 'ana'", []],
        ["", ["name DESC"]],
        ["", ["creation_timestamp DESC"]],
        ["", ["last_updated_timestamp ASC", "name DESC"]],
    ]);
    let mlflow: serde_json::Value = serde_json::from_str(&py(
        "registry.py",
        &[
            Path::new("search"),
            env.root(),
            Path::new(&queries.to_string()),
        ],
    ))
    .unwrap();
    for (q, expected) in queries
        .as_array()
        .unwrap()
        .iter()
        .zip(mlflow.as_array().unwrap())
    {
        let mut args = vec!["models", "list", "-f", "json"];
        let filter = q[0].as_str().unwrap();
        if !filter.is_empty() {
            args.extend(["--filter", filter]);
        }
        for o in q[1].as_array().unwrap() {
            args.extend(["--order-by", o.as_str().unwrap()]);
        }
        let names: Vec<serde_json::Value> = env.json(&args)["registered_models"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].clone())
            .collect();
        assert_eq!(&serde_json::Value::Array(names), expected, "{q}");
    }
}

#[test]
fn mlt_reads_mlflows_registry() {
    let env = TestEnv::new();
    let mlflow: serde_json::Value =
        serde_json::from_str(&py("registry.py", &[Path::new("write"), env.root()])).unwrap();
    assert_same(&mlflow, &registry_canonical(&env));
    assert_eq!(mlflow["models"].as_array().unwrap().len(), 2);
    // Version numbers go on after a deleted version.
    let next = env.ok(&[
        "models",
        "register",
        "models:/classifier@champion",
        "classifier",
    ]);
    assert_eq!(next, "4");
}

/// Experiments for the filter comparison: tags, equal creation times (so the tie-breakers
/// show), a deleted one, and one written by an old MLflow, without times.
fn experiments_to_search(env: &TestEnv) {
    env.ok(&["init"]);
    let at = |ms: i64, args: &[&str]| {
        let o = env.run_with(args, |c| {
            c.env("MLT_NOW_MS", (harness::NOW + ms).to_string());
        });
        assert_eq!(o.code, 0, "{}", o.stderr);
    };
    let create = ["experiments", "create"];
    at(
        1000,
        &[
            &create[..],
            &["cv-resnet", "-t", "team=vision", "-t", "gpu=a100"],
        ]
        .concat(),
    );
    at(
        2000,
        &[&create[..], &["CV-vit", "-t", "team=Vision"]].concat(),
    );
    at(
        2000,
        &[&create[..], &["nlp", "-t", "team=text", "-t", "note=a.b"]].concat(),
    );
    at(
        3000,
        &[&create[..], &["old_nlp", "-t", "team=text"]].concat(),
    );
    at(
        4000,
        &["experiments", "set-tag", "cv-resnet", "stage", "prod"],
    );
    at(5000, &["experiments", "delete", "old_nlp"]);
    at(6000, &[&create[..], &["legacy"]].concat());
    let id = env.ok(&["experiments", "show", "legacy", "-f", "json"]);
    let id: serde_json::Value = serde_json::from_str(&id).unwrap();
    let meta = env.path(&format!(
        "mlruns/{}/meta.yaml",
        id["experiment"]["experiment_id"].as_str().unwrap()
    ));
    let text = std::fs::read_to_string(&meta).unwrap();
    let old: String = text
        .lines()
        .filter(|l| !l.starts_with("creation_time") && !l.starts_with("last_update_time"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&meta, old).unwrap();
}

#[test]
fn experiment_filters_find_what_mlflow_finds() {
    let env = TestEnv::new();
    experiments_to_search(&env);
    let t = |ms: i64| (harness::NOW + ms).to_string();
    // Filters MLflow accepts; numeric comparisons skip "legacy" first, because MLflow raises
    // a TypeError comparing its missing time with <, > (all() stops at the first false).
    let filters = [
        String::new(),
        "name = 'nlp'".into(),
        "name != 'nlp'".into(),
        "name LIKE 'cv-%'".into(),
        "name ILIKE 'cv-%'".into(),
        "name LIKE 'cv.resnet'".into(),
        "name LIKE 'old_nlp'".into(),
        "attribute.name = \"CV-vit\"".into(),
        "`name` LIKE '%t'".into(),
        "experiment_id = '0'".into(),
        "experiment_id != '0'".into(),
        "experiment_id LIKE '%1%'".into(),
        "experiment_id IN ('0', 'nope')".into(),
        "experiment_id NOT IN ('0')".into(),
        format!("creation_time = {}", t(2000)),
        format!("creation_time != {}", t(2000)),
        format!("name != 'legacy' and creation_time > {}", t(1000)),
        format!("name != 'legacy' and creation_time >= {}", t(1000)),
        format!("name != 'legacy' and creation_time < {}.5", t(2000)),
        format!("name != 'legacy' and creation_time <= {}", t(2000)),
        format!("name != 'legacy' and last_update_time > {}", t(3000)),
        "tags.team = 'vision'".into(),
        "tags.team != 'vision'".into(),
        "tags.team LIKE 'V%'".into(),
        "tags.team ILIKE 'v%'".into(),
        "tag.note LIKE 'a.b'".into(),
        "tags.note LIKE 'a_b'".into(),
        "tags.`stage` = 'prod'".into(),
        "tags.gpu IS NULL".into(),
        "tags.gpu IS NOT NULL".into(),
        "tags.team = 'text' and name LIKE 'old%'".into(),
    ];
    let orders: [&[&str]; 9] = [
        &[],
        &["name"],
        &["name DESC"],
        &["creation_time"],
        &["creation_time DESC"],
        &["attribute.creation_time DESC", "experiment_id"],
        &["last_update_time DESC", "name"],
        &["experiment_id DESC"],
        &["creation_time", "name DESC"],
    ];
    // Cases MLflow refuses, and so does mlt (with exit 2).
    let refused = [
        "name IN ('nlp')",
        "name < 'b'",
        "experiment_id > '0'",
        "experiment_id = 0",
        "experiment_id IN (0)",
        "creation_time = '1'",
        "creation_time LIKE 1",
        "creation_time IS NULL",
        "tags.team < 'x'",
        "tags.team = 1",
        "params.p = 'x'",
        "metrics.m > 1",
        "Name = 'nlp'",
        "lifecycle_stage = 'active'",
        "name = nlp",
    ];
    let mut cases: Vec<(String, Vec<&str>)> = filters
        .iter()
        .map(|f| (f.clone(), Vec::new()))
        .chain(orders.iter().map(|o| (String::new(), o.to_vec())))
        .chain(refused.iter().map(|f| (f.to_string(), Vec::new())))
        .collect();
    cases.push((String::new(), vec!["tags.team"]));
    let json: Vec<serde_json::Value> = cases
        .iter()
        .map(|(f, o)| serde_json::json!({"filter": f, "order_by": o}))
        .collect();
    let cases_file = env.path("cases.json");
    std::fs::write(&cases_file, serde_json::to_string(&json).unwrap()).unwrap();
    let out = py("mlflow_search_experiments.py", &[env.root(), &cases_file]);
    let answers: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), cases.len());
    let mut compared = 0;
    for ((filter, order), mlflow) in cases.iter().zip(&answers) {
        let mut args = vec!["experiments", "list", "--view", "all", "-f", "json"];
        if !filter.is_empty() {
            args.extend(["--filter", filter.as_str()]);
        }
        for o in order {
            args.extend(["--order-by", o]);
        }
        let o = env.run(&args);
        if mlflow.get("error").is_some() {
            assert_eq!(
                o.code, 2,
                "MLflow refuses {filter:?} {order:?} ({mlflow}), mlt says:\n{}",
                o.stdout
            );
            continue;
        }
        assert_eq!(o.code, 0, "{filter:?} {order:?}: {}", o.stderr);
        let listed: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        let ids: Vec<serde_json::Value> = listed["experiments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["experiment_id"].clone())
            .collect();
        assert_eq!(
            &serde_json::Value::Array(ids),
            mlflow,
            "filter {filter:?}, order {order:?}"
        );
        compared += 1;
    }
    assert_eq!(compared, filters.len() + orders.len());
}

/// An MLflow 3 logged sklearn model (files under the experiment's `models/m-.../artifacts`, not the
/// run's): mlt finds it through `runs:/` and `models:/` URIs, registers it again by its
/// `models:/m-...` id, and MLflow loads the version mlt's alias points at.
#[test]
fn mlflow3_logged_models_round_trip() {
    let env = TestEnv::new();
    let out: serde_json::Value =
        serde_json::from_str(&py("logged_model.py", &[Path::new("write"), env.root()])).unwrap();
    let run = out["run_id"].as_str().unwrap();
    let model_id = out["model_id"].as_str().unwrap();
    let files = env.json(&[
        "artifacts",
        "list",
        &format!("runs:/{run}/model"),
        "-f",
        "json",
    ]);
    let names: Vec<&str> = files["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"model/MLmodel"), "{names:?}");
    env.ok(&[
        "artifacts",
        "download",
        &format!("runs:/{run}/model"),
        "--dest",
        "dl",
    ]);
    assert!(env.path("dl/model/MLmodel").is_file());
    let inspected = env.json(&["models", "inspect", "models:/doubler/1", "-f", "json"]);
    assert!(inspected["flavors"]["sklearn"].is_object(), "{inspected}");
    let v1 = env.json(&["models", "version", "models:/doubler/1", "-f", "json"]);
    assert_eq!(v1["model_version"]["model_id"], model_id);
    assert_eq!(v1["model_version"]["run_id"], run);

    let v = env.ok(&[
        "models",
        "register",
        &format!("models:/{model_id}"),
        "doubler",
    ]);
    assert_eq!(v, "2");
    env.ok(&["models", "set-alias", "doubler", "champion", "2"]);
    let v2 = env.json(&[
        "models",
        "version",
        "models:/doubler@champion",
        "-f",
        "json",
    ]);
    assert_eq!(v2["model_version"]["model_id"], model_id);
    assert_eq!(v2["model_version"]["run_id"], run);
    let pred = py(
        "logged_model.py",
        &[
            Path::new("load"),
            env.root(),
            Path::new("models:/doubler@champion"),
        ],
    );
    assert_eq!(pred.trim(), "[2.0, 4.0, 6.0]");
}

/// `mlflow.sklearn.log_model` under `mlt run` writes an MLflow 3 logged model outside the run
/// (`mlruns/<exp>/models/<model_id>/`): `runs show` lists it (issue 11, rough edge 9).
#[test]
fn runs_show_lists_a_model_logged_under_mlt_run() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    let script = repo().join("tests/interop/logged_model.py");
    let root = env.root().display().to_string();
    let o = env.run_with(
        &[
            "run",
            "--",
            python().to_str().unwrap(),
            script.to_str().unwrap(),
            "write",
            &root,
        ],
        |c| {
            c.env("MLFLOW_ALLOW_FILE_STORE", "true");
        },
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let line = o.stdout.lines().last().unwrap();
    let out: serde_json::Value = serde_json::from_str(line).unwrap();
    let run = out["run_id"].as_str().unwrap();
    let model_id = out["model_id"].as_str().unwrap();
    let shown = env.json(&["runs", "show", run, "-f", "json"]);
    assert_eq!(
        shown["run"]["info"]["status"], "FINISHED",
        "the run mlt run started"
    );
    let models = shown["logged_models"].as_array().unwrap();
    assert_eq!(models.len(), 1, "{shown}");
    assert_eq!(models[0]["model_id"], model_id);
    assert_eq!(models[0]["name"], "model");
    let location = models[0]["artifact_location"].as_str().unwrap();
    assert!(
        location.ends_with(&format!("models/{model_id}/artifacts")),
        "{location}"
    );
    let table = env.ok(&["runs", "show", run]);
    assert!(
        table.contains("logged_models.model") && table.contains(model_id),
        "{table}"
    );
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
        let ours = mlt::package::MlModel::load(&artifacts.join(name)).unwrap();
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

/// `mlt run` wraps a Python script that logs through MLflow's own client: `mlflow.start_run()`
/// resumes mlt's run, the artifacts land in the run's folder (not under the script's working
/// directory, which is not the store root), `mlt log` in the same script adds to the same run,
/// the store is relative again afterwards, and MLflow reads the result as mlt does.
#[test]
fn mlflow_client_inside_mlt_run_logs_to_the_run() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    let code = env.path("code");
    std::fs::create_dir_all(&code).unwrap();
    std::fs::write(
        code.join("train.py"),
        r#"import os, subprocess
import mlflow

with mlflow.start_run() as run:
    assert run.info.run_id == os.environ["MLT_RUN_ID"], run.info.run_id
    print("artifact_uri", run.info.artifact_uri, flush=True)
    mlflow.log_param("alpha", 0.5)
    for step in range(3):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    with open("weights.txt", "w") as f:
        f.write("w")
    mlflow.log_artifact("weights.txt", artifact_path="model")
    mlflow.set_tag("framework", "python")
    subprocess.run(["mlt", "log", "metric", "from_shell", "7"], check=True)
    print("eval_acc: 0.9", flush=True)
"#,
    )
    .unwrap();
    std::fs::write(
        code.join("fails_after_end.py"),
        "import sys\nimport mlflow\n\nwith mlflow.start_run():\n    mlflow.log_metric(\"x\", 1)\n\
         # MLflow has ended the run FINISHED here; the script then fails.\nsys.exit(2)\n",
    )
    .unwrap();
    let python_bin = python().to_str().unwrap();
    let o = env.run_with(
        &[
            "run",
            "-e",
            "py",
            "--name",
            "client",
            "--parse-metrics",
            "--",
            python_bin,
            "train.py",
        ],
        |c| {
            c.current_dir(&code);
        },
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let id = o
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("mlt: run "))
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let root_uri = format!("artifact_uri file://{}/mlruns/", env.root().display());
    assert!(o.stdout.starts_with(&root_uri), "{}", o.stdout);
    assert!(
        !code.join("mlruns").exists(),
        "MLflow wrote under the script's folder"
    );

    let run = &env.json(&["runs", "show", &id, "-f", "json"])["run"];
    assert_eq!(run["info"]["status"], "FINISHED");
    let exp = run["info"]["experiment_id"].as_str().unwrap();
    assert_eq!(
        run["info"]["artifact_uri"],
        format!("mlruns/{exp}/{id}/artifacts").as_str()
    );
    assert_eq!(
        harness::kv_map(&run["data"]["params"]),
        serde_json::json!({"alpha": "0.5"})
    );
    let metrics: Vec<(String, f64)> = run["data"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["key"].as_str().unwrap().into(),
                m["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        metrics,
        [
            ("eval_acc".to_string(), 0.9),
            ("from_shell".to_string(), 7.0),
            ("loss".to_string(), 1.0 / 3.0)
        ]
    );
    assert_eq!(harness::kv_map(&run["data"]["tags"])["framework"], "python");
    let files = env.ok(&["artifacts", "list", &id]);
    assert!(files.contains("model/weights.txt"), "{files}");
    assert!(files.contains("stdout.txt"), "{files}");

    // MLflow sees the store as mlt does.
    let mlflow: serde_json::Value =
        serde_json::from_str(&py("mlflow_read.py", &[env.root()])).unwrap();
    assert_same(&mlflow, &canonical(&env));

    // MLflow's client ends its run FINISHED; the exit code that follows decides.
    let o = env.run_with(
        &["run", "-e", "py", "--", python_bin, "fails_after_end.py"],
        |c| {
            c.current_dir(&code);
        },
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    let failed = o
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("mlt: run "))
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(failed, id);
    let run = &env.json(&["runs", "show", &failed, "-f", "json"])["run"];
    assert_eq!(run["info"]["status"], "FAILED");
}

/// MLflow's canonical JSON with the documented import rewrites applied: experiment and run
/// artifact locations become store-relative.
fn with_import_rewrites(mut v: serde_json::Value) -> serde_json::Value {
    for e in v["experiments"].as_array_mut().unwrap() {
        let id = e["experiment_id"].as_str().unwrap().to_string();
        e["artifact_location"] = format!("mlruns/{id}").into();
        for r in e["runs"].as_array_mut().unwrap() {
            let run = r["run_id"].as_str().unwrap().to_string();
            r["artifact_uri"] = format!("mlruns/{id}/{run}/artifacts").into();
        }
    }
    v
}

#[test]
fn mlt_imports_a_store_mlflow_wrote_elsewhere() {
    let written = TestEnv::new();
    let mlflow: serde_json::Value =
        serde_json::from_str(&py("mlflow_write.py", &[written.root()])).unwrap();
    let env = TestEnv::init();
    let o = env.run(&["import", written.path("mlruns").to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // The MLflow store is gone: the artifacts were copied, not pointed at.
    drop(written);
    let want = with_import_rewrites(mlflow);
    assert_same(&want, &canonical(&env));
    // And MLflow reads the imported store with the same values.
    let again: serde_json::Value =
        serde_json::from_str(&py("mlflow_read.py", &[env.root()])).unwrap();
    assert_same(&want, &again);
    // A store is never imported into itself.
    let o = env.run(&["import", env.path("mlruns").to_str().unwrap()]);
    assert_eq!(o.code, 2, "{}", o.stderr);
}

/// MLflow 3's default store is SQLite: MLflow writes an `mlflow.db` (and its artifacts), mlt
/// imports it, and every value MLflow's client reads from the database is what mlt reads
/// from the imported store (and what MLflow reads from it as a file store).
#[test]
fn mlt_imports_an_mlflow_sqlite_database() {
    use serde_json::{Value, json};
    let written = TestEnv::new();
    let out: Value = serde_json::from_str(&py(
        "mlflow_write.py",
        &[written.root(), Path::new("--sqlite")],
    ))
    .unwrap();
    let env = TestEnv::init();
    let o = env.run(&["import", written.path("mlflow.db").to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    drop(written);
    let want = with_import_rewrites(out["tracking"].clone());
    let got = canonical(&env);
    // (MLflow's SQL store keeps ±inf as ±1.7976931348623157e308, and so does the import.)
    assert_same(&want, &got);
    let again: Value = serde_json::from_str(&py("mlflow_read.py", &[env.root()])).unwrap();
    assert_same(&want, &again);
    let runs: usize = got["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["runs"].as_array().unwrap().len())
        .sum();
    assert_eq!(runs, 8);
    // The registry, as MLflow read it from the database.
    let mut models = Vec::new();
    for m in env.json(&["models", "list", "-f", "json"])["registered_models"]
        .as_array()
        .unwrap()
    {
        let name = m["name"].as_str().unwrap();
        let show = &env.json(&["models", "show", name, "-f", "json"])["registered_model"];
        let mut aliases = serde_json::Map::new();
        for a in show["aliases"].as_array().unwrap() {
            let v: i64 = a["version"].as_str().unwrap().parse().unwrap();
            aliases.insert(a["alias"].as_str().unwrap().into(), json!(v));
        }
        let mut versions: Vec<Value> = show["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                json!({
                    "version": v["version"].as_str().unwrap().parse::<i64>().unwrap(),
                    "source": v["source"], "run_id": v["run_id"],
                    "current_stage": v["current_stage"], "description": v["description"],
                    "status": v["status"], "tags": harness::kv_map(&v["tags"]),
                    "creation_timestamp": v["creation_timestamp"],
                })
            })
            .collect();
        versions.sort_by_key(|v| v["version"].as_i64().unwrap());
        models.push(json!({
            "name": name, "description": show["description"],
            "tags": harness::kv_map(&show["tags"]), "aliases": aliases, "versions": versions,
        }));
    }
    assert_same(&out["registry"], &Value::Array(models));
}

/// `mlt export --format mlflow-export-import`: the folders and JSON of that tool, read with
/// Python's json as its importer reads them, hold every value mlt holds.
#[test]
fn the_mlflow_export_import_layout_holds_every_value() {
    let env = TestEnv::new();
    write_with_mlt(&env);
    let o = env.run(&[
        "export",
        "mei",
        "-f",
        "mlflow-export-import",
        "--view",
        "all",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let read: serde_json::Value =
        serde_json::from_str(&py("export_import_read.py", &[&env.path("mei")])).unwrap();
    // What the tool carries: everything but latest metrics, artifact URIs and sizes.
    let mut want = canonical(&env);
    for e in want["experiments"].as_array_mut().unwrap() {
        for r in e["runs"].as_array_mut().unwrap() {
            let r = r.as_object_mut().unwrap();
            r.remove("metrics");
            r.remove("artifact_uri");
        }
    }
    assert_same(&want, &read);
}
