//! Notifications stored per user (delivery by mail or webhook may come later).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::entities::{cases, notifications};
use crate::error::Result;
use crate::workflow::model::I18n;

/// Store one notification for each user.
pub async fn send(
    db: &impl ConnectionTrait,
    users: &[String],
    case_id: Option<&str>,
    kind: &str,
    message: &I18n,
    at: DateTime<Utc>,
) -> Result<()> {
    for user in users {
        notifications::ActiveModel {
            user_id: Set(user.clone()),
            case_id: Set(case_id.map(str::to_owned)),
            at: Set(at),
            kind: Set(kind.to_owned()),
            message_zh: Set(message.zh.clone()),
            message_en: Set(message.en.clone()),
            read_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A user's notifications, newest first by when they happened (`at`; ids only break
/// ties, since a notification may be stored after a later one, by a worker catching up).
pub async fn list(
    db: &impl ConnectionTrait,
    user: &str,
    unread_only: bool,
    limit: u64,
) -> Result<Vec<notifications::Model>> {
    let mut q = notifications::Entity::find().filter(notifications::Column::UserId.eq(user));
    if unread_only {
        q = q.filter(notifications::Column::ReadAt.is_null());
    }
    Ok(q.order_by_desc(notifications::Column::At)
        .order_by_desc(notifications::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The cases these notifications concern, by id (one query, for their numbers and
/// summaries).
pub async fn cases_of(
    db: &impl ConnectionTrait,
    notes: &[notifications::Model],
) -> Result<HashMap<String, cases::Model>> {
    let mut ids: Vec<&str> = notes.iter().filter_map(|n| n.case_id.as_deref()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(cases::Entity::find()
        .filter(cases::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect())
}

/// How many notifications a user has not read (one count query, for the navigation).
pub async fn unread_count(db: &impl ConnectionTrait, user: &str) -> Result<u64> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user))
        .filter(notifications::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Mark a user's notifications read (all, or those with these ids).
pub async fn mark_read(
    db: &impl ConnectionTrait,
    user: &str,
    ids: Option<&[i64]>,
    at: DateTime<Utc>,
) -> Result<u64> {
    let mut q = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(at))
        .filter(notifications::Column::UserId.eq(user))
        .filter(notifications::Column::ReadAt.is_null());
    if let Some(ids) = ids {
        q = q.filter(notifications::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(q.exec(db).await?.rows_affected)
}
