//! `mlt report`'s file in Chromium, opened from file:// with every other request blocked
//! (`tests/browser/report.py`): the runs table shows the names and values, the compare view's
//! charts drew, the differences table is there, nothing was requested, no error was logged.

use crate::browser::browser;
use crate::harness::TestEnv;

#[test]
fn browser_report_opens_offline_with_table_charts_and_differences() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    env.ok(&["experiments", "create", "ci"]);
    let names = [
        "baseline",
        "candidate",
        "</script><img src=x onerror=window.__xss=1>",
    ];
    for (i, name) in names.iter().enumerate() {
        let id = env.ok(&["runs", "start", "-e", "ci", "--name", name]);
        let lr = format!("lr={}", [0.1, 0.01, 0.001][i]);
        env.ok(&["log", "params", &lr, "opt=adam", "--run", &id]);
        let lines: String = (0..3000)
            .map(|s| {
                let loss = (1.0 + i as f64) * (-(s as f64) / 800.0).exp() + 0.0625;
                let acc = 0.5 + i as f64 / 8.0 + s as f64 / 12_000.0;
                format!(
                    "{{\"step\": {s}, \"timestamp\": {}, \"metrics\": {{\"loss\": {loss}, \"acc\": {acc}}}}}\n",
                    1_700_000_000_000i64 + s * 1000
                )
            })
            .collect();
        let file = format!("h{i}.jsonl");
        std::fs::write(env.path(&file), lines).unwrap();
        env.ok(&["log", "batch", &file, "--run", &id]);
        env.ok(&["runs", "end", "--run", &id]);
    }
    env.ok(&["report", "-e", "ci", "-o", "report.html"]);
    let file = env.path("report.html").display().to_string();
    // The latest values the table must show: acc at step 2999 of each run, the final losses.
    let mut args = vec![file.as_str()];
    args.extend(names);
    args.extend(["--", "0.749917", "0.874917", "0.999917", "lr", "0.001"]);
    let out = browser("report.py", &args, None);
    assert!(out.starts_with("ok "), "{out}");
    let charts: usize = out.trim()[3..].split(' ').next().unwrap().parse().unwrap();
    assert!(charts >= 2, "{out}");
}
