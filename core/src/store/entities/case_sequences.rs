//! The last case number used per programme and year.

use sea_orm::entity::prelude::*;

/// A row of `case_sequences`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_sequences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub programme: String,
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub year: i32,
    #[allow(missing_docs)]
    pub last: i64,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
