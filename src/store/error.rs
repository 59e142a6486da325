//! The store's errors: each says what kind of failure it is ([`ErrorKind`]) and carries the
//! data it concerns (which experiment, which names exist that are close to the one asked
//! for), not a finished sentence. The messages say what is wrong in the store's own terms;
//! advice that names a command or a flag is the command line's to add (`cli::hint_for`).

use crate::entities::{InvalidValue, Stage};
use std::path::PathBuf;

/// What kind of thing an error is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entity {
    Experiment,
    Run,
    /// A registered model.
    Model,
    /// A version of the registered model `model`.
    Version {
        model: String,
    },
    /// An alias of the registered model `model`.
    Alias {
        model: String,
    },
    /// An MLflow 3 logged model (`models:/m-<id>`).
    LoggedModel,
    /// An artifact of the run `run`.
    Artifact {
        run: String,
    },
}

/// The part a folder that must be a store plays: what the command works on, or where a
/// transfer takes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreRole {
    /// The store a command reads or changes.
    Target,
    /// The other store of a merge.
    MergeSource,
    /// What an import takes in, which is not a bundle either.
    ImportSource,
    /// The source of a transfer.
    TransferSource,
}

fn no_store(root: &std::path::Path, tracking: &std::path::Path, role: StoreRole) -> String {
    let (root, tracking) = (root.display(), tracking.display());
    match role {
        StoreRole::Target => format!("no mlt store at {root} (no {tracking} folder)"),
        StoreRole::MergeSource => format!("no store to merge at {root} (no {tracking} folder)"),
        StoreRole::ImportSource => format!(
            "{root} is neither a bundle nor a store (no manifest.json, no {tracking} folder)"
        ),
        StoreRole::TransferSource => {
            format!("no store to take from at {root} (no {tracking} folder)")
        }
    }
}

/// The four kinds of failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// What was asked for does not exist.
    NotFound,
    /// The request, or a file in the store, breaks a rule.
    Invalid,
    /// The request clashes with what is there (a name taken, a thing deleted, a writer busy).
    Conflict,
    /// The file system failed.
    Io,
}

/// Everything that can go wrong in the store, each with the id or path it concerns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// There is no store at `root` (its tracking folder `tracking` is missing), which was
    /// wanted as `role`.
    #[error("{}", no_store(root, tracking, *role))]
    NoStore {
        root: PathBuf,
        tracking: PathBuf,
        role: StoreRole,
    },
    /// No such thing. `candidates` are existing names close to `name`, closest first.
    #[error("{}", missing(what, name))]
    Missing {
        what: Entity,
        name: String,
        candidates: Vec<String>,
    },
    /// A thing with this name exists already (`id`: its id; `deleted`: it is in the trash).
    #[error("{}", exists(what, name, id.as_deref(), *deleted))]
    Exists {
        what: Entity,
        name: String,
        id: Option<String>,
        deleted: bool,
    },
    /// The thing is deleted (in the trash) and must be restored first.
    #[error("{}", deleted(what, name, id))]
    Deleted {
        what: Entity,
        name: String,
        id: String,
    },
    /// A name, key or value breaks MLflow's rules.
    #[error(transparent)]
    Value(#[from] InvalidValue),
    /// Archiving the versions in the target stage asked with a move to `stage`, which is
    /// neither Staging nor Production.
    #[error("only Staging and Production can archive the versions already in them, not {stage}")]
    ArchiveStage { stage: Stage },
    /// A repair would touch a file of a RUNNING run, which a writer may hold open.
    #[error("run {run} is RUNNING, and a writer may hold this file open; end it first")]
    RunRunning { run: String },
    /// Not found, in the words of a case without a variant of its own.
    #[error("{0}")]
    NotFound(String),
    /// Invalid, in the words of a case without a variant of its own.
    #[error("{0}")]
    Invalid(String),
    /// A conflict, in the words of a case without a variant of its own.
    #[error("{0}")]
    Conflict(String),
    #[error("malformed {}: {msg}", path.display())]
    Malformed { path: PathBuf, msg: String },
    /// A tag `key` of run `run` (at `path`) that mlt must read holds what it cannot use.
    #[error("malformed {}: {msg}", path.display())]
    MalformedTag {
        path: PathBuf,
        run: String,
        key: String,
        msg: String,
    },
    /// Part of a change was written before it failed.
    #[error("{source} (written before the failure: {written})")]
    Partial { written: String, source: Box<Error> },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Error {
    /// Which of the four kinds of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NoStore { .. } | Error::Missing { .. } | Error::NotFound(_) => {
                ErrorKind::NotFound
            }
            Error::Value(_) | Error::ArchiveStage { .. } | Error::Invalid(_) => ErrorKind::Invalid,
            Error::Malformed { .. } | Error::MalformedTag { .. } => ErrorKind::Invalid,
            Error::Exists { .. }
            | Error::Deleted { .. }
            | Error::RunRunning { .. }
            | Error::Conflict(_) => ErrorKind::Conflict,
            Error::Partial { source, .. } => source.kind(),
            Error::Io { .. } => ErrorKind::Io,
        }
    }

    /// No `what` named `name`, with no names to suggest.
    pub fn missing(what: Entity, name: impl Into<String>) -> Error {
        Error::Missing {
            what,
            name: name.into(),
            candidates: Vec::new(),
        }
    }

    /// No `what` named `name`; the suggestions are the `known` names close to it.
    pub fn missing_among<'a>(
        what: Entity,
        name: &str,
        known: impl IntoIterator<Item = &'a str>,
    ) -> Error {
        Error::Missing {
            candidates: similar(name, known),
            what,
            name: name.into(),
        }
    }

    /// The run `id` is deleted.
    pub fn deleted_run(id: &str) -> Error {
        Error::Deleted {
            what: Entity::Run,
            name: id.to_string(),
            id: id.to_string(),
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }
}

