//! Authentication and write permission: optional HTTP basic auth against a credentials file
//! with hashed passwords, read-only users, bearer tokens, and `--read-only` for the whole
//! server.
//!
//! MLflow's client sends `Authorization: Basic base64(user:password)` when
//! `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD` are set, and `Authorization:
//! Bearer TOKEN` for `MLFLOW_TRACKING_TOKEN`. The answers are MLflow's auth app's
//! (`mlflow/server/auth/__init__.py`): 401 with `WWW-Authenticate: Basic realm="mlflow"` and
//! its text when the credentials are missing or wrong, 403 when the user may not write (here
//! in MLflow's error shape, `PERMISSION_DENIED`, so the client raises that code). The client
//! retries neither. `/health`, `/version` and `server-info` stay open, as in MLflow.
//!
//! The credentials file (YAML, written by `mlt server user ...`, atomically and with mode
//! 0600):
//!
//! ```yaml
//! users:
//!   alice:
//!     password: $argon2id$v=19$m=19456,t=2,p=1$...
//!   ci:
//!     password: $argon2id$v=19$...
//!     read_only: true
//!     tokens:
//!     - id: 3f2a9c1b
//!       sha256: 5e88...
//! ```
//!
//! Passwords are argon2id hashes (the check is argon2's, in constant time); tokens are 256-bit
//! random strings kept as their SHA-256 (a fast hash is enough for a random secret) and compared
//! in constant time. The server notices when the file changes and rereads it, so adding or
//! removing a user needs no restart.

use super::State;
use super::error::{ApiError, Code};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::RwLock;

/// The realm MLflow's auth app names in its challenge.
pub const CHALLENGE: &str = "Basic realm=\"mlflow\"";

/// MLflow's auth app's 401 text.
pub const UNAUTHENTICATED_TEXT: &str = "You are not authenticated. Please see \
https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to \
authenticate.";

/// What the tokens `mlt server user token` makes start with.
pub const TOKEN_PREFIX: &str = "mlt_";

// ---------------------------------------------------------------------------------------------
// The credentials file

/// The credentials file as it is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    #[serde(default)]
    pub users: BTreeMap<String, UserEntry>,
}

/// One user: an argon2 hash of the password, whether they may write, their tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEntry {
    /// The password's argon2 hash in PHC form (`$argon2id$v=19$...`); never the password.
    pub password: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tokens: Vec<TokenEntry>,
}

/// A bearer token: its id (shown by `user list`, the start of the token's random part) and
/// the SHA-256 of the whole token, in hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenEntry {
    pub id: String,
    pub sha256: String,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// What can go wrong with the credentials file or a change to it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a credentials file: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("user '{0}' already exists")]
    Exists(String),
    #[error("no user '{0}'")]
    NoSuchUser(String),
    #[error("user '{0}' has no token '{1}'")]
    NoSuchToken(String, String),
    #[error("invalid user name '{0}': {1}")]
    BadName(String, &'static str),
    #[error("the password is empty")]
    EmptyPassword,
    #[error("cannot hash the password: {0}")]
    Hash(String),
}

