//! Reading `mlt log batch` input: a stream of JSON values (JSON lines, or one or more
//! pretty-printed documents), each either
//!
//! - MLflow's log-batch body: `{"metrics": [{"key", "value", "timestamp", "step"}],
//!   "params": [{"key", "value"}], "tags": [{"key", "value"}]}` (MLflow's batch limits apply), or
//! - a compact record for training loops: `{"step": 3, "metrics": {"loss": 0.5},
//!   "params": {"lr": 0.01}, "tags": {"phase": "warmup"}}`; `step` and `timestamp` apply to
//!   every metric of the record.

use crate::model::{MetricPoint, parse_value};
use crate::store::Batch;
use serde_json::{Map, Value};

/// Where a record sits in the input, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub record: usize,
    pub line: usize,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record {} (line {})", self.record, self.line)
    }
}

/// One parsed record and whether it was MLflow's body form (which has batch limits).
#[derive(Debug)]
pub struct Record {
    pub batch: Batch,
    pub mlflow_body: bool,
    pub run_id: Option<String>,
}

/// Reads records one at a time, calling `f` for each. Stops at the first bad record with a
/// message naming its position.
pub fn for_each_record<R: std::io::Read>(
    reader: R,
    now: i64,
    mut f: impl FnMut(Record, Position) -> Result<(), String>,
) -> Result<usize, String> {
    let mut line_counter = LineCounter::new(reader);
    let mut n = 0;
    loop {
        line_counter.at_record_start = true;
        // serde_json counts lines from where this record's parser started.
        let base_line = line_counter.line;
        let next = serde_json::Deserializer::from_reader(&mut line_counter)
            .into_iter::<Value>()
            .next();
        let value = match next {
            Some(Ok(v)) => v,
            None => break,
            Some(Err(e)) => {
                return Err(format!(
                    "record {} (line {}): invalid JSON: {e}",
                    n + 1,
                    base_line + e.line().saturating_sub(1)
                ));
            }
        };
        n += 1;
        let pos = Position {
            record: n,
            line: line_counter.start_line,
        };
        let record = parse_record(value, now).map_err(|m| format!("{pos}: {m}"))?;
        f(record, pos).map_err(|m| format!("{pos}: {m}"))?;
    }
    Ok(n)
}

/// Counts lines of the bytes handed to the JSON parser, so errors can name a line; also
/// remembers the line where the current record starts.
struct LineCounter<R> {
    inner: R,
    line: usize,
    start_line: usize,
    at_record_start: bool,
}

impl<R: std::io::Read> LineCounter<R> {
    fn new(inner: R) -> Self {
        LineCounter {
            inner,
            line: 1,
            start_line: 1,
            at_record_start: true,
        }
    }
}

impl<R: std::io::Read> std::io::Read for LineCounter<R> {
    // serde_json pulls one byte at a time (wrap a slow source in a BufReader); it never reads
    // past the closing brace of an object, so a record piped in from a live training loop is
    // logged as soon as it ends.
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut one = [0u8; 1];
        if self.inner.read(&mut one)? == 0 {
            return Ok(0);
        }
        let b = one[0];
        if self.at_record_start && !b.is_ascii_whitespace() {
            self.start_line = self.line;
            self.at_record_start = false;
        }
        if b == b'\n' {
            self.line += 1;
        }
        buf[0] = b;
        Ok(1)
    }
}

