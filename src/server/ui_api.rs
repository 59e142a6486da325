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

#[cfg(test)]
mod tests {
    use super::super::testing::{app, call, get_raw};
    use crate::entities::MetricPoint;
    use crate::store::dataset::{Dataset, DatasetInput};
    use crate::store::{Batch, NewRun, Store};
    use axum::http::StatusCode;
    use serde_json::{Value, json};

    fn point(step: i64, value: f64) -> MetricPoint {
        MetricPoint {
            timestamp: 1000 + step,
            value,
            step,
        }
    }

    /// A run named `name` in experiment `exp` with these params and metric histories.
    fn run(
        s: &Store,
        exp: &str,
        name: &str,
        params: &[(&str, &str)],
        metrics: &[(&str, Vec<MetricPoint>)],
    ) -> String {
        let e = s.experiment(exp).unwrap();
        let info = s
            .create_run(
                &e,
                NewRun {
                    run_name: Some(name.into()),
                    ..NewRun::default()
                },
            )
            .unwrap();
        let h = s.find_run(&info.run_id).unwrap();
        let mut batch = Batch {
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Batch::default()
        };
        for (k, pts) in metrics {
            for p in pts {
                batch.metrics.push((k.to_string(), *p));
            }
        }
        s.log_batch(&h, &batch).unwrap();
        info.run_id
    }

    async fn get(app: &axum::Router, path: &str) -> (StatusCode, Value) {
        call(app, "GET", path, None).await
    }

    #[tokio::test]
    async fn experiments_have_run_counts_and_last_activity_deleted_ones_too() {
        let (_d, app, state) = app();
        let s = &state.store;
        s.create_experiment("vision", None, &[]).unwrap();
        s.create_experiment("old", None, &[]).unwrap();
        s.delete_experiment("old").unwrap();
        run(s, "vision", "a", &[], &[]);
        let b = run(s, "vision", "b", &[], &[]);
        let start = s.get_run(&b).unwrap().info.start_time;
        let (status, v) = get(&app, "/mlt-api/v1/experiments").await;
        assert_eq!(status, 200, "{v}");
        let exps = v["experiments"].as_array().unwrap();
        let by = |name: &str| exps.iter().find(|e| e["name"] == name).unwrap().clone();
        let vision = by("vision");
        assert_eq!(vision["run_count"], 2);
        assert!(vision["last_activity"].as_i64().unwrap() >= start);
        assert_eq!(vision["lifecycle_stage"], "active");
        assert!(vision["tags"].is_object() && vision["artifact_location"].is_string());
        let old = by("old");
        assert_eq!(old["lifecycle_stage"], "deleted");
        assert_eq!(old["run_count"], 0);
        assert_eq!(old["last_activity"], Value::Null);
        assert_eq!(by("Default")["run_count"], 0);
    }

