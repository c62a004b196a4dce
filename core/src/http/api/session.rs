//! Signing in and out (being written).
use axum::Router;

use crate::state::AppState;

/// Session routes.
pub fn router() -> Router<AppState> {
    Router::new()
}

/// OpenAPI of the session routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    utoipa::openapi::OpenApiBuilder::new().build()
}
