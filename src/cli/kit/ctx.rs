//! What every command gets: where the store is, the printer, and the run it names.

use super::args::RunArg;
use super::error::CliError;
use super::printer::Printer;
use crate::app;
use crate::env;
use crate::store::{Located, RunHandle, Store};

pub struct Ctx {
    pub located: Located,
}

impl Ctx {
    /// The process's printer (set once from `--quiet`).
    pub fn printer(&self) -> Printer {
        Printer::current()
    }

    /// The store, with its warnings going to the printer.
    pub fn store(&self) -> Store {
        let p = self.printer();
        self.located.store().on_warning(move |m| p.warn(m))
    }

    /// A store that must already exist.
    pub fn existing_store(&self) -> Result<Store, CliError> {
        let s = self.store();
        s.require()?;
        Ok(s)
    }

    /// A store that is created on first write, as MLflow creates its root.
    pub fn writable_store(&self) -> Result<Store, CliError> {
        let s = self.store();
        if s.init()? {
            self.printer()
                .status(format!("Created a store at {}", s.root().display()));
        }
        Ok(s)
    }

    /// The run named on the command line, else by `$MLT_RUN_ID`, else by `$MLFLOW_RUN_ID`.
    pub fn run_spec(&self, given: Option<&str>) -> Result<String, CliError> {
        given
            .map(str::to_string)
            .or_else(|| env::var(env::MLT_RUN_ID))
            .or_else(|| env::var(env::MLFLOW_RUN_ID))
            .ok_or_else(|| {
                CliError::usage("no run given")
                    .hint("give the run (its id, an id prefix or its name), or set MLT_RUN_ID")
            })
    }

    /// The run a RUN argument names (see [`app::resolve`]).
    pub fn run(&self, store: &Store, arg: &RunArg) -> Result<RunHandle, CliError> {
        self.find_run(store, &self.run_spec(arg.given())?)
    }

    /// The id of the run named by `--run`, `$MLT_RUN_ID` or `$MLFLOW_RUN_ID`.
    pub fn run_id(&self, store: &Store, given: Option<&str>) -> Result<String, CliError> {
        Ok(self.find_run(store, &self.run_spec(given)?)?.info.run_id)
    }

    /// The run a spec names: an id, an id prefix, a run name, a `runs:/` or `models:/` URI.
    pub fn find_run(&self, store: &Store, spec: &str) -> Result<RunHandle, CliError> {
        Ok(app::resolve::run(store, spec)?)
    }
}
