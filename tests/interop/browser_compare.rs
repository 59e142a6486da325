//! The compare view in Chromium (`tests/browser/compare.py`): charts drawn from downsampled
//! histories with the spike kept, hover values, x axis / log / smoothing in the URL, zoom
//! fetching full resolution, parallel coordinates, scatter, the differences table with the
//! best values marked, and a RUNNING run followed live.

use crate::browser::browser;
use crate::harness::TestEnv;
use crate::server::Server;

/// `mlt log batch` lines: one metric at steps `0..n` (timestamps 1 s apart from `t0`).
fn history(key: &str, n: i64, t0: i64, value: impl Fn(i64) -> f64) -> String {
    (0..n)
        .map(|s| {
            format!(
                "{{\"step\": {s}, \"timestamp\": {}, \"metrics\": {{\"{key}\": {}}}}}\n",
                t0 + s * 1000,
                value(s)
            )
        })
        .collect()
}

#[test]
fn browser_compare_view_charts_zoom_and_differences() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    env.ok(&["experiments", "create", "cmp"]);
    let names = ["alpha", "beta", "<img src=x onerror=alert(1)>"];
    let mut ids = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let id = env.ok(&["runs", "start", "-e", "cmp", "--name", name]);
        let lr = format!("lr={}", [0.1, 0.01, 0.001][i]);
        let layers = format!("layers={}", [2, 4, 8][i]);
        env.ok(&["log", "params", &lr, &layers, "opt=adam", "--run", &id]);
        let t0 = 1_700_000_000_000i64 + i as i64 * 60_000;
        // loss: 20,000 steps decaying, with one spike of 50 at step 12345 in alpha.
        let fi = i as f64;
        let mut lines = history("loss", 20_000, t0, |s| {
            if i == 0 && s == 12_345 {
                50.0
            } else {
                (1.0 + fi) * (-(s as f64) / 5000.0).exp() + 0.01 * ((s % 7) as f64)
            }
        });
        // acc: 100 exact values, 0.5 + i/10 + step/1000.
        lines += &history("acc", 100, t0, |s| 0.5 + fi / 10.0 + s as f64 / 1000.0);
        // gap (alpha only): a NaN is a gap in the line; 0 and -1 are left out on a log axis.
        if i == 0 {
            for (s, v) in ["1", "2", "3", "4", "5", "\"nan\"", "7", "-1", "0", "10"]
                .iter()
                .enumerate()
            {
                lines += &format!(
                    "{{\"step\": {s}, \"timestamp\": {}, \"metrics\": {{\"gap\": {v}}}}}\n",
                    t0 + s as i64
                );
            }
        }
        let file = format!("h{i}.jsonl");
        std::fs::write(env.path(&file), lines).unwrap();
        env.ok(&["log", "batch", &file, "--run", &id]);
        // beta stays RUNNING: the page follows it.
        if i != 1 {
            env.ok(&["runs", "end", "--run", &id]);
        }
        ids.push(id);
    }
    let server = Server::start(&env, &[]);
    let bin = assert_cmd::cargo::cargo_bin("mlt");
    let store = env.root().display().to_string();
    let out = browser(
        "compare.py",
        &[
            &server.url,
            &ids.join(","),
            &bin.display().to_string(),
            &store,
        ],
        Some(&server),
    );
    assert_eq!(out.trim().lines().last(), Some("ok"), "{out}");
}
