//! The shape of the code, checked: commands import the toolkit (`kit/`) and the library, never
//! each other; nothing but the printer writes to stderr.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The commands: the modules `cli/mod.rs` declares, but the toolkit and the tests.
fn commands() -> Vec<String> {
    let text = std::fs::read_to_string(src().join("cli/mod.rs")).unwrap();
    text.lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("mod ")
                .or(l.trim().strip_prefix("pub mod "))
        })
        .map(|m| m.trim_end_matches(';').to_string())
        .filter(|m| m != "kit" && !m.ends_with("tests") && m != "examples")
        .collect()
}

#[test]
fn commands_never_import_each_other() {
    let commands = commands();
    assert!(commands.contains(&"runs".to_string()), "{commands:?}");
    let mut files = Vec::new();
    rust_files(&src().join("cli"), &mut files);
    let mut bad = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(src().join("cli")).unwrap();
        let Some(own) = rel.components().next() else {
            continue;
        };
        let own = own
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if !commands.contains(&own) {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for other in commands.iter().filter(|c| **c != own) {
            for needle in [format!("crate::cli::{other}"), format!("super::{other}::")] {
                // `super::` of a file in a family folder is the family itself.
                let nested = rel.components().count() > 1;
                if text.contains(&needle) && !(nested && needle.starts_with("super::")) {
                    bad.push(format!("{}: {needle}", rel.display()));
                }
            }
        }
    }
    assert!(bad.is_empty(), "commands importing other commands: {bad:?}");
}

#[test]
fn only_the_printer_writes_to_stderr() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut bad = Vec::new();
    for f in &files {
        let name = f.to_string_lossy();
        if name.contains("test") {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        // The test modules at the end of a file may print.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for needle in ["eprintln!", "eprint!("] {
            if code.contains(needle) {
                bad.push(format!(
                    "{}: {needle}",
                    f.strip_prefix(src()).unwrap().display()
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "stderr written outside cli/kit/printer.rs: {bad:?}"
    );
}
