//! The plugin against its manifest: every described form exists and is sound, the
//! manifest lists exactly the described checks and count queries, every check runs,
//! unknown ids are refused. Whether the workflow and the plugin fit together (forms,
//! checks, field types and options) is checked by `anjuan validate --plugins` (and
//! `core/tests/crosscheck.rs`).

use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, json};

const MANIFEST: &str = include_str!("../plugin.toml");
const WORKFLOW: &str = include_str!("../../../workflows/sampling-disposal/workflow.yaml");

#[test]
fn the_plugin_agrees_with_its_manifest() {
    anjuan_plugin_sdk::testkit::assert_sound::<SamplingDisposal>(
        MANIFEST,
        env!("CARGO_PKG_VERSION"),
    );
    assert_eq!((FORMS.len(), CHECKS.len()), (26, 20));
}

/// Every check the plugin describes runs (on empty data it may find gaps, never fail
/// with an unknown id), and an unknown id is refused.
#[test]
fn every_described_check_runs_and_unknown_ids_are_refused() {
    let env = Envelope::for_test("sampling-disposal", "sampling-plan").with_state("in-progress");
    let host = FakeHost::new()
        .count_answer(batches_query(), 0)
        .count_answer(round_query(), 0)
        .count_answer(category_query(), 0)
        .count_answer(month_query(), 0);
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
            round_query(),
            "params = { plan = \"@parent\", business = \"/business_credit_code\", month = \"/sampled_month\" }",
        ),
        (
            category_query(),
            "params = { plan = \"@parent\", category = \"/category\" }",
        ),
        (
            month_query(),
            "params = { plan = \"@parent\", month = \"/sampled_month\", line = \"/quota_line\" }",
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

/// The derived fields are described, declared with what they read, and fields of the
/// batch in the workflow (the server stores only what a case type declares).
#[test]
fn derived_fields_are_described_and_declared() {
    let described = SamplingDisposal::describe().derived_fields;
    assert_eq!(described, ["/sampled_month", "/quota_line"]);
    assert!(MANIFEST.contains("[derive]\nreads = [\"/sampled_on\", \"/category\"]"));
    for pointer in &described {
        let field = format!("      {}:", pointer.trim_start_matches('/'));
        assert!(WORKFLOW.contains(&field), "{pointer} is not declared");
    }
}
