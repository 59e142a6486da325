//! `mlt push` and `mlt pull` against the real thing, every value checked on the server side
//! through MLflow's own client (`team_read.py`):
//! - MLflow 3.17.2's `mlflow server` over PostgreSQL with proxied S3 artifacts on moto_server
//!   (`scripts/team-stack.sh serve --mode pg`);
//! - the same server with S3 not proxied (`--mode pg-direct`): runs get `s3://` locations,
//!   and mlt (and MLflow's client reading back) move the bytes to and from moto themselves;
//! - the same server over SQLite (`--mode sqlite`);
//! - `mlt server` over another store.
//!
//! The stacks are started once per test binary, on free loopback ports, and stop themselves
//! when it exits (their supervisor watches its stdin, a pipe this process holds). Nothing here
//! skips: a stack that cannot start fails the tests that need it.

use crate::harness::TestEnv;
use crate::server::Server;
use crate::{py, py_in, repo, write_with_mlt};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const SOURCE_RUN: &str = "mlt.source.run_id";
const SOURCE_MODEL: &str = "mlt.source.model_id";
const SOURCE_VERSION: &str = "mlt.source.version";

/// A team stack (`scripts/team-stack.sh serve`): its KEY=VALUE lines, and the supervisor,
/// which stops everything when the pipe to its stdin closes (when this process ends).
struct Stack {
    vars: HashMap<String, String>,
    _supervisor: Mutex<(Child, ChildStdin)>,
}

impl Stack {
    fn start(mode: &str) -> Stack {
        let mut child = Command::new("bash")
            .arg(repo().join("scripts/team-stack.sh"))
            .args(["serve", "--mode", mode])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run scripts/team-stack.sh");
        let stdin = child.stdin.take().unwrap();
        let mut vars = HashMap::new();
        for line in BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map_while(Result::ok)
        {
            if line == "READY=1" {
                return Stack {
                    vars,
                    _supervisor: Mutex::new((child, stdin)),
                };
            }
            if let Some((k, v)) = line.split_once('=') {
                vars.insert(k.to_string(), v.to_string());
            }
        }
        let status = child.wait().unwrap();
        panic!("the {mode} team stack did not start ({status}); its log is above");
    }

    fn url(&self) -> &str {
        &self.vars["MLFLOW_URL"]
    }

    /// What a client needs to reach the stack's S3 itself (the `pg-direct` mode).
    fn s3_env(&self) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_DEFAULT_REGION",
        ]
        .iter()
        .map(|k| (k.to_string(), self.vars[*k].clone()))
        .collect();
        env.push((
            "MLFLOW_S3_ENDPOINT_URL".into(),
            self.vars["S3_ENDPOINT"].clone(),
        ));
        env
    }
}

/// How the test side reaches a server: the environment mlt and the reader get, and the
/// reader's python (MLflow's client with boto3, for `s3://` artifacts), when not the usual.
#[derive(Default)]
struct Client {
    env: Vec<(String, String)>,
    python: Option<std::path::PathBuf>,
}

impl Client {
    fn of(stack: &Stack) -> Client {
        Client {
            env: stack.s3_env(),
            python: Some(stack.vars["STACK_PYTHON"].clone().into()),
        }
    }

    /// `mlt ARGS` in `env`'s store, with this client's environment; its stdout.
    fn ok(&self, env: &TestEnv, args: &[&str]) -> String {
        let out = env.run_with(args, |c| {
            for (k, v) in &self.env {
                c.env(k, v);
            }
        });
        assert_eq!(out.code, 0, "mlt {args:?} failed:\n{}", out.stderr);
        out.stdout
    }

    /// What MLflow's client sees of a server (`team_read.py server`).
    fn read_server(&self, url: &str, only: Option<&str>) -> Value {
        let python = self.python.as_deref().unwrap_or(crate::python());
        let mut args = vec![Path::new("server"), Path::new(url)];
        args.extend(only.map(Path::new));
        serde_json::from_str(&py_in(python, &self.env, "team_read.py", &args)).unwrap()
    }
}

