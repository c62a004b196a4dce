//! The timeline of a case: its events, newest first, with who, when, what changed
//! (values of fields the reader may not see stay hidden) and the warnings recorded.
//! Shown on the case page, in the dossier and in the conflict notice.

use serde::Serialize;
use serde_json::Value;

use super::case_detail::find_action_title;
use super::page::{UiError, local_time};
use super::render::Lang;
use super::values::{self, Fmt};
use crate::service::views::{self, CaseView};
use crate::state::AppState;
use crate::workflow::model::CaseType;

/// One event in the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    /// Position in the chain.
    pub seq: i64,
    /// When (local time).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What (the action's title).
    pub action: String,
    /// State before → after.
    pub from: String,
    /// State after.
    pub to: String,
    /// Comment.
    pub comment: String,
    /// When it was filled in on a device without a network (empty otherwise); `at` is
    /// when the server received it, the time deadlines count from.
    pub taken_at: String,
    /// Field changes.
    pub changes: Vec<ChangeRow>,
    /// Warnings recorded with the action.
    pub warnings: Vec<String>,
}

/// One field's change.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    /// Field title.
    pub label: String,
    /// Before.
    pub before: String,
    /// After.
    pub after: String,
}

/// The case's events from `after` on (sequence numbers greater than it), newest first,
/// masked for the reader the view was made for (see [`views::events()`]).
pub async fn timeline(
    state: &AppState,
    view: &CaseView,
    ct: &CaseType,
    fmt: &Fmt<'_>,
    after: i64,
) -> Result<Vec<EventRow>, UiError> {
    let mut out: Vec<EventRow> = views::events(state, view, after, "ui")
        .await?
        .into_iter()
        .map(|e| {
            let changes = e.payload["changes"]
                .as_array()
                .map(|cs| cs.iter().map(|c| change_row(c, ct, fmt)).collect())
                .unwrap_or_default();
            let warnings = e.payload["warnings"]
                .as_array()
                .map(|ws| {
                    ws.iter()
                        .filter_map(|w| {
                            w["message"][if fmt.lang == Lang::Zh { "zh" } else { "en" }]
                                .as_str()
                                .map(str::to_owned)
                        })
                        .collect()
                })
                .unwrap_or_default();
            EventRow {
                seq: e.seq,
                at: local_time(e.at, fmt.tz),
                actor: fmt.dir.user(&e.actor),
                action: if e.action == "create" {
                    fmt.ui.t(fmt.lang, "event-created")
                } else if e.action == "migrated" {
                    fmt.ui.t(fmt.lang, "event-migrated")
                } else {
                    find_action_title(ct, &e.action, fmt.lang).unwrap_or(e.action)
                },
                from: e
                    .from
                    .map(|s| fmt.lang.pick(&ct.state_title(&s)))
                    .unwrap_or_default(),
                to: fmt.lang.pick(&ct.state_title(&e.to)),
                comment: e.comment.unwrap_or_default(),
                taken_at: e.payload["taken_at"]
                    .as_str()
                    .and_then(super::offline::parse_time)
                    .map(|t| local_time(t, fmt.tz))
                    .unwrap_or_default(),
                changes,
                warnings,
            }
        })
        .collect();
    out.reverse();
    Ok(out)
}

fn change_row(c: &Value, ct: &CaseType, fmt: &Fmt<'_>) -> ChangeRow {
    let name = c["field"].as_str().unwrap_or_default();
    let field = ct.fields.get(name);
    ChangeRow {
        label: field
            .and_then(|f| f.title.as_ref())
            .map(|t| fmt.lang.pick(t))
            .unwrap_or_else(|| name.to_owned()),
        before: values::cell(&c["before"], field, name, fmt),
        after: values::cell(&c["after"], field, name, fmt),
    }
}
