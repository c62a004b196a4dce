//! Command-line subcommands that work on the database directly.
//!
//! # Layout
//! - [`admin`]: `anjuan user|grant|org|token …`, and the first administrator from
//!   the environment at server start.
//! - [`audit`]: `anjuan audit verify|checkpoint`.
//! - [`backup`]: `anjuan backup|restore`, a consistent copy of a SQLite database.
//! - [`programme`]: `anjuan programme migrate ID [--plan]`, moving open cases to a new version.
//! - [`db`]: the database flags those commands share with `serve`.

pub mod admin;
pub mod audit;
pub mod backup;
pub mod db;
pub mod programme;
