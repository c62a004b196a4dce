//! The plugin form behind opening a case or taking an action: its generic constraints
//! (required, types, ranges, patterns, options) on the data, before the engine and the
//! checks run, so no plugin re-checks them.
//!
//! A form is also the list of what its action may write. A caller submits only the
//! form's fields, and an action without a form takes no data, so no one can send, say,
//! a passed re-inspection result along with the action whose guard asks for one. (A
//! programme without a plugin has no forms; its actions write any declared field.)

use serde_json::Value;

use super::parse;
use crate::engine::Actor;
use crate::error::{Error, Result, Violation};
use crate::state::{AppState, Version, plugin_form, plugin_validate};
use crate::store::entities::cases;
use crate::workflow::model::I18n;

/// The generic constraints of the action's plugin form (required, types, ranges,
/// patterns, options), on the case data as the action would leave it.
pub(super) async fn validate_form(
    state: &AppState,
    version: &Version,
    case: &cases::Model,
    action: &str,
    input: &Value,
) -> Result<()> {
    let def = &version.def;
    let Some(plugin) = def.programme.plugin.as_ref() else {
        return Ok(());
    };
    let form = def
        .programme
        .case_type(&case.case_type)
        .and_then(|ct| {
            ct.transitions_for(action)
                .find(|t| t.from.iter().any(|f| f.as_str() == case.state))
        })
        .map(|t| t.form.clone());
    let Some(form) = form else { return Ok(()) };
    let Some(form) = form else {
        return refuse(outside(input, Some(&[]), action));
    };
    refuse(outside(
        input,
        form_fields(state, plugin, &form).await?.as_deref(),
        action,
    ))?;
    let mut merged = parse(&case.data);
    if let (Some(m), Some(i)) = (merged.as_object_mut(), input.as_object()) {
        m.extend(i.clone());
    }
    let violations = plugin_validate(&state.plugins, plugin, &form, &merged)
        .await
        .map_err(Error::Internal)?;
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(violations))
    }
}

/// Opening a case by hand: the generic constraints of its plugin form on the data it is
/// opened with, as an action's form is checked. Someone who may not open the case at all
/// is left to the engine, which refuses them (403) whatever they sent.
pub(super) async fn validate_new(
    state: &AppState,
    version: &Version,
    case_type: &str,
    who: &Actor,
    data: &Value,
) -> Result<()> {
    let def = &version.def;
    let Some(plugin) = def.programme.plugin.as_ref() else {
        return Ok(());
    };
    let Some(rule) = def
        .programme
        .case_type(case_type)
        .and_then(|ct| ct.create.as_ref())
    else {
        return Ok(());
    };
    let system = who.roles.contains(crate::workflow::SYSTEM_ROLE);
    if !system && !who.holds_any(rule.roles.iter().map(|r| r.as_str())) {
        return Ok(());
    }
    let Some(form) = rule.form.as_ref() else {
        // Like an action without a form: opening takes no data.
        return if system {
            Ok(())
        } else {
            refuse(outside(data, Some(&[]), "create"))
        };
    };
    if !system {
        refuse(outside(
            data,
            form_fields(state, plugin, form).await?.as_deref(),
            "create",
        ))?;
    }
    let empty = Value::Object(Default::default());
    let data = if data.is_null() { &empty } else { data };
    let violations = plugin_validate(&state.plugins, plugin, form, data)
        .await
        .map_err(Error::Internal)?;
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(violations))
    }
}

/// The top-level field ids of a plugin form. A plugin that is not loaded, or lacks
/// the form, refuses: the whitelist never widens to "anything goes".
async fn form_fields(state: &AppState, plugin: &str, form: &str) -> Result<Option<Vec<String>>> {
    let Some(def) = plugin_form(&state.plugins, plugin, form, "zh-CN")
        .await
        .map_err(Error::Internal)?
    else {
        let reason = match state.plugins.availability(plugin) {
            Ok(()) => format!("it has no form `{form}`"),
            Err(why) => why,
        };
        return Err(Error::Degraded {
            programme: plugin.to_owned(),
            plugin: plugin.to_owned(),
            reason,
        });
    };
    let ids = def["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| f["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(ids))
}

/// A refusal for each submitted field that is not among `allowed` (`None`: anything
/// goes).
fn outside(data: &Value, allowed: Option<&[String]>, action: &str) -> Vec<Violation> {
    let (Some(allowed), Some(map)) = (allowed, data.as_object()) else {
        return Vec::new();
    };
    map.keys()
        .filter(|k| !allowed.iter().any(|a| a == *k))
        .map(|k| Violation {
            field: format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            code: "not_in_form".into(),
            message: if allowed.is_empty() {
                I18n {
                    zh: format!("“{action}”操作不接收数据（字段“{k}”）"),
                    en: format!("`{action}` takes no data (field `{k}`)"),
                }
            } else {
                I18n {
                    zh: format!("字段“{k}”不在“{action}”的表单中，不能由此操作填写"),
                    en: format!("field `{k}` is not on the form of `{action}`, so this action cannot write it"),
                }
            },
        })
        .collect()
}

fn refuse(violations: Vec<Violation>) -> Result<()> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(violations))
    }
}
