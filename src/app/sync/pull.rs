//! The pull of experiments and runs (see the module doc of `app::sync`).
//!
//! The server's experiments in the scope are matched here by name (created when missing,
//! with their tags), then their runs are fetched a page at a time (memory stays one page) and
//! each is handled by one of `options.threads` workers:
//! - a run carrying `mlt.source.run_id` = a run of this store came from here: it is linked
//!   (as the push would have linked it), not copied back;
//! - a run here with the server's id was pulled before: its status, end time, lifecycle,
//!   tags, params, inputs and latest metric values are compared with the server's, and only
//!   what changed is fetched (of a metric whose latest value moved, the points beyond those
//!   the map says were fetched); a tag the server had at the last pull and has deleted since
//!   is deleted here, one set here stays;
//! - any other run is written whole with the server's id, every metric history fetched in
//!   the server's order ([`crate::store::pulled`]).
//!
//! `--filter` is mlt's filter language, evaluated here on each fetched run.

use super::{ExperimentLink, RunLink, Scope, Session, artifacts, digest, models, tags};
use crate::app::{self, Error, Language};
use crate::entities::{Experiment, Lifecycle, MetricPoint, Run, RunInfo, RunStatus};
use crate::proto::tracking as pb;
use crate::search;
use crate::store::dataset::{Dataset, DatasetInput};
use crate::store::pulled::PulledRun;
use crate::store::remotes::Kind;
use crate::store::transfer::Stage;
use crate::store::{self, RunHandle};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// An experiment of the pull: the server's, and its match here.
struct Pair {
    remote: pb::Experiment,
    local: Experiment,
}

pub(super) fn pull(s: &Session, scope: &Scope) -> app::Result<()> {
    let text = scope.filter.as_deref().unwrap_or("");
    let filter = search::parse_filter(text).map_err(|error| Error::Expression {
        what: Language::Filter,
        text: text.to_string(),
        error,
    })?;
    if !s.options.dry_run {
        s.store.init()?;
    }

    // The experiments whose runs are all in the scope, and the single runs (`-r`).
    let whole = whole_experiments(s, scope)?;
    let mut single: BTreeMap<String, Vec<pb::Run>> = BTreeMap::new();
    for id in &scope.runs {
        let run = s.remote.run(id)?.ok_or_else(|| {
            store::Error::NotFound(format!("the server has no run with id '{id}'"))
        })?;
        single
            .entry(run.info.experiment_id.clone())
            .or_default()
            .push(run);
    }
    // The runs behind the versions of the models named (`-m`), as a push sends them: not
    // filtered, and skipped when gone there.
    let mut behind: BTreeMap<String, Vec<pb::Run>> = BTreeMap::new();
    let named_models = models::NamedThere::fetch(s, scope)?;
    if !scope.models.is_empty() {
        let named: HashSet<&str> = scope.runs.iter().map(String::as_str).collect();
        for id in named_models.runs() {
            if named.contains(id.as_str()) {
                continue;
            }
            if let Some(run) = s.remote.run(&id)? {
                behind
                    .entry(run.info.experiment_id.clone())
                    .or_default()
                    .push(run);
            }
        }
    }
    let mut remote_exps = whole.clone();
    for exp_id in single.keys().chain(behind.keys()) {
        if !remote_exps.iter().any(|e| &e.experiment_id == exp_id) {
            remote_exps.push(s.remote.experiment(exp_id)?);
        }
    }

    s.stage(Stage::Experiments, remote_exps.len() as u64);
    let mut pairs = Vec::with_capacity(remote_exps.len());
    for remote in remote_exps {
        let local = local_experiment(s, &remote)?;
        s.step(0);
        pairs.push(Pair { remote, local });
    }

    // Runs: the single ones first (their number is known), then whole experiments page by
    // page.
    let total: usize = single.values().chain(behind.values()).map(Vec::len).sum();
    s.stage(Stage::Runs, total as u64);
    let done: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
    let mut picked: HashSet<String> = HashSet::new();
    for (exp_id, runs) in &single {
        let pair = pair_of(&pairs, exp_id);
        for id in pull_page(s, pair, runs, filter.as_ref(), &done)? {
            picked.insert(id);
        }
    }
    for (exp_id, runs) in &behind {
        let pair = pair_of(&pairs, exp_id);
        for id in pull_page(s, pair, runs, None, &done)? {
            picked.insert(id);
        }
    }
    let whole_ids: HashSet<&str> = whole.iter().map(|e| e.experiment_id.as_str()).collect();
    for pair in pairs
        .iter()
        .filter(|p| whole_ids.contains(p.remote.experiment_id.as_str()))
    {
        let mut failed: Option<Error> = None;
        let walked = s.remote.runs_all(
            std::slice::from_ref(&pair.remote.experiment_id),
            None,
            pb::ViewType::All,
            |page| {
                s.more(page.len() as u64);
                match pull_page(s, pair, &page, filter.as_ref(), &done) {
                    Ok(ids) => {
                        if filter.is_some() {
                            picked.extend(ids);
                        }
                        Ok(())
                    }
                    Err(e) => {
                        failed = Some(e);
                        Err(crate::remote::Error::Config("stopped".into()))
                    }
                }
            },
        );
        if let Some(e) = failed {
            return Err(e);
        }
        walked?;
    }

    // Logged models: of whole experiments all (or the filter's runs'), of the others those
    // of the runs named.
    let with = |keep: &dyn Fn(&Pair) -> bool| -> Vec<(Experiment, String)> {
        pairs
            .iter()
            .filter(|p| keep(p))
            .map(|p| (p.local.clone(), p.remote.experiment_id.clone()))
            .collect()
    };
    let whole_pairs = with(&|p| whole_ids.contains(p.remote.experiment_id.as_str()));
    if !whole_pairs.is_empty() {
        let runs = filter.is_some().then_some(&picked);
        models::pull_logged_models(s, &whole_pairs, runs)?;
    }
    let single_pairs = with(&|p| {
        let id = &p.remote.experiment_id;
        (single.contains_key(id) || behind.contains_key(id)) && !whole_ids.contains(id.as_str())
    });
    if !single_pairs.is_empty() {
        models::pull_logged_models(s, &single_pairs, Some(&picked))?;
    }
    if scope.includes_models() {
        models::pull_registry(s, scope, named_models)?;
    }
    Ok(())
}

