//! MLflow model packages: a folder with an `MLmodel` file beside the flavor files.
//!
//! [`MlModel`] reads an `MLmodel` (YAML, through `store::yaml`) into a typed view and writes it
//! back with every field it does not know kept as it was. [`log_model`] copies a model folder
//! into a run's artifacts with the fields MLflow 2's `log_model` sets, and [`inspect_dir`]
//! gathers what `mlt models inspect` shows: flavors, signature, input example, requirements and
//! size. Signatures are JSON strings inside the YAML (`mlflow/models/signature.py`); they are
//! parsed here into column, tensor and param specs.

use crate::store::artifact::validate_artifact_path;
use crate::store::{Error, Result, RunHandle, Store, yaml};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The file that makes a folder an MLflow model.
pub const MLMODEL: &str = "MLmodel";

/// Input examples larger than this are not read (inspect says how big they are).
const MAX_EXAMPLE_BYTES: u64 = 1 << 20;

/// A parsed `MLmodel`: accessors for the fields MLflow defines, and every field as read.
#[derive(Clone, Debug, PartialEq)]
pub struct MlModel {
    fields: Map<String, Value>,
    signature: Option<Signature>,
    example: Option<InputExampleInfo>,
}

/// A model signature (`mlflow.models.ModelSignature`).
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub inputs: Option<Schema>,
    pub outputs: Option<Schema>,
    pub params: Option<Vec<ParamSpec>>,
}

/// Inputs or outputs: named columns, or tensors (`mlflow.types.Schema`).
#[derive(Clone, Debug, PartialEq)]
pub enum Schema {
    Columns(Vec<ColSpec>),
    Tensors(Vec<TensorSpec>),
}

/// A column: `{"type": "double", "name": "x", "required": true}`. `ty` is a readable form of
/// the type, so nested types read `array<double>`, `object{a: long, b?: string}`,
/// `map<string, double>`.
#[derive(Clone, Debug, PartialEq)]
pub struct ColSpec {
    pub name: Option<String>,
    pub ty: String,
    pub required: bool,
}

/// A tensor: `{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 2]}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorSpec {
    pub name: Option<String>,
    pub dtype: String,
    pub shape: Vec<i64>,
}

/// An inference parameter: `{"name": "k", "type": "long", "default": 1, "shape": null}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamSpec {
    pub name: String,
    pub ty: String,
    pub default: Value,
    pub shape: Option<Vec<i64>>,
}

/// `saved_input_example_info`: where the input example is and what it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct InputExampleInfo {
    pub artifact_path: String,
    /// `ndarray`, `dataframe`, `json_object`, `sparse_matrix_csr`, `sparse_matrix_csc`.
    pub ty: Option<String>,
    pub pandas_orient: Option<String>,
    pub serving_input_path: Option<String>,
}

impl MlModel {
    /// An `MLmodel` with no flavors, for a folder that has none: MLflow reads it
    /// (`Model.load`, downloads, the registry) but cannot load it as a `python_function`.
    pub fn empty() -> MlModel {
        let mut fields = Map::new();
        fields.insert("flavors".into(), Value::Object(Map::new()));
        fields.insert("model_id".into(), Value::Null);
        MlModel {
            fields,
            signature: None,
            example: None,
        }
    }

    /// Reads `<dir>/MLmodel`.
    pub fn load(dir: &Path) -> Result<MlModel> {
        let path = dir.join(MLMODEL);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NotFound(format!(
                    "no {MLMODEL} file in {}: not an MLflow model folder",
                    dir.display()
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(malformed(&path, "the file is not UTF-8 text".into()));
            }
            Err(source) => return Err(Error::Io { path, source }),
        };
        MlModel::parse(&text, &path)
    }

