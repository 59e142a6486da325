//! Store-level tests: the library API, below the binary.

use super::*;
use crate::entities::{Lifecycle, MetricPoint, RunStatus, View};

fn store() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let s = Store::new(tmp.path());
    s.init().unwrap();
    (tmp, s)
}

fn point(step: i64, value: f64) -> MetricPoint {
    MetricPoint {
        timestamp: 1000 + step,
        value,
        step,
    }
}

#[test]
fn experiment_and_run_round_trip() {
    let (_t, s) = store();
    let e = s
        .create_experiment("e", None, &[("a/b".into(), "c".into())])
        .unwrap();
    assert_eq!(e.artifact_location, format!("mlruns/{}", e.experiment_id));
    assert_eq!(e.tags.get("a/b").map(String::as_str), Some("c"));
    let info = s.create_run(&e, NewRun::default()).unwrap();
    assert_eq!(
        info.artifact_uri,
        format!("mlruns/{}/{}/artifacts", e.experiment_id, info.run_id)
    );
    let h = s.find_run(&info.run_id).unwrap();
    let batch = Batch {
        metrics: vec![
            ("m".into(), point(2, 0.5)),
            ("m".into(), point(1, 9.0)),
            ("m".into(), point(3, f64::NAN)),
        ],
        params: vec![("p".into(), "1".into())],
        tags: vec![("t".into(), "x\ny".into())],
    };
    s.log_batch(&h, &batch).unwrap();
    let run = s.get_run(&info.run_id).unwrap();
    assert!(
        run.metrics["m"].value.is_nan(),
        "latest is the greatest step"
    );
    assert_eq!(run.params["p"], "1");
    assert_eq!(run.tags["t"], "x\ny");
    assert!(!run.info.run_name.is_empty(), "a random name is given");
    assert_eq!(s.metric_history(&info.run_id, "m").unwrap().len(), 3);
    let ended = s
        .set_run_status(&info.run_id, RunStatus::Killed, Some(5))
        .unwrap();
    assert_eq!(ended.end_time, Some(5));
    assert_eq!(
        s.find_run(&info.run_id).unwrap().info.status,
        RunStatus::Killed
    );
}

#[test]
fn a_rejected_batch_writes_nothing() {
    let (_t, s) = store();
    let e = s.experiment("0").unwrap();
    let info = s.create_run(&e, NewRun::default()).unwrap();
    let h = s.find_run(&info.run_id).unwrap();
    s.log_batch(
        &h,
        &Batch {
            params: vec![("p".into(), "1".into())],
            ..Batch::default()
        },
    )
    .unwrap();
    let bad = Batch {
        metrics: vec![("ok".into(), point(0, 1.0))],
        params: vec![("p".into(), "2".into())],
        tags: vec![("t".into(), "v".into())],
    };
    assert!(matches!(s.log_batch(&h, &bad), Err(Error::Conflict(_))));
    let run = s.get_run(&info.run_id).unwrap();
    assert!(run.metrics.is_empty());
    assert!(!run.tags.contains_key("t"));
}

#[test]
fn delete_and_restore_experiment_moves_it_and_its_runs() {
    let (_t, s) = store();
    let e = s.create_experiment("e", None, &[]).unwrap();
    let r1 = s.create_run(&e, NewRun::default()).unwrap();
    let r2 = s.create_run(&e, NewRun::default()).unwrap();
    s.delete_run(&r2.run_id).unwrap();
    s.delete_experiment("e").unwrap();
    assert!(s.tracking().join(TRASH).join(&e.experiment_id).is_dir());
    assert_eq!(s.list_experiments(View::Active).unwrap().len(), 1);
    let deleted = s.experiment("e").unwrap();
    assert_eq!(deleted.lifecycle_stage, Lifecycle::Deleted);
    assert_eq!(
        s.find_run(&r1.run_id).unwrap().info.lifecycle_stage,
        Lifecycle::Deleted
    );
    assert!(
        s.restore_run(&r1.run_id).is_err(),
        "restore the experiment first"
    );
    s.restore_experiment(&e.experiment_id).unwrap();
    // MLflow restores every deleted run, including ones deleted before the experiment.
    for r in [&r1, &r2] {
        let h = s.find_run(&r.run_id).unwrap();
        assert_eq!(h.info.lifecycle_stage, Lifecycle::Active);
        assert_eq!(h.info.deleted_time, None);
    }
}

