//! The plugin against its manifest: the host refuses a plugin whose manifest and
//! description disagree, or a count query it does not declare; catch both here.

use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, json};

const MANIFEST: &str = include_str!("../plugin.toml");

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
