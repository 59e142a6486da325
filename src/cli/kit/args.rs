//! Argument types and value parsers that several commands share.

/// The run a command is about: a positional `RUN` or `--run RUN` (either works), else
/// `$MLT_RUN_ID`, else `$MLFLOW_RUN_ID`. A run is named by its id, a unique prefix of its id,
/// its name (when unique), or a `runs:/` URI.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct RunArg {
    /// Run id, unique id prefix, run name or runs:/ URI [default: $MLT_RUN_ID, then
    /// $MLFLOW_RUN_ID]
    #[arg(value_name = "RUN")]
    pub run: Option<String>,
    /// The same as RUN
    #[arg(long = "run", value_name = "RUN", conflicts_with = "run")]
    pub run_flag: Option<String>,
}

impl RunArg {
    /// The run as given, positional or flag.
    pub fn given(&self) -> Option<&str> {
        self.run.as_deref().or(self.run_flag.as_deref())
    }
}

/// What a new run is given, shared by `mlt run` and `mlt runs start` (flatten it).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct StartArgs {
    /// Experiment name or id; created when the name is new
    /// [default: $MLFLOW_EXPERIMENT_ID, $MLFLOW_EXPERIMENT_NAME, else Default]
    #[arg(long, short)]
    pub experiment: Option<String>,
    /// Run name (default: a random adjective-noun-NNN)
    #[arg(long, short)]
    pub name: Option<String>,
    /// A tag, repeatable
    #[arg(long = "tag", short = 't', value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub tags: Vec<(String, String)>,
    /// Parent run, for nested runs
    #[arg(long, value_name = "RUN")]
    pub parent: Option<String>,
    /// Description (the mlflow.note.content tag)
    #[arg(long, short)]
    pub description: Option<String>,
}

impl StartArgs {
    /// The library's request, with the parent run resolved to its id.
    pub fn into_request(self, parent: Option<String>) -> crate::app::start::StartRun {
        crate::app::start::StartRun {
            experiment: self.experiment,
            name: self.name,
            tags: self.tags,
            parent,
            description: self.description,
            ..Default::default()
        }
    }
}

/// A count that must be at least 1 (`--max-results`): MLflow refuses 0 too ("It must be a
/// positive integer"), and a search that may return nothing always says "no run matches".
pub fn positive(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// Parses `key=value`.
pub fn parse_key_value(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected KEY=VALUE, got '{s}'"))
}
