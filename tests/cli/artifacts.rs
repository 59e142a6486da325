use crate::harness::TestEnv;
use insta::assert_snapshot;

fn with_files() -> (TestEnv, String) {
    let env = TestEnv::init();
    let r = env.start("0", "r");
    std::fs::create_dir_all(env.path("out/plots/deep")).unwrap();
    std::fs::write(env.path("out/plots/a.txt"), "aaa").unwrap();
    std::fs::write(env.path("out/plots/deep/b.json"), "{\"b\": 1}").unwrap();
    std::fs::write(env.path("out/model.bin"), vec![7u8; 2048]).unwrap();
    std::fs::write(env.path("notes.md"), "# notes\n").unwrap();
    env.ok(&["artifacts", "log", "out", "--run", &r]);
    env.ok(&[
        "artifacts",
        "log",
        "notes.md",
        "--path",
        "docs",
        "--run",
        &r,
    ]);
    (env, r)
}

#[test]
fn log_and_list() {
    let (env, r) = with_files();
    assert_snapshot!(env.ok(&["artifacts", "list", &r]), @r"
    PATH               SIZE
    docs/
    docs/notes.md      8 B
    model.bin          2.0 KiB
    plots/
    plots/a.txt        3 B
    plots/deep/
    plots/deep/b.json  8 B
    ");
    assert_snapshot!(env.normalize(&env.ok(&["artifacts", "list", &format!("runs:/{r}/plots/deep"), "-f", "json"])), @r#"
    {
      "files": [
        {
          "file_size": 8,
          "is_dir": false,
          "path": "plots/deep/b.json"
        }
      ],
      "root_uri": "[STORE]/mlruns/0/[RUN:r]/artifacts"
    }
    "#);
    assert_eq!(
        env.read(&format!("mlruns/0/{r}/artifacts/plots/deep/b.json")),
        "{\"b\": 1}"
    );
}

#[test]
fn cat_and_download() {
    let (env, r) = with_files();
    assert_eq!(
        env.ok(&["artifacts", "cat", &format!("runs:/{r}/plots/a.txt")]),
        "aaa"
    );
    assert_eq!(
        env.ok(&["artifacts", "cat", &r, "docs/notes.md"]),
        "# notes"
    );
    let out = env.ok(&[
        "artifacts",
        "download",
        &r,
        "--path",
        "plots",
        "--dest",
        "dl",
    ]);
    assert_eq!(out, env.path("dl/plots").display().to_string());
    assert_eq!(env.read("dl/plots/deep/b.json"), "{\"b\": 1}");
    let out = env.ok(&[
        "artifacts",
        "download",
        &format!("runs:/{r}/plots/a.txt"),
        "--dest",
        "one",
    ]);
    assert_eq!(out, env.path("one/a.txt").display().to_string());
    assert_eq!(env.read("one/a.txt"), "aaa");
    let err = env.fails(&["artifacts", "cat", &format!("runs:/{r}/plots")], 1);
    assert_snapshot!(err, @"error: 'plots' is a folder, not a file");
    let err = env.fails(&["artifacts", "cat", &format!("runs:/{r}/nope")], 1);
    assert_snapshot!(env.normalize(&err), @"error: run [RUN:r] has no artifact 'nope'");
}

#[test]
fn paths_cannot_escape_the_artifacts() {
    let (env, r) = with_files();
    let before = env.snapshot_files();
    let err = env.fails(
        &[
            "artifacts",
            "log",
            "notes.md",
            "--path",
            "../../x",
            "--run",
            &r,
        ],
        1,
    );
    assert_snapshot!(err, @"error: invalid artifact path '../../x': '.' and '..' are not allowed");
    let err = env.fails(&["artifacts", "cat", &r, "../meta.yaml"], 1);
    assert!(err.contains("invalid artifact path"), "{err}");
    let err = env.fails(
        &[
            "artifacts",
            "download",
            &r,
            "--path",
            "/etc/passwd",
            "--dest",
            "x",
        ],
        1,
    );
    assert!(err.contains("it must be relative"), "{err}");
    assert_eq!(env.snapshot_files(), before);
}

#[test]
fn a_moved_store_keeps_its_artifacts() {
    let (env, r) = with_files();
    let other = tempfile::tempdir().unwrap();
    let moved = other.path().join("moved");
    std::fs::rename(env.root(), &moved).unwrap();
    let mut c = env.cmd();
    c.current_dir(other.path());
    let o = c
        .args([
            "artifacts",
            "cat",
            &format!("runs:/{r}/plots/a.txt"),
            "--store",
        ])
        .arg(&moved)
        .output()
        .unwrap();
    std::fs::rename(&moved, env.root()).unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.stdout, b"aaa");
}

#[test]
fn absolute_locations_that_moved_fall_back_to_the_run_folder() {
    let (env, r) = with_files();
    let meta_path = env.path(&format!("mlruns/0/{r}/meta.yaml"));
    let meta = std::fs::read_to_string(&meta_path).unwrap().replace(
        &format!("artifact_uri: 'mlruns/0/{r}/artifacts'"),
        &format!("artifact_uri: 'file:///gone/machine/mlruns/0/{r}/artifacts'"),
    );
    std::fs::write(&meta_path, meta).unwrap();
    assert_eq!(
        env.ok(&["artifacts", "cat", &format!("runs:/{r}/plots/a.txt")]),
        "aaa"
    );
}
