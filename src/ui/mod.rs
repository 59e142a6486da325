//! The web UI's files, embedded in the binary (`ui/` in the repository: plain JavaScript and
//! CSS, no build step). `mlt server` serves them as a page shell plus one script and one style
//! sheet; `mlt report` inlines the same script and styles into one HTML file.

use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::sync::OnceLock;

/// The scripts, in the order they run: uPlot, the core, the views, then the start.
const SCRIPTS: &[(&str, &str)] = &[
    (
        "vendor/uplot/uPlot.iife.min.js",
        include_str!("../../ui/vendor/uplot/uPlot.iife.min.js"),
    ),
    ("js/core.js", include_str!("../../ui/js/core.js")),
    ("js/markdown.js", include_str!("../../ui/js/markdown.js")),
    ("js/charts.js", include_str!("../../ui/js/charts.js")),
    ("js/artifacts.js", include_str!("../../ui/js/artifacts.js")),
    (
        "js/experiments.js",
        include_str!("../../ui/js/experiments.js"),
    ),
    ("js/runs.js", include_str!("../../ui/js/runs.js")),
    ("js/compare.js", include_str!("../../ui/js/compare.js")),
    ("js/run.js", include_str!("../../ui/js/run.js")),
    ("js/models.js", include_str!("../../ui/js/models.js")),
    ("js/report.js", include_str!("../../ui/js/report.js")),
    ("js/start.js", include_str!("../../ui/js/start.js")),
];

/// The style sheets, in order.
const STYLES: &[(&str, &str)] = &[
    (
        "vendor/uplot/uPlot.min.css",
        include_str!("../../ui/vendor/uplot/uPlot.min.css"),
    ),
    ("css/base.css", include_str!("../../ui/css/base.css")),
    (
        "css/experiments.css",
        include_str!("../../ui/css/experiments.css"),
    ),
    ("css/runs.css", include_str!("../../ui/css/runs.css")),
    ("css/compare.css", include_str!("../../ui/css/compare.css")),
    ("css/run.css", include_str!("../../ui/css/run.css")),
    ("css/models.css", include_str!("../../ui/css/models.css")),
    ("css/report.css", include_str!("../../ui/css/report.css")),
];

const INDEX: &str = include_str!("../../ui/index.html");

fn concat(parts: &[(&str, &str)]) -> String {
    let dev = dev_dir();
    let mut out = String::new();
    for (name, text) in parts {
        out.push_str("\n/* ---- ");
        out.push_str(name);
        out.push_str(" ---- */\n");
        match &dev {
            Some(dir) => out.push_str(&std::fs::read_to_string(dir.join(name)).unwrap_or_default()),
            None => out.push_str(text),
        }
        out.push('\n');
    }
    out
}

/// For working on the UI: with `MLT_UI_DEV_DIR` set to the repository's `ui/` folder, the files
/// are read from there at every request instead of the copies built into the binary, so a
/// change shows on reload without rebuilding.
fn dev_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("MLT_UI_DEV_DIR").map(std::path::PathBuf::from)
}

/// Whether the files are read from `MLT_UI_DEV_DIR` (then nothing may be cached for long).
pub fn dev_mode() -> bool {
    dev_dir().is_some()
}

/// Every script, in order, as one.
pub fn script() -> Cow<'static, str> {
    static S: OnceLock<String> = OnceLock::new();
    if dev_dir().is_some() {
        return Cow::Owned(concat(SCRIPTS));
    }
    Cow::Borrowed(S.get_or_init(|| concat(SCRIPTS)))
}

/// Every style sheet, in order, as one.
pub fn style() -> Cow<'static, str> {
    static S: OnceLock<String> = OnceLock::new();
    if dev_dir().is_some() {
        return Cow::Owned(concat(STYLES));
    }
    Cow::Borrowed(S.get_or_init(|| concat(STYLES)))
}

