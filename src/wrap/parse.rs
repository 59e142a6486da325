//! Metrics read from a command's output, line by line (Guild's "output scalars" are the model).
//!
//! Built-in formats (`--parse-metrics`):
//!
//! - `key: value` and `key=value`, several on a line when the whole line is such pairs
//!   (separated by spaces, `,`, `;`, `|` or a lone `-`): `loss=0.3 acc=0.9`,
//!   `loss: 0.3 - acc: 0.9`. A line with anything else (`Epoch 3/10 loss=0.3`) logs nothing,
//!   so ordinary log lines are not taken for metrics. Pairs whose value is not a number are
//!   skipped (`phase=train`).
//! - A JSON object on one line: its numeric fields (`{"loss": 0.3, "step": 2}`), or the compact
//!   record `mlt log batch` reads (`{"step": 2, "metrics": {"loss": 0.3}}`). Python's bare
//!   `NaN` and `Infinity` are taken too.
//!
//! A `step` pair or field sets the step of the line's metrics and of the lines after it, until
//! the next step; the step starts at 0.
//!
//! `--metric-pattern REGEX` (repeatable) reads other formats. A pattern names its metrics with
//! groups: `(?P<key>..)` and `(?P<value>..)` for a key and value read from the line, any other
//! named group for a metric of that name (`loss: (?P<loss>\number)`), and `(?P<step>..)` for the
//! step. Shorthands: `\key` is `(?P<key>...)`, `\value` is `(?P<value>...)`, `\step` is
//! `(?P<step>...)`, and `\number` matches a number without capturing it. Every match on a line
//! counts. A line that a pattern matched is not read by the built-in formats.

use crate::entities::{KeyKind, parse_value, validate_key};
use regex::Regex;
use std::collections::BTreeSet;

/// One metric value found in a line.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    pub key: String,
    pub value: f64,
    pub step: i64,
    /// A timestamp the line gave (JSON `"timestamp"`, milliseconds), else now.
    pub timestamp: Option<i64>,
}

const KEY_RE: &str = r"[A-Za-z_][A-Za-z0-9_./-]*";
const NUMBER_RE: &str = r"[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|(?i:nan|inf(?:inity)?))";
const STEP_RE: &str = r"[-+]?\d+";

/// The longest line the parser looks at; longer lines are passed through and saved, but not
/// read for metrics, so memory stays bounded whatever the command prints.
pub const MAX_LINE: usize = 64 * 1024;

/// At most this many rejected keys are remembered for the closing warning.
const MAX_REJECTED: usize = 20;

/// One pattern match: the step it names and its (key, value) pairs.
type Hit = (Option<i64>, Vec<(String, f64)>);

struct Pattern {
    re: Regex,
    key_value: bool,
    metrics: Vec<String>,
}

/// Reads metrics from lines of output, keeping the current step between lines.
pub struct MetricParser {
    builtin: bool,
    patterns: Vec<Pattern>,
    step: i64,
    rejected: BTreeSet<String>,
}

