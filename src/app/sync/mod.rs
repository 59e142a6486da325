//! `mlt push` and `mlt pull`: a store's work to and from an MLflow tracking server (MLflow's
//! own, with any backend, or `mlt server`), losing nothing and doubling nothing.
//!
//! # What goes where
//! - **Experiments** are matched by name; one missing there (or here) is created, with its
//!   tags.
//! - **Runs** keep everything: status, start and end time, user, name, every tag (MLflow's
//!   system tags too), params, every metric point in order (NaN and infinities too), datasets
//!   and inputs, artifacts. A nested run's `mlflow.parentRunId` names its parent's id on the
//!   other side. A push lets the server choose the run's id; a pull keeps the server's id.
//! - **MLflow 3 logged models** with their params, tags, artifacts and metrics (each point in
//!   the `log-batch` entry of its run's point, naming the model: see `push.rs`);
//!   **registered models**
//!   with descriptions, tags, versions (their sources pointing at the runs' or logged models'
//!   copies on the other side), stages and aliases.
//!
//! # Nothing twice: the map and the source tags
//! The server assigns ids and version numbers, so each store keeps a map per server
//! ([`crate::store::remotes`], `.mlt/remotes/<server>/`): for each linked thing its id there
//! and what the other side has of it ([`RunLink`] and friends), written after each step.
//! What is pushed also carries its local id on the server, set in the same request that
//! creates it, so it is found again when the map is gone (a fresh clone of the store) or was
//! not written (a push killed between the server's answer and the map's write):
//!
//! | tag on the server      | on                | value                                  |
//! |------------------------|-------------------|----------------------------------------|
//! | `mlt.source.run_id`    | a pushed run      | the run's id in the pushing store      |
//! | `mlt.source.model_id`  | a logged model    | its id in the pushing store            |
//! | `mlt.source.version`   | a model version   | its version number in the pushing store |
//!
//! A run whose map entry says a transfer of it was cut short ([`RunLink::synced`] is `None`)
//! is first compared with the server (its params, tags, and which of its points each metric
//! history there has), so that nothing is sent twice even to a server that, unlike MLflow's
//! SQL store, would keep a repeated metric point twice.
//!
//! A tag deleted here of a run this store pushed is deleted there ([`RunLink::tags_sent`]
//! names the tags it set); a tag set there by someone else, or of a pulled run, stays.
//!
//! A pull recognises a run that came from this store by its `mlt.source.run_id` tag and
//! links it instead of copying it back; a pulled run is linked too, so a later push knows the
//! server has it.
//!
//! # Steps
//! [`push`] and [`pull`] make a [`Session`] and call the steps, each in its own file:
//! `push.rs` and `pull.rs` (experiments and runs), `artifacts.rs` (a run's or logged model's
//! files), `models.rs` (logged models and the registry). Each step adds what it did to the
//! session's [`Tally`], which becomes the [`Report`].

mod artifacts;
mod models;
mod pull;
mod push;
#[cfg(test)]
mod tests_models;
#[cfg(test)]
mod tests_push;

use crate::remote::Remote;
use crate::store::Store;
use crate::store::remotes::{Kind, RemoteMap};
use crate::store::transfer::{Progress, Stage};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// A digest of a run's dataset inputs as MLflow's messages, the same for push and pull: empty
/// when there are none.
fn inputs_digest(inputs: &[crate::proto::tracking::DatasetInput]) -> String {
    if inputs.is_empty() {
        return String::new();
    }
    let texts: Vec<String> = inputs
        .iter()
        .map(|i| serde_json::to_string(i).unwrap_or_default())
        .collect();
    digest(texts.iter().map(|t| (t.as_str(), "")))
}

/// A metric value as every server keeps it, as bits to compare: one NaN, one zero, and an
/// infinity as the largest finite double of its sign (MLflow's SQL store clamps them).
pub(super) fn as_kept(v: f64) -> u64 {
    if v.is_nan() {
        f64::NAN.to_bits()
    } else if v == 0.0 {
        0f64.to_bits()
    } else if v == f64::INFINITY {
        f64::MAX.to_bits()
    } else if v == f64::NEG_INFINITY {
        f64::MIN.to_bits()
    } else {
        v.to_bits()
    }
}

/// The tags that carry local ids on the server (see the module's doc).
pub mod tags {
    pub const SOURCE_RUN_ID: &str = "mlt.source.run_id";
    pub const SOURCE_MODEL_ID: &str = "mlt.source.model_id";
    pub const SOURCE_VERSION: &str = "mlt.source.version";
}

