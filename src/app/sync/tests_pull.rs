//! `mlt pull` against a real `mlt server` over a store written with the store API.

use super::*;
use crate::entities::{Lifecycle, MetricPoint, RunStatus, View, tags as sys};
use crate::remote::Settings;
use crate::store::dataset::{Dataset, DatasetInput};
use crate::store::{Batch, NewRun};
use std::path::Path;

/// The source store the server serves: an experiment with a tag, a finished parent run
/// (params, tags, a metric with NaN and infinities, a dataset), a running nested child, and a
/// deleted run.
struct Source {
    _tmp: tempfile::TempDir,
    root: std::path::PathBuf,
    server: crate::server::Spawned,
    parent: String,
    child: String,
    deleted: String,
}

impl Source {
    fn store(&self) -> Store {
        Store::new(&self.root)
    }

    fn remote(&self) -> Remote {
        Remote::new(&self.server.url, Settings::default()).unwrap()
    }
}

fn point(ts: i64, value: f64, step: i64) -> MetricPoint {
    MetricPoint {
        timestamp: ts,
        value,
        step,
    }
}

fn source() -> Source {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("src");
    let s = Store::new(&root);
    s.init().unwrap();
    let e = s
        .create_experiment("churn", None, &[("team".into(), "vision".into())])
        .unwrap();
    let parent = s
        .create_run(
            &e,
            NewRun {
                run_name: Some("parent".into()),
                tags: vec![("mlflow.source.type".into(), "LOCAL".into())],
                start_time: Some(1_700_000_000_123),
                user: Some("ann".into()),
            },
        )
        .unwrap()
        .run_id;
    let h = s.find_run(&parent).unwrap();
    let values = [
        0.5,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e-300,
        0.1 + 0.2,
    ];
    let mut metrics: Vec<(String, MetricPoint)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (
                "loss".to_string(),
                point(1_700_000_001_000 + i as i64, *v, i as i64),
            )
        })
        .collect();
    metrics.push(("train/acc".into(), point(1_700_000_002_000, 0.75, -3)));
    // The same point twice: MLflow's file store keeps both.
    metrics.push(("train/acc".into(), point(1_700_000_002_000, 0.75, -3)));
    s.log_batch(
        &h,
        &Batch {
            metrics,
            params: vec![
                ("lr".into(), "0.1".into()),
                ("opt/name".into(), "adam w".into()),
            ],
            tags: vec![("note".into(), "multi\nline".into())],
        },
    )
    .unwrap();
    let d = DatasetInput {
        dataset: Dataset {
            name: "iris".into(),
            digest: "ad126910".into(),
            source_type: "code".into(),
            source: "{\"tags\": {}}".into(),
            schema: Some("{\"mlflow_colspec\": []}".into()),
            profile: Some("{\"num_rows\": 2}".into()),
        },
        tags: vec![("mlflow.data.context".into(), "Train".into())],
    };
    s.log_inputs(&parent, &[d], &[]).unwrap();
    s.set_run_status(&parent, RunStatus::Finished, Some(1_700_000_009_999))
        .unwrap();
    let child = s
        .create_run(
            &e,
            NewRun {
                run_name: Some("child".into()),
                tags: vec![(sys::PARENT_RUN_ID.into(), parent.clone())],
                start_time: Some(1_700_000_003_000),
                user: Some("bob".into()),
            },
        )
        .unwrap()
        .run_id;
    let hc = s.find_run(&child).unwrap();
    s.log_batch(
        &hc,
        &Batch {
            metrics: vec![("loss".into(), point(1_700_000_003_500, 2.0, 0))],
            ..Batch::default()
        },
    )
    .unwrap();
    let deleted = s
        .create_run(
            &e,
            NewRun {
                run_name: Some("gone".into()),
                start_time: Some(1_700_000_004_000),
                ..NewRun::default()
            },
        )
        .unwrap()
        .run_id;
    s.set_run_status(&deleted, RunStatus::Failed, Some(1_700_000_005_000))
        .unwrap();
    s.delete_run(&deleted).unwrap();
    let server = crate::server::Spawned::new(Store::new(&root));
    Source {
        _tmp: tmp,
        root,
        server,
        parent,
        child,
        deleted,
    }
}

