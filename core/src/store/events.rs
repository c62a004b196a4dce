//! Append-only case events, each hash-chained to the previous event of its case, so
//! a changed or removed row is detected by `anjuan audit verify`. With an audit key
//! configured the links are HMACs (see [`super::chain`]): a database writer without
//! the key cannot re-hash a chain they changed.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};

use super::chain::{self, AuditKeys, ChainKey, Scheme};
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

/// The hash of an event given the previous hash: SHA-256 (HMAC-SHA256 under `key`)
/// over a canonical JSON of every stored column except the id.
pub fn hash(key: Option<&ChainKey>, prev: &str, e: &events::Model) -> String {
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
    chain::stored(key, canonical.to_string().as_bytes())
}

/// The event that continues a case's chain from its head (`len` events so far, the
/// last with hash `head`): its sequence number and hash, keyed with `key` when the
/// deployment has one. Nothing is written; the caller stores it with [`insert`] and
/// moves the case row's head in the same transaction.
pub fn next(len: i64, head: &str, e: NewEvent<'_>, key: Option<&ChainKey>) -> events::Model {
    let mut row = events::Model {
        id: 0,
        case_id: e.case_id.to_owned(),
        seq: len + 1,
        // Stored with microsecond precision everywhere, so the hash survives the round trip.
        at: e.at.trunc_subsecs(6),
        actor: e.actor.to_owned(),
        action: e.action.to_owned(),
        from_state: e.from.map(str::to_owned),
        to_state: e.to.to_owned(),
        comment: e.comment.map(str::to_owned),
        payload: e.payload.to_string(),
        prev_hash: head.to_owned(),
        hash: String::new(),
    };
    row.hash = hash(key, head, &row);
    row
}

