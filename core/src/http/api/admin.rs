//! Administration: users and their grants, the org-unit tree, API tokens. Every
//! route under `/api/v1/admin/` is for administrators only; `/api/v1/tokens` lets
//! any user manage their own tokens (and administrators anyone's), and
//! `/api/v1/org-units` shows the tree to anyone signed in.
//!
//! # Layout
//! - `users`: users and grants.
//! - `org_units`: the org-unit tree.
//! - `tokens`: API tokens.
//! - [`views`]: what these routes return (also used by the session routes).

mod org_units;
mod tokens;
mod users;
pub mod views;

#[cfg(test)]
pub(crate) mod tests;

use axum::Router;
use utoipa::OpenApi;

use crate::state::AppState;

/// Admin, token and org-unit routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(users::router())
        .merge(org_units::router())
        .merge(tokens::router())
}

/// OpenAPI of these routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = users::Docs::openapi();
    doc.merge(org_units::Docs::openapi());
    doc.merge(tokens::Docs::openapi());
    doc
}
