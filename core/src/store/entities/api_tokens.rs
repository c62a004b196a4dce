//! A bearer token for machines; only its SHA-256 is kept.

use sea_orm::entity::prelude::*;

/// A row of `api_tokens`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub id: String,
    #[allow(missing_docs)]
    pub user_id: String,
    #[allow(missing_docs)]
    pub name: String,
    #[allow(missing_docs)]
    pub token_hash: String,
    #[allow(missing_docs)]
    pub created_at: DateTimeUtc,
    #[allow(missing_docs)]
    pub last_used_at: Option<DateTimeUtc>,
    #[allow(missing_docs)]
    pub revoked: bool,
    /// When the token stops working (none: never; only tokens older than expiry).
    pub expires_at: Option<DateTimeUtc>,
    /// The user who issued it (none: issued from the command line).
    pub issued_by: Option<String>,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
