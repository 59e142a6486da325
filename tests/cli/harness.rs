//! A temporary store and a way to run `mlt` in it with a clean, fixed environment.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub const NOW: i64 = 1_795_922_857_436;

pub struct TestEnv {
    pub dir: tempfile::TempDir,
    /// The store's folder when it is not `dir` itself (a file system mounted inside it).
    sub: Option<PathBuf>,
    /// Ids and paths replaced by stable names in snapshots, e.g. (run id, "[RUN1]").
    names: std::cell::RefCell<Vec<(String, String)>>,
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// stdout with the trailing newline removed (what `$(...)` gives a shell).
    pub fn value(&self) -> String {
        self.stdout.trim_end_matches('\n').to_string()
    }
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let dir = tempfile::tempdir().unwrap();
        let env = TestEnv {
            dir,
            sub: None,
            names: Default::default(),
        };
        let root = env.root().display().to_string();
        env.name(&root, "[STORE]");
        env
    }

    /// A store that already exists.
    pub fn init() -> TestEnv {
        let env = TestEnv::new();
        env.ok(&["init"]);
        env
    }

    /// A store in the folder `sub` of a fresh temporary folder, made by `make` (which can
    /// mount a small file system there).
    pub fn in_sub(sub: &str, make: impl FnOnce(&Path)) -> TestEnv {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(sub);
        std::fs::create_dir_all(&root).unwrap();
        make(&root);
        let env = TestEnv {
            dir,
            sub: Some(root),
            names: Default::default(),
        };
        let root = env.root().display().to_string();
        env.name(&root, "[STORE]");
        env
    }

    pub fn root(&self) -> &Path {
        self.sub.as_deref().unwrap_or(self.dir.path())
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Remembers a stable name for an id in normalized output.
    /// A run id's 8-character short form (as tables show it) gets the same name.
    pub fn name(&self, value: &str, name: &str) {
        let mut names = self.names.borrow_mut();
        names.push((value.to_string(), name.to_string()));
        if value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
            names.push((value[..8].to_string(), name.to_string()));
        }
    }

    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// The command as a `std::process::Command`, for tests that spawn mlt and act while it
    /// runs. `mlt` itself is on the `PATH`, so scripts run by `mlt run` can call it.
    pub fn std_cmd(&self) -> std::process::Command {
        // MLT_TEST_BIN runs the tests against another build (e.g. an older one, to see a
        // regression test fail there).
        let bin = std::env::var_os("MLT_TEST_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("mlt"));
        let mut c = std::process::Command::new(&bin);
        c.current_dir(self.root());
        for (k, _) in std::env::vars() {
            if k.starts_with("MLT_") || k.starts_with("MLFLOW_") {
                c.env_remove(k);
            }
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![bin.parent().unwrap().to_path_buf()];
        dirs.extend(std::env::split_paths(&path));
        c.env("MLT_NOW_MS", NOW.to_string())
            .env("COLUMNS", "120")
            // Tables show local time with its offset: fixed here, changed by a test with TZ.
            .env("TZ", "UTC")
            .env("MLT_SOURCE_NAME", "train.sh")
            .env("USER", "tester")
            .env("LOGNAME", "tester")
            .env("PATH", std::env::join_paths(dirs).unwrap());
        c
    }

    /// Starts `mlt args` and kills it with SIGKILL after a random delay below `max_us`
    /// microseconds. Returns whether it was killed before it finished.
    pub fn kill_at_random(&self, args: &[String], max_us: u64) -> bool {
        let mut child = self
            .std_cmd()
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let wait = (uuid::Uuid::new_v4().as_u128() % u128::from(max_us.max(1))) as u64;
        std::thread::sleep(std::time::Duration::from_micros(wait));
        let _ = child.kill();
        !child.wait().unwrap().success()
    }

    pub fn run_with(&self, args: &[&str], f: impl FnOnce(&mut Command)) -> Output {
        let mut c = self.cmd();
        c.args(args);
        f(&mut c);
        let out = c.output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, |_| {})
    }

    /// Runs and requires success; returns stdout without its trailing newline.
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(o.code, 0, "mlt {args:?} failed:\n{}", o.stderr);
        o.value()
    }

    /// Runs and requires failure with `code`; returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let o = self.run(args);
        assert_eq!(
            o.code, code,
            "mlt {args:?}: expected exit {code}\nstdout: {}\nstderr: {}",
            o.stdout, o.stderr
        );
        assert!(o.stdout.is_empty(), "stdout on failure: {}", o.stdout);
        self.normalize(&o.stderr)
    }

    /// Replaces the remembered ids and paths by their names, longest first (so a run id is
    /// replaced whole before its short form).
    pub fn normalize(&self, s: &str) -> String {
        let mut s = s.to_string();
        let mut names = self.names.borrow().clone();
        names.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
        for (v, n) in &names {
            s = s.replace(v.as_str(), n);
        }
        s
    }

    /// Creates an experiment and names its id `[EXP:<name>]`.
    pub fn experiment(&self, name: &str) -> String {
        let id = self.ok(&["experiments", "create", name]);
        self.name(&id, &format!("[EXP:{name}]"));
        id
    }

    /// Starts a run and names its id `[RUN:<name>]`.
    pub fn start(&self, exp: &str, name: &str) -> String {
        let id = self.ok(&["runs", "start", "-e", exp, "--name", name]);
        self.name(&id, &format!("[RUN:{name}]"));
        id
    }

    /// Every file under the store with its content, for "nothing changed" checks.
    pub fn snapshot_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(self.root()).sort_by_file_name() {
            let e = e.unwrap();
            let rel = e
                .path()
                .strip_prefix(self.root())
                .unwrap()
                .display()
                .to_string();
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

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
}

