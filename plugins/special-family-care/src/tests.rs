//! The plugin against its manifest and its workflow: the host refuses a plugin whose
//! manifest and description disagree, and a workflow naming a form or check the plugin
//! lacks fails at its first use; catch both here.

use super::*;

const MANIFEST: &str = include_str!("../plugin.toml");
const WORKFLOW: &str = include_str!("../../../workflows/special-family-care/workflow.yaml");

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
    let checks = SpecialFamilyCare::describe().checks;
    for c in &checks {
        assert!(MANIFEST.contains(&format!("[checks.{}]", c.id)), "{}", c.id);
    }
    assert_eq!(MANIFEST.matches("[checks.").count(), checks.len());
    assert!(MANIFEST.contains("id = \"special-family-care\""));
    assert!(MANIFEST.contains(&format!("version = \"{}\"", env!("CARGO_PKG_VERSION"))));
}

#[test]
fn the_plugin_provides_exactly_what_the_workflow_names() {
    assert_eq!(sorted(FORMS), named_in_workflow("form"));
    assert_eq!(sorted(CHECKS), named_in_workflow("checks"));
}

#[test]
fn unknown_ids_are_refused() {
    let env = anjuan_plugin_sdk::Envelope::for_test("special-family-care", "family");
    let host = anjuan_plugin_sdk::FakeHost::new();
    let ctx = Context::new(&env, &host);
    assert!(matches!(
        SpecialFamilyCare::check(&ctx, "nope", &Value::Null),
        Err(CallError::UnknownId(_))
    ));
    assert!(matches!(
        SpecialFamilyCare::form(&ctx, "nope"),
        Err(CallError::UnknownId(_))
    ));
}
