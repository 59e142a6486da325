//! `mlt server`: MLflow's REST API over the store (see `crate::server`).

use crate::cli::kit::{CliError, CmdResult, Ctx, Printer};
use crate::output::{self, Cell, Format, Listing};
use crate::server::auth::{self, Credentials, Users};
use crate::server::{Config, LogLevel};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(clap::Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    after_long_help = "\
Authentication (--auth FILE): MLflow's client signs in with MLFLOW_TRACKING_USERNAME and \
MLFLOW_TRACKING_PASSWORD (basic auth) or MLFLOW_TRACKING_TOKEN (a token of `mlt server user \
token`). Wrong or missing credentials get 401, writes of read-only users 403. The file is \
reread when it changes: users added or removed take effect without a restart.

Examples:
  printf '%s\\n' \"$PW\" | mlt server user add alice --auth users.yaml
  MLT_PASSWORD=$PW mlt server user add ci --read-only --auth users.yaml
  mlt server --host 0.0.0.0 --auth users.yaml
  mlt server --read-only                             # serve the store for reading only"
)]
pub struct Args {
    /// Interface to listen on. Anything but loopback is reachable from other machines
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0: any free port, printed at start)
    #[arg(long, short, default_value_t = 5000)]
    pub port: u16,
    /// Refuse every write (403): serve the store for reading only
    #[arg(long)]
    pub read_only: bool,
    /// Which requests get a line on stderr: error (none), warn (failed ones), info (all),
    /// debug (all, with the error message of failed ones)
    #[arg(long, value_enum, default_value_t = Level::Info)]
    pub log_level: Level,
    /// Require sign-in: the credentials file of `mlt server user add` (basic auth and bearer
    /// tokens; users marked read-only get 403 on writes)
    #[arg(long, value_name = "FILE")]
    pub auth: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(clap::Subcommand, Debug)]
pub enum Cmd {
    /// Add, remove and list the users of a credentials file (`mlt server --auth FILE`)
    #[command(subcommand)]
    User(UserCmd),
}

/// The credentials file a user command changes or reads.
#[derive(clap::Args, Debug)]
pub struct AuthFile {
    /// The credentials file (created by the first `user add`; YAML, mode 0600)
    #[arg(long, value_name = "FILE")]
    pub auth: PathBuf,
}

#[derive(clap::Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user. The password is read from $MLT_PASSWORD, else from stdin (one line), never
    /// from the command line; only its argon2 hash is stored
    Add {
        /// The user name (MLFLOW_TRACKING_USERNAME); no ':'
        name: String,
        /// May read, but gets 403 PERMISSION_DENIED on every write
        #[arg(long)]
        read_only: bool,
        /// Replace the user if it exists (new password and access; its tokens are revoked)
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        file: AuthFile,
    },
    /// Remove a user and their tokens
    Remove {
        /// The user name
        name: String,
        #[command(flatten)]
        file: AuthFile,
    },
    /// List the users: name, access and token ids
    List {
        #[command(flatten)]
        file: AuthFile,
        /// The listing's format
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
    /// Make a bearer token for a user and print it (the only time it is shown): give it to a
    /// client as MLFLOW_TRACKING_TOKEN
    Token {
        /// The user name
        name: String,
        #[command(flatten)]
        file: AuthFile,
    },
    /// Revoke a user's tokens: the one with ID, or all of them
    Revoke {
        /// The user name
        name: String,
        /// The token's id (as `user list` shows it); all the user's tokens when left out
        id: Option<String>,
        #[command(flatten)]
        file: AuthFile,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
}

impl From<Level> for LogLevel {
    fn from(l: Level) -> LogLevel {
        match l {
            Level::Error => LogLevel::Error,
            Level::Warn => LogLevel::Warn,
            Level::Info => LogLevel::Info,
            Level::Debug => LogLevel::Debug,
        }
    }
}

/// Serves the store until SIGTERM or Ctrl-C; requests in flight finish first.
pub fn run(ctx: &Ctx, args: Args) -> CmdResult {
    if let Some(Cmd::User(cmd)) = args.command {
        return user(cmd);
    }
    let printer = Printer::current();
    // The credentials first: a wrong --auth creates no store.
    let users = match &args.auth {
        Some(path) => Some(Arc::new(open_users(path, printer)?)),
        None => None,
    };
    // A server that may not write does not create the store either.
    let store = if args.read_only {
        ctx.existing_store()?
    } else {
        ctx.writable_store()?
    };
    let mut config = Config::new(args.host.clone(), args.port);
    config.read_only = args.read_only;
    config.log_level = args.log_level.into();
    config.log = Arc::new(move |line| printer.log(line));
    config.users = users;
    crate::cli::kit::serve::serve(store, config, |_| {})
}

/// The users of `--auth FILE`, with warnings for a file others can read or one with no users.
fn open_users(path: &Path, printer: Printer) -> Result<Users, CliError> {
    use std::os::unix::fs::PermissionsExt;
    let users = Users::open(path).map_err(|e| {
        let missing = matches!(&e, auth::Error::Read { source, .. }
            if source.kind() == std::io::ErrorKind::NotFound);
        let err = CliError::failure(e.to_string());
        if missing {
            err.hint(format!(
                "create it with `mlt server user add NAME --auth {}`",
                path.display()
            ))
        } else {
            err
        }
    })?;
    if let Ok(m) = std::fs::metadata(path) {
        let mode = m.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            printer.warn(format_args!(
                "{} can be read by other users (mode {mode:o}): chmod 600 {}",
                path.display(),
                path.display()
            ));
        }
    }
    if users.is_empty() {
        printer.warn(format_args!(
            "{} has no users: every request but /health and /version will be refused (401)",
            path.display()
        ));
    }
    Ok(users)
}