fn pull_into(dst: &Store, src: &Source, scope: &Scope, dry_run: bool) -> Report {
    let remote = src.remote();
    let options = Options {
        dry_run,
        threads: 3,
    };
    super::pull(dst, &remote, scope, options, &mut |_| {}).unwrap()
}

fn history(s: &Store, run: &str, key: &str) -> Vec<(i64, u64, i64)> {
    s.metric_history(run, key)
        .unwrap()
        .into_iter()
        .map(|p| (p.timestamp, p.value.to_bits(), p.step))
        .collect()
}

/// Every file of a run but `meta.yaml`, as bytes, by path in the run.
fn run_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && e.file_name() != "meta.yaml")
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn assert_same_run(src: &Store, dst: &Store, id: &str) {
    let a = src.get_run(id).unwrap();
    let b = dst.get_run(id).unwrap();
    assert_eq!(a.info.run_name, b.info.run_name);
    assert_eq!(a.info.user_id, b.info.user_id);
    assert_eq!(a.info.status, b.info.status);
    assert_eq!(a.info.start_time, b.info.start_time);
    assert_eq!(a.info.end_time, b.info.end_time);
    assert_eq!(a.info.lifecycle_stage, b.info.lifecycle_stage);
    assert_eq!(a.params, b.params);
    assert_eq!(a.tags, b.tags);
    assert_eq!(
        a.metrics.keys().collect::<Vec<_>>(),
        b.metrics.keys().collect::<Vec<_>>()
    );
    let (ha, hb) = (src.find_run(id).unwrap(), dst.find_run(id).unwrap());
    for key in a.metrics.keys() {
        assert_eq!(history(src, id, key), history(dst, id, key), "{key}");
    }
    // Params, tags, metric files and inputs: byte for byte the same files.
    let (fa, fb) = (run_files(&ha.dir), run_files(&hb.dir));
    assert_eq!(fa, fb);
    assert_eq!(src.run_io(&ha).unwrap(), dst.run_io(&hb).unwrap());
    // The artifact location is this store's.
    let e = dst.experiment(&hb.info.experiment_id).unwrap();
    assert_eq!(
        hb.info.artifact_uri,
        format!("{}/{id}/artifacts", e.artifact_location)
    );
}

#[test]
fn a_pull_into_an_empty_store_keeps_ids_and_every_value_then_changes_nothing() {
    let src = source();
    let tmp = tempfile::tempdir().unwrap();
    let dst = Store::new(tmp.path().join("dst"));
    let r = pull_into(&dst, &src, &Scope::default(), false);
    assert_eq!(r.direction, Direction::Pull);
    assert_eq!(r.tally.runs.new, 3, "{r:?}");
    // Default and churn.
    assert_eq!(r.tally.experiments.new, 1, "{r:?}");
    assert_eq!(r.tally.experiments.unchanged, 1, "{r:?}");
    assert_eq!(r.tally.metric_points, 6 + 2 + 1);
    assert_eq!(r.tally.params, 2);
    let e = dst.experiment("churn").unwrap();
    assert_eq!(e.tags.get("team").map(String::as_str), Some("vision"));
    let s = src.store();
    for id in [&src.parent, &src.child, &src.deleted] {
        assert_same_run(&s, &dst, id);
        assert_eq!(
            dst.find_run(id).unwrap().info.experiment_id,
            e.experiment_id
        );
    }
    let child = dst.get_run(&src.child).unwrap();
    assert_eq!(child.tags[sys::PARENT_RUN_ID], src.parent);
    assert_eq!(child.info.status, RunStatus::Running);
    assert_eq!(child.info.end_time, None);
    let gone = dst.find_run(&src.deleted).unwrap();
    assert_eq!(gone.info.lifecycle_stage, Lifecycle::Deleted);
    assert!(gone.info.deleted_time.is_some());
    // The map links the experiment and each run, as pulled.
    let map = dst.remote_map(&src.remote().key());
    let el: ExperimentLink = map.get(Kind::Experiment, &e.experiment_id).unwrap();
    assert_eq!(el.name, "churn");
    let rl: RunLink = map.get(Kind::Run, &src.parent).unwrap();
    assert!(rl.pulled);
    assert_eq!(rl.remote_id, src.parent);
    assert_eq!(rl.metric_points["loss"], 6);
    assert_eq!(rl.metric_points["train/acc"], 2);
    assert_eq!(rl.status, "FINISHED");
    assert_eq!(rl.end_time, Some(1_700_000_009_999));

    // Again: nothing fetched, nothing written.
    let before = run_files(&dst.find_run(&src.parent).unwrap().dir);
    let again = pull_into(&dst, &src, &Scope::default(), false);
    assert!(again.tally.is_nothing(), "{again:?}");
    assert_eq!(again.tally.runs.unchanged, 3);
    assert_eq!(run_files(&dst.find_run(&src.parent).unwrap().dir), before);
}

