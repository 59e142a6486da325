//! `mlt server`: MLflow's REST API over the store, so MLflow's own client (`mlflow.set_tracking_uri
//! ("http://host:port")`) logs into it unchanged, and what it writes is the same file store the
//! CLI and MLflow's file reader see.
//!
//! Layout:
//! - [`proto`]: MLflow's request and response messages as typed serde structs;
//! - [`request`]: reading a message from a JSON body or a GET's query string;
//! - [`error`]: MLflow's error shape and HTTP statuses;
//! - [`tracking`], [`artifacts`], [`logged`], [`registry`]: one handler module per endpoint
//!   family, each a thin layer over the store and the `app` use cases (the same code as the CLI);
//! - [`auth`]: basic auth, read-only users and `--read-only`.
//!
//! Store work is blocking file I/O: every handler does it through [`State::blocking`], on
//! tokio's blocking pool, never on the async threads.

pub mod artifacts;
pub mod auth;
pub mod error;
pub mod logged;
pub use crate::proto;
pub mod registry;
pub mod request;
pub mod tracking;
pub mod ui;
pub mod ui_api;

use crate::store::Store;
use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use error::{ApiError, Code};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// How much the server says about each request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Nothing but start-up and failures of the server itself.
    Error,
    /// Also every request answered with an error status.
    Warn,
    /// One line per request (the default).
    #[default]
    Info,
    /// One line per request, with the error message of failed ones.
    Debug,
}

/// A line the server wants written (the CLI sends it to its printer).
pub type LogFn = Arc<dyn Fn(&str) + Send + Sync>;

/// What `mlt server` was asked for.
#[derive(Clone)]
pub struct Config {
    pub host: String,
    pub port: u16,
    /// Refuse every write (403), whoever asks.
    pub read_only: bool,
    /// The users who may sign in; `None` serves without authentication.
    pub users: Option<Arc<auth::Users>>,
    pub log_level: LogLevel,
    pub log: LogFn,
}

impl Config {
    pub fn new(host: impl Into<String>, port: u16) -> Config {
        Config {
            host: host.into(),
            port,
            read_only: false,
            users: None,
            log_level: LogLevel::Info,
            log: Arc::new(|_| {}),
        }
    }
}

/// What every handler gets: the store and the server's settings.
#[derive(Clone)]
pub struct State {
    pub store: Arc<Store>,
    pub config: Arc<Config>,
}

impl State {
    pub fn new(store: Store, config: Config) -> State {
        State {
            store: Arc::new(store),
            config: Arc::new(config),
        }
    }

    /// Runs store work on the blocking pool and returns its result. A panic in it becomes an
    /// INTERNAL_ERROR answer, not a dropped connection.
    pub async fn blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    {
        let store = self.store.clone();
        match tokio::task::spawn_blocking(move || f(&store)).await {
            Ok(r) => r,
            Err(e) => Err(ApiError::new(
                Code::InternalError,
                format!("the request failed inside the server: {e}"),
            )),
        }
    }

    fn log(&self, level: LogLevel, line: &str) {
        if level <= self.config.log_level {
            (self.config.log)(line)
        }
    }
}

/// The scheme of the artifact locations clients are given: served by this server's artifact
/// proxy ([`artifacts`]). `mlflow-artifacts:/<path>` is `<path>` under the tracking folder
/// (`mlruns/`), as with `mlflow server --serve-artifacts` over a file store.
pub const PROXY_SCHEME: &str = "mlflow-artifacts:";

/// The URI a client is given for an artifact location as the store records it (an absolute
/// `file://` URI, a plain path, or a store-relative one): `mlflow-artifacts:/<path under
/// mlruns/>` when it is inside the tracking folder, else the location unchanged (a location
/// the user chose outside the store, which only clients on this machine can reach).
pub fn client_uri(store: &Store, location: &str) -> String {
    let Some(path) = crate::store::local_path_of_uri(location) else {
        return location.to_string();
    };
    let path = if path.is_absolute() {
        path
    } else {
        store.root().join(path)
    };
    match crate::store::normalize_path(&path).strip_prefix(store.tracking()) {
        Ok(rel) => {
            let rel = rel.to_string_lossy();
            format!("{PROXY_SCHEME}/{}", rel.trim_start_matches('/'))
        }
        Err(_) => location.to_string(),
    }
}

