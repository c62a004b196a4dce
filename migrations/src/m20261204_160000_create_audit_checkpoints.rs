//! Audit checkpoints: every so often the server records each case's chain length and
//! head (`audit_checkpoint_cases`, one row per case, as of the checkpoint that last
//! saw it change) and a chained, optionally keyed, row summing them up
//! (`audit_checkpoints`). `anjuan audit verify` then finds a case that was deleted
//! whole, or cut below what a checkpoint saw, which its own chain cannot show.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("audit_checkpoints"))
                .col(big_integer(Alias::new("seq")).primary_key())
                .col(timestamp_with_time_zone(Alias::new("taken_at")))
                .col(big_integer(Alias::new("case_count")))
                .col(big_integer(Alias::new("event_count")))
                .col(big_integer(Alias::new("events_upto")))
                .col(string(Alias::new("digest")))
                .col(string(Alias::new("prev_hash")))
                .col(string(Alias::new("hash")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("audit_checkpoint_cases"))
                .col(string(Alias::new("case_id")).primary_key())
                .col(big_integer(Alias::new("chain_len")))
                .col(string(Alias::new("chain_head")))
                .col(big_integer(Alias::new("checkpoint_seq")))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["audit_checkpoint_cases", "audit_checkpoints"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
