//! Metric files: `metrics/<key>`, one `"<timestamp> <value> <step>\n"` line per point,
//! appended and never rewritten.

use super::{Error, Result, Store};
use crate::model::{MetricPoint, format_value, parse_value};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// The line MLflow writes for a point.
pub fn format_line(p: &MetricPoint) -> String {
    format!("{} {} {}\n", p.timestamp, format_value(p.value), p.step)
}

/// Parses one line as MLflow does (`line.strip().split(" ")`: 2, 3 or 5 fields).
pub fn parse_line(line: &str) -> Result<MetricPoint, String> {
    // No allocation per line: an export reads hundreds of millions of them.
    let mut fields = [""; 5];
    let mut count = 0;
    for f in line.trim().split(' ') {
        if count < fields.len() {
            fields[count] = f;
        }
        count += 1;
    }
    if !matches!(count, 2 | 3 | 5) {
        return Err(format!(
            "expected 'timestamp value step', found {count} fields"
        ));
    }
    let timestamp = fields[0]
        .parse::<i64>()
        .map_err(|_| format!("timestamp '{}' is not an integer", fields[0]))?;
    let value =
        parse_value(fields[1]).ok_or_else(|| format!("value '{}' is not a number", fields[1]))?;
    let step = match count {
        2 => 0,
        _ => fields[2]
            .parse::<i64>()
            .map_err(|_| format!("step '{}' is not an integer", fields[2]))?,
    };
    Ok(MetricPoint {
        timestamp,
        value,
        step,
    })
}

/// The good points of one metric file, read line by line as they are asked for, so a file of
/// any size is read in constant memory. Bad lines, a torn last line and an empty file are
/// reported through the store's warnings and skipped, so one damaged file never hides a whole
/// run (MLflow would refuse to read the run at all).
pub struct MetricPoints<'a> {
    store: &'a Store,
    path: PathBuf,
    reader: Option<BufReader<File>>,
    /// The raw bytes of the current line: a line that is not UTF-8 is skipped, not an error.
    line: Vec<u8>,
    n: usize,
}

impl MetricPoints<'_> {
    /// The file being read (for messages).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Iterator for MetricPoints<'_> {
    type Item = Result<MetricPoint>;

    fn next(&mut self) -> Option<Result<MetricPoint>> {
        loop {
            let reader = self.reader.as_mut()?;
            self.line.clear();
            let read = match reader.read_until(b'\n', &mut self.line) {
                Ok(read) => read,
                Err(source) => {
                    self.reader = None;
                    return Some(Err(Error::Io {
                        path: self.path.clone(),
                        source,
                    }));
                }
            };
            if read == 0 {
                self.reader = None;
                if self.n == 0 {
                    self.store
                        .warn(&format!("{}: empty metric file", self.path.display()));
                }
                return None;
            }
            self.n += 1;
            if let Some(p) = plain_line(&self.line) {
                return Some(Ok(p));
            }
            let Ok(line) = std::str::from_utf8(&self.line) else {
                self.store.warn(&format!(
                    "{}:{}: malformed metric line skipped: not UTF-8",
                    self.path.display(),
                    self.n
                ));
                continue;
            };
            if line.trim().is_empty() {
                continue;
            }
            let complete = line.ends_with('\n');
            match parse_line(line) {
                // A last line without its newline is a write cut short unless it is whole.
                Ok(p) if complete || line.trim().split(' ').count() != 2 => return Some(Ok(p)),
                Ok(_) => self.store.warn(&format!(
                    "{}:{}: torn last line skipped",
                    self.path.display(),
                    self.n
                )),
                Err(msg) => self.store.warn(&format!(
                    "{}:{}: malformed metric line skipped: {msg}",
                    self.path.display(),
                    self.n
                )),
            }
        }
    }
}

impl Store {
    /// Streams the good points of a metric file, in file order (see [`MetricPoints`]).
    pub(crate) fn metric_file_points(&self, path: &Path) -> Result<MetricPoints<'_>> {
        let file = File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(MetricPoints {
            store: self,
            path: path.to_path_buf(),
            reader: Some(BufReader::with_capacity(64 * 1024, file)),
            line: Vec::new(),
            n: 0,
        })
    }

    /// Reads every good point of a metric file, in file order.
    pub fn read_metric_file(&self, path: &Path) -> Result<Vec<MetricPoint>> {
        self.metric_file_points(path)?.collect()
    }

    /// The latest point of a metric file by MLflow's rule, if it has any good line.
    pub(crate) fn latest_in_file(&self, path: &Path) -> Result<Option<MetricPoint>> {
        let mut best: Option<MetricPoint> = None;
        for p in self.metric_file_points(path)? {
            let p = p?;
            if best.as_ref().is_none_or(|b| p.later_than(b)) {
                best = Some(p);
            }
        }
        Ok(best)
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
    let value = parse_value(std::str::from_utf8(v).ok()?)?;
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
        // A byte that is not UTF-8 spoils its line only.
        std::fs::write(&f, b"1 0.5 0\n2 0.\xff 1\n\xfe\n3 0.7 2\n").unwrap();
        let pts = store.read_metric_file(&f).unwrap();
        assert_eq!(pts.iter().map(|p| p.step).collect::<Vec<_>>(), [0, 2]);
        let w = warnings.lock().unwrap();
        assert!(
            w[5].ends_with(":2: malformed metric line skipped: not UTF-8"),
            "{w:?}"
        );
        assert!(
            w[6].ends_with(":3: malformed metric line skipped: not UTF-8"),
            "{w:?}"
        );
    }
}

