use crate::harness::TestEnv;
use insta::assert_snapshot;

fn run_env() -> (TestEnv, String) {
    let env = TestEnv::init();
    let r = env.start("0", "r");
    (env, r)
}

#[test]
fn metrics_are_mlflow_lines() {
    let (env, r) = run_env();
    for (v, step) in [
        ("0.5", "0"),
        ("nan", "1"),
        ("inf", "2"),
        ("-inf", "3"),
        ("1e-5", "4"),
        ("1e20", "-1"),
        ("3", "5"),
    ] {
        env.ok(&[
            "log",
            "metric",
            "train/loss",
            v,
            "--step",
            step,
            "--timestamp",
            "1000",
            "--run",
            &r,
        ]);
    }
    assert_eq!(
        env.read(&format!("mlruns/0/{r}/metrics/train/loss")),
        "1000 0.5 0\n1000 nan 1\n1000 inf 2\n1000 -inf 3\n1000 1e-05 4\n1000 1e+20 -1\n1000 3.0 5\n"
    );
    assert_snapshot!(env.ok(&["metrics", "history", "train/loss", "--run", &r, "-f", "csv"]), @r"
    step,timestamp,value
    0,1000,0.5
    1,1000,nan
    2,1000,inf
    3,1000,-inf
    4,1000,1e-05
    -1,1000,1e+20
    5,1000,3.0
    ");
    let err = env.fails(&["log", "metric", "m", "abc", "--run", &r], 2);
    assert!(err.contains("'abc' is not a number"), "{err}");
}

#[test]
fn params_never_change() {
    let (env, r) = run_env();
    env.ok(&["log", "param", "lr", "0.01", "--run", &r]);
    env.ok(&["log", "param", "lr", "0.01", "--run", &r]);
    let err = env.fails(&["log", "param", "lr", "0.02", "--run", &r], 1);
    assert_snapshot!(env.normalize(&err), @"error: param 'lr' of run [RUN:r] is already '0.01'; params cannot change (tried '0.02')");
    assert_eq!(env.read(&format!("mlruns/0/{r}/params/lr")), "0.01");
}

#[test]
fn invalid_keys_are_rejected_and_nothing_is_written() {
    let (env, r) = run_env();
    let before = env.snapshot_files();
    let long = "k".repeat(251);
    let cases = [
        (
            "../x",
            "error: invalid param key \"../x\": keys may not start with '/' or '..'",
        ),
        (
            "/etc/passwd",
            "error: invalid param key \"/etc/passwd\": keys may not start with '/' or '..'",
        ),
        (
            "a//b",
            "error: invalid param key \"a//b\": keys must be normal paths (no '//', '/./', '/../' or trailing '/')",
        ),
        ("", "error: invalid param key: the key is empty"),
        (
            &long,
            "error: invalid param key: 251 characters, at most 250 are allowed",
        ),
    ];
    for (key, want) in cases {
        let err = env.fails(&["log", "param", key, "v", "--run", &r], 1);
        assert_eq!(err.trim_end(), want);
        // A batch holding one bad key writes none of its good ones either.
        let err = env.fails(
            &["log", "params", "good=1", &format!("{key}=v"), "--run", &r],
            1,
        );
        assert!(err.starts_with("error: invalid param key"), "{err}");
    }
    let err = env.fails(&["log", "metric", "a*b", "1", "--run", &r], 1);
    assert!(err.contains("character '*' is not allowed"), "{err}");
    assert_eq!(env.snapshot_files(), before);
}

#[test]
fn long_values_are_refused_not_truncated() {
    let (env, r) = run_env();
    let v = "x".repeat(6001);
    let err = env.fails(&["log", "param", "p", &v, "--run", &r], 1);
    assert_snapshot!(err, @r#"error: param "p": value has 6001 characters, at most 6000 are allowed"#);
}

#[test]
fn batch_from_a_file_mixes_both_forms() {
    let (env, r) = run_env();
    let body = r#"{"metrics": [{"key": "m", "value": 1.5, "timestamp": 10, "step": 1}, {"key": "m", "value": "NaN", "timestamp": 11, "step": 2}], "params": [{"key": "p", "value": "v"}], "tags": [{"key": "t/x", "value": "y"}]}
{"step": 3, "timestamp": 12, "metrics": {"m": 2.5, "n": -1}}
"#;
    std::fs::write(env.path("b.jsonl"), body).unwrap();
    let o = env.run(&["log", "batch", "b.jsonl", "--run", &r]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "");
    assert_snapshot!(env.normalize(&o.stderr), @"Logged 4 metric values, 1 params and 1 tags to run [RUN:r]");
    assert_eq!(
        env.read(&format!("mlruns/0/{r}/metrics/m")),
        "10 1.5 1\n11 nan 2\n12 2.5 3\n"
    );
    assert_eq!(env.read(&format!("mlruns/0/{r}/tags/t/x")), "y");
    assert_eq!(env.read(&format!("mlruns/0/{r}/params/p")), "v");
}

#[test]
fn a_bad_record_in_a_file_changes_nothing() {
    let (env, r) = run_env();
    let before = env.snapshot_files();
    let body =
        "{\"metrics\": {\"a\": 1}}\n{\"params\": {\"p\": \"1\"}}\n{\"params\": {\"p\": \"2\"}}\n";
    std::fs::write(env.path("b.jsonl"), body).unwrap();
    let mut after_write = before.clone();
    after_write.push(("b.jsonl".into(), body.as_bytes().to_vec()));
    after_write.sort();
    let err = env.fails(&["log", "batch", "b.jsonl", "--run", &r], 1);
    assert_snapshot!(err, @"error: record 3 (line 3): param 'p' was '1' in an earlier record; params cannot change (got '2')");
    let mut now = env.snapshot_files();
    now.sort();
    assert_eq!(now, after_write);
}

#[test]
fn batch_limits_apply_to_mlflow_bodies() {
    let (env, r) = run_env();
    let metrics: Vec<String> = (0..1001)
        .map(|i| format!("{{\"key\": \"m\", \"value\": {i}, \"timestamp\": 1, \"step\": {i}}}"))
        .collect();
    std::fs::write(
        env.path("big.json"),
        format!("{{\"metrics\": [{}]}}", metrics.join(",")),
    )
    .unwrap();
    let err = env.fails(&["log", "batch", "big.json", "--run", &r], 1);
    assert_snapshot!(err, @"error: record 1 (line 1): a batch may hold at most 1000 metrics, this one has 1001");
}

#[test]
fn batch_streams_from_stdin_in_order() {
    let (env, r) = run_env();
    let lines: String = (0..3000)
        .map(|i| {
            format!(
                "{{\"step\": {i}, \"timestamp\": 5, \"metrics\": {{\"loss\": {}}}}}\n",
                1.0 / (i + 1) as f64
            )
        })
        .collect();
    let o = env.run_with(&["log", "batch"], |c| {
        c.env("MLT_RUN_ID", &r).write_stdin(lines);
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    let file = env.read(&format!("mlruns/0/{r}/metrics/loss"));
    assert_eq!(file.lines().count(), 3000);
    assert_eq!(file.lines().nth(1), Some("5 0.5 1"));
    // A bad record stops the stream; what came before it stays logged, and the error says so.
    let o = env.run_with(&["log", "batch", "-"], |c| {
        c.env("MLT_RUN_ID", &r)
            .write_stdin("{\"metrics\": {\"x\": 1}}\n{\"metrics\": {\"x\": true}}\n");
    });
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("Logged 1 metric values, 0 params and 0 tags to run"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("error: record 2 (line 2): metric 'x': value must be a number"),
        "{}",
        o.stderr
    );
}

#[test]
fn deleted_runs_refuse_logging() {
    let (env, r) = run_env();
    env.ok(&["runs", "delete", &r]);
    let err = env.fails(&["log", "metric", "m", "1", "--run", &r], 1);
    assert_snapshot!(env.normalize(&err), @r"
    error: run [RUN:r] is deleted
    hint: restore it with `mlt runs restore [RUN:r]`
    ");
}

#[test]
fn concurrent_writers_lose_no_line() {
    let (env, r) = run_env();
    let bin = assert_cmd::cargo::cargo_bin("mlt");
    let mut children = Vec::new();
    for w in 0..8 {
        let lines: String = (0..250)
            .map(|i| format!("{{\"step\": {i}, \"metrics\": {{\"shared\": {w}}}}}\n"))
            .collect();
        let path = env.path(&format!("w{w}.jsonl"));
        std::fs::write(&path, lines).unwrap();
        children.push(
            std::process::Command::new(&bin)
                .args(["log", "batch"])
                .arg(&path)
                .args(["--run", &r, "--store"])
                .arg(env.root())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        );
    }
    for w in 0..8 {
        // Param writes (temp file + rename) racing with the appends.
        let mut c = std::process::Command::new(&bin);
        c.args(["log", "params", &format!("p{w}=x"), "--run", &r, "--store"])
            .arg(env.root());
        children.push(c.spawn().unwrap());
    }
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let file = env.read(&format!("mlruns/0/{r}/metrics/shared"));
    assert_eq!(file.lines().count(), 2000);
    for l in file.lines() {
        assert_eq!(l.split(' ').count(), 3, "torn line {l:?}");
    }
    for w in 0..8 {
        assert_eq!(env.read(&format!("mlruns/0/{r}/params/p{w}")), "x");
    }
}

#[test]
fn damaged_metric_files_warn_and_keep_good_lines() {
    let (env, r) = run_env();
    env.ok(&["log", "metric", "m", "1", "--step", "1", "--run", &r]);
    let path = env.path(&format!("mlruns/0/{r}/metrics/m"));
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("17959 0.");
    std::fs::write(&path, text).unwrap();
    std::fs::write(env.path(&format!("mlruns/0/{r}/metrics/empty")), "").unwrap();
    let o = env.run(&["runs", "show", &r, "-f", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let json: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(json["run"]["data"]["metrics"].as_array().unwrap().len(), 1);
    assert_eq!(json["run"]["data"]["metrics"][0]["value"], 1.0);
    let stderr = env.normalize(&o.stderr);
    assert_snapshot!(stderr, @r"
    warning: [STORE]/mlruns/0/[RUN:r]/metrics/empty: empty metric file
    warning: [STORE]/mlruns/0/[RUN:r]/metrics/m:2: torn last line skipped
    ");
}

#[test]
fn batch_takes_the_flat_json_lines_that_parse_metrics_reads() {
    let (env, r) = run_env();
    let o = env.run_with(&["log", "batch"], |c| {
        c.env("MLT_RUN_ID", &r)
            .env("MLT_NOW_MS", "1700000000000")
            .write_stdin("{\"loss\": 0.4}\n{\"loss\": 0.3, \"step\": 1}\n{\"loss\": NaN}\n");
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(env.normalize(&o.stderr), @"Logged 3 metric values, 0 params and 0 tags to run [RUN:r]");
    assert_eq!(
        env.read(&format!("mlruns/0/{r}/metrics/loss")),
        "1700000000000 0.4 0\n1700000000000 0.3 1\n1700000000000 nan 1\n"
    );
    // A field that is not a number is an error, not skipped as `--parse-metrics` skips it.
    let o = env.run_with(&["log", "batch"], |c| {
        c.env("MLT_RUN_ID", &r)
            .write_stdin("{\"loss\": 0.2, \"phase\": \"train\"}\n");
    });
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("error: record 1 (line 1): field 'phase' is neither a metric value"),
        "{}",
        o.stderr
    );
}
