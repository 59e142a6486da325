//! Help, examples, the man pages' source, dynamic completion, and the warning for a tracking
//! URI that is not a file store.

use crate::harness::TestEnv;

/// A store with experiment "vision" holding runs "baseline" and "candidate" (metrics loss and
/// acc), and a registered model "classifier".
fn store() -> (TestEnv, String, String) {
    let env = TestEnv::init();
    env.ok(&["experiments", "create", "vision"]);
    let base = env.ok(&["runs", "start", "-e", "vision", "--name", "baseline"]);
    let run = env.ok(&["runs", "start", "-e", "vision", "--name", "candidate"]);
    for (r, loss) in [(&base, "0.5"), (&run, "0.4")] {
        env.ok(&[
            "log",
            "metrics",
            &format!("loss={loss}"),
            "acc=0.8",
            "--run",
            r,
        ]);
    }
    std::fs::create_dir_all(env.path("model-dir")).unwrap();
    std::fs::write(env.path("model-dir/MLmodel"), "flavors: {}\n").unwrap();
    env.ok(&["models", "register", "./model-dir", "classifier"]);
    (env, base, run)
}

/// What `COMPLETE=fish mlt -- mlt WORDS...` offers for the last word: the values, without
/// their help.
fn complete(
    env: &TestEnv,
    words: &[&str],
    f: impl FnOnce(&mut assert_cmd::Command),
) -> Vec<String> {
    let mut args = vec!["--", "mlt"];
    args.extend(words);
    let o = env.run_with(&args, |c| {
        c.env("COMPLETE", "fish");
        f(c);
    });
    assert_eq!((o.code, o.stderr.as_str()), (0, ""), "completing {words:?}");
    o.stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .filter(|v| !v.starts_with('-'))
        .collect()
}

#[test]
fn dynamic_completion_offers_runs_experiments_and_models_from_the_store() {
    let (env, base, run) = store();
    let mut runs = complete(&env, &["runs", "show", ""], |_| {});
    runs.sort();
    let mut want = vec![
        base.clone(),
        run.clone(),
        "baseline".into(),
        "candidate".into(),
    ];
    want.sort();
    assert_eq!(runs, want);
    // The shell's word is a prefix: only what starts with it.
    assert_eq!(
        complete(&env, &["runs", "show", "--run", "base"], |_| {}),
        ["baseline"]
    );
    assert_eq!(
        complete(&env, &["runs", "compare", &base[..6]], |_| {}),
        [base.as_str()]
    );
    assert_eq!(
        complete(&env, &["metrics", "history", "cand"], |_| {}),
        ["candidate"]
    );
    // Experiments where an experiment is meant, positional or -e.
    let mut exps = complete(&env, &["runs", "list", "-e", ""], |_| {});
    exps.sort();
    assert_eq!(exps, ["Default", "vision"]);
    assert_eq!(
        complete(&env, &["experiments", "rename", "vi"], |_| {}),
        ["vision"]
    );
    // Registered models where a model is meant.
    assert_eq!(
        complete(&env, &["models", "show", ""], |_| {}),
        ["classifier"]
    );
    assert_eq!(
        complete(&env, &["models", "set-alias", "cl"], |_| {}),
        ["classifier"]
    );
    // Bash's protocol gives the same candidates.
    let o = env.run_with(&["--", "mlt", "runs", "show", "base"], |c| {
        c.env("COMPLETE", "bash").env("_CLAP_COMPLETE_INDEX", "3");
    });
    assert_eq!((o.code, o.stdout.trim()), (0, "baseline"), "{}", o.stderr);
}

#[test]
fn dynamic_completion_finds_the_store_as_commands_do_and_never_fails_loudly() {
    let (env, base, _) = store();
    let elsewhere = tempfile::tempdir().unwrap();
    let store = env.root().to_str().unwrap().to_string();
    let in_elsewhere = |c: &mut assert_cmd::Command| {
        c.current_dir(elsewhere.path());
    };
    // --store on the line being completed, or MLT_STORE.
    let words = ["--store", store.as_str(), "runs", "show", &base[..8]];
    assert_eq!(complete(&env, &words, in_elsewhere), [base.as_str()]);
    let flag = format!("--store={store}");
    let words = [flag.as_str(), "runs", "show", &base[..8]];
    assert_eq!(complete(&env, &words, in_elsewhere), [base.as_str()]);
    let got = complete(&env, &["runs", "show", &base[..8]], |c| {
        c.current_dir(elsewhere.path()).env("MLT_STORE", &store);
    });
    assert_eq!(got, [base.as_str()]);
    // No store there: no candidates, no error, nothing on stderr.
    assert!(complete(&env, &["runs", "show", ""], in_elsewhere).is_empty());
    let missing = elsewhere.path().join("missing");
    let words = ["--store", missing.to_str().unwrap(), "models", "show", ""];
    assert!(complete(&env, &words, in_elsewhere).is_empty());
}

