//! The plugin against its manifest: every described form exists and is sound, the
//! manifest lists exactly the described checks, unknown ids are refused, and derive
//! computes what it declares. Whether the workflow and the plugin fit together is
//! checked by `anjuan validate --plugins` (and `core/tests/crosscheck.rs`).

use super::*;

const MANIFEST: &str = include_str!("../plugin.toml");
#[test]
fn the_plugin_agrees_with_its_manifest() {
    anjuan_plugin_sdk::testkit::assert_sound::<FireSafetyRectification>(
        MANIFEST,
        env!("CARGO_PKG_VERSION"),
    );
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
