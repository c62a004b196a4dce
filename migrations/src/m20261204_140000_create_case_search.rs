//! The search index of cases: each case's search text as single characters and pairs
//! of neighbouring characters, so Chinese words of any length are found by index. On
//! SQLite an FTS5 table whose rowid is the case row's; on PostgreSQL a `text[]` column
//! with a GIN index. The server fills it for older cases at start, with who-acts.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("ALTER TABLE cases ADD COLUMN grams text[]")
                .await?;
            db.execute_unprepared("CREATE INDEX idx_cases_grams ON cases USING GIN (grams)")
                .await?;
        } else {
            db.execute_unprepared(
                "CREATE VIRTUAL TABLE case_search USING fts5(grams, tokenize = 'unicode61 remove_diacritics 0')",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("ALTER TABLE cases DROP COLUMN grams")
                .await?;
        } else {
            db.execute_unprepared("DROP TABLE case_search").await?;
        }
        Ok(())
    }
}