fn stack(mode: &'static str) -> &'static Stack {
    static PG: OnceLock<Stack> = OnceLock::new();
    static DIRECT: OnceLock<Stack> = OnceLock::new();
    static SQLITE: OnceLock<Stack> = OnceLock::new();
    match mode {
        "pg" => PG.get_or_init(|| Stack::start("pg")),
        "pg-direct" => DIRECT.get_or_init(|| Stack::start("pg-direct")),
        _ => SQLITE.get_or_init(|| Stack::start("sqlite")),
    }
}

/// What MLflow's client sees of a server (`team_read.py server`), or of a store.
fn read_server(url: &str, only: Option<&str>) -> Value {
    Client::default().read_server(url, only)
}

fn read_store(env: &TestEnv, only: Option<&str>) -> Value {
    let mut args = vec![Path::new("store"), env.root()];
    if let Some(o) = only {
        args.push(Path::new(o));
    }
    serde_json::from_str(&py("team_read.py", &args)).unwrap()
}

fn experiment<'a>(side: &'a Value, name: &str) -> &'a Value {
    side["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no experiment {name}"))
}

fn runs(exp: &Value) -> &Vec<Value> {
    exp["runs"].as_array().unwrap()
}

fn without(v: &Value, key: &str) -> Value {
    let mut m: Map<String, Value> = v.as_object().cloned().unwrap_or_default();
    m.remove(key);
    Value::Object(m)
}

/// Local run id → the server's run id, for the runs of `names` on the server (each found by
/// its source tag, once).
fn run_ids(server: &Value, names: &[&str]) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for name in names {
        for r in runs(experiment(server, name)) {
            let source = r["tags"][SOURCE_RUN]
                .as_str()
                .unwrap_or_else(|| panic!("run {} there has no {SOURCE_RUN}", r["run_id"]));
            let id = r["run_id"].as_str().unwrap().to_string();
            assert!(
                map.insert(source.to_string(), id).is_none(),
                "run {source} is twice on the server"
            );
        }
    }
    map
}

/// MLflow's SQL store keeps an infinite metric as the largest finite double, of its sign
/// (`SqlAlchemyStore.sanitize_metric_value`); its file store and mlt keep infinity.
fn as_sql_keeps(v: &Value) -> Value {
    match v {
        Value::String(s) if s == "Infinity" => Value::from(f64::MAX),
        Value::String(s) if s == "-Infinity" => Value::from(f64::MIN),
        Value::Array(a) => a.iter().map(as_sql_keeps).collect(),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| (k.clone(), as_sql_keeps(v)))
            .collect(),
        v => v.clone(),
    }
}

