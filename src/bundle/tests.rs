//! Bundles below the binary: export, verification, tar safety, import round trip.

use super::*;
use crate::entities::MetricPoint;
use crate::store::{Batch, NewRun, OnConflict};

/// A store with an experiment, a run with a metric, a param and an artifact, and a model.
fn source() -> (tempfile::TempDir, Store, String) {
    let tmp = tempfile::tempdir().unwrap();
    let s = Store::new(tmp.path().join("src"));
    s.init().unwrap();
    let e = s.create_experiment("vision", None, &[]).unwrap();
    let info = s.create_run(&e, NewRun::default()).unwrap();
    let h = s.find_run(&info.run_id).unwrap();
    let point = |step| MetricPoint {
        timestamp: 1000 + step,
        value: 0.5,
        step,
    };
    s.log_batch(
        &h,
        &Batch {
            metrics: vec![("loss".into(), point(0)), ("loss".into(), point(1))],
            params: vec![("lr".into(), "0.1".into())],
            tags: vec![],
        },
    )
    .unwrap();
    let files = tmp.path().join("files");
    std::fs::create_dir_all(files.join("model")).unwrap();
    std::fs::write(files.join("model/weights.bin"), [1u8, 2, 3]).unwrap();
    s.log_artifacts(&h, &files, None).unwrap();
    s.create_model_version(
        "clf",
        crate::store::NewVersion {
            source: format!("runs:/{}/model", info.run_id),
            run_id: Some(info.run_id.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    (tmp, s, info.run_id)
}

fn export_to(s: &Store, dest: &Path) -> Exported {
    export(
        s,
        &ExportRequest {
            dest,
            selection: &TransferScope::default(),
            described: SelectionRecord {
                everything: true,
                ..Default::default()
            },
            artifacts: true,
        },
        &mut |_| {},
    )
    .unwrap()
}

fn files_under(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(root).unwrap().display().to_string();
        if rel.starts_with(".mlt") || rel == "mlruns/0/meta.yaml" {
            continue;
        }
        let content = if e.file_type().is_file() {
            std::fs::read(e.path()).unwrap()
        } else {
            Vec::new()
        };
        out.push((rel, content));
    }
    out
}

#[test]
fn a_shared_experiment_renamed_on_one_side_is_warned_about() {
    let (tmp, a, _) = source();
    let b = Store::new(tmp.path().join("b"));
    let take = |into: &Store, from: &Store| {
        let plan = into
            .plan_transfer(from, &TransferScope::default(), Default::default())
            .unwrap();
        let warnings = plan.warnings.clone();
        plan.apply(&mut |_| {}).unwrap();
        warnings
    };
    take(&b, &a);
    assert!(take(&a, &b).iter().all(|w| !w.contains("renamed")));
    b.rename_experiment("vision", "vision-2").unwrap();
    let w = take(&a, &b);
    assert!(
        w.iter()
            .any(|w| w.contains("is 'vision' here and 'vision-2' in the source")),
        "{w:?}"
    );
    // Two experiments that only happen to share an id (MLflow's old counting ids) are not.
    let c = Store::new(tmp.path().join("c"));
    c.init().unwrap();
    let d = Store::new(tmp.path().join("d"));
    d.init().unwrap();
    c.rename_experiment("0", "mine").unwrap();
    let meta = d.tracking().join("0/meta.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let other_time = text
        .lines()
        .map(|l| match l.strip_prefix("creation_time: ") {
            Some(_) => "creation_time: 1".to_string(),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&meta, other_time + "\n").unwrap();
    assert!(take(&c, &d).iter().all(|w| !w.contains("renamed")));
}

#[test]
fn export_progress_counts_runs_as_runs_and_files_as_files() {
    use crate::store::transfer::Stage;
    let (tmp, s, _) = source();
    let mut seen: Vec<(Stage, u64, u64)> = Vec::new();
    let e = export(
        &s,
        &ExportRequest {
            dest: &tmp.path().join("b"),
            selection: &TransferScope::default(),
            described: SelectionRecord::default(),
            artifacts: true,
        },
        &mut |p| seen.push((p.stage, p.done, p.total)),
    )
    .unwrap();
    // Each stage counts only its own things, up to its own total.
    let last = |stage| seen.iter().rev().find(|x| x.0 == stage).copied();
    assert_eq!(last(Stage::Experiments), Some((Stage::Experiments, 2, 2)));
    assert_eq!(last(Stage::Runs), Some((Stage::Runs, 1, 1)));
    assert_eq!(last(Stage::Models), Some((Stage::Models, 1, 1)));
    let files = e.manifest.total_files;
    assert_eq!(last(Stage::Files), Some((Stage::Files, files, files)));
    assert!(seen.iter().all(|(_, done, total)| done <= total));
}

#[test]
fn a_bundle_lists_every_file_with_its_checksum() {
    let (tmp, s, run) = source();
    let dest = tmp.path().join("b");
    let out = export_to(&s, &dest);
    let m = &out.manifest;
    assert_eq!(m.format, "mlt-bundle");
    assert_eq!(m.counts.runs, 1);
    assert_eq!(m.counts.metric_points, 2);
    assert_eq!(m.counts.artifacts, 1);
    assert_eq!(m.counts.artifact_bytes, 3);
    assert_eq!(m.counts.model_versions, 1);
    assert_eq!(m.total_files as usize, m.files.len());
    assert!(
        m.files
            .iter()
            .any(|f| f.path.ends_with("artifacts/model/weights.bin"))
    );
    assert!(
        !dest.join(".mlt").exists(),
        "no lock or scratch in a bundle"
    );
    let vision = m
        .contents
        .experiments
        .iter()
        .find(|e| e.name == "vision")
        .unwrap();
    assert_eq!(vision.runs, vec![run]);
    assert_eq!(verify(&dest).unwrap(), *m);
}

#[test]
fn verification_refuses_changed_missing_extra_and_linked_files() {
    let (tmp, s, _) = source();
    let dest = tmp.path().join("b");
    let out = export_to(&s, &dest);
    let first = dest.join(&out.manifest.files[0].path);
    let original = std::fs::read(&first).unwrap();
    let expect = |needle: &str| {
        let e = verify(&dest).unwrap_err().to_string();
        assert!(e.contains(needle), "{e}");
    };

    let mut changed = original.clone();
    changed[0] ^= 1;
    std::fs::write(&first, &changed).unwrap();
    expect("SHA-256 differs");
    std::fs::remove_file(&first).unwrap();
    expect("is missing");
    std::fs::write(&first, &original).unwrap();
    verify(&dest).unwrap();

    std::fs::write(dest.join("mlruns/extra"), "x").unwrap();
    expect("mlruns/extra is not in the manifest");
    std::fs::remove_file(dest.join("mlruns/extra")).unwrap();

    std::os::unix::fs::symlink("/etc", dest.join("mlruns/evil")).unwrap();
    expect("mlruns/evil is a symbolic link (to /etc)");
    std::fs::remove_file(dest.join("mlruns/evil")).unwrap();

    // A manifest naming a path outside the bundle.
    let mut m = out.manifest.clone();
    m.files[0].path = "../../etc/passwd".into();
    m.write(&dest).unwrap();
    expect("climbs out of the bundle");
    m.files[0].path = "/etc/passwd".into();
    m.write(&dest).unwrap();
    expect("is an absolute path");
}

#[test]
fn relative_paths_only() {
    assert!(manifest::check_relative("mlruns/0/meta.yaml").is_ok());
    for bad in ["", "/etc", "a/../b", "..", "a//b", "./a", "a\\b"] {
        assert!(manifest::check_relative(bad).is_err(), "{bad}");
    }
}

/// A .tar.gz with one entry written as given (the tar crate refuses to build bad names).
fn evil_tar(path: &Path, name: &str, kind: tar::EntryType, link: Option<&str>) {
    let file = std::fs::File::create(path).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut b = tar::Builder::new(gz);
    let mut h = tar::Header::new_gnu();
    let bytes = name.as_bytes();
    h.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
    h.set_entry_type(kind);
    h.set_mode(0o644);
    if let Some(l) = link {
        h.as_old_mut().linkname[..l.len()].copy_from_slice(l.as_bytes());
        h.set_size(0);
        h.set_cksum();
        b.append(&h, std::io::empty()).unwrap();
    } else {
        h.set_size(1);
        h.set_cksum();
        b.append(&h, &b"x"[..]).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap();
}

#[test]
fn unpacking_refuses_escaping_paths_and_links() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("../../x", tar::EntryType::Regular, None, "climbs out"),
        ("/abs/x", tar::EntryType::Regular, None, "absolute path"),
        (
            "etc",
            tar::EntryType::Symlink,
            Some("/etc"),
            "is a link (to /etc)",
        ),
        ("h", tar::EntryType::Link, Some("/etc/passwd"), "is a link"),
        ("dev", tar::EntryType::Char, None, "not a file or a folder"),
    ];
    for (i, (name, kind, link, needle)) in cases.into_iter().enumerate() {
        let archive = tmp.path().join(format!("evil-{i}.tar.gz"));
        evil_tar(&archive, name, kind, link);
        let out = tmp.path().join(format!("out-{i}"));
        std::fs::create_dir(&out).unwrap();
        let e = unpack(&archive, &out).unwrap_err().to_string();
        assert!(e.contains(needle), "{name}: {e}");
        assert!(!tmp.path().join("x").exists());
        // And through `open`, which is what import uses.
        assert!(matches!(open(&archive, None), Err(Error::Rejected(_))));
    }
}

#[test]
fn tarball_round_trip_then_import_twice() {
    let (tmp, s, run) = source();
    let dest = tmp.path().join("b.tar.gz");
    let out = export_to(&s, &dest);
    let Opened::Bundle {
        dir,
        manifest,
        _tmp,
    } = open(&dest, None).unwrap()
    else {
        panic!("not a bundle")
    };
    assert_eq!(*manifest, out.manifest);
    let target = Store::new(tmp.path().join("dst"));
    target.init().unwrap();
    let source = Store::new(&dir);
    let plan = target
        .plan_transfer(&source, &TransferScope::default(), Default::default())
        .unwrap();
    assert!(plan.conflicts().is_empty());
    let r = plan.apply(&mut |_| {}).unwrap();
    assert_eq!(r.imported.runs, manifest.counts.runs);
    assert_eq!(r.imported.metric_points, manifest.counts.metric_points);
    assert_eq!(r.imported.artifact_bytes, manifest.counts.artifact_bytes);
    // Every file as in the source store (Default is the target's own).
    assert_eq!(files_under(target.root()), files_under(s.root()));
    assert_eq!(target.find_run(&run).unwrap().info.run_id, run);

    // Twice: nothing changes.
    let before = files_under(target.root());
    let plan = target
        .plan_transfer(&source, &TransferScope::default(), Default::default())
        .unwrap();
    assert_eq!(plan.units(), 0);
    let r = plan.apply(&mut |_| {}).unwrap();
    assert!(r.imported.is_zero());
    assert_eq!(r.unchanged.runs, 1);
    assert_eq!(r.unchanged.model_versions, 1);
    assert_eq!(files_under(target.root()), before);
}

#[test]
fn conflicts_are_reported_per_run_and_settled_as_asked() {
    let (tmp, s, run) = source();
    let other = Store::new(tmp.path().join("other"));
    other.init().unwrap();
    other
        .plan_transfer(&s, &TransferScope::default(), Default::default())
        .unwrap()
        .apply(&mut |_| {})
        .unwrap();
    // The run goes on here: one more point.
    let h = s.find_run(&run).unwrap();
    s.log_batch(
        &h,
        &Batch {
            metrics: vec![(
                "loss".into(),
                MetricPoint {
                    timestamp: 9,
                    value: 0.1,
                    step: 2,
                },
            )],
            ..Default::default()
        },
    )
    .unwrap();
    let opts = |on_conflict| crate::store::TransferOptions {
        on_conflict,
        artifacts: true,
        own_source: false,
        dry_run: false,
    };
    let plan = other
        .plan_transfer(&s, &TransferScope::default(), opts(OnConflict::Fail))
        .unwrap();
    assert_eq!(plan.conflicts().len(), 1);
    let c = &plan.conflicts()[0];
    assert_eq!((c.kind, c.id.as_str()), ("run", run.as_str()));
    assert_eq!(
        c.reason,
        "differs in metrics/loss (2 points here, 3 in the source)"
    );
    drop(plan);
    let settle = |on_conflict| {
        other
            .plan_transfer(&s, &TransferScope::default(), opts(on_conflict))
            .unwrap()
            .apply(&mut |_| {})
            .unwrap()
    };
    let skipped = settle(OnConflict::Skip);
    assert_eq!(skipped.skipped.runs, 1);
    assert_eq!(other.metric_history(&run, "loss").unwrap().len(), 2);
    let over = settle(OnConflict::Overwrite);
    assert_eq!(over.overwritten.runs, 1);
    assert_eq!(other.metric_history(&run, "loss").unwrap().len(), 3);
}

#[test]
fn an_experiment_id_taken_here_gets_a_new_id_and_its_runs_follow() {
    let (tmp, s, run) = source();
    let vision = s.experiment("vision").unwrap();
    // Here, another experiment already has vision's id (old sequential ids collide so).
    let target = Store::new(tmp.path().join("dst"));
    target.init().unwrap();
    let other = target.create_experiment("other", None, &[]).unwrap();
    let from = target.tracking().join(&other.experiment_id);
    let to = target.tracking().join(&vision.experiment_id);
    std::fs::rename(&from, &to).unwrap();
    let meta = std::fs::read_to_string(to.join("meta.yaml")).unwrap();
    std::fs::write(
        to.join("meta.yaml"),
        meta.replace(&other.experiment_id, &vision.experiment_id),
    )
    .unwrap();
    let r = target
        .plan_transfer(&s, &TransferScope::default(), Default::default())
        .unwrap()
        .apply(&mut |_| {})
        .unwrap();
    let (name, new_id) = &r.experiments_created[0];
    assert_eq!(name, "vision");
    assert_ne!(new_id, &vision.experiment_id);
    let e = target.experiment("vision").unwrap();
    assert_eq!(&e.experiment_id, new_id);
    assert_eq!(e.artifact_location, format!("mlruns/{new_id}"));
    let h = target.find_run(&run).unwrap();
    assert_eq!(&h.info.experiment_id, new_id);
    assert_eq!(
        h.info.artifact_uri,
        format!("mlruns/{new_id}/{run}/artifacts")
    );
    assert_eq!(target.list_artifacts(&h, None).unwrap().len(), 2);
    assert_eq!(
        target.experiment("other").unwrap().experiment_id,
        vision.experiment_id
    );
    // The version's run came along; its source names the run, so it still resolves.
    assert!(
        target
            .model_files("models:/clf/1")
            .unwrap()
            .ends_with("model")
    );
}

// ---------------------------------------------------------------------------------------
// Bundle attacks: each archive below is refused, and unpacking stops at the first entry that
// is not what the manifest announces, writing nothing of it.

/// One tar entry: name, type, content, link target.
struct Raw<'a> {
    name: &'a str,
    kind: tar::EntryType,
    data: Vec<u8>,
    link: Option<&'a str>,
}

fn file<'a>(name: &'a str, data: impl Into<Vec<u8>>) -> Raw<'a> {
    Raw {
        name,
        kind: tar::EntryType::Regular,
        data: data.into(),
        link: None,
    }
}

