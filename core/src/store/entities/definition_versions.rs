//! One loaded version of a programme's workflow file.

use sea_orm::entity::prelude::*;

/// A row of `definition_versions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "definition_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    #[allow(missing_docs)]
    pub id: i32,
    #[allow(missing_docs)]
    pub programme: String,
    #[allow(missing_docs)]
    pub version: i32,
    #[allow(missing_docs)]
    pub hash: String,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub source: String,
    #[allow(missing_docs)]
    pub loaded_at: DateTimeUtc,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
