//! A scheduled case created (or claimed) for one period and target.

use sea_orm::entity::prelude::*;

/// A row of `schedule_runs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schedule_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub programme: String,
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub schedule_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub period: String,
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub target: String,
    #[allow(missing_docs)]
    pub case_id: Option<String>,
    #[allow(missing_docs)]
    pub created_at: DateTimeUtc,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
