//! Failed sign-ins per key (`user:<name>`, `addr:<ip>`), shared by every server on the
//! database and kept across restarts, so two nodes or a restart do not reset the
//! limit. One row per key: failures counted in a fixed window that starts at the
//! first failure; the worker deletes rows whose window has passed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("login_limits"))
                .col(string(Alias::new("key")).primary_key())
                .col(integer(Alias::new("failures")))
                .col(timestamp_with_time_zone(Alias::new("window_start")))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("login_limits")).to_owned())
            .await
    }
}
