//! `mlt models log` and `mlt models inspect`: model packages. `log` stores a model folder in a run's artifacts with an
//! `MLmodel` MLflow can load; `inspect` shows what a model folder holds. Each subcommand is a
//! function of its own, and `inspect` resolves its target to a local folder first
//! ([`resolve_model`]) and then prints [`print_inspection`] of it, so other URI schemes only
//! add a branch to the resolver.

use crate::cli::kit::{CliError, CmdResult, Ctx};
use crate::output::{self, Cell, Listing};
use crate::package::{self, ExampleContent, Inspection, MlModel, Schema};
use crate::store::RunRef;
use serde_json::{Value, json};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct LogArgs {
    /// The model folder (as MLflow's save_model writes it: an MLmodel file and the flavor files)
    pub dir: PathBuf,
    /// Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]
    #[arg(long)]
    pub run: Option<String>,
    /// Artifact path of the model in the run
    #[arg(long, default_value = "model")]
    pub name: String,
}

#[derive(clap::Args, Debug)]
pub struct InspectArgs {
    /// A model: models:/<name>/<version|@alias|...>, runs:/<run_id>/<path>, or a local folder
    pub model: String,
    /// Output format
    #[arg(long, short, value_enum, default_value_t)]
    pub format: InspectFormat,
}

/// `--format` of `models inspect`: sections do not fit one CSV table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum InspectFormat {
    #[default]
    Table,
    Json,
    /// Markdown sections, for pull-request comments and CI summaries.
    Md,
}

pub fn log(ctx: &Ctx, a: LogArgs) -> CmdResult {
    let store = ctx.existing_store()?;
    let h = store.active_run(&ctx.run_id(&store, a.run.as_deref())?)?;
    let logged = package::log_model(&store, &h, &a.dir, &a.name)?;
    if !logged.had_mlmodel {
        ctx.printer().warn(format_args!(
            "{} has no {}: wrote one with no flavors. MLflow can read, download and \
             register the model, but not load it with mlflow.pyfunc.load_model",
            a.dir.display(),
            package::MLMODEL
        ));
    }
    ctx.printer().status(format_args!(
        "Logged model '{}' ({} file{}; flavors: {}) to run {}",
        a.name.trim_matches('/'),
        logged.files,
        if logged.files == 1 { "" } else { "s" },
        flavor_names(&logged.model),
        h.info.run_id
    ));
    output::print(&format!("{}\n", logged.uri))?;
    Ok(())
}

pub fn inspect(ctx: &Ctx, a: InspectArgs) -> CmdResult {
    let dir = resolve_model(ctx, &a.model)?;
    let ins = package::inspect_dir(&dir)?;
    print_inspection(&ins, &a.model, a.format)
}

/// The local folder of a model named on the command line: `runs:/<run_id>/<path>` (a folder
/// in the run's artifacts) or a local path.
pub fn resolve_model(ctx: &Ctx, target: &str) -> Result<PathBuf, CliError> {
    if target.starts_with("models:/") {
        return Ok(ctx.existing_store()?.model_files(target)?);
    }
    if target.starts_with("runs:/") {
        let r = RunRef::parse(target)?;
        let Some(path) = r.path else {
            return Err(CliError::usage(format!("'{target}' names no model path"))
                .hint("use runs:/<run_id>/<path>, for example runs:/<run_id>/model"));
        };
        let store = ctx.existing_store()?;
        let h = store.find_run(&r.run_id)?;
        return Ok(store.artifact_path(&h, Some(&path))?);
    }
    if target.contains(":/") {
        return Err(CliError::usage(format!(
            "'{target}' is not a models:/ or runs:/<run_id>/<path> URI or a local folder"
        )));
    }
    Ok(PathBuf::from(target))
}

