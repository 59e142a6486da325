//! `mlt run`: a command (or an MLproject entry point) wrapped in a run. The run records the
//! params, the command line and where it ran, the git state, the output (saved as artifacts
//! while it streams through), metrics read from the output, and the outcome; mlt exits with
//! the command's own exit code.

use crate::app::start::{StartRun, start};
use crate::cli::kit::{CliError, CmdResult, Ctx, Printer, StartArgs, parse_key_value};
use crate::context;
use crate::entities::{MetricPoint, RunInfo, RunStatus, format_value, tags};
use crate::env;
use crate::output;
use crate::owner::{Owner, WRAPPER_TAG};
use crate::store::{self, Batch, LocationForm, Logger, RunHandle, Store};
use crate::wrap::child::{self, Ended, Interrupts, LineReader, Tee};
use crate::wrap::parse::{Lines, MetricParser};
use crate::wrap::project::Project;
use crate::wrap::shell;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
#[command(override_usage = "mlt run [OPTIONS] -- COMMAND [ARGS]...\n       \
mlt run [OPTIONS] --entry-point NAME [--project DIR]")]
#[command(
    after_help = "The command gets MLT_RUN_ID, MLT_STORE and MLflow's variables \
(MLFLOW_RUN_ID, MLFLOW_TRACKING_URI, MLFLOW_REGISTRY_URI, MLFLOW_EXPERIMENT_ID, \
MLFLOW_ALLOW_FILE_STORE=true), so `mlt log` and mlflow.start_run() in it log to this run, and an \
`mlt run` in it makes a child run. The run ends FINISHED on exit 0, FAILED on another code, \
KILLED when interrupted; mlt exits with the command's exit code. Should mlt itself be killed, a \
watchdog process ends the command (SIGTERM, then SIGKILL after --grace), and `mlt store check \
--repair` ends the run KILLED."
)]
#[command(mut_arg("parent", |a| a.help(
    "Parent run [default: the run of an enclosing `mlt run`: $MLT_RUN_ID or $MLFLOW_RUN_ID, \
     when that run is in this store and still running]"
)))]
pub struct Args {
    #[command(flatten)]
    start: StartArgs,
    /// A param to log (with --entry-point, a parameter of the entry point); repeatable
    #[arg(short = 'P', long = "param", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    params: Vec<(String, String)>,
    /// Run this entry point of the MLproject (instead of a COMMAND)
    #[arg(long, value_name = "NAME")]
    entry_point: Option<String>,
    /// The folder holding the MLproject [default: .]
    #[arg(long, value_name = "DIR", requires = "entry_point")]
    project: Option<PathBuf>,
    /// Log metrics the command prints as `key: value`, `key=value` or JSON lines
    #[arg(long)]
    parse_metrics: bool,
    /// Log metrics from lines matching REGEX: groups (?P<key>..) (?P<value>..) (?P<step>..) or
    /// named after a metric; shorthands \key \value \step \number; repeatable
    #[arg(long = "metric-pattern", value_name = "REGEX")]
    metric_patterns: Vec<String>,
    /// How the output is saved: stdout.txt and stderr.txt, one output.txt, or not at all
    #[arg(long, value_enum, default_value_t)]
    capture: Capture,
    /// Seconds the command has to stop after Ctrl-C or SIGTERM is passed on, before SIGKILL
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    grace: f64,
    /// Show what would run and be logged, recording nothing; with --parse-metrics or
    /// --metric-pattern, show the metrics a sample of output on stdin would log
    #[arg(long)]
    dry_run: bool,
    /// The command and its arguments (after --)
    #[arg(trailing_var_arg = true, value_name = "COMMAND")]
    command: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Capture {
    /// stdout.txt and stderr.txt
    #[default]
    Split,
    /// output.txt, both streams in the order they came
    Combined,
    /// nothing saved
    #[value(name = "none")]
    Nothing,
}

/// What will run, resolved from the arguments before anything is recorded.
struct Launch {
    program: String,
    args: Vec<String>,
    dir: PathBuf,
    /// The command line as recorded (`mlt.command`).
    shown: String,
    params: Vec<(String, String)>,
    system: Vec<(String, String)>,
}

pub fn run(ctx: &Ctx, mut args: Args) -> CmdResult {
    let probe =
        MetricParser::new(args.parse_metrics, &args.metric_patterns).map_err(CliError::usage)?;
    let grace = Duration::try_from_secs_f64(args.grace).map_err(|_| {
        CliError::usage(format!(
            "--grace must be a number of seconds (0 or more), got {}",
            args.grace
        ))
    })?;
    if args.command.is_empty() && args.entry_point.is_none() {
        if args.dry_run && probe.is_enabled() {
            return show_sample(probe);
        }
        return Err(CliError::usage("no command to run").hint(
            "mlt run [OPTIONS] -- COMMAND [ARGS...], or mlt run --entry-point NAME for an MLproject",
        ));
    }
    if !args.command.is_empty() && args.entry_point.is_some() {
        return Err(CliError::usage("give a COMMAND or --entry-point, not both"));
    }
    if args.start.tags.iter().any(|(k, _)| k == WRAPPER_TAG) {
        return Err(CliError::usage(format!(
            "the tag {WRAPPER_TAG} is mlt's own: it records the mlt run process"
        )));
    }
    let cwd = std::env::current_dir()?;
    let plan = plan(&args, &cwd)?;
    Batch {
        params: plan.params.clone(),
        ..Batch::default()
    }
    .validate()?;
    if args.dry_run {
        show_plan(&plan)?;
        return if probe.is_enabled() {
            show_sample(probe)
        } else {
            Ok(())
        };
    }
    child::check_program(&plan.program, &plan.dir).map_err(|e| CliError {
        message: e,
        hint: mistyped(&plan.program, &args.command),
        // What a shell exits with when it cannot find or run a command.
        code: if plan.program.contains('/') { 126 } else { 127 },
    })?;
    // From here on an interrupt is noticed: it ends the run KILLED, whenever it comes.
    let interrupts = Interrupts::install()?;
    let store = ctx.writable_store()?;
    let parent = parent_run(&store, args.start.parent.take())?;
    let options = Options {
        parse_metrics: args.parse_metrics,
        metric_patterns: args.metric_patterns,
        capture: args.capture,
        grace,
    };
    // Who wraps the run, recorded with the run itself: a RUNNING run whose wrapper is gone
    // (mlt was killed) is then known for what it is (`mlt store check`).
    let mut system = plan.system.clone();
    system.push((WRAPPER_TAG.to_string(), Owner::current().to_tag()));
    let started = start(
        &store,
        StartRun {
            system,
            dir: Some(plan.dir.clone()),
            ..args.start.into_request(parent)
        },
    )?;
    if let Some(e) = &started.created_experiment {
        ctx.printer().status(format_args!(
            "Created experiment '{}' ({})",
            e.name, e.experiment_id
        ));
    }
    let info = started.info;
    let id = info.run_id.clone();
    let original = info.artifact_uri.clone();
    Printer::current().status(format_args!(
        "mlt: run {id} ({}) in experiment {}",
        info.run_name, info.experiment_id
    ));
    let wrapped = Wrapped {
        store: &store,
        ctx,
        info,
        options,
    };
    match wrapped.run(plan, probe.is_enabled(), &interrupts) {
        Ok(0) => Ok(()),
        Ok(code) => Err(CliError::exit(code)),
        Err(e) => {
            // Whatever went wrong after the run was created, the run does not stay RUNNING,
            // and its location is portable again.
            if store
                .find_run(&id)
                .is_ok_and(|h| h.info.artifact_uri != original)
            {
                let _ = store.set_artifact_location_form(&id, LocationForm::Relative);
            }
            match store.set_run_status(&id, RunStatus::Failed, None) {
                Ok(_) => unwrap_tag(&store, &id),
                Err(end) => Printer::current().warn(format_args!("could not end run {id}: {end}")),
            }
            Err(e)
        }
    }
}

/// `mlt run list` runs a program called `list`: when no such program is found and the word is
/// an mlt command (`mlt runs list`, `mlt experiments list`), say so.
fn mistyped(program: &str, command: &[String]) -> Option<String> {
    if program.contains('/') {
        return None;
    }
    let cli = crate::cli::command();
    let rest = command.get(1..).unwrap_or_default().join(" ");
    let rest = if rest.is_empty() {
        String::new()
    } else {
        format!(" {rest}")
    };
    if program != "run" && cli.find_subcommand(program).is_some() {
        return Some(format!("did you mean `mlt {program}{rest}`?"));
    }
    // `mlt run X` most likely meant `mlt runs X`.
    let runs_first = |f: &&clap::Command| f.get_name() != "runs";
    let mut families: Vec<&clap::Command> = cli
        .get_subcommands()
        .filter(|family| family.get_subcommands().next().is_some())
        .collect();
    families.sort_by_key(runs_first);
    families
        .into_iter()
        .find(|family| family.find_subcommand(program).is_some())
        .map(|family| format!("did you mean `mlt {} {program}{rest}`?", family.get_name()))
}

/// Removes the wrapper tag from a run that has ended: the wrapper is done with it. Should
/// MLflow's client resume the run later (`start_run(run_id=...)` makes it RUNNING again), the
/// run is not taken for one whose `mlt run` was killed. Removed after the status is set, so a
/// kill in between leaves an ended run with a tag, never a RUNNING run without one.
fn unwrap_tag(store: &Store, id: &str) {
    match store.delete_run_tag(id, WRAPPER_TAG) {
        Ok(()) => {}
        Err(e) if e.is_not_found() => {}
        Err(e) => Printer::current().warn(format_args!(
            "could not remove the tag {WRAPPER_TAG} of run {id}: {e}"
        )),
    }
}

/// How the command's output is handled.
struct Options {
    parse_metrics: bool,
    metric_patterns: Vec<String>,
    capture: Capture,
    grace: Duration,
}

/// A run that exists and a command to run in it.
struct Wrapped<'a> {
    store: &'a Store,
    ctx: &'a Ctx,
    info: RunInfo,
    options: Options,
}

