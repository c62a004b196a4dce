//! API token rows (see `auth::token`): only the token's SHA-256 is stored.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::{check_text, refuse_if_any};
use crate::error::{Error, Result};
use crate::store::entities::api_tokens;

/// A token's name says what it is for: not blank, at most 100 characters.
pub fn check_token_name(name: &str) -> Result<()> {
    let mut out = Vec::new();
    check_text(&mut out, "/name", name, 100);
    refuse_if_any(out)
}

/// Store a new token.
pub async fn insert_token(db: &impl ConnectionTrait, row: api_tokens::Model) -> Result<()> {
    api_tokens::ActiveModel::from(row).insert(db).await?;
    Ok(())
}

/// A token by the SHA-256 of its secret.
pub async fn token_by_hash(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<api_tokens::Model>> {
    Ok(api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(hash))
        .one(db)
        .await?)
}

/// A token by id.
pub async fn token(db: &impl ConnectionTrait, id: &str) -> Result<Option<api_tokens::Model>> {
    Ok(api_tokens::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?)
}

/// Tokens of one user, or of everyone; newest first.
pub async fn tokens(
    db: &impl ConnectionTrait,
    user_id: Option<&str>,
) -> Result<Vec<api_tokens::Model>> {
    let mut q = api_tokens::Entity::find().order_by_desc(api_tokens::Column::CreatedAt);
    if let Some(u) = user_id {
        q = q.filter(api_tokens::Column::UserId.eq(u));
    }
    Ok(q.all(db).await?)
}

/// Revoke a token (kept, marked revoked, so the list shows it).
pub async fn revoke_token(db: &impl ConnectionTrait, id: &str) -> Result<()> {
    let done = api_tokens::Entity::update_many()
        .col_expr(
            api_tokens::Column::Revoked,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(api_tokens::Column::Id.eq(id))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(Error::NotFound(format!("token {id}")));
    }
    Ok(())
}

/// Revoke every token of a user (a password reset, a deactivation).
pub async fn revoke_tokens_of(db: &impl ConnectionTrait, user_id: &str) -> Result<u64> {
    let done = api_tokens::Entity::update_many()
        .col_expr(
            api_tokens::Column::Revoked,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(api_tokens::Column::UserId.eq(user_id))
        .filter(api_tokens::Column::Revoked.eq(false))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Record that a token was used.
pub async fn touch_token(db: &impl ConnectionTrait, id: &str, at: DateTime<Utc>) -> Result<()> {
    api_tokens::Entity::update_many()
        .col_expr(
            api_tokens::Column::LastUsedAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .filter(api_tokens::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
