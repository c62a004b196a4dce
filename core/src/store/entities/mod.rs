//! sea-orm entities, one per table (see `migrations/`).
#![allow(missing_docs)]

pub mod access_log;
pub mod api_tokens;
pub mod case_migrations;
pub mod case_sequences;
pub mod cases;
pub mod deadline_ledger;
pub mod deadlines;
pub mod definition_versions;
pub mod events;
pub mod files;
pub mod grants;
pub mod idempotency_keys;
pub mod notifications;
pub mod org_units;
pub mod schedule_runs;
pub mod sessions;
pub mod users;
