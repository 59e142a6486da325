//! MLproject files, read as MLflow reads them (`mlflow/projects/_project_spec.py`): entry points
//! with typed parameters and defaults, command templates filled in with shell-quoted values, and
//! the declared environment. mlt runs the command in the current environment; the declared one
//! is only recorded.

use super::shell::quote;
use crate::store::yaml::{Tree, parse_ordered_tree};
use crate::store::{local_path_of_uri, normalize_path};
use std::path::{Path, PathBuf};

/// The environment an MLproject declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    /// `conda_env: <file>`, or a `conda.yaml` beside the MLproject.
    Conda { file: String },
    /// `python_env: <file>`, or a `python_env.yaml` beside the MLproject.
    Python { file: String },
    /// `docker_env: {image: ...}`.
    Docker { image: String },
}

impl Environment {
    /// The value MLflow records in `mlflow.project.env` for a project of this kind.
    pub fn mlflow_name(&self) -> &'static str {
        match self {
            Environment::Conda { .. } => "conda",
            Environment::Python { .. } => "virtualenv",
            Environment::Docker { .. } => "docker",
        }
    }

    /// What declares it: the file, or the docker image.
    pub fn config(&self) -> &str {
        match self {
            Environment::Conda { file } | Environment::Python { file } => file,
            Environment::Docker { image } => image,
        }
    }
}

/// A declared parameter of an entry point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    pub name: String,
    /// `string` (the default), `float`, `int`, `path` or `uri`; only `path` and `uri` are
    /// checked, as in MLflow.
    pub kind: String,
    /// `None` makes the parameter required.
    pub default: Option<String>,
}

/// An entry point: its parameters (in the file's order) and command template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryPoint {
    pub name: String,
    pub parameters: Vec<Parameter>,
    pub command: String,
}

/// An entry point made concrete for the values given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The values to log as params: every declared parameter (given or default), then the
    /// extra ones given, as the user wrote them.
    pub params: Vec<(String, String)>,
    /// The command line for `bash -c`.
    pub command: String,
}

/// A project folder and what its MLproject says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    pub dir: PathBuf,
    /// The MLproject file, when there is one.
    pub file: Option<PathBuf>,
    pub name: Option<String>,
    pub environment: Option<Environment>,
    pub entry_points: Vec<EntryPoint>,
}

const ENV_KEYS: [&str; 3] = ["docker_env", "python_env", "conda_env"];

impl Project {
    /// Reads the MLproject in `dir` (any case of the name). A folder without one is a project
    /// with no declared entry points, whose scripts can still be run by file name.
    pub fn load(dir: &Path) -> Result<Project, String> {
        let file = find_mlproject(dir)?;
        let tree = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                parse_ordered_tree(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => Tree::Null,
        };
        let shown = file
            .as_ref()
            .map_or_else(|| dir.display().to_string(), |p| p.display().to_string());
        let bad = |msg: String| format!("{shown}: {msg}");
        if !matches!(tree, Tree::Map(_) | Tree::Null) {
            return Err(bad("the file is not a YAML mapping".into()));
        }
        if tree.get("databricks_spark_job").is_some() {
            return Err(bad(
                "mlt does not run Databricks Spark jobs (databricks_spark_job)".into(),
            ));
        }
        let declared: Vec<&str> = ENV_KEYS
            .into_iter()
            .filter(|k| tree.get(k).is_some())
            .collect();
        if declared.len() > 1 {
            return Err(bad(format!(
                "a project can declare one environment, this one declares {}",
                declared.join(", ")
            )));
        }
        let environment = environment(dir, &tree).map_err(bad)?;
        let mut entry_points = Vec::new();
        match tree.get("entry_points") {
            None | Some(Tree::Null) => {}
            Some(Tree::Map(entries)) => {
                for (name, spec) in entries {
                    entry_points.push(entry_point(name, spec).map_err(bad)?);
                }
            }
            Some(_) => return Err(bad("entry_points must be a mapping".into())),
        }
        Ok(Project {
            dir: dir.to_path_buf(),
            file,
            name: tree.get("name").map(Tree::python_str),
            environment,
            entry_points,
        })
    }

