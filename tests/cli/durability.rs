//! Crashes, full disks and racing writers: nothing is lost, and nothing is left where MLflow
//! would trip on it (temporary files in params/, empty metric files).

use crate::harness::{SmallDisk, TestEnv};
use std::path::{Path, PathBuf};

/// Every file under the store's `mlruns/` and `registry/` whose name `pred` accepts.
fn files_where(env: &TestEnv, pred: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for top in ["mlruns", "registry"] {
        let dir = env.path(top);
        if !dir.is_dir() {
            continue;
        }
        for e in walkdir::WalkDir::new(&dir) {
            let e = e.unwrap();
            if e.file_type().is_file() && pred(e.path()) {
                out.push(e.path().to_path_buf());
            }
        }
    }
    out
}

/// `mlruns/<experiment>/<run>`, store-relative.
fn run_dir(env: &TestEnv, run: &str) -> String {
    let shown = env.json(&["runs", "show", run, "--format", "json"]);
    format!(
        "mlruns/{}/{run}",
        shown["run"]["info"]["experiment_id"].as_str().unwrap()
    )
}

fn temp_files(env: &TestEnv) -> Vec<PathBuf> {
    files_where(env, |p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".mlt-tmp-"))
    })
}

fn empty_metric_files(env: &TestEnv) -> Vec<PathBuf> {
    files_where(env, |p| {
        p.parent().is_some_and(|d| d.ends_with("metrics"))
            && std::fs::metadata(p).is_ok_and(|m| m.len() == 0)
    })
}

#[test]
fn killed_writes_leave_no_temporary_file_and_no_empty_metric_file() {
    let env = TestEnv::init();
    let run = env.start("e", "r");
    let src = env.path("src");
    for i in 0..300 {
        let f = src.join(format!("d{}/f{i}.txt", i % 7));
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, format!("file {i}\n")).unwrap();
    }
    let mut killed = 0;
    for trial in 0..45 {
        let args: Vec<String> = match trial % 3 {
            0 => ["log", "params", "--run", &run]
                .iter()
                .map(|s| s.to_string())
                .chain((0..200).map(|i| format!("p{trial}_{i}=v{i}")))
                .collect(),
            1 => ["log", "metrics", "--run", &run]
                .iter()
                .map(|s| s.to_string())
                .chain((0..200).map(|i| format!("m{trial}_{i}=1")))
                .collect(),
            _ => [
                "artifacts",
                "log",
                src.to_str().unwrap(),
                "--run",
                &run,
                "--path",
            ]
            .iter()
            .map(|s| s.to_string())
            .chain([format!("t{trial}")])
            .collect(),
        };
        if env.kill_at_random(&args, 30_000) {
            killed += 1;
        }
    }
    assert!(
        killed > 10,
        "only {killed} of 45 commands were killed mid-way"
    );
    assert_eq!(temp_files(&env), Vec::<PathBuf>::new());
    assert_eq!(empty_metric_files(&env), Vec::<PathBuf>::new());
    // The run reads whole, and every param it lists is one that was logged.
    let shown = env.json(&["runs", "show", &run, "--format", "json"]);
    let params = shown["run"]["data"]["params"].as_array().unwrap();
    assert!(
        params
            .iter()
            .all(|p| p["key"].as_str().unwrap().starts_with('p')),
        "{params:?}"
    );
}