impl MetricParser {
    /// A parser with the built-in formats (when `builtin`) and the given patterns. A bad
    /// pattern is an error naming it.
    pub fn new(builtin: bool, patterns: &[String]) -> Result<MetricParser, String> {
        let patterns = patterns
            .iter()
            .map(|p| compile(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MetricParser {
            builtin,
            patterns,
            step: 0,
            rejected: BTreeSet::new(),
        })
    }

    /// Whether the parser reads anything at all.
    pub fn is_enabled(&self) -> bool {
        self.builtin || !self.patterns.is_empty()
    }

    /// Keys that were found but are not valid metric keys (at most 20), for a warning.
    pub fn rejected_keys(&self) -> &BTreeSet<String> {
        &self.rejected
    }

    /// The metrics of one line (without its line ending).
    pub fn parse_line(&mut self, line: &str) -> Vec<Metric> {
        let line = line.trim_end_matches(['\r', '\n']);
        let mut out = Vec::new();
        let mut matched = false;
        // Each match: the step it names, and its (key, value) pairs.
        let mut hits: Vec<Hit> = Vec::new();
        for p in &self.patterns {
            for caps in p.re.captures_iter(line) {
                matched = true;
                let step = caps.name("step").and_then(|m| m.as_str().parse().ok());
                let mut found = Vec::new();
                if p.key_value
                    && let (Some(k), Some(v)) = (caps.name("key"), caps.name("value"))
                    && let Some(value) = parse_value(v.as_str())
                {
                    found.push((k.as_str().to_string(), value));
                }
                for name in &p.metrics {
                    if let Some(value) = caps.name(name).and_then(|v| parse_value(v.as_str())) {
                        found.push((name.clone(), value));
                    }
                }
                hits.push((step, found));
            }
        }
        for (step, found) in hits {
            if let Some(s) = step {
                self.step = s;
            }
            for (key, value) in found {
                self.push(&mut out, key, value, None);
            }
        }
        if !matched && self.builtin {
            self.builtin_line(line, &mut out);
        }
        out
    }

    fn push(&mut self, out: &mut Vec<Metric>, key: String, value: f64, timestamp: Option<i64>) {
        if validate_key(KeyKind::Metric, &key).is_err() {
            if self.rejected.len() < MAX_REJECTED {
                self.rejected.insert(key);
            }
            return;
        }
        out.push(Metric {
            key,
            value,
            step: self.step,
            timestamp,
        });
    }

    fn builtin_line(&mut self, line: &str, out: &mut Vec<Metric>) {
        let t = line.trim();
        if t.starts_with('{') && t.ends_with('}') {
            self.json_line(t, out);
            return;
        }
        let Some(pairs) = pairs(t) else { return };
        if let Some(step) = pairs
            .iter()
            .find(|(k, _)| *k == "step")
            .and_then(|(_, v)| int_of(v))
        {
            self.step = step;
        }
        for (k, v) in pairs {
            if k == "step" {
                continue;
            }
            if let Some(value) = parse_value(v) {
                self.push(out, k.to_string(), value, None);
            }
        }
    }

    fn json_line(&mut self, text: &str, out: &mut Vec<Metric>) {
        use serde_json::Value;
        let Some(Value::Object(obj)) = parse_json_line(text) else {
            return;
        };
        if let Some(step) = obj.get("step").and_then(json_int) {
            self.step = step;
        }
        let timestamp = obj.get("timestamp").and_then(json_int).filter(|t| *t >= 0);
        for (k, v) in metric_fields(&obj) {
            if let Some(value) = json_metric(v) {
                self.push(out, k.clone(), value, timestamp);
            }
        }
    }
}

/// A JSON line as `--parse-metrics` reads it: JSON, or JSON with Python's bare `NaN`,
/// `Infinity` and `-Infinity` (what `json.dumps` writes).
pub(crate) fn parse_json_line(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str(text)
        .or_else(|_| serde_json::from_str(&quote_bare_specials(text)))
        .ok()
}

/// The fields of a JSON object line that may hold metrics: those of its `metrics` object when
/// it has one (the compact record of `mlt log batch`), else its own; never `step` or
/// `timestamp`, which say where the metrics are.
pub(crate) fn metric_fields(
    obj: &serde_json::Map<String, serde_json::Value>,
) -> impl Iterator<Item = (&String, &serde_json::Value)> {
    let fields = match obj.get("metrics") {
        Some(serde_json::Value::Object(m)) => m,
        _ => obj,
    };
    fields
        .iter()
        .filter(|(k, _)| *k != "step" && *k != "timestamp")
}

/// A metric's value in a JSON line: a number, or the strings `NaN`, `Infinity` and `-Infinity`;
/// `None` for anything else.
pub(crate) fn json_metric(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => parse_special(s),
        _ => None,
    }
}