    /// The entry point called `name`; a name that is not declared but ends in `.py`, `.sh` or
    /// `.R` runs that script, as in MLflow (`.sh` with `shell`, MLflow's `$SHELL`).
    pub fn entry_point(&self, name: &str, shell: &str) -> Result<EntryPoint, String> {
        if let Some(ep) = self.entry_points.iter().find(|e| e.name == name) {
            return Ok(ep.clone());
        }
        let command = match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some("py") => format!("python {}", quote(name)),
            Some("sh") => format!("{shell} {}", quote(name)),
            Some("R") => format!(
                "Rscript -e \"mlflow::mlflow_source('{}')\" --args",
                quote(name)
            ),
            _ => {
                let names: Vec<&str> = self.entry_points.iter().map(|e| e.name.as_str()).collect();
                return Err(match &self.file {
                    None => format!(
                        "no MLproject in {}, and '{name}' is not a .py, .sh or .R script",
                        self.dir.display()
                    ),
                    Some(_) if names.is_empty() => format!(
                        "no entry point '{name}' (the MLproject declares none), and it is not \
                         a .py, .sh or .R script"
                    ),
                    Some(_) => format!(
                        "no entry point '{name}' (declared: {}), and it is not a .py, .sh or .R \
                         script",
                        names.join(", ")
                    ),
                });
            }
        };
        Ok(EntryPoint {
            name: name.to_string(),
            parameters: Vec::new(),
            command,
        })
    }
}

impl EntryPoint {
    /// Checks the given values against the declared parameters and fills in the command, as
    /// MLflow's `compute_command` does: required parameters must be given, a `path` must exist
    /// locally (it becomes absolute, from `cwd`), a `uri` must have a scheme, values are
    /// shell-quoted, and undeclared values are appended as `--key value`. A key given twice
    /// keeps its last value.
    pub fn render(&self, given: &[(String, String)], cwd: &Path) -> Result<Rendered, String> {
        let lookup = |k: &str| given.iter().rev().find(|(gk, _)| gk == k).map(|(_, v)| v);
        let missing: Vec<String> = self
            .parameters
            .iter()
            .filter(|p| p.default.is_none() && lookup(&p.name).is_none())
            .map(|p| format!("'{}'", p.name))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "entry point '{}' needs a value for {}: pass -P {}=VALUE",
                self.name,
                missing.join(", "),
                missing[0].trim_matches('\'')
            ));
        }
        let mut params = Vec::new();
        let mut quoted = Vec::new();
        for p in &self.parameters {
            let raw = lookup(&p.name)
                .or(p.default.as_ref())
                .expect("checked above")
                .clone();
            let value = p.compute_value(&raw, cwd)?;
            quoted.push((p.name.clone(), quote(&value)));
            params.push((p.name.clone(), raw));
        }
        let mut command = format_command(&self.command, &quoted)
            .map_err(|e| format!("the command of entry point '{}' {e}", self.name))?;
        let mut extra_seen: Vec<&str> = Vec::new();
        for (k, _) in given {
            if self.parameters.iter().any(|p| &p.name == k) || extra_seen.contains(&k.as_str()) {
                continue;
            }
            extra_seen.push(k);
            let v = lookup(k).expect("given");
            command.push_str(&format!(" --{} {}", quote(k), quote(v)));
            params.push((k.clone(), v.clone()));
        }
        Ok(Rendered { params, command })
    }
}

impl Parameter {
    fn compute_value(&self, value: &str, cwd: &Path) -> Result<String, String> {
        match self.kind.as_str() {
            "path" => {
                let Some(local) = local_path_of_uri(value) else {
                    return Err(format!(
                        "parameter '{}' is a path, and '{value}' is not a local one: mlt does not \
                         download remote files for a project",
                        self.name
                    ));
                };
                // `os.path.abspath`'s normalization: `.` dropped and `..` resolved lexically.
                let abs = normalize_path(&cwd.join(local));
                if !abs.exists() {
                    return Err(format!(
                        "got value {value} for parameter '{}', but no such file or directory was \
                         found",
                        self.name
                    ));
                }
                Ok(abs.to_string_lossy().into_owned())
            }
            "uri" if scheme(value).is_none() => Err(format!(
                "expected a URI for parameter '{}' but got {value}",
                self.name
            )),
            _ => Ok(value.to_string()),
        }
    }
}

