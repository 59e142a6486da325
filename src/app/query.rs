//! Selecting runs: a filter, an order and a limit over some experiments, reading only the
//! files the filter and the order name (whole runs only for the ones kept, when asked).

use super::{Error, Language, Result};
use crate::model::{Experiment, Run, RunInfo, View};
use crate::search;
use crate::store::{Keys, RunHandle, RunParts, Store};
use std::collections::{BTreeMap, HashMap};

/// Which runs to select.
#[derive(Clone, Debug)]
pub struct RunQuery {
    /// MLflow's filter language (plus OR, NOT and parentheses); `None` matches every run.
    pub filter: Option<String>,
    /// `key [ASC|DESC]`, first is most significant.
    pub order_by: Vec<String>,
    /// Experiment ids or names; empty means every experiment.
    pub experiments: Vec<String>,
    pub view: View,
    /// At most this many runs are returned.
    pub max_results: usize,
    /// What of each selected run is read.
    pub read: Read,
}

impl Default for RunQuery {
    fn default() -> RunQuery {
        RunQuery {
            filter: None,
            order_by: Vec::new(),
            experiments: Vec::new(),
            view: View::Active,
            max_results: 1000,
            read: Read::Named,
        }
    }
}

/// How much of a selected run is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Read {
    /// Only the params, metrics and tags the filter and the order name.
    #[default]
    Named,
    /// Whole runs (every param, latest metric and tag).
    Whole,
}

/// The runs a query selected, in order.
pub struct Selected {
    pub runs: Vec<(RunHandle, Run)>,
    /// The metrics, params and tags the filter and the order name, in order, once each.
    pub columns: Vec<search::Identifier>,
    /// How many runs matched before `max_results` cut the list.
    pub matched: usize,
}

/// A parsed filter and order, and the columns they name.
pub struct Parsed {
    pub filter: Option<search::Expr>,
    pub orders: Vec<search::OrderBy>,
    pub columns: Vec<search::Identifier>,
}

/// Parses a query's filter and order.
pub fn parse(filter: Option<&str>, order_by: &[String]) -> Result<Parsed> {
    let text = filter.unwrap_or("");
    let filter = search::parse_filter(text).map_err(|error| Error::Expression {
        what: Language::Filter,
        text: text.to_string(),
        error,
    })?;
    let orders = order_by
        .iter()
        .map(|o| {
            search::parse_order_by(o).map_err(|error| Error::Expression {
                what: Language::OrderBy,
                text: o.clone(),
                error,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let columns = referenced_columns(filter.as_ref(), &orders);
    Ok(Parsed {
        filter,
        orders,
        columns,
    })
}

/// Selects runs. Every run is read with only the files the filter and the order name, several
/// runs at once; with [`Read::Whole`], the runs kept are then read whole.
pub fn select(store: &Store, q: &RunQuery) -> Result<Selected> {
    let parsed = parse(q.filter.as_deref(), &q.order_by)?;
    let exps = experiments(store, &q.experiments)?;
    let columns = parsed.columns;
    // For whole runs, the named keys are read as a whole run would have them (Keys::Listed).
    let mut parts = parts_for(&columns);
    if q.read == Read::Whole {
        for keys in [&mut parts.params, &mut parts.metrics, &mut parts.tags] {
            if let Keys::Only(k) = keys {
                *keys = Keys::Listed(std::mem::take(k));
            }
        }
    }
    let mut found = Vec::new();
    for e in &exps {
        let handles = store.list_runs(e, q.view)?;
        let read = store.read_runs_parts(&handles, &parts)?;
        for (h, run) in handles.into_iter().zip(read) {
            if parsed
                .filter
                .as_ref()
                .is_none_or(|x| search::matches(x, &run))
            {
                found.push((h, run));
            }
        }
    }
    let matched = found.len();
    let mut runs: Vec<Run> = Vec::with_capacity(found.len());
    let mut handles: HashMap<(String, String), RunHandle> = HashMap::new();
    for (h, r) in found {
        handles.insert(run_key(&r.info), h);
        runs.push(r);
    }
    search::sort_runs(&mut runs, &parsed.orders);
    runs.truncate(q.max_results);
    let mut runs: Vec<(RunHandle, Run)> = runs
        .into_iter()
        .filter_map(|r| handles.remove(&run_key(&r.info)).map(|h| (h, r)))
        .collect();
    if q.read == Read::Whole {
        runs = whole_runs(store, runs, &columns)?;
    }
    Ok(Selected {
        runs,
        columns,
        matched,
    })
}

/// The experiments named (by id or name), or every experiment when none is.
pub fn experiments(store: &Store, specs: &[String]) -> Result<Vec<Experiment>> {
    if specs.is_empty() {
        return Ok(store.list_experiments(View::All)?);
    }
    Ok(specs
        .iter()
        .map(|e| store.experiment(e))
        .collect::<Result<Vec<_>, _>>()?)
}

/// The parts of a run that hold these columns: reading only them is enough to evaluate a
/// filter that names them.
pub fn parts_for(columns: &[search::Identifier]) -> RunParts {
    let only = |entity| {
        Keys::Only(
            columns
                .iter()
                .filter(|c| c.entity == entity)
                .map(|c| c.key.clone())
                .collect(),
        )
    };
    RunParts {
        params: only(search::Entity::Param),
        metrics: only(search::Entity::Metric),
        tags: only(search::Entity::Tag),
    }
}

/// A run's experiment and id, which name its folder within one search.
fn run_key(info: &RunInfo) -> (String, String) {
    (info.experiment_id.clone(), info.run_id.clone())
}

/// The whole runs of runs read in parts. The parts the filter and the order read are kept as
/// they were read, so that what is shown is what was matched and sorted, even if a run is
/// being logged to meanwhile.
fn whole_runs(
    store: &Store,
    runs: Vec<(RunHandle, Run)>,
    columns: &[search::Identifier],
) -> Result<Vec<(RunHandle, Run)>> {
    let handles: Vec<RunHandle> = runs.iter().map(|(h, _)| h.clone()).collect();
    let whole = store.read_runs_parts(&handles, &RunParts::default())?;
    Ok(whole
        .into_iter()
        .zip(runs)
        .map(|(mut w, (h, mut r))| {
            for c in columns {
                match c.entity {
                    search::Entity::Param => keep(&mut w.params, &mut r.params, &c.key),
                    search::Entity::Metric => keep(&mut w.metrics, &mut r.metrics, &c.key),
                    search::Entity::Tag => keep(&mut w.tags, &mut r.tags, &c.key),
                    search::Entity::Attribute => {}
                }
            }
            (h, w)
        })
        .collect())
}

/// Sets `key` in `whole` as it is in `part` (present or absent).
fn keep<V>(whole: &mut BTreeMap<String, V>, part: &mut BTreeMap<String, V>, key: &str) {
    match part.remove(key) {
        Some(v) => {
            whole.insert(key.to_string(), v);
        }
        None => {
            whole.remove(key);
        }
    }
}

/// The metrics, params and tags a filter or order-by names, in order, once each.
pub fn referenced_columns(
    expr: Option<&search::Expr>,
    orders: &[search::OrderBy],
) -> Vec<search::Identifier> {
    let named = expr
        .map(|e| e.identifiers())
        .unwrap_or_default()
        .into_iter()
        .chain(orders.iter().map(|o| &o.ident));
    let mut out: Vec<search::Identifier> = Vec::new();
    for ident in named {
        if ident.entity != search::Entity::Attribute && !out.contains(ident) {
            out.push(ident.clone());
        }
    }
    out
}
