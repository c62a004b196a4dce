//! `/api/v1/admin/users` and `/api/v1/admin/grants`: users and the roles they hold.

use crate::http::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

use super::views::{GrantView, UserDetail, UserView};
use crate::auth::Caller;
use crate::auth::extract::require_admin;
use crate::auth::password;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::identity::{self, NewGrant, NewUser, UserChanges, refuse_if_any, violation};

/// OpenAPI of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(
        users_get,
        users_post,
        user_get,
        user_patch,
        user_grants_get,
        user_grants_post,
        grant_delete
    ),
    components(schemas(UserView, UserDetail, GrantView, CreateUser, UpdateUser, AddGrant))
)]
pub(super) struct Docs;

/// User and grant routes.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/users", get(users_get).post(users_post))
        .route("/api/v1/admin/users/{id}", get(user_get).patch(user_patch))
        .route(
            "/api/v1/admin/users/{id}/grants",
            get(user_grants_get).post(user_grants_post),
        )
        .route("/api/v1/admin/grants/{id}", delete(grant_delete))
}

/// A user to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Login name: 1-64 lower-case letters, digits, `.`, `_`, `-`.
    pub username: String,
    /// Name to show (the login name when absent).
    #[serde(default)]
    pub display_name: String,
    /// Initial password (at least 8 characters); absent means API tokens only.
    pub password: Option<String>,
    /// Administrator.
    #[serde(default)]
    pub is_admin: bool,
    /// `zh-CN` (default) or `en`.
    #[serde(default)]
    pub locale: String,
}

/// Changes to a user; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// New display name.
    pub display_name: Option<String>,
    /// `zh-CN` or `en`.
    pub locale: Option<String>,
    /// Administrator or not (the last administrator stays).
    pub is_admin: Option<bool>,
    /// `false` deactivates: no sign-in, no tokens, sessions end.
    pub active: Option<bool>,
    /// A new password (ends the user's sessions).
    pub password: Option<String>,
}

/// A role to grant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddGrant {
    /// Programme id, or `*` (the default) for every programme.
    #[serde(default = "every_programme")]
    pub programme: String,
    /// Role id, as the programme's workflow declares it.
    pub role: String,
    /// Org unit id: the role reaches this unit and everything below it.
    pub org_unit: String,
}

fn every_programme() -> String {
    "*".into()
}

/// Every user.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin",
    responses((status = 200, body = Vec<UserView>), (status = 401), (status = 403)))]
async fn users_get(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<UserView>>> {
    require_admin(&caller)?;
    let users = identity::users(&state.db).await?;
    Ok(Json(users.into_iter().map(UserView::from).collect()))
}

/// Create a user.
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", request_body = CreateUser,
    responses((status = 201, body = UserDetail), (status = 401), (status = 403), (status = 422)))]
async fn users_post(
    State(state): State<AppState>,
    caller: Caller,
    Json(req): Json<CreateUser>,
) -> Result<(StatusCode, Json<UserDetail>)> {
    require_admin(&caller)?;
    let mut new = NewUser {
        username: req.username,
        display_name: req.display_name,
        password_hash: None,
        is_admin: req.is_admin,
        locale: req.locale,
    };
    let mut wrong = identity::user_violations(&state.db, &new).await?;
    wrong.extend(
        req.password
            .as_deref()
            .map(password::policy_violations)
            .unwrap_or_default(),
    );
    refuse_if_any(wrong)?;
    if let Some(p) = req.password {
        new.password_hash = Some(password::hash_new(p).await?);
    }
    let user = identity::create_user(&state.db, new).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, user.id).await?)))
}

/// A user with their grants (by id or login name).
#[utoipa::path(get, path = "/api/v1/admin/users/{id}", tag = "admin",
    params(("id" = String, Path, description = "User id or login name")),
    responses((status = 200, body = UserDetail), (status = 401), (status = 403), (status = 404)))]