/// The scheme of a URI as Python's `urlparse` finds it (a letter, then letters, digits,
/// `+ - .`, before the first `:`).
fn scheme(s: &str) -> Option<&str> {
    let (head, _) = s.split_once(':')?;
    let mut chars = head.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then_some(head)
}

/// Fills `{name}` placeholders as Python's `str.format(**values)` does, with `{{` and `}}` for
/// literal braces. Conversions, format specs, attributes, indexes and positional fields are
/// refused rather than half-supported.
pub fn format_command(template: &str, values: &[(String, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let brace = rest.as_bytes()[i];
        let after = &rest[i + 1..];
        if brace == b'}' {
            match after.strip_prefix('}') {
                Some(r) => {
                    out.push('}');
                    rest = r;
                    continue;
                }
                None => return Err("has a single '}' (write '}}' for a literal brace)".into()),
            }
        }
        if let Some(r) = after.strip_prefix('{') {
            out.push('{');
            rest = r;
            continue;
        }
        let Some(end) = after.find('}') else {
            return Err("has a '{' without its '}' (write '{{' for a literal brace)".into());
        };
        let field = &after[..end];
        if field.is_empty() || field.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "has a positional field {{{field}}}: name a parameter, e.g. {{alpha}}"
            ));
        }
        if field.contains(['!', ':', '.', '[', '{']) {
            return Err(format!(
                "has the field {{{field}}}: mlt fills in plain {{name}} fields only"
            ));
        }
        let Some((_, v)) = values.iter().find(|(k, _)| k == field) else {
            return Err(format!(
                "uses {{{field}}}, which is not one of its parameters"
            ));
        };
        out.push_str(v);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn find_mlproject(dir: &Path) -> Result<Option<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().to_lowercase() == "mlproject")
        .map(|e| e.path())
        .collect();
    found.sort();
    Ok(found.into_iter().next())
}

fn environment(dir: &Path, tree: &Tree) -> Result<Option<Environment>, String> {
    // Python's truthiness: an empty docker_env or python_env counts as absent.
    let truthy = |t: &&Tree| {
        !matches!(t, Tree::Null | Tree::Bool(false))
            && *t != &Tree::Str(String::new())
            && *t != &Tree::Map(Vec::new())
    };
    if let Some(docker) = tree.get("docker_env").filter(truthy) {
        let image = match docker.get("image") {
            Some(Tree::Str(s)) if !s.is_empty() => s.clone(),
            Some(t @ (Tree::Int(_) | Tree::Float(_))) => t.python_str(),
            _ => return Err("docker_env needs an image".into()),
        };
        match docker.get("volumes") {
            None | Some(Tree::Null) => {}
            Some(Tree::List(v)) if v.iter().all(|x| matches!(x, Tree::Str(_))) => {}
            Some(_) => {
                return Err(
                    "docker_env volumes must be a list of strings, e.g. ['/a:/a', '/b:/b']".into(),
                );
            }
        }
        match docker.get("environment") {
            None | Some(Tree::Null) => {}
            Some(Tree::List(v)) if v.iter().all(|x| matches!(x, Tree::Str(_) | Tree::List(_))) => {}
            Some(_) => {
                return Err(
                    "docker_env environment must be a list of variable names or \
                            [name, value] pairs"
                        .into(),
                );
            }
        }
        return Ok(Some(Environment::Docker { image }));
    }
    for (key, is_python) in [("python_env", true), ("conda_env", false)] {
        if let Some(file) = tree.get(key).filter(truthy) {
            let file = file.python_str();
            if !dir.join(&file).exists() {
                return Err(format!(
                    "{key} names {file}, but there is no such file in {}",
                    dir.display()
                ));
            }
            return Ok(Some(if is_python {
                Environment::Python { file }
            } else {
                Environment::Conda { file }
            }));
        }
    }
    if dir.join("python_env.yaml").exists() {
        return Ok(Some(Environment::Python {
            file: "python_env.yaml".into(),
        }));
    }
    if dir.join("conda.yaml").exists() {
        return Ok(Some(Environment::Conda {
            file: "conda.yaml".into(),
        }));
    }
    Ok(None)
}

