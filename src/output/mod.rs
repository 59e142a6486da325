//! All output formatting: tables (sized to the terminal), CSV, JSON and human times.
//! Commands build a [`Listing`] and a JSON value; [`Format`] picks which one is printed.
//! Charts are in [`chart`]; output too large to build first is streamed by [`stream`].

pub mod chart;
pub mod json;
pub mod stream;

use std::io::Write;

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

/// Rows of text with a header.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
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

    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// A borderless table, wrapped to `COLUMNS` or the terminal's width when known.
    pub fn to_table(&self) -> String {
        use comfy_table::{ContentArrangement, Table, presets};
        let mut t = Table::new();
        t.load_style(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if let Some(w) = crate::env::var(crate::env::COLUMNS).and_then(|c| c.parse().ok()) {
            t.set_width(w);
        }
        t.set_header(self.headers.iter().map(|h| {
            if self.headers_as_is {
                h.clone()
            } else {
                h.to_uppercase()
            }
        }));
        for r in &self.rows {
            t.add_row(r.iter().map(|c| sanitize_cell(c)));
        }
        let mut s: String = t
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n");
        s.push('\n');
        s
    }

    /// A GitHub-flavoured Markdown table.
    pub fn to_markdown(&self) -> String {
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
                r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
            ));
        }
        out
    }

    /// RFC 4180 CSV.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        for r in std::iter::once(&self.headers).chain(&self.rows) {
            let cells: Vec<String> = r.iter().map(|c| csv_cell(c)).collect();
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

/// Writes to stdout; a closed pipe (`mlt ... | head`) is not an error.
pub fn print(s: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// The width charts are drawn to: `COLUMNS`, else the terminal's, else 80.
pub fn terminal_width() -> usize {
    crate::env::var(crate::env::COLUMNS)
        .and_then(|c| c.parse().ok())
        .or_else(|| comfy_table::Table::new().width().map(usize::from))
        .filter(|w| *w > 0)
        .unwrap_or(80)
}

/// Whether stdout gets colors: only a terminal, and only without `NO_COLOR`
/// (<https://no-color.org>).
pub fn color_stdout() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && crate::env::var(crate::env::NO_COLOR).is_none()
}

/// Milliseconds since the epoch as `YYYY-MM-DD HH:MM:SS` (UTC).
pub fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| ms.to_string())
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

/// A metric value for a table, as Python prints it and as metric files hold it (`0.5`,
/// `1e-05`, `nan`, `inf`).
pub fn value(v: f64) -> String {
    crate::model::format_value(v)
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
}