    /// Parses the text of an `MLmodel`; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<MlModel> {
        let bad = |msg: String| malformed(path, msg);
        let Value::Object(fields) = yaml::parse_tree(text).map_err(&bad)? else {
            return Err(bad("the file is not a YAML mapping".into()));
        };
        match fields.get("flavors") {
            Some(Value::Object(_)) => {}
            None | Some(Value::Null) => return Err(bad("it has no 'flavors' mapping".into())),
            Some(_) => return Err(bad("'flavors' is not a mapping".into())),
        }
        for key in [
            "model_uuid",
            "model_id",
            "run_id",
            "artifact_path",
            "utc_time_created",
            "mlflow_version",
        ] {
            match fields.get(key) {
                None | Some(Value::Null | Value::String(_) | Value::Number(_)) => {}
                Some(_) => return Err(bad(format!("'{key}' is not a string"))),
            }
        }
        match fields.get("model_size_bytes") {
            None | Some(Value::Null) => {}
            Some(v) if v.as_u64().is_some() => {}
            Some(_) => {
                return Err(bad(
                    "'model_size_bytes' is not a non-negative integer".into()
                ));
            }
        }
        match fields.get("metadata") {
            None | Some(Value::Null | Value::Object(_)) => {}
            Some(_) => return Err(bad("'metadata' is not a mapping".into())),
        }
        let signature = match fields.get("signature") {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(Signature::from_yaml(m).map_err(&bad)?),
            Some(_) => return Err(bad("'signature' is not a mapping".into())),
        };
        let example = match fields.get("saved_input_example_info") {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(InputExampleInfo::from_yaml(m).map_err(&bad)?),
            Some(_) => {
                return Err(bad("'saved_input_example_info' is not a mapping".into()));
            }
        };
        Ok(MlModel {
            fields,
            signature,
            example,
        })
    }

    /// The file's text: block YAML, keys sorted, every string quoted (PyYAML reads YAML 1.1).
    pub fn to_yaml(&self) -> String {
        yaml::tree_to_yaml(&Value::Object(self.fields.clone()))
    }

    /// Every field, as read or set.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// Flavor name → its configuration, verbatim.
    pub fn flavors(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        match self.fields.get("flavors") {
            Some(Value::Object(m)) => m,
            _ => EMPTY.get_or_init(Map::new),
        }
    }

    pub fn signature(&self) -> Option<&Signature> {
        self.signature.as_ref()
    }

    pub fn saved_input_example_info(&self) -> Option<&InputExampleInfo> {
        self.example.as_ref()
    }

    /// A string field (a number written unquoted is taken as its text).
    pub fn text(&self, key: &str) -> Option<String> {
        match self.fields.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn model_uuid(&self) -> Option<String> {
        self.text("model_uuid")
    }

    pub fn model_id(&self) -> Option<String> {
        self.text("model_id")
    }

    pub fn run_id(&self) -> Option<String> {
        self.text("run_id")
    }

    pub fn artifact_path(&self) -> Option<String> {
        self.text("artifact_path")
    }

    pub fn utc_time_created(&self) -> Option<String> {
        self.text("utc_time_created")
    }

    pub fn mlflow_version(&self) -> Option<String> {
        self.text("mlflow_version")
    }

    pub fn model_size_bytes(&self) -> Option<u64> {
        self.fields.get("model_size_bytes")?.as_u64()
    }

    pub fn metadata(&self) -> Option<&Map<String, Value>> {
        self.fields.get("metadata")?.as_object()
    }

    /// Sets the fields MLflow 2's `log_model` sets for a model logged to a run:
    /// `run_id`, `artifact_path` (run-relative), `utc_time_created` and `model_size_bytes`.
    /// `model_id` names an MLflow 3 LoggedModel, which this copy is not, so it becomes null;
    /// `model_uuid` is kept unless it is missing or was that LoggedModel's id (MLflow 3 sets
    /// one to the other), and is then a new uuid4 hex.
    pub fn complete_for_run(
        &mut self,
        run_id: &str,
        artifact_path: &str,
        utc_time_created: &str,
        model_size_bytes: u64,
    ) {
        let old_id = self.model_id();
        let uuid = match self.model_uuid() {
            Some(u) if !u.is_empty() && Some(&u) != old_id.as_ref() => u,
            _ => uuid::Uuid::new_v4().simple().to_string(),
        };
        let f = &mut self.fields;
        f.insert("run_id".into(), run_id.into());
        f.insert("artifact_path".into(), artifact_path.into());
        f.insert("utc_time_created".into(), utc_time_created.into());
        f.insert("model_uuid".into(), uuid.into());
        f.insert("model_id".into(), Value::Null);
        f.insert("model_size_bytes".into(), model_size_bytes.into());
    }

    /// This model's entry in the run tag `mlflow.log-model.history`, as MLflow's
    /// `Model.get_tags_dict` makes it (flavor configs without their `config` key) and
    /// `json.dumps` writes it.
    pub fn history_entry(&self) -> String {
        let flavors: Map<String, Value> = self
            .flavors()
            .iter()
            .map(|(name, conf)| {
                let conf = match conf {
                    Value::Object(m) => Value::Object(
                        m.iter()
                            .filter(|(k, _)| *k != "config")
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    ),
                    other => other.clone(),
                };
                (name.clone(), conf)
            })
            .collect();
        let mut parts = Vec::new();
        for key in ["run_id", "artifact_path", "utc_time_created", "model_uuid"] {
            let skip_if_null = key == "run_id" || key == "artifact_path";
            match self.fields.get(key) {
                None | Some(Value::Null) if skip_if_null => {}
                v => parts.push(format!(
                    "{}: {}",
                    python_json(&Value::from(key)),
                    python_json(v.unwrap_or(&Value::Null))
                )),
            }
        }
        parts.push(format!(
            "\"flavors\": {}",
            python_json(&Value::Object(flavors))
        ));
        format!("{{{}}}", parts.join(", "))
    }
}

