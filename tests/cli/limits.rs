//! Hostile and odd input (issue 10): deep nesting, concurrent first use of an experiment,
//! bad bytes in metric files, out-of-range JSON numbers and small flag mix-ups. Each test
//! here failed on the code before its fix.

use crate::harness::TestEnv;

/// A deeply nested expression is refused with one usage error (exit 2), not a stack overflow.
#[test]
fn deep_nesting_is_a_usage_error_in_every_expression_language() {
    let env = TestEnv::init();
    let base = env.start("e1", "base");
    let cand = env.start("e1", "cand");
    env.ok(&["log", "metric", "loss", "0.5", "--run", &base]);
    env.ok(&["log", "metric", "loss", "0.4", "--run", &cand]);
    let parens = |inner: &str| format!("{}{inner}{}", "(".repeat(7400), ")".repeat(7400));
    let nots = |inner: &str| format!("{}{inner}", "not ".repeat(30_000));
    let cases: Vec<Vec<String>> = vec![
        vec![
            "runs".into(),
            "search".into(),
            "--filter".into(),
            parens("metrics.loss > 0"),
        ],
        vec![
            "runs".into(),
            "search".into(),
            "--filter".into(),
            nots("metrics.loss > 0"),
        ],
        vec![
            "experiments".into(),
            "list".into(),
            "--filter".into(),
            parens("name = 'x'"),
        ],
        vec![
            "experiments".into(),
            "list".into(),
            "--filter".into(),
            nots("name = 'x'"),
        ],
        vec![
            "models".into(),
            "list".into(),
            "--filter".into(),
            parens("name = 'x'"),
        ],
        vec![
            "models".into(),
            "list".into(),
            "--filter".into(),
            nots("name = 'x'"),
        ],
        vec![
            "runs".into(),
            "compare".into(),
            base.clone(),
            cand.clone(),
            format!("--fail-if={}", parens("metrics.loss") + " > 1"),
        ],
        vec![
            "runs".into(),
            "compare".into(),
            base.clone(),
            cand.clone(),
            format!("--fail-if=1 < {}metrics.loss", "-".repeat(30_000)),
        ],
        vec![
            "runs".into(),
            "compare".into(),
            base.clone(),
            cand.clone(),
            format!("--fail-if=1 < {}metrics.loss", "-(".repeat(5000)),
        ],
    ];
    for args in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = env.fails(&args, 2);
        let first = err.lines().next().unwrap();
        assert!(first.starts_with("error: invalid "), "{first}");
        assert!(first.contains("more than 100 deep"), "{first}");
        // The hint quotes the part around the column, not the whole 15 kB filter.
        assert!(err.len() < 600, "{} bytes of error", err.len());
    }
    // Long flat chains are fine: they do not nest.
    let chain = vec!["metrics.loss > 0"; 3000].join(" and ");
    let out = env.ok(&["runs", "search", "--filter", &chain, "-f", "csv"]);
    assert_eq!(out.lines().count(), 3, "{out}");
    let sum = format!(
        "--fail-if=metrics.loss > {}",
        vec!["0.001"; 3000].join(" + ")
    );
    env.ok(&["runs", "compare", &base, &cand, &sum]);
}