/// A .tar.gz of the given entries, names written as given.
fn raw_tar(path: &Path, entries: &[Raw]) {
    let f = std::fs::File::create(path).unwrap();
    let gz = flate2::write::GzEncoder::new(f, flate2::Compression::default());
    let mut b = tar::Builder::new(gz);
    for e in entries {
        let mut h = tar::Header::new_gnu();
        let bytes = e.name.as_bytes();
        h.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
        h.set_entry_type(e.kind);
        h.set_mode(0o644);
        if let Some(l) = e.link {
            h.as_old_mut().linkname[..l.len()].copy_from_slice(l.as_bytes());
        }
        h.set_size(e.data.len() as u64);
        h.set_cksum();
        b.append(&h, &e.data[..]).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap();
}

/// A real bundle folder: its manifest's bytes, and (path, content) of every file it lists.
type Listed = Vec<(String, Vec<u8>)>;

fn real_bundle() -> (tempfile::TempDir, Vec<u8>, Listed) {
    let (tmp, s, _run) = source();
    let dest = tmp.path().join("bundle");
    let out = export_to(&s, &dest);
    let manifest = std::fs::read(dest.join(MANIFEST)).unwrap();
    let files = out
        .manifest
        .files
        .iter()
        .map(|f| (f.path.clone(), std::fs::read(dest.join(&f.path)).unwrap()))
        .collect();
    (tmp, manifest, files)
}

/// Bytes written under a folder.
fn bytes_under(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

/// Unpacks through `open` (what import does) and through `unpack`; both must refuse with
/// `needle`, and `unpack` must have written at most `max_bytes`.
fn refused(tmp: &Path, name: &str, entries: &[Raw], needle: &str, max_bytes: u64) {
    let archive = tmp.join(format!("{name}.tar.gz"));
    raw_tar(&archive, entries);
    let out = tmp.join(format!("out-{name}"));
    std::fs::create_dir(&out).unwrap();
    let e = unpack(&archive, &out).unwrap_err().to_string();
    assert!(e.contains(needle), "{name}: {e}");
    assert!(
        bytes_under(&out) <= max_bytes,
        "{name}: {} bytes written",
        bytes_under(&out)
    );
    let e = match open(&archive, None) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("{name}: opened"),
    };
    assert!(e.contains(needle), "{name} via open: {e}");
}

#[test]
fn a_lying_archive_stops_at_its_first_excess_entry() {
    let (tmp, manifest, files) = real_bundle();
    let t = tmp.path();
    let m = || file(MANIFEST, manifest.clone());
    let listed = |i: usize| file(&files[i].0, files[i].1.clone());
    let all: Vec<Raw> = (0..files.len()).map(listed).collect();
    let small: u64 = manifest.len() as u64 + files.iter().map(|f| f.1.len() as u64).sum::<u64>();
    // Honest: opens.
    let mut honest = vec![m()];
    honest.extend((0..files.len()).map(listed));
    raw_tar(&t.join("honest.tar.gz"), &honest);
    assert!(open(&t.join("honest.tar.gz"), None).is_ok());

    // A gzip bomb: a listed file that unpacks to 64 MiB of zeros (64 KiB compressed) where
    // the manifest says a few bytes. Nothing of it is written.
    let weights = files
        .iter()
        .position(|f| f.0.ends_with("weights.bin"))
        .unwrap();
    let mut bomb = vec![m()];
    bomb.push(file(&files[weights].0, vec![0u8; 64 << 20]));
    refused(
        t,
        "bomb",
        &bomb,
        "67108864 bytes in the archive; its manifest says 3",
        manifest.len() as u64,
    );
    assert!(std::fs::metadata(t.join("bomb.tar.gz")).unwrap().len() < 1 << 20);

    // An entry the manifest does not list, after every listed one.
    let mut extra = vec![m()];
    extra.extend((0..files.len()).map(listed));
    extra.push(file("mlruns/extra.bin", vec![7u8; 1 << 20]));
    refused(
        t,
        "extra",
        &extra,
        "'mlruns/extra.bin', which its manifest does not list",
        small,
    );

    // The same file twice.
    let mut twice = vec![m(), listed(0), listed(0)];
    twice.extend((1..files.len()).map(listed));
    refused(t, "twice", &twice, "twice", small);

    // A listed file cut short: same name, fewer bytes.
    let mut short = vec![m()];
    short.push(file(&files[weights].0, vec![1u8]));
    refused(
        t,
        "short",
        &short,
        "1 bytes in the archive; its manifest says 3",
        manifest.len() as u64,
    );

    // A manifest whose totals lie.
    let mut lie: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    lie["total_bytes"] = (1u64 << 40).into();
    let lie = serde_json::to_vec(&lie).unwrap();
    let mut lying = vec![file(MANIFEST, lie)];
    lying.extend((0..files.len()).map(listed));
    refused(t, "totals", &lying, "lists", 0);

    // A listed file with other bytes of the same size: the checksum catches it.
    let mut changed = vec![m()];
    for (i, f) in files.iter().enumerate() {
        if i == weights {
            changed.push(file(&f.0, vec![9u8, 9, 9]));
        } else {
            changed.push(listed(i));
        }
    }
    raw_tar(&t.join("sha.tar.gz"), &changed);
    let e = match open(&t.join("sha.tar.gz"), None) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("opened"),
    };
    assert!(e.contains("SHA-256 differs"), "{e}");

    // No manifest at all: nothing is written.
    refused(t, "nomanifest", &all, "holds no manifest.json", 0);

    // Links, devices, `..` and absolute names, even after the manifest.
    for (name, kind, link, needle) in [
        (
            "mlruns/l",
            tar::EntryType::Symlink,
            Some("/etc/hostname"),
            "is a link (to /etc/hostname)",
        ),
        (
            "mlruns/h",
            tar::EntryType::Link,
            Some("/etc/passwd"),
            "is a link",
        ),
        (
            "mlruns/dev",
            tar::EntryType::Char,
            None,
            "not a file or a folder",
        ),
        (
            "mlruns/fifo",
            tar::EntryType::Fifo,
            None,
            "not a file or a folder",
        ),
        ("../../escape", tar::EntryType::Regular, None, "climbs out"),
        (
            "/abs/escape",
            tar::EntryType::Regular,
            None,
            "absolute path",
        ),
    ] {
        let entries = vec![
            m(),
            Raw {
                name,
                kind,
                data: Vec::new(),
                link,
            },
        ];
        refused(
            t,
            name.replace('/', "_").trim_start_matches('_'),
            &entries,
            needle,
            manifest.len() as u64,
        );
    }
    assert!(!t.join("escape").exists() && !Path::new("/abs/escape").exists());
}