#[test]
fn the_dynamic_completion_script_registers_mlt() {
    let env = TestEnv::new();
    let o = env.run_with(&[], |c| {
        c.env("COMPLETE", "bash");
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("complete -o nospace -o bashdefault -F _clap_complete_mlt mlt")
    );
    assert!(
        !env.root().join("mlruns").exists(),
        "completion wrote to the store"
    );
}

#[test]
fn a_tracking_uri_that_is_not_a_file_store_is_named_in_one_warning() {
    let (env, _, _) = store();
    for uri in [
        "http://localhost:5000",
        "https://mlflow.example.com",
        "databricks",
    ] {
        let o = env.run_with(&["runs", "list", "-e", "vision"], |c| {
            c.env("MLFLOW_TRACKING_URI", uri);
        });
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(
            o.stdout.contains("baseline"),
            "the store here is still used"
        );
        let server = if uri.starts_with("http") {
            " (`mlt push` and `mlt pull` send runs to that server and fetch them)"
        } else {
            ""
        };
        assert_eq!(
            env.normalize(&o.stderr),
            format!(
                "warning: MLFLOW_TRACKING_URI={uri} is not a file store (mlt works on file \
                 stores only): using the store at [STORE]{server}\n"
            )
        );
    }
    // Once per command, even when `mlt run`'s command calls mlt again (it gets a file: URI).
    let o = env.run_with(
        &[
            "run", "-e", "vision", "--", "mlt", "log", "metric", "x", "1",
        ],
        |c| {
            c.env("MLFLOW_TRACKING_URI", "http://localhost:5000");
        },
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stderr.matches("is not a file store").count(),
        1,
        "{}",
        o.stderr
    );
    // A file URI, --store or MLT_STORE: no warning.
    let file_uri = format!("file://{}", env.root().join("mlruns").display());
    let quiet = [
        (
            "MLFLOW_TRACKING_URI",
            file_uri.as_str(),
            vec!["runs", "list", "-e", "0"],
        ),
        (
            "MLFLOW_TRACKING_URI",
            "http://h",
            vec!["--store", ".", "runs", "list", "-e", "0"],
        ),
    ];
    for (k, v, args) in quiet {
        let o = env.run_with(&args, |c| {
            c.env(k, v);
        });
        assert_eq!((o.code, o.stderr.as_str()), (0, ""), "{k}={v} {args:?}");
    }
    let o = env.run_with(&["runs", "list", "-e", "0"], |c| {
        c.env("MLFLOW_TRACKING_URI", "http://h")
            .env("MLT_STORE", env.root());
    });
    assert_eq!((o.code, o.stderr.as_str()), (0, ""));
}

/// Some of the examples in the long help, run as written (with $BASE and $RUN set).
#[test]
fn examples_in_the_long_help_work_as_written() {
    let (env, base, run) = store();
    let examples = [
        (
            vec!["runs", "search"],
            "mlt runs search -e vision --order-by \"metrics.acc DESC\" --max-results 5",
        ),
        (
            vec!["runs", "list"],
            "mlt runs list -e vision --view all --format json",
        ),
        (vec!["runs", "compare"], "mlt runs compare $BASE $RUN"),
        (vec!["runs", "compare"], "mlt runs compare -e vision"),
        (
            vec!["runs", "show"],
            "mlt runs show --run baseline --format json",
        ),
        (vec!["metrics", "history"], "mlt metrics history $RUN"),
        (
            vec!["metrics", "history"],
            "mlt metrics history $RUN loss acc --format csv",
        ),
        (
            vec!["store", "check"],
            "mlt store check --deep --format json",
        ),
        (
            vec!["log", "batch"],
            "echo '{\"step\": 1, \"metrics\": {\"loss\": 0.4}}' | mlt log batch --run $RUN",
        ),
    ];
    for (cmd, line) in examples {
        let mut help_args = cmd.clone();
        help_args.push("--help");
        let help = env.ok(&help_args);
        let (_, shown) = help
            .split_once("\nExamples:\n")
            .expect("an Examples section");
        assert!(
            shown.lines().any(|l| l.trim().starts_with(line)),
            "{line} not in:\n{shown}"
        );
        let o = std::process::Command::new("bash")
            .arg("-c")
            .arg(line)
            .envs([("BASE", &base), ("RUN", &run)])
            .env(
                "PATH",
                env.std_cmd()
                    .get_envs()
                    .find(|(k, _)| *k == "PATH")
                    .unwrap()
                    .1
                    .unwrap(),
            )
            .current_dir(env.root())
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = env.run(&["metrics", "history", &run, "-f", "json"]);
    assert_eq!(
        env.json(&["runs", "show", &run, "-f", "json"])["run"]["data"]["metrics"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(o.code, 0);
}

#[test]
fn short_help_stays_short() {
    let env = TestEnv::new();
    let short = env.ok(&["runs", "search", "-h"]);
    assert!(!short.contains("Examples:"), "{short}");
    assert!(env.ok(&["runs", "search", "--help"]).contains("Examples:"));
    // --view's values are described.
    let long = env.ok(&["runs", "list", "--help"]);
    assert!(long.contains("deleted: Only what was deleted"), "{long}");
}
