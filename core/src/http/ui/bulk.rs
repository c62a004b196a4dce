//! Bulk actions (`POST /cases/bulk`): one action applied to every selected case, each
//! through [`cases::act`] as its own action with its own event, checks and version
//! guard. The cases are done one after another on the server while the page streams
//! one result line per case, so hundreds never time out and the user watches them
//! go; a summary of what succeeded and why the rest were refused closes the page.
//!
//! Each case's action carries the idempotency key `bulk:<batch>:<case id>`, where the
//! batch id was drawn when the list was shown: submitting the same selection again
//! (a reload, a retry after the connection dropped) applies nothing twice and
//! finishes what was left. The work goes on if the browser leaves mid-way.

use std::convert::Infallible;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Serialize;
use tokio::sync::mpsc;

use super::page::{FormBody, Nav, Page, UiError};
use super::render::{Lang, Ui};
use crate::auth::Caller;
use crate::error::Error;
use crate::service::cases::{self, ActionInput};
use crate::state::AppState;

/// Bulk routes.
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/cases/bulk",
        post(bulk_post).get(|| async { super::page::see_other("/cases") }),
    )
}

const ROWS: &str = "<!--bulk-rows-->";
const SUMMARY: &str = "<!--bulk-summary-->";

/// The bulk result page (the frame around the streamed rows).
#[derive(Debug, Serialize)]
pub struct BulkPage {
    /// Action title.
    pub action: String,
    /// Cases selected.
    pub selected: usize,
    /// Where the streamed rows go.
    pub rows_marker: &'static str,
    /// Where the summary goes.
    pub summary_marker: &'static str,
}

/// One case's result.
#[derive(Debug, Serialize)]
pub struct BulkRow {
    /// Position in the selection, from 1.
    pub n: usize,
    /// Case id.
    pub id: String,
    /// Case number.
    pub number: String,
    /// Applied.
    pub ok: bool,
    /// Why it was refused (or the new state).
    pub message: String,
}

/// The closing summary.
#[derive(Debug, Serialize)]
pub struct BulkSummary {
    /// Applied.
    pub ok: usize,
    /// Refused.
    pub refused: usize,
    /// Seconds taken.
    pub seconds: String,
    /// Refusals grouped by reason: (reason, count).
    pub reasons: Vec<(String, usize)>,
}

/// What the worker needs.
struct Job {
    state: AppState,
    caller: Caller,
    ui: std::sync::Arc<Ui>,
    lang: Lang,
    case_type: String,
    action: String,
    comment: Option<String>,
    batch: String,
    selection: Vec<(String, Option<i64>)>,
}

async fn bulk_post(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, UiError> {
    page.check_csrf(&body)?;
    let (case_type, action) = body
        .text("action")
        .and_then(|a| a.split_once('/').map(|(c, a)| (c.to_owned(), a.to_owned())))
        .ok_or_else(|| crate::error::bad_request("action", page.t("bulk-no-action")))?;
    let selection: Vec<(String, Option<i64>)> = body
        .all("ids")
        .into_iter()
        .map(|v| match v.split_once(':') {
            Some((id, ver)) => (id.to_owned(), ver.parse().ok()),
            None => (v.to_owned(), None),
        })
        .collect();
    if selection.is_empty() {
        return Err(crate::error::bad_request("ids", page.t("bulk-none-selected")).into());
    }
    let title = action_title(&state, &case_type, &action, page.lang);
    let nav = page.nav(&state, "cases", page.t("bulk-title")).await;
    let frame = BulkPage {
        action: title,
        selected: selection.len(),
        rows_marker: ROWS,
        summary_marker: SUMMARY,
    };
    let html = page.ui.render(
        "bulk/result",
        &serde_json::json!({ "nav": nav, "page": frame }),
    )?;
    let (head, rest) = html
        .split_once(ROWS)
        .ok_or_else(|| Error::Internal("bulk template lacks its row marker".into()))?;
    let (middle, tail) = rest
        .split_once(SUMMARY)
        .ok_or_else(|| Error::Internal("bulk template lacks its summary marker".into()))?;
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let _ = tx.send(Bytes::from(head.to_owned())).await;
    let job = Job {
        state: state.clone(),
        caller: page.caller.clone(),
        ui: page.ui.clone(),
        lang: page.lang,
        case_type,
        action,
        comment: body.text("_comment"),
        batch: body
            .text("_batch")
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
        selection,
    };
    let (middle, tail) = (middle.to_owned(), tail.to_owned());
    tokio::spawn(async move {
        let summary = run(&job, &tx, &nav).await;
        let _ = tx.send(Bytes::from(middle)).await;
        let html = job
            .ui
            .render(
                "bulk/summary",
                &serde_json::json!({ "nav": nav, "page": summary }),
            )
            .unwrap_or_default();
        let _ = tx.send(Bytes::from(html)).await;
        let _ = tx.send(Bytes::from(tail)).await;
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, Infallible>(chunk), rx))
    });
    Ok((
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::from_stream(stream),
    )
        .into_response())
}