impl Credentials {
    /// Reads the file at `path`; a missing file is an empty one when `missing_ok`.
    pub fn load(path: &Path, missing_ok: bool) -> Result<Credentials, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if missing_ok && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Credentials::default());
            }
            Err(source) => {
                return Err(Error::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Credentials::parse(&text).map_err(|message| Error::Invalid {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses the file's text, checking every entry.
    pub fn parse(text: &str) -> Result<Credentials, String> {
        if text.trim().is_empty() {
            return Ok(Credentials::default());
        }
        let c: Credentials = yaml_serde::from_str(text).map_err(|e| e.to_string())?;
        for (name, u) in &c.users {
            check_name(name).map_err(|e| e.to_string())?;
            argon2::password_hash::phc::PasswordHash::new(&u.password)
                .map_err(|e| format!("user '{name}': the password is not an argon2 hash: {e}"))?;
            for t in &u.tokens {
                if t.sha256.len() != 64 || !t.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(format!(
                        "user '{name}': token '{}' has no SHA-256 in hex",
                        t.id
                    ));
                }
            }
        }
        Ok(c)
    }

    /// The file's text.
    pub fn to_yaml(&self) -> String {
        let body = yaml_serde::to_string(self).unwrap_or_default();
        format!(
            "# Credentials of `mlt server --auth`: argon2 password hashes and SHA-256 token \
             hashes.\n# Managed with `mlt server user add|remove|list|token|revoke`.\n{body}"
        )
    }

    /// Writes the file atomically (a temp file beside it, renamed into place) with mode 0600.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        use std::io::Write;
        use std::os::unix::fs::PermissionsExt;
        let werr = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".mlt-auth-")
            .permissions(std::fs::Permissions::from_mode(0o600))
            .tempfile_in(dir)
            .map_err(werr)?;
        tmp.write_all(self.to_yaml().as_bytes()).map_err(werr)?;
        tmp.as_file().sync_all().map_err(werr)?;
        // The mode asked for is filtered by the umask: make it 0600 exactly.
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o600))
            .map_err(werr)?;
        tmp.persist(path).map_err(|e| werr(e.error))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Reads the file at `path` (none yet is an empty one), changes it with `change` and
    /// writes it back, under a lock on its folder so that two changes at once both land.
    pub fn update<T>(
        path: &Path,
        change: impl FnOnce(&mut Credentials) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let lock = std::fs::File::open(dir).and_then(|f| f.lock().map(|_| f));
        let _lock = lock.map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
        let mut creds = Credentials::load(path, true)?;
        let out = change(&mut creds)?;
        creds.save(path)?;
        Ok(out)
    }

    /// Adds a user (or replaces one, tokens and all, with `replace`).
    pub fn add_user(
        &mut self,
        name: &str,
        password: &str,
        read_only: bool,
        replace: bool,
    ) -> Result<(), Error> {
        check_name(name)?;
        if !replace && self.users.contains_key(name) {
            return Err(Error::Exists(name.to_string()));
        }
        let password = hash_password(password)?;
        self.users.insert(
            name.to_string(),
            UserEntry {
                password,
                read_only,
                tokens: Vec::new(),
            },
        );
        Ok(())
    }

    pub fn remove_user(&mut self, name: &str) -> Result<UserEntry, Error> {
        self.users
            .remove(name)
            .ok_or_else(|| Error::NoSuchUser(name.to_string()))
    }

    /// Makes a new token for `name`; returns it (the only time it is seen) and its id.
    pub fn add_token(&mut self, name: &str) -> Result<(String, String), Error> {
        let user = self
            .users
            .get_mut(name)
            .ok_or_else(|| Error::NoSuchUser(name.to_string()))?;
        let secret = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let token = format!("{TOKEN_PREFIX}{secret}");
        let id = secret[..8].to_string();
        user.tokens.push(TokenEntry {
            id: id.clone(),
            sha256: sha256_hex(token.as_bytes()),
        });
        Ok((token, id))
    }

    /// Revokes one token of `name` by its id, or all of them when `id` is `None`; returns how
    /// many were revoked.
    pub fn revoke_tokens(&mut self, name: &str, id: Option<&str>) -> Result<usize, Error> {
        let user = self
            .users
            .get_mut(name)
            .ok_or_else(|| Error::NoSuchUser(name.to_string()))?;
        let before = user.tokens.len();
        match id {
            None => user.tokens.clear(),
            Some(id) => {
                user.tokens.retain(|t| t.id != id);
                if user.tokens.len() == before {
                    return Err(Error::NoSuchToken(name.to_string(), id.to_string()));
                }
            }
        }
        Ok(before - user.tokens.len())
    }
}

/// A user name basic auth can carry: not empty, no `:` (it ends the name in the header), no
/// control characters or surrounding spaces.
pub fn check_name(name: &str) -> Result<(), Error> {
    let bad = |why| Err(Error::BadName(name.to_string(), why));
    if name.is_empty() {
        return bad("it is empty");
    }
    if name.len() > 256 {
        return bad("it is longer than 256 bytes");
    }
    if name.contains(':') {
        return bad("it contains ':'");
    }
    if name.chars().any(char::is_control) {
        return bad("it contains a control character");
    }
    if name.trim() != name {
        return bad("it starts or ends with a space");
    }
    Ok(())
}

/// The argon2id hash of a password, with a random salt, in PHC form.
pub fn hash_password(password: &str) -> Result<String, Error> {
    if password.is_empty() {
        return Err(Error::EmptyPassword);
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Hash(e.to_string()))
}

/// Whether `password` is the one `hash` was made from (argon2's check, constant time).
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Equality of two byte strings in time that depends on their lengths only.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------------------------------------
// The users a server knows

/// Who a request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub read_only: bool,
}

/// The users who may sign in: the credentials file, reread when it changes.
#[derive(Debug)]
pub struct Users {
    path: Option<PathBuf>,
    inner: RwLock<Loaded>,
    /// A per-process random key for the cache of checked passwords.
    key: [u8; 16],
    /// A hash to check passwords of unknown users against, so that they take as long.
    dummy: String,
}

#[derive(Debug, Default)]
struct Loaded {
    stamp: Option<Stamp>,
    creds: Credentials,
    /// user -> SHA-256(key, password) of the last password argon2 accepted for them, so
    /// that a client's every request does not pay argon2's cost. Emptied when the file
    /// changes.
    checked: HashMap<String, [u8; 32]>,
    /// Why the last reread failed (everyone is refused until the file is fixed).
    error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<std::time::SystemTime>,
    len: u64,
    ino: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp {
        modified: m.modified().ok(),
        len: m.len(),
        ino: m.ino(),
    })
}

impl Default for Users {
    fn default() -> Users {
        Users::from_credentials(Credentials::default())
    }
}