/// A byte that is not UTF-8 in a metric file spoils that line only: it is skipped with a
/// warning, as other bad lines are, and the run still reads.
#[test]
fn a_non_utf8_metric_line_is_skipped_with_a_warning() {
    let env = TestEnv::init();
    let exp_id = env.experiment("e1");
    let a = env.start("e1", "a");
    let b = env.start("e1", "b");
    env.ok(&["log", "metric", "loss", "0.5", "--run", &a, "--step", "0"]);
    env.ok(&["log", "metric", "loss", "0.4", "--run", &b]);
    let file = env.path(&format!("mlruns/{exp_id}/{a}/metrics/loss"));
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(b"1796000000000 0.\xff 1\n1796000000001 0.3 2\n");
    std::fs::write(&file, bytes).unwrap();

    let o = env.run(&["metrics", "history", "loss", "--run", &a, "-f", "csv"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let steps: Vec<&str> = o
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(steps, ["0", "2"], "{}", o.stdout);
    assert!(
        o.stderr
            .contains("metrics/loss:2: malformed metric line skipped: not UTF-8"),
        "{}",
        o.stderr
    );
    let shown = env.json(&["runs", "show", &a, "-f", "json"]);
    assert!(shown.to_string().contains("0.3"), "{shown}");
    let o = env.run(&["runs", "compare", &a, &b]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("0.3"), "{}", o.stdout);
}

/// Many processes starting runs in the same new experiment at once: one creates it, the
/// others use it (MLflow's `set_experiment`), and every run lands in that one experiment.
#[test]
fn concurrent_first_use_of_an_experiment_creates_it_once() {
    let env = TestEnv::init();
    let n = 32;
    for round in 0..1 {
        let name = format!("new{round}");
        // Hold the store lock while they start, so all of them look the name up before any
        // can create it: the race, every time.
        let lock = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(env.path(".mlt/lock"))
            .unwrap();
        lock.lock().unwrap();
        let children: Vec<_> = (0..n)
            .map(|i| {
                let mut c = env.std_cmd();
                if i % 2 == 0 {
                    c.args(["runs", "start", "-e", &name]);
                } else {
                    c.args(["run", "-e", &name, "--", "true"]);
                }
                c.stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        lock.unlock().unwrap();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        let exps = env.json(&["experiments", "list", "-f", "json"]);
        let named: Vec<_> = exps["experiments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["name"] == name.as_str())
            .collect();
        assert_eq!(named.len(), 1, "{exps}");
        let runs = env.json(&["runs", "list", "-e", &name, "-f", "json"]);
        assert_eq!(runs["runs"].as_array().unwrap().len(), n, "{runs}");
    }
}

/// A JSON step or timestamp outside the 64-bit range is refused, as `--step` refuses it, and
/// nothing is written; before, it was clamped to i64::MAX without a word.
#[test]
fn log_batch_refuses_steps_and_timestamps_out_of_range() {
    let env = TestEnv::init();
    let run = env.start("e", "r");
    let before = env.snapshot_files();
    for body in [
        r#"{"step": 1e30, "metrics": {"m": 1}}"#,
        r#"{"step": 9223372036854775808, "metrics": {"m": 1}}"#,
        r#"{"step": -1e19, "metrics": {"m": 1}}"#,
        r#"{"step": "9223372036854775808", "metrics": {"m": 1}}"#,
        r#"{"timestamp": 1e300, "metrics": {"m": 1}}"#,
        r#"{"metrics": [{"key": "m", "value": 1, "timestamp": 1, "step": 1e19}]}"#,
        r#"{"metrics": [{"key": "m", "value": 1, "timestamp": 18446744073709551615}]}"#,
    ] {
        let o = env.run_with(&["log", "batch", "--run", &run], |c| {
            c.write_stdin(body);
        });
        // Exit 1, as for any other bad record in the input.
        assert_eq!(o.code, 1, "{body}: {}", o.stderr);
        let last = o.stderr.lines().last().unwrap();
        assert!(
            last.contains("out of the 64-bit range"),
            "{body}: {}",
            o.stderr
        );
    }
    assert!(env.snapshot_files() == before, "the store changed");
    // The ends of the range still go in.
    let body = r#"{"step": 9223372036854775807, "timestamp": 5, "metrics": {"m": 1}}"#;
    let o = env.run_with(&["log", "batch", "--run", &run], |c| {
        c.write_stdin(body);
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    let h = env.ok(&["metrics", "history", "m", "--run", &run, "-f", "csv"]);
    assert!(h.contains("9223372036854775807"), "{h}");
}

/// `{"params": {"p": null}}` is stored as MLflow's client stores `log_param("p", None)`:
/// `str(None)`, which is 'None'. Tags the same (`set_tag`).
#[test]
fn log_batch_stores_null_as_python_does() {
    let env = TestEnv::init();
    let exp = env.experiment("e");
    let run = env.start("e", "r");
    let o = env.run_with(&["log", "batch", "--run", &run], |c| {
        c.write_stdin(r#"{"params": {"p": null}, "tags": {"t": null}}"#);
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(env.read(&format!("mlruns/{exp}/{run}/params/p")), "None");
    assert_eq!(env.read(&format!("mlruns/{exp}/{run}/tags/t")), "None");
}

/// `--version N` on a models subcommand is the model version (an alias of
/// `--model-version`), not a request for mlt's version that changes nothing.
#[test]
fn models_version_flag_names_the_model_version() {
    let env = TestEnv::init();
    let run = env.start("e", "r");
    std::fs::create_dir_all(env.path("m")).unwrap();
    std::fs::write(env.path("m/model.pkl"), "x").unwrap();
    env.ok(&["models", "register", "m", "clf"]);
    let _ = run;
    env.ok(&["models", "set-description", "clf", "d", "--version", "1"]);
    let v = env.json(&["models", "version", "clf", "1", "-f", "json"]);
    assert_eq!(v["model_version"]["description"], "d", "{v}");
    env.ok(&["models", "set-tag", "clf", "k", "v", "--version", "1"]);
    env.ok(&["models", "delete-tag", "clf", "k", "--version", "1"]);
    env.ok(&["models", "delete-description", "clf", "--version", "1"]);
    let v = env.json(&["models", "version", "clf", "1", "-f", "json"]);
    assert!(v["model_version"]["description"].is_null(), "{v}");
    // Where the version is positional, --version is refused, never taken for mlt's version.
    let err = env.fails(
        &["models", "set-alias", "clf", "champion", "--version", "1"],
        2,
    );
    assert!(err.contains("unexpected argument '--version'"), "{err}");
    // mlt's own version is still there.
    assert!(env.ok(&["--version"]).starts_with("mlt "));
}

/// `mlt init` with MLT_STORE set creates the store there, as every other command finds it.
#[test]
fn init_honours_mlt_store() {
    let env = TestEnv::new();
    let o = env.run_with(&["init"], |c| {
        c.env("MLT_STORE", "elsewhere");
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(env.path("elsewhere/mlruns/0/meta.yaml").is_file());
    assert!(!env.path("mlruns").exists());
    assert!(o.stdout.trim_end().ends_with("elsewhere"), "{}", o.stdout);
}

/// `--max-results 0` is a usage error everywhere (MLflow: "It must be a positive integer"),
/// not a search that says no run matches.
#[test]
fn max_results_zero_is_a_usage_error() {
    let env = TestEnv::init();
    let a = env.start("e", "a");
    env.ok(&["log", "metric", "loss", "1", "--run", &a]);
    for args in [
        &[
            "runs",
            "compare",
            "--filter",
            "metrics.loss > 0",
            "--max-results",
            "0",
        ][..],
        &["runs", "search", "--max-results", "0"],
        &["experiments", "list", "--max-results", "0"],
        &["models", "list", "--max-results", "0"],
    ] {
        let err = env.fails(args, 2);
        assert!(err.contains("must be at least 1"), "{args:?}: {err}");
    }
    let out = env.ok(&["runs", "search", "--max-results", "1", "-f", "csv"]);
    assert_eq!(out.lines().count(), 2);
}
