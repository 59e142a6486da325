//! The artifacts step against a real `mlt server` (its artifact proxy, which has no multipart
//! uploads), and against a fake server that lists hostile paths.

use super::*;
use crate::app::sync::Options;
use crate::proto::tracking::CreateRun;
use crate::remote::{Remote, Settings};
use crate::server::Spawned;
use crate::store::{NewRun, Store};
use std::io::{Read, Write};

struct Side {
    _tmp: tempfile::TempDir,
    store: Store,
}

fn side() -> Side {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::new(tmp.path().join("store"));
    store.init().unwrap();
    Side { _tmp: tmp, store }
}

fn local_run(store: &Store) -> RunHandle {
    let e = match store.create_experiment("local", None, &[]) {
        Ok(e) => e,
        Err(_) => store.experiment_by_name("local").unwrap().unwrap(),
    };
    let info = store.create_run(&e, NewRun::default()).unwrap();
    store.find_run(&info.run_id).unwrap()
}

/// A run on the server: its id and artifact location.
fn remote_run(remote: &Remote) -> (String, String) {
    let exp = remote.create_experiment("team", Vec::new()).unwrap();
    let run = remote
        .create_run(&CreateRun {
            experiment_id: Some(exp),
            start_time: Some(1_700_000_000_000),
            ..CreateRun::default()
        })
        .unwrap();
    (run.info.run_id, run.info.artifact_uri)
}

/// Small thresholds, so the big file takes the multipart path (which mlt server declines).
fn transfer() -> Transfer {
    Transfer::new(
        Thresholds {
            minimum: 1 << 20,
            chunk: 5 << 20,
            proxy: true,
        },
        Err(crate::remote::Error::Config("no S3 here".into())),
    )
}

fn bytes(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// The files of a run's artifacts folder, path → content.
fn files_of(store: &Store, h: &RunHandle) -> BTreeMap<String, Vec<u8>> {
    store
        .run_artifact_files(h)
        .unwrap()
        .into_iter()
        .map(|f| (f.rel, std::fs::read(&f.path).unwrap()))
        .collect()
}

fn write_artifacts(store: &Store, h: &RunHandle, files: &[(&str, Vec<u8>)]) {
    let dir = store.artifact_dir(h).unwrap();
    for (rel, content) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
}

#[test]
fn files_arrive_byte_for_byte_once_and_changes_are_sent_again() {
    let here = side();
    let there = side();
    let server = Spawned::new(Store::new(there.store.root()));
    let remote = Remote::new(&server.url, Settings::default()).unwrap();
    let (remote_id, uri) = remote_run(&remote);
    assert!(uri.starts_with("mlflow-artifacts:"), "{uri}");
    let h = local_run(&here.store);
    let files = [
        ("empty.txt", Vec::new()),
        ("a.txt", b"hello".to_vec()),
        ("model/MLmodel", bytes(300 << 10, 1)),
        ("model/data/deep/weights.bin", bytes((2 << 20) + 3, 2)),
        ("with space & ü.txt", b"odd name".to_vec()),
    ];
    write_artifacts(&here.store, &h, &files);
    let total: u64 = files.iter().map(|(_, c)| c.len() as u64).sum();
    let t = transfer();
    let mut progress = |_| {};
    let s = Session::new(&here.store, &remote, Options::default(), &mut progress);
    let mut link = RunLink {
        remote_id: remote_id.clone(),
        ..RunLink::default()
    };
    push_run_with(&s, &t, &h, &uri, &mut link).unwrap();
    assert_eq!(s.tally().artifacts, files.len() as u64);
    assert_eq!(s.tally().artifact_bytes, total);
    assert_eq!(link.artifacts.len(), files.len());
    // On the server, in its store, byte for byte.
    let remote_h = there.store.find_run(&remote_id).unwrap();
    let got = files_of(&there.store, &remote_h);
    let want: BTreeMap<String, Vec<u8>> = files
        .iter()
        .map(|(r, c)| (r.to_string(), c.clone()))
        .collect();
    assert_eq!(got, want);
    // The link in the map holds the stamps too (a killed push would not send them again).
    let saved: RunLink = s.link(Kind::Run, &h.info.run_id).unwrap();
    assert_eq!(saved.artifacts, link.artifacts);
    assert_eq!(saved.remote_id, remote_id);

    // Again: nothing sent.
    let s = Session::new(&here.store, &remote, Options::default(), &mut progress);
    push_run_with(&s, &t, &h, &uri, &mut link).unwrap();
    assert_eq!(s.tally().artifacts, 0);
    assert!(s.tally().is_nothing());

    // A changed file (another size and time) and a new one are sent; a removed one stays there.
    let dir = here.store.artifact_dir(&h).unwrap();
    std::fs::write(dir.join("a.txt"), b"hello, again").unwrap();
    std::fs::write(dir.join("model/new.txt"), b"new").unwrap();
    std::fs::remove_file(dir.join("empty.txt")).unwrap();
    let s = Session::new(&here.store, &remote, Options::default(), &mut progress);
    push_run_with(&s, &t, &h, &uri, &mut link).unwrap();
    assert_eq!(s.tally().artifacts, 2);
    assert_eq!(s.tally().artifact_bytes, 12 + 3);
    let got = files_of(&there.store, &remote_h);
    assert_eq!(got["a.txt"], b"hello, again");
    assert_eq!(got["model/new.txt"], b"new");
    assert!(
        got.contains_key("empty.txt"),
        "a file removed here stays there"
    );

    // Same size, new time: sent again.
    let f = std::fs::File::options()
        .write(true)
        .open(dir.join("a.txt"))
        .unwrap();
    f.set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000))
        .unwrap();
    std::fs::write(dir.join("a.txt"), b"HELLO, AGAIN").unwrap();
    f.set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(2_000))
        .unwrap();
    let s = Session::new(&here.store, &remote, Options::default(), &mut progress);
    push_run_with(&s, &t, &h, &uri, &mut link).unwrap();
    assert_eq!(s.tally().artifacts, 1);
    assert_eq!(files_of(&there.store, &remote_h)["a.txt"], b"HELLO, AGAIN");

    // Pulled into another store: byte for byte, then nothing the second time.
    let elsewhere = side();
    let h2 = local_run(&elsewhere.store);
    let s = Session::new(&elsewhere.store, &remote, Options::default(), &mut progress);
    let mut link2 = RunLink {
        remote_id: remote_id.clone(),
        pulled: true,
        ..RunLink::default()
    };
    pull_run_with(&s, &t, &uri, &h2, &mut link2).unwrap();
    let pulled = files_of(&elsewhere.store, &h2);
    assert_eq!(pulled, files_of(&there.store, &remote_h));
    assert_eq!(s.tally().artifacts, pulled.len() as u64);
    assert_eq!(
        s.tally().artifact_bytes,
        pulled.values().map(|c| c.len() as u64).sum::<u64>()
    );
    let saved: RunLink = s.link(Kind::Run, &h2.info.run_id).unwrap();
    assert_eq!(saved.artifacts.len(), pulled.len());
    let s = Session::new(&elsewhere.store, &remote, Options::default(), &mut progress);
    pull_run_with(&s, &t, &uri, &h2, &mut link2).unwrap();
    assert_eq!(s.tally().artifacts, 0);
    // A file lost here is fetched again; nothing else is.
    let dir2 = elsewhere.store.artifact_dir(&h2).unwrap();
    std::fs::remove_file(dir2.join("model/MLmodel")).unwrap();
    let s = Session::new(&elsewhere.store, &remote, Options::default(), &mut progress);
    pull_run_with(&s, &t, &uri, &h2, &mut link2).unwrap();
    assert_eq!(s.tally().artifacts, 1);
    assert_eq!(
        std::fs::read(dir2.join("model/MLmodel")).unwrap(),
        files[2].1
    );
    // What was pulled is not pushed back.
    let s = Session::new(&elsewhere.store, &remote, Options::default(), &mut progress);
    push_run_with(&s, &t, &h2, &uri, &mut link2).unwrap();
    assert_eq!(s.tally().artifacts, 0);
}

