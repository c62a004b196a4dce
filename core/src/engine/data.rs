//! Submitted data against the declared fields: only declared fields, each of its kind.
//!
//! Forms (from plugins) check what a person must fill in; this is the engine's own
//! floor, so no action can store a value the definition does not describe.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::{Change, Refusal};
use crate::workflow::model::{Field, FieldType, Name};

/// Refusals for every submitted value that is undeclared or of the wrong kind.
pub fn check_input(fields: &IndexMap<Name, Field>, input: &Value) -> Vec<Refusal> {
    let mut out = Vec::new();
    match input {
        Value::Null => {}
        Value::Object(map) => check_object(fields, map, "", &mut out),
        _ => out.push(Refusal::new(
            "invalid_data",
            Some(String::new()),
            "提交的数据必须是对象".to_owned(),
            "submitted data must be a JSON object".to_owned(),
        )),
    }
    out
}

fn check_object(
    fields: &IndexMap<Name, Field>,
    map: &Map<String, Value>,
    prefix: &str,
    out: &mut Vec<Refusal>,
) {
    for (key, value) in map {
        let pointer = format!("{prefix}/{}", escape(key));
        match fields.get(key.as_str()) {
            None => out.push(Refusal::new(
                "unknown_field",
                Some(pointer),
                format!("字段“{key}”未在流程定义中声明"),
                format!("field `{key}` is not declared in the workflow"),
            )),
            Some(field) => check_value(field, value, &pointer, out),
        }
    }
}

fn check_value(field: &Field, value: &Value, pointer: &str, out: &mut Vec<Refusal>) {
    if value.is_null() {
        return;
    }
    let kind = *field.kind;
    let ok = match kind {
        FieldType::Text | FieldType::User | FieldType::OrgUnit | FieldType::File => {
            value.is_string()
        }
        FieldType::Integer => value.is_i64() || value.is_u64(),
        FieldType::Number => value.is_number(),
        FieldType::Boolean => value.is_boolean(),
        FieldType::Date => value
            .as_str()
            .is_some_and(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()),
        FieldType::Datetime => value
            .as_str()
            .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()),
        FieldType::Select => value.as_str().is_some_and(|s| is_option(field, s)),
        FieldType::MultiSelect => value.as_array().is_some_and(|items| {
            items
                .iter()
                .all(|i| i.as_str().is_some_and(|s| is_option(field, s)))
        }),
        FieldType::Object => match value.as_object() {
            Some(map) => {
                check_object(&field.fields, map, pointer, out);
                true
            }
            None => false,
        },
        FieldType::List => match value.as_array() {
            Some(rows) => {
                for (i, row) in rows.iter().enumerate() {
                    let row_pointer = format!("{pointer}/{i}");
                    match row.as_object() {
                        Some(map) => check_object(&field.fields, map, &row_pointer, out),
                        None => out.push(wrong_kind(&row_pointer, FieldType::Object)),
                    }
                }
                true
            }
            None => false,
        },
    };
    if !ok {
        out.push(wrong_kind(pointer, kind));
    }
}

fn is_option(field: &Field, value: &str) -> bool {
    field.options.iter().any(|o| o.as_str() == value)
}

fn wrong_kind(pointer: &str, kind: FieldType) -> Refusal {
    let (zh, en) = match kind {
        FieldType::Text | FieldType::User | FieldType::OrgUnit | FieldType::File => {
            ("文本", "text")
        }
        FieldType::Integer => ("整数", "a whole number"),
        FieldType::Number => ("数字", "a number"),
        FieldType::Boolean => ("是/否", "true or false"),
        FieldType::Date => ("日期(YYYY-MM-DD)", "a date (YYYY-MM-DD)"),
        FieldType::Datetime => ("时间(RFC 3339)", "a date and time (RFC 3339)"),
        FieldType::Select => ("选项之一", "one of the options"),
        FieldType::MultiSelect => ("选项列表", "a list of options"),
        FieldType::List => ("表格行列表", "a list of rows"),
        FieldType::Object => ("对象", "an object"),
    };
    Refusal::new(
        "invalid_field",
        Some(pointer.to_owned()),
        format!("字段 {pointer} 应为{zh}"),
        format!("field {pointer} must be {en}"),
    )
}

/// Escape a key for a JSON Pointer (RFC 6901).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The case data with `updates` written over it (top-level fields), and the changes.
pub fn merge(data: &Value, updates: &Map<String, Value>) -> (Value, Vec<Change>) {
    let mut merged = data.as_object().cloned().unwrap_or_default();
    let mut changes = Vec::new();
    for (key, after) in updates {
        let before = merged.get(key).cloned().unwrap_or(Value::Null);
        if &before != after {
            changes.push(Change {
                field: key.clone(),
                before,
                after: after.clone(),
            });
            merged.insert(key.clone(), after.clone());
        }
    }
    (Value::Object(merged), changes)
}

/// The data an expression sees: every declared field present, `null` when unset, so
/// `data.x == true` is simply false for an unset `x`.
pub fn with_declared(fields: &IndexMap<Name, Field>, data: &Value) -> Value {
    let mut map = data.as_object().cloned().unwrap_or_default();
    for name in fields.keys() {
        map.entry(name.as_str()).or_insert(Value::Null);
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields() -> IndexMap<Name, Field> {
        let yaml = "\
a: { type: integer }
d: { type: date }
s: { type: select, options: [x, y] }
rows: { type: list, fields: { n: { type: number } } }
";
        marked_yaml::from_yaml(0, yaml).expect("fields")
    }

    #[test]
    fn accepts_declared_values_of_the_right_kind() {
        let input = json!({"a": 3, "d": "2026-10-01", "s": "x", "rows": [{"n": 1.5}], "a2": null});
        let refusals = check_input(&fields(), &input);
        assert_eq!(refusals.len(), 1, "{refusals:?}");
        assert_eq!(refusals[0].code, "unknown_field");
        assert_eq!(refusals[0].field.as_deref(), Some("/a2"));
    }

    #[test]
    fn refuses_wrong_kinds_with_a_pointer() {
        let input = json!({"a": "3", "d": "1 Oct", "s": "z", "rows": [{"n": "x"}]});
        let fields: Vec<_> = check_input(&fields(), &input)
            .into_iter()
            .filter_map(|r| r.field)
            .collect();
        assert_eq!(fields, ["/a", "/d", "/rows/0/n", "/s"]);
    }

    #[test]
    fn merge_reports_only_real_changes() {
        let (data, changes) = merge(
            &json!({"a": 1, "b": 2}),
            json!({"a": 1, "b": 3, "c": 4}).as_object().expect("object"),
        );
        assert_eq!(data, json!({"a": 1, "b": 3, "c": 4}));
        assert_eq!(changes.len(), 2);
    }
}
