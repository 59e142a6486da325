use crate::harness::TestEnv;
use insta::assert_snapshot;

#[test]
fn init_creates_the_default_experiment() {
    let env = TestEnv::new();
    let o = env.run(&["init"]);
    assert_eq!(o.code, 0);
    assert_eq!(o.value(), env.root().display().to_string());
    assert_snapshot!(env.read("mlruns/0/meta.yaml"), @r"
    artifact_location: 'mlruns/0'
    creation_time: 1795922857436
    experiment_id: '0'
    last_update_time: 1795922857436
    lifecycle_stage: 'active'
    name: 'Default'
    ");
    assert!(env.path("mlruns/.trash").is_dir());
    assert_eq!(env.read(".mlt/.gitignore"), "*\n");
    let o = env.run(&["init"]);
    assert!(o.stderr.contains("is already a store"), "{}", o.stderr);
}

#[test]
fn reading_commands_need_a_store() {
    let env = TestEnv::new();
    let err = env.fails(&["experiments", "list"], 1);
    assert_snapshot!(err, @r"
    error: no mlt store at [STORE] (no [STORE]/mlruns folder)
    hint: run `mlt init` or pass --store
    ");
}

#[test]
fn discovery_order() {
    let env = TestEnv::new();
    for d in ["a", "b", "c"] {
        env.ok(&["init", d]);
    }
    env.ok(&["--store", "a", "experiments", "create", "in-a"]);
    let o = env.run_with(&["experiments", "create", "in-b"], |c| {
        c.env("MLT_STORE", env.path("b"))
            .env("MLFLOW_TRACKING_URI", "file:///nowhere");
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    let uri = format!("file://{}/mlruns", env.path("c").display());
    let o = env.run_with(&["experiments", "create", "in-c"], |c| {
        c.env("MLFLOW_TRACKING_URI", &uri);
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    // From a folder below a store, the store is found upwards.
    std::fs::create_dir_all(env.path("a/x/y")).unwrap();
    let o = env.run_with(&["experiments", "list", "-f", "csv"], |c| {
        c.current_dir(env.path("a/x/y"));
    });
    assert!(o.stdout.contains("in-a"), "{}", o.stdout);
    for (d, name) in [("a", "in-a"), ("b", "in-b"), ("c", "in-c")] {
        let list = env.ok(&["--store", d, "experiments", "list", "-f", "csv"]);
        assert!(list.contains(name), "{d}: {list}");
        assert_eq!(list.lines().count(), 3, "{d}: {list}");
    }
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let env = TestEnv::new();
    let o = env.run(&["runs", "frobnicate"]);
    assert_eq!(o.code, 2);
    let o = env.run(&["--help"]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("Track experiments"));
}

#[test]
fn completions_match_the_files_in_the_repo() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish"] {
        let generated = env.ok(&["completions", shell]);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("completions")
            .join(match shell {
                "bash" => "mlt.bash",
                "zsh" => "_mlt",
                _ => "mlt.fish",
            });
        let kept = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            kept.trim_end() == generated.trim_end(),
            "{} is stale: run `mlt completions {shell} > {}`",
            path.display(),
            path.display()
        );
    }
}

#[test]
fn reads_a_store_written_by_mlflow() {
    // fixtures/mlflow-store was written by MLflow 3.17.2's own client; its artifact URIs point
    // at a temp folder that no longer exists, so mlt falls back to each run's artifacts/.
    let env = TestEnv::new();
    crate::harness::copy_fixture("mlflow-store", env.root());
    let want: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate::harness::fixture("mlflow-store.json")).unwrap(),
    )
    .unwrap();
    let got = crate::harness::canonical(&env);
    assert_eq!(got, want);
}

#[test]
fn the_readme_quickstart_runs() {
    let env = TestEnv::new();
    let out = std::process::Command::new("bash")
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/quickstart.sh"))
        .arg(env.path("qs"))
        .env("MLT", assert_cmd::cargo::cargo_bin("mlt"))
        .env_remove("MLT_STORE")
        .env_remove("MLT_RUN_ID")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for name in ["lr-0.1", "lr-0.03", "lr-0.01", "streamed"] {
        assert!(stdout.contains(name), "{stdout}");
    }
    assert!(stdout.contains("metrics.accuracy"), "{stdout}");
    assert!(
        stderr.contains("mlt: logged 100 metric values from the output"),
        "{stderr}"
    );
    assert!(stdout.contains("mlt.command"), "{stdout}");
}

/// A folder that is not a store gets the one check and the one error, naming the part it was
/// given for, with a hint that fits that part (not `mlt init`).
#[test]
fn a_merge_or_import_source_that_is_no_store_says_so_for_its_role() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    std::fs::create_dir_all(env.path("empty")).unwrap();
    let err = env.fails(&["store", "merge", "empty"], 1);
    assert_snapshot!(err, @r"
    error: no store to merge at [STORE]/empty (no [STORE]/empty/mlruns folder)
    hint: name the folder that holds mlruns/, or the mlruns/ folder itself
    ");
    let err = env.fails(&["import", "empty"], 1);
    assert_snapshot!(err, @r"
    error: [STORE]/empty is neither a bundle nor a store (no manifest.json, no [STORE]/empty/mlruns folder)
    hint: import takes a bundle (a folder or .tar.gz from `mlt export`), a store, or an MLflow database file
    ");
}
