//! One unmasked read of sensitive fields.

use sea_orm::entity::prelude::*;

/// A row of `access_log`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    #[allow(missing_docs)]
    pub id: i64,
    #[allow(missing_docs)]
    pub at: DateTimeUtc,
    #[allow(missing_docs)]
    pub user_id: String,
    #[allow(missing_docs)]
    pub case_id: String,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub fields: String,
    #[allow(missing_docs)]
    pub via: String,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