/// The path under the tracking folder that a client's `mlflow-artifacts:` URI names
/// (`mlflow-artifacts:/E/R/artifacts/x`, `mlflow-artifacts://host:port/E/...`), checked: no
/// `..`, no empty or absolute parts. `None` when the URI has another scheme.
pub fn proxy_path(uri: &str) -> Option<Result<String, ApiError>> {
    let rest = uri.strip_prefix(PROXY_SCHEME)?;
    let rest = match rest.strip_prefix("//") {
        // mlflow-artifacts://host:port/path
        Some(after) => after.find('/').map_or("", |i| &after[i..]),
        None => rest,
    };
    Some(clean_relative(rest.trim_start_matches('/')))
}

/// A relative path with `/` separators that stays where it is put: no `..`, `.`, empty or
/// absolute parts, no NUL or backslash.
pub fn clean_relative(path: &str) -> Result<String, ApiError> {
    let path = path.trim_end_matches('/');
    let bad = path.contains('\\')
        || path.contains('\0')
        || path
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..");
    if bad && !path.is_empty() {
        return Err(ApiError::invalid(format!(
            "invalid artifact path '{path}': it must be relative and stay inside"
        )));
    }
    Ok(path.to_string())
}

/// The location the store records for a URI a client sent: an `mlflow-artifacts:` URI
/// becomes the `file://` URI of its folder under mlruns/; any other URI is kept as it is.
pub fn store_location(store: &Store, uri: &str) -> Result<String, ApiError> {
    match proxy_path(uri) {
        None => Ok(uri.to_string()),
        Some(rel) => {
            let rel = rel?;
            let mut path = store.tracking().to_path_buf();
            if !rel.is_empty() {
                path.push(rel);
            }
            Ok(crate::store::path_to_file_uri(&path))
        }
    }
}

/// Every route: each family's routes under the prefixes MLflow's server serves them at
/// (`/api/2.0`, `/api/3.0`, and the UI's `/ajax-api/...`), `/health`, `/version`, and MLflow's
/// error shape for everything else.
pub fn router(state: State) -> Router {
    let api = Router::new()
        .merge(tracking::routes())
        .merge(artifacts::routes())
        .merge(logged::routes())
        .merge(registry::routes());
    let mut app = Router::new()
        .route("/health", axum::routing::get(|| async { "OK" }))
        .route("/version", axum::routing::get(version))
        .merge(ui::routes());
    for prefix in ["/api/2.0", "/api/3.0", "/ajax-api/2.0", "/ajax-api/3.0"] {
        app = app.nest(prefix, api.clone());
    }
    app.fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn_with_state(state.clone(), auth::guard))
        .layer(middleware::from_fn_with_state(state.clone(), log_request))
        .with_state(state)
}

/// A handler that panicked (a bug): an INTERNAL_ERROR answer in MLflow's shape instead of a
/// dropped connection, which MLflow's client would retry.
fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::new(Code::InternalError, "the request failed inside the server").into_response()
}

async fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

async fn not_found(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        Code::EndpointNotFound,
        format!("no endpoint {method} {}", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        Code::BadRequest,
        format!("{} does not take {method}", uri.path()),
    )
    .with_status(StatusCode::METHOD_NOT_ALLOWED)
}