/// Every value of the pushed experiments `names` of `local` is on the server; returns how
/// many runs were compared. `sql`: the server is MLflow over SQL (infinities clamped there).
fn assert_pushed(local: &Value, server: &Value, names: &[&str], sql: bool) -> usize {
    let ids = run_ids(server, names);
    let back: HashMap<&str, &str> = ids.iter().map(|(a, b)| (b.as_str(), a.as_str())).collect();
    let mut compared = 0;
    for name in names {
        let (a, b) = (experiment(local, name), experiment(server, name));
        assert_eq!(a["tags"], b["tags"], "experiment {name}'s tags");
        let active: Vec<&Value> = runs(a)
            .iter()
            .filter(|r| r["lifecycle_stage"] == "active")
            .collect();
        assert_eq!(active.len(), runs(b).len(), "runs of {name} there");
        for ra in active {
            let id = ra["run_id"].as_str().unwrap();
            let remote = ids.get(id).unwrap_or_else(|| panic!("run {id} not pushed"));
            let rb = runs(b).iter().find(|r| r["run_id"] == *remote).unwrap();
            for field in [
                "run_name",
                "status",
                "start_time",
                "end_time",
                "lifecycle_stage",
                "user_id",
                "params",
                "metrics",
                "history",
                "artifacts",
                "digests",
            ] {
                let mine = match field {
                    "metrics" | "history" if sql => as_sql_keeps(&ra[field]),
                    _ => ra[field].clone(),
                };
                assert_eq!(mine, rb[field], "run {id}'s {field} there");
            }
            let mut tags = without(&rb["tags"], SOURCE_RUN);
            if let Some(p) = tags.get_mut("mlflow.parentRunId") {
                *p = Value::from(back[p.as_str().unwrap()]);
            }
            assert_eq!(ra["tags"], tags, "run {id}'s tags there");
            compared += 1;
        }
        // MLflow 3 logged models, found by their source tag.
        let models_b = b["logged_models"].as_array().unwrap();
        assert_eq!(
            a["logged_models"].as_array().unwrap().len(),
            models_b.len(),
            "logged models of {name} there"
        );
        for ma in a["logged_models"].as_array().unwrap() {
            let mb = models_b
                .iter()
                .find(|m| m["tags"][SOURCE_MODEL] == ma["model_id"])
                .unwrap_or_else(|| panic!("logged model {} not pushed", ma["model_id"]));
            for field in ["name", "status", "params", "digests"] {
                assert_eq!(
                    ma[field], mb[field],
                    "logged model {}'s {field}",
                    ma["name"]
                );
            }
            assert_eq!(ma["tags"], without(&mb["tags"], SOURCE_MODEL));
            let source = ma["source_run_id"].as_str().map(|r| ids[r].as_str());
            assert_eq!(mb["source_run_id"].as_str(), source);
            // Each point of the model's metrics, its run named by the run's id there.
            let mut metrics = mb["metrics"].clone();
            for p in metrics.as_array_mut().unwrap() {
                let run = p[3].as_str().unwrap();
                p[3] = Value::from(*back.get(run).unwrap_or(&run));
            }
            let mut metrics = metrics.as_array().unwrap().clone();
            metrics.sort_by_key(|p| p.to_string());
            let mut want = ma["metrics"].as_array().unwrap().clone();
            want.sort_by_key(|p| p.to_string());
            assert_eq!(want, metrics, "logged model {}'s metrics", ma["name"]);
        }
    }
    compared
}

/// The registry of `local` is on the server: every model, version (found by its source tag),
/// stage, tag, description, alias and file, the versions' runs being the pushed ones.
fn assert_registry_pushed(local: &Value, server: &Value, ids: &HashMap<String, String>) {
    let models_b = server["registry"]["models"].as_array().unwrap();
    let models_a = local["registry"]["models"].as_array().unwrap();
    assert!(!models_a.is_empty());
    for ma in models_a {
        let name = ma["name"].as_str().unwrap();
        let mb = models_b
            .iter()
            .find(|m| m["name"] == name)
            .unwrap_or_else(|| panic!("model {name} not pushed"));
        assert_eq!(ma["description"], mb["description"], "{name}");
        assert_eq!(ma["tags"], mb["tags"], "{name}");
        let vb = mb["versions"].as_array().unwrap();
        assert_eq!(ma["versions"].as_array().unwrap().len(), vb.len(), "{name}");
        // Local version number → its number there.
        let mut number = HashMap::new();
        for va in ma["versions"].as_array().unwrap() {
            let n = va["version"].as_i64().unwrap();
            let v = vb
                .iter()
                .find(|v| {
                    v["tags"][SOURCE_VERSION]
                        .as_str()
                        .and_then(|t| t.parse().ok())
                        == Some(n)
                })
                .unwrap_or_else(|| panic!("{name} version {n} not pushed"));
            for field in ["current_stage", "description", "status", "files"] {
                assert_eq!(va[field], v[field], "{name} version {n}'s {field}");
            }
            assert_eq!(va["tags"], without(&v["tags"], SOURCE_VERSION));
            let run = va["run_id"].as_str().map(|r| ids[r].as_str());
            assert_eq!(v["run_id"].as_str(), run, "{name} version {n}'s run");
            if let Some(r) = run {
                let src = v["source"].as_str().unwrap();
                let local_run = va["run_id"].as_str().unwrap();
                assert!(
                    r == local_run || !src.contains(local_run),
                    "{name} version {n}'s source {src} names the local run"
                );
            }
            number.insert(n, v["version"].as_i64().unwrap());
        }
        let mapped = |m: &Value| -> Value {
            m.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    let n = v.as_i64().or_else(|| v.as_str()?.parse().ok()).unwrap();
                    (k.clone(), Value::from(number[&n]))
                })
                .collect::<Map<_, _>>()
                .into()
        };
        let there = |m: &Value| -> Value {
            m.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    let n: i64 = v.as_i64().or_else(|| v.as_str()?.parse().ok()).unwrap();
                    (k.clone(), Value::from(n))
                })
                .collect::<Map<_, _>>()
                .into()
        };
        assert_eq!(mapped(&ma["aliases"]), there(&mb["aliases"]), "{name}");
        assert_eq!(mapped(&ma["by_alias"]), there(&mb["by_alias"]), "{name}");
        assert_eq!(
            mapped(&ma["latest_by_stage"]),
            there(&mb["latest_by_stage"]),
            "{name}"
        );
    }
}