fn parse_record(v: Value, now: i64) -> Result<Record, String> {
    let Value::Object(obj) = v else {
        return Err("expected a JSON object".into());
    };
    let mut batch = Batch::default();
    let mut mlflow_body = false;
    let step = match obj.get("step") {
        None | Some(Value::Null) => 0,
        Some(s) => int(s, "'step' must be an integer")?,
    };
    let timestamp = match obj.get("timestamp") {
        None | Some(Value::Null) => now,
        Some(s) => int(s, "'timestamp' must be an integer (milliseconds)")?,
    };
    let mut run_id = None;
    for (k, val) in &obj {
        match (k.as_str(), val) {
            ("step" | "timestamp", _) => {}
            ("run_id" | "run_uuid", Value::String(s)) => run_id = Some(s.clone()),
            ("metrics", Value::Array(items)) => {
                mlflow_body = true;
                for item in items {
                    batch.metrics.push(metric_entry(item, now)?);
                }
            }
            ("metrics", Value::Object(m)) => {
                for (key, value) in m {
                    let value = number(value)
                        .ok_or_else(|| format!("metric '{key}': value must be a number"))?;
                    batch.metrics.push((
                        key.clone(),
                        MetricPoint {
                            timestamp,
                            value,
                            step,
                        },
                    ));
                }
            }
            ("params" | "tags", Value::Array(items)) => {
                mlflow_body = true;
                let out = if k == "params" {
                    &mut batch.params
                } else {
                    &mut batch.tags
                };
                for item in items {
                    out.push(key_value_entry(item, k)?);
                }
            }
            ("params" | "tags", Value::Object(m)) => {
                let out = if k == "params" {
                    &mut batch.params
                } else {
                    &mut batch.tags
                };
                for (key, value) in m {
                    // The compact form is what a Python dict gives MLflow's client, which
                    // stores str(value): null is 'None' there.
                    let value = match value {
                        Value::Null => "None".to_string(),
                        v => text(v),
                    };
                    out.push((key.clone(), value));
                }
            }
            ("metrics" | "params" | "tags", _) => {
                return Err(format!("'{k}' must be a list or an object"));
            }
            _ => {
                return Err(format!(
                    "unknown field '{k}' (expected metrics, params, tags, step, timestamp)"
                ));
            }
        }
    }
    Ok(Record {
        batch,
        mlflow_body,
        run_id,
    })
}

fn field<'a>(m: &'a Map<String, Value>, k: &str, what: &str) -> Result<&'a Value, String> {
    m.get(k)
        .ok_or_else(|| format!("{what} entry without '{k}'"))
}

fn metric_entry(item: &Value, now: i64) -> Result<(String, MetricPoint), String> {
    let m = item.as_object().ok_or("each metric must be an object")?;
    let key = field(m, "key", "metric")?
        .as_str()
        .ok_or("metric 'key' must be a string")?
        .to_string();
    let value = number(field(m, "value", "metric")?)
        .ok_or_else(|| format!("metric '{key}': value must be a number"))?;
    let timestamp = match m.get("timestamp") {
        None | Some(Value::Null) => now,
        Some(t) => int(t, &format!("metric '{key}': timestamp must be an integer"))?,
    };
    let step = match m.get("step") {
        None | Some(Value::Null) => 0,
        Some(s) => int(s, &format!("metric '{key}': step must be an integer"))?,
    };
    Ok((
        key,
        MetricPoint {
            timestamp,
            value,
            step,
        },
    ))
}

fn key_value_entry(item: &Value, what: &str) -> Result<(String, String), String> {
    let m = item
        .as_object()
        .ok_or_else(|| format!("each of '{what}' must be an object"))?;
    let key = field(m, "key", what)?
        .as_str()
        .ok_or_else(|| format!("'{what}' key must be a string"))?;
    let value = m.get("value").map(text).unwrap_or_default();
    Ok((key.to_string(), value))
}

/// A metric value: a number, or a string Python's `float()` accepts ("NaN", "Infinity").
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_value(s),
        _ => None,
    }
}

