//! Running a check in a test as the server does: the input holds only the fields the
//! manifest says the check `reads`, so a check that reads an undeclared field fails its
//! tests rather than the server's cases.

use super::run;
use anjuan_plugin_sdk::{Context, Envelope, FakeHost, Finding, Value};

const MANIFEST: &str = include_str!("../../plugin.toml");

/// The `reads` of check `id` in plugin.toml.
pub fn reads(id: &str) -> Vec<String> {
    let section = format!("[checks.{id}]");
    let at = MANIFEST
        .find(&section)
        .unwrap_or_else(|| panic!("{section} is not in plugin.toml"));
    let line = MANIFEST[at..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .find_map(|l| l.strip_prefix("reads = "))
        .unwrap_or_else(|| panic!("{section} has no reads"));
    line.trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|p| p.trim().trim_matches('"').to_string())
        .collect()
}

/// `data` reduced to the fields check `id` reads (each a top-level field).
pub fn filtered(id: &str, data: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for pointer in reads(id) {
        let key = pointer.strip_prefix('/').unwrap_or_default();
        assert!(
            !key.is_empty() && !key.contains('/'),
            "{id} reads {pointer}: not a top-level field"
        );
        if let Some(v) = data.get(key) {
            out.insert(key.to_string(), v.clone());
        }
    }
    Value::Object(out)
}

/// Check `id` on `data` as the host runs it, with `env` and `host`.
pub fn check_with(id: &str, env: &Envelope, host: &FakeHost, data: &Value) -> Vec<Finding> {
    run(&Context::new(env, host), id, &filtered(id, data)).unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// Check `id` on `data` with a test envelope of `case_type` (now 2026-10-01T10:00+08:00).
pub fn check(id: &str, case_type: &str, data: &Value) -> Vec<Finding> {
    let env = Envelope::for_test("sampling-disposal", case_type);
    check_with(id, &env, &FakeHost::new(), data)
}

/// (field, code) of each finding.
pub fn at(findings: &[Finding]) -> Vec<(&str, &str)> {
    findings
        .iter()
        .map(|f| (f.field.as_str(), f.code.as_str()))
        .collect()
}

/// Codes of the error findings only.
pub fn errors(findings: &[Finding]) -> Vec<&str> {
    findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| f.code.as_str())
        .collect()
}