/// A store pulled from the server holds what the server holds: the same run ids and values.
fn assert_pulled(server: &Value, pulled: &Value, names: &[&str]) -> usize {
    let mut compared = 0;
    for name in names {
        let (a, b) = (experiment(server, name), experiment(pulled, name));
        assert_eq!(a["tags"], b["tags"], "experiment {name}'s tags");
        assert_eq!(runs(a).len(), runs(b).len(), "runs of {name} pulled");
        for ra in runs(a) {
            let rb = runs(b)
                .iter()
                .find(|r| r["run_id"] == ra["run_id"])
                .unwrap_or_else(|| panic!("run {} not pulled with its id", ra["run_id"]));
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
                "artifacts",
                "digests",
            ] {
                assert_eq!(
                    ra[field], rb[field],
                    "run {}'s {field} pulled",
                    ra["run_id"]
                );
            }
            compared += 1;
        }
        let (la, lb) = (
            a["logged_models"].as_array().unwrap(),
            b["logged_models"].as_array().unwrap(),
        );
        assert_eq!(la.len(), lb.len(), "logged models of {name} pulled");
        for ma in la {
            let mb = lb
                .iter()
                .find(|m| m["model_id"] == ma["model_id"])
                .unwrap_or_else(|| panic!("logged model {} not pulled", ma["model_id"]));
            for field in [
                "name",
                "status",
                "params",
                "tags",
                "source_run_id",
                "metrics",
                "digests",
            ] {
                assert_eq!(
                    ma[field], mb[field],
                    "logged model {}'s {field}",
                    ma["name"]
                );
            }
        }
    }
    for ma in server["registry"]["models"].as_array().unwrap() {
        let name = ma["name"].as_str().unwrap();
        let mb = pulled["registry"]["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .unwrap_or_else(|| panic!("model {name} not pulled"));
        for field in [
            "description",
            "tags",
            "aliases",
            "by_alias",
            "latest_by_stage",
        ] {
            assert_eq!(ma[field], mb[field], "model {name}'s {field} pulled");
        }
        let (va, vb) = (
            ma["versions"].as_array().unwrap(),
            mb["versions"].as_array().unwrap(),
        );
        assert_eq!(va.len(), vb.len(), "{name}'s versions pulled");
        for (x, y) in va.iter().zip(vb) {
            for field in [
                "version",
                "current_stage",
                "description",
                "run_id",
                "status",
                "tags",
                "aliases",
                "files",
            ] {
                assert_eq!(
                    x[field], y[field],
                    "{name} version {}'s {field}",
                    x["version"]
                );
            }
        }
    }
    compared
}

