//! Files uploaded for `file` form fields (a signed commitment letter, photos of a
//! rectified hazard, a monitoring report). The bytes live in the database, beside the
//! case they belong to, so every server sharing one PostgreSQL serves every file and a
//! backup of the database is a backup of the dossier.
//!
//! A file is uploaded first (`case_id` empty, only its uploader may read it) and
//! attached to a case when an action or a case creation names it in a `file` field.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("files"))
                .col(string(Alias::new("id")).primary_key())
                .col(text(Alias::new("name")))
                .col(string(Alias::new("media_type")))
                .col(big_integer(Alias::new("size")))
                .col(string(Alias::new("sha256")))
                .col(string(Alias::new("uploaded_by")))
                .col(string_null(Alias::new("case_id")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(blob(Alias::new("content")))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_files_case")
                .table(Alias::new("files"))
                .col(Alias::new("case_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("files")).to_owned())
            .await
    }
}