fn missing(what: &Entity, name: &str) -> String {
    match what {
        Entity::Experiment => format!("no experiment with id or name '{name}'"),
        Entity::Run => format!("no run with id '{name}'"),
        Entity::Model => format!("no registered model named '{name}'"),
        Entity::Version { model } => format!("model '{model}' has no version {name}"),
        Entity::Alias { model } => format!("model '{model}' has no alias '{name}'"),
        Entity::LoggedModel => format!("no logged model '{name}'"),
        Entity::Artifact { run } => format!("run {run} has no artifact '{name}'"),
    }
}

fn exists(what: &Entity, name: &str, id: Option<&str>, deleted: bool) -> String {
    let mut s = match what {
        Entity::Experiment => format!("an experiment named '{name}' already exists"),
        Entity::Run => format!("a run with id '{name}' already exists"),
        Entity::Model => format!("a registered model named '{name}' already exists"),
        Entity::Version { model } => format!("model '{model}' already has a version {name}"),
        Entity::Alias { model } => format!("model '{model}' already has an alias '{name}'"),
        Entity::LoggedModel => format!("a logged model '{name}' already exists"),
        Entity::Artifact { run } => format!("run {run} already has an artifact '{name}'"),
    };
    if let Some(id) = id {
        s.push_str(&format!(": {id}"));
    }
    if deleted {
        s.push_str(" (deleted)");
    }
    s
}

fn deleted(what: &Entity, name: &str, id: &str) -> String {
    match what {
        Entity::Experiment => format!("experiment '{name}' ({id}) is deleted"),
        Entity::Run => format!("run {id} is deleted"),
        Entity::Model => format!("registered model '{name}' is deleted"),
        Entity::Version { model } => format!("version {name} of '{model}' is deleted"),
        Entity::Alias { model } => format!("alias '{name}' of '{model}' is deleted"),
        Entity::LoggedModel => format!("logged model '{name}' ({id}) is deleted"),
        Entity::Artifact { run } => format!("artifact '{name}' of run {run} is deleted"),
    }
}

