//! Administration pages: the index, the access log of sensitive reads, the
//! audit-chain status, and what the admin forms share. Administrators change users,
//! grants, org units and API tokens here with plain HTML forms, through the same
//! store functions the admin API and the `anjuan user|grant|org|token` commands use.
//!
//! # Layout
//! - this file: the index, access log and audit pages; [`Field`], `Refusal` and the
//!   notice shown after a change ([`DoneQuery`]), shared by the admin forms.
//! - [`super::admin_users`]: users; [`super::admin_grants`]: the roles they hold.
//! - [`super::admin_org_units`]: the org-unit tree.
//! - [`super::admin_tokens`]: API tokens.
//! - [`super::admin_programmes`]: programmes, versions and validation.
//!
//! Every form post checks that the caller is an administrator (the admin API's rule:
//! administration is not scoped to a unit) and that the form carries the session's
//! CSRF token, before anything else. A refused form comes back with status 422, the
//! input kept and each message next to its field; a change that succeeds answers
//! `303 See Other` to the list or the edited item, with `?done=` naming what was done.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::directory::{Choice, Directory};
use super::page::{FormBody, Page, UiError, encode, local_time};
use super::render::{Lang, Ui};
use crate::error::Violation;
use crate::state::{AppState, Programmes};
use crate::store;

pub use super::admin_programmes::admin_only;

#[cfg(test)]
#[path = "tests/admin_samples.rs"]
pub(crate) mod samples;

#[cfg(test)]
#[path = "tests/admin_forms.rs"]
pub(crate) mod tests;

#[cfg(test)]
#[path = "tests/access_log.rs"]
mod access_log_tests;

/// Admin routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(admin_get))
        .route("/admin/access-log", get(access_log_get))
        .route("/admin/audit", get(audit_get))
        .merge(super::admin_users::router())
        .merge(super::admin_org_units::router())
        .merge(super::admin_tokens::router())
        .merge(super::admin_programmes::router())
}

/// Refuse a form post unless an administrator sent it from one of our own pages.
pub(super) fn admin_form(page: &Page, body: &FormBody) -> Result<(), UiError> {
    admin_only(page)?;
    page.check_csrf(body)
}

/// One input of an admin form: what was typed, and what is wrong with it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Field {
    /// The value shown in the input.
    pub value: String,
    /// Why the value was refused (empty when it was not).
    pub error: String,
}

impl Field {
    /// An input holding `value`, with no error.
    pub fn of(value: impl Into<String>) -> Field {
        Field {
            value: value.into(),
            error: String::new(),
        }
    }

    /// An input holding what the form sent as `name` (blank when absent).
    pub fn from_form(body: &FormBody, name: &str) -> Field {
        Field::of(body.get(name).unwrap_or_default())
    }
}

/// The messages of a refused form in the page's language, handed out to the inputs
/// they are about; what no input takes is shown above the form.
pub(super) struct Refusal(Vec<(String, String)>);

impl Refusal {
    /// Messages of `violations`, keyed by their field pointer without the `/`.
    pub fn new(lang: Lang, violations: &[Violation]) -> Refusal {
        Refusal(
            violations
                .iter()
                .map(|v| {
                    let name = v.field.trim_start_matches('/').to_owned();
                    (name, lang.pick(&v.message))
                })
                .collect(),
        )
    }

    /// Give `field` the messages about any of `names`.
    pub fn mark(&mut self, field: &mut Field, names: &[&str]) {
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|(f, _)| names.contains(&f.as_str()));
        self.0 = rest;
        let text: Vec<String> = mine.into_iter().map(|(_, m)| m).collect();
        if !text.is_empty() {
            field.error = text.join(" ");
        }
    }

    /// Take the messages about any of `names` (for a checkbox or a button).
    pub fn take(&mut self, names: &[&str]) -> Vec<String> {
        let mut f = Field::default();
        self.mark(&mut f, names);
        if f.error.is_empty() {
            Vec::new()
        } else {
            vec![f.error]
        }
    }

    /// The messages no input took.
    pub fn rest(self) -> Vec<String> {
        self.0.into_iter().map(|(_, m)| m).collect()
    }
}

/// A rule the admin pages check themselves, with its message from the admin strings.
pub(super) fn refusal(ui: &Ui, field: &str, key: &str) -> Violation {
    store::identity::violation(field, key, ui.t(Lang::Zh, key), ui.t(Lang::En, key))
}

