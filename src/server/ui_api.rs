//! The UI's own JSON endpoints (`/mlt-api/v1/...`), documented in `ui/README.md`: what the
//! page needs that MLflow's REST API does not give (mlt's filter language, latest metrics with
//! ranges, downsampled histories, safe artifact previews). Each is a thin layer over the same
//! `app` use cases as the CLI.

use super::State;
use axum::Router;

/// The UI API's routes.
pub fn routes() -> Router<State> {
    Router::new()
}
