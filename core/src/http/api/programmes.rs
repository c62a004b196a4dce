//! `/api/v1/programmes`: the loaded definitions and their versions.

use crate::http::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};

use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::service::migration::{self, Plan, Report};
use crate::state::AppState;

/// OpenAPI of the programme routes.
#[derive(OpenApi)]
#[openapi(
    paths(
        programmes_get,
        programme_get,
        programmes_reload_post,
        programme_migrate_post,
        programme_migration_plan_get,
        programme_migration_plan_post,
        programme_check_post
    ),
    components(schemas(
        ProgrammeSummary,
        VersionRef,
        ReloadReport,
        MigrationBody,
        Plan,
        Report,
        crate::service::checks::CheckRun,
        crate::service::checks::CheckAnswer
    ))
)]
pub struct Docs;

/// Programme routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/programmes", get(programmes_get))
        .route("/api/v1/programmes/{id}", get(programme_get))
        .route(
            "/api/v1/programmes/reload",
            axum::routing::post(programmes_reload_post),
        )
        .route(
            "/api/v1/programmes/{id}/migrate",
            axum::routing::post(programme_migrate_post),
        )
        .route(
            "/api/v1/programmes/{id}/migration-plan",
            get(programme_migration_plan_get).post(programme_migration_plan_post),
        )
        .route(
            "/api/v1/programmes/{id}/checks/{check}",
            axum::routing::post(programme_check_post),
        )
}

/// Run one of the programme's plugin checks on data, as taking the action would, and
/// take nothing: the server's answer for the checks a page runs as the user types.
/// Counts are answered (and sensitive lookups logged and limited) as in an action.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/checks/{check}", tag = "programmes",
    params(("id" = String, Path, description = "Programme id"), ("check" = String, Path, description = "Check id")),
    request_body = crate::service::checks::CheckRun,
    responses((status = 200, body = crate::service::checks::CheckAnswer), (status = 400), (status = 401), (status = 403), (status = 404), (status = 429), (status = 503)))]
async fn programme_check_post(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, check)): Path<(String, String)>,
    Json(req): Json<crate::service::checks::CheckRun>,
) -> Result<Json<crate::service::checks::CheckAnswer>> {
    Ok(Json(
        crate::service::checks::run(&state, &caller, &id, &check, req).await?,
    ))
}

/// A loaded programme.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeSummary {
    /// Programme id.
    pub id: String,
    /// Title.
    #[schema(value_type = Object)]
    pub title: crate::workflow::model::I18n,
    /// Current version.
    pub version: VersionRef,
    /// Case types, by id.
    pub case_types: Vec<String>,
}

/// A definition version.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionRef {
    /// Number.
    pub number: i32,
    /// SHA-256 of the file.
    pub hash: String,
}

/// Programmes the caller works in (every programme for an administrator).
#[utoipa::path(get, path = "/api/v1/programmes", tag = "programmes", responses((status = 200, body = Vec<ProgrammeSummary>), (status = 401)))]
async fn programmes_get(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ProgrammeSummary>>> {
    let programmes = state.programmes();
    let out = programmes
        .iter()
        .filter(|(id, _)| {
            caller.is_admin
                || caller
                    .grants
                    .iter()
                    .any(|g| g.programme == "*" || &g.programme == *id)
        })
        .map(|(id, v)| ProgrammeSummary {
            id: id.clone(),
            title: v.def.programme.title.clone(),
            version: VersionRef {
                number: v.number,
                hash: v.def.hash.clone(),
            },
            case_types: v
                .def
                .programme
                .case_types
                .keys()
                .map(|k| k.to_string())
                .collect(),
        })
        .collect();
    Ok(Json(out))
}

/// A programme's definition (as JSON), its versions and its case types.
#[utoipa::path(get, path = "/api/v1/programmes/{id}", tag = "programmes", params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = Object), (status = 401), (status = 404)))]
async fn programme_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let programmes = state.programmes();
    let visible = caller.is_admin
        || caller
            .grants
            .iter()
            .any(|g| g.programme == "*" || g.programme == id);
    let current = programmes
        .current(&id)
        .filter(|_| visible)
        .ok_or_else(|| Error::NotFound(format!("programme {id}")))?;
    let versions: Vec<Value> = programmes
        .versions(&id)
        .iter()
        .map(|v| serde_json::json!({ "number": v.number, "hash": v.def.hash }))
        .collect();
    Ok(Json(serde_json::json!({
        "id": id,
        "version": { "number": current.number, "hash": current.def.hash },
        "versions": versions,
        "definition": current.def.programme,
    })))
}

/// What a reload did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReloadReport {
    /// Current version of each programme after the reload.
    pub programmes: Vec<ProgrammeSummary>,
    /// Mistakes in files that were not loaded (the previous version stays live).
    pub errors: Vec<String>,
    /// The plugins now loaded.
    #[schema(value_type = Vec<Object>)]
    pub plugins: Vec<Value>,
}

