use crate::harness::TestEnv;
use insta::assert_snapshot;

/// A store with one run holding a model folder at `model/`, and a local model folder.
fn store() -> (TestEnv, String) {
    let env = TestEnv::init();
    env.experiment("train");
    let run = env.start("train", "fit");
    std::fs::create_dir_all(env.path("m/sub")).unwrap();
    std::fs::write(env.path("m/MLmodel"), "flavors: {}\n").unwrap();
    std::fs::write(env.path("m/sub/w.bin"), "weights").unwrap();
    env.ok(&["artifacts", "log", "m", "--path", "model", "--run", &run]);
    env.ok(&["log", "metric", "acc", "0.9", "--run", &run]);
    (env, run)
}

#[test]
fn register_show_and_resolve() {
    let (env, run) = store();
    assert_eq!(
        env.ok(&["models", "register", &format!("runs:/{run}/model"), "clf"]),
        "1"
    );
    assert_eq!(
        env.ok(&[
            "models",
            "register",
            "m",
            "clf",
            "-d",
            "from disk",
            "-t",
            "k=v"
        ]),
        "2"
    );
    env.ok(&["models", "set-alias", "clf", "champion", "1"]);
    env.ok(&["models", "stage", "clf", "2", "staging"]);
    let out = env.ok(&["models", "show", "clf", "-f", "csv"]);
    assert_snapshot!(env.normalize(&out), @r"
    version,stage,aliases,created,run,source
    2,Staging,,2026-11-29 03:27:37,,registry/models/clf/version-2/artifacts
    1,None,@champion,2026-11-29 03:27:37,[RUN:fit],runs:/[RUN:fit]/model
    ");
    let out = env.ok(&["models", "list", "-f", "csv"]);
    assert_snapshot!(out, @r"
    name,latest,aliases,updated,description
    clf,2,@champion=1,2026-11-29 03:27:37,
    ");
    // Every MLflow model URI form.
    let version_of = |uri: &str| {
        env.json(&["models", "version", uri, "-f", "json"])["model_version"]["version"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(version_of("models:/clf@champion"), "1");
    assert_eq!(version_of("models:/clf/latest"), "2");
    assert_eq!(version_of("models:/clf@latest"), "2");
    assert_eq!(version_of("models:/clf/Staging"), "2");
    assert_eq!(version_of("models:/clf/1"), "1");
    // The files of both versions: the run's artifacts, and the copy kept in the store.
    let out = env.ok(&[
        "models",
        "download",
        "models:/clf@champion",
        "--dest",
        "dl1",
    ]);
    assert_eq!(env.normalize(&out), "[STORE]/dl1");
    assert_eq!(env.read("dl1/sub/w.bin"), "weights");
    std::fs::remove_dir_all(env.path("m")).unwrap();
    env.ok(&[
        "artifacts",
        "download",
        "models:/clf/2",
        "--path",
        "sub/w.bin",
        "--dest",
        "dl2",
    ]);
    assert_eq!(env.read("dl2/w.bin"), "weights");
    assert_eq!(
        env.read("registry/models/clf/version-2/artifacts/MLmodel"),
        "flavors: {}\n"
    );
    let v = env.json(&["models", "version", "clf", "2", "-f", "json"]);
    assert_eq!(v["model_version"]["tags"][0]["key"], "k");
    assert_eq!(v["model_version"]["description"], "from disk");
}

#[test]
fn versions_are_never_reused_even_when_registering_at_once() {
    let (env, run) = store();
    let source = format!("runs:/{run}/model");
    let handles: Vec<_> = (0..12)
        .map(|_| {
            let mut c = env.cmd();
            c.args(["models", "register", &source, "race"]);
            std::thread::spawn(move || c.output().unwrap())
        })
        .collect();
    let mut numbers: Vec<i64> = handles
        .into_iter()
        .map(|h| {
            let o = h.join().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            String::from_utf8(o.stdout).unwrap().trim().parse().unwrap()
        })
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1..=12).collect::<Vec<_>>());
    // A deleted version keeps its number.
    env.ok(&["models", "delete-version", "race", "12"]);
    assert_eq!(env.ok(&["models", "register", &source, "race"]), "13");
    assert_eq!(
        env.fails(&["models", "version", "race", "12"], 1),
        "error: model 'race' has no version 12\n"
    );
    assert!(
        env.read("registry/models/race/version-12/meta.yaml")
            .contains("current_stage: 'Deleted_Internal'")
    );
}

#[test]
fn aliases_move_and_are_small_files() {
    let (env, run) = store();
    for _ in 0..3 {
        env.ok(&["models", "register", &format!("runs:/{run}/model"), "clf"]);
    }
    let o = env.run(&["models", "set-alias", "clf", "champion", "1"]);
    assert_eq!(o.stderr, "Set clf@champion to version 1\n");
    let o = env.run(&["models", "set-alias", "clf", "champion", "2"]);
    assert_eq!(o.stderr, "Moved clf@champion from version 1 to version 2\n");
    // What git shows for a promotion: one line in one small file.
    assert_eq!(env.read("registry/models/clf/aliases/champion"), "2");
    for bad in ["latest", "v3", "V1", "a b", "../x"] {
        let err = env.fails(&["models", "set-alias", "clf", bad, "1"], 1);
        assert!(err.starts_with("error: invalid alias"), "{bad}: {err}");
    }
    let err = env.fails(&["models", "set-alias", "clf", "x", "9"], 1);
    assert_snapshot!(err, @"error: model 'clf' has no version 9");
    // Deleting a version removes the aliases that point at it.
    env.ok(&["models", "set-alias", "clf", "staging", "3"]);
    let o = env.run(&["models", "delete-version", "clf", "3"]);
    assert_snapshot!(o.stderr, @r"
    Deleted alias clf@staging
    Deleted version 3 of 'clf'
    ");
    assert!(!env.path("registry/models/clf/aliases/staging").exists());
    let err = env.fails(&["models", "version", "models:/clf@staging"], 1);
    assert_snapshot!(err, @"error: model 'clf' has no alias 'staging'");
    assert_eq!(
        env.run(&["models", "delete-alias", "clf", "champion"])
            .stderr,
        "Deleted clf@champion (was version 2)\n"
    );
}

#[test]
fn stages_with_archive_existing() {
    let (env, run) = store();
    for _ in 0..3 {
        env.ok(&["models", "register", &format!("runs:/{run}/model"), "clf"]);
    }
    env.ok(&["models", "stage", "clf", "1", "Production"]);
    env.ok(&["models", "stage", "clf", "2", "production"]);
    let o = env.run(&[
        "models",
        "stage",
        "clf",
        "3",
        "PRODUCTION",
        "--archive-existing",
    ]);
    assert_snapshot!(o.stderr, @r"
    Archived version 1 of 'clf'
    Archived version 2 of 'clf'
    Version 3 of 'clf' is now in Production
    ");
    let err = env.fails(
        &[
            "models",
            "stage",
            "clf",
            "1",
            "Archived",
            "--archive-existing",
        ],
        1,
    );
    assert_snapshot!(err, @r"
    error: only Staging and Production can archive the versions already in them, not Archived
    hint: leave out --archive-existing
    ");
    let err = env.fails(&["models", "stage", "clf", "1", "Gold"], 2);
    assert_snapshot!(err, @"error: unknown stage 'Gold': expected None, Staging, Production or Archived");
    let v = env.json(&["models", "show", "clf", "-f", "json"]);
    let latest: Vec<(String, String)> = v["registered_model"]["latest_versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["current_stage"].as_str().unwrap().to_string(),
                v["version"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        latest,
        [
            ("Production".into(), "3".into()),
            ("Archived".into(), "2".into())
        ]
    );
}

#[test]
fn rename_keeps_tags_and_aliases_and_delete_is_whole() {
    let (env, _) = store();
    env.ok(&["models", "register", "m", "clf", "-t", "k=v"]);
    env.ok(&["models", "set-tag", "clf", "team", "cv"]);
    env.ok(&["models", "set-alias", "clf", "champion", "1"]);
    env.ok(&["models", "create", "taken"]);
    let err = env.fails(&["models", "rename", "clf", "taken"], 1);
    assert_snapshot!(err, @"error: a registered model named 'taken' already exists");
    env.ok(&["models", "rename", "clf", "classifier"]);
    assert!(!env.path("registry/models/clf").exists());
    let m = env.json(&["models", "show", "classifier", "-f", "json"]);
    assert_eq!(m["registered_model"]["tags"][0]["value"], "cv");
    assert_eq!(m["registered_model"]["aliases"][0]["alias"], "champion");
    let v = &m["registered_model"]["versions"][0];
    assert_eq!(v["name"], "classifier");
    assert_eq!(
        v["source"],
        "registry/models/classifier/version-1/artifacts"
    );
    env.ok(&[
        "models",
        "download",
        "models:/classifier@champion",
        "--dest",
        "out",
    ]);
    assert_eq!(env.read("out/sub/w.bin"), "weights");
    env.ok(&["models", "delete", "classifier"]);
    assert!(!env.path("registry/models/classifier").exists());
    assert_snapshot!(
        env.fails(&["models", "show", "classifier"], 1),
        @"error: no registered model named 'classifier'"
    );
}

#[test]
fn bad_input_changes_nothing() {
    let (env, run) = store();
    env.ok(&["models", "register", &format!("runs:/{run}/model"), "clf"]);
    let before = env.snapshot_files();
    for (args, code, msg) in [
        (
            vec!["models", "register", "m", "a/b"],
            1,
            "error: invalid model name \"a/b\": character '/' is not allowed",
        ),
        (
            vec!["models", "register", "m", ".."],
            1,
            "error: invalid model name \"..\"",
        ),
        (
            vec!["models", "register", "nowhere", "clf"],
            1,
            "error: [STORE]/nowhere is not a folder",
        ),
        (
            vec!["models", "register", "s3://bucket/m", "clf"],
            2,
            "error: cannot register 's3://bucket/m': expected runs:/, models:/ or a local folder",
        ),
        (
            vec!["models", "register", "models:/clf/7", "clf"],
            1,
            "error: model 'clf' has no version 7",
        ),
        (
            vec!["models", "version", "models:/clf/1/extra"],
            1,
            "error: invalid model URI 'models:/clf/1/extra': expected models:/<name>/<version>, models:/<name>@<alias> or models:/<model_id>",
        ),
        (
            vec!["models", "set-tag", "clf", "../x", "v"],
            1,
            "error: invalid tag key \"../x\": keys may not start with '/' or '..'",
        ),
    ] {
        let err = env.fails(&args, code);
        assert_eq!(err.lines().next().unwrap(), msg, "{args:?}");
    }
    let err = env.fails(
        &["models", "register", &format!("runs:/{run}/nothing"), "clf"],
        1,
    );
    assert!(err.contains("has no artifact 'nothing'"), "{err}");
    assert_eq!(env.snapshot_files(), before);
}

#[test]
fn compare_the_runs_behind_two_aliases() {
    let (env, run) = store();
    let other = env.start("train", "refit");
    env.ok(&["artifacts", "log", "m", "--path", "model", "--run", &other]);
    env.ok(&["log", "metric", "acc", "0.85", "--run", &other]);
    env.ok(&["models", "register", &format!("runs:/{run}/model"), "clf"]);
    env.ok(&["models", "register", &format!("runs:/{other}/model"), "clf"]);
    env.ok(&["models", "set-alias", "clf", "champion", "1"]);
    env.ok(&["models", "set-alias", "clf", "staging", "2"]);
    let o = env.run(&[
        "runs",
        "compare",
        "models:/clf@champion",
        "models:/clf@staging",
        "--fail-if",
        "metrics.acc < base - 0.01",
        "-f",
        "csv",
    ]);
    assert_eq!(o.code, 1);
    assert_snapshot!(env.normalize(&o.stdout), @r"
    ,key,fit,refit,best
    ,run id,[RUN:fit],[RUN:refit],
    metric,acc,0.9,0.85,fit
    ");
    // A version registered from a folder has no run to compare.
    env.ok(&["models", "register", "m", "clf"]);
    let err = env.fails(&["runs", "compare", "models:/clf/1", "models:/clf/3"], 1);
    assert_snapshot!(err, @"error: models:/clf/3 (version 3 of 'clf') was not made by a run, so it has no tracking data");
}

/// The README's promotion and rollback flow, in a store committed to git: each alias move is a
/// one-line change.
#[test]
fn promotion_and_rollback_are_small_git_diffs() {
    let (env, run) = store();
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .args(args)
            .current_dir(env.root())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let source = format!("runs:/{run}/model");
    env.ok(&["models", "register", &source, "classifier"]);
    env.ok(&["models", "set-alias", "classifier", "champion", "1"]);
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "v1 is champion"]);
    let v = env.ok(&["models", "register", &source, "classifier"]);
    env.ok(&["models", "set-alias", "classifier", "staging", &v]);
    let o = env.run(&[
        "runs",
        "compare",
        "models:/classifier@champion",
        "models:/classifier@staging",
        "--fail-if",
        "metrics.acc < base - 0.01",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let prev = env.ok(&["models", "get-alias", "classifier", "champion"]);
    assert_eq!(prev, "1");
    git(&["add", "-A"]);
    git(&["commit", "-qm", "v2 registered"]);
    env.ok(&["models", "set-alias", "classifier", "champion", &v]);
    // (The model's last_updated_timestamp changes too, in real use; the clock is fixed here.)
    assert_snapshot!(git(&["diff", "--numstat"]), @"1	1	registry/models/classifier/aliases/champion");
    git(&["commit", "-qam", "promote"]);
    env.ok(&["models", "set-alias", "classifier", "champion", &prev]);
    assert_eq!(
        env.ok(&["models", "get-alias", "classifier", "champion"]),
        "1"
    );
    assert_eq!(git(&["diff", "--numstat"]).lines().count(), 1);
}

#[test]
fn search_registered_models() {
    let (env, _) = store();
    env.ok(&["models", "create", "clf-small", "-t", "team=cv"]);
    env.ok(&["models", "create", "clf-big", "-t", "team=nlp"]);
    env.ok(&[
        "models",
        "create",
        "summarize",
        "-t",
        "mlflow.prompt.is_prompt=true",
    ]);
    let names = |args: &[&str]| {
        let mut a = vec!["models", "list", "-f", "csv"];
        a.extend(args);
        env.ok(&a)
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&[]), ["clf-big", "clf-small"]);
    assert_eq!(
        names(&["--filter", "tags.team = 'cv' or name = 'x'"]),
        ["clf-small"]
    );
    assert_eq!(
        names(&[
            "--filter",
            "name LIKE 'clf-%'",
            "--order-by",
            "name DESC",
            "--max-results",
            "1"
        ]),
        ["clf-small"]
    );
    assert_eq!(
        names(&["--filter", "tags.`mlflow.prompt.is_prompt` = 'true'"]),
        ["summarize"]
    );
    let err = env.fails(&["models", "list", "--filter", "tags.team > 'a'"], 2);
    assert_snapshot!(err, @r"
    error: invalid filter at column 11: tags.team is a tag: use =, !=, LIKE or ILIKE
      tags.team > 'a'
                ^
    ");
}

#[test]
fn inspect_a_registered_version() {
    let (env, _) = store();
    let fixture = crate::harness::fixture("models/sklearn-mlflow3");
    env.ok(&["models", "register", fixture.to_str().unwrap(), "skl"]);
    env.ok(&["models", "set-alias", "skl", "champion", "1"]);
    let v = env.json(&["models", "inspect", "models:/skl@champion", "-f", "json"]);
    assert!(v["flavors"]["sklearn"].is_object(), "{v}");
    let err = env.fails(&["models", "inspect", "models:/skl@nope"], 1);
    assert_snapshot!(err, @"error: model 'skl' has no alias 'nope'");
}

#[test]
fn unknown_model_and_alias_names_get_suggestions() {
    let (env, run) = store();
    env.ok(&[
        "models",
        "register",
        &format!("runs:/{run}/model"),
        "classifier",
    ]);
    env.ok(&["models", "set-alias", "classifier", "champion", "1"]);
    let err = env.fails(&["models", "show", "clasifier"], 1);
    assert_snapshot!(err, @r"
    error: no registered model named 'clasifier'
    hint: did you mean 'classifier'?
    ");
    let err = env.fails(&["models", "get-alias", "classifier", "champoin"], 1);
    assert_snapshot!(err, @r"
    error: model 'classifier' has no alias 'champoin'
    hint: did you mean 'champion'?
    ");
    let err = env.fails(&["models", "version", "models:/classifier@champio"], 1);
    assert!(err.ends_with("hint: did you mean 'champion'?\n"), "{err}");
    let err = env.fails(&["models", "delete-alias", "classifier", "prod"], 1);
    assert_snapshot!(err, @"error: model 'classifier' has no alias 'prod'");
}
