//! Deadlines and their ledger. Every change is a ledger row; a deadline's status and
//! due time are the fold of its rows, written back to the `deadlines` row only so
//! they can be queried and indexed.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    Statement,
};
use serde_json::{Value, json};

use super::entities::{deadline_ledger as ledger, deadlines};
use crate::calendar::Span;
use crate::engine::{DeadlineChange, OpenDeadline, Remaining};
use crate::error::{Error, Result};

/// Running: the clock is on.
pub const RUNNING: &str = "running";
/// Paused: the clock is off.
pub const PAUSED: &str = "paused";
/// Met on time.
pub const MET: &str = "met";
/// Met after it was due.
pub const LATE: &str = "late";
/// No longer applies.
pub const DROPPED: &str = "dropped";

/// The state of a deadline, folded from its ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct Folded {
    /// running, paused, met, late or dropped.
    pub status: String,
    /// Due time.
    pub due: DateTime<Utc>,
    /// Time left, while paused.
    pub remaining: Option<Remaining>,
    /// Whether it passed while running.
    pub breached: bool,
    /// When it closed.
    pub closed_at: Option<DateTime<Utc>>,
}

/// Fold ledger rows (oldest first) into the deadline's state.
pub fn fold(rows: &[ledger::Model]) -> Option<Folded> {
    let mut state: Option<Folded> = None;
    for row in rows {
        let detail: Value = serde_json::from_str(&row.detail).unwrap_or(Value::Null);
        let s = state.get_or_insert(Folded {
            status: RUNNING.into(),
            due: row.due_at.unwrap_or(row.at),
            remaining: None,
            breached: false,
            closed_at: None,
        });
        match row.kind.as_str() {
            "opened" | "resumed" | "extended" => {
                s.status = RUNNING.into();
                s.remaining = None;
                if let Some(due) = row.due_at {
                    s.due = due;
                }
            }
            "paused" => {
                s.status = PAUSED.into();
                s.remaining = serde_json::from_value(detail["remaining"].clone()).ok();
            }
            "breached" => s.breached = true,
            "met" | "late" | "dropped" => {
                s.status = row.kind.clone();
                s.closed_at = Some(row.at);
            }
            _ => {}
        }
    }
    state
}

async fn record(
    db: &impl ConnectionTrait,
    row_id: &str,
    kind: &str,
    at: DateTime<Utc>,
    due: Option<DateTime<Utc>>,
    detail: Value,
    actor: &str,
) -> Result<()> {
    ledger::ActiveModel {
        deadline_row: Set(row_id.to_owned()),
        at: Set(at),
        kind: Set(kind.to_owned()),
        due_at: Set(due),
        detail: Set(detail.to_string()),
        actor: Set(actor.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let rows = ledger::Entity::find()
        .filter(ledger::Column::DeadlineRow.eq(row_id))
        .order_by_asc(ledger::Column::Id)
        .all(db)
        .await?;
    let Some(f) = fold(&rows) else { return Ok(()) };
    let Some(existing) = deadlines::Entity::find_by_id(row_id.to_owned())
        .one(db)
        .await?
    else {
        return Err(Error::Internal(format!("deadline row {row_id} vanished")));
    };
    let mut active: deadlines::ActiveModel = existing.into();
    active.status = Set(f.status);
    active.due_at = Set(f.due);
    active.breached = Set(f.breached);
    active.remaining = Set(f.remaining.map(|r| json!(r).to_string()));
    active.closed_at = Set(f.closed_at);
    active.update(db).await?;
    Ok(())
}

/// Write an action's deadline changes for a case.
pub async fn apply(
    db: &impl ConnectionTrait,
    case_id: &str,
    changes: &[DeadlineChange],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    for change in changes {
        match change {
            DeadlineChange::Opened { id, due, span } => {
                let row_id = uuid::Uuid::now_v7().to_string();
                deadlines::ActiveModel {
                    id: Set(row_id.clone()),
                    case_id: Set(case_id.to_owned()),
                    deadline_id: Set(id.clone()),
                    span: Set(json!(span).to_string()),
                    opened_at: Set(now),
                    due_at: Set(*due),
                    status: Set(RUNNING.into()),
                    breached: Set(false),
                    remaining: Set(None),
                    closed_at: Set(None),
                    claimed_by: Set(None),
                    claimed_until: Set(None),
                    escalation: Set(None),
                }
                .insert(db)
                .await?;
                record(
                    db,
                    &row_id,
                    "opened",
                    now,
                    Some(*due),
                    json!({ "span": span }),
                    actor,
                )
                .await?;
            }
            other => {
                let (id, kind, due, detail) = match other {
                    DeadlineChange::Met { id, late } => {
                        (id, if *late { LATE } else { MET }, None, json!({}))
                    }
                    DeadlineChange::Dropped { id } => (id, DROPPED, None, json!({})),
                    DeadlineChange::Paused { id, remaining } => {
                        (id, "paused", None, json!({ "remaining": remaining }))
                    }
                    DeadlineChange::Resumed { id, due } => (id, "resumed", Some(*due), json!({})),
                    DeadlineChange::Extended { id, by, due } => {
                        (id, "extended", Some(*due), json!({ "by": by }))
                    }
                    DeadlineChange::Opened { .. } => continue,
                };
                for row in open_rows(db, case_id)
                    .await?
                    .into_iter()
                    .filter(|r| &r.deadline_id == id)
                {
                    record(db, &row.id, kind, now, due, detail.clone(), actor).await?;
                }
            }
        }
    }
    Ok(())
}

/// A case's deadline rows that are running or paused.
pub async fn open_rows(db: &impl ConnectionTrait, case_id: &str) -> Result<Vec<deadlines::Model>> {
    Ok(deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case_id))
        .filter(deadlines::Column::Status.is_in([RUNNING, PAUSED]))
        .order_by_asc(deadlines::Column::DueAt)
        .all(db)
        .await?)
}

