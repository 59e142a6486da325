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
