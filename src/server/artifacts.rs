//! The artifact proxy (`/mlflow-artifacts/...`, as `mlflow server --serve-artifacts` serves it
//! over a local folder) and the tracking service's `GET /mlflow/artifacts/list`.
//!
//! `mlflow-artifacts:/X` is `<store>/mlruns/X`; the proxy reads and writes only inside a run's
//! or a logged model's `artifacts/` folder ([`Store::proxy_target`]). Uploads stream to a
//! temporary file in `.mlt/tmp/` and are renamed into place; downloads stream from the file.
//! Multipart uploads are answered as MLflow's server answers them for a local artifact
//! store (501 NOT_IMPLEMENTED, which makes the client fall back to a plain PUT).

use super::error::{ApiError, ApiResult, Code};
use super::proto::Empty;
use super::proto::artifacts::{
    FileInfo, ListArtifacts, ListProxied, ListResponse, MultipartUpload,
};
use super::request::Msg;
use super::{State, clean_relative, client_uri};
use crate::store::proxy::ProxyEntry;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State as S;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::BodyExt;
use std::io::Read;

const PROXY: &str = "/mlflow-artifacts/artifacts";

/// This family's routes, relative to `/api/2.0` (the router serves them under every prefix).
pub fn routes() -> Router<State> {
    Router::new()
        .route(PROXY, get(list_proxied))
        .route(
            "/mlflow-artifacts/artifacts/{*path}",
            get(download).put(upload).delete(delete),
        )
        .route("/mlflow-artifacts/mpu/create/{*path}", post(no_multipart))
        .route("/mlflow-artifacts/mpu/complete/{*path}", post(no_multipart))
        .route("/mlflow-artifacts/mpu/abort/{*path}", post(no_multipart))
        .route("/mlflow/artifacts/list", get(list_run))
}

/// The artifact path of a request: the raw (still percent-encoded) path after `marker`, each
/// part decoded on its own. An encoded `/` or `\` (`%2f`, `%5c`), `..`, `.`, empty parts or a
/// NUL are refused, whatever their encoding.
pub fn raw_artifact_path(uri: &Uri, marker: &str) -> ApiResult<String> {
    let raw = uri.path();
    let tail = match raw.find(marker) {
        Some(i) => &raw[i + marker.len()..],
        None => "",
    };
    let mut parts = Vec::new();
    for part in tail.strip_prefix('/').unwrap_or(tail).split('/') {
        let decoded = percent_decode(part)?;
        if decoded.contains(['/', '\\', '\0']) {
            return Err(ApiError::invalid(format!(
                "invalid artifact path '{tail}': a part of it holds an encoded separator"
            )));
        }
        parts.push(decoded);
    }
    let path = parts.join("/");
    if path.is_empty() || path.trim_end_matches('/').is_empty() {
        return Err(ApiError::invalid("the artifact path is empty"));
    }
    clean_relative(&path)
}

fn percent_decode(s: &str) -> ApiResult<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| ApiError::bad_request(format!("bad percent-encoding in {s:?}")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ApiError::bad_request(format!("{s:?} is not UTF-8")))
}

/// The artifact path of a multipart request (`/mlflow-artifacts/mpu/<step>/<path>`).
fn raw_mpu_path(uri: &Uri) -> ApiResult<String> {
    let path = uri.path();
    let marker = ["create", "complete", "abort"]
        .iter()
        .map(|s| format!("/mlflow-artifacts/mpu/{s}"))
        .find(|m| path.contains(m.as_str()))
        .unwrap_or_default();
    raw_artifact_path(uri, &marker)
}

/// A path given in a message field (`?path=`), checked like a URL's.
fn field_path(path: Option<&str>) -> ApiResult<Option<String>> {
    match path.map(|p| p.trim_matches('/')) {
        None | Some("") => Ok(None),
        Some(p) => clean_relative(p).map(Some),
    }
}

fn file_infos(entries: Vec<ProxyEntry>, prefix: Option<&str>) -> Vec<FileInfo> {
    entries
        .into_iter()
        .map(|e| FileInfo {
            path: match prefix {
                Some(p) => format!("{p}/{}", e.name),
                None => e.name,
            },
            is_dir: e.is_dir,
            file_size: e.size.map(|s| s as i64),
        })
        .collect()
}

