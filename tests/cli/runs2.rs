//! `runs list` with the options of `runs search` and chosen columns, `runs show` with the
//! run's logged models, `runs diff` with no difference and `--exit-code` (issue 11: rough
//! edges 4, 9 and 11).

use crate::harness::{NOW, TestEnv};
use insta::assert_snapshot;

/// Runs a, b, c in Default (started one second apart) and d in "other", each with params lr
/// and opt and metrics acc and loss.
fn store() -> TestEnv {
    let env = TestEnv::init();
    env.experiment("other");
    let runs = [
        ("0", "a", "0.01", "0.9", "0.1", 1),
        ("0", "b", "0.1", "0.4", "0.6", 2),
        ("0", "c", "0.001", "0.7", "0.3", 3),
        ("other", "d", "0.01", "0.95", "0.05", 4),
    ];
    for (exp, name, lr, acc, loss, t) in runs {
        let o = env.run_with(&["runs", "start", "-e", exp, "--name", name], |c| {
            c.env("MLT_NOW_MS", (NOW + t * 1000).to_string());
        });
        let id = o.value();
        env.name(&id, &format!("[RUN:{name}]"));
        env.ok(&[
            "log",
            "params",
            &format!("lr={lr}"),
            "opt=sgd",
            "--run",
            &id,
        ]);
        env.ok(&[
            "log",
            "metrics",
            &format!("acc={acc}"),
            &format!("loss={loss}"),
            "--run",
            &id,
        ]);
    }
    env
}

