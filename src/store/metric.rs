//! Metric files: `metrics/<key>`, one `"<timestamp> <value> <step>\n"` line per point,
//! appended and never rewritten.

use super::{Result, Store};
use crate::model::{MetricPoint, format_value, parse_value};
use std::path::Path;

/// The line MLflow writes for a point.
pub fn format_line(p: &MetricPoint) -> String {
    format!("{} {} {}\n", p.timestamp, format_value(p.value), p.step)
}

/// Parses one line as MLflow does (`line.strip().split(" ")`: 2, 3 or 5 fields).
pub fn parse_line(line: &str) -> Result<MetricPoint, String> {
    // Searches read millions of lines: no allocation here.
    let mut fields = [""; 3];
    let mut n = 0;
    for (i, f) in line.trim().split(' ').enumerate() {
        if let Some(slot) = fields.get_mut(i) {
            *slot = f;
        }
        n = i + 1;
    }
    if !matches!(n, 2 | 3 | 5) {
        return Err(format!("expected 'timestamp value step', found {n} fields"));
    }
    let timestamp = fields[0]
        .parse::<i64>()
        .map_err(|_| format!("timestamp '{}' is not an integer", fields[0]))?;
    let value = value(fields[1]).ok_or_else(|| format!("value '{}' is not a number", fields[1]))?;
    let step = if n > 2 {
        fields[2]
            .parse::<i64>()
            .map_err(|_| format!("step '{}' is not an integer", fields[2]))?
    } else {
        0
    };
    Ok(MetricPoint {
        timestamp,
        value,
        step,
    })
}

/// [`parse_value`], without its allocations for the common case of a plain decimal number
/// (where it would parse the text as it is).
fn value(s: &str) -> Option<f64> {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
    {
        s.parse().ok()
    } else {
        parse_value(s)
    }
}

/// The common line, `<timestamp> <decimal value> <step>\n` with single spaces, parsed without
/// the general path's UTF-8 check and splitting; what [`parse_line`] would give, or `None` for
/// any other line.
fn plain_line(raw: &[u8]) -> Option<MetricPoint> {
    let line = raw.strip_suffix(b"\n")?;
    let mut fields = line.split(|&b| b == b' ');
    let (t, v, s) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() {
        return None;
    }
    let timestamp = digits(t)?;
    let step = match s.strip_prefix(b"-") {
        Some(s) => -digits(s)?,
        None => digits(s)?,
    };
    if !v.iter().all(|b| b.is_ascii_digit() || b".eE+-".contains(b)) {
        return None;
    }
    // Only ASCII bytes are left, so this is UTF-8.
    let value = value(std::str::from_utf8(v).ok()?)?;
    Some(MetricPoint {
        timestamp,
        value,
        step,
    })
}

/// 1 to 18 ASCII digits (no overflow possible), as a number.
fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 18 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, &d| n * 10 + i64::from(d - b'0')))
}

impl Store {
    /// Reads every good point of a metric file, in file order. Bad lines, a torn last line and
    /// an empty file are reported as warnings and skipped, so one damaged file never hides a
    /// whole run (MLflow would refuse to read the run at all).
    pub fn read_metric_file(&self, path: &Path) -> Result<Vec<MetricPoint>> {
        let mut points = Vec::new();
        self.scan_metric_file(path, |p| points.push(p))?;
        Ok(points)
    }

    /// The latest point of a metric file by MLflow's rule, if it has any good line.
    ///
    /// The whole file is read: lines are appended in any order (MLflow's latest is the
    /// greatest step, then timestamp, then value, not the last line), and every line is
    /// checked so that damage is reported wherever it is.
    pub(crate) fn latest_in_file(&self, path: &Path) -> Result<Option<MetricPoint>> {
        let mut best: Option<MetricPoint> = None;
        self.scan_metric_file(path, |p| {
            best = match best.take() {
                Some(b) if !p.later_than(&b) => Some(b),
                _ => Some(p),
            }
        })?;
        Ok(best)
    }

    /// Calls `point` on every good point of a metric file, in file order, warning about the
    /// rest. The file is read with one call and split in place.
    fn scan_metric_file(&self, path: &Path, mut point: impl FnMut(MetricPoint)) -> Result<()> {
        let io = |source| super::Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let bytes = std::fs::read(path).map_err(io)?;
        let mut n = 0usize;
        for raw in bytes.split_inclusive(|&b| b == b'\n') {
            if let Some(p) = plain_line(raw) {
                n += 1;
                point(p);
                continue;
            }
            // A line that is not UTF-8 fails the read, as a line-by-line reader would.
            let line = std::str::from_utf8(raw).map_err(|_| {
                io(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "stream did not contain valid UTF-8",
                ))
            })?;
            n += 1;
            let complete = line.ends_with('\n');
            if line.trim().is_empty() {
                continue;
            }
            match parse_line(line) {
                // A last line without its newline is a write cut short unless it is whole.
                Ok(p) if complete || line.trim().split(' ').count() != 2 => point(p),
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
        Ok(())
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
    fn the_plain_line_path_agrees_with_the_general_one() {
        let lines = [
            "1700000000000 0.5 3\n",
            "1700000000000 0.123456 0\n",
            "5 1.0 -2\n",
            "5 -1.5e-3 7\n",
            "5 +.5E2 -0\n",
            "5 1e400 1\n",
            "0 0 0\n",
            "5 1.0\n",
            "5 1.0 2\r\n",
            "5  1.0 2\n",
            " 5 1.0 2\n",
            "5 1.0 2 \n",
            "5 1.0 2",
            "5 1.2.3 4\n",
            "5 - 4\n",
            "5 1.0 +4\n",
            "5 1.0 -\n",
            "-5 1.0 4\n",
            "5 nan 4\n",
            "5 1_0 4\n",
            "1234567890123456789 1 2\n",
            "5 1.0 1234567890123456789\n",
            "5 1.0 2 ds digest\n",
            "\n",
        ];
        for line in lines {
            // Whatever the plain path takes, it reads as the general path does.
            if let Some(p) = plain_line(line.as_bytes()) {
                assert_eq!(Ok(p), parse_line(line), "{line:?}");
                assert!(line.ends_with('\n'), "{line:?}");
            }
        }
        for line in ["1700000000000 0.123456 0\n", "5 -1.5e-3 -7\n", "0 0 0\n"] {
            assert!(plain_line(line.as_bytes()).is_some(), "{line:?}");
        }
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
