//! `mlt push` against a real `mlt server` (over a second temporary store): every value
//! arrives, nothing twice, cuts completed, dry runs write nothing.

use super::{Options, Report, RunLink, Scope};
use crate::entities::{MetricPoint, RunStatus, View, tags};
use crate::remote::{Remote, Settings};
use crate::store::dataset::{Dataset, DatasetInput};
use crate::store::remotes::Kind;
use crate::store::{Batch, NewRun, Store};

struct Sides {
    _local_dir: tempfile::TempDir,
    local: Store,
    _server_dir: tempfile::TempDir,
    /// The server's store, read directly to see what arrived.
    there: Store,
    server: crate::server::Spawned,
}

fn sides() -> Sides {
    let local_dir = tempfile::tempdir().unwrap();
    let local = Store::new(local_dir.path());
    local.init().unwrap();
    let server_dir = tempfile::tempdir().unwrap();
    let s = Store::new(server_dir.path());
    s.init().unwrap();
    let server = crate::server::Spawned::new(s);
    Sides {
        there: Store::new(server_dir.path()),
        _local_dir: local_dir,
        local,
        _server_dir: server_dir,
        server,
    }
}

impl Sides {
    fn remote(&self) -> Remote {
        Remote::new(&self.server.url, Settings::default()).unwrap()
    }

    fn push_with(&self, scope: &Scope, dry_run: bool) -> crate::app::Result<Report> {
        let remote = self.remote();
        let options = Options {
            dry_run,
            threads: 3,
        };
        super::push(&self.local, &remote, scope, options, &mut |_| {})
    }

    fn push(&self) -> Report {
        self.push_with(&Scope::default(), false).unwrap()
    }

    /// Makes every local file old enough to be fingerprinted.
    fn age(&self) {
        crate::store::age_for_tests(self.local.root(), 10);
    }

    fn link(&self, run: &str) -> RunLink {
        let key = self.remote().key();
        self.local.remote_map(&key).get(Kind::Run, run).unwrap()
    }

    fn put_link(&self, run: &str, link: &RunLink) {
        let key = self.remote().key();
        self.local
            .remote_map(&key)
            .put(Kind::Run, run, link)
            .unwrap();
    }

    /// The runs there, by their `mlt.source.run_id` (each exactly once).
    fn runs_there(&self) -> std::collections::BTreeMap<String, crate::entities::Run> {
        let mut out = std::collections::BTreeMap::new();
        for e in self.there.list_experiments(View::All).unwrap() {
            for h in self.there.list_runs(&e, View::All).unwrap() {
                let run = self.there.read_run(&h).unwrap();
                let src = run.tags[super::tags::SOURCE_RUN_ID].clone();
                assert!(out.insert(src, run).is_none(), "a run there twice");
            }
        }
        out
    }

    fn history_there(&self, remote_id: &str, key: &str) -> Vec<MetricPoint> {
        self.there.metric_history(remote_id, key).unwrap()
    }
}

fn p(step: i64, value: f64) -> MetricPoint {
    MetricPoint {
        timestamp: 1_700_000_000_000 + step,
        value,
        step,
    }
}

fn log(store: &Store, run: &str, batch: Batch) {
    store
        .log_batch(&store.find_run(run).unwrap(), &batch)
        .unwrap();
}

