//! The run page, its artifact browser and the registry pages in Chromium, over a store written
//! with the CLI: a run with params, metric histories, tags, a hostile Markdown description,
//! artifacts of every previewed kind (and HTML/SVG with scripts that must not run), a logged
//! model with a signature, a registered model with two versions and champion/challenger
//! aliases, and a RUNNING run that gets new metrics while its page is open.

use crate::browser::browser;
use crate::harness::{TestEnv, fixture};
use crate::server::Server;
use std::io::Write;
use std::path::Path;

/// A valid PNG (8-bit RGB, `w`×`h`, a gradient), written without an image library.
fn png(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0u8);
        for x in 0..w {
            raw.extend_from_slice(&[(x * 255 / w) as u8, (y * 255 / h) as u8, 160]);
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).unwrap();
    let idat = z.finish().unwrap();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn copy_dir(src: &Path, dest: &Path) {
    for e in walkdir::WalkDir::new(src) {
        let e = e.unwrap();
        let to = dest.join(e.path().strip_prefix(src).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

pub(crate) const DESCRIPTION: &str = "# Training notes\n\nThis run trains a **small** model \
with *dropout* and `lr=0.01`.\n\n- first step\n- second step\n\n<script>alert(1)</script>\n\n\
[x](javascript:alert(1)) and [the docs](https://mlflow.org/docs)\n\n```\ncode <b>block</b>\n```\n";

/// The store: returns (run, challenger run, live run, parent run).
fn write_store(env: &TestEnv) -> (String, String, String, String) {
    env.ok(&["init"]);
    env.ok(&["experiments", "create", "vision"]);
    let parent = env.ok(&["runs", "start", "-e", "vision", "--name", "sweep"]);
    let run = env.ok(&[
        "runs",
        "start",
        "-e",
        "vision",
        "--name",
        "resnet <img src=x onerror=alert(1)>",
        "--parent",
        &parent,
        "-d",
        DESCRIPTION,
        "-t",
        "mlflow.source.git.commit=0123456789abcdef0123456789abcdef01234567",
        "-t",
        "team=vision",
    ]);
    env.ok(&[
        "log",
        "params",
        "lr=0.01",
        "epochs=200",
        "model/arch=resnet 50",
        "--run",
        &run,
    ]);
    let mut lines = String::new();
    for s in 0..200i64 {
        let f = s as f64;
        lines.push_str(&format!(
            "{{\"step\": {s}, \"timestamp\": {}, \"metrics\": {{\"loss\": {}, \"acc\": {}}}}}\n",
            1_700_000_000_000i64 + s * 1000,
            2.0 * (-f / 40.0).exp() + 0.05 * f.sin(),
            1.0 - (-f / 50.0).exp()
        ));
    }
    std::fs::write(env.path("points.jsonl"), lines).unwrap();
    env.ok(&["log", "batch", "points.jsonl", "--run", &run]);

    let out = env.path("out");
    std::fs::create_dir_all(out.join("data")).unwrap();
    std::fs::create_dir_all(out.join("plots")).unwrap();
    std::fs::write(
        out.join("notes.txt"),
        "hello from a text file\nsecond line\n",
    )
    .unwrap();
    std::fs::write(
        out.join("data/config.json"),
        r#"{"optimizer": "adam", "layers": [64, 32], "nested": {"dropout": 0.1}}"#,
    )
    .unwrap();
    std::fs::write(
        out.join("data/table.csv"),
        "name,value,score\nalpha,1,0.5\n\"beta, quoted\",2,0.25\ngamma,3,0.125\n",
    )
    .unwrap();
    std::fs::write(out.join("plots/curve.png"), png(96, 64)).unwrap();
    std::fs::write(
        out.join("page.html"),
        "<html><body><script>alert('html')</script>hi</body></html>",
    )
    .unwrap();
    std::fs::write(
        out.join("pic.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert('svg')</script><circle r=\"5\"/></svg>",
    )
    .unwrap();
    // Over the 1 MB a text preview shows.
    let log: String = (0..40_000)
        .map(|i| format!("epoch {i:06} loss {:.6}\n", 1.0 / (i as f64 + 1.0)))
        .collect();
    std::fs::write(out.join("train.log"), log).unwrap();
    env.ok(&["artifacts", "log", "out", "--run", &run]);
    copy_dir(&fixture("models/sklearn-mlflow3"), &env.path("sk"));
    env.ok(&["models", "log", "sk", "--run", &run]);
    env.ok(&["runs", "end", "--run", &run]);

    let challenger = env.ok(&["runs", "start", "-e", "vision", "--name", "challenger run"]);
    env.ok(&["log", "params", "lr=0.02", "--run", &challenger]);
    env.ok(&[
        "log",
        "metric",
        "loss",
        "0.4",
        "--step",
        "0",
        "--run",
        &challenger,
    ]);
    env.ok(&["models", "log", "sk", "--run", &challenger]);
    env.ok(&["runs", "end", "--run", &challenger]);
    env.ok(&["runs", "end", "--run", &parent]);

    env.ok(&[
        "models",
        "register",
        &format!("runs:/{run}/model"),
        "classifier",
        "-d",
        "the first one",
    ]);
    env.ok(&[
        "models",
        "register",
        &format!("runs:/{challenger}/model"),
        "classifier",
        "-d",
        "the *second* one",
    ]);
    env.ok(&["models", "set-alias", "classifier", "champion", "1"]);
    env.ok(&["models", "set-alias", "classifier", "challenger", "2"]);
    env.ok(&[
        "models",
        "set-description",
        "classifier",
        "Classifies **things**.\n\n<script>alert(1)</script>",
    ]);
    env.ok(&["models", "set-tag", "classifier", "team", "vision"]);
    env.ok(&["models", "stage", "classifier", "1", "Production"]);

    let live = env.ok(&["runs", "start", "-e", "vision", "--name", "live run"]);
    env.ok(&[
        "log", "metric", "loss", "1.0", "--step", "0", "--run", &live,
    ]);
    env.ok(&[
        "log", "metric", "loss", "0.9", "--step", "1", "--run", &live,
    ]);
    (run, challenger, live, parent)
}

fn mlt_bin() -> String {
    std::env::var("MLT_TEST_BIN").unwrap_or_else(|_| {
        assert_cmd::cargo::cargo_bin("mlt")
            .to_string_lossy()
            .into_owned()
    })
}

#[test]
fn browser_run_page_shows_everything_and_runs_no_script() {
    let env = TestEnv::new();
    let (run, challenger, live, parent) = write_store(&env);
    let server = Server::start(&env, &[]);
    // A dataset input, logged the way MLflow's client does (the CLI has no command for it).
    let body = serde_json::json!({"run_id": run, "datasets": [{
        "tags": [{"key": "mlflow.data.context", "value": "training"}],
        "dataset": {"name": "iris <b>", "digest": "d1g35t", "source_type": "local",
            "source": "{\"uri\": \"/data/iris.csv\"}", "schema": "{}", "profile": "{}"}}]});
    let (status, answer) = server.http(
        "POST",
        "/api/2.0/mlflow/runs/log-inputs",
        body.to_string().as_bytes(),
        &[("Content-Type", "application/json")],
    );
    assert_eq!(status, 200, "{answer}");
    let root = env.root().to_string_lossy().into_owned();
    let bin = mlt_bin();
    let out = browser(
        "run.py",
        &[&server.url, &run, &challenger, &live, &parent, &bin, &root],
        Some(&server),
    );
    // The page's timings (shown with --nocapture).
    println!("{}", out.trim());
    assert_eq!(out.trim().lines().last(), Some("ok"), "{out}");
}

#[test]
fn browser_run_registry_pages_and_champion_against_challenger() {
    let env = TestEnv::new();
    let (run, challenger, _, _) = write_store(&env);
    let server = Server::start(&env, &[]);
    let out = browser(
        "models.py",
        &[&server.url, &run, &challenger],
        Some(&server),
    );
    assert_eq!(out.trim().lines().last(), Some("ok"), "{out}");
}
