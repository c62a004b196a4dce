//! `/api/v1/tokens`: API tokens. Anyone signed in manages their own; administrators
//! manage anyone's.

use crate::http::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::views::{IssuedTokenView, TokenView};
use crate::auth::extract::require_admin;
use crate::auth::{Caller, token};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::identity;

/// OpenAPI of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(tokens_get, tokens_post, token_delete),
    components(schemas(TokenView, IssuedTokenView, CreateToken))
)]
pub(super) struct Docs;

/// Token routes.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tokens", get(tokens_get).post(tokens_post))
        .route("/api/v1/tokens/{id}", delete(token_delete))
}

/// Whose tokens to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    /// A user id or login name, or `*` for everyone's (administrators); the
    /// caller's own when absent.
    pub user: Option<String>,
}

/// A token to issue.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// What the token is for, e.g. `nightly export`.
    pub name: String,
    /// The user it acts as (id or login name): the caller when absent; someone else
    /// only for administrators.
    pub user: Option<String>,
    /// Days the token works (1 to 3650; 90 when absent).
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<u32>,
}

/// The user a request is about: the caller, or (administrators only) another user.
async fn target_user(state: &AppState, caller: &Caller, user: Option<&str>) -> Result<String> {
    match user {
        None => Ok(caller.id.clone()),
        Some(u) if u == caller.id || u == caller.username => Ok(caller.id.clone()),
        Some(u) => {
            require_admin(caller)?;
            Ok(identity::find_user(&state.db, u).await?.id)
        }
    }
}

/// API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", params(TokenQuery),
    responses((status = 200, body = Vec<TokenView>), (status = 401), (status = 403), (status = 404)))]
async fn tokens_get(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<TokenQuery>,
) -> Result<Json<Vec<TokenView>>> {
    let rows = if q.user.as_deref() == Some("*") {
        require_admin(&caller)?;
        identity::tokens(&state.db, None).await?
    } else {
        let user = target_user(&state, &caller, q.user.as_deref()).await?;
        identity::tokens(&state.db, Some(&user)).await?
    };
    Ok(Json(rows.into_iter().map(TokenView::from).collect()))
}

/// Issue a token. Its secret is in this response only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = CreateToken,
    responses((status = 201, body = IssuedTokenView), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn tokens_post(
    State(state): State<AppState>,
    caller: Caller,
    Json(req): Json<CreateToken>,
) -> Result<(StatusCode, Json<IssuedTokenView>)> {
    let user = target_user(&state, &caller, req.user.as_deref()).await?;
    let new = token::NewToken {
        user_id: &user,
        name: &req.name,
        issued_by: Some(&caller.id),
        days: req.expires_in_days,
    };
    let issued = token::issue_token(&state.db, new).await?;
    let view = IssuedTokenView {
        token: issued.token,
        info: issued.row.into(),
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// Revoke a token (the caller's own, or anyone's for administrators).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens",
    params(("id" = String, Path, description = "Token id")),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn token_delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    let row = identity::token(&state.db, &id)
        .await?
        .filter(|t| caller.is_admin || t.user_id == caller.id)
        .ok_or_else(|| Error::NotFound(format!("token {id}")))?;
    identity::revoke_token(&state.db, &row.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