impl Users {
    /// The users of the credentials file at `path` (which must exist and be valid).
    pub fn open(path: &Path) -> Result<Users, Error> {
        let st = stamp(path);
        let creds = Credentials::load(path, false)?;
        let mut users = Users::from_credentials(creds);
        users.path = Some(path.to_path_buf());
        users
            .inner
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .stamp = st;
        Ok(users)
    }

    /// Fixed users (tests, or a caller that manages the file itself).
    pub fn from_credentials(creds: Credentials) -> Users {
        let mut key = [0u8; 16];
        key.copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Users {
            path: None,
            inner: RwLock::new(Loaded {
                creds,
                ..Loaded::default()
            }),
            key,
            dummy: hash_password("mlt-dummy-password").unwrap_or_default(),
        }
    }

    /// How many users there are now.
    pub fn len(&self) -> usize {
        self.refresh();
        self.read().creds.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Loaded> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Rereads the file when it changed since it was read. When it cannot be read or is
    /// invalid, nobody gets in until it is fixed.
    fn refresh(&self) {
        let Some(path) = &self.path else { return };
        let now = stamp(path);
        if self.read().stamp == now && now.is_some() {
            return;
        }
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        inner.stamp = now;
        inner.checked.clear();
        match Credentials::load(path, false) {
            Ok(c) => {
                inner.creds = c;
                inner.error = None;
            }
            Err(e) => {
                inner.creds = Credentials::default();
                inner.error = Some(e.to_string());
            }
        }
    }

    /// Why the credentials file cannot be used now, if it cannot.
    pub fn problem(&self) -> Option<String> {
        self.refresh();
        self.read().error.clone()
    }

    fn cache_key(&self, password: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.key);
        h.update(password.as_bytes());
        h.finalize().into()
    }

    /// Checks a user name and password. Blocking: argon2 takes a while (call it off the async
    /// threads).
    pub fn check_password(&self, name: &str, password: &str) -> Option<Identity> {
        self.refresh();
        let key = self.cache_key(password);
        if let Some(who) = self.cached(name, &key) {
            return Some(who);
        }
        let (hash, read_only) = match self.read().creds.users.get(name) {
            Some(u) => (u.password.clone(), u.read_only),
            None => {
                // As long as for a known user: the answer's time tells nothing.
                let _ = verify_password(password, &self.dummy);
                return None;
            }
        };
        if !verify_password(password, &hash) {
            return None;
        }
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        // Cache it only if the file was not reread (to another hash) meanwhile.
        if inner
            .creds
            .users
            .get(name)
            .is_some_and(|u| u.password == hash)
        {
            inner.checked.insert(name.to_string(), key);
        }
        Some(Identity {
            name: name.to_string(),
            read_only,
        })
    }

    /// The user, when argon2 already accepted this password for them (`key` is its
    /// [`Users::cache_key`]).
    fn cached(&self, name: &str, key: &[u8; 32]) -> Option<Identity> {
        let inner = self.read();
        let u = inner.creds.users.get(name)?;
        let k = inner.checked.get(name)?;
        constant_time_eq(k, key).then(|| Identity {
            name: name.to_string(),
            read_only: u.read_only,
        })
    }

    /// Checks a bearer token.
    pub fn check_token(&self, token: &str) -> Option<Identity> {
        self.refresh();
        let digest = sha256_hex(token.as_bytes());
        let inner = self.read();
        let mut found = None;
        for (name, u) in &inner.creds.users {
            for t in &u.tokens {
                if constant_time_eq(t.sha256.as_bytes(), digest.as_bytes()) {
                    found = Some(Identity {
                        name: name.clone(),
                        read_only: u.read_only,
                    });
                }
            }
        }
        found
    }

    /// Who an `Authorization` header names, if its credentials are right. Blocking (argon2).
    pub fn authenticate(&self, authorization: Option<&HeaderValue>) -> Option<Identity> {
        match parse_authorization(authorization)? {
            Credential::Basic(name, password) => self.check_password(&name, &password),
            Credential::Bearer(token) => self.check_token(&token),
        }
    }

    /// [`Users::authenticate`] when it needs no argon2 (a token, a password already checked,
    /// a malformed header): `None` when it does, to run it off the async threads.
    pub fn authenticate_quickly(
        &self,
        authorization: Option<&HeaderValue>,
    ) -> Option<Option<Identity>> {
        let Some(credential) = parse_authorization(authorization) else {
            return Some(None);
        };
        match credential {
            Credential::Basic(name, password) => {
                self.refresh();
                self.cached(&name, &self.cache_key(&password)).map(Some)
            }
            Credential::Bearer(token) => Some(self.check_token(&token)),
        }
    }
}

enum Credential {
    Basic(String, String),
    Bearer(String),
}