fn flavor_names(m: &MlModel) -> String {
    if m.flavors().is_empty() {
        "none".into()
    } else {
        m.flavors().keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// Prints an inspection; `source` is the model as the user named it.
pub fn print_inspection(ins: &Inspection, source: &str, format: InspectFormat) -> CmdResult {
    let text = match format {
        InspectFormat::Json => output::to_json(&inspection_json(ins, source)),
        InspectFormat::Table => {
            let mut out = flush_left(summary(ins, source).to_table());
            out.push('\n');
            if ins.model.flavors().is_empty() {
                out.push_str("FLAVORS  none\n");
            } else {
                out.push_str(&flush_left(flavors(ins.model.flavors()).to_table()));
            }
            out.push('\n');
            match signature(&ins.model) {
                Some(l) => out.push_str(&flush_left(l.to_table())),
                None => out.push_str("SIGNATURE  none\n"),
            }
            if let Some((title, body)) = example(ins) {
                out.push_str(&format!("\nINPUT EXAMPLE  {title}\n{body}"));
            }
            if let Some(reqs) = &ins.requirements {
                out.push_str("\nREQUIREMENTS  requirements.txt\n");
                for r in reqs {
                    out.push_str(&format!("{r}\n"));
                }
            }
            out
        }
        InspectFormat::Md => {
            let mut out = format!("### Model\n\n{}", summary(ins, source).to_markdown());
            out.push_str(&format!(
                "\n### Flavors\n\n{}",
                flavors(ins.model.flavors()).to_markdown()
            ));
            match signature(&ins.model) {
                Some(l) => out.push_str(&format!("\n### Signature\n\n{}", l.to_markdown())),
                None => out.push_str("\n### Signature\n\nNone.\n"),
            }
            if let Some((title, body)) = example(ins) {
                out.push_str(&format!(
                    "\n### Input example\n\n{title}\n\n```\n{body}```\n"
                ));
            }
            if let Some(reqs) = &ins.requirements {
                out.push_str("\n### Requirements\n\n```\n");
                for r in reqs {
                    out.push_str(&format!("{r}\n"));
                }
                out.push_str("```\n");
            }
            out
        }
    };
    output::print(&text)?;
    Ok(())
}

/// A table without the one-space margin on its left, to line up with the section titles.
fn flush_left(table: String) -> String {
    if !table.lines().all(|l| l.is_empty() || l.starts_with(' ')) {
        return table;
    }
    table
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
        .collect()
}

fn summary(ins: &Inspection, source: &str) -> Listing {
    let m = &ins.model;
    let mut l = Listing::new(["field", "value"]);
    l.row(["model", source]);
    let path = ins.dir.display().to_string();
    if path != source {
        l.row(["path".to_string(), path]);
    }
    l.row(["flavors".to_string(), flavor_names(m)]);
    let fields = [
        ("model_uuid", m.model_uuid()),
        ("model_id", m.model_id()),
        ("run_id", m.run_id()),
        ("artifact_path", m.artifact_path()),
        ("created", m.utc_time_created().map(|t| format!("{t} UTC"))),
        ("mlflow_version", m.mlflow_version()),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            // Ids, the time and the version are kept whole in a narrow table.
            let whole = k != "artifact_path";
            l.row([
                Cell::from(k),
                if whole { Cell::Id(v) } else { Cell::Text(v) },
            ]);
        }
    }
    l.row([
        "size".to_string(),
        format!(
            "{} in {} file{}",
            output::bytes(ins.size_bytes),
            ins.files,
            if ins.files == 1 { "" } else { "s" }
        ),
    ]);
    l
}

/// Config keys shown first, in this order; then the other plain values, sorted.
const KEY_CONFIG: [&str; 9] = [
    "loader_module",
    "python_version",
    "model_path",
    "predict_fn",
    "pickled_model",
    "serialization_format",
    "sklearn_version",
    "data",
    "code",
];

/// One row per plain (non-null scalar) config value of each flavor.
fn flavors(f: &serde_json::Map<String, Value>) -> Listing {
    let mut l = Listing::new(["flavor", "key", "value"]);
    for (name, conf) in f {
        let mut rows: Vec<(String, String)> = Vec::new();
        if let Value::Object(c) = conf {
            let rank = |k: &str| {
                KEY_CONFIG
                    .iter()
                    .position(|x| *x == k)
                    .unwrap_or(usize::MAX)
            };
            let mut keys: Vec<&String> = c.keys().collect();
            keys.sort_by_key(|k| (rank(k), k.as_str()));
            for k in keys {
                let v = match &c[k] {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => continue,
                };
                rows.push((k.clone(), v));
            }
        } else if !conf.is_null() {
            rows.push((String::new(), conf.to_string()));
        }
        if rows.is_empty() {
            l.row([name.as_str(), "", ""]);
        }
        for (i, (k, v)) in rows.into_iter().enumerate() {
            l.row([if i == 0 { name.clone() } else { String::new() }, k, v]);
        }
    }
    l
}

fn shape_text(shape: &[i64]) -> String {
    format!(
        "[{}]",
        shape
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn schema_rows(l: &mut Listing, section: &str, schema: &Schema) {
    match schema {
        Schema::Columns(cols) => {
            for c in cols {
                l.row([
                    section.to_string(),
                    c.name.clone().unwrap_or_default(),
                    c.ty.clone(),
                    if c.required { "required" } else { "optional" }.to_string(),
                ]);
            }
        }
        Schema::Tensors(ts) => {
            for t in ts {
                l.row([
                    section.to_string(),
                    t.name.clone().unwrap_or_default(),
                    format!("tensor {}", t.dtype),
                    format!("shape {}", shape_text(&t.shape)),
                ]);
            }
        }
    }
}

/// The signature as rows of (section, name, type, detail); `None` without a signature.
fn signature(m: &MlModel) -> Option<Listing> {
    let sig = m.signature()?;
    let mut l = Listing::new(["signature", "name", "type", "detail"]);
    if let Some(s) = &sig.inputs {
        schema_rows(&mut l, "inputs", s);
    }
    if let Some(s) = &sig.outputs {
        schema_rows(&mut l, "outputs", s);
    }
    for p in sig.params.iter().flatten() {
        let mut detail = format!("default {}", p.default);
        if let Some(s) = &p.shape {
            detail.push_str(&format!(", shape {}", shape_text(s)));
        }
        l.row(["params".to_string(), p.name.clone(), p.ty.clone(), detail]);
    }
    Some(l)
}

/// Lines of an input example shown in a table or Markdown; the JSON output has it whole.
const EXAMPLE_LINES: usize = 20;
const EXAMPLE_LINE_WIDTH: usize = 120;

/// The input example's title and its text, pretty-printed and cut to a screenful.
fn example(ins: &Inspection) -> Option<(String, String)> {
    let ex = ins.input_example.as_ref()?;
    let kind: Vec<&str> = [ex.info.ty.as_deref(), ex.info.pandas_orient.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let title = if kind.is_empty() {
        ex.info.artifact_path.clone()
    } else {
        format!("{} ({})", ex.info.artifact_path, kind.join(", "))
    };
    let text = match &ex.content {
        ExampleContent::Json(v) => {
            let mut s = String::new();
            pretty(v, 0, &mut s);
            s
        }
        ExampleContent::Text(t) => t.clone(),
        ExampleContent::Unavailable(why) => format!("({why})"),
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut body = String::new();
    for line in lines.iter().take(EXAMPLE_LINES) {
        if line.chars().count() > EXAMPLE_LINE_WIDTH {
            let cut: String = line.chars().take(EXAMPLE_LINE_WIDTH - 1).collect();
            body.push_str(&format!("{cut}…\n"));
        } else {
            body.push_str(&format!("{line}\n"));
        }
    }
    if lines.len() > EXAMPLE_LINES {
        body.push_str(&format!(
            "… ({} more lines; --format json shows it all)\n",
            lines.len() - EXAMPLE_LINES
        ));
    }
    Some((title, body))
}

/// Pretty JSON that keeps a list of plain values on one line (`[1.0, 0.5]`), so a table of
/// rows reads as one row a line.
fn pretty(v: &Value, indent: usize, out: &mut String) {
    let pad = |n: usize| "  ".repeat(n);
    let plain = |v: &Value| !matches!(v, Value::Array(_) | Value::Object(_));
    match v {
        Value::Array(items) if items.iter().all(plain) => {
            let parts: Vec<String> = items.iter().map(Value::to_string).collect();
            out.push_str(&format!("[{}]", parts.join(", ")));
        }
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                pretty(item, indent + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        Value::Object(m) if !m.is_empty() => {
            out.push_str("{\n");
            for (i, (k, item)) in m.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                out.push_str(&Value::from(k.as_str()).to_string());
                out.push_str(": ");
                pretty(item, indent + 1, out);
                out.push_str(if i + 1 < m.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn schema_json(s: &Schema) -> Value {
    match s {
        Schema::Columns(cols) => cols
            .iter()
            .map(|c| json!({"name": c.name, "type": c.ty, "required": c.required}))
            .collect(),
        Schema::Tensors(ts) => ts
            .iter()
            .map(|t| json!({"name": t.name, "type": "tensor", "dtype": t.dtype, "shape": t.shape}))
            .collect(),
    }
}

/// The `--format json` object: every key always present, null when the model has no value.
fn inspection_json(ins: &Inspection, source: &str) -> Value {
    let m = &ins.model;
    let signature = m.signature().map(|s| {
        json!({
            "inputs": s.inputs.as_ref().map(schema_json),
            "outputs": s.outputs.as_ref().map(schema_json),
            "params": s.params.as_ref().map(|ps| ps.iter().map(|p| json!({
                "name": p.name, "type": p.ty, "default": p.default, "shape": p.shape,
            })).collect::<Vec<_>>()),
        })
    });
    let input_example = ins.input_example.as_ref().map(|ex| {
        let (value, note) = match &ex.content {
            ExampleContent::Json(v) => (v.clone(), None),
            ExampleContent::Text(t) => (Value::from(t.as_str()), None),
            ExampleContent::Unavailable(why) => (Value::Null, Some(why.clone())),
        };
        json!({
            "path": ex.info.artifact_path,
            "type": ex.info.ty,
            "pandas_orient": ex.info.pandas_orient,
            "serving_input_path": ex.info.serving_input_path,
            "value": value,
            "note": note,
        })
    });
    json!({
        "model": source,
        "path": ins.dir.display().to_string(),
        "flavors": m.flavors(),
        "model_uuid": m.model_uuid(),
        "model_id": m.model_id(),
        "run_id": m.run_id(),
        "artifact_path": m.artifact_path(),
        "utc_time_created": m.utc_time_created(),
        "mlflow_version": m.mlflow_version(),
        "model_size_bytes": m.model_size_bytes(),
        "metadata": m.metadata(),
        "signature": signature,
        "input_example": input_example,
        "requirements": ins.requirements,
        "size_bytes": ins.size_bytes,
        "files": ins.files,
    })
}