/// One line per request: method, path, status, time taken.
async fn log_request(
    axum::extract::State(state): axum::extract::State<State>,
    req: Request,
    next: Next,
) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let start = Instant::now();
    let resp = next.run(req).await;
    let status = resp.status();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let level = if status.is_success() || status.is_redirection() {
        LogLevel::Info
    } else if status.is_server_error() {
        LogLevel::Error
    } else {
        LogLevel::Warn
    };
    let mut line = format!("{method} {path} {} {ms:.1}ms", status.as_u16());
    if state.config.log_level == LogLevel::Debug
        && let Some(error::Logged(msg)) = resp.extensions().get::<error::Logged>()
    {
        line.push_str(": ");
        line.push_str(msg);
    }
    state.log(level, &line);
    resp
}

/// The server, bound and ready to serve.
pub struct Bound {
    listener: tokio::net::TcpListener,
    state: State,
}

impl Bound {
    /// The address it listens on (with the port the system chose for `--port 0`).
    pub fn addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes; requests in flight then finish before it returns.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(self.listener, router(self.state))
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Binds the configured address. The store's tracking folder is watched for changes (see
/// [`Store::watch_changes`]): a server reads the same runs again and again.
pub async fn bind(store: Store, config: Config) -> std::io::Result<Bound> {
    let listener = tokio::net::TcpListener::bind((config.host.as_str(), config.port)).await?;
    let state = State::new(store.watch_changes(), config);
    warm_up(&state);
    Ok(Bound { listener, state })
}

/// Reads every active run once on a thread of its own, as the web UI's runs table does, so
/// that the first search or table after the start is as fast as the next: the change watch
/// and the summary memo are filled (on 2,000 runs, the first search took 1.5 s against 0.07
/// s for the next). A request that comes before it is done does its own reading, as it would
/// have. Logs how long it took at the debug level.
fn warm_up(state: &State) {
    let st = state.clone();
    let spawned = std::thread::Builder::new()
        .name("mlt-warm-up".into())
        .spawn(move || {
            let t = std::time::Instant::now();
            let req = crate::app::ui::RunsRequest {
                experiments: Vec::new(),
                filter: None,
                order_by: Vec::new(),
                view: crate::entities::View::Active,
                columns: Vec::new(),
            };
            let line = match crate::app::ui::runs_table(&st.store, &req) {
                Ok(table) => format!(
                    "read {} runs ahead in {} ms",
                    table.matched,
                    t.elapsed().as_millis()
                ),
                Err(e) => format!("reading the runs ahead failed: {e}"),
            };
            st.log(LogLevel::Debug, &line);
        });
    if let Err(e) = spawned {
        state.log(
            LogLevel::Debug,
            &format!("no thread to read the runs ahead: {e}"),
        );
    }
}

/// Whether `host` is a loopback address or name: anything else is reachable from other
/// machines.
pub fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

impl IntoResponse for proto::Empty {
    fn into_response(self) -> Response {
        axum::Json(serde_json::json!({})).into_response()
    }
}

/// A server over `store` on a free loopback port, in a thread of its own, for tests of
/// clients (`mlt push` and `mlt pull` against `mlt server`): stopped when dropped.
#[cfg(test)]
pub(crate) struct Spawned {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[cfg(test)]
impl Spawned {
    pub fn new(store: Store) -> Spawned {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let bound = rt
            .block_on(bind(store, Config::new("127.0.0.1", 0)))
            .expect("bind");
        let url = format!("http://{}", bound.addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            rt.block_on(async move {
                let _ = bound
                    .serve(async move {
                        let _ = rx.await;
                    })
                    .await;
            });
        });
        Spawned {
            url,
            stop: Some(tx),
            thread: Some(thread),
        }
    }
}

#[cfg(test)]
impl Drop for Spawned {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Sending requests to the router in tests, without a socket.
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    /// A router over a fresh store in a temp folder.
    pub fn app() -> (tempfile::TempDir, Router, State) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.init().unwrap();
        let state = State::new(store, Config::new("127.0.0.1", 0));
        (dir, router(state.clone()), state)
    }

