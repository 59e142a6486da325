//! `mlt push` and `mlt pull`: the store's work to and from an MLflow tracking server. The use
//! cases are [`crate::app::sync::push`] and [`crate::app::sync::pull`]; this parses, connects,
//! shows progress and renders the summary.

use crate::app::sync::{self, Count, Options, Report, Scope};
use crate::cli::kit::{CliError, CmdResult, Ctx, Printer};
use crate::env;
use crate::output::{self, Cell, Format, Listing};
use crate::remote::{Remote, Settings};

const AFTER_PUSH: &str = "\
The server is MLflow's own (any backend: PostgreSQL, MySQL, SQLite; artifacts proxied or on \
S3) or `mlt server`. URL defaults to MLFLOW_TRACKING_URI when that is http(s)://. \
MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, sign in; \
MLFLOW_TRACKING_INSECURE_TLS and MLFLOW_TRACKING_SERVER_CERT_PATH set how TLS is checked.

Run ids are the server's; each pushed run carries its local id in the tag mlt.source.run_id, \
and the store keeps the map in .mlt/remotes/. Pushing again sends only what changed; a push \
that was interrupted completes when run again.

Examples:
  mlt push http://mlflow.internal:5000                 # everything
  mlt push -e churn --filter 'metrics.auc > 0.9'       # some runs, to MLFLOW_TRACKING_URI
  mlt push -m churn-model --dry-run                    # what would be sent";

const AFTER_PULL: &str = "\
Runs keep the server's ids; experiments are matched by name. Runs that came from this store \
(tag mlt.source.run_id) are recognised and not copied back. Pulling again fetches only what \
changed on the server.

Examples:
  mlt pull http://mlflow.internal:5000 -e churn
  mlt pull -r 0f3a...                                  # one run, from MLFLOW_TRACKING_URI";

#[derive(clap::Args, Debug)]
pub struct Common {
    /// The tracking server [default: MLFLOW_TRACKING_URI when it is http(s)://]
    pub url: Option<String>,
    /// Only these experiments (names or ids; repeatable)
    #[arg(long = "experiment", short = 'e', value_name = "EXP")]
    pub experiments: Vec<String>,
    /// Only the runs this filter matches (mlt's filter language, as in `runs list`)
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Only these runs (ids; repeatable)
    #[arg(long = "run", short = 'r', value_name = "RUN")]
    pub runs: Vec<String>,
    /// Registered models, with all their versions and the runs those come from (names;
    /// repeatable). With -e, --filter or -r and no -m, registered models are left out
    #[arg(long = "model", short = 'm', value_name = "MODEL")]
    pub models: Vec<String>,
    /// Show what would be transferred; change nothing on either side
    #[arg(long)]
    pub dry_run: bool,
    /// How many runs are transferred at once
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
    /// The summary's format
    #[arg(long, short, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_PUSH)]
pub struct PushArgs {
    #[command(flatten)]
    pub common: Common,
}

#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_PULL)]
pub struct PullArgs {
    #[command(flatten)]
    pub common: Common,
}

pub fn push(ctx: &Ctx, args: PushArgs) -> CmdResult {
    let store = ctx.existing_store()?;
    let (remote, scope, options, format) = prepare(args.common)?;
    let report = transfer(|progress| sync::push(&store, &remote, &scope, options, progress))?;
    show(ctx, &report, format)
}

pub fn pull(ctx: &Ctx, args: PullArgs) -> CmdResult {
    let (remote, scope, options, format) = prepare(args.common)?;
    let store = if options.dry_run {
        ctx.store()
    } else {
        ctx.writable_store()?
    };
    let report = transfer(|progress| sync::pull(&store, &remote, &scope, options, progress))?;
    show(ctx, &report, format)
}

fn prepare(c: Common) -> Result<(Remote, Scope, Options, Format), CliError> {
    let url = match c.url {
        Some(u) => u,
        None => match env::var(env::MLFLOW_TRACKING_URI) {
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => u,
            _ => {
                return Err(CliError::usage(
                    "no tracking server: give its URL, or set MLFLOW_TRACKING_URI to http(s)://...",
                ));
            }
        },
    };
    let settings = Settings::from_env(env::var).map_err(crate::app::Error::from)?;
    let remote = Remote::new(&url, settings).map_err(crate::app::Error::from)?;
    let scope = Scope {
        experiments: c.experiments,
        filter: c.filter,
        runs: c.runs,
        models: c.models,
    };
    let options = Options {
        dry_run: c.dry_run,
        threads: usize::from(c.jobs),
    };
    Ok((remote, scope, options, c.format))
}

/// Runs a push or pull with the progress bar on stderr.
fn transfer(
    f: impl FnOnce(
        &mut (dyn FnMut(crate::store::transfer::Progress) + Send),
    ) -> crate::app::Result<Report>,
) -> Result<Report, CliError> {
    let bar = std::sync::Mutex::new(Printer::current().bar());
    let mut progress = |p| bar.lock().unwrap_or_else(|e| e.into_inner()).update(p);
    let result = f(&mut progress);
    bar.lock().unwrap_or_else(|e| e.into_inner()).finish();
    Ok(result?)
}

fn show(ctx: &Ctx, r: &Report, format: Format) -> CmdResult {
    let verb = match (r.direction, r.dry_run) {
        (sync::Direction::Push, false) => "pushed to",
        (sync::Direction::Push, true) => "would push to",
        (sync::Direction::Pull, false) => "pulled from",
        (sync::Direction::Pull, true) => "would pull from",
    };
    if r.tally.is_nothing() {
        ctx.printer()
            .status(format_args!("nothing to transfer: {} is up to date", r.url));
    } else {
        ctx.printer().status(format_args!("{verb} {}", r.url));
    }
    let text = output::render(
        format,
        || listing(r),
        || serde_json::to_value(r).unwrap_or_default(),
    );
    output::print(&text)?;
    Ok(())
}

/// The summary table: one row per kind of thing, with what was new, updated and unchanged
/// (for things counted one by one, only how many were sent or fetched).
fn listing(r: &Report) -> Listing {
    let t = &r.tally;
    let mut l = Listing::new(["what", "new", "updated", "unchanged"]);
    let counted: [(&str, Count); 6] = [
        ("experiments", t.experiments),
        ("runs", t.runs),
        ("logged models", t.logged_models),
        ("registered models", t.models),
        ("model versions", t.model_versions),
        ("aliases", t.aliases),
    ];
    for (what, c) in counted {
        l.row([
            Cell::from(what),
            Cell::id(c.new.to_string()),
            Cell::id(c.updated.to_string()),
            Cell::id(c.unchanged.to_string()),
        ]);
    }
    for (what, n) in [
        ("params", t.params),
        ("tags", t.tags),
        ("metric points", t.metric_points),
        ("artifacts", t.artifacts),
        ("artifact bytes", t.artifact_bytes),
    ] {
        l.row([
            Cell::from(what),
            Cell::id(n.to_string()),
            Cell::default(),
            Cell::default(),
        ]);
    }
    l
}
