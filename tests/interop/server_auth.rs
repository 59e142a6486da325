//! `mlt server --auth` and `--read-only` against MLflow's real client: it signs in with
//! MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN, raises (without retrying) on 401
//! and on 403 PERMISSION_DENIED.

use crate::harness::TestEnv;
use crate::server::Server;

/// A store with a credentials file: `alice` may write, `reader` may only read; returns a
/// bearer token of alice's.
fn store_with_users() -> (TestEnv, String) {
    let env = TestEnv::init();
    for (name, pw, extra) in [
        ("alice", "pw-alice", None),
        ("reader", "pw-reader", Some("--read-only")),
    ] {
        let mut args = vec!["server", "user", "add", name, "--auth", "users.yaml"];
        args.extend(extra);
        let o = env.run_with(&args, |c| {
            c.env("MLT_PASSWORD", pw);
        });
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    let token = env.ok(&["server", "user", "token", "alice", "--auth", "users.yaml"]);
    (env, token)
}

/// Runs `server_auth.py ACTION` with these environment variables, the client's own retry
/// settings (not the suite's "no retries": a 401 or 403 must not be retried anyway).
fn client(server: &Server, action: &str, vars: &[(&str, &str)]) -> serde_json::Value {
    let out = server.py_with("server_auth.py", &[action], |c| {
        c.env_remove("MLFLOW_HTTP_REQUEST_MAX_RETRIES");
        for (k, v) in vars {
            c.env(k, v);
        }
    });
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn basic<'a>(user: &'a str, pw: &'a str) -> [(&'a str, &'a str); 2] {
    [
        ("MLFLOW_TRACKING_USERNAME", user),
        ("MLFLOW_TRACKING_PASSWORD", pw),
    ]
}

/// The client raised at once (no retries with back-off) and its message says why (`401`, or
/// the error code).
fn raised(v: &serde_json::Value, why: &str) {
    assert_eq!(v["ok"], false, "{v}");
    assert!(v["seconds"].as_f64().unwrap() < 20.0, "retried: {v}");
    assert!(v["message"].as_str().unwrap().contains(why), "{v}");
}

#[test]
fn without_or_with_wrong_credentials_the_client_raises_401() {
    let (env, _) = store_with_users();
    let server = Server::start(&env, &["--auth", "users.yaml"]);
    for vars in [
        &[][..],
        &basic("alice", "wrong")[..],
        &basic("mallory", "pw-alice")[..],
        &[("MLFLOW_TRACKING_TOKEN", "mlt_not-a-token")][..],
    ] {
        let v = client(&server, "read", vars);
        raised(&v, "401");
        // MLflow's own text, so the user learns how to sign in.
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains("You are not authenticated"),
            "{v}"
        );
    }
    let (status, _) = server.http("GET", "/health", b"", &[]);
    assert_eq!(status, 200, "/health stays open");
    let (status, _) = server.http("GET", "/version", b"", &[]);
    assert_eq!(status, 200, "/version stays open");
    // Nothing was written by the refused clients.
    let log = server.log_once_it_has(" 401 ");
    assert!(log.contains(" 401 "), "{log}");
}

#[test]
fn a_read_only_user_gets_permission_denied_on_writes() {
    let (env, _) = store_with_users();
    let server = Server::start(&env, &["--auth", "users.yaml"]);
    let v = client(&server, "write", &basic("reader", "pw-reader"));
    raised(&v, "PERMISSION_DENIED");
    assert_eq!(v["rest"], true, "{v}");
    assert_eq!(v["error_code"], "PERMISSION_DENIED", "{v}");
    let names = env.json(&["experiments", "list", "--format", "json"]);
    assert_eq!(
        names["experiments"].as_array().unwrap().len(),
        1,
        "only Default: {names}"
    );
}

#[test]
fn a_read_only_server_refuses_writes() {
    let env = TestEnv::init();
    let server = Server::start(&env, &["--read-only"]);
    let v = client(&server, "write", &[]);
    raised(&v, "PERMISSION_DENIED");
    assert_eq!(v["error_code"], "PERMISSION_DENIED", "{v}");
    let names = env.json(&["experiments", "list", "--format", "json"]);
    assert_eq!(
        names["experiments"].as_array().unwrap().len(),
        1,
        "only Default: {names}"
    );
}

/// Needs the tracking endpoints (experiments/search, experiments/create) of `mlt server`.
#[test]
fn with_the_right_credentials_the_client_reads_and_writes() {
    let (env, token) = store_with_users();
    let server = Server::start(&env, &["--auth", "users.yaml"]);
    let v = client(&server, "read", &basic("reader", "pw-reader"));
    assert_eq!(v["result"], serde_json::json!(["Default"]), "{v}");
    let v = client(&server, "write", &basic("alice", "pw-alice"));
    assert_eq!(v["ok"], true, "{v}");
    let v = client(
        &server,
        "write",
        &[("MLFLOW_TRACKING_TOKEN", token.as_str())],
    );
    assert_eq!(v["ok"], true, "{v}");
    let names = env.json(&["experiments", "list", "--format", "json"]);
    assert_eq!(names["experiments"].as_array().unwrap().len(), 3, "{names}");
    // A read-only server lets the same reads through.
    drop(server);
    let server = Server::start(&env, &["--read-only"]);
    let v = client(&server, "read", &[]);
    assert_eq!(v["ok"], true, "{v}");
}

#[test]
fn serving_another_interface_without_authentication_warns() {
    let env = TestEnv::init();
    let server = Server::start(&env, &["--host", "0.0.0.0"]);
    let log = server.log();
    assert!(
        log.contains("warning: serving on 0.0.0.0 without authentication"),
        "{log}"
    );
    drop(server);
    let (env, _) = store_with_users();
    let server = Server::start(&env, &["--host", "0.0.0.0", "--auth", "users.yaml"]);
    assert!(
        !server.log().contains("without authentication"),
        "{}",
        server.log()
    );
    // The file `user add` wrote is private: no warning about its mode either.
    assert!(!server.log().contains("warning"), "{}", server.log());
}
