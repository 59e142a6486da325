//! The client side of MLflow's REST API: one [`Remote`] per tracking server, used by `mlt push`
//! and `mlt pull`. It speaks the same typed messages as `mlt server` ([`crate::proto`]), with
//! MLflow's own client conventions:
//!
//! - the URL is the tracking URI (`http(s)://host[:port][/prefix]`), endpoints are
//!   `<url>/api/2.0/mlflow/...`, `<url>/api/3.0/mlflow/...` and
//!   `<url>/api/2.0/mlflow-artifacts/...`;
//! - a GET sends its message as the query string (a list as repeated keys), every other method
//!   as a JSON body;
//! - authentication from `MLFLOW_TRACKING_TOKEN` (bearer) or `MLFLOW_TRACKING_USERNAME` and
//!   `MLFLOW_TRACKING_PASSWORD` (basic); TLS through rustls, with
//!   `MLFLOW_TRACKING_INSECURE_TLS=true` (no verification) and
//!   `MLFLOW_TRACKING_SERVER_CERT_PATH` (a PEM bundle trusted instead of the built-in roots);
//! - a timeout per request (`MLFLOW_HTTP_REQUEST_TIMEOUT`, seconds, default 120) and retries
//!   with exponential backoff and jitter (`MLFLOW_HTTP_REQUEST_MAX_RETRIES`, default 5,
//!   `MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR`, default 0.5 s, doubled each try, at most 30 s, or the
//!   server's `Retry-After`) on 429, 500, 502, 503, 504 and on dropped connections.
//!
//! Retrying a request the server may already have carried out is only safe when the request
//! is idempotent; [`Retry::Unsafe`] requests (creating a run, a model version) are retried only
//! when the server cannot have acted on them (429 and 503 answers, a refused connection), and
//! the caller recovers from an ambiguous failure ([`Error::is_ambiguous`]) by looking for what
//! it made.

pub mod artifacts;
pub mod multipart;
pub mod s3;
pub mod tracking;
// Logged models and the model registry (helper "models").
pub mod logged;
pub mod registry;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// Environment variables, with MLflow's names.
pub mod vars {
    pub const TOKEN: &str = "MLFLOW_TRACKING_TOKEN";
    pub const USERNAME: &str = "MLFLOW_TRACKING_USERNAME";
    pub const PASSWORD: &str = "MLFLOW_TRACKING_PASSWORD";
    pub const INSECURE_TLS: &str = "MLFLOW_TRACKING_INSECURE_TLS";
    pub const SERVER_CERT_PATH: &str = "MLFLOW_TRACKING_SERVER_CERT_PATH";
    pub const TIMEOUT: &str = "MLFLOW_HTTP_REQUEST_TIMEOUT";
    pub const MAX_RETRIES: &str = "MLFLOW_HTTP_REQUEST_MAX_RETRIES";
    pub const BACKOFF_FACTOR: &str = "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR";
}

/// How to reach a server: what the environment (or a test) says.
#[derive(Clone, Debug)]
pub struct Settings {
    pub token: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub insecure_tls: bool,
    pub cert_path: Option<std::path::PathBuf>,
    pub timeout: Duration,
    pub max_retries: u32,
    pub backoff: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            token: None,
            username: None,
            password: None,
            insecure_tls: false,
            cert_path: None,
            timeout: Duration::from_secs(120),
            max_retries: 5,
            backoff: Duration::from_millis(500),
        }
    }
}

