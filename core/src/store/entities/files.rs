//! A file uploaded for a `file` form field, with its bytes.

use sea_orm::entity::prelude::*;

/// A row of `files`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The name it had on the uploader's computer.
    #[sea_orm(column_type = "Text")]
    pub name: String,
    pub media_type: String,
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    pub uploaded_by: String,
    /// The case it is attached to; `None` until an action names it.
    pub case_id: Option<String>,
    /// The JSON Pointer of the field it was attached through (`/psych_consent_form`):
    /// its sensitivity and readers decide who may download the file. `None` until
    /// attached, and for files attached before the field was recorded.
    #[sea_orm(column_type = "Text", nullable)]
    pub field: Option<String>,
    pub created_at: DateTimeUtc,
    #[sea_orm(column_type = "Blob")]
    pub content: Vec<u8>,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
