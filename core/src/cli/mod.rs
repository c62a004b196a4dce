//! Command-line subcommands that work on the database directly.
//!
//! # Layout
//! - [`admin`]: `anjuan user|grant|org|token …`, and the first administrator from
//!   the environment at server start.

pub mod admin;
