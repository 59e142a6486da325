//! Run order: `mlt runs search --order-by` puts runs where MLflow's `search_runs` puts them,
//! in both directions, for metrics with NaN and missing values (numbers, then NaN, then
//! missing: `SearchUtils._get_value_for_sort`), params and tags compared as text with missing
//! ones last, and attributes such as the end time of a run still going.

use super::harness::{self, TestEnv};
use super::py;
use std::path::Path;

/// One run: name, start offset in seconds, f1, param p, tag t, ended.
type Spec = (
    &'static str,
    i64,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    bool,
);

/// Runs with f1 = a number, NaN or nothing, a text param, a tag, some ended.
fn store(env: &TestEnv) -> String {
    let exp = env.experiment("order");
    let runs: [Spec; 9] = [
        ("r1", 1, Some("0.5"), Some("10"), Some("b"), true),
        ("r2", 2, Some("nan"), Some("9"), None, false),
        ("r3", 3, None, None, Some("a"), true),
        ("r4", 4, Some("0.9"), Some("10.5"), Some("B"), false),
        ("r5", 5, Some("NaN"), None, Some("b"), true),
        ("r6", 6, None, Some("9"), None, false),
        // Same start time as r6: the tie goes by run id.
        ("r7", 6, Some("0.5"), Some("10"), None, true),
        ("r8", 8, Some("-0.25"), Some(""), Some(""), false),
        ("r9", 9, Some("nan"), Some("é"), Some("a"), false),
    ];
    for (name, t, f1, p, tag, ended) in runs {
        let now = (harness::NOW + t * 1000).to_string();
        let at = |c: &mut assert_cmd::Command| {
            c.env("MLT_NOW_MS", &now);
        };
        let id = env
            .run_with(&["runs", "start", "-e", "order", "--name", name], at)
            .value();
        if let Some(v) = f1 {
            env.ok(&["log", "metric", "f1", v, "--run", &id]);
        }
        env.ok(&["log", "metric", "other", "1", "--run", &id]);
        if let Some(v) = p {
            env.ok(&["log", "param", "p", v, "--run", &id]);
        }
        if let Some(v) = tag {
            env.ok(&["log", "tag", "t", v, "--run", &id]);
        }
        if ended {
            let end = (harness::NOW + t * 1000 + 500 - t * 7).to_string();
            let o = env.run_with(&["runs", "end", "--run", &id], |c| {
                c.env("MLT_NOW_MS", &end);
            });
            assert_eq!(o.code, 0, "{}", o.stderr);
        }
    }
    exp
}

#[test]
fn runs_are_ordered_as_mlflow_orders_them() {
    let env = TestEnv::init();
    let exp = store(&env);
    let cases: Vec<Vec<&str>> = vec![
        vec![],
        vec!["metrics.f1"],
        vec!["metrics.f1 ASC"],
        vec!["metrics.f1 DESC"],
        vec!["metric.`f1` desc"],
        vec!["params.p"],
        vec!["params.p DESC"],
        vec!["tags.t"],
        vec!["tags.t DESC"],
        vec!["attributes.end_time"],
        vec!["end_time DESC"],
        vec!["start_time"],
        vec!["run_name DESC"],
        vec!["status"],
        vec!["metrics.f1 DESC", "params.p"],
        vec!["params.p DESC", "metrics.f1"],
        vec!["tags.t", "metrics.f1 DESC"],
        vec!["metrics.nothing DESC", "tags.t DESC"],
    ];
    let cases_file = env.path("cases.json");
    std::fs::write(&cases_file, serde_json::to_string(&cases).unwrap()).unwrap();
    let out = py(
        "mlflow_order.py",
        &[env.root(), Path::new(&exp), &cases_file],
    );
    let answers: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), cases.len());
    for (order, mlflow) in cases.iter().zip(&answers) {
        let mut args = vec![
            "runs",
            "search",
            "-e",
            "order",
            "--view",
            "all",
            "--max-results",
            "1000",
            "-f",
            "json",
        ];
        for o in order {
            args.extend(["--order-by", o]);
        }
        let runs = env.json(&args)["runs"].clone();
        // Names in the assertion, not ids.
        let names = |ids: Vec<&str>| -> Vec<String> {
            let all = runs.as_array().unwrap();
            ids.iter()
                .map(|id| match all.iter().find(|r| r["info"]["run_id"] == *id) {
                    Some(r) => r["info"]["run_name"].to_string(),
                    None => id.to_string(),
                })
                .collect()
        };
        let ids: Vec<&str> = runs
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["info"]["run_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 9, "{order:?}");
        let theirs: Vec<&str> = mlflow
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(names(ids), names(theirs), "order {order:?}: mlt, MLflow");
    }
}