/// `NaN`, `Infinity` and `-Infinity` as Python's `json.dumps` writes them (and their quoted
/// forms, as protobuf's JSON mapping writes them); other strings are not numbers.
fn parse_special(s: &str) -> Option<f64> {
    match s {
        "NaN" | "nan" => Some(f64::NAN),
        "Infinity" | "inf" => Some(f64::INFINITY),
        "-Infinity" | "-inf" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

/// Quotes Python's bare `NaN`, `Infinity` and `-Infinity` outside strings, so serde_json reads
/// what `json.dumps` wrote.
pub(crate) fn quote_bare_specials(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        let special = ["-Infinity", "Infinity", "NaN"]
            .into_iter()
            .find(|w| rest.starts_with(w));
        if let Some(w) = special {
            out.push('"');
            out.push_str(w);
            out.push('"');
            rest = &rest[w.len()..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn json_int(v: &serde_json::Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
}

fn int_of(s: &str) -> Option<i64> {
    s.parse().ok().or_else(|| {
        s.parse::<f64>()
            .ok()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
            .map(|f| f as i64)
    })
}

/// Splits a line made only of `key: value` / `key=value` pairs; `None` when anything else is
/// on it.
fn pairs(line: &str) -> Option<Vec<(&str, &str)>> {
    let is_delim = |c: char| c.is_whitespace() || ",;|".contains(c);
    let mut rest = line;
    let mut out = Vec::new();
    loop {
        rest = skip_delimiters(rest, is_delim);
        if rest.is_empty() {
            return (!out.is_empty()).then_some(out);
        }
        let first = rest.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '_') {
            return None;
        }
        let klen = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || "_./-".contains(c)))
            .unwrap_or(rest.len());
        let key = &rest[..klen];
        rest = rest[klen..].trim_start_matches([' ', '\t']);
        rest = rest.strip_prefix([':', '='])?;
        rest = rest.trim_start_matches([' ', '\t']);
        let vlen = rest.find(is_delim).unwrap_or(rest.len());
        if vlen == 0 {
            return None;
        }
        out.push((key, &rest[..vlen]));
        rest = &rest[vlen..];
        if !rest.is_empty() && !rest.starts_with(is_delim) {
            return None;
        }
    }
}

/// Skips separators between pairs: spaces, `,`, `;`, `|`, and a `-` standing alone.
fn skip_delimiters(mut s: &str, is_delim: impl Fn(char) -> bool) -> &str {
    loop {
        let t = s.trim_start_matches(&is_delim);
        let t = match t.strip_prefix('-') {
            Some(after) if after.is_empty() || after.starts_with(&is_delim) => after,
            _ => t,
        };
        if t.len() == s.len() {
            return s;
        }
        s = t;
    }
}

/// Replaces the shorthands `\key`, `\value`, `\step` and `\number`, leaving `\\` alone.
fn expand(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 32);
    let mut rest = p;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let shorthand = [
            ("key", format!("(?P<key>{KEY_RE})")),
            ("value", format!("(?P<value>{NUMBER_RE})")),
            ("step", format!("(?P<step>{STEP_RE})")),
            ("number", format!("(?:{NUMBER_RE})")),
        ]
        .into_iter()
        .find(|(name, _)| after.starts_with(name));
        if let Some((name, re)) = shorthand {
            out.push_str(&re);
            rest = &after[name.len()..];
        } else {
            // Keep the escape and the character after it (so `\\key` stays a literal).
            let n = after.chars().next().map_or(0, char::len_utf8);
            out.push('\\');
            out.push_str(&after[..n]);
            rest = &after[n..];
        }
    }
    out.push_str(rest);
    out
}

fn compile(src: &str) -> Result<Pattern, String> {
    let re = Regex::new(&expand(src)).map_err(|e| {
        let why = e
            .to_string()
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default()
            .trim()
            .trim_start_matches("error: ")
            .to_string();
        format!("invalid --metric-pattern '{src}': {why}")
    })?;
    let names: Vec<String> = re.capture_names().flatten().map(str::to_string).collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("key") != has("value") {
        return Err(format!(
            "--metric-pattern '{src}' needs both a key and a value group (\\key and \\value)"
        ));
    }
    let metrics: Vec<String> = names
        .iter()
        .filter(|n| !["key", "value", "step"].contains(&n.as_str()))
        .cloned()
        .collect();
    if !has("key") && metrics.is_empty() && !has("step") {
        return Err(format!(
            "--metric-pattern '{src}' names no metric: use \\key and \\value, or a group named \
             after the metric, e.g. 'loss: (?P<loss>\\number)'"
        ));
    }
    Ok(Pattern {
        re,
        key_value: has("key"),
        metrics,
    })
}

/// Cuts a byte stream into lines (at `\n`, `\r\n` or `\r`, so progress bars count) with
/// bounded memory: a line longer than [`MAX_LINE`] is dropped.
#[derive(Default)]
pub struct Lines {
    buf: Vec<u8>,
    skipping: bool,
    after_cr: bool,
}

impl Lines {
    pub fn new() -> Lines {
        Lines::default()
    }