#[test]
fn artifact_locations() {
    let (t, s) = store();
    let outside = tempfile::tempdir().unwrap();
    let abs = outside.path().display().to_string();
    let e = s.create_experiment("ext", Some(&abs), &[]).unwrap();
    assert_eq!(
        e.artifact_location, abs,
        "a location outside the store stays absolute"
    );
    let inside = t.path().join("art").display().to_string();
    let e2 = s.create_experiment("in", Some(&inside), &[]).unwrap();
    assert_eq!(
        e2.artifact_location, "art",
        "a location inside the store becomes relative"
    );
    let e3 = s
        .create_experiment("uri", Some("s3://bucket/x"), &[])
        .unwrap();
    assert_eq!(e3.artifact_location, "s3://bucket/x");
    let r = s.create_run(&e, NewRun::default()).unwrap();
    let h = s.find_run(&r.run_id).unwrap();
    assert_eq!(
        s.artifact_dir(&h).unwrap(),
        outside.path().join(&r.run_id).join("artifacts")
    );
    let r3 = s.create_run(&e3, NewRun::default()).unwrap();
    let err = s
        .artifact_dir(&s.find_run(&r3.run_id).unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("not a local path"), "{err}");
}

#[test]
fn malformed_run_meta_is_named() {
    let (_t, s) = store();
    let e = s.experiment("0").unwrap();
    let r = s.create_run(&e, NewRun::default()).unwrap();
    let meta = s.tracking().join("0").join(&r.run_id).join("meta.yaml");
    std::fs::write(&meta, "run_id: other\nexperiment_id: '0'\n").unwrap();
    let err = s.find_run(&r.run_id).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("malformed {}", meta.display())),
        "{err}"
    );
    assert!(err.contains("does not match its folder"), "{err}");
    std::fs::write(&meta, "status: 'FINISHED'\nrun_id: x\n").unwrap();
    assert!(s.find_run(&r.run_id).is_err());
    // Listings skip it with a warning instead of failing.
    assert!(s.list_runs(&e, View::All).unwrap().is_empty());
}

#[test]
fn reading_only_some_keys() {
    let (_t, s) = store();
    let e = s.experiment("0").unwrap();
    let info = s.create_run(&e, NewRun::default()).unwrap();
    let h = s.find_run(&info.run_id).unwrap();
    let batch = Batch {
        metrics: vec![("a".into(), point(0, 1.0)), ("b/c".into(), point(0, 2.0))],
        params: vec![("p".into(), "1".into()), ("q".into(), "2".into())],
        tags: vec![],
    };
    s.log_batch(&h, &batch).unwrap();
    let only = |keys: &[&str]| Keys::Only(keys.iter().map(|k| k.to_string()).collect());
    let parts = RunParts {
        params: only(&["q", "missing", "../meta.yaml"]),
        metrics: only(&["b/c"]),
        tags: only(&[]),
    };
    let run = s.read_run_parts(&h, &parts).unwrap();
    assert_eq!(run.params.keys().collect::<Vec<_>>(), ["q"]);
    assert_eq!(run.metrics.keys().collect::<Vec<_>>(), ["b/c"]);
    assert!(run.tags.is_empty());
    assert_eq!(s.read_run(&h).unwrap().metrics.len(), 2);
}

