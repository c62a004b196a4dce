//! `/api/v1/admin/org-units` (create, rename, move) and `/api/v1/org-units` (the
//! tree, for anyone signed in: forms pick units from it).

use crate::http::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

use super::views::OrgUnitView;
use crate::auth::Caller;
use crate::auth::extract::require_admin;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::identity::{self, NewOrgUnit};

/// OpenAPI of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(
        org_units_get,
        admin_org_units_get,
        org_units_post,
        org_unit_get,
        org_unit_patch
    ),
    components(schemas(OrgUnitView, CreateOrgUnit, UpdateOrgUnit))
)]
pub(super) struct Docs;

/// Org-unit routes.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/org-units", get(org_units_get))
        .route(
            "/api/v1/admin/org-units",
            get(admin_org_units_get).post(org_units_post),
        )
        .route(
            "/api/v1/admin/org-units/{id}",
            get(org_unit_get).patch(org_unit_patch),
        )
}

/// An org unit to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgUnit {
    /// Slug id (`a-z 0-9 -`), unique.
    pub id: String,
    /// Parent unit id; absent for a root.
    pub parent_id: Option<String>,
    /// Kind, e.g. `township` (schedules target units by kind).
    pub kind: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
}

/// Changes to an org unit; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrgUnit {
    /// New kind.
    pub kind: Option<String>,
    /// New Chinese name.
    pub name_zh: Option<String>,
    /// New English name.
    pub name_en: Option<String>,
    /// Move under this unit (with the whole subtree; not under itself or below).
    pub parent_id: Option<String>,
}

/// The org-unit tree.
#[utoipa::path(get, path = "/api/v1/org-units", tag = "org-units",
    responses((status = 200, body = Vec<OrgUnitView>), (status = 401)))]
async fn org_units_get(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<OrgUnitView>>> {
    let tree = identity::org_tree(&state.db).await?;
    Ok(Json(tree.into_iter().map(OrgUnitView::from).collect()))
}

/// The org-unit tree (administrators).
#[utoipa::path(get, path = "/api/v1/admin/org-units", tag = "admin",
    responses((status = 200, body = Vec<OrgUnitView>), (status = 401), (status = 403)))]
async fn admin_org_units_get(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<OrgUnitView>>> {
    require_admin(&caller)?;
    org_units_get(State(state), caller).await
}

/// Create an org unit.
#[utoipa::path(post, path = "/api/v1/admin/org-units", tag = "admin", request_body = CreateOrgUnit,
    responses((status = 201, body = OrgUnitView), (status = 401), (status = 403), (status = 422)))]
async fn org_units_post(
    State(state): State<AppState>,
    caller: Caller,
    Json(req): Json<CreateOrgUnit>,
) -> Result<(StatusCode, Json<OrgUnitView>)> {
    require_admin(&caller)?;
    let new = NewOrgUnit {
        id: req.id,
        parent_id: req.parent_id,
        kind: req.kind,
        name_zh: req.name_zh,
        name_en: req.name_en,
    };
    let unit = identity::create_org_unit(&state.db, new).await?;
    Ok((StatusCode::CREATED, Json(unit.into())))
}

/// An org unit.
#[utoipa::path(get, path = "/api/v1/admin/org-units/{id}", tag = "admin",
    params(("id" = String, Path, description = "Org unit id")),
    responses((status = 200, body = OrgUnitView), (status = 401), (status = 403), (status = 404)))]
async fn org_unit_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<OrgUnitView>> {
    require_admin(&caller)?;
    let unit = identity::org_unit(&state.db, &id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("org unit {id}")))?;
    Ok(Json(unit.into()))
}

/// Rename an org unit, change its kind, or move it under another parent.
#[utoipa::path(patch, path = "/api/v1/admin/org-units/{id}", tag = "admin", request_body = UpdateOrgUnit,
    params(("id" = String, Path, description = "Org unit id")),
    responses((status = 200, body = OrgUnitView), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn org_unit_patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<UpdateOrgUnit>,
) -> Result<Json<OrgUnitView>> {
    require_admin(&caller)?;
    let txn = crate::store::begin_write(&state.db).await?;
    let mut unit = identity::update_org_unit(&txn, &id, req.kind, req.name_zh, req.name_en).await?;
    if let Some(parent) = req.parent_id
        && unit.parent_id.as_deref() != Some(parent.as_str())
    {
        unit = identity::move_org_unit(&txn, &id, &parent).await?;
    }
    txn.commit().await?;
    Ok(Json(unit.into()))
}