/// What to send or fetch. Empty means everything: every active experiment with its runs and
/// logged models, and every registered model.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Experiments by name or id (`-e`); on a pull, names (or ids) on the server.
    pub experiments: Vec<String>,
    /// mlt's filter language (`--filter`), applied to the runs of those experiments.
    pub filter: Option<String>,
    /// Single runs by id (`-r`); on a pull, the server's ids.
    pub runs: Vec<String>,
    /// Registered models by name (`-m`), with all their versions (and the runs those come
    /// from). When runs are chosen (`-e`, `--filter`, `-r`) and no model is, no registered
    /// model is sent.
    pub models: Vec<String>,
}

impl Scope {
    /// Whether the scope names runs (`-e`, `--filter` or `-r`).
    pub fn names_runs(&self) -> bool {
        !self.experiments.is_empty() || self.filter.is_some() || !self.runs.is_empty()
    }

    /// Whether registered models are in the scope: named ones, or all of them when nothing is
    /// named.
    pub fn includes_models(&self) -> bool {
        !self.models.is_empty() || !self.names_runs()
    }
}

#[derive(Clone, Debug)]
pub struct Options {
    /// Find out and report what would be sent or fetched; change nothing on either side
    /// (reads from the server are fine).
    pub dry_run: bool,
    /// How many runs are transferred at once.
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            dry_run: false,
            threads: 4,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Push,
    Pull,
}

/// New, updated and unchanged things of one kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Count {
    fn add(&mut self, o: Count) {
        self.new += o.new;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
    }
}

/// What a push or pull did (or, dry, would do).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub experiments: Count,
    pub runs: Count,
    pub logged_models: Count,
    pub models: Count,
    pub model_versions: Count,
    /// Aliases set or moved (new, updated) or already right (unchanged).
    pub aliases: Count,
    /// Things sent or fetched, counted one by one.
    pub params: u64,
    pub tags: u64,
    pub metric_points: u64,
    pub artifacts: u64,
    pub artifact_bytes: u64,
}

impl Tally {
    pub fn add(&mut self, o: &Tally) {
        self.experiments.add(o.experiments);
        self.runs.add(o.runs);
        self.logged_models.add(o.logged_models);
        self.models.add(o.models);
        self.model_versions.add(o.model_versions);
        self.aliases.add(o.aliases);
        self.params += o.params;
        self.tags += o.tags;
        self.metric_points += o.metric_points;
        self.artifacts += o.artifacts;
        self.artifact_bytes += o.artifact_bytes;
    }

    /// Whether nothing was (or would be) sent or fetched.
    pub fn is_nothing(&self) -> bool {
        let c = |c: Count| c.new == 0 && c.updated == 0;
        c(self.experiments)
            && c(self.runs)
            && c(self.logged_models)
            && c(self.models)
            && c(self.model_versions)
            && c(self.aliases)
            && self.params == 0
            && self.tags == 0
            && self.metric_points == 0
            && self.artifacts == 0
    }
}

/// The result of a push or pull; its JSON is `mlt push --format json`'s contract.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub direction: Direction,
    /// The server's URL.
    pub url: String,
    pub dry_run: bool,
    #[serde(flatten)]
    pub tally: Tally,
}

/// A file's stamp when it was last sent or fetched: a file whose size and modification time
/// are unchanged is not sent again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i64,
}

/// An experiment here and there (`.mlt/remotes/<server>/experiments/<local id>.json`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExperimentLink {
    pub remote_id: String,
    pub name: String,
}

/// A run here and there (`.mlt/remotes/<server>/runs/<local run id>.json`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunLink {
    /// The run's id on the server (the same as here for a pulled run).
    pub remote_id: String,
    pub remote_experiment_id: String,
    /// Whether the run came from the server (`pull`) rather than from here (`push`).
    #[serde(default)]
    pub pulled: bool,
    /// The local run's fingerprint (`Store::run_fingerprint`) when both sides were last
    /// known to be the same; `None` while a transfer of the run is under way or was cut
    /// short, or when the run was changing at the time (then it is compared in full next
    /// time).
    pub synced: Option<String>,
    /// How many points of each metric's history (in the order of the local file) the server
    /// has.
    #[serde(default)]
    pub metric_points: BTreeMap<String, u64>,
    /// Digests of what was last sent or fetched, to see changes without asking the server.
    #[serde(default)]
    pub params_digest: String,
    #[serde(default)]
    pub tags_digest: String,
    /// The keys of the tags this store has set there (pushed runs), so that a tag deleted here
    /// is deleted there and no other.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub tags_sent: std::collections::BTreeSet<String>,
    /// The keys of the server's tags at the last pull (pulled runs), so that a tag deleted
    /// there is deleted here, and none set here.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub tags_fetched: std::collections::BTreeSet<String>,
    #[serde(default)]
    pub inputs_digest: String,
    /// The model inputs and outputs (MLflow 3) sent, by the models' ids there
    /// (`in <id>`, `out <id> <step>`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub models_sent: std::collections::BTreeSet<String>,
    /// Of each logged model (its local id) that has points of this run: how many of those
    /// points of each metric (in the order of the model's file) the server has. They go with
    /// the run's own points in the same `log-batch` entries (as MLflow's client logged them),
    /// or, for those no unsent point of the run matches, on their own afterwards.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub model_points: BTreeMap<String, BTreeMap<String, u64>>,
    /// Written before a `log-batch` with points of logged models is sent, gone once its answer
    /// is in: what the server has once it took the batch. A push that finds it (the last one
    /// was cut short) counts the run's points there; if the batch's are all there, the model
    /// points went with them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_batch: Option<ModelBatch>,
    /// Status, end time and lifecycle as last sent (`"FINISHED"`, `Some(ms)`, `"active"`).
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub end_time: Option<i64>,
    #[serde(default)]
    pub lifecycle: String,
    /// The run's artifacts (relative path → stamp) the other side has.
    #[serde(default)]
    pub artifacts: BTreeMap<String, FileStamp>,
}

