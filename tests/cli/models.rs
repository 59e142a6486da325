use crate::harness::{TestEnv, fixture};
use insta::assert_snapshot;
use std::path::Path;

/// Copies a folder (a model fixture) to `dest`.
fn copy_dir(src: &Path, dest: &Path) {
    for e in walkdir::WalkDir::new(src) {
        let e = e.unwrap();
        let to = dest.join(e.path().strip_prefix(src).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// A store with run `r` and the sklearn model (logged by MLflow 3) copied to `sk/`.
fn with_model() -> (TestEnv, String) {
    let env = TestEnv::init();
    let r = env.start("0", "r");
    copy_dir(&fixture("models/sklearn-mlflow3"), &env.path("sk"));
    (env, r)
}

/// Names the model_uuid of the MLmodel at `rel` `[UUID]` in normalized output.
fn name_uuid(env: &TestEnv, rel: &str) {
    let text = env.read(rel);
    let line = text
        .lines()
        .find(|l| l.starts_with("model_uuid: "))
        .unwrap();
    env.name(line["model_uuid: ".len()..].trim_matches('\''), "[UUID]");
}

#[test]
fn log_copies_the_folder_with_a_completed_mlmodel() {
    let (env, r) = with_model();
    let before = env.read("sk/MLmodel");
    let o = env.run(&["models", "log", "sk", "--run", &r]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(env.normalize(&o.stdout), @"runs:/[RUN:r]/model");
    assert_snapshot!(env.normalize(&o.stderr), @"Logged model 'model' (7 files; flavors: python_function, sklearn) to run [RUN:r]");
    // The user's folder is left as it was.
    assert_eq!(env.read("sk/MLmodel"), before);
    let copy = format!("mlruns/0/{r}/artifacts/model");
    name_uuid(&env, &format!("{copy}/MLmodel"));
    assert_snapshot!(env.normalize(&env.read(&format!("{copy}/MLmodel"))), @r#"
    artifact_path: 'model'
    flavors:
      python_function:
        env:
          conda: 'conda.yaml'
          virtualenv: 'python_env.yaml'
        loader_module: 'mlflow.sklearn'
        model_path: 'model.skops'
        predict_fn: 'predict'
        python_version: '3.11.7'
      sklearn:
        code: null
        pickled_model: 'model.skops'
        serialization_format: 'skops'
        sklearn_version: '1.9.1'
        skops_trusted_types: null
    is_signature_from_type_hint: false
    mlflow_version: '3.17.2'
    model_id: null
    model_size_bytes: 7423
    model_uuid: '[UUID]'
    prompts: null
    run_id: '[RUN:r]'
    saved_input_example_info:
      artifact_path: 'input_example.json'
      pandas_orient: 'split'
      serving_input_path: 'serving_input_example.json'
      type: 'dataframe'
    signature:
      inputs: '[{"type": "double", "name": "x1", "required": true}, {"type": "double", "name": "x2", "required": true}]'
      outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
      params: '[{"name": "threshold", "default": 0.5, "shape": null, "type": "double"}]'
    type_hint_from_example: false
    utc_time_created: '2026-11-29 03:27:37.436000'
    "#);
    assert_snapshot!(env.normalize(&env.read(&format!("mlruns/0/{r}/tags/mlflow.log-model.history"))), @r#"[{"run_id": "[RUN:r]", "artifact_path": "model", "utc_time_created": "2026-11-29 03:27:37.436000", "model_uuid": "[UUID]", "flavors": {"python_function": {"env": {"conda": "conda.yaml", "virtualenv": "python_env.yaml"}, "loader_module": "mlflow.sklearn", "model_path": "model.skops", "predict_fn": "predict", "python_version": "3.11.7"}, "sklearn": {"code": null, "pickled_model": "model.skops", "serialization_format": "skops", "sklearn_version": "1.9.1", "skops_trusted_types": null}}}]"#);
    assert_snapshot!(env.ok(&["artifacts", "list", &r]), @r"
    PATH                              SIZE
    model/
    model/MLmodel                     1.1 KiB
    model/conda.yaml                  171 B
    model/input_example.json          59 B
    model/model.skops                 6.7 KiB
    model/python_env.yaml             114 B
    model/requirements.txt            62 B
    model/serving_input_example.json  180 B
    ");

    // A second model goes beside it, and into the history after the first.
    env.ok(&["models", "log", "sk", "--run", &r, "--name", "models/v2"]);
    let history: serde_json::Value =
        serde_json::from_str(&env.read(&format!("mlruns/0/{r}/tags/mlflow.log-model.history")))
            .unwrap();
    let paths: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["artifact_path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["model", "models/v2"]);
}

#[test]
fn log_refuses_what_it_cannot_store() {
    let (env, r) = with_model();
    env.ok(&["models", "log", "sk", "--run", &r]);
    let history = env.read(&format!("mlruns/0/{r}/tags/mlflow.log-model.history"));
    assert_snapshot!(env.fails(&["models", "log", "sk", "--run", &r], 1), @r"
    error: run [RUN:r] already has an artifact 'model'
    hint: choose another --name
    ");
    assert_snapshot!(env.fails(&["models", "log", "sk", "--run", &r, "--name", "../up"], 1), @"error: invalid artifact path '../up': '.' and '..' are not allowed");
    assert_snapshot!(env.fails(&["models", "log", "nowhere", "--run", &r, "--name", "m2"], 1), @"error: nowhere: No such file or directory (os error 2)");
    assert_snapshot!(env.fails(&["models", "log", "sk/MLmodel", "--run", &r, "--name", "m2"], 1), @"error: sk/MLmodel is not a folder; a model is a folder with an MLmodel file");
    std::fs::write(env.path("sk/MLmodel"), "flavors: [python_function]\n").unwrap();
    assert_snapshot!(env.fails(&["models", "log", "sk", "--run", &r, "--name", "m2"], 1), @"error: malformed sk/MLmodel: 'flavors' is not a mapping");
    // Nothing was copied or recorded.
    assert!(!env.path(&format!("mlruns/0/{r}/artifacts/m2")).exists());
    assert!(!env.path(&format!("mlruns/0/{r}/artifacts/up")).exists());
    assert_eq!(
        env.read(&format!("mlruns/0/{r}/tags/mlflow.log-model.history")),
        history
    );
    assert_snapshot!(env.fails(&["models", "log", "sk"], 2), @r"
    error: no run given
    hint: give the run (its id, an id prefix or its name), or set MLT_RUN_ID
    ");
    env.ok(&["runs", "delete", &r]);
    assert_snapshot!(env.fails(&["models", "log", "sk", "--run", &r, "--name", "m3"], 1), @r"
    error: run [RUN:r] is deleted
    hint: restore it with `mlt runs restore [RUN:r]`
    ");
}

#[test]
fn a_folder_without_mlmodel_gets_one_with_no_flavors() {
    let env = TestEnv::init();
    let r = env.start("0", "r");
    std::fs::create_dir_all(env.path("onnx/sub")).unwrap();
    std::fs::write(env.path("onnx/model.onnx"), [0u8; 100]).unwrap();
    std::fs::write(env.path("onnx/sub/vocab.txt"), "a\nb\n").unwrap();
    let o = env.run(&["models", "log", "onnx", "--run", &r, "--name", "net"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_snapshot!(env.normalize(&o.stderr), @r"
    warning: onnx has no MLmodel: wrote one with no flavors. MLflow can read, download and register the model, but not load it with mlflow.pyfunc.load_model
    Logged model 'net' (3 files; flavors: none) to run [RUN:r]
    ");
    assert!(!env.path("onnx/MLmodel").exists());
    let mlmodel = format!("mlruns/0/{r}/artifacts/net/MLmodel");
    name_uuid(&env, &mlmodel);
    assert_snapshot!(env.normalize(&env.read(&mlmodel)), @r"
    artifact_path: 'net'
    flavors: {}
    model_id: null
    model_size_bytes: 104
    model_uuid: '[UUID]'
    run_id: '[RUN:r]'
    utc_time_created: '2026-11-29 03:27:37.436000'
    ");
    assert_snapshot!(env.normalize(&env.ok(&["models", "inspect", &format!("runs:/{r}/net")])), @r"
    FIELD          VALUE
    model          runs:/[RUN:r]/net
    path           [STORE]/mlruns/0/[RUN:r]/artifacts/net
    flavors        none
    model_uuid     [UUID]
    run_id         [RUN:r]
    artifact_path  net
    created        2026-11-29 03:27:37.436000 UTC
    size           311 B in 3 files

    FLAVORS  none

    SIGNATURE  none
    ");
}

#[test]
fn inspect_shows_flavors_signature_example_and_requirements() {
    let (env, r) = with_model();
    env.ok(&["models", "log", "sk", "--run", &r]);
    name_uuid(&env, &format!("mlruns/0/{r}/artifacts/model/MLmodel"));
    let uri = format!("runs:/{r}/model");
    assert_snapshot!(env.normalize(&env.ok(&["models", "inspect", &uri])), @r#"
    FIELD           VALUE
    model           runs:/[RUN:r]/model
    path            [STORE]/mlruns/0/[RUN:r]/artifacts/model
    flavors         python_function, sklearn
    model_uuid      [UUID]
    run_id          [RUN:r]
    artifact_path   model
    created         2026-11-29 03:27:37.436000 UTC
    mlflow_version  3.17.2
    size            8.4 KiB in 7 files

    FLAVOR           KEY                   VALUE
    python_function  loader_module         mlflow.sklearn
                     python_version        3.11.7
                     model_path            model.skops
                     predict_fn            predict
    sklearn          pickled_model         model.skops
                     serialization_format  skops
                     sklearn_version       1.9.1

    SIGNATURE  NAME       TYPE            DETAIL
    inputs     x1         double          required
    inputs     x2         double          required
    outputs               tensor float64  shape [-1]
    params     threshold  double          default 0.5

    INPUT EXAMPLE  input_example.json (dataframe, split)
    {
      "columns": ["x1", "x2"],
      "data": [
        [1.0, 0.5],
        [2.0, 0.0]
      ]
    }

    REQUIREMENTS  requirements.txt
    mlflow==3.17.2
    pandas==3.1.1
    scikit-learn==1.9.1
    skops==0.16.0
    "#);
    let md = env.normalize(&env.ok(&["models", "inspect", &uri, "-f", "md"]));
    assert_snapshot!(md.split("### Input").next().unwrap(), @r"
    ### Model

    | field | value |
    | --- | --- |
    | model | runs:/[RUN:r]/model |
    | path | [STORE]/mlruns/0/[RUN:r]/artifacts/model |
    | flavors | python_function, sklearn |
    | model_uuid | [UUID] |
    | run_id | [RUN:r] |
    | artifact_path | model |
    | created | 2026-11-29 03:27:37.436000 UTC |
    | mlflow_version | 3.17.2 |
    | size | 8.4 KiB in 7 files |

    ### Flavors

    | flavor | key | value |
    | --- | --- | --- |
    | python_function | loader_module | mlflow.sklearn |
    |  | python_version | 3.11.7 |
    |  | model_path | model.skops |
    |  | predict_fn | predict |
    | sklearn | pickled_model | model.skops |
    |  | serialization_format | skops |
    |  | sklearn_version | 1.9.1 |

    ### Signature

    | signature | name | type | detail |
    | --- | --- | --- | --- |
    | inputs | x1 | double | required |
    | inputs | x2 | double | required |
    | outputs |  | tensor float64 | shape [-1] |
    | params | threshold | double | default 0.5 |

    ");
    let j = env.json(&["models", "inspect", &uri, "-f", "json"]);
    let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "artifact_path",
            "files",
            "flavors",
            "input_example",
            "metadata",
            "mlflow_version",
            "model",
            "model_id",
            "model_size_bytes",
            "model_uuid",
            "path",
            "requirements",
            "run_id",
            "signature",
            "size_bytes",
            "utc_time_created"
        ]
    );
    assert_eq!(j["flavors"]["sklearn"]["serialization_format"], "skops");
    assert_eq!(
        j["signature"]["inputs"][0],
        serde_json::json!({"name": "x1", "type": "double", "required": true})
    );
    assert_eq!(
        j["signature"]["outputs"][0],
        serde_json::json!({"name": null, "type": "tensor", "dtype": "float64", "shape": [-1]})
    );
    assert_eq!(
        j["signature"]["params"][0],
        serde_json::json!({"name": "threshold", "type": "double", "default": 0.5, "shape": null})
    );
    assert_eq!(j["input_example"]["value"]["data"][1][0], 2.0);
    assert_eq!(j["requirements"][2], "scikit-learn==1.9.1");
    assert_eq!(j["size_bytes"], 8556);
    assert_eq!(j["model_size_bytes"], 7423);
    assert_eq!(j["model_id"], serde_json::Value::Null);

    // A local folder works the same; MLflow 3 wrote this one's run fields.
    let local = env.json(&["models", "inspect", "sk", "-f", "json"]);
    assert!(local["model_id"].as_str().unwrap().starts_with("m-"));
    assert_eq!(local["signature"], j["signature"]);
    assert_eq!(
        env.json(&["models", "inspect", "sk/MLmodel", "-f", "json"])["path"],
        "sk"
    );
}

#[test]
fn inspect_cuts_a_long_input_example() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.path("m")).unwrap();
    std::fs::write(
        env.path("m/MLmodel"),
        "flavors: {}\nsaved_input_example_info: {artifact_path: ex.json, type: ndarray}\n",
    )
    .unwrap();
    let rows: Vec<String> = (0..30).map(|i| format!("[{i}, {}]", i * 2)).collect();
    std::fs::write(env.path("m/ex.json"), format!("[{}]", rows.join(", "))).unwrap();
    let out = env.ok(&["models", "inspect", "m"]);
    let example = out.split("INPUT EXAMPLE").nth(1).unwrap();
    assert_snapshot!(example, @r"
      ex.json (ndarray)
    [
      [0, 0],
      [1, 2],
      [2, 4],
      [3, 6],
      [4, 8],
      [5, 10],
      [6, 12],
      [7, 14],
      [8, 16],
      [9, 18],
      [10, 20],
      [11, 22],
      [12, 24],
      [13, 26],
      [14, 28],
      [15, 30],
      [16, 32],
      [17, 34],
      [18, 36],
    … (12 more lines; --format json shows it all)
    ");
    assert_eq!(
        env.json(&["models", "inspect", "m", "-f", "json"])["input_example"]["value"][29][1],
        58
    );
}

#[test]
fn inspect_rejects_folders_that_are_not_models() {
    let env = TestEnv::init();
    let r = env.start("0", "r");
    std::fs::create_dir_all(env.path("empty")).unwrap();
    assert_snapshot!(env.fails(&["models", "inspect", "empty"], 1), @"error: no MLmodel file in empty: not an MLflow model folder");
    assert_snapshot!(env.fails(&["models", "inspect", "missing"], 1), @"error: no model folder at missing");
    std::fs::create_dir_all(env.path("bad")).unwrap();
    std::fs::write(env.path("bad/MLmodel"), "flavors: {a: 1\n").unwrap();
    let e = env.fails(&["models", "inspect", "bad"], 1);
    assert!(e.starts_with("error: malformed bad/MLmodel: "), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
    std::fs::write(env.path("bad/MLmodel"), "run_id: x\n").unwrap();
    assert_snapshot!(env.fails(&["models", "inspect", "bad"], 1), @"error: malformed bad/MLmodel: it has no 'flavors' mapping");
    std::fs::write(
        env.path("bad/MLmodel"),
        "flavors: {}\nsignature:\n  inputs: '[{\"type\": \"double\"'\n",
    )
    .unwrap();
    assert_snapshot!(env.fails(&["models", "inspect", "bad"], 1), @"error: malformed bad/MLmodel: signature.inputs is not valid JSON (EOF while parsing an object at line 1 column 18)");
    assert_snapshot!(env.fails(&["models", "inspect", &format!("runs:/{r}/model")], 1), @"error: run [RUN:r] has no artifact 'model'");
    assert_snapshot!(env.fails(&["models", "inspect", &format!("runs:/{r}")], 2), @r"
    error: 'runs:/[RUN:r]' names no model path
    hint: use runs:/<run_id>/<path>, for example runs:/<run_id>/model
    ");
    assert_snapshot!(env.fails(&["models", "inspect", "s3://bucket/model"], 2), @"error: 's3://bucket/model' is not a models:/ or runs:/<run_id>/<path> URI or a local folder");
    let o = env.run(&["models", "inspect", "empty", "-f", "csv"]);
    assert_eq!(o.code, 2);
}
