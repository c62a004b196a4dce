//! Audit checkpoints: a periodic, chained record of every case's chain head, so that
//! deleting a whole case (its row and all its events), or cutting a chain below what
//! a checkpoint saw, is detected although no chain is left to show it.
//!
//! `audit_checkpoint_cases` keeps one row per case: its chain length and head as of
//! the checkpoint that last saw it change. Each `audit_checkpoints` row sums those
//! rows up (how many cases, how many events, and a hash of the set: the sum modulo
//! 2²⁵⁶ of each row's hash, so a checkpoint only visits the cases that changed since
//! the one before), and is hashed together with the previous checkpoint's hash. With
//! an audit key every hash is an HMAC ([`super::chain`]), so a database writer
//! without the key can neither drop a row nor re-sum the set.
//!
//! A checkpoint runs in one transaction and visits only the cases with events newer
//! than the checkpoint before the last one (the overlap covers transactions still
//! open when that one was taken); the first one copies every case in one statement.
//! Verifying reads the checkpoint rows and the case rows a page at a time.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult, Statement};
use serde_json::json;

use super::chain::{self, AuditKeys, ChainKey, Scheme, SetSum};
use super::events::GENESIS;
use crate::error::{Error, Result};

/// Rows read per query.
const PAGE: u64 = 1000;

/// One checkpoint row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// 1, 2, 3, … with no gap.
    pub seq: i64,
    /// When it was taken.
    pub taken_at: DateTime<Utc>,
    /// Cases it covers.
    pub case_count: i64,
    /// Events it covers (the sum of the chain lengths).
    pub event_count: i64,
    /// The largest event row id when it was taken: where the next one but one starts.
    pub events_upto: i64,
    /// The hash of the set of (case, length, head) rows, as hex.
    pub digest: String,
    /// The previous checkpoint's hash ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// This row's hash (names its scheme and key, see [`chain::stored`]).
    pub hash: String,
}

impl Checkpoint {
    fn canonical(&self) -> String {
        json!([
            self.prev_hash,
            self.seq,
            self.taken_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            self.case_count,
            self.event_count,
            self.events_upto,
            self.digest,
        ])
        .to_string()
    }

    fn from_row(r: &QueryResult) -> Result<Checkpoint> {
        Ok(Checkpoint {
            seq: r.try_get("", "seq")?,
            taken_at: r.try_get("", "taken_at")?,
            case_count: r.try_get("", "case_count")?,
            event_count: r.try_get("", "event_count")?,
            events_upto: r.try_get("", "events_upto")?,
            digest: r.try_get("", "digest")?,
            prev_hash: r.try_get("", "prev_hash")?,
            hash: r.try_get("", "hash")?,
        })
    }
}

/// The hash of one case's row in the set.
fn member(key: Option<&ChainKey>, case_id: &str, len: i64, head: &str) -> [u8; 32] {
    chain::raw(key, json!([case_id, len, head]).to_string().as_bytes())
}

/// `sql` with `?N` placeholders, as the database writes them.
fn stmt(db: &impl ConnectionTrait, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), super::numbered(db, sql), values)
}

const SELECT: &str = "SELECT seq, taken_at, case_count, event_count, events_upto, digest, \
                      prev_hash, hash FROM audit_checkpoints";

/// The newest checkpoint, if any.
pub async fn last(db: &impl ConnectionTrait) -> Result<Option<Checkpoint>> {
    let s = stmt(db, &format!("{SELECT} ORDER BY seq DESC LIMIT 1"), vec![]);
    db.query_one_raw(s)
        .await?
        .map(|r| Checkpoint::from_row(&r))
        .transpose()
}

async fn by_seq(db: &impl ConnectionTrait, seq: i64) -> Result<Option<Checkpoint>> {
    let s = stmt(db, &format!("{SELECT} WHERE seq = ?1"), vec![seq.into()]);
    db.query_one_raw(s)
        .await?
        .map(|r| Checkpoint::from_row(&r))
        .transpose()
}

/// What taking a checkpoint did.
#[derive(Debug, Clone, Default)]
pub struct Taken {
    /// The new checkpoint's number.
    pub seq: i64,
    /// Cases it covers.
    pub case_count: i64,
    /// Events it covers.
    pub event_count: i64,
    /// Cases recorded anew or moved on since the last one.
    pub changed: u64,
    /// Cases whose chain no longer continues what the last checkpoint saw; their old
    /// record is kept (as evidence) and `audit verify` reports them.
    pub suspicious: Vec<String>,
}

