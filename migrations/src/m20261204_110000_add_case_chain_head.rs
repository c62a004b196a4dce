//! Each case keeps the head of its event chain: the number of its events and the hash
//! of the last one. Appending an event continues from the case row (no read of the
//! last event), and `anjuan audit verify` checks the chain against this anchor, so
//! deleting a case's last events, or all of them, is detected.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("cases"))
                .add_column(big_integer(Alias::new("chain_len")).default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("cases"))
                .add_column(string(Alias::new("chain_head")).default(GENESIS))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE cases SET \
                 chain_len = COALESCE((SELECT MAX(seq) FROM events WHERE events.case_id = cases.id), 0), \
                 chain_head = COALESCE((SELECT hash FROM events WHERE events.case_id = cases.id \
                   ORDER BY seq DESC LIMIT 1), chain_head)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["chain_len", "chain_head"] {
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
