//! MLflow 3 logged models (`/mlflow/logged-models...`), over the store's logged-model records
//! ([`crate::store::logged_write`]) and the search use case ([`crate::app::logged_models`]).
//! A model's artifact location is given to clients as `mlflow-artifacts:/E/models/M/artifacts`
//! ([`client_uri`]), so its files go through the artifact proxy into the model's folder.

use super::artifacts::send_file;
use super::error::{ApiError, ApiResult};
use super::proto::Empty;
use super::proto::artifacts::{FileInfo, ListResponse};
use super::proto::logged::{
    CreateLoggedModel, FinalizeLoggedModel, GetArtifactFile, GetLoggedModel, KeyValue,
    ListLoggedModelArtifacts, LogParams, LoggedModel, ModelResponse, SearchLoggedModels,
    SearchResponse, SetTags, status_from,
};
use super::request::Msg;
use super::{State, clean_relative, client_uri};
use crate::app::logged_models::{self, Search};
use crate::store::Store;
use crate::store::logged_write::{LoggedModelRecord, NewLoggedModel};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State as S};
use axum::response::Response;
use axum::routing::{delete, get, post};

/// This family's routes, relative to `/api/2.0` (the router serves them under every prefix).
pub fn routes() -> Router<State> {
    Router::new()
        .route("/mlflow/logged-models", post(create))
        .route("/mlflow/logged-models/search", post(search))
        .route(
            "/mlflow/logged-models/{model_id}",
            get(get_model).patch(finalize).delete(delete_model),
        )
        .route("/mlflow/logged-models/{model_id}/params", post(log_params))
        .route(
            "/mlflow/logged-models/{model_id}/tags",
            axum::routing::patch(set_tags),
        )
        .route(
            "/mlflow/logged-models/{model_id}/tags/{tag_key}",
            delete(delete_tag),
        )
        .route(
            "/mlflow/logged-models/{model_id}/artifacts/directories",
            get(list_artifacts),
        )
        .route(
            "/mlflow/logged-models/{model_id}/artifacts/files",
            get(artifact_file),
        )
}

fn message(store: &Store, m: LoggedModelRecord) -> LoggedModel {
    let uri = client_uri(store, &m.artifact_location);
    LoggedModel::from_record(m, uri)
}

fn pairs(kvs: Vec<KeyValue>) -> Vec<(String, String)> {
    kvs.into_iter().map(|kv| (kv.key, kv.value)).collect()
}

async fn create(
    S(state): S<State>,
    Msg(m): Msg<CreateLoggedModel>,
) -> ApiResult<Json<ModelResponse>> {
    let experiment_id = m
        .experiment_id
        .filter(|e| !e.is_empty())
        .ok_or_else(|| ApiError::missing_field("experiment_id"))?;
    let new = NewLoggedModel {
        experiment_id,
        name: m.name,
        model_type: Some(m.model_type.unwrap_or_default()),
        source_run_id: Some(m.source_run_id.unwrap_or_default()),
        params: pairs(m.params),
        tags: pairs(m.tags),
    };
    state
        .blocking(move |store| {
            let model = store.create_logged_model(new)?;
            Ok(Json(ModelResponse {
                model: message(store, model),
            }))
        })
        .await
}

async fn get_model(
    S(state): S<State>,
    Path(id): Path<String>,
    Msg(m): Msg<GetLoggedModel>,
) -> ApiResult<Json<ModelResponse>> {
    let allow_deleted = m.allow_deleted.unwrap_or(false);
    state
        .blocking(move |store| {
            let model = store.logged_model_record(&id, allow_deleted)?;
            Ok(Json(ModelResponse {
                model: message(store, model),
            }))
        })
        .await
}

