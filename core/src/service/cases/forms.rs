//! The plugin form behind opening a case or taking an action: its generic constraints
//! (required, types, ranges, patterns, options) on the data, before the engine and the
//! checks run, so no plugin re-checks them.

use serde_json::Value;

use super::parse;
use crate::engine::Actor;
use crate::error::{Error, Result};
use crate::state::{AppState, Version};
use crate::store::entities::cases;

/// The generic constraints of the action's plugin form (required, types, ranges,
/// patterns, options), on the case data as the action would leave it.
pub(super) fn validate_form(
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
        .and_then(|t| t.form.clone());
    let Some(form) = form else { return Ok(()) };
    let mut merged = parse(&case.data);
    if let (Some(m), Some(i)) = (merged.as_object_mut(), input.as_object()) {
        m.extend(i.clone());
    }
    let violations = state
        .plugins
        .validate(plugin, &form, &merged)
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
pub(super) fn validate_new(
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
    let Some(form) = rule.form.as_ref() else {
        return Ok(());
    };
    let system = who.roles.contains(crate::workflow::SYSTEM_ROLE);
    if !system && !who.holds_any(rule.roles.iter().map(|r| r.as_str())) {
        return Ok(());
    }
    let empty = Value::Object(Default::default());
    let data = if data.is_null() { &empty } else { data };
    let violations = state
        .plugins
        .validate(plugin, form, data)
        .map_err(Error::Internal)?;
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(violations))
    }
}
