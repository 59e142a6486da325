//! `mlt report`: one self-contained HTML page (the UI's script and styles inlined, see
//! [`crate::ui::standalone_page`]) with the data its views ask for embedded: the runs as the
//! runs endpoint answers them, the experiments, and every metric history of those runs,
//! downsampled as the history endpoint does ([`super::ui`]). `ui/js/report.js` answers the
//! views' API calls from it, so the page needs no server and loads nothing.
//!
//! The histories are what makes a report big: 100 runs × 5 metrics at 1000 points each, with
//! a step, a timestamp and a value per point, would be about 10 MB of JSON. So the points
//! per history shrink as their number grows ([`points_per_series`]: 1000 up to 100 series,
//! never under 100), steps and timestamps are written as differences from the previous point
//! and values with 7 significant digits (a chart shows 6). The page decodes them back into the
//! history endpoint's shape.

use super::Result;
use super::ui::{self, HistoryRequest, Series, XAxis};
use crate::store::{RunHandle, Store};
use serde::Serialize;
use serde::ser::Serializer;

/// The points of all the histories of a report, about: each history gets its share.
pub const POINT_BUDGET: usize = 100_000;
/// The most points a history gets (the history endpoint's default).
pub const MAX_POINTS: usize = ui::DEFAULT_POINTS;
/// The fewest points a history gets, however many there are.
pub const MIN_POINTS: usize = 100;

/// What to report on.
pub struct Report<'a> {
    /// The runs, in the order the report shows them.
    pub runs: &'a [RunHandle],
    /// The page's title (default: "mlt report" and the experiments' names).
    pub title: Option<&'a str>,
    /// When the report is made (ms since the epoch), shown in its header.
    pub generated: i64,
}

/// Points per history when a report has `series` of them.
pub fn points_per_series(series: usize) -> usize {
    (POINT_BUDGET / series.max(1)).clamp(MIN_POINTS, MAX_POINTS)
}

/// The report's page.
pub fn html(store: &Store, r: &Report) -> Result<String> {
    let (title, json) = data(store, r)?;
    Ok(crate::ui::standalone_page(&title, &json))
}

/// The report's title and its data (JSON; the shape `ui/js/report.js` reads).
pub fn data(store: &Store, r: &Report) -> Result<(String, String)> {
    let ids: Vec<String> = r.runs.iter().map(|h| h.info.run_id.clone()).collect();
    let runs = ui::runs_by_id(store, &ids, &[])?;
    let experiments = ui::experiments(store)?;
    let in_report: std::collections::BTreeSet<&str> = runs
        .runs
        .iter()
        .map(|r| r.info.experiment_id.as_str())
        .collect();
    let experiments: Vec<&ui::ExperimentSummary> = experiments
        .experiments
        .iter()
        .filter(|e| in_report.contains(e.experiment_id.as_str()))
        .collect();
    let title = match r.title {
        Some(t) => t.to_string(),
        None if experiments.is_empty() => "mlt report".to_string(),
        None => {
            let names: Vec<&str> = experiments.iter().map(|e| e.name.as_str()).collect();
            format!("mlt report: {}", names.join(", "))
        }
    };
    let count: usize = runs.runs.iter().map(|r| r.metrics.len()).sum();
    let points = points_per_series(count);
    let series = histories(store, &ids, points)?;
    let doc = Data {
        format: 1,
        title: &title,
        generated: r.generated,
        version: env!("CARGO_PKG_VERSION"),
        points,
        experiments,
        runs: &runs,
        series: series.iter().map(Compact).collect(),
    };
    let json = serde_json::to_string(&doc).expect("report data serializes");
    Ok((title, json))
}

/// Every history of these runs, several runs read at once.
fn histories(store: &Store, ids: &[String], points: usize) -> Result<Vec<Series>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let chunk = ids.len().div_ceil(threads).max(1);
    let parts: Vec<Result<Vec<Series>>> = std::thread::scope(|s| {
        let handles: Vec<_> = ids
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    let req = HistoryRequest {
                        run_ids: part.to_vec(),
                        keys: Vec::new(),
                        x: XAxis::Step,
                        points,
                        from: None,
                        to: None,
                    };
                    ui::histories(store, &req).map(|h| h.series)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a report thread panicked"))
            .collect()
    });
    let mut out = Vec::new();
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

#[derive(Serialize)]
struct Data<'a> {
    format: u32,
    title: &'a str,
    generated: i64,
    version: &'a str,
    points: usize,
    experiments: Vec<&'a ui::ExperimentSummary>,
    runs: &'a ui::RunsTable,
    series: Vec<Compact<'a>>,
}

/// A history as the report stores it: steps and timestamps as differences from the previous
/// point, values with 7 significant digits, non-finite values null.
struct Compact<'a>(&'a Series);

impl Serialize for Compact<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let x = self.0;
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("run_id", &x.run_id)?;
        m.serialize_entry("key", &x.key)?;
        m.serialize_entry("total", &x.total)?;
        m.serialize_entry("downsampled", &x.downsampled)?;
        m.serialize_entry("steps", &deltas(&x.steps))?;
        m.serialize_entry("timestamps", &deltas(&x.timestamps))?;
        let values: Vec<Option<f64>> = x.values.iter().map(|&v| round(v)).collect();
        m.serialize_entry("values", &values)?;
        m.end()
    }
}

fn deltas(xs: &[i64]) -> Vec<i64> {
    let mut prev = 0i64;
    xs.iter()
        .map(|&x| {
            let d = x.wrapping_sub(prev);
            prev = x;
            d
        })
        .collect()
}

/// `v` with 7 significant digits (shortest form), `None` when it is not finite.
fn round(v: f64) -> Option<f64> {
    if !v.is_finite() {
        return None;
    }
    format!("{v:.6e}").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_shrink_with_the_number_of_histories_within_bounds() {
        assert_eq!(points_per_series(0), MAX_POINTS);
        assert_eq!(points_per_series(100), 1000);
        assert_eq!(points_per_series(500), 200);
        assert_eq!(points_per_series(100_000), MIN_POINTS);
    }

    #[test]
    fn values_keep_seven_digits_and_positions_are_differences() {
        assert_eq!(round(0.123_456_789), Some(0.123_456_8));
        assert_eq!(round(123_456_789.0), Some(123_456_800.0));
        assert_eq!(round(-2.5e-12), Some(-2.5e-12));
        assert_eq!(round(f64::NAN), None);
        assert_eq!(round(f64::INFINITY), None);
        assert_eq!(deltas(&[5, 7, 7, 20, 3]), [5, 2, 0, 13, -17]);
        assert_eq!(deltas(&[]), Vec::<i64>::new());
    }
}
