//! Reading `mlt log batch` input: a stream of JSON values (JSON lines, or one or more
//! pretty-printed documents), each either
//!
//! - MLflow's log-batch body: `{"metrics": [{"key", "value", "timestamp", "step"}],
//!   "params": [{"key", "value"}], "tags": [{"key", "value"}]}` (MLflow's batch limits apply),
//! - a compact record for training loops: `{"step": 3, "metrics": {"loss": 0.5},
//!   "params": {"lr": 0.01}, "tags": {"phase": "warmup"}}`; `step` and `timestamp` apply to
//!   every metric of the record, or
//! - a flat object of metric values, as `mlt run --parse-metrics` reads a JSON line:
//!   `{"loss": 0.4, "step": 3}`. Its step is the record's `step`, else the step of the last
//!   record that named one (0 at first); its timestamp is `timestamp`, else now.
//!
//! Python's bare `NaN`, `Infinity` and `-Infinity` (what `json.dumps` writes) are read too.
//!
//! [`log_batch`] is the use case: it applies the records to a run, as they arrive or only once
//! all of them are checked, and says what it logged.

use crate::entities::{MetricPoint, parse_value};
use crate::store::{Batch, Logger, RunHandle, Store};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::BufRead;

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

/// When [`log_batch`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Apply {
    /// Each record as soon as it is read (a stream from a live training loop); a bad record
    /// stops there, and what came before it stays logged. "Now" is read for each record.
    AsItArrives,
    /// Every record is checked first (keys, values, limits, params against the run and
    /// against each other), so a bad record anywhere changes nothing; the input is opened a
    /// second time to write. Checked records are merged into large batches.
    CheckedFirst,
}

/// How [`log_batch`] reads and writes.
pub struct Options<'a> {
    pub apply: Apply,
    /// The time of metrics that give none, in milliseconds since the epoch.
    pub now: &'a dyn Fn() -> i64,
}

/// What [`log_batch`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Logged {
    pub records: usize,
    pub metrics: usize,
    pub params: usize,
    pub tags: usize,
}

impl Logged {
    fn add(&mut self, b: &Batch) {
        self.records += 1;
        self.metrics += b.metrics.len();
        self.params += b.params.len();
        self.tags += b.tags.len();
    }
}

/// Why [`log_batch`] stopped, and what it had written by then (nothing with
/// [`Apply::CheckedFirst`]).
#[derive(Debug)]
pub struct Failure {
    pub logged: Logged,
    /// One line saying what and where (`record 3 (line 7): ...`).
    pub message: String,
}

/// Logs JSON records to a run. `open` gives the input (called once, or twice with
/// [`Apply::CheckedFirst`]); its error message is passed through as it is.
pub fn log_batch<R: std::io::Read>(
    store: &Store,
    h: &RunHandle,
    mut open: impl FnMut() -> Result<R, String>,
    opts: &Options,
) -> Result<Logged, Failure> {
    let mut logged = Logged::default();
    let fail = |logged: Logged| move |message: String| Failure { logged, message };
    match opts.apply {
        Apply::AsItArrives => {
            let input = open().map_err(fail(logged))?;
            let mut stream = Stream {
                h,
                logger: Logger::new(store, h.clone()),
                pending: Batch::default(),
                pending_logged: Logged::default(),
                logged: Logged::default(),
            };
            let res = records_with_clock(input, opts.now, &mut |event| match event {
                Event::Record(rec, _) => stream.record(rec),
                Event::Waiting => stream.flush(),
            });
            // Records before a bad one are logged.
            let flushed = stream.flush();
            res.map_err(fail(stream.logged))?;
            flushed.map_err(fail(stream.logged))?;
            logged = stream.logged;
        }
        Apply::CheckedFirst => {
            let now = (opts.now)();
            let mut seen = HashMap::new();
            for_each_record(open().map_err(fail(logged))?, now, |rec, _| {
                check_record(store, h, &rec, &mut seen)
            })
            .map_err(fail(logged))?;
            let mut logger = Logger::new(store, h.clone());
            let mut pending = Batch::default();
            let mut counted = Logged::default();
            for_each_record(open().map_err(fail(logged))?, now, |rec, _| {
                counted.add(&rec.batch);
                pending.metrics.extend(rec.batch.metrics);
                pending.params.extend(rec.batch.params);
                pending.tags.extend(rec.batch.tags);
                if pending.len() >= 100_000 {
                    logger
                        .log(&std::mem::take(&mut pending))
                        .map_err(|e| e.to_string())?;
                }
                Ok(())
            })
            .map_err(fail(logged))?;
            logger
                .log(&pending)
                .map_err(|e| fail(logged)(e.to_string()))?;
            logged = counted;
        }
    }
    Ok(logged)
}

/// A stream being applied. Records of metrics only that have already arrived are written
/// together (one append per key, not one per point); they are written before the reader waits
/// for more input, so none waits for a later line.
struct Stream<'a> {
    h: &'a RunHandle,
    logger: Logger<'a>,
    pending: Batch,
    pending_logged: Logged,
    logged: Logged,
}