/// A parent run with everything and a nested child, in experiment "exp".
fn seed(local: &Store) -> (String, String) {
    let e = local
        .create_experiment("exp", None, &[("team".into(), "vision".into())])
        .unwrap();
    let parent = local
        .create_run(
            &e,
            NewRun {
                run_name: Some("parent".into()),
                tags: vec![
                    (tags::SOURCE_NAME.into(), "train.py".into()),
                    (tags::USER.into(), "ada".into()),
                    ("note".into(), "multi\nline \"quoted\"".into()),
                ],
                start_time: Some(1_600_000_000_123),
                user: Some("ada".into()),
            },
        )
        .unwrap()
        .run_id;
    let values = [
        0.5,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -0.0,
        1e-300,
    ];
    log(
        local,
        &parent,
        Batch {
            metrics: values
                .iter()
                .enumerate()
                .map(|(i, v)| ("loss".to_string(), p(i as i64, *v)))
                .chain([("train/acc".to_string(), p(3, 0.9))])
                .collect(),
            params: vec![("lr".into(), "0.01".into()), ("opt".into(), "adam".into())],
            tags: vec![("stage".into(), "dev".into())],
        },
    );
    local
        .log_inputs(
            &parent,
            &[DatasetInput {
                dataset: Dataset {
                    name: "mnist".into(),
                    digest: "abc123".into(),
                    source_type: "local".into(),
                    source: "{\"uri\": \"data/\"}".into(),
                    schema: None,
                    profile: Some("{\"rows\": 60000}".into()),
                },
                tags: vec![("mlflow.data.context".into(), "train".into())],
            }],
            &[],
        )
        .unwrap();
    local
        .set_run_status(&parent, RunStatus::Finished, Some(1_600_000_999_000))
        .unwrap();
    let child = local
        .create_run(
            &e,
            NewRun {
                run_name: Some("child".into()),
                tags: vec![(tags::PARENT_RUN_ID.into(), parent.clone())],
                start_time: Some(1_600_000_000_500),
                user: Some("ada".into()),
            },
        )
        .unwrap()
        .run_id;
    log(
        local,
        &child,
        Batch {
            metrics: vec![("loss".into(), p(0, 0.25))],
            ..Batch::default()
        },
    );
    (parent, child)
}

fn same_points(a: &[MetricPoint], b: &[MetricPoint]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.timestamp == y.timestamp
                && x.step == y.step
                && (x.value.to_bits() == y.value.to_bits()
                    || (x.value.is_nan() && y.value.is_nan()))
        })
}

#[test]
fn every_value_arrives_and_a_second_push_sends_nothing() {
    let t = sides();
    let (parent, child) = seed(&t.local);
    t.age();
    let r = t.push();
    assert_eq!(r.tally.experiments.new, 1, "{r:?}");
    assert_eq!(r.tally.runs.new, 2, "{r:?}");
    assert_eq!(r.tally.params, 2);
    assert_eq!(r.tally.metric_points, 8);
    // Every tag, those sent with the run's creation too (the source tags not counted), and
    // the experiment's one.
    let own = |id: &str| t.local.get_run(id).unwrap().tags.len() as u64;
    assert!(own(&parent) >= 4);
    assert_eq!(r.tally.tags, 1 + own(&parent) + own(&child), "{r:?}");

    let there = t.runs_there();
    assert_eq!(there.len(), 2);
    let (rp, rc) = (&there[&parent], &there[&child]);
    let lp = t.local.get_run(&parent).unwrap();
    // Attributes.
    assert_eq!(rp.info.start_time, 1_600_000_000_123);
    assert_eq!(rp.info.end_time, Some(1_600_000_999_000));
    assert_eq!(rp.info.status, RunStatus::Finished);
    assert_eq!(rp.info.user_id, "ada");
    assert_eq!(rp.info.run_name, "parent");
    assert_ne!(rp.info.run_id, parent, "the server chose the id");
    // Params and every tag, system tags too, plus the source tag.
    assert_eq!(rp.params, lp.params);
    for (k, v) in &lp.tags {
        assert_eq!(rp.tags.get(k), Some(v), "tag {k}");
    }
    assert_eq!(rp.tags[super::tags::SOURCE_RUN_ID], parent);
    // Every point, NaN and infinities included, with steps and timestamps.
    for key in ["loss", "train/acc"] {
        let here = t.local.metric_history(&parent, key).unwrap();
        let got = t.history_there(&rp.info.run_id, key);
        assert!(same_points(&here, &got), "{key}: {here:?} vs {got:?}");
    }
    // The child points at its parent's id there.
    assert_eq!(rc.tags[tags::PARENT_RUN_ID], rp.info.run_id);
    assert_eq!(rc.info.status, RunStatus::Running);
    // The experiment, with its tag, and the dataset.
    let e = t.there.experiment("exp").unwrap();
    assert_eq!(e.tags["team"], "vision");
    assert_eq!(rp.info.experiment_id, e.experiment_id);
    let io = t
        .there
        .run_io(&t.there.find_run(&rp.info.run_id).unwrap())
        .unwrap();
    assert_eq!(
        io.datasets,
        t.local
            .run_io(&t.local.find_run(&parent).unwrap())
            .unwrap()
            .datasets
    );

    // Again: nothing sent, and no request about the runs at all (a run removed there behind
    // the push's back is not noticed).
    let rid = rp.info.run_id.clone();
    std::fs::remove_dir_all(t.there.find_run(&rc.info.run_id).unwrap().dir).unwrap();
    let again = t.push();
    assert!(again.tally.is_nothing(), "{again:?}");
    assert_eq!(again.tally.runs.unchanged, 2);
    assert_eq!(again.tally.experiments.unchanged, 2, "exp and Default");
    assert_eq!(t.history_there(&rid, "loss").len(), 6);
}