fn action_title(state: &AppState, case_type: &str, action: &str, lang: Lang) -> String {
    let programmes = state.programmes();
    programmes
        .iter()
        .find_map(|(_, v)| {
            v.def
                .programme
                .case_type(case_type)?
                .transitions_for(action)
                .next()?
                .title
                .as_ref()
                .map(|t| lang.pick(t))
        })
        .unwrap_or_else(|| action.to_owned())
}

/// Apply the action to each case in turn, sending a row per case.
async fn run(job: &Job, tx: &mpsc::Sender<Bytes>, nav: &Nav) -> BulkSummary {
    let start = std::time::Instant::now();
    let (mut ok, mut refused) = (0, 0);
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for (i, (id, version)) in job.selection.iter().enumerate() {
        let row = one(job, i + 1, id, *version).await;
        if row.ok {
            ok += 1;
        } else {
            refused += 1;
            match reasons.iter_mut().find(|(r, _)| *r == row.message) {
                Some((_, n)) => *n += 1,
                None => reasons.push((row.message.clone(), 1)),
            }
        }
        let html = job
            .ui
            .render("bulk/row", &serde_json::json!({ "nav": nav, "page": row }))
            .unwrap_or_default();
        let _ = tx.send(Bytes::from(html)).await;
    }
    tracing::info!(cases = job.selection.len(), ok, refused, ms = start.elapsed().as_millis() as u64, action = %job.action, "bulk action");
    BulkSummary {
        ok,
        refused,
        seconds: format!("{:.1}", start.elapsed().as_secs_f64()),
        reasons,
    }
}

async fn one(job: &Job, n: usize, id: &str, version: Option<i64>) -> BulkRow {
    let mut row = BulkRow {
        n,
        id: id.to_owned(),
        number: id.to_owned(),
        ok: false,
        message: String::new(),
    };
    let case = match cases::readable(&job.state, &job.caller, id).await {
        Ok(c) => c,
        Err(e) => {
            row.message = reason(job, &e);
            return row;
        }
    };
    row.number = case.number.clone();
    if case.case_type != job.case_type {
        row.message = job.ui.t(job.lang, "bulk-wrong-type");
        return row;
    }
    let input = ActionInput {
        data: serde_json::json!({}),
        comment: job.comment.clone(),
        expected_version: version,
        taken_at: None,
        sent: None,
    };
    let key = format!("bulk:{}:{id}", job.batch);
    match cases::act(&job.state, &job.caller, id, &job.action, input, Some(&key)).await {
        Ok(view) => {
            row.ok = true;
            row.message = job.lang.pick(&view.state_title);
        }
        Err(e) => row.message = reason(job, &e),
    }
    row
}

fn reason(job: &Job, e: &Error) -> String {
    let (ui, lang) = (&job.ui, job.lang);
    match e {
        Error::Invalid(v) => v
            .iter()
            .map(|v| lang.pick(&v.message))
            .collect::<Vec<_>>()
            .join("；"),
        Error::Conflict { .. } => ui.t(lang, "bulk-conflict"),
        Error::Forbidden(_) => ui.t(lang, "bulk-forbidden"),
        Error::NotFound(_) => ui.t(lang, "bulk-not-found"),
        Error::IdempotencyMismatch => ui.t(lang, "bulk-replayed-differently"),
        other => other.to_string(),
    }
}
