//! anjuan (案卷): a case-workflow server for government programmes.
//!
//! # Layout
//! - [`calendar`]: time arithmetic: hours, natural days, working days by the
//!   statutory calendar of the People's Republic of China, festival dates.
//! - [`workflow`]: workflow definition files: parse, validate, the in-memory model.
//! - [`engine`]: the pure state machine: case + action + actor → decision.
#![deny(missing_docs)]

pub mod calendar;
pub mod engine;
pub mod workflow;
