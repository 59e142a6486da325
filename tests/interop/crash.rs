//! MLflow reads a store after mlt's writes were killed at random moments: no empty metric file
//! makes it refuse the store, and no temporary file shows up as a param, tag or artifact.

use super::{assert_same, py};
use crate::harness::{TestEnv, canonical};

#[test]
fn mlflow_reads_every_run_after_killed_writes() {
    let env = TestEnv::init();
    let run = env.ok(&["runs", "start", "-e", "crash"]);
    let src = env.path("src");
    for i in 0..200 {
        let f = src.join(format!("d{}/f{i}.txt", i % 5));
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, format!("file {i}\n")).unwrap();
    }
    for trial in 0..30 {
        let mut args: Vec<String> = Vec::new();
        match trial % 3 {
            0 => {
                args.extend(["log", "params", "--run", &run].map(String::from));
                args.extend((0..200).map(|i| format!("p{trial}_{i}=v{i}")));
            }
            1 => {
                args.extend(["log", "metrics", "--run", &run].map(String::from));
                args.extend((0..200).map(|i| format!("m{trial}_{i}=1")));
            }
            _ => {
                args.extend(
                    ["artifacts", "log", src.to_str().unwrap(), "--run", &run].map(String::from),
                );
                args.extend(["--path".to_string(), format!("t{trial}")]);
            }
        }
        env.kill_at_random(&args, 30_000);
    }
    env.ok(&["runs", "end", "--run", &run]);
    let mlflow: serde_json::Value =
        serde_json::from_str(&py("mlflow_read.py", &[env.root()])).unwrap();
    assert_same(&mlflow, &canonical(&env));
}
