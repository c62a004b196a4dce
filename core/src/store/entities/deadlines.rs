//! A deadline of a case; its due time is derived from its ledger.

use sea_orm::entity::prelude::*;

/// A row of `deadlines`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deadlines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub id: String,
    #[allow(missing_docs)]
    pub case_id: String,
    #[allow(missing_docs)]
    pub deadline_id: String,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub span: String,
    #[allow(missing_docs)]
    pub opened_at: DateTimeUtc,
    #[allow(missing_docs)]
    pub due_at: DateTimeUtc,
    #[allow(missing_docs)]
    pub status: String,
    #[allow(missing_docs)]
    pub breached: bool,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub remaining: Option<String>,
    #[allow(missing_docs)]
    pub closed_at: Option<DateTimeUtc>,
    #[allow(missing_docs)]
    pub claimed_by: Option<String>,
    #[allow(missing_docs)]
    pub claimed_until: Option<DateTimeUtc>,
    /// The automatic action of a breach: `pending` until taken (`done`) or refused for
    /// good (`refused`); `None` when there is none.
    pub escalation: Option<String>,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
