//! The database schema of anjuan, as sea-orm migrations the server runs at every
//! start. A migration that has shipped is never edited: change the schema with a new
//! file `mYYYYMMDD_HHMMSS_verb_noun.rs`, listed last below.
#![deny(missing_docs)]

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_create_schema;
mod m20261129_120000_create_files;
mod m20261129_130000_add_file_field;
mod m20261204_100000_create_login_limits;
mod m20261204_110000_add_case_chain_head;
mod m20261204_120000_create_case_tasks;
mod m20261204_130000_add_deadline_escalation;
mod m20261204_140000_create_case_search;
mod m20261204_150000_extend_api_tokens;
mod m20261204_160000_create_audit_checkpoints;
mod m20261204_170000_create_task_counts;
mod m20261204_171000_create_case_counts;
mod m20261204_172000_add_scale_indexes;
mod m20261204_173000_create_case_migrations;
mod m20261204_174000_add_lifetime_sequences;
mod m20261204_200000_add_case_walk_indexes;
mod m20261204_201000_create_deadline_counts;
mod m20261204_220000_add_overdue_walk_index;

/// Runs anjuan's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_schema::Migration),
            Box::new(m20261129_120000_create_files::Migration),
            Box::new(m20261129_130000_add_file_field::Migration),
            Box::new(m20261204_100000_create_login_limits::Migration),
            Box::new(m20261204_110000_add_case_chain_head::Migration),
            Box::new(m20261204_120000_create_case_tasks::Migration),
            Box::new(m20261204_130000_add_deadline_escalation::Migration),
            Box::new(m20261204_140000_create_case_search::Migration),
            Box::new(m20261204_150000_extend_api_tokens::Migration),
            Box::new(m20261204_160000_create_audit_checkpoints::Migration),
            Box::new(m20261204_170000_create_task_counts::Migration),
            Box::new(m20261204_171000_create_case_counts::Migration),
            Box::new(m20261204_172000_add_scale_indexes::Migration),
            Box::new(m20261204_173000_create_case_migrations::Migration),
            Box::new(m20261204_174000_add_lifetime_sequences::Migration),
            Box::new(m20261204_200000_add_case_walk_indexes::Migration),
            Box::new(m20261204_201000_create_deadline_counts::Migration),
            Box::new(m20261204_220000_add_overdue_walk_index::Migration),
        ]
    }
}
