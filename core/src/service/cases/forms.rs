//! The plugin form behind opening a case or taking an action: its generic constraints
//! (required, types, ranges, patterns, options) on the data, before the engine and the
//! checks run, so no plugin re-checks them.
//!
//! A form is also the list of what its action may write. A caller submits only the
//! form's fields, and an action without a form takes no data, so no one can send, say,
//! a passed re-inspection result along with the action whose guard asks for one. (A
//! programme without a plugin has no forms; its actions write any declared field.)

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::parse;
use crate::engine::{Actor, CheckRequest, Severity};
use crate::error::{Error, Layer, Result, Violation};
use crate::state::{AppState, Version, plugin_form, plugin_validate};
use crate::store::entities::cases;
use crate::workflow::model::I18n;

/// The generic constraints of the action's plugin form (required, types, ranges,
/// patterns, options), on the case data as the action would leave it: what they
/// refuse, tagged [`Layer::Form`]. Fields outside the form are refused outright.
pub(super) async fn validate_form(
    state: &AppState,
    version: &Version,
    case: &cases::Model,
    action: &str,
    input: &Value,
) -> Result<Vec<Violation>> {
    let def = &version.def;
    let Some(plugin) = def.programme.plugin.as_ref() else {
        return Ok(Vec::new());
    };
    let form = def
        .programme
        .case_type(&case.case_type)
        .and_then(|ct| {
            ct.transitions_for(action)
                .find(|t| t.from.iter().any(|f| f.as_str() == case.state))
        })
        .map(|t| t.form.clone());
    let Some(form) = form else {
        return Ok(Vec::new());
    };
    let Some(form) = form else {
        refuse(outside(input, Some(&[]), action))?;
        return Ok(Vec::new());
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
    Ok(in_layer(violations, Layer::Form))
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
) -> Result<Vec<Violation>> {
    let def = &version.def;
    let Some(plugin) = def.programme.plugin.as_ref() else {
        return Ok(Vec::new());
    };
    let Some(rule) = def
        .programme
        .case_type(case_type)
        .and_then(|ct| ct.create.as_ref())
    else {
        return Ok(Vec::new());
    };
    let system = who.roles.contains(crate::workflow::SYSTEM_ROLE);
    if !system && !who.holds_any(rule.roles.iter().map(|r| r.as_str())) {
        return Ok(Vec::new());
    }
    let Some(form) = rule.form.as_ref() else {
        // Like an action without a form: opening takes no data.
        if !system {
            refuse(outside(data, Some(&[]), "create"))?;
        }
        return Ok(Vec::new());
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
    Ok(in_layer(violations, Layer::Form))
}

fn in_layer(mut violations: Vec<Violation>, layer: Layer) -> Vec<Violation> {
    for v in &mut violations {
        v.layer = Some(layer);
    }
    violations
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
        .map(|k| Violation { layer: None,
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
        Err(Error::Invalid(in_layer(violations, Layer::Form)))
    }
}

/// What a plugin check is asked about, besides the data.
pub(super) struct CheckAsk<'a> {
    /// The version the case runs on.
    pub version: &'a Arc<Version>,
    /// The case type.
    pub case_type: &'a str,
    /// The case, unless it is being opened.
    pub case: Option<&'a cases::Model>,
    /// The parent case's id, if any.
    pub parent_id: Option<&'a str>,
    /// The action (`create` when opening).
    pub action: &'a str,
    /// Who acts.
    pub actor: &'a Actor,
    /// The data as submitted (an action's is merged over the case's).
    pub data: &'a Value,
    /// Now.
    pub now: DateTime<Utc>,
}

/// The 422 for a form refused on its rules: its violations, and the findings of every
/// plugin check of the action whose declared reads touch none of the refused fields
/// (tagged [`Layer::Check`]). Checks run only for an actor who may take the action; a
/// check that fails to run adds nothing (the form's refusal stands on its own).
pub(super) async fn refused_with_checks(
    state: &AppState,
    ask: CheckAsk<'_>,
    refused: Vec<Violation>,
) -> Error {
    let def = &ask.version.def;
    let (Some(plugin), Some(ct)) = (
        def.programme.plugin.as_ref(),
        def.programme.case_type(ask.case_type),
    ) else {
        return Error::Invalid(refused);
    };
    let (checks, to) = match ask.case {
        Some(case) => match ct
            .transitions_for(ask.action)
            .find(|t| t.from.iter().any(|f| f.as_str() == case.state))
        {
            Some(t) if ask.actor.holds_any(t.roles.iter().map(|r| r.as_str())) => {
                (t.checks.clone(), t.to.to_string())
            }
            _ => return Error::Invalid(refused),
        },
        None => match &ct.create {
            Some(rule) => (rule.checks.clone(), ct.initial.to_string()),
            None => return Error::Invalid(refused),
        },
    };
    let independent: Vec<String> = checks
        .iter()
        .filter(|c| {
            state
                .plugins
                .check_reads(plugin, c)
                .is_some_and(|reads| !reads.iter().any(|r| touches(r, &refused)))
        })
        .map(|c| c.to_string())
        .collect();
    if independent.is_empty() {
        return Error::Invalid(refused);
    }
    let snapshot = match ask.case {
        Some(case) => match super::snapshot(state, case).await {
            Ok(s) => Some(s),
            Err(_) => return Error::Invalid(refused),
        },
        None => None,
    };
    let plugins = state.plugins.clone();
    let (version, plugin) = (ask.version.clone(), plugin.to_string());
    let (case_type, action, actor) = (
        ask.case_type.to_owned(),
        ask.action.to_owned(),
        ask.actor.clone(),
    );
    let mut data = match ask.case {
        Some(case) => parse(&case.data),
        None => Value::Object(Default::default()),
    };
    if let (Some(m), Some(i)) = (data.as_object_mut(), ask.data.as_object()) {
        m.extend(i.clone());
    }
    let (parent_id, now) = (ask.parent_id.map(str::to_owned), ask.now);
    let found = tokio::task::spawn_blocking(move || {
        let mut found = Vec::new();
        for check in &independent {
            let request = CheckRequest {
                programme: version.def.id(),
                plugin: &plugin,
                check,
                case_type: &case_type,
                case: snapshot.as_ref(),
                parent_id: parent_id.as_deref(),
                action: &action,
                to: &to,
                actor: &actor,
                data: &data,
                now,
            };
            let Ok(result) = plugins.check(&request) else {
                continue;
            };
            found.extend(
                result
                    .findings
                    .into_iter()
                    .filter(|f| f.severity == Severity::Error)
                    .map(|f| Violation {
                        field: f.field,
                        code: f.code,
                        message: f.message,
                        layer: Some(Layer::Check),
                    }),
            );
        }
        found
    })
    .await
    .unwrap_or_default();
    let mut all = refused;
    all.extend(found);
    Error::Invalid(all)
}

/// Whether the field at JSON Pointer `read` is, holds or lies inside a refused field.
fn touches(read: &str, refused: &[Violation]) -> bool {
    refused.iter().any(|v| {
        let f = v.field.as_str();
        f.is_empty()
            || f == read
            || f.strip_prefix(read)
                .is_some_and(|rest| rest.starts_with('/'))
            || read
                .strip_prefix(f)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}