/// The credentials of an `Authorization` header: `Basic base64(name:password)` (the name ends
/// at the first `:`) or `Bearer TOKEN`.
fn parse_authorization(authorization: Option<&HeaderValue>) -> Option<Credential> {
    let value = authorization?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("basic") {
        use base64::Engine;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(rest)
            .ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (name, password) = text.split_once(':')?;
        Some(Credential::Basic(name.to_string(), password.to_string()))
    } else if scheme.eq_ignore_ascii_case("bearer") {
        Some(Credential::Bearer(rest.to_string()))
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Which requests are writes

/// The API path without its `/api/2.0`, `/ajax-api/3.0`... prefix, or `None` when the path is
/// not under one.
fn api_path(path: &str) -> Option<&str> {
    let rest = path
        .strip_prefix("/api/")
        .or_else(|| path.strip_prefix("/ajax-api/"))?;
    let (version, tail) = rest.split_at(rest.find(|c: char| !c.is_ascii_digit() && c != '.')?);
    if version.is_empty() {
        return None;
    }
    Some(tail)
}

/// POST endpoints that only read: MLflow's searches and queries that take a body
/// (`mlflow/protos/service_pb2`, `model_registry_pb2`, and the UI's routes in
/// `mlflow/server/__init__.py`), as paths below the API prefix. Matched exactly: a path that
/// only looks like one (an artifact named `search`) is a write.
const READ_POSTS: &[&str] = &[
    "/mlflow/experiments/search",
    "/mlflow/runs/search",
    "/mlflow/experiments/search-datasets",
    // MLflow's proto spells this one without the slash after the version.
    "mlflow/experiments/search-datasets",
    "/mlflow/registered-models/search",
    "/mlflow/registered-models/get-latest-versions",
    "/mlflow/model-versions/search",
    "/mlflow/logged-models/search",
    "/mlflow/metrics/get-history-bulk-interval",
    "/mlflow/metrics/get-history-bulk",
    "/mlflow/artifacts/presigned-download-url",
    "/mlflow/traces/search",
    "/mlflow/traces/batchGetInfos",
    "/mlflow/traces/calculate-filter-correlation",
    "/mlflow/traces/metrics",
    "/mlflow/issues/search",
    "/mlflow/datasets/search",
    "/mlflow/prompt-optimization/jobs/search",
];

/// Whether a request may change the store: anything but GET/HEAD/OPTIONS, except the POSTs
/// that only search or read ([`READ_POSTS`]). PUT, DELETE and PATCH, of the artifact proxy as
/// of the rest, are writes; so is any POST not known to read.
pub fn is_write(method: &Method, path: &str) -> bool {
    match *method {
        Method::GET | Method::HEAD | Method::OPTIONS => false,
        Method::POST => !api_path(path).is_some_and(|p| READ_POSTS.contains(&p)),
        _ => true,
    }
}

/// Requests answered without credentials, as MLflow's auth app does: `/health`, `/version`
/// and the server's capabilities (`GET .../mlflow/server-info`).
pub fn is_open(method: &Method, path: &str) -> bool {
    let reading = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    reading
        && (path == "/health"
            || path == "/version"
            || api_path(path) == Some("/mlflow/server-info"))
}

// ---------------------------------------------------------------------------------------------
// The middleware

/// MLflow's auth app's 401: its text and its challenge, so a browser or client asks for
/// credentials.
pub fn unauthenticated() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [
            (header::WWW_AUTHENTICATE, CHALLENGE),
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        ],
        UNAUTHENTICATED_TEXT,
    )
        .into_response()
}

/// A 403 in MLflow's error shape.
pub fn forbidden(message: impl Into<String>) -> Response {
    ApiError::new(Code::PermissionDenied, message).into_response()
}

