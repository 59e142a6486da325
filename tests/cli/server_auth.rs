//! `mlt server user ...`: the credentials file of `mlt server --auth`.

use crate::harness::{Output, TestEnv};
use std::os::unix::fs::PermissionsExt;

fn add(env: &TestEnv, name: &str, password: &str, extra: &[&str]) -> Output {
    let mut args = vec!["server", "user", "add", name, "--auth", "users.yaml"];
    args.extend_from_slice(extra);
    let stdin = format!("{password}\n");
    env.run_with(&args, |c| {
        c.write_stdin(stdin);
    })
}

fn list(env: &TestEnv) -> serde_json::Value {
    env.json(&[
        "server",
        "user",
        "list",
        "--auth",
        "users.yaml",
        "--format",
        "json",
    ])
}

#[test]
fn users_are_added_with_hashed_passwords_in_a_0600_file() {
    let env = TestEnv::new();
    let o = add(&env, "alice", "correct horse", &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("Added user 'alice' (read-write)"),
        "{}",
        o.stderr
    );
    // The password in $MLT_PASSWORD instead of stdin, for scripts.
    let o = env.run_with(
        &[
            "server",
            "user",
            "add",
            "ci",
            "--read-only",
            "--auth",
            "users.yaml",
        ],
        |c| {
            c.env("MLT_PASSWORD", "battery staple").write_stdin("");
        },
    );
    assert_eq!(o.code, 0, "{}", o.stderr);

    let path = env.path("users.yaml");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("correct horse") && !text.contains("battery"),
        "{text}"
    );
    assert_eq!(text.matches("$argon2id$").count(), 2, "{text}");
    // Nothing but the file was written: no store, no temp file left.
    let names: Vec<_> = std::fs::read_dir(env.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec!["users.yaml"]);

    assert_eq!(
        list(&env),
        serde_json::json!([
            {"name": "alice", "read_only": false, "tokens": []},
            {"name": "ci", "read_only": true, "tokens": []},
        ])
    );
    let table = env.ok(&["server", "user", "list", "--auth", "users.yaml"]);
    assert!(
        table.contains("alice") && table.contains("read-only"),
        "{table}"
    );
}

#[test]
fn existing_users_are_replaced_only_when_asked_and_removed() {
    let env = TestEnv::new();
    assert_eq!(add(&env, "alice", "one", &[]).code, 0);
    let before = env.read("users.yaml");
    let o = add(&env, "alice", "two", &[]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("user 'alice' already exists"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("--replace"), "{}", o.stderr);
    assert_eq!(
        env.read("users.yaml"),
        before,
        "a refused add changes nothing"
    );
    let o = add(&env, "alice", "two", &["--read-only", "--replace"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(list(&env)[0]["read_only"], true);

    env.ok(&["server", "user", "remove", "alice", "--auth", "users.yaml"]);
    assert_eq!(list(&env), serde_json::json!([]));
    let err = env.fails(
        &["server", "user", "remove", "alice", "--auth", "users.yaml"],
        1,
    );
    assert!(err.contains("no user 'alice'"), "{err}");
}

#[test]
fn passwords_come_from_stdin_or_the_environment_never_from_arguments() {
    let env = TestEnv::new();
    // There is no place for a password on the command line.
    let o = env.run(&[
        "server",
        "user",
        "add",
        "bob",
        "hunter2",
        "--auth",
        "users.yaml",
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = env.run(&[
        "server",
        "user",
        "add",
        "bob",
        "--password",
        "x",
        "--auth",
        "u.yaml",
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    // No password at all, or several lines: refused.
    let o = add(&env, "bob", "", &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("no password"), "{}", o.stderr);
    let o = add(&env, "bob", "a\nb", &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    // A name basic auth cannot carry.
    let o = add(&env, "a:b", "pw", &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(!env.path("users.yaml").exists());
}

#[test]
fn tokens_are_shown_once_and_stored_hashed() {
    let env = TestEnv::new();
    assert_eq!(add(&env, "ci", "pw", &[]).code, 0);
    let token = env.ok(&["server", "user", "token", "ci", "--auth", "users.yaml"]);
    assert!(token.starts_with("mlt_") && token.len() == 68, "{token}");
    let text = env.read("users.yaml");
    assert!(!text.contains(&token[4..]), "{text}");
    let ids = list(&env)[0]["tokens"].clone();
    assert_eq!(ids.as_array().unwrap().len(), 1);
    assert!(token[4..].starts_with(ids[0].as_str().unwrap()));
    env.ok(&["server", "user", "token", "ci", "--auth", "users.yaml"]);
    let id = ids[0].as_str().unwrap();
    env.ok(&["server", "user", "revoke", "ci", id, "--auth", "users.yaml"]);
    assert_eq!(list(&env)[0]["tokens"].as_array().unwrap().len(), 1);
    env.ok(&["server", "user", "revoke", "ci", "--auth", "users.yaml"]);
    assert_eq!(list(&env)[0]["tokens"], serde_json::json!([]));
    let err = env.fails(
        &["server", "user", "token", "nobody", "--auth", "users.yaml"],
        1,
    );
    assert!(err.contains("no user 'nobody'"), "{err}");
}

#[test]
fn server_options_and_user_commands_do_not_mix() {
    let env = TestEnv::new();
    let o = env.run(&[
        "server",
        "--port",
        "1",
        "user",
        "list",
        "--auth",
        "users.yaml",
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("cannot be used with"), "{}", o.stderr);
}

#[test]
fn a_missing_credentials_file_stops_the_server_before_anything_is_created() {
    let env = TestEnv::new();
    let err = env.fails(&["server", "--port", "0", "--auth", "nope.yaml"], 1);
    assert!(err.contains("cannot read nope.yaml"), "{err}");
    assert!(
        err.contains("mlt server user add NAME --auth nope.yaml"),
        "{err}"
    );
    assert!(!env.path("mlruns").exists());
    std::fs::write(
        env.path("bad.yaml"),
        "users:\n  bob:\n    password: hunter2\n",
    )
    .unwrap();
    let err = env.fails(&["server", "--port", "0", "--auth", "bad.yaml"], 1);
    assert!(err.contains("not a credentials file"), "{err}");
    assert!(!env.path("mlruns").exists());
}

#[test]
fn users_added_at_the_same_time_all_land() {
    let env = TestEnv::new();
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut c = env.std_cmd();
            c.args([
                "server",
                "user",
                "add",
                &format!("u{i}"),
                "--auth",
                "users.yaml",
            ])
            .env("MLT_PASSWORD", format!("pw{i}"))
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
            c.spawn().unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let names: Vec<_> = list(&env)
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, (0..8).map(|i| format!("u{i}")).collect::<Vec<_>>());
}

#[test]
fn a_read_only_server_needs_an_existing_store_and_creates_none() {
    let env = TestEnv::new();
    let err = env.fails(&["server", "--port", "0", "--read-only"], 1);
    assert!(err.contains("no mlt store"), "{err}");
    assert!(!env.path("mlruns").exists());
}
