//! Bad test plugin: implements the raw WIT interface and returns malformed output: a form
//! that is not JSON, derived fields that are not JSON, and a finding whose field is not a
//! JSON Pointer.

#[cfg(target_arch = "wasm32")]
mod raw {
    use anjuan_plugin_sdk::wasm::bindings::anjuan::plugin::types::{
        CallError, Description, Envelope, Finding, Item, Severity,
    };
    use anjuan_plugin_sdk::wasm::bindings::exports::anjuan::plugin::guest::Guest;

    pub struct BadJson;

    impl Guest for BadJson {
        fn describe() -> Description {
            let item = |id: &str| Item {
                id: id.into(),
                title_zh: "坏".into(),
                title_en: "Bad".into(),
            };
            Description {
                id: "bad-json".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                interface_version: anjuan_plugin_sdk::INTERFACE_VERSION.into(),
                title_zh: "坏插件".into(),
                title_en: "Bad plugin".into(),
                forms: vec![item("f")],
                checks: vec![item("run")],
                derived_fields: vec!["/x".into()],
            }
        }
        fn form(_form_id: String, _env: Envelope) -> Result<String, CallError> {
            Ok("{\"id\": \"f\", \"fields\": [".into())
        }
        fn check(
            _check_id: String,
            _env: Envelope,
            _input: String,
        ) -> Result<Vec<Finding>, CallError> {
            Ok(vec![Finding {
                field: "not-a-pointer".into(),
                code: "x".into(),
                message_zh: "坏".into(),
                message_en: "bad".into(),
                severity: Severity::Error,
            }])
        }
        fn derive(_env: Envelope, _data: String) -> Result<String, CallError> {
            Ok("[1, 2".into())
        }
    }

    anjuan_plugin_sdk::export_plugin!(@raw_guest anjuan_plugin_sdk::INTERFACE_VERSION, BadJson);
}
