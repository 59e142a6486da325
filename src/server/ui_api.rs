//! The UI's own JSON endpoints (`/mlt-api/v1/...`), documented in `ui/README.md`: what the
//! page needs that MLflow's REST API does not give (mlt's filter language, latest metrics with
//! ranges, downsampled histories, safe artifact previews). Each is a thin layer over the same
//! `app` use cases as the CLI ([`crate::app::ui`], which `mlt report` also calls).
//!
//! Answers are serialized on the blocking pool straight into bytes (no JSON value trees): the
//! runs table of a 10,000-run experiment is one `serde_json::to_vec`.

use super::State;
use super::error::{ApiError, Logged};
use crate::app::columns::ColumnPattern;
use crate::app::ui::{self as uiapp, HistoryRequest, RunsRequest, XAxis};
use crate::app::{self, Language};
use crate::entities::View;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State as S};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use std::io::Read;

/// The UI API's routes.
pub fn routes() -> Router<State> {
    Router::new()
        .route("/experiments", get(experiments))
        .route("/runs", get(runs))
        .route("/runs/{run_id}", get(run))
        .route("/metric-ranges", get(metric_ranges))
        .route("/history", get(history))
        .route("/artifacts", get(artifacts))
        .route("/artifact", get(artifact))
        .route("/models", get(models))
        .route("/models/{name}", get(model))
}

/// An error answer: MLflow's shape, and for a bad filter or order also where it is wrong
/// (`"what"`, `"text"`, `"column"`), so the page can put a caret under the column.
#[derive(Debug)]
pub enum UiError {
    Api(ApiError),
    Expression {
        what: Language,
        text: String,
        /// 1-based, in characters.
        column: usize,
        message: String,
    },
}

impl From<ApiError> for UiError {
    fn from(e: ApiError) -> UiError {
        UiError::Api(e)
    }
}

impl From<app::Error> for UiError {
    fn from(e: app::Error) -> UiError {
        match e {
            app::Error::Expression { what, text, error } => UiError::Expression {
                message: app::Error::Expression {
                    what,
                    text: text.clone(),
                    error: error.clone(),
                }
                .to_string(),
                what,
                text,
                column: error.column,
            },
            e => UiError::Api(e.into()),
        }
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        match self {
            UiError::Api(e) => e.into_response(),
            UiError::Expression {
                what,
                text,
                column,
                message,
            } => {
                let body = serde_json::json!({
                    "error_code": "INVALID_PARAMETER_VALUE",
                    "message": message,
                    "what": match what {
                        Language::Filter => "filter",
                        Language::OrderBy => "order_by",
                    },
                    "text": text,
                    "column": column,
                });
                let mut resp = (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
                resp.extensions_mut()
                    .insert(Logged(format!("INVALID_PARAMETER_VALUE: {message}")));
                resp
            }
        }
    }
}

type UiResult<T> = Result<T, UiError>;

/// A query string's pairs, decoded; a key may repeat.
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(raw: Option<String>) -> Result<Query, ApiError> {
        let raw = raw.unwrap_or_default();
        let mut out = Vec::new();
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            out.push((super::request::decode(k)?, super::request::decode(v)?));
        }
        Ok(Query(out))
    }

    /// The last value of `key`.
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, in order.
    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The comma-separated items of every value of `key`, trimmed, empty ones left out.
    fn list(&self, key: &str) -> Vec<String> {
        self.all(key)
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn number<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, ApiError> {
        match self.get(key).map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ApiError::invalid(format!("{key}={v:?} is not a number"))),
        }
    }

    fn flag(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|v| matches!(v, "1" | "true" | "yes" | ""))
    }

    fn columns(&self) -> Result<Vec<ColumnPattern>, ApiError> {
        self.list("columns")
            .iter()
            .map(|c| ColumnPattern::parse(c).map_err(ApiError::invalid))
            .collect()
    }
}

