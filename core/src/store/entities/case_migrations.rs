//! One run of moving a programme's open cases to a definition version.

use sea_orm::entity::prelude::*;

/// A row of `case_migrations`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_migrations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub programme: String,
    pub to_version: i32,
    #[sea_orm(column_type = "Text")]
    pub mapping: String,
    /// `running` until every case was visited, then `done`.
    pub status: String,
    pub started_by: String,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// Cases moved so far (counted in each case's own transaction).
    pub moved: i64,
    /// The final report, JSON.
    #[sea_orm(column_type = "Text", nullable)]
    pub report: Option<String>,
}

/// No relations are declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
