//! Administration (being written).
use axum::Router;

use crate::state::AppState;

/// Admin routes.
pub fn router() -> Router<AppState> {
    Router::new()
}

/// OpenAPI of the admin routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    utoipa::openapi::OpenApiBuilder::new().build()
}
