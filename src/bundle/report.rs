//! What a transfer (import, merge, export) says about itself: counts in words, the report's
//! table and JSON, and the lines that close an import. Data and text only; the caller prints.

use crate::output::{self, Cell, Listing};
use crate::store::{Conflict, Counts, OnConflict, Report};

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

const ITEM: (&str, &str) = (
    "logged model, dataset or trace",
    "logged models, datasets and traces",
);

/// "3 runs (1200 metric points, 7 artifacts, 12.3 KiB) and 2 model versions".
pub fn summary(c: &Counts) -> String {
    let mut parts = Vec::new();
    if c.experiments > 0 {
        parts.push(plural(c.experiments, "experiment", "experiments"));
    }
    let others = c.experiment_items + c.models + c.model_versions;
    if c.runs > 0 || others == 0 {
        parts.push(format!(
            "{} ({}, {}, {})",
            plural(c.runs, "run", "runs"),
            plural(c.metric_points, "metric point", "metric points"),
            plural(c.artifacts, "artifact", "artifacts"),
            output::bytes(c.artifact_bytes)
        ));
    }
    if c.experiment_items > 0 {
        parts.push(plural(c.experiment_items, ITEM.0, ITEM.1));
    }
    if c.models > 0 {
        parts.push(plural(c.models, "registered model", "registered models"));
    }
    if c.model_versions > 0 {
        parts.push(plural(c.model_versions, "model version", "model versions"));
    }
    match parts.len() {
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    }
}