fn malformed(path: &Path, msg: String) -> Error {
    Error::Malformed {
        path: path.to_path_buf(),
        msg,
    }
}

impl Signature {
    fn from_yaml(m: &Map<String, Value>) -> std::result::Result<Signature, String> {
        let json_list = |key: &str| -> std::result::Result<Option<Vec<Value>>, String> {
            match m.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                    Ok(Value::Array(items)) => Ok(Some(items)),
                    Ok(Value::Null) => Ok(None),
                    Ok(_) => Err(format!("signature.{key} is not a JSON list")),
                    Err(e) => Err(format!("signature.{key} is not valid JSON ({e})")),
                },
                Some(_) => Err(format!("signature.{key} is not a JSON string")),
            }
        };
        let schema = |key: &str| -> std::result::Result<Option<Schema>, String> {
            json_list(key)?
                .map(|items| Schema::from_json(&items).map_err(|e| format!("signature.{key}: {e}")))
                .transpose()
        };
        let params = json_list("params")?
            .map(|items| {
                items
                    .iter()
                    .map(|p| ParamSpec::from_json(p).map_err(|e| format!("signature.params: {e}")))
                    .collect::<std::result::Result<Vec<_>, _>>()
            })
            .transpose()?;
        Ok(Signature {
            inputs: schema("inputs")?,
            outputs: schema("outputs")?,
            params,
        })
    }
}

impl Schema {
    /// MLflow's `Schema.from_json`: all tensor specs, or all column specs.
    fn from_json(items: &[Value]) -> std::result::Result<Schema, String> {
        let is_tensor = |v: &Value| v.get("type").and_then(Value::as_str) == Some("tensor");
        if !items.is_empty() && items.iter().all(is_tensor) {
            return items
                .iter()
                .map(TensorSpec::from_json)
                .collect::<std::result::Result<_, _>>()
                .map(Schema::Tensors);
        }
        if items.iter().any(is_tensor) {
            return Err("it mixes tensor and column specs".into());
        }
        items
            .iter()
            .map(ColSpec::from_json)
            .collect::<std::result::Result<_, _>>()
            .map(Schema::Columns)
    }

