//! A submitted form back into case data (see [`super`]).

use std::collections::BTreeSet;

use anjuan_plugin_sdk::form::{Field, FieldKind, FormDef};
use chrono::{DateTime, NaiveDateTime, TimeZone};
use serde_json::{Map, Value};

use super::super::page::FormBody;
use crate::engine::privacy::MASK;

/// Read a submitted form into case data. Blank fields are left out (or set to `null`
/// when `prior` had a value, so clearing a field clears it); a masked field left
/// blank keeps its stored value; fields hidden by `visible_when` are dropped.
/// Values that do not parse as their type are kept as text, so the validator names
/// them and the form shows them again.
pub fn parse(def: &FormDef, body: &FormBody, prior: &Value, tz: chrono_tz::Tz) -> Value {
    let mut out = Map::new();
    for f in &def.fields {
        let v = parse_field(f, "f", body, tz);
        let had = prior.get(&f.id).is_some_and(|p| !p.is_null());
        let masked = prior.get(&f.id).and_then(Value::as_str) == Some(MASK);
        match v {
            Some(v) => {
                out.insert(f.id.clone(), v);
            }
            None if had && !masked => {
                out.insert(f.id.clone(), Value::Null);
            }
            None => {}
        }
    }
    let snapshot = out.clone();
    drop_hidden(&def.fields, &mut out, &snapshot);
    Value::Object(out)
}

fn drop_hidden(fields: &[Field], row: &mut Map<String, Value>, top: &Map<String, Value>) {
    for f in fields {
        if let Some(c) = &f.visible_when
            && !c.holds(row.get(&c.field).or_else(|| top.get(&c.field)))
        {
            row.remove(&f.id);
            continue;
        }
        match (&f.kind, row.get_mut(&f.id)) {
            (FieldKind::Group { fields: sub, .. }, Some(Value::Array(rows))) => {
                for r in rows.iter_mut() {
                    if let Some(obj) = r.as_object_mut() {
                        drop_hidden(sub, obj, top);
                    }
                }
            }
            (FieldKind::Object { fields: sub }, Some(Value::Object(obj))) => {
                drop_hidden(sub, obj, top)
            }
            _ => {}
        }
    }
}

fn parse_field(f: &Field, prefix: &str, body: &FormBody, tz: chrono_tz::Tz) -> Option<Value> {
    let name = format!("{prefix}.{}", f.id);
    let text = || body.get(&name).map(str::trim).filter(|s| !s.is_empty());
    match &f.kind {
        FieldKind::Number { .. } => text().map(|s| {
            s.parse::<f64>()
                .ok()
                .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
                .unwrap_or_else(|| s.into())
        }),
        FieldKind::Integer { .. } => text().map(|s| {
            s.parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| s.into())
        }),
        FieldKind::Boolean => text().map(|s| match s {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => other.into(),
        }),
        FieldKind::Datetime => text().map(|s| Value::String(to_rfc3339(s, tz))),
        FieldKind::MultiSelect { .. } => {
            let chosen: Vec<Value> = body
                .all(&name)
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(Value::from)
                .collect();
            (!chosen.is_empty()).then_some(Value::Array(chosen))
        }
        FieldKind::Object { fields } => {
            let members: Map<String, Value> = fields
                .iter()
                .filter_map(|sf| parse_field(sf, &name, body, tz).map(|v| (sf.id.clone(), v)))
                .collect();
            (!members.is_empty()).then_some(Value::Object(members))
        }
        FieldKind::Group { fields, .. } => {
            let start = format!("{name}.");
            let indices: BTreeSet<usize> = body
                .0
                .iter()
                .filter_map(|(k, _)| k.strip_prefix(&start)?.split('.').next()?.parse().ok())
                .collect();
            let rows: Vec<Value> = indices
                .into_iter()
                .filter_map(|i| {
                    let p = format!("{name}.{i}");
                    let row: Map<String, Value> = fields
                        .iter()
                        .filter_map(|sf| parse_field(sf, &p, body, tz).map(|v| (sf.id.clone(), v)))
                        .collect();
                    (!row.is_empty()).then_some(Value::Object(row))
                })
                .collect();
            (!rows.is_empty()).then_some(Value::Array(rows))
        }
        _ => text().map(Value::from),
    }
}

/// `2026-11-29T10:30` (a `datetime-local` input, in the deployment's zone) → RFC 3339.
fn to_rfc3339(s: &str, tz: chrono_tz::Tz) -> String {
    if DateTime::parse_from_rfc3339(s).is_ok() {
        return s.to_owned();
    }
    let parsed = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"));
    match parsed
        .ok()
        .and_then(|n| tz.from_local_datetime(&n).earliest())
    {
        Some(t) => t.to_rfc3339(),
        None => s.to_owned(),
    }
}
