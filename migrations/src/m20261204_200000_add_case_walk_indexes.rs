//! Indexes that hold the case list's every sort order with the case id last, so a page
//! is a walk along one of them that stops after its rows, and the next page starts
//! after the last row's key (no offset to skip):
//! - per programme, for callers who read some programmes at some places: one walk per
//!   (programme, place), the place checked on the way;
//! - across programmes, for callers who read everything; these replace the earlier
//!   sort indexes, which lacked the id that breaks ties.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE INDEX idx_cases_walk_due ON cases \
     (programme, (next_due IS NULL), next_due, created_at DESC, id DESC)",
    "CREATE INDEX idx_cases_walk_created ON cases (programme, created_at, id)",
    "CREATE INDEX idx_cases_walk_updated ON cases (programme, updated_at, id)",
    "CREATE INDEX idx_cases_walk_number ON cases (programme, number)",
    "CREATE INDEX idx_cases_all_due ON cases ((next_due IS NULL), next_due, created_at DESC, id DESC)",
    "CREATE INDEX idx_cases_all_created ON cases (created_at, id)",
    "CREATE INDEX idx_cases_all_updated ON cases (updated_at, id)",
    "DROP INDEX idx_cases_due_order",
    "DROP INDEX idx_cases_created",
    "DROP INDEX idx_cases_updated",
];

const DOWN: &[&str] = &[
    "CREATE INDEX idx_cases_due_order ON cases ((next_due IS NULL), next_due, created_at DESC)",
    "CREATE INDEX idx_cases_created ON cases (created_at)",
    "CREATE INDEX idx_cases_updated ON cases (updated_at)",
    "DROP INDEX idx_cases_walk_due",
    "DROP INDEX idx_cases_walk_created",
    "DROP INDEX idx_cases_walk_updated",
    "DROP INDEX idx_cases_walk_number",
    "DROP INDEX idx_cases_all_due",
    "DROP INDEX idx_cases_all_created",
    "DROP INDEX idx_cases_all_updated",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for sql in UP {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for sql in DOWN {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
