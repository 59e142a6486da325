use crate::harness::TestEnv;
use insta::assert_snapshot;

#[test]
fn create_list_show() {
    let env = TestEnv::init();
    let id = env.experiment("train");
    assert_eq!(id.len(), 18);
    env.ok(&["experiments", "set-tag", "train", "team/owner", "vision"]);
    assert_snapshot!(env.normalize(&env.ok(&["experiments", "list"])), @r"
    ID                  NAME     CREATED                     ARTIFACT LOCATION
    0                   Default  2026-11-29 03:27:37 +00:00  mlruns/0
    [EXP:train]  train    2026-11-29 03:27:37 +00:00  mlruns/[EXP:train]
    ");
    assert_snapshot!(env.normalize(&env.ok(&["experiments", "show", &id, "--format", "json"])), @r#"
    {
      "experiment": {
        "artifact_location": "mlruns/[EXP:train]",
        "creation_time": 1795922857436,
        "experiment_id": "[EXP:train]",
        "last_update_time": 1795922857436,
        "lifecycle_stage": "active",
        "name": "train",
        "tags": [
          {
            "key": "team/owner",
            "value": "vision"
          }
        ]
      }
    }
    "#);
    assert_eq!(env.read(&format!("mlruns/{id}/tags/team/owner")), "vision");
    assert_snapshot!(env.read(&format!("mlruns/{id}/meta.yaml")).replace(&id, "ID"), @r"
    artifact_location: 'mlruns/ID'
    creation_time: 1795922857436
    experiment_id: 'ID'
    last_update_time: 1795922857436
    lifecycle_stage: 'active'
    name: 'train'
    ");
    let csv = env.ok(&["experiments", "list", "--format", "csv"]);
    assert_eq!(
        csv.lines().next(),
        Some("id,name,created,artifact location")
    );
}

#[test]
fn names_are_unique_even_among_deleted() {
    let env = TestEnv::init();
    env.experiment("a");
    let err = env.fails(&["experiments", "create", "a"], 1);
    assert_snapshot!(err, @"error: an experiment named 'a' already exists: [EXP:a]");
    env.ok(&["experiments", "delete", "a"]);
    let err = env.fails(&["experiments", "create", "a"], 1);
    assert_snapshot!(err, @r"
    error: an experiment named 'a' already exists: [EXP:a] (deleted)
    hint: restore it with `mlt experiments restore a`, or pick another name
    ");
}

#[test]
fn rename_delete_restore() {
    let env = TestEnv::init();
    let id = env.experiment("old");
    let run = env.start("old", "r");
    env.ok(&["experiments", "rename", "old", "new"]);
    assert_eq!(
        env.json(&["experiments", "show", &id, "-f", "json"])["experiment"]["name"],
        "new"
    );
    env.ok(&["experiments", "delete", "new"]);
    assert!(env.path(&format!("mlruns/.trash/{id}/meta.yaml")).is_file());
    assert!(!env.path(&format!("mlruns/{id}")).exists());
    // Its runs are deleted with it, and it only shows in the deleted view.
    let meta = env.read(&format!("mlruns/.trash/{id}/{run}/meta.yaml"));
    assert!(meta.contains("lifecycle_stage: 'deleted'"), "{meta}");
    assert!(meta.contains("deleted_time: "), "{meta}");
    let active = env.ok(&["experiments", "list", "-f", "csv"]);
    assert!(!active.contains("new"));
    let deleted = env.ok(&["experiments", "list", "--view", "deleted", "-f", "csv"]);
    assert!(deleted.contains(&format!("{id},new,deleted")), "{deleted}");
    let err = env.fails(&["log", "param", "a", "b", "--run", &run], 1);
    assert!(err.contains("is deleted"), "{err}");
    env.ok(&["experiments", "restore", &id]);
    let meta = env.read(&format!("mlruns/{id}/{run}/meta.yaml"));
    assert!(meta.contains("lifecycle_stage: 'active'"), "{meta}");
    assert!(!meta.contains("deleted_time"), "{meta}");
}

#[test]
fn default_experiment_cannot_be_deleted() {
    let env = TestEnv::init();
    let err = env.fails(&["experiments", "delete", "0"], 1);
    assert_snapshot!(err, @"error: the Default experiment (0) cannot be deleted");
}

#[test]
fn tags_set_and_delete() {
    let env = TestEnv::init();
    env.experiment("e");
    env.ok(&["experiments", "set-tag", "e", "k", "v"]);
    env.ok(&["experiments", "delete-tag", "e", "k"]);
    let err = env.fails(&["experiments", "delete-tag", "e", "k"], 1);
    assert_snapshot!(err, @"error: experiment 'e' has no tag 'k'");
    let err = env.fails(&["experiments", "set-tag", "e", "../x", "v"], 1);
    assert!(err.contains("invalid experiment tag key \"../x\""), "{err}");
}

#[test]
fn unknown_experiment() {
    let env = TestEnv::init();
    let err = env.fails(&["experiments", "show", "nope"], 1);
    assert_snapshot!(err, @"error: no experiment with id or name 'nope'");
}

#[test]
fn malformed_meta_is_named_and_skipped_in_listings() {
    let env = TestEnv::init();
    let id = env.experiment("e");
    std::fs::write(
        env.path(&format!("mlruns/{id}/meta.yaml")),
        "name: [unclosed\n",
    )
    .unwrap();
    let o = env.run(&["experiments", "list", "-f", "csv"]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("Default") && !o.stdout.contains(",e,"));
    assert!(
        o.stderr.contains(&format!(
            "warning: skipping experiment: malformed {}",
            env.path(&format!("mlruns/{id}/meta.yaml")).display()
        )),
        "{}",
        o.stderr
    );
    let err = env.fails(&["experiments", "show", &id], 1);
    assert!(
        err.starts_with("error: malformed [STORE]/mlruns/[EXP:e]/meta.yaml: "),
        "{err}"
    );
}

/// Four experiments besides Default, created a second apart, with tags; "old-nlp" is deleted
/// (which updates it) later.
fn searchable() -> TestEnv {
    let env = TestEnv::init();
    let exps: [(&str, &[&str]); 4] = [
        ("cv-resnet", &["-t", "team=vision", "-t", "gpu=a100"]),
        ("CV-vit", &["-t", "team=Vision"]),
        ("nlp", &["-t", "team=text"]),
        ("old-nlp", &["-t", "team=text"]),
    ];
    for (i, (name, tags)) in exps.into_iter().enumerate() {
        let mut args = vec!["experiments", "create", name];
        args.extend(tags);
        let o = env.run_with(&args, |c| {
            c.env(
                "MLT_NOW_MS",
                (crate::harness::NOW + (i as i64 + 1) * 1000).to_string(),
            );
        });
        assert_eq!(o.code, 0, "{}", o.stderr);
        env.name(&o.value(), &format!("[EXP:{name}]"));
    }
    let o = env.run_with(&["experiments", "delete", "old-nlp"], |c| {
        c.env("MLT_NOW_MS", (crate::harness::NOW + 10_000).to_string());
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    env
}

#[test]
fn list_with_mlflow_filters() {
    let env = searchable();
    let list = |args: &[&str]| {
        let mut a = vec!["experiments", "list", "-f", "csv"];
        a.extend(args);
        env.normalize(&env.ok(&a))
    };
    assert_snapshot!(list(&["--filter", "name ILIKE 'cv-%' and tags.team != 'text'"]), @r"
    id,name,created,artifact location,tags.team
    [EXP:CV-vit],CV-vit,2026-11-29 03:27:39,mlruns/[EXP:CV-vit],Vision
    [EXP:cv-resnet],cv-resnet,2026-11-29 03:27:38,mlruns/[EXP:cv-resnet],vision
    ");
    // The view picks the experiments the filter searches.
    assert_snapshot!(list(&["--view", "all", "--filter", "tags.team = 'text'"]), @r"
    id,name,stage,created,artifact location,tags.team
    [EXP:old-nlp],old-nlp,deleted,2026-11-29 03:27:41,mlruns/[EXP:old-nlp],text
    [EXP:nlp],nlp,active,2026-11-29 03:27:40,mlruns/[EXP:nlp],text
    ");
    // OR, NOT and parentheses; IS NULL on tags; times are milliseconds.
    let since = (crate::harness::NOW + 2000).to_string();
    assert_snapshot!(list(&[
        "--filter",
        &format!("(tags.gpu IS NOT NULL or name = 'nlp') and not creation_time > {since}"),
    ]), @r"
    id,name,created,artifact location,tags.gpu
    [EXP:cv-resnet],cv-resnet,2026-11-29 03:27:38,mlruns/[EXP:cv-resnet],a100
    ");
}

#[test]
fn list_ordered_and_limited() {
    let env = searchable();
    let ids = |args: &[&str]| {
        let mut a = vec!["experiments", "list", "-f", "json"];
        a.extend(args);
        let names: Vec<String> = env.json(&a)["experiments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_string())
            .collect();
        names.join(" ")
    };
    // MLflow's default: creation_time DESC, experiment_id.
    assert_eq!(ids(&[]), "nlp CV-vit cv-resnet Default");
    assert_eq!(ids(&["--order-by", "name"]), "CV-vit Default cv-resnet nlp");
    assert_eq!(
        ids(&["--order-by", "attribute.name DESC", "--max-results", "2"]),
        "nlp cv-resnet"
    );
    // The deletion updated old-nlp.
    assert_eq!(
        ids(&[
            "--view",
            "all",
            "--order-by",
            "last_update_time DESC",
            "--max-results",
            "1"
        ]),
        "old-nlp"
    );
    let table = env.ok(&[
        "experiments",
        "list",
        "--filter",
        "experiment_id IN ('0')",
        "--order-by",
        "last_update_time",
    ]);
    assert_snapshot!(table, @r"
    ID  NAME     CREATED                     UPDATED                     ARTIFACT LOCATION
    0   Default  2026-11-29 03:27:37 +00:00  2026-11-29 03:27:37 +00:00  mlruns/0
    ");
}

#[test]
fn a_wrong_experiment_filter_points_at_its_column() {
    let env = searchable();
    let err = env.fails(
        &[
            "experiments",
            "list",
            "--filter",
            "name = 'nlp' or tags.team < 'x'",
        ],
        2,
    );
    assert_snapshot!(err, @r"
    error: invalid filter at column 27: tags.team is a tag: use =, !=, LIKE, ILIKE, IS NULL or IS NOT NULL
      name = 'nlp' or tags.team < 'x'
                                ^
    ");
    let err = env.fails(&["experiments", "list", "--filter", "metrics.acc > 1"], 2);
    assert_snapshot!(err, @r"
    error: invalid filter at column 1: unknown entity 'metrics' (experiments have attributes and tags: use name, attribute.name or tags.<key>)
      metrics.acc > 1
      ^
    ");
    let err = env.fails(&["experiments", "list", "--order-by", "tags.team"], 2);
    assert_snapshot!(err, @r"
    error: invalid --order-by at column 1: experiments are ordered by name, experiment_id, creation_time or last_update_time
      tags.team
      ^
    ");
    // A bad filter is reported before the store is looked for.
    let empty = TestEnv::new();
    let err = empty.fails(&["experiments", "list", "--filter", "name = nlp"], 2);
    assert!(
        err.starts_with("error: invalid filter at column 8"),
        "{err}"
    );
}

#[test]
fn a_deleted_experiment_says_how_to_restore_it() {
    let env = TestEnv::init();
    env.experiment("tuning");
    env.ok(&["experiments", "delete", "tuning"]);
    let err = env.fails(&["experiments", "set-tag", "tuning", "k", "v"], 1);
    assert_snapshot!(err, @r"
    error: experiment 'tuning' ([EXP:tuning]) is deleted
    hint: restore it with `mlt experiments restore tuning`
    ");
    let err = env.fails(&["runs", "start", "-e", "tuning"], 1);
    assert!(
        err.contains("hint: restore it with `mlt experiments restore tuning`"),
        "{err}"
    );
    // A name that needs quoting in a shell is quoted in the hint, so it can be pasted.
    env.experiment("my exp");
    env.ok(&["experiments", "delete", "my exp"]);
    let err = env.fails(&["experiments", "rename", "my exp", "other"], 1);
    assert!(
        err.ends_with("hint: restore it with `mlt experiments restore 'my exp'`\n"),
        "{err}"
    );
    // The hint works as written.
    env.ok(&["experiments", "restore", "tuning"]);
    env.ok(&["experiments", "set-tag", "tuning", "k", "v"]);
}

#[test]
fn an_unknown_experiment_name_gets_a_suggestion() {
    let env = TestEnv::init();
    env.experiment("baseline");
    env.experiment("baseline-v2");
    env.experiment("tuning");
    let err = env.fails(&["runs", "list", "-e", "basline"], 1);
    assert_snapshot!(err, @r"
    error: no experiment with id or name 'basline'
    hint: did you mean 'baseline'?
    ");
    let err = env.fails(&["experiments", "show", "baseline-2"], 1);
    assert_snapshot!(err, @r"
    error: no experiment with id or name 'baseline-2'
    hint: did you mean 'baseline-v2' or 'baseline'?
    ");
    // Case alone is a typo too; names far from every experiment get no hint.
    let err = env.fails(&["runs", "list", "-e", "TUNING"], 1);
    assert!(err.ends_with("hint: did you mean 'tuning'?\n"), "{err}");
    let err = env.fails(&["runs", "list", "-e", "zzz"], 1);
    assert_snapshot!(err, @"error: no experiment with id or name 'zzz'");
}