impl Settings {
    /// The settings MLflow's variables give, read through `get` (the process environment in
    /// the CLI). A malformed number is an error naming the variable.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Settings, Error> {
        let mut s = Settings::default();
        let nonempty = |k: &str| get(k).filter(|v| !v.is_empty());
        s.token = nonempty(vars::TOKEN);
        s.username = nonempty(vars::USERNAME);
        s.password = get(vars::PASSWORD);
        s.insecure_tls = nonempty(vars::INSECURE_TLS)
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"));
        s.cert_path = nonempty(vars::SERVER_CERT_PATH).map(Into::into);
        let num = |k: &str| -> Result<Option<f64>, Error> {
            match nonempty(k) {
                None => Ok(None),
                Some(v) => match v.trim().parse::<f64>() {
                    Ok(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
                    _ => Err(Error::Config(format!(
                        "{k}={v:?} is not a number of seconds"
                    ))),
                },
            }
        };
        if let Some(t) = num(vars::TIMEOUT)? {
            s.timeout = Duration::from_secs_f64(t.max(0.001));
        }
        if let Some(n) = num(vars::MAX_RETRIES)? {
            s.max_retries = n as u32;
        }
        if let Some(b) = num(vars::BACKOFF_FACTOR)? {
            s.backoff = Duration::from_secs_f64(b);
        }
        Ok(s)
    }
}

/// What went wrong talking to a server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server answered with an error: MLflow's `{"error_code", "message"}`, or another body.
    #[error("{endpoint}: {code} (HTTP {status}): {message}")]
    Api {
        endpoint: String,
        status: u16,
        code: String,
        message: String,
    },
    /// No answer: the connection failed, dropped or timed out (after the retries).
    #[error("{endpoint}: {message}")]
    Transport {
        endpoint: String,
        message: String,
        /// The request may have reached the server (it was sent, the answer did not come).
        sent: bool,
    },
    /// An answer that is not the message it should be.
    #[error("{endpoint}: unexpected answer: {message}")]
    Decode { endpoint: String, message: String },
    /// A bad URL or setting.
    #[error("{0}")]
    Config(String),
    /// The TLS handshake failed (an untrusted or wrong certificate): not retried.
    #[error("{endpoint}: TLS: {message}")]
    Tls { endpoint: String, message: String },
    /// A local file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

