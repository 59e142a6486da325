//! Metric files: `metrics/<key>`, one `"<timestamp> <value> <step>\n"` line per point,
//! appended and never rewritten.

use super::{Result, Store};
use crate::model::{MetricPoint, format_value, parse_value};
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The line MLflow writes for a point.
pub fn format_line(p: &MetricPoint) -> String {
    format!("{} {} {}\n", p.timestamp, format_value(p.value), p.step)
}

/// Parses one line as MLflow does (`line.strip().split(" ")`: 2, 3 or 5 fields).
pub fn parse_line(line: &str) -> Result<MetricPoint, String> {
    let fields: Vec<&str> = line.trim().split(' ').collect();
    if !matches!(fields.len(), 2 | 3 | 5) {
        return Err(format!(
            "expected 'timestamp value step', found {} fields",
            fields.len()
        ));
    }
    let timestamp = fields[0]
        .parse::<i64>()
        .map_err(|_| format!("timestamp '{}' is not an integer", fields[0]))?;
    let value =
        parse_value(fields[1]).ok_or_else(|| format!("value '{}' is not a number", fields[1]))?;
    let step = match fields.get(2) {
        Some(s) => s
            .parse::<i64>()
            .map_err(|_| format!("step '{s}' is not an integer"))?,
        None => 0,
    };
    Ok(MetricPoint {
        timestamp,
        value,
        step,
    })
}

impl Store {
    /// Reads every good point of a metric file, in file order. Bad lines, a torn last line and
    /// an empty file are reported as warnings and skipped, so one damaged file never hides a
    /// whole run (MLflow would refuse to read the run at all).
    pub fn read_metric_file(&self, path: &Path) -> Result<Vec<MetricPoint>> {
        let file = std::fs::File::open(path).map_err(|source| super::Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut reader = BufReader::new(file);
        let mut points = Vec::new();
        let mut line = String::new();
        let mut n = 0usize;
        loop {
            line.clear();
            let read = reader
                .read_line(&mut line)
                .map_err(|source| super::Error::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
            if read == 0 {
                break;
            }
            n += 1;
            let complete = line.ends_with('\n');
            if line.trim().is_empty() {
                continue;
            }
            match parse_line(&line) {
                // A last line without its newline is a write cut short unless it is whole.
                Ok(p) if complete || line.trim().split(' ').count() != 2 => points.push(p),
                Ok(_) => self.warn(&format!("{}:{n}: torn last line skipped", path.display())),
                Err(msg) => self.warn(&format!(
                    "{}:{n}: malformed metric line skipped: {msg}",
                    path.display()
                )),
            }
        }
        if n == 0 {
            self.warn(&format!("{}: empty metric file", path.display()));
        }
        Ok(points)
    }

    /// The latest point of a metric file by MLflow's rule, if it has any good line.
    pub(crate) fn latest_in_file(&self, path: &Path) -> Result<Option<MetricPoint>> {
        let points = self.read_metric_file(path)?;
        Ok(points
            .into_iter()
            .reduce(|best, p| if p.later_than(&best) { p } else { best }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let p = MetricPoint {
            timestamp: 1700000000000,
            value: 0.5,
            step: 3,
        };
        assert_eq!(format_line(&p), "1700000000000 0.5 3\n");
        assert_eq!(parse_line("1700000000000 0.5 3\n").unwrap(), p);
        assert_eq!(parse_line("5 1.0").unwrap().step, 0);
        assert_eq!(parse_line("5 1.0 2 ds digest").unwrap().step, 2);
        assert!(parse_line("5 1.0 2 x").is_err());
        assert!(parse_line("x 1.0 2").is_err());
        assert!(parse_line("5 abc 2").is_err());
        assert!(parse_line("5 nan -1").unwrap().value.is_nan());
    }

    #[test]
    fn damaged_files_keep_their_good_lines() {
        use std::sync::{Arc, Mutex};
        let tmp = tempfile::tempdir().unwrap();
        let warnings: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
        let w = warnings.clone();
        let store = Store::new(tmp.path()).on_warning(move |m| w.lock().unwrap().push(m.into()));
        let f = tmp.path().join("m");
        std::fs::write(&f, "1 0.5 0\ngarbage\n2 0.7 1\n3 0.").unwrap();
        let pts = store.read_metric_file(&f).unwrap();
        assert_eq!(pts.len(), 2);
        assert_eq!(store.latest_in_file(&f).unwrap().unwrap().value, 0.7);
        let w = warnings.lock().unwrap();
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].contains(":2: malformed"), "{w:?}");
        assert!(w[1].contains(":4: torn"), "{w:?}");
        drop(w);
        std::fs::write(&f, "").unwrap();
        assert!(store.read_metric_file(&f).unwrap().is_empty());
        assert!(warnings.lock().unwrap()[4].ends_with("empty metric file"));
    }
}
