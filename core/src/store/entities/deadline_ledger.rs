//! One change to a deadline: opened, paused, resumed, extended, breached, met, dropped.

use sea_orm::entity::prelude::*;

/// A row of `deadline_ledger`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deadline_ledger")]
pub struct Model {
    #[sea_orm(primary_key)]
    #[allow(missing_docs)]
    pub id: i64,
    #[allow(missing_docs)]
    pub deadline_row: String,
    #[allow(missing_docs)]
    pub at: DateTimeUtc,
    #[allow(missing_docs)]
    pub kind: String,
    #[allow(missing_docs)]
    pub due_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub detail: String,
    #[allow(missing_docs)]
    pub actor: String,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
