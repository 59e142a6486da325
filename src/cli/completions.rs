use crate::cli::kit::CmdResult;
use crate::entities::View;
use crate::env;
use crate::store::{self, Store};
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell
    pub shell: clap_complete::Shell,
}

/// Prints the completion script for a shell (the files in completions/ are this output).
pub fn run(args: Args) -> CmdResult {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut crate::cli::command(), "mlt", &mut out);
    crate::output::print(&String::from_utf8_lossy(&out))?;
    Ok(())
}

/// Adds dynamic completion (`source <(COMPLETE=bash mlt)`) of what is in the store: run ids
/// and names where a run is meant, experiment names where an experiment is, registered model
/// names where a model is. The static scripts above complete only commands and flags.
pub fn with_store_candidates(cmd: clap::Command) -> clap::Command {
    attach(cmd, false)
}

fn attach(cmd: clap::Command, in_models: bool) -> clap::Command {
    let models_family = in_models || cmd.get_name() == "models";
    let leaf = cmd.get_name().to_string();
    cmd.mut_args(|a| {
        let id = a.get_id().as_str();
        let value = a
            .get_value_names()
            .and_then(|v| v.first())
            .map(|v| v.as_str());
        let takes = a.get_action().takes_values();
        if !takes {
            a
        } else if matches!(value, Some("RUN" | "RUN|KEY")) || (id == "run" && leaf == "export") {
            a.add(ArgValueCandidates::new(runs))
        } else if id == "experiment" {
            a.add(ArgValueCandidates::new(experiments))
        } else if (models_family && id == "name" && !matches!(leaf.as_str(), "create" | "log"))
            || (models_family && leaf == "version" && id == "model")
            || (id == "model" && leaf == "export")
        {
            a.add(ArgValueCandidates::new(models))
        } else {
            a
        }
    })
    .mut_subcommands(move |c| attach(c, models_family))
}

/// The store the command line being completed names (its `--store`), else found as usual.
/// Completion never fails loudly: no store, no candidates.
fn completion_store() -> Option<Store> {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let words = match args.iter().position(|a| a == "--") {
        Some(i) => &args[i + 1..],
        None => &args[..],
    };
    let mut flag = None;
    for (i, w) in words.iter().enumerate() {
        if let Some(v) = w.strip_prefix("--store=") {
            flag = Some(v.to_string());
        } else if w == "--store" {
            flag = words.get(i + 1).cloned();
        }
    }
    let cwd = std::env::current_dir().ok()?;
    let located = store::locate(
        flag.as_deref().map(Path::new),
        env::var(env::MLT_STORE).as_deref(),
        env::var(env::MLFLOW_TRACKING_URI).as_deref(),
        &cwd,
    );
    let store = located.store();
    store.require().ok()?;
    Some(store)
}

/// Run ids (with the run's name and experiment as help), then the names that name one run.
fn runs() -> Vec<CompletionCandidate> {
    let Some(store) = completion_store() else {
        return Vec::new();
    };
    let mut ids = Vec::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for exp in store.list_experiments(View::Active).unwrap_or_default() {
        for h in store.list_runs(&exp, View::Active).unwrap_or_default() {
            let name = h.info.run_name.clone();
            if !name.is_empty() {
                *names.entry(name.clone()).or_default() += 1;
            }
            let help = format!("{name} ({})", exp.name).trim().to_string();
            ids.push(CompletionCandidate::new(h.info.run_id).help(Some(help.into())));
        }
    }
    let unique = names.into_iter().filter(|(_, n)| *n == 1);
    ids.extend(
        unique.map(|(name, _)| CompletionCandidate::new(name).help(Some("run name".into()))),
    );
    ids
}

fn experiments() -> Vec<CompletionCandidate> {
    let Some(store) = completion_store() else {
        return Vec::new();
    };
    let exps = store.list_experiments(View::Active).unwrap_or_default();
    exps.into_iter()
        .map(|e| {
            CompletionCandidate::new(e.name).help(Some(format!("id {}", e.experiment_id).into()))
        })
        .collect()
}

fn models() -> Vec<CompletionCandidate> {
    let Some(store) = completion_store() else {
        return Vec::new();
    };
    let models = store.list_registered_models().unwrap_or_default();
    models
        .into_iter()
        .map(|m| CompletionCandidate::new(m.name))
        .collect()
}