/// A form's page, answered 422 Unprocessable Content when the form was `refused`.
pub(super) fn refused_if(refused: bool, mut response: Response) -> Response {
    if refused {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// What the page just did, after a redirect: `?done=user-created`, with `&id=…` when
/// the page lists many things and the notice names one of them.
///
/// The query string never carries the text of a notice: anyone can craft a link, so a
/// name shown on our page comes from the database (the page's own subject, or the
/// thing `id` names), and an unknown `done` or `id` shows nothing.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    /// What was done: the end of an `admin-done-…` message key.
    pub done: Option<String>,
    /// The id of what it was done to, on a list page.
    pub id: Option<String>,
}

impl DoneQuery {
    /// The notice for the top of the page about `name`, as the handler found it in the
    /// database (empty when nothing was done, the key is not one of ours, or there is
    /// no such thing).
    pub fn notice(&self, page: &Page, name: Option<&str>) -> String {
        let (Some(done), Some(name)) = (&self.done, name) else {
            return String::new();
        };
        let key = format!("admin-done-{done}");
        if !page.ui.strings.has(&key) {
            return String::new();
        }
        page.ui
            .t_args(page.lang, &key, &[("name", name.to_owned().into())])
    }
}

/// Where to go after a change: `to` with the notice of `done` (about the thing with
/// `id`, on a list page).
pub(super) fn done_url(to: &str, done: &str, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("{to}?done={done}&id={}", encode(id)),
        None => format!("{to}?done={done}"),
    }
}

async fn admin_get(State(state): State<AppState>, page: Page) -> Result<Response, UiError> {
    admin_only(&page)?;
    let nav = page.nav(&state, "admin", page.t("admin-title")).await;
    page.render("admin/index", &nav, &serde_json::json!({}))
}

/// An unmasked read of sensitive fields, as an administrator reads it.
#[derive(Debug, Serialize)]
pub struct AccessRow {
    /// When, in local time.
    pub at: String,
    /// Who: the display name.
    pub user: String,
    /// Their login name (empty when the user is gone).
    pub login: String,
    /// The case's id, for the link.
    pub case_id: String,
    /// The case number (the id when the case is gone).
    pub case: String,
    /// The titles of the fields read, joined.
    pub fields: String,
    /// The channel in words: page, export, API or attachment.
    pub via: String,
}

/// The access log page: the entries, the filter as sent, and the pager.
#[derive(Debug, Serialize)]
pub struct AccessPage {
    /// This page's entries, newest first.
    pub entries: Vec<AccessRow>,
    /// Everyone who could have read something (the chosen one selected).
    pub users: Vec<Choice>,
    /// The case number filtered by.
    pub case: String,
    /// The first day shown (`YYYY-MM-DD`, local).
    pub from: String,
    /// The last day shown.
    pub to: String,
    /// Whether any filter is set.
    pub filtered: bool,
    /// Page number, from 1.
    pub page: u64,
    /// Link to the newer entries (empty on the first page).
    pub prev: String,
    /// Link to the older entries (empty on the last page).
    pub next: String,
}

/// The access log's filter form, as the browser sends it.
#[derive(Debug, Default, Deserialize)]
pub struct AccessQuery {
    /// User id.
    #[serde(default)]
    pub user: String,
    /// Case number.
    #[serde(default)]
    pub case: String,
    /// First day, `YYYY-MM-DD`.
    #[serde(default)]
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    #[serde(default)]
    pub to: String,
    /// Page number (a bad one is the first page).
    #[serde(default)]
    pub page: String,
}

/// Entries per page of the access log.
pub const ACCESS_PER_PAGE: u64 = 100;

impl AccessQuery {
    fn page(&self) -> u64 {
        self.page.trim().parse().unwrap_or(1).max(1)
    }

    /// The store's filter; days are whole local days, `to` included.
    fn filter(&self, tz: chrono_tz::Tz) -> store::access::Filter {
        let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        let start = |d: NaiveDate| {
            tz.from_local_datetime(&d.and_time(NaiveTime::MIN))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        };
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        store::access::Filter {
            user_id: some(&self.user),
            case_number: some(&self.case),
            from: day(&self.from).and_then(start),
            until: day(&self.to).and_then(|d| d.succ_opt()).and_then(start),
        }
    }

    /// This filter's link to page `n`.
    fn link(&self, n: u64) -> String {
        let pairs = [
            ("user", self.user.trim()),
            ("case", self.case.trim()),
            ("from", self.from.trim()),
            ("to", self.to.trim()),
        ];
        let mut q: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        q.push(format!("page={n}"));
        format!("/admin/access-log?{}", q.join("&"))
    }
}

