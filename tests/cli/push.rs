//! `mlt push`: this store's runs to a tracking server (`mlt server` over another store, started
//! here), read back on the server's side; the summary, sign-in and the exit codes.

use crate::harness::TestEnv;
use crate::serve::{Server, churn_store, dead_url, summary};
use serde_json::Value;
use std::collections::HashMap;

const SOURCE: &str = "mlt.source.run_id";

/// An empty store, served.
fn target(extra: &[&str]) -> (TestEnv, Server) {
    let dst = TestEnv::init();
    let server = Server::start(&dst, extra);
    (dst, server)
}

/// The runs of "churn" on the server's store, by the local id in their source tag.
fn there(dst: &TestEnv) -> HashMap<String, Value> {
    let o = dst.run(&["runs", "list", "-e", "churn", "--format", "json"]);
    if o.code != 0 && o.stderr.contains("'churn'") {
        // Not there at all.
        return HashMap::new();
    }
    let list: Value =
        serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stderr));
    let mut by_source = HashMap::new();
    for r in list["runs"].as_array().unwrap() {
        let tags = r["data"]["tags"].as_array().unwrap();
        let source = tags
            .iter()
            .find(|t| t["key"] == SOURCE)
            .unwrap_or_else(|| panic!("a run there without {SOURCE}: {r}"))["value"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            by_source.insert(source.clone(), r.clone()).is_none(),
            "run {source} is twice there"
        );
    }
    by_source
}

fn tag<'a>(run: &'a Value, key: &str) -> Option<&'a str> {
    run["data"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == key)
        .and_then(|t| t["value"].as_str())
}

#[test]
fn push_sends_the_runs_once_then_only_what_changed() {
    let (src, parent, child) = churn_store();
    let (dst, server) = target(&[]);
    let r = summary(&src.ok(&["push", &server.url, "--format", "json"]));
    assert_eq!(r["direction"], "push");
    assert_eq!(r["dry_run"], false);
    assert_eq!(r["url"], server.url.as_str());
    assert_eq!(r["runs"]["new"], 2, "{r}");
    assert_eq!(r["experiments"]["new"], 1, "{r}");
    assert_eq!(r["params"], 2, "{r}");
    assert_eq!(r["metric_points"], 3, "{r}");
    assert_eq!(r["artifacts"], 1, "{r}");
    assert_eq!(r["artifact_bytes"], 12, "{r}");
    // Tags sent with the runs' creation count: the name, user and source of each, the child's
    // parent.
    assert!(r["tags"].as_u64().unwrap() >= 7, "{r}");
    // The store keeps its map of this server.
    assert!(src.path(".mlt/remotes").is_dir());

    // There: new ids, the same values, the child under the parent's id there.
    let runs = there(&dst);
    assert_eq!(runs.len(), 2);
    let (p, c) = (&runs[&parent], &runs[&child]);
    let pid = p["info"]["run_id"].as_str().unwrap();
    assert_ne!(pid, parent);
    assert_eq!(tag(c, "mlflow.parentRunId"), Some(pid));
    assert_eq!(p["info"]["status"], "FINISHED");
    assert_eq!(c["info"]["status"], "RUNNING");
    let mine = src.json(&["runs", "show", &parent, "--format", "json"]);
    assert_eq!(mine["run"]["data"]["params"], p["data"]["params"]);
    assert_eq!(mine["run"]["info"]["start_time"], p["info"]["start_time"]);
    assert_eq!(mine["run"]["info"]["end_time"], p["info"]["end_time"]);
    let history = |env: &TestEnv, run: &str| {
        env.ok(&[
            "metrics", "history", "loss", "--run", run, "--format", "csv",
        ])
    };
    assert_eq!(history(&src, &parent), history(&dst, pid));
    assert!(
        history(&dst, pid).contains(",nan\n"),
        "{}",
        history(&dst, pid)
    );
    let file = dst.ok(&["artifacts", "cat", "notes.txt", "--run", pid]);
    assert_eq!(file, "first model");

    // Again: nothing sent, said on stderr; exit 0; the server's store unchanged.
    let before = dst.snapshot_files();
    let o = src.run(&["push", &server.url, "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = summary(&o.stdout);
    assert_eq!(r["runs"]["unchanged"], 2, "{r}");
    assert_eq!(r["runs"]["new"], 0, "{r}");
    assert_eq!(r["metric_points"], 0, "{r}");
    assert_eq!(r["artifacts"], 0, "{r}");
    assert!(o.stderr.contains("up to date"), "{}", o.stderr);
    assert!(
        dst.snapshot_files() == before,
        "a second push changed the server's store"
    );

    // A point of the running child, then its end: the child alone is sent (URL from
    // MLFLOW_TRACKING_URI).
    src.ok(&["log", "metric", "acc", "0.9", "--run", &child]);
    src.ok(&["runs", "end", &child]);
    let o = src.run_with(&["push", "--format", "json"], |c| {
        c.env("MLFLOW_TRACKING_URI", &server.url);
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = summary(&o.stdout);
    assert_eq!(r["runs"]["updated"], 1, "{r}");
    assert_eq!(r["runs"]["unchanged"], 1, "{r}");
    assert_eq!(r["metric_points"], 1, "{r}");
    let runs = there(&dst);
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[&child]["info"]["status"], "FINISHED");
    let cid = runs[&child]["info"]["run_id"].as_str().unwrap();
    let acc = dst.ok(&["metrics", "history", "acc", "--run", cid, "--format", "csv"]);
    assert!(acc.contains("0.9"), "{acc}");
}

#[test]
fn a_dry_run_changes_nothing_on_either_side() {
    let (src, _parent, _child) = churn_store();
    let (dst, server) = target(&[]);
    let (mine, theirs) = (src.snapshot_files(), dst.snapshot_files());
    let r = summary(&src.ok(&["push", &server.url, "--dry-run", "--format", "json"]));
    assert_eq!(r["dry_run"], true);
    assert_eq!(r["runs"]["new"], 2, "{r}");
    assert_eq!(r["metric_points"], 3, "{r}");
    assert_eq!(r["artifacts"], 1, "{r}");
    assert!(src.snapshot_files() == mine, "a dry run changed this store");
    assert!(
        dst.snapshot_files() == theirs,
        "a dry run changed the server"
    );
}

#[test]
fn push_chooses_runs_and_fails_clearly() {
    let (src, parent, child) = churn_store();
    let (dst, server) = target(&[]);
    let out = src.ok(&[
        "push",
        &server.url,
        "--filter",
        "params.lr = '0.1'",
        "--format",
        "csv",
    ]);
    assert!(out.starts_with("what,new,updated,unchanged"), "{out}");
    assert!(out.contains("\nruns,1,0,0"), "{out}");
    let runs = there(&dst);
    assert!(runs.contains_key(&parent) && !runs.contains_key(&child));
    // -r: the child (its parent is there already).
    let out = src.ok(&["push", &server.url, "-r", &child, "--format", "md"]);
    assert!(out.contains("| runs |"), "{out}");
    assert_eq!(there(&dst).len(), 2);
    // A table by default.
    let out = src.ok(&["push", &server.url, "-e", "churn"]);
    assert!(out.contains("WHAT") && out.contains("runs"), "{out}");

    // No URL anywhere: a usage error.
    let o = src.run_with(&["push"], |c| {
        c.env_remove("MLFLOW_TRACKING_URI");
    });
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("no tracking server"), "{}", o.stderr);
    // A tracking URI that is no server (a database).
    let o = src.run_with(&["push"], |c| {
        c.env("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db");
    });
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("no tracking server"), "{}", o.stderr);
    // A bad filter, an unknown experiment, a server that is not there.
    let err = src.fails(&["push", &server.url, "--filter", "params.lr ="], 2);
    assert!(err.contains("filter"), "{err}");
    let err = src.fails(&["push", &server.url, "-e", "nope"], 1);
    assert!(err.contains("'nope'"), "{err}");
    let o = src.run_with(&["push", &dead_url()], |c| {
        c.env("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0");
    });
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stdout.is_empty());
    assert!(o.stderr.contains("is the server running"), "{}", o.stderr);
}

