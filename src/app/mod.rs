//! Use cases: what a command does, below the command line, so the CLI and the HTTP server
//! call the same code. Each takes a small typed input and returns data (never prints); the
//! caller renders it.
//!
//! - [`query`]: which runs a filter, an order and a limit select, read as little as needed;
//! - [`start`]: a new run with MLflow's system tags, in an experiment made on first use;
//! - [`resolve`]: the run a user names (id, id prefix, run name, `runs:/` or `models:/` URI).
//! - [`columns`]: the param, metric and tag columns a listing shows (`--columns 'params.*'`).
//! - [`registry`]: registered-model and model-version searches, versions from model URIs.
//!
//! The other use cases live beside the code they drive: [`crate::ingest::log_batch`] (`log
//! batch`), [`crate::bundle::import`] (import and merge), [`crate::bundle::export`],
//! `Store::check` and `Store::gc` (`store check`, `store gc`).

pub mod columns;
pub mod downsample;
pub mod experiments;
pub mod logged_models;
pub mod query;
pub mod registry;
pub mod report;
pub mod resolve;
pub mod start;
pub mod sync;
pub mod ui;

use crate::search::ParseError;
use crate::store;

/// What a use case can fail with: a bad expression (with where it is wrong), or the store's
/// error (with its kind).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid {what} at column {}: {}", error.column, error.message)]
    Expression {
        what: Language,
        text: String,
        error: ParseError,
    },
    #[error(transparent)]
    Store(#[from] store::Error),
    /// Talking to a tracking server failed (`mlt push`, `mlt pull`).
    #[error(transparent)]
    Remote(#[from] crate::remote::Error),
}

/// Which expression language a text was parsed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Filter,
    OrderBy,
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Language::Filter => "filter",
            Language::OrderBy => "order-by",
        })
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
