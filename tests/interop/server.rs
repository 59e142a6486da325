//! Starting `mlt server` for a test, and talking to it: with MLflow's client (a Python script
//! with `MLFLOW_TRACKING_URI` set to the server), or with raw HTTP for requests a client would
//! never send (traversal, malformed bodies).

use crate::harness::TestEnv;
use crate::{python, repo};
use std::io::{BufRead, BufReader, Read, Write};

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// A running `mlt server` over a test's store, on a free loopback port. Stopped (SIGTERM) when
/// dropped.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    pub port: u16,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// `mlt server --port 0 ARGS` in `env`'s store; returns once it listens.
    pub fn start(env: &TestEnv, args: &[&str]) -> Server {
        Server::start_with(env, args, |_| {})
    }

    /// As [`Server::start`], with a chance to change the command (environment variables).
    pub fn start_with(env: &TestEnv, args: &[&str], f: impl FnOnce(&mut Command)) -> Server {
        let mut cmd = env.std_cmd();
        cmd.env_remove("MLT_NOW_MS")
            .args(["server", "--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        f(&mut cmd);
        let mut child = cmd.spawn().expect("start mlt server");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("Listening on http://").nth(1)
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(rest.trim().to_string());
                }
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let addr = match rx.recv_timeout(std::time::Duration::from_secs(30)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "mlt server did not start:\n{}",
                    log.lock().unwrap().as_str()
                );
            }
        };
        let port = addr.rsplit(':').next().unwrap().parse().unwrap();
        Server {
            child: Some(child),
            url: format!("http://{addr}"),
            port,
            log,
        }
    }

    /// What the server wrote to stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// What the server wrote to stderr, once it holds `needle` (or 10 s have passed): a
    /// request's log line may be written, and read from the pipe, after its answer arrived.
    pub fn log_once_it_has(&self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let log = self.log();
            if log.contains(needle) || std::time::Instant::now() > deadline {
                return log;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Stops it with SIGTERM and returns its exit code.
    pub fn stop(mut self) -> Option<i32> {
        let mut child = self.child.take().unwrap();
        terminate(&child);
        child.wait().unwrap().code()
    }

    /// Runs the Python script `tests/interop/<script>` with MLflow's client pointed at this
    /// server (`MLFLOW_TRACKING_URI`), and returns its stdout; panics with its stderr and the
    /// server's log when it fails.
    pub fn py(&self, script: &str, args: &[&str]) -> String {
        self.py_with(script, args, |_| {})
    }

    pub fn py_with(&self, script: &str, args: &[&str], f: impl FnOnce(&mut Command)) -> String {
        let out = self.py_output(script, args, f);
        assert!(
            out.status.success(),
            "{script} failed:\n{}\n--- server log ---\n{}",
            String::from_utf8_lossy(&out.stderr),
            self.log()
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The script's whole output, whether it succeeded or not.
    pub fn py_output(
        &self,
        script: &str,
        args: &[&str],
        f: impl FnOnce(&mut Command),
    ) -> std::process::Output {
        let mut cmd = Command::new(python());
        cmd.arg(repo().join("tests/interop").join(script))
            .args(args)
            .env("MLFLOW_TRACKING_URI", &self.url)
            .env_remove("MLFLOW_REGISTRY_URI")
            .env_remove("MLFLOW_TRACKING_USERNAME")
            .env_remove("MLFLOW_TRACKING_PASSWORD")
            .env_remove("MLFLOW_TRACKING_TOKEN")
            // Every answer is parsed strictly: a field MLflow's protos lack is an error.
            .env("PYTHONPATH", repo().join("tests/interop/strict_proto"))
            .env("MLT_STRICT_PROTO", "1")
            // Fail fast instead of retrying an answer the test expects to be an error.
            .env("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
            .env("MLFLOW_HTTP_REQUEST_TIMEOUT", "60");
        f(&mut cmd);
        cmd.output().unwrap()
    }

    /// Sends one raw HTTP/1.1 request (the path as given, not normalised) and returns the
    /// status and the body.
    pub fn http(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut resp = Vec::new();
        s.read_to_end(&mut resp).unwrap();
        let resp = String::from_utf8_lossy(&resp).to_string();
        let status = resp
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP answer: {resp}"));
        let (head, body) = resp.split_once("\r\n\r\n").unwrap_or((&resp, ""));
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_string()
        };
        (status, body)
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

fn terminate(child: &Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            terminate(&c);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while std::time::Instant::now() < deadline {
                if let Ok(Some(_)) = c.try_wait() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[test]
fn server_answers_health_and_mlflow_errors_and_stops_on_sigterm() {
    let env = TestEnv::init();
    let server = Server::start(&env, &[]);
    let (status, body) = server.http("GET", "/health", b"", &[]);
    assert_eq!((status, body.as_str()), (200, "OK"));
    let (status, body) = server.http("GET", "/api/2.0/mlflow/nope", b"", &[]);
    assert_eq!(status, 404);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error_code"], "ENDPOINT_NOT_FOUND");
    let log = server.log_once_it_has("GET /health 200");
    assert!(log.contains("GET /health 200"), "{log}");
    assert_eq!(server.stop(), Some(0));
}

#[test]
fn sigterm_lets_a_request_in_flight_finish_before_the_server_exits() {
    let env = TestEnv::init();
    let mut server = Server::start(&env, &[]);
    let body = br#"{"name": "in-flight"}"#;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let head = format!(
        "POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&body[..5]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    terminate(server.child.as_ref().unwrap());
    std::thread::sleep(std::time::Duration::from_millis(300));
    s.write_all(&body[5..]).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    let code = server.child.take().unwrap().wait().unwrap().code();
    assert_eq!(code, Some(0));
    let exps = env.ok(&["experiments", "list", "--format", "csv"]);
    assert!(exps.contains("in-flight"), "{exps}");
}
