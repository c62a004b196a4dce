//! Bad test plugin: `check` allocates until memory runs out.

use anjuan_plugin_sdk::{CallError, Context, Description, Finding, FormDef, Item, Plugin, Value};

/// The plugin.
pub struct Bad;

impl Plugin for Bad {
    fn describe() -> Description {
        Description {
            id: "bad-alloc".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            interface_version: String::new(),
            title_zh: "坏插件".into(),
            title_en: "Bad plugin".into(),
            forms: vec![Item::new("f", "表", "Form")],
            checks: vec![Item::new("run", "运行", "Run")],
            derived_fields: vec![],
        }
    }

    fn form(_ctx: &Context<'_>, _form_id: &str) -> Result<FormDef, CallError> {
        Ok(FormDef::new("f", "表", "Form"))
    }

    fn check(
        _ctx: &Context<'_>,
        _check_id: &str,
        input: &Value,
    ) -> Result<Vec<Finding>, CallError> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            // Reserve without touching: the memory limit, not fuel, must stop this.
            hoard.push(std::hint::black_box(Vec::with_capacity(1 << 20)));
            if input.is_null() && hoard.len() == usize::MAX {
                return Ok(Vec::new());
            }
        }
    }
}

anjuan_plugin_sdk::export_plugin!(Bad);
