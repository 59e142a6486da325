//! One way to name a run everywhere (positional RUN or --run; id, unique id prefix, unique
//! name), enum values in any case, and suggestions for mistyped commands.

use crate::harness::TestEnv;

#[test]
fn a_run_is_named_by_position_flag_prefix_or_name() {
    let env = TestEnv::init();
    let id = env.start("train", "alpha");
    let other = env.start("train", "beta");
    // `runs end RUN` and `runs show --run RUN` were refused before.
    env.ok(&["runs", "end", &id[..8]]);
    let shown = env.json(&["runs", "show", "--run", "alpha", "-f", "json"]);
    assert_eq!(shown["run"]["info"]["run_id"], id.as_str());
    assert_eq!(shown["run"]["info"]["status"], "FINISHED");
    let shown = env.json(&["runs", "show", &id[..8], "-f", "json"]);
    assert_eq!(shown["run"]["info"]["run_id"], id.as_str());
    // Both at once is a usage error.
    env.fails(&["runs", "show", &id, "--run", &other], 2);
    // Logging takes the same names.
    env.ok(&["log", "metric", "loss", "0.5", "--run", "beta"]);
    let shown = env.json(&["runs", "show", &other[..8], "-f", "json"]);
    assert_eq!(shown["run"]["data"]["metrics"][0]["key"], "loss");
    // A bare `runs show` says how to name a run, and that hint works.
    let err = env.fails(&["runs", "show"], 2);
    assert!(err.contains("give the run"), "{err}");
}

#[test]
fn an_ambiguous_name_or_prefix_lists_the_runs() {
    let env = TestEnv::init();
    let a = env.start("train", "same");
    let b = env.start("train", "same");
    let err = env.fails(&["runs", "show", "same"], 1);
    assert!(err.contains("'same' names 2 runs"), "{err}");
    assert!(err.contains("[RUN:same]"), "{err}");
    let _ = (a, b);
    let err = env.fails(&["runs", "show", "nope"], 1);
    assert!(
        err.contains("no run with id, id prefix or name 'nope'"),
        "{err}"
    );
}

#[test]
fn runs_set_tag_and_rename() {
    let env = TestEnv::init();
    let id = env.start("train", "old");
    env.ok(&["runs", "set-tag", "team", "vision", &id]);
    env.ok(&["runs", "rename", "new", "--run", &id]);
    let exp = env.json(&["experiments", "show", "train", "-f", "json"]);
    let exp = exp["experiment"]["experiment_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(env.read(&format!("mlruns/{exp}/{id}/tags/team")), "vision");
    let shown = env.json(&["runs", "show", "new", "-f", "json"]);
    assert_eq!(shown["run"]["info"]["run_name"], "new");
    let tags = &shown["run"]["data"]["tags"];
    let name_tag = tags
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "mlflow.runName")
        .unwrap();
    assert_eq!(name_tag["value"], "new");
    env.ok(&["runs", "delete-tag", "team", &id]);
    env.fails(&["runs", "delete-tag", "team", &id], 1);
}

#[test]
fn enum_values_in_any_case() {
    let env = TestEnv::init();
    let id = env.start("train", "a");
    env.ok(&["runs", "end", &id, "--status", "failed"]);
    let out = env.ok(&["runs", "list", "-e", "train", "--format", "JSON"]);
    assert!(out.contains("\"FAILED\""), "{out}");
    env.ok(&["runs", "list", "-e", "train", "--view", "ALL"]);
}

#[test]
fn a_mistyped_mlt_command_gets_a_suggestion() {
    let env = TestEnv::init();
    let o = env.run(&["run", "list"]);
    assert_eq!(o.code, 127, "{}", o.stderr);
    assert!(
        o.stderr.contains("did you mean `mlt runs list`?"),
        "{}",
        o.stderr
    );
    let o = env.run(&["run", "--", "experiments", "create", "x"]);
    assert_eq!(o.code, 127);
    assert!(
        o.stderr
            .contains("did you mean `mlt experiments create x`?"),
        "{}",
        o.stderr
    );
    // A program that is not an mlt word gets no suggestion.
    let o = env.run(&["run", "no-such-program-xyz"]);
    assert_eq!(o.code, 127);
    assert!(!o.stderr.contains("did you mean"), "{}", o.stderr);
}

#[test]
fn quiet_silences_status_but_not_errors() {
    let env = TestEnv::init();
    let o = env.run(&["-q", "experiments", "create", "x"]);
    assert_eq!(o.code, 0);
    let id = env.start("x", "r");
    let o = env.run(&["--quiet", "runs", "delete", &id]);
    assert_eq!(o.code, 0);
    assert_eq!(o.stderr, "");
    let o = env.run(&["runs", "restore", &id]);
    assert!(o.stderr.starts_with("Restored run"), "{}", o.stderr);
    let o = env.run(&["-q", "runs", "show", "nope"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.starts_with("error:"), "{}", o.stderr);
}

#[test]
fn compare_an_experiments_latest_runs_says_when_cut() {
    let env = TestEnv::init();
    let mut ids = Vec::new();
    for i in 0..4 {
        // Each run a second later than the one before.
        let o = env.run_with(&["runs", "start", "-e", "train"], |c| {
            c.env("MLT_NOW_MS", (crate::harness::NOW + i * 1000).to_string());
        });
        assert_eq!(o.code, 0, "{}", o.stderr);
        let id = o.value();
        env.ok(&["log", "metric", "acc", &format!("0.{i}"), "--run", &id]);
        ids.push(id);
    }
    let o = env.run(&[
        "runs",
        "compare",
        "-e",
        "train",
        "--max-results",
        "2",
        "-f",
        "json",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("showing 2 of 4 runs"), "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let shown: Vec<&str> = v["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["run_id"].as_str().unwrap())
        .collect();
    // Newest first.
    assert_eq!(shown, [ids[3].as_str(), ids[2].as_str()]);
}
