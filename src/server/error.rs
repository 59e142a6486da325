//! Errors in MLflow's shape: `{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "..."}`
//! with the HTTP status MLflow's server gives that code (`mlflow/protos/databricks.proto`,
//! `ERROR_CODE_TO_HTTP_STATUS` in `mlflow/exceptions.py`). MLflow's client turns the code into
//! its exception (`get_experiment_by_name` returns `None` on `RESOURCE_DOES_NOT_EXIST`), and
//! it retries 429 and 5xx answers, so a bad request must never be a 500.

use crate::app;
use crate::store::{self, ErrorKind};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// MLflow's error codes that this server answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    InvalidParameterValue,
    ResourceDoesNotExist,
    ResourceAlreadyExists,
    InvalidState,
    BadRequest,
    MalformedRequest,
    EndpointNotFound,
    Unauthenticated,
    PermissionDenied,
    RequestLimitExceeded,
    InternalError,
    NotImplemented,
}

impl Code {
    pub fn name(self) -> &'static str {
        match self {
            Code::InvalidParameterValue => "INVALID_PARAMETER_VALUE",
            Code::ResourceDoesNotExist => "RESOURCE_DOES_NOT_EXIST",
            Code::ResourceAlreadyExists => "RESOURCE_ALREADY_EXISTS",
            Code::InvalidState => "INVALID_STATE",
            Code::BadRequest => "BAD_REQUEST",
            Code::MalformedRequest => "MALFORMED_REQUEST",
            Code::EndpointNotFound => "ENDPOINT_NOT_FOUND",
            Code::Unauthenticated => "UNAUTHENTICATED",
            Code::PermissionDenied => "PERMISSION_DENIED",
            Code::RequestLimitExceeded => "REQUEST_LIMIT_EXCEEDED",
            Code::InternalError => "INTERNAL_ERROR",
            Code::NotImplemented => "NOT_IMPLEMENTED",
        }
    }

    /// The status MLflow's server answers this code with.
    pub fn status(self) -> StatusCode {
        match self {
            Code::InvalidParameterValue
            | Code::ResourceAlreadyExists
            | Code::InvalidState
            | Code::BadRequest
            | Code::MalformedRequest => StatusCode::BAD_REQUEST,
            Code::ResourceDoesNotExist | Code::EndpointNotFound => StatusCode::NOT_FOUND,
            Code::Unauthenticated => StatusCode::UNAUTHORIZED,
            Code::PermissionDenied => StatusCode::FORBIDDEN,
            Code::RequestLimitExceeded => StatusCode::TOO_MANY_REQUESTS,
            Code::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            Code::NotImplemented => StatusCode::NOT_IMPLEMENTED,
        }
    }
}

/// An error answer: a code and one line saying what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
    /// Overrides the code's usual status (413 for an oversized body, 405 for a wrong method).
    pub status: Option<StatusCode>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            status: None,
        }
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(Code::InvalidParameterValue, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(Code::ResourceDoesNotExist, message)
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(Code::BadRequest, message)
    }

    /// A required field is missing, in MLflow's words.
    pub fn missing_field(field: &str) -> ApiError {
        ApiError::invalid(format!("Missing value for required parameter '{field}'."))
    }

    pub fn with_status(mut self, status: StatusCode) -> ApiError {
        self.status = Some(status);
        self
    }

    pub fn status(&self) -> StatusCode {
        self.status.unwrap_or_else(|| self.code.status())
    }

    /// The JSON body MLflow's client parses.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({"error_code": self.code.name(), "message": self.message})
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.message)
    }
}

/// The error an answer carries, for the request log (`--log-level debug`).
#[derive(Clone, Debug)]
pub struct Logged(pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status(), axum::Json(self.body())).into_response();
        resp.extensions_mut().insert(Logged(self.to_string()));
        resp
    }
}

impl From<store::Error> for ApiError {
    fn from(e: store::Error) -> ApiError {
        let code = match (&e, e.kind()) {
            (_, ErrorKind::NotFound) => Code::ResourceDoesNotExist,
            (store::Error::Exists { .. }, _) => Code::ResourceAlreadyExists,
            // A deleted run or experiment, a busy writer: MLflow says the value is not in an
            // active state (INVALID_PARAMETER_VALUE for runs, INVALID_STATE elsewhere).
            (store::Error::Deleted { .. }, _) => Code::InvalidParameterValue,
            (_, ErrorKind::Conflict) => Code::InvalidState,
            (_, ErrorKind::Invalid) => Code::InvalidParameterValue,
            (_, ErrorKind::Io) => Code::InternalError,
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<app::Error> for ApiError {
    fn from(e: app::Error) -> ApiError {
        match e {
            app::Error::Store(e) => e.into(),
            e @ app::Error::Expression { .. } => ApiError::invalid(e.to_string()),
            // The server calls no use case that talks to another server.
            e @ app::Error::Remote(_) => ApiError::new(Code::InternalError, e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Entity;

    #[test]
    fn store_errors_map_to_mlflows_codes_and_statuses() {
        let e: ApiError = store::Error::missing(Entity::Experiment, "x").into();
        assert_eq!(e.code, Code::ResourceDoesNotExist);
        assert_eq!(e.status(), StatusCode::NOT_FOUND);
        let e: ApiError = store::Error::Exists {
            what: Entity::Experiment,
            name: "x".into(),
            id: Some("1".into()),
            deleted: false,
        }
        .into();
        assert_eq!(e.code, Code::ResourceAlreadyExists);
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        let e: ApiError = store::Error::Invalid("bad".into()).into();
        assert_eq!(e.body()["error_code"], "INVALID_PARAMETER_VALUE");
        assert_eq!(e.body()["message"], "bad");
    }
}
