//! Browser sessions: signing in with a password, the `anjuan_session` cookie, its
//! CSRF token, sliding expiry, signing out.
//!
//! The cookie holds 32 random bytes (base64url); the `sessions` row is keyed by their
//! SHA-256, so a copy of the database does not let anyone sign in. A session lasts
//! `config.session_hours` from its last use. The cookie itself has no `Max-Age`: it
//! ends when the browser closes, and the server decides expiry.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use super::token::{digest, random_secret};
use super::{limiter, password};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::entities::{sessions, users};
use crate::store::identity;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "anjuan_session";
/// Expiry is pushed forward at most this often (not on every request).
const SLIDE_EVERY: Duration = Duration::seconds(60);

/// A session just opened: the only time its cookie value is known.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The cookie value.
    pub cookie: String,
    /// The session row id (SHA-256 of the cookie value).
    pub id: String,
    /// The CSRF token the client sends back in `X-CSRF-Token` (API) or `_csrf` (forms).
    pub csrf: String,
    /// When it ends unless used.
    pub expires_at: DateTime<Utc>,
}

fn lifetime(hours: i64) -> Duration {
    Duration::hours(hours.max(1))
}

/// Open a session for a user.
pub async fn create(db: &impl ConnectionTrait, user_id: &str, hours: i64) -> Result<NewSession> {
    let cookie = random_secret(32);
    let now = Utc::now();
    let session = NewSession {
        id: digest(&cookie),
        csrf: random_secret(32),
        expires_at: now + lifetime(hours),
        cookie,
    };
    identity::insert_session(
        db,
        sessions::Model {
            id: session.id.clone(),
            user_id: user_id.to_owned(),
            csrf: session.csrf.clone(),
            created_at: now,
            expires_at: session.expires_at,
        },
    )
    .await?;
    Ok(session)
}

/// The live session for a cookie value, its expiry pushed forward; an expired
/// session is deleted and `None` returned.
pub async fn lookup(
    db: &impl ConnectionTrait,
    cookie: &str,
    hours: i64,
    now: DateTime<Utc>,
) -> Result<Option<sessions::Model>> {
    if cookie.is_empty() || cookie.len() > 128 {
        return Ok(None);
    }
    let Some(mut row) = identity::session(db, &digest(cookie)).await? else {
        return Ok(None);
    };
    if row.expires_at <= now {
        identity::delete_session(db, &row.id).await?;
        return Ok(None);
    }
    let renewed = now + lifetime(hours);
    if renewed - row.expires_at >= SLIDE_EVERY {
        identity::extend_session(db, &row.id, renewed).await?;
        row.expires_at = renewed;
    }
    Ok(Some(row))
}

/// End a session (sign out).
pub async fn end(db: &impl ConnectionTrait, session_id: &str) -> Result<()> {
    identity::delete_session(db, session_id).await
}