async fn finalize(
    S(state): S<State>,
    Path(id): Path<String>,
    Msg(m): Msg<FinalizeLoggedModel>,
) -> ApiResult<Json<ModelResponse>> {
    let status = match &m.status {
        None => return Err(ApiError::missing_field("status")),
        Some(v) => status_from(v)
            .ok_or_else(|| ApiError::invalid(format!("invalid logged model status {v}")))?,
    };
    state
        .blocking(move |store| {
            let model = store.finalize_logged_model(&id, status)?;
            Ok(Json(ModelResponse {
                model: message(store, model),
            }))
        })
        .await
}

async fn delete_model(S(state): S<State>, Path(id): Path<String>) -> ApiResult<Empty> {
    state
        .blocking(move |store| Ok(store.delete_logged_model(&id)?))
        .await?;
    Ok(Empty {})
}

async fn log_params(
    S(state): S<State>,
    Path(id): Path<String>,
    Msg(m): Msg<LogParams>,
) -> ApiResult<Empty> {
    let params = pairs(m.params);
    state
        .blocking(move |store| Ok(store.log_logged_model_params(&id, &params)?))
        .await?;
    Ok(Empty {})
}

async fn set_tags(
    S(state): S<State>,
    Path(id): Path<String>,
    Msg(m): Msg<SetTags>,
) -> ApiResult<Empty> {
    let tags = pairs(m.tags);
    state
        .blocking(move |store| Ok(store.set_logged_model_tags(&id, &tags)?))
        .await?;
    Ok(Empty {})
}