impl Wrapped<'_> {
    /// Prepares the run, runs the command and ends the run; returns mlt's exit code.
    fn run(&self, plan: Launch, parse: bool, interrupts: &Interrupts) -> Result<u8, CliError> {
        let store = self.store;
        let id = self.info.run_id.as_str();
        let h = store.find_run(id)?;
        store.log_batch(
            &h,
            &Batch {
                params: plan.params.clone(),
                tags: self.context_tags(&plan),
                ..Batch::default()
            },
        )?;
        // MLflow's client in the command would resolve a relative location against its own
        // working directory; an absolute one is right from anywhere.
        let pinned = store.set_artifact_location_form(id, LocationForm::Absolute)?;
        let pinned = pinned.artifact_uri != self.info.artifact_uri;
        self.record_git(&h, &plan.dir);

        // Output that cannot be saved (a location mlt cannot write) still passes through.
        let (out_file, err_file) =
            self.capture_files(&h, self.options.capture)
                .unwrap_or_else(|e| {
                    Printer::current()
                        .warn(format_args!("the output will not be saved: {}", e.message));
                    (None, None)
                });
        let logged = Arc::new(AtomicUsize::new(0));
        let reader = |enabled: bool| -> Result<Option<LineReader>, CliError> {
            if !enabled {
                return Ok(None);
            }
            let parser =
                MetricParser::new(self.options.parse_metrics, &self.options.metric_patterns)
                    .map_err(CliError::usage)?;
            Ok(Some(metric_reader(
                self.ctx
                    .located
                    .store()
                    .on_warning(|m| Printer::current().warn(format_args!("{m}"))),
                h.clone(),
                parser,
                logged.clone(),
            )))
        };
        let out = Tee {
            file: out_file,
            lines: reader(parse)?,
        };
        let err = Tee {
            file: err_file,
            lines: reader(parse)?,
        };

        let started = Instant::now();
        let finished = if let Some(sig) = interrupts.pending() {
            Printer::current().status(format_args!(
                "mlt: got {} before the command started; not starting it",
                child::signal_name(sig)
            ));
            child::Finished {
                ended: Ended::Signaled(sig),
                interrupted: Some(sig),
                force_killed: false,
                save_errors: Vec::new(),
            }
        } else {
            let spec = child::Spec {
                command: self.command(&plan, &h),
                grace: self.options.grace,
                notify: Box::new(|n: child::Notice| {
                    if n.is_warning() {
                        Printer::current().warn(n)
                    } else {
                        Printer::current().status(n)
                    }
                }),
            };
            match child::run(spec, interrupts, out, err) {
                Ok(f) => f,
                Err(e) => {
                    return Err(CliError {
                        message: format!("cannot run {}: {e}", plan.program),
                        hint: None,
                        code: if e.kind() == std::io::ErrorKind::NotFound {
                            127
                        } else {
                            126
                        },
                    });
                }
            }
        };
        let elapsed = started.elapsed();
        for e in &finished.save_errors {
            Printer::current().warn(format_args!("saving the output of run {id}: {e}"));
        }

        // End the run: outcome tags, the portable location again, then the status, last, so
        // it overrides whatever MLflow's client in the command wrote.
        let mut end_tags = vec![(
            tags::DURATION.to_string(),
            format!("{:.3}", elapsed.as_secs_f64()),
        )];
        match finished.ended {
            Ended::Exited(c) => end_tags.push((tags::EXIT_CODE.into(), c.to_string())),
            Ended::Signaled(s) => end_tags.push((tags::SIGNAL.into(), child::signal_name(s))),
        }
        let status = match (finished.interrupted, finished.ended) {
            (Some(_), _) => RunStatus::Killed,
            (None, Ended::Exited(0)) => RunStatus::Finished,
            _ => RunStatus::Failed,
        };
        let ending = store
            .find_run(id)
            .and_then(|h| {
                store.log_batch(
                    &h,
                    &Batch {
                        tags: end_tags,
                        ..Batch::default()
                    },
                )
            })
            .and_then(|_| {
                if pinned {
                    store.set_artifact_location_form(id, LocationForm::Relative)?;
                }
                store.set_run_status(id, status, None)
            });
        match ending {
            Ok(_) => unwrap_tag(store, id),
            Err(e) => Printer::current().warn(format_args!(
                "could not end run {id} as {}: {e}",
                status.as_str()
            )),
        }
        let n = logged.load(Ordering::Relaxed);
        if n > 0 {
            Printer::current().status(format_args!(
                "mlt: logged {n} metric values from the output"
            ));
        }
        let how = match (finished.ended, finished.interrupted) {
            (_, Some(sig)) if finished.force_killed => {
                format!("{}, then killed", child::signal_name(sig))
            }
            (_, Some(sig)) => child::signal_name(sig),
            (Ended::Exited(c), None) => format!("exit code {c}"),
            (Ended::Signaled(s), None) => format!("killed by {}", child::signal_name(s)),
        };
        Printer::current().status(format_args!(
            "mlt: run {id} {} after {} ({how})",
            status.as_str(),
            output::duration(elapsed.as_millis() as i64)
        ));
        Ok(finished.exit_code())
    }

    /// The command with the run's variables set.
    fn command(&self, plan: &Launch, h: &RunHandle) -> std::process::Command {
        let store = self.store;
        let mut c = std::process::Command::new(&plan.program);
        c.args(&plan.args).current_dir(&plan.dir);
        c.env(env::MLT_RUN_ID, &h.info.run_id)
            .env(env::MLFLOW_RUN_ID, &h.info.run_id)
            .env(env::MLT_STORE, store.env_location())
            .env(
                env::MLFLOW_TRACKING_URI,
                store::path_to_file_uri(store.tracking()),
            )
            .env(
                env::MLFLOW_REGISTRY_URI,
                store::path_to_file_uri(&store.registry_root()),
            )
            .env(env::MLFLOW_EXPERIMENT_ID, &h.info.experiment_id)
            .env(env::MLFLOW_ALLOW_FILE_STORE, "true")
            // MLflow refuses an experiment name that disagrees with the id.
            .env_remove(env::MLFLOW_EXPERIMENT_NAME);
        if std::env::var_os(env::PYTHONUNBUFFERED).is_none() {
            c.env(env::PYTHONUNBUFFERED, "1");
        }
        c
    }

    /// The command line, working directory and host.
    fn context_tags(&self, plan: &Launch) -> Vec<(String, String)> {
        let mut t = vec![
            (tags::COMMAND.to_string(), plan.shown.clone()),
            (tags::CWD.to_string(), fit(plan.dir.display().to_string())),
        ];
        if let Some(host) = child::host_name() {
            t.push((tags::HOST.into(), host));
        }
        t
    }

    /// The git remote, whether the tree is dirty, and the diff of a dirty tree (as the
    /// artifact `git.diff`). The store's own folders are left out when it lives in the
    /// repository. Problems here are warnings: they never stop the command.
    fn record_git(&self, h: &RunHandle, dir: &Path) {
        let store = self.store;
        let Some(tree) = context::work_tree(dir) else {
            return;
        };
        if context::git_info(dir).is_none() {
            return;
        }
        let mut t = Vec::new();
        if let Some(url) = context::repo_url(dir) {
            t.push((tags::GIT_REPO_URL.to_string(), url));
        }
        let exclude = store.own_folders();
        let dirty = context::git_dirty(&tree, &exclude);
        if let Some(d) = dirty {
            t.push((tags::GIT_DIRTY.to_string(), d.to_string()));
        }
        if let Err(e) = store.log_batch(
            h,
            &Batch {
                tags: t,
                ..Batch::default()
            },
        ) {
            Printer::current().warn(format_args!("{e}"));
        }
        if dirty == Some(true) {
            let saved = store
                .create_artifact_file(h, "git.diff")
                .map_err(|e| e.to_string())
                .and_then(|(f, _)| {
                    context::write_git_diff(&tree, &exclude, f).map_err(|e| e.to_string())
                });
            if let Err(e) = saved {
                Printer::current().warn(format_args!("could not save the git diff: {e}"));
            }
        }
    }

    /// The artifact files the two streams are saved to.
    fn capture_files(
        &self,
        h: &RunHandle,
        capture: Capture,
    ) -> Result<(Option<std::fs::File>, Option<std::fs::File>), CliError> {
        let store = self.store;
        Ok(match capture {
            Capture::Nothing => (None, None),
            Capture::Split => (
                Some(store.create_artifact_file(h, "stdout.txt")?.0),
                Some(store.create_artifact_file(h, "stderr.txt")?.0),
            ),
            Capture::Combined => {
                let (f, path) = store.create_artifact_file(h, "output.txt")?;
                let g = f
                    .try_clone()
                    .map_err(|e| CliError::failure(format!("{}: {e}", path.display())))?;
                (Some(f), Some(g))
            }
        })
    }
}

