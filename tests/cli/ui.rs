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
