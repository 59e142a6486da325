//! Typed calls of the model registry (`model_registry.proto`): registered models, versions,
//! tags, stages and aliases, with MLflow's methods (searches are GETs, updates PATCHes, tag
//! and alias removals DELETEs with a JSON body, as `mlflow/store/model_registry/rest_store.py`
//! sends them).

use super::{Method, Remote, Result, Retry};
use crate::proto::Empty;
use crate::proto::registry::{
    AliasRequest, ByName, CreateModelVersion, CreateRegisteredModel, ModelVersion,
    ModelVersionResponse, ModelVersionsResponse, RegisteredModel, RegisteredModelResponse, Search,
    SearchRegisteredModelsResponse, Tag, TagRequest, UpdateRegisteredModel, VersionRequest,
};

/// The most registered models one page of `registered-models/search` may ask for (MLflow's
/// `SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD`).
pub const MODELS_PAGE: i64 = 1000;
/// Versions per page of `model-versions/search` (MLflow's default page, within its limit).
pub const VERSIONS_PAGE: i64 = 10_000;

/// A string literal of MLflow's search filters: single quotes, or double quotes when the text
/// holds a single quote.
pub fn filter_literal(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\'', "\\'"))
    }
}

impl Remote {
    /// The registered model of this name, or `None`.
    pub fn registered_model(&self, name: &str) -> Result<Option<RegisteredModel>> {
        let req = ByName {
            name: Some(name.to_string()),
            stages: Vec::new(),
        };
        match self.get::<_, RegisteredModelResponse>("2.0/mlflow/registered-models/get", &req) {
            Ok(r) => Ok(Some(r.registered_model)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Creates a registered model with its description and tags; `Ok(None)` when one of that
    /// name is there already (made by someone else, or by this request before a lost answer).
    pub fn create_registered_model(
        &self,
        name: &str,
        description: Option<&str>,
        tags: Vec<Tag>,
    ) -> Result<Option<RegisteredModel>> {
        let req = CreateRegisteredModel {
            name: Some(name.to_string()),
            tags,
            description: description.map(str::to_string),
        };
        match self.call::<_, RegisteredModelResponse>(
            Method::Post,
            "2.0/mlflow/registered-models/create",
            &req,
            Retry::Unsafe,
        ) {
            Ok(r) => Ok(Some(r.registered_model)),
            Err(e) if e.is_already_exists() => Ok(None),
            Err(e) if e.is_ambiguous() && self.registered_model(name)?.is_some() => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn update_registered_model(&self, name: &str, description: Option<&str>) -> Result<()> {
        let req = UpdateRegisteredModel {
            name: Some(name.to_string()),
            description: Some(description.unwrap_or("").to_string()),
        };
        self.call::<_, RegisteredModelResponse>(
            Method::Patch,
            "2.0/mlflow/registered-models/update",
            &req,
            Retry::Safe,
        )?;
        Ok(())
    }

    pub fn set_registered_model_tag(&self, name: &str, key: &str, value: &str) -> Result<()> {
        let req = TagRequest {
            name: Some(name.to_string()),
            version: None,
            key: Some(key.to_string()),
            value: Some(value.to_string()),
        };
        self.post::<_, Empty>("2.0/mlflow/registered-models/set-tag", &req)?;
        Ok(())
    }

    /// Every registered model `filter` matches (all with `None`), a page at a time.
    pub fn registered_models_all(
        &self,
        filter: Option<&str>,
        mut each: impl FnMut(Vec<RegisteredModel>) -> Result<()>,
    ) -> Result<()> {
        let mut token = None;
        loop {
            let req = Search {
                filter: filter.map(str::to_string),
                max_results: Some(MODELS_PAGE),
                order_by: Vec::new(),
                page_token: token.take(),
            };
            let r: SearchRegisteredModelsResponse =
                self.get("2.0/mlflow/registered-models/search", &req)?;
            each(r.registered_models)?;
            match r.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => return Ok(()),
            }
        }
    }

    /// Every live version of a registered model, by number (oldest first).
    pub fn model_versions_of(&self, name: &str) -> Result<Vec<ModelVersion>> {
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let req = Search {
                filter: Some(format!("name = {}", filter_literal(name))),
                max_results: Some(VERSIONS_PAGE),
                order_by: Vec::new(),
                page_token: token.take(),
            };
            let r: ModelVersionsResponse = self.get("2.0/mlflow/model-versions/search", &req)?;
            // The filter's `=` is exact on MLflow's stores; checked again all the same.
            out.extend(r.model_versions.into_iter().filter(|v| v.name == name));
            match r.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        out.sort_by_key(|v| v.version.parse::<i64>().unwrap_or(i64::MAX));
        Ok(out)
    }

    /// One version, or `None`.
    pub fn model_version(&self, name: &str, version: i64) -> Result<Option<ModelVersion>> {
        let req = VersionRequest {
            name: Some(name.to_string()),
            version: Some(version),
            ..VersionRequest::default()
        };
        match self.get::<_, ModelVersionResponse>("2.0/mlflow/model-versions/get", &req) {
            Ok(r) => Ok(Some(r.model_version)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Creates a version. Not retried when the server may have made it: the caller looks for
    /// it by its `mlt.source.version` tag ([`crate::remote::Error::is_ambiguous`]).
    pub fn create_model_version(&self, req: &CreateModelVersion) -> Result<ModelVersion> {
        Ok(self
            .call::<_, ModelVersionResponse>(
                Method::Post,
                "2.0/mlflow/model-versions/create",
                req,
                Retry::Unsafe,
            )?
            .model_version)
    }

    pub fn update_model_version(
        &self,
        name: &str,
        version: i64,
        description: Option<&str>,
    ) -> Result<()> {
        let req = VersionRequest {
            name: Some(name.to_string()),
            version: Some(version),
            description: Some(description.unwrap_or("").to_string()),
            ..VersionRequest::default()
        };
        self.call::<_, ModelVersionResponse>(
            Method::Patch,
            "2.0/mlflow/model-versions/update",
            &req,
            Retry::Safe,
        )?;
        Ok(())
    }

    /// Moves a version to a stage (`None`, `Staging`, `Production`, `Archived`), leaving the
    /// other versions where they are.
    pub fn transition_model_version_stage(
        &self,
        name: &str,
        version: i64,
        stage: &str,
    ) -> Result<()> {
        let req = VersionRequest {
            name: Some(name.to_string()),
            version: Some(version),
            stage: Some(stage.to_string()),
            archive_existing_versions: Some(false),
            ..VersionRequest::default()
        };
        self.post::<_, ModelVersionResponse>("2.0/mlflow/model-versions/transition-stage", &req)?;
        Ok(())
    }

    pub fn set_model_version_tag(
        &self,
        name: &str,
        version: i64,
        key: &str,
        value: &str,
    ) -> Result<()> {
        let req = TagRequest {
            name: Some(name.to_string()),
            version: Some(version),
            key: Some(key.to_string()),
            value: Some(value.to_string()),
        };
        self.post::<_, Empty>("2.0/mlflow/model-versions/set-tag", &req)?;
        Ok(())
    }

    pub fn set_registered_model_alias(&self, name: &str, alias: &str, version: i64) -> Result<()> {
        let req = AliasRequest {
            name: Some(name.to_string()),
            alias: Some(alias.to_string()),
            version: Some(version),
        };
        self.post::<_, Empty>("2.0/mlflow/registered-models/alias", &req)?;
        Ok(())
    }

    pub fn delete_registered_model_alias(&self, name: &str, alias: &str) -> Result<()> {
        let req = AliasRequest {
            name: Some(name.to_string()),
            alias: Some(alias.to_string()),
            version: None,
        };
        self.call::<_, Empty>(
            Method::Delete,
            "2.0/mlflow/registered-models/alias",
            &req,
            Retry::Safe,
        )?;
        Ok(())
    }
}
