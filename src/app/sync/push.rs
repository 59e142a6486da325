//! The push of experiments and runs (see the module doc of `app::sync`).
//!
//! - **Experiments** are matched by name (one request each); a missing one is created with
//!   its tags, changed tags are set. Tags removed here are left there.
//! - **Runs** go in waves by nesting depth (parents first, so a child's `mlflow.parentRunId`
//!   names its parent's id there), each wave on `options.threads` threads. A run whose
//!   fingerprint is the one its link recorded is unchanged: no request at all. Any other run
//!   is compared with the server's copy (`runs/get`): params and tags that differ there are
//!   sent, metric points from the count the link records (in the order of the local file,
//!   streamed, in `log-batch` requests within MLflow's limits), datasets once, artifacts, then
//!   status, end time and name, then deletion or restoration. Tags the server has and this
//!   store has not are left there (they may be the server's or a colleague's).
//! - **Logged models' points**: a logged model is pushed just before its source run's data
//!   (a run that has points of another run's model goes after the rest of its wave), and a
//!   run's point not sent yet that is the next unsent point of one of its models goes as that
//!   model's too (`model_id`, dataset), as MLflow's client logged it; `RunLink::model_points`
//!   counts them. The model points left (their run's copy sent before) go on their own in the
//!   logged models' step (`models.rs`). A batch with model points is announced in the link
//!   first (`RunLink::model_batch`): a push cut before its answer counts the run's points
//!   there, and takes the model points as sent when the batch's run points all arrived.
//! - **Crash safety**: a run's link is written with `synced: None` before anything is sent
//!   to it and after each batch; a run whose link says `None` has its metric histories
//!   compared with the server's first (how many local points, in order, are there, told apart
//!   by content), so a point is never sent twice, and one logged there by someone else does
//!   not hide a local one. A run made there but not yet in the
//!   map (a push killed between the answer and the write) is found by its
//!   `mlt.source.run_id` tag before a new one is made. A run whose creation was asked for
//!   by a push that was killed before the answer (a `creating` mark in the map) is looked for
//!   again for a few seconds before a new one is made: the server keeps working on a request
//!   whose client is gone, and may make the run after the next push began.

use super::models::{self, ModelLines, ModelPoints};
use super::{Count, LoggedModelLink, RunLink, Scope, Session, digest, tags as source};
use crate::app::{Result, query, resolve};
use crate::entities::{Experiment, Lifecycle, View, tags};
use crate::proto::tracking as pb;
use crate::remote::tracking::limits;
use crate::store::logged_write::{LoggedModelRecord, ModelMetric};
use crate::store::remotes::Kind;
use crate::store::transfer::Stage;
use crate::store::{Error, RunHandle, RunParts};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// What a push covers: experiments, and runs with their local parents' ids.
struct Plan {
    experiments: Vec<Experiment>,
    runs: Vec<RunHandle>,
    parents: HashMap<String, String>,
    /// The runs' ids when the scope chose runs (`None`: every run).
    chosen: Option<HashSet<String>>,
}

