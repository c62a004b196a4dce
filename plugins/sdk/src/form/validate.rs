//! Submitted data against a form definition: every generic constraint, so plugins only
//! check programme rules.

use super::{Choice, Field, FieldKind, FormDef};
use crate::data::is_blank;
use crate::finding::{Finding, escape_token};
use chrono::{DateTime, NaiveDate};
use serde_json::{Map, Value};

/// Validates `data` (the case data, a JSON object) against `form`. Checks, for every
/// visible field: required, type, number and integer bounds, text lengths and pattern,
/// date bounds, select options, multi-select item counts, group rows (each row
/// validated recursively, with pointers like `/hazards/2/category`) and objects (their
/// members validated recursively, with pointers like `/sampling_record/sampled_at`).
/// Hidden fields (`visible_when` false) are neither required nor checked. An object that
/// is missing, `null` or has only blank members is not filled in: `required` if it is
/// required, otherwise not looked into. Keys the form does not declare are ignored: case
/// data holds more than one form. All findings are errors.
pub fn validate(form: &FormDef, data: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    match data.as_object() {
        Some(obj) => check_fields(&form.fields, obj, obj, "", &mut out),
        None => out.push(Finding::error(
            "",
            "type",
            "表单数据必须是 JSON 对象",
            "Form data must be a JSON object",
        )),
    }
    out
}

fn check_fields(
    fields: &[Field],
    row: &Map<String, Value>,
    top: &Map<String, Value>,
    prefix: &str,
    out: &mut Vec<Finding>,
) {
    for f in fields {
        if let Some(c) = &f.visible_when {
            let v = row.get(&c.field).or_else(|| top.get(&c.field));
            if !c.holds(v) {
                continue;
            }
        }
        let ptr = format!("{prefix}/{}", escape_token(&f.id));
        match row.get(&f.id) {
            Some(v) if !unfilled(f, v) => check_value(f, v, &ptr, top, out),
            _ if f.required => out.push(finding(
                &ptr,
                "required",
                format!("「{}」为必填项", f.label.zh),
                format!("{} is required", f.label.en),
            )),
            _ => {}
        }
    }
}

/// Whether `v` is "not filled in" for `f`: blank ([`is_blank`]), or for an object, an
/// object whose members are all not filled in (what a form left untouched submits).
fn unfilled(f: &Field, v: &Value) -> bool {
    fn all_blank(v: &Value) -> bool {
        match v {
            Value::Object(members) => members.values().all(all_blank),
            other => is_blank(other),
        }
    }
    match (&f.kind, v) {
        (FieldKind::Object { .. }, Value::Object(_)) => all_blank(v),
        _ => is_blank(v),
    }
}

fn finding(ptr: &str, code: &str, zh: String, en: String) -> Finding {
    Finding::error(ptr, code, &zh, &en)
}

fn type_error(f: &Field, ptr: &str, zh: &str, en: &str) -> Finding {
    finding(
        ptr,
        "type",
        format!("「{}」应为{zh}", f.label.zh),
        format!("{} must be {en}", f.label.en),
    )
}

/// What a bound is on: (code suffix, Chinese noun, English noun).
type Measure<'a> = (&'a str, &'a str, &'a str);

const VALUE: Measure<'static> = ("", "", "");
const LENGTH: Measure<'static> = ("-length", "长度", " length");
const ITEMS: Measure<'static> = ("-items", "条目数", " (number of items)");

fn bound<T: PartialOrd + std::fmt::Display>(
    f: &Field,
    ptr: &str,
    v: T,
    (lo, hi): (Option<T>, Option<T>),
    (suffix, wz, we): Measure<'_>,
    out: &mut Vec<Finding>,
) {
    let (zh, en) = (&f.label.zh, &f.label.en);
    if let Some(lo) = lo.filter(|lo| v < *lo) {
        let (z, e) = (
            format!("「{zh}」{wz}不得小于 {lo}"),
            format!("{en}{we} must be at least {lo}"),
        );
        out.push(finding(ptr, &format!("min{suffix}"), z, e));
    }
    if let Some(hi) = hi.filter(|hi| v > *hi) {
        let (z, e) = (
            format!("「{zh}」{wz}不得大于 {hi}"),
            format!("{en}{we} must be at most {hi}"),
        );
        out.push(finding(ptr, &format!("max{suffix}"), z, e));
    }
}