/// A step or timestamp: a JSON integer, a float with no fraction (`3.0`), or a string of
/// digits (protobuf's JSON mapping writes int64 as strings). One outside the 64-bit range is
/// an error, as it is for `--step`, never clamped. `must` is the message for a wrong value.
fn int(v: &Value, must: &str) -> Result<i64, String> {
    let out_of_range =
        |shown: &dyn std::fmt::Display| format!("{must}: {shown} is out of the 64-bit range");
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Ok(i);
            }
            match n.as_f64() {
                // -2^63 is an i64, 2^63 is not; both are exact as f64.
                Some(f)
                    if f.fract() == 0.0
                        && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) =>
                {
                    Ok(f as i64)
                }
                Some(f) if f.fract() == 0.0 || f.is_infinite() => Err(out_of_range(n)),
                _ => Err(must.to_string()),
            }
        }
        Value::String(s) => s.parse().map_err(|e: std::num::ParseIntError| {
            use std::num::IntErrorKind::{NegOverflow, PosOverflow};
            match e.kind() {
                PosOverflow | NegOverflow => out_of_range(&format!("'{s}'")),
                _ => must.to_string(),
            }
        }),
        _ => Err(must.to_string()),
    }
}

/// A param or tag value as MLflow's client would store it (`str(v)`): strings as they are,
/// `True`/`False` for booleans, numbers as written; null (protobuf's JSON for an unset
/// field, in MLflow's log-batch body) as "".
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(input: &str) -> Result<Vec<(Record, Position)>, String> {
        let mut out = Vec::new();
        for_each_record(input.as_bytes(), 7, |r, p| {
            out.push((r, p));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn compact_records() {
        let r = records(
            "{\"step\": 2, \"metrics\": {\"loss\": 0.5, \"acc\": \"NaN\"}}\n\
             {\"params\": {\"lr\": 0.01, \"flag\": true}, \"tags\": {\"t\": \"x\"}}\n",
        )
        .unwrap();
        assert_eq!(r.len(), 2);
        let b = &r[0].0.batch;
        assert_eq!(b.metrics[0].0, "acc");
        assert!(b.metrics[0].1.value.is_nan());
        assert_eq!(
            b.metrics[1].1,
            MetricPoint {
                timestamp: 7,
                value: 0.5,
                step: 2
            }
        );
        assert!(!r[0].0.mlflow_body);
        assert_eq!(
            r[1].0.batch.params,
            vec![("flag".into(), "True".into()), ("lr".into(), "0.01".into())]
        );
        assert_eq!(r[1].1.line, 2);
    }

    #[test]
    fn mlflow_body_pretty_printed() {
        let r = records(
            "{\n  \"run_id\": \"abc\",\n  \"metrics\": [{\"key\": \"m\", \"value\": 1, \"timestamp\": 5, \"step\": \"3\"}],\n  \"params\": [{\"key\": \"p\", \"value\": \"v\"}],\n  \"tags\": []\n}\n",
        )
        .unwrap();
        let rec = &r[0].0;
        assert!(rec.mlflow_body);
        assert_eq!(rec.run_id.as_deref(), Some("abc"));
        assert_eq!(
            rec.batch.metrics[0].1,
            MetricPoint {
                timestamp: 5,
                value: 1.0,
                step: 3
            }
        );
        assert_eq!(rec.batch.params[0], ("p".into(), "v".into()));
    }

    #[test]
    fn errors_name_the_record_and_line() {
        let e = records("{\"metrics\": {\"a\": 1}}\n{\"metrics\": {\"b\": \"x\"}}\n").unwrap_err();
        assert_eq!(e, "record 2 (line 2): metric 'b': value must be a number");
        let e = records("{\"metrics\": {\"a\": 1}}\n{oops").unwrap_err();
        assert!(e.starts_with("record 2 (line 2): invalid JSON"), "{e}");
        let e =
            records("{\"metrics\": {\"a\": 1}}\n\n{\"metrics\":\n  {\"b\": nope}}\n").unwrap_err();
        assert!(e.starts_with("record 2 (line 4): invalid JSON"), "{e}");
        let e = records("[1]").unwrap_err();
        assert!(e.contains("expected a JSON object"), "{e}");
        let e = records("{\"metric\": {}}").unwrap_err();
        assert!(e.contains("unknown field 'metric'"), "{e}");
    }
}
