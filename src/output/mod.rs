//! All output formatting: tables (sized to the terminal), CSV, JSON and human times.
//! Commands build a [`Listing`] and a JSON value; [`Format`] picks which one is printed.
//! Charts are in [`chart`]; output too large to build first is streamed by [`stream`].
//!
//! Cells are typed ([`Cell`]): numbers are rounded to [`Settings::precision`] significant
//! digits in tables and Markdown (CSV and JSON keep every digit), times are shown in local
//! time with the offset (or in UTC, labelled, with `--utc`), and in a table too narrow for its
//! content only free text is cut short with `…`: numbers, ids and times are never split.

pub mod chart;
pub mod json;
pub mod stream;

use std::io::Write;
use std::sync::OnceLock;

/// `--format` of listings and `show` commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
    /// A Markdown table, for pull-request comments and CI summaries.
    Md,
}

/// Significant digits of numbers in tables when `--precision` is not given (as `dvc exp
/// show`).
pub const DEFAULT_PRECISION: usize = 5;

/// How tables are drawn; set once from the command line by [`configure`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Significant digits of numbers in tables and Markdown (1 to 17; 17 is exact).
    pub precision: usize,
    /// Times in UTC, labelled so, instead of local time with its offset.
    pub utc: bool,
    /// The width tables are fitted to; `None` when unknown (not a terminal, or one that says
    /// it has 0 columns): then nothing is wrapped or cut.
    pub width: Option<usize>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            precision: DEFAULT_PRECISION,
            utc: false,
            width: None,
        }
    }
}

impl Settings {
    /// The settings for `--precision` and `--utc`, with the width from `COLUMNS` or the
    /// terminal ([`detect_width`]).
    pub fn new(precision: Option<usize>, utc: bool) -> Settings {
        Settings {
            precision: precision.unwrap_or(DEFAULT_PRECISION).clamp(1, 17),
            utc,
            width: detect_width(),
        }
    }
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Sets how tables are drawn, once, before anything is rendered.
pub fn configure(s: Settings) {
    let _ = SETTINGS.set(s);
}

/// The settings given to [`configure`], else the defaults with the detected width.
pub fn settings() -> Settings {
    *SETTINGS.get_or_init(|| Settings::new(None, false))
}

/// `COLUMNS` when it is a positive number, else the terminal's width when it is a terminal
/// that reports one above 0 (`script` and some CI terminals report 0), else unknown.
pub fn detect_width() -> Option<usize> {
    width_from(
        crate::env::var(crate::env::COLUMNS).as_deref(),
        comfy_table::Table::new().width(),
    )
}

fn width_from(columns: Option<&str>, terminal: Option<u16>) -> Option<usize> {
    columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
        .or_else(|| terminal.map(usize::from).filter(|w| *w > 0))
}

/// One cell of a [`Listing`]: what it holds decides how each format shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Free text (names, descriptions, paths, param values as logged): cut short with `…`
    /// in a table too narrow for it.
    Text(String),
    /// An id, version, size or other token that is kept whole.
    Id(String),
    /// A number: rounded to the precision in tables and Markdown, every digit in CSV.
    Number(f64),
    /// A number with a `+` when not negative (a change), and text after it (`" (step 3)"`,
    /// `" *"`): the number rounded as [`Cell::Number`], the whole kept together.
    Decorated {
        value: f64,
        plus: bool,
        suffix: String,
    },
    /// Milliseconds since the epoch: local time with its offset, or UTC with `--utc`; CSV
    /// always has UTC, unlabelled (`YYYY-MM-DD HH:MM:SS`).
    Time(i64),
}

