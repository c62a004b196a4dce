//! Test plugin `old-interface`: a plugin as it was built against interface 0.1.0, before
//! the envelope carried the time zone and local time. It uses wit-bindgen on
//! `plugins/wit/0.1.0` directly (the SDK now builds against the newest interface), so
//! the host's tests can prove that plugins built then still load and run.
//! - `clock`: one warning whose English message is the envelope's `now`.

// wit-bindgen's export glue and the interface stamp are unsafe code.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod guest {
    wit_bindgen::generate!({
        world: "plugin",
        path: "../../wit/0.1.0",
    });

    use anjuan::plugin::types::{CallError, Description, Envelope, Finding, Item, Severity};
    use exports::anjuan::plugin::guest::Guest;

    /// The interface version, where the host looks for it.
    #[used]
    #[unsafe(link_section = "anjuan:interface-version")]
    static INTERFACE_VERSION: [u8; 5] = *b"0.1.0";

    struct Old;

    impl Guest for Old {
        fn describe() -> Description {
            Description {
                id: "old-interface".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                interface_version: "0.1.0".into(),
                title_zh: "旧接口插件".into(),
                title_en: "Old-interface plugin".into(),
                forms: vec![],
                checks: vec![Item {
                    id: "clock".into(),
                    title_zh: "时钟".into(),
                    title_en: "Clock".into(),
                }],
                derived_fields: vec![],
            }
        }

        fn form(form_id: String, _env: Envelope) -> Result<String, CallError> {
            Err(CallError::UnknownId(form_id))
        }

        fn check(
            check_id: String,
            env: Envelope,
            _input: String,
        ) -> Result<Vec<Finding>, CallError> {
            if check_id != "clock" {
                return Err(CallError::UnknownId(check_id));
            }
            Ok(vec![Finding {
                field: String::new(),
                code: "clock".into(),
                message_zh: env.now.clone(),
                message_en: env.now,
                severity: Severity::Warning,
            }])
        }

        fn derive(_env: Envelope, _data: String) -> Result<String, CallError> {
            Ok("{}".into())
        }
    }

    export!(Old);
}
