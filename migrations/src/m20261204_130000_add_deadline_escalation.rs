//! A passed deadline whose workflow takes an automatic action records that escalation
//! as `pending` in the same transaction that marks the breach. The worker takes it
//! until it is `done` or `refused` for good (then the programme's administrators are
//! told): a crash, a refusal or a conflict between the two steps loses nothing.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("deadlines"))
                .add_column(string_null(Alias::new("escalation")))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("deadlines"))
                .drop_column(Alias::new("escalation"))
                .to_owned(),
        )
        .await
    }
}
