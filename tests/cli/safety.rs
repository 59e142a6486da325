//! Reading stores, bundles and source stores: links that lead out are not read, an import
//! reads artifacts only from inside its source, exact file names, scratch that goes away, and
//! what a failed import says.

use crate::harness::TestEnv;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

const SECRET: &str = "TOP-SECRET-OUTSIDE-THE-STORE";

/// A folder outside every store, holding `secret.txt` and `dir/inner.txt`.
fn outside() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("secret.txt"), SECRET).unwrap();
    std::fs::create_dir(t.path().join("dir")).unwrap();
    std::fs::write(t.path().join("dir/inner.txt"), SECRET).unwrap();
    t
}

/// The folder of run `id` under `root/mlruns`.
fn run_dir(root: &Path, id: &str) -> PathBuf {
    walkdir::WalkDir::new(root.join("mlruns"))
        .max_depth(2)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.file_name().is_some_and(|n| n == id))
        .unwrap_or_else(|| panic!("no run {id} under {}", root.display()))
}

/// Whether any file under `root` holds the secret (links are not followed: what is there).
fn leaks(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root) {
        let e = e.unwrap();
        if e.file_type().is_file()
            && std::fs::read(e.path())
                .unwrap()
                .windows(SECRET.len())
                .any(|w| w == SECRET.as_bytes())
        {
            out.push(e.path().display().to_string());
        }
        if e.file_type().is_symlink() {
            let to = std::fs::read_link(e.path()).unwrap();
            if !to.starts_with(root) && to.is_absolute() {
                out.push(format!("{} -> {}", e.path().display(), to.display()));
            }
        }
    }
    out
}

/// A store in `src/` with one run whose artifacts hold a file, and links: to a file outside,
/// to a folder outside, to a file inside the store.
fn store_with_links(env: &TestEnv, out: &Path) -> String {
    let s = ["--store", "src"];
    let run = |args: &[&str]| env.ok(&[&s[..], args].concat());
    run(&["init"]);
    let r = run(&["runs", "start", "-e", "e1"]);
    std::fs::create_dir_all(env.path("files")).unwrap();
    std::fs::write(env.path("files/real.txt"), "real").unwrap();
    run(&["artifacts", "log", "files", "--run", &r]);
    let art = run_dir(&env.path("src"), &r).join("artifacts");
    symlink(out.join("secret.txt"), art.join("leak.txt")).unwrap();
    symlink(out.join("dir"), art.join("leakdir")).unwrap();
    symlink(art.join("real.txt"), art.join("inside.txt")).unwrap();
    run(&["runs", "end", "--run", &r]);
    r
}