#[test]
fn registry_versions_aliases_stages_and_rename() {
    use crate::entities::Stage;
    let (t, s) = store();
    let model = t.path().join("model");
    std::fs::create_dir_all(&model).unwrap();
    std::fs::write(model.join("MLmodel"), "flavors: {}\n").unwrap();
    let new = || NewVersion {
        copy_from: Some(model.clone()),
        ..Default::default()
    };
    assert_eq!(s.create_model_version("m", new()).unwrap().version, 1);
    let v2 = s.create_model_version("m", new()).unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(
        v2.storage_location.as_deref(),
        Some("registry/models/m/version-2/artifacts")
    );
    assert_eq!(s.set_alias("m", "champion", 1).unwrap(), None);
    assert_eq!(s.set_alias("m", "champion", 2).unwrap(), Some(1));
    assert_eq!(s.model_version("m", 2).unwrap().aliases, vec!["champion"]);
    assert!(s.set_alias("m", "latest", 1).is_err());
    assert!(s.set_alias("m", "x", 3).is_err());

    s.transition_stage("m", 1, Stage::Production, false)
        .unwrap();
    let archived = s.transition_stage("m", 2, Stage::Production, true).unwrap();
    assert_eq!(archived, vec![1]);
    assert_eq!(
        s.model_version("m", 1).unwrap().current_stage,
        Stage::Archived
    );
    let prod = s
        .resolve_version(&ModelUri::parse("models:/m/production").unwrap())
        .unwrap();
    assert_eq!(prod.version, 2);

    // Deleting 2 drops its alias; the number is not reused.
    assert_eq!(s.delete_model_version("m", 2).unwrap(), vec!["champion"]);
    assert!(s.model_version("m", 2).is_err());
    assert_eq!(s.create_model_version("m", new()).unwrap().version, 3);
    let latest = s
        .resolve_version(&ModelUri::parse("models:/m/latest").unwrap())
        .unwrap();
    assert_eq!(latest.version, 3);

    s.set_model_tag("m", "team", "cv").unwrap();
    s.set_alias("m", "best", 3).unwrap();
    let renamed = s.rename_registered_model("m", "n").unwrap();
    assert_eq!(renamed.tags.get("team").map(String::as_str), Some("cv"));
    assert_eq!(renamed.aliases.get("best"), Some(&3));
    assert!(s.registered_model("m").is_err());
    let files = s.model_files("models:/n@best").unwrap();
    assert_eq!(
        files,
        t.path().join("registry/models/n/version-3/artifacts")
    );
    assert!(files.join("MLmodel").is_file());
    // Nothing is left behind in the scratch space.
    let tmp = t.path().join(".mlt/tmp");
    assert_eq!(std::fs::read_dir(tmp).unwrap().count(), 0);
}

#[test]
fn metric_points_stream_one_key_and_keys_are_listed_by_path() {
    let (_t, s) = store();
    let e = s.experiment("0").unwrap();
    let info = s.create_run(&e, NewRun::default()).unwrap();
    let h = s.find_run(&info.run_id).unwrap();
    let batch = Batch {
        metrics: vec![
            ("z".into(), point(0, 1.0)),
            ("train/loss".into(), point(0, 0.5)),
            ("train/loss".into(), point(1, 0.25)),
            ("a".into(), point(0, 2.0)),
            ("train/acc".into(), point(0, 0.9)),
        ],
        ..Batch::default()
    };
    s.log_batch(&h, &batch).unwrap();
    assert_eq!(
        s.metric_keys(&h).unwrap(),
        ["a", "train/acc", "train/loss", "z"]
    );
    let mut points = s.metric_points(&h, "train/loss").unwrap();
    assert_eq!(points.next().unwrap().unwrap(), point(0, 0.5));
    assert_eq!(points.next().unwrap().unwrap(), point(1, 0.25));
    assert!(points.next().is_none());
    assert!(points.next().is_none(), "a finished stream stays finished");
    let err = s.metric_points(&h, "nope").err().unwrap();
    assert_eq!(
        err.to_string(),
        format!("run {} has no metric 'nope'", info.run_id)
    );
    assert!(matches!(
        s.metric_points(&h, "../meta.yaml"),
        Err(Error::Value(_))
    ));
}

#[test]
fn artifact_locations_switch_between_relative_and_absolute() {
    let (t, s) = store();
    let e = s.create_experiment("e", None, &[]).unwrap();
    let info = s.create_run(&e, NewRun::default()).unwrap();
    let id = &info.run_id;
    let rel = info.artifact_uri.clone();
    let abs = s
        .set_artifact_location_form(id, LocationForm::Absolute)
        .unwrap()
        .artifact_uri;
    assert_eq!(
        abs,
        path_to_file_uri(&t.path().join(&rel)),
        "the same folder, as MLflow's Path.as_uri writes it"
    );
    // Switching twice is a no-op; what mlt reads is the same folder either way.
    let again = s
        .set_artifact_location_form(id, LocationForm::Absolute)
        .unwrap();
    assert_eq!(again.artifact_uri, abs);
    let h = s.find_run(id).unwrap();
    assert_eq!(h.info.artifact_uri, abs);
    assert_eq!(s.artifact_dir(&h).unwrap(), t.path().join(&rel));
    let back = s
        .set_artifact_location_form(id, LocationForm::Relative)
        .unwrap();
    assert_eq!(back.artifact_uri, rel);
    assert_eq!(s.find_run(id).unwrap().info.artifact_uri, rel);

    // A location outside the store, or with another scheme, stays as it is.
    for location in ["/elsewhere/art", "s3://bucket/art"] {
        let e = s
            .create_experiment(&format!("x{}", location.len()), Some(location), &[])
            .unwrap();
        let info = s.create_run(&e, NewRun::default()).unwrap();
        for form in [LocationForm::Absolute, LocationForm::Relative] {
            let after = s.set_artifact_location_form(&info.run_id, form).unwrap();
            assert_eq!(after.artifact_uri, info.artifact_uri);
        }
    }
}