#[test]
fn what_changed_on_the_server_arrives_alone() {
    let src = source();
    let tmp = tempfile::tempdir().unwrap();
    let dst = Store::new(tmp.path().join("dst"));
    pull_into(&dst, &src, &Scope::default(), false);
    let s = src.store();
    let h = s.find_run(&src.child).unwrap();
    s.log_batch(
        &h,
        &Batch {
            metrics: vec![("loss".into(), point(1_700_000_003_900, f64::NAN, 1))],
            params: vec![("seed".into(), "7".into())],
            tags: vec![("stage".into(), "b".into())],
        },
    )
    .unwrap();
    s.set_run_status(&src.child, RunStatus::Killed, Some(1_700_000_006_000))
        .unwrap();
    s.restore_run(&src.deleted).unwrap();
    let r = pull_into(&dst, &src, &Scope::default(), false);
    assert_eq!(r.tally.runs.updated, 2, "{r:?}");
    assert_eq!(r.tally.runs.unchanged, 1, "{r:?}");
    assert_eq!(r.tally.runs.new, 0);
    assert_eq!(r.tally.metric_points, 1);
    assert_eq!(r.tally.params, 1);
    assert_eq!(r.tally.tags, 1);
    for id in [&src.parent, &src.child, &src.deleted] {
        assert_same_run(&s, &dst, id);
    }
    assert_eq!(history(&dst, &src.child, "loss").len(), 2);
    let map = dst.remote_map(&src.remote().key());
    let rl: RunLink = map.get(Kind::Run, &src.child).unwrap();
    assert_eq!(rl.metric_points["loss"], 2);
    assert_eq!(rl.status, "KILLED");
    let restored = dst.find_run(&src.deleted).unwrap();
    assert_eq!(restored.info.lifecycle_stage, Lifecycle::Active);
    assert!(
        pull_into(&dst, &src, &Scope::default(), false)
            .tally
            .is_nothing()
    );
}

#[test]
fn a_tag_deleted_on_the_server_is_deleted_here_and_no_other() {
    let src = source();
    let tmp = tempfile::tempdir().unwrap();
    let dst = Store::new(tmp.path().join("dst"));
    pull_into(&dst, &src, &Scope::default(), false);
    let s = src.store();
    assert!(
        dst.get_run(&src.parent)
            .unwrap()
            .tags
            .contains_key("mlflow.source.type")
    );
    s.delete_run_tag(&src.parent, "mlflow.source.type").unwrap();
    // A tag of its own here stays.
    dst.log_batch(
        &dst.find_run(&src.parent).unwrap(),
        &Batch {
            tags: vec![("mine".into(), "yes".into())],
            ..Batch::default()
        },
    )
    .unwrap();
    let r = pull_into(&dst, &src, &Scope::default(), true);
    assert_eq!((r.tally.tags, r.tally.runs.updated), (1, 1), "{r:?}");
    assert!(
        dst.get_run(&src.parent)
            .unwrap()
            .tags
            .contains_key("mlflow.source.type")
    );
    let r = pull_into(&dst, &src, &Scope::default(), false);
    assert_eq!((r.tally.tags, r.tally.runs.updated), (1, 1), "{r:?}");
    let tags = dst.get_run(&src.parent).unwrap().tags;
    assert!(!tags.contains_key("mlflow.source.type"), "{tags:?}");
    assert_eq!(tags["mine"], "yes");
    assert_eq!(
        pull_into(&dst, &src, &Scope::default(), false).tally.tags,
        0
    );
}

