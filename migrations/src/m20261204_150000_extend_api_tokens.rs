//! API tokens expire and say who issued them. `expires_at` is when a token stops
//! working (empty: never, only for rows written before this migration and then only
//! until it runs: they get 90 days from the upgrade); `issued_by` is the user who
//! issued it (empty when it was issued from the command line).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        m.alter_table(
            Table::alter()
                .table(Alias::new("api_tokens"))
                .add_column(timestamp_with_time_zone_null(Alias::new("expires_at")))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("api_tokens"))
                .add_column(text_null(Alias::new("issued_by")))
                .to_owned(),
        )
        .await?;
        let until = chrono::Utc::now() + chrono::Duration::days(90);
        m.exec_stmt(
            Query::update()
                .table(Alias::new("api_tokens"))
                .value(Alias::new("expires_at"), until)
                .and_where(Expr::col(Alias::new("expires_at")).is_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["expires_at", "issued_by"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("api_tokens"))
                    .drop_column(Alias::new(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
