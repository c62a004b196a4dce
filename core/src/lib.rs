//! anjuan (案卷): a case-workflow server for government programmes.
//!
//! # Layout
//! - [`calendar`]: time arithmetic: hours, natural days, working days by the
//!   statutory calendar of the People's Republic of China, festival dates.
//! - [`workflow`]: workflow definition files: parse, validate, the in-memory model.
//! - [`engine`]: the pure state machine: case + action + actor → decision.
//! - [`store`]: sea-orm persistence (SQLite or PostgreSQL).
//! - [`service`]: loads, asks the engine, commits; the worker.
//! - [`auth`]: callers, sessions, tokens, grants.
//! - [`http`]: the JSON API.
//! - [`server`], [`config`], [`state`]: wiring.
#![deny(missing_docs)]

pub mod auth;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod crosscheck;
pub mod demo;
pub mod demo_cases;
pub mod engine;
pub mod error;
pub mod http;
pub mod metrics;
pub mod plugins;
pub mod server;
pub mod service;
pub mod state;
pub mod store;
pub mod workflow;
