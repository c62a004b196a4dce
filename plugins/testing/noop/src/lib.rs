//! Test plugin `noop`: describes one form and one check and does as little as possible.
//! The benchmark's baseline ("an empty exported call") and the subject of the reload and
//! cache tests.

use anjuan_plugin_sdk::{CallError, Context, Description, Finding, FormDef, Item, Plugin, Value};

/// The plugin.
pub struct Noop;

impl Plugin for Noop {
    fn describe() -> Description {
        Description {
            id: "noop".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            interface_version: String::new(),
            title_zh: "空插件".into(),
            title_en: "No-op plugin".into(),
            forms: vec![Item::new("empty", "空表单", "Empty form")],
            checks: vec![Item::new("pass", "总是通过", "Always passes")],
            derived_fields: vec![],
        }
    }

    fn form(_ctx: &Context<'_>, form_id: &str) -> Result<FormDef, CallError> {
        match form_id {
            "empty" => Ok(FormDef::new("empty", "空表单", "Empty form")),
            other => Err(CallError::UnknownId(other.into())),
        }
    }

    fn check(
        _ctx: &Context<'_>,
        _check_id: &str,
        _input: &Value,
    ) -> Result<Vec<Finding>, CallError> {
        Ok(Vec::new())
    }
}

anjuan_plugin_sdk::export_plugin!(Noop);

#[cfg(test)]
mod tests {
    use super::*;
    use anjuan_plugin_sdk::{Envelope, FakeHost, json};

    #[test]
    fn passes_everything() {
        let env = Envelope::for_test("demo", "thing");
        let host = FakeHost::new();
        let ctx = Context::new(&env, &host);
        assert_eq!(Noop::check(&ctx, "pass", &json!({"a": 1})), Ok(vec![]));
        assert!(Noop::form(&ctx, "nope").is_err());
    }
}