    #[tokio::test]
    async fn runs_table_shape_filter_order_keys_and_columns() {
        let (_d, app, state) = app();
        let s = &state.store;
        let id = s.create_experiment("e", None, &[]).unwrap().experiment_id;
        let a = run(
            s,
            "e",
            "a",
            &[("lr", "0.1")],
            &[
                ("acc", vec![point(0, 0.5)]),
                ("loss", vec![point(0, f64::NAN)]),
            ],
        );
        let b = run(
            s,
            "e",
            "b",
            &[("lr", "0.01"), ("opt", "sgd")],
            &[("acc", vec![point(0, 0.9)])],
        );
        run(s, "e", "c", &[("lr", "1")], &[("acc", vec![point(0, 0.7)])]);
        let path = format!(
            "/mlt-api/v1/runs?experiments={id}&filter=params.lr%20%3C%200.5&order_by=metrics.acc%20DESC"
        );
        let (status, v) = get(&app, &path).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["matched"], 2);
        let names: Vec<&str> = v["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["run_name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["b", "a"], "numeric param filter, ordered by acc");
        let rb = &v["runs"][0];
        assert_eq!(rb["run_id"], b.as_str());
        assert_eq!(rb["experiment_id"], id.as_str());
        assert_eq!(rb["status"], "RUNNING");
        assert_eq!(rb["lifecycle_stage"], "active");
        assert_eq!(rb["parent_run_id"], Value::Null);
        assert_eq!(rb["params"], json!({"lr": "0.01", "opt": "sgd"}));
        assert_eq!(
            rb["metrics"]["acc"],
            json!({"value": 0.9, "step": 0, "timestamp": 1000})
        );
        assert_eq!(rb["tags"]["mlflow.runName"], "b");
        assert_eq!(v["runs"][1]["metrics"]["loss"]["value"], "NaN");
        assert_eq!(v["keys"]["params"], json!(["lr", "opt"]));
        assert_eq!(v["keys"]["metrics"], json!(["acc", "loss"]));
        assert!(
            v["keys"]["tags"]
                .as_array()
                .unwrap()
                .contains(&json!("mlflow.runName"))
        );
        // Only the columns asked for are read.
        let (_, v) = get(
            &app,
            &format!("/mlt-api/v1/runs?experiments={id}&columns=params.opt"),
        )
        .await;
        assert_eq!(v["matched"], 3);
        assert_eq!(v["keys"]["params"], json!(["opt"]));
        assert_eq!(v["keys"]["metrics"], json!([]));
        // Deleted runs with view=deleted.
        s.delete_run(&a).unwrap();
        let (_, v) = get(
            &app,
            &format!("/mlt-api/v1/runs?experiments={id}&view=deleted"),
        )
        .await;
        assert_eq!(v["matched"], 1);
        assert_eq!(v["runs"][0]["lifecycle_stage"], "deleted");
        let (status, v) = get(&app, "/mlt-api/v1/runs?view=sideways").await;
        assert_eq!(status, 400, "{v}");
        let (status, v) = get(&app, "/mlt-api/v1/runs?columns=nope").await;
        assert_eq!(status, 400, "{v}");
        assert_eq!(v["error_code"], "INVALID_PARAMETER_VALUE");
    }

    #[tokio::test]
    async fn a_bad_filter_or_order_says_where_it_is_wrong() {
        let (_d, app, _) = app();
        let (status, v) = get(&app, "/mlt-api/v1/runs?filter=metrics.acc%20%3E%3E%201").await;
        assert_eq!(status, 400, "{v}");
        assert_eq!(v["error_code"], "INVALID_PARAMETER_VALUE");
        assert_eq!(v["what"], "filter");
        assert_eq!(v["text"], "metrics.acc >> 1");
        assert_eq!(v["column"], 14, "the second >: {v}");
        assert!(v["message"].as_str().unwrap().contains("column 14"), "{v}");
        let (status, v) = get(
            &app,
            "/mlt-api/v1/runs?order_by=metrics.acc&order_by=params.lr%20UP",
        )
        .await;
        assert_eq!(status, 400, "{v}");
        assert_eq!(v["what"], "order_by");
        assert_eq!(v["text"], "params.lr UP");
        assert!(v["column"].as_u64().unwrap() >= 1, "{v}");
    }

    #[tokio::test]
    async fn runs_by_id_come_in_the_order_given_unknown_ones_left_out() {
        let (_d, app, state) = app();
        let s = &state.store;
        s.create_experiment("other", None, &[]).unwrap();
        let a = run(s, "0", "a", &[], &[]);
        let b = run(s, "other", "b", &[], &[]);
        let c = run(s, "0", "c", &[], &[]);
        s.delete_run(&c).unwrap();
        let path = format!(
            "/mlt-api/v1/runs?run_ids={c},ffffffffffffffffffffffffffffffff,{a},{b},{a},bad%20id"
        );
        let (status, v) = get(&app, &path).await;
        assert_eq!(status, 200, "{v}");
        let ids: Vec<&str> = v["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["run_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [c.as_str(), a.as_str(), b.as_str()]);
        assert_eq!(v["matched"], 3);
        assert!(v["keys"]["tags"].is_array());
    }

    #[tokio::test]
    async fn run_detail_has_description_inputs_and_logged_models() {
        let (_d, app, state) = app();
        let s = &state.store;
        let parent = run(s, "0", "parent", &[], &[]);
        let id = run(s, "0", "child", &[("lr", "0.1")], &[]);
        s.log_batch(
            &s.find_run(&id).unwrap(),
            &Batch {
                tags: vec![
                    ("mlflow.note.content".into(), "# Notes\n<b>x</b>".into()),
                    ("mlflow.parentRunId".into(), parent.clone()),
                ],
                ..Batch::default()
            },
        )
        .unwrap();
        s.log_inputs(
            &id,
            &[DatasetInput {
                dataset: Dataset {
                    name: "iris".into(),
                    digest: "abc123".into(),
                    source_type: "local".into(),
                    source: "data/iris.csv".into(),
                    schema: None,
                    profile: None,
                },
                tags: vec![("mlflow.data.context".into(), "train".into())],
            }],
            &[],
        )
        .unwrap();
        let m = s
            .create_logged_model(crate::store::logged_write::NewLoggedModel {
                experiment_id: "0".into(),
                name: Some("clf".into()),
                model_type: None,
                source_run_id: Some(id.clone()),
                params: vec![],
                tags: vec![],
            })
            .unwrap();
        let (status, v) = get(&app, &format!("/mlt-api/v1/runs/{id}")).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["run_name"], "child");
        assert_eq!(v["params"]["lr"], "0.1");
        assert_eq!(v["parent_run_id"], parent.as_str());
        assert_eq!(v["description"], "# Notes\n<b>x</b>");
        assert_eq!(
            v["inputs"],
            json!([{"name": "iris", "digest": "abc123", "source_type": "local",
                    "source": "data/iris.csv", "context": "train"}])
        );
        assert_eq!(v["logged_models"][0]["model_id"], m.model_id.as_str());
        assert_eq!(v["logged_models"][0]["name"], "clf");
        assert!(v["logged_models"][0]["creation_timestamp"].is_i64(), "{v}");
        assert!(v["logged_models"][0]["artifact_location"].is_string());
        for missing in ["ffffffffffffffffffffffffffffffff", "no%20such"] {
            let (status, v) = get(&app, &format!("/mlt-api/v1/runs/{missing}")).await;
            assert_eq!(status, 404, "{v}");
            assert_eq!(v["error_code"], "RESOURCE_DOES_NOT_EXIST");
        }
    }

    #[tokio::test]
    async fn histories_are_sorted_cut_to_the_range_and_downsampled_keeping_spikes() {
        let (_d, app, state) = app();
        let s = &state.store;
        let mut pts: Vec<MetricPoint> = (0..10_000).map(|i| point(i, (i % 7) as f64)).collect();
        pts[4321].value = 1000.0;
        pts[7777].value = -1000.0;
        pts[100].value = f64::NAN;
        pts.reverse(); // logged out of order
        let a = run(
            s,
            "0",
            "a",
            &[],
            &[("loss", pts), ("acc", vec![point(2, 0.2), point(1, 0.1)])],
        );
        let path = format!("/mlt-api/v1/history?runs={a}&keys=loss,acc,nope&points=200");
        let (status, v) = get(&app, &path).await;
        assert_eq!(status, 200, "{v}");
        let series = v["series"].as_array().unwrap();
        assert_eq!(series.len(), 2, "a missing key is left out");
        let loss = &series[0];
        assert_eq!(loss["key"], "loss");
        assert_eq!(loss["run_id"], a.as_str());
        assert_eq!(loss["total"], 10_000);
        assert_eq!(loss["downsampled"], true);
        let steps: Vec<i64> = loss["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect();
        let values = loss["values"].as_array().unwrap();
        assert!(steps.len() <= 200 && steps.len() > 150, "{}", steps.len());
        assert_eq!(steps.len(), values.len());
        assert_eq!(loss["timestamps"].as_array().unwrap().len(), steps.len());
        assert!(steps.windows(2).all(|w| w[0] < w[1]), "sorted by step");
        assert_eq!(
            (steps[0], *steps.last().unwrap()),
            (0, 9999),
            "first and last kept"
        );
        let at = |step: i64| &values[steps.iter().position(|&s| s == step).unwrap()];
        assert_eq!(at(4321), &json!(1000.0));
        assert_eq!(at(7777), &json!(-1000.0));
        let acc = &series[1];
        assert_eq!(acc["steps"], json!([1, 2]));
        assert_eq!(acc["values"], json!([0.1, 0.2]));
        assert_eq!(acc["downsampled"], false);
        // A zoomed range at full resolution, NaN as null.
        let path = format!("/mlt-api/v1/history?runs={a}&keys=loss&from=95&to=105");
        let (_, v) = get(&app, &path).await;
        let loss = &v["series"][0];
        assert_eq!(
            loss["steps"],
            json!([95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105])
        );
        assert_eq!(loss["total"], 11);
        assert_eq!(loss["values"][5], Value::Null);
        // Time as x; every key when none is given.
        let (_, v) = get(
            &app,
            &format!("/mlt-api/v1/history?runs={a}&x=time&from=1001&to=1002"),
        )
        .await;
        let keys: Vec<&str> = v["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["acc", "loss"]);
        assert_eq!(v["series"][0]["timestamps"], json!([1001, 1002]));
        for bad in ["x=sideways", "points=many", "from=x"] {
            let (status, v) = get(&app, &format!("/mlt-api/v1/history?runs={a}&{bad}")).await;
            assert_eq!(status, 400, "{bad}: {v}");
        }
    }

    #[tokio::test]
    async fn metric_ranges_are_over_finite_values() {
        let (_d, app, state) = app();
        let s = &state.store;
        let a = run(
            s,
            "0",
            "a",
            &[],
            &[
                (
                    "loss",
                    vec![
                        point(0, 3.0),
                        point(1, f64::INFINITY),
                        point(2, -1.5),
                        point(3, f64::NAN),
                    ],
                ),
                ("acc", vec![point(0, 0.5)]),
            ],
        );
        let (status, v) = get(
            &app,
            &format!(
                "/mlt-api/v1/metric-ranges?runs={a},ffffffffffffffffffffffffffffffff&keys=loss,nope"
            ),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(
            v,
            json!({"ranges": {a.clone(): {"loss": {"min": -1.5, "max": 3.0, "count": 4}}}})
        );
        let (_, v) = get(&app, &format!("/mlt-api/v1/metric-ranges?runs={a}")).await;
        assert_eq!(
            v["ranges"][&a]["acc"],
            json!({"min": 0.5, "max": 0.5, "count": 1})
        );
    }

    /// A run with artifacts of several types, and a link out of the store.
    fn artifacts_run(s: &Store, outside: &std::path::Path) -> String {
        let id = run(s, "0", "a", &[], &[]);
        let h = s.find_run(&id).unwrap();
        let src = tempfile::tempdir().unwrap();
        let files: &[(&str, &[u8])] = &[
            ("page.html", b"<script>alert(1)</script>"),
            (
                "pic.svg",
                b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            ),
            ("notes.txt", b"hello world"),
            ("plot.png", b"\x89PNG\r\n\x1a\nfake"),
            ("data.csv", b"a,b\n1,2\n"),
            ("m.json", b"{\"a\": 1}"),
            ("model/MLmodel", b"flavors: {}\n"),
            ("blob.bin", b"\0\0"),
        ];
        for (p, bytes) in files {
            let f = src.path().join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, bytes).unwrap();
        }
        s.log_artifacts(&h, src.path(), None).unwrap();
        std::fs::write(outside, "TOPSECRET").unwrap();
        let dir = s.artifact_dir(&h).unwrap();
        std::os::unix::fs::symlink(outside, dir.join("leak.txt")).unwrap();
        id
    }

    #[tokio::test]
    async fn artifacts_are_listed_by_folder_and_served_so_they_cannot_run_script() {
        let (_d, app, state) = app();
        let elsewhere = tempfile::tempdir().unwrap();
        let id = artifacts_run(&state.store, &elsewhere.path().join("secret.txt"));
        let (status, v) = get(&app, &format!("/mlt-api/v1/artifacts?run={id}")).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["path"], "");
        assert!(
            v["root_uri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("{id}/artifacts"))
        );
        let files = v["files"].as_array().unwrap();
        let names: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
        assert!(
            names.contains(&"notes.txt") && names.contains(&"model"),
            "{names:?}"
        );
        assert!(
            !names.contains(&"leak.txt"),
            "a link out of the store is not listed: {names:?}"
        );
        let notes = files.iter().find(|f| f["path"] == "notes.txt").unwrap();
        assert_eq!(notes["file_size"], 11);
        assert_eq!(notes["is_dir"], false);
        let (_, v) = get(&app, &format!("/mlt-api/v1/artifacts?run={id}&path=model")).await;
        assert_eq!(
            v["files"],
            json!([{"path": "model/MLmodel", "is_dir": false, "file_size": 12}])
        );

        for (path, ctype, inline) in [
            ("page.html", "text/html", false),
            ("pic.svg", "image/svg+xml", false),
            ("notes.txt", "text/plain", true),
            ("plot.png", "image/png", true),
            ("data.csv", "text/plain", true),
            ("m.json", "application/json", true),
            ("model/MLmodel", "text/plain", true),
            ("blob.bin", "application/octet-stream", false),
        ] {
            let (status, h, body) =
                get_raw(&app, &format!("/mlt-api/v1/artifact?run={id}&path={path}")).await;
            assert_eq!(status, 200, "{path}");
            assert!(!body.is_empty(), "{path}");
            let header = |k: &str| {
                h.get(k)
                    .map(|v| v.to_str().unwrap().to_string())
                    .unwrap_or_default()
            };
            assert!(header("content-type").starts_with(ctype), "{path}: {h:?}");
            assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
            assert_eq!(header("content-security-policy"), "sandbox", "{path}");
            let disposition = header("content-disposition");
            assert_eq!(
                disposition.starts_with("attachment"),
                !inline,
                "{path}: {disposition}"
            );
            // A download is always an attachment.
            let (_, h, _) = get_raw(
                &app,
                &format!("/mlt-api/v1/artifact?run={id}&path={path}&download=1"),
            )
            .await;
            assert!(
                h["content-disposition"]
                    .to_str()
                    .unwrap()
                    .starts_with("attachment"),
                "{path}"
            );
        }
        let (_, _, body) = get_raw(
            &app,
            &format!("/mlt-api/v1/artifact?run={id}&path=notes.txt"),
        )
        .await;
        assert_eq!(body, b"hello world");
        let (_, h, body) = get_raw(
            &app,
            &format!("/mlt-api/v1/artifact?run={id}&path=notes.txt&max_bytes=5"),
        )
        .await;
        assert_eq!(body, b"hello");
        assert_eq!(h["x-mlt-truncated"], "11");
    }

    #[tokio::test]
    async fn artifact_paths_that_leave_the_run_are_refused() {
        let (_d, app, state) = app();
        let elsewhere = tempfile::tempdir().unwrap();
        let id = artifacts_run(&state.store, &elsewhere.path().join("secret.txt"));
        for path in [
            "../meta.yaml",
            "model/../../meta.yaml",
            "%2Fetc%2Fpasswd",
            "/etc/passwd",
            "leak.txt",
            "model",
            "",
            "nope.txt",
        ] {
            for endpoint in ["artifact", "artifacts"] {
                // Listing a folder that is not there is an empty list, as in MLflow.
                if endpoint == "artifacts" && matches!(path, "" | "model" | "nope.txt") {
                    continue;
                }
                let url = format!("/mlt-api/v1/{endpoint}?run={id}&path={path}");
                let (status, _, body) = get_raw(&app, &url).await;
                assert!(status.is_client_error(), "{url}: {status}");
                let body = String::from_utf8_lossy(&body);
                assert!(
                    !body.contains("TOPSECRET") && !body.contains("run_id:"),
                    "{url}: {body}"
                );
            }
        }
        let (status, v) = get(
            &app,
            "/mlt-api/v1/artifacts?run=ffffffffffffffffffffffffffffffff",
        )
        .await;
        assert_eq!(status, 404, "{v}");
        let (status, _) = get(&app, "/mlt-api/v1/artifact?path=x").await;
        assert_eq!(status, 400);
    }

    #[tokio::test]
    async fn models_and_their_versions() {
        let (_d, app, state) = app();
        let s = &state.store;
        let r = run(s, "0", "a", &[], &[]);
        s.create_registered_model(
            "clf",
            Some("the classifier"),
            &[("team".into(), "v".into())],
        )
        .unwrap();
        for _ in 0..2 {
            s.create_model_version(
                "clf",
                crate::store::NewVersion {
                    source: format!("runs:/{r}/model"),
                    run_id: Some(r.clone()),
                    model_id: None,
                    description: None,
                    tags: vec![],
                    copy_from: None,
                },
            )
            .unwrap();
        }
        s.set_alias("clf", "champion", 1).unwrap();
        s.create_registered_model("empty", None, &[]).unwrap();
        let (status, v) = get(&app, "/mlt-api/v1/models").await;
        assert_eq!(status, 200, "{v}");
        let models = v["models"].as_array().unwrap();
        assert_eq!(models.len(), 2);
        let clf = models.iter().find(|m| m["name"] == "clf").unwrap();
        assert_eq!(clf["description"], "the classifier");
        assert_eq!(clf["tags"], json!({"team": "v"}));
        assert_eq!(clf["aliases"], json!({"champion": 1}));
        assert_eq!(clf["version_count"], 2);
        assert_eq!(clf["latest_version"], 2);
        assert!(clf["creation_timestamp"].is_i64() && clf["last_updated_timestamp"].is_i64());
        let empty = models.iter().find(|m| m["name"] == "empty").unwrap();
        assert_eq!(empty["latest_version"], Value::Null);

        let (status, v) = get(&app, "/mlt-api/v1/models/clf").await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["model"]["name"], "clf");
        let versions = v["versions"].as_array().unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0]["version"], 2, "newest first");
        let v1 = &versions[1];
        assert_eq!(v1["run_id"], r.as_str());
        assert_eq!(v1["aliases"], json!(["champion"]));
        assert_eq!(v1["current_stage"], "None");
        assert_eq!(v1["status"], "READY");
        assert_eq!(v1["source"], format!("runs:/{r}/model"));
        let (status, v) = get(&app, "/mlt-api/v1/models/nope").await;
        assert_eq!(status, 404, "{v}");
        assert_eq!(v["error_code"], "RESOURCE_DOES_NOT_EXIST");
    }
}