pub(super) fn push(s: &Session, scope: &Scope) -> Result<()> {
    let plan = plan(s, scope)?;
    s.stage(Stage::Experiments, plan.experiments.len() as u64);
    let mut remote_exp: HashMap<String, Option<String>> = HashMap::new();
    let mut fresh: HashSet<String> = HashSet::new();
    let mut linked: Vec<(Experiment, String)> = Vec::new();
    for e in &plan.experiments {
        let (id, made) = push_experiment(s, e)?;
        if let Some(id) = &id {
            linked.push((e.clone(), id.clone()));
            if made {
                fresh.insert(id.clone());
            }
        }
        remote_exp.insert(e.experiment_id.clone(), id);
        s.step(0);
    }
    let models = models::logged_models_to_push(s, &linked, plan.chosen.as_ref())?;
    let mut own_models: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (m, _)) in models.iter().enumerate() {
        if let Some(r) = m.source_run_id.as_deref().filter(|r| !r.is_empty()) {
            own_models.entry(r.to_string()).or_default().push(i);
        }
    }
    let ctx = Ctx {
        s,
        remote_exp,
        fresh,
        parents: plan.parents,
        remote_ids: Mutex::new(HashMap::new()),
        model_points: ModelPoints::read(s, &models)?,
        models: &models,
        own_models,
        found: Mutex::new(HashMap::new()),
        models_done: Mutex::new(HashSet::new()),
    };
    s.stage(Stage::Runs, plan.runs.len() as u64);
    // A run with points of a logged model of another run goes after the others of its wave,
    // so that the model is there by then (made with its source run) and its points go with
    // the run's.
    let source_of: HashMap<&str, &str> = models
        .iter()
        .map(|(m, _)| {
            (
                m.model_id.as_str(),
                m.source_run_id.as_deref().unwrap_or(""),
            )
        })
        .collect();
    let evaluates = |h: &RunHandle| {
        let id = h.info.run_id.as_str();
        ctx.model_points
            .of_run(id)
            .any(|l| source_of.get(l.model.as_str()) != Some(&id))
    };
    for wave in waves(&plan.runs, &ctx.parents) {
        let (later, first): (Vec<RunHandle>, Vec<RunHandle>) =
            wave.into_iter().partition(|h| evaluates(h));
        for part in [first, later] {
            in_parallel(s.options.threads, &part, |h| {
                let bytes = push_run(&ctx, h)?;
                s.step(bytes);
                Ok(())
            })?;
        }
    }
    let done = std::mem::take(&mut *ctx.models_done.lock().unwrap_or_else(|e| e.into_inner()));
    models::push_logged_models(s, &models, &ctx.model_points, &done, &ctx.found)?;
    // Once the logged models have their ids there.
    for h in &plan.runs {
        push_model_io(s, h)?;
    }
    if scope.includes_models() {
        super::models::push_registry(s, scope)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- what to push

fn plan(s: &Session, scope: &Scope) -> Result<Plan> {
    let store = s.store;
    let active = store.list_experiments(View::Active)?;
    let named: Vec<Experiment> = scope
        .experiments
        .iter()
        .map(|e| store.active_experiment(e))
        .collect::<Result<_, _>>()?;
    let everything = !scope.names_runs() && scope.models.is_empty();
    let mut runs: Vec<RunHandle> = Vec::new();
    if everything {
        for e in &active {
            runs.extend(store.list_runs(e, View::All)?);
        }
    } else {
        let searched = if named.is_empty() { &active } else { &named };
        if let Some(filter) = &scope.filter {
            let ids = searched.iter().map(|e| e.experiment_id.clone()).collect();
            let (found, _) = query::search_handles(
                store,
                Some(filter.clone()),
                ids,
                &[],
                View::All,
                usize::MAX,
            )?;
            runs.extend(found);
        } else if !named.is_empty() {
            for e in &named {
                runs.extend(store.list_runs(e, View::All)?);
            }
        }
        for spec in &scope.runs {
            runs.push(resolve::run_in(store, spec, Some(searched))?);
        }
        runs.extend(super::models::runs_for_models(s, scope)?);
    }
    let active_ids: HashSet<&str> = active.iter().map(|e| e.experiment_id.as_str()).collect();
    for h in &runs {
        if !active_ids.contains(h.info.experiment_id.as_str()) {
            return Err(Error::Invalid(format!(
                "run {} is in experiment {}, which is deleted: restore it first \
                 (mlt experiments restore)",
                h.info.run_id, h.info.experiment_id
            ))
            .into());
        }
    }
    // Each run once, with its ancestors (their ids there are what the children's parent tags
    // become).
    let mut seen: HashSet<String> = HashSet::new();
    runs.retain(|h| seen.insert(h.info.run_id.clone()));
    let chosen = (!everything).then(|| seen.clone());
    let mut parents: HashMap<String, String> = HashMap::new();
    let mut todo: Vec<RunHandle> = runs.clone();
    let parent_tag = RunParts {
        params: crate::store::Keys::Only(Vec::new()),
        metrics: crate::store::Keys::Only(Vec::new()),
        tags: crate::store::Keys::Only(vec![tags::PARENT_RUN_ID.to_string()]),
    };
    while !todo.is_empty() {
        let read = store.read_runs_parts(&todo, &parent_tag)?;
        let mut next = Vec::new();
        for run in read {
            let Some(p) = run.tags.get(tags::PARENT_RUN_ID) else {
                continue;
            };
            parents.insert(run.info.run_id.clone(), p.clone());
            if seen.contains(p) {
                continue;
            }
            // A parent here that is not chosen goes too; one that is not here stays a
            // dangling id, as it is here.
            if let Ok(h) = store.find_run(p)
                && active_ids.contains(h.info.experiment_id.as_str())
            {
                seen.insert(p.clone());
                next.push(h.clone());
                runs.push(h);
            }
        }
        todo = next;
    }
    let mut wanted: HashSet<&str> = named.iter().map(|e| e.experiment_id.as_str()).collect();
    wanted.extend(runs.iter().map(|h| h.info.experiment_id.as_str()));
    let experiments = active
        .iter()
        .filter(|e| everything || wanted.contains(e.experiment_id.as_str()))
        .cloned()
        .collect();
    Ok(Plan {
        experiments,
        runs,
        parents,
        chosen,
    })
}

/// The runs by nesting depth: those whose parent is not pushed with them first, then their
/// children, and so on (a loop of parents counts as the top).
fn waves(runs: &[RunHandle], parents: &HashMap<String, String>) -> Vec<Vec<RunHandle>> {
    let here: HashSet<&str> = runs.iter().map(|h| h.info.run_id.as_str()).collect();
    let depth = |id: &str| {
        let mut d = 0;
        let mut at = id;
        let mut visited = HashSet::new();
        while let Some(p) = parents.get(at) {
            if !here.contains(p.as_str()) || !visited.insert(p.as_str()) {
                break;
            }
            d += 1;
            at = p;
        }
        d
    };
    let mut by_depth: BTreeMap<usize, Vec<RunHandle>> = BTreeMap::new();
    for h in runs {
        by_depth
            .entry(depth(&h.info.run_id))
            .or_default()
            .push(h.clone());
    }
    by_depth.into_values().collect()
}

/// `f` over `items` on `threads` threads; stops taking new items at the first error, which
/// it returns.
fn in_parallel<T: Sync>(
    threads: usize,
    items: &[T],
    f: impl Fn(&T) -> Result<()> + Sync,
) -> Result<()> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let first: Mutex<Option<crate::app::Error>> = Mutex::new(None);
    let work = || {
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            if let Err(e) = f(item) {
                failed.store(true, Ordering::Relaxed);
                first
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_or_insert(e);
            }
        }
    };
    std::thread::scope(|sc| {
        let n = threads.clamp(1, items.len().max(1));
        let workers: Vec<_> = (0..n).map(|_| sc.spawn(work)).collect();
        for w in workers {
            if let Err(panic) = w.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
    match first.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------- experiments

/// Finds or makes the experiment there; its id there (`None` in a dry run that would make it),
/// and whether this call made it.
fn push_experiment(s: &Session, e: &Experiment) -> Result<(Option<String>, bool)> {
    let there = s.remote.experiment_by_name(&e.name)?;
    let (id, count, tags_sent) = match there {
        Some(x) if x.lifecycle_stage == Lifecycle::Deleted.as_str() => {
            return Err(Error::Conflict(format!(
                "experiment '{}' is deleted on {} (id {}): restore it there, or rename it \
                 here (mlt experiments rename) to push it as a new one",
                e.name,
                s.remote.url(),
                x.experiment_id
            ))
            .into());
        }
        Some(x) => {
            let have: HashMap<&str, &str> = x
                .tags
                .iter()
                .map(|t| (t.key.as_str(), t.value.as_str()))
                .collect();
            let mut sent = 0;
            for (k, v) in &e.tags {
                if have.get(k.as_str()) != Some(&v.as_str()) {
                    if !s.options.dry_run {
                        s.remote.set_experiment_tag(&x.experiment_id, k, v)?;
                    }
                    sent += 1;
                }
            }
            let count = if sent > 0 {
                Count {
                    updated: 1,
                    ..Count::default()
                }
            } else {
                Count {
                    unchanged: 1,
                    ..Count::default()
                }
            };
            (Some(x.experiment_id), count, sent)
        }
        None => {
            let new = Count {
                new: 1,
                ..Count::default()
            };
            if s.options.dry_run {
                (None, new, e.tags.len() as u64)
            } else {
                let tags = e
                    .tags
                    .iter()
                    .map(|(k, v)| pb::KeyValue {
                        key: k.clone(),
                        value: v.clone(),
                    })
                    .collect();
                let id = s.remote.create_experiment(&e.name, tags)?;
                (Some(id), new, e.tags.len() as u64)
            }
        }
    };
    s.count(|t| {
        t.experiments.add(count);
        t.tags += tags_sent;
    });
    if let Some(id) = &id {
        let link = super::ExperimentLink {
            remote_id: id.clone(),
            name: e.name.clone(),
        };
        if s.link::<super::ExperimentLink>(Kind::Experiment, &e.experiment_id) != Some(link.clone())
        {
            s.save_link(Kind::Experiment, &e.experiment_id, &link)?;
        }
    }
    Ok((id, count.new == 1))
}

// ---------------------------------------------------------------- runs

struct Ctx<'a, 'b> {
    s: &'a Session<'b>,
    /// Local experiment id → its id there (`None`: not there yet, in a dry run).
    remote_exp: HashMap<String, Option<String>>,
    /// The experiments there that this push made: none of their runs can be one of ours.
    fresh: HashSet<String>,
    /// Local run id → local parent run id.
    parents: HashMap<String, String>,
    /// Local run id → its id there, for the runs of this push.
    remote_ids: Mutex<HashMap<String, String>>,
    /// The points of the logged models' metrics, read once for the whole push.
    model_points: ModelPoints,
    /// The logged models this push sends, with their experiments' ids there.
    models: &'a [(LoggedModelRecord, String)],
    /// Local run id → the logged models of `models` it is the source run of.
    own_models: HashMap<String, Vec<usize>>,
    found: models::FoundThere,
    /// The logged models sent with their source runs (before the runs' points, which may
    /// name them).
    models_done: Mutex<HashSet<String>>,
}

impl Ctx<'_, '_> {
    fn remember(&self, local: &str, remote: &str) {
        self.remote_ids
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(local.to_string(), remote.to_string());
    }

    /// The id there of a local run: pushed now, or linked before.
    fn remote_of(&self, local: &str) -> Option<String> {
        if let Some(r) = self
            .remote_ids
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(local)
        {
            return Some(r.clone());
        }
        self.s
            .link::<RunLink>(Kind::Run, local)
            .map(|l| l.remote_id)
    }
}

/// What was sent of one run.
#[derive(Default)]
struct Sent {
    params: u64,
    tags: u64,
    points: u64,
    bytes: u64,
    /// Inputs, status, name or lifecycle.
    other: bool,
}

impl Sent {
    fn any(&self) -> bool {
        self.params + self.tags + self.points > 0 || self.other
    }
}

fn count_run(s: &Session, created: bool, sent: &Sent) {
    s.count(|t| {
        if created {
            t.runs.new += 1;
        } else if sent.any() {
            t.runs.updated += 1;
        } else {
            t.runs.unchanged += 1;
        }
        t.params += sent.params;
        t.tags += sent.tags;
        t.metric_points += sent.points;
    });
}

/// Pushes one run; returns the bytes sent.
fn push_run(ctx: &Ctx, h: &RunHandle) -> Result<u64> {
    let s = ctx.s;
    let id = h.info.run_id.as_str();
    let dry = s.options.dry_run;
    // Taken first: a change made while the run is sent makes the next push look again.
    let fingerprint = s.store.run_fingerprint(h)?;
    let old = s.link::<RunLink>(Kind::Run, id);
    if let Some(l) = &old {
        ctx.remember(id, &l.remote_id);
        if l.synced.is_some() && l.synced == fingerprint {
            count_run(s, false, &Sent::default());
            return Ok(0);
        }
    }
    let deleted = h.info.lifecycle_stage == Lifecycle::Deleted;
    // A push killed while asking the server to make this run.
    let creating = old.is_none() && s.link::<String>(Kind::Creating, id).is_some();
    // The server's copy, and whether the link's counts of points there can be trusted.
    let mut found = None;
    if let Some(l) = old
        && let Some(r) = s.remote.run(&l.remote_id)?
    {
        let exact = l.synced.is_some();
        found = Some((l, r, exact));
    }
    // Gone there: pushed again as new, below.
    let mut created = false;
    let (mut link, remote) = match found {
        Some((l, r, exact)) => {
            let mut l = l;
            if !exact {
                recount(s, h, &r, &mut l)?;
                l.settle_model_batch();
            }
            (l, r)
        }
        None => {
            if deleted {
                // Deleted before its first push: not sent.
                return Ok(0);
            }
            let remote_exp = ctx.remote_exp.get(&h.info.experiment_id).cloned().flatten();
            // A run pushed before but not in the map is found by its source tag; in an
            // experiment this push made there is none to find (one search a run saved).
            let by_tag = match &remote_exp {
                Some(x) if creating => find_late_creation(s, x, id)?,
                Some(x) if !ctx.fresh.contains(x) => find_by_source(s, x, id)?,
                _ => None,
            };
            match (by_tag, remote_exp) {
                (Some(r), Some(x)) => {
                    let mut l = RunLink {
                        remote_id: r.info.run_id.clone(),
                        remote_experiment_id: x,
                        ..RunLink::default()
                    };
                    recount(s, h, &r, &mut l)?;
                    super::artifacts::known_there(s, h, &r.info.artifact_uri, &mut l)?;
                    (l, r)
                }
                (_, x) if dry => {
                    created = true;
                    let l = RunLink {
                        remote_experiment_id: x.unwrap_or_default(),
                        ..RunLink::default()
                    };
                    (l, pb::Run::default())
                }
                (_, x) => {
                    let x = x.unwrap_or_default();
                    // Said before asking: if this push is killed before the answer is in the
                    // map, the next one knows the server may still be making the run.
                    s.save_link(Kind::Creating, id, &x)?;
                    let r = create(ctx, h, &x)?;
                    created = true;
                    let l = RunLink {
                        remote_id: r.info.run_id.clone(),
                        remote_experiment_id: x,
                        status: r.info.status.clone(),
                        lifecycle: Lifecycle::Active.as_str().into(),
                        ..RunLink::default()
                    };
                    // (The mark goes once the run is pushed, below.)
                    s.save_link(Kind::Run, id, &l)?;
                    (l, r)
                }
            }
        }
    };
    if !link.remote_id.is_empty() {
        ctx.remember(id, &link.remote_id);
    }
    // Under way from here: a kill leaves a link that says so.
    if link.synced.is_some() {
        link.synced = None;
        s.save_link(Kind::Run, id, &link)?;
    }
    let mut sent = Sent::default();
    let remote_deleted = remote.info.lifecycle_stage == Lifecycle::Deleted.as_str();
    if remote_deleted && deleted {
        // Deleted on both sides: the server takes no change to a deleted run.
        link.lifecycle = Lifecycle::Deleted.as_str().into();
        link.synced = fingerprint;
        s.save_link(Kind::Run, id, &link)?;
        count_run(s, created, &sent);
        return Ok(0);
    }
    if remote_deleted {
        if !dry {
            s.remote.restore_run(&link.remote_id)?;
        }
        link.lifecycle = Lifecycle::Active.as_str().into();
        sent.other = true;
    }
    if !dry && !deleted {
        push_own_models(ctx, h, &link)?;
    }
    send_data(ctx, h, &remote, &mut link, &mut sent)?;
    send_inputs(s, h, &mut link, &mut sent)?;
    let files_before = link.artifacts.clone();
    super::artifacts::push_run(s, h, &remote.info.artifact_uri, &mut link)?;
    if link.artifacts != files_before {
        sent.other = true;
        s.save_link(Kind::Run, id, &link)?;
    }
    send_status(s, h, &remote, &mut link, &mut sent)?;
    if deleted {
        if !dry {
            s.remote.delete_run(&link.remote_id)?;
        }
        link.lifecycle = Lifecycle::Deleted.as_str().into();
        sent.other = true;
    } else {
        link.lifecycle = Lifecycle::Active.as_str().into();
    }
    link.synced = fingerprint;
    s.save_link(Kind::Run, id, &link)?;
    if !dry {
        // A `creating` mark of this run, now or of a push killed since it wrote the link.
        s.map.remove(Kind::Creating, id)?;
    }
    count_run(s, created, &sent);
    Ok(sent.bytes)
}

/// Sends the logged models this run is the source run of, before its points (which may name
/// them, and then go with the model's id there as MLflow's client sent them).
fn push_own_models(ctx: &Ctx, h: &RunHandle, link: &RunLink) -> Result<()> {
    let id = h.info.run_id.as_str();
    let Some(own) = ctx.own_models.get(id) else {
        return Ok(());
    };
    // The model's push looks its source run up in the map.
    ctx.s.save_link(Kind::Run, id, link)?;
    for &i in own {
        let (m, remote_exp) = &ctx.models[i];
        models::push_logged_model(ctx.s, m, remote_exp, &ctx.found, None)?;
        ctx.models_done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(m.model_id.clone());
    }
    Ok(())
}

/// The run there made by a push that was killed after asking for it: found by its source tag
/// like any other, but looked for again for a few seconds when it is not there yet, as a
/// server keeps working on a request whose client is gone and may make the run only now.
fn find_late_creation(s: &Session, remote_exp: &str, id: &str) -> Result<Option<pb::Run>> {
    for wait_ms in [0u64, 500, 1000, 2000, 4000] {
        std::thread::sleep(std::time::Duration::from_millis(wait_ms));
        if let Some(r) = find_by_source(s, remote_exp, id)? {
            return Ok(Some(r));
        }
    }
    Ok(None)
}

/// The run there that was pushed from this one (its `mlt.source.run_id` tag), if any.
fn find_by_source(s: &Session, remote_exp: &str, id: &str) -> Result<Option<pb::Run>> {
    let mut found = None;
    let filter = format!("tags.`{}` = '{id}'", source::SOURCE_RUN_ID);
    s.remote.runs_all(
        &[remote_exp.to_string()],
        Some(&filter),
        pb::ViewType::All,
        |page| {
            if found.is_none() {
                found = page.into_iter().next();
            }
            Ok(())
        },
    )?;
    Ok(found)
}

/// Sets the link's counts of points to what the server has of each metric: how many of the
/// local points, in order, are there. Told apart by content, not by number, so that points
/// the server has besides (logged there by someone else, or a run's copy of a logged model's
/// point that a file store repeated) do not pass for local ones, which would then never be
/// sent.
fn recount(s: &Session, h: &RunHandle, r: &pb::Run, link: &mut RunLink) -> Result<()> {
    link.metric_points.clear();
    // The run's latest values name every key the server has a point of.
    let keys: HashSet<&str> = r.data.metrics.iter().map(|m| m.key.as_str()).collect();
    let local_keys: HashSet<String> = s.store.metric_keys(h)?.into_iter().collect();
    for key in keys {
        if !local_keys.contains(key) {
            continue;
        }
        let mut there: HashMap<(i64, i64, u64), u64> = HashMap::new();
        s.remote.metric_history_all(&r.info.run_id, key, |page| {
            for m in page {
                *there
                    .entry((m.timestamp, m.step, super::as_kept(m.value)))
                    .or_default() += 1;
            }
            Ok(())
        })?;
        let mut n = 0u64;
        for p in s.store.metric_points(h, key)? {
            let p = p?;
            match there.get_mut(&(p.timestamp, p.step, super::as_kept(p.value))) {
                Some(c) if *c > 0 => *c -= 1,
                _ => break,
            }
            n += 1;
        }
        link.metric_points.insert(key.to_string(), n);
    }
    Ok(())
}

/// The run's tags as they go there: the parent's id there, the local id as
/// `mlt.source.run_id` (a run pulled from this server keeps its tags as they are).
fn tags_there(
    ctx: &Ctx,
    h: &RunHandle,
    local: &BTreeMap<String, String>,
    pulled: bool,
) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(local.len() + 1);
    if !pulled {
        out.push((source::SOURCE_RUN_ID.to_string(), h.info.run_id.clone()));
    }
    for (k, v) in local {
        if k == source::SOURCE_RUN_ID && !pulled {
            continue;
        }
        // The name goes as the run's name (the server keeps the tag equal to it).
        if k == tags::RUN_NAME && *v != h.info.run_name {
            continue;
        }
        let v = if k == tags::PARENT_RUN_ID {
            ctx.remote_of(v).unwrap_or_else(|| v.clone())
        } else {
            v.clone()
        };
        out.push((k.clone(), v));
    }
    out
}

/// Creates the run there, with its start time, user, name and tags.
fn create(ctx: &Ctx, h: &RunHandle, remote_exp: &str) -> Result<pb::Run> {
    let s = ctx.s;
    let run = s.store.read_run(h)?;
    let tags: Vec<pb::KeyValue> = tags_there(ctx, h, &run.tags, false)
        .into_iter()
        .take(limits::TAGS)
        .map(|(key, value)| pb::KeyValue { key, value })
        .collect();
    let info = &h.info;
    let req = pb::CreateRun {
        experiment_id: Some(remote_exp.to_string()),
        user_id: Some(info.user_id.clone()).filter(|u| !u.is_empty()),
        run_name: Some(info.run_name.clone()).filter(|n| !n.is_empty()),
        start_time: Some(info.start_time).filter(|t| *t > 0),
        tags,
    };
    // The run's own tags, as the summary counts them (not the source tag).
    let own = req
        .tags
        .iter()
        .filter(|t| t.key != source::SOURCE_RUN_ID)
        .count() as u64;
    let r = match s.remote.create_run(&req) {
        Ok(r) => r,
        Err(e) if e.is_ambiguous() => match find_by_source(s, remote_exp, &info.run_id)? {
            Some(r) => r,
            None => return Err(e.into()),
        },
        Err(e) => return Err(e.into()),
    };
    s.count(|t| t.tags += own);
    Ok(r)
}

/// `log-batch` requests of one run, each within MLflow's limits, the link's counts of points
/// brought up to date (and written) after each.
struct Batcher<'a, 'b, 'c> {
    s: &'a Session<'b>,
    local_id: &'c str,
    link: &'c mut RunLink,
    sent: &'c mut Sent,
    metrics: Vec<pb::Metric>,
    params: Vec<pb::KeyValue>,
    tags: Vec<pb::KeyValue>,
    bytes: usize,
    /// (Local logged model id, key) → the points of the pending entries that name it.
    model_points: BTreeMap<(String, String), u64>,
}

impl Batcher<'_, '_, '_> {
    fn full(&self, metrics: usize, params: usize, tags: usize, bytes: usize) -> bool {
        self.metrics.len() + metrics > limits::METRICS
            || self.params.len() + params > limits::PARAMS
            || self.tags.len() + tags > limits::TAGS
            || self.metrics.len() + self.params.len() + self.tags.len() + 1 > limits::ENTITIES
            || self.bytes + bytes > limits::BYTES
    }

    fn kv_size(k: &str, v: &str) -> usize {
        serde_json::to_string(&(k, v)).map_or(k.len() + v.len() * 6, |t| t.len()) + 20
    }

    fn param(&mut self, key: String, value: String) -> Result<()> {
        let n = Self::kv_size(&key, &value);
        if self.full(0, 1, 0, n) {
            self.flush()?;
        }
        self.bytes += n;
        self.params.push(pb::KeyValue { key, value });
        Ok(())
    }

    fn tag(&mut self, key: String, value: String) -> Result<()> {
        let n = Self::kv_size(&key, &value);
        if self.full(0, 0, 1, n) {
            self.flush()?;
        }
        self.bytes += n;
        self.tags.push(pb::KeyValue { key, value });
        Ok(())
    }

    /// A point of the run, and with `model` (its local id and the point's copy there) also
    /// of that logged model.
    fn metric(&mut self, m: pb::Metric, model: Option<(&str, &ModelMetric)>) -> Result<()> {
        // `{"key":"…","value":-1.2345678901234567e-300,"timestamp":…,"step":…}`: keys need no
        // escaping (MLflow's key rules).
        let n = match (model, &m.model_id) {
            (Some((_, p)), Some(there)) => models::model_point_size(p, there),
            _ => m.key.len() + 100,
        };
        if self.full(1, 0, 0, n) {
            self.flush()?;
        }
        self.bytes += n;
        if let Some((local, _)) = model {
            *self
                .model_points
                .entry((local.to_string(), m.key.clone()))
                .or_default() += 1;
        }
        self.metrics.push(m);
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.metrics.is_empty() && self.params.is_empty() && self.tags.is_empty() {
            return Ok(());
        }
        let metrics = std::mem::take(&mut self.metrics);
        let params = std::mem::take(&mut self.params);
        let tags = std::mem::take(&mut self.tags);
        let mut per_key: BTreeMap<&str, u64> = BTreeMap::new();
        for m in &metrics {
            *per_key.entry(&m.key).or_default() += 1;
        }
        let per_key: Vec<(String, u64)> = per_key
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .collect();
        let (n_metrics, n_params, n_tags) =
            (metrics.len() as u64, params.len() as u64, tags.len() as u64);
        // What the server has once it takes the batch.
        let mut run_points = self.link.metric_points.clone();
        for (k, n) in per_key {
            *run_points.entry(k).or_default() += n;
        }
        let mut model_points = self.link.model_points.clone();
        let of_models = !self.model_points.is_empty();
        for ((model, k), n) in std::mem::take(&mut self.model_points) {
            *model_points.entry(model).or_default().entry(k).or_default() += n;
        }
        if of_models {
            // A kill before the answer leaves what the batch would make, for the next push
            // to check against the server's count of the run's points.
            self.link.model_batch = Some(super::ModelBatch {
                run_points: run_points.clone(),
                model_points: model_points.clone(),
            });
            self.s.save_link(Kind::Run, self.local_id, &*self.link)?;
        }
        if !self.s.options.dry_run {
            self.s
                .remote
                .log_batch(&self.link.remote_id, metrics, params, tags)?;
        }
        self.link.metric_points = run_points;
        self.link.model_points = model_points;
        self.link.model_batch = None;
        if n_metrics > 0 {
            self.s.save_link(Kind::Run, self.local_id, &*self.link)?;
        }
        self.sent.points += n_metrics;
        self.sent.params += n_params;
        self.sent.tags += n_tags;
        self.sent.bytes += self.bytes as u64;
        self.bytes = 0;
        Ok(())
    }
}