/// Logs the metrics of each output line to the run, one append per key and line (the metric
/// files stay open). If the store refuses a batch, that is reported once, and the command goes
/// on.
fn metric_reader(
    store: Store,
    h: RunHandle,
    mut parser: MetricParser,
    logged: Arc<AtomicUsize>,
) -> LineReader {
    let mut logger = Logger::owning(store, h);
    let mut warned = 0;
    let mut failed = false;
    Box::new(move |line: &str| {
        let metrics = parser.parse_line(line);
        let rejected = parser.rejected_keys();
        if rejected.len() > warned {
            for k in rejected.iter().skip(warned) {
                Printer::current().warn(format_args!(
                    "'{k}' in the output is not a valid metric key; not logged"
                ));
            }
            warned = rejected.len();
        }
        if metrics.is_empty() || failed {
            return;
        }
        let now = env::now_ms();
        let batch = Batch {
            metrics: metrics
                .into_iter()
                .map(|m| {
                    (
                        m.key,
                        MetricPoint {
                            timestamp: m.timestamp.unwrap_or(now),
                            value: m.value,
                            step: m.step,
                        },
                    )
                })
                .collect(),
            ..Batch::default()
        };
        match logger.log(&batch) {
            Ok(()) => {
                logged.fetch_add(batch.metrics.len(), Ordering::Relaxed);
            }
            Err(e) => {
                Printer::current().warn(format_args!(
                    "metrics from the output are no longer logged: {e}"
                ));
                failed = true;
            }
        }
    })
}