impl Error {
    /// MLflow's error code, when the server gave one (`RESOURCE_DOES_NOT_EXIST`).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Api { status: 404, .. })
            || self.code() == Some("RESOURCE_DOES_NOT_EXIST")
    }

    pub fn is_already_exists(&self) -> bool {
        self.code() == Some("RESOURCE_ALREADY_EXISTS")
    }

    /// The server may have carried the request out: it was sent and no answer came, or the
    /// answer was a 500, 502 or 504 (a proxy's timeout).
    pub fn is_ambiguous(&self) -> bool {
        match self {
            Error::Transport { sent, .. } => *sent,
            Error::Api { status, .. } => matches!(status, 500 | 502 | 504),
            _ => false,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether a request may be sent again after a failure that leaves its effect unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Reads, and writes that give the same result when repeated (set a tag, log a param,
    /// upload a file to a path).
    Safe,
    /// Writes that make something new each time (create a run, a model version).
    Unsafe,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// One tracking server.
pub struct Remote {
    /// The tracking URI, without a trailing slash.
    base: String,
    agent: ureq::Agent,
    auth: Option<String>,
    settings: Settings,
}

impl Remote {
    /// How long a request moving a file of `len` bytes may take in all: the timeout of a
    /// request (`MLFLOW_HTTP_REQUEST_TIMEOUT`) and at least 256 KiB/s for the bytes, so a large
    /// artifact on a slow link is not cut off after the timeout of a small request.
    fn body_budget(&self, len: u64) -> Duration {
        self.settings.timeout + Duration::from_secs(len / (256 << 10))
    }
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote").field("base", &self.base).finish()
    }
}

/// What a failed attempt tells the retry loop.
enum Attempt<T> {
    Done(T),
    /// Retry if allowed; `safe_to_repeat` says the server cannot have acted on it.
    Failed {
        error: Error,
        safe_to_repeat: bool,
        retry_after: Option<Duration>,
    },
}

impl Remote {
    /// A client for the tracking URI `url` (`http://` or `https://`).
    pub fn new(url: &str, settings: Settings) -> Result<Remote> {
        let base = url.trim().trim_end_matches('/').to_string();
        let rest = base
            .strip_prefix("http://")
            .or_else(|| base.strip_prefix("https://"))
            .ok_or_else(|| {
                Error::Config(format!(
                    "{url:?} is not an http:// or https:// tracking server URL"
                ))
            })?;
        if rest.is_empty() || rest.starts_with('/') {
            return Err(Error::Config(format!("{url:?} has no host")));
        }
        if rest.contains('?') || rest.contains('#') {
            return Err(Error::Config(format!(
                "{url:?}: a tracking URL has no query or fragment"
            )));
        }
        let mut tls = ureq::tls::TlsConfig::builder().disable_verification(settings.insecure_tls);
        if let Some(path) = &settings.cert_path {
            let pem = std::fs::read(path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(Error::Config(format!(
                    "{}={}: no PEM certificate in the file",
                    vars::SERVER_CERT_PATH,
                    path.display()
                )));
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .tls_config(tls.build())
            .timeout_global(Some(settings.timeout))
            .timeout_connect(Some(settings.timeout.min(Duration::from_secs(30))))
            .user_agent(concat!("mlt/", env!("CARGO_PKG_VERSION")))
            .max_redirects(0)
            .build()
            .new_agent();
        let auth = if let Some(t) = &settings.token {
            Some(format!("Bearer {t}"))
        } else {
            settings.username.as_ref().map(|u| {
                use base64::Engine;
                let pair = format!("{u}:{}", settings.password.as_deref().unwrap_or(""));
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                )
            })
        };
        Ok(Remote {
            base,
            agent,
            auth,
            settings,
        })
    }

    /// The tracking URI, as given (no trailing slash).
    pub fn url(&self) -> &str {
        &self.base
    }

    /// A name for this server that does not depend on how the URL was spelled: scheme, host
    /// (lowercase), port (the default one left out) and path. It keys the local map of what
    /// was pushed there.
    pub fn key(&self) -> String {
        let (scheme, rest) = self.base.split_once("://").unwrap_or(("http", &self.base));
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let host = host
            .rsplit_once('@')
            .map_or(host, |(_, h)| h)
            .to_lowercase();
        let default_port = if scheme == "https" { ":443" } else { ":80" };
        let host = host.strip_suffix(default_port).unwrap_or(&host);
        format!("{scheme}://{host}{}", path.trim_end_matches('/'))
    }

    /// `<url>/api/<endpoint>`, with `endpoint` such as `2.0/mlflow/runs/create`.
    pub fn endpoint_url(&self, endpoint: &str) -> String {
        format!("{}/api/{}", self.base, endpoint.trim_start_matches('/'))
    }

    /// Calls an endpoint with a message and reads the answer's message.
    pub fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        method: Method,
        endpoint: &str,
        req: &Req,
        retry: Retry,
    ) -> Result<Resp> {
        let body = serde_json::to_value(req).map_err(|e| Error::Decode {
            endpoint: endpoint.into(),
            message: e.to_string(),
        })?;
        let text = self.call_raw(method, endpoint, &body, retry)?;
        let text = if text.trim().is_empty() { "{}" } else { &text };
        serde_json::from_str(text).map_err(|e| Error::Decode {
            endpoint: endpoint.into(),
            message: format!("{e}: {}", excerpt(text)),
        })
    }

    /// [`Remote::call`] with `POST` and [`Retry::Safe`].
    pub fn post<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        endpoint: &str,
        req: &Req,
    ) -> Result<Resp> {
        self.call(Method::Post, endpoint, req, Retry::Safe)
    }

    /// [`Remote::call`] with `GET` (always safe to retry).
    pub fn get<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        endpoint: &str,
        req: &Req,
    ) -> Result<Resp> {
        self.call(Method::Get, endpoint, req, Retry::Safe)
    }

    /// Sends `body` (a JSON object) and returns the answer's text on a 2xx.
    pub fn call_raw(
        &self,
        method: Method,
        endpoint: &str,
        body: &Value,
        retry: Retry,
    ) -> Result<String> {
        let url = self.endpoint_url(endpoint);
        self.with_retries(retry, || {
            let res = match method {
                Method::Get => {
                    let req = self.agent.get(&url).query_pairs(query_pairs(body));
                    self.authed(req).call()
                }
                Method::Delete => {
                    let req = self.agent.delete(&url).force_send_body();
                    self.authed(req)
                        .content_type("application/json")
                        .send(body.to_string())
                }
                Method::Post | Method::Patch => {
                    let req = if method == Method::Post {
                        self.agent.post(&url)
                    } else {
                        self.agent.patch(&url)
                    };
                    self.authed(req)
                        .content_type("application/json")
                        .send(body.to_string())
                }
            };
            self.answer(endpoint, method, res)
        })
    }

    /// Sends a request built by `send` (which gets the agent and the auth header, and may be
    /// called again on a retry, so it opens its body each time) and returns the response on
    /// a 2xx. For artifact uploads and downloads.
    pub fn send_with<F>(
        &self,
        what: &str,
        retry: Retry,
        mut send: F,
    ) -> Result<ureq::http::Response<ureq::Body>>
    where
        F: FnMut(
            &ureq::Agent,
            Option<&str>,
        ) -> std::result::Result<ureq::http::Response<ureq::Body>, SendError>,
    {
        self.with_retries(retry, || match send(&self.agent, self.auth.as_deref()) {
            Err(SendError::Io(e)) => Attempt::Failed {
                error: e,
                safe_to_repeat: false,
                retry_after: None,
            },
            Err(SendError::Http(e)) => transport_failure(what, e),
            Ok(resp) => {
                let status = resp.status().as_u16();
                if (200..300).contains(&status) {
                    Attempt::Done(resp)
                } else {
                    status_failure(what, resp)
                }
            }
        })
    }

    fn authed<B>(&self, req: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.auth {
            Some(a) => req.header("Authorization", a),
            None => req,
        }
    }

    fn answer(
        &self,
        endpoint: &str,
        method: Method,
        res: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Attempt<String> {
        let what = format!("{} {endpoint}", method.name());
        match res {
            Err(e) => transport_failure(&what, e),
            Ok(resp) if resp.status().is_success() => {
                let mut resp = resp;
                match resp
                    .body_mut()
                    .with_config()
                    .limit(u64::MAX)
                    .read_to_string()
                {
                    Ok(t) => Attempt::Done(t),
                    Err(e) => transport_failure(&what, e),
                }
            }
            Ok(resp) => status_failure(&what, resp),
        }
    }

    fn with_retries<T>(&self, retry: Retry, mut attempt: impl FnMut() -> Attempt<T>) -> Result<T> {
        let mut tries = 0u32;
        loop {
            match attempt() {
                Attempt::Done(t) => return Ok(t),
                Attempt::Failed {
                    error,
                    safe_to_repeat,
                    retry_after,
                } => {
                    let retryable = match &error {
                        Error::Api { status, .. } => {
                            matches!(status, 429 | 500 | 502 | 503 | 504)
                        }
                        Error::Transport { .. } => true,
                        _ => false,
                    };
                    if !retryable
                        || tries >= self.settings.max_retries
                        || (retry == Retry::Unsafe && !safe_to_repeat)
                    {
                        return Err(error);
                    }
                    let wait = retry_after.unwrap_or_else(|| backoff(self.settings.backoff, tries));
                    std::thread::sleep(wait);
                    tries += 1;
                }
            }
        }
    }
}

/// Why a [`Remote::send_with`] closure failed: the request (ureq), or preparing its body.
pub enum SendError {
    Http(ureq::Error),
    Io(Error),
}

impl From<ureq::Error> for SendError {
    fn from(e: ureq::Error) -> SendError {
        SendError::Http(e)
    }
}

fn backoff(base: Duration, tries: u32) -> Duration {
    let exp = base.as_secs_f64() * 2f64.powi(tries.min(16) as i32);
    // Jitter without a random crate: the clock's nanoseconds spread callers apart.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let jitter = f64::from(nanos % 1000) / 1000.0 * base.as_secs_f64();
    Duration::from_secs_f64((exp + jitter).min(30.0))
}

fn transport_failure<T>(what: &str, e: ureq::Error) -> Attempt<T> {
    // A refused connection or an unknown host never reached the server.
    let sent = !matches!(
        e,
        ureq::Error::ConnectionFailed
            | ureq::Error::HostNotFound
            | ureq::Error::BadUri(_)
            | ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve)
    ) && !matches!(&e, ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused);
    let message = match &e {
        ureq::Error::ConnectionFailed => "could not connect to the server".to_string(),
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::Timeout(t) => format!("timed out ({t:?})"),
        other => other.to_string(),
    };
    let error = if matches!(e, ureq::Error::BadUri(_)) {
        Error::Config(format!("{what}: {message}"))
    } else if matches!(e, ureq::Error::Tls(_) | ureq::Error::Rustls(_)) || tls_failure(&e) {
        Error::Tls {
            endpoint: what.into(),
            message,
        }
    } else {
        Error::Transport {
            endpoint: what.into(),
            message,
            sent,
        }
    };
    Attempt::Failed {
        error,
        safe_to_repeat: !sent,
        retry_after: None,
    }
}