fn id_of(env: &TestEnv, name: &str) -> String {
    let found = env.json(&[
        "runs",
        "search",
        "--filter",
        &format!("run_name = '{name}'"),
        "-f",
        "json",
    ]);
    found["runs"][0]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn list_takes_the_options_of_search() {
    let env = store();
    // Refused before: --order-by and --max-results were search's only.
    let o = env.run(&[
        "runs",
        "list",
        "--order-by",
        "metrics.acc DESC",
        "--max-results",
        "2",
        "-f",
        "csv",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(env.normalize(&o.stdout), @r"
    run id,name,status,started,duration,metrics.acc
    [RUN:a],a,RUNNING,2026-11-29 03:27:38,,0.9
    [RUN:c],c,RUNNING,2026-11-29 03:27:40,,0.7
    ");
    assert_snapshot!(o.stderr, @r"
    Runs of experiment 'Default' (3); -e NAME for another
    showing 2 of 3 runs (--max-results to see more)
    ");
    // Several experiments and a filter, as search takes them; naming them prints no
    // experiment line.
    let o = env.run(&[
        "runs",
        "list",
        "-e",
        "other",
        "-e",
        "Default",
        "--filter",
        "metrics.acc > 0.8",
        "-f",
        "csv",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stderr, "");
    assert_snapshot!(env.normalize(&o.stdout), @r"
    run id,experiment,name,status,started,duration,metrics.acc
    [RUN:d],[EXP:other],d,RUNNING,2026-11-29 03:27:41,,0.95
    [RUN:a],0,a,RUNNING,2026-11-29 03:27:38,,0.9
    ");
}

#[test]
fn list_keeps_its_defaults_and_its_json() {
    let env = store();
    // The Default experiment only, newest first, whole runs as `runs show` gives them.
    let o = env.run(&["runs", "list", "-f", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stderr, "Runs of experiment 'Default' (3); -e NAME for another\n",
        "the experiment shown is named on stderr"
    );
    let json: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(json.as_object().unwrap().len(), 1, "{json}");
    let runs = json["runs"].as_array().unwrap();
    let names: Vec<&str> = runs
        .iter()
        .map(|r| r["info"]["run_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["c", "b", "a"]);
    for run in runs {
        let id = run["info"]["run_id"].as_str().unwrap();
        assert_eq!(*run, env.json(&["runs", "show", id, "-f", "json"])["run"]);
    }
    // --quiet silences the line; more than 1000 runs are not cut (search's default limit).
    let o = env.run(&["--quiet", "runs", "list"]);
    assert_eq!((o.code, o.stderr.as_str()), (0, ""));
    assert_eq!(o.stdout.lines().count(), 4);
}

#[test]
fn chosen_columns_by_name_and_glob() {
    let env = store();
    let a = id_of(&env, "a");
    env.ok(&["log", "tag", "team", "cv", "--run", &a]);
    let out = env.ok(&[
        "runs",
        "list",
        "--columns",
        "params.*,metrics.acc",
        "--columns",
        "tags.team",
        "-f",
        "csv",
    ]);
    assert_snapshot!(env.normalize(&out), @r"
    run id,name,status,started,duration,params.lr,params.opt,metrics.acc,tags.team
    [RUN:c],c,RUNNING,2026-11-29 03:27:40,,0.001,sgd,0.7,
    [RUN:b],b,RUNNING,2026-11-29 03:27:39,,0.1,sgd,0.4,
    [RUN:a],a,RUNNING,2026-11-29 03:27:38,,0.01,sgd,0.9,cv
    ");
    // Search takes them too, in md; they replace the columns the filter names.
    let out = env.ok(&[
        "runs",
        "search",
        "--filter",
        "metrics.loss < 0.2",
        "--columns",
        "tags.mlflow.r*,metrics.l*",
        "-f",
        "md",
    ]);
    assert_snapshot!(env.normalize(&out), @r"
    | run id | experiment | name | status | started | duration | tags.mlflow.runName | metrics.loss |
    | --- | --- | --- | --- | --- | --- | --- | --- |
    | [RUN:d] | [EXP:other] | d | RUNNING | 2026-11-29 03:27:41 +00:00 |  | d | 0.05 |
    | [RUN:a] | 0 | a | RUNNING | 2026-11-29 03:27:38 +00:00 |  | a | 0.1 |
    ");
    // JSON keeps whole runs.
    let json = env.json(&["runs", "list", "--columns", "params.lr", "-f", "json"]);
    assert_eq!(
        json["runs"][2]["data"]["metrics"].as_array().unwrap().len(),
        2
    );
    let err = env.fails(&["runs", "list", "--columns", "lr"], 2);
    assert!(
        err.contains("'lr' is not a column: use params.KEY, metrics.KEY or tags.KEY"),
        "{err}"
    );
}

#[test]
fn chosen_columns_read_only_their_files() {
    let env = store();
    let a = id_of(&env, "a");
    // A malformed metric file warns when it is read: a name reads only its own file, a glob
    // the whole folder.
    std::fs::write(env.path(&format!("mlruns/0/{a}/metrics/bad")), "garbage\n").unwrap();
    let o = env.run(&["-q", "runs", "list", "--columns", "metrics.acc"]);
    assert_eq!((o.code, o.stderr.as_str()), (0, ""));
    let o = env.run(&["-q", "runs", "list", "--columns", "metrics.*"]);
    assert_eq!(o.code, 0);
    assert!(o.stderr.contains("malformed metric line"), "{}", o.stderr);
}

/// Writes a logged model of `run` as MLflow 3 does: `mlruns/<exp>/models/<id>/meta.yaml`.
fn logged_model(env: &TestEnv, id: &str, name: &str, run: &str) {
    let dir = format!("mlruns/0/models/{id}");
    std::fs::create_dir_all(env.path(&format!("{dir}/artifacts"))).unwrap();
    std::fs::write(
        env.path(&format!("{dir}/meta.yaml")),
        format!(
            "artifact_location: file://{root}/{dir}/artifacts\ncreation_timestamp: {NOW}\n\
             experiment_id: '0'\nlast_updated_timestamp: {NOW}\nmodel_id: {id}\n\
             model_type: ''\nname: {name}\nsource_run_id: {run}\nstatus: READY\n\
             status_message: null\nuser_id: tester\n",
            root = env.root().display()
        ),
    )
    .unwrap();
}

#[test]
fn show_lists_the_runs_logged_models() {
    let env = TestEnv::init();
    let r = env.start("0", "r");
    let other = env.start("0", "other");
    logged_model(&env, "m-0a1b2c", "model", &r);
    logged_model(&env, "m-ffff", "not-mine", &other);
    let out = env.normalize(&env.ok(&["runs", "show", &r, "-f", "csv"]));
    let rows: Vec<&str> = out.lines().filter(|l| l.contains("logged")).collect();
    assert_eq!(
        rows,
        ["logged_models.model,m-0a1b2c at file://[STORE]/mlruns/0/models/m-0a1b2c/artifacts"]
    );
    let json = env.json(&["runs", "show", &r, "-f", "json"]);
    assert_eq!(
        json["logged_models"],
        serde_json::json!([{
            "model_id": "m-0a1b2c",
            "name": "model",
            "experiment_id": "0",
            "artifact_location": format!("file://{}/mlruns/0/models/m-0a1b2c/artifacts", env.root().display()),
        }])
    );
    assert_eq!(
        json["run"]["info"]["run_id"],
        r.as_str(),
        "the rest is as it was"
    );
    let theirs = env.json(&["runs", "show", &other, "-f", "json"]);
    assert_eq!(theirs["logged_models"][0]["model_id"], "m-ffff");
    let start = env.start("0", "bare");
    assert_eq!(
        env.json(&["runs", "show", &start, "-f", "json"])["logged_models"],
        serde_json::json!([])
    );
}

#[test]
fn diff_of_equal_runs_says_so() {
    let env = TestEnv::init();
    let a = env.start("0", "a");
    env.ok(&["log", "metric", "acc", "0.5", "--run", &a]);
    let o = env.run(&["runs", "diff", &a, &a]);
    assert_eq!(o.code, 0);
    assert_eq!(o.stdout, "", "nothing on stdout, as git diff");
    assert_eq!(
        env.normalize(&o.stderr),
        "No differences between runs [RUN:a] and [RUN:a]\n"
    );
    let json = env.json(&["runs", "diff", &a, &a, "-f", "json"]);
    assert_eq!(json["params"], serde_json::json!([]));
    assert_eq!(json["metrics"], serde_json::json!([]));
    assert_eq!(json["a"], a.as_str());
    assert_eq!(
        env.ok(&["runs", "diff", &a, &a, "-f", "csv"]),
        ",key,a,a,change",
        "CSV keeps its header"
    );
}

#[test]
fn diff_exit_code_as_git_diff() {
    let env = TestEnv::init();
    let a = env.start("0", "a");
    let b = env.start("0", "b");
    let o = env.run(&["runs", "diff", &a, &a, "--exit-code"]);
    assert_eq!((o.code, o.stdout.as_str()), (0, ""));
    let o = env.run(&["runs", "diff", &a, &b, "--exit-code", "-f", "md"]);
    assert_eq!(o.code, 1, "a difference exits 1: {}", o.stderr);
    assert_snapshot!(o.stdout, @r"
    |  | key | a | b | change |
    | --- | --- | --- | --- | --- |
    | tag | mlflow.runName | a | b |  |
    ");
    assert_eq!(o.stderr, "", "no error message: the exit code says it");
    // Without --exit-code a difference is a success.
    assert_eq!(env.run(&["runs", "diff", &a, &b]).code, 0);
}
