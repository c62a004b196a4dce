//! The plugin against its manifest: every described form exists and is sound, the
//! manifest lists exactly the described checks, unknown ids are refused. Whether the
//! workflow and the plugin fit together is checked by `anjuan validate --plugins`
//! (and `core/tests/crosscheck.rs`).

use super::*;

#[test]
fn the_plugin_agrees_with_its_manifest() {
    anjuan_plugin_sdk::testkit::assert_sound::<SpecialFamilyCare>(
        include_str!("../plugin.toml"),
        env!("CARGO_PKG_VERSION"),
    );
}