    /// Feeds a chunk, calling `f` for each complete line.
    pub fn feed(&mut self, chunk: &[u8], mut f: impl FnMut(&str)) {
        let mut rest = chunk;
        while let Some(i) = rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
            let cr = rest[i] == b'\r';
            // The `\n` of a `\r\n` ends no second line.
            let crlf = !cr && i == 0 && self.after_cr && self.buf.is_empty() && !self.skipping;
            if !crlf {
                self.push(&rest[..i]);
                self.emit(&mut f);
            }
            self.after_cr = cr;
            rest = &rest[i + 1..];
        }
        if !rest.is_empty() {
            self.after_cr = false;
        }
        self.push(rest);
    }

    /// Ends the stream: the last line, if it had no line ending.
    pub fn finish(&mut self, mut f: impl FnMut(&str)) {
        if !self.buf.is_empty() {
            self.emit(&mut f);
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        if self.skipping {
            return;
        }
        if self.buf.len() + bytes.len() > MAX_LINE {
            self.skipping = true;
            self.buf = Vec::new();
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }

    fn emit(&mut self, f: &mut impl FnMut(&str)) {
        if !self.skipping {
            f(&String::from_utf8_lossy(&self.buf));
        }
        self.buf.clear();
        self.skipping = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(key: &str, value: f64, step: i64) -> Metric {
        Metric {
            key: key.into(),
            value,
            step,
            timestamp: None,
        }
    }

    fn builtin(lines: &[&str]) -> Vec<Metric> {
        let mut p = MetricParser::new(true, &[]).unwrap();
        lines.iter().flat_map(|l| p.parse_line(l)).collect()
    }

    fn with(patterns: &[&str], lines: &[&str]) -> Vec<Metric> {
        let pats: Vec<String> = patterns.iter().map(|s| s.to_string()).collect();
        let mut p = MetricParser::new(false, &pats).unwrap();
        lines.iter().flat_map(|l| p.parse_line(l)).collect()
    }

    #[test]
    fn colon_pairs() {
        assert_eq!(builtin(&["loss: 0.5"]), vec![m("loss", 0.5, 0)]);
        assert_eq!(builtin(&["  val/acc:0.91  "]), vec![m("val/acc", 0.91, 0)]);
        assert_eq!(
            builtin(&["loss: 0.3 - acc: 0.9"]),
            vec![m("loss", 0.3, 0), m("acc", 0.9, 0)]
        );
        assert_eq!(builtin(&["loss: 1e-05"]), vec![m("loss", 1e-5, 0)]);
    }

    #[test]
    fn equals_pairs() {
        assert_eq!(
            builtin(&["loss=0.3 acc=0.9"]),
            vec![m("loss", 0.3, 0), m("acc", 0.9, 0)]
        );
        assert_eq!(
            builtin(&["loss = 0.3, acc = 0.9; f1=0.5 | lr=-1"]),
            vec![
                m("loss", 0.3, 0),
                m("acc", 0.9, 0),
                m("f1", 0.5, 0),
                m("lr", -1.0, 0)
            ]
        );
        // Non-numbers among the pairs are skipped; the line still counts.
        assert_eq!(builtin(&["phase=train loss=2"]), vec![m("loss", 2.0, 0)]);
    }

    #[test]
    fn special_values() {
        let got = builtin(&["a=nan b=inf c=-inf d=NaN"]);
        assert!(got[0].value.is_nan());
        assert_eq!(got[1].value, f64::INFINITY);
        assert_eq!(got[2].value, f64::NEG_INFINITY);
        assert!(got[3].value.is_nan());
    }

    #[test]
    fn ordinary_log_lines_log_nothing() {
        for line in [
            "Epoch 3/10 loss=0.3",
            "Loading data from /tmp/x",
            "12:30:01 started",
            "Time: 12:30:01",
            "url: http://example.com",
            "Epoch: 3/10",
            "",
            "   ",
            "-",
            "loss:",
            "=3",
            "3=4",
            "469/469 [====] - 2s 4ms/step - loss: 0.29",
            "note: loss was 0.3",
            "{not json}",
            "[1, 2]",
        ] {
            assert_eq!(builtin(&[line]), vec![], "{line:?}");
        }
    }

    #[test]
    fn step_lines_and_pairs_set_the_step() {
        assert_eq!(
            builtin(&[
                "loss: 1",
                "step: 2",
                "loss: 0.5",
                "acc=0.9 step=3",
                "loss=0.25",
                "step=4.0",
                "x=1"
            ]),
            vec![
                m("loss", 1.0, 0),
                m("loss", 0.5, 2),
                m("acc", 0.9, 3),
                m("loss", 0.25, 3),
                m("x", 1.0, 4),
            ]
        );
    }

    #[test]
    fn json_objects() {
        assert_eq!(
            builtin(&[r#"{"loss": 0.5, "acc": 1, "step": 7, "name": "x", "nested": {"a": 1}}"#]),
            vec![m("acc", 1.0, 7), m("loss", 0.5, 7)]
        );
        // The compact record of `mlt log batch`, with its timestamp.
        let got = builtin(&[r#"{"step": 2, "timestamp": 1700000000000, "metrics": {"f1": 0.8}}"#]);
        assert_eq!(
            got,
            vec![Metric {
                key: "f1".into(),
                value: 0.8,
                step: 2,
                timestamp: Some(1_700_000_000_000)
            }]
        );
        // Python's json.dumps writes bare NaN and Infinity.
        let got =
            builtin(&[r#"{"a": NaN, "b": -Infinity, "c": "NaN is a word", "d": "Infinity"}"#]);
        assert_eq!(got.len(), 3);
        assert!(got[0].value.is_nan());
        assert_eq!(got[1].value, f64::NEG_INFINITY);
        assert_eq!((got[2].key.as_str(), got[2].value), ("d", f64::INFINITY));
        // The step stays for later lines of other formats.
        assert_eq!(
            builtin(&[r#"{"step": 5}"#, "loss: 1"]),
            vec![m("loss", 1.0, 5)]
        );
    }

    #[test]
    fn invalid_keys_are_remembered_not_logged() {
        let mut p = MetricParser::new(true, &["(?P<key>[a-z./]+)=(?P<value>\\d+)".into()]).unwrap();
        assert_eq!(p.parse_line("a/../b=1"), vec![]);
        assert!(p.rejected_keys().contains("a/../b"));
    }

    #[test]
    fn patterns_with_key_and_value() {
        assert_eq!(
            with(&[r"^(\key):\s+(\value)$"], &["loss:  0.5", "loss: x"]),
            vec![m("loss", 0.5, 0)]
        );
        // Every match on a line counts.
        assert_eq!(
            with(&[r"\key -> \value"], &["a -> 1, b -> 2"]),
            vec![m("a", 1.0, 0), m("b", 2.0, 0)]
        );
    }

    #[test]
    fn patterns_with_named_metrics_and_steps() {
        // Keras' progress line.
        let keras = r"- loss: (?P<loss>\number) - accuracy: (?P<accuracy>\number)";
        assert_eq!(
            with(
                &[r"^Epoch (?P<step>\d+)/", keras],
                &[
                    "Epoch 3/10",
                    "469/469 [====] - 2s 4ms/step - loss: 0.29 - accuracy: 0.91"
                ]
            ),
            vec![m("loss", 0.29, 3), m("accuracy", 0.91, 3)]
        );
        assert_eq!(
            with(
                &[r"iter \step: loss (?P<loss>\S+)"],
                &["iter 40: loss 2.5e-3"]
            ),
            vec![m("loss", 2.5e-3, 40)]
        );
    }

    #[test]
    fn a_pattern_match_hides_the_line_from_builtin_formats() {
        let mut p = MetricParser::new(true, &[r"^loss=(?P<train_loss>\number)".into()]).unwrap();
        assert_eq!(p.parse_line("loss=1"), vec![m("train_loss", 1.0, 0)]);
        assert_eq!(p.parse_line("acc=1"), vec![m("acc", 1.0, 0)]);
    }

    #[test]
    fn bad_patterns_are_errors_naming_them() {
        let err = |p: &str| MetricParser::new(false, &[p.to_string()]).err().unwrap();
        assert_eq!(
            err("loss: (\\number"),
            "invalid --metric-pattern 'loss: (\\number': unclosed group"
        );
        assert!(
            err("loss: \\number").contains("names no metric"),
            "{}",
            err("loss: \\number")
        );
        assert!(err("(?P<key>a)").contains("needs both a key and a value"));
        // An escaped backslash keeps `key` literal.
        assert!(err(r"\\key").contains("names no metric"));
    }

    #[test]
    fn shorthand_expansion() {
        assert_eq!(expand(r"a\\key"), r"a\\key");
        assert_eq!(expand(r"\d+\s"), r"\d+\s");
        assert!(expand(r"\key").starts_with("(?P<key>"));
    }

    #[test]
    fn lines_are_cut_at_newlines_and_carriage_returns() {
        let mut lines = Lines::new();
        let mut got = Vec::new();
        lines.feed(b"a=1\nb=", |l| got.push(l.to_string()));
        lines.feed(b"2\r", |l| got.push(l.to_string()));
        lines.feed(b"\n\nprogress 50%\rprogress", |l| got.push(l.to_string()));
        lines.finish(|l| got.push(l.to_string()));
        assert_eq!(got, ["a=1", "b=2", "", "progress 50%", "progress"]);
    }

    #[test]
    fn overlong_lines_are_dropped_not_buffered() {
        let mut lines = Lines::new();
        let mut got = Vec::new();
        let big = vec![b'x'; MAX_LINE / 2 + 1];
        lines.feed(&big, |l| got.push(l.len()));
        lines.feed(&big, |l| got.push(l.len()));
        assert!(lines.buf.capacity() <= MAX_LINE);
        lines.feed(b"tail\nok=1\n", |l| got.push(l.len()));
        assert_eq!(got, [4]);
    }
}