/// The channel of a read in words (the stored word when it is not one we know).
fn via_words(page: &Page, via: &str) -> String {
    let key = format!("admin-via-{via}");
    if page.ui.strings.has(&key) {
        page.t(&key)
    } else {
        via.to_owned()
    }
}

/// The titles of `fields` (comma-separated keys) in the case's definition, falling
/// back to the key when the case, its definition or the field is gone.
fn field_titles(
    programmes: &Programmes,
    lang: Lang,
    case: Option<&store::access::CaseRef>,
    fields: &str,
) -> String {
    let ct = case.and_then(|c| {
        programmes
            .version(&c.programme, c.def_version)
            .or_else(|| programmes.current(&c.programme))
            .and_then(|v| v.def.programme.case_type(&c.case_type))
    });
    let sep = match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    };
    fields
        .split(',')
        .filter(|f| !f.is_empty())
        .map(|f| {
            ct.and_then(|t| t.fields.get(f))
                .and_then(|d| d.title.as_ref())
                .map(|t| lang.pick(t))
                .unwrap_or_else(|| f.to_owned())
        })
        .collect::<Vec<_>>()
        .join(sep)
}

async fn access_log_get(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<AccessQuery>,
) -> Result<Response, UiError> {
    admin_only(&page)?;
    let tz = state.config.timezone;
    let n = q.page();
    let filter = q.filter(tz);
    let (entries, more) = store::access::page(
        &state.db,
        &filter,
        (n - 1) * ACCESS_PER_PAGE,
        ACCESS_PER_PAGE,
    )
    .await?;
    let mut ids: Vec<String> = entries.iter().map(|a| a.case_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let cases: HashMap<String, store::access::CaseRef> = store::access::cases_of(&state.db, &ids)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let dir = Directory::from_rows(store::identity::users(&state.db).await?, Vec::new());
    let logins: HashMap<&str, &str> = dir
        .users
        .iter()
        .map(|u| (u.id.as_str(), u.username.as_str()))
        .collect();
    let programmes = state.programmes();
    let entries = entries
        .into_iter()
        .map(|a| {
            let case = cases.get(&a.case_id);
            AccessRow {
                at: local_time(a.at, tz),
                user: dir.user(&a.user_id),
                login: logins
                    .get(a.user_id.as_str())
                    .map(|l| (*l).to_owned())
                    .unwrap_or_default(),
                case: case.map_or_else(|| a.case_id.clone(), |c| c.number.clone()),
                fields: field_titles(&programmes, page.lang, case, &a.fields),
                via: via_words(&page, &a.via),
                case_id: a.case_id,
            }
        })
        .collect();
    let users = dir
        .users
        .iter()
        .map(|u| Choice {
            value: u.id.clone(),
            label: format!("{} ({})", u.display_name, u.username),
            selected: u.id == q.user.trim(),
        })
        .collect();
    let ctx = AccessPage {
        entries,
        users,
        case: q.case.trim().to_owned(),
        from: q.from.trim().to_owned(),
        to: q.to.trim().to_owned(),
        filtered: filter.user_id.is_some()
            || filter.case_number.is_some()
            || !q.from.trim().is_empty()
            || !q.to.trim().is_empty(),
        page: n,
        prev: if n > 1 { q.link(n - 1) } else { String::new() },
        next: if more { q.link(n + 1) } else { String::new() },
    };
    let nav = page.nav(&state, "admin", page.t("admin-access-log")).await;
    page.render("admin/access_log", &nav, &ctx)
}

/// A broken link in a case's event chain.
#[derive(Debug, Serialize)]
pub struct BrokenRow {
    /// Case id.
    pub case_id: String,
    /// Event sequence number.
    pub seq: i64,
    /// Why.
    pub reason: String,
}

async fn audit_get(State(state): State<AppState>, page: Page) -> Result<Response, UiError> {
    admin_only(&page)?;
    let start = std::time::Instant::now();
    let (checked, broken) = store::events::verify_all(&state.db).await?;
    let broken: Vec<BrokenRow> = broken
        .into_iter()
        .map(|b| BrokenRow {
            case_id: b.case_id,
            seq: b.seq,
            reason: b.reason,
        })
        .collect();
    let nav = page.nav(&state, "admin", page.t("admin-audit")).await;
    page.render(
        "admin/audit",
        &nav,
        &serde_json::json!({ "checked": checked, "ok": broken.is_empty(), "broken": broken, "ms": start.elapsed().as_millis() as u64 }),
    )
}
