//! `mlt server`'s tracking endpoints with MLflow's real client (tests/interop/
//! server_tracking.py), then what mlt's CLI and MLflow's file-store reader see of the same
//! store; error answers to raw requests; pages; concurrent clients beside the CLI.

use crate::harness::TestEnv;
use crate::python;
use crate::server::Server;
use serde_json::Value;
use std::process::Command;

const SCRIPT: &str = "server_tracking.py";

/// `server_tracking.py canonical RUNS` through MLflow's file-store reader over the store.
fn file_reader_canonical(env: &TestEnv, runs: &[String]) -> Value {
    let out = Command::new(python())
        .arg(crate::repo().join("tests/interop").join(SCRIPT))
        .arg("canonical")
        .args(runs)
        .env(
            "MLFLOW_TRACKING_URI",
            format!("file:{}", env.path("mlruns").display()),
        )
        .env("MLFLOW_ALLOW_FILE_STORE", "true")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "file reader failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn json_line(s: &str) -> Value {
    let line = s
        .lines()
        .rev()
        .find(|l| l.starts_with('{') || l.starts_with('['))
        .unwrap_or("{}");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {s}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// The run as `mlt runs show --format json` gives it: params, latest metrics, tags.
fn mlt_run(env: &TestEnv, run: &str) -> (Value, Value, Value) {
    let v = env.json(&["runs", "show", run, "--format", "json"]);
    let data = &v["run"]["data"];
    let kv = |list: &Value, val: &dyn Fn(&Value) -> Value| -> Value {
        list.as_array()
            .map(|a| {
                a.iter()
                    .map(|x| (x["key"].as_str().unwrap().to_string(), val(&x["value"])))
                    .collect::<serde_json::Map<_, _>>()
            })
            .unwrap_or_default()
            .into()
    };
    (
        kv(&data["params"], &|x| x.clone()),
        kv(&data["metrics"], &|x| x.clone()),
        kv(&data["tags"], &|x| x.clone()),
    )
}

#[test]
fn mlflows_client_uses_every_tracking_endpoint_and_the_cli_and_file_reader_agree() {
    let env = TestEnv::init();
    let server = Server::start(&env, &[]);
    let out = json_line(&server.py(SCRIPT, &["endpoints"]));
    let runs = strings(&out["runs"]);
    let mut args = vec!["canonical"];
    args.extend(runs.iter().map(String::as_str));
    let client = json_line(&server.py(SCRIPT, &args));
    let reader = file_reader_canonical(&env, &runs);
    crate::assert_same(&reader, &client);
    // The dataset the client logged is read back by MLflow's reader from the file layout.
    let parent = &client[&runs[0]];
    assert_eq!(
        parent["datasets"][0][6],
        serde_json::json!([["mlflow.data.context", "Train"]])
    );
    assert_eq!(parent["datasets"][0][3], r#"{"uri": "iris"}"#);
    // mlt's CLI reads the same values.
    for run in &runs {
        let (params, metrics, tags) = mlt_run(&env, run);
        let c = &client[run];
        assert_eq!(params, c["params"], "{run}");
        assert_eq!(tags, c["tags"], "{run}");
        let m = metrics.as_object().unwrap();
        assert_eq!(m.len(), c["metrics"].as_object().unwrap().len(), "{run}");
        for (k, v) in m {
            let repr = c["metrics"][k].as_str().unwrap();
            match v {
                Value::Number(n) => {
                    assert_eq!(n.as_f64().unwrap(), repr.parse::<f64>().unwrap(), "{k}")
                }
                Value::String(s) => assert_eq!(
                    s.to_ascii_lowercase().replace("infinity", "inf"),
                    repr,
                    "{k}"
                ),
                other => panic!("{k}: {other}"),
            }
        }
    }
    // Runs made through the server are laid out as the CLI makes them: a store-relative
    // artifact location in meta.yaml.
    let meta = env.read(&format!(
        "mlruns/{}/{}/meta.yaml",
        out["experiment_id"].as_str().unwrap(),
        runs[2]
    ));
    let want = format!(
        "mlruns/{}/{}/artifacts",
        out["experiment_id"].as_str().unwrap(),
        runs[2]
    );
    assert!(
        meta.lines().any(|l| l.starts_with("artifact_uri: ")
            && l.trim_matches('\'').ends_with(&want)
            && !l.contains("file:")),
        "{meta}"
    );
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn errors_reach_the_client_as_mlflows_exceptions_and_bad_requests_are_4xx() {
    let env = TestEnv::init();
    let server = Server::start(&env, &[]);
    assert_eq!(server.py(SCRIPT, &["errors"]).trim(), "ok");
    let run = env.ok(&["runs", "start", "-q"]);
    let api = "/api/2.0/mlflow";
    let json = [("Content-Type", "application/json")];
    let too_many: Vec<Value> = (0..1001)
        .map(|i| serde_json::json!({"key": "m", "value": 1, "timestamp": 1, "step": i}))
        .collect();
    let big = format!(
        r#"{{"run_id": "{run}", "key": "k", "value": "{}"}}"#,
        "x".repeat(17 * 1024 * 1024)
    );
    let cases: Vec<(&str, String, String, &str)> = vec![
        (
            "POST",
            format!("{api}/experiments/create"),
            "{not json".into(),
            "MALFORMED_REQUEST",
        ),
        (
            "POST",
            format!("{api}/experiments/create"),
            r#"{"name": 5}"#.into(),
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "POST",
            format!("{api}/runs/log-metric"),
            format!(r#"{{"run_id": "{run}", "key": "m", "value": "x", "timestamp": 1}}"#),
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "POST",
            format!("{api}/runs/log-metric"),
            format!(r#"{{"run_id": "{run}", "key": "m", "value": 1, "timestamp": [1]}}"#),
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "POST",
            format!("{api}/runs/log-batch"),
            serde_json::json!({"run_id": run, "metrics": too_many}).to_string(),
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "POST",
            format!("{api}/runs/search"),
            r#"{"experiment_ids": ["0"], "max_results": "lots"}"#.into(),
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "POST",
            format!("{api}/runs/search"),
            r#"{"experiment_ids": ["0"], "page_token": "%%%"}"#.into(),
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "POST",
            format!("{api}/runs/set-tag"),
            big,
            "REQUEST_LIMIT_EXCEEDED",
        ),
        (
            "GET",
            format!("{api}/runs/get?run_id="),
            String::new(),
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "GET",
            format!("{api}/metrics/get-history?run_id={run}&metric_key=m&max_results=-1"),
            String::new(),
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "GET",
            format!("{api}/metrics/get-history-bulk-interval?metric_key=m"),
            String::new(),
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "GET",
            format!("{api}/runs/no-such-endpoint"),
            String::new(),
            "ENDPOINT_NOT_FOUND",
        ),
    ];
    for (method, path, body, code) in cases {
        let (status, answer) = server.http(method, &path, body.as_bytes(), &json);
        let short = &path[..path.len().min(80)];
        assert!(
            (400..500).contains(&status),
            "{method} {short}: {status} {answer}"
        );
        let v: Value = serde_json::from_str(&answer)
            .unwrap_or_else(|_| panic!("{method} {short}: not JSON: {answer}"));
        assert_eq!(v["error_code"], code, "{method} {short}: {answer}");
    }
    // Nothing of the refused requests was written.
    let (params, metrics, _) = mlt_run(&env, &run);
    assert_eq!(
        (params, metrics),
        (serde_json::json!({}), serde_json::json!({}))
    );
    assert!(!server.log().contains(" 500 "), "{}", server.log());
}

#[test]
fn search_runs_and_metric_history_page_through_more_than_one_page() {
    let env = TestEnv::init();
    let server = Server::start(&env, &[]);
    let out = json_line(&server.py(SCRIPT, &["paging", "25"]));
    let runs = strings(&out["runs"]);
    assert_eq!(runs.len(), 25);
    let exp = out["experiment_id"].as_str().unwrap();
    let listed = env.json(&[
        "runs",
        "list",
        "-e",
        exp,
        "--format",
        "json",
        "--max-results",
        "100",
    ]);
    assert_eq!(listed["runs"].as_array().unwrap().len(), 25, "{listed}");
    let hist = env.json(&["metrics", "history", &runs[0], "loss", "--format", "json"]);
    assert_eq!(hist["metrics"].as_array().unwrap().len(), 250);
}

#[test]
fn sixteen_clients_and_the_cli_log_at_once_and_lose_no_point() {
    const CLIENTS: usize = 16;
    const SINGLE: usize = 20; // single log_metric calls per client, then a batch of 100
    let env = TestEnv::init();
    let shared = env.ok(&["runs", "start", "-q", "--name", "shared"]);
    let server = Server::start(&env, &[]);
    // The CLI logs into the same run until the clients are done; its commands are made here
    // (the env is not shared between threads).
    let cli: Vec<std::process::Command> = (0..2000)
        .map(|k| {
            let mut c = env.std_cmd();
            let step = (900_000 + k).to_string();
            c.args([
                "log",
                "metric",
                "shared",
                &step,
                "--step",
                &step,
                "--timestamp",
                "1",
                "--run",
                &shared,
                "-q",
            ]);
            c
        })
        .collect();
    let done = std::sync::atomic::AtomicBool::new(false);
    let start = std::time::Instant::now();
    let (owns, cli_points) = std::thread::scope(|s| {
        let (server, shared, done) = (&server, &shared, &done);
        let clients = s.spawn(move || {
            let out = server.py_output(
                SCRIPT,
                &["workers", shared, &CLIENTS.to_string(), &SINGLE.to_string()],
                |_| {},
            );
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            assert!(
                out.status.success(),
                "workers:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            strings(&json_line(&String::from_utf8(out.stdout).unwrap()))
        });
        let cli = s.spawn(move || {
            let mut n = 0;
            for mut c in cli {
                if done.load(std::sync::atomic::Ordering::SeqCst) && n >= 10 {
                    break;
                }
                let o = c.output().unwrap();
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                n += 1;
            }
            n
        });
        (clients.join().unwrap(), cli.join().unwrap())
    });
    eprintln!(
        "{CLIENTS} clients x {} points + {cli_points} CLI points: {:.1}s",
        SINGLE + 100,
        start.elapsed().as_secs_f64()
    );
    assert_eq!(owns.len(), CLIENTS);
    // Every point of the shared run, once.
    let hist = env.json(&["metrics", "history", &shared, "shared", "--format", "json"]);
    let mut steps: Vec<i64> = hist["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["step"].as_i64().unwrap())
        .collect();
    steps.sort();
    let mut want: Vec<i64> = (0..CLIENTS as i64)
        .flat_map(|i| (0..(SINGLE as i64 + 100)).map(move |s| i * 10000 + s))
        .chain((0..cli_points as i64).map(|k| 900_000 + k))
        .collect();
    want.sort();
    assert_eq!(steps, want);
    for own in &owns {
        let hist = env.json(&["metrics", "history", own, "own", "--format", "json"]);
        let steps: Vec<i64> = hist["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["step"].as_i64().unwrap())
            .collect();
        assert_eq!(
            steps,
            (0..(SINGLE as i64 + 100)).collect::<Vec<_>>(),
            "{own}"
        );
    }
    // MLflow's file reader sees what the client sees.
    let mut runs = owns.clone();
    runs.push(shared.clone());
    let mut args = vec!["canonical"];
    args.extend(runs.iter().map(String::as_str));
    let client = json_line(&server.py(SCRIPT, &args));
    let reader = file_reader_canonical(&env, &runs);
    crate::assert_same(&reader, &client);
    assert_eq!(
        client[&shared]["history"]["shared"]
            .as_array()
            .unwrap()
            .len(),
        want.len()
    );
    assert_eq!(client[&shared]["params"], serde_json::json!({"same": "1"}));
}