#[test]
fn a_key_that_looks_like_a_temporary_name_is_an_ordinary_key() {
    let env = TestEnv::init();
    let run = env.start("e", "r");
    env.ok(&["log", "param", ".mlt-tmp-x", "v", "--run", &run]);
    env.ok(&["log", "metric", ".mlt-tmp-m", "1", "--run", &run]);
    let shown = env.json(&["runs", "show", &run, "--format", "json"]);
    assert_eq!(
        shown["run"]["data"]["params"][0]["key"], ".mlt-tmp-x",
        "{shown}"
    );
    assert_eq!(
        shown["run"]["data"]["metrics"][0]["key"], ".mlt-tmp-m",
        "{shown}"
    );
    // A param named `.mlt/...` is a folder `.mlt` inside params/: it must not become the place
    // temporary files go.
    env.ok(&["log", "param", ".mlt/tmp", "v", "--run", &run]);
    env.ok(&["log", "param", "after", "v", "--run", &run]);
    let dir = env.path(&format!("{}/params", run_dir(&env, &run)));
    let names: Vec<String> = walkdir::WalkDir::new(&dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            e.unwrap()
                .path()
                .strip_prefix(&dir)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    // An artifact with such a name is listed, and travels to another store.
    let f = env.path(".mlt-tmp-a.txt");
    std::fs::write(&f, "a").unwrap();
    env.ok(&["artifacts", "log", f.to_str().unwrap(), "--run", &run]);
    let listed = env.ok(&["artifacts", "list", &run, "--format", "csv"]);
    assert!(listed.contains(".mlt-tmp-a.txt"), "{listed}");
    let other = TestEnv::init();
    other.ok(&["store", "merge", env.root().to_str().unwrap()]);
    let copied = other.ok(&["artifacts", "cat", &run, ".mlt-tmp-a.txt"]);
    assert_eq!(copied, "a");
}

#[test]
fn racing_writers_of_one_param_have_exactly_one_winner() {
    let env = TestEnv::init();
    let run = env.start("e", "r");
    for round in 0..40 {
        let key = format!("z{round}");
        let children: Vec<_> = (0..2)
            .map(|n| {
                let mut c = env
                    .std_cmd()
                    .args(["log", "batch", "--run", &run])
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap();
                (n, c.stdin.take().unwrap(), c)
            })
            .collect();
        // Both are started and waiting on stdin: release them at the same instant.
        let mut waiting = Vec::new();
        for (n, mut stdin, c) in children {
            use std::io::Write;
            let _ = write!(stdin, "{{\"params\":{{\"{key}\":\"val{n}\"}}}}");
            waiting.push((n, stdin, c));
        }
        let outcomes: Vec<(usize, bool, String)> = waiting
            .into_iter()
            .map(|(n, stdin, c)| {
                drop(stdin);
                let out = c.wait_with_output().unwrap();
                (
                    n,
                    out.status.success(),
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                )
            })
            .collect();
        let winners: Vec<_> = outcomes.iter().filter(|o| o.1).collect();
        assert_eq!(winners.len(), 1, "round {round}: {outcomes:?}");
        let loser = outcomes.iter().find(|o| !o.1).unwrap();
        assert!(loser.2.contains("params cannot change"), "{}", loser.2);
        let stored = env.read(&format!("{}/params/{key}", run_dir(&env, &run)));
        assert_eq!(stored, format!("val{}", winners[0].0));
    }
}

#[test]
fn a_full_disk_writes_nothing_of_a_batch_of_new_metrics() {
    let disk = SmallDisk::new(1024);
    let env = &disk.env;
    let run = env.start("e", "r");
    disk.fill();
    let err = env.fails(&["log", "metrics", "m=3", "n=4", "--run", &run], 1);
    assert!(err.contains("nothing of this batch was written"), "{err}");
    assert!(
        !env.path(&format!("{}/metrics/m", run_dir(env, &run)))
            .exists()
    );
    assert!(
        !env.path(&format!("{}/metrics/n", run_dir(env, &run)))
            .exists()
    );
    assert_eq!(empty_metric_files(env), Vec::<PathBuf>::new());
    assert_eq!(temp_files(env), Vec::<PathBuf>::new());
    disk.free();
    env.ok(&["log", "metrics", "m=3", "n=4", "--run", &run]);
    let shown = env.json(&["runs", "show", &run, "--format", "json"]);
    assert_eq!(shown["run"]["data"]["metrics"].as_array().unwrap().len(), 2);
}

#[test]
fn a_full_disk_undoes_the_appends_of_a_batch() {
    let disk = SmallDisk::new(1024);
    let env = &disk.env;
    let run = env.start("e", "r");
    env.ok(&["log", "metrics", "m=1", "n=1", "--run", &run]);
    // n's file fills its page exactly, so its next line needs a new one; m has room.
    let n = env.path(&format!("{}/metrics/n", run_dir(env, &run)));
    let mut text = std::fs::read_to_string(&n).unwrap();
    let rest = 4096 - text.len();
    let k = (rest - 8) / 8;
    text.push_str(&"1 1.0 0\n".repeat(k));
    // One last line of 8 to 15 bytes, "1 1.000 0", brings it to 4096 exactly.
    let zeros = 4096 - text.len() - 7;
    text.push_str(&format!("1 1.{} 0\n", "0".repeat(zeros)));
    assert_eq!(text.len(), 4096);
    std::fs::write(&n, &text).unwrap();
    let m = env.path(&format!("{}/metrics/m", run_dir(env, &run)));
    let m_before = std::fs::read(&m).unwrap();
    let n_before = std::fs::read(&n).unwrap();
    disk.fill();
    let err = env.fails(&["log", "metrics", "m=2", "n=2", "--run", &run], 1);
    assert!(err.contains("nothing of this batch was written"), "{err}");
    assert_eq!(std::fs::read(&m).unwrap(), m_before, "m's line was undone");
    assert_eq!(std::fs::read(&n).unwrap(), n_before, "n has no torn line");
    disk.free();
    env.ok(&["log", "metrics", "m=2", "n=2", "--run", &run]);
}

#[test]
fn a_full_disk_never_leaves_a_registered_model_without_versions() {
    let disk = SmallDisk::new(1024);
    let env = &disk.env;
    let model = env.path("model");
    std::fs::create_dir_all(&model).unwrap();
    std::fs::write(model.join("weights.bin"), vec![7u8; 64 * 1024]).unwrap();
    // Room for the model's meta.yaml, not for its files.
    disk.fill_leaving(16);
    let o = env.run(&["models", "register", model.to_str().unwrap(), "m"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(!env.path("registry/models/m").exists(), "{}", o.stderr);
    assert!(env.run(&["models", "show", "m"]).code != 0);
    disk.free();
    env.ok(&["models", "register", model.to_str().unwrap(), "m"]);
}

#[test]
fn a_full_disk_is_blamed_on_the_destination_of_an_artifact() {
    let disk = SmallDisk::new(1024);
    let env = &disk.env;
    let run = env.start("e", "r");
    let outside = tempfile::tempdir().unwrap();
    let big = outside.path().join("big.bin");
    std::fs::write(&big, vec![1u8; 2 * 1024 * 1024]).unwrap();
    let err = env.fails(
        &["artifacts", "log", big.to_str().unwrap(), "--run", &run],
        1,
    );
    assert!(!err.contains(&*big.to_string_lossy()), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains("artifacts"), "{err}");
    assert_eq!(temp_files(env), Vec::<PathBuf>::new());
}

#[test]
fn the_durable_mode_writes_the_same_store() {
    let env = TestEnv::init();
    let run = env.start("e", "r");
    let durable = |args: &[&str]| {
        let o = env.run_with(args, |c| {
            c.env("MLT_DURABLE", "1");
        });
        assert_eq!(o.code, 0, "{}", o.stderr);
    };
    durable(&["log", "params", "a=1", "nested/b=2", "--run", &run]);
    durable(&["log", "metrics", "m=1", "--run", &run]);
    durable(&["log", "metrics", "m=2", "--step", "1", "--run", &run]);
    durable(&["log", "tag", "t", "x", "--run", &run]);
    durable(&["runs", "end", "--run", &run]);
    let shown = env.json(&["runs", "show", &run, "--format", "json"]);
    assert_eq!(shown["run"]["info"]["status"], "FINISHED");
    assert_eq!(shown["run"]["data"]["params"].as_array().unwrap().len(), 2);
    assert_eq!(
        env.read(&format!("{}/metrics/m", run_dir(&env, &run)))
            .lines()
            .count(),
        2
    );
    // The store setting turns it on too.
    env.ok(&["init", "--durable"]);
    assert!(env.path(".mlt/durable").is_file());
    env.ok(&["log", "metric", "m", "3", "--step", "2", "--run", &run]);
    env.ok(&["init", "--no-durable"]);
    assert!(!env.path(".mlt/durable").exists());
}