#[test]
fn a_point_logged_later_arrives_alone_and_a_status_change_follows() {
    let t = sides();
    let (parent, child) = seed(&t.local);
    t.push();
    log(
        &t.local,
        &child,
        Batch {
            metrics: vec![("loss".into(), p(1, 0.125))],
            ..Batch::default()
        },
    );
    t.local
        .set_run_status(&child, RunStatus::Failed, Some(1_600_000_001_000))
        .unwrap();
    let r = t.push();
    assert_eq!(r.tally.metric_points, 1, "{r:?}");
    assert_eq!(r.tally.runs.new, 0);
    assert_eq!(r.tally.params, 0);
    assert_eq!(r.tally.tags, 0, "{r:?}");
    let there = t.runs_there();
    let rc = &there[&child];
    assert_eq!(rc.info.status, RunStatus::Failed);
    assert_eq!(rc.info.end_time, Some(1_600_000_001_000));
    let got = t.history_there(&rc.info.run_id, "loss");
    assert!(same_points(
        &got,
        &t.local.metric_history(&child, "loss").unwrap()
    ));
    // The files were fresh: not fingerprinted, so compared again, and still nothing twice.
    assert_eq!(t.link(&parent).synced, None);
    let r = t.push();
    assert!(r.tally.is_nothing(), "{r:?}");
    assert_eq!(t.history_there(&rc.info.run_id, "loss").len(), 2);
}

#[test]
fn a_tag_deleted_here_is_deleted_there_and_no_other() {
    let t = sides();
    let (parent, _child) = seed(&t.local);
    t.age();
    t.push();
    let remote_id = t.link(&parent).remote_id;
    // Someone sets a tag there; this store deletes one of its own.
    let there = t.there.find_run(&remote_id).unwrap();
    log(
        &t.there,
        &remote_id,
        Batch {
            tags: vec![("reviewed".into(), "yes".into())],
            ..Batch::default()
        },
    );
    assert!(t.there.read_run(&there).unwrap().tags.contains_key("stage"));
    t.local.delete_run_tag(&parent, "stage").unwrap();
    t.age();
    // A dry run says so and changes nothing.
    let r = t.push_with(&Scope::default(), true).unwrap();
    assert_eq!((r.tally.tags, r.tally.runs.updated), (1, 1), "{r:?}");
    assert!(t.there.read_run(&there).unwrap().tags.contains_key("stage"));
    let r = t.push();
    assert_eq!((r.tally.tags, r.tally.runs.updated), (1, 1), "{r:?}");
    let tags = t.there.read_run(&there).unwrap().tags;
    assert!(!tags.contains_key("stage"), "{tags:?}");
    assert_eq!(tags["reviewed"], "yes");
    assert_eq!(tags["note"], "multi\nline \"quoted\"");
    // Again: nothing.
    let r = t.push();
    assert_eq!((r.tally.tags, r.tally.runs.unchanged), (0, 2), "{r:?}");
}