impl Stream<'_> {
    fn record(&mut self, rec: Record) -> Result<(), String> {
        check_envelope(self.h, &rec)?;
        if rec.batch.params.is_empty() && rec.batch.tags.is_empty() {
            // What the logger would refuse, refused for this record alone.
            rec.batch.validate().map_err(|e| e.to_string())?;
            self.pending_logged.add(&rec.batch);
            self.pending.metrics.extend(rec.batch.metrics);
            if self.pending.metrics.len() >= 10_000 {
                self.flush()?;
            }
            return Ok(());
        }
        self.flush()?;
        // The logger validates keys and params itself; earlier records are on disk.
        self.logger.log(&rec.batch).map_err(|e| e.to_string())?;
        self.logged.add(&rec.batch);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        // Taken first: what a failed write left is not written again.
        let batch = std::mem::take(&mut self.pending);
        let counted = std::mem::take(&mut self.pending_logged);
        // Each record was validated as it arrived.
        self.logger.log_valid(&batch).map_err(|e| e.to_string())?;
        self.logged.records += counted.records;
        self.logged.metrics += counted.metrics;
        Ok(())
    }
}

/// Checks what only a record knows: the run it names (if any) and MLflow's limits for a
/// log-batch body.
fn check_envelope(h: &RunHandle, rec: &Record) -> Result<(), String> {
    if let Some(r) = &rec.run_id
        && r != &h.info.run_id
    {
        return Err(format!(
            "the record is for run {r}, but the target run is {}",
            h.info.run_id
        ));
    }
    if rec.mlflow_body {
        rec.batch.check_limits().map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Checks one record before anything is written: its envelope, keys and values, and params
/// against the run and against earlier records.
fn check_record(
    store: &Store,
    h: &RunHandle,
    rec: &Record,
    seen: &mut HashMap<String, String>,
) -> Result<(), String> {
    check_envelope(h, rec)?;
    rec.batch.validate().map_err(|e| e.to_string())?;
    store
        .check_params(h, &rec.batch.params)
        .map_err(|e| e.to_string())?;
    for (k, v) in &rec.batch.params {
        if let Some(prev) = seen.insert(k.clone(), v.clone())
            && &prev != v
        {
            return Err(format!(
                "param '{k}' was '{prev}' in an earlier record; params cannot change (got '{v}')"
            ));
        }
    }
    Ok(())
}

/// What the reader hands on: a record, or word that it is about to wait for more input.
enum Event {
    Record(Record, Position),
    Waiting,
}

/// Reads records one at a time, calling `f` for each, with `now` as the time of metrics that
/// give none. Stops at the first bad record with a message naming its position.
pub fn for_each_record<R: std::io::Read>(
    reader: R,
    now: i64,
    mut f: impl FnMut(Record, Position) -> Result<(), String>,
) -> Result<usize, String> {
    records_with_clock(reader, &|| now, &mut |event| match event {
        Event::Record(r, p) => f(r, p),
        Event::Waiting => Ok(()),
    })
}

/// [`for_each_record`], reading the clock for each record, and saying before each read that
/// may wait for input.
fn records_with_clock<R: std::io::Read>(
    reader: R,
    now: &dyn Fn() -> i64,
    f: &mut dyn FnMut(Event) -> Result<(), String>,
) -> Result<usize, String> {
    let mut framer = Framer::new(std::io::BufReader::with_capacity(64 * 1024, reader));
    let mut step = 0;
    let mut n = 0;
    let mut memo = fast::Memo::default();
    while let Some(line) = framer.next_value(&mut || f(Event::Waiting))? {
        n += 1;
        let pos = Position { record: n, line };
        let now = now();
        if let Some(record) = fast::record(framer.value(), now, &mut step, &mut memo) {
            f(Event::Record(record, pos)).map_err(|m| format!("{pos}: {m}"))?;
            continue;
        }
        let value = parse_json(framer.value()).map_err(|e| {
            format!(
                "{pos}: invalid JSON: {e}",
                pos = Position {
                    record: n,
                    line: line + e.line().saturating_sub(1)
                }
            )
        })?;
        let record = parse_record(value, now, &mut step).map_err(|m| format!("{pos}: {m}"))?;
        f(Event::Record(record, pos)).map_err(|m| format!("{pos}: {m}"))?;
    }
    Ok(n)
}

/// One value's bytes as JSON; bare `NaN`, `Infinity` and `-Infinity` as `--parse-metrics` reads
/// them. The error is the one of the plain JSON.
fn parse_json(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    serde_json::from_slice(bytes).or_else(|e| {
        std::str::from_utf8(bytes)
            .ok()
            .and_then(|text| {
                serde_json::from_str(&crate::wrap::parse::quote_bare_specials(text)).ok()
            })
            .ok_or(e)
    })
}

/// Cuts the input into JSON values without parsing them: whole lines are read into one
/// buffer, and a value that starts with `{` or `[` ends where its brackets balance (outside
/// strings), so a record is handed on as soon as its last line arrives, and a pretty-printed
/// document is read to its end. Anything else (a bad record) is handed on up to the end of
/// its line, for the parser to report.
struct Framer<R> {
    reader: std::io::BufReader<R>,
    buf: Vec<u8>,
    /// Where the next value may start in `buf`.
    pos: usize,
    /// The line of `buf[pos]`, from 1.
    line: usize,
    /// The bytes of the last value found.
    value: std::ops::Range<usize>,
}

/// Called before a read that may wait for input.
type Wait<'a> = dyn FnMut() -> Result<(), String> + 'a;

impl<R: std::io::Read> Framer<R> {
    fn new(reader: std::io::BufReader<R>) -> Self {
        Framer {
            reader,
            buf: Vec::with_capacity(8192),
            pos: 0,
            line: 1,
            value: 0..0,
        }
    }

    fn value(&self) -> &[u8] {
        &self.buf[self.value.clone()]
    }

    /// Reads one more line onto the buffer; false at the end of the input. Calls `wait` first
    /// unless a whole line has already arrived.
    fn read_line(&mut self, wait: &mut Wait) -> Result<bool, String> {
        if !self.reader.buffer().contains(&b'\n') {
            wait()?;
        }
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        } else if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        match self.reader.read_until(b'\n', &mut self.buf) {
            Ok(n) => Ok(n > 0),
            Err(e) => Err(format!("line {}: {e}", self.line)),
        }
    }

    /// Finds the next value; returns the line it starts on, or `None` at the end.
    fn next_value(&mut self, wait: &mut Wait) -> Result<Option<usize>, String> {
        // Skip white space, across lines.
        loop {
            while let Some(&b) = self.buf.get(self.pos) {
                if !b.is_ascii_whitespace() {
                    break;
                }
                if b == b'\n' {
                    self.line += 1;
                }
                self.pos += 1;
            }
            if self.pos < self.buf.len() {
                break;
            }
            if !self.read_line(wait)? {
                return Ok(None);
            }
        }
        let start_line = self.line;
        let first = self.buf[self.pos];
        if first != b'{' && first != b'[' {
            let rest = &self.buf[self.pos..];
            let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            self.value = self.pos..self.pos + len;
            self.pos += len;
            return Ok(Some(start_line));
        }
        let mut scan = Scan::default();
        let mut i = self.pos;
        // The size at which an unfinished value is next checked for a syntax error (checks at
        // doubling sizes cost linear time), so a broken record in a live stream is reported
        // without waiting for brackets that never close.
        let mut check_at = 0;
        loop {
            if let Some(end) = scan.feed(&self.buf[i..]) {
                let end = i + end;
                self.line += scan.newlines;
                self.value = self.pos..end;
                self.pos = end;
                return Ok(Some(start_line));
            }
            i = self.buf.len();
            if i - self.pos >= check_at {
                check_at = 2 * (i - self.pos);
                let partial = &self.buf[self.pos..];
                if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(partial)
                    && !e.is_eof()
                {
                    self.value = self.pos..i;
                    self.line += scan.newlines;
                    self.pos = i;
                    return Ok(Some(start_line));
                }
            }
            let start = self.pos;
            if !self.read_line(wait)? {
                // Unfinished at the end: the parser says so, on the value's last line.
                let end = self.buf.len()
                    - self.buf[self.pos..]
                        .iter()
                        .rev()
                        .take_while(|b| b.is_ascii_whitespace())
                        .count();
                self.value = self.pos..end;
                self.line += scan.newlines;
                self.pos = self.buf.len();
                return Ok(Some(start_line));
            }
            // read_line may have moved the unfinished value to the front.
            i -= start - self.pos;
        }
    }
}

/// Bracket depth outside strings, fed chunk by chunk.
#[derive(Default)]
struct Scan {
    depth: usize,
    in_string: bool,
    escaped: bool,
    newlines: usize,
}

impl Scan {
    /// Feeds bytes; the offset just past the bracket that closes the value, if it is there.
    fn feed(&mut self, bytes: &[u8]) -> Option<usize> {
        /// The bytes that change the state: quotes, escapes, brackets, newlines.
        const SPECIAL: [bool; 256] = {
            let mut t = [false; 256];
            let mut i = 0;
            while i < 8 {
                t[b"\"\\{}[]\n\n"[i] as usize] = true;
                i += 1;
            }
            t
        };
        for (i, &b) in bytes.iter().enumerate() {
            // A byte after a backslash is skipped below, whatever it is.
            if !SPECIAL[b as usize] && !self.escaped {
                continue;
            }
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                } else if b == b'\n' {
                    self.newlines += 1;
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                b'\n' => self.newlines += 1,
                _ => {}
            }
        }
        None
    }
}

