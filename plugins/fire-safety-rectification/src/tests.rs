//! The plugin against its manifest and its workflow: the host refuses a plugin whose
//! manifest and description disagree, and a workflow naming a form or check the plugin
//! lacks fails at its first use; catch both here.

use super::*;

const MANIFEST: &str = include_str!("../plugin.toml");
const WORKFLOW: &str = include_str!("../../../workflows/fire-safety-rectification/workflow.yaml");

/// Form and check ids the workflow names (`form: x`, `checks: [a, b]`).
fn named_in_workflow(key: &str) -> Vec<String> {
    let prefix = format!("{key}: ");
    let mut out: Vec<String> = WORKFLOW
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix(&prefix))
        .flat_map(|v| {
            v.trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn sorted(list: &[(&str, &str, &str)]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|(id, ..)| id.to_string()).collect();
    v.sort();
    v
}

#[test]
fn every_described_check_has_a_manifest_entry() {
    let checks = FireSafetyRectification::describe().checks;
    for c in &checks {
        assert!(MANIFEST.contains(&format!("[checks.{}]", c.id)), "{}", c.id);
    }
    assert_eq!(MANIFEST.matches("[checks.").count(), checks.len());
    assert!(MANIFEST.contains("id = \"fire-safety-rectification\""));
    assert!(MANIFEST.contains(&format!("version = \"{}\"", env!("CARGO_PKG_VERSION"))));
}

#[test]
fn the_plugin_provides_exactly_what_the_workflow_names() {
    assert_eq!(sorted(FORMS), named_in_workflow("form"));
    assert_eq!(sorted(CHECKS), named_in_workflow("checks"));
}

#[test]
fn unknown_ids_are_refused() {
    let env = anjuan_plugin_sdk::Envelope::for_test("fire-safety-rectification", "building");
    let host = anjuan_plugin_sdk::FakeHost::new();
    let ctx = Context::new(&env, &host);
    assert!(matches!(
        FireSafetyRectification::check(&ctx, "nope", &Value::Null),
        Err(CallError::UnknownId(_))
    ));
    assert!(matches!(
        FireSafetyRectification::form(&ctx, "nope"),
        Err(CallError::UnknownId(_))
    ));
}

#[test]
fn derive_says_whether_a_building_is_in_scope_and_why() {
    let env = anjuan_plugin_sdk::Envelope::for_test("fire-safety-rectification", "building");
    let host = anjuan_plugin_sdk::FakeHost::new();
    let ctx = Context::new(&env, &host);
    let data = anjuan_plugin_sdk::json!({"building_use": "residential", "floors": 11, "height_m": 33.0, "in_use": true});
    let out = FireSafetyRectification::derive(&ctx, &data).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out["in_scope"], true);
    let reason = out["scope_reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("11 层") && reason.contains("11 floors"),
        "{reason}"
    );
    let unknown = FireSafetyRectification::derive(&ctx, &anjuan_plugin_sdk::json!({}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(unknown["in_scope"], Value::Null);
    // What derive computes is what the description and the manifest declare.
    let declared = FireSafetyRectification::describe().derived_fields;
    let keys: Vec<String> = out
        .as_object()
        .map(|o| o.keys().map(|k| format!("/{k}")).collect())
        .unwrap_or_default();
    assert_eq!(declared, keys);
    assert!(MANIFEST.contains("[derive]"));
}
