//! An org unit: city, county, township, village, or an institution.

use sea_orm::entity::prelude::*;

/// A row of `org_units`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org_units")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    #[allow(missing_docs)]
    pub id: String,
    #[allow(missing_docs)]
    pub parent_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    #[allow(missing_docs)]
    pub path: String,
    #[allow(missing_docs)]
    pub kind: String,
    #[allow(missing_docs)]
    pub name_zh: String,
    #[allow(missing_docs)]
    pub name_en: String,
    #[allow(missing_docs)]
    pub created_at: DateTimeUtc,
}

/// No relations are declared: queries join by id where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