/// A TLS failure that ureq hands over as an I/O error with rustls's error inside (a
/// certificate the handshake refused, an alert): not worth retrying, and not a server that is
/// down.
fn tls_failure(e: &ureq::Error) -> bool {
    matches!(e, ureq::Error::Io(io)
        if io.get_ref().is_some_and(|inner| inner.is::<rustls::Error>()))
}

fn status_failure<T>(what: &str, mut resp: ureq::http::Response<ureq::Body>) -> Attempt<T> {
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(60.0)));
    let text = resp
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_string()
        .unwrap_or_default();
    let (code, message) = match serde_json::from_str::<Value>(&text) {
        Ok(v) if v.get("error_code").is_some() => (
            v["error_code"].as_str().unwrap_or("UNKNOWN").to_string(),
            v["message"].as_str().unwrap_or_default().to_string(),
        ),
        _ => (default_code(status).to_string(), excerpt(&text)),
    };
    Attempt::Failed {
        error: Error::Api {
            endpoint: what.into(),
            status,
            code,
            message,
        },
        safe_to_repeat: matches!(status, 429 | 503),
        retry_after,
    }
}

fn default_code(status: u16) -> &'static str {
    match status {
        400 => "BAD_REQUEST",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "ENDPOINT_NOT_FOUND",
        409 => "RESOURCE_ALREADY_EXISTS",
        429 => "REQUEST_LIMIT_EXCEEDED",
        500..=599 => "INTERNAL_ERROR",
        _ => "UNKNOWN",
    }
}