fn check_value(f: &Field, v: &Value, ptr: &str, top: &Map<String, Value>, out: &mut Vec<Finding>) {
    match &f.kind {
        FieldKind::Text {
            min_length,
            max_length,
            pattern,
        } => {
            let Some(s) = v.as_str() else {
                return out.push(type_error(f, ptr, "文本", "text"));
            };
            check_length(f, ptr, s, (*min_length, *max_length), out);
            if let Some(p) = pattern {
                let ok = regex::Regex::new(&format!("^(?:{p})$")).is_ok_and(|re| re.is_match(s));
                if !ok {
                    out.push(finding(
                        ptr,
                        "pattern",
                        format!("「{}」格式不正确", f.label.zh),
                        format!("{} is not in the expected format", f.label.en),
                    ));
                }
            }
        }
        FieldKind::LongText {
            min_length,
            max_length,
        } => {
            let Some(s) = v.as_str() else {
                return out.push(type_error(f, ptr, "文本", "text"));
            };
            check_length(f, ptr, s, (*min_length, *max_length), out);
        }
        FieldKind::Number { min, max, .. } => match v.as_f64() {
            Some(n) => bound(f, ptr, n, (*min, *max), VALUE, out),
            None => out.push(type_error(f, ptr, "数字", "a number")),
        },
        FieldKind::Integer { min, max, .. } => match v.as_i64() {
            Some(n) => bound(f, ptr, n, (*min, *max), VALUE, out),
            None => out.push(type_error(f, ptr, "整数", "a whole number")),
        },
        FieldKind::Date { min, max } => match v.as_str().and_then(parse_date) {
            Some(d) => {
                let lim = (
                    min.as_deref().and_then(parse_date),
                    max.as_deref().and_then(parse_date),
                );
                bound(f, ptr, d, lim, VALUE, out);
            }
            None => out.push(type_error(
                f,
                ptr,
                "日期（YYYY-MM-DD）",
                "a date (YYYY-MM-DD)",
            )),
        },
        FieldKind::Datetime => {
            if v.as_str()
                .is_none_or(|s| DateTime::parse_from_rfc3339(s).is_err())
            {
                out.push(type_error(
                    f,
                    ptr,
                    "日期时间（RFC 3339）",
                    "a date and time (RFC 3339)",
                ));
            }
        }
        FieldKind::Boolean => {
            if !v.is_boolean() {
                out.push(type_error(f, ptr, "是或否", "true or false"));
            }
        }
        FieldKind::Select { options } => match v.as_str() {
            Some(s) if is_option(options, s) => {}
            _ => out.push(not_an_option(f, ptr)),
        },
        FieldKind::MultiSelect {
            options,
            min_items,
            max_items,
        } => {
            let Some(items) = v.as_array() else {
                return out.push(type_error(f, ptr, "选项列表", "a list of options"));
            };
            check_items(f, ptr, items.len(), (*min_items, *max_items), out);
            for (i, item) in items.iter().enumerate() {
                let dup = items[..i].contains(item);
                if dup || !item.as_str().is_some_and(|s| is_option(options, s)) {
                    out.push(not_an_option(f, &format!("{ptr}/{i}")));
                }
            }
        }
        FieldKind::OrgUnit | FieldKind::User { .. } | FieldKind::File { .. } => {
            if v.as_str().is_none() {
                out.push(type_error(f, ptr, "标识（文本）", "an id (text)"));
            }
        }
        FieldKind::Group {
            fields,
            min_items,
            max_items,
        } => {
            let Some(rows) = v.as_array() else {
                return out.push(type_error(
                    f,
                    ptr,
                    "表格（行的列表）",
                    "a table (a list of rows)",
                ));
            };
            check_items(f, ptr, rows.len(), (*min_items, *max_items), out);
            for (i, row) in rows.iter().enumerate() {
                let at = format!("{ptr}/{i}");
                match row.as_object() {
                    Some(obj) => check_fields(fields, obj, top, &at, out),
                    None => out.push(type_error(
                        f,
                        &at,
                        "表格中的一行（对象）",
                        "a row (an object)",
                    )),
                }
            }
        }
        FieldKind::Object { fields } => match v.as_object() {
            Some(obj) => check_fields(fields, obj, top, ptr, out),
            None => out.push(type_error(
                f,
                ptr,
                "一组字段（对象）",
                "a group of fields (an object)",
            )),
        },
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn is_option(options: &[Choice], s: &str) -> bool {
    options.iter().any(|o| o.value == s)
}

fn not_an_option(f: &Field, ptr: &str) -> Finding {
    finding(
        ptr,
        "option",
        format!("「{}」的取值不在可选项中", f.label.zh),
        format!("{} has a value that is not one of its options", f.label.en),
    )
}

fn check_length(
    f: &Field,
    ptr: &str,
    s: &str,
    lim: (Option<u32>, Option<u32>),
    out: &mut Vec<Finding>,
) {
    let n = u32::try_from(s.chars().count()).unwrap_or(u32::MAX);
    bound(f, ptr, n, lim, LENGTH, out);
}

fn check_items(
    f: &Field,
    ptr: &str,
    n: usize,
    lim: (Option<u32>, Option<u32>),
    out: &mut Vec<Finding>,
) {
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    bound(f, ptr, n, lim, ITEMS, out);
}

#[cfg(test)]
mod tests;