/// The server's experiments whose runs are all in the scope: those named (`-e`), or every
/// active one when the scope names no runs or only a filter (none when it names runs by id
/// only, or only registered models).
fn whole_experiments(s: &Session, scope: &Scope) -> app::Result<Vec<pb::Experiment>> {
    if !scope.experiments.is_empty() {
        let mut out: Vec<pb::Experiment> = Vec::new();
        for name in &scope.experiments {
            let e = match s.remote.experiment_by_name(name)? {
                Some(e) => e,
                None if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) => {
                    match s.remote.experiment(name) {
                        Ok(e) => e,
                        Err(e) if e.is_not_found() => return Err(no_experiment(name)),
                        Err(e) => return Err(e.into()),
                    }
                }
                None => return Err(no_experiment(name)),
            };
            if !out.iter().any(|x| x.experiment_id == e.experiment_id) {
                out.push(e);
            }
        }
        return Ok(out);
    }
    let all = scope.runs.is_empty() && (scope.filter.is_some() || scope.models.is_empty());
    let mut out = Vec::new();
    if all {
        s.remote.experiments_all(pb::ViewType::ActiveOnly, |page| {
            out.extend(page);
            Ok(())
        })?;
    }
    Ok(out)
}

fn no_experiment(name: &str) -> Error {
    store::Error::NotFound(format!(
        "the server has no experiment named (or with id) '{name}'"
    ))
    .into()
}

fn pair_of<'p>(pairs: &'p [Pair], remote_id: &str) -> &'p Pair {
    pairs
        .iter()
        .find(|p| p.remote.experiment_id == remote_id)
        .expect("every run's experiment is matched")
}

