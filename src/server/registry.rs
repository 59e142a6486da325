//! The model-registry endpoints (`registered-models/...`, `model-versions/...`), as MLflow's
//! `ModelRegistryService` defines them: a thin layer over the store's registry functions and
//! `app::registry` (the same code as `mlt models`), so what a client registers is where the
//! CLI reads it.
//!
//! Locations: a client gives `mlflow-artifacts:/...` sources; the store records the `file://`
//! location under `mlruns/` ([`super::store_location`]), and clients are given the proxy form
//! back ([`super::client_uri`]) in `source` and in `get-download-uri`, so `load_model
//! ("models:/name/1")` downloads through the artifact proxy.

use super::State;
use super::error::{ApiError, ApiResult};
use super::proto::Empty;
use super::proto::registry as pb;
use super::request::Msg;
use crate::app::registry as uc;
use crate::entities;
use crate::store::{self, ModelUri, NewVersion, Store};
use axum::Json;
use axum::Router;
use axum::routing::{get, patch, post};
use base64::Engine;
use std::path::Path;

/// The most registered models one search page may ask for (MLflow's handler).
const MAX_MODELS_PAGE: i64 = 1000;
/// The most model versions one search page may ask for (MLflow's handler).
const MAX_VERSIONS_PAGE: i64 = 200_000;
/// The sources MLflow's prompt registry gives prompt versions (`mlflow/prompt/constants.py`).
const PROMPT_SOURCES: [&str; 2] = ["dummy-source", "prompt-template"];
/// `max_results` when a registered-model search gives none (the proto's default).
const DEFAULT_MODELS_PAGE: i64 = 100;

/// This family's routes, relative to `/api/2.0` (the router serves them under every prefix).
pub fn routes() -> Router<State> {
    let rm = |p: &str| format!("/mlflow/registered-models/{p}");
    let mv = |p: &str| format!("/mlflow/model-versions/{p}");
    Router::new()
        .route(&rm("create"), post(create_model))
        .route(&rm("get"), get(get_model))
        .route(&rm("search"), get(search_models))
        .route(&rm("update"), patch(update_model))
        .route(&rm("rename"), post(rename_model))
        .route(&rm("delete"), axum::routing::delete(delete_model))
        .route(&rm("set-tag"), post(set_model_tag))
        .route(&rm("delete-tag"), axum::routing::delete(delete_model_tag))
        .route(
            &rm("alias"),
            post(set_alias).delete(delete_alias).get(get_by_alias),
        )
        .route(
            &rm("get-latest-versions"),
            post(latest_versions).get(latest_versions),
        )
        .route(&mv("create"), post(create_version))
        .route(&mv("get"), get(get_version))
        .route(&mv("search"), get(search_versions))
        .route(&mv("update"), patch(update_version))
        .route(&mv("transition-stage"), post(transition_stage))
        .route(&mv("delete"), axum::routing::delete(delete_version))
        .route(&mv("set-tag"), post(set_version_tag))
        .route(&mv("delete-tag"), axum::routing::delete(delete_version_tag))
        .route(&mv("get-download-uri"), get(download_uri))
}

// ---- reading requests ----

fn required(v: Option<String>, field: &str) -> ApiResult<String> {
    match v {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(ApiError::missing_field(field)),
    }
}

fn required_version(v: Option<i64>) -> ApiResult<i64> {
    v.ok_or_else(|| ApiError::missing_field("version"))
}

fn tags(tags: Vec<pb::Tag>) -> Vec<(String, String)> {
    tags.into_iter().map(|t| (t.key, t.value)).collect()
}

/// MLflow's page token: base64 of `{"offset": N}`.
pub fn page_token(offset: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{{\"offset\": {offset}}}"))
}

