//! Command-line subcommands that work on the database directly.
//!
//! # Layout
//! - [`admin`]: `anjuan user|grant|org|token …`, and the first administrator from
//!   the environment at server start.
//! - [`db`]: the database flags those commands share with `serve`.

pub mod admin;
pub mod db;
