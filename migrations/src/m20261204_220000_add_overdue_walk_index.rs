//! The due order of one programme's cases held per overdue flag, so that the list of
//! overdue cases and the list of the others each walk only their own cases (with one
//! index of the due order alone, a list of cases not overdue passed every overdue case
//! first, since those are due earliest). A list with neither filter walks both and
//! merges them. It replaces the index of the due order alone.
//!
//! On PostgreSQL the number order (per programme and across them) is held in the `C`
//! collation, byte by byte, as the server merges and compares case numbers: with a
//! database collation that orders by language (`en_US`, `zh_CN`), the database and the
//! server would disagree on the order and a page boundary could skip or repeat a case.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE INDEX idx_cases_walk_overdue_due ON cases \
     (programme, overdue, (next_due IS NULL), next_due, created_at DESC, id DESC)",
    "DROP INDEX idx_cases_walk_due",
];

const DOWN: &[&str] = &[
    "CREATE INDEX idx_cases_walk_due ON cases \
     (programme, (next_due IS NULL), next_due, created_at DESC, id DESC)",
    "DROP INDEX idx_cases_walk_overdue_due",
];

const UP_POSTGRES: &[&str] = &[
    "CREATE INDEX idx_cases_walk_number_c ON cases (programme, number COLLATE \"C\")",
    "CREATE INDEX idx_cases_all_number_c ON cases (number COLLATE \"C\")",
    "DROP INDEX idx_cases_walk_number",
];

const DOWN_POSTGRES: &[&str] = &[
    "CREATE INDEX idx_cases_walk_number ON cases (programme, number)",
    "DROP INDEX idx_cases_walk_number_c",
    "DROP INDEX idx_cases_all_number_c",
];

async fn run(
    m: &SchemaManager<'_>,
    all: &[&str],
    postgres: &[&str],
    created: &str,
) -> Result<(), DbErr> {
    let db = m.get_connection();
    for sql in all {
        db.execute_unprepared(sql).await?;
    }
    if m.get_database_backend() == DatabaseBackend::Postgres {
        for sql in postgres {
            db.execute_unprepared(sql).await?;
        }
    } else if m.has_table("sqlite_stat1").await? {
        // A database analyzed before holds statistics for every index but the new
        // one; SQLite then takes the new one for very selective and walks a whole
        // programme with it (seconds at a million cases, for orders it does not hold).
        db.execute_unprepared(&format!("ANALYZE {created}")).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, UP, UP_POSTGRES, "idx_cases_walk_overdue_due").await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, DOWN, DOWN_POSTGRES, "idx_cases_walk_due").await
    }
}
