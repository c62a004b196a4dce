//! A person (or machine) who signs in.

use sea_orm::entity::prelude::*;

/// A row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub id: String,
    #[allow(missing_docs)]
    pub username: String,
    #[allow(missing_docs)]
    pub display_name: String,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub password_hash: Option<String>,
    #[allow(missing_docs)]
    pub is_admin: bool,
    #[allow(missing_docs)]
    pub active: bool,
    #[allow(missing_docs)]
    pub locale: String,
    #[allow(missing_docs)]
    pub created_at: DateTimeUtc,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
