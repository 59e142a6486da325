//! Chosen columns (`--columns 'params.*,metrics.acc'`): params, metrics and tags named by key
//! or by a glob over keys, as `dvc exp show` chooses them.

use crate::entities::Run;
use crate::search::{Entity, Identifier};
use crate::store::Keys;

/// `params.lr`, `metrics.*`, `tags.mlflow.*`: an entity and a key that may hold `*` (any
/// characters, dots too) and `?` (one character).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnPattern {
    pub entity: Entity,
    pub key: String,
}

impl ColumnPattern {
    /// Parses one pattern: `params.KEY`, `metrics.KEY` or `tags.KEY` (also `param.`,
    /// `metric.`, `tag.`, as the filter language takes them).
    pub fn parse(text: &str) -> Result<ColumnPattern, String> {
        let text = text.trim();
        let bad = || {
            format!(
                "'{text}' is not a column: use params.KEY, metrics.KEY or tags.KEY, where KEY \
                 may hold * and ? (e.g. 'params.*,metrics.acc')"
            )
        };
        let (prefix, key) = text.split_once('.').ok_or_else(bad)?;
        let entity = match prefix {
            "params" | "param" => Entity::Param,
            "metrics" | "metric" => Entity::Metric,
            "tags" | "tag" => Entity::Tag,
            _ => return Err(bad()),
        };
        if key.is_empty() {
            return Err(bad());
        }
        Ok(ColumnPattern {
            entity,
            key: key.to_string(),
        })
    }

    /// Whether the key is a glob (holds `*` or `?`) rather than one name.
    pub fn is_glob(&self) -> bool {
        self.key.contains(['*', '?'])
    }

    pub fn matches(&self, key: &str) -> bool {
        glob(self.key.as_bytes(), key.as_bytes())
    }
}

/// Whether `text` matches `pattern`, where `*` is any run of bytes and `?` one character.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    // Iterative matching with one backtrack point (the last `*`): linear in practice.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(b'?') => {
                p += 1;
                t += utf8_len(text[t]);
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + utf8_len(text[st]);
                    star = Some((sp, t));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

/// The length of the UTF-8 character that starts with byte `b`.
fn utf8_len(b: u8) -> usize {
    match b {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// Adds to `keys` what reading these patterns' columns of `entity` needs: a name reads its
/// file only; a glob reads the whole folder.
pub fn widen(keys: &mut Keys, entity: Entity, patterns: &[ColumnPattern]) {
    for p in patterns.iter().filter(|p| p.entity == entity) {
        match keys {
            Keys::All => return,
            _ if p.is_glob() => *keys = Keys::All,
            Keys::Only(k) | Keys::Listed(k) => {
                if !k.contains(&p.key) {
                    k.push(p.key.clone());
                }
            }
        }
    }
}

/// The columns these patterns choose among `runs`, in the order the patterns are given: a name
/// is a column whether or not a run has it; a glob gives the keys some run has that match it,
/// sorted. Each column is given once.
pub fn expand<'a>(
    patterns: &[ColumnPattern],
    runs: impl Iterator<Item = &'a Run> + Clone,
) -> Vec<Identifier> {
    let mut out: Vec<Identifier> = Vec::new();
    let push = |out: &mut Vec<Identifier>, entity, key: &str| {
        let ident = Identifier {
            entity,
            key: key.to_string(),
        };
        if !out.contains(&ident) {
            out.push(ident);
        }
    };
    for p in patterns {
        if !p.is_glob() {
            push(&mut out, p.entity, &p.key);
            continue;
        }
        let mut keys: Vec<&str> = Vec::new();
        for r in runs.clone() {
            let names: Vec<&str> = match p.entity {
                Entity::Param => r.params.keys().map(String::as_str).collect(),
                Entity::Metric => r.metrics.keys().map(String::as_str).collect(),
                Entity::Tag => r.tags.keys().map(String::as_str).collect(),
                Entity::Attribute => Vec::new(),
            };
            keys.extend(names.into_iter().filter(|k| p.matches(k)));
        }
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            push(&mut out, p.entity, k);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(s: &str) -> ColumnPattern {
        ColumnPattern::parse(s).unwrap()
    }

    #[test]
    fn parses_entities_and_refuses_other_words() {
        assert_eq!(pat("params.lr").entity, Entity::Param);
        assert_eq!(pat("metric.acc").entity, Entity::Metric);
        assert_eq!(pat(" tags.mlflow.* ").key, "mlflow.*");
        for bad in ["lr", "params.", "attributes.status", "run_name", ""] {
            let e = ColumnPattern::parse(bad).unwrap_err();
            assert!(e.contains("params.KEY"), "{bad}: {e}");
        }
    }

    #[test]
    fn globs_match_any_run_of_characters() {
        let p = pat("tags.mlflow.*");
        assert!(p.is_glob());
        assert!(p.matches("mlflow.runName"));
        assert!(p.matches("mlflow.source.git.commit"));
        assert!(!p.matches("team"));
        assert!(!p.matches("mlflow"));
        assert!(pat("metrics.*").matches(""));
        assert!(pat("metrics.val_*_acc").matches("val_top5_acc"));
        assert!(!pat("metrics.val_*_acc").matches("val_top5_loss"));
        assert!(pat("metrics.l?ss").matches("loss"));
        assert!(pat("metrics.l?ss").matches("lüss"));
        assert!(!pat("metrics.l?ss").matches("lss"));
        assert!(pat("metrics.*a*b*").matches("xaybzb"));
        assert!(!pat("metrics.acc").is_glob());
        assert!(!pat("metrics.acc").matches("acc2"));
    }

    #[test]
    fn a_name_reads_its_file_and_a_glob_its_folder() {
        let mut keys = Keys::Only(vec!["lr".into()]);
        widen(
            &mut keys,
            Entity::Param,
            &[pat("params.lr"), pat("params.opt"), pat("metrics.*")],
        );
        assert_eq!(keys, Keys::Only(vec!["lr".into(), "opt".into()]));
        widen(&mut keys, Entity::Param, &[pat("params.o*")]);
        assert_eq!(keys, Keys::All);
        let mut tags = Keys::Only(Vec::new());
        widen(&mut tags, Entity::Tag, &[pat("params.*")]);
        assert_eq!(tags, Keys::Only(Vec::new()));
    }

    #[test]
    fn expands_in_the_order_given_once_each() {
        let a = crate::entities::test_run("a", 1, &[("loss", 0.1), ("acc", 0.9)], &[("lr", "0.1")]);
        let b = crate::entities::test_run("b", 2, &[("f1", 0.5)], &[("opt", "sgd")]);
        let shown: Vec<String> = expand(
            &[
                pat("metrics.acc"),
                pat("params.*"),
                pat("metrics.*"),
                pat("tags.none"),
            ],
            [a, b].iter(),
        )
        .iter()
        .map(|c| c.to_string())
        .collect();
        assert_eq!(
            shown,
            [
                "metrics.acc",
                "params.lr",
                "params.opt",
                "metrics.f1",
                "metrics.loss",
                "tags.none"
            ]
        );
    }
}