fn excerpt(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &one_line[..i]),
        None => one_line,
    }
}

/// A message as a query string: scalars as they are, lists as repeated keys, nested
/// messages as JSON (MLflow's GETs carry none).
fn query_pairs(body: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Value::Object(map) = body {
        for (k, v) in map {
            match v {
                Value::Null => {}
                Value::Array(items) => {
                    for item in items {
                        out.push((k.clone(), scalar(item)));
                    }
                }
                other => out.push((k.clone(), scalar(other))),
            }
        }
    }
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Reads a file for an upload, with the error naming it.
pub fn open_file(path: &Path) -> Result<(std::fs::File, u64)> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    Ok((f, len))
}

/// Copies a response body to `out`, counting the bytes.
pub fn copy_body(
    resp: ureq::http::Response<ureq::Body>,
    out: &mut impl std::io::Write,
) -> std::io::Result<u64> {
    let mut reader = resp.into_body().into_reader();
    let mut buf = vec![0u8; 256 * 1024];
    let mut n = 0u64;
    loop {
        let k = reader.read(&mut buf)?;
        if k == 0 {
            return Ok(n);
        }
        out.write_all(&buf[..k])?;
        n += k as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_ignores_how_the_url_is_spelled() {
        let r = |u: &str| Remote::new(u, Settings::default()).unwrap().key();
        assert_eq!(r("http://LocalHost:80/"), "http://localhost");
        assert_eq!(
            r("https://h.example:443/mlflow/"),
            "https://h.example/mlflow"
        );
        assert_eq!(r("http://127.0.0.1:5000"), "http://127.0.0.1:5000");
        assert_eq!(r("http://u@127.0.0.1:5000"), "http://127.0.0.1:5000");
    }

    #[test]
    fn urls_that_are_not_http_servers_are_refused() {
        for u in [
            "file:///tmp/mlruns",
            "mlruns",
            "http://",
            "http:///x",
            "http://h/?q=1",
        ] {
            assert!(
                matches!(Remote::new(u, Settings::default()), Err(Error::Config(_))),
                "{u}"
            );
        }
    }

    #[test]
    fn settings_come_from_mlflow_variables() {
        let env = |k: &str| match k {
            vars::TOKEN => Some("tok".to_string()),
            vars::INSECURE_TLS => Some("True".to_string()),
            vars::TIMEOUT => Some("2.5".to_string()),
            vars::MAX_RETRIES => Some("0".to_string()),
            _ => None,
        };
        let s = Settings::from_env(env).unwrap();
        assert_eq!(s.token.as_deref(), Some("tok"));
        assert!(s.insecure_tls);
        assert_eq!(s.timeout, Duration::from_millis(2500));
        assert_eq!(s.max_retries, 0);
        let bad = |k: &str| (k == vars::TIMEOUT).then(|| "soon".to_string());
        let e = Settings::from_env(bad).unwrap_err().to_string();
        assert!(e.contains("MLFLOW_HTTP_REQUEST_TIMEOUT"), "{e}");
    }

    #[test]
    fn a_get_message_becomes_repeated_query_keys() {
        let v = serde_json::json!({"run_id": "r", "max_results": 5, "keys": ["a", "b"], "x": null});
        let mut q = query_pairs(&v);
        q.sort();
        assert_eq!(
            q,
            [
                ("keys".to_string(), "a".to_string()),
                ("keys".to_string(), "b".to_string()),
                ("max_results".to_string(), "5".to_string()),
                ("run_id".to_string(), "r".to_string()),
            ]
        );
    }

    #[test]
    fn messages_go_to_mlt_server_and_errors_come_back_typed() {
        let tmp = tempfile::tempdir().unwrap();
        let store = crate::store::Store::new(tmp.path());
        store.init().unwrap();
        let server = crate::server::Spawned::new(store);
        let r = Remote::new(&server.url, Settings::default()).unwrap();
        let made: Value = r
            .call(
                Method::Post,
                "2.0/mlflow/experiments/create",
                &serde_json::json!({"name": "e1"}),
                Retry::Unsafe,
            )
            .unwrap();
        let id = made["experiment_id"].as_str().unwrap().to_string();
        let got: Value = r
            .get(
                "2.0/mlflow/experiments/get-by-name",
                &serde_json::json!({"experiment_name": "e1"}),
            )
            .unwrap();
        assert_eq!(got["experiment"]["experiment_id"], id.as_str());
        let again = r
            .call::<_, Value>(
                Method::Post,
                "2.0/mlflow/experiments/create",
                &serde_json::json!({"name": "e1"}),
                Retry::Unsafe,
            )
            .unwrap_err();
        assert!(again.is_already_exists(), "{again}");
        let missing = r
            .get::<_, Value>(
                "2.0/mlflow/experiments/get-by-name",
                &serde_json::json!({"experiment_name": "nope"}),
            )
            .unwrap_err();
        assert!(missing.is_not_found(), "{missing}");
        assert!(!missing.is_ambiguous());
    }

    #[test]
    fn a_server_that_is_not_there_is_a_transport_error_never_sent() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let settings = Settings {
            max_retries: 1,
            backoff: Duration::from_millis(1),
            ..Settings::default()
        };
        let r = Remote::new(&format!("http://127.0.0.1:{port}"), settings).unwrap();
        let e = r
            .get::<_, Value>("2.0/mlflow/experiments/search", &serde_json::json!({}))
            .unwrap_err();
        assert!(matches!(e, Error::Transport { sent: false, .. }), "{e:?}");
        assert!(!e.is_ambiguous());
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let b = Duration::from_millis(100);
        assert!(backoff(b, 0) >= b && backoff(b, 0) < b * 2);
        assert!(backoff(b, 3) >= b * 8);
        assert_eq!(backoff(b, 20), Duration::from_secs(30));
    }
}
