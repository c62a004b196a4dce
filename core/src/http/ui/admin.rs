//! Administration pages: the index, the audit-chain status, and what the admin forms
//! share. Administrators change users,
//! grants, org units and API tokens here with plain HTML forms, through the same
//! store functions the admin API and the `anjuan user|grant|org|token` commands use.
//!
//! # Layout
//! - this file: the index and audit pages; [`Field`], `Refusal` and the notice shown
//!   after a change ([`DoneQuery`]), shared by the admin forms.
//! - [`super::admin_access`]: the access log of sensitive reads.
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

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::page::{FormBody, Page, UiError, encode};
use super::render::{Lang, Ui};
use crate::error::Violation;
use crate::state::AppState;
use crate::store;

pub use super::admin_programmes::admin_only;

#[cfg(test)]
#[path = "tests/admin_samples.rs"]
pub(crate) mod samples;

#[cfg(test)]
#[path = "tests/admin_forms.rs"]
pub(crate) mod tests;

/// Admin routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(admin_get))
        .merge(super::admin_access::router())
        .route("/admin/audit", get(audit_get))
        .merge(super::admin_users::router())
        .merge(super::admin_org_units::router())
        .merge(super::admin_tokens::router())
        .merge(super::admin_programmes::router())
        .merge(super::admin_migration::router())
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

/// How every admin form post ends: done → 303 to `done`'s page, which shows the notice;
/// refused (`Error::Invalid`) → the form again from `again`, with every reason it was
/// given, answered 422; any other error → the error page.
pub(super) async fn settle<T>(
    result: Result<T, crate::error::Error>,
    done: impl FnOnce(T) -> String,
    again: impl AsyncFnOnce(Vec<Violation>) -> Result<Response, UiError>,
) -> Result<Response, UiError> {
    match result {
        Ok(value) => Ok(super::page::see_other(&done(value))),
        Err(crate::error::Error::Invalid(v)) => Ok(refused_if(true, again(v).await?)),
        Err(e) => Err(e.into()),
    }
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
    let keys = state.config.audit_keys.as_deref();
    let report = crate::service::audit::verify(&state.db, keys, |_, _| {}).await?;
    let ok = report.holds();
    let broken: Vec<BrokenRow> = report
        .broken
        .into_iter()
        .map(|b| BrokenRow {
            case_id: b.case_id,
            seq: b.seq,
            reason: b.reason,
        })
        .collect();
    let problems: Vec<serde_json::Value> = report
        .checkpoints
        .problems
        .iter()
        .map(|p| serde_json::json!({ "case_id": p.case_id, "reason": p.reason }))
        .collect();
    let last = report.checkpoints.last.as_ref().map(|l| {
        serde_json::json!({
            "seq": l.seq,
            "taken_at": l.taken_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "cases": l.case_count,
            "events": l.event_count,
        })
    });
    let nav = page.nav(&state, "admin", page.t("admin-audit")).await;
    page.render(
        "admin/audit",
        &nav,
        &serde_json::json!({
            "checked": report.events,
            "ok": ok,
            "broken": broken,
            "problems": problems,
            "checkpoints": report.checkpoints.checkpoints,
            "last": last,
            "ms": start.elapsed().as_millis() as u64,
        }),
    )
}
