//! [`DataExt`]: typed access to case data by JSON Pointer.

use chrono::NaiveDate;
use serde_json::Value;

/// Typed reads of a JSON document by JSON Pointer (`/business/name`). Each returns `None`
/// when the field is missing or has another type.
pub trait DataExt {
    /// The value at `pointer`, if present and not `null`.
    fn at(&self, pointer: &str) -> Option<&Value>;

    /// A string field.
    fn str_at(&self, pointer: &str) -> Option<&str> {
        self.at(pointer).and_then(Value::as_str)
    }

    /// A boolean field.
    fn bool_at(&self, pointer: &str) -> Option<bool> {
        self.at(pointer).and_then(Value::as_bool)
    }

    /// An integer field.
    fn i64_at(&self, pointer: &str) -> Option<i64> {
        self.at(pointer).and_then(Value::as_i64)
    }

    /// A number field.
    fn f64_at(&self, pointer: &str) -> Option<f64> {
        self.at(pointer).and_then(Value::as_f64)
    }

    /// A date field (`YYYY-MM-DD`).
    fn date_at(&self, pointer: &str) -> Option<NaiveDate> {
        self.str_at(pointer)
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    }

    /// An array field.
    fn array_at(&self, pointer: &str) -> Option<&Vec<Value>> {
        self.at(pointer).and_then(Value::as_array)
    }

    /// True when the field is missing, `null`, an empty or all-blank string, or an empty
    /// array or object: what a person would call "not filled in".
    fn is_blank_at(&self, pointer: &str) -> bool {
        self.at(pointer).is_none_or(is_blank)
    }
}

impl DataExt for Value {
    fn at(&self, pointer: &str) -> Option<&Value> {
        self.pointer(pointer).filter(|v| !v.is_null())
    }
}

/// True for `null`, blank strings, and empty arrays or objects.
pub fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_reads_and_blanks() {
        let d = json!({"a": {"b": " ", "n": 3, "d": "2026-10-01"}, "z": null, "l": []});
        assert_eq!(d.i64_at("/a/n"), Some(3));
        assert_eq!(d.date_at("/a/d"), NaiveDate::from_ymd_opt(2026, 10, 1));
        assert!(d.is_blank_at("/a/b"));
        assert!(d.is_blank_at("/z"));
        assert!(d.is_blank_at("/l"));
        assert!(d.is_blank_at("/missing"));
        assert!(!d.is_blank_at("/a/n"));
    }
}
