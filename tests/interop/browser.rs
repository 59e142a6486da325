//! The web UI in a real browser: Debian's chromium (`/usr/bin/chromium`) driven by Playwright,
//! both set up by `scripts/browser-env.sh` (apt-get for chromium when it is missing, a cached
//! virtualenv for Playwright; never `playwright install`). Each test writes a store, starts
//! `mlt server` over it and runs a script of `tests/browser/`; the scripts block and report any
//! request that does not go to the server.

use crate::harness::TestEnv;
use crate::repo;
use crate::server::Server;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The python of the Playwright virtualenv, creating it (and installing chromium) on first use.
pub(crate) fn browser_python() -> &'static Path {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        let out = Command::new("bash")
            .arg(repo().join("scripts/browser-env.sh"))
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("run scripts/browser-env.sh");
        assert!(out.status.success(), "scripts/browser-env.sh failed");
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
}

/// Runs `tests/browser/<script> ARGS...` and returns its stdout; panics with its stderr (and
/// the server's log, when there is a server) when it fails.
pub(crate) fn browser(script: &str, args: &[&str], server: Option<&Server>) -> String {
    let out = Command::new(browser_python())
        .arg(repo().join("tests/browser").join(script))
        .args(args)
        .env("PYTHONPATH", repo().join("tests/browser"))
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script} failed:\n{}\n{}\n--- server log ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        server.map(|s| s.log()).unwrap_or_default()
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_page_loads_in_chromium_and_nothing_leaves_the_server() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    let server = Server::start(&env, &[]);
    let out = browser("smoke.py", &[&server.url], Some(&server));
    assert_eq!(out.trim(), "ok");
}