/// The `Set-Cookie` value that stores a new session in the browser; `Secure` when the
/// server is configured so or the request came over TLS through a trusted proxy.
pub fn set_cookie(config: &Config, session: &NewSession, https: bool) -> String {
    let secure = if config.secure_cookies || https {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax{secure}",
        session.cookie
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(config: &Config, https: bool) -> String {
    let secure = if config.secure_cookies || https {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// A sign-in attempt.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    /// User name as typed.
    pub username: &'a str,
    /// Password as typed.
    pub password: &'a str,
    /// The client's address, when known (the rate limit counts per address too).
    pub client: Option<IpAddr>,
}

fn limiter_keys(attempt: &Attempt<'_>) -> Vec<String> {
    let mut keys = vec![format!("user:{}", attempt.username.trim().to_lowercase())];
    if let Some(ip) = attempt.client {
        keys.push(format!("addr:{ip}"));
    }
    keys
}

/// Check a user name and password and open a session. A user name longer than any
/// user may have is refused before anything is looked up or counted; too many recent
/// failures for the name or the client address is [`Error::RateLimited`]; a wrong
/// name or password (or an inactive user) is [`Error::Unauthenticated`], the same
/// answer in the same time for each. The try is counted before the password is
/// hashed, so parallel guesses cannot outrun the limit.
pub async fn login(state: &AppState, attempt: Attempt<'_>) -> Result<(users::Model, NewSession)> {
    if attempt.username.trim().len() > limiter::MAX_USERNAME_BYTES {
        return Err(crate::error::bad_request(
            "username",
            format!(
                "a user name has at most {} bytes",
                limiter::MAX_USERNAME_BYTES
            ),
        ));
    }
    let keys = limiter_keys(&attempt);
    let user_key = keys.first().cloned().unwrap_or_default();
    let reservation = limiter::reserve(&state.db, keys, Utc::now()).await?;
    let user = identity::user_by_username(&state.db, attempt.username.trim()).await?;
    let user = check_password(user, attempt.password.to_owned()).await?;
    let Some(user) = user else {
        // The tries stay taken: they were failures.
        return Err(Error::Unauthenticated);
    };
    limiter::succeeded(&state.db, reservation, &user_key).await?;
    let session = create(&state.db, &user.id, state.config.session_hours).await?;
    Ok((user, session))
}

/// The user when the password matches and the user may sign in, off the async
/// workers (Argon2 is slow on purpose).
async fn check_password(
    user: Option<users::Model>,
    password: String,
) -> Result<Option<users::Model>> {
    tokio::task::spawn_blocking(move || {
        let stored = user
            .as_ref()
            .filter(|u| u.active)
            .and_then(|u| u.password_hash.clone());
        match stored {
            Some(hash) if password::verify(&password, &hash) => user,
            Some(_) => None,
            None => {
                password::dummy_verify(&password);
                None
            }
        }
    })
    .await
    .map_err(|e| Error::Internal(format!("password check: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::identity::tests::{databases, user};

    #[tokio::test]
    async fn a_session_is_found_by_its_cookie_and_slides() {
        for db in databases().await {
            let u = user(&db, "alice").await;
            let s = create(&db, &u.id, 12).await.unwrap();
            assert_ne!(s.id, s.cookie, "only the hash is stored");
            let later = Utc::now() + Duration::hours(11);
            let row = lookup(&db, &s.cookie, 12, later).await.unwrap().unwrap();
            assert_eq!(row.user_id, u.id);
            assert_eq!(row.csrf, s.csrf);
            assert!(row.expires_at > s.expires_at, "used sessions last longer");
            // 11 + 12 hours later it is still alive, because it was used at 11.
            let much_later = later + Duration::hours(11);
            assert!(
                lookup(&db, &s.cookie, 12, much_later)
                    .await
                    .unwrap()
                    .is_some()
            );
            assert!(lookup(&db, "wrong", 12, later).await.unwrap().is_none());
        }
    }

    #[tokio::test]
    async fn an_expired_session_is_gone() {
        for db in databases().await {
            let u = user(&db, "bob").await;
            let s = create(&db, &u.id, 1).await.unwrap();
            let after = Utc::now() + Duration::hours(2);
            assert!(lookup(&db, &s.cookie, 1, after).await.unwrap().is_none());
            assert!(identity::session(&db, &s.id).await.unwrap().is_none());
            assert!(
                lookup(&db, &s.cookie, 1, Utc::now())
                    .await
                    .unwrap()
                    .is_none()
            );
        }
    }

    #[tokio::test]
    async fn ending_a_session_signs_out() {
        for db in databases().await {
            let u = user(&db, "carol").await;
            let s = create(&db, &u.id, 12).await.unwrap();
            end(&db, &s.id).await.unwrap();
            assert!(
                lookup(&db, &s.cookie, 12, Utc::now())
                    .await
                    .unwrap()
                    .is_none()
            );
        }
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_when_asked() {
        let mut config = crate::config::ServeArgs::default().resolve().unwrap();
        let s = NewSession {
            cookie: "abc".into(),
            id: "x".into(),
            csrf: "y".into(),
            expires_at: Utc::now(),
        };
        let c = set_cookie(&config, &s, false);
        assert_eq!(c, "anjuan_session=abc; Path=/; HttpOnly; SameSite=Lax");
        assert!(
            set_cookie(&config, &s, true).ends_with("; Secure"),
            "over TLS through a trusted proxy"
        );
        config.secure_cookies = true;
        assert!(set_cookie(&config, &s, false).ends_with("; Secure"));
        assert!(clear_cookie(&config, false).contains("Max-Age=0"));
    }

    #[test]
    fn the_limiter_counts_per_name_and_per_address() {
        let a = Attempt {
            username: " Alice ",
            password: "",
            client: Some(IpAddr::from([10, 0, 0, 1])),
        };
        assert_eq!(limiter_keys(&a), ["user:alice", "addr:10.0.0.1"]);
    }
}
