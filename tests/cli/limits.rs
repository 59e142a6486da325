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
