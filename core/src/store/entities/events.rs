//! An append-only event of a case, hash-chained to the one before.

use sea_orm::entity::prelude::*;

/// A row of `events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    #[allow(missing_docs)]
    pub id: i64,
    #[allow(missing_docs)]
    pub case_id: String,
    #[allow(missing_docs)]
    pub seq: i64,
    #[allow(missing_docs)]
    pub at: DateTimeUtc,
    #[allow(missing_docs)]
    pub actor: String,
    #[allow(missing_docs)]
    pub action: String,
    #[allow(missing_docs)]
    pub from_state: Option<String>,
    #[allow(missing_docs)]
    pub to_state: String,
    #[allow(missing_docs)]
    pub comment: Option<String>,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub payload: String,
    #[allow(missing_docs)]
    pub prev_hash: String,
    #[allow(missing_docs)]
    pub hash: String,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