/// The running sums of a checkpoint being taken.
struct Sums {
    set: SetSum,
    cases: i64,
    events: i64,
}

/// Take a checkpoint, signed with the current key of `keys` (plain without keys).
/// Refuses when the last checkpoint does not verify, so tampering is never folded
/// into a new checkpoint.
pub async fn take(db: &DatabaseConnection, keys: Option<&AuditKeys>) -> Result<Taken> {
    take_unless_newer(db, keys, None)
        .await?
        .ok_or_else(|| Error::Internal("no checkpoint was taken".into()))
}

/// Take a checkpoint unless the last one was taken after `newer_than` (another
/// server took it meanwhile); see [`take`].
pub async fn take_unless_newer(
    db: &DatabaseConnection,
    keys: Option<&AuditKeys>,
    newer_than: Option<DateTime<Utc>>,
) -> Result<Option<Taken>> {
    let key = keys.map(AuditKeys::current);
    // Most calls find a recent checkpoint: no transaction, no lock for them.
    if let (Some(l), Some(t)) = (last(db).await?, newer_than)
        && l.taken_at > t
    {
        return Ok(None);
    }
    let txn = super::begin_write(db).await?;
    // One checkpoint at a time, across servers: PostgreSQL locks the table (readers
    // go on); SQLite takes its write lock with this first (empty) write.
    let lock = if super::is_postgres(&txn) {
        "LOCK TABLE audit_checkpoints IN EXCLUSIVE MODE"
    } else {
        "DELETE FROM audit_checkpoints WHERE seq < 0"
    };
    txn.execute_unprepared(lock).await?;
    let upto: i64 = txn
        .query_one_raw(stmt(
            &txn,
            "SELECT COALESCE(MAX(id), 0) AS m FROM events",
            vec![],
        ))
        .await?
        .map(|r| r.try_get("", "m"))
        .transpose()?
        .unwrap_or(0);
    let last = last(&txn).await?;
    if let (Some(l), Some(t)) = (&last, newer_than)
        && l.taken_at > t
    {
        return Ok(None);
    }
    let seq = last.as_ref().map_or(1, |l| l.seq + 1);
    let mut taken = Taken {
        seq,
        ..Taken::default()
    };
    let sums = match &last {
        None => first(&txn, key).await?,
        Some(l) => {
            let mut sums = carry_over(&txn, l, keys).await?;
            let from = match by_seq(&txn, l.seq - 1).await? {
                Some(before) => before.events_upto,
                None => l.events_upto,
            };
            moved_on(&txn, key, from, seq, &mut sums, &mut taken).await?;
            sums
        }
    };
    if last.is_none() {
        taken.changed = sums.cases as u64;
    }
    let mut cp = Checkpoint {
        seq,
        taken_at: Utc::now().trunc_subsecs(6),
        case_count: sums.cases,
        event_count: sums.events,
        events_upto: upto,
        digest: sums.set.hex(),
        prev_hash: last.map_or_else(|| GENESIS.to_owned(), |l| l.hash),
        hash: String::new(),
    };
    cp.hash = chain::stored(key, cp.canonical().as_bytes());
    txn.execute_raw(stmt(
        &txn,
        "INSERT INTO audit_checkpoints (seq, taken_at, case_count, event_count, events_upto, \
         digest, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        vec![
            cp.seq.into(),
            cp.taken_at.into(),
            cp.case_count.into(),
            cp.event_count.into(),
            cp.events_upto.into(),
            cp.digest.clone().into(),
            cp.prev_hash.clone().into(),
            cp.hash.clone().into(),
        ],
    ))
    .await?;
    txn.commit().await?;
    (taken.case_count, taken.event_count) = (sums.cases, sums.events);
    Ok(Some(taken))
}

