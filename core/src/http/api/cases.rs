//! `/api/v1/cases`: open, read, list, act on cases; their events and forms.

use crate::http::extract::{Json, Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::Caller;
use crate::error::{Result, bad_request};
use crate::service::cases::{self, ActionInput, CreateCase};
use crate::service::views::{self, CaseRef, CaseView, EventView};
use crate::state::AppState;
use crate::store;

/// OpenAPI of the case routes.
#[derive(OpenApi)]
#[openapi(
    paths(
        cases_post,
        cases_get,
        case_get,
        case_action_post,
        case_events_get,
        case_form_get
    ),
    components(schemas(
        CreateCase,
        ActionInput,
        CaseView,
        CaseRef,
        CasePage,
        EventView,
        views::DeadlineView,
        views::DefinitionRef,
        crate::error::Violation,
        crate::error::Layer
    ))
)]
pub struct Docs;

/// Case routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cases", post(cases_post).get(cases_get))
        .route("/api/v1/cases/{id}", get(case_get))
        .route(
            "/api/v1/cases/{id}/actions/{action}",
            post(case_action_post),
        )
        .route("/api/v1/cases/{id}/events", get(case_events_get))
        .route("/api/v1/cases/{id}/forms/{action}", get(case_form_get))
}

/// Open a case. Send an `Idempotency-Key` header to make retries safe: a retry with
/// the same key and content answers with the case the first request opened.
#[utoipa::path(post, path = "/api/v1/cases", request_body = CreateCase, tag = "cases",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request open the case once")),
    responses((status = 201, body = CaseView), (status = 400), (status = 401), (status = 403), (status = 422), (status = 502)))]
async fn cases_post(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Json(mut req): Json<CreateCase>,
) -> Result<(StatusCode, Json<CaseView>)> {
    req.idempotency_key = idempotency_key(&headers)?.map(str::to_owned);
    let view = cases::create(&state, &caller, req).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Filters of the case list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Programme id.
    pub programme: Option<String>,
    /// Case type id.
    pub case_type: Option<String>,
    /// State id.
    pub state: Option<String>,
    /// Org unit id: the unit and its subtree.
    pub org_unit: Option<String>,
    /// Assignee user id.
    pub assignee: Option<String>,
    /// Only overdue (`true`) or only not overdue (`false`).
    pub overdue: Option<bool>,
    /// Only open (`true`) or only closed (`false`).
    pub open: Option<bool>,
    /// Next deadline before this time (RFC 3339) or date.
    pub due_before: Option<String>,
    /// Opened on or after this date.
    pub created_from: Option<NaiveDate>,
    /// Opened on or before this date.
    pub created_to: Option<NaiveDate>,
    /// Free text (case number, summary, text fields); Chinese works.
    pub q: Option<String>,
    /// Children of this case.
    pub parent: Option<String>,
    /// `due` (default), `newest`, `oldest`, `updated` or `number`.
    pub sort: Option<String>,
    /// Page, from 1 (at most 1,000,000).
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<u64>,
    /// Rows per page (at most 500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
    /// The page starts after this key: a previous page's `next` (then `page` only
    /// numbers it). Read along an index, however deep the list.
    pub after: Option<String>,
}

/// A page of cases.
#[derive(Debug, Serialize, ToSchema)]
pub struct CasePage {
    /// The cases on this page.
    pub items: Vec<CaseListItem>,
    /// All matching cases.
    pub total: u64,
    /// This page.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// Send as `after` for the page that follows this one (absent on a short page).
    pub next: Option<String>,
}

/// A case in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseListItem {
    /// The case.
    #[serde(flatten)]
    pub case: CaseRef,
    /// Programme id.
    pub programme: String,
    /// Org unit id.
    pub org_unit: String,
    /// Assignee.
    pub assignee: Option<String>,
    /// Whether a deadline has passed.
    pub overdue: bool,
    /// The soonest running deadline.
    pub next_due: Option<DateTime<Utc>>,
    /// Opened at.
    pub created_at: DateTime<Utc>,
    /// Version.
    pub version: i64,
}

/// List cases the caller may read.
#[utoipa::path(get, path = "/api/v1/cases", params(ListQuery), tag = "cases",
    responses((status = 200, body = CasePage), (status = 400), (status = 401)))]
