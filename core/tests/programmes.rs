//! Scenario tests of the four shipped programmes, one per rule of their work plans
//! (PROGRAMMES.md), each named after the rule it proves. Every test boots a real server
//! loaded with `workflows/` and the real plugins (`scripts/build-plugins` runs once per
//! test binary), drives it over HTTP with bearer tokens, and sweeps the deadline worker
//! at the moments the rule is about. Most run on SQLite; a few also on PostgreSQL.
//!
//! # Layout
//! - `sampling`, `disposal`, `publication`, `enforcement`: 食品安全抽检与核查处置
//!   (sampling-disposal).
//! - `risk`, `reports`: 食品安全风险监测 (risk-monitoring).
//! - `family`: 暖心行动 (special-family-care).
//! - `fire`, `acceptance`: 高层建筑消防安全专项整治 (fire-safety-rectification).
//! - `exports`: the dossier, the two lists as a table, masking in exports.
//! - `data`: realistic case data for all four.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

#[path = "programmes/acceptance.rs"]
mod acceptance;
#[path = "programmes/data.rs"]
mod data;
#[path = "programmes/degraded.rs"]
mod degraded;
#[path = "programmes/disposal.rs"]
mod disposal;
#[path = "programmes/enforcement.rs"]
mod enforcement;
#[path = "programmes/exports.rs"]
mod exports;
#[path = "programmes/family.rs"]
mod family;
#[path = "programmes/fire.rs"]
mod fire;
#[path = "programmes/publication.rs"]
mod publication;
#[path = "programmes/reports.rs"]
mod reports;
#[path = "programmes/risk.rs"]
mod risk;
#[path = "programmes/sampling.rs"]
mod sampling;
