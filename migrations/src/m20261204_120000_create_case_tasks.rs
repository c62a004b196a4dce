//! Who can move each open case on, decided when the case is written: one row per
//! (case, role). The inbox lists and counts from here by role and place, so it needs
//! no case loaded one by one, and the list and its count cannot disagree.
//!
//! `cases.actors` keeps the same roles on the case row (comma-separated; NULL until
//! first decided, which the server does for older cases at start), and `cases.clock`
//! marks cases whose state has a guard that reads the clock: the worker decides those
//! again as time passes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Org paths are compared as byte ranges (a unit's subtree is [`/a/b/`, `/a/b0`)),
        // so PostgreSQL must order them by bytes whatever the database's locale.
        let mut org_path = text(Alias::new("org_path"));
        if m.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            org_path.extra("COLLATE \"C\"");
        }
        m.create_table(
            Table::create()
                .table(Alias::new("case_tasks"))
                .col(string(Alias::new("case_id")))
                .col(string(Alias::new("role")))
                .col(string(Alias::new("programme")))
                .col(org_path)
                .col(boolean(Alias::new("overdue")))
                .col(timestamp_with_time_zone_null(Alias::new("next_due")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .primary_key(
                    Index::create()
                        .col(Alias::new("case_id"))
                        .col(Alias::new("role")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_tasks_by_slot")
                .table(Alias::new("case_tasks"))
                .col(Alias::new("programme"))
                .col(Alias::new("role"))
                .col(Alias::new("org_path"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("cases"))
                .add_column(text_null(Alias::new("actors")))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("cases"))
                .add_column(boolean(Alias::new("clock")).default(false))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_cases_clock")
                .table(Alias::new("cases"))
                .col(Alias::new("clock"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("case_tasks")).to_owned())
            .await?;
        for col in ["actors", "clock"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("cases"))
                    .drop_column(Alias::new(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