/// The local experiment of the server's `remote`, matched by name: created (with its tags)
/// when missing, its missing tags added when not. In a dry run nothing is written: a missing
/// experiment stands as one with no id.
fn local_experiment(s: &Session, remote: &pb::Experiment) -> app::Result<Experiment> {
    let dry = s.options.dry_run;
    let found = if s.store.exists() {
        s.store.experiment_by_name(&remote.name)?
    } else {
        None
    };
    let local = match found {
        // Its runs cannot be written there: restored first (the error's hint says how).
        Some(e) if e.lifecycle_stage == Lifecycle::Deleted => {
            return Err(store::Error::Deleted {
                what: store::Entity::Experiment,
                name: e.name,
                id: e.experiment_id,
            }
            .into());
        }
        Some(mut e) => {
            let missing: Vec<&pb::KeyValue> = remote
                .tags
                .iter()
                .filter(|t| !e.tags.contains_key(&t.key))
                .collect();
            if !dry {
                for t in &missing {
                    s.store
                        .set_experiment_tag(&e.experiment_id, &t.key, &t.value)?;
                    e.tags.insert(t.key.clone(), t.value.clone());
                }
            }
            s.count(|c| {
                if missing.is_empty() {
                    c.experiments.unchanged += 1;
                } else {
                    c.experiments.updated += 1;
                    c.tags += missing.len() as u64;
                }
            });
            e
        }
        None => {
            let tags: Vec<(String, String)> = remote
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect();
            s.count(|c| {
                c.experiments.new += 1;
                c.tags += tags.len() as u64;
            });
            if dry {
                Experiment {
                    experiment_id: String::new(),
                    name: remote.name.clone(),
                    artifact_location: String::new(),
                    lifecycle_stage: Lifecycle::Active,
                    creation_time: None,
                    last_update_time: None,
                    tags: tags.into_iter().collect(),
                }
            } else {
                s.store.create_experiment(&remote.name, None, &tags)?
            }
        }
    };
    if !local.experiment_id.is_empty() {
        s.save_link(
            Kind::Experiment,
            &local.experiment_id,
            &ExperimentLink {
                remote_id: remote.experiment_id.clone(),
                name: remote.name.clone(),
            },
        )?;
    }
    Ok(local)
}