/// The common shapes of a record read without building a JSON tree: a flat object of numbers,
/// and a compact record of `step`, `timestamp` and `metrics` (an object of numbers), with keys
/// without escapes and numbers that serde_json reads in one multiplication or division.
/// Anything else (strings, escapes, nulls, params, bare `NaN`, long or huge numbers, bad
/// JSON) gives `None`, and the general path reads the record, so the records and the errors
/// are the general path's. What this path gives is what the general one would.
mod fast {
    use super::{Batch, MetricPoint, Record};

    /// Powers of ten that an f64 holds exactly (serde_json's table, up to where it is exact).
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// A JSON number: its value as serde_json's `as_f64` gives it, and as an i64 when it is
    /// an integer literal that serde_json's `as_i64` gives.
    #[derive(Clone, Copy)]
    struct Num {
        value: f64,
        int: Option<i64>,
    }

    enum Val<'a> {
        Num(Num),
        Obj(Vec<(&'a str, f64)>),
    }

    struct Parser<'a> {
        /// The value's text (checked as UTF-8 once, so each key is only sliced from it).
        s: &'a str,
        b: &'a [u8],
        i: usize,
    }

    impl<'a> Parser<'a> {
        fn ws(&mut self) {
            while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
                self.i += 1;
            }
        }

