//! The registry endpoints.

use super::State;
use axum::Router;

/// This family's routes, relative to `/api/2.0` (the router serves them under every prefix).
pub fn routes() -> Router<State> {
    Router::new()
}