#[test]
fn artifact_links_out_of_the_store_are_not_read() {
    let env = TestEnv::new();
    let out = outside();
    let r = store_with_links(&env, out.path());
    let s = ["--store", "src"];
    fn with<'a>(s: &[&'a str], args: &[&'a str]) -> Vec<&'a str> {
        [s, args].concat()
    }

    // cat: refused, naming the link.
    let err = env.fails(&with(&s, &["artifacts", "cat", &r, "leak.txt"]), 1);
    assert!(
        err.contains("leak.txt") && err.contains("link out of the store"),
        "{err}"
    );
    let err = env.fails(&with(&s, &["artifacts", "cat", &r, "leakdir/inner.txt"]), 1);
    assert!(err.contains("link out of the store"), "{err}");
    // A link that stays inside is read.
    assert_eq!(
        env.ok(&with(&s, &["artifacts", "cat", &r, "inside.txt"])),
        "real"
    );

    // list: the links out are left out, and said so.
    let o = env.run(&with(&s, &["artifacts", "list", &r]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stdout.contains("leak"), "{}", o.stdout);
    assert!(o.stdout.contains("inside.txt"), "{}", o.stdout);
    assert!(
        o.stderr.contains("'leak.txt' is a link out of the store"),
        "{}",
        o.stderr
    );

    // download: the same.
    let o = env.run(&with(&s, &["artifacts", "download", &r, "--dest", "dl"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("not downloaded"), "{}", o.stderr);
    assert_eq!(leaks(&env.path("dl")), Vec::<String>::new());
    assert_eq!(
        std::fs::read_to_string(env.path("dl/inside.txt")).unwrap(),
        "real"
    );

    // export (a folder and a .tar.gz): warned, not carried.
    let o = env.run(&with(&s, &["export", "bundle"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("link out of the source"), "{}", o.stderr);
    assert_eq!(leaks(&env.path("bundle")), Vec::<String>::new());
    env.ok(&with(&s, &["export", "b.tar.gz"]));
    env.ok(&["--store", "fromtar", "import", "b.tar.gz"]);
    assert_eq!(leaks(&env.path("fromtar")), Vec::<String>::new());
    assert!(
        run_dir(&env.path("fromtar"), &r)
            .join("artifacts/inside.txt")
            .is_file()
    );

    // import of the store itself, and store merge.
    let o = env.run(&["--store", "imported", "import", "src"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("leak.txt is a link out of the source"),
        "{}",
        o.stderr
    );
    assert_eq!(leaks(&env.path("imported")), Vec::<String>::new());
    env.ok(&["--store", "merged", "init"]);
    env.ok(&["--store", "merged", "store", "merge", "src"]);
    assert_eq!(leaks(&env.path("merged")), Vec::<String>::new());
    assert!(
        run_dir(&env.path("merged"), &r)
            .join("artifacts/real.txt")
            .is_file()
    );
}

#[test]
fn import_reads_artifacts_only_inside_its_source() {
    let env = TestEnv::new();
    let out = outside();
    let s = ["--store", "src"];
    let run = |args: &[&str]| env.ok(&[&s[..], args].concat());
    run(&["init"]);
    let abs = run(&["runs", "start", "-e", "e1", "--name", "abs"]);
    let dots = run(&["runs", "start", "-e", "e1", "--name", "dots"]);
    let linked = run(&["runs", "start", "-e", "e1", "--name", "linked"]);
    // One points at an absolute folder elsewhere, one climbs out with `..`, and one's
    // default-layout artifacts/ folder is a link to a folder outside.
    let rel_out = pathdiff(out.path(), &env.path("src"));
    for (id, uri) in [
        (&abs, format!("file://{}", out.path().display())),
        (&dots, format!("mlruns/../{rel_out}")),
    ] {
        let meta = run_dir(&env.path("src"), id).join("meta.yaml");
        let text = std::fs::read_to_string(&meta).unwrap();
        let old = text
            .lines()
            .find(|l| l.starts_with("artifact_uri:"))
            .unwrap()
            .to_string();
        std::fs::write(&meta, text.replace(&old, &format!("artifact_uri: {uri}"))).unwrap();
    }
    let art = run_dir(&env.path("src"), &linked).join("artifacts");
    std::fs::remove_dir(&art).unwrap();
    symlink(out.path(), &art).unwrap();

    let o = env.run(&["--store", "dst", "import", "src"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    for id in [&abs, &dots, &linked] {
        assert!(
            o.stderr
                .contains(&format!("run {id}: its artifacts are at"))
                && o.stderr.contains("outside the source"),
            "{id}: {}",
            o.stderr
        );
        // The run itself came, without what lies outside.
        assert!(run_dir(&env.path("dst"), id).join("meta.yaml").is_file());
    }
    assert_eq!(leaks(&env.path("dst")), Vec::<String>::new());

    // store merge reads the same way.
    env.ok(&["--store", "merged", "init"]);
    let o = env.run(&["--store", "merged", "store", "merge", "src"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("outside the source"), "{}", o.stderr);
    assert_eq!(leaks(&env.path("merged")), Vec::<String>::new());
}

/// `to` relative to `from` (both absolute), with `..`.
fn pathdiff(to: &Path, from: &Path) -> String {
    let t: Vec<_> = to.components().collect();
    let f: Vec<_> = from.components().collect();
    let common = t.iter().zip(&f).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), f.len() - common).collect();
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Two artifacts whose names differ only in a byte that is not UTF-8.
fn store_with_byte_names(env: &TestEnv) -> String {
    let s = ["--store", "src"];
    let run = |args: &[&str]| env.ok(&[&s[..], args].concat());
    run(&["init"]);
    let r = run(&["runs", "start", "-e", "e1"]);
    let files = env.path("files");
    std::fs::create_dir_all(&files).unwrap();
    for (b, content) in [(0xfeu8, "fe"), (0xff, "ff")] {
        let bytes = [b'g', b, b'.', b't', b'x', b't'];
        let name = std::ffi::OsStr::from_bytes(&bytes);
        std::fs::write(files.join(name), content).unwrap();
    }
    run(&["artifacts", "log", "files", "--run", &r]);
    r
}

fn byte_names(dir: &Path) -> Vec<(Vec<u8>, String)> {
    let mut out: Vec<(Vec<u8>, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().as_bytes().to_vec(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn non_utf8_names_are_kept_or_refused_never_merged() {
    let env = TestEnv::new();
    let r = store_with_byte_names(&env);
    let want = vec![
        (b"g\xfe.txt".to_vec(), "fe".to_string()),
        (b"g\xff.txt".to_vec(), "ff".to_string()),
    ];
    assert_eq!(
        byte_names(&run_dir(&env.path("src"), &r).join("artifacts")),
        want
    );
    // A bundle keeps names as UTF-8 text: refused, naming the file, and nothing written.
    for dest in ["b.tar.gz", "bundle"] {
        let err = env.fails(&["--store", "src", "export", dest], 1);
        assert!(
            err.contains("not UTF-8") && err.contains("g\\xFE.txt"),
            "{err}"
        );
        assert!(!env.path(dest).exists());
    }
    let left: Vec<_> = std::fs::read_dir(env.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".mlt-export-"))
        .collect();
    assert_eq!(left, Vec::<String>::new());
    // Store to store: both files, byte for byte.
    env.ok(&["--store", "dst", "import", "src"]);
    assert_eq!(
        byte_names(&run_dir(&env.path("dst"), &r).join("artifacts")),
        want
    );
    env.ok(&["--store", "merged", "init"]);
    env.ok(&["--store", "merged", "store", "merge", "src"]);
    assert_eq!(
        byte_names(&run_dir(&env.path("merged"), &r).join("artifacts")),
        want
    );
    // Merging again finds the same run.
    let o = env.run(&["--store", "merged", "store", "merge", "src"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("Nothing to import"), "{}", o.stderr);
}

#[test]
fn export_scratch_is_owned_and_reclaimed() {
    let env = TestEnv::init();
    let r = env.start("e1", "r");
    env.ok(&["log", "metric", "m", "1", "--run", &r]);
    std::fs::create_dir(env.path("out")).unwrap();
    // What a killed export left (its owner gone), and an old folder from before owners.
    let dead = env.path("out/.mlt-export-dead01");
    std::fs::create_dir_all(dead.join("bundle")).unwrap();
    std::fs::write(dead.join(".owner"), "").unwrap();
    std::fs::write(dead.join("bundle/big.bin"), vec![0u8; 1000]).unwrap();
    // One a live export holds stays.
    let live = env.path("out/.mlt-export-live01");
    std::fs::create_dir_all(&live).unwrap();
    let owner = std::fs::File::create(live.join(".owner")).unwrap();
    owner.lock().unwrap();
    env.ok(&["export", "out/b.tar.gz"]);
    assert!(!dead.exists(), "abandoned export scratch is reclaimed");
    assert!(live.exists(), "a live export's scratch stays");
    env.ok(&["export", "out/mei", "--format", "mlflow-export-import"]);
    let names: Vec<String> = std::fs::read_dir(env.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, [".mlt-export-live01", "b.tar.gz", "mei"]);
    drop(owner);
}

#[test]
fn tarball_import_unpacks_in_the_store_not_tmpdir() {
    let env = TestEnv::init();
    let r = env.start("e1", "r");
    env.ok(&["log", "metric", "m", "1", "--run", &r]);
    env.ok(&["export", "b.tar.gz"]);
    env.ok(&["--store", "dst", "init"]);
    // $TMPDIR does not exist: unpacking must not need it.
    let o = env.run_with(&["--store", "dst", "import", "b.tar.gz"], |c| {
        c.env("TMPDIR", "/nonexistent/tmp");
    });
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(run_dir(&env.path("dst"), &r).join("metrics/m").is_file());
    // And nothing is left in its scratch.
    let tmp = env.path("dst/.mlt/tmp");
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_failed_import_says_what_it_wrote_and_that_again_completes_it() {
    let env = TestEnv::new();
    let s = ["--store", "src"];
    let run = |args: &[&str]| env.ok(&[&s[..], args].concat());
    run(&["init"]);
    let mut ids = vec![
        run(&["runs", "start", "-e", "e1"]),
        run(&["runs", "start", "-e", "e1"]),
    ];
    ids.sort();
    env.ok(&["--store", "dst", "init"]);
    let exp = env.ok(&["--store", "dst", "experiments", "create", "e1"]);
    // The second run's place is taken by a file: its rename fails.
    let blocker = env.path(&format!("dst/mlruns/{exp}/{}", ids[1]));
    std::fs::write(&blocker, "x").unwrap();
    let err = env.fails(&["--store", "dst", "import", "src"], 1);
    assert!(
        err.contains("wrote 1 run before it failed") && err.contains("again completes it"),
        "{err}"
    );
    assert!(
        run_dir(&env.path("dst"), &ids[0])
            .join("meta.yaml")
            .is_file()
    );
    std::fs::remove_file(&blocker).unwrap();
    let o = env.run(&["--store", "dst", "import", "src"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("Imported 1 run"), "{}", o.stderr);
    for id in &ids {
        assert!(run_dir(&env.path("dst"), id).join("meta.yaml").is_file());
    }
}

#[test]
fn artifacts_are_not_written_through_a_link_out_of_the_store() {
    let env = TestEnv::init();
    let out = outside();
    let r = env.start("e1", "r");
    let art = run_dir(env.root(), &r).join("artifacts");
    std::fs::remove_dir(&art).unwrap();
    symlink(out.path(), &art).unwrap();
    std::fs::write(env.path("f.txt"), "f").unwrap();
    let err = env.fails(&["artifacts", "log", "f.txt", "--run", &r], 1);
    assert!(err.contains("link out of the store"), "{err}");
    assert!(!out.path().join("f.txt").exists());
    std::fs::create_dir(env.path("model")).unwrap();
    std::fs::write(env.path("model/MLmodel"), "flavors: {}\n").unwrap();
    let o = env.run(&["models", "log", "model", "--run", &r]);
    assert_ne!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("link out of the store"), "{}", o.stderr);
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        2,
        "nothing new outside"
    );
}

#[test]
fn links_in_a_run_folder_are_neither_read_nor_written_through() {
    let env = TestEnv::init();
    let out = outside();
    let run = env.start("e", "r");
    env.ok(&["log", "param", "kept", "1", "--run", &run]);
    let dir = run_dir(env.root(), &run);
    // A branch that replaced the run's folders by links out of the store.
    std::fs::remove_dir_all(dir.join("params")).unwrap();
    symlink(out.path(), dir.join("params")).unwrap();
    symlink(
        out.path().join("secret.txt"),
        dir.join("metrics/secret.txt"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("tags")).unwrap();
    symlink(out.path(), dir.join("tags/nested")).unwrap();

    let shown = env.ok(&["runs", "show", &run, "--format", "json"]);
    assert!(!shown.contains(SECRET), "{shown}");
    let o = env.run(&["metrics", "history", &run, "secret.txt"]);
    assert!(!o.stdout.contains(SECRET) && o.code != 0, "{}", o.stdout);
    let o = env.run(&["runs", "search", "--filter", "params.`secret.txt` != ''"]);
    assert!(!o.stdout.contains(SECRET), "{}", o.stdout);

    for args in [
        vec!["log", "param", "secret.txt", "x", "--run", &run],
        vec!["log", "param", "new", "x", "--run", &run],
        vec!["log", "metric", "secret.txt", "1", "--run", &run],
        vec!["log", "tag", "nested/t", "x", "--run", &run],
    ] {
        let err = env.fails(&args, 1);
        assert!(err.contains("is a link"), "{args:?}: {err}");
        assert!(!err.contains(SECRET), "{err}");
    }
    assert_eq!(
        std::fs::read_to_string(out.path().join("secret.txt")).unwrap(),
        SECRET
    );
    assert!(!out.path().join("new").exists() && !out.path().join("t").exists());
}

#[test]
fn links_to_the_project_around_the_store_and_linked_artifact_folders_are_refused() {
    let env = TestEnv::init();
    let out = outside();
    let run = env.start("e", "r");
    // The store root is usually the project: its .env is not the store's.
    std::fs::write(env.path(".env"), SECRET).unwrap();
    let arts = run_dir(env.root(), &run).join("artifacts");
    std::fs::create_dir_all(&arts).unwrap();
    symlink(env.path(".env"), arts.join("env.txt")).unwrap();
    let o = env.run(&["artifacts", "cat", &run, "env.txt"]);
    assert!(o.code != 0 && !o.stdout.contains(SECRET), "{}", o.stdout);
    let bundle = env.path("b");
    env.ok(&["export", bundle.to_str().unwrap()]);
    assert_eq!(leaks(&bundle), Vec::<String>::new());

    // An artifact folder that is a link out: logging a folder into it writes nothing there.
    symlink(out.path().join("dir"), arts.join("sub")).unwrap();
    let src = env.path("src");
    std::fs::create_dir_all(src.join("sub")).unwrap();
    std::fs::write(src.join("sub/new.txt"), "x").unwrap();
    let err = env.fails(
        &["artifacts", "log", src.to_str().unwrap(), "--run", &run],
        1,
    );
    assert!(err.contains("link out of the store"), "{err}");
    assert!(!out.path().join("dir/new.txt").exists());
}

#[test]
fn a_meta_yaml_that_links_out_of_the_store_is_not_read() {
    let env = TestEnv::init();
    let out = outside();
    let leaked = env.start("train", "leaked");
    let inside = env.start("train", "inside");
    // A meta.yaml replaced by a link to a file outside the store (a crafted branch merged).
    let dir = run_dir(env.root(), &leaked);
    let secret = out.path().join("meta.yaml");
    let text = std::fs::read_to_string(dir.join("meta.yaml")).unwrap();
    std::fs::write(
        &secret,
        text.replace("run_name: leaked", "run_name: SECRET"),
    )
    .unwrap();
    std::fs::remove_file(dir.join("meta.yaml")).unwrap();
    symlink(&secret, dir.join("meta.yaml")).unwrap();
    // A link that stays inside the store is followed, as before.
    let idir = run_dir(env.root(), &inside);
    let kept = idir.join("meta.yaml.real");
    std::fs::rename(idir.join("meta.yaml"), &kept).unwrap();
    symlink(&kept, idir.join("meta.yaml")).unwrap();

    let o = env.run(&["runs", "list", "-e", "train", "-f", "csv"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stdout.contains("SECRET"), "{}", o.stdout);
    assert!(!o.stdout.contains(&leaked), "{}", o.stdout);
    assert!(o.stdout.contains(&inside), "{}", o.stdout);
    assert!(
        o.stderr.contains("is a link out of the store"),
        "{}",
        o.stderr
    );
    let o = env.run(&["runs", "show", &leaked]);
    assert_ne!(o.code, 0);
    assert!(!o.stdout.contains("SECRET") && !o.stderr.contains("SECRET"));
}
