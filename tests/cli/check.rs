//! `mlt store check`, `mlt store gc`, and stores that went through git.

use crate::harness::TestEnv;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "advice.detachedHead=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The run folder of a run id (in any experiment).
fn run_dir(env: &TestEnv, run: &str) -> std::path::PathBuf {
    for e in std::fs::read_dir(env.path("mlruns")).unwrap() {
        let d = e.unwrap().path().join(run);
        if d.is_dir() {
            return d;
        }
    }
    panic!("no folder for run {run}");
}

fn check_json(env: &TestEnv, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["store", "check", "-f", "json"];
    args.extend_from_slice(extra);
    let o = env.run(&args);
    let v: Value = serde_json::from_str(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", o.stdout, o.stderr));
    (o.code, v)
}

fn kinds(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect();
    k.sort();
    k
}

/// The README's flow: commit the store, clone it, and in the clone (CI) `mlt init` restores
/// the store, the gate runs, and every reading command finds the run.
#[test]
fn a_store_cloned_with_git_keeps_its_runs() {
    let env = TestEnv::new();
    git(env.root(), &["init", "-q"]);
    env.ok(&["init"]);
    let base = env.start("e1", "base");
    env.ok(&["log", "metric", "loss", "0.5", "--run", &base]);
    env.ok(&["runs", "end", "--run", &base]);
    let cand = env.start("e1", "cand");
    env.ok(&["log", "metric", "loss", "0.4", "--run", &cand]);
    env.ok(&["runs", "end", "--run", &cand]);
    git(env.root(), &["add", "-A"]);
    git(env.root(), &["commit", "-qm", "runs"]);

    let clone = TestEnv::new();
    git(
        clone.root(),
        &["clone", "-q", env.root().to_str().unwrap(), "."],
    );
    assert!(!clone.path("mlruns/.trash").exists(), "git kept .trash/");
    assert!(!run_dir(&clone, &base).join("params").exists());

    // Even before anything is restored, mlt reads the run (it has no params).
    let shown = clone.json(&["runs", "show", &base, "-f", "json"]);
    assert_eq!(shown["run"]["data"]["params"], serde_json::json!([]));
    clone.ok(&["artifacts", "list", &base]);
    clone.ok(&["runs", "diff", &base, &cand]);

    // store check names what git dropped.
    let (code, v) = check_json(&clone, &[]);
    assert_eq!(code, 1);
    assert_eq!(kinds(&v), ["missing-folder"; 3]);

    // CI: restore the store, then gate.
    let o = clone.run(&["init"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("Restored 4 empty folders"),
        "{}",
        o.stderr
    );
    for run in [&base, &cand] {
        for d in ["metrics", "params", "artifacts", "tags"] {
            assert!(run_dir(&clone, run).join(d).is_dir(), "{d}");
        }
    }
    assert!(clone.path("mlruns/.trash").is_dir());
    let o = clone.run(&[
        "runs",
        "compare",
        &base,
        &cand,
        "--fail-if",
        "metrics.loss > base * 1.05",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let (code, v) = check_json(&clone, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(kinds(&v), Vec::<String>::new());
    // A second init changes nothing.
    let o = clone.run(&["init"]);
    assert!(!o.stderr.contains("Restored"), "{}", o.stderr);
}

#[test]
fn a_healthy_store_checks_clean() {
    let env = TestEnv::init();
    let r = env.start("e", "r");
    env.ok(&["log", "metric", "m", "1", "--run", &r]);
    let o = env.run(&["store", "check"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "");
    assert!(o.stderr.contains("The store is healthy"), "{}", o.stderr);
    let o = env.run(&["store", "check", "--deep", "-f", "csv"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_string()
}

fn dead_pid() -> u32 {
    let mut c = Command::new("true").spawn().unwrap();
    let pid = c.id();
    c.wait().unwrap();
    pid
}

/// Every fault class, found; repaired where it can be without losing data; the rest said.
#[test]
fn check_finds_every_fault_and_repair_fixes_what_it_can() {
    let env = TestEnv::init();
    let exp = env.experiment("e");
    let r = env.start("e", "r");
    let dir = run_dir(&env, &r);
    let metrics = dir.join("metrics");
    std::fs::write(metrics.join("empty"), "").unwrap();
    std::fs::write(metrics.join("torn"), "1 0.5 0\n2 0.").unwrap();
    std::fs::write(metrics.join("whole"), "1 0.5 0\n2 0.6 1").unwrap();
    std::fs::write(metrics.join("middle"), "1 0.5 0\nnot a line\n2 0.6 1\n").unwrap();
    std::fs::write(dir.join("params/.mlt-tmp-AbC123"), "half").unwrap();
    // Not the temp pattern: a real key, reported by nobody.
    std::fs::write(dir.join("params/.mlt-tmp-x"), "v").unwrap();

    // No meta.yaml; a meta.yaml naming another run.
    let no_meta = env.path(&format!("mlruns/{exp}/{}", "a".repeat(32)));
    std::fs::create_dir_all(no_meta.join("params")).unwrap();
    let other = env.start("e", "other");
    let other_dir = run_dir(&env, &other);
    let moved = other_dir.with_file_name("b".repeat(32));
    std::fs::rename(&other_dir, &moved).unwrap();

    // A run `mlt run` was killed in, and one wrapped on another host.
    let stale = env.start("e", "stale");
    let tag = |run: &str, host: &str, pid: u32| {
        std::fs::write(
            run_dir(&env, run).join("tags/mlt.wrapper"),
            format!("{{\"host\":\"{host}\",\"pid\":{pid},\"start\":1,\"boot\":\"\"}}"),
        )
        .unwrap();
    };
    tag(&stale, &hostname(), dead_pid());
    let abs = format!("file://{}/artifacts", run_dir(&env, &stale).display());
    let meta = run_dir(&env, &stale).join("meta.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let rel_loc = format!("mlruns/{exp}/{stale}/artifacts");
    std::fs::write(&meta, text.replace(&rel_loc, &abs)).unwrap();
    let elsewhere = env.start("e", "elsewhere");
    tag(&elsewhere, "another-host.example", 1);

    // An absolute location that is gone (the store moved).
    let gone = env.start("e", "gone");
    env.ok(&["runs", "end", "--run", &gone]);
    let meta = run_dir(&env, &gone).join("meta.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(
        &meta,
        text.replace(
            &format!("mlruns/{exp}/{gone}/artifacts"),
            &format!("file:///nowhere/old/mlruns/{exp}/{gone}/artifacts"),
        ),
    )
    .unwrap();

    // A link out of the store.
    std::os::unix::fs::symlink("/etc/hostname", dir.join("artifacts/leak.txt")).unwrap();
    // A link that stays inside is fine.
    std::os::unix::fs::symlink("../params", dir.join("artifacts/inside")).unwrap();

    // Two experiments named alike; an experiment folder without meta.yaml; a bad name.
    let dup = env.experiment("dup");
    let dup2 = "123456789012345678";
    std::fs::create_dir_all(env.path(&format!("mlruns/{dup2}"))).unwrap();
    let m = env.read(&format!("mlruns/{dup}/meta.yaml"));
    std::fs::write(
        env.path(&format!("mlruns/{dup2}/meta.yaml")),
        m.replace(&dup, dup2),
    )
    .unwrap();
    std::fs::create_dir_all(env.path("mlruns/987654321")).unwrap();
    std::fs::create_dir_all(env.path("mlruns/.oops")).unwrap();

    // Registry: a version whose run is gone, an alias to a deleted version and one to nothing.
    let src = env.start("e", "src");
    std::fs::create_dir_all(env.path("model")).unwrap();
    std::fs::write(env.path("model/MLmodel"), "flavors: {}\n").unwrap();
    env.ok(&[
        "artifacts",
        "log",
        "model",
        "--path",
        "model",
        "--run",
        &src,
    ]);
    env.ok(&["models", "register", &format!("runs:/{src}/model"), "clf"]);
    env.ok(&["models", "register", "model", "clf"]);
    env.ok(&["models", "register", "model", "clf"]);
    std::fs::remove_dir_all(run_dir(&env, &src)).unwrap();
    env.ok(&["models", "set-alias", "clf", "champion", "2"]);
    env.ok(&["models", "delete-version", "clf", "3"]);
    std::fs::write(env.path("registry/models/clf/aliases/old"), "3").unwrap();
    std::fs::write(env.path("registry/models/clf/aliases/lost"), "9").unwrap();

    let (code, v) = check_json(&env, &[]);
    assert_eq!(code, 1);
    let found = kinds(&v);
    for k in [
        "bad-alias",
        "bad-experiment-folder",
        "bad-meta",
        "bad-version",
        "duplicate-name",
        "empty-metric",
        "missing-artifacts",
        "no-experiment-meta",
        "no-run-meta",
        "outside-link",
        "running-elsewhere",
        "stale-run",
        "temp-file",
        "torn-metric",
    ] {
        assert!(found.contains(&k.to_string()), "{k} not in {found:?}");
    }
    // The shallow scan sees torn files (by their last byte), not a bad line in the middle.
    let torn: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "torn-metric")
        .collect();
    assert_eq!(torn.len(), 2, "{torn:?}");
    let (_, deep) = check_json(&env, &["--deep"]);
    let malformed: Vec<&Value> = deep["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "malformed-metric")
        .collect();
    assert_eq!(malformed.len(), 2, "{malformed:?}");
    assert_eq!(
        deep["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"] == format!("mlruns/{exp}/{r}/params/.mlt-tmp-x"))
            .count(),
        0
    );
    // Table and Markdown render the same report.
    let o = env.run(&["store", "check", "-f", "md"]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("| stale-run |"), "{}", o.stdout);

    // A RUNNING run's metric files are not rewritten (see the test below): end it first.
    env.ok(&["runs", "end", "--run", &r]);
    let (code, rep) = check_json(&env, &["--repair", "--deep"]);
    assert_eq!(code, 1, "some faults cannot be repaired: {rep}");
    for f in rep["findings"].as_array().unwrap() {
        assert_eq!(f["repaired"], f["repairable"], "{f}");
    }
    // Good lines kept, each with its newline; bad lines kept aside; the empty file gone.
    assert!(!metrics.join("empty").exists());
    assert_eq!(
        std::fs::read_to_string(metrics.join("torn")).unwrap(),
        "1 0.5 0\n"
    );
    assert_eq!(
        std::fs::read_to_string(metrics.join("whole")).unwrap(),
        "1 0.5 0\n2 0.6 1\n"
    );
    assert_eq!(
        std::fs::read_to_string(metrics.join("middle")).unwrap(),
        "1 0.5 0\n2 0.6 1\n"
    );
    let kept: Vec<String> = walkdir::WalkDir::new(env.path(".mlt/check"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(kept.contains(&"not a line\n".to_string()), "{kept:?}");
    assert!(kept.contains(&"2 0.\n".to_string()), "{kept:?}");
    // The temp file moved out of params/; the real key stays.
    assert!(!dir.join("params/.mlt-tmp-AbC123").exists());
    assert!(dir.join("params/.mlt-tmp-x").exists());
    // The stale run ended KILLED with its store-relative location back.
    let s = env.json(&["runs", "show", &stale, "-f", "json"]);
    assert_eq!(s["run"]["info"]["status"], "KILLED");
    assert_eq!(s["run"]["info"]["end_time"], crate::harness::NOW);
    assert_eq!(s["run"]["info"]["artifact_uri"], rel_loc);
    assert!(
        !run_dir(&env, &stale).join("tags/mlt.wrapper").exists(),
        "the dead wrapper's tag goes with the repair"
    );
    let e = env.json(&["runs", "show", &elsewhere, "-f", "json"]);
    assert_eq!(e["run"]["info"]["status"], "RUNNING");
    let g = env.json(&["runs", "show", &gone, "-f", "json"]);
    assert_eq!(
        g["run"]["info"]["artifact_uri"],
        format!("mlruns/{exp}/{gone}/artifacts")
    );
    assert!(!env.path("registry/models/clf/aliases/old").exists());
    assert!(!env.path("registry/models/clf/aliases/lost").exists());
    assert_eq!(env.ok(&["models", "get-alias", "clf", "champion"]), "2");

    // What is left is exactly what cannot be repaired.
    let (code, after) = check_json(&env, &["--deep"]);
    assert_eq!(code, 1);
    assert_eq!(
        kinds(&after),
        [
            "bad-experiment-folder",
            "bad-meta",
            "bad-version",
            "duplicate-name",
            "no-experiment-meta",
            "no-run-meta",
            "outside-link",
            "running-elsewhere",
        ]
    );
    // With only a note left, the store is healthy.
    std::fs::remove_file(dir.join("artifacts/leak.txt")).unwrap();
    std::fs::remove_dir_all(&no_meta).unwrap();
    std::fs::remove_dir_all(&moved).unwrap();
    std::fs::remove_dir_all(env.path(&format!("mlruns/{dup2}"))).unwrap();
    std::fs::remove_dir_all(env.path("mlruns/987654321")).unwrap();
    std::fs::remove_dir_all(env.path("mlruns/.oops")).unwrap();
    env.ok(&["models", "delete-version", "clf", "1"]);
    let o = env.run(&["store", "check"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("running-elsewhere"), "{}", o.stdout);
}

fn backdate(p: &Path) {
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::open(p).unwrap().set_modified(old).unwrap();
}

#[test]
fn gc_removes_abandoned_scratch_and_deleted_runs_and_experiments() {
    let env = TestEnv::init();
    let keep = env.start("e", "keep");
    env.ok(&["log", "metric", "m", "1", "--run", &keep]);
    let del = env.start("e", "del");
    std::fs::write(env.path("a.bin"), vec![7u8; 1000]).unwrap();
    env.ok(&["artifacts", "log", "a.bin", "--run", &del]);
    env.ok(&["runs", "delete", &del]);
    let gone_exp = env.experiment("gone");
    let in_gone = env.start("gone", "in-gone");
    env.ok(&["experiments", "delete", "gone"]);
    // Artifacts outside the store are never removed.
    let outside = tempfile::tempdir().unwrap();
    let out_loc = outside.path().join("art");
    env.ok(&[
        "experiments",
        "create",
        "ext",
        "--artifact-location",
        out_loc.to_str().unwrap(),
    ]);
    let ext = env.start("ext", "ext-run");
    env.ok(&["artifacts", "log", "a.bin", "--run", &ext]);
    env.ok(&["runs", "delete", &ext]);

    // Scratch a killed command left, a loose temp file, and fresh scratch (left alone).
    let tmp = env.path(".mlt/tmp");
    std::fs::create_dir_all(tmp.join("import-dead01")).unwrap();
    std::fs::write(tmp.join("import-dead01/.owner"), "").unwrap();
    std::fs::write(tmp.join("import-dead01/x"), vec![0u8; 500]).unwrap();
    backdate(&tmp.join("import-dead01"));
    backdate(&tmp.join("import-dead01/.owner"));
    std::fs::write(tmp.join(".mlt-tmp-Zz9Zz9"), "abc").unwrap();
    backdate(&tmp.join(".mlt-tmp-Zz9Zz9"));
    std::fs::create_dir_all(tmp.join("build-fresh1")).unwrap();

    // Deleted "now" (MLT_NOW_MS): too young for --older-than 1d.
    let o = env.run(&[
        "store",
        "gc",
        "--older-than",
        "1d",
        "--dry-run",
        "-f",
        "json",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let what: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(what, ["temp-file", "scratch"]);

    let before = env.snapshot_files();
    let o = env.run(&["store", "gc", "--dry-run", "-f", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let mut items: Vec<(String, String)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_string(),
                i["id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    items.sort();
    let mut want = vec![
        ("experiment".to_string(), gone_exp.clone()),
        ("run".to_string(), del.clone()),
        ("run".to_string(), ext.clone()),
        ("scratch".to_string(), String::new()),
        ("temp-file".to_string(), String::new()),
    ];
    want.sort();
    assert_eq!(items, want);
    assert!(v["bytes"].as_u64().unwrap() >= 1000 + 500 + 3, "{v}");
    assert!(o.stderr.contains("Would remove 5 items"), "{}", o.stderr);
    assert!(
        o.stderr.contains("outside the store: left in place"),
        "{}",
        o.stderr
    );
    assert_eq!(env.snapshot_files(), before, "a dry run changed the store");
    assert!(tmp.join("import-dead01").exists());

    let o = env.run(&["store", "gc"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("Removed 5 items"), "{}", o.stderr);
    assert!(o.stdout.contains(&del), "{}", o.stdout);
    for id in [&del, &ext, &in_gone] {
        let err = env.fails(&["runs", "show", id], 1);
        assert!(err.contains("no run with id"), "{err}");
    }
    assert!(!env.path(&format!("mlruns/.trash/{gone_exp}")).exists());
    assert!(!tmp.join("import-dead01").exists());
    assert!(!tmp.join(".mlt-tmp-Zz9Zz9").exists());
    assert!(tmp.join("build-fresh1").exists(), "fresh scratch removed");
    let outside_files = walkdir::WalkDir::new(&out_loc)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(outside_files, 1, "files outside the store were removed");
    env.ok(&["runs", "show", &keep]);
    // Nothing left to collect; the store checks clean.
    let o = env.run(&["store", "gc"]);
    assert!(o.stderr.contains("Removed 0 items"), "{}", o.stderr);
    let o = env.run(&["store", "check"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
}

#[test]
fn gc_rejects_a_bad_duration() {
    let env = TestEnv::init();
    let err = env.fails(&["store", "gc", "--older-than", "3 weeks"], 2);
    assert!(err.contains("invalid duration '3 weeks'"), "{err}");
}

/// The shell block under "A store in git" in the README, run as written (all but `mlflow ui`,
/// which the interop suite covers by reading the clone with MLflow's client).
#[test]
fn the_readmes_git_flow_runs_as_written() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("### A store in git").unwrap()..];
    let start = section.find("```sh\n").unwrap() + 6;
    let block = &section[start..start + section[start..].find("```").unwrap()];
    let script: String = block
        .lines()
        .filter(|l| !l.starts_with("mlflow "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(script.contains("mlt init"), "{script}");

    let env = TestEnv::new();
    let repo = env.path("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    let in_repo = |args: &[&str]| {
        let o = env.run_with(args, |c| {
            c.current_dir(&repo);
        });
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
        o.value()
    };
    in_repo(&["init"]);
    let base = in_repo(&["runs", "start", "-e", "e1"]);
    in_repo(&["log", "metric", "loss", "0.5", "--run", &base]);
    in_repo(&["runs", "end", "--run", &base]);
    let cand = in_repo(&["runs", "start", "-e", "e1"]);
    in_repo(&["log", "metric", "loss", "0.51", "--run", &cand]);
    in_repo(&["runs", "end", "--run", &cand]);

    // The PATH the harness gives mlt (mlt itself first).
    let c = env.std_cmd();
    let path = c
        .get_envs()
        .find(|(k, _)| *k == "PATH")
        .unwrap()
        .1
        .unwrap()
        .to_owned();
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(&repo)
        .env("PATH", path)
        .env("REPO", &repo)
        .env("BASELINE_RUN", &base)
        .env("CANDIDATE_RUN", &cand)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env_remove("MLT_STORE")
        .env_remove("MLFLOW_TRACKING_URI")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the README's flow failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Restored"), "{stderr}");
    assert!(stderr.contains("All 1 checks passed"), "{stderr}");
    // The clone is healthy.
    let o = env.run_with(&["store", "check"], |c| {
        c.current_dir(repo.join("ci"));
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn a_running_runs_torn_metric_file_is_not_rewritten_under_its_writer() {
    let env = TestEnv::init();
    let r = env.start("e", "r");
    let torn = run_dir(&env, &r).join("metrics/torn");
    std::fs::write(&torn, "1 0.5 0\n2 0.").unwrap();
    let (code, rep) = check_json(&env, &["--repair"]);
    assert_eq!(code, 1, "{rep}");
    assert!(rep.to_string().contains("is RUNNING"), "{rep}");
    assert_eq!(std::fs::read_to_string(&torn).unwrap(), "1 0.5 0\n2 0.");
    env.ok(&["runs", "end", "--run", &r]);
    let (code, rep) = check_json(&env, &["--repair"]);
    assert_eq!(code, 0, "{rep}");
    assert_eq!(std::fs::read_to_string(&torn).unwrap(), "1 0.5 0\n");
}

#[test]
fn gc_never_removes_store_folders_or_through_links() {
    let env = TestEnv::init();
    let keep = env.start("e", "keep");
    env.ok(&["log", "param", "p", "1", "--run", &keep]);
    // A deleted run whose meta.yaml names the whole tracking folder as its artifacts.
    let bad = env.start("e", "bad");
    env.ok(&["runs", "delete", &bad]);
    let meta = run_dir(&env, &bad).join("meta.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("artifact_uri:"))
        .unwrap()
        .to_string();
    std::fs::write(&meta, text.replace(&line, "artifact_uri: 'mlruns'")).unwrap();
    // `.mlt/tmp` made a link to a folder outside with an "abandoned" folder in it.
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("build-old/x")).unwrap();
    let tmp = env.path(".mlt/tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    std::os::unix::fs::symlink(outside.path(), &tmp).unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::open(outside.path().join("build-old"))
        .unwrap()
        .set_modified(old)
        .unwrap();

    let o = env.run(&["store", "gc"]);
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    assert!(
        outside.path().join("build-old/x").is_dir(),
        "removed through a link"
    );
    // With a real `.mlt/tmp/` again: the bad run goes, the tracking folder it named stays.
    std::fs::remove_file(&tmp).unwrap();
    let o = env.run(&["store", "gc"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let shown = env.json(&["runs", "show", &keep, "--format", "json"]);
    assert_eq!(shown["run"]["data"]["params"][0]["key"], "p");
    assert!(env.path("mlruns").is_dir());
    assert!(
        env.run(&["runs", "show", &bad]).code != 0,
        "the deleted run was purged"
    );
}

/// The store tables keep ids and byte counts whole at any width: the gc table at 40 columns
/// showed run ids split across lines before.
#[test]
fn store_tables_never_split_ids_or_byte_counts() {
    let env = TestEnv::init();
    let run = env.start("exp", "a run with a long descriptive name to take up room");
    std::fs::write(env.path("a.bin"), vec![7u8; 123_456]).unwrap();
    env.ok(&["artifacts", "log", "a.bin", "--run", &run]);
    env.ok(&["runs", "delete", &run]);
    let o = env.run_with(&["store", "gc", "--dry-run"], |c| {
        c.env("COLUMNS", "40");
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.lines().any(|l| l.contains(&run)), "{}", o.stdout);
    let bytes: Vec<&str> = o
        .stdout
        .split_whitespace()
        .filter(|w| w.len() >= 6 && w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert!(!bytes.is_empty(), "a byte count kept whole: {}", o.stdout);
}

/// Two experiments with one name: the report still names the command that settles it (the
/// CLI's wording of the finding's suggestion; the library's message names no command).
#[test]
fn a_duplicate_experiment_name_is_reported_with_the_rename_command() {
    let env = TestEnv::init();
    let a = env.experiment("same");
    let b = env.experiment("other");
    let meta = env.path(&format!("mlruns/{b}/meta.yaml"));
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(&meta, text.replace("name: 'other'", "name: 'same'")).unwrap();
    let (code, v) = check_json(&env, &[]);
    assert_eq!(code, 1);
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "duplicate-name")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    let (first, second) = if a < b { (&a, &b) } else { (&b, &a) };
    assert_eq!(
        messages,
        [format!(
            "experiments {first}, {second} are all named 'same'; rename all but one \
             (mlt experiments rename)"
        )]
    );
    let o = env.run_with(&["store", "check"], |c| {
        c.env("COLUMNS", "0");
    });
    assert!(
        o.stdout.contains("(mlt experiments rename)"),
        "{}",
        o.stdout
    );
}
