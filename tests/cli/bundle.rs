//! `mlt export`, `mlt import` and `mlt store merge`.

use crate::harness::TestEnv;
use insta::assert_snapshot;
use std::path::Path;

/// A store in `src/`: two experiments (one deleted), runs with params, metrics, tags and
/// artifacts, and a registered model with an alias. Returns the id of the "base" run.
fn populate(env: &TestEnv) -> String {
    let s = ["--store", "src"];
    let run = |args: &[&str]| env.ok(&[&s[..], args].concat());
    run(&["init"]);
    let id = run(&["experiments", "create", "vision", "-t", "team=cv"]);
    env.name(&id, "[EXP:vision]");
    let base = run(&["runs", "start", "-e", "vision", "--name", "base"]);
    env.name(&base, "[RUN:base]");
    run(&["log", "params", "lr=0.1", "opt=adam", "--run", &base]);
    run(&[
        "log", "metrics", "loss=0.5", "acc=0.8", "--step", "1", "--run", &base,
    ]);
    run(&[
        "log", "metrics", "loss=0.4", "acc=0.9", "--step", "2", "--run", &base,
    ]);
    std::fs::create_dir_all(env.path("files/model")).unwrap();
    std::fs::write(env.path("files/model/weights.bin"), [0u8, 1, 2]).unwrap();
    std::fs::write(env.path("files/notes.txt"), "hello").unwrap();
    run(&["artifacts", "log", "files", "--run", &base]);
    run(&["runs", "end", "--run", &base]);
    let other = run(&["runs", "start", "-e", "vision", "--name", "other"]);
    env.name(&other, "[RUN:other]");
    run(&["log", "param", "lr", "0.01", "--run", &other]);
    run(&["models", "register", &format!("runs:/{base}/model"), "clf"]);
    run(&["models", "set-alias", "clf", "champion", "1"]);
    let gone = run(&["experiments", "create", "gone"]);
    env.name(&gone, "[EXP:gone]");
    let g = run(&["runs", "start", "-e", "gone", "--name", "g"]);
    env.name(&g, "[RUN:g]");
    run(&["experiments", "delete", "gone"]);
    base
}

/// Every file under a folder with its content, except the Default experiment's meta.yaml
/// (each store has its own) and `.mlt/`.
fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut t = all_files(root);
    t.retain(|(rel, _)| rel != "mlruns/0/meta.yaml");
    t
}

/// Every file and folder under a folder with its content, except `.mlt/`.
fn all_files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(root).unwrap().display().to_string();
        if rel.starts_with(".mlt") {
            continue;
        }
        let content = if e.file_type().is_file() {
            std::fs::read(e.path()).unwrap()
        } else {
            b"<dir>".to_vec()
        };
        out.push((rel, content));
    }
    out
}