impl Default for Cell {
    fn default() -> Cell {
        Cell::Text(String::new())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<&String> for Cell {
    fn from(s: &String) -> Cell {
        Cell::Text(s.clone())
    }
}

impl Cell {
    /// An id (or any token kept whole).
    pub fn id(s: impl Into<String>) -> Cell {
        Cell::Id(s.into())
    }

    /// A number with text after it, kept together.
    pub fn number_with(value: f64, suffix: impl Into<String>) -> Cell {
        Cell::Decorated {
            value,
            plus: false,
            suffix: suffix.into(),
        }
    }

    /// A change: the number with its sign, `+` included, and text after it.
    pub fn change(value: f64, suffix: impl Into<String>) -> Cell {
        Cell::Decorated {
            value,
            plus: true,
            suffix: suffix.into(),
        }
    }

    /// Whether a table may cut this cell short.
    fn is_text(&self) -> bool {
        matches!(self, Cell::Text(_))
    }

    /// The text shown in a table or Markdown.
    pub fn display(&self, s: &Settings) -> String {
        match self {
            Cell::Text(t) | Cell::Id(t) => t.clone(),
            Cell::Number(v) => round(*v, s.precision),
            Cell::Decorated {
                value,
                plus,
                suffix,
            } => {
                let sign = if *plus && !value.is_nan() && *value >= 0.0 {
                    "+"
                } else {
                    ""
                };
                format!("{sign}{}{suffix}", round(*value, s.precision))
            }
            Cell::Time(ms) => time_with(*ms, s.utc),
        }
    }

    /// The text in CSV: every digit, times in UTC.
    pub fn raw(&self) -> String {
        match self {
            Cell::Text(t) | Cell::Id(t) => t.clone(),
            Cell::Number(v) => value(*v),
            Cell::Decorated {
                value: v,
                plus,
                suffix,
            } => {
                let sign = if *plus && !v.is_nan() && *v >= 0.0 {
                    "+"
                } else {
                    ""
                };
                format!("{sign}{}{suffix}", value(*v))
            }
            Cell::Time(ms) => time(*ms),
        }
    }
}

/// The fewest characters a text column is narrowed to (fewer when its text is shorter).
const MIN_TEXT_WIDTH: usize = 10;
/// The most characters of its header a column of numbers or ids is widened to.
const MAX_HEADER_WIDTH: usize = 20;

/// Rows of cells with a header.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Table headers are upper-cased unless they are names (of runs, say) to show as they are.
    pub headers_as_is: bool,
}

impl Listing {
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Listing {
        Listing {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            headers_as_is: false,
        }
    }

    /// Adds a row; strings become [`Cell::Text`].
    pub fn row<C: Into<Cell>>(&mut self, cells: impl IntoIterator<Item = C>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// A borderless table with the [`settings`] given to [`configure`].
    pub fn to_table(&self) -> String {
        self.to_table_with(&settings())
    }

    /// A borderless table fitted to `s.width` when known: columns holding numbers, ids or
    /// times are at least as wide as those cells, and free text that does not fit is cut
    /// short with `…` (one line per row). With no width nothing is wrapped or cut.
    pub fn to_table_with(&self, s: &Settings) -> String {
        use comfy_table::{ColumnConstraint, ContentArrangement, Row, Table, Width, presets};
        let mut t = Table::new();
        t.load_style(presets::NOTHING);
        match s.width {
            Some(w) => {
                t.set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(u16::try_from(w).unwrap_or(u16::MAX));
            }
            None => {
                t.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        let mut header_row = Row::from(self.headers.iter().map(|h| {
            if self.headers_as_is {
                h.clone()
            } else {
                h.to_uppercase()
            }
        }));
        // Headers are cut like text (a column is at least as wide as its header's first
        // characters, see below).
        if s.width.is_some() {
            header_row.max_height(1);
        }
        t.set_header(header_row);
        let columns = self
            .rows
            .iter()
            .map(Vec::len)
            .chain([self.headers.len()])
            .max()
            .unwrap_or(0);
        // Per column, the widest cell kept whole, the widest text, and the header's width.
        let mut whole = vec![0usize; columns];
        let mut text = vec![0usize; columns];
        let mut header = vec![0usize; columns];
        for (i, h) in self.headers.iter().enumerate() {
            header[i] = h.chars().count();
        }
        for r in &self.rows {
            let shown: Vec<String> = r.iter().map(|c| sanitize_cell(&c.display(s))).collect();
            for (i, (c, t)) in r.iter().zip(&shown).enumerate() {
                // A "-" or an empty cell for a missing value does not make a column text.
                let w = if c.is_text() && !matches!(t.as_str(), "" | "-") {
                    &mut text
                } else {
                    &mut whole
                };
                w[i] = w[i].max(t.chars().count());
            }
            let mut row = Row::from(shown);
            if s.width.is_some() {
                row.max_height(1);
            }
            t.add_row(row);
        }
        for (i, ((whole, text), header)) in whole.into_iter().zip(text).zip(header).enumerate() {
            // A column of numbers or ids gets room for its header (`METRICS.ACC`) as well;
            // text keeps a few characters, so that a cut name still says something.
            let w = if text == 0 {
                whole.max(header.min(MAX_HEADER_WIDTH))
            } else {
                whole.max(text.max(header).min(MIN_TEXT_WIDTH))
            };
            if w > 0
                && let Some(col) = t.column_mut(i)
            {
                let padded = w + usize::from(col.padding_width());
                col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
                    u16::try_from(padded).unwrap_or(u16::MAX),
                )));
            }
        }
        let mut out: String = t
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n");
        out.push('\n');
        out
    }

