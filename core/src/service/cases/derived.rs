//! Derived fields: values a programme's plugin computes from the case data (whether a
//! building is in scope as a high-rise, the month a batch was sampled in), stored in the
//! case like any field, in the same transaction as the action that changed their inputs.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::parse;
use crate::engine::{self, Actor, Change, Outcome, PluginFailure};
use crate::error::{Error, Result};
use crate::state::{DeriveRequest, Plugins, Version};
use crate::store::entities::cases;
use crate::workflow::model::{Field, Name};

/// Where derived fields are computed: the case (none while it is being opened) and who
/// acts.
pub(super) struct DeriveAt<'a> {
    pub(super) case_type: &'a str,
    pub(super) case: Option<&'a cases::Model>,
    pub(super) parent_id: Option<&'a str>,
    pub(super) org_unit: &'a str,
    pub(super) actor: &'a Actor,
    pub(super) now: DateTime<Utc>,
}

/// Write the plugin's derived fields over the outcome's data, when the case type
/// declares them and the case is new or its data changed. They are the plugin's: a
/// value someone submitted for one is replaced. A plugin failure refuses the whole
/// action, so the case stays as it was.
///
/// This calls the plugin: run it off the async workers, in the same blocking task as
/// the decision it follows (one hand-off per action, not one per plugin call).
pub(super) fn derive(
    plugins: &dyn Plugins,
    version: &Version,
    at: &DeriveAt<'_>,
    outcome: &mut Outcome,
) -> Result<()> {
    if at.case.is_some() && outcome.changes.is_empty() {
        return Ok(());
    }
    let def = &version.def;
    let (Some(plugin), Some(ct)) = (
        def.programme.plugin.as_ref(),
        def.programme.case_type(at.case_type),
    ) else {
        return Ok(());
    };
    let pointers: Vec<String> = plugins
        .derived_fields(plugin)
        .into_iter()
        .filter(|p| top_field(p).is_some_and(|f| ct.fields.contains_key(f.as_str())))
        .collect();
    if pointers.is_empty() {
        return Ok(());
    }
    let plugin_id = plugin.to_string();
    let request = DeriveRequest {
        programme: def.id(),
        plugin: &plugin_id,
        case_type: at.case_type,
        case_id: at.case.map_or("", |c| c.id.as_str()),
        case_number: at.case.map_or("", |c| c.number.as_str()),
        state: &outcome.to,
        parent_id: at.parent_id,
        action: &outcome.action,
        actor: at.actor,
        org_unit: at.org_unit,
        data: &outcome.data,
        now: at.now,
    };
    let derived = plugins.derive(&request).map_err(Error::Plugin)?;
    let before = at.case.map(|c| parse(&c.data)).unwrap_or(Value::Null);
    apply_derived(&ct.fields, &pointers, &derived, &before, outcome).map_err(|reason| {
        Error::Plugin(PluginFailure {
            plugin: plugin_id,
            check: "derive".to_owned(),
            reason,
            blocking: true,
        })
    })
}

/// The top-level field a JSON Pointer starts in (`/in_scope` → `in_scope`).
fn top_field(pointer: &str) -> Option<String> {
    let first = pointer.strip_prefix('/')?.split('/').next()?;
    (!first.is_empty()).then(|| first.replace("~1", "/").replace("~0", "~"))
}

