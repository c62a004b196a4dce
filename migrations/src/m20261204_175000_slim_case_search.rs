//! A leaner search index on SQLite, merged when the writer is idle.
//!
//! The index is rebuilt as a contentless FTS5 table (`content=''`) that supports
//! deletes (`contentless_delete=1`) and keeps no token positions (`detail=none`): a
//! case's grams are never read back (its text is on the case row), deleting a case's old
//! grams no longer re-reads and re-tokenises them, and a search only asks whether a case
//! has every gram of the query, never where. Each action that changes a case's search
//! text writes less, and there is less to merge.
//!
//! FTS5's own merging after every write (`automerge`) is turned off: on a county of a
//! million cases it walked large segments inside the writer's group commit, where every
//! action waits. FTS5 still merges at once when a level holds 16 segments
//! (`crisismerge`), which bounds the index; the server's writer merges the rest in small
//! steps whenever it has been idle for a moment (`store::search::merge_step`).
//!
//! The new table starts empty: the server puts every case back in at start, as it does
//! for cases written before the index existed (`service::worker::backfill`).
//! PostgreSQL's GIN index needs nothing here.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DatabaseBackend::Sqlite {
            let db = m.get_connection();
            db.execute_unprepared("DROP TABLE case_search").await?;
            db.execute_unprepared(
                "CREATE VIRTUAL TABLE case_search USING fts5(grams, content = '', \
                 contentless_delete = 1, detail = none, \
                 tokenize = 'unicode61 remove_diacritics 0')",
            )
            .await?;
            db.execute_unprepared(
                "INSERT INTO case_search (case_search, rank) VALUES ('automerge', 0)",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DatabaseBackend::Sqlite {
            let db = m.get_connection();
            db.execute_unprepared("DROP TABLE case_search").await?;
            db.execute_unprepared(
                "CREATE VIRTUAL TABLE case_search USING fts5(grams, tokenize = 'unicode61 remove_diacritics 0')",
            )
            .await?;
        }
        Ok(())
    }
}