/// See [`RunLink::model_batch`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelBatch {
    /// The run's points of each key there after the batch.
    pub run_points: BTreeMap<String, u64>,
    /// [`RunLink::model_points`] after the batch.
    pub model_points: BTreeMap<String, BTreeMap<String, u64>>,
}

impl RunLink {
    /// After the run's points there were counted anew (`metric_points`): takes the model
    /// points of a batch whose answer never came when the run's points of it are all there.
    pub fn settle_model_batch(&mut self) {
        if let Some(b) = self.model_batch.take()
            && b.run_points
                .iter()
                .all(|(k, n)| self.metric_points.get(k).is_some_and(|have| have >= n))
        {
            self.model_points = b.model_points;
        }
    }
}

/// An MLflow 3 logged model here and there (`logged-models/<local id>.json`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedModelLink {
    pub remote_id: String,
    #[serde(default)]
    pub pulled: bool,
    /// Digest of its params, tags and status as last sent or fetched.
    #[serde(default)]
    pub digest: String,
    #[serde(default)]
    pub artifacts: BTreeMap<String, FileStamp>,
    /// Its artifact location there (as the server gave it), where its files go.
    #[serde(default)]
    pub artifact_uri: String,
}

/// A registered model here and there (`models/<name>.json`; the name is the same on both
/// sides).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelLink {
    /// Digest of its description and tags as last sent or fetched.
    #[serde(default)]
    pub digest: String,
    /// Local version number → its number there, with a digest of what was last sent.
    #[serde(default)]
    pub versions: BTreeMap<i64, VersionLink>,
    /// Alias → local version number, as last set there.
    #[serde(default)]
    pub aliases: BTreeMap<String, i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionLink {
    pub remote_version: i64,
    /// Digest of its description, tags and stage as last sent or fetched.
    #[serde(default)]
    pub digest: String,
}

/// One push or pull under way: the two sides, the map, the settings, the tally.
pub struct Session<'a> {
    pub store: &'a Store,
    pub remote: &'a Remote,
    pub map: RemoteMap,
    pub options: Options,
    tally: Mutex<Tally>,
    progress: Mutex<&'a mut (dyn FnMut(Progress) + Send)>,
    done: Mutex<(Stage, u64, u64, u64)>,
    /// The server's id → the local id of each logged model linked in the map (pushed from
    /// here or pulled), read from the map when first needed.
    linked_models: std::sync::OnceLock<std::collections::HashMap<String, String>>,
}

