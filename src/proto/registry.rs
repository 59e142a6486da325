//! Messages of MLflow's registry endpoints (`model_registry.proto`; the field names of
//! `mlflow/protos/model_registry_pb2.pyi`). Version numbers are strings in these messages;
//! requests may send them as numbers too.

use super::de;
use serde::{Deserialize, Serialize};

// ---- shared parts ----

#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Tag {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Alias {
    pub alias: String,
    pub version: String,
}

/// `ModelVersion`.
#[derive(Debug, Clone, Serialize, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ModelVersion {
    pub name: String,
    pub version: String,
    #[serde(deserialize_with = "de::i64")]
    pub creation_timestamp: i64,
    #[serde(deserialize_with = "de::i64")]
    pub last_updated_timestamp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub current_stage: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// `ModelVersionStatus` by name: `READY`, `PENDING_REGISTRATION`, `FAILED_REGISTRATION`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_link: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_id: Option<String>,
}

/// `RegisteredModel`.
#[derive(Debug, Clone, Serialize, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct RegisteredModel {
    pub name: String,
    #[serde(deserialize_with = "de::i64")]
    pub creation_timestamp: i64,
    #[serde(deserialize_with = "de::i64")]
    pub last_updated_timestamp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub latest_versions: Vec<ModelVersion>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Alias>,
}

// ---- requests ----

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CreateRegisteredModel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `GetRegisteredModel`, `DeleteRegisteredModel`, `GetLatestVersions` (with `stages`).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ByName {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::strings")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct UpdateRegisteredModel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RenameRegisteredModel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_name: Option<String>,
}

/// `SearchRegisteredModels` and `SearchModelVersions`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Search {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    #[serde(default, deserialize_with = "de::strings")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order_by: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

/// `SetRegisteredModelTag`, `DeleteRegisteredModelTag`, and the version ones (with `version`).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TagRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "super::ser::opt_i64_string")]
    pub version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// `SetRegisteredModelAlias`, `DeleteRegisteredModelAlias`, `GetModelVersionByAlias`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AliasRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "super::ser::opt_i64_string")]
    pub version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CreateModelVersion {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default, deserialize_with = "de::many")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_id: Option<String>,
}

/// `GetModelVersion`, `DeleteModelVersion`, `GetModelVersionDownloadUri`,
/// `UpdateModelVersion` (with `description`), `TransitionModelVersionStage` (with `stage`,
/// `archive_existing_versions`).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct VersionRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "super::ser::opt_i64_string")]
    pub version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_existing_versions: Option<bool>,
}

// ---- responses ----

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct RegisteredModelResponse {
    pub registered_model: RegisteredModel,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct ModelVersionResponse {
    pub model_version: ModelVersion,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct SearchRegisteredModelsResponse {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub registered_models: Vec<RegisteredModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `SearchModelVersions.Response` and `GetLatestVersions.Response` (without a token).
#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct ModelVersionsResponse {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub model_versions: Vec<ModelVersion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Serialize, Default, Deserialize)]
#[serde(default)]
pub struct DownloadUriResponse {
    pub artifact_uri: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::request::{parse_json, parse_query};

    #[test]
    fn versions_come_as_strings_or_numbers_and_lists_as_repeated_keys() {
        let v: VersionRequest =
            parse_json(br#"{"name": "m", "version": "3", "archive_existing_versions": true}"#)
                .unwrap();
        assert_eq!(
            (v.version, v.archive_existing_versions),
            (Some(3), Some(true))
        );
        let v: VersionRequest = parse_query("name=m&version=4").unwrap();
        assert_eq!(v.version, Some(4));
        assert!(parse_json::<VersionRequest>(br#"{"version": "one"}"#).is_err());
        let s: Search =
            parse_query("filter=name+%3D+%27a%27&max_results=5&order_by=name&order_by=x").unwrap();
        assert_eq!(s.order_by, ["name", "x"]);
        assert_eq!(s.max_results, Some(5));
        let c: CreateModelVersion =
            parse_json(br#"{"name": "m", "source": "s", "tags": [{"key": "a", "value": "b"}]}"#)
                .unwrap();
        assert_eq!(c.tags[0].key, "a");
    }

    #[test]
    fn unset_fields_are_left_out_of_answers() {
        let v = ModelVersion {
            name: "m".into(),
            version: "1".into(),
            creation_timestamp: 5,
            last_updated_timestamp: 6,
            user_id: None,
            current_stage: "None".into(),
            description: None,
            source: "runs:/r/model".into(),
            run_id: None,
            status: "READY".into(),
            status_message: None,
            tags: vec![],
            run_link: None,
            aliases: vec![],
            model_id: None,
        };
        let j = serde_json::to_value(&v).unwrap();
        assert_eq!(
            j,
            serde_json::json!({"name": "m", "version": "1", "creation_timestamp": 5,
                "last_updated_timestamp": 6, "current_stage": "None",
                "source": "runs:/r/model", "status": "READY"})
        );
    }
}