/// A JSON answer from bytes already serialized.
fn json_bytes(bytes: Vec<u8>) -> Response {
    let mut resp = Body::from(bytes).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn to_vec<T: Serialize>(v: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(v).map_err(|e| {
        ApiError::new(
            super::error::Code::InternalError,
            format!("cannot write the answer: {e}"),
        )
    })
}

/// Runs a use case on the blocking pool and serializes its answer there.
async fn answer<T, F>(state: &State, f: F) -> UiResult<Response>
where
    T: Serialize,
    F: FnOnce(&crate::store::Store) -> app::Result<T> + Send + 'static,
{
    let bytes = state
        .blocking(move |store| Ok(f(store).map(|v| to_vec(&v))))
        .await?;
    Ok(json_bytes(bytes??))
}

/// `GET /experiments`.
async fn experiments(S(state): S<State>) -> UiResult<Response> {
    answer(&state, uiapp::experiments).await
}

fn view(q: &Query) -> Result<View, ApiError> {
    match q.get("view").unwrap_or("") {
        "" | "active" => Ok(View::Active),
        "deleted" => Ok(View::Deleted),
        "all" => Ok(View::All),
        v => Err(ApiError::invalid(format!(
            "view={v:?}: use active, deleted or all"
        ))),
    }
}

/// `GET /runs?experiments=&filter=&order_by=&view=&columns=` or `GET /runs?run_ids=`.
async fn runs(S(state): S<State>, RawQuery(raw): RawQuery) -> UiResult<Response> {
    let q = Query::parse(raw)?;
    let columns = q.columns()?;
    let ids = q.list("run_ids");
    if q.get("run_ids").is_some() {
        return answer(&state, move |store| {
            uiapp::runs_by_id(store, &ids, &columns)
        })
        .await;
    }
    let req = RunsRequest {
        experiments: q.list("experiments"),
        filter: q.get("filter").map(str::to_string),
        order_by: q
            .all("order_by")
            .into_iter()
            .filter(|o| !o.trim().is_empty())
            .collect(),
        view: view(&q)?,
        columns,
    };
    answer(&state, move |store| uiapp::runs_table(store, &req)).await
}

/// `GET /runs/<run_id>`.
async fn run(S(state): S<State>, Path(run_id): Path<String>) -> UiResult<Response> {
    answer(&state, move |store| uiapp::run_detail(store, &run_id)).await
}

/// `GET /metric-ranges?runs=&keys=`.
async fn metric_ranges(S(state): S<State>, RawQuery(raw): RawQuery) -> UiResult<Response> {
    let q = Query::parse(raw)?;
    let (ids, keys) = (q.list("runs"), q.list("keys"));
    answer(&state, move |store| {
        uiapp::metric_ranges(store, &ids, &keys)
    })
    .await
}

/// `GET /history?runs=&keys=&x=&points=&from=&to=`.
async fn history(S(state): S<State>, RawQuery(raw): RawQuery) -> UiResult<Response> {
    let q = Query::parse(raw)?;
    let x = match q.get("x").unwrap_or("") {
        "" | "step" => XAxis::Step,
        "time" | "relative" => XAxis::Time,
        v => return Err(ApiError::invalid(format!("x={v:?}: use step or time")).into()),
    };
    let points = q
        .number::<usize>("points")?
        .unwrap_or(uiapp::DEFAULT_POINTS);
    let req = HistoryRequest {
        run_ids: q.list("runs"),
        keys: q.list("keys"),
        x,
        points,
        from: q.number("from")?,
        to: q.number("to")?,
    };
    answer(&state, move |store| uiapp::histories(store, &req)).await
}

/// A path given as `?path=`: relative, no `..`, no empty or `.` parts (400 otherwise).
fn artifact_param(q: &Query, required: bool) -> Result<String, ApiError> {
    let raw = q.get("path").unwrap_or("");
    if raw.starts_with('/') {
        return Err(ApiError::invalid(format!(
            "invalid artifact path '{raw}': it must be relative"
        )));
    }
    let path = super::clean_relative(raw)?;
    if required && path.is_empty() {
        return Err(ApiError::missing_field("path"));
    }
    Ok(path)
}

fn run_param(q: &Query) -> Result<String, ApiError> {
    q.get("run")
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .ok_or_else(|| ApiError::missing_field("run"))
}

/// `GET /artifacts?run=&path=`.
async fn artifacts(S(state): S<State>, RawQuery(raw): RawQuery) -> UiResult<Response> {
    let q = Query::parse(raw)?;
    let run = run_param(&q)?;
    let path = artifact_param(&q, false)?;
    answer(&state, move |store| {
        uiapp::artifact_folder(store, &run, &path)
    })
    .await
}

/// How an artifact is served: its type, and whether the page may show it inline.
pub fn artifact_type(path: &str) -> (&'static str, bool) {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "MLmodel" {
        return ("text/plain; charset=utf-8", true);
    }
    let ext = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    };
    match ext.as_str() {
        "txt" | "log" | "md" | "markdown" | "yaml" | "yml" | "py" | "csv" | "tsv" | "toml"
        | "ini" | "cfg" | "conf" | "sh" | "r" | "sql" | "rst" | "out" | "err" | "jsonl"
        | "ndjson" | "properties" | "env" | "lock" | "tex" | "diff" | "patch" => {
            ("text/plain; charset=utf-8", true)
        }
        "json" => ("application/json", true),
        "png" => ("image/png", true),
        "jpg" | "jpeg" => ("image/jpeg", true),
        "gif" => ("image/gif", true),
        "webp" => ("image/webp", true),
        "html" | "htm" => ("text/html; charset=utf-8", false),
        "svg" => ("image/svg+xml", false),
        "xml" => ("application/xml", false),
        "js" | "mjs" => ("text/javascript", false),
        "css" => ("text/css", false),
        "pdf" => ("application/pdf", false),
        _ => ("application/octet-stream", false),
    }
}

