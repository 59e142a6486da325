use crate::harness::TestEnv;
use insta::assert_snapshot;

/// Three runs in "train" and one in "other", with distinct start times.
fn store() -> TestEnv {
    let env = TestEnv::init();
    env.experiment("train");
    env.experiment("other");
    let runs = [
        ("train", "a", "0.01", "0.9", "0.1", 1),
        ("train", "b", "0.1", "0.4", "nan", 2),
        ("train", "c", "0.001", "0.7", "0.3", 3),
        ("other", "d", "0.01", "0.95", "0.05", 4),
    ];
    for (exp, name, lr, acc, loss, t) in runs {
        let o = env.run_with(&["runs", "start", "-e", exp, "--name", name], |c| {
            c.env("MLT_NOW_MS", (crate::harness::NOW + t * 1000).to_string());
        });
        let id = o.value();
        env.name(&id, &format!("[RUN:{name}]"));
        env.ok(&["log", "param", "lr", lr, "--run", &id]);
        env.ok(&[
            "log",
            "metrics",
            &format!("acc={acc}"),
            &format!("loss={loss}"),
            "--run",
            &id,
        ]);
    }
    env
}

#[test]
fn mlflow_filter_and_order() {
    let env = store();
    let out = env.ok(&[
        "runs",
        "search",
        "-e",
        "train",
        "--filter",
        "metrics.acc > 0.5 and params.lr = '0.01' or params.lr = '0.001'",
        "--order-by",
        "metrics.loss DESC",
        "-f",
        "csv",
    ]);
    assert_snapshot!(env.normalize(&out), @r"
    run id,name,status,started,duration,metrics.acc,params.lr,metrics.loss
    [RUN:c],c,RUNNING,2026-11-29 03:27:40,,0.7,0.001,0.3
    [RUN:a],a,RUNNING,2026-11-29 03:27:38,,0.9,0.01,0.1
    ");
}

#[test]
fn across_experiments_with_nan_last_and_numeric_params() {
    let env = store();
    let out = env.ok(&[
        "runs",
        "search",
        "--filter",
        "params.lr < 0.05 or metrics.acc < 0.5",
        "--order-by",
        "metrics.loss",
        "-f",
        "csv",
    ]);
    assert_snapshot!(env.normalize(&out), @r"
    run id,experiment,name,status,started,duration,params.lr,metrics.acc,metrics.loss
    [RUN:d],[EXP:other],d,RUNNING,2026-11-29 03:27:41,,0.01,0.95,0.05
    [RUN:a],[EXP:train],a,RUNNING,2026-11-29 03:27:38,,0.01,0.9,0.1
    [RUN:c],[EXP:train],c,RUNNING,2026-11-29 03:27:40,,0.001,0.7,0.3
    [RUN:b],[EXP:train],b,RUNNING,2026-11-29 03:27:39,,0.1,0.4,nan
    ");
    let json = env.json(&[
        "runs",
        "search",
        "--filter",
        "not params.lr = '0.01'",
        "--max-results",
        "1",
        "-f",
        "json",
    ]);
    assert_eq!(json["runs"].as_array().unwrap().len(), 1);
    assert_eq!(
        json["runs"][0]["info"]["run_name"], "c",
        "newest first by default"
    );
}

#[test]
fn json_shows_whole_runs() {
    // Only the files the filter and the order name are read for every run; the runs shown
    // are then read whole, and must be what `runs show` gives.
    let env = store();
    let a = env.json(&["runs", "search", "--filter", "run_name = 'a'", "-f", "json"]);
    let a = a["runs"][0]["info"]["run_id"].as_str().unwrap().to_string();
    env.ok(&["log", "tag", "team", "cv", "--run", &a]);
    let json = env.json(&[
        "runs",
        "search",
        "--filter",
        "metrics.acc > 0.5",
        "--order-by",
        "metrics.loss",
        "--max-results",
        "2",
        "-f",
        "json",
    ]);
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    for (run, name) in runs.iter().zip(["d", "a"]) {
        assert_eq!(run["info"]["run_name"], name);
        let id = run["info"]["run_id"].as_str().unwrap();
        assert_eq!(*run, env.json(&["runs", "show", id, "-f", "json"])["run"]);
    }
    assert!(runs[1]["data"]["tags"].to_string().contains("\"team\""));
}

#[test]
fn a_wrong_filter_points_at_its_column() {
    let env = store();
    let err = env.fails(
        &[
            "runs",
            "search",
            "--filter",
            "metrics.acc > 0.5 and status = FINISHED",
        ],
        2,
    );
    assert_snapshot!(err, @r"
    error: invalid filter at column 32: value 'FINISHED' must be quoted ('FINISHED') or a number
      metrics.acc > 0.5 and status = FINISHED
                                     ^
    ");
    let err = env.fails(&["runs", "search", "--order-by", "metrics.loss up"], 2);
    assert!(err.contains("invalid --order-by at column 14"), "{err}");
}

#[test]
fn nan_comes_before_missing_in_both_directions_and_params_order_as_text() {
    // store(): a 0.1, b NaN, c 0.3, d 0.05; e has no loss and lr "1e-4" (newest).
    let env = store();
    let e = env
        .run_with(&["runs", "start", "-e", "train", "--name", "e"], |c| {
            c.env("MLT_NOW_MS", (crate::harness::NOW + 5000).to_string());
        })
        .value();
    env.ok(&["log", "param", "lr", "1e-4", "--run", &e]);
    let names = |order: &str| -> Vec<String> {
        let json = env.json(&["runs", "search", "--order-by", order, "-f", "json"]);
        json["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["info"]["run_name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("metrics.loss"), ["d", "a", "c", "b", "e"]);
    assert_eq!(names("metrics.loss DESC"), ["c", "a", "d", "b", "e"]);
    // "0.001" < "0.01" < "0.1" < "1e-4" as text, as MLflow compares them.
    assert_eq!(names("params.lr"), ["c", "d", "a", "b", "e"]);
    assert_eq!(names("params.lr DESC"), ["e", "b", "d", "a", "c"]);
}

#[test]
fn diff_two_runs() {
    let env = TestEnv::init();
    let a = env.start("0", "base");
    let b = env.start("0", "cand");
    env.ok(&["log", "params", "lr=0.1", "opt=sgd", "--run", &a]);
    env.ok(&["log", "params", "lr=0.01", "opt=sgd", "--run", &b]);
    env.ok(&["log", "metrics", "loss=0.5", "acc=0.8", "--run", &a]);
    env.ok(&[
        "log",
        "metrics",
        "loss=0.25",
        "acc=0.8",
        "f1=0.7",
        "--run",
        &b,
    ]);
    std::fs::write(env.path("m.bin"), "12345").unwrap();
    env.ok(&["artifacts", "log", "m.bin", "--run", &b]);
    assert_snapshot!(env.ok(&["runs", "diff", &a, &b, "-f", "md"]), @r"
    |  | key | base | cand | change |
    | --- | --- | --- | --- | --- |
    | param | lr | 0.1 | 0.01 |  |
    | metric | f1 | - | 0.7 |  |
    | metric | loss | 0.5 | 0.25 | -0.25 (-50.0%) |
    | tag | mlflow.runName | base | cand |  |
    | artifact | m.bin | - | 5 B |  |
    ");
    let json = env.json(&["runs", "diff", &a, &b, "-f", "json"]);
    assert_eq!(json["metrics"][1]["relative_change"], -0.5);
    assert_eq!(json["params"][0]["b"], "0.01");
}