async fn user_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<UserDetail>> {
    require_admin(&caller)?;
    let user = identity::find_user(&state.db, &id).await?;
    Ok(Json(detail(&state, user.id).await?))
}

/// Change a user: display name, language, administrator, active, password reset.
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "admin", request_body = UpdateUser,
    params(("id" = String, Path, description = "User id or login name")),
    responses((status = 200, body = UserDetail), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn user_patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<UpdateUser>,
) -> Result<Json<UserDetail>> {
    require_admin(&caller)?;
    let user = identity::find_user(&state.db, &id).await?;
    let password_hash = match req.password {
        Some(p) => Some(password::hash_new(p).await?),
        None => None,
    };
    let changes = UserChanges {
        display_name: req.display_name,
        locale: req.locale,
        is_admin: req.is_admin,
        active: req.active,
        password_hash,
    };
    identity::update_user(&state.db, &user.id, changes).await?;
    Ok(Json(detail(&state, user.id).await?))
}

/// A user's grants.
#[utoipa::path(get, path = "/api/v1/admin/users/{id}/grants", tag = "admin",
    params(("id" = String, Path, description = "User id or login name")),
    responses((status = 200, body = Vec<GrantView>), (status = 401), (status = 403), (status = 404)))]
async fn user_grants_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<GrantView>>> {
    require_admin(&caller)?;
    let user = identity::find_user(&state.db, &id).await?;
    Ok(Json(detail(&state, user.id).await?.grants))
}

/// Grant a user a role at an org unit (granting it again changes nothing).
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/grants", tag = "admin", request_body = AddGrant,
    params(("id" = String, Path, description = "User id or login name")),
    responses((status = 201, body = GrantView), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn user_grants_post(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<AddGrant>,
) -> Result<(StatusCode, Json<GrantView>)> {
    require_admin(&caller)?;
    let user = identity::find_user(&state.db, &id).await?;
    check_role(&state, &req.programme, &req.role)?;
    let new = NewGrant {
        user_id: user.id.clone(),
        programme: req.programme,
        role: req.role,
        org_unit: req.org_unit,
    };
    let row = identity::add_grant(&state.db, new).await?;
    let view = identity::grants_of(&state.db, &user.id)
        .await?
        .into_iter()
        .find(|g| g.id == row.id)
        .ok_or_else(|| Error::NotFound(format!("grant {}", row.id)))?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Take a grant away.
#[utoipa::path(delete, path = "/api/v1/admin/grants/{id}", tag = "admin",
    params(("id" = i32, Path, description = "Grant id")),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn grant_delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> Result<StatusCode> {
    require_admin(&caller)?;
    identity::remove_grant(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn detail(state: &AppState, user_id: String) -> Result<UserDetail> {
    let user = identity::user(&state.db, &user_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user {user_id}")))?;
    let grants = identity::grants_of(&state.db, &user_id).await?;
    Ok(UserDetail {
        user: user.into(),
        grants: grants.into_iter().map(GrantView::from).collect(),
    })
}

/// The programme must be loaded and declare the role; `*` needs a role that some
/// loaded programme declares (when any is loaded).
fn check_role(state: &AppState, programme: &str, role: &str) -> Result<()> {
    let programmes = state.programmes();
    let declares =
        |v: &crate::state::Version| v.def.programme.roles.keys().any(|r| r.as_str() == role);
    let ok = if programme == "*" {
        programmes.iter().next().is_none() || programmes.iter().any(|(_, v)| declares(v))
    } else {
        match programmes.current(programme) {
            None => {
                return Err(Error::Invalid(vec![violation(
                    "/programme",
                    "unknown-programme",
                    format!("没有名为 {programme} 的项目"),
                    format!("there is no programme `{programme}`"),
                )]));
            }
            Some(v) => declares(v),
        }
    };
    if ok {
        return Ok(());
    }
    Err(Error::Invalid(vec![violation(
        "/role",
        "unknown-role",
        format!("项目未声明角色 {role}"),
        format!("no programme declares the role `{role}`"),
    )]))
}