fn summary(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn assert_nothing_sent(report: &Value, runs: u64) {
    for kind in [
        "experiments",
        "runs",
        "logged_models",
        "models",
        "model_versions",
        "aliases",
    ] {
        assert_eq!(report[kind]["new"], 0, "{kind}: {report}");
        assert_eq!(report[kind]["updated"], 0, "{kind}: {report}");
    }
    for n in ["params", "tags", "metric_points", "artifacts"] {
        assert_eq!(report[n], 0, "{n}: {report}");
    }
    assert_eq!(report["runs"]["unchanged"], runs, "{report}");
}

/// The experiments the round trip pushes: `write_with_mlt`'s, `registry.py write`'s and
/// `logged_model.py write`'s (its run is in Default). Only these are read on the server,
/// which other tests use at the same time.
const PUSHED: [&str; 3] = ["vision", "models", "Default"];
const PUSHED_LIST: &str = "vision,models,Default";
const MODELS: [&str; 3] = ["classifier", "other model", "doubler"];

/// A store with everything: runs (nested, NaN and infinities, artifacts, a deleted run, a
/// deleted experiment), a registry written by MLflow's client (versions, stages, aliases, tags,
/// descriptions, a deleted version) and an MLflow 3 logged model, registered.
fn rich_store() -> TestEnv {
    let src = TestEnv::new();
    write_with_mlt(&src);
    py("registry.py", &[Path::new("write"), src.root()]);
    py("logged_model.py", &[Path::new("write"), src.root()]);
    src.ok(&["models", "set-alias", "doubler", "champion", "1"]);
    src.ok(&["models", "stage", "doubler", "1", "staging"]);
    src
}

/// Push, check every value there, push again (nothing changes), log a point and push (it
/// arrives alone), then pull into an empty store (the server's ids and values).
fn round_trip(url: &str, sql: bool, client: &Client) {
    let src = rich_store();
    let local = read_store(&src, Some(PUSHED_LIST));
    // logged_model.py's model has two points of its own (one with a dataset) to compare.
    let model = &experiment(&local, "Default")["logged_models"][0];
    assert_eq!(model["metrics"].as_array().unwrap().len(), 2, "{model}");

    let first = summary(&client.ok(&src, &["push", url, "--format", "json"]));
    // vision: 4 active runs (its deleted run stays here); models: 3; Default: 1.
    assert_eq!(first["runs"]["new"], 8, "{first}");
    assert_eq!(first["runs"]["updated"], 0, "{first}");
    assert!(first["metric_points"].as_u64().unwrap() >= 10, "{first}");
    let server = client.read_server(url, Some(PUSHED_LIST));
    assert_eq!(assert_pushed(&local, &server, &PUSHED, sql), 8);
    assert_registry_pushed(&local, &server, &run_ids(&server, &PUSHED));

    // Again: nothing is sent, nothing changes there.
    let again = summary(&client.ok(&src, &["push", url, "--format", "json"]));
    assert_nothing_sent(&again, 8);
    assert_eq!(
        client.read_server(url, Some(PUSHED_LIST)),
        server,
        "a second push changed the server"
    );

    // A point logged later arrives, alone.
    let vision = experiment(&local, "vision");
    let running = runs(vision)
        .iter()
        .find(|r| r["run_name"] == "still running")
        .unwrap()["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    src.ok(&[
        "log", "metric", "loss", "0.125", "--step", "9", "--run", &running,
    ]);
    let later = summary(&client.ok(&src, &["push", url, "--format", "json"]));
    assert_eq!(later["runs"]["updated"], 1, "{later}");
    assert_eq!(later["runs"]["new"], 0, "{later}");
    assert_eq!(later["metric_points"], 1, "{later}");
    let local = read_store(&src, Some(PUSHED_LIST));
    let server = client.read_server(url, Some(PUSHED_LIST));
    assert_eq!(assert_pushed(&local, &server, &PUSHED, sql), 8);
    let there = &run_ids(&server, &["vision"])[&running];
    let history = &runs(experiment(&server, "vision"))
        .iter()
        .find(|r| r["run_id"] == *there)
        .unwrap()["history"]["loss"];
    assert_eq!(history.as_array().unwrap().len(), 1, "{history}");

    // Pulled into an empty store: the server's ids and every value.
    let dst = TestEnv::new();
    let mut pull = vec!["pull", url, "--format", "json"];
    for e in PUSHED {
        pull.extend(["-e", e]);
    }
    for m in MODELS {
        pull.extend(["-m", m]);
    }
    let pulled = summary(&client.ok(&dst, &pull));
    assert_eq!(pulled["runs"]["new"], 8, "{pulled}");
    let mine = read_store(&dst, Some(PUSHED_LIST));
    assert_eq!(assert_pulled(&server, &mine, &PUSHED), 8);
    // Again: nothing to fetch.
    let again = summary(&client.ok(&dst, &pull));
    assert_eq!(again["runs"]["new"], 0, "{again}");
    assert_eq!(again["metric_points"], 0, "{again}");
    assert_eq!(again["artifacts"], 0, "{again}");
    assert_eq!(
        read_store(&dst, Some(PUSHED_LIST)),
        mine,
        "a second pull changed the store"
    );
}

