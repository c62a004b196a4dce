//! `/api/v1/programmes`: the loaded definitions and their versions.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};

use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::state::AppState;

/// OpenAPI of the programme routes.
#[derive(OpenApi)]
#[openapi(paths(programmes_get, programme_get), components(schemas(ProgrammeSummary, VersionRef)))]
pub struct Docs;

/// Programme routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/programmes", get(programmes_get))
        .route("/api/v1/programmes/{id}", get(programme_get))
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
async fn programmes_get(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<ProgrammeSummary>>> {
    let programmes = state.programmes();
    let out = programmes
        .iter()
        .filter(|(id, _)| caller.is_admin || caller.grants.iter().any(|g| g.programme == "*" || &g.programme == *id))
        .map(|(id, v)| ProgrammeSummary {
            id: id.clone(),
            title: v.def.programme.title.clone(),
            version: VersionRef { number: v.number, hash: v.def.hash.clone() },
            case_types: v.def.programme.case_types.keys().map(|k| k.to_string()).collect(),
        })
        .collect();
    Ok(Json(out))
}

/// A programme's definition (as JSON), its versions and its case types.
#[utoipa::path(get, path = "/api/v1/programmes/{id}", tag = "programmes", params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = Object), (status = 401), (status = 404)))]
async fn programme_get(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<Value>> {
    let programmes = state.programmes();
    let visible = caller.is_admin || caller.grants.iter().any(|g| g.programme == "*" || g.programme == id);
    let current = programmes.current(&id).filter(|_| visible).ok_or_else(|| Error::NotFound(format!("programme {id}")))?;
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
