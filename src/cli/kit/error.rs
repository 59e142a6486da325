//! Failures with their exit code (1 failure, 2 usage) and hints. Library errors carry a kind and
//! their data; the hints that name flags or commands are added here, at the edge.

use crate::store;

/// A failure with its exit code and an optional hint.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub hint: Option<String>,
    pub code: u8,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            hint: None,
            code: 2,
        }
    }

    pub fn failure(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            hint: None,
            code: 1,
        }
    }

    /// Exits with `code` and no message (the wrapped command's own exit code).
    pub fn exit(code: u8) -> CliError {
        CliError {
            message: String::new(),
            hint: None,
            code,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }
}

impl From<store::Error> for CliError {
    fn from(e: store::Error) -> CliError {
        let hint = hint_for(&e);
        CliError {
            message: e.to_string(),
            hint,
            code: 1,
        }
    }
}

/// The advice the command line adds to a store error: the commands and flags that get past
/// it, and the existing names close to a mistyped one. The store's messages name neither.
pub fn hint_for(e: &store::Error) -> Option<String> {
    use store::{Entity, Error};
    /// A word as it must be typed in a shell.
    fn quoted(s: &str) -> String {
        let plain = !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
        if plain {
            s.to_string()
        } else {
            format!("'{}'", s.replace('\'', r"'\''"))
        }
    }
    match e {
        Error::NoStore { role, .. } => match role {
            store::StoreRole::Target => Some("run `mlt init` or pass --store".into()),
            store::StoreRole::MergeSource => {
                Some("name the folder that holds mlruns/, or the mlruns/ folder itself".into())
            }
            store::StoreRole::ImportSource => Some(
                "import takes a bundle (a folder or .tar.gz from `mlt export`), a store, or an \
                 MLflow database file"
                    .into(),
            ),
            store::StoreRole::TransferSource => None,
        },
        Error::Missing { candidates, .. } if !candidates.is_empty() => {
            let names: Vec<String> = candidates.iter().map(|c| format!("'{c}'")).collect();
            let names = match names.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => unreachable!("not empty"),
            };
            Some(format!("did you mean {names}?"))
        }
        Error::Deleted {
            what: Entity::Experiment,
            name,
            ..
        } => Some(format!(
            "restore it with `mlt experiments restore {}`",
            quoted(name)
        )),
        Error::Deleted {
            what: Entity::Run,
            id,
            ..
        } => Some(format!("restore it with `mlt runs restore {id}`")),
        Error::Exists {
            what: Entity::Experiment,
            name,
            deleted: true,
            ..
        } => Some(format!(
            "restore it with `mlt experiments restore {}`, or pick another name",
            quoted(name)
        )),
        Error::Exists {
            what: Entity::Artifact { .. },
            ..
        } => Some("choose another --name".into()),
        Error::ArchiveStage { .. } => Some("leave out --archive-existing".into()),
        Error::RunRunning { run } => Some(format!("end it with `mlt runs end {run}`, then repair")),
        Error::MalformedTag { run, key, .. } => Some(format!(
            "delete it with `mlt runs delete-tag {} --run {run}`",
            quoted(key)
        )),
        Error::Partial { source, .. } => hint_for(source),
        _ => None,
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        CliError::failure(e.to_string())
    }
}

pub type CmdResult = Result<(), CliError>;

/// A refused bundle says that nothing was changed.
pub fn bundle_error(e: crate::bundle::Error) -> CliError {
    match e {
        crate::bundle::Error::Rejected(_) => {
            CliError::failure(e.to_string()).hint("nothing was imported; the store is unchanged")
        }
        crate::bundle::Error::Store(e) => e.into(),
    }
}

/// A filter or order-by error: what is wrong, at which column, with a caret under it.
pub fn bad_expression(what: &str, text: &str, e: &crate::search::ParseError) -> CliError {
    CliError::usage(format!(
        "invalid {what} at column {}: {}",
        e.column, e.message
    ))
    .hint(pointer(text, e.column))
}

/// `text` with a caret under the 1-based `column`; a long text is cut to the part around the
/// column so the hint stays a readable line.
fn pointer(text: &str, column: usize) -> String {
    const SIDE: usize = 40;
    let chars: Vec<char> = text.chars().collect();
    let at = column.saturating_sub(1);
    let start = at.saturating_sub(SIDE);
    let end = (at + SIDE).min(chars.len());
    let mut shown: String = chars[start.min(end)..end].iter().collect();
    let mut caret = at - start;
    if start > 0 {
        shown.insert_str(0, "...");
        caret += 3;
    }
    if end < chars.len() {
        shown.push_str("...");
    }
    format!("\n  {shown}\n  {}^", " ".repeat(caret))
}

impl From<crate::app::Error> for CliError {
    fn from(e: crate::app::Error) -> CliError {
        use crate::app::{Error, Language};
        match e {
            Error::Expression { what, text, error } => {
                let name = match what {
                    Language::Filter => "filter",
                    Language::OrderBy => "--order-by",
                };
                bad_expression(name, &text, &error)
            }
            Error::Store(e) => e.into(),
            Error::Remote(e) => remote_error(e),
        }
    }
}

/// A failure talking to a tracking server, with what to check.
fn remote_error(e: crate::remote::Error) -> CliError {
    use crate::remote::Error as E;
    let hint = match &e {
        E::Api { status: 401, .. } => Some(
            "set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD",
        ),
        E::Api { status: 403, .. } => {
            Some("the server does not allow this request with these credentials")
        }
        E::Transport { .. } => Some(
            "is the server running at that URL? MLFLOW_HTTP_REQUEST_TIMEOUT and \
             MLFLOW_HTTP_REQUEST_MAX_RETRIES set how long mlt waits",
        ),
        E::Tls { .. } => Some(
            "MLFLOW_TRACKING_SERVER_CERT_PATH names a PEM file of certificates to trust (the \
             server's CA, or a self-signed server certificate made with basicConstraints \
             CA:FALSE); MLFLOW_TRACKING_INSECURE_TLS=true skips verification",
        ),
        _ => None,
    };
    let usage = matches!(&e, E::Config(_));
    let err = if usage {
        CliError::usage(e.to_string())
    } else {
        CliError::failure(e.to_string())
    };
    match hint {
        Some(h) => err.hint(h),
        None => err,
    }
}
/// A refused import or merge, with the flags that settle it.
impl From<crate::bundle::import::TransferError> for CliError {
    fn from(e: crate::bundle::import::TransferError) -> CliError {
        use crate::bundle::import::{SourceKind, TransferError as E};
        let msg = e.to_string();
        match e {
            E::SameStore(_) => CliError::usage(format!("{msg}; merge another one")),
            E::Conflicts { from, .. } => {
                let whose = match from {
                    SourceKind::Bundle => "bundle",
                    SourceKind::Store => "source",
                    SourceKind::OtherStore => "other store",
                    SourceKind::Database => "database",
                };
                CliError::failure(msg).hint(format!(
                    "--on-conflict skip keeps this store's copies, --on-conflict overwrite takes \
                     the {whose}'s"
                ))
            }
            E::Stopped(s) => CliError::failure(msg).hint(format!(
                "{}; each run and version lands whole, so running the same command again \
                 completes it (what is already here is kept as unchanged)",
                crate::bundle::report::written_before_failure(&s.written)
            )),
            E::Bundle(b) => bundle_error(b),
        }
    }
}