/// The open rows (running or paused) among a case's deadline rows, earliest due first,
/// as [`open_rows`] reads them.
pub fn open_of(all: &[deadlines::Model]) -> Vec<deadlines::Model> {
    let mut open: Vec<_> = all
        .iter()
        .filter(|d| d.status == RUNNING || d.status == PAUSED)
        .cloned()
        .collect();
    open.sort_by_key(|d| d.due_at);
    open
}

/// Every deadline row of a case, open or closed.
pub async fn all_rows(db: &impl ConnectionTrait, case_id: &str) -> Result<Vec<deadlines::Model>> {
    Ok(deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.eq(case_id))
        .order_by_asc(deadlines::Column::OpenedAt)
        .all(db)
        .await?)
}

/// The ledger of a deadline row.
pub async fn ledger_of(db: &impl ConnectionTrait, row_id: &str) -> Result<Vec<ledger::Model>> {
    Ok(ledger::Entity::find()
        .filter(ledger::Column::DeadlineRow.eq(row_id))
        .order_by_asc(ledger::Column::Id)
        .all(db)
        .await?)
}

/// Open deadline rows as the engine sees them.
pub fn to_engine(rows: &[deadlines::Model]) -> Vec<OpenDeadline> {
    rows.iter()
        .filter_map(|r| {
            let span: Span = serde_json::from_str(&r.span).ok()?;
            Some(OpenDeadline {
                id: r.deadline_id.clone(),
                due: r.due_at,
                span,
                opened_at: r.opened_at,
                paused: r
                    .remaining
                    .as_deref()
                    .and_then(|s| serde_json::from_str(s).ok()),
                breached: r.breached,
            })
        })
        .collect()
}

/// The earliest due time among a case's running deadlines.
pub fn next_due(rows: &[deadlines::Model]) -> Option<DateTime<Utc>> {
    rows.iter()
        .filter(|r| r.status == RUNNING)
        .map(|r| r.due_at)
        .min()
}

/// Claim up to `limit` running deadlines that have passed and are not yet marked
/// breached, for `lease` seconds. Servers sharing one PostgreSQL skip each other's
/// claims (`FOR UPDATE SKIP LOCKED`), so each deadline is handled by one of them.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    node: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<String>> {
    let backend = db.get_database_backend();
    let postgres = super::is_postgres(db);
    let lock = if postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    // Numbered parameters, so `now` is bound once and used twice.
    let sql = super::numbered_for(
        postgres,
        &format!(
            "UPDATE deadlines SET claimed_by = ?1, claimed_until = ?2 WHERE id IN (\
             SELECT id FROM deadlines WHERE status = 'running' AND breached = false AND due_at <= ?3 \
             AND (claimed_until IS NULL OR claimed_until < ?3) ORDER BY due_at LIMIT ?4{lock}) RETURNING id"
        ),
    );
    let values: Vec<sea_orm::Value> = vec![
        node.into(),
        (now + lease).into(),
        now.into(),
        (limit as i64).into(),
    ];
    let stmt = Statement::from_sql_and_values(backend, sql, values);
    let rows = db.query_all_raw(stmt).await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "id").map_err(Error::from))
        .collect()
}

/// Mark a claimed deadline breached, once: true only for the claimant that does it.
pub async fn mark_breached(
    db: &impl ConnectionTrait,
    row_id: &str,
    node: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let row = deadlines::Entity::find_by_id(row_id.to_owned())
        .one(db)
        .await?;
    let Some(row) = row else { return Ok(false) };
    if row.breached || row.status != RUNNING || row.claimed_by.as_deref() != Some(node) {
        return Ok(false);
    }
    let result = deadlines::Entity::update_many()
        .col_expr(
            deadlines::Column::Breached,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(deadlines::Column::Id.eq(row_id))
        .filter(deadlines::Column::Breached.eq(false))
        .filter(deadlines::Column::ClaimedBy.eq(node))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    record(db, row_id, "breached", now, None, json!({}), "system").await?;
    Ok(true)
}

/// Record where a deadline's automatic action stands (`pending`, `done`, `refused`).
pub async fn set_escalation(db: &impl ConnectionTrait, row_id: &str, status: &str) -> Result<()> {
    deadlines::Entity::update_many()
        .col_expr(
            deadlines::Column::Escalation,
            sea_orm::sea_query::Expr::value(status),
        )
        .filter(deadlines::Column::Id.eq(row_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Claim up to `limit` deadlines whose automatic action is still pending and whose last
/// claim has run out, for `lease`; servers sharing one PostgreSQL skip each other's.
pub async fn claim_pending_escalations(
    db: &impl ConnectionTrait,
    node: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<String>> {
    let backend = db.get_database_backend();
    let postgres = super::is_postgres(db);
    let lock = if postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = super::numbered_for(
        postgres,
        &format!(
            "UPDATE deadlines SET claimed_by = ?1, claimed_until = ?2 WHERE id IN (\
             SELECT id FROM deadlines WHERE escalation = 'pending' \
             AND (claimed_until IS NULL OR claimed_until < ?3) ORDER BY due_at LIMIT ?4{lock}) RETURNING id"
        ),
    );
    let values: Vec<sea_orm::Value> = vec![
        node.into(),
        (now + lease).into(),
        now.into(),
        (limit as i64).into(),
    ];
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "id").map_err(Error::from))
        .collect()
}
