//! Typed calls of MLflow 3's logged models (`/api/2.0/mlflow/logged-models...`, as
//! `mlflow/store/tracking/rest_store.py` calls them).

use super::{Method, Remote, Result, Retry};
use crate::proto::Empty;
use crate::proto::logged::{
    CreateLoggedModel, FinalizeLoggedModel, GetLoggedModel, KeyValue, LogParams, LoggedModel,
    ModelResponse, SearchLoggedModels, SearchResponse, SetTags,
};

/// Logged models per page of `logged-models/search` (MLflow's default page).
pub const SEARCH_PAGE: i64 = 100;

fn model_endpoint(id: &str) -> String {
    format!(
        "2.0/mlflow/logged-models/{}",
        super::artifacts::encode_path(id).replace('/', "%2F")
    )
}

impl Remote {
    /// Creates a logged model (status pending). Not retried when the server may have made it:
    /// the caller looks for it by its `mlt.source.model_id` tag.
    pub fn create_logged_model(&self, req: &CreateLoggedModel) -> Result<LoggedModel> {
        Ok(self
            .call::<_, ModelResponse>(Method::Post, "2.0/mlflow/logged-models", req, Retry::Unsafe)?
            .model)
    }

    /// The logged model, or `None`.
    pub fn logged_model(&self, id: &str) -> Result<Option<LoggedModel>> {
        let req = GetLoggedModel {
            allow_deleted: None,
        };
        match self.get::<_, ModelResponse>(&model_endpoint(id), &req) {
            Ok(r) => Ok(Some(r.model)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Sets a logged model's status by its enum name (`LOGGED_MODEL_READY`).
    pub fn finalize_logged_model(&self, id: &str, status: &str) -> Result<LoggedModel> {
        let req = FinalizeLoggedModel {
            model_id: Some(id.to_string()),
            status: Some(serde_json::Value::String(status.to_string())),
        };
        Ok(self
            .call::<_, ModelResponse>(Method::Patch, &model_endpoint(id), &req, Retry::Safe)?
            .model)
    }

    pub fn set_logged_model_tags(&self, id: &str, tags: Vec<KeyValue>) -> Result<()> {
        if tags.is_empty() {
            return Ok(());
        }
        let req = SetTags { tags };
        let endpoint = format!("{}/tags", model_endpoint(id));
        self.call::<_, Empty>(Method::Patch, &endpoint, &req, Retry::Safe)?;
        Ok(())
    }

    pub fn delete_logged_model_tag(&self, id: &str, key: &str) -> Result<()> {
        let endpoint = format!(
            "{}/tags/{}",
            model_endpoint(id),
            super::artifacts::encode_path(key).replace('/', "%2F")
        );
        match self.call::<_, Empty>(
            Method::Delete,
            &endpoint,
            &serde_json::json!({}),
            Retry::Safe,
        ) {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    pub fn log_logged_model_params(&self, id: &str, params: Vec<KeyValue>) -> Result<()> {
        if params.is_empty() {
            return Ok(());
        }
        let endpoint = format!("{}/params", model_endpoint(id));
        self.post::<_, Empty>(&endpoint, &LogParams { params })?;
        Ok(())
    }

    /// Every logged model of these experiments that `filter` matches, a page at a time.
    pub fn logged_models_all(
        &self,
        experiment_ids: &[String],
        filter: Option<&str>,
        mut each: impl FnMut(Vec<LoggedModel>) -> Result<()>,
    ) -> Result<()> {
        let mut token = None;
        loop {
            let req = SearchLoggedModels {
                experiment_ids: experiment_ids.to_vec(),
                filter: filter.map(str::to_string),
                max_results: Some(SEARCH_PAGE),
                page_token: token.take(),
                ..SearchLoggedModels::default()
            };
            let r: SearchResponse = self.post("2.0/mlflow/logged-models/search", &req)?;
            each(r.models)?;
            match r.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => return Ok(()),
            }
        }
    }
}