#[test]
fn a_bundle_artifact_uri_outside_it_is_not_read() {
    let (tmp, s, run) = source();
    let secret_dir = tmp.path().join("private");
    std::fs::create_dir_all(&secret_dir).unwrap();
    std::fs::write(secret_dir.join("id_rsa"), "PRIVATE KEY").unwrap();
    let dest = tmp.path().join("bundle");
    export_to(&s, &dest);
    // Point the run at the private folder, and make the manifest agree (it proves only that
    // the bundle agrees with itself).
    let bundle_store = Store::new(&dest);
    let h = bundle_store.find_run(&run).unwrap();
    let meta = h.dir.join("meta.yaml");
    for uri in [
        format!("file://{}", secret_dir.display()),
        format!("mlruns/../../{}", "private"),
    ] {
        let text = std::fs::read_to_string(&meta).unwrap();
        let old = text
            .lines()
            .find(|l| l.starts_with("artifact_uri:"))
            .unwrap()
            .to_string();
        std::fs::write(&meta, text.replace(&old, &format!("artifact_uri: {uri}"))).unwrap();
        let old = Manifest::read(&dest).unwrap();
        Manifest::build(
            &dest,
            &bundle_store,
            old.selection,
            true,
            old.counts,
            &mut |_| {},
        )
        .unwrap()
        .write(&dest)
        .unwrap();
        let Opened::Bundle { dir, .. } = open(&dest, None).unwrap() else {
            panic!("not a bundle")
        };
        let target = Store::new(tmp.path().join(format!("dst-{}", uri.len())));
        target.init().unwrap();
        let source = Store::new(&dir);
        let plan = target
            .plan_transfer(&source, &TransferScope::default(), Default::default())
            .unwrap();
        assert!(
            plan.warnings
                .iter()
                .any(|w| w.contains(&run) && w.contains("outside the source")),
            "{:?}",
            plan.warnings
        );
        plan.apply(&mut |_| {}).unwrap();
        let th = target.find_run(&run).unwrap();
        assert!(target.list_artifacts(&th, None).unwrap().is_empty());
        for e in walkdir::WalkDir::new(target.root()).into_iter().flatten() {
            if e.file_type().is_file() {
                assert_ne!(
                    std::fs::read(e.path()).unwrap(),
                    b"PRIVATE KEY",
                    "{:?}",
                    e.path()
                );
            }
        }
    }
}

#[test]
fn export_leaves_out_links_out_of_the_store() {
    let (tmp, s, run) = source();
    std::fs::write(tmp.path().join("secret.txt"), "SECRET").unwrap();
    let h = s.find_run(&run).unwrap();
    let art = s.artifact_dir(&h).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), art.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), art.join("up")).unwrap();
    let dest = tmp.path().join("b.tar.gz");
    let out = export_to(&s, &dest);
    assert!(
        out.warnings
            .iter()
            .any(|w| w.contains("leak.txt is a link out")),
        "{:?}",
        out.warnings
    );
    assert!(
        out.manifest
            .files
            .iter()
            .all(|f| !f.path.contains("leak") && !f.path.contains("/up/")),
        "{:?}",
        out.manifest.files
    );
    assert!(
        out.manifest
            .files
            .iter()
            .any(|f| f.path.ends_with("weights.bin"))
    );
}