#[test]
fn a_run_pushed_from_this_store_is_linked_not_copied_back() {
    let src = source();
    let tmp = tempfile::tempdir().unwrap();
    let dst = Store::new(tmp.path().join("dst"));
    dst.init().unwrap();
    let e = dst.create_experiment("churn", None, &[]).unwrap();
    let mine = dst.create_run(&e, NewRun::default()).unwrap().run_id;
    // What a push of it made on the server.
    let s = src.store();
    let se = s.experiment("churn").unwrap();
    let pushed = s
        .create_run(
            &se,
            NewRun {
                tags: vec![(tags::SOURCE_RUN_ID.into(), mine.clone())],
                ..NewRun::default()
            },
        )
        .unwrap()
        .run_id;
    let r = pull_into(&dst, &src, &Scope::default(), false);
    assert_eq!(r.tally.runs.new, 3, "{r:?}");
    assert_eq!(r.tally.runs.unchanged, 1, "{r:?}");
    assert!(dst.find_run(&pushed).is_err(), "not copied back");
    let runs = dst.list_runs(&e, View::All).unwrap();
    assert_eq!(runs.len(), 4);
    let map = dst.remote_map(&src.remote().key());
    let link: RunLink = map.get(Kind::Run, &mine).unwrap();
    assert_eq!(link.remote_id, pushed);
    assert!(!link.pulled);
    assert_eq!(link.synced, None);
    // The experiment got the server's tag it lacked.
    assert_eq!(dst.experiment("churn").unwrap().tags["team"], "vision");
    assert_eq!(r.tally.experiments.updated, 1);
    assert!(
        pull_into(&dst, &src, &Scope::default(), false)
            .tally
            .is_nothing()
    );
}

#[test]
fn a_dry_run_writes_nothing_and_counts_what_would_come() {
    let src = source();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dst");
    let dst = Store::new(&root);
    let r = pull_into(&dst, &src, &Scope::default(), true);
    assert!(r.dry_run);
    assert_eq!(r.tally.runs.new, 3, "{r:?}");
    assert_eq!(r.tally.metric_points, 9);
    assert_eq!(r.tally.experiments.new, 2);
    assert!(!root.exists(), "a dry run made the store");

    // Into a store that has the runs, with one change on the server: counted, not written.
    pull_into(&dst, &src, &Scope::default(), false);
    let s = src.store();
    let h = s.find_run(&src.parent).unwrap();
    s.log_batch(
        &h,
        &Batch {
            metrics: vec![("loss".into(), point(1_700_000_010_000, 9.0, 9))],
            ..Batch::default()
        },
    )
    .unwrap();
    let map_dir = dst.remote_map(&src.remote().key()).dir().to_path_buf();
    let snapshot = |dir: &Path| {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
            .collect::<BTreeMap<_, _>>()
    };
    let (runs_before, map_before) = (snapshot(&root.join("mlruns")), snapshot(&map_dir));
    let r = pull_into(&dst, &src, &Scope::default(), true);
    assert_eq!(r.tally.runs.updated, 1, "{r:?}");
    assert_eq!(r.tally.metric_points, 1);
    assert_eq!(snapshot(&root.join("mlruns")), runs_before);
    assert_eq!(snapshot(&map_dir), map_before);
}

#[test]
fn filters_and_run_ids_choose_runs() {
    let src = source();
    let tmp = tempfile::tempdir().unwrap();
    let dst = Store::new(tmp.path().join("dst"));
    let scope = Scope {
        experiments: vec!["churn".into()],
        filter: Some("params.lr = '0.1' or metrics.loss > 1".into()),
        ..Scope::default()
    };
    let r = pull_into(&dst, &src, &scope, false);
    assert_eq!(r.tally.runs.new, 2, "{r:?}");
    assert!(dst.find_run(&src.parent).is_ok() && dst.find_run(&src.child).is_ok());
    assert!(dst.find_run(&src.deleted).is_err());
    // Only the experiment named.
    assert_eq!(r.tally.experiments.new, 1);

    let tmp2 = tempfile::tempdir().unwrap();
    let dst2 = Store::new(tmp2.path().join("dst"));
    let scope = Scope {
        runs: vec![src.deleted.clone()],
        ..Scope::default()
    };
    let r = pull_into(&dst2, &src, &scope, false);
    assert_eq!(r.tally.runs.new, 1, "{r:?}");
    assert_same_run(&src.store(), &dst2, &src.deleted);
    assert!(dst2.find_run(&src.parent).is_err());

    // A bad filter, an unknown experiment or run: clear errors, nothing written.
    let remote = src.remote();
    let bad = |scope: Scope| {
        super::pull(&dst2, &remote, &scope, Options::default(), &mut |_| {})
            .unwrap_err()
            .to_string()
    };
    let msg = bad(Scope {
        filter: Some("params.lr = ".into()),
        ..Scope::default()
    });
    assert!(msg.contains("invalid filter"), "{msg}");
    let msg = bad(Scope {
        experiments: vec!["nope".into()],
        ..Scope::default()
    });
    assert!(
        msg.contains("no experiment named") && msg.contains("nope"),
        "{msg}"
    );
    let msg = bad(Scope {
        runs: vec!["0123456789abcdef0123456789abcdef".into()],
        ..Scope::default()
    });
    assert!(msg.contains("no run"), "{msg}");
}