/// The parent: `--parent`, else the run of an enclosing `mlt run` (`MLT_RUN_ID`, then
/// `MLFLOW_RUN_ID`) when it is in this store and still running.
fn parent_run(store: &Store, flag: Option<String>) -> Result<Option<String>, CliError> {
    if flag.is_some() {
        return Ok(flag);
    }
    for var in [env::MLT_RUN_ID, env::MLFLOW_RUN_ID] {
        if let Some(id) = env::var(var)
            && let Ok(h) = store.find_run(&id)
            && h.info.status == RunStatus::Running
            && h.info.lifecycle_stage == crate::entities::Lifecycle::Active
        {
            Printer::current().status(format_args!("mlt: nested in run {id} (${var})"));
            return Ok(Some(id));
        }
    }
    Ok(None)
}

fn plan(args: &Args, cwd: &Path) -> Result<Launch, CliError> {
    let source_override = env::var(env::MLT_SOURCE_NAME);
    let Some(entry) = &args.entry_point else {
        let source = source_override
            .or_else(|| context::script_of_command(&args.command))
            .unwrap_or_else(|| "mlt".into());
        return Ok(Launch {
            program: args.command[0].clone(),
            args: args.command[1..].to_vec(),
            dir: cwd.to_path_buf(),
            shown: fit(shell::join(&args.command)),
            params: args.params.clone(),
            system: vec![(tags::SOURCE_NAME.into(), fit(source))],
        });
    };
    let dir = store::normalize_path(&cwd.join(args.project.as_deref().unwrap_or(Path::new("."))));
    if !dir.is_dir() {
        return Err(CliError::usage(format!(
            "no project folder {}",
            dir.display()
        )));
    }
    let project = Project::load(&dir).map_err(CliError::failure)?;
    let ep = project
        .entry_point(entry, &child::user_shell())
        .map_err(CliError::usage)?;
    let rendered = ep.render(&args.params, cwd).map_err(CliError::usage)?;
    // MLflow names a project's source by its git work tree and subfolder, else its path.
    let source = source_override.unwrap_or_else(|| match context::work_tree(&dir) {
        Some(tree) => {
            let rel = dir.strip_prefix(&tree).unwrap_or(Path::new(""));
            let uri = format!("file://{}", tree.display());
            if rel.as_os_str().is_empty() {
                uri
            } else {
                format!("{uri}#{}", rel.display())
            }
        }
        None => dir.display().to_string(),
    });
    let mut system = vec![
        (tags::SOURCE_NAME.to_string(), fit(source)),
        (tags::SOURCE_TYPE.into(), "PROJECT".into()),
        (tags::PROJECT_ENTRY_POINT.into(), ep.name.clone()),
        (tags::PROJECT_BACKEND.into(), "local".into()),
    ];
    if let Some(e) = &project.environment {
        system.push((tags::PROJECT_ENV.into(), e.mlflow_name().into()));
        system.push((tags::PROJECT_ENV_CONFIG.into(), e.config().into()));
    }
    Ok(Launch {
        program: child::project_shell().display().to_string(),
        args: vec!["-c".into(), rendered.command.clone()],
        dir,
        shown: fit(rendered.command),
        params: rendered.params,
        system,
    })
}

