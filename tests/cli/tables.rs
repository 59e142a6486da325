//! Tables: the width they are fitted to, cells that are never split, rounding and times.

use crate::harness::{Output, TestEnv};

/// Two runs of "train" with long names, a param with many digits and metrics with many.
fn store() -> (TestEnv, Vec<String>) {
    let env = TestEnv::init();
    env.experiment("train");
    let mut ids = Vec::new();
    for (name, acc, epochs) in [
        (
            "baseline with a rather long descriptive name",
            "0.912345678",
            "16",
        ),
        (
            "candidate with an even longer descriptive name",
            "0.63",
            "12",
        ),
    ] {
        let id = env.start("train", name);
        env.ok(&["log", "params", "lr=0.123456789", "--run", &id]);
        env.ok(&[
            "log",
            "metrics",
            &format!("acc={acc}"),
            &format!("epochs={epochs}"),
            "--run",
            &id,
        ]);
        env.ok(&["runs", "end", "--run", &id]);
        ids.push(id);
    }
    (env, ids)
}

fn with_env(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let o = env.run_with(args, |c| {
        for (k, v) in vars {
            c.env(k, v);
        }
    });
    assert_eq!(o.code, 0, "mlt {args:?} failed:\n{}", o.stderr);
    o
}

/// Every whole cell appears on one line: nothing in it was wrapped.
fn assert_on_one_line(table: &str, whole: &[&str]) {
    for w in whole {
        assert!(
            table.lines().any(|l| l.contains(w)),
            "{w:?} is split or missing in:\n{table}"
        );
    }
}

#[test]
fn a_narrow_terminal_cuts_text_but_never_splits_numbers_or_ids() {
    let (env, ids) = store();
    let cols = [("COLUMNS", "40")];
    // The compare sheet: values and the best marker stay whole (it showed `0.63` over
    // `16 *` before).
    let out = with_env(&env, &["runs", "compare", &ids[0], &ids[1]], &cols).stdout;
    assert_on_one_line(
        &out,
        &[&ids[0][..8], &ids[1][..8], "0.91235 *", "16.0 *", "0.63"],
    );
    let out = with_env(&env, &["runs", "list", "-e", "train"], &cols).stdout;
    assert_on_one_line(&out, &[&ids[0], &ids[1], "2026-11-29 03:27:37 +00:00"]);
    // One line per run: the long names are cut short with an ellipsis.
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.contains('…'), "{out}");
    assert!(!out.contains("descriptive name"), "{out}");
    let out = with_env(
        &env,
        &[
            "runs",
            "search",
            "-e",
            "train",
            "--order-by",
            "metrics.acc DESC",
        ],
        &cols,
    )
    .stdout;
    assert_on_one_line(&out, &[&ids[0], &ids[1], "0.91235", "0.63"]);
    let out = with_env(&env, &["runs", "diff", &ids[0], &ids[1]], &cols).stdout;
    assert_on_one_line(
        &out,
        &[
            "0.91235",
            "0.63",
            "-0.28235 (-30.9%)",
            "16.0",
            "-4.0 (-25.0%)",
        ],
    );
    // Other formats are never cut.
    let csv = with_env(&env, &["runs", "list", "-e", "train", "-f", "csv"], &cols).stdout;
    assert!(csv.contains("baseline with a rather long descriptive name"));
    let md = with_env(&env, &["runs", "list", "-e", "train", "-f", "md"], &cols).stdout;
    assert!(md.contains("candidate with an even longer descriptive name"));
}

#[test]
fn zero_columns_is_an_unknown_width_not_a_one_character_one() {
    let (env, ids) = store();
    for cols in ["0", ""] {
        let out = with_env(&env, &["runs", "list", "-e", "train"], &[("COLUMNS", cols)]).stdout;
        // Not a terminal and no width: nothing is wrapped or cut.
        assert_eq!(out.lines().count(), 3, "COLUMNS={cols}:\n{out}");
        assert_on_one_line(
            &out,
            &[
                &ids[0],
                "baseline with a rather long descriptive name",
                "candidate with an even longer descriptive name",
            ],
        );
    }
}

