//! MLmodel parsing against a real MLflow 3 model (`fixtures/models/sklearn-mlflow3`, written by
//! `mlflow.sklearn.log_model`), malformed files, and logging a model folder into a run.

use super::*;
use crate::store::Store;
use serde_json::json;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/models/sklearn-mlflow3")
}

fn parse(text: &str) -> Result<MlModel> {
    MlModel::parse(text, Path::new("/m/MLmodel"))
}

fn err(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

#[test]
fn reads_a_model_mlflow_3_logged() {
    let m = MlModel::load(&fixture()).unwrap();
    assert_eq!(
        m.flavors().keys().collect::<Vec<_>>(),
        ["python_function", "sklearn"]
    );
    let pf = &m.flavors()["python_function"];
    assert_eq!(pf["loader_module"], "mlflow.sklearn");
    // PyYAML wrote it bare; it is still a string.
    assert_eq!(pf["python_version"], "3.11.7");
    assert_eq!(pf["env"]["virtualenv"], "python_env.yaml");
    assert_eq!(m.flavors()["sklearn"]["serialization_format"], "skops");
    assert_eq!(m.flavors()["sklearn"]["code"], Value::Null);
    assert_eq!(m.mlflow_version().as_deref(), Some("3.17.2"));
    assert_eq!(m.model_size_bytes(), Some(7076));
    let id = m.model_id().unwrap();
    assert!(id.starts_with("m-"), "{id}");
    assert_eq!(m.model_uuid(), Some(id));
    assert!(m.artifact_path().unwrap().starts_with("file:///"));
    assert_eq!(m.run_id().unwrap().len(), 32);
    assert!(m.utc_time_created().unwrap().starts_with("20"));
    assert_eq!(m.metadata(), None);

    let sig = m.signature().unwrap();
    assert_eq!(
        sig.inputs,
        Some(Schema::Columns(vec![
            ColSpec {
                name: Some("x1".into()),
                ty: "double".into(),
                required: true
            },
            ColSpec {
                name: Some("x2".into()),
                ty: "double".into(),
                required: true
            },
        ]))
    );
    assert_eq!(
        sig.outputs,
        Some(Schema::Tensors(vec![TensorSpec {
            name: None,
            dtype: "float64".into(),
            shape: vec![-1]
        }]))
    );
    assert_eq!(
        sig.params,
        Some(vec![ParamSpec {
            name: "threshold".into(),
            ty: "double".into(),
            default: json!(0.5),
            shape: None
        }])
    );
    let ex = m.saved_input_example_info().unwrap();
    assert_eq!(ex.artifact_path, "input_example.json");
    assert_eq!(ex.ty.as_deref(), Some("dataframe"));
    assert_eq!(ex.pandas_orient.as_deref(), Some("split"));
    assert_eq!(
        ex.serving_input_path.as_deref(),
        Some("serving_input_example.json")
    );
}

#[test]
fn rewrites_keep_every_field_and_quote_strings() {
    let m = MlModel::load(&fixture()).unwrap();
    let y = m.to_yaml();
    let again = parse(&y).unwrap();
    assert_eq!(again, m);
    for line in [
        "    python_version: '3.11.7'\n",
        "mlflow_version: '3.17.2'\n",
        "model_size_bytes: 7076\n",
        "is_signature_from_type_hint: false\n",
        "prompts: null\n",
        "  params: '[{\"name\": \"threshold\", \"default\": 0.5, \"shape\": null, \"type\": \"double\"}]'\n",
    ] {
        assert!(y.contains(line), "{line:?} not in\n{y}");
    }
}

#[test]
fn completing_for_a_run_sets_mlflow_2_fields() {
    let mut m = MlModel::load(&fixture()).unwrap();
    let old_uuid = m.model_uuid().unwrap();
    m.complete_for_run("abc", "model", "2024-05-01 12:00:00.000001", 42);
    assert_eq!(m.run_id().as_deref(), Some("abc"));
    assert_eq!(m.artifact_path().as_deref(), Some("model"));
    assert_eq!(
        m.utc_time_created().as_deref(),
        Some("2024-05-01 12:00:00.000001")
    );
    assert_eq!(m.model_size_bytes(), Some(42));
    assert_eq!(m.model_id(), None);
    assert_eq!(m.fields()["model_id"], Value::Null);
    // The uuid was the LoggedModel's id: a new one replaces it.
    let uuid = m.model_uuid().unwrap();
    assert_ne!(uuid, old_uuid);
    assert!(uuid.len() == 32 && uuid.bytes().all(|b| b.is_ascii_hexdigit()));
    // Flavors, signature and fields mlt has no accessor for are kept.
    let orig = MlModel::load(&fixture()).unwrap();
    assert_eq!(m.flavors(), orig.flavors());
    assert_eq!(m.signature(), orig.signature());
    assert_eq!(m.fields()["prompts"], Value::Null);
    assert_eq!(m.fields()["type_hint_from_example"], json!(false));
    // A save_model uuid is kept.
    let mut saved = parse("flavors: {}\nmodel_uuid: 0123abcd\n").unwrap();
    saved.complete_for_run("r", "m", "t", 0);
    assert_eq!(saved.model_uuid().as_deref(), Some("0123abcd"));
}

#[test]
fn history_entry_is_mlflows_json() {
    let mut m = parse(
        "flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    config: {a: 1}\n  \
         custom: x\nmodel_uuid: u1\n",
    )
    .unwrap();
    m.complete_for_run("r1", "model", "2024-05-01 12:00:00", 10);
    let mut m2 = m.clone();
    m2.fields.insert("model_uuid".into(), "u1".into());
    assert_eq!(
        m2.history_entry(),
        "{\"run_id\": \"r1\", \"artifact_path\": \"model\", \"utc_time_created\": \
         \"2024-05-01 12:00:00\", \"model_uuid\": \"u1\", \"flavors\": {\"custom\": \"x\", \
         \"python_function\": {\"loader_module\": \"mlflow.sklearn\"}}}"
    );
    assert_eq!(
        python_json(&json!("é\u{1F600}\n")),
        "\"\\u00e9\\ud83d\\ude00\\n\""
    );
    assert_eq!(
        python_json(&json!([1, 0.5, null, true])),
        "[1, 0.5, null, true]"
    );
}

#[test]
fn times_as_python_prints_them() {
    assert_eq!(
        utc_time_created(1_714_564_800_000_000),
        "2024-05-01 12:00:00"
    );
    assert_eq!(
        utc_time_created(1_714_564_800_123_000),
        "2024-05-01 12:00:00.123000"
    );
}

#[test]
fn malformed_files_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let e = MlModel::load(tmp.path()).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "no MLmodel file in {}: not an MLflow model folder",
            tmp.path().display()
        )
    );
    assert!(err("flavors: [").starts_with("malformed /m/MLmodel: "));
    assert_eq!(err(""), "malformed /m/MLmodel: the file is empty");
    assert_eq!(
        err("- a\n"),
        "malformed /m/MLmodel: the file is not a YAML mapping"
    );
    assert_eq!(
        err("run_id: x\n"),
        "malformed /m/MLmodel: it has no 'flavors' mapping"
    );
    assert_eq!(
        err("flavors: [a]\n"),
        "malformed /m/MLmodel: 'flavors' is not a mapping"
    );
    assert_eq!(
        err("flavors: {}\nsignature:\n  inputs: '[{\"type\": '\n"),
        "malformed /m/MLmodel: signature.inputs is not valid JSON (EOF while parsing a value \
         at line 1 column 10)"
    );
    assert_eq!(
        err("flavors: {}\nsignature:\n  outputs: '{\"a\": 1}'\n"),
        "malformed /m/MLmodel: signature.outputs is not a JSON list"
    );
    assert_eq!(
        err(
            "flavors: {}\nsignature:\n  inputs: '[{\"type\": \"tensor\", \"tensor-spec\": \
             {\"dtype\": \"int8\", \"shape\": [1]}}, {\"type\": \"long\"}]'\n"
        ),
        "malformed /m/MLmodel: signature.inputs: it mixes tensor and column specs"
    );
    assert_eq!(
        err("flavors: {}\nsignature:\n  params: '[{\"type\": \"long\"}]'\n"),
        "malformed /m/MLmodel: signature.params: param {\"type\":\"long\"} has no name"
    );
    assert_eq!(
        err("flavors: {}\nsignature: 3\n"),
        "malformed /m/MLmodel: 'signature' is not a mapping"
    );
    assert_eq!(
        err("flavors: {}\nmodel_size_bytes: big\n"),
        "malformed /m/MLmodel: 'model_size_bytes' is not a non-negative integer"
    );
    assert_eq!(
        err("flavors: {}\nsaved_input_example_info: {type: ndarray}\n"),
        "malformed /m/MLmodel: saved_input_example_info has no artifact_path"
    );
    std::fs::write(tmp.path().join(MLMODEL), [0xff, 0xfe]).unwrap();
    assert!(
        MlModel::load(tmp.path())
            .unwrap_err()
            .to_string()
            .ends_with("MLmodel: the file is not UTF-8 text")
    );
}