#[test]
fn a_run_the_server_makes_after_its_pusher_was_killed_is_found_not_made_twice() {
    let t = sides();
    let e = t.local.create_experiment("late", None, &[]).unwrap();
    let id = t.local.create_run(&e, NewRun::default()).unwrap().run_id;
    t.age();
    // A push was killed after asking for the run: the server makes it only 0.7 s after the
    // next push starts.
    let remote = t.remote();
    let rexp = remote.create_experiment("late", Vec::new()).unwrap();
    let key = remote.key();
    t.local
        .remote_map(&key)
        .put(Kind::Creating, &id, &rexp)
        .unwrap();
    let late = {
        let (rexp, id) = (rexp.clone(), id.clone());
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(700));
            remote
                .create_run(&crate::proto::tracking::CreateRun {
                    experiment_id: Some(rexp),
                    tags: vec![crate::proto::tracking::KeyValue {
                        key: super::tags::SOURCE_RUN_ID.into(),
                        value: id,
                    }],
                    ..Default::default()
                })
                .unwrap()
                .info
                .run_id
        })
    };
    let r = t.push();
    let made_late = late.join().unwrap();
    assert_eq!(r.tally.runs.new, 0, "{r:?}");
    assert_eq!(t.runs_there().len(), 1);
    assert_eq!(t.link(&id).remote_id, made_late);
    assert!(
        t.local
            .remote_map(&key)
            .get::<String>(Kind::Creating, &id)
            .is_none()
    );
    // Without the mark, a new run's push does not wait or search.
    let id2 = t.local.create_run(&e, NewRun::default()).unwrap().run_id;
    t.age();
    let r = t.push();
    assert_eq!(r.tally.runs.new, 1, "{r:?}");
    assert!(
        t.local
            .remote_map(&key)
            .get::<String>(Kind::Creating, &id2)
            .is_none()
    );
}

#[test]
fn a_cut_push_completes_without_sending_anything_twice() {
    let t = sides();
    let e = t.local.create_experiment("big", None, &[]).unwrap();
    let id = t.local.create_run(&e, NewRun::default()).unwrap().run_id;
    let points = |from: i64, n: i64| Batch {
        metrics: (from..from + n)
            .map(|i| ("m".to_string(), p(i, i as f64)))
            .collect(),
        ..Batch::default()
    };
    for chunk in 0..3 {
        log(&t.local, &id, points(chunk * 500, 500));
    }
    let files = t
        .local
        .artifact_dir(&t.local.find_run(&id).unwrap())
        .unwrap();
    std::fs::create_dir_all(files.join("d")).unwrap();
    std::fs::write(files.join("a.txt"), "abc").unwrap();
    std::fs::write(files.join("d/b.bin"), [7u8; 100]).unwrap();
    t.age();
    let r = t.push();
    assert_eq!(r.tally.metric_points, 1500);
    assert_eq!(r.tally.artifacts, 2);
    let remote_id = t.link(&id).remote_id;
    assert!(t.link(&id).synced.is_some());

    // Killed after a batch reached the server, before the map said so: the link still counts
    // what the batch before left, and says the transfer is under way.
    let mut link = t.link(&id);
    link.synced = None;
    link.metric_points.insert("m".into(), 1000);
    t.put_link(&id, &link);
    let r = t.push();
    assert_eq!(r.tally.metric_points, 0, "{r:?}");
    assert_eq!(t.history_there(&remote_id, "m").len(), 1500);

    // Points logged since, and a link that says the server has none of them.
    log(&t.local, &id, points(1500, 1100));
    let mut link = t.link(&id);
    link.synced = None;
    link.metric_points.clear();
    t.put_link(&id, &link);
    let r = t.push();
    assert_eq!(r.tally.metric_points, 1100, "{r:?}");
    let got = t.history_there(&remote_id, "m");
    assert!(same_points(
        &got,
        &t.local.metric_history(&id, "m").unwrap()
    ));

    // Killed between the server's answer to the run's creation and the map's write: the run
    // there is found by its source tag, not made twice.
    let key = t.remote().key();
    t.local.remote_map(&key).remove(Kind::Run, &id).unwrap();
    let r = t.push();
    assert_eq!(r.tally.runs.new, 0, "{r:?}");
    assert_eq!(r.tally.metric_points, 0, "{r:?}");
    // Its files there with their sizes are taken as sent.
    assert_eq!(r.tally.artifacts, 0, "{r:?}");
    assert_eq!(t.runs_there().len(), 1);
    assert_eq!(t.link(&id).remote_id, remote_id);

    // The same with a file changed since (another size): that one is sent.
    std::fs::write(files.join("a.txt"), "abcd").unwrap();
    t.age();
    t.local.remote_map(&key).remove(Kind::Run, &id).unwrap();
    let r = t.push();
    assert_eq!((r.tally.runs.new, r.tally.artifacts), (0, 1), "{r:?}");
    assert_eq!(r.tally.artifact_bytes, 4, "{r:?}");
    assert_eq!(t.runs_there().len(), 1);
}

