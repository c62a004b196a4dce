//! A signed-in browser session; `id` is the SHA-256 of the cookie value.

use sea_orm::entity::prelude::*;

/// A row of `sessions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub id: String,
    #[allow(missing_docs)]
    pub user_id: String,
    #[allow(missing_docs)]
    pub csrf: String,
    #[allow(missing_docs)]
    pub created_at: DateTimeUtc,
    #[allow(missing_docs)]
    pub expires_at: DateTimeUtc,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
