//! What calls return besides their answer: which plugin answered, and what it cost.

use crate::config::Limits;
use crate::manifest::OnFailure;
use anjuan_plugin_sdk::{Finding, Value};
use serde::Serialize;

/// Identifies the exact plugin build that answered, for the event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PluginRef {
    /// Plugin id.
    pub id: String,
    /// Plugin version.
    pub version: String,
    /// sha256 of the `.wasm`.
    pub sha256: String,
}

/// What one call used, next to its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// Fuel consumed (instantiation included).
    pub fuel_used: u64,
    /// Fuel limit.
    pub fuel_limit: u64,
    /// Largest linear memory size reached, bytes.
    pub peak_memory_bytes: u64,
    /// Memory limit, bytes.
    pub memory_limit_bytes: u64,
    /// Input passed (JSON, after the declared-reads filter), bytes.
    pub input_bytes: u64,
    /// Input limit, bytes.
    pub max_input_bytes: u64,
    /// Output returned, bytes.
    pub output_bytes: u64,
    /// Output limit, bytes.
    pub max_output_bytes: u64,
    /// Wall time of instantiate + call, microseconds.
    pub wall_time_us: u64,
    /// Wall-clock limit, milliseconds.
    pub wall_clock_limit_ms: u64,
}

/// The result of a check: findings, plus what the server writes into the event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// Which plugin build answered.
    pub plugin: PluginRef,
    /// The check.
    pub check: String,
    /// The manifest's `on_failure` for this check.
    pub on_failure: OnFailure,
    /// Findings; empty means the check passed.
    pub findings: Vec<Finding>,
    /// Cost.
    pub usage: Usage,
}

impl CheckReport {
    /// True when no finding is an error (warnings let the action pass).
    pub fn passed(&self) -> bool {
        !self.findings.iter().any(Finding::is_error)
    }
}

/// The result of `derive`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeriveReport {
    /// Which plugin build answered.
    pub plugin: PluginRef,
    /// Derived fields, a JSON object keyed like the case data.
    pub fields: Value,
    /// Cost.
    pub usage: Usage,
}

/// A loaded plugin, as listed by [`PluginHost::plugins`](crate::PluginHost::plugins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PluginInfo {
    /// Plugin id.
    pub id: String,
    /// Plugin version.
    pub version: String,
    /// sha256 of the `.wasm`.
    pub sha256: String,
    /// Interface version it was built against.
    pub interface_version: String,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// Effective limits (manifest overrides clamped to the ceilings).
    pub limits: Limits,
}

/// What a directory load or reload did.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Plugins now loaded.
    pub loaded: Vec<PluginInfo>,
    /// Plugins that failed to load. A failing plugin that was loaded before keeps its
    /// previous build (listed in `kept_previous`), so a bad upgrade never takes a
    /// programme down.
    pub failed: Vec<crate::PluginError>,
    /// Ids whose previous build stays in service because the new one failed.
    pub kept_previous: Vec<String>,
}
