use crate::harness::{NOW, TestEnv};
use insta::assert_snapshot;

#[test]
fn start_prints_only_the_id_and_writes_mlflow_layout() {
    let env = TestEnv::init();
    let o = env.run(&[
        "runs",
        "start",
        "-e",
        "train",
        "--name",
        "r1",
        "-d",
        "first try",
        "-t",
        "k=v",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let id = o.value();
    assert_eq!(
        id.len(),
        32,
        "stdout must be the run id alone: {:?}",
        o.stdout
    );
    assert!(
        o.stderr.contains("Created experiment 'train'"),
        "{}",
        o.stderr
    );
    let exp =
        env.json(&["experiments", "show", "train", "-f", "json"])["experiment"]["experiment_id"]
            .as_str()
            .unwrap()
            .to_string();
    let dir = format!("mlruns/{exp}/{id}");
    for d in ["metrics", "params", "artifacts", "tags"] {
        assert!(env.path(&format!("{dir}/{d}")).is_dir(), "{d}");
    }
    let meta = env.read(&format!("{dir}/meta.yaml"));
    let meta = meta.replace(&id, "RUN").replace(&exp, "EXP");
    assert_snapshot!(meta, @r"
    artifact_uri: 'mlruns/EXP/RUN/artifacts'
    deleted_time: null
    end_time: null
    entry_point_name: ''
    experiment_id: 'EXP'
    lifecycle_stage: 'active'
    run_id: 'RUN'
    run_name: 'r1'
    source_name: ''
    source_type: 4
    source_version: ''
    start_time: 1795922857436
    status: 1
    tags: []
    user_id: 'tester'
    ");
    assert_eq!(env.read(&format!("{dir}/tags/mlflow.runName")), "r1");
    assert_eq!(env.read(&format!("{dir}/tags/mlflow.user")), "tester");
    assert_eq!(env.read(&format!("{dir}/tags/mlflow.source.type")), "LOCAL");
    assert_eq!(
        env.read(&format!("{dir}/tags/mlflow.note.content")),
        "first try"
    );
    assert_eq!(env.read(&format!("{dir}/tags/k")), "v");
}

#[test]
fn end_sets_status_and_end_time() {
    let env = TestEnv::init();
    let a = env.start("0", "a");
    let b = env.start("0", "b");
    env.ok(&["runs", "end", "--run", &a]);
    let o = env.run_with(&["runs", "end", "--status", "FAILED"], |c| {
        c.env("MLT_RUN_ID", &b);
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    let runs = env.json(&["runs", "list", "-f", "json"]);
    let mut status: Vec<(&str, &str)> = runs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["info"]["run_name"].as_str().unwrap(),
                r["info"]["status"].as_str().unwrap(),
            )
        })
        .collect();
    status.sort();
    assert_eq!(status, [("a", "FINISHED"), ("b", "FAILED")]);
    assert_eq!(runs["runs"][0]["info"]["end_time"], NOW);
    assert!(
        env.read(&format!("mlruns/0/{a}/meta.yaml"))
            .contains("status: 3\n")
    );
    assert!(
        env.read(&format!("mlruns/0/{b}/meta.yaml"))
            .contains("status: 4\n")
    );
    let err = env.fails(&["runs", "end", "--status", "DONE", "--run", &a], 2);
    assert!(err.contains("invalid value 'DONE'"), "{err}");
}

#[test]
fn nested_runs_record_their_parent() {
    let env = TestEnv::init();
    let parent = env.start("0", "parent");
    let child = env.ok(&["runs", "start", "--parent", &parent, "--name", "child"]);
    let run = env.json(&["runs", "show", &child, "-f", "json"]);
    let tags = run["run"]["data"]["tags"].as_array().unwrap();
    assert!(
        tags.iter()
            .any(|t| t["key"] == "mlflow.parentRunId" && t["value"] == parent.as_str())
    );
    let err = env.fails(
        &[
            "runs",
            "start",
            "--parent",
            "0123456789abcdef0123456789abcdef",
        ],
        1,
    );
    assert_snapshot!(err, @"error: no run with id '0123456789abcdef0123456789abcdef'");
}

#[test]
fn list_table_and_views() {
    let env = TestEnv::init();
    env.start("0", "a");
    let o = env.run_with(&["runs", "start", "--name", "b"], |c| {
        c.env("MLT_NOW_MS", (NOW - 60_000).to_string());
    });
    let b = o.value();
    env.name(&b, "[RUN:b]");
    env.ok(&["runs", "end", "--run", &b]);
    env.ok(&["runs", "delete", &b]);
    assert_snapshot!(env.normalize(&env.ok(&["runs", "list"])), @r"
    RUN ID                            NAME  STATUS   STARTED                     DURATION
    [RUN:a]  a     RUNNING  2026-11-29 03:27:37 +00:00
    ");
    assert_snapshot!(env.normalize(&env.ok(&["runs", "list", "--view", "all", "-f", "csv"])), @r"
    run id,name,status,started,duration,stage
    [RUN:a],a,RUNNING,2026-11-29 03:27:37,,active
    [RUN:b],b,FINISHED,2026-11-29 03:26:37,1m00s,deleted
    ");
    env.ok(&["runs", "restore", &b]);
    assert_eq!(env.ok(&["runs", "list", "-f", "csv"]).lines().count(), 3);
}

#[test]
fn show_everything_about_a_run() {
    let env = TestEnv::init();
    let r = env.start("0", "r");
    env.ok(&["log", "params", "lr=0.01", "layers=3", "--run", &r]);
    env.ok(&["log", "metric", "loss", "0.5", "--step", "1", "--run", &r]);
    env.ok(&["log", "metric", "loss", "0.25", "--step", "2", "--run", &r]);
    env.ok(&["log", "metric", "odd", "nan", "--run", &r]);
    std::fs::write(env.path("model.txt"), "weights").unwrap();
    env.ok(&["artifacts", "log", "model.txt", "--run", &r]);
    assert_snapshot!(env.normalize(&env.ok(&["runs", "show", &r])), @r"
    FIELD                    VALUE
    run_id                   [RUN:r]
    run_name                 r
    experiment_id            0
    status                   RUNNING
    lifecycle_stage          active
    user_id                  tester
    start_time               2026-11-29 03:27:37 +00:00
    artifact_uri             mlruns/0/[RUN:r]/artifacts
    params.layers            3
    params.lr                0.01
    metrics.loss             0.25 (step 2)
    metrics.odd              nan (step 0)
    tags.mlflow.runName      r
    tags.mlflow.source.name  train.sh
    tags.mlflow.source.type  LOCAL
    tags.mlflow.user         tester
    artifacts/model.txt      7 B
    ");
    let json = env.json(&["runs", "show", &r, "-f", "json"]);
    assert_eq!(json["run"]["data"]["metrics"][1]["value"], "NaN");
    assert_eq!(json["run"]["info"]["run_uuid"], r.as_str());
    assert_eq!(json["artifacts"][0]["path"], "model.txt");
    assert_eq!(json["artifacts"][0]["file_size"], 7);
}

#[test]
fn unknown_or_invalid_runs() {
    let env = TestEnv::init();
    let err = env.fails(&["runs", "show", "0123456789abcdef0123456789abcdef"], 1);
    assert_snapshot!(err, @"error: no run with id '0123456789abcdef0123456789abcdef'");
    let err = env.fails(&["runs", "show", "../../etc"], 1);
    assert_snapshot!(err, @"error: no run with id, id prefix or name '../../etc'");
    let err = env.fails(&["runs", "end"], 2);
    assert_snapshot!(err, @r"
    error: no run given
    hint: give the run (its id, an id prefix or its name), or set MLT_RUN_ID
    ");
}

#[test]
fn tag_run_name_renames_the_run() {
    let env = TestEnv::init();
    let r = env.start("0", "before");
    env.ok(&["log", "tag", "mlflow.runName", "after", "--run", &r]);
    let meta = env.read(&format!("mlruns/0/{r}/meta.yaml"));
    assert!(meta.contains("run_name: 'after'"), "{meta}");
    env.ok(&["runs", "delete-tag", "mlflow.runName", "--run", &r]);
    assert!(
        !env.path(&format!("mlruns/0/{r}/tags/mlflow.runName"))
            .exists()
    );
}

#[test]
fn tables_fit_the_terminal_width() {
    let env = TestEnv::init();
    let r = env.start("0", "a-run-with-a-rather-long-name");
    env.ok(&[
        "log",
        "param",
        "description",
        &"words and more words ".repeat(6),
        "--run",
        &r,
    ]);
    let o = env.run_with(&["runs", "show", &r], |c| {
        c.env("COLUMNS", "50");
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    for line in o.stdout.lines() {
        assert!(
            line.chars().count() <= 50,
            "{} chars: {line:?}",
            line.chars().count()
        );
    }
    // A long value is cut short on its one line, not wrapped; the run id is whole.
    assert!(
        o.stdout
            .lines()
            .any(|l| l.contains("words and more") && l.ends_with('…')),
        "{}",
        o.stdout
    );
    assert!(o.stdout.lines().any(|l| l.contains(&r)), "{}", o.stdout);
}
