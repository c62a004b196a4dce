//! Case migrations: one row per run of moving a programme's open cases to a new
//! definition version, so a run that stopped half-way (a crash, a restart) is found
//! and continued with the same mapping, and its report survives.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = |n: &str| Alias::new(n);
        m.create_table(
            Table::create()
                .table(c("case_migrations"))
                .col(string(c("id")).primary_key())
                .col(string(c("programme")))
                .col(integer(c("to_version")))
                .col(text(c("mapping")))
                .col(string(c("status")))
                .col(string(c("started_by")))
                .col(timestamp_with_time_zone(c("started_at")))
                .col(timestamp_with_time_zone_null(c("finished_at")))
                .col(big_integer(c("moved")).default(0))
                .col(text_null(c("report")))
                .to_owned(),
        )
        .await?;
        // At most one unfinished run per programme: two administrators starting at
        // once get one run, the second continues it.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX case_migrations_one_running ON case_migrations (programme) \
                 WHERE status = 'running'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(Alias::new("case_migrations"))
                .to_owned(),
        )
        .await
    }
}