/// `Content-Disposition: attachment` with the file's name (ASCII fallback and RFC 5987 form).
fn attachment(path: &str) -> HeaderValue {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// `GET /artifact?run=&path=[&download=1][&max_bytes=N]`: the file, served so that it cannot
/// run script in the UI's origin: `nosniff` and `Content-Security-Policy: sandbox` always,
/// inline only for text, JSON and raster images, a download for anything else.
async fn artifact(S(state): S<State>, RawQuery(raw): RawQuery) -> UiResult<Response> {
    let q = Query::parse(raw)?;
    let run = run_param(&q)?;
    let path = artifact_param(&q, true)?;
    let max_bytes = q.number::<u64>("max_bytes")?;
    let download = q.flag("download");
    let p = path.clone();
    let (file, size) = state
        .blocking(move |store| Ok(uiapp::artifact_file(store, &run, &p)))
        .await??;
    let mut resp = match max_bytes {
        Some(n) if n < size => {
            let bytes = state
                .blocking(move |_| {
                    let mut buf = Vec::with_capacity(n as usize);
                    std::fs::File::open(&file)
                        .and_then(|f| f.take(n).read_to_end(&mut buf))
                        .map_err(|e| {
                            ApiError::new(
                                super::error::Code::InternalError,
                                format!("cannot read: {e}"),
                            )
                        })?;
                    Ok(buf)
                })
                .await?;
            let len = bytes.len();
            let mut resp = Body::from(bytes).into_response();
            resp.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            resp.headers_mut().insert(
                "x-mlt-truncated",
                HeaderValue::from_str(&size.to_string()).unwrap(),
            );
            resp
        }
        _ => super::artifacts::send_file(&state, file, size).await?,
    };
    let (ctype, inline) = artifact_type(&path);
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if inline && !download {
        h.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("inline"),
        );
    } else {
        h.insert(header::CONTENT_DISPOSITION, attachment(&path));
    }
    Ok(resp)
}

/// `GET /models`.
async fn models(S(state): S<State>) -> UiResult<Response> {
    answer(&state, uiapp::models).await
}

/// `GET /models/<name>`.
async fn model(S(state): S<State>, Path(name): Path<String>) -> UiResult<Response> {
    answer(&state, move |store| uiapp::model(store, &name)).await
}
