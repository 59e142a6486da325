//! The experiments list and the runs table in Chromium (`tests/browser/table*.py`): a store
//! written with the CLI, opened at `/` and `/experiments/<id>`; searching, filtering (a bad
//! filter's caret), sorting, choosing columns with globs, nested runs, selecting runs for the
//! compare view, the URL carrying the state, live updates of a RUNNING run, the XSS case; and a
//! 10,000-run experiment that keeps only the rows in sight in the DOM.

use crate::browser::browser;
use crate::harness::TestEnv;
use crate::server::Server;
use std::fmt::Write as _;

fn metric(env: &TestEnv, run: &str, key: &str, value: &str, step: i64) {
    env.ok(&[
        "log",
        "metric",
        key,
        value,
        "--step",
        &step.to_string(),
        "--run",
        run,
    ]);
}

#[test]
fn browser_table_lists_filters_sorts_selects_and_updates_runs() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    let vision = env.ok(&["experiments", "create", "vision", "-t", "team=cv"]);
    let nlp = env.ok(&["experiments", "create", "nlp"]);
    let old = env.ok(&["experiments", "create", "old-stuff"]);
    env.ok(&["runs", "start", "-e", "old-stuff", "--name", "gone"]);
    env.ok(&["experiments", "delete", &old]);

    let mut ids = serde_json::Map::new();
    let mut run = |name: &str, lr: &str, opt: &str, team: &str, losses: &[f64], end: bool| {
        let id = env.ok(&["runs", "start", "-e", "vision", "--name", name]);
        env.ok(&[
            "log",
            "params",
            &format!("lr={lr}"),
            &format!("optimizer={opt}"),
            "--run",
            &id,
        ]);
        env.ok(&["log", "tag", "team", team, "--run", &id]);
        for (i, l) in losses.iter().enumerate() {
            metric(&env, &id, "loss", &l.to_string(), i as i64);
        }
        metric(&env, &id, "acc", "0.5", 0);
        if end {
            env.ok(&["runs", "end", "--run", &id]);
        }
        ids.insert(name.to_string(), id.clone().into());
        id
    };
    // latest loss: alpha 0.5 (min 0.2, max 0.9), beta 0.3, gamma 0.7, delta 0.1
    run("alpha", "0.1", "adam", "cv", &[0.9, 0.2, 0.5], true);
    run("beta", "0.01", "sgd", "cv", &[0.3], true);
    run("gamma", "0.001", "adam", "nlp-team", &[0.7], true);
    run("delta", "0.01", "adam", "cv", &[0.1], true);
    run(
        "<img src=x onerror=alert(1)>",
        "0.5",
        "sgd",
        "cv",
        &[0.6],
        true,
    );
    let live = run("live", "0.2", "sgd", "cv", &[1.0], false);
    let sweep = run("sweep", "0.05", "adam", "cv", &[0.4], true);
    for c in ["child-1", "child-2"] {
        let id = env.ok(&[
            "runs", "start", "-e", "vision", "--name", c, "--parent", &sweep,
        ]);
        env.ok(&["log", "params", "lr=0.05", "--run", &id]);
        metric(&env, &id, "loss", "0.45", 0);
        env.ok(&["runs", "end", "--run", &id]);
        ids.insert(c.to_string(), id.into());
    }
    for n in ["bert", "gpt"] {
        let id = env.ok(&["runs", "start", "-e", "nlp", "--name", n]);
        env.ok(&["log", "params", "lr=0.3", "--run", &id]);
        env.ok(&["runs", "end", "--run", &id]);
        ids.insert(n.to_string(), id.into());
    }
    let setup = serde_json::json!({
        "vision": vision, "nlp": nlp, "old": old, "runs": ids, "live": live,
        "mlt": assert_cmd::cargo::cargo_bin("mlt"), "store": env.root(),
    });

    let server = Server::start(&env, &[]);
    let out = browser(
        "table.py",
        &[&server.url, &setup.to_string()],
        Some(&server),
    );
    assert!(out.trim_end().ends_with("ok"), "{out}");
}

/// 10,000 runs written as files (the store's layout, as the spec says MLflow writes it): the
/// table shows them, holds only the rows in sight, and scrolls to the last one.
#[test]
fn browser_table_virtualizes_ten_thousand_runs() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    let exp = env.ok(&["experiments", "create", "big"]);
    let dir = env.path(&format!("mlruns/{exp}"));
    assert!(dir.join("meta.yaml").is_file(), "{}", dir.display());
    let n = 10_000;
    let t0: i64 = 1_790_000_000_000;
    for i in 0..n {
        let id = format!("{:032x}", 0xabc0_0000_u64 + i as u64);
        let run = dir.join(&id);
        // The three folders a run must have, and as few files as will do: 10,000 runs take
        // about 240 MB of 4 KB blocks.
        for d in ["metrics", "params", "artifacts"] {
            std::fs::create_dir_all(run.join(d)).unwrap();
        }
        let start = t0 + i as i64 * 1000;
        let mut meta = String::new();
        writeln!(
            meta,
            "artifact_uri: {}\nend_time: {}\nentry_point_name: ''\nexperiment_id: '{exp}'\n\
             lifecycle_stage: active\nrun_id: {id}\nrun_name: run-{i:05}\nsource_name: ''\n\
             source_type: 4\nsource_version: ''\nstart_time: {start}\nstatus: 3\ntags: []\n\
             user_id: tester",
            run.join("artifacts").display(),
            start + 500
        )
        .unwrap();
        std::fs::write(run.join("meta.yaml"), meta).unwrap();
        std::fs::write(
            run.join("metrics/loss"),
            format!("{start} {} 0\n", 1.0 / (i as f64 + 1.0)),
        )
        .unwrap();
    }
    let server = Server::start(&env, &[]);
    let out = browser(
        "table_10k.py",
        &[&server.url, &exp, &n.to_string()],
        Some(&server),
    );
    eprintln!("{out}");
    assert!(out.trim_end().ends_with("ok"), "{out}");
}