/// The first checkpoint: every case as it stands, copied in one statement.
async fn first(db: &impl ConnectionTrait, key: Option<&ChainKey>) -> Result<Sums> {
    let left: i64 = db
        .query_one_raw(stmt(
            db,
            "SELECT COUNT(*) AS n FROM audit_checkpoint_cases",
            vec![],
        ))
        .await?
        .map(|r| r.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    if left > 0 {
        return Err(Error::Internal(
            "audit checkpoint records exist but no checkpoint does: the checkpoints were \
             deleted; run `anjuan audit verify`"
                .into(),
        ));
    }
    db.execute_raw(stmt(
        db,
        "INSERT INTO audit_checkpoint_cases (case_id, chain_len, chain_head, checkpoint_seq) \
         SELECT id, chain_len, chain_head, 1 FROM cases",
        vec![],
    ))
    .await?;
    sum_members(db, key).await
}

/// The sums of the last checkpoint, checked: its own hash, and when it was signed
/// with another key (or none), its set summed again under that key before it is
/// summed under the current one.
async fn carry_over(
    db: &impl ConnectionTrait,
    last: &Checkpoint,
    keys: Option<&AuditKeys>,
) -> Result<Sums> {
    let key = keys.map(AuditKeys::current);
    let signed_with = chain::key_for(chain::scheme_of(&last.hash), keys)
        .map_err(|e| Error::Internal(e.to_string()))?;
    if chain::stored(signed_with, last.canonical().as_bytes()) != last.hash {
        return Err(Error::Internal(format!(
            "audit checkpoint {} does not match its hash; no new checkpoint is taken until \
             `anjuan audit verify` has been looked into",
            last.seq
        )));
    }
    let parsed = parse_sum(&last.digest);
    if signed_with.map(ChainKey::id) == key.map(ChainKey::id) {
        return Ok(Sums {
            set: parsed,
            cases: last.case_count,
            events: last.event_count,
        });
    }
    let before = sum_members(db, signed_with).await?;
    if before.set != parsed || before.cases != last.case_count || before.events != last.event_count
    {
        return Err(Error::Internal(format!(
            "the case records of audit checkpoint {} were changed; no new checkpoint is taken \
             until `anjuan audit verify` has been looked into",
            last.seq
        )));
    }
    sum_members(db, key).await
}

fn parse_sum(hex_text: &str) -> SetSum {
    let mut bytes = [0u8; 32];
    if let Ok(v) = hex::decode(hex_text)
        && v.len() == 32
    {
        bytes.copy_from_slice(&v);
    }
    SetSum::from_bytes(bytes)
}

/// Sum every case record under `key`, a page at a time.
async fn sum_members(db: &impl ConnectionTrait, key: Option<&ChainKey>) -> Result<Sums> {
    let mut sums = Sums {
        set: SetSum::default(),
        cases: 0,
        events: 0,
    };
    let mut after = String::new();
    loop {
        let rows = db
            .query_all_raw(stmt(
                db,
                &format!(
                    "SELECT case_id, chain_len, chain_head FROM audit_checkpoint_cases \
                     WHERE case_id > ?1 ORDER BY case_id LIMIT {PAGE}"
                ),
                vec![after.clone().into()],
            ))
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("", "case_id")?;
        for r in &rows {
            let (id, len, head): (String, i64, String) = (
                r.try_get("", "case_id")?,
                r.try_get("", "chain_len")?,
                r.try_get("", "chain_head")?,
            );
            sums.set.add(&member(key, &id, len, &head));
            sums.cases += 1;
            sums.events += len;
        }
    }
    Ok(sums)
}

/// Record the cases with events after row `from` whose chain moved on.
async fn moved_on(
    db: &impl ConnectionTrait,
    key: Option<&ChainKey>,
    from: i64,
    seq: i64,
    sums: &mut Sums,
    taken: &mut Taken,
) -> Result<()> {
    let mut after = from;
    loop {
        let rows = db
            .query_all_raw(stmt(
                db,
                &format!("SELECT id, case_id FROM events WHERE id > ?1 ORDER BY id LIMIT {PAGE}"),
                vec![after.into()],
            ))
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("", "id")?;
        let mut ids = rows
            .iter()
            .map(|r| r.try_get::<String>("", "case_id"))
            .collect::<Result<Vec<_>, _>>()?;
        ids.sort();
        ids.dedup();
        let marks = (1..=ids.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let cases = db
            .query_all_raw(stmt(
                db,
                &format!(
                    "SELECT c.id, c.chain_len, c.chain_head, cp.chain_len AS cp_len, \
                     cp.chain_head AS cp_head, e.hash AS at_cp \
                     FROM cases c \
                     LEFT JOIN audit_checkpoint_cases cp ON cp.case_id = c.id \
                     LEFT JOIN events e ON e.case_id = c.id AND e.seq = cp.chain_len \
                     WHERE c.id IN ({marks})"
                ),
                ids.into_iter().map(Into::into).collect(),
            ))
            .await?;
        for c in &cases {
            record(db, key, seq, c, sums, taken).await?;
        }
    }
    Ok(())
}

/// Record one case's chain head if it continues what was recorded before.
async fn record(
    db: &impl ConnectionTrait,
    key: Option<&ChainKey>,
    seq: i64,
    c: &QueryResult,
    sums: &mut Sums,
    taken: &mut Taken,
) -> Result<()> {
    let id: String = c.try_get("", "id")?;
    let len: i64 = c.try_get("", "chain_len")?;
    let head: String = c.try_get("", "chain_head")?;
    let before: Option<i64> = c.try_get("", "cp_len")?;
    let before_head: Option<String> = c.try_get("", "cp_head")?;
    let at_before: Option<String> = c.try_get("", "at_cp")?;
    match (before, before_head) {
        (Some(n), Some(h)) if n == len && h == head => return Ok(()),
        (Some(n), Some(h)) if n < len && at_before.as_deref() == Some(h.as_str()) => {
            sums.set.sub(&member(key, &id, n, &h));
            sums.events -= n;
        }
        (Some(_), _) => {
            tracing::error!(case = %id, "a case's chain does not continue what the last audit checkpoint saw");
            taken.suspicious.push(id);
            return Ok(());
        }
        (None, _) => sums.cases += 1,
    }
    sums.set.add(&member(key, &id, len, &head));
    sums.events += len;
    taken.changed += 1;
    db.execute_raw(stmt(
        db,
        "INSERT INTO audit_checkpoint_cases (case_id, chain_len, chain_head, checkpoint_seq) \
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (case_id) DO UPDATE SET \
         chain_len = excluded.chain_len, chain_head = excluded.chain_head, \
         checkpoint_seq = excluded.checkpoint_seq",
        vec![id.into(), len.into(), head.into(), seq.into()],
    ))
    .await?;
    Ok(())
}

/// Something `audit verify` found wrong with the checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The case it concerns, if one.
    pub case_id: Option<String>,
    /// What is wrong.
    pub reason: String,
}

/// What verifying the checkpoints found.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    /// The newest checkpoint (`None` when none was taken yet).
    pub last: Option<Checkpoint>,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// Case records checked against the cases.
    pub cases: u64,
    /// Everything wrong.
    pub problems: Vec<Problem>,
}