/// Put the derived values at their pointers (a value the plugin left out is `null`),
/// and make the outcome's changes say what the derivation changed. Values of the wrong
/// kind for their declared fields are refused, naming them.
fn apply_derived(
    fields: &indexmap::IndexMap<Name, Field>,
    pointers: &[String],
    derived: &Value,
    before: &Value,
    outcome: &mut Outcome,
) -> std::result::Result<(), String> {
    let mut touched = Vec::new();
    for pointer in pointers {
        let value = derived.pointer(pointer).cloned().unwrap_or(Value::Null);
        set_at(&mut outcome.data, pointer, value);
        if let Some(f) = top_field(pointer).filter(|f| !touched.contains(f)) {
            touched.push(f);
        }
    }
    let written: serde_json::Map<String, Value> = touched
        .iter()
        .map(|f| {
            (
                f.clone(),
                outcome.data.get(f).cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    let wrong = engine::check_input(fields, &Value::Object(written.clone()));
    if !wrong.is_empty() {
        let list: Vec<String> = wrong.into_iter().map(|r| r.message.en).collect();
        return Err(format!(
            "derived values do not fit their fields: {}",
            list.join("; ")
        ));
    }
    for (field, after) in written {
        let was = before.get(&field).cloned().unwrap_or(Value::Null);
        outcome.changes.retain(|c| c.field != field);
        if was != after {
            outcome.changes.push(Change {
                field,
                before: was,
                after,
            });
        }
    }
    Ok(())
}

/// Set `value` at a JSON Pointer, making the objects on the way.
fn set_at(data: &mut Value, pointer: &str, value: Value) {
    let keys: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|k| k.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut cur = data;
    for (i, key) in keys.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Default::default());
        }
        let Some(map) = cur.as_object_mut() else {
            return;
        };
        if i + 1 == keys.len() {
            map.insert(key.clone(), value);
            return;
        }
        cur = map
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Default::default()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields() -> indexmap::IndexMap<Name, Field> {
        let yaml = "\
floors: { type: integer }
in_scope: { type: boolean }
scope_reason: { type: text }
scope: { type: object, fields: { band: { type: text } } }
";
        marked_yaml::from_yaml(0, yaml).expect("fields")
    }

    fn outcome(data: Value, changes: Vec<Change>) -> Outcome {
        Outcome {
            action: "update".into(),
            from: Some("registered".into()),
            to: "registered".into(),
            data,
            changes,
            deadlines: Vec::new(),
            children: Vec::new(),
            notifications: Vec::new(),
            checks: Vec::new(),
            taken_at: None,
            warnings: Vec::new(),
        }
    }

    fn pointers(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn derived_values_replace_submitted_ones_and_are_recorded_as_changes() {
        let before = json!({ "floors": 16, "in_scope": true, "scope_reason": "高" });
        let submitted = Change {
            field: "in_scope".into(),
            before: json!(true),
            after: json!(false),
        };
        let mut out = outcome(
            json!({ "floors": 8, "in_scope": false, "scope_reason": "高" }),
            vec![submitted],
        );
        let derived = json!({ "in_scope": true, "scope_reason": "低", "other": 1 });
        let ptrs = pointers(&["/in_scope", "/scope_reason"]);
        apply_derived(&fields(), &ptrs, &derived, &before, &mut out).expect("fits");
        assert_eq!(
            out.data,
            json!({ "floors": 8, "in_scope": true, "scope_reason": "低" })
        );
        // The submitted value came to nothing; the reason did change.
        let changed: Vec<&str> = out.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(changed, ["scope_reason"]);
    }

    #[test]
    fn a_value_left_out_is_null_and_nested_pointers_build_their_objects() {
        let mut out = outcome(json!({ "floors": 8 }), Vec::new());
        let ptrs = pointers(&["/in_scope", "/scope/band"]);
        apply_derived(
            &fields(),
            &ptrs,
            &json!({ "scope": { "band": "mid" } }),
            &Value::Null,
            &mut out,
        )
        .expect("fits");
        assert_eq!(
            out.data,
            json!({ "floors": 8, "in_scope": null, "scope": { "band": "mid" } })
        );
        assert_eq!(out.changes.len(), 1, "{:?}", out.changes);
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_refused_naming_it() {
        let mut out = outcome(json!({}), Vec::new());
        let err = apply_derived(
            &fields(),
            &pointers(&["/in_scope"]),
            &json!({ "in_scope": "yes" }),
            &Value::Null,
            &mut out,
        )
        .expect_err("a text is not a boolean");
        assert!(err.contains("/in_scope"), "{err}");
    }

    #[test]
    fn a_pointer_names_its_top_level_field() {
        assert_eq!(top_field("/in_scope").as_deref(), Some("in_scope"));
        assert_eq!(top_field("/a~1b/c").as_deref(), Some("a/b"));
        assert_eq!(top_field(""), None);
        assert_eq!(top_field("/"), None);
    }
}