#[test]
fn a_run_id_here_in_another_experiment_is_a_clear_error() {
    let src = source();
    let tmp = tempfile::tempdir().unwrap();
    let dst = Store::new(tmp.path().join("dst"));
    dst.init().unwrap();
    let other = dst.create_experiment("other", None, &[]).unwrap();
    let run = PulledRunFixture::new(&src.parent);
    dst.build_pulled_run(&other, run.0.clone())
        .unwrap()
        .finish()
        .unwrap();
    let remote = src.remote();
    let err = super::pull(
        &dst,
        &remote,
        &Scope::default(),
        Options::default(),
        &mut |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains(&src.parent) && err.contains("churn"), "{err}");
    // The store function says so too.
    let churn = dst.experiment("churn").unwrap();
    let err = dst
        .build_pulled_run(&churn, run.0)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("already in experiment"), "{err}");
}

struct PulledRunFixture(crate::store::pulled::PulledRun);

impl PulledRunFixture {
    fn new(id: &str) -> PulledRunFixture {
        PulledRunFixture(crate::store::pulled::PulledRun {
            run_id: id.into(),
            run_name: "x".into(),
            user_id: "u".into(),
            status: RunStatus::Finished,
            start_time: 1,
            end_time: Some(2),
            lifecycle: Lifecycle::Active,
            tags: Vec::new(),
            params: Vec::new(),
            datasets: Vec::new(),
            model_inputs: Vec::new(),
            model_outputs: Vec::new(),
        })
    }
}

#[test]
fn a_pulled_run_is_marked_synced_only_while_it_holds_just_the_servers_values() {
    let src = source();
    let tmp = tempfile::tempdir().unwrap();
    let dst = Store::new(tmp.path().join("dst"));
    pull_into(&dst, &src, &Scope::default(), false);
    let map = dst.remote_map(&src.remote().key());
    let synced = |id: &str| map.get::<RunLink>(Kind::Run, id).unwrap().synced;
    // Just written: too young to vouch for.
    assert_eq!(synced(&src.parent), None);
    crate::store::age_for_tests(&dst.root().join("mlruns"), 10);
    let r = pull_into(&dst, &src, &Scope::default(), false);
    assert!(r.tally.is_nothing(), "{r:?}");
    let fp = synced(&src.parent).expect("an old, unchanged run is fingerprinted");
    let h = dst.find_run(&src.parent).unwrap();
    assert_eq!(dst.run_fingerprint(&h).unwrap().as_ref(), Some(&fp));
    // A tag of its own here: no longer the server's run, so a push must look at it.
    dst.log_batch(
        &h,
        &Batch {
            tags: vec![("mine".into(), "1".into())],
            ..Batch::default()
        },
    )
    .unwrap();
    crate::store::age_for_tests(&dst.root().join("mlruns"), 10);
    pull_into(&dst, &src, &Scope::default(), false);
    assert_eq!(synced(&src.parent), None);
    assert!(synced(&src.child).is_some());
}

