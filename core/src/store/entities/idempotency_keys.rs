//! The first answer to a request sent with an `Idempotency-Key`.

use sea_orm::entity::prelude::*;

/// A row of `idempotency_keys`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub user_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub key: String,
    #[allow(missing_docs)]
    pub request_hash: String,
    #[allow(missing_docs)]
    pub status: i32,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub response: String,
    #[allow(missing_docs)]
    pub created_at: DateTimeUtc,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
