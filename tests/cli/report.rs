//! `mlt report`: one self-contained HTML file (no request when opened), the runs' names
//! escaped, small for many long histories, written atomically; errors with their exit codes.

use crate::harness::TestEnv;
use std::fmt::Write as _;

const HOSTILE: &str = "</script><img src=x onerror=alert(1)>";

/// The page's text with the one URL it may hold, uPlot's banner comment, taken out.
fn without_banner(html: &str) -> String {
    html.replace("/*! https://github.com/leeoniya/uPlot", "/*! uPlot")
}

/// The JSON data block the report's script reads.
fn data(html: &str) -> serde_json::Value {
    let open = r#"<script type="application/json" id="mlt-data">"#;
    let start = html.find(open).expect("data block") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

fn store_with_runs() -> (TestEnv, String, String) {
    let env = TestEnv::init();
    let a = env.start("vision", "baseline");
    env.ok(&["log", "params", "--run", &a, "lr=0.01"]);
    env.ok(&["log", "metric", "--run", &a, "loss", "0.5", "--step", "1"]);
    env.ok(&["log", "metric", "--run", &a, "loss", "0.25", "--step", "2"]);
    env.ok(&["runs", "end", "--run", &a]);
    let b = env.start("vision", HOSTILE);
    env.ok(&["log", "metric", "--run", &b, "loss", "0.125", "--step", "1"]);
    (env, a, b)
}

#[test]
fn a_report_is_one_html_file_with_everything_inline_and_names_escaped() {
    let (env, a, b) = store_with_runs();
    let out = env.run(&["report", &a, &b, "-o", "report.html"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("wrote report.html (2 runs"),
        "{}",
        out.stderr
    );
    let html = env.read("report.html");
    assert!(html.starts_with("<!doctype html>"));
    assert_eq!(html.matches("<html").count(), 1);
    let low = without_banner(&html).to_ascii_lowercase();
    assert!(!low.contains("http://") && !low.contains("https://"));
    assert!(!low.contains("<script src") && !low.contains("<link"));
    assert!(low.contains("default-src 'none'"));
    // Two script elements: the data and the code; the hostile name cannot close either.
    assert_eq!(
        low.matches("<script").count(),
        2,
        "{}",
        low.matches("<script").count()
    );
    assert_eq!(low.matches("</script>").count(), 2);
    assert!(!html.contains(HOSTILE) && !html.contains("<img"));
    let d = data(&html);
    let names: Vec<&str> = d["runs"]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["run_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["baseline", HOSTILE]);
    assert_eq!(d["runs"]["runs"][0]["params"]["lr"], "0.01");
    assert_eq!(d["experiments"][0]["name"], "vision");
    assert_eq!(d["title"], "mlt report: vision");
    // The histories, steps and timestamps as differences from the point before.
    let s = d["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["run_id"] == a.as_str())
        .unwrap();
    assert_eq!(s["key"], "loss");
    assert_eq!(s["steps"], serde_json::json!([1, 1]));
    assert_eq!(s["values"], serde_json::json!([0.5, 0.25]));
    assert_eq!(s["total"], 2);
    // The file is readable by others, as any file the user makes (not a temporary's 0600),
    // and no temporary file is left beside it.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.path("report.html"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o644);
    let left: Vec<_> = std::fs::read_dir(env.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("mlt-report"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn runs_are_selected_by_filter_or_experiment_and_the_title_can_be_given() {
    let (env, a, b) = store_with_runs();
    let out = env.ok(&[
        "report",
        "-e",
        "vision",
        "--filter",
        "metrics.loss < 0.2",
        "--title",
        "PR <42>",
        "-o",
        "-",
    ]);
    let d = data(&out);
    let ids: Vec<&str> = d["runs"]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["run_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [b.as_str()]);
    assert!(out.contains("<title>PR &lt;42&gt;</title>"));
    // -e alone: every run of the experiment; --order-by and --max-results as in runs compare.
    let d = data(&env.ok(&["report", "-e", "vision", "-o", "-"]));
    assert_eq!(d["runs"]["runs"].as_array().unwrap().len(), 2);
    let out = env.ok(&[
        "report",
        "-e",
        "vision",
        "--order-by",
        "metrics.loss DESC",
        "--max-results",
        "1",
        "-o",
        "-",
    ]);
    let d = data(&out);
    assert_eq!(d["runs"]["runs"].as_array().unwrap().len(), 1);
    assert_eq!(d["runs"]["runs"][0]["run_id"], a.as_str());
    assert!(!env.path("-").exists());
}

#[test]
fn a_hundred_runs_of_five_ten_thousand_step_histories_stay_under_three_megabytes() {
    let env = TestEnv::init();
    let exp = env.experiment("big");
    for i in 0..100 {
        let id = env.ok(&["runs", "start", "-e", "big", "--name", &format!("run-{i}")]);
        let dir = env.path(&format!("mlruns/{exp}/{id}/metrics"));
        std::fs::create_dir_all(&dir).unwrap();
        for key in ["loss", "acc", "lr", "grad_norm", "val_loss"] {
            let mut text = String::with_capacity(10_000 * 40);
            for s in 0..10_000u64 {
                let v = ((s as f64) * 0.001 + i as f64).sin() / (1.0 + s as f64).sqrt();
                writeln!(text, "{} {v} {s}", 1_700_000_000_000u64 + s * 1013).unwrap();
            }
            std::fs::write(dir.join(key), text).unwrap();
        }
    }
    env.ok(&["report", "-e", "big", "-o", "big.html"]);
    let html = env.read("big.html");
    assert!(html.len() < 3_000_000, "{} bytes", html.len());
    let d = data(&html);
    assert_eq!(d["runs"]["runs"].as_array().unwrap().len(), 100);
    let series = d["series"].as_array().unwrap();
    assert_eq!(series.len(), 500);
    for s in series {
        assert_eq!(s["total"], 10_000);
        assert_eq!(s["downsampled"], true);
        let n = s["values"].as_array().unwrap().len();
        assert!((100..=200).contains(&n), "{n} points");
        // The last step survives downsampling: the differences add up to it.
        let last: i64 = s["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .sum();
        assert_eq!(last, 9_999);
    }
}

#[test]
fn errors_are_one_line_with_their_exit_code() {
    let (env, a, _) = store_with_runs();
    let err = env.fails(&["report", "nosuchrun", "-o", "x.html"], 1);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("nosuchrun"), "{err}");
    assert!(!env.path("x.html").exists());
    // No run and no search, no output, a run and a search at once: usage.
    env.fails(&["report", "-o", "x.html"], 2);
    env.fails(&["report", &a], 2);
    env.fails(&["report", &a, "-e", "vision", "-o", "x.html"], 2);
    let err = env.fails(&["report", "--filter", "metrics.loss <", "-o", "x.html"], 2);
    assert!(err.contains("invalid filter"), "{err}");
    let err = env.fails(
        &["report", "--filter", "metrics.loss > 100", "-o", "x.html"],
        1,
    );
    assert_eq!(err.trim(), "error: no run matches the filter");
    // A folder that does not exist: one line, exit 1, nothing written.
    let err = env.fails(&["report", &a, "-o", "no/such/dir/r.html"], 1);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!env.path("x.html").exists());
}
