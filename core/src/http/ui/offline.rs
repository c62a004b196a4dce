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
use crate::state::AppState;

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
