//! `/healthz`, `/metrics` and `/api/openapi.json`.

use crate::http::extract::Json;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi;

use crate::error::Result;
use crate::state::AppState;

/// OpenAPI of these routes.
#[derive(OpenApi)]
#[openapi(paths(healthz_get, metrics_get, openapi_get))]
pub struct Docs;

/// System routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz_get))
        .route("/metrics", get(metrics_get))
        .route("/api/openapi.json", get(openapi_get))
}

/// Whether the server and its database answer, and which programmes are degraded
/// (their plugin is missing or broken, so they take no actions).
#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, body = Object), (status = 500)))]
async fn healthz_get(State(state): State<AppState>) -> Result<Json<serde_json::Value>> {
    state.db.ping().await?;
    let programmes = state.programmes();
    let degraded = crate::server::degraded(&state);
    Ok(Json(serde_json::json!({
        "status": if degraded.is_empty() { "ok" } else { "degraded" },
        "programmes": programmes.iter().count(),
        "definition_errors": programmes.errors.len(),
        "degraded": degraded,
    })))
}

/// Prometheus metrics: requests, latencies, actions by programme, open and overdue cases.
/// With `--metrics-token`, only a scraper sending it as a bearer token is answered;
/// without it, only a caller on this machine (loopback, not relayed by a proxy): case
/// counts per programme are not for the network at large.
#[utoipa::path(get, path = "/metrics", tag = "system", responses((status = 200, description = "Prometheus text format"), (status = 401, description = "`--metrics-token` is set and was not sent"), (status = 403, description = "No `--metrics-token` is set and the caller is not on this machine")))]
async fn metrics_get(
    State(state): State<AppState>,
    crate::auth::extract::ClientAddr(client): crate::auth::extract::ClientAddr,
    headers: axum::http::HeaderMap,
) -> Result<impl IntoResponse> {
    if state.config.metrics_token.is_none() {
        let relayed = headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
        if relayed || !client.is_some_and(|a| a.is_loopback()) {
            return Err(crate::error::Error::Forbidden(
                "/metrics answers callers on this machine only; set --metrics-token for a remote scraper".into(),
            ));
        }
    }
    if let Some(secret) = &state.config.metrics_token {
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !crate::auth::extract::same(sent.as_bytes(), secret.as_bytes()) {
            return Err(crate::error::Error::Unauthenticated);
        }
    }
    let only_open = crate::store::cases::Filter {
        open: Some(true),
        ..Default::default()
    };
    let counts = crate::store::cases::counts_where(&state.db, &only_open).await?;
    let mut open: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    for (programme, _, _, overdue, n) in counts {
        let entry = open.entry(programme).or_default();
        entry.0 += n;
        if overdue {
            entry.1 += n;
        }
    }
    for (programme, (all, overdue)) in open {
        state.metrics.set_cases(&programme, all, overdue);
    }
    let body = state.metrics.render();
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    ))
}

/// This document: the OpenAPI 3.1 description of every route.
#[utoipa::path(get, path = "/api/openapi.json", tag = "system", responses((status = 200, body = Object, description = "OpenAPI 3.1")))]
async fn openapi_get() -> Json<utoipa::openapi::OpenApi> {
    Json(super::openapi())
}