/// A short hash of the script and styles: the asset URLs carry it, so a new binary's page
/// never runs an old cached script.
pub fn version() -> &'static str {
    static V: OnceLock<String> = OnceLock::new();
    V.get_or_init(|| {
        let mut h = Sha256::new();
        h.update(script().as_bytes());
        h.update(style().as_bytes());
        let d = h.finalize();
        d[..6].iter().map(|b| format!("{b:02x}")).collect()
    })
}

/// The Content-Security-Policy of the served page: nothing from anywhere but this server, no
/// inline script, no framing.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' \
    'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-src 'none'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The page the server answers every UI route with: the shell, which loads the script and the
/// styles from the server.
pub fn page() -> &'static str {
    static P: OnceLock<String> = OnceLock::new();
    P.get_or_init(|| {
        let v = version();
        INDEX
            .replace(
                "{{head}}",
                &format!("<link rel=\"stylesheet\" href=\"/ui/app.css?v={v}\">"),
            )
            .replace(
                "{{body}}",
                &format!("<script src=\"/ui/app.js?v={v}\"></script>"),
            )
    })
}

/// A self-contained page: the shell with the styles, `data` (JSON, embedded as a non-script
/// data block the report's code reads) and the script inlined, and a Content-Security-Policy
/// that lets it load nothing from anywhere: opened from a file, it makes no request.
pub fn standalone_page(title: &str, data_json: &str) -> String {
    let script = script();
    let hash = {
        use base64::Engine;
        let d = Sha256::digest(script.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(d)
    };
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; \
         img-src data: blob:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    );
    let head = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n<style>{}</style>",
        style().replace("</", "<\\/")
    );
    let body = format!(
        "<script type=\"application/json\" id=\"mlt-data\">{}</script>\n<script>{}</script>",
        escape_in_script(data_json),
        &*script
    );
    INDEX
        .replace(
            "<title>mlt</title>",
            &format!("<title>{}</title>", escape_html(title)),
        )
        .replace("{{head}}", &head)
        .replace("{{body}}", &body)
}

/// JSON made safe inside a `<script>` element: `<` is written `\u003c`, so neither `</script>`
/// nor `<!--` can appear in it. Only valid inside JSON strings, where `<` can only occur.
pub fn escape_in_script(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// Text made safe in HTML.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_the_versioned_script_and_styles_and_nothing_else() {
        let p = page();
        assert!(p.contains(&format!("/ui/app.js?v={}", version())));
        assert!(p.contains(&format!("/ui/app.css?v={}", version())));
        assert!(!p.contains("{{"));
        assert!(!p.contains("http://") && !p.contains("https://"));
        assert!(script().contains("uPlot"));
        // Inlined into a report, no script may close its element early.
        assert!(!script().to_ascii_lowercase().contains("</script"));
        assert!(!style().to_ascii_lowercase().contains("</style"));
    }

    #[test]
    fn the_vendored_files_are_upstream_unchanged() {
        let sum = |s: &str| {
            Sha256::digest(s.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        assert_eq!(
            sum(SCRIPTS[0].1),
            "19c8d4c6ad88929a79f4ae49d6f7161566dfd0ba3d15cc495e974f787eb78f1f"
        );
        assert_eq!(
            sum(STYLES[0].1),
            "df630c6a8d6f8eeaff264b50f73ce5b114f646ffd9a0bb74f049b0a00135fa04"
        );
    }

    #[test]
    fn a_standalone_page_inlines_everything_and_its_data_cannot_close_the_script() {
        let p = standalone_page(
            "a <b> & c",
            r#"{"name": "</script><script>alert(1)</script>"}"#,
        );
        assert!(p.contains("<title>a &lt;b&gt; &amp; c</title>"));
        assert!(!p.contains("</script><script>alert(1)"));
        assert!(p.contains("\\u003c/script>"));
        assert!(!p.contains("/ui/app.js"));
        assert!(p.contains("default-src 'none'"));
        // The hash in the policy is the inline script's.
        use base64::Engine;
        let d = Sha256::digest(script().as_bytes());
        let h = base64::engine::general_purpose::STANDARD.encode(d);
        assert!(p.contains(&format!("'sha256-{h}'")));
    }
}
