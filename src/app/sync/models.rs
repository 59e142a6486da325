//! MLflow 3 logged models and the model registry, to and from the server (see the module
//! doc of `app::sync`).
//!
//! - A **logged model** is created there in the experiment's counterpart, its source run
//!   being the run's copy there, with the tag `mlt.source.model_id`; its files follow, then its
//!   status. Its link holds a digest of its name, type, status, params and tags: an unchanged
//!   model costs no request.
//! - A **registered model** keeps its name on both sides. Its versions are created in local
//!   order, each with the tag `mlt.source.version` (its local number), its source pointing at
//!   the copy of its run's (or logged model's) files there, then its stage; the link maps local
//!   numbers to the server's, with digests of description, stage and tags, so an unchanged
//!   registry costs no request. Aliases are set to the server's number of the aliased version.
//! - A **pull** keeps the server's version numbers (the next free one when a number is taken
//!   here) and logged model ids, and recognises what came from this store by the source tags.

use super::{
    Count, LoggedModelLink, ModelLink, RunLink, Scope, Session, VersionLink, digest, tags,
};
use crate::entities::{Experiment, ModelVersion, RegisteredModel, Stage as ModelStage};
use crate::proto::logged as pl;
use crate::proto::registry as pb;
use crate::remote::tracking::limits;
use crate::store::logged_write::{LoggedModelRecord, ModelMetric};
use crate::store::pulled_models::{PulledLoggedModel, PulledModel, PulledVersion};
use crate::store::remotes::Kind;
use crate::store::transfer::Stage;
use crate::store::{ModelUri, RunHandle, RunRef};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

type Result<T> = crate::app::Result<T>;

