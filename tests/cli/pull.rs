//! `mlt pull`: runs of a tracking server (`mlt server` over another store, started here) into
//! this store, with the server's ids; the summary and the exit codes.

use crate::harness::TestEnv;
use crate::serve::{Server, churn_store, dead_url, summary};

/// `churn_store`, served.
fn served() -> (TestEnv, Server, String, String) {
    let (src, parent, child) = churn_store();
    let server = Server::start(&src, &[]);
    (src, server, parent, child)
}

#[test]
fn pull_fetches_the_runs_with_their_ids_then_nothing() {
    let (src, server, parent, child) = served();
    let dst = TestEnv::new();
    let out = dst.ok(&["pull", &server.url, "--format", "json"]);
    let r = summary(&out);
    assert_eq!(r["direction"], "pull");
    assert_eq!(r["dry_run"], false);
    assert_eq!(r["url"], server.url.as_str());
    assert_eq!(r["runs"]["new"], 2, "{r}");
    assert_eq!(r["experiments"]["new"], 1, "{r}");
    assert_eq!(r["params"], 2);
    assert_eq!(r["metric_points"], 3);
    // The same runs, the same values, as `runs get` shows them on both sides.
    for id in [&parent, &child] {
        let a = src.json(&["runs", "show", id, "--format", "json"]);
        let b = dst.json(&["runs", "show", id, "--format", "json"]);
        let (a, b) = (&a["run"], &b["run"]);
        assert_eq!(a["info"]["run_id"], id.as_str());
        for part in ["params", "metrics", "tags"] {
            assert_eq!(a["data"][part], b["data"][part], "{id} {part}");
        }
        for field in [
            "run_id",
            "run_name",
            "status",
            "start_time",
            "end_time",
            "user_id",
        ] {
            assert_eq!(a["info"][field], b["info"][field], "{id} {field}");
        }
    }
    let history = |env: &TestEnv| {
        env.ok(&[
            "metrics", "history", "loss", "--run", &parent, "--format", "csv",
        ])
    };
    assert_eq!(history(&src), history(&dst));

    // Again: up to date, said on stderr; exit 0.
    let o = dst.run(&["pull", &server.url, "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = summary(&o.stdout);
    assert_eq!(r["runs"]["unchanged"], 2, "{r}");
    assert_eq!(r["runs"]["new"], 0);
    assert_eq!(r["metric_points"], 0);
    assert!(o.stderr.contains("up to date"), "{}", o.stderr);

    // A new point on the server arrives alone (URL from MLFLOW_TRACKING_URI).
    src.ok(&[
        "log", "metric", "loss", "0.25", "--step", "3", "--run", &parent,
    ]);
    let o = dst.run_with(&["pull", "-e", "churn", "--format", "json"], |c| {
        c.env("MLFLOW_TRACKING_URI", &server.url);
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = summary(&o.stdout);
    assert_eq!(r["runs"]["updated"], 1, "{r}");
    assert_eq!(r["metric_points"], 1, "{r}");
    assert_eq!(history(&src), history(&dst));
}

#[test]
fn a_dry_run_into_no_store_writes_nothing() {
    let (_src, server, _parent, _child) = served();
    let dst = TestEnv::new();
    let out = dst.ok(&["pull", &server.url, "--dry-run", "--format", "json"]);
    let r = summary(&out);
    assert_eq!(r["dry_run"], true);
    assert_eq!(r["runs"]["new"], 2, "{r}");
    assert_eq!(r["metric_points"], 3);
    assert!(!dst.path("mlruns").exists() && !dst.path(".mlt").exists());
    let files = dst.snapshot_files();
    assert!(files.iter().all(|(p, _)| p.is_empty()), "{files:?}");
}

#[test]
fn pull_table_and_filter_and_failures() {
    let (_src, server, parent, child) = served();
    let dst = TestEnv::new();
    let out = dst.ok(&[
        "pull",
        &server.url,
        "--filter",
        "params.lr = '0.1'",
        "--format",
        "csv",
    ]);
    assert!(out.starts_with("what,new,updated,unchanged"), "{out}");
    assert!(out.contains("\nruns,1,0,0"), "{out}");
    assert!(dst.ok(&["runs", "show", &parent]).contains("parent"));
    dst.fails(&["runs", "show", &child], 1);

    // No URL anywhere: a usage error.
    let err = dst.fails(&["pull"], 2);
    assert!(err.contains("no tracking server"), "{err}");
    // A bad filter, an unknown experiment, a server that is not there: failures.
    let err = dst.fails(&["pull", &server.url, "--filter", "params.lr ="], 2);
    assert!(err.contains("filter"), "{err}");
    let o = dst.run(&["pull", &server.url, "-e", "nope"]);
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("nope"), "{}", o.stderr);
    let o = dst.run_with(&["pull", &dead_url()], |c| {
        c.env("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0");
    });
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stdout.is_empty());
}

#[test]
fn pull_of_a_model_alone_brings_the_runs_of_its_versions() {
    let (src, server, parent, child) = served();
    src.ok(&[
        "models",
        "register",
        &format!("runs:/{parent}/"),
        "churn-model",
    ]);
    let dst = TestEnv::new();
    let r = summary(&dst.ok(&["pull", &server.url, "-m", "churn-model", "--format", "json"]));
    assert_eq!(r["models"]["new"], 1, "{r}");
    assert_eq!(r["model_versions"]["new"], 1, "{r}");
    // The version's run, with its values; not the other run of its experiment.
    assert_eq!(r["runs"]["new"], 1, "{r}");
    assert_eq!(r["params"], 2, "{r}");
    assert!(dst.ok(&["runs", "show", &parent]).contains("parent"));
    dst.fails(&["runs", "show", &child], 1);
    let v = dst.json(&["models", "version", "churn-model", "1", "--format", "json"]);
    assert_eq!(v["model_version"]["run_id"], parent.as_str(), "{v}");
    // Again: nothing.
    let r = summary(&dst.ok(&["pull", &server.url, "-m", "churn-model", "--format", "json"]));
    assert_eq!(r["runs"]["unchanged"], 1, "{r}");
    assert_eq!(r["model_versions"]["new"], 0, "{r}");
    // A model the server lacks.
    let err = dst.fails(&["pull", &server.url, "-m", "nope"], 1);
    assert!(err.contains("no registered model 'nope'"), "{err}");
}