#[test]
fn push_and_pull_with_mlflow_on_postgresql_and_s3() {
    round_trip(stack("pg").url(), true, &Client::default());
}

#[test]
fn push_and_pull_straight_to_s3_when_the_server_does_not_proxy_artifacts() {
    let stack = stack("pg-direct");
    round_trip(stack.url(), true, &Client::of(stack));
    // The bytes are in the bucket, under the runs' s3:// locations, not behind the server.
    let listing = Command::new(&stack.vars["STACK_PYTHON"])
        .args([
            "-c",
            "import boto3, os, sys\n\
             s3 = boto3.client('s3', endpoint_url=os.environ['MLFLOW_S3_ENDPOINT_URL'])\n\
             keys = [o['Key'] for p in s3.get_paginator('list_objects_v2').paginate(\n\
                 Bucket=sys.argv[1], Prefix='direct/') for o in p.get('Contents', [])]\n\
             print(len(keys))",
            &stack.vars["S3_BUCKET"],
        ])
        .envs(stack.s3_env())
        .output()
        .unwrap();
    assert!(
        listing.status.success(),
        "{}",
        String::from_utf8_lossy(&listing.stderr)
    );
    let n: usize = String::from_utf8_lossy(&listing.stdout)
        .trim()
        .parse()
        .unwrap();
    assert!(n >= 3, "{n} objects under s3://.../direct/");
}

#[test]
fn push_and_pull_with_mlflow_on_sqlite() {
    round_trip(stack("sqlite").url(), true, &Client::default());
}

#[test]
fn push_and_pull_with_mlt_server() {
    let target = TestEnv::new();
    target.ok(&["init"]);
    let server = Server::start(&target, &[]);
    round_trip(&server.url, false, &Client::default());
}

/// A store of `n` runs in experiment `exp`, each with params and two metric histories.
fn many_runs(env: &TestEnv, exp: &str, n: usize) {
    env.ok(&["init"]);
    env.ok(&["experiments", "create", exp]);
    for i in 0..n {
        let run = env.ok(&["runs", "start", "-e", exp, "--name", &format!("run-{i}")]);
        let mut lines = format!(
            "{{\"params\": {{\"i\": {i}, \"lr\": 0.01, \"opt\": \"adam\"}}, \"metrics\": {{}}}}\n"
        );
        for step in 0..40 {
            lines.push_str(&format!(
                "{{\"step\": {step}, \"timestamp\": {}, \"metrics\": {{\"loss\": {}, \"acc\": {}}}}}\n",
                1_700_000_000_000i64 + step,
                1.0 / (step as f64 + 1.0) + i as f64,
                if step == 3 { "\"NaN\"".to_string() } else { format!("{}", step as f64 / 40.0) },
            ));
        }
        let file = env.path("points.jsonl");
        std::fs::write(&file, lines).unwrap();
        env.ok(&["log", "batch", "points.jsonl", "--run", &run]);
        env.ok(&["runs", "end", &run]);
    }
}