fn invalid(msg: String) -> crate::app::Error {
    crate::store::Error::Invalid(msg).into()
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

fn bump(c: &mut Count, new: bool, changed: bool) {
    if new {
        c.new += 1;
    } else if changed {
        c.updated += 1;
    } else {
        c.unchanged += 1;
    }
}

// ---- digests (the same on both directions: of the local state as last synced) ----

fn logged_digest(m: &LoggedModelRecord) -> String {
    let status = m.status.to_string();
    let mut pairs: Vec<(String, String)> = vec![
        ("name".into(), m.name.clone()),
        ("type".into(), m.model_type.clone().unwrap_or_default()),
        ("status".into(), status),
    ];
    pairs.extend(m.params.iter().map(|(k, v)| (format!("p:{k}"), v.clone())));
    pairs.extend(
        m.tags
            .iter()
            .filter(|(k, _)| k.as_str() != tags::SOURCE_MODEL_ID)
            .map(|(k, v)| (format!("t:{k}"), v.clone())),
    );
    digest(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn model_digest(description: Option<&str>, tags: &BTreeMap<String, String>) -> String {
    let mut pairs: Vec<(String, String)> =
        vec![("description".into(), description.unwrap_or("").to_string())];
    pairs.extend(tags.iter().map(|(k, v)| (format!("t:{k}"), v.clone())));
    digest(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn version_digest(v: &ModelVersion) -> String {
    let mut pairs: Vec<(String, String)> = vec![
        (
            "description".into(),
            v.description.clone().unwrap_or_default(),
        ),
        ("stage".into(), v.current_stage.as_str().to_string()),
    ];
    pairs.extend(
        v.tags
            .iter()
            .filter(|(k, _)| k.as_str() != tags::SOURCE_VERSION)
            .map(|(k, val)| (format!("t:{k}"), val.clone())),
    );
    digest(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The registered models of the scope here: the named ones (each must exist), or all.
fn local_models(s: &Session, scope: &Scope) -> Result<Vec<RegisteredModel>> {
    if !scope.includes_models() {
        return Ok(Vec::new());
    }
    if scope.models.is_empty() {
        return Ok(s.store.list_registered_models()?);
    }
    let mut out = Vec::new();
    for name in &scope.models {
        out.push(s.store.registered_model(name)?);
    }
    Ok(out)
}

/// The live versions of a model, oldest first.
fn versions_oldest_first(s: &Session, name: &str) -> Result<Vec<ModelVersion>> {
    let mut v = s.store.model_versions(name)?;
    v.reverse();
    Ok(v)
}

/// The logged model id a version comes from: its `model_id`, or a `models:/<id>` source.
fn version_model_id(v: &ModelVersion) -> Option<String> {
    if let Some(id) = nonempty(&v.model_id) {
        return Some(id.to_string());
    }
    match ModelUri::parse(&v.source) {
        Ok(ModelUri::LoggedModel(id)) => Some(id),
        _ => None,
    }
}

/// The runs the scope's registered models' versions come from (for `push -m MODEL`: they
/// are pushed with the model).
pub(super) fn runs_for_models(s: &Session, scope: &Scope) -> crate::app::Result<Vec<RunHandle>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for m in local_models(s, scope)? {
        for v in versions_oldest_first(s, &m.name)? {
            let mut ids: Vec<String> = nonempty(&v.run_id)
                .map(str::to_string)
                .into_iter()
                .collect();
            if let Ok(RunRef { run_id, .. }) = RunRef::parse(&v.source) {
                ids.push(run_id);
            }
            if let Some(mid) = version_model_id(&v)
                && let Ok(lm) = s.store.logged_model(&mid)
                && let Some(r) = nonempty(&lm.source_run_id)
            {
                ids.push(r.to_string());
            }
            for id in ids {
                if seen.insert(id.clone()) {
                    match s.store.find_run(&id) {
                        Ok(h) => out.push(h),
                        // Told when the version is pushed.
                        Err(e) if e.is_not_found() => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        }
    }
    Ok(out)
}

// ---- logged models: push ----

/// The logged models a push sends, each with its experiment's id there: those of these
/// experiments (local experiment, its id on the server), all of them when `runs` is `None`,
/// else those whose source run is one of `runs` (local ids).
pub(super) fn logged_models_to_push(
    s: &Session,
    experiments: &[(Experiment, String)],
    runs: Option<&HashSet<String>>,
) -> crate::app::Result<Vec<(LoggedModelRecord, String)>> {
    let mut todo = Vec::new();
    for (exp, remote_exp) in experiments {
        for m in s.store.experiment_logged_models(&exp.experiment_id)? {
            if let Some(r) = runs
                && !nonempty(&m.source_run_id).is_some_and(|id| r.contains(id))
            {
                continue;
            }
            todo.push((m, remote_exp.clone()));
        }
    }
    Ok(todo)
}

/// The logged models of a remote experiment found by their source tag, asked once per
/// experiment and push (by whichever thread needs it first).
pub(super) type FoundThere = Mutex<HashMap<String, HashMap<String, pl::LoggedModel>>>;

/// Pushes these logged models (see [`logged_models_to_push`]), but for those in `done` (sent
/// with their source runs) only the points of their metrics still to send. Run after the
/// runs, so source runs map to their remote ids.
pub(super) fn push_logged_models(
    s: &Session,
    todo: &[(LoggedModelRecord, String)],
    points: &ModelPoints,
    done: &HashSet<String>,
    found: &FoundThere,
) -> crate::app::Result<()> {
    s.stage(Stage::ExperimentItems, todo.len() as u64);
    for (m, remote_exp) in todo {
        if done.contains(&m.model_id) {
            if let Some(l) = s.link::<LoggedModelLink>(Kind::LoggedModel, &m.model_id) {
                push_model_metrics(s, &m.model_id, points, &l.remote_id)?;
            }
        } else {
            push_logged_model(s, m, remote_exp, found, Some(points))?;
        }
        s.step(0);
    }
    Ok(())
}

/// A logged model's points of one metric logged in one run (in the order of its file).
pub(super) struct ModelLines {
    pub model: String,
    pub run: String,
    pub key: String,
    pub points: Vec<ModelMetric>,
}

/// The points of the logged models' metrics a push sends, read once, found by run (to go
/// with the run's points) and by model (those left, in the logged models' step).
#[derive(Default)]
pub(super) struct ModelPoints {
    lines: Vec<ModelLines>,
    by_run: HashMap<String, Vec<usize>>,
    by_model: HashMap<String, Vec<usize>>,
}

impl ModelPoints {
    pub(super) fn read(
        s: &Session,
        models: &[(LoggedModelRecord, String)],
    ) -> crate::app::Result<ModelPoints> {
        let mut out = ModelPoints::default();
        for (m, _) in models {
            let mut by: BTreeMap<(String, String), Vec<ModelMetric>> = BTreeMap::new();
            for p in s.store.logged_model_metric_history(m)? {
                by.entry((p.run_id.clone(), p.key.clone()))
                    .or_default()
                    .push(p);
            }
            for ((run, key), points) in by {
                let i = out.lines.len();
                out.by_run.entry(run.clone()).or_default().push(i);
                out.by_model.entry(m.model_id.clone()).or_default().push(i);
                out.lines.push(ModelLines {
                    model: m.model_id.clone(),
                    run,
                    key,
                    points,
                });
            }
        }
        Ok(out)
    }

    /// The lines of the points logged in this run, of every model.
    pub(super) fn of_run<'a>(&'a self, run: &str) -> impl Iterator<Item = &'a ModelLines> {
        self.of(self.by_run.get(run))
    }

    /// The lines of this model's points, run by run.
    fn of_model<'a>(&'a self, model: &str) -> impl Iterator<Item = &'a ModelLines> {
        self.of(self.by_model.get(model))
    }

    fn of<'a>(&'a self, at: Option<&'a Vec<usize>>) -> impl Iterator<Item = &'a ModelLines> {
        at.into_iter().flatten().map(|&i| &self.lines[i])
    }
}

/// The points of a logged model's metrics that no push has sent yet (its runs' links count
/// those sent), each to the run it was logged in, with the model's id there: in `log-batch`
/// requests, as MLflow's client re-logs a run's points for a model it logs. A server with
/// MLflow's SQL store keeps the run's own copy of each point once; one with a file store
/// (MLflow's, or `mlt server`) appends it to the run's history again, as it does for
/// MLflow's client. Points of a run not on the server (or deleted there) wait for a push of
/// that run.
fn push_model_metrics(
    s: &Session,
    model: &str,
    points: &ModelPoints,
    remote_model: &str,
) -> Result<()> {
    if remote_model.is_empty() {
        return Ok(());
    }
    let mut by_run: BTreeMap<&str, Vec<&ModelLines>> = BTreeMap::new();
    for l in points.of_model(model) {
        by_run.entry(&l.run).or_default().push(l);
    }
    for (run, lines) in by_run {
        let Some(mut link) = s.link::<RunLink>(Kind::Run, run) else {
            continue;
        };
        if link.remote_id.is_empty()
            || link.lifecycle == crate::entities::Lifecycle::Deleted.as_str()
        {
            continue;
        }
        let sent = link.model_points.get(model);
        let todo: Vec<&ModelMetric> = lines
            .iter()
            .flat_map(|l| {
                let n = sent.and_then(|k| k.get(&l.key)).copied().unwrap_or(0) as usize;
                l.points.iter().skip(n)
            })
            .collect();
        if s.options.dry_run {
            s.count(|t| t.metric_points += todo.len() as u64);
            continue;
        }
        let mut rest = todo.as_slice();
        while !rest.is_empty() {
            let mut bytes = 0;
            let mut n = 0;
            while n < rest.len() && n < limits::METRICS {
                bytes += model_point_size(rest[n], remote_model);
                if bytes > limits::BYTES {
                    break;
                }
                n += 1;
            }
            let n = n.max(1);
            let (chunk, after) = rest.split_at(n);
            let metrics = chunk.iter().map(|p| model_point(p, remote_model)).collect();
            s.remote
                .log_batch(&link.remote_id, metrics, Vec::new(), Vec::new())?;
            let counts = link.model_points.entry(model.to_string()).or_default();
            for p in chunk {
                *counts.entry(p.key.clone()).or_default() += 1;
            }
            s.save_link(Kind::Run, run, &link)?;
            s.count(|t| t.metric_points += n as u64);
            rest = after;
        }
    }
    Ok(())
}

/// A point of a logged model as a `log-batch` entry naming the model's id there.
pub(super) fn model_point(p: &ModelMetric, remote_model: &str) -> crate::proto::tracking::Metric {
    crate::proto::tracking::Metric {
        key: p.key.clone(),
        value: p.value,
        timestamp: p.timestamp,
        step: p.step,
        dataset_name: p.dataset_name.clone(),
        dataset_digest: p.dataset_digest.clone(),
        model_id: Some(remote_model.to_string()),
        run_id: None,
    }
}

/// About how many bytes the entry of [`model_point`] takes in a request.
pub(super) fn model_point_size(p: &ModelMetric, remote_model: &str) -> usize {
    p.key.len()
        + remote_model.len()
        + p.dataset_name.as_ref().map_or(0, |d| d.len() * 6 + 20)
        + p.dataset_digest.as_ref().map_or(0, |d| d.len() * 6 + 20)
        + 140
}

/// The logged models of a remote experiment that carry `mlt.source.model_id`, by that tag.
fn remote_logged_by_source(
    s: &Session,
    remote_exp: &str,
) -> Result<HashMap<String, pl::LoggedModel>> {
    let mut out = HashMap::new();
    s.remote
        .logged_models_all(&[remote_exp.to_string()], None, |page| {
            for m in page {
                if let Some(t) = m.info.tags.iter().find(|t| t.key == tags::SOURCE_MODEL_ID) {
                    out.insert(t.value.clone(), m);
                }
            }
            Ok(())
        })?;
    Ok(out)
}

fn kv(map: &BTreeMap<String, String>) -> Vec<pl::KeyValue> {
    map.iter()
        .map(|(k, v)| pl::KeyValue {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

/// Pushes a logged model, and with `points` the points of its metrics still to send (without:
/// its source run's push sends them with the run's).
pub(super) fn push_logged_model(
    s: &Session,
    m: &LoggedModelRecord,
    remote_exp: &str,
    found: &FoundThere,
    points: Option<&ModelPoints>,
) -> Result<()> {
    let local_digest = logged_digest(m);
    let files = s.store.logged_model_files_dir(&m.model_id)?;
    let mut link: Option<LoggedModelLink> = s.link(Kind::LoggedModel, &m.model_id);
    if let Some(l) = &link
        && l.digest == local_digest
        && !l.artifact_uri.is_empty()
    {
        let mut l = l.clone();
        push_files(s, &files, &mut l)?;
        if l.artifacts
            != link
                .as_ref()
                .map(|x| x.artifacts.clone())
                .unwrap_or_default()
        {
            s.save_link(Kind::LoggedModel, &m.model_id, &l)?;
        }
        if let Some(p) = points {
            push_model_metrics(s, &m.model_id, p, &l.remote_id)?;
        }
        s.count(|t| t.logged_models.unchanged += 1);
        return Ok(());
    }
    let source_run = match nonempty(&m.source_run_id) {
        None => None,
        Some(r) => match s.link::<RunLink>(Kind::Run, r) {
            Some(l) => Some(l.remote_id),
            // A dry run links no run: the model would be sent with it.
            None if s.options.dry_run => None,
            None => {
                return Err(invalid(format!(
                    "logged model {} comes from run {r}, which is not on the server; push \
                     the run first (mlt push -r {r})",
                    m.model_id
                )));
            }
        },
    };
    // Without a link, the server may have it all the same (a push cut short, a lost map).
    if link.is_none() {
        let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
        if !found.contains_key(remote_exp) {
            found.insert(
                remote_exp.to_string(),
                remote_logged_by_source(s, remote_exp)?,
            );
        }
        if let Some(r) = found.get(remote_exp).and_then(|f| f.get(&m.model_id)) {
            link = Some(LoggedModelLink {
                remote_id: r.info.model_id.clone(),
                artifact_uri: r.info.artifact_uri.clone(),
                ..LoggedModelLink::default()
            });
        }
    }
    let (mut link, new) = match link {
        Some(l) => (l, false),
        None => {
            if s.options.dry_run {
                s.count(|t| {
                    t.logged_models.new += 1;
                    t.params += m.params.len() as u64;
                    t.tags += m.tags.len() as u64;
                });
                return Ok(());
            }
            let mut tags_there = kv(&m.tags);
            tags_there.retain(|t| t.key != tags::SOURCE_MODEL_ID);
            tags_there.push(pl::KeyValue {
                key: tags::SOURCE_MODEL_ID.into(),
                value: m.model_id.clone(),
            });
            let req = pl::CreateLoggedModel {
                experiment_id: Some(remote_exp.to_string()),
                name: Some(m.name.clone()).filter(|n| !n.is_empty()),
                model_type: m.model_type.clone().filter(|t| !t.is_empty()),
                source_run_id: source_run.clone(),
                params: kv(&m.params),
                tags: tags_there,
            };
            let made = match s.remote.create_logged_model(&req) {
                Ok(x) => x,
                Err(e) if e.is_ambiguous() => {
                    match remote_logged_by_source(s, remote_exp)?.remove(&m.model_id) {
                        Some(x) => x,
                        None => return Err(e.into()),
                    }
                }
                Err(e) => return Err(e.into()),
            };
            s.count(|t| {
                t.params += m.params.len() as u64;
                t.tags += m.tags.len() as u64;
            });
            let l = LoggedModelLink {
                remote_id: made.info.model_id,
                artifact_uri: made.info.artifact_uri,
                ..LoggedModelLink::default()
            };
            s.save_link(Kind::LoggedModel, &m.model_id, &l)?;
            (l, true)
        }
    };
    if s.options.dry_run {
        s.count(|t| t.logged_models.updated += 1);
        return Ok(());
    }
    // Compare with what the server has (a new one too: its status is still to be set).
    let Some(there) = s.remote.logged_model(&link.remote_id)? else {
        // Deleted there: made again next time.
        s.map.remove(Kind::LoggedModel, &m.model_id)?;
        return Err(invalid(format!(
            "logged model {} ({} on the server) is gone from the server; push again to send \
             it anew",
            m.model_id, link.remote_id
        )));
    };
    if link.artifact_uri.is_empty() {
        link.artifact_uri = there.info.artifact_uri.clone();
    }
    let mut changed = false;
    let params_there: BTreeMap<&str, &str> = there
        .data
        .params
        .iter()
        .map(|p| (p.key.as_str(), p.value.as_str()))
        .collect();
    let params: Vec<pl::KeyValue> = kv(&m.params)
        .into_iter()
        .filter(|p| params_there.get(p.key.as_str()) != Some(&p.value.as_str()))
        .collect();
    if !params.is_empty() {
        let n = params.len() as u64;
        s.remote.log_logged_model_params(&link.remote_id, params)?;
        s.count(|t| t.params += n);
        changed = true;
    }
    let tags_there: BTreeMap<&str, &str> = there
        .info
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    let mut wanted = m.tags.clone();
    wanted.remove(tags::SOURCE_MODEL_ID);
    let set: Vec<pl::KeyValue> = kv(&wanted)
        .into_iter()
        .filter(|t| tags_there.get(t.key.as_str()) != Some(&t.value.as_str()))
        .collect();
    if !set.is_empty() {
        let n = set.len() as u64;
        s.remote.set_logged_model_tags(&link.remote_id, set)?;
        s.count(|t| t.tags += n);
        changed = true;
    }
    // Tags removed here since (the ones mlt and MLflow keep for themselves stay).
    if !new {
        for key in tags_there.keys() {
            if !wanted.contains_key(*key)
                && *key != tags::SOURCE_MODEL_ID
                && !key.starts_with("mlflow.")
            {
                s.remote.delete_logged_model_tag(&link.remote_id, key)?;
                changed = true;
            }
        }
    }
    push_files(s, &files, &mut link)?;
    s.save_link(Kind::LoggedModel, &m.model_id, &link)?;
    let status = pl::status_enum(m.status);
    if m.status != 0 && there.info.status != status {
        s.remote.finalize_logged_model(&link.remote_id, status)?;
        changed = true;
    }
    link.digest = local_digest;
    s.save_link(Kind::LoggedModel, &m.model_id, &link)?;
    if let Some(p) = points {
        push_model_metrics(s, &m.model_id, p, &link.remote_id)?;
    }
    s.count(|t| bump(&mut t.logged_models, new, changed));
    Ok(())
}

fn push_files(s: &Session, files: &Path, link: &mut LoggedModelLink) -> Result<()> {
    if link.artifact_uri.is_empty() || !files.is_dir() {
        return Ok(());
    }
    let uri = link.artifact_uri.clone();
    super::artifacts::push_dir(s, files, &uri, &mut link.artifacts)
}

// ---- the registry: push ----

/// Remote artifact locations, asked once per push.
#[derive(Default)]
struct Locations {
    runs: HashMap<String, String>,
}

impl Locations {
    fn run(&mut self, s: &Session, remote_id: &str) -> Result<String> {
        if let Some(u) = self.runs.get(remote_id) {
            return Ok(u.clone());
        }
        let run = s.remote.run(remote_id)?.ok_or_else(|| {
            invalid(format!(
                "run {remote_id} is gone from the server; push its run again"
            ))
        })?;
        let uri = run.info.artifact_uri.trim_end_matches('/').to_string();
        self.runs.insert(remote_id.to_string(), uri.clone());
        Ok(uri)
    }
}

fn join_uri(base: &str, rel: &str) -> String {
    let rel = rel.trim_matches('/');
    if rel.is_empty() {
        base.trim_end_matches('/').to_string()
    } else {
        format!("{}/{rel}", base.trim_end_matches('/'))
    }
}

fn rel_inside(path: &Path, root: &Path) -> Option<String> {
    let p = crate::store::normalize_path(path);
    let r = crate::store::normalize_path(root);
    p.strip_prefix(&r)
        .ok()
        .map(|rel| rel.to_string_lossy().replace('\\', "/"))
}

/// A version's source, run and logged model as the server should have them.
struct Where {
    source: String,
    run_id: Option<String>,
    model_id: Option<String>,
}

fn remote_source(s: &Session, locs: &mut Locations, v: &ModelVersion) -> Result<Where> {
    let what = format!("version {} of model '{}'", v.version, v.name);
    let remote_run = match nonempty(&v.run_id) {
        None => None,
        Some(r) => Some(
            s.link::<RunLink>(Kind::Run, r)
                .ok_or_else(|| {
                    invalid(format!(
                        "{what} comes from run {r}, which is not on the server; push it \
                         first (mlt push -r {r}, or mlt push -m '{}')",
                        v.name
                    ))
                })?
                .remote_id,
        ),
    };
    let model = match version_model_id(v) {
        None => None,
        Some(id) => Some((
            id.clone(),
            s.link::<LoggedModelLink>(Kind::LoggedModel, &id)
                .ok_or_else(|| {
                    invalid(format!(
                        "{what} comes from logged model {id}, which is not on the server; \
                         push its experiment first"
                    ))
                })?,
        )),
    };
    let by_model = |rel: &str, l: &LoggedModelLink| Where {
        source: if rel.is_empty() || l.artifact_uri.is_empty() {
            format!("models:/{}", l.remote_id)
        } else {
            join_uri(&l.artifact_uri, rel)
        },
        run_id: remote_run.clone(),
        model_id: Some(l.remote_id.clone()),
    };
    if let Ok(ModelUri::LoggedModel(_)) = ModelUri::parse(&v.source)
        && let Some((_, l)) = &model
    {
        return Ok(by_model("", l));
    }
    if v.source.starts_with("runs:/") {
        let r = RunRef::parse(&v.source)?;
        let rid = match s.link::<RunLink>(Kind::Run, &r.run_id) {
            Some(l) => l.remote_id,
            None => {
                return Err(invalid(format!(
                    "{what} comes from run {}, which is not on the server; push it first \
                     (mlt push -r {})",
                    r.run_id, r.run_id
                )));
            }
        };
        // MLflow 3: runs:/<run>/<name> may name the run's logged model rather than files.
        let in_run = s
            .store
            .find_run(&r.run_id)
            .and_then(|h| s.store.artifact_dir(&h))
            .map(|d| d.join(r.path.as_deref().unwrap_or("")).exists())
            .unwrap_or(true);
        if !in_run && let Some((_, l)) = &model {
            return Ok(by_model("", l));
        }
        let base = locs.run(s, &rid)?;
        return Ok(Where {
            source: join_uri(&base, r.path.as_deref().unwrap_or("")),
            run_id: Some(rid),
            model_id: None,
        });
    }
    if v.source.starts_with("models:/") {
        // Another registered version: the same name and number there, when it was pushed.
        return Ok(Where {
            source: v.source.clone(),
            run_id: remote_run,
            model_id: model.map(|(_, l)| l.remote_id),
        });
    }
    let Some(path) = crate::store::local_path_of_uri(&v.source) else {
        // Not a local file (s3://..., https://...): the server reaches it as it is.
        return Ok(Where {
            source: v.source.clone(),
            run_id: remote_run,
            model_id: model.map(|(_, l)| l.remote_id),
        });
    };
    let path = if path.is_absolute() {
        path
    } else {
        s.store.root().join(path)
    };
    if let (Some(r), Some(rid)) = (nonempty(&v.run_id), &remote_run)
        && let Ok(h) = s.store.find_run(r)
        && let Some(rel) = rel_inside(&path, &s.store.artifact_dir(&h)?)
    {
        let base = locs.run(s, rid)?;
        return Ok(Where {
            source: join_uri(&base, &rel),
            run_id: Some(rid.clone()),
            model_id: None,
        });
    }
    if let Some((id, l)) = &model
        && let Some(rel) = rel_inside(&path, &s.store.logged_model_files_dir(id)?)
    {
        return Ok(by_model(&rel, l));
    }
    Err(invalid(format!(
        "{what}: its files ({}) are in no run or logged model of this store, so they cannot \
         be sent",
        path.display()
    )))
}

fn pb_tags(tags: &BTreeMap<String, String>) -> Vec<pb::Tag> {
    tags.iter()
        .map(|(k, v)| pb::Tag {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

/// Pushes the scope's registered models, versions, tags, stages and aliases. Run last.
pub(super) fn push_registry(s: &Session, scope: &Scope) -> crate::app::Result<()> {
    let models = local_models(s, scope)?;
    s.stage(Stage::Models, models.len() as u64);
    let mut locs = Locations::default();
    for m in models {
        push_model(s, &m, &mut locs)?;
        s.step(0);
    }
    Ok(())
}

fn push_model(s: &Session, m: &RegisteredModel, locs: &mut Locations) -> Result<()> {
    let name = m.name.as_str();
    let dry = s.options.dry_run;
    let stored: Option<ModelLink> = s.link(Kind::Model, name);
    let mut link = stored.clone().unwrap_or_default();
    let want = model_digest(m.description.as_deref(), &m.tags);
    // The model.
    if stored.is_none() || link.digest != want {
        let (new, changed) = if dry {
            (stored.is_none(), true)
        } else {
            sync_model_there(s, m, stored.is_none())?
        };
        link.digest = want;
        s.save_link(Kind::Model, name, &link)?;
        s.count(|t| bump(&mut t.models, new, changed));
    } else {
        s.count(|t| t.models.unchanged += 1);
    }
    // Its versions, oldest first.
    let mut there: Option<Vec<pb::ModelVersion>> = None;
    for v in versions_oldest_first(s, name)? {
        let want = version_digest(&v);
        if let Some(vl) = link.versions.get(&v.version)
            && vl.digest == want
        {
            s.count(|t| t.model_versions.unchanged += 1);
            continue;
        }
        if dry {
            let new = !link.versions.contains_key(&v.version);
            s.count(|t| bump(&mut t.model_versions, new, true));
            continue;
        }
        let (remote_version, new) = match link.versions.get(&v.version) {
            Some(vl) => (vl.remote_version, false),
            None => {
                if there.is_none() {
                    there = Some(s.remote.model_versions_of(name)?);
                }
                let found = find_pushed(s, there.as_deref().unwrap_or(&[]), &v);
                match found {
                    Some(n) => (n, false),
                    None => (create_version(s, &v, locs)?, true),
                }
            }
        };
        // Linked before the stage and tags are set: a push cut short here finds it again.
        link.versions.insert(
            v.version,
            VersionLink {
                remote_version,
                digest: String::new(),
            },
        );
        s.save_link(Kind::Model, name, &link)?;
        let changed = sync_version_there(s, &v, remote_version, new)?;
        link.versions.insert(
            v.version,
            VersionLink {
                remote_version,
                digest: want,
            },
        );
        s.save_link(Kind::Model, name, &link)?;
        s.count(|t| bump(&mut t.model_versions, new, changed));
    }
    // Aliases: each to the server's number of its version.
    for (alias, local) in &m.aliases {
        if link.aliases.get(alias) == Some(local) {
            s.count(|t| t.aliases.unchanged += 1);
            continue;
        }
        let new = !link.aliases.contains_key(alias);
        let Some(vl) = link.versions.get(local) else {
            if dry {
                s.count(|t| bump(&mut t.aliases, new, true));
                continue;
            }
            return Err(invalid(format!(
                "alias '{alias}' of model '{name}' points at version {local}, which is not \
                 on the server"
            )));
        };
        if !dry {
            s.remote
                .set_registered_model_alias(name, alias, vl.remote_version)?;
        }
        link.aliases.insert(alias.clone(), *local);
        s.save_link(Kind::Model, name, &link)?;
        s.count(|t| bump(&mut t.aliases, new, true));
    }
    // Aliases removed here since they were set there.
    let gone: Vec<String> = link
        .aliases
        .keys()
        .filter(|a| !m.aliases.contains_key(*a))
        .cloned()
        .collect();
    for alias in gone {
        if !dry {
            s.remote.delete_registered_model_alias(name, &alias)?;
        }
        link.aliases.remove(&alias);
        s.save_link(Kind::Model, name, &link)?;
        s.count(|t| t.aliases.updated += 1);
    }
    Ok(())
}

/// Makes the model there (or brings its description and tags up to date). Returns (made,
/// changed).
fn sync_model_there(s: &Session, m: &RegisteredModel, unlinked: bool) -> Result<(bool, bool)> {
    let name = m.name.as_str();
    if unlinked
        && s.remote
            .create_registered_model(name, m.description.as_deref(), pb_tags(&m.tags))?
            .is_some()
    {
        s.count(|t| t.tags += m.tags.len() as u64);
        return Ok((true, true));
    }
    let Some(there) = s.remote.registered_model(name)? else {
        return Err(invalid(format!(
            "registered model '{name}' could not be made on the server"
        )));
    };
    let mut changed = false;
    if there.description.as_deref().unwrap_or("") != m.description.as_deref().unwrap_or("") {
        s.remote
            .update_registered_model(name, m.description.as_deref())?;
        changed = true;
    }
    let tags_there: BTreeMap<&str, &str> = there
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    for (k, v) in &m.tags {
        if tags_there.get(k.as_str()) != Some(&v.as_str()) {
            s.remote.set_registered_model_tag(name, k, v)?;
            s.count(|t| t.tags += 1);
            changed = true;
        }
    }
    Ok((false, changed))
}

/// The server's version that a push of this one made before (its `mlt.source.version` tag,
/// and the same run), when the map does not know it.
fn find_pushed(s: &Session, there: &[pb::ModelVersion], v: &ModelVersion) -> Option<i64> {
    let local = v.version.to_string();
    let remote_run = nonempty(&v.run_id)
        .and_then(|r| s.link::<RunLink>(Kind::Run, r))
        .map(|l| l.remote_id);
    there
        .iter()
        .find(|x| {
            x.tags
                .iter()
                .any(|t| t.key == tags::SOURCE_VERSION && t.value == local)
                && x.run_id.as_deref().filter(|r| !r.is_empty()) == remote_run.as_deref()
        })
        .and_then(|x| x.version.parse().ok())
}

fn create_version(s: &Session, v: &ModelVersion, locs: &mut Locations) -> Result<i64> {
    let w = remote_source(s, locs, v)?;
    let mut tags_there = v.tags.clone();
    tags_there.insert(tags::SOURCE_VERSION.into(), v.version.to_string());
    let req = pb::CreateModelVersion {
        name: Some(v.name.clone()),
        source: Some(w.source),
        run_id: w.run_id,
        tags: pb_tags(&tags_there),
        run_link: nonempty(&v.run_link).map(str::to_string),
        description: v.description.clone().filter(|d| !d.is_empty()),
        model_id: w.model_id,
    };
    let made = match s.remote.create_model_version(&req) {
        Ok(x) => x,
        Err(e) if e.is_ambiguous() => {
            let there = s.remote.model_versions_of(&v.name)?;
            match find_pushed(s, &there, v) {
                Some(n) => return Ok(n),
                None => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    s.count(|t| t.tags += v.tags.len() as u64);
    made.version.parse().map_err(|_| {
        invalid(format!(
            "the server gave version '{}' for model '{}', not a number",
            made.version, v.name
        ))
    })
}

/// Brings a version there up to date: description, stage, tags. Returns whether anything
/// changed.
fn sync_version_there(s: &Session, v: &ModelVersion, remote: i64, new: bool) -> Result<bool> {
    let name = v.name.as_str();
    let there = match s.remote.model_version(name, remote)? {
        Some(x) => x,
        None => {
            return Err(invalid(format!(
                "version {remote} of model '{name}' is gone from the server"
            )));
        }
    };
    let mut changed = false;
    if there.description.as_deref().unwrap_or("") != v.description.as_deref().unwrap_or("") {
        s.remote
            .update_model_version(name, remote, v.description.as_deref())?;
        changed = true;
    }
    let stage = v.current_stage.as_str();
    if !there.current_stage.eq_ignore_ascii_case(stage) {
        s.remote
            .transition_model_version_stage(name, remote, stage)?;
        changed = true;
    }
    let tags_there: BTreeMap<&str, &str> = there
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    for (k, val) in &v.tags {
        if k != tags::SOURCE_VERSION && tags_there.get(k.as_str()) != Some(&val.as_str()) {
            s.remote.set_model_version_tag(name, remote, k, val)?;
            s.count(|t| t.tags += 1);
            changed = true;
        }
    }
    Ok(changed || new)
}

// ---- pulls ----

/// The local ids of the server's runs and logged models (pulled ones keep the server's id;
/// pushed ones are in the map), made once per pull.
#[derive(Default)]
struct Reverse {
    runs: Option<HashMap<String, String>>,
    /// Logged models pulled in this pull: the server's id → the local one.
    models: HashMap<String, String>,
    run_uris: HashMap<String, Option<String>>,
}

impl Reverse {
    fn run(&mut self, s: &Session, remote_id: &str) -> Option<String> {
        let map = self.runs.get_or_insert_with(|| {
            s.map
                .ids(Kind::Run)
                .into_iter()
                .filter_map(|id| s.link::<RunLink>(Kind::Run, &id).map(|l| (l.remote_id, id)))
                .collect()
        });
        if let Some(l) = map.get(remote_id) {
            return Some(l.clone());
        }
        s.store.find_run(remote_id).ok().map(|h| h.info.run_id)
    }

    fn model(&mut self, s: &Session, remote_id: &str) -> Option<String> {
        if let Some(l) = self.models.get(remote_id) {
            return Some(l.clone());
        }
        s.linked_model(remote_id)
            .or_else(|| s.store.logged_model(remote_id).ok().map(|m| m.model_id))
    }

    fn remember_model(&mut self, remote_id: &str, local: &str) {
        self.models.insert(remote_id.to_string(), local.to_string());
    }

    /// The artifact location of a run on the server.
    fn remote_run_uri(&mut self, s: &Session, remote_id: &str) -> Result<Option<String>> {
        if let Some(u) = self.run_uris.get(remote_id) {
            return Ok(u.clone());
        }
        let uri = s
            .remote
            .run(remote_id)?
            .map(|r| r.info.artifact_uri.trim_end_matches('/').to_string());
        self.run_uris.insert(remote_id.to_string(), uri.clone());
        Ok(uri)
    }
}

fn strip_uri_prefix<'a>(uri: &'a str, base: &str) -> Option<&'a str> {
    let base = base.trim_end_matches('/');
    if base.is_empty() {
        return None;
    }
    let rest = uri.strip_prefix(base)?;
    if rest.is_empty() || rest.starts_with('/') {
        Some(rest.trim_start_matches('/'))
    } else {
        None
    }
}

/// Pulls the logged models of these experiments (local experiment, its id on the server):
/// all of them when `runs` is `None`, else those whose source run is one of `runs` (the
/// server's ids).
pub(super) fn pull_logged_models(
    s: &Session,
    experiments: &[(Experiment, String)],
    runs: Option<&HashSet<String>>,
) -> crate::app::Result<()> {
    let mut rev = Reverse::default();
    for (exp, remote_exp) in experiments {
        let mut there = Vec::new();
        s.remote
            .logged_models_all(std::slice::from_ref(remote_exp), None, |page| {
                there.extend(page.into_iter().filter(|m| {
                    runs.is_none_or(|r| {
                        m.info
                            .source_run_id
                            .as_deref()
                            .is_some_and(|id| r.contains(id))
                    })
                }));
                Ok(())
            })?;
        s.stage(Stage::ExperimentItems, there.len() as u64);
        for m in there {
            pull_logged_model(s, exp, m, &mut rev)?;
            s.step(0);
        }
    }
    Ok(())
}

fn pull_logged_model(
    s: &Session,
    exp: &Experiment,
    m: pl::LoggedModel,
    rev: &mut Reverse,
) -> Result<()> {
    let remote_id = m.info.model_id.clone();
    let pairs = |v: &[pl::KeyValue]| -> BTreeMap<String, String> {
        v.iter().map(|p| (p.key.clone(), p.value.clone())).collect()
    };
    let params = pairs(&m.data.params);
    // Every tag as there, its source tag too (as a pulled run keeps its `mlt.source.run_id`).
    let tags_there = pairs(&m.info.tags);
    let source_tag = tags_there.get(tags::SOURCE_MODEL_ID).cloned();
    let status = pl::status_from(&serde_json::Value::String(m.info.status.clone())).unwrap_or(0);
    // Which local model it is: linked, came from here, or pulled before with its id.
    let local = rev
        .model(s, &remote_id)
        .or_else(|| source_tag.filter(|id| s.store.logged_model_record(id, false).is_ok()));
    let Some(local) = local else {
        if s.options.dry_run {
            s.count(|t| {
                t.logged_models.new += 1;
                t.params += params.len() as u64;
                t.tags += tags_there.len() as u64;
            });
            return Ok(());
        }
        let source_run = m
            .info
            .source_run_id
            .as_deref()
            .filter(|r| !r.is_empty())
            .map(|r| rev.run(s, r).unwrap_or_else(|| r.to_string()));
        let rec = s.store.add_pulled_logged_model(&PulledLoggedModel {
            model_id: remote_id.clone(),
            experiment_id: exp.experiment_id.clone(),
            name: m.info.name.clone(),
            model_type: m.info.model_type.clone(),
            source_run_id: source_run,
            status,
            status_message: m.info.status_message.clone(),
            creation_timestamp: m.info.creation_timestamp_ms,
            last_updated_timestamp: m.info.last_updated_timestamp_ms,
            params: params.clone().into_iter().collect(),
            tags: tags_there.clone().into_iter().collect(),
        })?;
        s.count(|t| {
            t.params += params.len() as u64;
            t.tags += tags_there.len() as u64;
        });
        rev.remember_model(&remote_id, &rec.model_id);
        let mut link = LoggedModelLink {
            remote_id: remote_id.clone(),
            pulled: true,
            artifact_uri: m.info.artifact_uri.clone(),
            ..LoggedModelLink::default()
        };
        s.save_link(Kind::LoggedModel, &rec.model_id, &link)?;
        pull_files(s, &rec.model_id, &mut link)?;
        pull_model_metrics(s, &rec.model_id, &m.data.metrics, rev)?;
        link.digest = logged_digest(&s.store.logged_model_record(&rec.model_id, false)?);
        s.save_link(Kind::LoggedModel, &rec.model_id, &link)?;
        s.count(|t| t.logged_models.new += 1);
        return Ok(());
    };
    // Known here: bring params, tags and status up to date.
    let mine = s.store.logged_model_record(&local, false)?;
    let new_params: Vec<(String, String)> = params
        .iter()
        .filter(|(k, v)| mine.params.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let new_tags: Vec<(String, String)> = tags_there
        .iter()
        .filter(|(k, v)| mine.tags.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let status_changed = status != 0 && status != mine.status;
    let points = pull_model_metrics(s, &local, &m.data.metrics, rev)?;
    let changed = !new_params.is_empty() || !new_tags.is_empty() || status_changed || points > 0;
    if s.options.dry_run {
        s.count(|t| bump(&mut t.logged_models, false, changed));
        return Ok(());
    }
    if !new_params.is_empty() {
        s.store.log_logged_model_params(&local, &new_params)?;
        s.count(|t| t.params += new_params.len() as u64);
    }
    if !new_tags.is_empty() {
        s.store.set_logged_model_tags(&local, &new_tags)?;
        s.count(|t| t.tags += new_tags.len() as u64);
    }
    if status_changed {
        s.store.finalize_logged_model(&local, status)?;
    }
    let mut link: LoggedModelLink = s
        .link(Kind::LoggedModel, &local)
        .unwrap_or(LoggedModelLink {
            remote_id: remote_id.clone(),
            pulled: local == remote_id,
            ..LoggedModelLink::default()
        });
    link.artifact_uri = m.info.artifact_uri.clone();
    pull_files(s, &local, &mut link)?;
    link.digest = logged_digest(&s.store.logged_model_record(&local, false)?);
    s.save_link(Kind::LoggedModel, &local, &link)?;
    s.count(|t| bump(&mut t.logged_models, false, changed));
    Ok(())
}

/// Writes the points of a logged model's metrics the server reports (all of them from
/// MLflow's SQL store; the latest of each metric and dataset from a file store) that the
/// model here lacks, their runs named by their local ids; returns how many (would be, in a
/// dry run) written. The links of those runs count them as on the server, so that a push
/// does not send them back.
fn pull_model_metrics(
    s: &Session,
    local: &str,
    there: &[pl::Metric],
    rev: &mut Reverse,
) -> Result<u64> {
    if there.is_empty() {
        return Ok(0);
    }
    let points: Vec<ModelMetric> = there
        .iter()
        .map(|p| ModelMetric {
            key: p.key.clone(),
            value: p.value,
            timestamp: p.timestamp,
            step: p.step,
            run_id: rev.run(s, &p.run_id).unwrap_or_else(|| p.run_id.clone()),
            dataset_name: p.dataset_name.clone().filter(|d| !d.is_empty()),
            dataset_digest: p.dataset_digest.clone().filter(|d| !d.is_empty()),
        })
        .collect();
    let (added, mine) = s
        .store
        .add_model_metric_points(local, &points, s.options.dry_run)?;
    s.count(|t| t.metric_points += added);
    if s.options.dry_run {
        return Ok(added);
    }
    // Of each run, per key, how many of the points here, in order, the server has (what
    // `RunLink::model_points` counts).
    let on_server: HashSet<_> = points.iter().map(|p| p.identity()).collect();
    let mut counts: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    let mut ended: HashSet<(&str, &str)> = HashSet::new();
    for p in &mine {
        let at = (p.run_id.as_str(), p.key.as_str());
        if ended.contains(&at) {
            continue;
        }
        if on_server.contains(&p.identity()) {
            *counts.entry(at.0).or_default().entry(at.1).or_default() += 1;
        } else {
            ended.insert(at);
        }
    }
    for (run, keys) in counts {
        let Some(mut link) = s.link::<RunLink>(Kind::Run, run) else {
            continue;
        };
        let had = link.model_points.entry(local.to_string()).or_default();
        let mut more = false;
        for (k, n) in keys {
            let c = had.entry(k.to_string()).or_default();
            if n > *c {
                *c = n;
                more = true;
            }
        }
        if more {
            s.save_link(Kind::Run, run, &link)?;
        }
    }
    Ok(added)
}

fn pull_files(s: &Session, local_id: &str, link: &mut LoggedModelLink) -> Result<()> {
    if link.artifact_uri.is_empty() {
        return Ok(());
    }
    let dir = s.store.logged_model_files_dir(local_id)?;
    let uri = link.artifact_uri.clone();
    super::artifacts::pull_dir(s, &uri, &dir, &mut link.artifacts)
}

/// The registered models a pull names (`-m`) as the server has them, with their versions,
/// asked once: to find the runs behind them first, then to pull them.
#[derive(Default)]
pub(super) struct NamedThere {
    models: Vec<(pb::RegisteredModel, Vec<pb::ModelVersion>)>,
}

impl NamedThere {
    /// Asks the server for the models named; one it does not have is an error.
    pub(super) fn fetch(s: &Session, scope: &Scope) -> crate::app::Result<NamedThere> {
        let mut models = Vec::new();
        for name in &scope.models {
            let m = s
                .remote
                .registered_model(name)?
                .ok_or_else(|| invalid(format!("the server has no registered model '{name}'")))?;
            models.push((m, s.remote.model_versions_of(name)?));
        }
        Ok(NamedThere { models })
    }

    /// The server's ids of the runs behind the versions: each version's run, and the run its
    /// source names (`runs:/<id>/...`), once each, oldest version first.
    pub(super) fn runs(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (_, versions) in &self.models {
            let mut versions: Vec<&pb::ModelVersion> = versions.iter().collect();
            versions.sort_by_key(|v| v.version.parse::<i64>().unwrap_or(i64::MAX));
            for v in versions {
                let from_source = RunRef::parse(&v.source).ok().map(|r| r.run_id);
                for id in v.run_id.iter().cloned().chain(from_source) {
                    if !id.is_empty() && seen.insert(id.clone()) {
                        out.push(id);
                    }
                }
            }
        }
        out
    }
}

/// Pulls the scope's registered models, versions, tags, stages and aliases. Run last.
/// `named`: the models of `-m` as [`NamedThere::fetch`] found them (all of them are pulled
/// when the scope names none).
pub(super) fn pull_registry(
    s: &Session,
    scope: &Scope,
    named: NamedThere,
) -> crate::app::Result<()> {
    if !scope.includes_models() {
        return Ok(());
    }
    let mut models: Vec<(pb::RegisteredModel, Option<Vec<pb::ModelVersion>>)> = Vec::new();
    if scope.models.is_empty() {
        s.remote.registered_models_all(None, |page| {
            models.extend(page.into_iter().map(|m| (m, None)));
            Ok(())
        })?;
    } else {
        models.extend(named.models.into_iter().map(|(m, v)| (m, Some(v))));
    }
    s.stage(Stage::Models, models.len() as u64);
    let mut rev = Reverse::default();
    for (m, versions) in models {
        pull_model(s, &m, versions, &mut rev)?;
        s.step(0);
    }
    Ok(())
}

/// Pulls a registered model with its versions (`versions`: as asked already, else asked now).
fn pull_model(
    s: &Session,
    m: &pb::RegisteredModel,
    versions: Option<Vec<pb::ModelVersion>>,
    rev: &mut Reverse,
) -> Result<()> {
    let name = m.name.as_str();
    let dry = s.options.dry_run;
    let mut link: ModelLink = s.link(Kind::Model, name).unwrap_or_default();
    let tags_there: BTreeMap<String, String> = m
        .tags
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect();
    // The model.
    let local = match s.store.registered_model(name) {
        Ok(x) => Some(x),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e.into()),
    };
    match local {
        None => {
            if !dry {
                s.store.add_pulled_model(&PulledModel {
                    name: name.to_string(),
                    description: m.description.clone().filter(|d| !d.is_empty()),
                    tags: tags_there.clone().into_iter().collect(),
                    creation_timestamp: m.creation_timestamp,
                    last_updated_timestamp: m.last_updated_timestamp,
                })?;
            }
            s.count(|t| {
                t.models.new += 1;
                t.tags += tags_there.len() as u64;
            });
        }
        Some(mine) => {
            let desc = m.description.as_deref().unwrap_or("");
            let desc_changed = mine.description.as_deref().unwrap_or("") != desc;
            let new_tags: Vec<(&String, &String)> = tags_there
                .iter()
                .filter(|(k, v)| mine.tags.get(*k) != Some(*v))
                .collect();
            if !dry {
                if desc_changed {
                    s.store
                        .set_model_description(name, Some(desc).filter(|d| !d.is_empty()))?;
                }
                for (k, v) in &new_tags {
                    s.store.set_model_tag(name, k, v)?;
                }
            }
            let changed = desc_changed || !new_tags.is_empty();
            s.count(|t| {
                bump(&mut t.models, false, changed);
                t.tags += new_tags.len() as u64;
            });
        }
    }
    if !dry && let Ok(mine) = s.store.registered_model(name) {
        link.digest = model_digest(mine.description.as_deref(), &mine.tags);
        s.save_link(Kind::Model, name, &link)?;
    }
    // Its versions, by number.
    let there = match versions {
        Some(v) => v,
        None => s.remote.model_versions_of(name)?,
    };
    let mut by_remote: HashMap<i64, i64> = link
        .versions
        .iter()
        .map(|(l, v)| (v.remote_version, *l))
        .collect();
    for rv in &there {
        let Ok(n) = rv.version.parse::<i64>() else {
            return Err(invalid(format!(
                "the server gave version '{}' for model '{name}', not a number",
                rv.version
            )));
        };
        let local = by_remote
            .get(&n)
            .copied()
            .or_else(|| from_here(s, &link, name, rv));
        let (local, new, changed) = match local {
            Some(l) => {
                let changed = update_version_here(s, name, l, rv, dry)?;
                (l, false, changed)
            }
            None if dry => {
                s.count(|t| t.model_versions.new += 1);
                continue;
            }
            None => (create_version_here(s, name, n, rv, rev)?, true, true),
        };
        if !dry {
            let digest = match s.store.model_version(name, local) {
                Ok(v) => version_digest(&v),
                Err(_) => String::new(),
            };
            link.versions.insert(
                local,
                VersionLink {
                    remote_version: n,
                    digest,
                },
            );
            by_remote.insert(n, local);
            s.save_link(Kind::Model, name, &link)?;
        }
        s.count(|t| bump(&mut t.model_versions, new, changed));
    }
    // Aliases, to the local number of the server's version.
    let mine = if dry {
        s.store.registered_model(name).ok()
    } else {
        Some(s.store.registered_model(name)?)
    };
    let local_aliases = mine.map(|x| x.aliases).unwrap_or_default();
    for a in &m.aliases {
        let Ok(n) = a.version.parse::<i64>() else {
            continue;
        };
        let Some(local) = by_remote.get(&n).copied() else {
            if dry {
                s.count(|t| t.aliases.new += 1);
            }
            continue;
        };
        if local_aliases.get(&a.alias) == Some(&local) {
            if !dry && link.aliases.get(&a.alias) != Some(&local) {
                link.aliases.insert(a.alias.clone(), local);
                s.save_link(Kind::Model, name, &link)?;
            }
            s.count(|t| t.aliases.unchanged += 1);
            continue;
        }
        let new = !local_aliases.contains_key(&a.alias);
        if !dry {
            s.store.set_alias(name, &a.alias, local)?;
            link.aliases.insert(a.alias.clone(), local);
            s.save_link(Kind::Model, name, &link)?;
        }
        s.count(|t| bump(&mut t.aliases, new, true));
    }
    // Aliases removed there since they were last in step (and unmoved here).
    let gone: Vec<(String, i64)> = link
        .aliases
        .iter()
        .filter(|(a, _)| !m.aliases.iter().any(|x| &x.alias == *a))
        .map(|(a, v)| (a.clone(), *v))
        .collect();
    for (alias, v) in gone {
        if !dry {
            if local_aliases.get(&alias) == Some(&v) {
                s.store.delete_alias(name, &alias)?;
            }
            link.aliases.remove(&alias);
            s.save_link(Kind::Model, name, &link)?;
        }
        s.count(|t| t.aliases.updated += 1);
    }
    Ok(())
}

/// The local version a server's version came from, by its `mlt.source.version` tag: the
/// local version exists, is not linked to another version there, and has the same run.
fn from_here(s: &Session, link: &ModelLink, name: &str, rv: &pb::ModelVersion) -> Option<i64> {
    let n: i64 = rv
        .tags
        .iter()
        .find(|t| t.key == tags::SOURCE_VERSION)?
        .value
        .parse()
        .ok()?;
    if link.versions.contains_key(&n) {
        return None;
    }
    let v = s.store.model_version(name, n).ok()?;
    let remote_run = nonempty(&v.run_id)
        .and_then(|r| s.link::<RunLink>(Kind::Run, r))
        .map(|l| l.remote_id);
    (remote_run.as_deref() == rv.run_id.as_deref().filter(|r| !r.is_empty())).then_some(n)
}

/// Brings a local version up to date with the server's. Returns whether anything changed.
fn update_version_here(
    s: &Session,
    name: &str,
    local: i64,
    rv: &pb::ModelVersion,
    dry: bool,
) -> Result<bool> {
    let mine = match s.store.model_version(name, local) {
        Ok(v) => v,
        // Deleted here since: left so.
        Err(e) if e.is_not_found() => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    let mut changed = false;
    let desc = rv.description.as_deref().unwrap_or("");
    if mine.description.as_deref().unwrap_or("") != desc {
        if !dry {
            s.store
                .set_version_description(name, local, Some(desc).filter(|d| !d.is_empty()))?;
        }
        changed = true;
    }
    if let Some(stage) = ModelStage::parse_user(&rv.current_stage)
        && stage != mine.current_stage
    {
        if !dry {
            s.store.transition_stage(name, local, stage, false)?;
        }
        changed = true;
    }
    for t in &rv.tags {
        if t.key != tags::SOURCE_VERSION && mine.tags.get(&t.key) != Some(&t.value) {
            if !dry {
                s.store.set_version_tag(name, local, &t.key, &t.value)?;
            }
            s.count(|x| x.tags += 1);
            changed = true;
        }
    }
    Ok(changed)
}

fn create_version_here(
    s: &Session,
    name: &str,
    n: i64,
    rv: &pb::ModelVersion,
    rev: &mut Reverse,
) -> Result<i64> {
    let run_there = rv.run_id.as_deref().filter(|r| !r.is_empty());
    let local_run = run_there.map(|r| rev.run(s, r).unwrap_or_else(|| r.to_string()));
    let model_there = rv.model_id.as_deref().filter(|m| !m.is_empty());
    let local_model = model_there.map(|m| rev.model(s, m).unwrap_or_else(|| m.to_string()));
    let source = local_source(s, rv, run_there, local_model.as_deref(), rev)?;
    // Every tag as there, its source tag too.
    let tags: Vec<(String, String)> = rv
        .tags
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect();
    let v = s.store.add_pulled_version(
        name,
        &PulledVersion {
            version: n,
            source,
            run_id: local_run,
            model_id: local_model,
            run_link: rv.run_link.clone().filter(|l| !l.is_empty()),
            description: rv.description.clone().filter(|d| !d.is_empty()),
            stage: ModelStage::parse_user(&rv.current_stage).unwrap_or(ModelStage::None),
            creation_timestamp: rv.creation_timestamp,
            last_updated_timestamp: rv.last_updated_timestamp,
            user_id: rv.user_id.clone().filter(|u| !u.is_empty()),
            status: if rv.status.is_empty() {
                "READY".into()
            } else {
                rv.status.clone()
            },
            status_message: rv.status_message.clone().filter(|m| !m.is_empty()),
            tags: tags.clone(),
        },
    )?;
    s.count(|t| t.tags += tags.len() as u64);
    Ok(v.version)
}

/// A server's version source as this store should have it: a `runs:/` or `models:/` URI
/// with the local ids, a location in the run's (or logged model's) files there as the same
/// place in the local run's (or model's) files; anything else as it is.
fn local_source(
    s: &Session,
    rv: &pb::ModelVersion,
    run_there: Option<&str>,
    local_model: Option<&str>,
    rev: &mut Reverse,
) -> Result<String> {
    let src = rv.source.as_str();
    if let Ok(ModelUri::LoggedModel(id)) = ModelUri::parse(src) {
        let local = rev.model(s, &id).unwrap_or(id);
        return Ok(format!("models:/{local}"));
    }
    if src.starts_with("runs:/") {
        let r = RunRef::parse(src)?;
        let local = rev.run(s, &r.run_id).unwrap_or(r.run_id);
        return Ok(match r.path.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => format!("runs:/{local}/{p}"),
            None => format!("runs:/{local}"),
        });
    }
    if let Some(rid) = run_there
        && let Some(local) = rev.run(s, rid)
        && let Some(base) = rev.remote_run_uri(s, rid)?
        && let Some(rel) = strip_uri_prefix(src, &base)
        && let Ok(h) = s.store.find_run(&local)
    {
        return Ok(join_uri(&h.info.artifact_uri, rel));
    }
    if let Some(mid) = local_model
        && let Ok(lm) = s.store.logged_model_record(mid, false)
        && let Some(link) = s.link::<LoggedModelLink>(Kind::LoggedModel, mid)
        && let Some(rel) = strip_uri_prefix(src, &link.artifact_uri)
    {
        if rel.is_empty() {
            return Ok(format!("models:/{mid}"));
        }
        return Ok(join_uri(&lm.artifact_location, rel));
    }
    Ok(src.to_string())
}
