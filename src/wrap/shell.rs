//! Shell quoting as Python's `shlex.quote` and `shlex.join` do it: MLflow renders MLproject
//! commands with `shlex.quote`, and the same form records a command line in a tag that can be
//! pasted back into a shell.

/// Quotes a word for a POSIX shell exactly as `shlex.quote` does: unchanged when it holds only
/// `[A-Za-z0-9_@%+=:,./-]`, `''` when empty, else in single quotes with each `'` as `'"'"'`.
pub fn quote(s: &str) -> String {
    if s.is_empty() {
        return "''".to_string();
    }
    let safe = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    if s.chars().all(safe) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\"'\"'"))
}

/// Joins words into one command line, each quoted (`shlex.join`).
pub fn join<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|w| quote(w.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_shlex() {
        // Expected values are Python's shlex.quote output.
        assert_eq!(quote(""), "''");
        assert_eq!(quote("abc-1.5_x/y:z,@%+="), "abc-1.5_x/y:z,@%+=");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("a b; rm -rf /"), "'a b; rm -rf /'");
        assert_eq!(quote("it's"), "'it'\"'\"'s'");
        assert_eq!(quote("$HOME"), "'$HOME'");
        assert_eq!(quote("é"), "'é'");
        assert_eq!(quote("a\nb"), "'a\nb'");
        assert_eq!(quote("*"), "'*'");
        assert_eq!(quote("~"), "'~'");
    }

    #[test]
    fn join_quotes_each_word() {
        assert_eq!(
            join(&["python", "train.py", "--name", "a b", ""]),
            "python train.py --name 'a b' ''"
        );
    }

    #[test]
    fn quoted_words_survive_a_real_shell() {
        let words = [
            "a b",
            "it's",
            "$x`y`",
            "; echo hacked",
            "\"q\"",
            "tab\there",
            "",
        ];
        let line = format!("printf '%s\\n' {}", join(&words));
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&line)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let got: Vec<&str> = text.strip_suffix('\n').unwrap().split('\n').collect();
        assert_eq!(got, words);
    }
}