/// A system tag's value cut to MLflow's limit (8000 characters), as MLflow's client cuts
/// them: a very long command line must not stop the command from running.
fn fit(s: String) -> String {
    const MAX: usize = crate::entities::MAX_TAG_VAL_LEN;
    if s.chars().count() <= MAX {
        return s;
    }
    let mut cut: String = s.chars().take(MAX - 3).collect();
    cut.push_str("...");
    cut
}

fn show_plan(plan: &Launch) -> CmdResult {
    let mut text = format!(
        "command: {}\ndirectory: {}\n",
        plan.shown,
        plan.dir.display()
    );
    for (k, v) in &plan.params {
        text.push_str(&format!("param: {k}={v}\n"));
    }
    for (k, v) in &plan.system {
        if k != tags::SOURCE_NAME {
            text.push_str(&format!("tag: {k}={v}\n"));
        }
    }
    output::print(&text)?;
    Ok(())
}

/// Reads sample output from stdin and prints the metrics each line would log.
fn show_sample(mut parser: MetricParser) -> CmdResult {
    use std::io::{IsTerminal, Read};
    let mut stdin = std::io::stdin().lock();
    if stdin.is_terminal() {
        Printer::current().status(format_args!(
            "Reading sample output from stdin (end with Ctrl-D)..."
        ));
    }
    let mut lines = Lines::new();
    let mut text = String::new();
    let mut n = 0usize;
    let mut found = 0usize;
    let mut show = |line: &str, text: &mut String| {
        n += 1;
        for m in parser.parse_line(line) {
            found += 1;
            text.push_str(&format!(
                "line {n}: {}={} step {}\n",
                m.key,
                format_value(m.value),
                m.step
            ));
        }
    };
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let k = stdin.read(&mut buf)?;
        if k == 0 {
            break;
        }
        lines.feed(&buf[..k], |l| show(l, &mut text));
        // Print as we go, so a long sample does not pile up.
        output::print(&std::mem::take(&mut text))?;
    }
    lines.finish(|l| show(l, &mut text));
    output::print(&text)?;
    Printer::current().status(format_args!("{found} metric values in {n} lines"));
    for k in parser.rejected_keys() {
        Printer::current().warn(format_args!(
            "'{k}' is not a valid metric key; it would not be logged"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_system_tags_are_cut_to_mlflows_limit() {
        assert_eq!(super::fit("short".into()), "short");
        let long = "é".repeat(9000);
        let cut = super::fit(long);
        assert_eq!(cut.chars().count(), 8000);
        assert!(cut.ends_with("é..."));
    }
}
