//! MLflow's rules for names, keys and values (`mlflow/utils/validation.py`).

/// Longest metric, param or tag key.
pub const MAX_KEY_LEN: usize = 250;
/// Longest param value (MLflow's client truncates; mlt refuses, so nothing is lost silently).
pub const MAX_PARAM_VAL_LEN: usize = 6000;
/// Longest run tag value.
pub const MAX_TAG_VAL_LEN: usize = 8000;
/// Longest experiment tag value.
pub const MAX_EXPERIMENT_TAG_VAL_LEN: usize = 20000;
/// Longest experiment name.
pub const MAX_EXPERIMENT_NAME_LEN: usize = 500;
/// Batch limits of MLflow's `log_batch`.
pub const MAX_BATCH_METRICS: usize = 1000;
pub const MAX_BATCH_PARAMS: usize = 100;
pub const MAX_BATCH_TAGS: usize = 100;
pub const MAX_BATCH_TOTAL: usize = 1000;

/// What a key names, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    Metric,
    Param,
    Tag,
    ExperimentTag,
}

impl KeyKind {
    pub fn noun(self) -> &'static str {
        match self {
            KeyKind::Metric => "metric",
            KeyKind::Param => "param",
            KeyKind::Tag => "tag",
            KeyKind::ExperimentTag => "experiment tag",
        }
    }
}

/// What an invalid name or value names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// A metric, param or tag key.
    Key(KeyKind),
    /// The value of a param or tag (the error's `name` is its key).
    Value(KeyKind),
    ExperimentName,
    ModelName,
    Alias,
}

impl Field {
    pub fn noun(self) -> String {
        match self {
            Field::Key(k) => format!("{} key", k.noun()),
            Field::Value(k) => k.noun().to_string(),
            Field::ExperimentName => "experiment name".into(),
            Field::ModelName => "model name".into(),
            Field::Alias => "alias".into(),
        }
    }
}

/// What is wrong with a name or value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Empty,
    /// A character the rule does not allow; `allowed` says which ones it does.
    Char {
        c: char,
        allowed: Option<&'static str>,
    },
    /// A key starting with `/` or `..`.
    Escapes,
    /// A key with `//`, `/./`, `/../` or a trailing `/`.
    NotNormal,
    /// `len` characters, more than `max`.
    TooLong {
        len: usize,
        max: usize,
    },
    /// `latest` and `v<number>`, which MLflow keeps for naming versions.
    Reserved,
    /// `.`, `..` or a control character.
    NotAName,
}

/// A name, key or value that breaks MLflow's rules: which field, the name, and the problem.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct InvalidValue {
    pub what: Field,
    pub name: String,
    pub problem: Problem,
}

impl InvalidValue {
    fn new(what: Field, name: &str, problem: Problem) -> InvalidValue {
        InvalidValue {
            what,
            name: name.to_string(),
            problem,
        }
    }

    fn message(&self) -> String {
        let noun = self.what.noun();
        let name = &self.name;
        if let (Field::Value(_), Problem::TooLong { len, max }) = (self.what, &self.problem) {
            return format!(
                "{noun} {name:?}: value has {len} characters, at most {max} are allowed"
            );
        }
        match &self.problem {
            Problem::Empty => {
                let word = match self.what {
                    Field::Key(_) => "key",
                    Field::Alias => "alias",
                    _ => "name",
                };
                format!("invalid {noun}: the {word} is empty")
            }
            Problem::Char { c, allowed } => {
                let mut s = format!("invalid {noun} {name:?}: character {c:?} is not allowed");
                if let Some(allowed) = allowed {
                    s.push_str(&format!(" ({allowed})"));
                }
                s
            }
            Problem::Escapes => {
                format!("invalid {noun} {name:?}: keys may not start with '/' or '..'")
            }
            Problem::NotNormal => format!(
                "invalid {noun} {name:?}: keys must be normal paths \
                 (no '//', '/./', '/../' or trailing '/')"
            ),
            Problem::TooLong { len, max } => {
                format!("invalid {noun}: {len} characters, at most {max} are allowed")
            }
            Problem::Reserved => {
                format!("invalid {noun} {name:?}: 'latest' and 'v<number>' are reserved by MLflow")
            }
            Problem::NotAName => format!("invalid {noun} {name:?}"),
        }
    }
}