/// How often verifying starts over when a checkpoint is taken meanwhile.
const VERIFY_TRIES: usize = 3;

/// Verify the chain of checkpoints, that the case records add up to the newest one,
/// and that every case it records is still there with at least as many events and
/// the same event at the recorded length. A page at a time; an error when a hash
/// needs a key that was not given.
pub async fn verify(db: &impl ConnectionTrait, keys: Option<&AuditKeys>) -> Result<Verified> {
    let mut tries = 0;
    loop {
        tries += 1;
        let mut v = verify_chain(db, keys).await?;
        let Some(last) = v.last.clone() else {
            let left = db
                .query_one_raw(stmt(
                    db,
                    "SELECT COUNT(*) AS n FROM audit_checkpoint_cases",
                    vec![],
                ))
                .await?
                .map(|r| r.try_get::<i64>("", "n"))
                .transpose()?
                .unwrap_or(0);
            if left > 0 {
                v.problems.push(Problem {
                    case_id: None,
                    reason: format!(
                        "{left} checkpointed case record(s) exist but no checkpoint does (the \
                         checkpoints were deleted)"
                    ),
                });
            }
            return Ok(v);
        };
        let key = chain::key_for(chain::scheme_of(&last.hash), keys)
            .map_err(|e| Error::Internal(e.to_string()))?;
        let sums = check_members(db, key, &mut v).await?;
        let now = self::last(db).await?.map(|c| c.seq);
        if now != Some(last.seq) && tries < VERIFY_TRIES {
            continue;
        }
        if sums.set.hex() != last.digest
            || sums.cases != last.case_count
            || sums.events != last.event_count
        {
            v.problems.push(Problem {
                case_id: None,
                reason: format!(
                    "the checkpointed case records ({} cases, {} events) do not add up to \
                     checkpoint {} ({} cases, {} events): records were changed, added or deleted",
                    sums.cases, sums.events, last.seq, last.case_count, last.event_count
                ),
            });
        }
        return Ok(v);
    }
}

