use super::{CliError, CmdResult, Ctx, bad_expression, parse_key_value, run_id};
use crate::compare::{self, RunDiff};
use crate::context;
use crate::env;
use crate::model::json_f64;
use crate::model::{Experiment, Run, RunInfo, RunStatus, View, tags};
use crate::output::{self, Cell, Format, Listing, json};
use crate::search;
use crate::store::{ArtifactEntry, Keys, NewRun, RunHandle, RunParts, RunRef, Store};
use clap::Subcommand;
use std::collections::{BTreeMap, HashMap};

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Start a run and print its id: RUN=$(mlt runs start -e train)
    Start {
        /// Experiment name or id; created when the name is new
        /// [default: $MLFLOW_EXPERIMENT_ID, $MLFLOW_EXPERIMENT_NAME, else Default]
        #[arg(long, short)]
        experiment: Option<String>,
        /// Run name (default: a random adjective-noun-NNN)
        #[arg(long, short)]
        name: Option<String>,
        /// A tag, repeatable
        #[arg(long = "tag", short = 't', value_name = "KEY=VALUE", value_parser = parse_key_value)]
        tags: Vec<(String, String)>,
        /// Parent run, for nested runs
        #[arg(long, value_name = "RUN")]
        parent: Option<String>,
        /// Description (the mlflow.note.content tag)
        #[arg(long, short)]
        description: Option<String>,
    },
    /// End a run: set its status and end time
    End {
        /// Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]
        #[arg(long)]
        run: Option<String>,
        #[arg(long, value_enum, default_value = "FINISHED")]
        status: EndStatus,
    },
    /// List the runs of an experiment, newest first
    #[command(visible_alias = "ls")]
    List {
        /// Experiment name or id [default: Default]
        #[arg(long, short)]
        experiment: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        view: View,
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Find runs with MLflow's filter language (plus OR, NOT and parentheses) and order them
    Search {
        /// e.g. "metrics.acc > 0.9 and params.lr = '0.01'" (default: every run)
        #[arg(long, value_name = "EXPR")]
        filter: Option<String>,
        /// e.g. "metrics.loss" or "metrics.acc DESC"; repeatable, first is most significant
        #[arg(long = "order-by", value_name = "KEY [ASC|DESC]")]
        order_by: Vec<String>,
        /// Experiment name or id, repeatable [default: every experiment]
        #[arg(long, short)]
        experiment: Vec<String>,
        /// At most this many runs
        #[arg(long, default_value_t = 1000, value_parser = super::positive)]
        max_results: usize,
        #[arg(long, value_enum, default_value_t)]
        view: View,
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Compare runs side by side, best values marked; gate a candidate in CI with --fail-if
    Compare(super::compare::Args),
    /// Show what differs between two runs: params, metrics (with change), tags, artifacts
    Diff {
        /// The base run (id or runs:/ URI)
        a: String,
        /// The run compared with it
        b: String,
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Show everything about a run: info, params, latest metrics, tags, artifacts
    Show {
        /// Run id or runs:/ URI [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]
        run: Option<String>,
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Delete a run (restorable)
    Delete { run: String },
    /// Restore a deleted run
    Restore { run: String },
    /// Delete a tag of a run
    DeleteTag {
        key: String,
        #[arg(long)]
        run: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum EndStatus {
    Finished,
    Failed,
    Killed,
}

impl From<EndStatus> for RunStatus {
    fn from(s: EndStatus) -> RunStatus {
        match s {
            EndStatus::Finished => RunStatus::Finished,
            EndStatus::Failed => RunStatus::Failed,
            EndStatus::Killed => RunStatus::Killed,
        }
    }
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> CmdResult {
    match cmd {
        Cmd::Start {
            experiment,
            name,
            tags,
            parent,
            description,
        } => {
            let store = ctx.writable_store()?;
            let info = start(
                &store,
                Start {
                    experiment,
                    name,
                    tags,
                    parent,
                    description,
                    ..Start::default()
                },
            )?;
            output::print(&format!("{}\n", info.run_id))?;
        }
        Cmd::End { run, status } => {
            let id = run_id(run.as_deref())?;
            ctx.existing_store()?
                .set_run_status(&id, status.into(), None)?;
        }
        Cmd::List {
            experiment,
            view,
            format,
        } => {
            let store = ctx.existing_store()?;
            let exp = store.experiment(experiment.as_deref().unwrap_or("0"))?;
            let handles = store.list_runs(&exp, view)?;
            let text = match format {
                Format::Json => {
                    let mut runs = Vec::with_capacity(handles.len());
                    for h in &handles {
                        runs.push(json::run(&store.read_run(h)?));
                    }
                    output::to_json(&serde_json::json!({ "runs": runs }))
                }
                f => output::render(
                    f,
                    || listing(handles.iter().map(|h| &h.info), view),
                    || serde_json::Value::Null,
                ),
            };
            output::print(&text)?;
        }
        Cmd::Search {
            filter,
            order_by,
            experiment,
            max_results,
            view,
            format,
        } => {
            let store = ctx.existing_store()?;
            // JSON shows whole runs; the other formats show only the columns the filter and
            // the order name, so only those files are read.
            let found = select_runs(
                &store,
                filter.as_deref(),
                &order_by,
                &experiment,
                view,
                max_results,
                format == Format::Json,
            )?;
            let runs: Vec<Run> = found.runs.into_iter().map(|(_, r)| r).collect();
            let text = output::render(
                format,
                || {
                    let several = runs
                        .iter()
                        .any(|r| r.info.experiment_id != runs[0].info.experiment_id);
                    search_listing(&runs, &found.columns, several)
                },
                || serde_json::json!({"runs": runs.iter().map(json::run).collect::<Vec<_>>()}),
            );
            output::print(&text)?;
        }
        Cmd::Compare(args) => super::compare::run(ctx, args)?,
        Cmd::Diff { a, b, format } => {
            let store = ctx.existing_store()?;
            let load = |spec: &str| -> Result<(Run, Vec<ArtifactEntry>), CliError> {
                let h = super::find_run(&store, spec)?;
                let files = store.list_artifacts(&h, None).unwrap_or_else(|e| {
                    eprintln!("warning: {e}");
                    Vec::new()
                });
                Ok((store.read_run(&h)?, files))
            };
            let (ra, fa) = load(&a)?;
            let (rb, fb) = load(&b)?;
            let d = compare::diff_runs(&ra, &rb, &fa, &fb);
            let text = output::render(
                format,
                || diff_listing(&ra, &rb, &d),
                || diff_json(&ra, &rb, &d),
            );
            output::print(&text)?;
        }
        Cmd::Show { run, format } => {
            let store = ctx.existing_store()?;
            let r = RunRef::parse(&run_id(run.as_deref())?)?;
            let h = store.find_run(&r.run_id)?;
            let run = store.read_run(&h)?;
            let artifacts = store.list_artifacts(&h, None).unwrap_or_else(|e| {
                eprintln!("warning: {e}");
                Vec::new()
            });
            let text = output::render(
                format,
                || detail(&run, &artifacts),
                || {
                    serde_json::json!({
                        "run": json::run(&run),
                        "artifacts": artifacts.iter().map(json::file_info).collect::<Vec<_>>(),
                    })
                },
            );
            output::print(&text)?;
        }
        Cmd::Delete { run } => {
            let info = ctx
                .existing_store()?
                .delete_run(&RunRef::parse(&run)?.run_id)?;
            eprintln!("Deleted run {}", info.run_id);
        }
        Cmd::Restore { run } => {
            let info = ctx
                .existing_store()?
                .restore_run(&RunRef::parse(&run)?.run_id)?;
            eprintln!("Restored run {}", info.run_id);
        }
        Cmd::DeleteTag { key, run } => {
            let id = run_id(run.as_deref())?;
            ctx.existing_store()?.delete_run_tag(&id, &key)?;
        }
    }
    Ok(())
}

/// What a new run starts with; `system` tags replace or add to MLflow's defaults, and the
/// user's `tags` win over both.
#[derive(Default)]
pub(super) struct Start {
    pub experiment: Option<String>,
    pub name: Option<String>,
    pub tags: Vec<(String, String)>,
    pub parent: Option<String>,
    pub description: Option<String>,
    pub system: Vec<(String, String)>,
    /// Where to read the git commit and branch (default: the working directory).
    pub dir: Option<std::path::PathBuf>,
}

/// Starts a run with MLflow's system tags.
pub(super) fn start(store: &Store, s: Start) -> Result<RunInfo, CliError> {
    let exp = match s
        .experiment
        .or_else(|| env::var(env::MLFLOW_EXPERIMENT_ID))
        .or_else(|| env::var(env::MLFLOW_EXPERIMENT_NAME))
    {
        None => store.experiment("0")?,
        Some(spec) => {
            let (e, created) = store.get_or_create_experiment(&spec)?;
            if created {
                eprintln!("Created experiment '{}' ({})", e.name, e.experiment_id);
            }
            e
        }
    };
    let user = env::user();
    let mut t: Vec<(String, String)> = vec![
        (tags::USER.into(), user.clone()),
        (tags::SOURCE_NAME.into(), context::source_name()),
        (tags::SOURCE_TYPE.into(), "LOCAL".into()),
    ];
    if let Some(git) = s
        .dir
        .or_else(|| std::env::current_dir().ok())
        .and_then(|d| context::git_info(&d))
    {
        t.push((tags::GIT_COMMIT.into(), git.commit));
        if let Some(b) = git.branch {
            t.push((tags::GIT_BRANCH.into(), b));
        }
    }
    if let Some(p) = s.parent {
        let p = store.find_run(&RunRef::parse(&p)?.run_id)?;
        t.push((tags::PARENT_RUN_ID.into(), p.info.run_id));
    }
    if let Some(d) = s.description {
        t.push((tags::NOTE.into(), d));
    }
    t.retain(|(k, _)| !s.system.iter().any(|(sk, _)| sk == k));
    t.extend(s.system);
    // User tags win over the defaults above.
    t.retain(|(k, _)| !s.tags.iter().any(|(uk, _)| uk == k));
    t.extend(s.tags);
    Ok(store.create_run(
        &exp,
        NewRun {
            run_name: s.name,
            tags: t,
            start_time: None,
            user: Some(user),
        },
    )?)
}

/// Runs found by a search, in order, with the metrics, params and tags the filter and order
/// name.
pub(super) struct Selection {
    pub runs: Vec<(RunHandle, Run)>,
    pub columns: Vec<search::Identifier>,
}

/// Searches experiments (all when none are named) with a filter and order. Every run is read
/// with only the files the filter and the order name, several runs at once; with `whole`, the
/// runs kept are then read whole (for JSON output).
pub(super) fn select_runs(
    store: &Store,
    filter: Option<&str>,
    order_by: &[String],
    experiments: &[String],
    view: View,
    max_results: usize,
    whole: bool,
) -> Result<Selection, CliError> {
    let text = filter.unwrap_or("");
    let expr = search::parse_filter(text).map_err(|e| bad_expression("filter", text, &e))?;
    let orders = order_by
        .iter()
        .map(|o| search::parse_order_by(o).map_err(|e| bad_expression("--order-by", o, &e)))
        .collect::<Result<Vec<_>, _>>()?;
    let exps = self::experiments(store, experiments)?;
    let columns = referenced_columns(expr.as_ref(), &orders);
    // For whole runs, the named keys are read as a whole run would have them (Keys::Listed).
    let mut parts = parts_for(&columns);
    if whole {
        for keys in [&mut parts.params, &mut parts.metrics, &mut parts.tags] {
            if let Keys::Only(k) = keys {
                *keys = Keys::Listed(std::mem::take(k));
            }
        }
    }
    let mut found = Vec::new();
    for e in &exps {
        let handles = store.list_runs(e, view)?;
        let read = store.read_runs_parts(&handles, &parts)?;
        for (h, run) in handles.into_iter().zip(read) {
            if expr.as_ref().is_none_or(|x| search::matches(x, &run)) {
                found.push((h, run));
            }
        }
    }
    let mut runs: Vec<Run> = Vec::with_capacity(found.len());
    let mut handles: HashMap<(String, String), RunHandle> = HashMap::new();
    for (h, r) in found {
        handles.insert(run_key(&r.info), h);
        runs.push(r);
    }
    search::sort_runs(&mut runs, &orders);
    runs.truncate(max_results);
    let mut runs: Vec<(RunHandle, Run)> = runs
        .into_iter()
        .filter_map(|r| handles.remove(&run_key(&r.info)).map(|h| (h, r)))
        .collect();
    if whole {
        runs = whole_runs(store, runs, &columns)?;
    }
    Ok(Selection { runs, columns })
}

/// The experiments named (by id or name), or every experiment when none is.
pub(super) fn experiments(store: &Store, specs: &[String]) -> Result<Vec<Experiment>, CliError> {
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
pub(super) fn parts_for(columns: &[search::Identifier]) -> RunParts {
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
) -> Result<Vec<(RunHandle, Run)>, CliError> {
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
pub(super) fn referenced_columns(
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

fn search_listing(runs: &[Run], columns: &[search::Identifier], with_experiment: bool) -> Listing {
    let mut headers = vec!["run id".to_string()];
    if with_experiment {
        headers.push("experiment".into());
    }
    headers.extend(["name", "status", "started"].map(String::from));
    headers.extend(columns.iter().map(|c| c.to_string()));
    let mut l = Listing::new(headers);
    for r in runs {
        let mut row = vec![Cell::id(&r.info.run_id)];
        if with_experiment {
            row.push(Cell::id(&r.info.experiment_id));
        }
        row.extend([
            Cell::from(&r.info.run_name),
            Cell::Id(r.info.status.to_string()),
            Cell::Time(r.info.start_time),
        ]);
        for c in columns {
            row.push(
                match c.entity {
                    search::Entity::Metric => r.metrics.get(&c.key).map(|p| Cell::Number(p.value)),
                    search::Entity::Param => r.params.get(&c.key).map(Cell::from),
                    search::Entity::Tag => r.tags.get(&c.key).map(Cell::from),
                    search::Entity::Attribute => None,
                }
                .unwrap_or_default(),
            );
        }
        l.row(row);
    }
    l
}

fn diff_listing(a: &Run, b: &Run, d: &RunDiff) -> Listing {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let num = |v: Option<f64>| v.map(Cell::Number).unwrap_or_else(|| Cell::from("-"));
    let mut l = Listing::new(["", "key", &a.info.run_name, &b.info.run_name, "change"]);
    let text_rows = |l: &mut Listing, kind: &str, cs: &[compare::Change<String>]| {
        for c in cs {
            let (x, y) = (opt(c.a.clone()), opt(c.b.clone()));
            l.row([kind.to_string(), c.key.clone(), x, y, String::new()]);
        }
    };
    text_rows(&mut l, "param", &d.params);
    for c in &d.metrics {
        let change = match (c.delta(), c.relative()) {
            (Some(x), Some(r)) => Cell::change(x, format!(" ({:+.1}%)", r * 100.0)),
            (Some(x), None) => Cell::change(x, ""),
            _ => Cell::default(),
        };
        let (x, y) = (num(c.a), num(c.b));
        l.row([Cell::from("metric"), Cell::from(&c.key), x, y, change]);
    }
    text_rows(&mut l, "tag", &d.tags);
    for c in &d.artifacts {
        let (x, y) = (opt(c.a.map(output::bytes)), opt(c.b.map(output::bytes)));
        l.row([
            Cell::from("artifact"),
            Cell::from(&c.key),
            Cell::Id(x),
            Cell::Id(y),
            Cell::default(),
        ]);
    }
    l
}

fn diff_json(a: &Run, b: &Run, d: &RunDiff) -> serde_json::Value {
    use serde_json::json;
    let strings = |cs: &[compare::Change<String>]| -> Vec<serde_json::Value> {
        cs.iter()
            .map(|c| json!({"key": c.key, "a": c.a, "b": c.b}))
            .collect()
    };
    json!({
        "a": a.info.run_id,
        "b": b.info.run_id,
        "params": strings(&d.params),
        "metrics": d.metrics.iter().map(|c| json!({
            "key": c.key,
            "a": c.a.map(json_f64),
            "b": c.b.map(json_f64),
            "change": c.delta().map(json_f64),
            "relative_change": c.relative().map(json_f64),
        })).collect::<Vec<_>>(),
        "tags": strings(&d.tags),
        "artifacts": d.artifacts.iter().map(|c| json!({"path": c.key, "a_size": c.a, "b_size": c.b})).collect::<Vec<_>>(),
    })
}

fn listing<'a>(infos: impl Iterator<Item = &'a RunInfo>, view: View) -> Listing {
    let mut headers = vec!["run id", "name", "status", "started", "duration"];
    if view != View::Active {
        headers.push("stage");
    }
    let mut l = Listing::new(headers);
    for i in infos {
        let mut row = vec![
            Cell::id(&i.run_id),
            Cell::from(&i.run_name),
            Cell::Id(i.status.to_string()),
            Cell::Time(i.start_time),
            Cell::Id(
                i.end_time
                    .map(|e| output::duration(e - i.start_time))
                    .unwrap_or_default(),
            ),
        ];
        if view != View::Active {
            row.push(Cell::id(i.lifecycle_stage.as_str()));
        }
        l.row(row);
    }
    l
}

fn detail(run: &Run, artifacts: &[ArtifactEntry]) -> Listing {
    let i = &run.info;
    let mut l = Listing::new(["field", "value"]);
    l.row([Cell::from("run_id"), Cell::id(&i.run_id)]);
    l.row(["run_name", &i.run_name]);
    l.row([Cell::from("experiment_id"), Cell::id(&i.experiment_id)]);
    l.row(["status", i.status.as_str()]);
    l.row(["lifecycle_stage", i.lifecycle_stage.as_str()]);
    l.row(["user_id", &i.user_id]);
    l.row([Cell::from("start_time"), Cell::Time(i.start_time)]);
    if let Some(e) = i.end_time {
        l.row([Cell::from("end_time"), Cell::Time(e)]);
        l.row([
            Cell::from("duration"),
            Cell::Id(output::duration(e - i.start_time)),
        ]);
    }
    l.row(["artifact_uri", &i.artifact_uri]);
    for (k, v) in &run.params {
        l.row([format!("params.{k}"), v.clone()]);
    }
    for (k, p) in &run.metrics {
        l.row([
            Cell::from(format!("metrics.{k}")),
            Cell::number_with(p.value, format!(" (step {})", p.step)),
        ]);
    }
    for (k, v) in &run.tags {
        l.row([format!("tags.{k}"), v.clone()]);
    }
    for a in artifacts.iter().filter(|a| !a.is_dir) {
        l.row([
            Cell::from(format!("artifacts/{}", a.path)),
            Cell::Id(a.size.map(output::bytes).unwrap_or_default()),
        ]);
    }
    l
}