#[test]
fn push_signs_in_with_a_password_or_a_token() {
    let dst = TestEnv::init();
    let add = |name: &str, pw: &str, extra: &[&str]| {
        let mut args = vec!["server", "user", "add", name, "--auth", "users.yaml"];
        args.extend_from_slice(extra);
        let o = dst.run_with(&args, |c| {
            c.env("MLT_PASSWORD", pw);
        });
        assert_eq!(o.code, 0, "{}", o.stderr);
    };
    add("alice", "correct horse", &[]);
    add("reader", "pw", &["--read-only"]);
    let token = dst.ok(&["server", "user", "token", "alice", "--auth", "users.yaml"]);
    let server = Server::start(&dst, &["--auth", "users.yaml"]);

    let (src, parent, _child) = churn_store();
    // Nobody, a wrong password, a read-only user: refused, nothing there.
    let push = |env: &[(&str, &str)]| {
        src.run_with(&["push", &server.url, "--format", "json"], |c| {
            for (k, v) in env {
                c.env(k, v);
            }
        })
    };
    let o = push(&[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("401"), "{}", o.stderr);
    assert!(o.stderr.contains("MLFLOW_TRACKING_TOKEN"), "{}", o.stderr);
    let o = push(&[
        ("MLFLOW_TRACKING_USERNAME", "alice"),
        ("MLFLOW_TRACKING_PASSWORD", "wrong"),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let o = push(&[
        ("MLFLOW_TRACKING_USERNAME", "reader"),
        ("MLFLOW_TRACKING_PASSWORD", "pw"),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("403"), "{}", o.stderr);
    assert!(there(&dst).is_empty());

    // A password.
    let o = push(&[
        ("MLFLOW_TRACKING_USERNAME", "alice"),
        ("MLFLOW_TRACKING_PASSWORD", "correct horse"),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(summary(&o.stdout)["runs"]["new"], 2);
    assert!(there(&dst).contains_key(&parent));

    // A token, from another store.
    let (other, other_parent, _) = churn_store();
    let o = other.run_with(&["push", &server.url, "--format", "json"], |c| {
        c.env("MLFLOW_TRACKING_TOKEN", &token);
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(summary(&o.stdout)["runs"]["new"], 2);
    let runs = there(&dst);
    assert_eq!(runs.len(), 4);
    assert!(runs.contains_key(&other_parent));
}