/// Check each checkpoint's hash and its link to the one before.
async fn verify_chain(db: &impl ConnectionTrait, keys: Option<&AuditKeys>) -> Result<Verified> {
    let mut v = Verified::default();
    let mut prev: Option<Checkpoint> = None;
    loop {
        let after = prev.as_ref().map_or(0, |p| p.seq);
        let rows = db
            .query_all_raw(stmt(
                db,
                &format!("{SELECT} WHERE seq > ?1 ORDER BY seq LIMIT {PAGE}"),
                vec![after.into()],
            ))
            .await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let cp = Checkpoint::from_row(r)?;
            let scheme = chain::scheme_of(&cp.hash);
            let key = chain::key_for(scheme, keys).map_err(|e| Error::Internal(e.to_string()))?;
            let mut wrong = |reason: String| {
                v.problems.push(Problem {
                    case_id: None,
                    reason: format!("checkpoint {}: {reason}", cp.seq),
                })
            };
            if cp.seq != after_seq(&prev) + 1 {
                wrong(format!(
                    "expected checkpoint {} next (checkpoints were deleted)",
                    after_seq(&prev) + 1
                ));
            }
            let expected_prev = prev.as_ref().map_or(GENESIS, |p| p.hash.as_str());
            if cp.prev_hash != expected_prev {
                wrong("its link to the previous checkpoint does not match".into());
            }
            if prev
                .as_ref()
                .is_some_and(|p| chain::scheme_of(&p.hash) != Scheme::Plain)
                && scheme == Scheme::Plain
            {
                wrong("it is not keyed although the one before is".into());
            }
            if chain::stored(key, cp.canonical().as_bytes()) != cp.hash {
                wrong("its content does not match its hash (the row was changed)".into());
            }
            v.checkpoints += 1;
            prev = Some(cp);
        }
    }
    v.last = prev;
    Ok(v)
}

fn after_seq(prev: &Option<Checkpoint>) -> i64 {
    prev.as_ref().map_or(0, |p| p.seq)
}

/// Sum the case records under `key` and check each against its case.
async fn check_members(
    db: &impl ConnectionTrait,
    key: Option<&ChainKey>,
    v: &mut Verified,
) -> Result<Sums> {
    let mut sums = Sums {
        set: SetSum::default(),
        cases: 0,
        events: 0,
    };
    let mut after = String::new();
    loop {
        let rows = db
            .query_all_raw(stmt(
                db,
                &format!(
                    "SELECT cp.case_id, cp.chain_len, cp.chain_head, cp.checkpoint_seq, \
                     c.id AS found, c.chain_len AS now_len, e.hash AS at_cp \
                     FROM audit_checkpoint_cases cp \
                     LEFT JOIN cases c ON c.id = cp.case_id \
                     LEFT JOIN events e ON e.case_id = cp.case_id AND e.seq = cp.chain_len \
                     WHERE cp.case_id > ?1 ORDER BY cp.case_id LIMIT {PAGE}"
                ),
                vec![after.clone().into()],
            ))
            .await?;
        let Some(end) = rows.last() else { break };
        after = end.try_get("", "case_id")?;
        for r in &rows {
            let id: String = r.try_get("", "case_id")?;
            let len: i64 = r.try_get("", "chain_len")?;
            let head: String = r.try_get("", "chain_head")?;
            let seen_in: i64 = r.try_get("", "checkpoint_seq")?;
            let found: Option<String> = r.try_get("", "found")?;
            let now_len: Option<i64> = r.try_get("", "now_len")?;
            let at_cp: Option<String> = r.try_get("", "at_cp")?;
            sums.set.add(&member(key, &id, len, &head));
            sums.cases += 1;
            sums.events += len;
            v.cases += 1;
            let reason = match (found, now_len) {
                (None, _) => Some(format!(
                    "the case is missing: checkpoint {seen_in} saw it with {len} event(s) \
                     (it was deleted)"
                )),
                (Some(_), Some(n)) if n < len => Some(format!(
                    "it has {n} event(s) but checkpoint {seen_in} saw {len} (events were deleted)"
                )),
                _ if at_cp.as_deref() != Some(head.as_str()) => Some(format!(
                    "its event {len} is not the one checkpoint {seen_in} saw (the chain was \
                     rewritten or cut)"
                )),
                _ => None,
            };
            if let Some(reason) = reason {
                v.problems.push(Problem {
                    case_id: Some(id),
                    reason,
                });
            }
        }
    }
    Ok(sums)
}