#[test]
fn export_then_import_gives_every_file_back() {
    let env = TestEnv::new();
    populate(&env);
    let o = env.run(&["--store", "src", "export", "b"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.value(), "b");
    assert_snapshot!(o.stderr, @"Exported 3 experiments, 3 runs (4 metric points, 2 artifacts, 8 B), 1 registered model and 1 model version to b (29 files, 2.4 KiB)");
    let o = env.run(&["--store", "dst", "import", "b"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(env.normalize(&o.stderr), @r"
    Created a store at [STORE]/dst
    Created experiment 'gone' ([EXP:gone])
    Created experiment 'vision' ([EXP:vision])
    Imported 2 experiments, 3 runs (4 metric points, 2 artifacts, 8 B), 1 registered model and 1 model version
    The counts match the bundle's manifest
    ");
    assert!(tree(&env.path("dst")) == tree(&env.path("src")));
    // The same through a .tar.gz.
    env.ok(&["--store", "src", "export", "b.tar.gz"]);
    env.ok(&["--store", "dst2", "import", "b.tar.gz"]);
    assert!(tree(&env.path("dst2")) == tree(&env.path("src")));
}

#[test]
fn importing_twice_changes_nothing_and_says_so() {
    let env = TestEnv::new();
    populate(&env);
    env.ok(&["--store", "src", "export", "b.tar.gz"]);
    env.ok(&["--store", "dst", "import", "b.tar.gz"]);
    let before = tree(&env.path("dst"));
    let o = env.run(&["--store", "dst", "import", "b.tar.gz"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(o.stderr, @"Nothing to import: everything is already here (3 experiments, 3 runs, 1 registered model, 1 model version)");
    assert_snapshot!(o.stdout, @r"
     WHAT                             IMPORTED  UNCHANGED  OVERWRITTEN  SKIPPED  IN BUNDLE
     experiments                      0         3          0            0        3
     runs                             0         3          0            0        3
     metric points                    0         0          0            0        4
     artifacts                        0         0          0            0        2
     artifact bytes                   0         0          0            0        8
     logged models, datasets, traces  0         0          0            0        0
     registered models                0         1          0            0        1
     model versions                   0         1          0            0        1
    ");
    assert!(tree(&env.path("dst")) == before);
    // Merging the source store itself is the same: nothing new.
    let o = env.run(&["--store", "dst", "store", "merge", "src", "-f", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let report: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(report["unchanged"]["runs"], 3);
    assert_eq!(report["imported"]["runs"], 0);
    assert!(tree(&env.path("dst")) == before);
}

#[test]
fn a_tampered_bundle_is_refused_and_the_store_is_untouched() {
    let env = TestEnv::new();
    let base = populate(&env);
    env.ok(&["--store", "src", "export", "b"]);
    env.ok(&["init", "dst"]);
    env.ok(&["--store", "dst", "experiments", "create", "mine"]);
    let before = all_files(&env.path("dst"));
    let exp = env.ok(&[
        "--store",
        "src",
        "experiments",
        "show",
        "vision",
        "-f",
        "json",
    ]);
    let exp: serde_json::Value = serde_json::from_str(&exp).unwrap();
    let exp = exp["experiment"]["experiment_id"]
        .as_str()
        .unwrap()
        .to_string();
    let param = env.path(&format!("b/mlruns/{exp}/{base}/params/lr"));

    std::fs::write(&param, "0.2").unwrap();
    let err = env.fails(&["--store", "dst", "import", "b"], 1);
    assert_snapshot!(err, @r"
    error: bundle rejected: mlruns/[EXP:vision]/[RUN:base]/params/lr has changed: its SHA-256 differs from the manifest's
    hint: nothing was imported; the store is unchanged
    ");
    std::fs::remove_file(&param).unwrap();
    let err = env.fails(&["--store", "dst", "import", "b"], 1);
    assert_snapshot!(err, @r"
    error: bundle rejected: mlruns/[EXP:vision]/[RUN:base]/params/lr is missing
    hint: nothing was imported; the store is unchanged
    ");
    std::fs::write(&param, "0.1").unwrap();
    std::os::unix::fs::symlink("/etc", env.path("b/mlruns/etc")).unwrap();
    let err = env.fails(&["--store", "dst", "import", "b"], 1);
    assert_snapshot!(err, @r"
    error: bundle rejected: mlruns/etc is a symbolic link (to /etc); bundles hold only files and folders
    hint: nothing was imported; the store is unchanged
    ");
    assert!(all_files(&env.path("dst")) == before);
    // A store that did not exist is not created by a refused bundle.
    env.fails(&["--store", "never", "import", "b"], 1);
    assert!(!env.path("never").exists());
}

/// A .tar.gz holding one entry named as given (the tar crate refuses to write bad names).
fn evil_tar(path: &Path, name: &str, kind: tar::EntryType, link: Option<&str>) {
    let file = std::fs::File::create(path).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut b = tar::Builder::new(gz);
    let mut h = tar::Header::new_gnu();
    h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    h.set_entry_type(kind);
    h.set_mode(0o644);
    if let Some(l) = link {
        h.as_old_mut().linkname[..l.len()].copy_from_slice(l.as_bytes());
    }
    h.set_size(0);
    h.set_cksum();
    b.append(&h, std::io::empty()).unwrap();
    b.into_inner().unwrap().finish().unwrap();
}

#[test]
fn tarballs_with_escaping_paths_or_links_are_refused() {
    let env = TestEnv::init();
    let before = all_files(&env.path("mlruns"));
    evil_tar(
        &env.path("up.tar.gz"),
        "../../x",
        tar::EntryType::Regular,
        None,
    );
    let err = env.fails(&["import", "up.tar.gz"], 1);
    assert_snapshot!(err, @r"
    error: bundle rejected: the archive holds '../../x' climbs out of the bundle with '..'
    hint: nothing was imported; the store is unchanged
    ");
    evil_tar(
        &env.path("link.tar.gz"),
        "mlruns",
        tar::EntryType::Symlink,
        Some("/etc"),
    );
    let err = env.fails(&["import", "link.tar.gz"], 1);
    assert_snapshot!(err, @r"
    error: bundle rejected: mlruns is a link (to /etc); bundles hold only files and folders
    hint: nothing was imported; the store is unchanged
    ");
    evil_tar(
        &env.path("abs.tar.gz"),
        "/tmp/x",
        tar::EntryType::Regular,
        None,
    );
    let err = env.fails(&["import", "abs.tar.gz"], 1);
    assert!(err.contains("is an absolute path"), "{err}");
    assert!(all_files(&env.path("mlruns")) == before);
    assert!(!env.path("registry").exists());
}

#[test]
fn conflicts_are_reported_per_run_and_settled_by_on_conflict() {
    let env = TestEnv::new();
    let base = populate(&env);
    env.ok(&["--store", "src", "export", "old"]);
    env.ok(&["--store", "dst", "import", "old"]);
    // The run goes on in the source: one more point.
    env.ok(&[
        "--store", "src", "log", "metric", "loss", "0.3", "--step", "3", "--run", &base,
    ]);
    env.ok(&["--store", "src", "export", "new.tar.gz"]);
    let before = all_files(&env.path("dst"));
    let err = env.fails(&["--store", "dst", "import", "new.tar.gz"], 1);
    assert_snapshot!(err, @r"
    conflict: run [RUN:base]: differs in metrics/loss (2 points here, 3 in the source)
    error: 1 conflict; nothing was imported
    hint: --on-conflict skip keeps this store's copies, --on-conflict overwrite takes the bundle's
    ");
    assert!(all_files(&env.path("dst")) == before);
    let o = env.run(&[
        "--store",
        "dst",
        "import",
        "new.tar.gz",
        "--on-conflict",
        "skip",
    ]);
    assert_eq!(o.code, 0);
    assert_snapshot!(env.normalize(&o.stderr), @r"
    conflict: run [RUN:base]: differs in metrics/loss (2 points here, 3 in the source); kept this store's copy
    Nothing imported: the conflicts were kept as they are here, and the rest is already here (3 experiments, 2 runs, 1 registered model, 1 model version)
    ");
    assert!(all_files(&env.path("dst")) == before);
    let o = env.run(&[
        "--store",
        "dst",
        "import",
        "new.tar.gz",
        "--on-conflict",
        "overwrite",
    ]);
    assert_eq!(o.code, 0);
    assert_snapshot!(env.normalize(&o.stderr), @r"
    conflict: run [RUN:base]: differs in metrics/loss (2 points here, 3 in the source); replaced by the source's
    Imported 1 run (5 metric points, 2 artifacts, 8 B)
    ");
    assert!(tree(&env.path("dst")) == tree(&env.path("src")));
}

#[test]
fn export_selects_runs_by_filter_id_or_model() {
    let env = TestEnv::new();
    let base = populate(&env);
    let s = ["--store", "src"];
    let run = |args: &[&str]| env.run(&[&s[..], args].concat());
    let o = run(&["export", "f", "--filter", "params.lr = '0.01'"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("f/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["counts"]["runs"], 1);
    assert_eq!(m["selection"]["filter"], "params.lr = '0.01'");
    assert_eq!(m["contents"]["experiments"][0]["name"], "vision");
    // A model brings the run behind its version, and the run's experiment.
    run(&["export", "m", "-m", "clf", "--no-artifacts"]);
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("m/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["contents"]["experiments"][0]["runs"][0], base.as_str());
    assert_eq!(
        m["contents"]["models"][0]["versions"],
        serde_json::json!([1])
    );
    assert_eq!(m["counts"]["artifacts"], 0);
    assert_eq!(m["artifacts"], false);
    let err = env.fails(
        &[
            "--store",
            "src",
            "export",
            "x",
            "--filter",
            "params.lr = '9'",
        ],
        1,
    );
    assert_snapshot!(err, @r#"error: nothing to export: no run matches the filter "params.lr = '9'""#);
    let err = env.fails(&["--store", "src", "export", "m"], 1);
    assert_snapshot!(err, @"error: m already exists; remove it or choose another name");
}

#[test]
fn merging_two_stores_that_both_went_on() {
    let env = TestEnv::new();
    populate(&env);
    // Two machines start from the same store...
    env.ok(&["--store", "src", "export", "b.tar.gz"]);
    env.ok(&["--store", "a", "import", "b.tar.gz"]);
    env.ok(&["--store", "b", "import", "b.tar.gz"]);
    // ...and both go on: new runs, the same new experiment name (so two ids), a version 2 each.
    let on = |store: &str, name: &str| {
        let r = env.ok(&[
            "--store", store, "runs", "start", "-e", "sweep", "--name", name,
        ]);
        env.name(&r, &format!("[RUN:{name}]"));
        env.ok(&["--store", store, "log", "metric", "acc", "0.9", "--run", &r]);
        env.ok(&["--store", store, "runs", "end", "--run", &r]);
        env.ok(&[
            "--store",
            store,
            "models",
            "register",
            &format!("runs:/{r}"),
            "clf",
        ]);
        r
    };
    let ra = on("a", "on-a");
    let rb = on("b", "on-b");
    env.ok(&["--store", "b", "models", "set-alias", "clf", "staging", "2"]);
    let err = env.fails(&["--store", "a", "store", "merge", "b"], 1);
    assert_snapshot!(err, @r"
    conflict: model version clf/2: differs in meta.yaml
    conflict: alias clf@staging: points at version 2, which differs here
    error: 2 conflicts; nothing was imported
    hint: --on-conflict skip keeps this store's copies, --on-conflict overwrite takes the other store's
    ");
    let o = env.run(&[
        "--store",
        "a",
        "store",
        "merge",
        "b",
        "--on-conflict",
        "skip",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(env.normalize(&o.stderr), @r"
    conflict: model version clf/2: differs in meta.yaml; kept this store's copy
    conflict: alias clf@staging: points at version 2, which differs here; kept this store's copy
    Imported 1 run (1 metric point, 0 artifacts, 0 B)
    ");
    // b's run went into a's "sweep" experiment (matched by name), with its id.
    let a_sweep = env.json(&["--store", "a", "runs", "list", "-e", "sweep", "-f", "json"]);
    let mut ids: Vec<&str> = a_sweep["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["info"]["run_id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut want = vec![ra.as_str(), rb.as_str()];
    want.sort();
    assert_eq!(ids, want);
    let exps = env.ok(&["--store", "a", "experiments", "list", "-f", "csv"]);
    assert_eq!(exps.matches("sweep").count(), 1, "{exps}");
    // The alias b added points at b's version 2, which a kept as its own: not taken.
    let alias = env.run(&["--store", "a", "models", "get-alias", "clf", "staging"]);
    assert_eq!(alias.code, 1);
}

/// The README's recipe for a git merge of two branches that both logged runs.
#[test]
fn the_readme_git_merge_recipe_works() {
    let env = TestEnv::new();
    let sh = |script: &str| {
        let out = std::process::Command::new("bash")
            .arg("-euc")
            .arg(script)
            .current_dir(env.root())
            .env("MLT", assert_cmd::cargo::cargo_bin("mlt"))
            .env("MLT_NOW_MS", "1795922857436")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t.invalid")
            .env_remove("MLT_STORE")
            .env_remove("MLFLOW_TRACKING_URI")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Both branches create the experiment "sweep", log a run and register version 2.
    sh(r#"
        git init -q -b main . && $MLT init >/dev/null 2>&1
        R=$($MLT runs start -e base 2>/dev/null); $MLT models register runs:/$R clf 2>/dev/null
        git add -A && git commit -qm base && git checkout -qb other
        R=$($MLT runs start -e sweep --name theirs 2>/dev/null)
        $MLT models register runs:/$R clf 2>/dev/null; echo theirs > code.txt
        git add -A && git commit -qm theirs && git checkout -q main
        R=$($MLT runs start -e sweep --name ours 2>/dev/null)
        $MLT models register runs:/$R clf 2>/dev/null
        git add -A && git commit -qm ours
        git merge -q other >/dev/null 2>&1 || true
    "#);
    // The recipe, as the README gives it.
    sh(r#"
        git restore --source=HEAD --staged --worktree -- mlruns registry
        git clean -fdq -- mlruns registry
        mkdir /tmp/theirs-$$ && git archive other mlruns registry | tar -x -C /tmp/theirs-$$
        $MLT store merge /tmp/theirs-$$ --on-conflict skip >/dev/null 2>&1
        rm -rf /tmp/theirs-$$
        git add -A mlruns registry && git commit -qm merge
    "#);
    let names = sh(r#"$MLT runs search -e sweep -f csv | cut -d, -f2 | sort"#);
    assert_eq!(names, "name\nours\ntheirs\n");
    let exps = sh(r#"$MLT experiments list -f csv | cut -d, -f2 | sort"#);
    assert_eq!(exps, "Default\nbase\nname\nsweep\n");
    assert_eq!(sh("cat code.txt"), "theirs\n");
    assert_eq!(sh("git status --porcelain"), "");
}

/// `fixtures/mlflow-store` was written by MLflow 3.17.2 on another machine: its absolute
/// artifact locations lead nowhere here. Importing it gives every value, with the locations
/// in this store's relative form and the artifacts copied in.
#[test]
fn imports_an_mlflow_store_written_on_another_machine() {
    let env = TestEnv::init();
    crate::harness::copy_fixture("mlflow-store", &env.path("elsewhere"));
    let o = env.run(&["import", "elsewhere/mlruns"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    std::fs::remove_dir_all(env.path("elsewhere")).unwrap();
    let mut want: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate::harness::fixture("mlflow-store.json")).unwrap(),
    )
    .unwrap();
    for e in want["experiments"].as_array_mut().unwrap() {
        let id = e["experiment_id"].as_str().unwrap().to_string();
        e["artifact_location"] = format!("mlruns/{id}").into();
        for r in e["runs"].as_array_mut().unwrap() {
            let run = r["run_id"].as_str().unwrap().to_string();
            r["artifact_uri"] = format!("mlruns/{id}/{run}/artifacts").into();
        }
    }
    assert!(crate::harness::canonical(&env) == want);
    crate::harness::copy_fixture("mlflow-store", &env.path("elsewhere"));
    let before = all_files(env.root());
    let o = env.run(&["import", "elsewhere"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.starts_with("Nothing to import"), "{}", o.stderr);
    assert!(all_files(env.root()) == before);
}

#[test]
fn export_csv_has_a_row_a_run_and_a_column_a_key() {
    let env = TestEnv::new();
    populate(&env);
    let o = env.run(&["--store", "src", "export", "-f", "csv", "-e", "vision"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // Both runs start at the same time, so their order is their random ids': sort them.
    let text = env.normalize(&o.stdout);
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].sort();
    assert_snapshot!(lines.join("\n"), @r"
    run_id,experiment_id,run_name,status,artifact_uri,start_time,end_time,metrics.acc,metrics.loss,params.lr,params.opt,tags.mlflow.runName,tags.mlflow.source.name,tags.mlflow.source.type,tags.mlflow.user
    [RUN:base],[EXP:vision],base,FINISHED,mlruns/[EXP:vision]/[RUN:base]/artifacts,2026-11-29 03:27:37.436+00:00,2026-11-29 03:27:37.436+00:00,0.9,0.4,0.1,adam,base,train.sh,LOCAL,tester
    [RUN:other],[EXP:vision],other,RUNNING,mlruns/[EXP:vision]/[RUN:other]/artifacts,2026-11-29 03:27:37.436+00:00,,,,0.01,,other,train.sh,LOCAL,tester
    ");
    env.ok(&[
        "--store",
        "src",
        "export",
        "-f",
        "csv",
        "runs.csv",
        "--filter",
        "params.lr = '0.1'",
    ]);
    assert_eq!(env.read("runs.csv").lines().count(), 2);
}

#[test]
fn export_in_mlflow_export_import_layout() {
    let env = TestEnv::new();
    let base = populate(&env);
    let o = env.run(&[
        "--store",
        "src",
        "export",
        "mei",
        "-f",
        "mlflow-export-import",
        "-e",
        "vision",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(o.stderr, @"Exported 1 experiment and 2 runs (2 artifacts) in mlflow-export-import's layout to mei");
    let exps: serde_json::Value = serde_json::from_str(&env.read("mei/experiments.json")).unwrap();
    let id = exps["mlflow"]["experiments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(exps["mlflow"]["experiments"][0]["name"], "vision");
    let exp: serde_json::Value =
        serde_json::from_str(&env.read(&format!("mei/{id}/experiment.json"))).unwrap();
    assert_eq!(exp["mlflow"]["experiment"]["tags"]["team"], "cv");
    assert_eq!(exp["mlflow"]["runs"].as_array().unwrap().len(), 2);
    let run: serde_json::Value =
        serde_json::from_str(&env.read(&format!("mei/{id}/runs/{base}/run.json"))).unwrap();
    assert_eq!(run["mlflow"]["params"]["lr"], "0.1");
    assert_eq!(run["mlflow"]["metrics"]["loss"][1]["value"], 0.4);
    assert_eq!(run["mlflow"]["info"]["status"], "FINISHED");
    assert_eq!(
        env.read(&format!("mei/{id}/runs/{base}/artifacts/notes.txt")),
        "hello"
    );
    let err = env.fails(
        &[
            "--store",
            "src",
            "export",
            "m2",
            "-f",
            "mlflow-export-import",
            "-m",
            "clf",
        ],
        2,
    );
    assert!(err.contains("not registered models"), "{err}");
}

#[test]
fn a_model_registered_from_a_folder_travels_with_its_files() {
    let env = TestEnv::init();
    std::fs::create_dir_all(env.path("mdl")).unwrap();
    std::fs::write(env.path("mdl/MLmodel"), "flavors: {}\n").unwrap();
    env.ok(&["models", "register", "mdl", "solo"]);
    let o = env.run(&["export", "solo.tar.gz", "-m", "solo"]);
    assert_snapshot!(o.stderr, @"Exported 1 registered model and 1 model version to solo.tar.gz (3 files, 577 B)");
    let o = env.run(&["--store", "dst", "import", "solo.tar.gz"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    env.ok(&[
        "--store",
        "dst",
        "models",
        "download",
        "models:/solo/1",
        "--dest",
        "dl",
    ]);
    assert_eq!(env.read("dl/MLmodel"), "flavors: {}\n");
}

#[test]
fn a_damaged_run_is_left_behind_with_a_warning() {
    let env = TestEnv::new();
    let base = populate(&env);
    let exp = env.json(&[
        "--store",
        "src",
        "experiments",
        "show",
        "vision",
        "-f",
        "json",
    ]);
    let exp = exp["experiment"]["experiment_id"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(
        env.path(&format!("src/mlruns/{exp}/{base}/meta.yaml")),
        "run_id: [",
    )
    .unwrap();
    let o = env.run(&["--store", "src", "export", "b"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.starts_with("warning: skipping run: malformed"),
        "{}",
        o.stderr
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("b/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["counts"]["runs"], 2);
}

/// Every file and folder under a folder, `.mlt/` included (None: the folder is not there).
fn everything_under(root: &Path) -> Option<Vec<(String, Vec<u8>)>> {
    if !root.exists() {
        return None;
    }
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(root).unwrap().display().to_string();
        let content = if e.file_type().is_file() {
            std::fs::read(e.path()).unwrap()
        } else {
            b"<dir>".to_vec()
        };
        out.push((rel, content));
    }
    Some(out)
}

#[test]
fn a_dry_run_shows_what_would_be_written_and_writes_nothing() {
    let env = TestEnv::new();
    populate(&env);
    env.ok(&["--store", "src", "export", "b.tar.gz"]);
    env.ok(&["--store", "src", "export", "b"]);
    // A store that exists, without its .mlt/ folder (as a fresh git clone has it).
    env.ok(&["--store", "dst", "init"]);
    let _ = std::fs::remove_dir_all(env.path("dst/.mlt"));
    let mut tables = Vec::new();
    for target in ["new", "dst"] {
        let before = everything_under(&env.path(target));
        for source in ["b.tar.gz", "b", "src"] {
            let o = env.run(&["--store", target, "import", source, "--dry-run"]);
            assert_eq!(o.code, 0, "{}", o.stderr);
            tables.push(o.stdout);
            assert!(
                o.stderr.ends_with("conflicts; nothing was written\n"),
                "{}",
                o.stderr
            );
            assert_eq!(
                everything_under(&env.path(target)),
                before,
                "import {source} --dry-run into {target} wrote something"
            );
        }
    }
    assert_snapshot!(tables[0], @r"
     WHAT                             WOULD IMPORT  UNCHANGED  WOULD OVERWRITE  WOULD SKIP  IN BUNDLE
     experiments                      3             0          0                0           3
     runs                             3             0          0                0           3
     metric points                    4             0          0                0           4
     artifacts                        2             0          0                0           2
     artifact bytes                   8             0          0                0           8
     logged models, datasets, traces  0             0          0                0           0
     registered models                1             0          0                0           1
     model versions                   1             0          0                0           1
    ");
    // From a .tar.gz, a bundle folder or a store (without the bundle's column): the same.
    let cut = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| match l.strip_suffix("IN BUNDLE") {
                Some(header) => header.trim_end().to_string(),
                None => l[..l.rfind(' ').unwrap()].trim_end().to_string(),
            })
            .collect()
    };
    let trimmed = |s: &str| -> Vec<String> { s.lines().map(|l| l.trim_end().into()).collect() };
    for t in tables.chunks(3) {
        assert_eq!(t[0], t[1]);
        assert_eq!(cut(&t[0]), trimmed(&t[2]));
    }
    // The existing store has its Default experiment already.
    assert!(tables[3].contains("\n experiments                      2             1 "));
    let before = everything_under(&env.path("dst"));
    let v = env.json(&[
        "--store",
        "dst",
        "store",
        "merge",
        "src",
        "--dry-run",
        "-f",
        "json",
    ]);
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["imported"]["runs"], 3);
    assert_eq!(everything_under(&env.path("dst")), before);
    // What the dry run said is what the import does.
    let o = env.run(&["--store", "dst", "import", "b", "-f", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let done: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(done["imported"], v["imported"]);
}

#[test]
fn export_refuses_an_archive_it_does_not_write() {
    let env = TestEnv::new();
    populate(&env);
    let err = env.fails(&["--store", "src", "export", "res.zip"], 2);
    assert_snapshot!(err, @"error: cannot export to res.zip: a bundle is a folder or a .tar.gz (or .tgz) file, not a .zip file");
    let err = env.fails(&["--store", "src", "export", "res.tar.bz2"], 2);
    assert_snapshot!(err, @"error: cannot export to res.tar.bz2: a bundle is a folder or a .tar.gz (or .tgz) file, not a .tar.bz2 file");
    assert!(!env.path("res.zip").exists() && !env.path("res.tar.bz2").exists());
    let left: Vec<_> = std::fs::read_dir(env.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".mlt-export-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // A folder may still have a dot in its name.
    env.ok(&["--store", "src", "export", "res.v1"]);
    assert!(env.path("res.v1/manifest.json").is_file());
}

#[test]
fn merge_warns_when_a_shared_experiment_was_renamed_on_one_side() {
    let env = TestEnv::new();
    populate(&env);
    env.ok(&["--store", "src", "export", "b"]);
    env.ok(&["--store", "a", "import", "b"]);
    env.ok(&["--store", "c", "import", "b"]);
    env.ok(&[
        "--store",
        "c",
        "experiments",
        "rename",
        "vision",
        "vision-2",
    ]);
    let r = env.ok(&[
        "--store", "c", "runs", "start", "-e", "vision-2", "--name", "later",
    ]);
    env.name(&r, "[RUN:later]");
    env.ok(&["--store", "c", "runs", "end", "--run", &r]);
    let o = env.run(&["--store", "a", "store", "merge", "c"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let new = env.ok(&[
        "--store",
        "a",
        "experiments",
        "show",
        "vision-2",
        "-f",
        "json",
    ]);
    let new: serde_json::Value = serde_json::from_str(&new).unwrap();
    env.name(
        new["experiment"]["experiment_id"].as_str().unwrap(),
        "[EXP:vision-2]",
    );
    assert_snapshot!(env.normalize(&o.stderr), @r"
    warning: experiment [EXP:vision] is 'vision' here and 'vision-2' in the source: renamed on one side? Experiments are matched by name, so 'vision-2' comes in as a new experiment; give both sides one name and merge again to keep its runs together
    Created experiment 'vision-2' ([EXP:vision-2])
    Imported 1 experiment and 1 run (0 metric points, 0 artifacts, 0 B)
    ");
    // Without the rename, the same merge says nothing of the kind.
    let o = env.run(&["--store", "a", "store", "merge", "b"]);
    assert!(!o.stderr.contains("renamed"), "{}", o.stderr);
}

/// The progress bar (on a terminal: `script` gives mlt one) counts each stage in its own
/// things: 600 runs read `n/600 runs`, not `n/602 runs` with the experiments counted in.
#[test]
fn the_progress_bar_counts_runs_as_runs() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no `script` here to give mlt a terminal; skipped");
        return;
    }
    let env = TestEnv::new();
    env.ok(&["--store", "src", "init"]);
    let exp = env.ok(&["--store", "src", "experiments", "create", "many"]);
    let run = env.ok(&["--store", "src", "runs", "start", "-e", "many"]);
    env.ok(&[
        "--store", "src", "log", "metric", "loss", "0.5", "--run", &run,
    ]);
    env.ok(&["--store", "src", "runs", "end", "--run", &run]);
    // 599 more runs: copies of the first under new ids.
    let exp_dir = env.path(&format!("src/mlruns/{exp}"));
    let meta = std::fs::read_to_string(exp_dir.join(&run).join("meta.yaml")).unwrap();
    for i in 1..600 {
        let id = format!("{i:032x}");
        let dir = exp_dir.join(&id);
        std::fs::create_dir_all(dir.join("metrics")).unwrap();
        std::fs::create_dir_all(dir.join("params")).unwrap();
        std::fs::create_dir_all(dir.join("tags")).unwrap();
        std::fs::create_dir_all(dir.join("artifacts")).unwrap();
        std::fs::write(dir.join("meta.yaml"), meta.replace(&run, &id)).unwrap();
        std::fs::copy(
            exp_dir.join(&run).join("metrics/loss"),
            dir.join("metrics/loss"),
        )
        .unwrap();
    }
    let mlt = assert_cmd::cargo::cargo_bin("mlt");
    let line = format!(
        "{} --store src export out.tar.gz",
        mlt.display().to_string().replace(' ', "\\ ")
    );
    let o = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(env.root())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{text}");
    assert!(
        text.contains("Exported 2 experiments and 600 runs"),
        "{text}"
    );
    // Every count drawn is "done/total noun" with the total of its own stage.
    let counts: Vec<&str> = text
        .split("\x1b[2K")
        .filter_map(|s| s.split("] ").nth(1))
        .filter_map(|s| s.split(',').next())
        .collect();
    assert!(!counts.is_empty(), "no bar drawn: {text:?}");
    for c in &counts {
        let (_, rest) = c.split_once('/').unwrap();
        let (total, noun) = rest.split_once(' ').unwrap();
        let want = match noun {
            "experiments" => "2",
            "runs" => "600",
            "files" => total,
            other => panic!("{other} in {c:?}"),
        };
        assert_eq!(total, want, "{c:?}");
    }
}
