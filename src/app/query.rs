//! Selecting runs: a filter, an order and a limit over some experiments, reading only the
//! files the filter and the order name (whole runs only for the ones kept, when asked).

use super::columns::{self, ColumnPattern};
use super::{Error, Language, Result};
use crate::entities::{Experiment, Run, RunInfo, View};
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
    /// The first this many of those are left out (a page further on): they are sorted with
    /// the rest, but not read whole.
    pub offset: usize,
    /// What of each selected run is read.
    pub read: Read,
    /// The params, metrics and tags to show (names or globs); empty shows the columns the
    /// filter and the order name. With [`Read::Named`], only their files are read, and only
    /// for the runs kept.
    pub columns: Vec<ColumnPattern>,
}

impl Default for RunQuery {
    fn default() -> RunQuery {
        RunQuery {
            filter: None,
            order_by: Vec::new(),
            experiments: Vec::new(),
            view: View::Active,
            max_results: 1000,
            offset: 0,
            read: Read::Named,
            columns: Vec::new(),
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
    /// The columns to show: the query's chosen columns, expanded over the runs kept, or the
    /// filter's and the order's when none was chosen.
    pub shown: Vec<search::Identifier>,
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
    // The named keys only: a key names exactly the file a whole run would list for it, so the
    // runs kept for JSON can be read whole afterwards without telling a different story.
    let parts = parts_for(&columns);
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
    runs.drain(..q.offset.min(runs.len()));
    let mut runs: Vec<(RunHandle, Run)> = runs
        .into_iter()
        .filter_map(|r| handles.remove(&run_key(&r.info)).map(|h| (h, r)))
        .collect();
    if q.read == Read::Whole {
        runs = reread(store, runs, &RunParts::default(), &columns)?;
    } else if !q.columns.is_empty() {
        runs = reread(store, runs, &chosen_parts(&q.columns), &columns)?;
    }
    let shown = if q.columns.is_empty() {
        columns.clone()
    } else {
        columns::expand(&q.columns, runs.iter().map(|(_, r)| r))
    };
    Ok(Selected {
        runs,
        columns,
        matched,
        shown,
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

/// The parts of a run that hold the chosen columns: a name reads its file only, a glob the
/// whole folder.
pub fn chosen_parts(chosen: &[ColumnPattern]) -> RunParts {
    let mut parts = parts_for(&[]);
    columns::widen(&mut parts.params, search::Entity::Param, chosen);
    columns::widen(&mut parts.metrics, search::Entity::Metric, chosen);
    columns::widen(&mut parts.tags, search::Entity::Tag, chosen);
    parts
}

/// A run's experiment and id, which name its folder within one search.
fn run_key(info: &RunInfo) -> (String, String) {
    (info.experiment_id.clone(), info.run_id.clone())
}

/// Runs read in parts, read again with `parts` (whole runs by default). The parts the filter
/// and the order read are kept as they were read, so that what is shown is what was matched
/// and sorted, even if a run is being logged to meanwhile.
fn reread(
    store: &Store,
    runs: Vec<(RunHandle, Run)>,
    parts: &RunParts,
    columns: &[search::Identifier],
) -> Result<Vec<(RunHandle, Run)>> {
    let handles: Vec<RunHandle> = runs.iter().map(|(h, _)| h.clone()).collect();
    let whole = store.read_runs_parts(&handles, parts)?;
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

/// The runs a filter finds in some experiments, as commands that take either run names or a
/// search use them: newest first unless an order is given, handles only. Also gives how many
/// matched before `max_results` cut the list.
pub fn search_handles(
    store: &Store,
    filter: Option<String>,
    experiments: Vec<String>,
    order_by: &[String],
    view: View,
    max_results: usize,
) -> Result<(Vec<RunHandle>, usize)> {
    let order_by = if order_by.is_empty() {
        vec!["attributes.start_time DESC".to_string()]
    } else {
        order_by.to_vec()
    };
    let found = select(
        store,
        &RunQuery {
            filter,
            order_by,
            experiments,
            view,
            max_results,
            read: Read::Named,
            ..RunQuery::default()
        },
    )?;
    Ok((
        found.runs.into_iter().map(|(h, _)| h).collect(),
        found.matched,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::MetricPoint;
    use crate::store::{Batch, NewRun};

    /// Runs a, b, c (newest last) in Default, each with params lr and opt and metrics acc and
    /// loss.
    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::new(dir.path().to_path_buf());
        s.init().unwrap();
        let e = s.experiment("0").unwrap();
        for (i, (name, acc)) in [("a", 0.5), ("b", 0.9), ("c", 0.7)].into_iter().enumerate() {
            let info = s
                .create_run(
                    &e,
                    NewRun {
                        run_name: Some(name.into()),
                        start_time: Some(1000 + i as i64),
                        ..NewRun::default()
                    },
                )
                .unwrap();
            let point = |value| MetricPoint {
                timestamp: 1,
                value,
                step: 0,
            };
            s.log_batch(
                &s.find_run(&info.run_id).unwrap(),
                &Batch {
                    params: vec![("lr".into(), "0.1".into()), ("opt".into(), name.into())],
                    metrics: vec![
                        ("acc".into(), point(acc)),
                        ("loss".into(), point(1.0 - acc)),
                    ],
                    tags: vec![],
                },
            )
            .unwrap();
        }
        (dir, s)
    }

    fn pats(list: &[&str]) -> Vec<ColumnPattern> {
        list.iter()
            .map(|p| ColumnPattern::parse(p).unwrap())
            .collect()
    }

    fn shown(found: &Selected) -> Vec<String> {
        found.shown.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn an_offset_leaves_out_the_first_runs_of_the_order_and_reads_the_rest_whole() {
        let (_d, s) = store();
        let page = |offset, max_results| {
            let found = select(
                &s,
                &RunQuery {
                    order_by: vec!["metrics.acc DESC".into()],
                    max_results,
                    offset,
                    read: Read::Whole,
                    ..RunQuery::default()
                },
            )
            .unwrap();
            assert_eq!(found.matched, 3);
            found
                .runs
                .iter()
                .map(|(_, r)| {
                    assert_eq!(r.params.len(), 2, "read whole");
                    r.info.run_name.clone()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(page(0, 3), ["b", "c", "a"]);
        assert_eq!(page(1, 3), ["c", "a"]);
        assert_eq!(page(1, 2), ["c"]);
        assert!(page(5, 7).is_empty());
    }

    #[test]
    fn chosen_names_read_only_their_files() {
        let (_d, s) = store();
        let found = select(
            &s,
            &RunQuery {
                columns: pats(&["params.opt", "metrics.acc"]),
                max_results: 2,
                ..RunQuery::default()
            },
        )
        .unwrap();
        let names: Vec<&str> = found
            .runs
            .iter()
            .map(|(_, r)| r.info.run_name.as_str())
            .collect();
        assert_eq!(names, ["c", "b"]);
        assert_eq!(found.matched, 3);
        assert_eq!(shown(&found), ["params.opt", "metrics.acc"]);
        let (_, c) = &found.runs[0];
        assert_eq!(c.params.keys().collect::<Vec<_>>(), ["opt"]);
        assert_eq!(c.metrics.keys().collect::<Vec<_>>(), ["acc"]);
        assert!(c.tags.is_empty(), "no tag was asked for: {:?}", c.tags);
    }

    #[test]
    fn a_glob_reads_its_folder_and_the_filter_columns_stay_as_matched() {
        let (_d, s) = store();
        let found = select(
            &s,
            &RunQuery {
                filter: Some("metrics.acc > 0.6".into()),
                order_by: vec!["metrics.acc DESC".into()],
                columns: pats(&["metrics.*", "params.lr", "tags.mlflow.*"]),
                ..RunQuery::default()
            },
        )
        .unwrap();
        let names: Vec<&str> = found
            .runs
            .iter()
            .map(|(_, r)| r.info.run_name.as_str())
            .collect();
        assert_eq!(names, ["b", "c"]);
        assert_eq!(
            shown(&found),
            [
                "metrics.acc",
                "metrics.loss",
                "params.lr",
                "tags.mlflow.runName"
            ]
        );
        assert_eq!(
            found
                .columns
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>(),
            ["metrics.acc"]
        );
        let (_, b) = &found.runs[0];
        assert_eq!(b.params.keys().collect::<Vec<_>>(), ["lr"]);
        assert_eq!(b.metrics.len(), 2);
    }

    #[test]
    fn without_chosen_columns_the_filter_columns_are_shown() {
        let (_d, s) = store();
        let found = select(
            &s,
            &RunQuery {
                filter: Some("params.opt != 'a'".into()),
                ..RunQuery::default()
            },
        )
        .unwrap();
        assert_eq!(shown(&found), ["params.opt"]);
        assert_eq!(found.runs.len(), 2);
        assert!(found.runs[0].1.metrics.is_empty());
    }
}
