//! Session rows (see `auth::session`): keyed by the SHA-256 of the cookie value.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::Result;
use crate::store::entities::sessions;

/// Store a new session.
pub async fn insert_session(db: &impl ConnectionTrait, row: sessions::Model) -> Result<()> {
    sessions::ActiveModel::from(row).insert(db).await?;
    Ok(())
}

/// A session by id (the cookie value's SHA-256).
pub async fn session(db: &impl ConnectionTrait, id: &str) -> Result<Option<sessions::Model>> {
    Ok(sessions::Entity::find_by_id(id.to_owned()).one(db).await?)
}

/// Move a session's expiry.
pub async fn extend_session(
    db: &impl ConnectionTrait,
    id: &str,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    sessions::Entity::update_many()
        .col_expr(
            sessions::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(expires_at),
        )
        .filter(sessions::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Delete a session.
pub async fn delete_session(db: &impl ConnectionTrait, id: &str) -> Result<()> {
    sessions::Entity::delete_by_id(id.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Delete every session of a user (password changed, user deactivated); how many.
pub async fn delete_sessions_of(db: &impl ConnectionTrait, user_id: &str) -> Result<u64> {
    let done = sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Delete sessions that ended before `now` (the worker may call this now and then).
pub async fn purge_expired_sessions(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    let done = sessions::Entity::delete_many()
        .filter(sessions::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}