        fn eat(&mut self, c: u8) -> bool {
            if self.b.get(self.i) == Some(&c) {
                self.i += 1;
                true
            } else {
                false
            }
        }

        /// A string without escapes or control characters.
        fn string(&mut self) -> Option<&'a str> {
            if !self.eat(b'"') {
                return None;
            }
            let start = self.i;
            loop {
                match *self.b.get(self.i)? {
                    b'"' => break,
                    b'\\' | 0..0x20 => return None,
                    _ => self.i += 1,
                }
            }
            // Both ends are next to an ASCII quote, so on character boundaries.
            let s = self.s.get(start..self.i)?;
            self.i += 1;
            Some(s)
        }

        fn digit(&self) -> Option<u64> {
            match self.b.get(self.i) {
                Some(&c @ b'0'..=b'9') => Some(u64::from(c - b'0')),
                _ => None,
            }
        }

        /// A number, read as serde_json reads it (without its `float_roundtrip` feature):
        /// the digits as an integer significand and a power of ten.
        fn number(&mut self) -> Option<Num> {
            let neg = self.eat(b'-');
            let mut sig = self.digit()?;
            self.i += 1;
            if sig == 0 {
                // One leading zero only.
                if self.digit().is_some() {
                    return None;
                }
            } else {
                while let Some(d) = self.digit() {
                    sig = sig.checked_mul(10)?.checked_add(d)?;
                    self.i += 1;
                }
            }
            let mut exp: i32 = 0;
            let mut int = true;
            if self.eat(b'.') {
                int = false;
                self.digit()?;
                while let Some(d) = self.digit() {
                    sig = sig.checked_mul(10)?.checked_add(d)?;
                    exp -= 1;
                    self.i += 1;
                }
            }
            if self.eat(b'e') || self.eat(b'E') {
                int = false;
                let neg_exp = self.eat(b'-');
                if !neg_exp {
                    self.eat(b'+');
                }
                let mut e = self.digit()? as i32;
                self.i += 1;
                while let Some(d) = self.digit() {
                    e = e * 10 + d as i32;
                    if e > 1000 {
                        return None;
                    }
                    self.i += 1;
                }
                exp += if neg_exp { -e } else { e };
            }
            if int {
                let value = sig as f64;
                let int = if !neg {
                    i64::try_from(sig).ok()
                } else if sig == 0 {
                    Some(0)
                } else {
                    0i64.checked_sub_unsigned(sig)
                };
                let value = if neg { -value } else { value };
                return Some(Num { value, int });
            }
            let pow = *POW10.get(exp.unsigned_abs() as usize)?;
            let f = sig as f64;
            let f = if exp >= 0 { f * pow } else { f / pow };
            Some(Num {
                value: if neg { -f } else { f },
                int: None,
            })
        }

        /// `{ "key": value, ... }` with values from `value`.
        fn object<T>(
            &mut self,
            mut value: impl FnMut(&mut Self, &'a str) -> Option<T>,
        ) -> Option<Vec<(&'a str, T)>> {
            let mut out = Vec::with_capacity(16);
            self.ws();
            if !self.eat(b'{') {
                return None;
            }
            self.ws();
            if self.eat(b'}') {
                return Some(out);
            }
            loop {
                self.ws();
                let key = self.string()?;
                self.ws();
                if !self.eat(b':') {
                    return None;
                }
                self.ws();
                let v = value(self, key)?;
                out.push((key, v));
                self.ws();
                if self.eat(b'}') {
                    return Some(out);
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
    }

    /// Sorts fields by key and keeps the last of a key given twice, as serde_json's map does.
    fn as_map<T>(fields: &mut Vec<(&str, T)>) {
        fields.sort_by(|a, b| a.0.cmp(b.0));
        fields.dedup_by(|later, kept| {
            if later.0 == kept.0 {
                std::mem::swap(later, kept);
                true
            } else {
                false
            }
        });
    }

    /// The keys of the last object [`Memo::as_map`] sorted (when it had no key twice), one
    /// after another, and the order of its fields that sorts them.
    #[derive(Default)]
    pub(super) struct Memo {
        keys: Vec<u8>,
        ends: Vec<usize>,
        order: Vec<usize>,
    }

    impl Memo {
        /// The fields of an object of numbers as [`as_map`] gives them: as they are when
        /// already in order, in the last object's order when the keys are the last object's.
        fn as_map<'a>(&mut self, mut fields: Vec<(&'a str, f64)>) -> Vec<(&'a str, f64)> {
            if fields.windows(2).all(|w| w[0].0 < w[1].0) {
                return fields;
            }
            if !self.same_keys(&fields) {
                let mut order: Vec<usize> = (0..fields.len()).collect();
                order.sort_by(|&a, &b| fields[a].0.cmp(fields[b].0));
                if order.windows(2).any(|w| fields[w[0]].0 == fields[w[1]].0) {
                    // A key given twice: the general sort, not remembered.
                    self.ends.clear();
                    self.keys.clear();
                    self.order.clear();
                    as_map(&mut fields);
                    return fields;
                }
                self.keys.clear();
                self.ends.clear();
                for (k, _) in &fields {
                    self.keys.extend_from_slice(k.as_bytes());
                    self.ends.push(self.keys.len());
                }
                self.order = order;
            }
            self.order.iter().map(|&i| fields[i]).collect()
        }

        fn same_keys(&self, fields: &[(&str, f64)]) -> bool {
            if fields.len() != self.ends.len() || fields.is_empty() {
                return false;
            }
            let mut start = 0;
            fields.iter().zip(&self.ends).all(|((k, _), &end)| {
                let same = self.keys[start..end] == *k.as_bytes();
                start = end;
                same
            })
        }
    }

    /// [`super::parse_record`] of the value in `bytes`, for the shapes this path reads.
    /// `memo`: the keys of the last `metrics` object and the order that sorts them, kept from
    /// record to record (a training loop gives the same keys in the same order each time).
    pub(super) fn record(
        bytes: &[u8],
        now: i64,
        step: &mut i64,
        memo: &mut Memo,
    ) -> Option<Record> {
        let s = std::str::from_utf8(bytes).ok()?;
        let mut p = Parser { s, b: bytes, i: 0 };
        let mut fields = p.object(|p, key| {
            if p.b.get(p.i) == Some(&b'{') {
                if key != "metrics" {
                    return None;
                }
                let m = p.object(|p, _| p.number().map(|n| n.value))?;
                return Some(Val::Obj(memo.as_map(m)));
            }
            p.number().map(Val::Num)
        })?;
        p.ws();
        if p.i != bytes.len() {
            return None;
        }
        as_map(&mut fields);
        let int = |name: &str| match fields.iter().find(|(k, _)| *k == name) {
            None => Some(None),
            Some((_, Val::Num(Num { int: Some(i), .. }))) => Some(Some(*i)),
            Some(_) => None,
        };
        let given_step = int("step")?;
        let timestamp = int("timestamp")?.unwrap_or(now);
        let mut metrics = Vec::new();
        let point = |value, step| MetricPoint {
            timestamp,
            value,
            step,
        };
        if fields.iter().any(|(k, _)| *k == "metrics") {
            let step = given_step.unwrap_or(0);
            for (k, v) in fields {
                match (k, v) {
                    ("step" | "timestamp", _) => {}
                    ("metrics", Val::Obj(m)) => {
                        metrics = m
                            .into_iter()
                            .map(|(k, v)| (k.to_string(), point(v, step)))
                            .collect();
                    }
                    _ => return None,
                }
            }
        } else {
            let step = given_step.unwrap_or(*step);
            for (k, v) in fields {
                match (k, v) {
                    ("step" | "timestamp", _) => {}
                    // A field of the record forms is not a metric: the general path says so.
                    (k, Val::Num(n)) if !super::RECORD_FIELDS.contains(&k) => {
                        metrics.push((k.to_string(), point(n.value, step)));
                    }
                    _ => return None,
                }
            }
        }
        if let Some(s) = given_step {
            *step = s;
        }
        Some(Record {
            batch: Batch {
                metrics,
                ..Batch::default()
            },
            mlflow_body: false,
            run_id: None,
        })
    }
}

