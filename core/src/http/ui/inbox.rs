//! The inbox (`/inbox`): the open cases where this user can act, overdue first, then
//! due within three days, then the rest, with counts per programme; and the
//! notifications (`/notifications`).

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::cases::{Row, item_row};
use super::directory::Directory;
use super::page::{FormBody, Page, UiError, local_time, see_other};
use crate::http::api::tasks::inbox;
use crate::state::AppState;
use crate::store;

/// Inbox and notification routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { see_other("/inbox") }))
        .route("/inbox", get(inbox_get))
        .route("/notifications", get(notifications_get))
        .route("/notifications/read", post(notifications_read_post))
}

/// A section of the inbox.
#[derive(Debug, Serialize)]
pub struct Section {
    /// `overdue`, `soon` or `later`.
    pub kind: &'static str,
    /// Heading.
    pub title: String,
    /// Cases.
    pub rows: Vec<Row>,
}

/// Count of inbox cases in one programme.
#[derive(Debug, Serialize)]
pub struct ProgrammeCount {
    /// Programme id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Cases.
    pub count: usize,
    /// Overdue among them.
    pub overdue: usize,
    /// Whether the inbox is filtered to it.
    pub selected: bool,
}

/// The inbox page.
#[derive(Debug, Serialize)]
pub struct InboxPage {
    /// Overdue, due soon, later.
    pub sections: Vec<Section>,
    /// Counts per programme.
    pub programmes: Vec<ProgrammeCount>,
    /// All cases in the inbox.
    pub total: usize,
}

/// Inbox filter.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    /// Programme id.
    pub programme: String,
}

/// Cases the inbox page shows at most (the counts are of all of them).
const PAGE: u64 = 200;

async fn inbox_get(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<InboxQuery>,
) -> Result<Response, UiError> {
    let lang = page.lang;
    let selected = (!q.programme.is_empty()).then_some(q.programme.as_str());
    let items = inbox(&state, &page.caller, selected, 0, PAGE).await?;
    let dir = Directory::load(&state.db).await?;
    let reach = crate::service::views::reach(&page.caller);
    let counts: BTreeMap<String, (usize, usize)> = store::tasks::counts(&state.db, &reach)
        .await?
        .into_iter()
        .map(|(p, c)| (p, (c.total as usize, c.overdue as usize)))
        .collect();
    let total = counts.values().map(|c| c.0).sum();
    let soon = Utc::now() + chrono::Duration::days(3);
    let mut sections = [
        ("overdue", Vec::new()),
        ("soon", Vec::new()),
        ("later", Vec::new()),
    ];
    for item in items
        .into_iter()
        .filter(|i| q.programme.is_empty() || i.programme == q.programme)
    {
        let idx = if item.overdue {
            0
        } else if item.next_due.is_some_and(|d| d <= soon) {
            1
        } else {
            2
        };
        sections[idx].1.push(item_row(&state, &dir, lang, item));
    }
    let programmes = state.programmes();
    let ctx = InboxPage {
        sections: sections
            .into_iter()
            .map(|(kind, rows)| Section {
                kind,
                title: page.t(&format!("inbox-{kind}")),
                rows,
            })
            .collect(),
        programmes: counts
            .into_iter()
            .map(|(id, (count, overdue))| ProgrammeCount {
                title: programmes
                    .current(&id)
                    .map(|v| lang.pick(&v.def.programme.title))
                    .unwrap_or_else(|| id.clone()),
                selected: id == q.programme,
                id,
                count,
                overdue,
            })
            .collect(),
        total,
    };
    let nav = page.nav(&state, "inbox", page.t("inbox-title")).await;
    page.render("inbox/index", &nav, &ctx)
}

/// A notification.
#[derive(Debug, Serialize)]
pub struct Note {
    /// When.
    pub at: String,
    /// Message in the page's language.
    pub message: String,
    /// Link to the case (empty when it concerns none).
    pub href: String,
    /// The case's number (the link's text; the same message for twelve cases must
    /// still say which is which).
    pub number: String,
    /// The case's summary, or empty.
    pub summary: String,
    /// Unread.
    pub unread: bool,
}

/// The notifications page.
#[derive(Debug, Serialize)]
pub struct NotesPage {
    /// Newest first.
    pub notes: Vec<Note>,
    /// Any unread.
    pub any_unread: bool,
}

async fn notifications_get(State(state): State<AppState>, page: Page) -> Result<Response, UiError> {
    let rows = store::notifications::list(&state.db, &page.caller.id, false, 200).await?;
    let cases = store::notifications::cases_of(&state.db, &rows).await?;
    let tz = state.config.timezone;
    let notes: Vec<Note> = rows
        .into_iter()
        .map(|n| {
            let case = n.case_id.as_deref().and_then(|c| cases.get(c).cloned());
            let (number, summary) = match case {
                Some(c) => {
                    let r = crate::service::views::reference(&state, c);
                    (r.number, r.summary)
                }
                // A case since deleted (or a notification about none): its id still
                // tells one link from another.
                None => (n.case_id.clone().unwrap_or_default(), String::new()),
            };
            Note {
                at: local_time(n.at, tz),
                message: match page.lang {
                    super::render::Lang::Zh => n.message_zh,
                    super::render::Lang::En => n.message_en,
                },
                href: n.case_id.map(|c| format!("/cases/{c}")).unwrap_or_default(),
                number,
                summary,
                unread: n.read_at.is_none(),
            }
        })
        .collect();
    let ctx = NotesPage {
        any_unread: notes.iter().any(|n| n.unread),
        notes,
    };
    let nav = page
        .nav(&state, "notifications", page.t("notifications-title"))
        .await;
    page.render("inbox/notifications", &nav, &ctx)
}

async fn notifications_read_post(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, UiError> {
    page.check_csrf(&body)?;
    store::notifications::mark_read(&state.db, &page.caller.id, None, Utc::now()).await?;
    Ok(see_other("/notifications"))
}