async fn cases_get(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<Json<CasePage>> {
    let at = match q.after.as_deref() {
        None => store::cases::PageAt::Start,
        Some(a) => store::cases::PageAt::After(
            store::cases::Cursor::decode(a)
                .ok_or_else(|| bad_request("after", "use the `next` of a previous page"))?,
        ),
    };
    let filter = filter(&state, &caller, q).await?;
    let (rows, total) = store::cases::list(&state.db, &filter, &at).await?;
    let next = (rows.len() as u64 == filter.per_page)
        .then(|| rows.last().map(|c| store::cases::Cursor::of(c).encode()))
        .flatten();
    let items = rows.into_iter().map(|row| list_item(&state, row)).collect();
    Ok(Json(CasePage {
        items,
        total,
        page: filter.page,
        per_page: filter.per_page,
        next,
    }))
}

/// A case row as a list item.
pub fn list_item(state: &AppState, row: store::entities::cases::Model) -> CaseListItem {
    CaseListItem {
        programme: row.programme.clone(),
        org_unit: row.org_unit_id.clone(),
        assignee: row.assignee.clone(),
        overdue: row.overdue,
        next_due: row.next_due,
        created_at: row.created_at,
        version: row.version,
        case: views::reference(state, row),
    }
}

/// The store filter for a list query, limited to what the caller may read.
pub async fn filter(
    state: &AppState,
    caller: &Caller,
    q: ListQuery,
) -> Result<store::cases::Filter> {
    let org_path = match &q.org_unit {
        Some(id) => Some(crate::service::org_unit(&state.db, id).await?.path),
        None => None,
    };
    let reach = caller.reach(q.programme.as_deref()).map(|_| {
        caller
            .grants
            .iter()
            .map(|g| (g.programme.clone(), g.org_path.clone()))
            .collect()
    });
    let sort = match q.sort.as_deref().unwrap_or("due") {
        "due" => store::cases::Sort::Due,
        "newest" => store::cases::Sort::Newest,
        "oldest" => store::cases::Sort::Oldest,
        "updated" => store::cases::Sort::Updated,
        "number" => store::cases::Sort::Number,
        other => {
            return Err(bad_request(
                "sort",
                format!("unknown sort `{other}`; use due, newest, oldest, updated or number"),
            ));
        }
    };
    let calendar = state.calendar();
    let day_start = |d: NaiveDate| calendar.start_of_day(d);
    let due_before = match q.due_before.as_deref() {
        None => None,
        Some(s) => Some(
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d").map(day_start))
                .ok()
                .filter(|t| (1..=9999).contains(&t.year()))
                .ok_or_else(|| {
                    bad_request("due_before", "use a date (2026-10-20) or an RFC 3339 time")
                })?,
        ),
    };
    Ok(store::cases::Filter {
        programme: q.programme,
        case_type: q.case_type,
        state: q.state,
        org_path,
        assignee: q.assignee,
        overdue: q.overdue,
        open: q.open,
        due_before,
        created_from: plausible("created_from", q.created_from)?.map(day_start),
        created_to: plausible("created_to", q.created_to)?
            .and_then(|d| d.succ_opt())
            .map(day_start),
        q: q.q.map(|s| s.to_lowercase()),
        parent: q.parent,
        reach,
        sort,
        page: page_number(q.page)?,
        per_page: q.per_page.unwrap_or(50).clamp(1, 500),
    })
}

/// The highest page a list answers: far beyond any real list, and low enough that
/// page × rows per page never overflows an offset.
pub const MAX_PAGE: u64 = 1_000_000;

fn page_number(page: Option<u64>) -> Result<u64> {
    match page.unwrap_or(1) {
        p if p > MAX_PAGE => Err(bad_request(
            "page",
            format!("pages run from 1 to {MAX_PAGE}"),
        )),
        p => Ok(p.max(1)),
    }
}

/// A date filter within years 1 to 9999: beyond them date arithmetic overflows and
/// PostgreSQL cannot store the bound.
fn plausible(field: &str, date: Option<NaiveDate>) -> Result<Option<NaiveDate>> {
    match date {
        Some(d) if !(1..=9999).contains(&d.year()) => {
            Err(bad_request(field, "use a date between years 1 and 9999"))
        }
        other => Ok(other),
    }
}

/// A case, with its deadlines and the actions the caller may take now.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseView), (status = 401), (status = 404)))]
async fn case_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CaseView>> {
    let row = cases::readable(&state, &caller, &id).await?;
    Ok(Json(views::case(&state, &caller, row, "api").await?))
}

/// Take an action. Send `expected_version` to be refused (409) if the case changed
/// meanwhile; send an `Idempotency-Key` header to make retries safe.
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions/{action}", request_body = ActionInput, tag = "cases",
    params(("id" = String, Path, description = "Case id"), ("action" = String, Path, description = "Action id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first answer")),
    responses((status = 200, body = CaseView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422), (status = 502)))]
async fn case_action_post(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    Json(input): Json<ActionInput>,
) -> Result<Json<CaseView>> {
    let key = idempotency_key(&headers)?;
    Ok(Json(
        cases::act(&state, &caller, &id, &action, input, key).await?,
    ))
}

/// The `Idempotency-Key` header, when there is one (at most 200 characters).
fn idempotency_key(headers: &HeaderMap) -> Result<Option<&str>> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty());
    if key.is_some_and(|k| k.len() > 200) {
        return Err(bad_request("Idempotency-Key", "at most 200 characters"));
    }
    Ok(key)
}

/// The events of a case, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/events", tag = "cases", params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = Vec<EventView>), (status = 401), (status = 404)))]
async fn case_events_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<EventView>>> {
    let case = cases::readable(&state, &caller, &id).await?;
    let view = views::case(&state, &caller, case, "api").await?;
    Ok(Json(views::events(&state, &view, 0, "api").await?))
}

/// The form of an action, as its plugin defines it.
#[utoipa::path(get, path = "/api/v1/cases/{id}/forms/{action}", tag = "cases",
    params(("id" = String, Path, description = "Case id"), ("action" = String, Path, description = "Action id")),
    responses((status = 200, description = "Form definition", body = Object), (status = 401), (status = 404)))]
async fn case_form_get(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action)): Path<(String, String)>,
) -> Result<Json<Value>> {
    let case = cases::readable(&state, &caller, &id).await?;
    let version = cases::case_version(&state, &case)?;
    let def = &version.def;
    let ct = def.programme.case_type(&case.case_type);
    let form = ct
        .and_then(|ct| ct.transitions_for(&action).find_map(|t| t.form.clone()))
        .ok_or_else(|| crate::error::Error::NotFound(format!("form of action {action}")))?;
    let plugin = def
        .programme
        .plugin
        .as_ref()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let body = crate::state::plugin_form(&state.plugins, &plugin, &form, &caller.locale)
        .await
        .map_err(crate::error::Error::Internal)?
        .ok_or_else(|| crate::error::Error::NotFound(format!("form {}", form.as_str())))?;
    Ok(Json(body))
}
