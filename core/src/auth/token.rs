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

/// How long a token works unless its issuer asks otherwise.
pub const DEFAULT_DAYS: u32 = 90;

/// The longest life a token may be given (ten years).
pub const MAX_DAYS: u32 = 3650;

/// A token to issue.
#[derive(Debug, Clone, Copy)]
pub struct NewToken<'a> {
    /// The user it acts as.
    pub user_id: &'a str,
    /// What it is for.
    pub name: &'a str,
    /// Who issues it (none from the command line).
    pub issued_by: Option<&'a str>,
    /// Days it works: [`DEFAULT_DAYS`] when none, 1 to [`MAX_DAYS`].
    pub days: Option<u32>,
}

/// Issue a token for a user; `name` says what it is for. It works [`DEFAULT_DAYS`].
pub async fn issue(
    db: &impl sea_orm::ConnectionTrait,
    user_id: &str,
    name: &str,
) -> Result<Issued> {
    let new = NewToken {
        user_id,
        name,
        issued_by: None,
        days: None,
    };
    issue_token(db, new).await
}

/// Issue a token as [`NewToken`] says.
pub async fn issue_token(db: &impl sea_orm::ConnectionTrait, new: NewToken<'_>) -> Result<Issued> {
    let NewToken {
        user_id,
        name,
        issued_by,
        days,
    } = new;
    identity::check_token_name(name)?;
    let days = days.unwrap_or(DEFAULT_DAYS);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(Error::Invalid(vec![crate::error::Violation {
            layer: None,
            field: "/expires_in_days".into(),
            code: "out-of-range".into(),
            message: crate::workflow::model::I18n {
                zh: format!("有效期为 1 至 {MAX_DAYS} 天"),
                en: format!("a token works 1 to {MAX_DAYS} days"),
            },
        }]));
    }
    if identity::user(db, user_id).await?.is_none() {
        return Err(Error::NotFound(format!("user {user_id}")));
    }
    let token = generate();
    let now = Utc::now();
    let row = api_tokens::Model {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user_id.to_owned(),
        name: name.trim().to_owned(),
        token_hash: digest(&token),
        created_at: now,
        last_used_at: None,
        revoked: false,
        expires_at: Some(now + chrono::Duration::days(i64::from(days))),
        issued_by: issued_by.map(str::to_owned),
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
    if row.revoked || row.expires_at.is_some_and(|t| t <= now) {
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
            let later = now + chrono::Duration::days(i64::from(DEFAULT_DAYS) + 1);
            assert!(
                authenticate(&db, &issued.token, later)
                    .await
                    .unwrap()
                    .is_none(),
                "a token expires after {DEFAULT_DAYS} days by default"
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