    pub fn len(&self) -> usize {
        match self {
            Schema::Columns(c) => c.len(),
            Schema::Tensors(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn opt_name(v: &Value) -> std::result::Result<Option<String>, String> {
    match v.get("name") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("name {other} is not a string")),
    }
}

impl ColSpec {
    fn from_json(v: &Value) -> std::result::Result<ColSpec, String> {
        if !v.is_object() {
            return Err(format!("{v} is not a column spec"));
        }
        Ok(ColSpec {
            name: opt_name(v)?,
            ty: type_text(v)?,
            required: v.get("required").and_then(Value::as_bool).unwrap_or(true),
        })
    }
}

/// A readable form of a column type: `double`, `array<double>`, `object{a: long, b?: string}`,
/// `map<string, double>`.
fn type_text(spec: &Value) -> std::result::Result<String, String> {
    let ty = spec
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{spec} has no type"))?;
    Ok(match ty {
        "array" => format!(
            "array<{}>",
            type_text(spec.get("items").unwrap_or(&Value::Null))?
        ),
        "map" => format!(
            "map<string, {}>",
            type_text(spec.get("values").unwrap_or(&Value::Null))?
        ),
        "object" => {
            let props = spec
                .get("properties")
                .and_then(Value::as_object)
                .ok_or_else(|| format!("object type {spec} has no properties"))?;
            let parts = props
                .iter()
                .map(|(k, p)| {
                    let optional = p.get("required").and_then(Value::as_bool) == Some(false);
                    Ok(format!(
                        "{k}{}: {}",
                        if optional { "?" } else { "" },
                        type_text(p)?
                    ))
                })
                .collect::<std::result::Result<Vec<_>, String>>()?;
            format!("object{{{}}}", parts.join(", "))
        }
        other => other.to_string(),
    })
}

fn shape(v: &Value) -> std::result::Result<Vec<i64>, String> {
    v.as_array()
        .and_then(|dims| dims.iter().map(Value::as_i64).collect::<Option<Vec<_>>>())
        .ok_or_else(|| format!("shape {v} is not a list of integers"))
}

impl TensorSpec {
    fn from_json(v: &Value) -> std::result::Result<TensorSpec, String> {
        let spec = v
            .get("tensor-spec")
            .ok_or_else(|| format!("tensor {v} has no tensor-spec"))?;
        Ok(TensorSpec {
            name: opt_name(v)?,
            dtype: spec
                .get("dtype")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("tensor {v} has no dtype"))?
                .to_string(),
            shape: shape(spec.get("shape").unwrap_or(&Value::Null))?,
        })
    }
}

impl ParamSpec {
    fn from_json(v: &Value) -> std::result::Result<ParamSpec, String> {
        let name = opt_name(v)?.ok_or_else(|| format!("param {v} has no name"))?;
        let ty = v
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("param '{name}' has no type"))?
            .to_string();
        let shape = match v.get("shape") {
            None | Some(Value::Null) => None,
            Some(s) => Some(shape(s).map_err(|e| format!("param '{name}': {e}"))?),
        };
        Ok(ParamSpec {
            name,
            ty,
            default: v.get("default").cloned().unwrap_or(Value::Null),
            shape,
        })
    }
}

impl InputExampleInfo {
    fn from_yaml(m: &Map<String, Value>) -> std::result::Result<InputExampleInfo, String> {
        let s = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
        Ok(InputExampleInfo {
            artifact_path: s("artifact_path")
                .ok_or_else(|| "saved_input_example_info has no artifact_path".to_string())?,
            ty: s("type"),
            pandas_orient: s("pandas_orient"),
            serving_input_path: s("serving_input_path"),
        })
    }
}

/// JSON as Python's `json.dumps` writes it: `", "` and `": "` separators, non-ASCII escaped.
pub fn python_json(v: &Value) -> String {
    match v {
        Value::String(s) => crate::store::yaml::double_quoted(s, |c| match c {
            '\u{8}' => Some("\\b".into()),
            '\u{c}' => Some("\\f".into()),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                let units = c.encode_utf16(&mut buf);
                Some(units.iter().map(|u| format!("\\u{u:04x}")).collect())
            }
            _ => None,
        }),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(python_json).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    python_json(&Value::from(k.as_str())),
                    python_json(v)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// `utc_time_created` as Python's `str(datetime)` of a naive UTC time writes it:
/// `2024-05-01 12:00:00.123456`, without the fraction when it is zero.
pub fn utc_time_created(micros: i64) -> String {
    let Some(t) = chrono::DateTime::from_timestamp_micros(micros) else {
        return micros.to_string();
    };
    if micros.rem_euclid(1_000_000) == 0 {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
    }
}

/// Every regular file under `dir` (following links), as (path relative to `dir` with `/`
/// separators, size), sorted by path.
fn folder_files(dir: &Path) -> Result<Vec<(String, u64)>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| crate::store::fs::walk_error(e, dir))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = crate::store::fs::slash_path(rel);
        let size = entry
            .metadata()
            .map_err(|e| crate::store::fs::walk_error(e, dir))?
            .len();
        out.push((rel, size));
    }
    Ok(out)
}

/// What [`log_model`] did.
#[derive(Clone, Debug)]
pub struct Logged {
    /// `runs:/<run_id>/<artifact_path>`.
    pub uri: String,
    pub model: MlModel,
    /// False when the folder had no `MLmodel` and one with no flavors was written.
    pub had_mlmodel: bool,
    /// Files copied, the `MLmodel` included.
    pub files: usize,
}