/// Pulls one page of the server's runs of one experiment on `options.threads` workers;
/// returns the ids of the runs in the scope (pulled, updated, unchanged or linked). A run
/// already done in this pull (named by `-r` and in a whole experiment) is skipped.
fn pull_page(
    s: &Session,
    pair: &Pair,
    runs: &[pb::Run],
    filter: Option<&search::Expr>,
    done: &Mutex<HashSet<String>>,
) -> app::Result<Vec<String>> {
    let next = AtomicUsize::new(0);
    let failed: Mutex<Option<Error>> = Mutex::new(None);
    let picked: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let workers = s.options.threads.max(1).min(runs.len());
    let work = || {
        loop {
            if failed.lock().unwrap_or_else(|e| e.into_inner()).is_some() {
                return;
            }
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(run) = runs.get(i) else { return };
            let first = done
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(run.info.run_id.clone());
            let result = if first {
                pull_run(s, pair, run, filter)
            } else {
                Ok(None)
            };
            match result {
                Ok(Some(bytes)) => {
                    picked
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(run.info.run_id.clone());
                    s.step(bytes);
                }
                Ok(None) => s.step(0),
                Err(e) => {
                    let mut f = failed.lock().unwrap_or_else(|e| e.into_inner());
                    f.get_or_insert(e);
                    return;
                }
            }
        }
    };
    std::thread::scope(|sc| {
        for _ in 0..workers {
            sc.spawn(work);
        }
    });
    if let Some(e) = failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    Ok(picked.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Pulls one run of the server, when the filter takes it; returns the artifact bytes
/// fetched, or `None` when the filter leaves it out.
fn pull_run(
    s: &Session,
    pair: &Pair,
    run: &pb::Run,
    filter: Option<&search::Expr>,
) -> app::Result<Option<u64>> {
    let entity = entity_run(run)?;
    if let Some(f) = filter
        && !search::matches(f, &entity)
    {
        return Ok(None);
    }
    let id = &run.info.run_id;
    let here = s.store.exists() && !pair.local.experiment_id.is_empty();
    if here {
        match s.store.find_run(id) {
            Ok(h) => return update_run(s, pair, run, &entity, h).map(Some),
            Err(e) if e.kind() == store::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    if s.store.exists()
        && let Some(source) = entity.tags.get(tags::SOURCE_RUN_ID)
        && crate::entities::is_valid_run_id(source)
        && s.store.find_run(source).is_ok()
    {
        link_pushed(s, pair, run, source)?;
        return Ok(Some(0));
    }
    create_run(s, pair, run, &entity).map(Some)
}

/// Links a run of the server that a push from this store made (tag `mlt.source.run_id` =
/// `source`), unless the map links it already. The link says nothing of what the server has
/// (`synced` is `None`): the next push compares the run with the server in full.
fn link_pushed(s: &Session, pair: &Pair, run: &pb::Run, source: &str) -> app::Result<()> {
    let known: Option<RunLink> = s.link(Kind::Run, source);
    if known.is_none() {
        let link = RunLink {
            remote_id: run.info.run_id.clone(),
            remote_experiment_id: pair.remote.experiment_id.clone(),
            pulled: false,
            ..RunLink::default()
        };
        s.save_link(Kind::Run, source, &link)?;
    }
    s.count(|c| c.runs.unchanged += 1);
    Ok(())
}

/// Writes a new run with the server's id, every metric history fetched.
fn create_run(s: &Session, pair: &Pair, run: &pb::Run, entity: &Run) -> app::Result<u64> {
    let dry = s.options.dry_run;
    let pulled = pulled_run(s, run, entity)?;
    let keys = metric_keys(run);
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let (handle, fetched) = if dry {
        let mut n = 0;
        for key in &keys {
            let mut here = 0u64;
            history(s, &run.info.run_id, key, |page| {
                here += page.len() as u64;
                Ok(())
            })?;
            counts.insert(key.clone(), here);
            n += here;
        }
        let info = RunInfo {
            run_id: run.info.run_id.clone(),
            experiment_id: pair.local.experiment_id.clone(),
            run_name: entity.info.run_name.clone(),
            user_id: entity.info.user_id.clone(),
            status: entity.info.status,
            start_time: entity.info.start_time,
            end_time: entity.info.end_time,
            artifact_uri: String::new(),
            lifecycle_stage: entity.info.lifecycle_stage,
            deleted_time: None,
        };
        let dir = s
            .store
            .tracking()
            .join(&pair.local.experiment_id)
            .join(&run.info.run_id);
        (RunHandle { dir, info }, n)
    } else {
        let mut build = s.store.build_pulled_run(&pair.local, pulled)?;
        let mut n = 0;
        for key in &keys {
            let mut here = 0u64;
            history(s, &run.info.run_id, key, |page| {
                here += page.len() as u64;
                build.add_points(key, page)
            })?;
            counts.insert(key.clone(), here);
            n += here;
        }
        (build.finish()?, n)
    };
    s.count(|c| {
        c.runs.new += 1;
        c.params += run.data.params.len() as u64;
        c.tags += run.data.tags.len() as u64;
        c.metric_points += fetched;
    });
    let mut link = new_link(pair, run, counts);
    let bytes = fetch_artifacts(s, run, &handle, &mut link)?;
    if !dry {
        link.inputs_digest = inputs_digest(s.store.run_io(&handle)?.datasets);
        // Just written, so most often too young to vouch for: the next pull takes it.
        link.synced = s.store.run_fingerprint(&handle)?;
    }
    s.save_link(Kind::Run, &run.info.run_id, &link)?;
    Ok(bytes)
}

/// Brings a run pulled before up to date with the server's: only what changed is fetched.
fn update_run(
    s: &Session,
    pair: &Pair,
    run: &pb::Run,
    remote: &Run,
    h: RunHandle,
) -> app::Result<u64> {
    let id = &run.info.run_id;
    if h.info.experiment_id != pair.local.experiment_id {
        return Err(store::Error::Conflict(format!(
            "run {id} is in experiment {} here, but the server has it in '{}' (here {})",
            h.info.experiment_id, pair.remote.name, pair.local.experiment_id
        ))
        .into());
    }
    let dry = s.options.dry_run;
    let old: Option<RunLink> = s.link(Kind::Run, id);
    // Whether nothing was written to the run here since both sides were last the same.
    let untouched = !dry
        && match old.as_ref().and_then(|l| l.synced.as_ref()) {
            Some(synced) => s.store.run_fingerprint(&h)?.as_ref() == Some(synced),
            None => false,
        };
    let local = s.store.read_run(&h)?;
    let local_deleted = h.info.lifecycle_stage == Lifecycle::Deleted;
    let remote_deleted = remote.info.lifecycle_stage == Lifecycle::Deleted;
    let state_changed = h.info.status != remote.info.status
        || h.info.end_time != remote.info.end_time
        || h.info.lifecycle_stage != remote.info.lifecycle_stage;
    // A deleted run takes no writes: one the server restored is restored first, one the
    // server deleted is deleted last; one deleted on both sides is left as it is.
    if local_deleted && !remote_deleted && !dry {
        s.store.set_pulled_state(
            id,
            remote.info.status,
            remote.info.end_time,
            remote.info.lifecycle_stage,
        )?;
    }
    let writable = !(local_deleted && remote_deleted);

    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut changed = state_changed;
    let mut new_params = Vec::new();
    let mut new_tags = Vec::new();
    let mut gone_tags: Vec<String> = Vec::new();
    let mut points = 0u64;
    if writable {
        for (k, v) in &remote.params {
            match local.params.get(k) {
                None => new_params.push((k.clone(), v.clone())),
                Some(mine) if mine != v => {
                    return Err(store::Error::Conflict(format!(
                        "param '{k}' of run {id} is '{mine}' here and '{v}' on the server"
                    ))
                    .into());
                }
                Some(_) => {}
            }
        }
        for (k, v) in &remote.tags {
            if local.tags.get(k) != Some(v) {
                new_tags.push((k.clone(), v.clone()));
            }
        }
        // A tag the server had at the last pull and has deleted since is deleted here; one
        // set here stays.
        if let Some(l) = &old {
            gone_tags = l
                .tags_fetched
                .iter()
                .filter(|k| !remote.tags.contains_key(*k) && local.tags.contains_key(*k))
                .cloned()
                .collect();
        }
        if !dry {
            s.store.update_pulled_data(&h, &new_params, &new_tags)?;
            if !local_deleted {
                for k in &gone_tags {
                    s.store.delete_run_tag(id, k)?;
                }
            }
        }
        for (key, latest) in &remote.metrics {
            let known = old.as_ref().and_then(|l| l.metric_points.get(key)).copied();
            let same = local
                .metrics
                .get(key)
                .is_some_and(|p| same_point(p, latest));
            if same && let Some(n) = known {
                counts.insert(key.clone(), n);
                continue;
            }
            let have = match known {
                Some(n) => n,
                None if same => local_points(s, &h, key)?,
                None => {
                    // No link to say which of the server's points are here: told apart by
                    // content, so that points logged here besides hide none of the server's.
                    let (there, added) = fetch_missing_points(s, &h, id, key)?;
                    counts.insert(key.clone(), there);
                    points += added;
                    continue;
                }
            };
            if same {
                counts.insert(key.clone(), have);
                continue;
            }
            let mut seen = 0u64;
            let mut added = 0u64;
            history(s, id, key, |page| {
                let start = have.saturating_sub(seen).min(page.len() as u64) as usize;
                seen += page.len() as u64;
                let fresh = &page[start..];
                added += fresh.len() as u64;
                if dry {
                    Ok(())
                } else {
                    s.store.append_pulled_points(&h, key, fresh)
                }
            })?;
            counts.insert(key.clone(), have + added);
            points += added;
        }
        changed |= !new_params.is_empty() || !new_tags.is_empty() || !gone_tags.is_empty();
        changed |= points > 0;
        if inputs_missing(s, &h, run)? {
            changed = true;
            if !dry {
                log_missing_inputs(s, &h, run)?;
            }
        }
    } else if let Some(l) = &old {
        counts = l.metric_points.clone();
    }
    let restored = local_deleted && !remote_deleted;
    if state_changed && !restored && !dry {
        s.store.set_pulled_state(
            id,
            remote.info.status,
            remote.info.end_time,
            remote.info.lifecycle_stage,
        )?;
    }
    let mut link = new_link(pair, run, counts);
    if let Some(l) = &old {
        link.artifacts = l.artifacts.clone();
        link.model_points = l.model_points.clone();
    }
    let before = link.artifacts.clone();
    let handle = if dry { h } else { s.store.find_run(id)? };
    let bytes = fetch_artifacts(s, run, &handle, &mut link)?;
    changed |= link.artifacts != before;
    if !dry {
        link.inputs_digest = inputs_digest(s.store.run_io(&handle)?.datasets);
    }
    if !dry && (untouched || same_as_server(s, &handle, &local, remote, &link)?) {
        link.synced = s.store.run_fingerprint(&handle)?;
    }
    s.count(|c| {
        if changed {
            c.runs.updated += 1;
        } else {
            c.runs.unchanged += 1;
        }
        c.params += new_params.len() as u64;
        c.tags += (new_tags.len() + gone_tags.len()) as u64;
        c.metric_points += points;
    });
    if old.as_ref() != Some(&link) {
        s.save_link(Kind::Run, id, &link)?;
    }
    Ok(bytes)
}

/// Whether the run here (`before`: as it was read before this pull's writes, which added
/// the server's values) now holds exactly what the server has: no tag, param or metric of
/// its own, and as many points of each metric as the server.
fn same_as_server(
    s: &Session,
    h: &RunHandle,
    before: &Run,
    remote: &Run,
    link: &RunLink,
) -> app::Result<bool> {
    let own = before.tags.keys().any(|k| !remote.tags.contains_key(k))
        || before.params.keys().any(|k| !remote.params.contains_key(k))
        || before
            .metrics
            .keys()
            .any(|k| !remote.metrics.contains_key(k));
    if own {
        return Ok(false);
    }
    for (key, n) in &link.metric_points {
        if local_points(s, h, key)? != *n {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Fetches the run's artifacts; returns the bytes of the files fetched.
fn fetch_artifacts(
    s: &Session,
    run: &pb::Run,
    handle: &RunHandle,
    link: &mut RunLink,
) -> app::Result<u64> {
    let before = link.artifacts.clone();
    artifacts::pull_run(s, &run.info.artifact_uri, handle, link)?;
    Ok(link
        .artifacts
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(_, v)| v.size)
        .sum())
}

/// The link of a pulled run, as the server has it now.
fn new_link(pair: &Pair, run: &pb::Run, metric_points: BTreeMap<String, u64>) -> RunLink {
    let kv = |v: &[pb::KeyValue]| digest(v.iter().map(|t| (t.key.as_str(), t.value.as_str())));
    RunLink {
        remote_id: run.info.run_id.clone(),
        remote_experiment_id: pair.remote.experiment_id.clone(),
        pulled: true,
        // Set once the run here is known to be the server's (see the callers).
        synced: None,
        metric_points,
        params_digest: kv(&run.data.params),
        tags_digest: kv(&run.data.tags),
        // The server's tags are its own: a tag deleted here is not deleted there.
        tags_sent: Default::default(),
        tags_fetched: run.data.tags.iter().map(|t| t.key.clone()).collect(),
        inputs_digest: inputs_digest(datasets(run)),
        models_sent: Default::default(),
        model_points: BTreeMap::new(),
        model_batch: None,
        status: run.info.status.clone(),
        end_time: run.info.end_time,
        lifecycle: run.info.lifecycle_stage.clone(),
        artifacts: BTreeMap::new(),
    }
}

/// A digest of a run's datasets (with their input tags), as the push computes it from the
/// run here (`push.rs`, `send_inputs`): empty when there are none, so that a push finds
/// nothing to send of a pulled run's inputs.
fn inputs_digest(datasets: Vec<DatasetInput>) -> String {
    let inputs: Vec<pb::DatasetInput> = datasets.into_iter().map(Into::into).collect();
    super::inputs_digest(&inputs)
}

/// Whether the server's run has inputs or outputs this run lacks.
fn inputs_missing(s: &Session, h: &RunHandle, run: &pb::Run) -> app::Result<bool> {
    if run.inputs.dataset_inputs.is_empty()
        && run.inputs.model_inputs.is_empty()
        && run.outputs.model_outputs.is_empty()
    {
        return Ok(false);
    }
    let io = s.store.run_io(h)?;
    let have: HashSet<String> = io.datasets.iter().map(|d| d.dataset.id()).collect();
    Ok(datasets(run)
        .iter()
        .any(|d| !have.contains(&d.dataset.id()))
        || run
            .inputs
            .model_inputs
            .iter()
            .any(|m| !io.model_inputs.contains(&s.local_model_id(&m.model_id)))
        || run.outputs.model_outputs.iter().any(|m| {
            let here = s.local_model_id(&m.model_id);
            !io.model_outputs.iter().any(|(id, _)| *id == here)
        }))
}

fn log_missing_inputs(s: &Session, h: &RunHandle, run: &pb::Run) -> app::Result<()> {
    let id = &h.info.run_id;
    let ds = datasets(run);
    for chunk in ds.chunks(store::dataset::MAX_DATASETS_PER_BATCH) {
        s.store.log_inputs(id, chunk, &[])?;
    }
    let models: Vec<String> = run
        .inputs
        .model_inputs
        .iter()
        .map(|m| s.local_model_id(&m.model_id))
        .collect();
    s.store.log_inputs(id, &[], &models)?;
    let outputs: Vec<(String, i64)> = run
        .outputs
        .model_outputs
        .iter()
        .map(|m| (s.local_model_id(&m.model_id), m.step))
        .collect();
    s.store.log_outputs(id, &outputs)?;
    Ok(())
}

/// Appends to this run's metric `key` the server's points it lacks (each point here stands for
/// one there); returns how many points the server has and how many were (or, dry, would be)
/// appended.
fn fetch_missing_points(
    s: &Session,
    h: &RunHandle,
    run_id: &str,
    key: &str,
) -> app::Result<(u64, u64)> {
    let mut here: HashMap<(i64, i64, u64), u64> = HashMap::new();
    match s.store.metric_points(h, key) {
        Ok(points) => {
            for p in points {
                let p = p?;
                *here
                    .entry((p.timestamp, p.step, super::as_kept(p.value)))
                    .or_default() += 1;
            }
        }
        Err(e) if e.kind() == store::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    let (mut there, mut added) = (0u64, 0u64);
    history(s, run_id, key, |page| {
        there += page.len() as u64;
        let fresh: Vec<MetricPoint> = page
            .iter()
            .filter(
                |p| match here.get_mut(&(p.timestamp, p.step, super::as_kept(p.value))) {
                    Some(c) if *c > 0 => {
                        *c -= 1;
                        false
                    }
                    _ => true,
                },
            )
            .cloned()
            .collect();
        added += fresh.len() as u64;
        if s.options.dry_run || fresh.is_empty() {
            Ok(())
        } else {
            s.store.append_pulled_points(h, key, &fresh)
        }
    })?;
    Ok((there, added))
}

/// The points of this run's metric `key` already here.
fn local_points(s: &Session, h: &RunHandle, key: &str) -> app::Result<u64> {
    match s.store.metric_points(h, key) {
        Ok(points) => {
            let mut n = 0;
            for p in points {
                p?;
                n += 1;
            }
            Ok(n)
        }
        Err(e) if e.kind() == store::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(e.into()),
    }
}

/// Walks a metric's history on the server a page at a time.
fn history(
    s: &Session,
    run_id: &str,
    key: &str,
    mut each: impl FnMut(&[MetricPoint]) -> store::Result<()>,
) -> app::Result<()> {
    let mut failed: Option<store::Error> = None;
    let mut page_points = Vec::new();
    let walked = s.remote.metric_history_all(run_id, key, |page| {
        page_points.clear();
        page_points.extend(page.iter().map(point));
        match each(&page_points) {
            Ok(()) => Ok(()),
            Err(e) => {
                failed = Some(e);
                Err(crate::remote::Error::Config("stopped".into()))
            }
        }
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    Ok(walked?)
}

fn point(m: &pb::Metric) -> MetricPoint {
    MetricPoint {
        timestamp: m.timestamp,
        value: m.value,
        step: m.step,
    }
}

/// Whether two points are the same (NaN the same as NaN).
fn same_point(a: &MetricPoint, b: &MetricPoint) -> bool {
    a.step == b.step
        && a.timestamp == b.timestamp
        && (a.value.to_bits() == b.value.to_bits()
            || a.value == b.value
            || (a.value.is_nan() && b.value.is_nan()))
}

/// The run's metric keys, once each, in the server's order.
fn metric_keys(run: &pb::Run) -> Vec<String> {
    let mut seen = HashSet::new();
    run.data
        .metrics
        .iter()
        .filter(|m| seen.insert(m.key.as_str()))
        .map(|m| m.key.clone())
        .collect()
}

fn status_of(name: &str) -> app::Result<RunStatus> {
    use RunStatus::*;
    [Running, Scheduled, Finished, Failed, Killed]
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            store::Error::Invalid(format!("the server gave an unknown run status '{name}'")).into()
        })
}

fn lifecycle_of(name: &str) -> app::Result<Lifecycle> {
    if name.is_empty() {
        return Ok(Lifecycle::Active);
    }
    Lifecycle::parse(name).ok_or_else(|| {
        store::Error::Invalid(format!(
            "the server gave an unknown lifecycle stage '{name}'"
        ))
        .into()
    })
}

/// The server's run as the search engine (and the store) sees a run: its latest metrics.
fn entity_run(run: &pb::Run) -> app::Result<Run> {
    let i = &run.info;
    if !crate::entities::is_valid_run_id(&i.run_id) {
        return Err(store::Error::Invalid(format!(
            "the server gave an invalid run id '{}'",
            i.run_id
        ))
        .into());
    }
    let pairs = |v: &[pb::KeyValue]| -> BTreeMap<String, String> {
        v.iter().map(|t| (t.key.clone(), t.value.clone())).collect()
    };
    Ok(Run {
        info: RunInfo {
            run_id: i.run_id.clone(),
            experiment_id: i.experiment_id.clone(),
            run_name: i.run_name.clone(),
            user_id: i.user_id.clone(),
            status: status_of(&i.status)?,
            start_time: i.start_time,
            end_time: i.end_time,
            artifact_uri: i.artifact_uri.clone(),
            lifecycle_stage: lifecycle_of(&i.lifecycle_stage)?,
            deleted_time: None,
        },
        params: pairs(&run.data.params),
        metrics: run
            .data
            .metrics
            .iter()
            .map(|m| (m.key.clone(), point(m)))
            .collect(),
        tags: pairs(&run.data.tags),
    })
}

fn datasets(run: &pb::Run) -> Vec<DatasetInput> {
    run.inputs
        .dataset_inputs
        .iter()
        .filter_map(|d| {
            let ds = d.dataset.as_ref()?;
            Some(DatasetInput {
                dataset: Dataset {
                    name: ds.name.clone().unwrap_or_default(),
                    digest: ds.digest.clone().unwrap_or_default(),
                    source_type: ds.source_type.clone().unwrap_or_default(),
                    source: ds.source.clone().unwrap_or_default(),
                    schema: ds.schema.clone(),
                    profile: ds.profile.clone(),
                },
                tags: d
                    .tags
                    .iter()
                    .map(|t| (t.key.clone(), t.value.clone()))
                    .collect(),
            })
        })
        .collect()
}

/// What the store writes of a new pulled run (its metric histories come apart), its model
/// inputs and outputs naming the local ids of models pushed from here.
fn pulled_run(s: &Session, run: &pb::Run, entity: &Run) -> app::Result<PulledRun> {
    let kv = |v: &[pb::KeyValue]| -> Vec<(String, String)> {
        v.iter().map(|t| (t.key.clone(), t.value.clone())).collect()
    };
    Ok(PulledRun {
        run_id: run.info.run_id.clone(),
        run_name: run.info.run_name.clone(),
        user_id: run.info.user_id.clone(),
        status: entity.info.status,
        start_time: run.info.start_time,
        end_time: run.info.end_time,
        lifecycle: entity.info.lifecycle_stage,
        tags: kv(&run.data.tags),
        params: kv(&run.data.params),
        datasets: datasets(run),
        model_inputs: run
            .inputs
            .model_inputs
            .iter()
            .map(|m| s.local_model_id(&m.model_id))
            .collect(),
        model_outputs: run
            .outputs
            .model_outputs
            .iter()
            .map(|m| (s.local_model_id(&m.model_id), m.step))
            .collect(),
    })
}
