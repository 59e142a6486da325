use crate::harness::TestEnv;
use insta::assert_snapshot;

#[test]
fn create_list_show() {
    let env = TestEnv::init();
    let id = env.experiment("train");
    assert_eq!(id.len(), 18);
    env.ok(&["experiments", "set-tag", "train", "team/owner", "vision"]);
    assert_snapshot!(env.normalize(&env.ok(&["experiments", "list"])), @r"
    ID                  NAME     CREATED              ARTIFACT LOCATION
    0                   Default  2026-11-29 03:27:37  mlruns/0
    [EXP:train]  train    2026-11-29 03:27:37  mlruns/[EXP:train]
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
    assert!(
        err.contains("(deleted; restore it or pick another name)"),
        "{err}"
    );
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
