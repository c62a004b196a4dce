//! Working without a network: the page that lists what waits to be sent
//! (`/sync`, filled in the browser from its own queue by `static/offline/queue.js`)
//! and the field time a queued form carries (`_taken_at`).
//!
//! A form filled without a network is kept in the browser (IndexedDB) with the case
//! version the user saw and the form's idempotency key, and sent, in order, when the
//! network returns, through the same form routes and CSRF check as any submit
//! (docs/offline.md).

use axum::Router;
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::page::{FormBody, Page, UiError};
use crate::error::Result;
use crate::state::AppState;
use crate::store;

/// The sync page's route.
pub fn router() -> Router<AppState> {
    Router::new().route("/sync", get(sync_get))
}

/// The sync page: the list itself is the browser's (nothing of it is on the server).
#[derive(Debug, Serialize)]
pub struct SyncPage {
    /// How long a field time may lie behind the server's clock, in days.
    pub max_age_days: i64,
}

async fn sync_get(
    axum::extract::State(state): axum::extract::State<AppState>,
    page: Page,
) -> Result<Response, UiError> {
    let nav = page.nav(&state, "sync", page.t("sync-title")).await;
    page.render(
        "offline/sync",
        &nav,
        &SyncPage {
            max_age_days: crate::service::cases::MAX_AGE_DAYS,
        },
    )
}

/// The field time a form filled without a network carries in `_taken_at` (RFC 3339):
/// when the user pressed submit, by the device's clock. The service checks its bounds.
/// A value that is not a time is left out: the submit then counts as taken on receipt.
pub fn field_time(body: &FormBody) -> Option<DateTime<Utc>> {
    body.get("_taken_at").and_then(parse_time)
}

/// An RFC 3339 time, in UTC.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The form as the client sent it, for the idempotency key's fingerprint
/// ([`crate::service::cases::ActionInput::sent`]): the same form sent again, by the queue
/// after an answer was lost on the way back, is then the same request, however the
/// action it applied changed the case. Left out: the CSRF token (a new session has a
/// new one), the key itself and the field time (a form queued after its submit failed
/// carries the time it was pressed; the failed submit may not have). A stored file
/// counts by its content, since a retry uploads the photo again as a new file. Pairs are
/// ordered by name, a name's values in the order sent.
pub async fn as_sent(state: &AppState, body: &FormBody) -> Result<String> {
    const LEFT_OUT: [&str; 3] = ["_csrf", "_key", "_taken_at"];
    let ids: Vec<String> = body
        .0
        .iter()
        .filter(|(k, v)| !k.starts_with('_') && uuid::Uuid::parse_str(v).is_ok())
        .map(|(_, v)| v.clone())
        .collect();
    let files: std::collections::HashMap<String, String> = if ids.is_empty() {
        Default::default()
    } else {
        store::files::metas(&state.db, &ids)
            .await?
            .into_iter()
            .map(|f| (f.id, format!("sha256:{}", f.sha256)))
            .collect()
    };
    let mut pairs: Vec<(&str, &str)> = body
        .0
        .iter()
        .filter(|(k, _)| !LEFT_OUT.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), files.get(v).map_or(v.as_str(), String::as_str)))
        .collect();
    pairs.sort_by_key(|(k, _)| *k);
    Ok(serde_json::to_string(&pairs)?)
}