#[test]
fn a_dry_run_counts_and_sends_nothing() {
    let here = side();
    let there = side();
    let server = Spawned::new(Store::new(there.store.root()));
    let remote = Remote::new(&server.url, Settings::default()).unwrap();
    let (remote_id, uri) = remote_run(&remote);
    let h = local_run(&here.store);
    write_artifacts(&here.store, &h, &[("x/y.txt", b"12345".to_vec())]);
    let mut progress = |_| {};
    let dry = Options {
        dry_run: true,
        ..Options::default()
    };
    let s = Session::new(&here.store, &remote, dry.clone(), &mut progress);
    let mut link = RunLink {
        remote_id: remote_id.clone(),
        ..RunLink::default()
    };
    push_run_with(&s, &transfer(), &h, &uri, &mut link).unwrap();
    assert_eq!((s.tally().artifacts, s.tally().artifact_bytes), (1, 5));
    assert!(link.artifacts.is_empty());
    assert!(s.link::<RunLink>(Kind::Run, &h.info.run_id).is_none());
    let remote_h = there.store.find_run(&remote_id).unwrap();
    assert!(files_of(&there.store, &remote_h).is_empty());
    // A run the dry run would create has no location there yet: its files are counted.
    let s = Session::new(&here.store, &remote, dry.clone(), &mut progress);
    push_run_with(&s, &transfer(), &h, "", &mut RunLink::default()).unwrap();
    assert_eq!((s.tally().artifacts, s.tally().artifact_bytes), (1, 5));
    // A dry pull of a server with files fetches nothing either.
    push_run_with(
        &Session::new(&here.store, &remote, Options::default(), &mut progress),
        &transfer(),
        &h,
        &uri,
        &mut link,
    )
    .unwrap();
    let elsewhere = side();
    let h2 = local_run(&elsewhere.store);
    let s = Session::new(&elsewhere.store, &remote, dry, &mut progress);
    let mut link2 = RunLink::default();
    pull_run_with(&s, &transfer(), &uri, &h2, &mut link2).unwrap();
    assert_eq!((s.tally().artifacts, s.tally().artifact_bytes), (1, 5));
    assert!(files_of(&elsewhere.store, &h2).is_empty());
}

