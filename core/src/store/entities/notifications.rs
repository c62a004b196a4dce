//! A message for one user.

use sea_orm::entity::prelude::*;

/// A row of `notifications`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    #[allow(missing_docs)]
    pub id: i64,
    #[allow(missing_docs)]
    pub user_id: String,
    #[allow(missing_docs)]
    pub case_id: Option<String>,
    #[allow(missing_docs)]
    pub at: DateTimeUtc,
    #[allow(missing_docs)]
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub message_zh: String,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub message_en: String,
    #[allow(missing_docs)]
    pub read_at: Option<DateTimeUtc>,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
