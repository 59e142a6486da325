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

/// Checks a metric, param or tag key: MLflow's characters, normal path form, length.
/// Keys become file paths, so this is also what keeps `../x` and `/etc/passwd` out.
pub fn validate_key(kind: KeyKind, key: &str) -> Result<(), String> {
    let noun = kind.noun();
    if key.is_empty() {
        return Err(format!("invalid {noun} key: the key is empty"));
    }
    if let Some(c) = key
        .chars()
        .find(|c| !(c.is_alphanumeric() || "_/.- :".contains(*c)))
    {
        return Err(format!(
            "invalid {noun} key {key:?}: character {c:?} is not allowed \
             (keys may hold letters, digits, '_', '-', '.', ' ', ':' and '/')"
        ));
    }
    if key.starts_with('/') || key.starts_with("..") || key == "." {
        return Err(format!(
            "invalid {noun} key {key:?}: keys may not start with '/' or '..'"
        ));
    }
    if key
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err(format!(
            "invalid {noun} key {key:?}: keys must be normal paths \
             (no '//', '/./', '/../' or trailing '/')"
        ));
    }
    let n = key.chars().count();
    if n > MAX_KEY_LEN {
        return Err(format!(
            "invalid {noun} key: {n} characters, at most {MAX_KEY_LEN} are allowed"
        ));
    }
    Ok(())
}

/// Checks a value's length against a limit.
pub fn validate_value_len(kind: KeyKind, key: &str, value: &str) -> Result<(), String> {
    let max = match kind {
        KeyKind::Param => MAX_PARAM_VAL_LEN,
        KeyKind::Tag => MAX_TAG_VAL_LEN,
        KeyKind::ExperimentTag => MAX_EXPERIMENT_TAG_VAL_LEN,
        KeyKind::Metric => return Ok(()),
    };
    let n = value.chars().count();
    if n > max {
        return Err(format!(
            "{} {key:?}: value has {n} characters, at most {max} are allowed",
            kind.noun()
        ));
    }
    Ok(())
}

/// Checks an experiment name.
pub fn validate_experiment_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("invalid experiment name: the name is empty".into());
    }
    let n = name.chars().count();
    if n > MAX_EXPERIMENT_NAME_LEN {
        return Err(format!(
            "invalid experiment name: {n} characters, at most {MAX_EXPERIMENT_NAME_LEN} are allowed"
        ));
    }
    Ok(())
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
            let err = validate_key(KeyKind::Param, k).unwrap_err();
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
