//! A role held by a user at an org unit, for one programme or `*` for all.

use sea_orm::entity::prelude::*;

/// A row of `grants`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "grants")]
pub struct Model {
    #[sea_orm(primary_key)]
    #[allow(missing_docs)]
    pub id: i32,
    #[allow(missing_docs)]
    pub user_id: String,
    #[allow(missing_docs)]
    pub programme: String,
    #[allow(missing_docs)]
    pub role: String,
    #[allow(missing_docs)]
    pub org_unit_id: String,
    #[allow(missing_docs)]
    pub created_at: DateTimeUtc,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
