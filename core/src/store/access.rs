//! The access log: every read that showed sensitive fields unmasked.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entities::access_log;
use crate::error::Result;

/// Record that `user` read `fields` of a case, via `api`, `ui` or `export`.
pub async fn record(
    db: &impl ConnectionTrait,
    user: &str,
    case_id: &str,
    fields: &[String],
    via: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    access_log::ActiveModel {
        at: Set(at),
        user_id: Set(user.to_owned()),
        case_id: Set(case_id.to_owned()),
        fields: Set(fields.join(",")),
        via: Set(via.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The most recent entries, optionally for one case.
pub async fn list(
    db: &impl ConnectionTrait,
    case_id: Option<&str>,
    limit: u64,
) -> Result<Vec<access_log::Model>> {
    let mut q = access_log::Entity::find();
    if let Some(c) = case_id {
        q = q.filter(access_log::Column::CaseId.eq(c));
    }
    Ok(q.order_by_desc(access_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