/// The offset a page token names (none: the first page).
pub fn parse_page_token(token: Option<&str>) -> ApiResult<usize> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(0);
    };
    let bad = || ApiError::invalid(format!("invalid page token '{token}'"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .map_err(|_| bad())?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    v.get("offset")
        .and_then(serde_json::Value::as_u64)
        .and_then(|o| usize::try_from(o).ok())
        .ok_or_else(bad)
}

fn max_results(given: Option<i64>, default: Option<i64>, most: i64) -> ApiResult<Option<usize>> {
    match given.or(default) {
        None => Ok(None),
        Some(n) if n < 1 => Err(ApiError::invalid(format!(
            "Invalid value for max_results. It must be a positive integer, but got {n}"
        ))),
        Some(n) if n > most => Err(ApiError::invalid(format!(
            "Invalid value for request parameter max_results. It must be at most {most}, but \
             got value {n}"
        ))),
        Some(n) => Ok(Some(n as usize)),
    }
}

// ---- answers ----

fn version_msg(store: &Store, v: &entities::ModelVersion) -> pb::ModelVersion {
    let tags = v
        .tags
        .iter()
        .map(|(k, val)| pb::Tag {
            key: k.clone(),
            value: val.clone(),
        })
        .collect();
    pb::ModelVersion {
        name: v.name.clone(),
        version: v.version.to_string(),
        creation_timestamp: v.creation_timestamp,
        last_updated_timestamp: v.last_updated_timestamp,
        user_id: v.user_id.clone().filter(|s| !s.is_empty()),
        current_stage: v.current_stage.as_str().to_string(),
        description: v.description.clone(),
        source: super::client_uri(store, &v.source),
        run_id: v.run_id.clone().filter(|s| !s.is_empty()),
        status: v.status.clone(),
        status_message: v.status_message.clone(),
        tags,
        run_link: v.run_link.clone().filter(|s| !s.is_empty()),
        aliases: v.aliases.clone(),
        model_id: v.model_id.clone().filter(|s| !s.is_empty()),
    }
}

fn model_msg(store: &Store, m: &entities::RegisteredModel) -> store::Result<pb::RegisteredModel> {
    let versions = match store.model_versions(&m.name) {
        Ok(v) => v,
        Err(e) if e.is_not_found() => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(pb::RegisteredModel {
        name: m.name.clone(),
        creation_timestamp: m.creation_timestamp,
        last_updated_timestamp: m.last_updated_timestamp,
        description: m.description.clone(),
        latest_versions: uc::latest_per_stage(&versions)
            .iter()
            .map(|v| version_msg(store, v))
            .collect(),
        tags: m
            .tags
            .iter()
            .map(|(k, v)| pb::Tag {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
        aliases: m
            .aliases
            .iter()
            .map(|(a, v)| pb::Alias {
                alias: a.clone(),
                version: v.to_string(),
            })
            .collect(),
    })
}

fn model_answer(store: &Store, name: &str) -> ApiResult<Json<pb::RegisteredModelResponse>> {
    let m = store.registered_model(name)?;
    Ok(Json(pb::RegisteredModelResponse {
        registered_model: model_msg(store, &m)?,
    }))
}

fn version_answer(
    store: &Store,
    name: &str,
    version: i64,
) -> ApiResult<Json<pb::ModelVersionResponse>> {
    let v = store.model_version(name, version)?;
    Ok(Json(pb::ModelVersionResponse {
        model_version: version_msg(store, &v),
    }))
}

// ---- registered models ----

async fn create_model(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::CreateRegisteredModel>,
) -> ApiResult<Json<pb::RegisteredModelResponse>> {
    let name = required(m.name, "name")?;
    s.blocking(move |store| {
        let rm = store.create_registered_model(&name, m.description.as_deref(), &tags(m.tags))?;
        Ok(Json(pb::RegisteredModelResponse {
            registered_model: model_msg(store, &rm)?,
        }))
    })
    .await
}

async fn get_model(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::ByName>,
) -> ApiResult<Json<pb::RegisteredModelResponse>> {
    let name = required(m.name, "name")?;
    s.blocking(move |store| model_answer(store, &name)).await
}

async fn update_model(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::UpdateRegisteredModel>,
) -> ApiResult<Json<pb::RegisteredModelResponse>> {
    let name = required(m.name, "name")?;
    s.blocking(move |store| {
        store.set_model_description(&name, m.description.as_deref())?;
        model_answer(store, &name)
    })
    .await
}

async fn rename_model(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::RenameRegisteredModel>,
) -> ApiResult<Json<pb::RegisteredModelResponse>> {
    let name = required(m.name, "name")?;
    let new_name = required(m.new_name, "new_name")?;
    s.blocking(move |store| {
        let rm = store.rename_registered_model(&name, &new_name)?;
        Ok(Json(pb::RegisteredModelResponse {
            registered_model: model_msg(store, &rm)?,
        }))
    })
    .await
}

async fn delete_model(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::ByName>,
) -> ApiResult<Empty> {
    let name = required(m.name, "name")?;
    s.blocking(move |store| {
        store.delete_registered_model(&name)?;
        Ok(Empty {})
    })
    .await
}

async fn search_models(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::Search>,
) -> ApiResult<Json<pb::SearchRegisteredModelsResponse>> {
    let max = max_results(m.max_results, Some(DEFAULT_MODELS_PAGE), MAX_MODELS_PAGE)?;
    let offset = parse_page_token(m.page_token.as_deref())?;
    s.blocking(move |store| {
        let filter = m.filter.unwrap_or_default();
        let page = uc::search_registered_models(store, &filter, &m.order_by, offset, max)?;
        Ok(Json(pb::SearchRegisteredModelsResponse {
            registered_models: page
                .items
                .iter()
                .map(|rm| model_msg(store, rm))
                .collect::<store::Result<_>>()?,
            next_page_token: page.next_offset.map(page_token),
        }))
    })
    .await
}

async fn latest_versions(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::ByName>,
) -> ApiResult<Json<pb::ModelVersionsResponse>> {
    let name = required(m.name, "name")?;
    s.blocking(move |store| {
        let vs = uc::latest_versions(store, &name, &m.stages)?;
        Ok(Json(pb::ModelVersionsResponse {
            model_versions: vs.iter().map(|v| version_msg(store, v)).collect(),
            next_page_token: None,
        }))
    })
    .await
}

async fn set_model_tag(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::TagRequest>,
) -> ApiResult<Empty> {
    let name = required(m.name, "name")?;
    let key = required(m.key, "key")?;
    s.blocking(move |store| {
        store.set_model_tag(&name, &key, m.value.as_deref().unwrap_or(""))?;
        Ok(Empty {})
    })
    .await
}

/// Deleting a tag the model does not have changes nothing, as in MLflow (the model must exist).
async fn delete_model_tag(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::TagRequest>,
) -> ApiResult<Empty> {
    let name = required(m.name, "name")?;
    let key = required(m.key, "key")?;
    s.blocking(move |store| {
        entities::validate_key(entities::KeyKind::Tag, &key).map_err(store::Error::from)?;
        if store.registered_model(&name)?.tags.contains_key(&key) {
            store.delete_model_tag(&name, &key)?;
        }
        Ok(Empty {})
    })
    .await
}

// ---- aliases ----

async fn set_alias(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::AliasRequest>,
) -> ApiResult<Empty> {
    let name = required(m.name, "name")?;
    let alias = required(m.alias, "alias")?;
    let version = required_version(m.version)?;
    s.blocking(move |store| {
        store.set_alias(&name, &alias, version)?;
        Ok(Empty {})
    })
    .await
}

/// Deleting an alias the model does not have changes nothing, as in MLflow.
async fn delete_alias(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::AliasRequest>,
) -> ApiResult<Empty> {
    let name = required(m.name, "name")?;
    let alias = required(m.alias, "alias")?;
    s.blocking(move |store| {
        entities::validate_alias(&alias).map_err(store::Error::from)?;
        if store.registered_model(&name)?.aliases.contains_key(&alias) {
            store.delete_alias(&name, &alias)?;
        }
        Ok(Empty {})
    })
    .await
}

async fn get_by_alias(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::AliasRequest>,
) -> ApiResult<Json<pb::ModelVersionResponse>> {
    let name = required(m.name, "name")?;
    let alias = required(m.alias, "alias")?;
    s.blocking(move |store| {
        // `latest` is the newest live version, as in MLflow.
        let uri = if alias.eq_ignore_ascii_case("latest") {
            ModelUri::Latest(name)
        } else {
            ModelUri::Alias(name, alias)
        };
        let v = store.resolve_version(&uri)?;
        Ok(Json(pb::ModelVersionResponse {
            model_version: version_msg(store, &v),
        }))
    })
    .await
}

// ---- model versions ----

fn invalid_source(source: &str, id: &str) -> ApiError {
    ApiError::invalid(format!(
        "Invalid model version source: '{source}'. The {id} request parameter must identify \
         the resource that contains the source."
    ))
}

fn inside(path: &Path, root: &Path) -> bool {
    store::normalize_path(path).starts_with(store::normalize_path(root))
}

/// What a client's `CreateModelVersion` makes, with MLflow's checks on the source: a `runs:/`
/// or `models:/` URI is recorded as the CLI records it; an `mlflow-artifacts:` URI or a local
/// path must lie in the artifacts of the run (`run_id`) or the logged model (`model_id`) given,
/// and is recorded as its `file://` location in the store; other URIs (`s3://...`) are kept as
/// given.
fn new_version(store: &Store, m: pb::CreateModelVersion) -> ApiResult<NewVersion> {
    let source = required(m.source, "source")?;
    // A prompt version (MLflow's prompt registry) has a placeholder source and no files.
    let prompt = m
        .tags
        .iter()
        .rev()
        .find(|t| t.key == crate::search::IS_PROMPT_TAG)
        .is_some_and(|t| t.value.eq_ignore_ascii_case("true"));
    if prompt {
        if !PROMPT_SOURCES.contains(&source.as_str()) {
            return Err(ApiError::invalid(format!(
                "Invalid prompt source: '{source}'. Prompt sources must use an MLflow \
                 placeholder."
            )));
        }
        return Ok(NewVersion {
            source,
            run_id: m.run_id.filter(|s| !s.is_empty()),
            description: m.description,
            tags: tags(m.tags),
            ..Default::default()
        });
    }
    let run_id = m.run_id.filter(|s| !s.is_empty());
    let model_id = m.model_id.filter(|s| !s.is_empty());
    let mut new = if let Some(mut new) = uc::version_from_uri(store, &source)? {
        if source.starts_with("runs:/") {
            if run_id.is_some() && run_id != new.run_id {
                return Err(invalid_source(&source, "run_id"));
            }
        } else if let (Some(given), Some(own)) = (&model_id, &new.model_id)
            && given != own
        {
            return Err(invalid_source(&source, "model_id"));
        }
        if source.starts_with("models:/") {
            new.run_id = run_id.clone().or(new.run_id);
        }
        new.model_id = model_id.clone().or(new.model_id);
        new
    } else {
        if source
            .split('/')
            .any(|p| p == ".." || p.contains("%2e%2e") || p.contains("%2E%2E"))
        {
            return Err(ApiError::invalid(format!(
                "Invalid model version source: '{source}'. A source must not hold relative \
                 path references ('..')."
            )));
        }
        let location = super::store_location(store, &source)?;
        if let Some(path) = store::local_path_of_uri(&location) {
            let path = if path.is_absolute() {
                path
            } else {
                store.root().join(path)
            };
            let within_run = match &run_id {
                Some(r) => {
                    let h = store
                        .find_run(r)
                        .map_err(|_| invalid_source(&source, "run_id"))?;
                    inside(&path, &store.artifact_dir(&h)?)
                }
                None => false,
            };
            let within_model = match &model_id {
                Some(id) => {
                    let lm = store
                        .logged_model(id)
                        .map_err(|_| invalid_source(&source, "model_id"))?;
                    let own = store::local_path_of_uri(&lm.artifact_location).map(|p| {
                        if p.is_absolute() {
                            p
                        } else {
                            store.root().join(p)
                        }
                    });
                    inside(&path, &lm.dir) || own.is_some_and(|o| inside(&path, &o))
                }
                None => false,
            };
            if !within_run && !within_model {
                return Err(invalid_source(
                    &source,
                    if model_id.is_some() {
                        "model_id"
                    } else {
                        "run_id"
                    },
                ));
            }
        }
        NewVersion {
            source: location,
            run_id: run_id.clone(),
            model_id: model_id.clone(),
            ..Default::default()
        }
    };
    // A version of a logged model without a run given belongs to the model's run (MLflow).
    if new.run_id.is_none()
        && let Some(id) = &new.model_id
        && let Ok(lm) = store.logged_model(id)
    {
        new.run_id = lm.source_run_id;
    }
    new.description = m.description;
    new.tags = tags(m.tags);
    Ok(new)
}

async fn create_version(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::CreateModelVersion>,
) -> ApiResult<Json<pb::ModelVersionResponse>> {
    let name = required(m.name.clone(), "name")?;
    s.blocking(move |store| {
        // MLflow registers versions of existing models only.
        store.registered_model(&name)?;
        let new = new_version(store, m)?;
        let v = store.create_model_version(&name, new)?;
        Ok(Json(pb::ModelVersionResponse {
            model_version: version_msg(store, &v),
        }))
    })
    .await
}

async fn get_version(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::VersionRequest>,
) -> ApiResult<Json<pb::ModelVersionResponse>> {
    let name = required(m.name, "name")?;
    let version = required_version(m.version)?;
    s.blocking(move |store| version_answer(store, &name, version))
        .await
}

async fn update_version(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::VersionRequest>,
) -> ApiResult<Json<pb::ModelVersionResponse>> {
    let name = required(m.name, "name")?;
    let version = required_version(m.version)?;
    s.blocking(move |store| {
        store.set_version_description(&name, version, m.description.as_deref())?;
        version_answer(store, &name, version)
    })
    .await
}

async fn transition_stage(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::VersionRequest>,
) -> ApiResult<Json<pb::ModelVersionResponse>> {
    let name = required(m.name, "name")?;
    let version = required_version(m.version)?;
    let stage_text = required(m.stage, "stage")?;
    let stage = entities::Stage::parse_user(&stage_text).ok_or_else(|| {
        ApiError::invalid(format!(
            "Invalid Model Version stage: {stage_text}. Value must be one of None, Staging, \
             Production, Archived."
        ))
    })?;
    let archive = m.archive_existing_versions.unwrap_or(false);
    s.blocking(move |store| {
        store.transition_stage(&name, version, stage, archive)?;
        version_answer(store, &name, version)
    })
    .await
}

async fn delete_version(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::VersionRequest>,
) -> ApiResult<Empty> {
    let name = required(m.name, "name")?;
    let version = required_version(m.version)?;
    s.blocking(move |store| {
        store.delete_model_version(&name, version)?;
        Ok(Empty {})
    })
    .await
}

async fn search_versions(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::Search>,
) -> ApiResult<Json<pb::ModelVersionsResponse>> {
    let max = max_results(m.max_results, Some(MAX_VERSIONS_PAGE), MAX_VERSIONS_PAGE)?;
    let offset = parse_page_token(m.page_token.as_deref())?;
    s.blocking(move |store| {
        let filter = m.filter.unwrap_or_default();
        let page = uc::search_model_versions(store, &filter, &m.order_by, offset, max)?;
        Ok(Json(pb::ModelVersionsResponse {
            model_versions: page.items.iter().map(|v| version_msg(store, v)).collect(),
            next_page_token: page.next_offset.map(page_token),
        }))
    })
    .await
}

async fn set_version_tag(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::TagRequest>,
) -> ApiResult<Empty> {
    let name = required(m.name, "name")?;
    let version = required_version(m.version)?;
    let key = required(m.key, "key")?;
    s.blocking(move |store| {
        store.set_version_tag(&name, version, &key, m.value.as_deref().unwrap_or(""))?;
        Ok(Empty {})
    })
    .await
}

/// Deleting a tag the version does not have changes nothing, as in MLflow.
async fn delete_version_tag(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::TagRequest>,
) -> ApiResult<Empty> {
    let name = required(m.name, "name")?;
    let version = required_version(m.version)?;
    let key = required(m.key, "key")?;
    s.blocking(move |store| {
        entities::validate_key(entities::KeyKind::Tag, &key).map_err(store::Error::from)?;
        if store.model_version(&name, version)?.tags.contains_key(&key) {
            store.delete_version_tag(&name, version, &key)?;
        }
        Ok(Empty {})
    })
    .await
}

async fn download_uri(
    axum::extract::State(s): axum::extract::State<State>,
    Msg(m): Msg<pb::VersionRequest>,
) -> ApiResult<Json<pb::DownloadUriResponse>> {
    let name = required(m.name, "name")?;
    let version = required_version(m.version)?;
    s.blocking(move |store| {
        let v = store.model_version(&name, version)?;
        Ok(Json(pb::DownloadUriResponse {
            artifact_uri: super::client_uri(store, v.download_uri()),
        }))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::testing::{app, call};
    use axum::http::StatusCode;
    use serde_json::{Value, json};

    const RM: &str = "/api/2.0/mlflow/registered-models";
    const MV: &str = "/api/2.0/mlflow/model-versions";

    #[tokio::test]
    async fn registered_models_with_mlflows_errors() {
        let (_d, app, _) = app();
        let (s, v) = call(
            &app,
            "POST",
            &format!("{RM}/create"),
            Some(json!({"name": "clf", "description": "d", "tags": [{"key": "t", "value": "1"}]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["registered_model"]["name"], "clf");
        assert_eq!(
            v["registered_model"]["tags"],
            json!([{"key": "t", "value": "1"}])
        );
        assert!(v["registered_model"].get("latest_versions").is_none());
        let (s, v) = call(
            &app,
            "POST",
            &format!("{RM}/create"),
            Some(json!({"name": "clf"})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("RESOURCE_ALREADY_EXISTS"))
        );
        let (s, v) = call(&app, "GET", &format!("{RM}/get?name=nope"), None).await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::NOT_FOUND, Some("RESOURCE_DOES_NOT_EXIST"))
        );
        let (s, v) = call(&app, "POST", &format!("{RM}/create"), Some(json!({}))).await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
        let (s, _) = call(
            &app,
            "PATCH",
            &format!("{RM}/update"),
            Some(json!({"name": "clf", "description": "new"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (_, v) = call(&app, "GET", &format!("{RM}/get?name=clf"), None).await;
        assert_eq!(v["registered_model"]["description"], "new");
        // Deleting a tag that is not there is no error, as in MLflow; a missing model is.
        let (s, _) = call(
            &app,
            "DELETE",
            &format!("{RM}/delete-tag"),
            Some(json!({"name": "clf", "key": "x"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = call(
            &app,
            "DELETE",
            &format!("{RM}/delete-tag"),
            Some(json!({"name": "no", "key": "x"})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, v) = call(
            &app,
            "POST",
            &format!("{RM}/rename"),
            Some(json!({"name": "clf", "new_name": "clf2"})),
        )
        .await;
        assert_eq!(
            (s, v["registered_model"]["name"].as_str()),
            (StatusCode::OK, Some("clf2"))
        );
        let (s, _) = call(
            &app,
            "DELETE",
            &format!("{RM}/delete"),
            Some(json!({"name": "clf2"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = call(
            &app,
            "DELETE",
            &format!("{RM}/delete"),
            Some(json!({"name": "clf2"})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn searches_page_with_mlflows_tokens() {
        let (_d, app, _) = app();
        for i in 0..5 {
            call(
                &app,
                "POST",
                &format!("{RM}/create"),
                Some(json!({"name": format!("m{i}")})),
            )
            .await;
        }
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut path = format!("{RM}/search?max_results=2&order_by=name+DESC");
            if let Some(t) = &token {
                path.push_str(&format!("&page_token={}", t.replace('=', "%3D")));
            }
            let (s, v) = call(&app, "GET", &path, None).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            pages += 1;
            for m in v["registered_models"].as_array().unwrap() {
                names.push(m["name"].as_str().unwrap().to_string());
            }
            match v.get("next_page_token") {
                Some(Value::String(t)) => token = Some(t.clone()),
                _ => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(names, ["m4", "m3", "m2", "m1", "m0"]);
        assert_eq!(page_token(2), "eyJvZmZzZXQiOiAyfQ==");
        assert_eq!(parse_page_token(Some("eyJvZmZzZXQiOiAyfQ==")).unwrap(), 2);
        for bad in [
            "max_results=0",
            "max_results=1001",
            "page_token=xx",
            "filter=name+%3E+1",
            "order_by=tags.x",
        ] {
            let (s, v) = call(&app, "GET", &format!("{RM}/search?{bad}"), None).await;
            assert_eq!(
                (s, v["error_code"].as_str()),
                (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE")),
                "{bad}"
            );
        }
    }

    #[tokio::test]
    async fn versions_stages_aliases_and_download_uris() {
        let (_d, app, state) = app();
        let store = state.store.clone();
        let exp = store.create_experiment("e", None, &[]).unwrap();
        let run = store.create_run(&exp, Default::default()).unwrap();
        let proxied = format!(
            "mlflow-artifacts:/{}/{}/artifacts/model",
            exp.experiment_id, run.run_id
        );
        call(
            &app,
            "POST",
            &format!("{RM}/create"),
            Some(json!({"name": "m"})),
        )
        .await;
        // Not registered: a version of a model that does not exist.
        let (s, _) = call(
            &app,
            "POST",
            &format!("{MV}/create"),
            Some(json!({"name": "x", "source": "s3://b/m"})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // A proxied source must lie in the run it names.
        let (s, v) = call(
            &app,
            "POST",
            &format!("{MV}/create"),
            Some(json!({"name": "m", "source": proxied})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
        let (s, _) = call(
            &app,
            "POST",
            &format!("{MV}/create"),
            Some(json!({"name": "m", "source": "/etc", "run_id": run.run_id})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _) = call(
            &app,
            "POST",
            &format!("{MV}/create"),
            Some(json!({"name": "m", "source": "s3://b/../x"})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, v) = call(
            &app,
            "POST",
            &format!("{MV}/create"),
            Some(json!({"name": "m", "source": proxied, "run_id": run.run_id, "tags": [{"key": "k", "value": "v"}]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["model_version"]["version"], "1");
        assert_eq!(v["model_version"]["source"], proxied.as_str());
        assert_eq!(v["model_version"]["current_stage"], "None");
        // On disk: the store's own location, as a file:// URI.
        let on_disk = store.model_version("m", 1).unwrap();
        assert!(on_disk.source.starts_with("file://"), "{}", on_disk.source);
        assert_eq!(on_disk.run_id.as_deref(), Some(run.run_id.as_str()));
        let (_, v) = call(
            &app,
            "GET",
            &format!("{MV}/get-download-uri?name=m&version=1"),
            None,
        )
        .await;
        assert_eq!(v["artifact_uri"], proxied.as_str());
        call(
            &app,
            "POST",
            &format!("{MV}/create"),
            Some(json!({"name": "m", "source": "s3://b/m"})),
        )
        .await;
        // Stages.
        let (s, v) = call(
            &app,
            "POST",
            &format!("{MV}/transition-stage"),
            Some(json!({"name": "m", "version": "1", "stage": "Prod"})),
        )
        .await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("INVALID_PARAMETER_VALUE"))
        );
        let (s, _) = call(&app, "POST", &format!("{MV}/transition-stage"), Some(json!({"name": "m", "version": "1", "stage": "archived", "archive_existing_versions": true}))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        call(
            &app,
            "POST",
            &format!("{MV}/transition-stage"),
            Some(json!({"name": "m", "version": "1", "stage": "production"})),
        )
        .await;
        let (_, v) = call(&app, "POST", &format!("{MV}/transition-stage"), Some(json!({"name": "m", "version": 2, "stage": "Production", "archive_existing_versions": true}))).await;
        assert_eq!(v["model_version"]["current_stage"], "Production");
        let (_, v) = call(&app, "GET", &format!("{MV}/get?name=m&version=1"), None).await;
        assert_eq!(v["model_version"]["current_stage"], "Archived");
        let (_, v) = call(
            &app,
            "GET",
            &format!("{RM}/get-latest-versions?name=m&stages=Production"),
            None,
        )
        .await;
        assert_eq!(v["model_versions"][0]["version"], "2");
        let (_, v) = call(
            &app,
            "POST",
            &format!("{RM}/get-latest-versions"),
            Some(json!({"name": "m"})),
        )
        .await;
        assert_eq!(v["model_versions"].as_array().unwrap().len(), 2);
        // Aliases.
        let (s, _) = call(
            &app,
            "POST",
            &format!("{RM}/alias"),
            Some(json!({"name": "m", "alias": "champion", "version": "1"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (_, v) = call(
            &app,
            "GET",
            &format!("{RM}/alias?name=m&alias=champion"),
            None,
        )
        .await;
        assert_eq!(v["model_version"]["version"], "1");
        assert_eq!(v["model_version"]["aliases"], json!(["champion"]));
        let (_, v) = call(&app, "GET", &format!("{RM}/get?name=m"), None).await;
        assert_eq!(
            v["registered_model"]["aliases"],
            json!([{"alias": "champion", "version": "1"}])
        );
        let (s, v) = call(&app, "GET", &format!("{RM}/alias?name=m&alias=nope"), None).await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::NOT_FOUND, Some("RESOURCE_DOES_NOT_EXIST"))
        );
        let (s, _) = call(
            &app,
            "POST",
            &format!("{RM}/alias"),
            Some(json!({"name": "m", "alias": "a", "version": "9"})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = call(
            &app,
            "DELETE",
            &format!("{RM}/alias"),
            Some(json!({"name": "m", "alias": "champion"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = call(
            &app,
            "GET",
            &format!("{RM}/alias?name=m&alias=champion"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // Version search, tags, update, delete.
        let (_, v) = call(
            &app,
            "GET",
            &format!("{MV}/search?filter=name+%3D+%27m%27+and+version_number+%3E%3D+2"),
            None,
        )
        .await;
        assert_eq!(v["model_versions"].as_array().unwrap().len(), 1);
        let (s, _) = call(
            &app,
            "GET",
            &format!("{MV}/search?filter=stage+%3D+%27x%27"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        call(
            &app,
            "POST",
            &format!("{MV}/set-tag"),
            Some(json!({"name": "m", "version": "2", "key": "a", "value": "b"})),
        )
        .await;
        let (_, v) = call(
            &app,
            "PATCH",
            &format!("{MV}/update"),
            Some(json!({"name": "m", "version": "2", "description": "two"})),
        )
        .await;
        assert_eq!(v["model_version"]["description"], "two");
        assert_eq!(
            v["model_version"]["tags"],
            json!([{"key": "a", "value": "b"}])
        );
        let (s, _) = call(
            &app,
            "DELETE",
            &format!("{MV}/delete-tag"),
            Some(json!({"name": "m", "version": "2", "key": "a"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = call(
            &app,
            "DELETE",
            &format!("{MV}/delete"),
            Some(json!({"name": "m", "version": "2"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = call(&app, "GET", &format!("{MV}/get?name=m&version=2"), None).await;
        assert_eq!(
            (s, v["error_code"].as_str()),
            (StatusCode::NOT_FOUND, Some("RESOURCE_DOES_NOT_EXIST"))
        );
        let (s, _) = call(&app, "GET", &format!("{MV}/get?name=m&version=two"), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        // Prompt versions keep their placeholder source; other sources are refused for them.
        let prompt_tag = json!([{"key": "mlflow.prompt.is_prompt", "value": "true"}]);
        let (s, v) = call(
            &app,
            "POST",
            &format!("{MV}/create"),
            Some(json!({"name": "m", "source": "prompt-template", "tags": prompt_tag})),
        )
        .await;
        assert_eq!(
            (s, v["model_version"]["source"].as_str()),
            (StatusCode::OK, Some("prompt-template")),
            "{v}"
        );
        let (s, _) = call(
            &app,
            "POST",
            &format!("{MV}/create"),
            Some(json!({"name": "m", "source": "s3://b/x", "tags": prompt_tag})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _) = call(
            &app,
            "POST",
            &format!("{MV}/create"),
            Some(json!({"name": "m", "source": "prompt-template"})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
    }
}