async fn delete_tag(
    S(state): S<State>,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult<Empty> {
    state
        .blocking(move |store| Ok(store.delete_logged_model_tag(&id, &key)?))
        .await?;
    Ok(Empty {})
}

async fn search(
    S(state): S<State>,
    Msg(m): Msg<SearchLoggedModels>,
) -> ApiResult<Json<SearchResponse>> {
    if m.max_results.is_some_and(|n| n < 0) {
        return Err(ApiError::invalid("max_results must be positive"));
    }
    let q = Search {
        experiment_ids: m.experiment_ids,
        filter: m.filter,
        datasets: m
            .datasets
            .into_iter()
            .map(|d| (d.dataset_name, d.dataset_digest.filter(|d| !d.is_empty())))
            .collect(),
        order_by: m
            .order_by
            .into_iter()
            .map(|o| logged_models::OrderBy {
                field_name: o.field_name,
                ascending: o.ascending.unwrap_or(true),
                dataset_name: o.dataset_name.filter(|d| !d.is_empty()),
                dataset_digest: o.dataset_digest.filter(|d| !d.is_empty()),
            })
            .collect(),
        max_results: m.max_results.map(|n| n as usize),
        page_token: m.page_token,
    };
    state
        .blocking(move |store| {
            let (models, next) = logged_models::search(store, &q)?;
            Ok(Json(SearchResponse {
                models: models.into_iter().map(|m| message(store, m)).collect(),
                next_page_token: next,
            }))
        })
        .await
}

/// `GET .../artifacts/directories?artifact_directory_path=`: one folder of the model's files.
async fn list_artifacts(
    S(state): S<State>,
    Path(id): Path<String>,
    Msg(m): Msg<ListLoggedModelArtifacts>,
) -> ApiResult<Json<ListResponse>> {
    let path = match m
        .artifact_directory_path
        .as_deref()
        .map(|p| p.trim_matches('/'))
    {
        None | Some("") => None,
        Some(p) => Some(clean_relative(p)?),
    };
    state
        .blocking(move |store| {
            let model = store.logged_model_record(&id, false)?;
            let entries = store.list_logged_model_folder(&model, path.as_deref())?;
            Ok(Json(ListResponse {
                root_uri: Some(client_uri(store, &model.artifact_location)),
                files: entries
                    .into_iter()
                    .map(|e| FileInfo {
                        path: match &path {
                            Some(p) => format!("{p}/{}", e.name),
                            None => e.name,
                        },
                        is_dir: e.is_dir,
                        file_size: e.size.map(|s| s as i64),
                    })
                    .collect(),
                next_page_token: None,
            }))
        })
        .await
}

/// `GET .../artifacts/files?artifact_file_path=`: one of the model's files.
async fn artifact_file(
    S(state): S<State>,
    Path(id): Path<String>,
    Msg(m): Msg<GetArtifactFile>,
) -> ApiResult<Response> {
    let path = match m.artifact_file_path.as_deref() {
        None | Some("") => {
            return Err(ApiError::bad_request(
                "Request must include the \"artifact_file_path\" query parameter.",
            ));
        }
        Some(p) => clean_relative(p)?,
    };
    let (file, size) = state
        .blocking(move |store| {
            let model = store.logged_model_record(&id, false)?;
            Ok(store.logged_model_file(&model, &path)?)
        })
        .await?;
    send_file(&state, file, size).await
}

#[cfg(test)]
mod tests {
    use crate::server::testing::*;
    use axum::http::StatusCode;
    use serde_json::json;

    #[tokio::test]
    async fn logged_models_round_trip_in_mlflows_json() {
        let (_d, app, _) = app();
        let (s, v) = call(
            &app,
            "POST",
            "/api/2.0/mlflow/logged-models",
            Some(json!({"experiment_id": "0", "name": "model",
                        "params": [{"key": "a", "value": "1"}],
                        "tags": [{"key": "t", "value": "x"}]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let info = &v["model"]["info"];
        let id = info["model_id"].as_str().unwrap().to_string();
        assert_eq!(info["status"], "LOGGED_MODEL_PENDING");
        assert_eq!(
            info["artifact_uri"],
            format!("mlflow-artifacts:/0/models/{id}/artifacts")
        );
        assert!(info["creation_timestamp_ms"].is_i64());
        assert!(info.get("source_run_id").is_none());
        assert_eq!(
            v["model"]["data"]["params"],
            json!([{"key": "a", "value": "1"}])
        );
        let (s, v) = call(
            &app,
            "PATCH",
            &format!("/api/2.0/mlflow/logged-models/{id}"),
            Some(json!({"model_id": id, "status": "LOGGED_MODEL_READY"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["model"]["info"]["status"], "LOGGED_MODEL_READY");
        let (s, v) = call(
            &app,
            "POST",
            "/api/2.0/mlflow/logged-models/search",
            Some(json!({"experiment_ids": ["0"], "filter": "name = 'model'", "max_results": 1})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["models"][0]["info"]["model_id"], id.as_str());
        assert!(v.get("next_page_token").is_none());
        // Upload a file to the model through the proxy, list and fetch it.
        let (s, _) = call(
            &app,
            "PUT",
            &format!("/api/2.0/mlflow-artifacts/artifacts/0/models/{id}/artifacts/MLmodel"),
            Some(json!({"k": 1})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = call(
            &app,
            "GET",
            &format!("/api/2.0/mlflow/logged-models/{id}/artifacts/directories"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            v["files"],
            json!([{"path": "MLmodel", "is_dir": false, "file_size": 7}])
        );
        let (s, _) = call(
            &app,
            "GET",
            &format!("/ajax-api/2.0/mlflow/logged-models/{id}/artifacts/files?artifact_file_path=..%2Fmeta.yaml"),
            None,
        )
        .await;
        assert!(s.is_client_error());
        let (s, v) = call(
            &app,
            "DELETE",
            &format!("/api/2.0/mlflow/logged-models/{id}/tags/nope"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
        let (s, _) = call(
            &app,
            "DELETE",
            &format!("/api/2.0/mlflow/logged-models/{id}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = call(
            &app,
            "GET",
            &format!("/api/2.0/mlflow/logged-models/{id}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(v["error_code"], "RESOURCE_DOES_NOT_EXIST");
        let (s, v) = call(
            &app,
            "POST",
            "/api/2.0/mlflow/logged-models",
            Some(json!({"experiment_id": "0", "name": "a/b"})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(v["error_code"], "INVALID_PARAMETER_VALUE");
        let (s, _) = call(
            &app,
            "POST",
            "/api/2.0/mlflow/logged-models",
            Some(json!({"experiment_id": "12345"})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}
