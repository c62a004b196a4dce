//! The field a file was attached through, as a JSON Pointer into the case's data
//! (`/psych_consent_form`, `/samples/0/report`). Who may download a file is decided by
//! that field's sensitivity and readers, not by where the file's id stands in today's
//! data: a file a later upload replaced keeps its field, and copying an id into another
//! field unlocks nothing. Empty for a file not attached yet, and for files attached
//! before this column existed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("files"))
                .add_column(text_null(Alias::new("field")))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("files"))
                .drop_column(Alias::new("field"))
                .to_owned(),
        )
        .await
    }
}
