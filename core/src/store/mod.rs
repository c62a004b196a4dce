//! Persistence with sea-orm, on SQLite (the default, embedded) or PostgreSQL.
//!
//! Query functions take `&impl ConnectionTrait` so they run the same inside a
//! transaction. The store never decides: the engine does, the store records.
//!
//! # Layout
//! - [`entities`]: one sea-orm entity per table.
//! - [`definitions`]: stored versions of workflow files.
//! - [`cases`], [`events`], [`deadlines`]: a case, its hash-chained events and its deadline ledger;
//!   [`case_walk`]: the case list read along an index in its order, page after page;
//!   `case_scan`: the same with a word to find (walked where it is common, else narrowed).
//! - [`chain`], [`checkpoints`]: how audit hashes are made (plain or keyed), and the
//!   periodic checkpoint over every case's chain head that detects a deleted case.
//! - [`identity`]: users, org units, role grants, sessions, API tokens.
//! - [`files`]: uploaded files and the case each is attached to.
//! - [`tasks`]: who can move each open case on, kept with the case: the inbox.
//! - [`plugin_counts`]: the counts plugins declare, along indexes kept for them.
//! - [`notifications`], [`access`], [`idempotency`]: the rest.

pub mod access;
mod case_scan;
pub mod case_walk;
pub mod cases;
pub mod chain;
pub mod checkpoints;
pub mod deadlines;
pub mod definitions;
pub mod entities;
pub mod events;
pub mod files;
pub mod idempotency;
pub mod identity;
pub mod migrations;
pub mod notifications;
pub mod plugin_counts;
pub mod search;
pub mod tasks;

use std::time::Duration;

use anjuan_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};

use crate::error::Result;

/// Connect and bring the schema up to date.
pub async fn connect(url: &str) -> Result<DatabaseConnection> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or(path);
        if let Some(dir) = std::path::Path::new(file).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                crate::error::Error::Internal(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .max_connections(if url.starts_with("sqlite") { 8 } else { 16 })
        .acquire_timeout(Duration::from_secs(10))
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    let db = Database::connect(options).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

/// The writer's own connection to a SQLite database (already migrated by
/// [`connect`]): one connection, so one task owns SQLite's single write lock. `None`
/// for PostgreSQL, where writes run on the pool.
pub async fn connect_writer(url: &str) -> Result<Option<DatabaseConnection>> {
    if !url.starts_with("sqlite") {
        return Ok(None);
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .min_connections(1)
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .idle_timeout(None)
        .max_lifetime(None)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    Ok(Some(Database::connect(options).await?))
}

/// Begin a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`IMMEDIATE`), waiting for it as long as the busy timeout allows. A deferred
/// transaction that reads first and writes later is refused at once ("database is
/// locked", no waiting) when another connection committed between its read and its
/// write, and the writer commits every few milliseconds under load: the worker's
/// escalations and an administrator's edits failed that way. PostgreSQL ignores the
/// mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    Ok(db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?)
}

/// Whether the database is PostgreSQL.
pub fn is_postgres(db: &impl sea_orm::ConnectionTrait) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}

/// The count a statement answers in its column `n` (0 when it answers no row).
pub async fn count_n(db: &impl sea_orm::ConnectionTrait, stmt: sea_orm::Statement) -> Result<u64> {
    let n = db
        .query_one_raw(stmt)
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Hand-written SQL with its parameters numbered `?1`, `?2`… as `db` numbers them:
/// unchanged on SQLite, `$1`, `$2`… on PostgreSQL.
pub fn numbered(db: &impl sea_orm::ConnectionTrait, sql: &str) -> String {
    numbered_for(is_postgres(db), sql)
}

/// [`numbered`] when the backend is already known.
pub fn numbered_for(postgres: bool, sql: &str) -> String {
    if !postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn parameters_are_numbered_for_each_database() {
        let sql = "UPDATE t SET a = ?1, b = ?12 WHERE c = ?2 AND d <> '?'";
        assert_eq!(super::numbered_for(false, sql), sql);
        assert_eq!(
            super::numbered_for(true, sql),
            "UPDATE t SET a = $1, b = $12 WHERE c = $2 AND d <> '?'"
        );
    }

    /// `.cargo/config.toml` builds SQLite with the query planner stability guarantee, so
    /// a statement is not parsed and planned again each time its `LIMIT ?` is bound.
    #[tokio::test]
    async fn sqlite_keeps_a_statement_s_plan_whatever_is_bound() {
        use sea_orm::{ConnectionTrait, Statement};
        let db = sea_orm::Database::connect("sqlite::memory:")
            .await
            .expect("in-memory SQLite");
        let row = db
            .query_one_raw(Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "SELECT count(*) AS n FROM pragma_compile_options \
                 WHERE compile_options = 'ENABLE_QPSG'",
            ))
            .await
            .expect("compile options")
            .expect("one row");
        let n: i64 = row.try_get("", "n").expect("a count");
        assert_eq!(n, 1, "SQLite was built without SQLITE_ENABLE_QPSG");
    }

    /// A transaction that reads, then writes after another connection asked to write,
    /// still commits: [`super::begin_write`] holds SQLite's write lock from the start, so
    /// the other connection waits for it instead of committing in between (which would
    /// refuse the first one's write with "database is locked").
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_transaction_that_reads_first_is_not_refused_by_another_writer() {
        use sea_orm::{ConnectionTrait, Statement};
        let dir = std::env::temp_dir().join(format!("anjuan-test-begin-{}", uuid::Uuid::now_v7()));
        let url = format!("sqlite://{}/anjuan.db?mode=rwc", dir.display());
        let db = super::connect(&url).await.expect("database");
        let other = super::connect_writer(&url)
            .await
            .expect("second connection")
            .expect("SQLite");
        let sql = |s: &str| Statement::from_string(sea_orm::DbBackend::Sqlite, s.to_owned());
        db.execute_raw(sql("CREATE TABLE t (n INTEGER)"))
            .await
            .expect("table");
        let txn = super::begin_write(&db).await.expect("begin");
        txn.query_all_raw(sql("SELECT n FROM t"))
            .await
            .expect("read");
        let writer = tokio::spawn(async move {
            other
                .execute_raw(sql("INSERT INTO t VALUES (2)"))
                .await
                .map(|_| ())
        });
        // Give the other connection time to ask for the lock (it waits, it does not fail).
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        txn.execute_raw(sql("INSERT INTO t VALUES (1)"))
            .await
            .expect("the write after the read");
        txn.commit().await.expect("commit");
        writer
            .await
            .expect("task")
            .expect("the other write, after ours");
        let rows = db
            .query_all_raw(sql("SELECT n FROM t ORDER BY rowid"))
            .await
            .expect("rows");
        let got: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get("", "n").expect("n"))
            .collect();
        assert_eq!(got, [1, 2]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
