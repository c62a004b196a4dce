//! The plugin against its manifest and its workflow: the host refuses a plugin whose
//! manifest and description disagree, and a workflow naming a form or check the plugin
//! lacks fails at its first use (an unknown check blocks the action); catch both here.

use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, json};

const MANIFEST: &str = include_str!("../plugin.toml");
const WORKFLOW: &str = include_str!("../../../workflows/sampling-disposal/workflow.yaml");

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
fn the_plugin_provides_exactly_what_the_workflow_names() {
    assert_eq!(sorted(FORMS), named_in_workflow("form"));
    assert_eq!(sorted(CHECKS), named_in_workflow("checks"));
    assert_eq!((FORMS.len(), CHECKS.len()), (23, 19));
}

#[test]
fn every_described_check_has_a_manifest_entry() {
    let checks = SamplingDisposal::describe().checks;
    for c in &checks {
        assert!(MANIFEST.contains(&format!("[checks.{}]", c.id)), "{}", c.id);
    }
    assert_eq!(MANIFEST.matches("[checks.").count(), checks.len());
    assert!(MANIFEST.contains("id = \"sampling-disposal\""));
    assert!(MANIFEST.contains(&format!("version = \"{}\"", env!("CARGO_PKG_VERSION"))));
}

/// Every check the plugin describes runs (on empty data it may find gaps, never fail
/// with an unknown id), and an unknown id is refused.
#[test]
fn every_described_check_runs_and_unknown_ids_are_refused() {
    let env = Envelope::for_test("sampling-disposal", "sampling-plan").with_state("in-progress");
    let host = FakeHost::new()
        .count_answer(batches_query(), 0)
        .count_answer(category_query(), 0);
    let ctx = Context::new(&env, &host);
    for (id, ..) in CHECKS {
        let run = SamplingDisposal::check(&ctx, id, &json!({}));
        assert!(run.is_ok(), "{id}: {run:?}");
    }
    assert!(matches!(
        SamplingDisposal::check(&ctx, "nope", &Value::Null),
        Err(CallError::UnknownId(_))
    ));
    assert!(matches!(
        SamplingDisposal::form(&ctx, "nope"),
        Err(CallError::UnknownId(_))
    ));
}

/// Each count query the code calls is declared with the parameters it passes.
#[test]
fn count_queries_are_declared() {
    for (query, params) in [
        (
            batches_query(),
            "params = { plan = \"@parent\", business = \"/business_credit_code\" }",
        ),
        (
            category_query(),
            "params = { plan = \"@parent\", category = \"/category\" }",
        ),
    ] {
        let at = MANIFEST
            .find(&format!("[counts.{query}]"))
            .unwrap_or_else(|| panic!("{query} is not declared"));
        let entry = &MANIFEST[at..];
        let entry = &entry[..entry[1..].find("\n[").map_or(entry.len(), |n| n + 1)];
        assert!(entry.contains("case_type = \"sampled-batch\""), "{entry}");
        assert!(entry.contains(params), "{entry}");
    }
}