fn entry_point(name: &str, spec: &Tree) -> Result<EntryPoint, String> {
    let command = match spec.get("command") {
        Some(Tree::Str(s)) => s.clone(),
        Some(Tree::Null) | None => return Err(format!("entry point '{name}' has no command")),
        Some(other) => other.python_str(),
    };
    let mut parameters = Vec::new();
    match spec.get("parameters") {
        None | Some(Tree::Null) => {}
        Some(Tree::Map(entries)) => {
            for (pname, p) in entries {
                let (kind, default) = match p {
                    Tree::Str(kind) => (kind.clone(), None),
                    Tree::Map(_) => (
                        match p.get("type") {
                            None | Some(Tree::Null) => "string".to_string(),
                            Some(t) => t.python_str(),
                        },
                        match p.get("default") {
                            None | Some(Tree::Null) => None,
                            Some(d) => Some(d.python_str()),
                        },
                    ),
                    _ => {
                        return Err(format!(
                            "parameter '{pname}' of entry point '{name}' must be a type name or \
                             a mapping with type and default"
                        ));
                    }
                };
                parameters.push(Parameter {
                    name: pname.clone(),
                    kind,
                    default,
                });
            }
        }
        Some(_) => {
            return Err(format!(
                "the parameters of entry point '{name}' must be a mapping"
            ));
        }
    }
    Ok(EntryPoint {
        name: name.to_string(),
        parameters,
        command,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
name: tutorial
python_env: python_env.yaml
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
      l1_ratio: {type: float, default: 0.1}
      name: {type: string, default: "a b"}
      epochs: {type: int, default: 10}
    command: "python train.py --alpha {alpha} --l1 {l1_ratio} --name {name} -e {epochs}"
  validate:
    parameters:
      data_file: path
      model: {type: uri}
    command: "python validate.py {data_file} {model} {{literal}}"
"#;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Result<Project, String>) {
        let tmp = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(tmp.path().join(name), text).unwrap();
        }
        let p = Project::load(tmp.path());
        (tmp, p)
    }

    fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_entry_points_in_order_with_types_and_defaults() {
        let (_t, p) = project(&[("MLproject", SPEC), ("python_env.yaml", "python: 3.11\n")]);
        let p = p.unwrap();
        assert_eq!(p.name.as_deref(), Some("tutorial"));
        assert_eq!(
            p.environment,
            Some(Environment::Python {
                file: "python_env.yaml".into()
            })
        );
        let main = p.entry_point("main", "bash").unwrap();
        let names: Vec<(&str, &str, Option<&str>)> = main
            .parameters
            .iter()
            .map(|x| (x.name.as_str(), x.kind.as_str(), x.default.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("alpha", "float", Some("0.5")),
                ("l1_ratio", "float", Some("0.1")),
                ("name", "string", Some("a b")),
                ("epochs", "int", Some("10")),
            ]
        );
        let v = p.entry_point("validate", "bash").unwrap();
        assert_eq!(v.parameters[0].kind, "path");
        assert_eq!(v.parameters[0].default, None);
        assert_eq!(v.parameters[1].kind, "uri");
    }

    #[test]
    fn defaults_fill_the_command_and_are_logged() {
        let (t, p) = project(&[("MLproject", SPEC), ("python_env.yaml", "")]);
        let main = p.unwrap().entry_point("main", "bash").unwrap();
        let r = main.render(&kv(&[("alpha", "0.9")]), t.path()).unwrap();
        assert_eq!(
            r.command,
            "python train.py --alpha 0.9 --l1 0.1 --name 'a b' -e 10"
        );
        assert_eq!(
            r.params,
            kv(&[
                ("alpha", "0.9"),
                ("l1_ratio", "0.1"),
                ("name", "a b"),
                ("epochs", "10")
            ])
        );
    }

    #[test]
    fn values_are_shell_quoted_and_extras_appended() {
        let (t, p) = project(&[("MLproject", SPEC), ("python_env.yaml", "")]);
        let main = p.unwrap().entry_point("main", "bash").unwrap();
        let r = main
            .render(
                &kv(&[
                    ("name", "x; rm -rf / 'q'"),
                    ("extra key", "v w"),
                    ("seed", "1"),
                    ("seed", "2"),
                ]),
                t.path(),
            )
            .unwrap();
        assert_eq!(
            r.command,
            "python train.py --alpha 0.5 --l1 0.1 --name 'x; rm -rf / '\"'\"'q'\"'\"'' -e 10 \
             --'extra key' 'v w' --seed 2"
        );
        assert_eq!(r.params[2], ("name".into(), "x; rm -rf / 'q'".into()));
        assert_eq!(&r.params[4..], kv(&[("extra key", "v w"), ("seed", "2")]));
    }

    #[test]
    fn required_parameters_are_checked() {
        let (t, p) = project(&[("MLproject", SPEC), ("python_env.yaml", "")]);
        let v = p.unwrap().entry_point("validate", "bash").unwrap();
        assert_eq!(
            v.render(&[], t.path()).unwrap_err(),
            "entry point 'validate' needs a value for 'data_file', 'model': pass -P \
             data_file=VALUE"
        );
    }

    #[test]
    fn paths_must_exist_and_become_absolute_uris_need_a_scheme() {
        let (t, p) = project(&[("MLproject", SPEC), ("python_env.yaml", "")]);
        let v = p.unwrap().entry_point("validate", "bash").unwrap();
        std::fs::create_dir(t.path().join("sub")).unwrap();
        std::fs::write(t.path().join("data file.csv"), "x").unwrap();
        let r = v
            .render(
                &kv(&[
                    ("data_file", "sub/../data file.csv"),
                    ("model", "runs:/abc/m"),
                ]),
                t.path(),
            )
            .unwrap();
        let abs = t.path().join("data file.csv");
        assert_eq!(
            r.command,
            format!(
                "python validate.py '{}' runs:/abc/m {{literal}}",
                abs.display()
            )
        );
        // The logged value is the one given.
        assert_eq!(r.params[0].1, "sub/../data file.csv");
        let err = v
            .render(
                &kv(&[("data_file", "nope.csv"), ("model", "s3://b/m")]),
                t.path(),
            )
            .unwrap_err();
        assert_eq!(
            err,
            "got value nope.csv for parameter 'data_file', but no such file or directory was found"
        );
        let err = v
            .render(
                &kv(&[("data_file", "data file.csv"), ("model", "/local/model")]),
                t.path(),
            )
            .unwrap_err();
        assert_eq!(
            err,
            "expected a URI for parameter 'model' but got /local/model"
        );
        let err = v
            .render(
                &kv(&[("data_file", "s3://b/x.csv"), ("model", "m:x")]),
                t.path(),
            )
            .unwrap_err();
        assert!(err.contains("does not download"), "{err}");
        // A file: URI is a local path.
        let uri = format!("file://{}", t.path().join("sub").display());
        assert!(
            v.render(&kv(&[("data_file", &uri), ("model", "m:x")]), t.path())
                .is_ok()
        );
    }

    #[test]
    fn scripts_run_by_file_name() {
        let (_t, p) = project(&[]);
        let p = p.unwrap();
        assert_eq!(p.environment, None);
        assert_eq!(
            p.entry_point("train.py", "bash").unwrap().command,
            "python train.py"
        );
        assert_eq!(
            p.entry_point("my job.sh", "/bin/zsh").unwrap().command,
            "/bin/zsh 'my job.sh'"
        );
        assert_eq!(
            p.entry_point("a.R", "bash").unwrap().command,
            "Rscript -e \"mlflow::mlflow_source('a.R')\" --args"
        );
        let r = p
            .entry_point("train.py", "bash")
            .unwrap()
            .render(&kv(&[("lr", "0.1")]), Path::new("/"))
            .unwrap();
        assert_eq!(r.command, "python train.py --lr 0.1");
        assert_eq!(
            p.entry_point("main", "bash").unwrap_err(),
            format!(
                "no MLproject in {}, and 'main' is not a .py, .sh or .R script",
                p.dir.display()
            )
        );
        let (_t, p) = project(&[("MLproject", "name: x\n")]);
        assert_eq!(
            p.unwrap().entry_point("main", "bash").unwrap_err(),
            "no entry point 'main' (the MLproject declares none), and it is not a .py, .sh or \
             .R script"
        );
    }

    #[test]
    fn environments() {
        let env = |files: &[(&str, &str)]| project(files).1.map(|p| p.environment);
        assert_eq!(
            env(&[("mlproject", "conda_env: env.yaml\n"), ("env.yaml", "")]).unwrap(),
            Some(Environment::Conda {
                file: "env.yaml".into()
            })
        );
        assert_eq!(
            env(&[("MLproject", "docker_env:\n  image: repo/img:1\n")]).unwrap(),
            Some(Environment::Docker {
                image: "repo/img:1".into()
            })
        );
        assert_eq!(
            env(&[("MLproject", "name: x\n"), ("conda.yaml", "")]).unwrap(),
            Some(Environment::Conda {
                file: "conda.yaml".into()
            })
        );
        // python_env.yaml wins over conda.yaml when nothing is declared.
        assert_eq!(
            env(&[("conda.yaml", ""), ("python_env.yaml", "")]).unwrap(),
            Some(Environment::Python {
                file: "python_env.yaml".into()
            })
        );
        let err = env(&[("MLproject", "conda_env: missing.yaml\n")]).unwrap_err();
        assert!(
            err.contains("conda_env names missing.yaml, but there is no such file in "),
            "{err}"
        );
        let err = env(&[("MLproject", "conda_env: a\npython_env: b\n")]).unwrap_err();
        assert!(
            err.ends_with(
                "a project can declare one environment, this one declares python_env, conda_env"
            ),
            "{err}"
        );
        let err = env(&[("MLproject", "docker_env:\n  volumes: [a]\n")]).unwrap_err();
        assert!(err.ends_with("docker_env needs an image"), "{err}");
        let err = env(&[("MLproject", "docker_env:\n  image: i\n  volumes: a\n")]).unwrap_err();
        assert!(err.contains("volumes must be a list"), "{err}");
    }

    #[test]
    fn malformed_files_are_errors_naming_the_file() {
        for (text, why) in [
            ("a: [", "did not find expected"),
            ("- a\n", "not a YAML mapping"),
            ("entry_points: [a]\n", "entry_points must be a mapping"),
            (
                "entry_points:\n  main: {}\n",
                "entry point 'main' has no command",
            ),
            (
                "entry_points:\n  main:\n    command: x\n    parameters:\n      a: 3\n",
                "must be a type name or a mapping",
            ),
            ("databricks_spark_job: {python_file: a.py}\n", "Databricks"),
        ] {
            let err = project(&[("MLproject", text)]).1.unwrap_err();
            assert!(err.contains("MLproject: "), "{err}");
            assert!(err.contains(why), "{text:?}: {err}");
        }
    }

    #[test]
    fn templates_follow_str_format() {
        let v = kv(&[("a", "1"), ("b", "'x y'")]);
        assert_eq!(format_command("{a}{{b}}{b}}}", &v).unwrap(), "1{b}'x y'}");
        assert_eq!(format_command("no fields", &v).unwrap(), "no fields");
        for (t, why) in [
            ("{c}", "uses {c}, which is not one of its parameters"),
            ("{}", "positional field"),
            ("{0}", "positional field"),
            ("{a:>5}", "plain {name} fields only"),
            ("{a!r}", "plain {name} fields only"),
            ("{a.x}", "plain {name} fields only"),
            ("{a", "without its '}'"),
            ("a}", "single '}'"),
        ] {
            let err = format_command(t, &v).unwrap_err();
            assert!(err.contains(why), "{t}: {err}");
        }
    }

    #[test]
    fn schemes_as_urlparse_finds_them() {
        assert_eq!(scheme("s3://b/k"), Some("s3"));
        assert_eq!(scheme("runs:/x"), Some("runs"));
        assert_eq!(scheme("git+ssh://x"), Some("git+ssh"));
        assert_eq!(scheme("/a/b"), None);
        assert_eq!(scheme("a b:c"), None);
        assert_eq!(scheme("1a:b"), None);
    }
}