/// `PUT /mlflow-artifacts/artifacts/<path>`: the body, streamed into the store.
async fn upload(S(state): S<State>, uri: Uri, body: Body) -> ApiResult<Empty> {
    let path = raw_artifact_path(&uri, PROXY)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, String>>(8);
    let write = state.blocking(move |store| {
        let reader = ChannelReader {
            rx,
            cur: Bytes::new(),
        };
        Ok(store.upload_artifact(&path, reader)?)
    });
    let pump = async move {
        let mut body = body;
        while let Some(frame) = body.frame().await {
            let item = match frame {
                Ok(f) => match f.into_data() {
                    Ok(data) => Ok(data),
                    Err(_) => continue,
                },
                Err(e) => Err(format!("the upload broke off: {e}")),
            };
            let stop = item.is_err();
            // The writer stopped (a refused path): the rest of the body is not read.
            if tx.send(item).await.is_err() || stop {
                break;
            }
        }
    };
    let (written, ()) = tokio::join!(write, pump);
    written?;
    Ok(Empty {})
}

/// The body of an upload as a `Read` on the blocking side.
struct ChannelReader {
    rx: tokio::sync::mpsc::Receiver<Result<Bytes, String>>,
    cur: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.cur.is_empty() {
            match self.rx.blocking_recv() {
                None => return Ok(0),
                Some(Ok(b)) => self.cur = b,
                Some(Err(e)) => return Err(std::io::Error::other(e)),
            }
        }
        let n = buf.len().min(self.cur.len());
        buf[..n].copy_from_slice(&self.cur[..n]);
        self.cur = self.cur.slice(n..);
        Ok(n)
    }
}