/// Store an event made by [`next`].
pub async fn insert(db: &impl ConnectionTrait, row: &events::Model) -> Result<()> {
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
    events::Entity::insert(active)
        .exec_without_returning(db)
        .await?;
    Ok(())
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

/// Check a case's events in order; `None` when the chain holds. A keyed event needs
/// its key among `keys` (an error says so); a plain event after a keyed one is a
/// downgrade, as a writer without the key would leave it.
pub fn verify_chain(
    rows: &[events::Model],
    keys: Option<&AuditKeys>,
) -> std::result::Result<Option<BrokenLink>, chain::SchemeError> {
    let mut prev = GENESIS.to_owned();
    let mut keyed = false;
    for (i, row) in rows.iter().enumerate() {
        let broken = |reason: String| BrokenLink {
            case_id: row.case_id.clone(),
            seq: row.seq,
            event_id: row.id,
            reason,
        };
        if row.seq != i as i64 + 1 {
            return Ok(Some(broken(format!(
                "expected event {} but found {} (an event is missing)",
                i + 1,
                row.seq
            ))));
        }
        if row.prev_hash != prev {
            return Ok(Some(broken(
                "its link to the previous event does not match".into(),
            )));
        }
        let scheme = chain::scheme_of(&row.hash);
        if keyed && scheme == Scheme::Plain {
            return Ok(Some(broken(
                "it is hashed without the audit key after keyed events (re-hashed by \
                 someone without the key)"
                    .into(),
            )));
        }
        keyed |= scheme != Scheme::Plain;
        let key = chain::key_for(scheme, keys)?;
        if hash(key, &prev, row) != row.hash {
            return Ok(Some(broken(
                "its content does not match its hash (the row was changed)".into(),
            )));
        }
        prev = row.hash.clone();
    }
    Ok(None)
}

/// Check a case's events against the head its row keeps: a chain cut short (its
/// last events, or all of them, deleted) verifies on its own but not against this.
pub fn verify_anchor(
    case_id: &str,
    rows: &[events::Model],
    len: i64,
    head: &str,
) -> Option<BrokenLink> {
    let (last_seq, last_hash, event_id) = rows
        .last()
        .map(|r| (r.seq, r.hash.as_str(), r.id))
        .unwrap_or((0, GENESIS, 0));
    if last_seq == len && last_hash == head {
        return None;
    }
    Some(BrokenLink {
        case_id: case_id.to_owned(),
        seq: last_seq,
        event_id,
        reason: format!(
            "the case records {len} event(s) ending in {}, but its chain has {last_seq} ending in {} \
             (events were deleted or the chain rewritten)",
            &head[..head.len().min(12)],
            &last_hash[..last_hash.len().min(12)]
        ),
    })
}

/// Cases verified per read in [`verify_all`].
const VERIFY_PAGE: u64 = 500;

/// Verify every case's chain and its anchor on the case row, a page of cases at a
/// time so memory stays bounded however many events there are; `progress` hears
/// (cases done, events checked) after each page. Returns the number of events
/// checked and every broken link. Plain chains only: see [`verify_all_with`].
pub async fn verify_all(
    db: &impl ConnectionTrait,
    progress: impl FnMut(u64, usize),
) -> Result<(usize, Vec<BrokenLink>)> {
    verify_all_with(db, None, progress).await
}

/// [`verify_all`] with the deployment's audit keys, which keyed events need (an
/// error names the missing key). Once any event is keyed, a plain event written
/// after it (a larger row id) is reported too: someone without the key re-hashed
/// that chain.
pub async fn verify_all_with(
    db: &impl ConnectionTrait,
    keys: Option<&AuditKeys>,
    mut progress: impl FnMut(u64, usize),
) -> Result<(usize, Vec<BrokenLink>)> {
    use super::entities::cases;
    use sea_orm::QuerySelect;
    let mut after = String::new();
    let mut total = 0usize;
    let mut done = 0u64;
    let mut broken = Vec::new();
    let mut first_keyed: Option<i64> = None;
    loop {
        let page: Vec<(String, i64, String)> = cases::Entity::find()
            .select_only()
            .column(cases::Column::Id)
            .column(cases::Column::ChainLen)
            .column(cases::Column::ChainHead)
            .filter(cases::Column::Id.gt(after.clone()))
            .order_by_asc(cases::Column::Id)
            .limit(VERIFY_PAGE)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.0.clone();
        let ids: Vec<String> = page.iter().map(|(id, _, _)| id.clone()).collect();
        let rows = events::Entity::find()
            .filter(events::Column::CaseId.is_in(ids))
            .order_by_asc(events::Column::CaseId)
            .order_by_asc(events::Column::Seq)
            .all(db)
            .await?;
        total += rows.len();
        first_keyed = rows
            .iter()
            .filter(|r| chain::scheme_of(&r.hash) != Scheme::Plain)
            .map(|r| r.id)
            .chain(first_keyed)
            .min();
        let mut chains = rows.chunk_by(|a, b| a.case_id == b.case_id).peekable();
        for (id, len, head) in &page {
            let chain: &[events::Model] = match chains.peek() {
                Some(c) if c.first().is_some_and(|r| &r.case_id == id) => {
                    chains.next().unwrap_or_default()
                }
                _ => &[],
            };
            let found = verify_chain(chain, keys)
                .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
            if let Some(b) = found.or_else(|| verify_anchor(id, chain, *len, head)) {
                broken.push(b);
            }
        }
        done += page.len() as u64;
        progress(done, total);
    }
    if let Some(first) = first_keyed {
        broken.extend(plain_after_keyed(db, first).await?);
    }
    Ok((total, broken))
}

/// Most plain events after the first keyed one that are reported by name.
const DOWNGRADES_LISTED: u64 = 100;

/// Plain events stored after the first keyed one: once a key is configured every
/// event is keyed, so these were written (or re-hashed) by someone without it.
async fn plain_after_keyed(db: &impl ConnectionTrait, first: i64) -> Result<Vec<BrokenLink>> {
    use sea_orm::QuerySelect;
    let rows = events::Entity::find()
        .filter(events::Column::Id.gt(first))
        .filter(events::Column::Hash.not_like("hmac-sha256:%"))
        .order_by_asc(events::Column::Id)
        .limit(DOWNGRADES_LISTED)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| BrokenLink {
            case_id: r.case_id,
            seq: r.seq,
            event_id: r.id,
            reason: "it is hashed without the audit key although keyed events were written \
                     before it (written or re-hashed by someone without the key)"
                .into(),
        })
        .collect())
}