/// Params and tags the server lacks or has otherwise, and the metric points after those the
/// link counts.
fn send_data(
    ctx: &Ctx,
    h: &RunHandle,
    remote: &pb::Run,
    link: &mut RunLink,
    sent: &mut Sent,
) -> Result<()> {
    let s = ctx.s;
    let run = s.store.read_run(h)?;
    let there = |list: &[pb::KeyValue]| -> HashMap<String, String> {
        list.iter()
            .map(|kv| (kv.key.clone(), kv.value.clone()))
            .collect()
    };
    let params_there = there(&remote.data.params);
    let tags_there_now = there(&remote.data.tags);
    let tags = tags_there(ctx, h, &run.tags, link.pulled);
    link.params_digest = digest(run.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    link.tags_digest = digest(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    // A tag this store sent and has deleted since is deleted there; tags set there by
    // someone else, and those of a run pulled from there, are left alone.
    let keys_now: BTreeSet<String> = if link.pulled {
        BTreeSet::new()
    } else {
        tags.iter().map(|(k, _)| k.clone()).collect()
    };
    for k in link.tags_sent.difference(&keys_now) {
        if tags_there_now.contains_key(k) {
            if !s.options.dry_run {
                s.remote.delete_tag(&link.remote_id, k)?;
            }
            sent.tags += 1;
        }
    }
    link.tags_sent = keys_now;
    let keys = s.store.metric_keys(h)?;
    let id = h.info.run_id.as_str();
    let mut b = Batcher {
        s,
        local_id: id,
        link,
        sent,
        metrics: Vec::new(),
        params: Vec::new(),
        tags: Vec::new(),
        bytes: 0,
        model_points: BTreeMap::new(),
    };
    for (k, v) in run.params {
        if params_there.get(&k) != Some(&v) {
            b.param(k, v)?;
        }
    }
    for (k, v) in tags {
        if tags_there_now.get(&k) != Some(&v) {
            b.tag(k, v)?;
        }
    }
    // The logged models' points of this run not sent yet, each model's in order: a run's
    // point not sent yet that is the next of a model goes as that model's too.
    let mut of_models: Vec<(&ModelLines, String, usize)> = Vec::new();
    for l in ctx.model_points.of_run(id) {
        let Some(there) = s
            .link::<LoggedModelLink>(Kind::LoggedModel, &l.model)
            .map(|x| x.remote_id)
            .filter(|x| !x.is_empty())
        else {
            continue;
        };
        let next = b
            .link
            .model_points
            .get(&l.model)
            .and_then(|k| k.get(&l.key))
            .copied()
            .unwrap_or(0) as usize;
        of_models.push((l, there, next));
    }
    for key in keys {
        let done = b.link.metric_points.get(&key).copied().unwrap_or(0);
        for (i, p) in s.store.metric_points(h, &key)?.enumerate() {
            let p = p?;
            if (i as u64) < done {
                continue;
            }
            let same = |q: &ModelMetric| {
                q.timestamp == p.timestamp
                    && q.step == p.step
                    && (q.value.to_bits() == p.value.to_bits()
                        || (q.value.is_nan() && p.value.is_nan()))
            };
            let model = of_models
                .iter_mut()
                .find(|(l, _, next)| l.key == key && l.points.get(*next).is_some_and(&same));
            match model {
                Some((l, there, next)) => {
                    let q = &l.points[*next];
                    *next += 1;
                    b.metric(models::model_point(q, there), Some((&l.model, q)))?;
                }
                None => b.metric(
                    pb::Metric {
                        key: key.clone(),
                        value: p.value,
                        timestamp: p.timestamp,
                        step: p.step,
                        ..pb::Metric::default()
                    },
                    None,
                )?,
            }
        }
    }
    b.flush()
}

/// The run's MLflow 3 model inputs and outputs (the logged models it used and made), each
/// naming the model's id there, those not sent before. A model not pushed (of an experiment
/// left out) is left out. No request when nothing is new.
fn push_model_io(s: &Session, h: &RunHandle) -> Result<()> {
    let id = h.info.run_id.as_str();
    let Some(mut link) = s.link::<RunLink>(Kind::Run, id) else {
        return Ok(());
    };
    if link.remote_id.is_empty() || link.pulled || h.info.lifecycle_stage == Lifecycle::Deleted {
        return Ok(());
    }
    let io = s.store.run_io(h)?;
    if io.model_inputs.is_empty() && io.model_outputs.is_empty() {
        return Ok(());
    }
    let there = |m: &str| -> Option<String> {
        s.link::<super::LoggedModelLink>(Kind::LoggedModel, m)
            .map(|l| l.remote_id)
            .filter(|r| !r.is_empty())
    };
    // Only what was not sent before: the server may keep a repeated one twice.
    let mut sent_now = Vec::new();
    let inputs: Vec<pb::ModelInput> = io
        .model_inputs
        .iter()
        .filter_map(|m| there(m))
        .filter(|m| {
            let mark = format!("in {m}");
            !link.models_sent.contains(&mark) && {
                sent_now.push(mark);
                true
            }
        })
        .map(|model_id| pb::ModelInput { model_id })
        .collect();
    let outputs: Vec<pb::ModelOutput> = io
        .model_outputs
        .iter()
        .filter_map(|(m, step)| there(m).map(|model_id| (model_id, *step)))
        .filter(|(m, step)| {
            let mark = format!("out {m} {step}");
            !link.models_sent.contains(&mark) && {
                sent_now.push(mark);
                true
            }
        })
        .map(|(model_id, step)| pb::ModelOutput { model_id, step })
        .collect();
    if sent_now.is_empty() {
        return Ok(());
    }
    if !s.options.dry_run {
        if !inputs.is_empty() {
            s.remote.log_inputs(&link.remote_id, Vec::new(), inputs)?;
        }
        if !outputs.is_empty() {
            s.remote.log_outputs(&link.remote_id, outputs)?;
        }
        link.models_sent.extend(sent_now);
        s.save_link(Kind::Run, id, &link)?;
    }
    Ok(())
}

/// The run's datasets, when they changed since they were last sent (the server keeps each
/// once, so sending them again after a cut does no harm).
fn send_inputs(s: &Session, h: &RunHandle, link: &mut RunLink, sent: &mut Sent) -> Result<()> {
    let io = s.store.run_io(h)?;
    if io.datasets.is_empty() {
        return Ok(());
    }
    let inputs: Vec<pb::DatasetInput> = io.datasets.into_iter().map(Into::into).collect();
    let d = super::inputs_digest(&inputs);
    if d == link.inputs_digest {
        return Ok(());
    }
    if !s.options.dry_run {
        for chunk in inputs.chunks(crate::store::dataset::MAX_DATASETS_PER_BATCH) {
            s.remote
                .log_inputs(&link.remote_id, chunk.to_vec(), Vec::new())?;
        }
    }
    link.inputs_digest = d;
    sent.other = true;
    Ok(())
}

/// Status, end time and name, when the server's differ.
fn send_status(
    s: &Session,
    h: &RunHandle,
    remote: &pb::Run,
    link: &mut RunLink,
    sent: &mut Sent,
) -> Result<()> {
    let info = &h.info;
    let status = info.status.as_str();
    let end_differs = info.end_time.is_some() && remote.info.end_time != info.end_time;
    let name_differs = !info.run_name.is_empty() && remote.info.run_name != info.run_name;
    if remote.info.status != status || end_differs || name_differs {
        if !s.options.dry_run {
            s.remote.update_run(&pb::UpdateRun {
                run_id: Some(link.remote_id.clone()),
                run_uuid: None,
                status: Some(status.to_string()),
                end_time: info.end_time,
                run_name: name_differs.then(|| info.run_name.clone()),
            })?;
        }
        sent.other = true;
    }
    link.status = status.to_string();
    link.end_time = info.end_time;
    Ok(())
}
