//! The caller's inbox, notifications, and working-day arithmetic.

use crate::http::extract::{Json, Query};
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::cases::{CaseListItem, list_item};
use crate::auth::Caller;
use crate::error::{Result, bad_request};
use crate::state::AppState;
use crate::store;

/// OpenAPI of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(
        tasks_get,
        notifications_get,
        notifications_read_post,
        working_days_get
    ),
    components(schemas(NotificationView, WorkingDays, ReadRequest))
)]
pub struct Docs;

/// Inbox, notifications and calendar routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tasks", get(tasks_get))
        .route("/api/v1/notifications", get(notifications_get))
        .route("/api/v1/notifications/read", post(notifications_read_post))
        .route("/api/v1/calendar/working-days", get(working_days_get))
}

/// Paging of the inbox.
#[derive(Debug, Deserialize, IntoParams)]
pub struct TasksQuery {
    /// Only this programme.
    pub programme: Option<String>,
    /// Page, from 1.
    pub page: Option<u64>,
    /// Rows per page (at most 500, default 500).
    pub per_page: Option<u64>,
}

/// The open cases where the caller can move the case on now, overdue first, then by due
/// time: the cases the navigation counts.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", params(TasksQuery), responses((status = 200, body = Vec<Object>), (status = 400), (status = 401)))]
async fn tasks_get(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<TasksQuery>,
) -> Result<Json<Vec<CaseListItem>>> {
    let per_page = q.per_page.unwrap_or(500).clamp(1, 500);
    let page = q.page.unwrap_or(1).clamp(1, 1_000_000);
    Ok(Json(
        inbox(
            &state,
            &caller,
            q.programme.as_deref(),
            (page - 1) * per_page,
            per_page,
        )
        .await?,
    ))
}

/// The caller's inbox: open cases where they may move the case on (an action to
/// another state; recording something in place does not make a task), decided when
/// each case was written.
pub async fn inbox(
    state: &AppState,
    caller: &Caller,
    programme: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<Vec<CaseListItem>> {
    let reach = crate::service::views::reach(caller);
    let rows = store::tasks::list(&state.db, &reach, programme, offset, limit).await?;
    Ok(rows.into_iter().map(|row| list_item(state, row)).collect())
}

/// A notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    /// Id.
    pub id: i64,
    /// Case concerned.
    pub case_id: Option<String>,
    /// When.
    pub at: chrono::DateTime<Utc>,
    /// `action` or `overdue`.
    pub kind: String,
    /// Message in Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
    /// Whether it was read.
    pub read: bool,
}

/// Query of the notification list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct NotificationQuery {
    /// Only unread ones.
    pub unread: Option<bool>,
}

/// The caller's notifications, newest first by when they happened.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "tasks", params(NotificationQuery), responses((status = 200, body = Vec<NotificationView>), (status = 401)))]
async fn notifications_get(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<NotificationQuery>,
) -> Result<Json<Vec<NotificationView>>> {
    let rows =
        store::notifications::list(&state.db, &caller.id, q.unread.unwrap_or(false), 200).await?;
    Ok(Json(
        rows.into_iter()
            .map(|n| NotificationView {
                id: n.id,
                case_id: n.case_id,
                at: n.at,
                kind: n.kind,
                message_zh: n.message_zh,
                message_en: n.message_en,
                read: n.read_at.is_some(),
            })
            .collect(),
    ))
}

/// Which notifications to mark read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReadRequest {
    /// Ids; omit to mark all read.
    pub ids: Option<Vec<i64>>,
}

/// Mark notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "tasks", request_body = ReadRequest, responses((status = 200, body = Object), (status = 401)))]
async fn notifications_read_post(
    State(state): State<AppState>,
    caller: Caller,
    Json(req): Json<ReadRequest>,
) -> Result<Json<serde_json::Value>> {
    let n = store::notifications::mark_read(&state.db, &caller.id, req.ids.as_deref(), Utc::now())
        .await?;
    Ok(Json(serde_json::json!({ "marked": n })))
}

/// Query of the working-day calculator.
#[derive(Debug, Deserialize, IntoParams)]
pub struct WorkingDaysQuery {
    /// Start date (years 1 to 9999).
    pub from: NaiveDate,
    /// Working days to add (at most 36500, about 140 years).
    #[param(minimum = 0, maximum = 36500)]
    pub add: Option<u32>,
    /// Or: count working days up to this date.
    pub to: Option<NaiveDate>,
}

/// The answer of the working-day calculator.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkingDays {
    /// Start date.
    pub from: NaiveDate,
    /// `from` plus `add` working days.
    pub date: Option<NaiveDate>,
    /// Working days in (from, to].
    pub working_days: Option<i64>,
    /// Whether `from` is a working day.
    pub from_is_working_day: bool,
    /// Whether the statutory calendar covers the year (else Monday–Friday is assumed).
    pub covered: bool,
}

/// The most working days the calculator adds: about 140 years.
const MAX_ADD: u32 = 36_500;

/// Working-day arithmetic by the statutory calendar (holidays and make-up days).
#[utoipa::path(get, path = "/api/v1/calendar/working-days", tag = "calendar", params(WorkingDaysQuery), responses((status = 200, body = WorkingDays), (status = 400)))]
async fn working_days_get(
    State(state): State<AppState>,
    Query(q): Query<WorkingDaysQuery>,
) -> Result<Json<WorkingDays>> {
    let cal = state.calendar();
    if q.add.is_none() && q.to.is_none() {
        return Err(bad_request(
            "add",
            "give `add` (working days to add) or `to` (a date)",
        ));
    }
    use chrono::Datelike;
    // Dates outside years 1 to 9999 are not ISO 8601 calendar dates as the answer's
    // schema promises (`+12345-01-01`), so neither the question nor the answer may hold one.
    let plain = |d: NaiveDate| (1..=9999).contains(&d.year());
    for (field, d) in [("from", Some(q.from)), ("to", q.to)] {
        if d.is_some_and(|d| !plain(d)) {
            return Err(bad_request(field, "use a date between years 1 and 9999"));
        }
    }
    if q.add.is_some_and(|n| n > MAX_ADD) {
        return Err(bad_request(
            "add",
            format!("add at most {MAX_ADD} working days"),
        ));
    }
    let date = q.add.map(|n| cal.add_working_days(q.from, n));
    if date.is_some_and(|d| !plain(d)) {
        return Err(bad_request(
            "add",
            "the answer would fall after the year 9999",
        ));
    }
    Ok(Json(WorkingDays {
        from: q.from,
        date,
        working_days: q.to.map(|to| cal.working_days_between(q.from, to)),
        from_is_working_day: cal.is_working_day(q.from),
        covered: cal.covers(q.from.year()),
    }))
}