/// A store on a small tmpfs (the tests run as root, as CI does), unmounted when dropped.
pub struct SmallDisk {
    pub env: TestEnv,
}

impl SmallDisk {
    pub fn new(kb: u32) -> SmallDisk {
        let env = TestEnv::in_sub("disk", |root| {
            let status = std::process::Command::new("mount")
                .args(["-t", "tmpfs", "-o", &format!("size={kb}k"), "tmpfs"])
                .arg(root)
                .status()
                .expect("run mount");
            assert!(
                status.success(),
                "mounting a tmpfs needs root (CI runs as root)"
            );
        });
        env.ok(&["init"]);
        SmallDisk { env }
    }

    /// Fills the file system up (what is left of a page may still take a few bytes).
    pub fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(self.env.path("filler")).unwrap();
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        while f.write_all(&block[..1]).is_ok() {}
    }

    /// Fills the file system up but for about `kb` KiB.
    pub fn fill_leaving(&self, kb: usize) {
        std::fs::write(self.env.path("reserve"), vec![0u8; kb * 1024]).unwrap();
        self.fill();
        std::fs::remove_file(self.env.path("reserve")).unwrap();
    }

    pub fn free(&self) {
        std::fs::remove_file(self.env.path("filler")).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.env.root())
            .status();
    }
}

/// A file under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Copies a fixture store into `dest`, recreating the empty folders git cannot keep (listed
/// in `fixtures/<name>.dirs`).
pub fn copy_fixture(name: &str, dest: &Path) {
    let src = fixture(name);
    for e in walkdir::WalkDir::new(&src) {
        let e = e.unwrap();
        let to = dest.join(e.path().strip_prefix(&src).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    let dirs = std::fs::read_to_string(fixture(&format!("{name}.dirs"))).unwrap();
    for d in dirs.lines().filter(|l| !l.is_empty()) {
        std::fs::create_dir_all(dest.join(d)).unwrap();
    }
}

pub fn kv_map(list: &serde_json::Value) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for kv in list.as_array().into_iter().flatten() {
        m.insert(kv["key"].as_str().unwrap().to_string(), kv["value"].clone());
    }
    serde_json::Value::Object(m)
}

/// What mlt's `--format json` output says about every experiment and run, in the canonical
/// shape `tests/interop/canonical.py` prints for MLflow.
pub fn canonical(env: &TestEnv) -> serde_json::Value {
    use serde_json::{Value, json};
    let mut exps = env.json(&["experiments", "list", "--view", "all", "-f", "json"])["experiments"]
        .as_array()
        .unwrap()
        .clone();
    exps.sort_by_key(|e| e["experiment_id"].as_str().unwrap().to_string());
    let mut out = Vec::new();
    for e in exps {
        let id = e["experiment_id"].as_str().unwrap();
        let mut runs = env.json(&["runs", "list", "-e", id, "--view", "all", "-f", "json"])["runs"]
            .as_array()
            .unwrap()
            .clone();
        runs.sort_by_key(|r| r["info"]["run_id"].as_str().unwrap().to_string());
        let mut crs = Vec::new();
        for r in runs {
            let info = &r["info"];
            let run_id = info["run_id"].as_str().unwrap();
            let mut metrics = serde_json::Map::new();
            let mut history = serde_json::Map::new();
            for m in r["data"]["metrics"].as_array().unwrap() {
                let key = m["key"].as_str().unwrap();
                metrics.insert(
                    key.into(),
                    json!({"value": m["value"], "timestamp": m["timestamp"], "step": m["step"]}),
                );
                let h = env.json(&["metrics", "history", key, "--run", run_id, "-f", "json"]);
                let points: Vec<Value> = h["metrics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| json!([p["timestamp"], p["value"], p["step"]]))
                    .collect();
                history.insert(key.into(), Value::Array(points));
            }
            let files = env.json(&["artifacts", "list", run_id, "-f", "json"]);
            // [path, size], null for folders (which have no file_size), as canonical.py lists.
            let artifacts: Vec<Value> = files["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    json!([
                        f["path"],
                        f.get("file_size").cloned().unwrap_or(Value::Null)
                    ])
                })
                .collect();
            crs.push(json!({
                "run_id": run_id,
                "run_name": info["run_name"],
                "experiment_id": info["experiment_id"],
                "status": info["status"],
                "start_time": info["start_time"],
                "end_time": info.get("end_time").cloned().unwrap_or(Value::Null),
                "lifecycle_stage": info["lifecycle_stage"],
                "artifact_uri": info["artifact_uri"],
                "user_id": info["user_id"],
                "params": kv_map(&r["data"]["params"]),
                "tags": kv_map(&r["data"]["tags"]),
                "metrics": metrics,
                "history": history,
                "artifacts": artifacts,
            }));
        }
        out.push(json!({
            "experiment_id": id,
            "name": e["name"],
            "artifact_location": e["artifact_location"],
            "lifecycle_stage": e["lifecycle_stage"],
            "tags": kv_map(&e["tags"]),
            "runs": crs,
        }));
    }
    json!({ "experiments": out })
}