/// Property tests for metric lines and the file reader (see `crate::fuzz_tests`).
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz_tests::{fuzz, text};
    use proptest::prelude::*;

    fn same(a: &MetricPoint, b: &MetricPoint) -> bool {
        a.timestamp == b.timestamp
            && a.step == b.step
            && (a.value.to_bits() == b.value.to_bits() || (a.value.is_nan() && b.value.is_nan()))
    }

    fn point() -> impl Strategy<Value = MetricPoint> {
        (any::<i64>(), any::<f64>(), any::<i64>()).prop_map(|(timestamp, value, step)| {
            MetricPoint {
                timestamp,
                value,
                step,
            }
        })
    }

    #[test]
    fn a_written_line_reads_back_the_same() {
        fuzz("metric-line/round-trip", point(), |p| {
            let line = format_line(&p);
            let back =
                parse_line(&line).map_err(|e| TestCaseError::fail(format!("{line:?}: {e}")))?;
            prop_assert!(same(&back, &p), "{:?} -> {:?}", line, back);
            if let Some(fast) = plain_line(line.as_bytes()) {
                prop_assert!(same(&fast, &p), "{:?} -> {:?}", line, fast);
            }
            Ok(())
        });
    }

    #[test]
    fn arbitrary_lines_never_panic_and_both_paths_agree() {
        const ALPHABET: &[&str] = &[
            "1",
            "0",
            "9",
            "-",
            "+",
            ".",
            "e",
            "E",
            " ",
            "  ",
            "\n",
            "\r",
            "\t",
            "nan",
            "inf",
            "NaN",
            "1700000000000",
            "9223372036854775807",
            "9223372036854775808",
            "x",
            "\u{ff}",
        ];
        let soup =
            prop::collection::vec(prop::sample::select(ALPHABET), 0..20).prop_map(|t| t.join(""));
        let check = |s: String| {
            let general = parse_line(&s);
            if let Some(fast) = plain_line(s.as_bytes()) {
                let g = general
                    .map_err(|e| TestCaseError::fail(format!("{s:?}: fast ok, general {e}")))?;
                prop_assert!(same(&fast, &g), "{:?}", s);
            }
            Ok(())
        };
        fuzz("metric-line/bytes", text(), check);
        fuzz("metric-line/tokens", soup, check);
    }

    #[test]
    fn a_damaged_file_yields_exactly_its_good_lines() {
        // Lines: good ones, garbage, bytes that are not UTF-8, a torn end.
        let line = prop_oneof![
            point().prop_map(|p| format_line(&p).into_bytes()),
            prop::collection::vec(any::<u8>(), 0..30),
            Just(b"5 0.\xff 1\n".to_vec()),
            Just(b"\n".to_vec()),
        ];
        fuzz(
            "metric-file/reader",
            prop::collection::vec(line, 0..12),
            |lines| {
                let bytes: Vec<u8> = lines.concat();
                let tmp = tempfile::tempdir().unwrap();
                let store = Store::new(tmp.path()).on_warning(|_| {});
                let f = tmp.path().join("m");
                std::fs::write(&f, &bytes).unwrap();
                let got = store
                    .read_metric_file(&f)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                // The oracle: each newline-ended piece that is UTF-8 and parses, and a last piece
                // without a newline only when it has the step field.
                let mut want = Vec::new();
                let mut rest: &[u8] = &bytes;
                while !rest.is_empty() {
                    let (piece, complete) = match rest.iter().position(|&b| b == b'\n') {
                        Some(i) => (&rest[..=i], true),
                        None => (rest, false),
                    };
                    rest = &rest[piece.len()..];
                    let Ok(s) = std::str::from_utf8(piece) else {
                        continue;
                    };
                    if s.trim().is_empty() {
                        continue;
                    }
                    if let Ok(p) = parse_line(s)
                        && (complete || s.trim().split(' ').count() != 2)
                    {
                        want.push(p);
                    }
                }
                prop_assert_eq!(got.len(), want.len());
                for (g, w) in got.iter().zip(&want) {
                    prop_assert!(same(g, w), "{:?} vs {:?}", g, w);
                }
                Ok(())
            },
        );
    }
}
