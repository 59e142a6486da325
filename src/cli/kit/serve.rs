//! Serving the store over HTTP (`mlt server` and `mlt ui`): bind, say where, serve until
//! SIGTERM or Ctrl-C, let requests in flight finish.

use super::{CliError, CmdResult, Printer};
use crate::server::{self, Config};
use crate::store::Store;

/// Binds `config`'s address, prints `Listening on http://ADDR` (the line scripts and tests wait
/// for), calls `on_listening` with that URL, and serves until SIGTERM or Ctrl-C. A server
/// reachable from other machines that anyone may write to is warned about.
pub fn serve(store: Store, config: Config, on_listening: impl FnOnce(&str)) -> CmdResult {
    let printer = Printer::current();
    let (host, port) = (config.host.clone(), config.port);
    let open_to_writes = !server::is_loopback(&host) && config.users.is_none() && !config.read_only;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let bound = server::bind(store, config)
            .await
            .map_err(|e| CliError::failure(format!("cannot listen on {host}:{port}: {e}")))?;
        let addr = bound.addr()?;
        if open_to_writes {
            printer.warn(format_args!(
                "serving on {host} without authentication: anyone who can reach it can change the store"
            ));
        }
        let url = format!("http://{addr}");
        printer.status(format_args!("Listening on {url}"));
        on_listening(&url);
        bound.serve(server::shutdown_signal()).await?;
        printer.status("Stopped");
        Ok(())
    })
}