#[test]
fn numbers_are_rounded_in_tables_and_kept_whole_in_csv_and_json() {
    let (env, ids) = store();
    let (a, b) = (ids[0].as_str(), ids[1].as_str());
    // Default: 5 significant digits; params are the strings logged, never rounded.
    let out = env.ok(&["runs", "compare", a, b, "--no-sparklines"]);
    assert!(out.contains("0.91235 *"), "{out}");
    assert!(out.contains("0.123456789"), "{out}");
    let out = env.ok(&[
        "--precision",
        "3",
        "runs",
        "compare",
        a,
        b,
        "--no-sparklines",
    ]);
    assert!(out.contains("0.912 *"), "{out}");
    assert!(!out.contains("0.91235"), "{out}");
    assert!(out.contains("0.123456789"), "{out}");
    let out = env.ok(&["runs", "compare", a, b, "-f", "md", "--precision", "2"]);
    assert!(out.contains("**0.91**"), "{out}");
    let out = env.ok(&["runs", "compare", a, b, "-f", "csv", "--precision", "2"]);
    assert!(out.contains("0.912345678"), "{out}");

    let search = [
        "runs",
        "search",
        "-e",
        "train",
        "--filter",
        "metrics.acc > 0.7",
    ];
    let out = env.ok(&[&search[..], &["--precision", "4"]].concat());
    assert!(out.contains("0.9123") && !out.contains("0.91234"), "{out}");
    let out = env.ok(&[&search[..], &["--precision", "4", "-f", "csv"]].concat());
    assert!(out.contains("0.912345678"), "{out}");
    let json = env.json(&[&search[..], &["--precision", "4", "-f", "json"]].concat());
    assert_eq!(json["runs"][0]["data"]["metrics"][0]["value"], 0.912345678);

    let out = env.ok(&["runs", "show", a, "--precision", "3"]);
    assert!(out.contains("0.912 (step 0)"), "{out}");
    assert!(out.contains("0.123456789"), "{out}");
    let out = env.ok(&["metrics", "history", "acc", "--run", a, "--precision", "2"]);
    assert!(out.contains("0.91") && !out.contains("0.912"), "{out}");
    let out = env.ok(&["metrics", "history", "acc", "--run", a, "-f", "csv"]);
    assert!(out.contains("0.912345678"), "{out}");

    // A diff rounds the values and the change (0.63 - 0.912345678 = -0.282345678).
    env.name(a, "[A]");
    env.name(b, "[B]");
    let out = env.ok(&["runs", "diff", a, b, "--precision", "3"]);
    assert!(out.contains("-0.282 (-30.9%)"), "{out}");
    let out = env.ok(&["runs", "diff", a, b, "-f", "csv"]);
    assert!(out.contains("0.912345678,0.63,-0.282345678"), "{out}");
}

#[test]
fn precision_must_be_between_1_and_17() {
    let env = TestEnv::init();
    env.ok(&["runs", "list", "--precision", "17"]);
    env.ok(&["--precision", "1", "runs", "list"]);
    for p in ["0", "18", "x"] {
        let err = env.fails(&["runs", "list", "--precision", p], 2);
        assert!(err.contains("--precision"), "{err}");
    }
}

#[test]
fn times_are_local_with_their_offset_or_utc_when_asked() {
    let (env, ids) = store();
    // POSIX TZ: "UTC-2" is two hours east of UTC.
    let east = [("TZ", "UTC-2"), ("COLUMNS", "0")];
    let out = with_env(&env, &["runs", "list", "-e", "train"], &east).stdout;
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(
        out.lines()
            .skip(1)
            .all(|l| l.ends_with("FINISHED  2026-11-29 05:27:37 +02:00  0.0s")),
        "{out}"
    );
    let out = with_env(&env, &["--utc", "runs", "list", "-e", "train"], &east).stdout;
    assert!(out.contains("2026-11-29 03:27:37 UTC"), "{out}");
    let out = with_env(&env, &["runs", "show", &ids[0]], &[("TZ", "UTC+5")]).stdout;
    assert!(out.contains("2026-11-28 22:27:37 -05:00"), "{out}");
    let out = with_env(&env, &["experiments", "show", "train", "--utc"], &east).stdout;
    assert!(out.contains(" UTC"), "{out}");
    // CSV and JSON do not change with the zone.
    let csv = with_env(&env, &["runs", "list", "-e", "train", "-f", "csv"], &east).stdout;
    assert!(csv.contains(",2026-11-29 03:27:37,"), "{csv}");
    let json = with_env(&env, &["runs", "list", "-e", "train", "-f", "json"], &east).stdout;
    assert!(json.contains("\"start_time\": 1795922857436"), "{json}");
}

/// Under `script` the terminal says it has 0 columns: as unknown a width as a pipe.
#[test]
fn a_terminal_that_reports_0_columns_is_an_unknown_width() {
    let has_script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        eprintln!("skipped: no `script` (util-linux) to make a terminal");
        return;
    }
    let (env, ids) = store();
    let mlt = env.std_cmd();
    let mut c = std::process::Command::new("script");
    c.current_dir(env.root());
    for (k, v) in mlt.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.env_remove("COLUMNS").args([
        "-qec",
        &format!(
            "'{}' runs list -e train",
            mlt.get_program().to_string_lossy()
        ),
        "/dev/null",
    ]);
    let out = c.stdin(std::process::Stdio::null()).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let out = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert_eq!(out.lines().count(), 3, "{out}");
    assert_on_one_line(
        &out,
        &[
            &ids[0],
            &ids[1],
            "baseline with a rather long descriptive name",
        ],
    );
}
