//! `mlt run`: real commands wrapped in runs (issue 5).

use crate::harness::{Output, TestEnv, kv_map};
use insta::assert_snapshot;
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

/// The run id from mlt's "mlt: run <id> (...)" line on stderr.
fn started(o: &Output) -> String {
    let line = o
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("mlt: run "))
        .unwrap_or_else(|| panic!("no run started:\n{}", o.stderr));
    line.split(' ').next().unwrap().to_string()
}

/// `runs show --format json` of a run: (info, params, metrics, tags).
fn show(env: &TestEnv, id: &str) -> serde_json::Value {
    env.json(&["runs", "show", id, "-f", "json"])
}

fn tags(env: &TestEnv, id: &str) -> serde_json::Value {
    kv_map(&show(env, id)["run"]["data"]["tags"])
}

/// A running child, its stdout after the first line, and that line.
type Spawned = (
    std::process::Child,
    BufReader<std::process::ChildStdout>,
    String,
);

/// Spawns `mlt ARGS` with piped output and waits for its first line of stdout: the command is
/// running.
fn spawn_until_first_line(env: &TestEnv, args: &[&str]) -> Spawned {
    let mut child = env
        .std_cmd()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    (child, out, line)
}

fn write(env: &TestEnv, rel: &str, text: &str) {
    let p = env.path(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn a_shell_script_logs_through_mlt_log_into_the_run() {
    let env = TestEnv::init();
    write(
        &env,
        "train.sh",
        r#"echo "run $MLT_RUN_ID in $MLFLOW_EXPERIMENT_ID"
for step in 0 1 2; do
  mlt log metric loss "0.$((9 - step))" --step $step
done
mlt log params epochs=3
mlt log tag phase done
echo "training done"
"#,
    );
    let o = env.run(&[
        "run", "-e", "demo", "--name", "sh", "-P", "lr=0.1", "-t", "team=cv", "--", "bash",
        "train.sh",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let id = started(&o);
    env.name(&id, "[RUN]");
    let exp =
        env.json(&["experiments", "show", "demo", "-f", "json"])["experiment"]["experiment_id"]
            .as_str()
            .unwrap()
            .to_string();
    env.name(&exp, "[EXP]");
    // Output passes through to mlt's own stdout, and is saved.
    assert_snapshot!(env.normalize(&o.stdout), @r"
    run [RUN] in [EXP]
    training done
    ");
    assert_eq!(
        env.read(&format!("mlruns/{exp}/{id}/artifacts/stdout.txt")),
        o.stdout
    );
    assert_eq!(
        env.read(&format!("mlruns/{exp}/{id}/artifacts/stderr.txt")),
        ""
    );
    let run = show(&env, &id);
    let info = &run["run"]["info"];
    assert_eq!(info["status"], "FINISHED");
    // The location is store-relative again once the run has ended.
    assert_eq!(
        info["artifact_uri"],
        format!("mlruns/{exp}/{id}/artifacts").as_str()
    );
    assert_snapshot!(
        env.ok(&["metrics", "history", "loss", "--run", &id, "-f", "csv"]),
        @r"
    step,timestamp,value
    0,1795922857436,0.9
    1,1795922857436,0.8
    2,1795922857436,0.7
    "
    );
    let params = kv_map(&run["run"]["data"]["params"]);
    assert_eq!(params, serde_json::json!({"epochs": "3", "lr": "0.1"}));
    let t = tags(&env, &id);
    assert_eq!(t["phase"], "done");
    assert_eq!(t["team"], "cv");
    assert_eq!(t["mlt.command"], "bash train.sh");
    assert_eq!(t["mlt.exitCode"], "0");
    assert_eq!(t["mlflow.source.type"], "LOCAL");
    assert_eq!(t["mlflow.runName"], "sh");
    assert_eq!(
        t["mlt.cwd"].as_str().unwrap(),
        env.root().display().to_string()
    );
    assert!(t["mlt.duration"].as_str().unwrap().parse::<f64>().is_ok());
    assert!(!t["mlt.host"].as_str().unwrap().is_empty());
    assert_snapshot!(
        env.normalize(o.stderr.lines().last().unwrap()).split(" after ").next().unwrap(),
        @"mlt: run [RUN] FINISHED"
    );
}

#[test]
fn the_command_sees_the_run_with_an_absolute_location() {
    let env = TestEnv::init();
    std::fs::create_dir_all(env.path("elsewhere")).unwrap();
    let o = env.run_with(
        &[
            "run",
            "--",
            "sh",
            "-c",
            "env | grep -E '^(MLT_|MLFLOW_|PYTHONUNBUFFERED)' | sort; \
             mlt runs show \"$MLT_RUN_ID\" -f json | grep -o '\"artifact_uri\": \"[^\"]*\"'",
        ],
        |c| {
            c.current_dir(env.path("elsewhere"))
                .env("MLT_STORE", env.root())
                .env("MLFLOW_EXPERIMENT_ID", "0")
                .env("MLFLOW_EXPERIMENT_NAME", "other")
                .env_remove("MLT_NOW_MS");
        },
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let id = started(&o);
    env.name(&id, "[RUN]");
    assert_snapshot!(env.normalize(&o.stdout), @r#"
    MLFLOW_ALLOW_FILE_STORE=true
    MLFLOW_EXPERIMENT_ID=0
    MLFLOW_REGISTRY_URI=file://[STORE]/registry
    MLFLOW_RUN_ID=[RUN]
    MLFLOW_TRACKING_URI=file://[STORE]/mlruns
    MLT_RUN_ID=[RUN]
    MLT_SOURCE_NAME=train.sh
    MLT_STORE=[STORE]
    PYTHONUNBUFFERED=1
    "artifact_uri": "file://[STORE]/mlruns/0/[RUN]/artifacts"
    "#);
    assert_eq!(
        show(&env, &id)["run"]["info"]["artifact_uri"],
        format!("mlruns/0/{id}/artifacts").as_str()
    );
}

#[test]
fn a_nested_mlt_run_is_a_child_run() {
    let env = TestEnv::init();
    let o = env.run(&[
        "run", "--name", "outer", "--", "mlt", "run", "--name", "inner", "--", "true",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let runs = env.json(&["runs", "list", "-f", "json"]);
    let by_name = |n: &str| {
        runs["runs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["info"]["run_name"] == n)
            .unwrap()
            .clone()
    };
    let outer = by_name("outer");
    let inner = by_name("inner");
    let inner_tags = kv_map(&inner["data"]["tags"]);
    assert_eq!(inner_tags["mlflow.parentRunId"], outer["info"]["run_id"]);
    assert_eq!(inner["info"]["status"], "FINISHED");
    assert_eq!(outer["info"]["status"], "FINISHED");
    assert!(o.stderr.contains("mlt: nested in run "), "{}", o.stderr);
}

#[test]
fn a_failing_command_fails_the_run_with_its_exit_code() {
    let env = TestEnv::init();
    let o = env.run(&[
        "run",
        "--name",
        "bad",
        "--",
        "sh",
        "-c",
        "echo partial; echo oops >&2; exit 3",
    ]);
    assert_eq!(o.code, 3);
    let id = started(&o);
    assert_eq!(o.stdout, "partial\n");
    let run = show(&env, &id);
    assert_eq!(run["run"]["info"]["status"], "FAILED");
    let t = kv_map(&run["run"]["data"]["tags"]);
    assert_eq!(t["mlt.exitCode"], "3");
    assert_eq!(
        env.read(&format!("mlruns/0/{id}/artifacts/stderr.txt")),
        "oops\n"
    );
    env.name(&id, "[RUN]");
    assert_snapshot!(
        env.normalize(o.stderr.lines().last().unwrap()).replace(|c: char| c.is_ascii_digit(), "N"),
        @"mlt: run [RUN] FAILED after N.Ns (exit code N)"
    );
}

#[test]
fn a_command_killed_by_a_signal_fails_the_run() {
    let env = TestEnv::init();
    let o = env.run(&["run", "--", "sh", "-c", "echo before; kill -KILL $$"]);
    assert_eq!(o.code, 137, "{}", o.stderr);
    let id = started(&o);
    let run = show(&env, &id);
    assert_eq!(run["run"]["info"]["status"], "FAILED");
    assert_eq!(kv_map(&run["run"]["data"]["tags"])["mlt.signal"], "SIGKILL");
    assert!(o.stderr.contains("(killed by SIGKILL)"), "{}", o.stderr);
    assert_eq!(
        env.read(&format!("mlruns/0/{id}/artifacts/stdout.txt")),
        "before\n"
    );
}

#[test]
fn stdin_reaches_the_command() {
    let env = TestEnv::init();
    let o = env.run_with(&["run", "--", "sh", "-c", "cat; echo end"], |c| {
        c.write_stdin("line one\nline two\n");
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "line one\nline two\nend\n");
    let id = started(&o);
    assert_eq!(
        env.read(&format!("mlruns/0/{id}/artifacts/stdout.txt")),
        o.stdout
    );
}

#[test]
fn a_command_that_cannot_start_records_nothing() {
    let env = TestEnv::init();
    let before = env.snapshot_files();
    let err = env.fails(&["run", "--", "no-such-command-mlt", "x"], 127);
    assert_snapshot!(err, @"error: no-such-command-mlt: command not found");
    let err = env.fails(&["run", "--", "./missing.sh"], 126);
    assert_snapshot!(err, @"error: ./missing.sh: no such file");
    assert_eq!(env.snapshot_files(), before);
}

#[test]
fn usage_errors() {
    let env = TestEnv::init();
    let before = env.snapshot_files();
    assert_snapshot!(env.fails(&["run"], 2), @r"
    error: no command to run
    hint: mlt run [OPTIONS] -- COMMAND [ARGS...], or mlt run --entry-point NAME for an MLproject
    ");
    assert_snapshot!(
        env.fails(&["run", "--entry-point", "main", "--", "true"], 2),
        @"error: give a COMMAND or --entry-point, not both"
    );
    assert_snapshot!(
        env.fails(&["run", "--metric-pattern", "loss: (\\number", "--", "true"], 2),
        @r"error: invalid --metric-pattern 'loss: (\number': unclosed group"
    );
    assert_snapshot!(
        env.fails(&["run", "--grace=-1", "--", "true"], 2),
        @"error: --grace must be a number of seconds (0 or more), got -1"
    );
    assert_snapshot!(
        env.fails(&["run", "-P", "a/../b=1", "--", "true"], 1),
        @r#"error: invalid param key "a/../b": keys must be normal paths (no '//', '/./', '/../' or trailing '/')"#
    );
    assert_eq!(env.snapshot_files(), before);
}

#[test]
fn a_signal_is_passed_on_and_the_run_ends_killed() {
    let env = TestEnv::init();
    write(
        &env,
        "job.sh",
        "trap 'echo stopping; exit 0' TERM\necho started\nsleep 30 &\nwait $!\n",
    );
    let (child, mut out, line) =
        spawn_until_first_line(&env, &["run", "--name", "job", "--", "sh", "job.sh"]);
    assert_eq!(line, "started\n");
    let pid = rustix::process::Pid::from_child(&child);
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    // The command stopped cleanly (exit 0), but it was interrupted: 128 + SIGTERM.
    assert_eq!(o.status.code(), Some(143), "{stderr}");
    assert_eq!(rest, "stopping\n");
    let id = started(&Output {
        code: 143,
        stdout: String::new(),
        stderr: stderr.to_string(),
    });
    let run = show(&env, &id);
    assert_eq!(run["run"]["info"]["status"], "KILLED");
    assert_eq!(kv_map(&run["run"]["data"]["tags"])["mlt.exitCode"], "0");
    assert_eq!(
        env.read(&format!("mlruns/0/{id}/artifacts/stdout.txt")),
        "started\nstopping\n"
    );
    assert!(
        stderr.contains("mlt: got SIGTERM; waiting up to 10 s"),
        "{stderr}"
    );
}

#[test]
fn a_command_that_ignores_the_signal_is_killed_after_the_grace_period() {
    let env = TestEnv::init();
    write(
        &env,
        "stubborn.sh",
        "trap '' TERM\necho started\nwhile :; do sleep 0.05; done\n",
    );
    let (child, _out, line) =
        spawn_until_first_line(&env, &["run", "--grace", "0.3", "--", "sh", "stubborn.sh"]);
    assert_eq!(line, "started\n");
    let pid = rustix::process::Pid::from_child(&child);
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(143), "{stderr}");
    assert!(
        stderr.contains("the command did not stop within 0.3 s; killing it"),
        "{stderr}"
    );
    let id = started(&Output {
        code: 143,
        stdout: String::new(),
        stderr,
    });
    let run = show(&env, &id);
    assert_eq!(run["run"]["info"]["status"], "KILLED");
    assert_eq!(kv_map(&run["run"]["data"]["tags"])["mlt.signal"], "SIGKILL");
}

#[test]
fn a_signal_after_the_command_exited_stops_what_it_left_running() {
    // The background sleep holds the output pipe open, so mlt waits for it, as `| tee` would.
    let env = TestEnv::init();
    let (child, _out, line) = spawn_until_first_line(
        &env,
        &["run", "--", "sh", "-c", "sleep 30 & echo main done"],
    );
    assert_eq!(line, "main done\n");
    // Once the run's command has exited, mlt says so on its way to wait for the output.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let pid = rustix::process::Pid::from_child(&child);
    rustix::process::kill_process(pid, rustix::process::Signal::INT).unwrap();
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    let id = started(&Output {
        code: 0,
        stdout: String::new(),
        stderr: stderr.clone(),
    });
    let status = show(&env, &id)["run"]["info"]["status"].clone();
    if stderr.contains("the command has exited; stopping what it left running") {
        // The command's own outcome stands.
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        assert_eq!(status, "FINISHED");
    } else {
        // On a slow machine the signal came while sh was still running: an interrupted run.
        assert_eq!(o.status.code(), Some(130), "{stderr}");
        assert_eq!(status, "KILLED");
    }
}

#[test]
fn output_of_200_mb_streams_through_in_flat_memory() {
    const SIZE: u64 = 200_000_000;
    let env = TestEnv::init();
    let mut child = env
        .std_cmd()
        .args([
            "run",
            "--name",
            "big",
            "--",
            "sh",
            "-c",
            &format!("yes 'epoch 1: a line of training output, over and over' | head -c {SIZE}"),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let counter = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let mut n = 0u64;
        loop {
            match out.read(&mut buf).unwrap() {
                0 => return n,
                k => n += k as u64,
            }
        }
    });
    // mlt's peak resident memory (VmHWM), read while it runs.
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if let Ok(s) = std::fs::read_to_string(&status_file)
            && let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{stderr}");
    assert_eq!(counter.join().unwrap(), SIZE);
    let id = started(&Output {
        code: 0,
        stdout: String::new(),
        stderr,
    });
    let saved = std::fs::metadata(env.path(&format!("mlruns/0/{id}/artifacts/stdout.txt")))
        .unwrap()
        .len();
    assert_eq!(saved, SIZE);
    assert!(peak_kb > 0, "VmHWM was never read");
    assert!(
        peak_kb < 50 * 1024,
        "mlt peaked at {peak_kb} kB for {SIZE} bytes of output"
    );
}

#[test]
fn combined_capture_and_no_capture() {
    let env = TestEnv::init();
    let cmd = "echo one; echo two >&2; echo three";
    let o = env.run(&["run", "--capture", "combined", "--", "sh", "-c", cmd]);
    let id = started(&o);
    // Both streams in one file, each in its own order (which stream comes first is a race).
    let combined = env.read(&format!("mlruns/0/{id}/artifacts/output.txt"));
    let mut lines: Vec<&str> = combined.lines().collect();
    assert!(combined.find("one") < combined.find("three"), "{combined}");
    lines.sort();
    assert_eq!(lines, ["one", "three", "two"]);
    let o = env.run(&["run", "--capture", "none", "--", "sh", "-c", cmd]);
    let id = started(&o);
    assert_eq!(o.stdout, "one\nthree\n");
    assert!(
        std::fs::read_dir(env.path(&format!("mlruns/0/{id}/artifacts")))
            .unwrap()
            .next()
            .is_none()
    );
}

const FORMATS: &str = r#"loss: 0.5
step: 1
loss=0.25 acc=0.8
{"step": 2, "loss": 0.125, "acc": 0.9}
Epoch 3/10 - val_loss 0.1
Epoch 3/10 loss=7 (not a metric line)
"#;
const PATTERN: &str = r"^Epoch (?P<step>\d+)/\d+ - val_loss (?P<val_loss>\number)";

#[test]
fn metrics_are_read_from_the_output_in_each_format() {
    let env = TestEnv::init();
    write(&env, "out.txt", FORMATS);
    let o = env.run(&[
        "run",
        "--parse-metrics",
        "--metric-pattern",
        PATTERN,
        "--",
        "cat",
        "out.txt",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let id = started(&o);
    assert!(
        o.stderr
            .contains("mlt: logged 6 metric values from the output"),
        "{}",
        o.stderr
    );
    assert_snapshot!(env.ok(&["metrics", "history", "loss", "--run", &id, "-f", "csv"]), @r"
    step,timestamp,value
    0,1795922857436,0.5
    1,1795922857436,0.25
    2,1795922857436,0.125
    ");
    assert_snapshot!(env.ok(&["metrics", "history", "acc", "--run", &id, "-f", "csv"]), @r"
    step,timestamp,value
    1,1795922857436,0.8
    2,1795922857436,0.9
    ");
    assert_snapshot!(env.ok(&["metrics", "history", "val_loss", "--run", &id, "-f", "csv"]), @r"
    step,timestamp,value
    3,1795922857436,0.1
    ");
}

#[test]
fn a_dry_run_shows_what_a_sample_would_log() {
    let env = TestEnv::new();
    let o = env.run_with(
        &[
            "run",
            "--dry-run",
            "--parse-metrics",
            "--metric-pattern",
            PATTERN,
        ],
        |c| {
            c.write_stdin(FORMATS);
        },
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(o.stdout, @r"
    line 1: loss=0.5 step 0
    line 3: loss=0.25 step 1
    line 3: acc=0.8 step 1
    line 4: acc=0.9 step 2
    line 4: loss=0.125 step 2
    line 5: val_loss=0.1 step 3
    ");
    assert_snapshot!(o.stderr, @"6 metric values in 6 lines");
    // Nothing was created.
    assert!(!env.path("mlruns").exists());
    // With a command, the dry run shows the command too.
    let o = env.run_with(
        &[
            "run",
            "--dry-run",
            "--parse-metrics",
            "-P",
            "lr=0.1",
            "--",
            "python",
            "train.py",
            "--x",
            "a b",
        ],
        |c| {
            c.write_stdin("lr: 0.1\n");
        },
    );
    assert_snapshot!(env.normalize(&o.stdout), @r"
    command: python train.py --x 'a b'
    directory: [STORE]
    param: lr=0.1
    line 1: lr=0.1 step 0
    ");
    assert!(!env.path("mlruns").exists());
}

const MLPROJECT: &str = r#"name: demo
python_env: python_env.yaml
entry_points:
  main:
    parameters:
      name: {type: string, default: world}
      count: {type: int, default: 2}
    command: "printf '[%s]\\n' {name} {count}"
  validate:
    parameters:
      data: path
      model: {type: uri}
    command: "printf '[%s]\\n' {data} {model}"
"#;

fn project_env() -> TestEnv {
    let env = TestEnv::init();
    write(&env, "proj/MLproject", MLPROJECT);
    write(&env, "proj/python_env.yaml", "python: \"3.11\"\n");
    env
}

#[test]
fn mlproject_defaults_fill_the_command() {
    let env = project_env();
    assert_snapshot!(env.normalize(&env.ok(&["run", "--dry-run", "--entry-point", "main", "--project", "proj"])), @r"
    command: printf '[%s]\n' world 2
    directory: [STORE]/proj
    param: name=world
    param: count=2
    tag: mlflow.source.type=PROJECT
    tag: mlflow.project.entryPoint=main
    tag: mlflow.project.backend=local
    tag: mlflow.project.env=virtualenv
    tag: mlt.project.envConfig=python_env.yaml
    ");
    let o = env.run_with(
        &[
            "run",
            "--entry-point",
            "main",
            "--project",
            "proj",
            "-P",
            "count=3",
        ],
        |c| {
            c.env_remove("MLT_SOURCE_NAME");
        },
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "[world]\n[3]\n");
    let id = started(&o);
    let run = show(&env, &id);
    assert_eq!(
        kv_map(&run["run"]["data"]["params"]),
        serde_json::json!({"count": "3", "name": "world"})
    );
    let t = kv_map(&run["run"]["data"]["tags"]);
    assert_eq!(t["mlflow.source.type"], "PROJECT");
    assert_eq!(t["mlflow.project.entryPoint"], "main");
    assert_eq!(t["mlflow.project.env"], "virtualenv");
    assert_eq!(t["mlt.command"], "printf '[%s]\\n' world 3");
    assert_eq!(
        t["mlflow.source.name"].as_str().unwrap(),
        env.path("proj").display().to_string()
    );
    assert_eq!(
        t["mlt.cwd"].as_str().unwrap(),
        env.path("proj").display().to_string()
    );
}

#[test]
fn mlproject_values_with_spaces_and_semicolons_stay_one_word() {
    let env = project_env();
    let o = env.run(&[
        "run",
        "--entry-point",
        "main",
        "--project",
        "proj",
        "-P",
        "name=a b; echo pwned",
        "-P",
        "extra=it's",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(o.stdout, @r"
    [a b; echo pwned]
    [2]
    [--extra]
    [it's]
    ");
    let id = started(&o);
    let t = tags(&env, &id);
    assert_eq!(
        t["mlt.command"],
        r#"printf '[%s]\n' 'a b; echo pwned' 2 --extra 'it'"'"'s'"#
    );
    let params = kv_map(&show(&env, &id)["run"]["data"]["params"]);
    assert_eq!(params["name"], "a b; echo pwned");
    assert_eq!(params["extra"], "it's");
}

#[test]
fn mlproject_missing_required_parameters_change_nothing() {
    let env = project_env();
    let before = env.snapshot_files();
    assert_snapshot!(env.fails(&["run", "--entry-point", "validate", "--project", "proj"], 2), @"error: entry point 'validate' needs a value for 'data', 'model': pass -P data=VALUE");
    assert_snapshot!(env.fails(&["run", "--entry-point", "validate", "--project", "proj", "-P", "data=nope.csv", "-P", "model=runs:/x/m"], 2), @"error: got value nope.csv for parameter 'data', but no such file or directory was found");
    assert_snapshot!(env.fails(&["run", "--entry-point", "nope", "--project", "proj"], 2), @"error: no entry point 'nope' (declared: main, validate), and it is not a .py, .sh or .R script");
    assert_eq!(env.snapshot_files(), before);
    write(&env, "bad/MLproject", "entry_points: [a]\n");
    let before = env.snapshot_files();
    let err = env.fails(&["run", "--entry-point", "main", "--project", "bad"], 1);
    assert_snapshot!(env.normalize(&err), @"error: [STORE]/bad/MLproject: entry_points must be a mapping");
    assert_eq!(env.snapshot_files(), before);
    // A path parameter becomes absolute; the logged value is the one given.
    write(&env, "data.csv", "x");
    let o = env.run(&[
        "run",
        "--entry-point",
        "validate",
        "--project",
        "proj",
        "-P",
        "data=data.csv",
        "-P",
        "model=runs:/x/m",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        format!("[{}]\n[runs:/x/m]\n", env.path("data.csv").display())
    );
}

#[test]
fn git_state_is_recorded_with_the_diff_of_a_dirty_tree() {
    let env = TestEnv::init();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-C"])
            .arg(env.root())
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git(&[
        "remote",
        "add",
        "origin",
        "https://user:secret@example.com/team/repo.git",
    ]);
    write(&env, "train.sh", "echo v1\n");
    git(&["add", "train.sh"]);
    git(&["commit", "-q", "-m", "v1"]);
    let o = env.run(&["run", "--", "sh", "train.sh"]);
    let clean = tags(&env, &started(&o));
    assert_eq!(clean["mlflow.source.git.dirty"], "false");
    assert_eq!(clean["mlflow.source.git.branch"], "main");
    assert_eq!(
        clean["mlflow.source.git.repoURL"],
        "https://example.com/team/repo.git"
    );
    assert_eq!(
        clean["mlflow.source.git.commit"].as_str().unwrap().len(),
        40
    );

    write(&env, "train.sh", "echo v2\n");
    let o = env.run(&["run", "--", "sh", "train.sh"]);
    let id = started(&o);
    assert_eq!(tags(&env, &id)["mlflow.source.git.dirty"], "true");
    let diff = env.read(&format!("mlruns/0/{id}/artifacts/git.diff"));
    assert!(diff.contains("-echo v1\n+echo v2\n"), "{diff}");
    assert!(!diff.contains("mlruns"), "{diff}");
}

/// Whether a process is still running (a zombie is not: it has ended and waits to be reaped).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let state = stat[stat.rfind(')').unwrap() + 1..]
            .split_whitespace()
            .next();
        !matches!(state, Some("Z" | "X"))
    })
}

/// Kills `mlt run` with SIGKILL while `script` runs (it writes its pid to child.pid, then its
/// first line), and checks the command is ended within two seconds and the run records a
/// wrapper that is gone.
fn kill_the_wrapper(script: &str) -> TestEnv {
    use mlt::owner::{Owner, State, WRAPPER_TAG};
    let env = TestEnv::init();
    write(&env, "job.sh", script);
    let (mut child, _out, line) = spawn_until_first_line(&env, &["run", "--", "sh", "job.sh"]);
    assert_eq!(line, "started\n");
    let pid: u32 = env.read("child.pid").trim().parse().unwrap();
    assert!(running(pid));
    let wrapper = child.id();
    child.kill().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    child.wait().unwrap();

    let gone = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while running(pid) && std::time::Instant::now() < gone {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!running(pid), "the command outlived its wrapper");

    let id = started(&Output {
        code: -1,
        stdout: String::new(),
        stderr,
    });
    let run = show(&env, &id);
    assert_eq!(run["run"]["info"]["status"], "RUNNING");
    let t = kv_map(&run["run"]["data"]["tags"]);
    let owner = Owner::parse(t[WRAPPER_TAG].as_str().unwrap()).unwrap();
    assert_eq!(owner.pid, wrapper);
    assert_eq!(owner.state(), State::Gone);
    env
}

#[test]
fn a_quiet_command_is_ended_when_mlt_run_is_killed() {
    kill_the_wrapper("echo $$ > child.pid\necho started\nexec sleep 30\n");
}

#[test]
fn a_writing_command_is_ended_by_sigterm_not_sigpipe_when_mlt_run_is_killed() {
    // The watchdog keeps the output pipes open, so the command lives to handle the SIGTERM.
    let env = kill_the_wrapper(
        "trap 'echo TERM > got; exit 0' TERM\necho $$ > child.pid\necho started\n\
         while true; do echo x; sleep 0.01; done\n",
    );
    assert_eq!(env.read("got"), "TERM\n");
}

#[test]
fn the_wrapper_tag_is_recorded_while_the_command_runs_and_removed_at_the_end() {
    let env = TestEnv::init();
    let o = env.run(&[
        "run",
        "--",
        "sh",
        "-c",
        "mlt runs show \"$MLT_RUN_ID\" -f json | grep -c '\"mlt.wrapper\"'",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "1\n");
    let t = tags(&env, &started(&o));
    assert!(t.get("mlt.wrapper").is_none(), "{t}");

    let e = env.fails(&["run", "-t", "mlt.wrapper=x", "--", "true"], 2);
    assert_snapshot!(e, @"error: the tag mlt.wrapper is mlt's own: it records the mlt run process");
}

#[test]
fn what_the_command_started_is_ended_too_when_mlt_run_is_killed() {
    // The whole process group gets the signal, not just the shell.
    kill_the_wrapper("sleep 30 &\necho $! > child.pid\necho started\nwait\n");
}
