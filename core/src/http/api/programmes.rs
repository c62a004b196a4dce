//! `/api/v1/programmes`: the loaded definitions and their versions.

use crate::http::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};

use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::state::AppState;

/// OpenAPI of the programme routes.
#[derive(OpenApi)]
#[openapi(
    paths(
        programmes_get,
        programme_get,
        programmes_reload_post,
        programme_migrate_post
    ),
    components(schemas(ProgrammeSummary, VersionRef, ReloadReport, MigrateReport))
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

/// What a migration did.
#[derive(Debug, Serialize, ToSchema)]
pub struct MigrateReport {
    /// The version cases now run on.
    pub to_version: i32,
    /// Cases moved.
    pub migrated: u64,
    /// Cases left on their version because their state or case type is gone, by id.
    pub left: Vec<String>,
}

/// Move open cases of a programme to its current definition version (administrators).
/// A case whose case type or state the new version lacks stays where it is.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/migrate", tag = "programmes", params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = MigrateReport), (status = 401), (status = 403), (status = 404)))]
async fn programme_migrate_post(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<MigrateReport>> {
    if !caller.is_admin {
        return Err(Error::Forbidden("only administrators migrate cases".into()));
    }
    let current = state
        .programmes()
        .current(&id)
        .cloned()
        .ok_or_else(|| Error::NotFound(format!("programme {id}")))?;
    let (migrated, left) = crate::store::cases::migrate(
        &state.db,
        &id,
        current.number,
        &current.def.hash,
        |case_type, state_id| {
            current
                .def
                .programme
                .case_type(case_type)
                .is_some_and(|ct| ct.states.contains_key(state_id))
        },
    )
    .await?;
    Ok(Json(MigrateReport {
        to_version: current.number,
        migrated,
        left,
    }))
}
