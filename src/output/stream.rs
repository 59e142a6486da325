//! Output written while it is produced: the long format of `mlt metrics export`, one line per
//! point, through a buffered stdout that goes quiet when its reader does (`| head`).

use crate::entities::{MetricPoint, json_f64, push_value};
use std::fmt::Write as _;
use std::io::{self, Write};

/// `--format` of `mlt metrics export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LongFormat {
    /// RFC 4180 CSV with a header line
    #[default]
    Csv,
    /// One JSON object per line
    Jsonl,
}

/// The columns of the long format, in order.
pub const LONG_COLUMNS: [&str; 5] = ["run_id", "key", "step", "timestamp", "value"];

/// Writes metric points in the long format: `run_id,key,step,timestamp,value` in CSV (values
/// as Python prints them, as in metric files), or JSON lines with those fields in that order
/// (NaN and the infinities as the strings "NaN", "Infinity", "-Infinity").
pub struct PointWriter<W: Write> {
    out: W,
    format: LongFormat,
    /// The run and key part of each line, escaped once per series.
    prefix: String,
    /// The line being written, reused.
    line: String,
}

impl<W: Write> PointWriter<W> {
    /// A writer; CSV starts with its header line.
    pub fn new(mut out: W, format: LongFormat) -> io::Result<Self> {
        if format == LongFormat::Csv {
            writeln!(out, "{}", LONG_COLUMNS.join(","))?;
        }
        Ok(PointWriter {
            out,
            format,
            prefix: String::new(),
            line: String::new(),
        })
    }

    /// Starts the points of one metric of one run.
    pub fn series(&mut self, run_id: &str, key: &str) {
        self.prefix = match self.format {
            LongFormat::Csv => format!("{},{},", super::csv_cell(run_id), super::csv_cell(key)),
            LongFormat::Jsonl => format!(
                "{{\"run_id\":{},\"key\":{},",
                serde_json::Value::from(run_id),
                serde_json::Value::from(key)
            ),
        };
    }

    /// Writes one point of the current series.
    pub fn point(&mut self, p: &MetricPoint) -> io::Result<()> {
        let line = &mut self.line;
        line.clear();
        line.push_str(&self.prefix);
        // Writing to a String cannot fail.
        match self.format {
            LongFormat::Csv => {
                let _ = write!(line, "{},{},", p.step, p.timestamp);
                push_value(line, p.value);
            }
            LongFormat::Jsonl => {
                let _ = write!(
                    line,
                    "\"step\":{},\"timestamp\":{},\"value\":{}}}",
                    p.step,
                    p.timestamp,
                    json_f64(p.value)
                );
            }
        }
        line.push('\n');
        self.out.write_all(line.as_bytes())
    }

    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Flushes and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Buffered stdout. A closed pipe (`mlt ... | head`) is not an error: from then on writes are
/// dropped and [`Stdout::closed`] is true, so the producer can stop early.
pub struct Stdout {
    inner: io::BufWriter<io::StdoutLock<'static>>,
    closed: bool,
}

impl Stdout {
    pub fn new() -> Stdout {
        Stdout {
            inner: io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
            closed: false,
        }
    }

    /// True once the reader has gone away.
    pub fn closed(&self) -> bool {
        self.closed
    }

    fn quiet<T>(&mut self, r: io::Result<T>, ok: T) -> io::Result<T> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(ok)
            }
            other => other,
        }
    }
}

impl Default for Stdout {
    fn default() -> Self {
        Stdout::new()
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.quiet(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = self.inner.flush();
        self.quiet(r, ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(format: LongFormat) -> String {
        let mut w = PointWriter::new(Vec::new(), format).unwrap();
        w.series("r1", "train/loss");
        for (step, value) in [(0, 0.5), (1, f64::NAN), (2, 1e-5)] {
            let p = MetricPoint {
                timestamp: 1000 + step,
                value,
                step,
            };
            w.point(&p).unwrap();
        }
        w.series("r2", "a key, with \"quotes\"");
        let p = MetricPoint {
            timestamp: 5,
            value: f64::NEG_INFINITY,
            step: -1,
        };
        w.point(&p).unwrap();
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn csv_long_format() {
        assert_eq!(
            write(LongFormat::Csv),
            "run_id,key,step,timestamp,value\n\
             r1,train/loss,0,1000,0.5\n\
             r1,train/loss,1,1001,nan\n\
             r1,train/loss,2,1002,1e-05\n\
             r2,\"a key, with \"\"quotes\"\"\",-1,5,-inf\n"
        );
    }

    #[test]
    fn json_lines_long_format() {
        let out = write(LongFormat::Jsonl);
        assert_eq!(
            out,
            "{\"run_id\":\"r1\",\"key\":\"train/loss\",\"step\":0,\"timestamp\":1000,\"value\":0.5}\n\
             {\"run_id\":\"r1\",\"key\":\"train/loss\",\"step\":1,\"timestamp\":1001,\"value\":\"NaN\"}\n\
             {\"run_id\":\"r1\",\"key\":\"train/loss\",\"step\":2,\"timestamp\":1002,\"value\":0.00001}\n\
             {\"run_id\":\"r2\",\"key\":\"a key, with \\\"quotes\\\"\",\"step\":-1,\"timestamp\":5,\"value\":\"-Infinity\"}\n"
        );
        for line in out.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v["run_id"].is_string() && v["step"].is_i64(), "{line}");
        }
    }
}