impl<'a> Session<'a> {
    pub fn new(
        store: &'a Store,
        remote: &'a Remote,
        options: Options,
        progress: &'a mut (dyn FnMut(Progress) + Send),
    ) -> Session<'a> {
        Session {
            store,
            remote,
            map: store.remote_map(&remote.key()),
            options,
            tally: Mutex::new(Tally::default()),
            progress: Mutex::new(progress),
            done: Mutex::new((Stage::Experiments, 0, 0, 0)),
            linked_models: std::sync::OnceLock::new(),
        }
    }

    /// The local id of the logged model the server knows by `remote_id`, when the map links
    /// one to it (as the map was when this session first asked).
    pub fn linked_model(&self, remote_id: &str) -> Option<String> {
        let map = self.linked_models.get_or_init(|| {
            self.map
                .ids(Kind::LoggedModel)
                .into_iter()
                .filter_map(|id| {
                    self.link::<LoggedModelLink>(Kind::LoggedModel, &id)
                        .filter(|l| !l.remote_id.is_empty())
                        .map(|l| (l.remote_id, id))
                })
                .collect()
        });
        map.get(remote_id).cloned()
    }

    /// The local id of a logged model the server knows by `remote_id`: the linked one's,
    /// else the server's (which a pulled model keeps).
    pub fn local_model_id(&self, remote_id: &str) -> String {
        self.linked_model(remote_id)
            .unwrap_or_else(|| remote_id.to_string())
    }

    /// Adds to the tally (from any thread).
    pub fn count(&self, f: impl FnOnce(&mut Tally)) {
        let mut t = self.tally.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut t);
    }

    pub fn tally(&self) -> Tally {
        self.tally.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Starts a stage of `total` things for the progress bar.
    pub fn stage(&self, stage: Stage, total: u64) {
        let mut d = self.done.lock().unwrap_or_else(|e| e.into_inner());
        *d = (stage, 0, total, d.3);
        self.report_progress(&d);
    }

    /// One more thing of the current stage done, and `bytes` more moved.
    pub fn step(&self, bytes: u64) {
        let mut d = self.done.lock().unwrap_or_else(|e| e.into_inner());
        d.1 += 1;
        d.3 += bytes;
        self.report_progress(&d);
    }

    /// `n` more things in the current stage (one whose size is learnt page by page).
    pub fn more(&self, n: u64) {
        let mut d = self.done.lock().unwrap_or_else(|e| e.into_inner());
        d.2 += n;
        self.report_progress(&d);
    }

    /// `bytes` more moved, within the thing under way (an artifact file of a run).
    pub fn add_bytes(&self, bytes: u64) {
        let mut d = self.done.lock().unwrap_or_else(|e| e.into_inner());
        d.3 += bytes;
        self.report_progress(&d);
    }

    fn report_progress(&self, d: &(Stage, u64, u64, u64)) {
        let mut p = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        (**p)(Progress {
            stage: d.0,
            done: d.1,
            total: d.2,
            bytes: d.3,
        });
    }

    pub fn link<T: serde::de::DeserializeOwned>(&self, kind: Kind, id: &str) -> Option<T> {
        self.map.get(kind, id)
    }

    /// Writes a link, unless this is a dry run.
    pub fn save_link<T: Serialize>(&self, kind: Kind, id: &str, link: &T) -> super::Result<()> {
        if self.options.dry_run {
            return Ok(());
        }
        Ok(self.map.put(kind, id, link)?)
    }

    fn report(&self, direction: Direction) -> Report {
        Report {
            direction,
            url: self.remote.url().to_string(),
            dry_run: self.options.dry_run,
            tally: self.tally(),
        }
    }
}

/// A stable digest of some key-value pairs (order does not matter), for the links.
pub fn digest<'k>(pairs: impl IntoIterator<Item = (&'k str, &'k str)>) -> String {
    use sha2::Digest;
    let mut v: Vec<(&str, &str)> = pairs.into_iter().collect();
    v.sort();
    let mut h = sha2::Sha256::new();
    for (k, val) in v {
        h.update((k.len() as u64).to_le_bytes());
        h.update(k.as_bytes());
        h.update((val.len() as u64).to_le_bytes());
        h.update(val.as_bytes());
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Sends the scope's experiments, runs, logged models and registered models to the server.
/// Idempotent: what the server has already is not sent again.
pub fn push(
    store: &Store,
    remote: &Remote,
    scope: &Scope,
    options: Options,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> super::Result<Report> {
    store.require()?;
    let s = Session::new(store, remote, options, progress);
    push::push(&s, scope)?;
    Ok(s.report(Direction::Push))
}

/// Fetches the scope's experiments, runs, logged models and registered models from the server
/// into the store (made when missing), keeping the server's run ids. Idempotent.
pub fn pull(
    store: &Store,
    remote: &Remote,
    scope: &Scope,
    options: Options,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> super::Result<Report> {
    let s = Session::new(store, remote, options, progress);
    pull::pull(&s, scope)?;
    Ok(s.report(Direction::Pull))
}

#[cfg(test)]
mod tests_pull;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_ignore_order_and_see_every_byte() {
        let a = digest([("a", "1"), ("b", "2")]);
        assert_eq!(a, digest([("b", "2"), ("a", "1")]));
        assert_ne!(a, digest([("a", "1"), ("b", "3")]));
        assert_ne!(digest([("ab", "")]), digest([("a", "b")]));
    }

    #[test]
    fn a_scope_of_runs_leaves_models_out_unless_named() {
        assert!(Scope::default().includes_models());
        let runs = Scope {
            runs: vec!["r".into()],
            ..Scope::default()
        };
        assert!(!runs.includes_models());
        let both = Scope {
            models: vec!["m".into()],
            ..runs
        };
        assert!(both.includes_models());
    }
}
