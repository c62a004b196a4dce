//! Command-line subcommands that work on the database directly.
//!
//! # Layout
//! - [`admin`]: `anjuan user|grant|org|token …`, and the first administrator from
//!   the environment at server start.
//! - [`backup`]: `anjuan backup|restore`, a consistent copy of a SQLite database.

pub mod admin;
pub mod backup;
