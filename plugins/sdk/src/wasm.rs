//! The wit-bindgen glue behind [`export_plugin!`](crate::export_plugin): bindings for the
//! `anjuan:plugin@0.2.0` world, a [`Host`] that calls the real imports, and conversions
//! between WIT types and the SDK's native ones. Only compiled for `wasm32`.

use crate::{CallError, Context, Envelope, Finding, Host, LogLevel, Plugin, Severity};
use chrono::NaiveDate;
use serde_json::Value;

#[doc(hidden)]
pub use wit_bindgen as __wit_bindgen;

/// Generated bindings. The export macro is public so [`export_plugin!`](crate::export_plugin)
/// can expand it in the plugin crate.
pub mod bindings {
    wit_bindgen::generate!({
        world: "plugin",
        path: "../wit/0.2.0",
        pub_export_macro: true,
        export_macro_name: "__export_plugin",
        default_bindings_module: "anjuan_plugin_sdk::wasm::bindings",
        runtime_path: "anjuan_plugin_sdk::wasm::__wit_bindgen::rt",
    });
}

use bindings::anjuan::plugin::host as imports;
use bindings::anjuan::plugin::types as wit;

/// The real host: each method calls the corresponding import.
struct WasmHost;

impl Host for WasmHost {
    fn add_working_days(&self, date: NaiveDate, days: u32) -> Result<NaiveDate, String> {
        let out = imports::add_working_days(&date.format("%Y-%m-%d").to_string(), days)?;
        NaiveDate::parse_from_str(&out, "%Y-%m-%d").map_err(|e| e.to_string())
    }

    fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> Result<i64, String> {
        let f = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        imports::working_days_between(&f(start), &f(end))
    }

    fn count(&self, query: &str, params: &Value) -> Result<u64, String> {
        imports::count(query, &params.to_string())
    }

    fn log(&self, level: LogLevel, message: &str) {
        let level = match level {
            LogLevel::Trace => imports::LogLevel::Trace,
            LogLevel::Debug => imports::LogLevel::Debug,
            LogLevel::Info => imports::LogLevel::Info,
            LogLevel::Warn => imports::LogLevel::Warn,
            LogLevel::Error => imports::LogLevel::Error,
        };
        imports::log(level, message);
    }
}

fn envelope(e: wit::Envelope) -> Envelope {
    Envelope {
        case_id: e.case_id,
        programme: e.programme,
        case_type: e.case_type,
        case_number: e.case_number,
        parent_id: e.parent_id,
        state: e.state,
        action: e.action,
        actor_id: e.actor_id,
        actor_roles: e.actor_roles,
        org_unit: e.org_unit,
        now: e.now,
        time_zone: e.time_zone,
        local_now: e.local_now,
        locale: e.locale,
    }
}

fn call_error(e: CallError) -> wit::CallError {
    match e {
        CallError::UnknownId(m) => wit::CallError::UnknownId(m),
        CallError::BadInput(m) => wit::CallError::BadInput(m),
        CallError::Failed(m) => wit::CallError::Failed(m),
    }
}

fn finding(f: Finding) -> wit::Finding {
    wit::Finding {
        field: f.field,
        code: f.code,
        message_zh: f.message_zh,
        message_en: f.message_en,
        severity: match f.severity {
            Severity::Error => wit::Severity::Error,
            Severity::Warning => wit::Severity::Warning,
        },
    }
}

fn item(i: crate::Item) -> wit::Item {
    wit::Item {
        id: i.id,
        title_zh: i.title_zh,
        title_en: i.title_en,
    }
}

fn parse(json: &str) -> Result<Value, wit::CallError> {
    serde_json::from_str(json)
        .map_err(|e| wit::CallError::BadInput(format!("input is not JSON: {e}")))
}

/// `describe`, with the interface version the export macro stamped.
pub fn describe<P: Plugin>(interface_version: &str) -> wit::Description {
    let d = P::describe();
    wit::Description {
        id: d.id,
        version: d.version,
        interface_version: interface_version.to_string(),
        title_zh: d.title_zh,
        title_en: d.title_en,
        forms: d.forms.into_iter().map(item).collect(),
        checks: d.checks.into_iter().map(item).collect(),
        derived_fields: d.derived_fields,
    }
}

/// `form`: the definition serialised to JSON.
pub fn form<P: Plugin>(form_id: String, env: wit::Envelope) -> Result<String, wit::CallError> {
    let env = envelope(env);
    let def = P::form(&Context::new(&env, &WasmHost), &form_id).map_err(call_error)?;
    serde_json::to_string(&def).map_err(|e| wit::CallError::Failed(e.to_string()))
}

/// `check`: parses the input and converts the findings.
pub fn check<P: Plugin>(
    check_id: String,
    env: wit::Envelope,
    input: String,
) -> Result<Vec<wit::Finding>, wit::CallError> {
    let env = envelope(env);
    let input = parse(&input)?;
    let findings =
        P::check(&Context::new(&env, &WasmHost), &check_id, &input).map_err(call_error)?;
    Ok(findings.into_iter().map(finding).collect())
}

/// `derive`: parses the data and serialises the derived fields.
pub fn derive<P: Plugin>(env: wit::Envelope, data: String) -> Result<String, wit::CallError> {
    let env = envelope(env);
    let data = parse(&data)?;
    let out = P::derive(&Context::new(&env, &WasmHost), &data).map_err(call_error)?;
    Ok(out.to_string())
}