    /// Sends `method path` with a JSON `body` (or none) and returns the status and the JSON
    /// answer (`Value::Null` when it is not JSON).
    pub async fn call(
        app: &Router,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let req = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .body(match body {
                Some(b) => Body::from(b.to_string()),
                None => Body::empty(),
            })
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        )
    }

    /// `GET path` (with its query), returning the status, the headers and the raw body.
    pub async fn get_raw(app: &Router, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let req = axum::http::Request::builder()
            .method("GET")
            .uri(path)
            .body(Body::empty())
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        let (status, headers) = (resp.status(), resp.headers().clone());
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, bytes.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[tokio::test]
    async fn health_version_and_unknown_endpoints() {
        let (_d, app, _) = app();
        let (s, _) = call(&app, "GET", "/health", None).await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = call(&app, "GET", "/api/2.0/mlflow/no/such/thing", None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(v["error_code"], "ENDPOINT_NOT_FOUND");
    }

    #[test]
    fn artifact_locations_inside_mlruns_are_given_to_clients_as_proxy_uris() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let t = store.tracking().to_path_buf();
        let abs = crate::store::path_to_file_uri(&t.join("1/abc/artifacts"));
        assert_eq!(
            client_uri(&store, &abs),
            "mlflow-artifacts:/1/abc/artifacts"
        );
        assert_eq!(
            client_uri(&store, "mlruns/1/abc/artifacts"),
            "mlflow-artifacts:/1/abc/artifacts"
        );
        assert_eq!(client_uri(&store, "s3://b/x"), "s3://b/x");
        assert_eq!(
            client_uri(&store, "file:///elsewhere/x"),
            "file:///elsewhere/x"
        );
        assert_eq!(
            store_location(&store, "mlflow-artifacts:/1/abc/artifacts/model").unwrap(),
            crate::store::path_to_file_uri(&t.join("1/abc/artifacts/model"))
        );
        assert_eq!(
            proxy_path("mlflow-artifacts://127.0.0.1:5000/1/models/m-1/artifacts")
                .unwrap()
                .unwrap(),
            "1/models/m-1/artifacts"
        );
        for bad in [
            "mlflow-artifacts:/1/../../etc",
            "mlflow-artifacts:/1//x",
            "mlflow-artifacts:/./x",
        ] {
            assert!(store_location(&store, bad).is_err(), "{bad}");
        }
        assert_eq!(
            store_location(&store, "runs:/abc/model").unwrap(),
            "runs:/abc/model"
        );
    }

    #[tokio::test]
    async fn the_request_log_has_a_line_per_request_at_its_level_and_errors_at_debug() {
        let run = |level: LogLevel| async move {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::new(dir.path());
            store.init().unwrap();
            let lines = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
            let sink = lines.clone();
            let mut config = Config::new("127.0.0.1", 0);
            config.log_level = level;
            config.log = Arc::new(move |l| sink.lock().unwrap().push(l.to_string()));
            let app = router(State::new(store, config));
            call(&app, "GET", "/health", None).await;
            call(&app, "GET", "/api/2.0/mlflow/nope", None).await;
            lines.lock().unwrap().clone()
        };
        let info = run(LogLevel::Info).await;
        assert_eq!(info.len(), 2, "{info:?}");
        assert!(info[0].starts_with("GET /health 200 "), "{info:?}");
        assert!(
            info[1].starts_with("GET /api/2.0/mlflow/nope 404 "),
            "{info:?}"
        );
        assert!(!info[1].contains("ENDPOINT_NOT_FOUND"), "{info:?}");
        let warn = run(LogLevel::Warn).await;
        assert_eq!(warn.len(), 1, "{warn:?}");
        assert!(run(LogLevel::Error).await.is_empty());
        let debug = run(LogLevel::Debug).await;
        assert!(
            debug[1].ends_with("ENDPOINT_NOT_FOUND: no endpoint GET /api/2.0/mlflow/nope"),
            "{debug:?}"
        );
    }

    #[test]
    fn loopback_hosts() {
        for h in ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"] {
            assert!(is_loopback(h), "{h}");
        }
        for h in ["0.0.0.0", "192.168.1.2", "::", "example.com"] {
            assert!(!is_loopback(h), "{h}");
        }
    }
}
