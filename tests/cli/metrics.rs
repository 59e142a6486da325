use crate::harness::{NOW, TestEnv};
use insta::assert_snapshot;

/// Starts a run and names its id `[RUN:<name>]` and its legend form (8 characters) `[<name>]`.
fn start(env: &TestEnv, exp: &str, name: &str, t: i64) -> String {
    let o = env.run_with(&["runs", "start", "-e", exp, "--name", name], |c| {
        c.env("MLT_NOW_MS", (NOW + t * 1000).to_string());
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    let id = o.value();
    // Names are replaced last-added first: the whole id before its prefix.
    env.name(&id[..8], &format!("[{name}]"));
    env.name(&id, &format!("[RUN:{name}]"));
    id
}

/// Logs compact `log batch` records (one per line) to a run.
fn log(env: &TestEnv, run: &str, records: &str) {
    let file = env.path("batch.jsonl");
    std::fs::write(&file, records).unwrap();
    env.ok(&["log", "batch", file.to_str().unwrap(), "--run", run]);
}

/// "train" holds runs a (loss and acc, 5 steps) and b (loss, 3 steps, one NaN); "other"
/// holds c (loss, 2 steps).
fn store() -> (TestEnv, [String; 3]) {
    let env = TestEnv::init();
    // Created a second apart, so that "every experiment" has an order (newest first).
    for (name, t) in [("train", 1), ("other", 2)] {
        let o = env.run_with(&["experiments", "create", name], |c| {
            c.env("MLT_NOW_MS", (NOW + t * 1000).to_string());
        });
        env.name(&o.value(), &format!("[EXP:{name}]"));
    }
    let a = start(&env, "train", "a", 1);
    let b = start(&env, "train", "b", 2);
    let c = start(&env, "other", "c", 3);
    env.ok(&["log", "param", "lr", "0.1", "--run", &a]);
    env.ok(&["log", "param", "lr", "0.01", "--run", &b]);
    log(
        &env,
        &a,
        r#"{"step": 0, "timestamp": 1000, "metrics": {"loss": 1.0, "acc": 0.1}}
{"step": 1, "timestamp": 2000, "metrics": {"loss": 0.5, "acc": 0.4}}
{"step": 2, "timestamp": 4000, "metrics": {"loss": 0.25, "acc": 0.6}}
{"step": 3, "timestamp": 8000, "metrics": {"loss": 0.125, "acc": 0.7}}
{"step": 4, "timestamp": 16000, "metrics": {"loss": 0.0625, "acc": 0.75}}
"#,
    );
    log(
        &env,
        &b,
        r#"{"step": 0, "timestamp": 1500, "metrics": {"loss": 0.9}}
{"step": 2, "timestamp": 2500, "metrics": {"loss": "NaN"}}
{"step": 4, "timestamp": 3500, "metrics": {"loss": 0.3}}
"#,
    );
    log(
        &env,
        &c,
        r#"{"step": 0, "timestamp": 100, "metrics": {"loss": 2.0}}
{"step": 1, "timestamp": 200, "metrics": {"loss": 1e-05}}
"#,
    );
    (env, [a, b, c])
}

#[test]
fn history_of_one_key_keeps_its_columns_in_every_form() {
    let (env, [a, ..]) = store();
    let want =
        "step,timestamp,value\n0,1000,1.0\n1,2000,0.5\n2,4000,0.25\n3,8000,0.125\n4,16000,0.0625";
    // The old form, the run first, a runs:/ URI, and the environment all name the same run.
    assert_eq!(
        env.ok(&["metrics", "history", "loss", "--run", &a, "-f", "csv"]),
        want
    );
    assert_eq!(
        env.ok(&["metrics", "history", &a, "loss", "-f", "csv"]),
        want
    );
    let uri = format!("runs:/{a}");
    assert_eq!(
        env.ok(&["metrics", "history", &uri, "loss", "-f", "csv"]),
        want
    );
    let o = env.run_with(&["metrics", "history", "loss", "-f", "csv"], |c| {
        c.env("MLFLOW_RUN_ID", &a);
    });
    assert_eq!((o.code, o.value().as_str()), (0, want), "{}", o.stderr);
    assert_snapshot!(env.ok(&["metrics", "history", &a, "loss"]), @r"
    STEP  TIMESTAMP  VALUE
    0     1000       1.0
    1     2000       0.5
    2     4000       0.25
    3     8000       0.125
    4     16000      0.0625
    ");
    let json = env.json(&["metrics", "history", &a, "loss", "-f", "json"]);
    assert_eq!(json["metrics"].as_array().unwrap().len(), 5);
    assert_eq!(
        json["metrics"][1],
        serde_json::json!({"key": "loss", "value": 0.5, "timestamp": 2000, "step": 1, "run_id": a})
    );
}

#[test]
fn history_of_several_runs_and_keys_names_them() {
    let (env, [a, b, _]) = store();
    // Runs in order, each once.
    let out = env.ok(&[
        "metrics", "history", &a, "loss", "--run", &b, "--run", &a, "-f", "csv",
    ]);
    assert_snapshot!(env.normalize(&out), @r"
    run_id,key,step,timestamp,value
    [RUN:a],loss,0,1000,1.0
    [RUN:a],loss,1,2000,0.5
    [RUN:a],loss,2,4000,0.25
    [RUN:a],loss,3,8000,0.125
    [RUN:a],loss,4,16000,0.0625
    [RUN:b],loss,0,1500,0.9
    [RUN:b],loss,2,2500,nan
    [RUN:b],loss,4,3500,0.3
    ");
    let out = env.ok(&["metrics", "history", &a, "acc", "loss", "acc", "-f", "md"]);
    assert_eq!(out.lines().count(), 2 + 10, "acc once, then loss: {out}");
    assert!(
        out.lines()
            .nth(2)
            .unwrap()
            .contains("| acc | 0 | 1000 | 0.1 |")
    );
    let json = env.json(&["metrics", "history", &b, "loss", "--run", &a, "-f", "json"]);
    let points = json["metrics"].as_array().unwrap();
    assert_eq!(points.len(), 8);
    assert_eq!(points[1]["value"], "NaN");
    assert_eq!(points[1]["run_id"], b.as_str());
    assert_eq!(points[3]["run_id"], a.as_str());
}

#[test]
fn history_errors_name_the_run_and_key() {
    let (env, [a, b, _]) = store();
    let err = env.fails(&["metrics", "history", &a, "loss", "acc", "--run", &b], 1);
    assert_snapshot!(err, @r"
    error: run [RUN:b] has no metric 'acc'
    hint: its metrics: loss
    ");
    // Without keys, every metric of the run is shown.
    let all = env.ok(&["metrics", "history", &a, "--format", "json"]);
    assert!(
        all.contains("\"key\": \"acc\"") && all.contains("\"key\": \"loss\""),
        "{all}"
    );
    let err = env.fails(&["metrics", "history", "loss"], 2);
    assert!(err.starts_with("error: no run given"), "{err}");
    // An unknown id first is taken as a key.
    let err = env.fails(&["metrics", "history", "0123abcd", "loss", "--run", &a], 1);
    assert_snapshot!(err, @r"
    error: run [RUN:a] has no metric '0123abcd'
    hint: its metrics: acc, loss
    ");
    let err = env.fails(&["metrics", "history", "runs:/nope", "loss"], 1);
    assert_snapshot!(err, @"error: no run with id 'nope'");
    let err = env.fails(&["metrics", "history", "a*b", "--run", &a], 1);
    assert!(err.contains("character '*' is not allowed"), "{err}");
    let err = env.fails(
        &["metrics", "history", &a, "loss", "--plot", "-f", "csv"],
        2,
    );
    assert!(
        err.contains("'--plot' cannot be used with '--format"),
        "{err}"
    );
}

#[test]
fn plot_draws_every_series_on_one_chart() {
    let (env, [a, b, _]) = store();
    let o = env.run_with(
        &[
            "metrics", "history", &a, "loss", "acc", "--run", &b, "--plot", "--height", "8",
        ],
        |c| {
            c.env("COLUMNS", "50");
        },
    );
    assert_eq!(o.code, 1);
    assert!(o.stdout.is_empty());
    assert_eq!(
        env.normalize(&o.stderr),
        "error: run [RUN:b] has no metric 'acc'\nhint: its metrics: loss\n"
    );
    let o = env.run_with(
        &[
            "metrics", "history", "loss", "--run", &a, "--run", &b, "--plot", "--height", "8",
        ],
        |c| {
            c.env("COLUMNS", "50");
        },
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(env.normalize(&o.stdout), @r"
      1.0 ┤●
          │×
          │
          │
      0.5 ┤           ●
          │                                          ×
          │                     ●
    0.062 ┤                                ●         ●
          └┬────────────────────┬────────────────────┬
           0                    2                    4
                              step
           ● [a]/loss   × [b]/loss
    ");
}

#[test]
fn plot_against_time_and_nothing_finite() {
    let (env, [a, _, c]) = store();
    let o = env.run_with(
        &[
            "metrics", "history", &a, "acc", "--plot", "--x", "time", "--height", "4",
        ],
        |c| {
            c.env("COLUMNS", "40");
        },
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(env.normalize(&o.stdout), @r"
    0.75 ┤               ●                 ●
         │       ●
         │  ●
     0.1 ┤●
         └┬─────────────────────┬──────────┬
          0.0                 10.0      15.0
          seconds since 1970-01-01 00:00:01 +00:00
          ● [a]/acc
    ");
    log(&env, &c, "{\"step\": 5, \"metrics\": {\"bad\": \"NaN\"}}\n");
    let err = env.fails(&["metrics", "history", &c, "bad", "--plot"], 1);
    assert_snapshot!(err, @"error: nothing to plot: no point has a finite value");
}

#[test]
fn export_writes_the_long_format_of_every_experiment() {
    let (env, _) = store();
    // Experiments and runs newest first, keys by name, points in file order.
    let out = env.ok(&["metrics", "export"]);
    assert_snapshot!(env.normalize(&out), @r"
    run_id,key,step,timestamp,value
    [RUN:c],loss,0,100,2.0
    [RUN:c],loss,1,200,1e-05
    [RUN:b],loss,0,1500,0.9
    [RUN:b],loss,2,2500,nan
    [RUN:b],loss,4,3500,0.3
    [RUN:a],acc,0,1000,0.1
    [RUN:a],acc,1,2000,0.4
    [RUN:a],acc,2,4000,0.6
    [RUN:a],acc,3,8000,0.7
    [RUN:a],acc,4,16000,0.75
    [RUN:a],loss,0,1000,1.0
    [RUN:a],loss,1,2000,0.5
    [RUN:a],loss,2,4000,0.25
    [RUN:a],loss,3,8000,0.125
    [RUN:a],loss,4,16000,0.0625
    ");
    let out = env.ok(&[
        "metrics", "export", "-e", "train", "--key", "loss", "-f", "jsonl",
    ]);
    assert_snapshot!(env.normalize(&out), @r#"
    {"run_id":"[RUN:b]","key":"loss","step":0,"timestamp":1500,"value":0.9}
    {"run_id":"[RUN:b]","key":"loss","step":2,"timestamp":2500,"value":"NaN"}
    {"run_id":"[RUN:b]","key":"loss","step":4,"timestamp":3500,"value":0.3}
    {"run_id":"[RUN:a]","key":"loss","step":0,"timestamp":1000,"value":1.0}
    {"run_id":"[RUN:a]","key":"loss","step":1,"timestamp":2000,"value":0.5}
    {"run_id":"[RUN:a]","key":"loss","step":2,"timestamp":4000,"value":0.25}
    {"run_id":"[RUN:a]","key":"loss","step":3,"timestamp":8000,"value":0.125}
    {"run_id":"[RUN:a]","key":"loss","step":4,"timestamp":16000,"value":0.0625}
    "#);
}

#[test]
fn export_filters_runs_and_keys() {
    let (env, [_, b, _]) = store();
    let out = env.ok(&[
        "metrics",
        "export",
        "--filter",
        "params.lr = '0.1'",
        "--key",
        "acc",
    ]);
    assert_snapshot!(env.normalize(&out), @r"
    run_id,key,step,timestamp,value
    [RUN:a],acc,0,1000,0.1
    [RUN:a],acc,1,2000,0.4
    [RUN:a],acc,2,4000,0.6
    [RUN:a],acc,3,8000,0.7
    [RUN:a],acc,4,16000,0.75
    ");
    // The latest loss of c is 1e-05, of b 0.3 (step 4), of a 0.0625.
    let out = env.ok(&[
        "metrics",
        "export",
        "--filter",
        "metrics.loss > 0.1",
        "-f",
        "csv",
    ]);
    assert_snapshot!(env.normalize(&out), @r"
    run_id,key,step,timestamp,value
    [RUN:b],loss,0,1500,0.9
    [RUN:b],loss,2,2500,nan
    [RUN:b],loss,4,3500,0.3
    ");
    env.ok(&["runs", "delete", &b]);
    let out = env.ok(&["metrics", "export", "--view", "deleted"]);
    assert_snapshot!(env.normalize(&out), @r"
    run_id,key,step,timestamp,value
    [RUN:b],loss,0,1500,0.9
    [RUN:b],loss,2,2500,nan
    [RUN:b],loss,4,3500,0.3
    ");
    let o = env.run(&[
        "metrics", "export", "--key", "nope", "--key", "acc", "-e", "other",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "run_id,key,step,timestamp,value\n");
    assert_snapshot!(o.stderr, @r"
    warning: no selected run has a metric 'nope'
    warning: no selected run has a metric 'acc'
    ");
}

#[test]
fn export_errors() {
    let (env, _) = store();
    let err = env.fails(&["metrics", "export", "--filter", "metrics.loss >"], 2);
    assert_snapshot!(err, @r"
    error: invalid filter at column 15: expected a value
      metrics.loss >
                    ^
    ");
    let err = env.fails(&["metrics", "export", "-e", "nope"], 1);
    assert_snapshot!(err, @"error: no experiment with id or name 'nope'");
    let err = env.fails(&["metrics", "export", "--key", "../meta.yaml"], 1);
    assert_snapshot!(err, @r#"error: invalid metric key "../meta.yaml": keys may not start with '/' or '..'"#);
    let err = env.fails(&["metrics", "export", "-f", "json"], 2);
    assert!(err.contains("possible values: csv, jsonl"), "{err}");
}

#[test]
fn export_skips_damaged_lines_with_a_warning() {
    let (env, [a, ..]) = store();
    let file = env.path(&format!(
        "mlruns/{}/{a}/metrics/acc",
        env_exp(&env, "train")
    ));
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.insert_str(0, "garbage\n");
    text.push_str("17000 0.8");
    std::fs::write(&file, text).unwrap();
    let o = env.run(&["metrics", "export", "--key", "acc"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout.lines().count(), 1 + 5, "{}", o.stdout);
    assert_snapshot!(env.normalize(&o.stderr), @r"
    warning: [STORE]/mlruns/[EXP:train]/[RUN:a]/metrics/acc:1: malformed metric line skipped: expected 'timestamp value step', found 1 fields
    warning: [STORE]/mlruns/[EXP:train]/[RUN:a]/metrics/acc:7: torn last line skipped
    ");
}

/// The id of an experiment.
fn env_exp(env: &TestEnv, name: &str) -> String {
    env.json(&["experiments", "show", name, "-f", "json"])["experiment"]["experiment_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn export_into_a_closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let (env, [a, ..]) = store();
    // Far more than a pipe holds: the reader goes away while mlt is still writing.
    let lines: String = (0..300_000).map(|i| format!("{i} 0.5 {i}\n")).collect();
    let file = env.path(&format!(
        "mlruns/{}/{a}/metrics/big",
        env_exp(&env, "train")
    ));
    std::fs::write(&file, lines).unwrap();
    let mut child = env
        .std_cmd()
        .args(["metrics", "export"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "run_id,key,step,timestamp,value\n");
    // stdout is closed here.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
