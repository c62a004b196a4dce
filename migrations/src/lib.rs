//! The database schema of anjuan, as sea-orm migrations the server runs at every
//! start. A migration that has shipped is never edited: change the schema with a new
//! file `mYYYYMMDD_HHMMSS_verb_noun.rs`, listed last below.
#![deny(missing_docs)]

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_create_schema;
mod m20261129_120000_create_files;
mod m20261129_130000_add_file_field;
mod m20261204_140000_extend_api_tokens;

/// Runs anjuan's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_schema::Migration),
            Box::new(m20261129_120000_create_files::Migration),
            Box::new(m20261129_130000_add_file_field::Migration),
            Box::new(m20261204_140000_extend_api_tokens::Migration),
        ]
    }
}
