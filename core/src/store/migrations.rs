//! Case migrations: the record of each run (so a stopped run is continued) and the
//! writes that move one case to a new definition version.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entities::{case_migrations, cases, deadlines};
use crate::error::Result;

/// A run still moving cases.
pub const RUNNING: &str = "running";
/// A run that visited every case.
pub const DONE: &str = "done";

/// The run of `programme` that has not finished, if any.
pub async fn running(
    db: &impl ConnectionTrait,
    programme: &str,
) -> Result<Option<case_migrations::Model>> {
    Ok(case_migrations::Entity::find()
        .filter(case_migrations::Column::Programme.eq(programme))
        .filter(case_migrations::Column::Status.eq(RUNNING))
        .order_by_asc(case_migrations::Column::StartedAt)
        .one(db)
        .await?)
}

/// The runs of `programme`, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    programme: &str,
    limit: u64,
) -> Result<Vec<case_migrations::Model>> {
    Ok(case_migrations::Entity::find()
        .filter(case_migrations::Column::Programme.eq(programme))
        .order_by_desc(case_migrations::Column::StartedAt)
        .limit(limit)
        .all(db)
        .await?)
}

/// Record a new run.
pub async fn start(
    db: &impl ConnectionTrait,
    programme: &str,
    to_version: i32,
    mapping: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<case_migrations::Model> {
    Ok(case_migrations::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        programme: Set(programme.to_owned()),
        to_version: Set(to_version),
        mapping: Set(mapping.to_owned()),
        status: Set(RUNNING.to_owned()),
        started_by: Set(by.to_owned()),
        started_at: Set(now),
        finished_at: Set(None),
        moved: Set(0),
        report: Set(None),
    }
    .insert(db)
    .await?)
}

/// Count one moved case (in that case's transaction).
pub async fn count_moved(db: &impl ConnectionTrait, id: &str) -> Result<()> {
    case_migrations::Entity::update_many()
        .col_expr(
            case_migrations::Column::Moved,
            Expr::col(case_migrations::Column::Moved).add(1),
        )
        .filter(case_migrations::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Mark a run done with its report; returns the row as stored.
pub async fn finish(
    db: &impl ConnectionTrait,
    id: &str,
    report: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    case_migrations::Entity::update_many()
        .col_expr(case_migrations::Column::Status, Expr::value(DONE))
        .col_expr(case_migrations::Column::FinishedAt, Expr::value(Some(now)))
        .col_expr(case_migrations::Column::Report, Expr::value(Some(report)))
        .filter(case_migrations::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Read a run again.
pub async fn get(db: &impl ConnectionTrait, id: &str) -> Result<Option<case_migrations::Model>> {
    Ok(case_migrations::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?)
}

/// Up to `limit` open cases of `programme` not on `version`, in id order after `after`.
pub async fn open_not_on(
    db: &impl ConnectionTrait,
    programme: &str,
    version: i32,
    after: Option<&str>,
    limit: u64,
) -> Result<Vec<cases::Model>> {
    let mut q = cases::Entity::find()
        .filter(cases::Column::Programme.eq(programme))
        .filter(cases::Column::Closed.eq(false))
        .filter(cases::Column::DefVersion.ne(version));
    if let Some(after) = after {
        q = q.filter(cases::Column::Id.gt(after));
    }
    Ok(q.order_by_asc(cases::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The running and paused deadline rows of `case_ids`.
pub async fn open_deadlines(
    db: &impl ConnectionTrait,
    case_ids: &[String],
) -> Result<Vec<deadlines::Model>> {
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(deadlines::Entity::find()
        .filter(deadlines::Column::CaseId.is_in(case_ids.iter().cloned()))
        .filter(
            deadlines::Column::Status.is_in([super::deadlines::RUNNING, super::deadlines::PAUSED]),
        )
        .order_by_asc(deadlines::Column::DueAt)
        .all(db)
        .await?)
}

/// Move a case row to its new version, state and data, with its new chain head;
/// `false` (nothing written) when the case moved since it was read.
pub async fn move_case(
    db: &impl ConnectionTrait,
    row: &cases::Model,
    expected: i64,
    expected_chain: i64,
) -> Result<bool> {
    let result = cases::Entity::update_many()
        .col_expr(cases::Column::DefVersion, Expr::value(row.def_version))
        .col_expr(cases::Column::DefHash, Expr::value(row.def_hash.clone()))
        .col_expr(cases::Column::State, Expr::value(row.state.clone()))
        .col_expr(cases::Column::Data, Expr::value(row.data.clone()))
        .col_expr(cases::Column::Search, Expr::value(row.search.clone()))
        .col_expr(cases::Column::Version, Expr::value(expected + 1))
        .col_expr(cases::Column::UpdatedAt, Expr::value(row.updated_at))
        .col_expr(cases::Column::ChainLen, Expr::value(row.chain_len))
        .col_expr(
            cases::Column::ChainHead,
            Expr::value(row.chain_head.clone()),
        )
        .filter(cases::Column::Id.eq(row.id.as_str()))
        .filter(cases::Column::Version.eq(expected))
        .filter(cases::Column::ChainLen.eq(expected_chain))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