#[test]
fn nested_column_types_read_well() {
    let m = parse(
        "flavors: {}\nsignature:\n  inputs: '[{\"type\": \"array\", \"items\": {\"type\": \
         \"double\"}, \"name\": \"a\", \"required\": false}, {\"type\": \"object\", \
         \"properties\": {\"k\": {\"type\": \"long\", \"required\": true}, \"o\": {\"type\": \
         \"string\", \"required\": false}}, \"name\": \"b\"}, {\"type\": \"map\", \"values\": \
         {\"type\": \"binary\"}}]'\n  outputs: null\n",
    )
    .unwrap();
    let Some(Schema::Columns(cols)) = &m.signature().unwrap().inputs else {
        panic!("columns expected");
    };
    let tys: Vec<&str> = cols.iter().map(|c| c.ty.as_str()).collect();
    assert_eq!(
        tys,
        [
            "array<double>",
            "object{k: long, o?: string}",
            "map<string, binary>"
        ]
    );
    assert!(!cols[0].required && cols[1].required);
    assert_eq!(cols[2].name, None);
    assert_eq!(m.signature().unwrap().outputs, None);
}

#[test]
fn inspects_a_folder() {
    let i = inspect_dir(&fixture()).unwrap();
    assert_eq!(i.files, 7);
    let total: u64 = ["MLmodel", "conda.yaml", "input_example.json", "model.skops"]
        .iter()
        .chain(&[
            "python_env.yaml",
            "requirements.txt",
            "serving_input_example.json",
        ])
        .map(|f| std::fs::metadata(fixture().join(f)).unwrap().len())
        .sum();
    assert_eq!(i.size_bytes, total);
    assert_eq!(
        i.requirements.as_deref().unwrap()[..2],
        ["mlflow==3.17.2", "pandas==3.1.1"]
    );
    assert_eq!(
        i.input_example.unwrap().content,
        ExampleContent::Json(json!({"columns": ["x1", "x2"], "data": [[1.0, 0.5], [2.0, 0.0]]}))
    );
    // The MLmodel file itself names its folder.
    assert_eq!(
        inspect_dir(&fixture().join(MLMODEL)).unwrap().dir,
        fixture()
    );

    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join(MLMODEL),
        "flavors: {}\nsaved_input_example_info: {artifact_path: ../x.json}\n",
    )
    .unwrap();
    let i = inspect_dir(tmp.path()).unwrap();
    assert_eq!(i.requirements, None);
    assert_eq!(
        i.input_example.unwrap().content,
        ExampleContent::Unavailable("'../x.json' is not a path inside the model".into())
    );
    assert!(inspect_dir(&tmp.path().join("nope")).is_err());
}