/// Reload workflow files, the calendar and the plugins (administrators). A changed
/// workflow file becomes a new version; running cases keep theirs.
#[utoipa::path(post, path = "/api/v1/programmes/reload", tag = "programmes",
    responses((status = 200, body = ReloadReport), (status = 401), (status = 403)))]
async fn programmes_reload_post(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ReloadReport>> {
    if !caller.is_admin {
        return Err(Error::Forbidden(
            "only administrators reload programmes".into(),
        ));
    }
    state.set_calendar(crate::server::load_calendar(&state.config)?);
    crate::server::reload_plugins(&state).await?;
    crate::server::reload_programmes(&state).await?;
    let programmes = state.programmes();
    Ok(Json(ReloadReport {
        programmes: programmes
            .iter()
            .map(|(id, v)| ProgrammeSummary {
                id: id.clone(),
                title: v.def.programme.title.clone(),
                version: VersionRef {
                    number: v.number,
                    hash: v.def.hash.clone(),
                },
                case_types: v
                    .def
                    .programme
                    .case_types
                    .keys()
                    .map(|k| k.to_string())
                    .collect(),
            })
            .collect(),
        errors: programmes.errors.iter().map(ToString::to_string).collect(),
        plugins: state.plugins.list(),
    }))
}

/// What to plan or move: the version (the current one when absent) and a mapping
/// file's YAML text for renamed, merged or removed states and renamed fields.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MigrationBody {
    /// The version to move to; the current one when absent.
    pub to: Option<i32>,
    /// A mapping file (YAML): `case_types: { <type>: { states: { old: new }, fields: { old: new } } }`.
    pub mapping: Option<String>,
}

/// `?to=` of the plan.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PlanQuery {
    /// The version to move to; the current one when absent.
    pub to: Option<i32>,
}

fn admin_only(caller: &Caller) -> Result<()> {
    if caller.is_admin {
        Ok(())
    } else {
        Err(Error::Forbidden("only administrators migrate cases".into()))
    }
}

fn body_of(bytes: &[u8]) -> Result<MigrationBody> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(MigrationBody::default());
    }
    serde_json::from_slice(bytes).map_err(|e| crate::error::bad_request("body", e.to_string()))
}

fn request(id: String, body: MigrationBody) -> migration::Request {
    migration::Request {
        programme: id,
        to: body.to,
        mapping: body.mapping,
        mapping_name: "mapping.yaml".into(),
    }
}

/// What moving the programme's open cases to a version would do, with no mapping
/// (administrators): per case type and state how many cases and where they go, what
/// becomes of their deadlines, which cases cannot move and why. Nothing is written.
#[utoipa::path(get, path = "/api/v1/programmes/{id}/migration-plan", tag = "programmes",
    params(("id" = String, Path, description = "Programme id"), PlanQuery),
    responses((status = 200, body = Plan), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn programme_migration_plan_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<PlanQuery>,
) -> Result<Json<Plan>> {
    admin_only(&caller)?;
    let body = MigrationBody {
        to: q.to,
        mapping: None,
    };
    Ok(Json(
        migration::plan(&state, &request(id, body), chrono::Utc::now()).await?,
    ))
}

/// The plan with a mapping (administrators). A mapping that names a state, field or
/// case type the versions lack is refused (422) with `mapping.yaml:line:column`.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/migration-plan", tag = "programmes",
    params(("id" = String, Path, description = "Programme id")), request_body = MigrationBody,
    responses((status = 200, body = Plan), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn programme_migration_plan_post(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    bytes: axum::body::Bytes,
) -> Result<Json<Plan>> {
    admin_only(&caller)?;
    let body = body_of(&bytes)?;
    Ok(Json(
        migration::plan(&state, &request(id, body), chrono::Utc::now()).await?,
    ))
}

/// Move the programme's open cases to a version as the plan says (administrators),
/// in batches, each case in one transaction with a `migrated` event. A case that
/// cannot move stays on its version and is listed. A run that stopped half-way is
/// continued (with its own version and mapping) by calling again. The body is
/// optional.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/migrate", tag = "programmes",
    params(("id" = String, Path, description = "Programme id")), request_body = Option<MigrationBody>,
    responses((status = 200, body = Report), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn programme_migrate_post(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    bytes: axum::body::Bytes,
) -> Result<Json<Report>> {
    admin_only(&caller)?;
    let body = body_of(&bytes)?;
    let report = migration::apply(&state, &request(id, body), &caller.id, None)
        .await?
        .ok_or_else(|| Error::Internal("the migration stopped before its end".into()))?;
    Ok(Json(report))
}