/// Streams a local file (already checked) as the answer.
pub async fn send_file(state: &State, file: std::path::PathBuf, size: u64) -> ApiResult<Response> {
    let opened = state
        .blocking(move |_| {
            std::fs::File::open(&file)
                .map_err(|e| ApiError::new(Code::InternalError, format!("cannot open: {e}")))
        })
        .await?;
    let (mut tx, body) = http_body_util::channel::Channel::<Bytes, std::io::Error>::new(4);
    tokio::spawn(async move {
        let mut file = opened;
        loop {
            let read = tokio::task::spawn_blocking(move || {
                let mut buf = vec![0u8; 1 << 20];
                let r = file.read(&mut buf).map(|n| {
                    buf.truncate(n);
                    buf
                });
                (file, r)
            })
            .await;
            let Ok((f, r)) = read else { break };
            file = f;
            match r {
                Ok(buf) if buf.is_empty() => break,
                Ok(buf) => {
                    if tx.send_data(Bytes::from(buf)).await.is_err() {
                        break;
                    }
                }
                Err(e) => {
                    tx.abort(e);
                    break;
                }
            }
        }
    });
    let mut resp = Body::new(body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    Ok(resp)
}

/// `GET /mlflow-artifacts/artifacts/<path>`: the file's bytes.
async fn download(S(state): S<State>, uri: Uri) -> ApiResult<Response> {
    let path = raw_artifact_path(&uri, PROXY)?;
    let (file, size) = state
        .blocking(move |store| Ok(store.artifact_file_for_download(&path)?))
        .await?;
    send_file(&state, file, size).await
}

/// `DELETE /mlflow-artifacts/artifacts/<path>`.
async fn delete(S(state): S<State>, uri: Uri) -> ApiResult<Empty> {
    let path = raw_artifact_path(&uri, PROXY)?;
    state
        .blocking(move |store| Ok(store.delete_proxy(&path)?))
        .await?;
    Ok(Empty {})
}

/// `GET /mlflow-artifacts/artifacts?path=<folder>`: the folder's entries by name.
async fn list_proxied(S(state): S<State>, Msg(m): Msg<ListProxied>) -> ApiResult<Response> {
    let Some(path) = field_path(m.path.as_deref())? else {
        return Err(ApiError::invalid(
            "list a run's or a logged model's artifact folder: path=<experiment>/<run>/artifacts",
        ));
    };
    let entries = state
        .blocking(move |store| Ok(store.list_proxy(&path)?))
        .await?;
    Ok(axum::Json(ListResponse {
        files: file_infos(entries, None),
        ..Default::default()
    })
    .into_response())
}

/// `GET /mlflow/artifacts/list?run_id=&path=`: one folder of a run's artifacts, paths from the
/// artifact root, and the root's URI as clients see it. MLflow's file-backed server gives
/// every entry on one page; so does this (`page_token` is accepted and ignored).
async fn list_run(S(state): S<State>, Msg(m): Msg<ListArtifacts>) -> ApiResult<Response> {
    let run_id = m
        .run_id
        .filter(|r| !r.is_empty())
        .or(m.run_uuid.filter(|r| !r.is_empty()))
        .ok_or_else(|| ApiError::missing_field("run_id"))?;
    let path = field_path(m.path.as_deref())?;
    let resp = state
        .blocking(move |store| {
            let h = store.find_run(&run_id)?;
            let entries = store.list_run_artifact_folder(&h, path.as_deref())?;
            Ok(ListResponse {
                root_uri: Some(client_uri(store, &h.info.artifact_uri)),
                files: file_infos(entries, path.as_deref()),
                next_page_token: None,
            })
        })
        .await?;
    Ok(axum::Json(resp).into_response())
}

/// MLflow's answer for an artifact store without multipart uploads (501 NOT_IMPLEMENTED with
/// the message the client looks for): the client then sends the file in one PUT. A request
/// that is not even well formed (no `path`, wrong types, not JSON) is a 400 first.
async fn no_multipart(uri: Uri, Msg(m): Msg<MultipartUpload>) -> ApiError {
    if let Err(e) = raw_mpu_path(&uri) {
        return e;
    }
    if m.path.as_deref().is_none_or(str::is_empty) {
        return ApiError::missing_field("path");
    }
    ApiError::new(
        Code::NotImplemented,
        "Multipart upload is not supported for the current artifact repository",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::testing::*;
    use axum::http::StatusCode;

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    #[test]
    fn artifact_paths_from_the_raw_url() {
        let p = |s: &str| raw_artifact_path(&uri(s), PROXY);
        assert_eq!(
            p("/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/a%20b.txt").unwrap(),
            "0/r/artifacts/a b.txt"
        );
        for bad in [
            "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/../../x",
            "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/%2e%2e/%2E%2E/x",
            "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/a%2fb",
            "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/a%5cb",
            "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/a%00b",
            "/api/2.0/mlflow-artifacts/artifacts//etc/passwd",
            "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/a%zz",
            "/api/2.0/mlflow-artifacts/artifacts/",
        ] {
            let e = p(bad).unwrap_err();
            assert!(e.status().is_client_error(), "{bad}: {e}");
        }
    }

    #[tokio::test]
    async fn traversal_and_writes_outside_artifact_folders_are_4xx() {
        let (_d, app, state) = app();
        let run = {
            let s = &state.store;
            let e = s.experiment("0").unwrap();
            s.create_run(&e, crate::store::NewRun::default())
                .unwrap()
                .run_id
        };
        for (m, p) in [
            (
                "PUT",
                format!("/api/2.0/mlflow-artifacts/artifacts/0/{run}/meta.yaml"),
            ),
            (
                "PUT",
                "/api/2.0/mlflow-artifacts/artifacts/0/meta.yaml".to_string(),
            ),
            (
                "PUT",
                format!("/api/2.0/mlflow-artifacts/artifacts/0/{run}/artifacts/%2e%2e/meta.yaml"),
            ),
            (
                "GET",
                format!("/api/2.0/mlflow-artifacts/artifacts/0/{run}/meta.yaml"),
            ),
            (
                "DELETE",
                format!("/api/2.0/mlflow-artifacts/artifacts/0/{run}"),
            ),
            (
                "GET",
                "/api/2.0/mlflow-artifacts/artifacts?path=0".to_string(),
            ),
            (
                "GET",
                "/api/2.0/mlflow-artifacts/artifacts?path=..%2F..".to_string(),
            ),
        ] {
            let (s, v) = call(&app, m, &p, Some(serde_json::json!({"x": 1}))).await;
            assert!(s.is_client_error(), "{m} {p}: {s}");
            assert!(v["error_code"].is_string(), "{m} {p}: {v}");
        }
        let (s, v) = call(
            &app,
            "POST",
            &format!("/api/2.0/mlflow-artifacts/mpu/create/0/{run}/artifacts/big"),
            Some(serde_json::json!({"path": "big", "num_parts": 2})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_IMPLEMENTED);
        assert_eq!(v["error_code"], "NOT_IMPLEMENTED");
        // A bad request is a 400 first.
        for body in [None, Some(serde_json::json!({"path": 3}))] {
            let (s, v) = call(
                &app,
                "POST",
                &format!("/api/2.0/mlflow-artifacts/mpu/abort/0/{run}/artifacts/big"),
                body,
            )
            .await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        }
        // A plain upload, listed by the proxy and by the run listing.
        let (s, _) = call(
            &app,
            "PUT",
            &format!("/api/2.0/mlflow-artifacts/artifacts/0/{run}/artifacts/d/f.txt"),
            Some(serde_json::json!({"a": 1})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = call(
            &app,
            "GET",
            &format!("/api/2.0/mlflow/artifacts/list?run_id={run}&path=d"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["files"][0]["path"], "d/f.txt");
        assert_eq!(v["files"][0]["is_dir"], false);
        assert_eq!(v["files"][0]["file_size"], 7);
        assert_eq!(
            v["root_uri"],
            format!("mlflow-artifacts:/0/{run}/artifacts")
        );
        let (s, v) = call(
            &app,
            "GET",
            &format!("/api/2.0/mlflow-artifacts/artifacts?path=0/{run}/artifacts"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            v,
            serde_json::json!({"files": [{"path": "d", "is_dir": true}]})
        );
    }
}
