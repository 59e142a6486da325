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
