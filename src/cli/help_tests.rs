//! The help is complete and true: every command and argument says what it is, the examples
//! parse, and the man pages in man/ are what the command line generates.

use std::path::Path;

fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
    out.push((path.to_string(), cmd.clone()));
    for sub in cmd.get_subcommands() {
        walk(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

/// Every command of `mlt` with its path ("mlt runs search"), clap's `help` subcommands left
/// out (they only repeat the others).
fn all_commands() -> Vec<(String, clap::Command)> {
    let mut cmd = super::command();
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, "mlt", &mut out);
    out.retain(|(path, _)| !path.split(' ').any(|w| w == "help"));
    out
}

#[test]
fn every_command_and_argument_has_help() {
    let mut missing = Vec::new();
    for (path, cmd) in all_commands() {
        if cmd.get_about().is_none() {
            missing.push(path.clone());
        }
        for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if a.get_help().is_none() && a.get_long_help().is_none() {
                missing.push(format!("{path} <{}>", a.get_id()));
            }
        }
    }
    assert!(missing.is_empty(), "no help text: {missing:#?}");
}

#[test]
fn view_values_are_described() {
    let (_, cmd) = all_commands()
        .into_iter()
        .find(|(p, _)| p == "mlt runs search")
        .unwrap();
    let view = cmd.get_arguments().find(|a| a.get_id() == "view").unwrap();
    let values = view.get_value_parser().possible_values().unwrap();
    for v in values {
        assert!(
            v.get_help().is_some(),
            "--view {} has no help",
            v.get_name()
        );
    }
}

/// Splits a line as a shell would, for the simple quoting the examples use.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = None::<String>;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for c in chars.by_ref().take_while(|&c| c != '\'') {
                    w.push(c);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        c => w.push(c),
                    }
                }
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// The mlt command of an example line: after a pipe, before a comment or a redirection.
fn example_command(line: &str) -> Vec<String> {
    let line = line.split(" # ").next().unwrap();
    let line = line.rsplit("| ").next().unwrap();
    let line = line.split(" > ").next().unwrap();
    shell_words(line.trim())
}

#[test]
fn every_example_parses() {
    assert!(!super::examples::EXAMPLES.is_empty());
    for (path, text) in super::examples::EXAMPLES {
        for line in text.lines() {
            let words = example_command(line);
            assert_eq!(words[0], "mlt", "{line}");
            assert_eq!(
                &words[1..=path.len()],
                *path,
                "{line} is not an example of {path:?}"
            );
            if let Err(e) = super::command().try_get_matches_from(&words) {
                panic!("example `{line}` does not parse: {e}");
            }
        }
    }
}

#[test]
fn the_main_commands_show_examples_in_their_long_help() {
    for (path, _) in super::examples::EXAMPLES {
        let mut cmd = super::command();
        cmd.build();
        let mut sub = &mut cmd;
        for p in *path {
            sub = sub.find_subcommand_mut(p).unwrap();
        }
        let help = sub.render_long_help().to_string();
        assert!(help.contains("\nExamples:\n  "), "{path:?}:\n{help}");
        assert!(!sub.render_help().to_string().contains("Examples:"));
    }
}

#[test]
fn shell_words_split_like_a_shell() {
    assert_eq!(
        example_command(r#"echo '{"a": 1}' | mlt log batch --run "$R x" # c"#),
        ["mlt", "log", "batch", "--run", "$R x"]
    );
    assert_eq!(
        shell_words(r#"a "b \"c\" 'd'" 'e f'g"#),
        ["a", r#"b "c" 'd'"#, "e fg"]
    );
}

/// The man pages: `man/mlt.1` and one page a subcommand (`man/mlt-runs-search.1`). After a
/// change to the command line, regenerate them with
/// `MLT_REGENERATE_MAN=1 cargo test --lib man_pages`.
#[test]
fn man_pages_match_the_files_in_the_repo() {
    let tmp = tempfile::tempdir().unwrap();
    clap_mangen::generate_to(super::command(), tmp.path()).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    if std::env::var_os("MLT_REGENERATE_MAN").is_some() {
        let _ = std::fs::remove_dir_all(&repo);
        std::fs::create_dir_all(&repo).unwrap();
        for e in std::fs::read_dir(tmp.path()).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), repo.join(e.file_name())).unwrap();
        }
    }
    let files = |dir: &Path| -> Vec<(String, String)> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .map(|r| r.flatten().collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .map(|e| {
                let text = std::fs::read_to_string(e.path()).unwrap();
                (e.file_name().to_string_lossy().into_owned(), text)
            })
            .collect();
        v.sort();
        v
    };
    let (generated, kept) = (files(tmp.path()), files(&repo));
    assert!(generated.iter().any(|(n, _)| n == "mlt.1"));
    assert!(generated.iter().any(|(n, _)| n == "mlt-runs-search.1"));
    let names = |v: &[(String, String)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&kept),
        names(&generated),
        "man/ is stale: run `MLT_REGENERATE_MAN=1 cargo test --lib man_pages`"
    );
    for ((name, want), (_, have)) in generated.iter().zip(&kept) {
        assert!(
            want == have,
            "man/{name} is stale: run `MLT_REGENERATE_MAN=1 cargo test --lib man_pages`"
        );
    }
}

#[test]
fn adding_help_and_candidates_keeps_the_order_of_commands() {
    fn names(cmd: &clap::Command, out: &mut Vec<String>) {
        for s in cmd.get_subcommands() {
            out.push(s.get_name().to_string());
            names(s, out);
        }
    }
    let (mut plain, mut full) = (Vec::new(), Vec::new());
    names(&<super::Cli as clap::CommandFactory>::command(), &mut plain);
    names(&super::command(), &mut full);
    assert_eq!(full, plain);
}