/// Copies the model folder `dir` into the run's artifacts under `name`, with an `MLmodel`
/// completed for the run (the folder's own is kept as it was, flavors and all; a folder without
/// one gets one with no flavors). Refuses a `name` the run already has. The `MLmodel` is
/// written last, so a reader never sees a half-copied model, and the model is added to the run
/// tag `mlflow.log-model.history` as MLflow does. The user's folder is never changed.
pub fn log_model(store: &Store, h: &RunHandle, dir: &Path, name: &str) -> Result<Logged> {
    let name = name.trim_matches('/');
    validate_artifact_path(name)?;
    let meta = std::fs::metadata(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(Error::Invalid(format!(
            "{} is not a folder; a model is a folder with an {MLMODEL} file",
            dir.display()
        )));
    }
    let had_mlmodel = dir.join(MLMODEL).exists();
    let mut model = if had_mlmodel {
        MlModel::load(dir)?
    } else {
        MlModel::empty()
    };
    let files = folder_files(dir)?;
    let size: u64 = files
        .iter()
        .filter(|(p, _)| p != MLMODEL)
        .map(|(_, s)| s)
        .sum();
    let created = utc_time_created(crate::env::now_us());
    model.complete_for_run(&h.info.run_id, name, &created, size);
    // A damaged history tag stops us before anything is copied.
    store.logged_model_history(h)?;
    let copied = store.log_model_files(h, dir, name, MLMODEL, model.to_yaml().as_bytes())?;
    store.append_logged_model_history(h, &model.history_entry())?;
    Ok(Logged {
        uri: format!("runs:/{}/{name}", h.info.run_id),
        model,
        had_mlmodel,
        files: copied.len(),
    })
}

/// What `mlt models inspect` shows about a model folder.
#[derive(Clone, Debug)]
pub struct Inspection {
    pub dir: PathBuf,
    pub model: MlModel,
    pub input_example: Option<InputExample>,
    /// The lines of `requirements.txt` (no blanks or comments), when the folder has one.
    pub requirements: Option<Vec<String>>,
    /// Bytes of every file in the folder, the `MLmodel` included.
    pub size_bytes: u64,
    pub files: usize,
}

/// The input example file named by `saved_input_example_info`.
#[derive(Clone, Debug, PartialEq)]
pub struct InputExample {
    pub info: InputExampleInfo,
    pub content: ExampleContent,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExampleContent {
    Json(Value),
    /// Text that is not JSON.
    Text(String),
    /// Why it cannot be shown: missing, too large, not text.
    Unavailable(String),
}

/// Reads a model folder (or its `MLmodel` file) for `mlt models inspect`. Fails when the
/// folder has no `MLmodel` or it is malformed.
pub fn inspect_dir(path: &Path) -> Result<Inspection> {
    let dir = if path.file_name().is_some_and(|n| n == MLMODEL) && path.is_file() {
        path.parent().unwrap_or(Path::new(".")).to_path_buf()
    } else {
        path.to_path_buf()
    };
    if !dir.is_dir() {
        return Err(Error::NotFound(format!(
            "no model folder at {}",
            dir.display()
        )));
    }
    let model = MlModel::load(&dir)?;
    let files = folder_files(&dir)?;
    let input_example = model.saved_input_example_info().map(|info| InputExample {
        info: info.clone(),
        content: read_example(&dir, &info.artifact_path),
    });
    let requirements = match std::fs::read_to_string(dir.join("requirements.txt")) {
        Ok(text) => Some(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect(),
        ),
        Err(_) => None,
    };
    Ok(Inspection {
        size_bytes: files.iter().map(|(_, s)| s).sum(),
        files: files.len(),
        dir,
        model,
        input_example,
        requirements,
    })
}

fn read_example(dir: &Path, rel: &str) -> ExampleContent {
    if validate_artifact_path(rel).is_err() {
        return ExampleContent::Unavailable(format!("'{rel}' is not a path inside the model"));
    }
    let path = rel
        .split('/')
        .fold(dir.to_path_buf(), |p, part| p.join(part));
    let size = match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => m.len(),
        _ => return ExampleContent::Unavailable(format!("{rel} is missing")),
    };
    if size > MAX_EXAMPLE_BYTES {
        return ExampleContent::Unavailable(format!(
            "{rel} is {}, too large to show",
            crate::output::bytes(size)
        ));
    }
    match std::fs::read(&path) {
        Err(e) => ExampleContent::Unavailable(format!("{rel}: {e}")),
        Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) => ExampleContent::Json(v),
            Err(_) => match String::from_utf8(bytes) {
                Ok(s) => ExampleContent::Text(s),
                Err(_) => ExampleContent::Unavailable(format!("{rel} is not text")),
            },
        },
    }
}

#[cfg(test)]
mod tests;
