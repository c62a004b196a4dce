//! The programme page's migration section: the plan for moving running cases to the
//! current version (with a mapping an administrator pastes), and the move itself.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

use super::admin_programmes::{admin_only, programme_page};
use super::page::{FormBody, Page, UiError};
use crate::error::Error;
use crate::service::migration::{self, Report, Request};
use crate::state::AppState;

/// Migration routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/admin/programmes/{id}/migration", post(migration_post))
}

/// The section's context: the plan under `mapping` (or the report of a move and a fresh
/// plan), the mapping text and any mistakes in it. A plan that cannot be made is shown
/// as a mistake; the rest of the page still renders.
pub(super) async fn section(
    state: &AppState,
    id: &str,
    mapping: Option<String>,
    report: Option<Report>,
) -> Value {
    let request = Request {
        programme: id.to_owned(),
        to: None,
        mapping: mapping.clone(),
        mapping_name: "mapping.yaml".into(),
    };
    let (plan, errors) = match migration::plan(state, &request, chrono::Utc::now()).await {
        Ok(p) => (serde_json::to_value(p).unwrap_or(Value::Null), Vec::new()),
        Err(e) => (Value::Null, mistakes(e)),
    };
    let runs: Vec<Value> = crate::store::migrations::list(&state.db, id, 5)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            json!({
                "to_version": r.to_version,
                "status": r.status,
                "started_by": r.started_by,
                "started_at": r.started_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                "moved": r.moved,
            })
        })
        .collect();
    json!({
        "runs": runs,
        "plan": plan,
        "mapping": mapping.unwrap_or_default(),
        "errors": errors,
        "report": report.map(|r| serde_json::to_value(r).unwrap_or(Value::Null)),
    })
}

fn mistakes(e: Error) -> Vec<String> {
    match e {
        Error::Invalid(vs) => vs.into_iter().map(|v| v.message.en).collect(),
        other => vec![other.to_string()],
    }
}

async fn migration_post(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_only(&page)?;
    page.check_csrf(&body)?;
    let mapping = body.get("mapping").unwrap_or("").to_owned();
    let mapping = (!mapping.trim().is_empty()).then_some(mapping);
    let context = if body.get("do") == Some("apply") {
        let request = Request {
            programme: id.clone(),
            to: None,
            mapping: mapping.clone(),
            mapping_name: "mapping.yaml".into(),
        };
        match migration::apply(&state, &request, &page.caller.id, None).await {
            Ok(report) => section(&state, &id, None, report).await,
            Err(e) => {
                let mut s = section(&state, &id, mapping, None).await;
                s["errors"] = json!(mistakes(e));
                s
            }
        }
    } else {
        section(&state, &id, mapping, None).await
    };
    programme_page(&state, &page, &id, context).await
}
