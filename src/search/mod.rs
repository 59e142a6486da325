//! The filter language: MLflow's `search_runs` filters (`metrics.acc > 0.9 and
//! params.lr = '0.01'`) and `search_experiments` filters (`name LIKE 'cv-%' and
//! tags.team = 'vision'`), plus `OR`, `NOT` and parentheses, and `ORDER BY` clauses.
//!
//! Parsing is separate from evaluation so a bad filter is reported (with its column) before
//! any run is read.

pub mod dsl;

mod eval;
mod parse;
mod registry;

pub use eval::{
    IS_PROMPT_TAG, matches, matches_experiment, matches_model, sort_experiments, sort_models,
    sort_runs,
};
pub use parse::{
    Entity, Expr, Identifier, MAX_DEPTH, Op, OrderBy, ParseError, Value, parse_experiment_filter,
    parse_experiment_order_by, parse_filter, parse_model_filter, parse_model_order_by,
    parse_order_by, parse_version_filter, parse_version_order_by,
};
pub use registry::{DEFAULT_VERSION_ORDER, matches_version, sort_versions};
