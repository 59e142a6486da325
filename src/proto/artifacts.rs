//! The artifact messages (`service.proto`'s `ListArtifacts`, `FileInfo`;
//! `mlflow_artifacts.proto`'s `ListArtifacts`, `UploadArtifact`, `DeleteArtifact`,
//! `CreateMultipartUpload`).

use super::de;
use serde::{Deserialize, Serialize};

/// `FileInfo`: a path, whether it is a folder, and a file's size (left out for folders).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct FileInfo {
    pub path: String,
    pub is_dir: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "de::opt_i64")]
    pub file_size: Option<i64>,
}

/// `GET /mlflow-artifacts/artifacts?path=...`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListProxied {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// The answer of both listings: `root_uri` only for a run's (`/mlflow/artifacts/list`).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ListResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_uri: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `GET /mlflow/artifacts/list`: a run's artifacts, one folder level.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListArtifacts {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_uuid: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

/// `CreateMultipartUpload`, `CompleteMultipartUpload`, `AbortMultipartUpload`: read (and
/// checked) only to answer a bad request with a 400 before saying they are not supported.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MultipartUpload {
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, deserialize_with = "super::de::opt_i64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_parts: Option<i64>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload_id: Option<String>,
    #[serde(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<serde_json::Value>>,
}