#[test]
fn locations_mlt_cannot_reach_are_clear_errors_only_when_files_must_move() {
    let here = side();
    let there = side();
    let server = Spawned::new(Store::new(there.store.root()));
    let remote = Remote::new(&server.url, Settings::default()).unwrap();
    let h = local_run(&here.store);
    let mut progress = |_| {};
    let s = Session::new(&here.store, &remote, Options::default(), &mut progress);
    let mut link = RunLink::default();
    // No files: nothing to move, nothing to refuse.
    push_run_with(
        &s,
        &transfer(),
        &h,
        "file:///srv/mlruns/1/r/artifacts",
        &mut link,
    )
    .unwrap();
    write_artifacts(&here.store, &h, &[("f.txt", b"f".to_vec())]);
    for uri in [
        "file:///srv/mlruns/1/r/artifacts",
        "/srv/mlruns/1/r/artifacts",
        "gs://b/k",
    ] {
        let e = push_run_with(&s, &transfer(), &h, uri, &mut link)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not served by the server"), "{e}");
    }
    // S3 without credentials: the variables are named.
    let no_creds = Transfer::new(
        Thresholds::default(),
        crate::remote::s3::S3Config::from_env(|_| None),
    );
    let e = push_run_with(&s, &no_creds, &h, "s3://bucket/1/r/artifacts", &mut link)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("AWS_ACCESS_KEY_ID") && e.contains("AWS_SECRET_ACCESS_KEY"),
        "{e}"
    );
    assert!(link.artifacts.is_empty());
}

#[test]
fn a_link_out_of_the_store_is_not_sent() {
    let here = side();
    let there = side();
    let server = Spawned::new(Store::new(there.store.root()));
    let remote = Remote::new(&server.url, Settings::default()).unwrap();
    let (remote_id, uri) = remote_run(&remote);
    let warnings = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let w = warnings.clone();
    let store = Store::new(here.store.root()).on_warning(move |m| w.lock().unwrap().push(m.into()));
    let h = local_run(&store);
    write_artifacts(&store, &h, &[("inside.txt", b"in".to_vec())]);
    let secret = here._tmp.path().join("secret.txt");
    std::fs::write(&secret, "secret").unwrap();
    let dir = store.artifact_dir(&h).unwrap();
    std::os::unix::fs::symlink(&secret, dir.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(dir.join("inside.txt"), dir.join("alias.txt")).unwrap();
    let mut progress = |_| {};
    let s = Session::new(&store, &remote, Options::default(), &mut progress);
    let mut link = RunLink::default();
    push_run_with(&s, &transfer(), &h, &uri, &mut link).unwrap();
    let remote_h = there.store.find_run(&remote_id).unwrap();
    let got = files_of(&there.store, &remote_h);
    assert_eq!(got.keys().collect::<Vec<_>>(), ["alias.txt", "inside.txt"]);
    assert_eq!(got["alias.txt"], b"in");
    let w = warnings.lock().unwrap();
    assert!(w.iter().any(|m| m.contains("leak.txt")), "{w:?}");
}

#[test]
fn listed_names_must_be_plain() {
    assert_eq!(child_name("1/r/artifacts", "a.txt").unwrap(), "a.txt");
    assert_eq!(
        child_name("1/r/artifacts/d", "1/r/artifacts/d/a.txt").unwrap(),
        "a.txt"
    );
    for bad in [
        "..",
        ".",
        "",
        "a/b",
        "../../etc/passwd",
        "/etc/passwd",
        "a\\b",
        "1/r/artifacts/d/../x",
    ] {
        assert!(child_name("1/r/artifacts/d", bad).is_err(), "{bad:?}");
    }
}

/// A server that answers every request with `body` (JSON), as a hostile one might.
fn fake_server(body: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut c) = conn else { return };
            let mut buf = [0u8; 4096];
            let _ = c.read(&mut buf);
            let _ = write!(
                c,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn a_hostile_listing_is_refused_and_nothing_is_written() {
    for body in [
        r#"{"files":[{"path":"ok.txt","is_dir":false,"file_size":2},{"path":"..","is_dir":true}]}"#,
        r#"{"files":[{"path":"../../escape.txt","is_dir":false,"file_size":2}]}"#,
        r#"{"files":[{"path":"/etc/passwd","is_dir":false,"file_size":2}]}"#,
    ] {
        let url = fake_server(body);
        let remote = Remote::new(&url, Settings::default()).unwrap();
        let here = side();
        let h = local_run(&here.store);
        let mut progress = |_| {};
        let s = Session::new(&here.store, &remote, Options::default(), &mut progress);
        let mut link = RunLink::default();
        let e = pull_run_with(
            &s,
            &transfer(),
            "mlflow-artifacts:/1/r/artifacts",
            &h,
            &mut link,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("refused"), "{e}");
        assert!(files_of(&here.store, &h).is_empty());
        assert!(link.artifacts.is_empty());
        let root = here.store.root().parent().unwrap();
        assert!(!root.join("escape.txt").exists());
    }
}
