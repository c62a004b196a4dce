//! The access log of sensitive reads (`/admin/access-log`), as an administrator audits
//! it: who read which fields of which case, when and through what; filtered by user,
//! case number and dates; newest first, a page at a time.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::admin::admin_only;
use super::directory::{Choice, Directory};
use super::page::{Page, UiError, encode, local_time};
use super::render::Lang;
use crate::state::{AppState, Programmes};
use crate::store;

#[cfg(test)]
#[path = "tests/access_log.rs"]
mod tests;

/// The access log route.
pub fn router() -> Router<AppState> {
    Router::new().route("/admin/access-log", get(access_log_get))
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