    /// A GitHub-flavoured Markdown table with the [`settings`] given to [`configure`].
    pub fn to_markdown(&self) -> String {
        self.to_markdown_with(&settings())
    }

    /// A GitHub-flavoured Markdown table: numbers and times as in a table, nothing cut.
    pub fn to_markdown_with(&self, s: &Settings) -> String {
        let cell = |c: &str| c.replace('|', "\\|").replace('\n', "<br>");
        let mut out = String::new();
        out.push_str(&format!(
            "| {} |\n",
            self.headers
                .iter()
                .map(|h| cell(h))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        out.push_str(&format!("|{}\n", " --- |".repeat(self.headers.len())));
        for r in &self.rows {
            out.push_str(&format!(
                "| {} |\n",
                r.iter()
                    .map(|c| cell(&c.display(s)))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
        out
    }

    /// RFC 4180 CSV: every digit, times in UTC.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<String> = self.headers.iter().map(|h| csv_cell(h)).collect();
        out.push_str(&header.join(","));
        out.push('\n');
        for r in &self.rows {
            let cells: Vec<String> = r.iter().map(|c| csv_cell(&c.raw())).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

/// Control characters would break a table's layout; show them escaped.
fn sanitize_cell(c: &str) -> String {
    if c.chars().any(|ch| ch.is_control()) {
        c.escape_debug().to_string()
    } else {
        c.to_string()
    }
}

fn csv_cell(c: &str) -> String {
    if c.contains([',', '"', '\n', '\r']) || c.starts_with(' ') || c.ends_with(' ') {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c.to_string()
    }
}

/// Pretty JSON with a trailing newline.
pub fn to_json(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into());
    s.push('\n');
    s
}

/// Renders a listing or JSON value in the chosen format.
pub fn render(
    format: Format,
    listing: impl FnOnce() -> Listing,
    json: impl FnOnce() -> serde_json::Value,
) -> String {
    match format {
        Format::Table => listing().to_table(),
        Format::Csv => listing().to_csv(),
        Format::Md => listing().to_markdown(),
        Format::Json => to_json(&json()),
    }
}

/// [`render`] with the JSON given as its text (already as [`to_json`] would print it).
pub fn render_text(
    format: Format,
    listing: impl FnOnce() -> Listing,
    json: impl FnOnce() -> String,
) -> String {
    match format {
        Format::Json => json(),
        _ => render(format, listing, || serde_json::Value::Null),
    }
}

/// Writes to stdout; a closed pipe (`mlt ... | head`) is not an error.
pub fn print(s: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// The width charts are drawn to: the table width ([`Settings::width`]), else 80.
pub fn terminal_width() -> usize {
    settings().width.unwrap_or(80)
}

/// Whether stdout gets colors: only a terminal, and only without `NO_COLOR`
/// (<https://no-color.org>).
pub fn color_stdout() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && crate::env::var(crate::env::NO_COLOR).is_none()
}

/// Milliseconds since the epoch as `YYYY-MM-DD HH:MM:SS` in UTC, unlabelled: the form of
/// CSV cells.
pub fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| ms.to_string())
}

/// Milliseconds since the epoch for people, as the [`settings`] say: local time with its
/// offset (`2026-12-01 23:14:05 +01:00`) or, with `--utc`, `2026-12-01 22:14:05 UTC`.
pub fn local_time(ms: i64) -> String {
    time_with(ms, settings().utc)
}

/// [`local_time`] with `utc` given. The local zone is `TZ`'s, else the system's.
pub fn time_with(ms: i64, utc: bool) -> String {
    let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
        return ms.to_string();
    };
    if utc {
        t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    } else {
        t.with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M:%S %:z")
            .to_string()
    }
}

/// A duration like `1h02m`, `3m05s`, `4.2s`.
pub fn duration(ms: i64) -> String {
    if ms < 0 {
        return String::new();
    }
    let s = ms / 1000;
    if s < 60 {
        format!("{:.1}s", ms as f64 / 1000.0)
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    }
}

/// A metric value with every digit, as Python prints it and as metric files hold it (`0.5`,
/// `1e-05`, `nan`, `inf`).
pub fn value(v: f64) -> String {
    crate::entities::format_value(v)
}

/// A number for a table: [`value`]'s form, rounded to the [`settings`]' precision.
pub fn number(v: f64) -> String {
    round(v, settings().precision)
}

/// `v` rounded to `digits` significant digits, in [`value`]'s form: `0.912345678` is
/// `0.91235` with 5. Digits before the point are kept (`123456.7` is `123457.0`, not
/// `1.2346e+05`) up to 16 of them, where Python switches to exponents anyway.
pub fn round(v: f64, digits: usize) -> String {
    value(round_f64(v, digits.clamp(1, 17)))
}

fn round_f64(v: f64, digits: usize) -> f64 {
    if !v.is_finite() || v == 0.0 {
        return v;
    }
    let int_digits = v.abs().log10().floor() as i64 + 1;
    if int_digits >= digits as i64 && int_digits <= 16 {
        return v.round();
    }
    format!("{:.*e}", digits - 1, v).parse().unwrap_or(v)
}

/// A byte count: `512 B`, `1.5 KiB`, `3.2 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_when_needed() {
        let mut l = Listing::new(["a", "b"]);
        l.row(["x,y", "say \"hi\""]);
        l.row(["plain", "multi\nline"]);
        assert_eq!(
            l.to_csv(),
            "a,b\n\"x,y\",\"say \"\"hi\"\"\"\nplain,\"multi\nline\"\n"
        );
    }

    #[test]
    fn markdown_escapes_pipes_and_newlines() {
        let mut l = Listing::new(["key", "value"]);
        l.row(["a|b", "x\ny"]);
        assert_eq!(
            l.to_markdown(),
            "| key | value |\n| --- | --- |\n| a\\|b | x<br>y |\n"
        );
    }

    #[test]
    fn human_units() {
        assert_eq!(duration(4200), "4.2s");
        assert_eq!(duration(185_000), "3m05s");
        assert_eq!(duration(3_720_000), "1h02m");
        assert_eq!(bytes(10), "10 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(time(0), "1970-01-01 00:00:00");
    }

    fn at(width: Option<usize>) -> Settings {
        Settings {
            width,
            ..Settings::default()
        }
    }

    #[test]
    fn numbers_round_to_significant_digits() {
        assert_eq!(round(0.912345678, 5), "0.91235");
        assert_eq!(round(0.30000000000000004, 5), "0.3");
        assert_eq!(round(0.5, 5), "0.5");
        assert_eq!(round(16.0, 5), "16.0");
        assert_eq!(round(123456.7, 5), "123457.0");
        assert_eq!(round(-0.000123456789, 3), "-0.000123");
        assert_eq!(round(1.23456e-7, 2), "1.2e-07");
        assert_eq!(round(9.99996, 5), "10.0");
        assert_eq!(round(f64::NAN, 5), "nan");
        assert_eq!(round(f64::NEG_INFINITY, 5), "-inf");
        assert_eq!(round(0.0, 5), "0.0");
        // 17 digits give every f64 back exactly.
        assert_eq!(round(0.1 + 0.2, 17), "0.30000000000000004");
    }

    #[test]
    fn csv_keeps_every_digit_and_utc_times_while_tables_round() {
        let mut l = Listing::new(["v", "t", "d"]);
        l.row([
            Cell::Number(0.123456789),
            Cell::Time(1_000),
            Cell::change(0.0123456, " (+5.0%)"),
        ]);
        assert_eq!(
            l.to_csv(),
            "v,t,d\n0.123456789,1970-01-01 00:00:01,+0.0123456 (+5.0%)\n"
        );
        let s = Settings {
            precision: 3,
            utc: true,
            width: None,
        };
        assert_eq!(
            l.to_markdown_with(&s),
            "| v | t | d |\n| --- | --- | --- |\n| 0.123 | 1970-01-01 00:00:01 UTC | +0.0123 (+5.0%) |\n"
        );
        assert!(
            l.to_table_with(&s)
                .contains("0.123  1970-01-01 00:00:01 UTC  +0.0123 (+5.0%)")
        );
    }

    #[test]
    fn local_times_carry_their_offset() {
        let t = time_with(0, false);
        let (_, offset) = t.rsplit_once(' ').unwrap();
        assert!(
            offset.len() == 6 && offset.starts_with(['+', '-']) && &offset[3..4] == ":",
            "{t}"
        );
        assert_eq!(time_with(0, true), "1970-01-01 00:00:00 UTC");
    }

    #[test]
    fn narrow_tables_cut_text_but_keep_numbers_and_ids_whole() {
        let mut l = Listing::new(["run id", "name", "acc"]);
        l.row([
            Cell::id("0123456789abcdef"),
            Cell::from("a rather long run name that cannot fit"),
            Cell::number_with(0.63, " *"),
        ]);
        let table = l.to_table_with(&at(Some(40)));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 2, "{table}");
        assert!(lines[1].contains("0123456789abcdef"), "{table}");
        assert!(lines[1].contains("0.63 *"), "{table}");
        assert!(lines[1].contains('…'), "{table}");
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{table}");
    }

    #[test]
    fn unknown_width_wraps_nothing() {
        let mut l = Listing::new(["run id", "name"]);
        let name = "x".repeat(150);
        l.row([Cell::id("0123456789abcdef"), Cell::from(name.as_str())]);
        let table = l.to_table_with(&at(None));
        assert_eq!(table.lines().count(), 2, "{table}");
        assert!(table.contains(&name));
    }

    #[test]
    fn zero_columns_is_unknown_width() {
        assert_eq!(width_from(Some("40"), Some(100)), Some(40));
        assert_eq!(width_from(Some("0"), Some(100)), Some(100));
        assert_eq!(width_from(Some("0"), Some(0)), None);
        assert_eq!(width_from(None, Some(0)), None);
        assert_eq!(width_from(Some("wide"), None), None);
        assert_eq!(width_from(None, None), None);
    }
}
