//! Sensitive fields: who may read them, and the data as others see it.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde_json::Value;

use super::Actor;
use crate::workflow::model::{CaseType, Field, Name, Readers};

/// What masked values are replaced with.
pub const MASK: &str = "***";

/// The data as `actor` may see it, and the sensitive fields it shows unmasked (for
/// the access log). `parent` is the parent case's data, for readers named there.
pub fn mask(
    ct: &CaseType,
    data: &Value,
    parent: Option<&Value>,
    actor: &Actor,
) -> (Value, BTreeSet<String>) {
    let mut shown = BTreeSet::new();
    let Some(map) = data.as_object() else {
        return (data.clone(), shown);
    };
    let mut out = map.clone();
    for (name, field) in &ct.fields {
        if !field.sensitive {
            continue;
        }
        let Some(value) = out.get_mut(name.as_str()) else {
            continue;
        };
        if value.is_null() {
            continue;
        }
        if reads(ct, field, data, parent, actor) {
            shown.insert(name.to_string());
        } else {
            *value = Value::String(MASK.to_owned());
        }
    }
    (Value::Object(out), shown)
}

/// The sensitive fields of a case `actor` may read: decided by each field's definition
/// and readers, whatever the field holds now (a field cleared since still has a past
/// value in the case's events).
pub fn readable(
    ct: &CaseType,
    data: &Value,
    parent: Option<&Value>,
    actor: &Actor,
) -> BTreeSet<String> {
    ct.fields
        .iter()
        .filter(|(_, field)| field.sensitive && reads(ct, field, data, parent, actor))
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Hide the field values an event's `payload` carries (the before and after of its
/// `changes`; a case's opening event lists its data there) from a reader who may read
/// only the sensitive fields in `readable`. Returns the sensitive fields it leaves
/// shown with a value, for the access log.
pub fn mask_event(
    ct: &CaseType,
    payload: &mut Value,
    readable: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut shown = BTreeSet::new();
    let Some(changes) = payload.get_mut("changes").and_then(Value::as_array_mut) else {
        return shown;
    };
    for change in changes {
        let Some(name) = change.get("field").and_then(Value::as_str) else {
            continue;
        };
        if !ct.fields.get(name).is_some_and(|f| f.sensitive) {
            continue;
        }
        if readable.contains(name) {
            if !(change["before"].is_null() && change["after"].is_null()) {
                shown.insert(name.to_owned());
            }
        } else {
            change["before"] = Value::from(MASK);
            change["after"] = Value::from(MASK);
        }
    }
    shown
}

/// Whether `actor` may read `field`: a sensitive field only its readers (or, failing
/// those, the case type's), anything else everyone.
fn reads(
    ct: &CaseType,
    field: &Field,
    data: &Value,
    parent: Option<&Value>,
    actor: &Actor,
) -> bool {
    if !field.sensitive {
        return true;
    }
    let readers = field.readers.as_ref().or(ct.readers.as_ref());
    readers.is_some_and(|r| may_read(r, data, parent, actor))
}

/// Whether `actor` is one of `readers` for a case with this data.
pub fn may_read(readers: &Readers, data: &Value, parent: Option<&Value>, actor: &Actor) -> bool {
    if actor.holds_any(readers.roles.iter().map(|r| r.as_str())) {
        return true;
    }
    readers.user_fields.iter().any(|uf| {
        let (source, field) = match uf.strip_prefix("parent.") {
            Some(f) => (parent, f),
            None => (Some(data), uf.as_str()),
        };
        source
            .and_then(|d| d.get(field))
            .and_then(Value::as_str)
            .is_some_and(|user| user == actor.id)
    })
}

/// The names of the sensitive fields of a case type.
pub fn sensitive_fields(fields: &IndexMap<Name, Field>) -> impl Iterator<Item = &str> {
    fields
        .iter()
        .filter(|(_, f)| f.sensitive)
        .map(|(n, _)| n.as_str())
}