/// The `known` names close enough to `name` to be what was meant, closest first, at most
/// three: those at an edit distance of at most a third of the name's length (rounded up,
/// at most 3), ignoring case, and those that hold `name` or that `name` holds (of 3
/// characters or more). A name equal to `name` is not suggested.
pub fn similar<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let wanted = name.to_lowercase();
    let n = wanted.chars().count();
    let limit = n.div_ceil(3).clamp(1, 3);
    let mut scored: Vec<(usize, String)> = known
        .into_iter()
        .filter(|k| *k != name)
        .filter_map(|k| {
            let lower = k.to_lowercase();
            let d = levenshtein(&wanted, &lower);
            let contains = n >= 3 && (lower.contains(&wanted) || wanted.contains(&lower));
            (d <= limit || contains).then(|| (d, k.to_string()))
        })
        .collect();
    scored.sort();
    scored.dedup();
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

/// The number of characters to insert, delete or replace to turn `a` into `b`.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if ca == *cb {
                diag
            } else {
                1 + diag.min(up).min(row[j])
            };
            diag = up;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("abc", ""), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("champion", "champoin"), 2);
        assert_eq!(levenshtein("été", "ete"), 2);
    }

    #[test]
    fn suggestions_are_close_names_closest_first() {
        let known = ["baseline", "baseline-v2", "tuning", "prod", "Default"];
        assert_eq!(similar("basline", known), ["baseline"]);
        assert_eq!(similar("baseline-2", known), ["baseline-v2", "baseline"]);
        assert_eq!(similar("tunning", known), ["tuning"]);
        assert_eq!(similar("default", known), ["Default"]);
        assert_eq!(similar("prdo", known), ["prod"]);
        assert!(similar("xyz", known).is_empty());
        assert!(similar("baseline", ["baseline"]).is_empty());
        // A one-letter name gets only one-edit neighbours.
        assert_eq!(similar("a", ["b", "ab", "abc"]), ["ab", "b"]);
        assert_eq!(similar("x", ["a", "b", "c", "d"]).len(), 3);
    }

    /// The store's messages name no flag and no command: that is the command line's to add.
    #[test]
    fn messages_name_no_flags_or_commands() {
        let model = || Entity::Version { model: "m".into() };
        let errors = [
            Error::NoStore {
                root: "/s".into(),
                tracking: "/s/mlruns".into(),
                role: StoreRole::Target,
            },
            Error::NoStore {
                root: "/s".into(),
                tracking: "/s/mlruns".into(),
                role: StoreRole::MergeSource,
            },
            Error::missing_among(Entity::Experiment, "basline", ["baseline"]),
            Error::missing(model(), "3"),
            Error::Exists {
                what: Entity::Experiment,
                name: "e".into(),
                id: Some("1".into()),
                deleted: true,
            },
            Error::Exists {
                what: Entity::Artifact { run: "r".into() },
                name: "model".into(),
                id: None,
                deleted: false,
            },
            Error::deleted_run("r"),
            Error::ArchiveStage {
                stage: Stage::Archived,
            },
            Error::RunRunning { run: "r".into() },
            Error::MalformedTag {
                path: "/t".into(),
                run: "r".into(),
                key: "k".into(),
                msg: "bad".into(),
            },
        ];
        for e in errors {
            let m = e.to_string();
            assert!(!m.contains("--") && !m.contains('`'), "{m}");
        }
    }

    #[test]
    fn kinds() {
        let nf = Error::missing(Entity::Experiment, "x");
        assert_eq!(nf.kind(), ErrorKind::NotFound);
        assert_eq!(nf.to_string(), "no experiment with id or name 'x'");
        let partial = Error::Partial {
            written: "a".into(),
            source: Box::new(Error::Exists {
                what: Entity::Model,
                name: "m".into(),
                id: None,
                deleted: false,
            }),
        };
        assert_eq!(partial.kind(), ErrorKind::Conflict);
        let d = Error::Deleted {
            what: Entity::Experiment,
            name: "e".into(),
            id: "3".into(),
        };
        assert_eq!(d.to_string(), "experiment 'e' (3) is deleted");
        let v = Error::missing(
            Entity::Version {
                model: "clf".into(),
            },
            "9",
        );
        assert_eq!(v.to_string(), "model 'clf' has no version 9");
    }
}
