//! `Idempotency-Key`: the first answer to a request is kept, and a retry with the
//! same key gets it again instead of applying the action twice. A key is honoured
//! for [`KEEP_HOURS`]; the worker forgets older ones.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use super::entities::idempotency_keys as keys;
use crate::error::{Error, Result};

/// Hours a key and its answer are kept.
pub const KEEP_HOURS: i64 = 24;

/// A fingerprint of the request a key was used for.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

/// The stored answer for `(user, key)`: `Ok(Some((status, body)))` when the same
/// request was answered before, an error when the key was used for another request.
pub async fn lookup(
    db: &impl ConnectionTrait,
    user: &str,
    key: &str,
    request: &str,
) -> Result<Option<(u16, String)>> {
    let row = keys::Entity::find_by_id((user.to_owned(), key.to_owned()))
        .one(db)
        .await?;
    match row {
        None => Ok(None),
        Some(r) if r.request_hash == request => {
            Ok(Some((u16::try_from(r.status).unwrap_or(200), r.response)))
        }
        Some(_) => Err(Error::IdempotencyMismatch),
    }
}

/// Keep the answer (inside the action's transaction, so both or neither are stored).
pub async fn store(
    db: &impl ConnectionTrait,
    user: &str,
    key: &str,
    request: &str,
    status: u16,
    body: &str,
) -> Result<()> {
    keys::ActiveModel {
        user_id: Set(user.to_owned()),
        key: Set(key.to_owned()),
        request_hash: Set(request.to_owned()),
        status: Set(i32::from(status)),
        response: Set(body.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Forget keys used more than [`KEEP_HOURS`] before `now`; returns how many.
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    let done = keys::Entity::delete_many()
        .filter(keys::Column::CreatedAt.lt(now - Duration::hours(KEEP_HOURS)))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}