#[test]
fn logging_copies_the_folder_and_records_history() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::new(tmp.path().join("s"));
    store.init().unwrap();
    let exp = store.experiment("0").unwrap();
    let run = store
        .create_run(&exp, crate::store::NewRun::default())
        .unwrap();
    let h = store.find_run(&run.run_id).unwrap();
    let logged = log_model(&store, &h, &fixture(), "model").unwrap();
    assert_eq!(logged.uri, format!("runs:/{}/model", run.run_id));
    assert!(logged.had_mlmodel);
    assert_eq!(logged.files, 7);
    let dir = store.artifact_dir(&h).unwrap().join("model");
    let copy = MlModel::load(&dir).unwrap();
    assert_eq!(copy, logged.model);
    assert_eq!(copy.run_id(), Some(run.run_id.clone()));
    assert_eq!(copy.artifact_path().as_deref(), Some("model"));
    // Every file but the MLmodel.
    let others = inspect_dir(&fixture()).unwrap().size_bytes
        - std::fs::metadata(fixture().join(MLMODEL)).unwrap().len();
    assert_eq!(copy.model_size_bytes(), Some(others));
    assert_eq!(
        std::fs::read(dir.join("model.skops")).unwrap(),
        std::fs::read(fixture().join("model.skops")).unwrap()
    );
    // The user's folder is untouched.
    assert!(MlModel::load(&fixture()).unwrap().model_id().is_some());

    let e = log_model(&store, &h, &fixture(), "model").unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("run {} already has an artifact 'model'", run.run_id)
    );
    assert!(matches!(
        e,
        crate::store::Error::Exists {
            what: crate::store::Entity::Artifact { .. },
            ..
        }
    ));
    let plain = tmp.path().join("plain");
    std::fs::create_dir_all(plain.join("sub")).unwrap();
    std::fs::write(plain.join("sub/w.bin"), [1u8, 2, 3]).unwrap();
    let second = log_model(&store, &h, &plain, "nested/second").unwrap();
    assert!(!second.had_mlmodel);
    assert_eq!(second.model.flavors().len(), 0);
    assert_eq!(second.model.model_size_bytes(), Some(3));

    let history = store.logged_model_history(&h).unwrap().unwrap();
    let list: Value = serde_json::from_str(&history).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["artifact_path"], "model");
    assert_eq!(list[0]["model_uuid"], json!(copy.model_uuid()));
    assert_eq!(
        list[0]["flavors"]["sklearn"]["pickled_model"],
        "model.skops"
    );
    assert_eq!(list[1]["artifact_path"], "nested/second");
    assert_eq!(list[1]["flavors"], json!({}));

    // A missing folder, a file, a bad name: nothing is copied.
    assert!(log_model(&store, &h, &tmp.path().join("nope"), "x").is_err());
    assert!(log_model(&store, &h, &plain.join("sub/w.bin"), "x").is_err());
    assert!(log_model(&store, &h, &plain, "../x").is_err());
    assert!(!store.artifact_dir(&h).unwrap().join("x").exists());
}
