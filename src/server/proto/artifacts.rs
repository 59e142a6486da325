//! The artifact messages (`service.proto`'s `ListArtifacts`, `FileInfo`;
//! `mlflow_artifacts.proto`'s `ListArtifacts`, `UploadArtifact`, `DeleteArtifact`,
//! `CreateMultipartUpload`).

use serde::{Deserialize, Serialize};

/// `FileInfo`: a path, whether it is a folder, and a file's size (left out for folders).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileInfo {
    pub path: String,
    pub is_dir: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_size: Option<i64>,
}

/// `GET /mlflow-artifacts/artifacts?path=...`.
#[derive(Debug, Default, Deserialize)]
pub struct ListProxied {
    #[serde(default)]
    pub path: Option<String>,
}

/// The answer of both listings: `root_uri` only for a run's (`/mlflow/artifacts/list`).
#[derive(Debug, Default, Serialize)]
pub struct ListResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_uri: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `GET /mlflow/artifacts/list`: a run's artifacts, one folder level.
#[derive(Debug, Default, Deserialize)]
pub struct ListArtifacts {
    #[serde(default)]
    pub run_id: Option<String>,
    #[serde(default)]
    pub run_uuid: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub page_token: Option<String>,
}

/// `CreateMultipartUpload`, `CompleteMultipartUpload`, `AbortMultipartUpload`: read (and
/// checked) only to answer a bad request with a 400 before saying they are not supported.
#[derive(Debug, Default, Deserialize)]
pub struct MultipartUpload {
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default, deserialize_with = "super::de::opt_i64")]
    pub num_parts: Option<i64>,
    #[serde(default)]
    pub upload_id: Option<String>,
    #[serde(default)]
    pub parts: Option<Vec<serde_json::Value>>,
}