#[test]
fn a_dry_run_writes_nothing_and_counts_what_would_go() {
    let t = sides();
    let (_parent, _child) = seed(&t.local);
    let before = t.there.list_experiments(View::All).unwrap().len();
    let r = t.push_with(&Scope::default(), true).unwrap();
    assert!(r.dry_run);
    assert_eq!(r.tally.experiments.new, 1);
    assert_eq!(r.tally.runs.new, 2);
    assert_eq!(r.tally.metric_points, 8);
    assert_eq!(r.tally.params, 2);
    assert_eq!(t.there.list_experiments(View::All).unwrap().len(), before);
    assert!(!t.local.root().join(".mlt").join("remotes").exists());
    // After a real push, a dry run of one more point counts just it.
    t.push();
    let (_, child) = (0, _child);
    log(
        &t.local,
        &child,
        Batch {
            metrics: vec![("loss".into(), p(9, 1.0))],
            ..Batch::default()
        },
    );
    let link_before = t.link(&child);
    let r = t.push_with(&Scope::default(), true).unwrap();
    assert_eq!(r.tally.metric_points, 1, "{r:?}");
    assert_eq!(t.link(&child), link_before);
    let there = t.runs_there();
    assert_eq!(t.history_there(&there[&child].info.run_id, "loss").len(), 1);
}

#[test]
fn deletions_follow_and_runs_deleted_before_their_first_push_stay_here() {
    let t = sides();
    let (parent, child) = seed(&t.local);
    let e = t.local.experiment("exp").unwrap();
    let gone = t.local.create_run(&e, NewRun::default()).unwrap().run_id;
    t.local.delete_run(&gone).unwrap();
    t.push();
    assert_eq!(t.runs_there().len(), 2, "the deleted run was not sent");
    t.local.delete_run(&child).unwrap();
    t.push();
    let there = t.runs_there();
    assert_eq!(
        there[&child].info.lifecycle_stage,
        crate::entities::Lifecycle::Deleted
    );
    t.local.restore_run(&child).unwrap();
    let r = t.push();
    assert_eq!(r.tally.runs.updated, 1, "{r:?}");
    let there = t.runs_there();
    assert_eq!(
        there[&child].info.lifecycle_stage,
        crate::entities::Lifecycle::Active
    );
    assert_eq!(
        there[&parent].info.lifecycle_stage,
        crate::entities::Lifecycle::Active
    );
}

#[test]
fn scopes_choose_runs_and_their_parents() {
    let t = sides();
    let (parent, child) = seed(&t.local);
    let other = t.local.create_experiment("other", None, &[]).unwrap();
    let lone = t
        .local
        .create_run(&other, NewRun::default())
        .unwrap()
        .run_id;
    // An unknown experiment is an error, as elsewhere.
    let e = t
        .push_with(
            &Scope {
                experiments: vec!["nope".into()],
                ..Scope::default()
            },
            false,
        )
        .unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");
    // A child by id prefix takes its parent along; the other experiment stays here.
    let r = t
        .push_with(
            &Scope {
                runs: vec![child[..8].to_string()],
                ..Scope::default()
            },
            false,
        )
        .unwrap();
    assert_eq!(r.tally.runs.new, 2, "{r:?}");
    let there = t.runs_there();
    assert!(there.contains_key(&parent) && !there.contains_key(&lone));
    assert!(t.there.experiment_by_name("other").unwrap().is_none());
    // A filter.
    let r = t
        .push_with(
            &Scope {
                filter: Some("attributes.run_name = 'nothing here'".into()),
                ..Scope::default()
            },
            false,
        )
        .unwrap();
    assert!(r.tally.is_nothing(), "{r:?}");
    let r = t
        .push_with(
            &Scope {
                experiments: vec!["other".into()],
                ..Scope::default()
            },
            false,
        )
        .unwrap();
    assert_eq!(r.tally.runs.new, 1);
    assert!(t.runs_there().contains_key(&lone));
}

