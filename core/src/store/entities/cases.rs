//! A case: the projection of its events.

use sea_orm::entity::prelude::*;

/// A row of `cases`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub id: String,
    #[allow(missing_docs)]
    pub number: String,
    #[allow(missing_docs)]
    pub programme: String,
    #[allow(missing_docs)]
    pub case_type: String,
    #[allow(missing_docs)]
    pub def_version: i32,
    #[allow(missing_docs)]
    pub def_hash: String,
    #[allow(missing_docs)]
    pub state: String,
    #[allow(missing_docs)]
    pub closed: bool,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub data: String,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub search: String,
    #[allow(missing_docs)]
    pub org_unit_id: String,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub org_path: String,
    #[allow(missing_docs)]
    pub assignee: Option<String>,
    #[allow(missing_docs)]
    pub parent_id: Option<String>,
    #[allow(missing_docs)]
    pub version: i64,
    #[allow(missing_docs)]
    pub created_by: String,
    #[allow(missing_docs)]
    pub created_at: DateTimeUtc,
    #[allow(missing_docs)]
    pub updated_at: DateTimeUtc,
    #[allow(missing_docs)]
    pub state_entered_at: DateTimeUtc,
    #[allow(missing_docs)]
    pub overdue: bool,
    #[allow(missing_docs)]
    pub next_due: Option<DateTimeUtc>,
    /// How many events the case has: the sequence number of the last.
    pub chain_len: i64,
    /// The hash of the case's last event (all zeros before the first).
    pub chain_head: String,
    /// The roles that can move the case on now, comma-separated (`case_tasks` holds
    /// the same, one row each); `None` until first decided.
    #[sea_orm(column_type = "Text", nullable)]
    pub actors: Option<String>,
    /// Whether a guard out of the case's state reads the clock, so the worker decides
    /// [`Model::actors`] again as time passes.
    pub clock: bool,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
