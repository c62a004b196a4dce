//! Test plugin: a newer build of `probe` (same id, version 0.2.0) for the reload test.
//! Its only check, `echo`, answers with code `v2`.

use anjuan_plugin_sdk::{CallError, Context, Description, Finding, FormDef, Item, Plugin, Value};

/// The plugin.
pub struct ProbeV2;

impl Plugin for ProbeV2 {
    fn describe() -> Description {
        Description {
            id: "probe".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            interface_version: String::new(),
            title_zh: "探针二".into(),
            title_en: "Probe v2".into(),
            forms: vec![],
            checks: vec![Item::new("echo", "回显", "Echo")],
            derived_fields: vec![],
        }
    }

    fn form(_ctx: &Context<'_>, form_id: &str) -> Result<FormDef, CallError> {
        Err(CallError::UnknownId(form_id.into()))
    }

    fn check(
        _ctx: &Context<'_>,
        _check_id: &str,
        _input: &Value,
    ) -> Result<Vec<Finding>, CallError> {
        Ok(vec![Finding::warning("", "v2", "二", "v2")])
    }
}

anjuan_plugin_sdk::export_plugin!(ProbeV2);