#[test]
fn a_push_after_a_pull_sends_nothing_back() {
    let src = source();
    let tmp = tempfile::tempdir().unwrap();
    let dst = Store::new(tmp.path().join("dst"));
    pull_into(&dst, &src, &Scope::default(), false);
    let rl: RunLink = dst
        .remote_map(&src.remote().key())
        .get(Kind::Run, &src.parent)
        .unwrap();
    assert!(!rl.inputs_digest.is_empty());
    let remote = src.remote();
    let count = || {
        let s = src.store();
        let e = s.experiment("churn").unwrap();
        s.list_runs(&e, View::All).unwrap().len()
    };
    let before = count();
    // Fresh from the pull (no fingerprint yet), then again once the files are old.
    for age in [false, true] {
        if age {
            crate::store::age_for_tests(&dst.root().join("mlruns"), 10);
            pull_into(&dst, &src, &Scope::default(), false);
        }
        let r = super::push(
            &dst,
            &remote,
            &Scope::default(),
            Options::default(),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(r.tally.runs.new, 0, "{r:?}");
        assert_eq!(r.tally.metric_points, 0, "{r:?}");
        assert_eq!(r.tally.params, 0, "{r:?}");
        assert_eq!(count(), before);
        assert_eq!(
            history(&src.store(), &src.parent, "loss"),
            history(&dst, &src.parent, "loss")
        );
    }
}

#[test]
fn a_pull_after_a_real_push_recognises_the_pushed_run() {
    let src = source();
    let tmp = tempfile::tempdir().unwrap();
    let a = Store::new(tmp.path().join("a"));
    a.init().unwrap();
    let e = a.create_experiment("churn", None, &[]).unwrap();
    let mine = a.create_run(&e, NewRun::default()).unwrap().run_id;
    let remote = src.remote();
    let pushed = super::push(
        &a,
        &remote,
        &Scope::default(),
        Options::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(pushed.tally.runs.new, 1, "{pushed:?}");
    let there: RunLink = a.remote_map(&remote.key()).get(Kind::Run, &mine).unwrap();
    let r = pull_into(&a, &src, &Scope::default(), false);
    assert_eq!(r.tally.runs.new, 3, "{r:?}");
    assert_eq!(r.tally.runs.unchanged, 1, "{r:?}");
    assert!(a.find_run(&there.remote_id).is_err(), "copied back");
    assert_eq!(a.list_runs(&e, View::All).unwrap().len(), 4);
    let after: RunLink = a.remote_map(&remote.key()).get(Kind::Run, &mine).unwrap();
    assert_eq!(after, there, "the push's link is kept");
}

#[test]
fn without_its_map_a_pull_tells_the_servers_points_from_points_logged_here() {
    let src = source();
    let tmp = tempfile::tempdir().unwrap();
    let dst = Store::new(tmp.path().join("dst"));
    pull_into(&dst, &src, &Scope::default(), false);
    // Here: a point of our own in the pulled run. There: two new points. Then the map is
    // lost (a fresh clone of the store).
    let h = dst.find_run(&src.child).unwrap();
    let ours = Batch {
        metrics: vec![("loss".into(), point(1_700_000_009_000, 9.0, 9))],
        ..Batch::default()
    };
    dst.log_batch(&h, &ours).unwrap();
    let s = src.store();
    let theirs = Batch {
        metrics: vec![
            ("loss".into(), point(1_700_000_004_000, 0.25, 2)),
            ("loss".into(), point(1_700_000_005_000, 0.125, 3)),
        ],
        ..Batch::default()
    };
    s.log_batch(&s.find_run(&src.child).unwrap(), &theirs)
        .unwrap();
    let map = dst.remote_map(&src.remote().key());
    map.remove(Kind::Run, &src.child).unwrap();
    let r = pull_into(&dst, &src, &Scope::default(), false);
    assert_eq!(r.tally.metric_points, 2, "{r:?}");
    let mut mine = history(&dst, &src.child, "loss");
    let mut want = history(&s, &src.child, "loss");
    want.push((1_700_000_009_000, 9f64.to_bits(), 9));
    mine.sort();
    want.sort();
    assert_eq!(mine, want);
    let rl: RunLink = map.get(Kind::Run, &src.child).unwrap();
    assert_eq!(
        rl.metric_points["loss"] as usize,
        history(&s, &src.child, "loss").len()
    );
    // Again: nothing.
    assert_eq!(
        pull_into(&dst, &src, &Scope::default(), false)
            .tally
            .metric_points,
        0
    );
}