fn user(cmd: UserCmd) -> CmdResult {
    let printer = Printer::current();
    let fail = |e: auth::Error| CliError::failure(e.to_string());
    match cmd {
        UserCmd::Add {
            name,
            read_only,
            replace,
            file,
        } => {
            auth::check_name(&name).map_err(|e| CliError::usage(e.to_string()))?;
            let password = read_password(&name)?;
            let existed = Credentials::update(&file.auth, |c| {
                let existed = c.users.contains_key(&name);
                c.add_user(&name, &password, read_only, replace)?;
                Ok(existed)
            })
            .map_err(|e| match e {
                auth::Error::Exists(_) => {
                    fail(e).hint("`--replace` gives it a new password and access")
                }
                e => fail(e),
            })?;
            let access = if read_only { "read-only" } else { "read-write" };
            let verb = if existed { "Replaced" } else { "Added" };
            printer.status(format_args!(
                "{verb} user '{name}' ({access}) in {}",
                file.auth.display()
            ));
        }
        UserCmd::Remove { name, file } => {
            Credentials::update(&file.auth, |c| c.remove_user(&name)).map_err(fail)?;
            printer.status(format_args!(
                "Removed user '{name}' from {}",
                file.auth.display()
            ));
        }
        UserCmd::List { file, format } => {
            let creds = Credentials::load(&file.auth, false).map_err(fail)?;
            let access = |u: &auth::UserEntry| {
                if u.read_only {
                    "read-only"
                } else {
                    "read-write"
                }
            };
            let text = output::render(
                format,
                || {
                    let mut l = Listing::new(["name", "access", "tokens"]);
                    for (name, u) in &creds.users {
                        let ids: Vec<_> = u.tokens.iter().map(|t| t.id.as_str()).collect();
                        l.row([
                            Cell::id(name.clone()),
                            Cell::id(access(u)),
                            Cell::id(ids.join(" ")),
                        ]);
                    }
                    l
                },
                || {
                    serde_json::Value::Array(
                        creds
                            .users
                            .iter()
                            .map(|(name, u)| {
                                serde_json::json!({
                                    "name": name,
                                    "read_only": u.read_only,
                                    "tokens": u.tokens.iter().map(|t| &t.id).collect::<Vec<_>>(),
                                })
                            })
                            .collect(),
                    )
                },
            );
            output::print(&text)?;
        }
        UserCmd::Token { name, file } => {
            let (token, id) =
                Credentials::update(&file.auth, |c| c.add_token(&name)).map_err(fail)?;
            output::print(&format!("{token}\n"))?;
            printer.status(format_args!(
                "Made token {id} for '{name}': it is shown this once (MLFLOW_TRACKING_TOKEN)"
            ));
        }
        UserCmd::Revoke { name, id, file } => {
            let n = Credentials::update(&file.auth, |c| c.revoke_tokens(&name, id.as_deref()))
                .map_err(fail)?;
            printer.status(format_args!("Revoked {n} token(s) of '{name}'"));
        }
    }
    Ok(())
}

/// The new user's password: $MLT_PASSWORD, else one line of stdin (a trailing newline is not
/// part of it).
fn read_password(name: &str) -> Result<String, CliError> {
    use std::io::{IsTerminal, Read};
    if let Some(p) = crate::env::var(crate::env::MLT_PASSWORD) {
        return Ok(p);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        Printer::current().status(format_args!(
            "Password for '{name}' (one line; it is shown as you type: pipe it in or set {} \
             to hide it):",
            crate::env::MLT_PASSWORD
        ));
    }
    let mut text = String::new();
    if stdin.is_terminal() {
        stdin.read_line(&mut text)?;
    } else {
        stdin.lock().read_to_string(&mut text)?;
    }
    let line = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    if line.contains('\n') {
        return Err(CliError::usage(
            "the password must be one line (stdin has several)",
        ));
    }
    if line.is_empty() {
        return Err(CliError::usage(format!(
            "no password: give it on stdin or in ${}",
            crate::env::MLT_PASSWORD
        ))
        .hint(format!(
            "printf '%s\\n' \"$PW\" | mlt server user add {name} --auth FILE"
        )));
    }
    Ok(line.to_string())
}
