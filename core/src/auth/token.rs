//! API tokens for machines: `anj_` followed by 32 random bytes (base64url), shown
//! once when issued; only the token's SHA-256 is stored. A token acts as its user,
//! with the user's grants, until it is revoked or the user is deactivated.
//!
//! [`digest`] and [`random_secret`] also serve the session cookie.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::entities::api_tokens;
use crate::store::identity;

/// Every token starts with this, so a leaked one is easy to recognise and scan for.
pub const PREFIX: &str = "anj_";
/// `last_used_at` is written at most this often per token.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// SHA-256 hex of a secret (session cookie value or API token): only this is stored.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// `bytes` random bytes from the operating system's CSPRNG (via rand's thread RNG),
/// base64url without padding.
pub fn random_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::fill(&mut buf[..]);
    URL_SAFE_NO_PAD.encode(&buf)
}

/// A fresh token: `anj_` + 32 random bytes.
pub fn generate() -> String {
    format!("{PREFIX}{}", random_secret(32))
}

/// A token just issued: the only time its secret is known.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The secret, to show once.
    pub token: String,
    /// The stored row (hash only).
    pub row: api_tokens::Model,
}

/// Issue a token for a user; `name` says what it is for.
pub async fn issue(
    db: &impl sea_orm::ConnectionTrait,
    user_id: &str,
    name: &str,
) -> Result<Issued> {
    identity::check_token_name(name)?;
    if identity::user(db, user_id).await?.is_none() {
        return Err(Error::NotFound(format!("user {user_id}")));
    }
    let token = generate();
    let row = api_tokens::Model {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user_id.to_owned(),
        name: name.trim().to_owned(),
        token_hash: digest(&token),
        created_at: Utc::now(),
        last_used_at: None,
        revoked: false,
    };
    identity::insert_token(db, row.clone()).await?;
    Ok(Issued { token, row })
}

/// The live token row for a presented token, recording its use; `None` when the
/// token is unknown, malformed or revoked.
pub async fn authenticate(
    db: &impl sea_orm::ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<api_tokens::Model>> {
    let token = token.trim();
    if !token.starts_with(PREFIX) || token.len() > 256 {
        return Ok(None);
    }
    let Some(row) = identity::token_by_hash(db, &digest(token)).await? else {
        return Ok(None);
    };
    if row.revoked {
        return Ok(None);
    }
    if row.last_used_at.is_none_or(|t| now - t >= TOUCH_EVERY) {
        identity::touch_token(db, &row.id, now).await?;
    }
    Ok(Some(row))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::identity::tests::{databases, user};

    #[test]
    fn tokens_are_prefixed_random_and_hashed() {
        let a = generate();
        let b = generate();
        assert!(a.starts_with(PREFIX));
        assert_eq!(a.len(), PREFIX.len() + 43);
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), digest(&b));
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[tokio::test]
    async fn an_issued_token_authenticates_until_revoked() {
        for db in databases().await {
            let u = user(&db, "machine").await;
            let issued = issue(&db, &u.id, "nightly export").await.unwrap();
            assert_ne!(
                issued.row.token_hash, issued.token,
                "only the hash is stored"
            );
            let now = Utc::now();
            let row = authenticate(&db, &issued.token, now)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.user_id, u.id);
            let stored = identity::token(&db, &row.id).await.unwrap().unwrap();
            assert!(stored.last_used_at.is_some());
            assert!(authenticate(&db, "anj_wrong", now).await.unwrap().is_none());
            assert!(
                authenticate(&db, &issued.token[4..], now)
                    .await
                    .unwrap()
                    .is_none()
            );
            identity::revoke_token(&db, &row.id).await.unwrap();
            assert!(
                authenticate(&db, &issued.token, now)
                    .await
                    .unwrap()
                    .is_none()
            );
        }
    }

    #[tokio::test]
    async fn a_token_needs_a_name_and_a_user() {
        for db in databases().await {
            let u = user(&db, "named").await;
            assert!(matches!(
                issue(&db, &u.id, "  ").await,
                Err(Error::Invalid(_))
            ));
            assert!(matches!(
                issue(&db, "nobody", "x").await,
                Err(Error::NotFound(_))
            ));
        }
    }
}