#[test]
fn a_push_killed_midway_completes_without_duplicates() {
    let url = stack("pg").url();
    let src = TestEnv::new();
    many_runs(&src, "crash", 100);
    let links = src.path(".mlt/remotes");
    let mut child = src
        .std_cmd()
        .args(["push", url, "-e", "crash", "--jobs", "4"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once some runs are linked and before all are.
    let linked = || {
        walkdir::WalkDir::new(&links)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().parent().is_some_and(|p| p.ends_with("runs")))
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while linked() < 15 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success(), "the push finished first");
    let done = linked();
    assert!((15..100).contains(&done), "{done} runs linked when killed");

    let report = summary(&src.ok(&["push", url, "-e", "crash", "--format", "json"]));
    let runs_total = ["new", "updated", "unchanged"]
        .iter()
        .map(|k| report["runs"][k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(runs_total, 100, "{report}");
    let local = read_store(&src, Some("crash"));
    let server = read_server(url, Some("crash"));
    assert_eq!(assert_pushed(&local, &server, &["crash"], true), 100);
    // And once more: nothing.
    let again = summary(&src.ok(&["push", url, "-e", "crash", "--format", "json"]));
    assert_nothing_sent(&again, 100);
}

/// `mlt server` behind a TLS front (`tls_proxy.py`) with a self-signed certificate for
/// 127.0.0.1: the HTTPS URL, the certificate's PEM file, and what keeps them up.
struct Https {
    url: String,
    cert: std::path::PathBuf,
    _proxy: (Child, ChildStdin),
    _server: Server,
    _dir: tempfile::TempDir,
}

impl Https {
    fn start(target: &TestEnv) -> Https {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        let made = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            ])
            .args(["-subj", "/CN=localhost"])
            .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
            // A server's own certificate, not a CA's (rustls refuses a CA as the server).
            .args(["-addext", "basicConstraints=critical,CA:FALSE"])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .expect("run openssl");
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        let server = Server::start(target, &[]);
        let upstream = server.url.rsplit(':').next().unwrap().to_string();
        let mut child = Command::new("python3")
            .arg(repo().join("tests/interop/tls_proxy.py"))
            .arg(&cert)
            .arg(&key)
            .arg(&upstream)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().strip_prefix("PORT=").expect("the proxy's port");
        Https {
            url: format!("https://127.0.0.1:{port}"),
            cert,
            _proxy: (child, stdin),
            _server: server,
            _dir: dir,
        }
    }
}

#[test]
fn push_and_pull_over_https_trust_only_the_given_certificate() {
    let target = TestEnv::new();
    target.ok(&["init"]);
    let https = Https::start(&target);
    let src = TestEnv::init();
    src.experiment("tls");
    let run = src.start("tls", "over https");
    src.ok(&["log", "params", "lr=0.1", "--run", &run]);
    src.ok(&["log", "metric", "loss", "0.5", "--run", &run]);
    std::fs::write(src.path("notes.txt"), "sent over TLS\n").unwrap();
    src.ok(&["artifacts", "log", "notes.txt", "--run", &run]);
    src.ok(&["runs", "end", &run]);
    let push = ["push", https.url.as_str(), "--format", "json"];
    let cert = https.cert.to_str().unwrap();

    // A certificate no root vouches for is refused, and nothing is sent.
    let refused = src.run(&push);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    let err = refused.stderr.to_lowercase();
    assert!(
        err.contains("tls: ") && err.contains("certificate"),
        "{err}"
    );
    assert!(err.contains("mlflow_tracking_server_cert_path"), "{err}");
    let exps = target.json(&["experiments", "list", "--format", "json"]);
    assert!(
        !exps["experiments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "tls"),
        "{exps}"
    );

    // Trusted through MLFLOW_TRACKING_SERVER_CERT_PATH: the run goes.
    let with_cert = |env: &TestEnv, args: &[&str]| {
        let out = env.run_with(args, |c| {
            c.env("MLFLOW_TRACKING_SERVER_CERT_PATH", cert);
        });
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let first = summary(&with_cert(&src, &push));
    assert_eq!(first["runs"]["new"], 1, "{first}");
    let there = target.json(&["runs", "list", "-e", "tls", "--format", "json"]);
    assert_eq!(there["runs"].as_array().unwrap().len(), 1, "{there}");

    // MLFLOW_TRACKING_INSECURE_TLS=true skips the check: the push goes through, and finds
    // nothing to send.
    let out = src.run_with(&push, |c| {
        c.env("MLFLOW_TRACKING_INSECURE_TLS", "true");
    });
    assert_eq!(out.code, 0, "{}", out.stderr);
    let again = summary(&out.stdout);
    assert_nothing_sent(&again, 1);

    // And back, with the artifact's bytes.
    let dst = TestEnv::new();
    let pulled = summary(&with_cert(
        &dst,
        &["pull", https.url.as_str(), "-e", "tls", "--format", "json"],
    ));
    assert_eq!(pulled["runs"]["new"], 1, "{pulled}");
    let id = there["runs"][0]["info"]["run_id"].as_str().unwrap();
    let got = with_cert(&dst, &["artifacts", "cat", "notes.txt", "--run", id]);
    assert_eq!(got, "sent over TLS\n");
}
