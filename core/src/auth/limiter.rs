//! The login rate limit: after too many failures for one user name or one client
//! address within a window, further attempts wait.
//!
//! The counts live in the database (`login_limits`), so every server on it and a
//! restart see the same limit. An attempt is counted *before* its password is hashed:
//! [`reserve`] takes one try from each key's allowance in one atomic statement, so
//! thirty parallel guesses get at most [`MAX_FAILURES`] real tries. A refused attempt
//! records nothing, and a successful one gives its tries back; what a table row costs
//! is bounded by the allowance of each client address, and the worker deletes rows
//! whose window has passed ([`purge`]).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, Statement};

use crate::error::{Error, Result};

/// Failures allowed per key within [`WINDOW`].
pub const MAX_FAILURES: i64 = 5;
/// The window over which failures count, from the first failure.
pub const WINDOW: Duration = Duration::seconds(300);
/// The longest user name a sign-in considers; longer names are refused before
/// anything is looked up or recorded.
pub const MAX_USERNAME_BYTES: usize = 150;

/// Tries taken from the keys' allowances by [`reserve`]; give them back with
/// [`succeeded`] when the password was right.
#[derive(Debug)]
pub struct Reservation {
    keys: Vec<String>,
}

/// Take one try from each key; `Err(RateLimited)` (nothing recorded) when any key has
/// none left.
pub async fn reserve(
    db: &impl ConnectionTrait,
    keys: Vec<String>,
    now: DateTime<Utc>,
) -> Result<Reservation> {
    let postgres = crate::store::is_postgres(db);
    let backend = db.get_database_backend();
    let cutoff = now - WINDOW;
    let take = crate::store::numbered_for(
        postgres,
        "INSERT INTO login_limits (key, failures, window_start) VALUES (?1, 1, ?2) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN login_limits.window_start <= ?3 THEN 1 ELSE login_limits.failures + 1 END, \
           window_start = CASE WHEN login_limits.window_start <= ?3 THEN ?2 ELSE login_limits.window_start END \
         WHERE login_limits.window_start <= ?3 OR login_limits.failures < ?4 \
         RETURNING failures",
    );
    let mut taken = Vec::new();
    for key in &keys {
        let stmt = Statement::from_sql_and_values(
            backend,
            take.clone(),
            [
                key.clone().into(),
                now.into(),
                cutoff.into(),
                MAX_FAILURES.into(),
            ],
        );
        if db.query_one_raw(stmt).await?.is_some() {
            taken.push(key.clone());
            continue;
        }
        // This key has no tries left: give back what was taken from the others, and
        // say how long until its window ends.
        give_back(db, &taken).await?;
        let stmt = Statement::from_sql_and_values(
            backend,
            crate::store::numbered_for(
                postgres,
                "SELECT window_start FROM login_limits WHERE key = ?1",
            ),
            [key.clone().into()],
        );
        let start = match db.query_one_raw(stmt).await? {
            Some(row) => row.try_get::<DateTime<Utc>>("", "window_start")?,
            None => now,
        };
        let wait = (start + WINDOW - now).num_seconds().max(1);
        return Err(Error::RateLimited {
            retry_after: wait as u64,
        });
    }
    Ok(Reservation { keys: taken })
}

async fn give_back(db: &impl ConnectionTrait, keys: &[String]) -> Result<()> {
    let postgres = crate::store::is_postgres(db);
    for key in keys {
        let stmt = Statement::from_sql_and_values(
            db.get_database_backend(),
            crate::store::numbered_for(
                postgres,
                "UPDATE login_limits SET failures = failures - 1 WHERE key = ?1 AND failures > 0",
            ),
            [key.clone().into()],
        );
        db.execute_raw(stmt).await?;
    }
    Ok(())
}

/// The password was right: the user name's failures are forgotten and the other keys
/// (the client address) get this try back.
pub async fn succeeded(
    db: &impl ConnectionTrait,
    reservation: Reservation,
    user_key: &str,
) -> Result<()> {
    let others: Vec<String> = reservation
        .keys
        .into_iter()
        .filter(|k| k != user_key)
        .collect();
    give_back(db, &others).await?;
    clear(db, user_key).await
}

/// Forget every failure of a key (an administrator's reset, a successful sign-in).
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<()> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        crate::store::numbered_for(
            crate::store::is_postgres(db),
            "DELETE FROM login_limits WHERE key = ?1",
        ),
        [key.to_owned().into()],
    );
    db.execute_raw(stmt).await?;
    Ok(())
}

/// Delete the rows whose window has passed; returns how many.
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        crate::store::numbered_for(
            crate::store::is_postgres(db),
            "DELETE FROM login_limits WHERE window_start <= ?1",
        ),
        [(now - WINDOW).into()],
    );
    Ok(db.execute_raw(stmt).await?.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::identity::tests::databases;

    #[tokio::test]
    async fn blocks_after_too_many_failures_and_clears_on_success() {
        for db in databases().await {
            let now = Utc::now();
            for _ in 0..MAX_FAILURES {
                reserve(&db, vec!["user:u".into()], now).await.unwrap();
            }
            let refused = reserve(&db, vec!["user:u".into()], now).await;
            assert!(matches!(refused, Err(Error::RateLimited { .. })));
            assert!(reserve(&db, vec!["user:other".into()], now).await.is_ok());
            clear(&db, "user:u").await.unwrap();
            assert!(reserve(&db, vec!["user:u".into()], now).await.is_ok());
            // A window that has passed starts again.
            for _ in 0..MAX_FAILURES {
                let _ = reserve(&db, vec!["addr:a".into()], now).await;
            }
            let later = now + WINDOW + Duration::seconds(1);
            assert!(reserve(&db, vec!["addr:a".into()], later).await.is_ok());
        }
    }

    #[tokio::test]
    async fn a_refused_attempt_records_nothing_and_gives_back_other_keys() {
        for db in databases().await {
            let now = Utc::now();
            for _ in 0..MAX_FAILURES {
                reserve(&db, vec!["addr:x".into()], now).await.unwrap();
            }
            for _ in 0..20 {
                let r = reserve(&db, vec!["user:fresh".into(), "addr:x".into()], now).await;
                assert!(r.is_err());
            }
            // `user:fresh` was given back each time: all its tries are left.
            for _ in 0..MAX_FAILURES {
                reserve(&db, vec!["user:fresh".into()], now).await.unwrap();
            }
        }
    }

    #[tokio::test]
    async fn expired_windows_are_purged() {
        for db in databases().await {
            let then = Utc::now() - WINDOW - Duration::seconds(5);
            reserve(&db, vec!["user:old".into()], then).await.unwrap();
            reserve(&db, vec!["user:new".into()], Utc::now())
                .await
                .unwrap();
            assert_eq!(purge(&db, Utc::now()).await.unwrap(), 1);
        }
    }
}