/// The fields that make an object a compact record or an MLflow body rather than a flat
/// object of metric values.
const RECORD_FIELDS: [&str; 5] = ["metrics", "params", "tags", "run_id", "run_uuid"];

/// One record from its JSON value. `step` is the step of the last record that named one; a
/// flat object without a step takes it.
fn parse_record(v: Value, now: i64, step: &mut i64) -> Result<Record, String> {
    let Value::Object(obj) = v else {
        return Err("expected a JSON object".into());
    };
    let given_step = match obj.get("step") {
        None | Some(Value::Null) => None,
        Some(s) => Some(int(s, "'step' must be an integer")?),
    };
    if let Some(s) = given_step {
        *step = s;
    }
    let timestamp = match obj.get("timestamp") {
        None | Some(Value::Null) => now,
        Some(s) => int(s, "'timestamp' must be an integer (milliseconds)")?,
    };
    if !obj.keys().any(|k| RECORD_FIELDS.contains(&k.as_str())) {
        return flat_record(&obj, *step, timestamp);
    }
    let step = given_step.unwrap_or(0);
    let mut batch = Batch::default();
    let mut mlflow_body = false;
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
                    "unknown field '{k}' (expected metrics, params, tags, step, timestamp; \
                     or a flat object of metric values, without those)"
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

/// A flat object of metric values, read as `mlt run --parse-metrics` reads such a line; a
/// field that is not a number is an error here, not skipped.
fn flat_record(obj: &Map<String, Value>, step: i64, timestamp: i64) -> Result<Record, String> {
    use crate::wrap::parse::{json_metric, metric_fields};
    let mut batch = Batch::default();
    for (key, v) in metric_fields(obj) {
        let value = json_metric(v).ok_or_else(|| {
            format!(
                "field '{key}' is neither a metric value (a number) nor one of metrics, \
                 params, tags, step, timestamp"
            )
        })?;
        batch.metrics.push((
            key.clone(),
            MetricPoint {
                timestamp,
                value,
                step,
            },
        ));
    }
    Ok(Record {
        batch,
        mlflow_body: false,
        run_id: None,
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
        assert!(
            e.contains("field 'metric' is neither a metric value (a number) nor one of metrics"),
            "{e}"
        );
        let e = records("{\"metrics\": {}, \"loss\": 1}").unwrap_err();
        assert!(e.contains("unknown field 'loss'"), "{e}");
        let e = records("{\"a\": 1}\n{\"a\": 1,\n \"b\": [2]}\n").unwrap_err();
        assert!(
            e.starts_with("record 2 (line 2): field 'b' is neither"),
            "{e}"
        );
    }

    fn points(r: &[(Record, Position)]) -> Vec<(&str, f64, i64, i64)> {
        r.iter()
            .flat_map(|(r, _)| &r.batch.metrics)
            .map(|(k, p)| (k.as_str(), p.value, p.step, p.timestamp))
            .collect()
    }

    #[test]
    fn flat_objects_are_metrics_as_parse_metrics_reads_them() {
        // As `mlt run --parse-metrics`: the step of a line carries on to the lines after it;
        // the timestamp is the line's or now.
        let r = records(
            "{\"loss\": 0.4}\n{\"loss\": 0.3, \"acc\": \"NaN\", \"step\": 2}\n\
             {\"loss\": 0.2, \"timestamp\": 99}\n{\"step\": 5, \"metrics\": {}}\n{\"loss\": -Infinity}\n",
        )
        .unwrap();
        let got = points(&r);
        assert_eq!(got[0], ("loss", 0.4, 0, 7));
        assert_eq!((got[1].0, got[1].2), ("acc", 2));
        assert!(got[1].1.is_nan());
        assert_eq!(got[2], ("loss", 0.3, 2, 7));
        assert_eq!(got[3], ("loss", 0.2, 2, 99));
        assert_eq!(got[4], ("loss", f64::NEG_INFINITY, 5, 7));
        assert!(r.iter().all(|(r, _)| !r.mlflow_body));
        // The same lines, as `--parse-metrics` reads them.
        let mut p = crate::wrap::parse::MetricParser::new(true, &[]).unwrap();
        let parsed: Vec<_> = ["{\"loss\": 0.4}", "{\"loss\": 0.3, \"step\": 2}"]
            .iter()
            .flat_map(|l| p.parse_line(l))
            .map(|m| (m.key, m.value, m.step))
            .collect();
        assert_eq!(parsed, [("loss".into(), 0.4, 0), ("loss".into(), 0.3, 2)]);
        // A compact record without a step is still at step 0.
        let r = records("{\"step\": 3}\n{\"metrics\": {\"m\": 1}}\n").unwrap();
        assert_eq!(points(&r), [("m", 1.0, 0, 7)]);
    }

    #[test]
    fn values_are_cut_from_lines_and_documents() {
        // Several on a line, one over many lines, brackets inside strings, bare NaN.
        let r = records(
            "{\"a\": 1} {\"b\": 2}\n\n  {\"metrics\":\n {\"c}\": 3,\n \"d{\": NaN}}\n{\"e\": 4}",
        )
        .unwrap();
        let lines: Vec<usize> = r.iter().map(|(_, p)| p.line).collect();
        assert_eq!(lines, [1, 1, 3, 6]);
        let keys: Vec<&str> = points(&r).iter().map(|p| p.0).collect();
        assert_eq!(keys, ["a", "b", "c}", "d{", "e"]);
        // An escape inside a string, then a bracket there.
        let r = records(r#"{"a\"\n}": 1} {"b\\": 2}"#).unwrap();
        let keys: Vec<&str> = points(&r).iter().map(|p| p.0).collect();
        assert_eq!(keys, ["a\"\n}", "b\\"]);
        assert!(records("").unwrap().is_empty());
        assert!(records(" \n\n").unwrap().is_empty());
        let e = records("{\"a\": 1}\n3\n").unwrap_err();
        assert!(
            e.starts_with("record 2 (line 2): expected a JSON object"),
            "{e}"
        );
        let e = records("{\"a\": 1}\n{\"b\":\n").unwrap_err();
        assert!(e.starts_with("record 2 (line 2): invalid JSON: EOF"), "{e}");
    }

    /// The fast path reads what the general path reads, and leaves to it whatever else.
    #[test]
    fn the_fast_path_agrees_with_the_general_one() {
        let mut lines: Vec<String> = [
            r#"{"step": 0, "timestamp": 1700000000000, "metrics": {"m0": 0.956034, "m1": 0.947827, "m10": 0.5}}"#,
            r#"{"a": 1, "a": 2, "b": -0, "c": -0.0, "d": 0}"#,
            r#"{"metrics": {"x": 1e-7, "y": 1E+3, "x": 5, "z": 2.5e-3}, "step": 3, "timestamp": 17}"#,
            r#"{ "metrics" : { } , "step" : 2 }"#,
            r#"{"loss": 0.4}"#,
            r#"{"loss": 0.3, "step": 7}"#,
            r#"{"step": -9223372036854775808, "m": 1}"#,
            r#"{"step": 9223372036854775807, "timestamp": 0, "m": -1}"#,
            r#"{"m": 18446744073709551615, "n": 9007199254740993, "o": -9223372036854775809}"#,
            r#"{"m": 0.1e1, "n": 123456789.123456, "o": 1e22, "p": 1e-22, "q": 0.0000001}"#,
            r#"{"metrics": {"é ü": 1.5}}"#,
            "{}",
            r#"{"step": 4}"#,
            // The order of the last record's keys reused only for the same keys.
            r#"{"metrics": {"b": 1, "a": 2, "c": 3}}"#,
            r#"{"metrics": {"b": 4, "a": 5, "c": 6}}"#,
            r#"{"metrics": {"b": 4, "c": 5, "a": 6}}"#,
            r#"{"metrics": {"b": 4, "c": 5}}"#,
            r#"{"metrics": {"b": 1, "a": 2, "b": 3}}"#,
            r#"{"metrics": {"b": 1, "a": 2, "c": 3}}"#,
            r#"{"metrics": {"b": 1, "a": 2, "cc": 3}}"#,
            "\t{\n\"k\":\r1 }",
            // The general path only (or an error there).
            r#"{"params": 5}"#,
            r#"{"run_id": 5, "m": 1}"#,
            r#"{"metrics": {"a": 1}, "tags": {}}"#,
            r#"{"metrics": 1}"#,
            r#"{"metrics": {"a": 1}, "loss": 2}"#,
            r#"{"step": 9223372036854775808, "m": 1}"#,
            r#"{"step": 3.0, "m": 1}"#,
            r#"{"step": null, "m": 1}"#,
            r#"{"timestamp": "5", "m": 1}"#,
            r#"{"m": 18446744073709551616}"#,
            r#"{"m": 1.7976931348623157e308, "n": 5e-324}"#,
            r#"{"m": 123456789012345678901234567890}"#,
            r#"{"m": "NaN"}"#,
            r#"{"m": NaN}"#,
            r#"{"m\u0041": 1}"#,
            r#"{"m": 01}"#,
            r#"{"m": 1.}"#,
            r#"{"m": .5}"#,
            r#"{"m": -}"#,
            r#"{"m": 1e}"#,
            r#"{"m": 1x}"#,
            r#"{"m": 1,}"#,
            r#"{"m": [1]}"#,
            r#"{"m": {"a": 1}}"#,
            r#"{"metrics": {"a": {"b": 1}}}"#,
            r#"{"m": 1} x"#,
            r#"{"m": 1"#,
            r#"{"m" 1}"#,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Numbers of every length and scale.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..3000 {
            let r = next();
            let int = next() % 10u64.pow((r % 20) as u32);
            let frac = next() % 10u64.pow((r >> 8) as u32 % 19);
            let exp = (r >> 16) as i64 % 60 - 30;
            let sign = if r & (1 << 40) != 0 { "-" } else { "" };
            lines.push(format!(
                r#"{{"step": {}, "metrics": {{"a": {sign}{int}.{frac:0>5}, "b": {sign}{int}e{exp}, "c": {int}.{frac}E{exp}, "d": {sign}{int}}}}}"#,
                next() as i64
            ));
        }
        let mut fast_count = 0;
        let (mut fast_step, mut slow_step) = (11, 11);
        let mut memo = fast::Memo::default();
        for line in &lines {
            let slow = parse_json(line.as_bytes())
                .map_err(|e| e.to_string())
                .and_then(|v| parse_record(v, 5, &mut slow_step));
            match fast::record(line.as_bytes(), 5, &mut fast_step, &mut memo) {
                Some(fast) => {
                    fast_count += 1;
                    let slow = slow.unwrap_or_else(|e| panic!("{line}: {e}"));
                    assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{line}");
                }
                None => {
                    // Left to the general path, which then sets the step.
                    fast_step = slow_step;
                }
            }
            assert_eq!(fast_step, slow_step, "{line}");
        }
        assert!(fast_count > 1000, "{fast_count}");
    }

    /// A reader that hands out its chunks one read at a time, then fails: reading further
    /// than a record's end before applying it shows as that failure.
    struct Chunks(Vec<&'static str>);

    impl std::io::Read for Chunks {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("read past what had arrived"));
            }
            let c = self.0.remove(0).as_bytes();
            buf[..c.len()].copy_from_slice(c);
            Ok(c.len())
        }
    }

    #[test]
    fn each_record_is_handed_on_when_its_line_arrives() {
        let input = std::io::BufReader::new(Chunks(vec!["{\"a\": 1}\n{\"b\"", ": 2}\n"]));
        let mut seen = Vec::new();
        let e = for_each_record(input, 0, |r, _| {
            seen.push(r.batch.metrics[0].0.clone());
            Ok(())
        })
        .unwrap_err();
        assert_eq!(seen, ["a", "b"]);
        assert!(e.contains("read past what had arrived"), "{e}");
        // A broken record is reported when its line ends, not when brackets that never close
        // would.
        let input = std::io::BufReader::new(Chunks(vec!["{\"a\": 1}\n{oops\n"]));
        let e = for_each_record(input, 0, |_, _| Ok(())).unwrap_err();
        assert!(e.starts_with("record 2 (line 2): invalid JSON"), "{e}");
    }

    mod use_case {
        use super::super::*;
        use crate::store::NewRun;

        fn run() -> (tempfile::TempDir, Store, RunHandle) {
            let tmp = tempfile::tempdir().unwrap();
            let s = Store::new(tmp.path());
            s.init().unwrap();
            let e = s.experiment("0").unwrap();
            let info = s.create_run(&e, NewRun::default()).unwrap();
            let h = s.find_run(&info.run_id).unwrap();
            (tmp, s, h)
        }

        fn log(s: &Store, h: &RunHandle, input: &str, apply: Apply) -> Result<Logged, Failure> {
            let opts = Options { apply, now: &|| 42 };
            log_batch(s, h, || Ok(input.as_bytes()), &opts)
        }

        #[test]
        fn records_go_to_the_run_and_are_counted() {
            let (_t, s, h) = run();
            let input = "{\"params\": {\"lr\": 0.1}, \"tags\": {\"t\": \"x\"}}\n{\"loss\": 0.5, \"step\": 1}\n";
            for apply in [Apply::AsItArrives, Apply::CheckedFirst] {
                let logged = log(&s, &h, input, apply).unwrap();
                let want = Logged {
                    records: 2,
                    metrics: 1,
                    params: 1,
                    tags: 1,
                };
                assert_eq!(logged, want);
            }
            let hist = s.metric_history(&h.info.run_id, "loss").unwrap();
            let want = MetricPoint {
                timestamp: 42,
                value: 0.5,
                step: 1,
            };
            assert_eq!(hist, [want, want]);
        }

        #[test]
        fn a_stream_keeps_what_came_before_a_bad_record_and_a_checked_input_writes_nothing() {
            let (_t, s, h) = run();
            let input = "{\"a\": 1}\n{\"params\": {\"p\": 1}}\n{\"params\": {\"p\": 2}}\n";
            let f = log(&s, &h, input, Apply::CheckedFirst).unwrap_err();
            assert_eq!(f.logged, Logged::default());
            assert_eq!(
                f.message,
                "record 3 (line 3): param 'p' was '1' in an earlier record; params cannot change (got '2')"
            );
            assert!(s.metric_history(&h.info.run_id, "a").is_err());
            let f = log(&s, &h, input, Apply::AsItArrives).unwrap_err();
            assert_eq!(
                (f.logged.records, f.logged.metrics, f.logged.params),
                (2, 1, 1)
            );
            assert!(
                f.message.starts_with("record 3 (line 3): "),
                "{}",
                f.message
            );
            assert_eq!(s.metric_history(&h.info.run_id, "a").unwrap().len(), 1);
        }

        #[test]
        fn records_that_arrived_are_written_before_waiting_for_more() {
            let (_t, s, h) = run();
            let mut input = Some(super::Chunks(vec!["{\"a\": 1}\n{\"a\": 2, \"step\": 1}\n"]));
            let opts = Options {
                apply: Apply::AsItArrives,
                now: &|| 42,
            };
            let f = log_batch(&s, &h, || Ok(input.take().unwrap()), &opts).unwrap_err();
            assert!(
                f.message.contains("read past what had arrived"),
                "{}",
                f.message
            );
            assert_eq!((f.logged.records, f.logged.metrics), (2, 2));
            let steps: Vec<i64> = s
                .metric_history(&h.info.run_id, "a")
                .unwrap()
                .iter()
                .map(|p| p.step)
                .collect();
            assert_eq!(steps, [0, 1]);
            // A bad record: the metrics before it are written, its own are not.
            let input = "{\"b\": 1}\n{\"b\": 2}\n{\"bad key?\": 3}\n{\"b\": 4}\n";
            let f = log(&s, &h, input, Apply::AsItArrives).unwrap_err();
            assert!(
                f.message.starts_with("record 3 (line 3): "),
                "{}",
                f.message
            );
            assert_eq!((f.logged.records, f.logged.metrics), (2, 2));
            assert_eq!(s.metric_history(&h.info.run_id, "b").unwrap().len(), 2);
        }

        #[test]
        fn envelopes_are_checked() {
            let (_t, s, h) = run();
            let f = log(
                &s,
                &h,
                "{\"run_id\": \"other\", \"metrics\": []}",
                Apply::AsItArrives,
            )
            .unwrap_err();
            assert!(
                f.message.contains("the record is for run other"),
                "{}",
                f.message
            );
            let open_error = log_batch(
                &s,
                &h,
                || Err::<&[u8], _>("no such file".to_string()),
                &Options {
                    apply: Apply::CheckedFirst,
                    now: &|| 0,
                },
            )
            .unwrap_err();
            assert_eq!(open_error.message, "no such file");
        }
    }
}