/// Checks a metric, param or tag key: MLflow's characters, normal path form, length.
/// Keys become file paths, so this is also what keeps `../x` and `/etc/passwd` out.
pub fn validate_key(kind: KeyKind, key: &str) -> Result<(), InvalidValue> {
    // The common case, byte by byte: a short ASCII key of plain characters without '/'
    // passes every rule below.
    if key.len() <= MAX_KEY_LEN
        && !key.is_empty()
        && !key.starts_with("..")
        && key != "."
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b' ' | b':'))
    {
        return Ok(());
    }
    let bad = |problem| Err(InvalidValue::new(Field::Key(kind), key, problem));
    if key.is_empty() {
        return bad(Problem::Empty);
    }
    if let Some(c) = key
        .chars()
        .find(|c| !(c.is_alphanumeric() || "_/.- :".contains(*c)))
    {
        return bad(Problem::Char {
            c,
            allowed: Some("keys may hold letters, digits, '_', '-', '.', ' ', ':' and '/'"),
        });
    }
    if key.starts_with('/') || key.starts_with("..") || key == "." {
        return bad(Problem::Escapes);
    }
    if key
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return bad(Problem::NotNormal);
    }
    let len = key.chars().count();
    if len > MAX_KEY_LEN {
        return bad(Problem::TooLong {
            len,
            max: MAX_KEY_LEN,
        });
    }
    Ok(())
}

/// Checks a value's length against a limit.
pub fn validate_value_len(kind: KeyKind, key: &str, value: &str) -> Result<(), InvalidValue> {
    let max = match kind {
        KeyKind::Param => MAX_PARAM_VAL_LEN,
        KeyKind::Tag => MAX_TAG_VAL_LEN,
        KeyKind::ExperimentTag => MAX_EXPERIMENT_TAG_VAL_LEN,
        KeyKind::Metric => return Ok(()),
    };
    validate_len(Field::Value(kind), key, value, max)
}

/// Checks that `value` has at most `max` characters (`name`: the key or name it belongs to).
pub fn validate_len(what: Field, name: &str, value: &str, max: usize) -> Result<(), InvalidValue> {
    let len = value.chars().count();
    if len > max {
        return Err(InvalidValue::new(what, name, Problem::TooLong { len, max }));
    }
    Ok(())
}

/// Checks an experiment name.
pub fn validate_experiment_name(name: &str) -> Result<(), InvalidValue> {
    if name.trim().is_empty() {
        return Err(InvalidValue::new(
            Field::ExperimentName,
            name,
            Problem::Empty,
        ));
    }
    validate_len(Field::ExperimentName, name, name, MAX_EXPERIMENT_NAME_LEN)
}

fn id_like(s: &str, max_rest: usize) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() => {}
        _ => return false,
    }
    let rest: Vec<char> = chars.collect();
    rest.len() <= max_rest
        && rest
            .iter()
            .all(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
}

/// MLflow's `^[a-zA-Z0-9][\w\-]{0,63}$`.
pub fn is_valid_experiment_id(id: &str) -> bool {
    id_like(id, 63)
}

/// MLflow's `^[a-zA-Z0-9][\w\-]{0,255}$`.
pub fn is_valid_run_id(id: &str) -> bool {
    id_like(id, 255)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_mlflow_keys() {
        for k in [
            "loss",
            "train/loss",
            "a b",
            "x:y",
            "été",
            "v1.2-rc_3",
            "a/b/c",
        ] {
            assert!(validate_key(KeyKind::Metric, k).is_ok(), "{k}");
        }
    }

    #[test]
    fn rejects_paths_and_bad_characters() {
        let long = "x".repeat(251);
        for k in [
            "",
            "../x",
            "/etc/passwd",
            "a//b",
            "a/./b",
            "a/../b",
            "a/",
            ".",
            "..",
            "..x",
            "a\\b",
            "a\nb",
            "a*b",
            &long,
        ] {
            let err = validate_key(KeyKind::Param, k).unwrap_err().to_string();
            assert!(err.starts_with("invalid param key"), "{k:?}: {err}");
        }
        assert!(validate_key(KeyKind::Param, &"x".repeat(250)).is_ok());
    }

    #[test]
    fn ids() {
        assert!(is_valid_experiment_id("0"));
        assert!(is_valid_experiment_id("451686148381267940"));
        assert!(!is_valid_experiment_id(".trash"));
        assert!(!is_valid_experiment_id("../x"));
        assert!(is_valid_run_id("9c3a5a0578f2473fb06084ac7df13ef3"));
        assert!(!is_valid_run_id("a/b"));
        assert!(!is_valid_run_id(""));
    }
}
