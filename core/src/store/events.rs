//! Append-only case events, each hash-chained to the previous event of its case, so
//! a changed or removed row is detected by `anjuan audit verify`.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::entities::events;
use crate::error::Result;

/// The hash before a case's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// Case id.
    pub case_id: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// User id (or `system`).
    pub actor: &'a str,
    /// Action id (`create` for the opening event).
    pub action: &'a str,
    /// State before.
    pub from: Option<&'a str>,
    /// State after.
    pub to: &'a str,
    /// The actor's comment.
    pub comment: Option<&'a str>,
    /// What changed: fields, deadlines, children, plugin checks, warnings.
    pub payload: Value,
}

/// The hash of an event given the previous hash: SHA-256 over a canonical JSON of
/// every stored column except the id.
pub fn hash(prev: &str, e: &events::Model) -> String {
    let canonical = json!([
        prev,
        e.case_id,
        e.seq,
        e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        e.actor,
        e.action,
        e.from_state,
        e.to_state,
        e.comment,
        e.payload,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Append an event after the case's last one.
pub async fn append(db: &impl ConnectionTrait, e: NewEvent<'_>) -> Result<events::Model> {
    let last = events::Entity::find()
        .filter(events::Column::CaseId.eq(e.case_id))
        .order_by_desc(events::Column::Seq)
        .one(db)
        .await?;
    let (seq, prev) = match last {
        Some(l) => (l.seq + 1, l.hash),
        None => (1, GENESIS.to_owned()),
    };
    let mut row = events::Model {
        id: 0,
        case_id: e.case_id.to_owned(),
        seq,
        // Stored with microsecond precision everywhere, so the hash survives the round trip.
        at: e.at.trunc_subsecs(6),
        actor: e.actor.to_owned(),
        action: e.action.to_owned(),
        from_state: e.from.map(str::to_owned),
        to_state: e.to.to_owned(),
        comment: e.comment.map(str::to_owned),
        payload: e.payload.to_string(),
        prev_hash: prev.clone(),
        hash: String::new(),
    };
    row.hash = hash(&prev, &row);
    let active = events::ActiveModel {
        case_id: Set(row.case_id.clone()),
        seq: Set(row.seq),
        at: Set(row.at),
        actor: Set(row.actor.clone()),
        action: Set(row.action.clone()),
        from_state: Set(row.from_state.clone()),
        to_state: Set(row.to_state.clone()),
        comment: Set(row.comment.clone()),
        payload: Set(row.payload.clone()),
        prev_hash: Set(row.prev_hash.clone()),
        hash: Set(row.hash.clone()),
        ..Default::default()
    };
    Ok(active.insert(db).await?)
}

/// The events of a case, oldest first.
pub async fn list(db: &impl ConnectionTrait, case_id: &str) -> Result<Vec<events::Model>> {
    Ok(events::Entity::find()
        .filter(events::Column::CaseId.eq(case_id))
        .order_by_asc(events::Column::Seq)
        .all(db)
        .await?)
}

/// The first broken link found in a case's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// Case id.
    pub case_id: String,
    /// Sequence number of the first event that does not verify.
    pub seq: i64,
    /// Event row id.
    pub event_id: i64,
    /// Why.
    pub reason: String,
}

/// Check a case's events in order; `None` when the chain holds.
pub fn verify_chain(rows: &[events::Model]) -> Option<BrokenLink> {
    let mut prev = GENESIS.to_owned();
    for (i, row) in rows.iter().enumerate() {
        let broken = |reason: String| BrokenLink {
            case_id: row.case_id.clone(),
            seq: row.seq,
            event_id: row.id,
            reason,
        };
        if row.seq != i as i64 + 1 {
            return Some(broken(format!(
                "expected event {} but found {} (an event is missing)",
                i + 1,
                row.seq
            )));
        }
        if row.prev_hash != prev {
            return Some(broken(
                "its link to the previous event does not match".into(),
            ));
        }
        if hash(&prev, row) != row.hash {
            return Some(broken(
                "its content does not match its hash (the row was changed)".into(),
            ));
        }
        prev = row.hash.clone();
    }
    None
}

/// Verify every case's chain; returns the number of events checked and every broken link.
pub async fn verify_all(db: &impl ConnectionTrait) -> Result<(usize, Vec<BrokenLink>)> {
    let rows = events::Entity::find()
        .order_by_asc(events::Column::CaseId)
        .order_by_asc(events::Column::Seq)
        .all(db)
        .await?;
    let total = rows.len();
    let mut broken = Vec::new();
    for chunk in rows.chunk_by(|a, b| a.case_id == b.case_id) {
        if let Some(b) = verify_chain(chunk) {
            broken.push(b);
        }
    }
    Ok((total, broken))
}