#[test]
fn a_deleted_experiment_there_is_a_clear_error() {
    let t = sides();
    seed(&t.local);
    t.push();
    t.there.delete_experiment("exp").unwrap();
    let e = t
        .push_with(&Scope::default(), false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("'exp' is deleted on"), "{e}");
}

/// A point of a logged model as (key, value, step, run, dataset name).
type ModelPoint = (String, String, i64, String, Option<String>);

fn mp(key: &str, value: &str, step: i64, run: &str, dataset: Option<&str>) -> ModelPoint {
    (
        key.into(),
        value.into(),
        step,
        run.into(),
        dataset.map(Into::into),
    )
}

/// A logged model's points, sorted.
fn model_points(store: &Store, model: &str) -> Vec<ModelPoint> {
    let m = store.logged_model_record(model, false).unwrap();
    let mut out: Vec<_> = store
        .logged_model_metric_history(&m)
        .unwrap()
        .into_iter()
        .map(|p| {
            (
                p.key,
                crate::entities::format_value(p.value),
                p.step,
                p.run_id,
                p.dataset_name,
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_logged_models_points_go_with_their_runs_points_once_and_come_back() {
    use crate::store::dataset::ModelMetric;
    use crate::store::logged_write::NewLoggedModel;
    let t = sides();
    let e = t.local.create_experiment("exp", None, &[]).unwrap();
    let new_run = || t.local.create_run(&e, NewRun::default()).unwrap().run_id;
    let (train, eval) = (new_run(), new_run());
    let model = t
        .local
        .create_logged_model(NewLoggedModel {
            experiment_id: e.experiment_id.clone(),
            name: Some("net".into()),
            source_run_id: Some(train.clone()),
            ..Default::default()
        })
        .unwrap()
        .model_id;
    // As MLflow's client logs them: a point in a log-batch entry naming the model goes to the
    // run and to the model.
    let log_for_model =
        |run: &str, key: &str, point: MetricPoint, dataset: Option<(&str, &str)>| {
            log(
                &t.local,
                run,
                Batch {
                    metrics: vec![(key.into(), point)],
                    ..Batch::default()
                },
            );
            let h = t.local.find_run(run).unwrap();
            t.local
                .log_model_metrics(
                    &h,
                    &[ModelMetric {
                        model_id: model.clone(),
                        key: key.into(),
                        point,
                        dataset: dataset.map(|(n, d)| (n.into(), d.into())),
                    }],
                )
                .unwrap();
        };
    // The run's own point, then the same again for the model (as `Model.log` re-logs the
    // points of its step): the run's history has it twice, the model once.
    log(
        &t.local,
        &train,
        Batch {
            metrics: vec![("mse".into(), p(0, 0.5))],
            ..Batch::default()
        },
    );
    log_for_model(&train, "mse", p(0, 0.5), None);
    log_for_model(&train, "acc", p(1, f64::NAN), Some(("iris", "d41d8cd9")));
    // Another run evaluates the model.
    log_for_model(&eval, "acc", p(2, 0.75), Some(("test", "0cc175b9")));
    t.age();

    let r = t.push();
    assert_eq!(r.tally.runs.new, 2, "{r:?}");
    let there = t.runs_there();
    let (rtrain, reval) = (
        there[&train].info.run_id.clone(),
        there[&eval].info.run_id.clone(),
    );
    // Each run's history there is the one here, no point twice.
    assert_eq!(t.history_there(&rtrain, "mse"), vec![p(0, 0.5), p(0, 0.5)]);
    assert_eq!(t.history_there(&rtrain, "acc").len(), 1);
    assert_eq!(t.history_there(&reval, "acc"), vec![p(2, 0.75)]);
    // The model there has each point once, naming the runs there.
    let remote_exp = t
        .there
        .experiment_by_name("exp")
        .unwrap()
        .unwrap()
        .experiment_id;
    let models_there = t.there.experiment_logged_models(&remote_exp).unwrap();
    assert_eq!(models_there.len(), 1);
    let model_there = models_there[0].model_id.clone();
    let expect = |store: &Store, m: &str, train: &str, eval: &str| {
        let mut want = vec![
            mp("acc", "0.75", 2, eval, Some("test")),
            mp("acc", "nan", 1, train, Some("iris")),
            mp("mse", "0.5", 0, train, None),
        ];
        want.sort();
        assert_eq!(model_points(store, m), want);
    };
    expect(&t.there, &model_there, &rtrain, &reval);
    assert_eq!(r.tally.metric_points, 4, "{r:?}");

    // Again: nothing is sent.
    let r = t.push();
    assert_eq!(r.tally.runs.unchanged, 2, "{r:?}");
    assert_eq!(r.tally.metric_points, 0, "{r:?}");
    expect(&t.there, &model_there, &rtrain, &reval);

    // A point logged later for the model goes with the run's, once.
    log_for_model(&train, "mse", p(3, 0.25), None);
    t.age();
    let r = t.push();
    assert_eq!(r.tally.metric_points, 1, "{r:?}");
    assert_eq!(t.history_there(&rtrain, "mse").len(), 3);
    assert_eq!(model_points(&t.there, &model_there).len(), 4);

    // Killed after that batch reached the server, before the map said so: the link counts
    // what was there before it, and holds what the batch would make. The run's points there
    // show it arrived, so its model points are not sent again.
    let after = t.link(&train);
    let mut cut = after.clone();
    cut.synced = None;
    *cut.metric_points.get_mut("mse").unwrap() -= 1;
    *cut.model_points
        .get_mut(&model)
        .unwrap()
        .get_mut("mse")
        .unwrap() -= 1;
    cut.model_batch = Some(super::ModelBatch {
        run_points: after.metric_points.clone(),
        model_points: after.model_points.clone(),
    });
    t.put_link(&train, &cut);
    let r = t.push();
    assert_eq!(r.tally.metric_points, 0, "{r:?}");
    assert_eq!(model_points(&t.there, &model_there).len(), 4);
    assert_eq!(t.link(&train).model_points, after.model_points);
    assert_eq!(t.link(&train).model_batch, None);

    // Killed before the batch reached the server: it is sent, once.
    log_for_model(&train, "mse", p(4, 0.125), None);
    let mut cut = t.link(&train);
    let before = cut.clone();
    cut.synced = None;
    let mut batch = super::ModelBatch {
        run_points: before.metric_points.clone(),
        model_points: before.model_points.clone(),
    };
    *batch.run_points.get_mut("mse").unwrap() += 1;
    *batch
        .model_points
        .get_mut(&model)
        .unwrap()
        .get_mut("mse")
        .unwrap() += 1;
    cut.model_batch = Some(batch);
    t.put_link(&train, &cut);
    t.age();
    let r = t.push();
    assert_eq!(r.tally.metric_points, 1, "{r:?}");
    assert_eq!(t.history_there(&rtrain, "mse").len(), 4);
    assert_eq!(model_points(&t.there, &model_there).len(), 5);

    // Pulled into an empty store: the model's points (the latest of each metric and
    // dataset, all a file store reports), with the server's run ids; again, nothing.
    let dir = tempfile::tempdir().unwrap();
    let mine = Store::new(dir.path());
    mine.init().unwrap();
    let remote = t.remote();
    let pull = || {
        super::pull(
            &mine,
            &remote,
            &Scope::default(),
            Options {
                dry_run: false,
                threads: 2,
            },
            &mut |_| {},
        )
        .unwrap()
    };
    pull();
    let mut want = vec![
        mp("acc", "0.75", 2, &reval, Some("test")),
        mp("acc", "nan", 1, &rtrain, Some("iris")),
        mp("mse", "0.125", 4, &rtrain, None),
    ];
    want.sort();
    assert_eq!(model_points(&mine, &model_there), want);
    let again = pull();
    assert_eq!(again.tally.metric_points, 0, "{again:?}");
    assert_eq!(model_points(&mine, &model_there), want);

    // A point of the model alone, whose run's copy was sent before (as by an mlt before
    // model points were pushed): it goes on its own, once; a file store there adds it to the
    // run's history again, as it does when MLflow's client re-logs a run's points.
    let h = t.local.find_run(&train).unwrap();
    t.local
        .log_model_metrics(
            &h,
            &[ModelMetric {
                model_id: model.clone(),
                key: "mse".into(),
                point: p(0, 0.5),
                dataset: Some(("iris".into(), "d41d8cd9".into())),
            }],
        )
        .unwrap();
    let r = t.push();
    assert_eq!(r.tally.metric_points, 1, "{r:?}");
    assert_eq!(model_points(&t.there, &model_there).len(), 6);
    assert_eq!(t.history_there(&rtrain, "mse").len(), 5);
    assert_eq!(t.push().tally.metric_points, 0);
}

#[test]
fn a_pulled_run_names_a_model_pushed_from_here_by_its_id_here() {
    use crate::store::logged_write::NewLoggedModel;
    let t = sides();
    let e = t.local.create_experiment("exp", None, &[]).unwrap();
    let train = t.local.create_run(&e, NewRun::default()).unwrap().run_id;
    let model = t
        .local
        .create_logged_model(NewLoggedModel {
            experiment_id: e.experiment_id.clone(),
            name: Some("net".into()),
            source_run_id: Some(train.clone()),
            ..Default::default()
        })
        .unwrap()
        .model_id;
    t.local.log_outputs(&train, &[(model.clone(), 0)]).unwrap();
    t.push();
    // A colleague's run there uses the model, by its id there.
    let remote_exp = t.there.experiment_by_name("exp").unwrap().unwrap();
    let there_model = t
        .there
        .experiment_logged_models(&remote_exp.experiment_id)
        .unwrap()[0]
        .model_id
        .clone();
    assert_ne!(there_model, model);
    let theirs = t
        .there
        .create_run(&remote_exp, NewRun::default())
        .unwrap()
        .run_id;
    t.there
        .log_inputs(&theirs, &[], std::slice::from_ref(&there_model))
        .unwrap();
    t.there
        .log_outputs(&theirs, &[(there_model.clone(), 3)])
        .unwrap();
    super::pull(
        &t.local,
        &t.remote(),
        &Scope::default(),
        Options::default(),
        &mut |_| {},
    )
    .unwrap();
    let io = t.local.run_io(&t.local.find_run(&theirs).unwrap()).unwrap();
    assert_eq!(io.model_inputs, vec![model.clone()]);
    assert_eq!(io.model_outputs, [(model.clone(), 3)]);
    // The model itself is known as ours, not pulled as a copy.
    assert_eq!(
        t.local
            .experiment_logged_models(&e.experiment_id)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_cut_push_counts_the_servers_points_by_content_so_points_logged_there_hide_none_here() {
    let t = sides();
    let e = t.local.create_experiment("exp", None, &[]).unwrap();
    let id = t.local.create_run(&e, NewRun::default()).unwrap().run_id;
    let points = |steps: std::ops::Range<i64>| Batch {
        metrics: steps.map(|i| ("m".to_string(), p(i, i as f64))).collect(),
        ..Batch::default()
    };
    log(&t.local, &id, points(0..3));
    t.age();
    t.push();
    let remote_id = t.link(&id).remote_id;
    // Someone logs two points of their own into the run there; two more are logged here.
    let theirs = Batch {
        metrics: vec![("m".into(), p(10, -1.0)), ("m".into(), p(11, -2.0))],
        ..Batch::default()
    };
    t.there
        .log_batch(&t.there.find_run(&remote_id).unwrap(), &theirs)
        .unwrap();
    log(&t.local, &id, points(3..5));
    // A push cut short: the link no longer vouches for its counts.
    let mut link = t.link(&id);
    link.synced = None;
    link.metric_points.clear();
    t.put_link(&id, &link);
    t.age();
    let r = t.push();
    assert_eq!(r.tally.metric_points, 2, "{r:?}");
    let got = t.history_there(&remote_id, "m");
    assert_eq!(got.len(), 7);
    for step in 0..5 {
        assert!(got.contains(&p(step, step as f64)), "step {step} there");
    }
    assert_eq!(t.link(&id).metric_points["m"], 5);
}