/// "2 experiments, 5 runs, 1 model version": the things, without their contents.
pub fn brief(c: &Counts) -> String {
    let parts: Vec<String> = [
        (c.experiments, "experiment", "experiments"),
        (c.runs, "run", "runs"),
        (c.experiment_items, ITEM.0, ITEM.1),
        (c.models, "registered model", "registered models"),
        (c.model_versions, "model version", "model versions"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| plural(n, one, many))
    .collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

/// The report's rows: what, and how many.
pub fn rows(c: &Counts) -> [(&'static str, u64); 8] {
    [
        ("experiments", c.experiments),
        ("runs", c.runs),
        ("metric points", c.metric_points),
        ("artifacts", c.artifacts),
        ("artifact bytes", c.artifact_bytes),
        ("logged models, datasets, traces", c.experiment_items),
        ("registered models", c.models),
        ("model versions", c.model_versions),
    ]
}

/// Whether a report wrote anything.
pub fn wrote_anything(r: &Report) -> bool {
    !r.imported.is_zero() || r.tags_added > 0 || r.aliases_added > 0
}

/// The report as a table: a row a kind of thing, a column a fate (and what the bundle's
/// manifest announced). A dry run's columns say what would be done.
pub fn listing(r: &Report, manifest: Option<&Counts>, dry_run: bool) -> Listing {
    let mut headers = if dry_run {
        vec![
            "what",
            "would import",
            "unchanged",
            "would overwrite",
            "would skip",
        ]
    } else {
        vec!["what", "imported", "unchanged", "overwritten", "skipped"]
    };
    if manifest.is_some() {
        headers.push("in bundle");
    }
    let mut l = Listing::new(headers);
    let columns = [&r.imported, &r.unchanged, &r.overwritten, &r.skipped].map(rows);
    let bundle = manifest.map(rows);
    for (i, (what, _)) in columns[0].iter().enumerate() {
        // Counts are kept whole (a table never cuts them) and shown as integers.
        let count = |n: u64| Cell::id(n.to_string());
        let mut row = vec![Cell::from(*what)];
        row.extend(columns.iter().map(|c| count(c[i].1)));
        if let Some(b) = &bundle {
            row.push(count(b[i].1));
        }
        l.row(row);
    }
    l
}

/// The report as JSON: the [`Report`]'s fields (`experiments_created` as objects) and the
/// manifest's counts (null without a bundle); a dry run adds `"dry_run": true`.
pub fn to_json(r: &Report, manifest: Option<&Counts>, dry_run: bool) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    v["experiments_created"] = r
        .experiments_created
        .iter()
        .map(|(name, id)| serde_json::json!({"name": name, "experiment_id": id}))
        .collect();
    v["manifest"] = serde_json::to_value(manifest).unwrap_or_default();
    if dry_run {
        v["dry_run"] = serde_json::Value::Bool(true);
    }
    v
}

/// A line for the user (stderr): news, or a warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    Info(String),
    Warning(String),
}

/// What to say once a transfer is done: the experiments created, what was imported (or why
/// nothing was), and whether the counts match the bundle's manifest.
pub fn closing(r: &Report, manifest: Option<&Counts>) -> Vec<Message> {
    let mut out: Vec<Message> = r
        .experiments_created
        .iter()
        .map(|(name, id)| Message::Info(format!("Created experiment '{name}' ({id})")))
        .collect();
    out.push(Message::Info(if wrote_anything(r) {
        format!("Imported {}", summary(&r.imported))
    } else if !r.skipped.is_zero() {
        format!(
            "Nothing imported: the conflicts were kept as they are here, and the rest is \
             already here ({})",
            brief(&r.unchanged)
        )
    } else {
        format!(
            "Nothing to import: everything is already here ({})",
            brief(&r.unchanged)
        )
    }));
    if let Some(m) = manifest
        && r.unchanged.runs == 0
        && r.skipped.runs == 0
    {
        let key = |c: &Counts| (c.runs, c.metric_points, c.artifacts, c.artifact_bytes);
        out.push(if key(m) == key(&r.imported) {
            Message::Info("The counts match the bundle's manifest".into())
        } else {
            Message::Warning(format!("the bundle's manifest says {}", summary(m)))
        });
    }
    out
}

/// "run 0123…: differs in metrics/loss; kept this store's copy".
pub fn conflict_line(c: &Conflict, settled: OnConflict) -> String {
    let settled = match settled {
        OnConflict::Skip => "; kept this store's copy",
        OnConflict::Overwrite => "; replaced by the source's",
        OnConflict::Fail => "",
    };
    format!("{} {}: {}{settled}", c.kind, c.id, c.reason)
}

/// What a dry run says: how much it would write, and that it wrote nothing.
pub fn dry_run_line(units: u64, conflicts: usize) -> String {
    format!(
        "Dry run: {}, {}; nothing was written",
        plural(units, "unit to write", "units to write"),
        plural(conflicts as u64, "conflict", "conflicts")
    )
}

/// What a transfer that failed part way had written: "wrote 2 runs before it failed".
pub fn written_before_failure(written: &Report) -> String {
    if wrote_anything(written) {
        format!("wrote {} before it failed", brief(&written.imported))
    } else {
        "wrote nothing before it failed".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The counts are kept whole in a narrow table: ids-like cells, never text cut with `…`.
    #[test]
    fn the_table_keeps_counts_whole() {
        let r = Report {
            imported: counts(3, 1_234_567),
            ..Report::default()
        };
        let l = listing(&r, Some(&counts(3, 1_234_567)), false);
        let points = l.rows.iter().find(|r| r[0] == Cell::from("metric points"));
        let points = points.expect("a metric points row");
        assert_eq!(points[1], Cell::id("1234567"));
        assert_eq!(points[5], Cell::id("1234567"));
        assert!(
            l.rows
                .iter()
                .all(|r| r[1..].iter().all(|c| matches!(c, Cell::Id(_))))
        );
    }

    fn counts(runs: u64, points: u64) -> Counts {
        Counts {
            runs,
            metric_points: points,
            ..Counts::default()
        }
    }

    #[test]
    fn summary_and_brief_count_in_words() {
        let c = Counts {
            experiments: 1,
            runs: 3,
            metric_points: 1,
            artifact_bytes: 2048,
            model_versions: 2,
            ..Counts::default()
        };
        assert_eq!(
            summary(&c),
            "1 experiment, 3 runs (1 metric point, 0 artifacts, 2.0 KiB) and 2 model versions"
        );
        assert_eq!(brief(&c), "1 experiment, 3 runs, 2 model versions");
        assert_eq!(brief(&Counts::default()), "nothing");
        assert_eq!(
            summary(&Counts::default()),
            "0 runs (0 metric points, 0 artifacts, 0 B)"
        );
    }

    #[test]
    fn closing_says_what_was_imported_and_checks_the_manifest() {
        let mut r = Report {
            imported: counts(2, 5),
            experiments_created: vec![("a".into(), "7".into())],
            ..Report::default()
        };
        assert_eq!(
            closing(&r, Some(&counts(2, 5))),
            [
                Message::Info("Created experiment 'a' (7)".into()),
                Message::Info("Imported 2 runs (5 metric points, 0 artifacts, 0 B)".into()),
                Message::Info("The counts match the bundle's manifest".into()),
            ]
        );
        let last = closing(&r, Some(&counts(3, 5))).pop().unwrap();
        assert!(matches!(last, Message::Warning(w) if w.contains("says 3 runs")));
        r = Report {
            unchanged: counts(2, 0),
            skipped: counts(1, 0),
            ..Report::default()
        };
        let Message::Info(line) = &closing(&r, None)[0] else {
            panic!()
        };
        assert!(
            line.starts_with("Nothing imported: the conflicts were kept"),
            "{line}"
        );
        r.skipped = Counts::default();
        assert_eq!(
            closing(&r, None),
            [Message::Info(
                "Nothing to import: everything is already here (2 runs)".into()
            )]
        );
    }

    #[test]
    fn a_dry_runs_table_says_what_would_be_done() {
        let r = Report {
            imported: counts(2, 0),
            ..Report::default()
        };
        let l = listing(&r, None, true);
        let csv = l.to_csv();
        assert!(csv.starts_with("what,would import,unchanged,would overwrite,would skip\n"));
        assert!(csv.contains("\nruns,2,0,0,0\n"), "{csv}");
        let v = to_json(&r, None, true);
        assert_eq!(v["dry_run"], true);
        assert_eq!(v["imported"]["runs"], 2);
        assert!(to_json(&r, None, false).get("dry_run").is_none());
        assert_eq!(
            dry_run_line(1, 0),
            "Dry run: 1 unit to write, 0 conflicts; nothing was written"
        );
    }

    #[test]
    fn a_failure_part_way_says_what_it_wrote() {
        let mut r = Report::default();
        assert_eq!(written_before_failure(&r), "wrote nothing before it failed");
        r.imported.runs = 2;
        assert_eq!(written_before_failure(&r), "wrote 2 runs before it failed");
    }
}