/// Lets a request through, or answers 401/403 as MLflow's auth app does: credentials are
/// checked first (401), then whether the request may write (403).
pub async fn guard(
    axum::extract::State(state): axum::extract::State<State>,
    req: Request,
    next: Next,
) -> Response {
    let (method, path) = (req.method(), req.uri().path());
    if is_open(method, path) {
        return next.run(req).await;
    }
    let write = is_write(method, path);
    if let Some(users) = &state.config.users {
        let authorization = req.headers().get(header::AUTHORIZATION).cloned();
        let who = match users.authenticate_quickly(authorization.as_ref()) {
            Some(who) => Ok(who),
            None => {
                // argon2 is slow on purpose: keep it off the async threads.
                let users = users.clone();
                tokio::task::spawn_blocking(move || users.authenticate(authorization.as_ref()))
                    .await
            }
        };
        match who {
            Ok(Some(who)) => {
                if write && who.read_only && !state.config.read_only {
                    return forbidden(format!(
                        "Permission denied: user '{}' may read only",
                        who.name
                    ));
                }
            }
            Ok(None) => return unauthenticated(),
            Err(e) => {
                return ApiError::new(Code::InternalError, format!("authentication failed: {e}"))
                    .into_response();
            }
        }
    }
    if write && state.config.read_only {
        return forbidden("Permission denied: this server is read-only (--read-only)");
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;
    use axum::body::Body;
    use std::sync::Arc;
    use tower::ServiceExt;

    #[test]
    fn passwords_are_hashed_with_argon2_and_checked() {
        let h = hash_password("s3cret").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("s3cret"));
        assert!(verify_password("s3cret", &h));
        assert!(!verify_password("s3cret ", &h));
        assert!(!verify_password("", &h));
        // A random salt: the same password hashes differently.
        assert_ne!(h, hash_password("s3cret").unwrap());
        assert!(matches!(hash_password(""), Err(Error::EmptyPassword)));
    }

    #[test]
    fn constant_time_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn user_names_basic_auth_can_carry() {
        for ok in ["alice", "ci-bot", "a.b@example.com", "x y"] {
            check_name(ok).unwrap();
        }
        for bad in ["", "a:b", "a\nb", " a", "a ", &"x".repeat(300)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_file_round_trips_and_is_written_0600_without_plain_passwords() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.yaml");
        let mut c = Credentials::load(&path, true).unwrap();
        assert!(c.users.is_empty());
        c.add_user("alice", "pw-alice", false, false).unwrap();
        c.add_user("reader", "pw-reader", true, false).unwrap();
        assert!(matches!(
            c.add_user("alice", "x", false, false),
            Err(Error::Exists(_))
        ));
        let (token, id) = c.add_token("reader").unwrap();
        assert!(
            token.starts_with(TOKEN_PREFIX) && token.len() == 68,
            "{token}"
        );
        c.save(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let text = std::fs::read_to_string(&path).unwrap();
        for secret in ["pw-alice", "pw-reader", &token[TOKEN_PREFIX.len()..]] {
            assert!(!text.contains(secret), "{text}");
        }
        let back = Credentials::load(&path, false).unwrap();
        assert_eq!(back, c);
        assert!(back.users["reader"].read_only);
        assert!(!back.users["alice"].read_only);
        assert_eq!(back.users["reader"].tokens[0].id, id);
        // Nothing left beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("users.yaml")]);

        let mut c = back;
        assert_eq!(c.revoke_tokens("reader", Some(&id)).unwrap(), 1);
        assert!(c.revoke_tokens("reader", Some(&id)).is_err());
        c.remove_user("alice").unwrap();
        assert!(matches!(c.remove_user("alice"), Err(Error::NoSuchUser(_))));
    }

    #[test]
    fn a_file_that_is_not_a_credentials_file_is_refused() {
        assert!(Credentials::parse("users:\n  bob:\n    password: hunter2\n").is_err());
        assert!(Credentials::parse("users: [1, 2]\n").is_err());
        assert!(Credentials::parse("user: {}\n").is_err());
        assert_eq!(Credentials::parse("").unwrap(), Credentials::default());
    }

    fn basic(name: &str, password: &str) -> HeaderValue {
        use base64::Engine;
        let b = base64::engine::general_purpose::STANDARD.encode(format!("{name}:{password}"));
        HeaderValue::from_str(&format!("Basic {b}")).unwrap()
    }

    fn sample() -> (Credentials, String) {
        let mut c = Credentials::default();
        c.add_user("alice", "pw-alice", false, false).unwrap();
        c.add_user("reader", "pw:reader", true, false).unwrap();
        let (token, _) = c.add_token("alice").unwrap();
        (c, token)
    }

    #[test]
    fn basic_and_bearer_credentials() {
        let (c, token) = sample();
        let users = Users::from_credentials(c);
        let alice = Identity {
            name: "alice".into(),
            read_only: false,
        };
        assert_eq!(
            users.authenticate(Some(&basic("alice", "pw-alice"))),
            Some(alice.clone())
        );
        // Again: from the cache of checked passwords, without argon2.
        assert_eq!(
            users.authenticate_quickly(Some(&basic("alice", "pw-alice"))),
            Some(Some(alice.clone()))
        );
        assert_eq!(
            users.authenticate(Some(&basic("alice", "pw-alice"))),
            Some(alice.clone())
        );
        // A wrong password is never taken from the cache: argon2 checks it.
        assert_eq!(
            users.authenticate_quickly(Some(&basic("alice", "pw-alicf"))),
            None
        );
        assert_eq!(
            users.authenticate_quickly(Some(&basic("reader", "pw:reader"))),
            None,
            "not checked yet"
        );
        assert_eq!(users.authenticate(Some(&basic("alice", "wrong"))), None);
        assert_eq!(users.authenticate(Some(&basic("nobody", "pw-alice"))), None);
        // The password may hold ':' (the name ends at the first one).
        assert!(
            users
                .authenticate(Some(&basic("reader", "pw:reader")))
                .unwrap()
                .read_only
        );
        let bearer = HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
        assert_eq!(users.authenticate(Some(&bearer)), Some(alice));
        let wrong = HeaderValue::from_str(&format!("Bearer {token}x")).unwrap();
        assert_eq!(users.authenticate(Some(&wrong)), None);
        for junk in ["", "Basic", "Basic !!!", "Digest abc", "Basic YWxpY2U="] {
            assert_eq!(
                users.authenticate(Some(&HeaderValue::from_str(junk).unwrap())),
                None,
                "{junk}"
            );
        }
        assert_eq!(users.authenticate(None), None);
    }

    #[test]
    fn the_server_rereads_the_file_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.yaml");
        let mut c = Credentials::default();
        c.add_user("alice", "pw", false, false).unwrap();
        c.save(&path).unwrap();
        let users = Users::open(&path).unwrap();
        assert!(users.check_password("alice", "pw").is_some());
        c.add_user("bob", "pw-bob", true, false).unwrap();
        c.remove_user("alice").unwrap();
        c.save(&path).unwrap();
        assert!(users.check_password("alice", "pw").is_none());
        assert!(users.check_password("bob", "pw-bob").unwrap().read_only);
        std::fs::write(&path, "not: [valid").unwrap();
        assert!(users.check_password("bob", "pw-bob").is_none());
        assert!(users.problem().is_some());
        assert!(Users::open(&dir.path().join("missing.yaml")).is_err());
    }

    /// Real MLflow paths and whether each writes, from `mlflow/protos/service_pb2`,
    /// `model_registry_pb2`, `mlflow_artifacts_pb2` and `mlflow/server/__init__.py`.
    const PATHS: &[(&str, &str, bool)] = &[
        // Tracking: reads
        ("GET", "/api/2.0/mlflow/experiments/get", false),
        ("GET", "/api/2.0/mlflow/experiments/get-by-name", false),
        ("GET", "/api/2.0/mlflow/experiments/search", false),
        ("POST", "/api/2.0/mlflow/experiments/search", false),
        ("POST", "/ajax-api/2.0/mlflow/experiments/search", false),
        ("GET", "/api/2.0/mlflow/runs/get", false),
        ("POST", "/api/2.0/mlflow/runs/search", false),
        ("POST", "/ajax-api/2.0/mlflow/runs/search", false),
        ("GET", "/api/2.0/mlflow/artifacts/list", false),
        ("GET", "/api/2.0/mlflow/metrics/get-history", false),
        (
            "GET",
            "/api/2.0/mlflow/metrics/get-history-bulk-interval",
            false,
        ),
        (
            "POST",
            "/api/2.0/mlflow/metrics/get-history-bulk-interval",
            false,
        ),
        (
            "GET",
            "/ajax-api/2.0/mlflow/metrics/get-history-bulk",
            false,
        ),
        ("POST", "/api/2.0mlflow/experiments/search-datasets", false),
        (
            "POST",
            "/ajax-api/2.0/mlflow/experiments/search-datasets",
            false,
        ),
        ("POST", "/api/2.0/mlflow/logged-models/search", false),
        ("GET", "/api/2.0/mlflow/logged-models/m-123", false),
        (
            "GET",
            "/api/2.0/mlflow/logged-models/m-123/artifacts/directories",
            false,
        ),
        ("POST", "/api/3.0/mlflow/traces/search", false),
        ("POST", "/api/3.0/mlflow/traces/batchGetInfos", false),
        ("GET", "/api/3.0/mlflow/traces/tr-1", false),
        ("POST", "/api/3.0/mlflow/datasets/search", false),
        ("POST", "/api/3.0/mlflow/issues/search", false),
        (
            "POST",
            "/api/2.0/mlflow/artifacts/presigned-download-url",
            false,
        ),
        ("GET", "/get-artifact", false),
        // Tracking: writes
        ("POST", "/api/2.0/mlflow/experiments/create", true),
        ("POST", "/api/2.0/mlflow/experiments/delete", true),
        ("POST", "/api/2.0/mlflow/experiments/restore", true),
        ("POST", "/api/2.0/mlflow/experiments/update", true),
        (
            "POST",
            "/api/2.0/mlflow/experiments/set-experiment-tag",
            true,
        ),
        (
            "POST",
            "/api/2.0/mlflow/experiments/delete-experiment-tag",
            true,
        ),
        ("POST", "/api/2.0/mlflow/runs/create", true),
        ("POST", "/api/2.0/mlflow/runs/update", true),
        ("POST", "/api/2.0/mlflow/runs/delete", true),
        ("POST", "/api/2.0/mlflow/runs/restore", true),
        ("POST", "/api/2.0/mlflow/runs/log-metric", true),
        ("POST", "/api/2.0/mlflow/runs/log-parameter", true),
        ("POST", "/api/2.0/mlflow/runs/set-tag", true),
        ("POST", "/api/2.0/mlflow/runs/delete-tag", true),
        ("POST", "/api/2.0/mlflow/runs/log-batch", true),
        ("POST", "/api/2.0/mlflow/runs/log-model", true),
        ("POST", "/api/2.0/mlflow/runs/log-inputs", true),
        ("POST", "/api/2.0/mlflow/runs/outputs", true),
        (
            "POST",
            "/api/2.0/mlflow/artifacts/presigned-upload-url",
            true,
        ),
        ("POST", "/api/2.0/mlflow/logged-models", true),
        ("POST", "/api/2.0/mlflow/logged-models/m-1/params", true),
        ("PATCH", "/api/2.0/mlflow/logged-models/m-1", true),
        ("DELETE", "/api/2.0/mlflow/logged-models/m-1", true),
        ("PATCH", "/api/2.0/mlflow/logged-models/m-1/tags", true),
        ("DELETE", "/api/2.0/mlflow/logged-models/m-1/tags/k", true),
        ("POST", "/api/3.0/mlflow/traces", true),
        ("POST", "/api/3.0/mlflow/traces/delete-traces", true),
        ("PATCH", "/api/3.0/mlflow/traces/tr-1/tags", true),
        ("POST", "/ajax-api/2.0/mlflow/upload-artifact", true),
        (
            "POST",
            "/ajax-api/2.0/mlflow/runs/create-promptlab-run",
            true,
        ),
        (
            "POST",
            "/api/3.0/mlflow/review-queues/get-or-create-user",
            true,
        ),
        // Registry: reads
        ("GET", "/api/2.0/mlflow/registered-models/get", false),
        ("GET", "/api/2.0/mlflow/registered-models/search", false),
        ("POST", "/api/2.0/mlflow/registered-models/search", false),
        (
            "GET",
            "/api/2.0/mlflow/registered-models/get-latest-versions",
            false,
        ),
        (
            "POST",
            "/api/2.0/mlflow/registered-models/get-latest-versions",
            false,
        ),
        ("GET", "/api/2.0/mlflow/registered-models/alias", false),
        ("GET", "/api/2.0/mlflow/model-versions/get", false),
        ("GET", "/api/2.0/mlflow/model-versions/search", false),
        ("POST", "/api/2.0/mlflow/model-versions/search", false),
        (
            "GET",
            "/api/2.0/mlflow/model-versions/get-download-uri",
            false,
        ),
        // Registry: writes
        ("POST", "/api/2.0/mlflow/registered-models/create", true),
        ("POST", "/api/2.0/mlflow/registered-models/rename", true),
        ("PATCH", "/api/2.0/mlflow/registered-models/update", true),
        ("DELETE", "/api/2.0/mlflow/registered-models/delete", true),
        ("POST", "/api/2.0/mlflow/registered-models/set-tag", true),
        (
            "DELETE",
            "/api/2.0/mlflow/registered-models/delete-tag",
            true,
        ),
        ("POST", "/api/2.0/mlflow/registered-models/alias", true),
        ("DELETE", "/api/2.0/mlflow/registered-models/alias", true),
        ("POST", "/api/2.0/mlflow/model-versions/create", true),
        ("PATCH", "/api/2.0/mlflow/model-versions/update", true),
        (
            "POST",
            "/api/2.0/mlflow/model-versions/transition-stage",
            true,
        ),
        ("DELETE", "/api/2.0/mlflow/model-versions/delete", true),
        ("POST", "/api/2.0/mlflow/model-versions/set-tag", true),
        ("DELETE", "/api/2.0/mlflow/model-versions/delete-tag", true),
        // The artifact proxy
        ("GET", "/api/2.0/mlflow-artifacts/artifacts", false),
        (
            "GET",
            "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x",
            false,
        ),
        (
            "PUT",
            "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x",
            true,
        ),
        (
            "DELETE",
            "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x",
            true,
        ),
        (
            "PATCH",
            "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x",
            true,
        ),
        (
            "POST",
            "/api/2.0/mlflow-artifacts/mpu/create/1/r/artifacts/x",
            true,
        ),
        (
            "POST",
            "/api/2.0/mlflow-artifacts/mpu/complete/1/r/artifacts/x",
            true,
        ),
        (
            "POST",
            "/api/2.0/mlflow-artifacts/mpu/abort/1/r/artifacts/x",
            true,
        ),
        // Only looks like a search: an artifact named `search`.
        (
            "POST",
            "/api/2.0/mlflow-artifacts/mpu/create/mlflow/runs/search",
            true,
        ),
        ("PUT", "/api/2.0/mlflow/runs/search", true),
        ("POST", "/api/2.0/mlflow/runs/search/", true),
        ("POST", "/mlflow/runs/search", true),
        ("POST", "/api/x/mlflow/runs/search", true),
        ("POST", "/graphql", true),
    ];

    #[test]
    fn which_requests_write() {
        for (method, path, write) in PATHS {
            let m = Method::from_bytes(method.as_bytes()).unwrap();
            assert_eq!(is_write(&m, path), *write, "{method} {path}");
        }
        assert!(is_open(&Method::GET, "/health"));
        assert!(is_open(&Method::GET, "/version"));
        assert!(is_open(&Method::GET, "/api/3.0/mlflow/server-info"));
        assert!(!is_open(&Method::POST, "/health"));
        assert!(!is_open(&Method::GET, "/api/2.0/mlflow/experiments/search"));
    }

    #[test]
    fn every_mlflow_read_post_is_classified_as_a_read() {
        // The POST endpoints of MLflow's services whose names say they read.
        for p in READ_POSTS {
            let full = format!("/api/2.0{p}");
            assert!(!is_write(&Method::POST, &full), "{full}");
        }
    }

    fn app_with(read_only: bool, users: Option<Users>) -> (tempfile::TempDir, axum::Router) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::new(dir.path());
        store.init().unwrap();
        let mut config = super::super::Config::new("127.0.0.1", 0);
        config.read_only = read_only;
        config.users = users.map(Arc::new);
        let state = State::new(store, config);
        (dir, super::super::router(state))
    }

    async fn send(
        app: &axum::Router,
        method: &str,
        path: &str,
        auth: Option<HeaderValue>,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let mut req = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json");
        if let Some(a) = auth {
            req = req.header(header::AUTHORIZATION, a);
        }
        let body = if method == "GET" { "" } else { "{}" };
        let resp = app
            .clone()
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let (status, headers) = (resp.status(), resp.headers().clone());
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    #[tokio::test]
    async fn the_guard_answers_401_and_403_as_mlflow_does() {
        let (c, token) = sample();
        let (_d, app) = app_with(false, Some(Users::from_credentials(c)));
        let search = "/api/2.0/mlflow/experiments/search";
        let create = "/api/2.0/mlflow/experiments/create";

        // No credentials, wrong ones: 401 with MLflow's challenge and text.
        for auth in [None, Some(basic("alice", "wrong")), Some(basic("eve", "x"))] {
            let (s, h, body) = send(&app, "GET", search, auth).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED);
            assert_eq!(h[header::WWW_AUTHENTICATE], CHALLENGE);
            assert_eq!(body, UNAUTHENTICATED_TEXT);
        }
        // /health and /version stay open.
        let (s, _, body) = send(&app, "GET", "/health", None).await;
        assert_eq!((s, body.as_str()), (StatusCode::OK, "OK"));
        let (s, _, _) = send(&app, "GET", "/version", None).await;
        assert_eq!(s, StatusCode::OK);

        // A read-only user: writes get 403 PERMISSION_DENIED in MLflow's shape.
        let reader = Some(basic("reader", "pw:reader"));
        let (s, _, body) = send(&app, "POST", create, reader.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error_code"], "PERMISSION_DENIED", "{body}");
        let (s, _, _) = send(
            &app,
            "PUT",
            "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/x",
            reader.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // ... and reads pass the guard (to routing: an unknown path is ENDPOINT_NOT_FOUND).
        for (m, p) in [
            ("GET", "/api/2.0/mlflow/no/such/read"),
            ("POST", "/api/2.0/mlflow/runs/search"),
        ] {
            let (s, _, body) = send(&app, m, p, reader.clone()).await;
            assert_ne!(s, StatusCode::UNAUTHORIZED, "{m} {p}: {body}");
            assert_ne!(s, StatusCode::FORBIDDEN, "{m} {p}: {body}");
        }
        let (s, _, body) = send(&app, "GET", "/api/2.0/mlflow/no/such/read", reader).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(body.contains("ENDPOINT_NOT_FOUND"), "{body}");

        // A user who may write, by password or by token, gets past the guard for writes.
        let bearer = HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
        for auth in [basic("alice", "pw-alice"), bearer] {
            let (s, _, body) =
                send(&app, "POST", "/api/2.0/mlflow/no/such/write", Some(auth)).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
        }
    }

    #[tokio::test]
    async fn read_only_servers_refuse_every_write() {
        let (_d, app) = app_with(true, None);
        for (m, p) in [
            ("POST", "/api/2.0/mlflow/experiments/create"),
            ("POST", "/api/2.0/mlflow/runs/log-batch"),
            ("DELETE", "/api/2.0/mlflow/registered-models/delete"),
            ("PUT", "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/x"),
        ] {
            let (s, _, body) = send(&app, m, p, None).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{m} {p}");
            assert!(body.contains("PERMISSION_DENIED"), "{body}");
        }
        let (s, _, _) = send(&app, "GET", "/api/2.0/mlflow/no/such/read", None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // With users too: even one who may write is refused, after signing in.
        let (c, _) = sample();
        let (_d, app) = app_with(true, Some(Users::from_credentials(c)));
        let create = "/api/2.0/mlflow/experiments/create";
        let (s, _, _) = send(&app, "POST", create, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, _, body) = send(&app, "POST", create, Some(basic("alice", "pw-alice"))).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert!(body.contains("read-only"), "{body}");
    }

    #[tokio::test]
    async fn without_users_or_read_only_everything_passes() {
        let (_d, app, _) = testing::app();
        let (s, v) = testing::call(&app, "POST", "/api/2.0/mlflow/no/such/write", None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(v["error_code"], "ENDPOINT_NOT_FOUND");
    }
}
