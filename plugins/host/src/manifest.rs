//! The manifest next to each plugin: `<id>.toml` beside `<id>.wasm`.
//!
//! ```toml
//! id = "sampling-disposal"
//! version = "0.1.0"
//! interface = "0.1.0"
//! sha256 = "…"            # written by scripts/build-plugins; required by the server
//!
//! [limits]                # optional; clamped to the server's ceilings
//! fuel = 20000000
//!
//! [counts.batches-in-plan-from-business]
//! case_type = "sampled-batch"
//! params = { plan = "@parent", business = "/business_credit_code" }
//!
//! [checks.max-batches-per-business]
//! on_failure = "block"    # or "warn"
//! reads = ["/business_credit_code"]
//!
//! [derive]
//! reads = ["/floors"]
//! ```

use crate::config::LimitOverrides;
use anjuan_plugin_sdk::finding::is_json_pointer;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A parsed manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Plugin id: lowercase letters, digits and `-`; the file stem of the `.wasm`.
    pub id: String,
    /// The plugin's version; must equal what `describe` returns.
    pub version: String,
    /// The interface version; must equal the component's custom section.
    pub interface: String,
    /// sha256 of the `.wasm`, hex. Required when loading a plugin directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Limit overrides.
    #[serde(default)]
    pub limits: LimitOverrides,
    /// Count queries the plugin may call (its declared capabilities).
    #[serde(default)]
    pub counts: BTreeMap<String, CountQuery>,
    /// One entry per check the plugin describes.
    #[serde(default)]
    pub checks: BTreeMap<String, CheckSpec>,
    /// What `derive` reads; required when the plugin derives fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derive: Option<DeriveSpec>,
}

/// A declared count query: "how many cases of `case_type` in this programme have these
/// values at these pointers". The plugin passes the values as named parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountQuery {
    /// What it counts, for people.
    #[serde(default)]
    pub description: String,
    /// The case type counted.
    pub case_type: String,
    /// Parameter name → where the counted cases must hold the parameter's value: a JSON
    /// Pointer into their data, or [`PARENT`] for their parent case's id.
    pub params: BTreeMap<String, String>,
}

/// The `params` target meaning "the counted case's parent case id".
pub const PARENT: &str = "@parent";

/// How a check is run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    /// Whether a plugin failure (trap, limit, bad output) refuses the action.
    #[serde(default)]
    pub on_failure: OnFailure,
    /// JSON Pointers of the case fields the check receives; nothing else is passed.
    pub reads: Vec<String>,
}

/// What `derive` receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeriveSpec {
    /// JSON Pointers of the case fields `derive` receives.
    pub reads: Vec<String>,
}

/// What to do with the action when a check's plugin fails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnFailure {
    /// Refuse the action (the default).
    #[default]
    Block,
    /// Let it pass, recording a warning.
    Warn,
}

impl Manifest {
    /// Parses and checks a manifest's text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let m: Manifest = toml::from_str(text).map_err(|e| e.to_string())?;
        m.check()?;
        Ok(m)
    }

    fn check(&self) -> Result<(), String> {
        let id_ok = !self.id.is_empty()
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return Err(format!(
                "id `{}` must be lowercase letters, digits and `-`",
                self.id
            ));
        }
        if let Some(s) = &self.sha256
            && (s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err("sha256 must be 64 hex digits".into());
        }
        let bad = |p: &String| !is_json_pointer(p);
        for (name, c) in &self.checks {
            if let Some(p) = c.reads.iter().find(|p| bad(p)) {
                return Err(format!("check `{name}`: `{p}` is not a JSON Pointer"));
            }
        }
        if let Some(p) = self.derive.iter().flat_map(|d| &d.reads).find(|p| bad(p)) {
            return Err(format!("derive: `{p}` is not a JSON Pointer"));
        }
        for (name, q) in &self.counts {
            let bad_target = |p: &&String| p.as_str() != PARENT && (bad(p) || p.is_empty());
            if let Some(p) = q.params.values().find(bad_target) {
                return Err(format!(
                    "count `{name}`: `{p}` is neither a JSON Pointer to a field nor `{PARENT}`"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
        id = "demo"
        version = "0.1.0"
        interface = "0.1.0"
        [limits]
        fuel = 1000
        [counts.q]
        case_type = "batch"
        params = { plan = "/plan_id" }
        [checks.c]
        on_failure = "warn"
        reads = ["/a", "/b/c"]
    "#;

    #[test]
    fn parses_a_full_manifest() {
        let m = Manifest::parse(TEXT).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.limits.fuel, Some(1000));
        assert_eq!(m.checks["c"].on_failure, OnFailure::Warn);
        assert_eq!(m.counts["q"].params["plan"], "/plan_id");
    }

    #[test]
    fn refuses_bad_ids_pointers_and_unknown_keys() {
        assert!(Manifest::parse(&TEXT.replace("\"demo\"", "\"Demo\"")).is_err());
        assert!(Manifest::parse(&TEXT.replace("\"/b/c\"", "\"b/c\"")).is_err());
        assert!(Manifest::parse(&format!("{TEXT}\nextra = 1")).is_err());
    }
}
