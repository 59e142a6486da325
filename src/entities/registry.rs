//! Registered models and their versions (MLflow's model registry), and the rules for their
//! names, aliases and stages.

use super::validate::{Field, InvalidValue, Problem};
use std::collections::BTreeMap;
use std::fmt;

/// Longest registered-model or version tag value.
pub const MAX_MODEL_TAG_VAL_LEN: usize = 100_000;
/// Longest alias.
pub const MAX_ALIAS_LEN: usize = 255;

/// A legacy model-version stage; `Deleted_Internal` marks a soft-deleted version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    None,
    Staging,
    Production,
    Archived,
    DeletedInternal,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::None => "None",
            Stage::Staging => "Staging",
            Stage::Production => "Production",
            Stage::Archived => "Archived",
            Stage::DeletedInternal => "Deleted_Internal",
        }
    }

    /// MLflow canonicalises stage names case-insensitively; `Deleted_Internal` is never a
    /// stage a user can ask for.
    pub fn parse_user(s: &str) -> Option<Stage> {
        [
            Stage::None,
            Stage::Staging,
            Stage::Production,
            Stage::Archived,
        ]
        .into_iter()
        .find(|st| st.as_str().eq_ignore_ascii_case(s))
    }

    /// A stage as stored.
    pub fn parse_stored(s: &str) -> Option<Stage> {
        if s == Stage::DeletedInternal.as_str() {
            Some(Stage::DeletedInternal)
        } else {
            Stage::parse_user(s)
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RegisteredModel {
    pub name: String,
    pub creation_timestamp: i64,
    pub last_updated_timestamp: i64,
    pub description: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// Alias → version.
    pub aliases: BTreeMap<String, i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ModelVersion {
    pub name: String,
    pub version: i64,
    pub creation_timestamp: i64,
    pub last_updated_timestamp: i64,
    pub current_stage: Stage,
    pub description: Option<String>,
    pub source: String,
    pub run_id: Option<String>,
    pub run_link: Option<String>,
    pub status: String,
    pub status_message: Option<String>,
    pub storage_location: Option<String>,
    pub user_id: Option<String>,
    pub model_id: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// Aliases pointing at this version (from the registered model's `aliases/`).
    pub aliases: Vec<String>,
}

impl ModelVersion {
    /// Where the version's files are: `storage_location`, else `source`.
    pub fn download_uri(&self) -> &str {
        self.storage_location
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or(&self.source)
    }
}

/// MLflow's registered-model name rule, plus what keeps a name a single folder name.
pub fn validate_model_name(name: &str) -> Result<(), InvalidValue> {
    let bad = |problem| {
        Err(InvalidValue {
            what: Field::ModelName,
            name: name.to_string(),
            problem,
        })
    };
    if name.trim().is_empty() {
        return bad(Problem::Empty);
    }
    if let Some(c) = name.chars().find(|c| matches!(c, '/' | '\\' | ':' | '%')) {
        return bad(Problem::Char { c, allowed: None });
    }
    if name == "." || name == ".." || name.chars().any(char::is_control) {
        return bad(Problem::NotAName);
    }
    Ok(())
}

/// MLflow's alias rule: `^[\w\-]*$`, not empty, at most 255 characters, and not `latest` or
/// `v<digits>`, which name versions already.
pub fn validate_alias(alias: &str) -> Result<(), InvalidValue> {
    let bad = |problem| {
        Err(InvalidValue {
            what: Field::Alias,
            name: alias.to_string(),
            problem,
        })
    };
    if alias.is_empty() {
        return bad(Problem::Empty);
    }
    if let Some(c) = alias
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
    {
        return bad(Problem::Char {
            c,
            allowed: Some("aliases may hold letters, digits, '_' and '-'"),
        });
    }
    let len = alias.chars().count();
    if len > MAX_ALIAS_LEN {
        return bad(Problem::TooLong {
            len,
            max: MAX_ALIAS_LEN,
        });
    }
    let lower = alias.to_ascii_lowercase();
    let version_like =
        lower.len() > 1 && lower.starts_with('v') && lower[1..].bytes().all(|b| b.is_ascii_digit());
    if lower == "latest" || version_like {
        return bad(Problem::Reserved);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_stages() {
        assert!(validate_model_name("RegModel v2").is_ok());
        for bad in ["", "  ", "a/b", "a:b", "a%b", "..", "a\\b"] {
            assert!(validate_model_name(bad).is_err(), "{bad}");
        }
        assert!(validate_alias("champion").is_ok());
        assert!(validate_alias("stage-2_b").is_ok());
        assert!(validate_alias("vx1").is_ok());
        for bad in ["", "latest", "LATEST", "v1", "V22", "a b", "a.b"] {
            assert!(validate_alias(bad).is_err(), "{bad}");
        }
        assert_eq!(Stage::parse_user("production"), Some(Stage::Production));
        assert_eq!(Stage::parse_user("none"), Some(Stage::None));
        assert_eq!(Stage::parse_user("Deleted_Internal"), None);
        assert_eq!(
            Stage::parse_stored("Deleted_Internal"),
            Some(Stage::DeletedInternal)
        );
    }
}
