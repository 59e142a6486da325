use crate::harness::TestEnv;
use insta::assert_snapshot;

/// Three runs of "train" with a param that differs, one that does not, and metric histories.
fn store() -> (TestEnv, Vec<String>) {
    let env = TestEnv::init();
    env.experiment("train");
    let mut ids = Vec::new();
    for (name, lr, accs, losses) in [
        ("base", "0.01", [0.5, 0.7, 0.9], [0.9, 0.5, 0.2]),
        ("cand", "0.1", [0.4, 0.6, 0.85], [1.0, 0.6, 0.3]),
        ("lucky", "0.05", [0.6, 0.8, 0.95], [0.8, 0.3, 0.1]),
    ] {
        let id = env.start("train", name);
        env.ok(&[
            "log",
            "params",
            &format!("lr={lr}"),
            "opt=adam",
            "--run",
            &id,
        ]);
        for step in 0..3 {
            env.ok(&[
                "log",
                "metrics",
                &format!("acc={}", accs[step]),
                &format!("loss={}", losses[step]),
                "--step",
                &step.to_string(),
                "--run",
                &id,
            ]);
        }
        ids.push(id);
    }
    (env, ids)
}

#[test]
fn side_by_side_with_best_marked_and_sparklines() {
    let (env, ids) = store();
    let out = env.ok(&["runs", "compare", &ids[0], &ids[1], &ids[2]]);
    assert_snapshot!(env.normalize(&out), @r"
            key     base      cand      lucky
            run id  [RUN:base]  [RUN:cand]  [RUN:lucky]
    param   lr      0.01      0.1       0.05
    param   opt     adam      adam      adam
    metric  acc ↑   0.9 ▁▄█   0.85 ▁▄█  0.95 * ▁▅█
    metric  loss ↓  0.2 █▄▁   0.3 █▄▁   0.1 * █▃▁
    ");
    // Markdown for a pull-request comment: best in bold, only what changed.
    let out = env.ok(&[
        "runs",
        "compare",
        &ids[0],
        &ids[1],
        "--only-changed",
        "--no-sparklines",
        "-f",
        "md",
    ]);
    assert_snapshot!(env.normalize(&out), @r"
    |  | key | base | cand |
    | --- | --- | --- | --- |
    |  | run id | [RUN:base] | [RUN:cand] |
    | param | lr | 0.01 | 0.1 |
    | metric | acc ↑ | **0.9** | 0.85 |
    | metric | loss ↓ | **0.2** | 0.3 |
    ");
}

#[test]
fn wide_csv_and_direction_override() {
    let (env, ids) = store();
    let out = env.ok(&[
        "runs",
        "compare",
        &ids[0],
        &ids[1],
        "--wide",
        "--lower-is-better",
        "acc",
        "-f",
        "csv",
    ]);
    assert_snapshot!(env.normalize(&out), @r"
    run id,name,params.lr,params.opt,metrics.acc,metrics.loss
    [RUN:base],base,0.01,adam,0.9,0.2
    [RUN:cand],cand,0.1,adam,0.85,0.3
    ");
    let out = env.ok(&[
        "runs",
        "compare",
        &ids[0],
        &ids[1],
        "--lower-is-better",
        "acc",
        "-f",
        "csv",
    ]);
    assert_snapshot!(env.normalize(&out), @r"
    ,key,base,cand,best
    ,run id,[RUN:base],[RUN:cand],
    param,lr,0.01,0.1,
    param,opt,adam,adam,
    metric,acc,0.9,0.85,cand
    metric,loss,0.2,0.3,base
    ");
}

#[test]
fn runs_found_by_a_filter_in_order() {
    let (env, _) = store();
    let out = env.ok(&[
        "runs",
        "compare",
        "--filter",
        "metrics.acc > 0.88",
        "--order-by",
        "metrics.loss",
        "-e",
        "train",
        "--wide",
        "-f",
        "csv",
    ]);
    assert_snapshot!(env.normalize(&out), @r"
    run id,name,params.lr,params.opt,metrics.acc,metrics.loss
    [RUN:lucky],lucky,0.05,adam,0.95,0.1
    [RUN:base],base,0.01,adam,0.9,0.2
    ");
    let err = env.fails(&["runs", "compare", "--filter", "metrics.acc > 2"], 1);
    assert_snapshot!(err, @"error: no run matches the filter");
    // A key that no run has is a typo (exit 2), not an empty result.
    let err = env.fails(
        &[
            "runs",
            "compare",
            "--filter",
            "metrics.acuracy > 0.5 or params.lr = '9'",
        ],
        2,
    );
    assert_snapshot!(err, @"error: invalid filter: no run searched has metrics.acuracy");
    let err = env.fails(
        &[
            "runs",
            "compare",
            "--filter",
            "params.lr = '9' and tags.`no such` = 'x'",
        ],
        2,
    );
    assert_snapshot!(err, @"error: invalid filter: no run searched has tags.no such");
}

#[test]
fn json_contract() {
    let (env, ids) = store();
    let v = env.json(&[
        "runs",
        "compare",
        &ids[0],
        &ids[2],
        "-f",
        "json",
        "--fail-if",
        "metrics.acc < base - 0.01",
    ]);
    assert_eq!(v["base"], ids[0].as_str());
    assert_eq!(v["passed"], true);
    assert_eq!(v["runs"][1]["run_name"], "lucky");
    assert_eq!(v["checks"][0]["candidate"], ids[2].as_str());
    assert_eq!(v["checks"][0]["detail"], "0.95 < 0.89");
    let loss = v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "loss")
        .unwrap();
    assert_eq!(loss["lower_is_better"], true);
    assert_eq!(loss["best"][0], ids[2].as_str());
    assert_eq!(loss["values"], serde_json::json!([0.2, 0.1]));
    assert_eq!(v["params"][1]["changed"], false);
}

#[test]
fn ci_gate_fails_with_a_verdict_and_writes_the_summary() {
    let (env, ids) = store();
    let summary = env.path("summary.md");
    let o = env.run(&[
        "runs",
        "compare",
        &ids[0],
        &ids[1],
        "--fail-if",
        "metrics.acc < base - 0.01",
        "--fail-if",
        "metrics.loss > base * 2",
        "--no-sparklines",
        "--summary",
        summary.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("metric  acc ↑"), "{}", o.stdout);
    assert_snapshot!(env.normalize(&o.stderr), @r"
    FAIL metrics.acc < base - 0.01: 0.85 < 0.89 (candidate cand vs base base)
    pass metrics.loss > base * 2: 0.3 > 0.4 (candidate cand vs base base)
    error: regression: 1 of 2 checks failed
    ");
    assert_snapshot!(env.normalize(&env.read("summary.md")), @r"
    ### ❌ mlt runs compare: 1 of 2 checks failed

    Base: base

    | check | candidate | result | values |
    | --- | --- | --- | --- |
    | `metrics.acc < base - 0.01` | cand | ❌ fail | 0.85 < 0.89 |
    | `metrics.loss > base * 2` | cand | ✅ pass | 0.3 > 0.4 |

    |  | key | base | cand |
    | --- | --- | --- | --- |
    |  | run id | [RUN:base] | [RUN:cand] |
    | param | lr | 0.01 | 0.1 |
    | param | opt | adam | adam |
    | metric | acc ↑ | **0.9** | 0.85 |
    | metric | loss ↓ | **0.2** | 0.3 |
    ");

    // A looser gate passes; the base can also come with --filter.
    let o = env.run(&[
        "runs",
        "compare",
        "--filter",
        "attributes.run_name = 'cand'",
        "--base",
        &ids[0],
        "--fail-if",
        "metrics.acc < base - 0.1",
        "-f",
        "csv",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(env.normalize(&o.stderr), @r"
    pass metrics.acc < base - 0.1: 0.85 < 0.8 (candidate cand vs base base)
    All 1 checks passed
    ");
}

#[test]
fn gate_errors_are_usage_errors_before_anything_is_read() {
    let (env, ids) = store();
    let err = env.fails(
        &[
            "runs",
            "compare",
            &ids[0],
            &ids[1],
            "--fail-if",
            "metrics.acc <",
        ],
        2,
    );
    assert_snapshot!(err, @r"
    error: invalid --fail-if at column 14: expected a value, got the end
      metrics.acc <
                   ^
    ");
    let err = env.fails(
        &[
            "runs",
            "compare",
            &ids[0],
            "--fail-if",
            "metrics.acc < base",
        ],
        2,
    );
    assert_snapshot!(err, @r"
    error: --fail-if needs a base run and at least one candidate
    hint: mlt runs compare BASE CANDIDATE --fail-if EXPR (or --filter EXPR --base RUN)
    ");
    // A metric missing in a run fails the gate: a check that cannot be made does not pass.
    let other = env.start("train", "empty");
    let o = env.run(&[
        "runs",
        "compare",
        &ids[0],
        &other,
        "--fail-if",
        "metrics.acc < base",
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("metrics.acc is missing in the candidate run empty"),
        "{}",
        o.stderr
    );
    env.fails(&["runs", "compare"], 2);
    env.fails(&["runs", "compare", &ids[0], "--filter", "x = 1"], 2);
}

#[test]
fn fail_if_quotes_as_filter_does() {
    // `--filter` and `--fail-if` share one lexer: a doubled quote stands for itself in both.
    let (env, ids) = store();
    env.ok(&["log", "params", "note=it's", "--run", &ids[0]]);
    env.ok(&["log", "params", "note=it's", "--run", &ids[1]]);
    let cond = "params.note = 'it''s'";
    let found = env.json(&["runs", "search", "--filter", cond, "-f", "json"]);
    assert_eq!(found["runs"].as_array().unwrap().len(), 2);
    let o = env.run(&["runs", "compare", &ids[0], &ids[1], "--fail-if", cond]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("FAIL params.note = 'it''s': 'it's' = 'it's'"),
        "{}",
        o.stderr
    );
    let o = env.run(&[
        "runs",
        "compare",
        &ids[0],
        &ids[1],
        "--fail-if",
        "params.note != 'it''s' or tag.`mlflow.runName` = 'x'",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // The same runs through --filter and the same condition as a gate.
    let o = env.run(&[
        "runs",
        "compare",
        "--filter",
        cond,
        "--base",
        &ids[0],
        "--fail-if",
        cond,
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
}

#[test]
fn fail_if_with_a_key_no_run_has_is_a_usage_error() {
    let (env, ids) = store();
    let o = env.run(&[
        "runs",
        "compare",
        &ids[0],
        &ids[1],
        "--fail-if",
        "metrics.acuracy < base - 0.01",
    ]);
    assert_eq!(o.code, 2, "a typo is not a regression: {}", o.stderr);
    assert_eq!(o.stdout, "", "nothing is compared");
    assert_snapshot!(o.stderr, @"error: invalid --fail-if 'metrics.acuracy < base - 0.01': no compared run has metrics.acuracy (their metrics: acc, loss)");
    let err = env.fails(
        &[
            "runs",
            "compare",
            &ids[0],
            &ids[1],
            "--fail-if",
            "metrics.acc < base",
            "--fail-if",
            "params.opt != base.params.optimizer",
        ],
        2,
    );
    assert!(
        err.contains("no compared run has params.optimizer (their params: lr, opt)"),
        "{err}"
    );
}
