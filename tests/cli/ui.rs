//! `mlt ui`: the server with the web UI, on loopback, the browser opened unless `--no-open`.

use crate::harness::TestEnv;
use crate::serve::Server;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// `mlt ui ARGS` running, with the address it printed.
struct Ui(Server);

impl Ui {
    fn start(env: &TestEnv, args: &[&str], browser: Option<&str>) -> Ui {
        let mut cmd = env.std_cmd();
        cmd.arg("ui").args(args);
        match browser {
            Some(b) => cmd.env("BROWSER", b),
            None => cmd.env_remove("BROWSER"),
        };
        Ui(Server::spawn(cmd, "mlt ui"))
    }

    /// `GET path`: the status line and the body.
    fn get(&self, path: &str) -> (String, String) {
        let mut s = std::net::TcpStream::connect(&self.0.addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.0.addr
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        let (head, body) = resp.split_once("\r\n\r\n").unwrap();
        (head.lines().next().unwrap().to_string(), body.to_string())
    }
}

/// A `$BROWSER` that writes the URL it is given to `opened`.
fn fake_browser(env: &TestEnv) -> String {
    let script = env.path("browser.sh");
    let out = env.path("opened");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$1\" > {}\n", out.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script.display().to_string()
}

#[test]
fn ui_serves_the_page_and_the_api_on_loopback_without_opening_a_browser() {
    let env = TestEnv::init();
    env.experiment("vision");
    let browser = fake_browser(&env);
    let ui = Ui::start(&env, &["--no-open", "--port", "0"], Some(&browser));
    assert!(ui.0.addr.starts_with("127.0.0.1:"), "{}", ui.0.addr);
    let (status, body) = ui.get("/");
    assert!(status.contains("200"), "{status}");
    assert!(body.contains("<main id=\"app\">"), "{body}");
    let (status, body) = ui.get("/mlt-api/v1/experiments");
    assert!(status.contains("200"), "{status}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let names: Vec<&str> = v["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"vision"), "{body}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(!env.path("opened").exists(), "--no-open opened a browser");
}

#[test]
fn ui_opens_the_browser_on_its_url() {
    let env = TestEnv::init();
    let browser = fake_browser(&env);
    let ui = Ui::start(&env, &["--port", "0"], Some(&browser));
    let deadline = Instant::now() + Duration::from_secs(10);
    let opened = env.path("opened");
    while !opened.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    let url = std::fs::read_to_string(&opened).unwrap();
    assert_eq!(url.trim(), format!("http://{}/", ui.0.addr));
}

#[test]
fn ui_needs_a_store() {
    let env = TestEnv::new();
    let err = env.fails(&["ui", "--no-open", "--port", "0"], 1);
    assert!(err.contains("no mlt store"), "{err}");
    assert!(!env.path("mlruns").exists());
}

/// A run as `GET /api/2.0/mlflow/runs/get` gives it: params, tags and latest metrics by key.
fn run_values(ui: &Ui, run: &str) -> std::collections::BTreeMap<String, String> {
    let (status, body) = ui.get(&format!("/api/2.0/mlflow/runs/get?run_id={run}"));
    assert!(status.contains("200"), "{status}: {body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for (kind, field) in [("param", "params"), ("tag", "tags"), ("metric", "metrics")] {
        for e in v["run"]["data"][field].as_array().into_iter().flatten() {
            let value = match &e["value"] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.insert(format!("{kind}.{}", e["key"].as_str().unwrap()), value);
        }
    }
    out.insert(
        "status".into(),
        v["run"]["info"]["status"].as_str().unwrap().into(),
    );
    out
}

#[test]
fn what_another_process_changes_is_in_the_very_next_answer() {
    // The server keeps what it read, and is told of changes by the kernel: a change made by
    // another process just before a request must be in its answer, every time.
    let env = TestEnv::init();
    env.experiment("live");
    let run = env.start("live", "r");
    env.ok(&["log", "params", "lr=0.1", "--run", &run]);
    env.ok(&["log", "tag", "note", "aaaa", "--run", &run]);
    let ui = Ui::start(&env, &["--no-open", "--port", "0"], None);
    let param = env
        .root()
        .join("mlruns")
        .read_dir()
        .unwrap()
        .map(|e| e.unwrap().path().join(&run))
        .find(|p| p.is_dir())
        .unwrap()
        .join("params/lr");
    for round in 0..3 {
        // Files unchanged for 2 s are what the server keeps (see `store::summary`).
        if round < 2 {
            std::thread::sleep(Duration::from_millis(2100));
        }
        run_values(&ui, &run);
        let before = run_values(&ui, &run);
        assert_eq!(before["tag.note"].len(), 4, "{before:?}");
        // The CLI (another process) logs; a file is rewritten in place, as MLflow does, with
        // the same size in the same second.
        let note = format!("n{round:03}");
        env.ok(&["log", "tag", "note", &note, "--run", &run]);
        env.ok(&[
            "log",
            "metric",
            "loss",
            &format!("0.{round}"),
            "--step",
            &round.to_string(),
            "--run",
            &run,
        ]);
        env.ok(&["log", "params", &format!("p{round}=x"), "--run", &run]);
        std::fs::write(&param, format!("0.{round}")).unwrap();
        let after = run_values(&ui, &run);
        assert_eq!(after["tag.note"], note, "round {round}: {after:?}");
        assert_eq!(after["metric.loss"], format!("0.{round}"), "round {round}");
        assert_eq!(after["param.lr"], format!("0.{round}"), "round {round}");
        assert!(
            after.contains_key(&format!("param.p{round}")),
            "round {round}"
        );
    }
    env.ok(&["runs", "end", &run]);
    assert_eq!(run_values(&ui, &run)["status"], "FINISHED");
}

/// The server reads the store's runs ahead once it listens (so that the first search is not
/// the slow one), and says so at the debug level.
#[test]
fn the_server_reads_the_runs_ahead_when_it_starts() {
    use std::io::BufRead;
    let (env, _, _) = crate::serve::churn_store();
    let mut child = env
        .std_cmd()
        .args(["server", "--port", "0", "--log-level", "debug"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    let found = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains("runs ahead") => break Some(line),
            Ok(line) => seen.push(line),
            Err(_) => break None,
        }
    };
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let found = found.unwrap_or_else(|| panic!("no read-ahead line in {seen:?}"));
    assert!(found.contains("read 2 runs ahead in "), "{found}");
}
