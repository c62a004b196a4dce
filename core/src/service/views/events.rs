//! The events of a case as a reader sees them, for the API and the case page alike:
//! field values masked by each field's definition (not by what the field holds now, so
//! a sensitive field cleared since stays hidden in its history), and every sensitive
//! value shown recorded in the access log.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::CaseView;
use crate::engine::privacy;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store;

/// Who a [`CaseView`] was made for, and which sensitive fields of the case they may read.
/// A view read back from JSON has the default: no reader, every sensitive field hidden.
#[derive(Debug, Clone, Default)]
pub struct Sight {
    /// The reader's user id.
    pub reader: String,
    /// Sensitive fields they may read, whatever the fields hold now.
    pub readable: BTreeSet<String>,
    /// Sensitive fields the view itself showed (already in the access log).
    pub logged: BTreeSet<String>,
}

/// One event of a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// Position in the case's chain, from 1.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (user id or `system`).
    pub actor: String,
    /// Action id.
    pub action: String,
    /// State before.
    pub from: Option<String>,
    /// State after.
    pub to: String,
    /// Comment.
    pub comment: Option<String>,
    /// Changes, deadlines, plugin checks and warnings (sensitive values masked).
    #[schema(value_type = Object)]
    pub payload: Value,
    /// This event's hash.
    pub hash: String,
}

/// The events of the case `view` shows, after sequence number `after`, oldest first,
/// masked for the view's reader; the sensitive fields they show that the view did not
/// are logged as read via `via`.
pub async fn events(
    state: &AppState,
    view: &CaseView,
    after: i64,
    via: &str,
) -> Result<Vec<EventView>> {
    let version = state
        .programmes()
        .version(&view.programme, view.definition.version)
        .cloned()
        .ok_or_else(|| {
            Error::Internal(format!(
                "definition {} v{} is not loaded",
                view.programme, view.definition.version
            ))
        })?;
    let ct = version
        .def
        .programme
        .case_type(&view.case_type)
        .ok_or_else(|| Error::Internal(format!("case type {} vanished", view.case_type)))?;
    let mut shown = BTreeSet::new();
    let events: Vec<EventView> = store::events::list(&state.db, &view.id)
        .await?
        .into_iter()
        .filter(|e| e.seq > after)
        .map(|e| {
            let mut payload: Value = serde_json::from_str(&e.payload).unwrap_or(Value::Null);
            shown.extend(privacy::mask_event(ct, &mut payload, &view.sight.readable));
            EventView {
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                action: e.action,
                from: e.from_state,
                to: e.to_state,
                comment: e.comment,
                payload,
                hash: e.hash,
            }
        })
        .collect();
    let unlogged: Vec<String> = shown.difference(&view.sight.logged).cloned().collect();
    if !unlogged.is_empty() {
        store::access::record(
            &state.db,
            &view.sight.reader,
            &view.id,
            &unlogged,
            via,
            Utc::now(),
        )
        .await?;
    }
    Ok(events)
}