#[test]
fn artifact_files_grow_in_place() {
    use std::io::Write;
    let (_t, s) = store();
    let e = s.create_experiment("e", None, &[]).unwrap();
    let info = s.create_run(&e, NewRun::default()).unwrap();
    let h = s.find_run(&info.run_id).unwrap();
    let (mut f, path) = s.create_artifact_file(&h, "logs/out.txt").unwrap();
    f.write_all(b"one\n").unwrap();
    let mut g = f.try_clone().unwrap();
    g.write_all(b"two\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
    let listed = s.list_artifacts(&h, None).unwrap();
    assert!(listed.iter().any(|a| a.path == "logs/out.txt"));
    // Opening it again starts it afresh.
    let (_f, _) = s.create_artifact_file(&h, "logs/out.txt").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    assert!(s.create_artifact_file(&h, "../escape.txt").is_err());
}

#[test]
fn reading_in_parallel_keeps_the_order_of_results_and_warnings() {
    use std::sync::{Arc, Mutex};
    let tmp = tempfile::tempdir().unwrap();
    let warnings: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let w = warnings.clone();
    let s = Store::new(tmp.path()).on_warning(move |m| w.lock().unwrap().push(m.into()));
    let items: Vec<usize> = (0..500).collect();
    let read = |&i: &usize| -> Result<usize> {
        // Later items finish first, and every third one warns twice.
        std::thread::sleep(std::time::Duration::from_micros((500 - i as u64) % 7));
        if i % 3 == 0 {
            s.warn(&format!("{i}a"));
            s.warn(&format!("{i}b"));
        }
        if i == 400 {
            return Err(Error::Invalid("bad".into()));
        }
        Ok(i * 2)
    };
    let got: Vec<usize> = s.par_map(&items[..300], read).map(|r| r.unwrap()).collect();
    assert_eq!(got, (0..300).map(|i| i * 2).collect::<Vec<_>>());
    let want: Vec<String> = (0..300)
        .filter(|i| i % 3 == 0)
        .flat_map(|i| [format!("{i}a"), format!("{i}b")])
        .collect();
    assert_eq!(*warnings.lock().unwrap(), want);

    // Stopping at the first error gives the warnings up to it, as reading in order would.
    warnings.lock().unwrap().clear();
    let r: Result<Vec<usize>> = s.par_map(&items, read).collect();
    assert!(matches!(r, Err(Error::Invalid(_))));
    let want: Vec<String> = (0..=400)
        .filter(|i| i % 3 == 0)
        .flat_map(|i| [format!("{i}a"), format!("{i}b")])
        .collect();
    assert_eq!(*warnings.lock().unwrap(), want);
}

/// One check decides whether a folder is a store, and its error says what the folder was for.
#[test]
fn require_names_the_role_of_a_folder_that_is_no_store() {
    let (tmp, s) = store();
    assert!(s.require().is_ok());
    let none = Store::new(tmp.path().join("none"));
    let role = |e: Error| match e {
        Error::NoStore { role, .. } => role,
        other => panic!("{other}"),
    };
    assert_eq!(role(none.require().unwrap_err()), StoreRole::Target);
    let e = s
        .plan_transfer(&none, &TransferScope::default(), TransferOptions::default())
        .err()
        .unwrap();
    assert!(
        e.to_string().starts_with("no store to take from at "),
        "{e}"
    );
    assert_eq!(role(e), StoreRole::TransferSource);
}
