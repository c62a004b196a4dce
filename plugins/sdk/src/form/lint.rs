//! Mistakes in a form definition itself, found before anyone fills it in.

use super::{Field, FieldKind, FormDef};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::BTreeSet;

/// Problems with the definition: duplicate or empty field ids, selects without options or
/// with duplicate values, bounds the wrong way round, unparsable dates or patterns,
/// `visible_when` naming a field that does not exist, objects without members or with a
/// `default` that is not an object of their members. Empty means the form is sound.
///
/// Each problem starts with where it is, as a path of field ids: `/hazards/*/category` for
/// a group's row field, `/sampling_record/packaging` for an object's member.
pub fn lint(form: &FormDef) -> Vec<String> {
    let mut problems = Vec::new();
    if form.id.is_empty() {
        problems.push("form id is empty".to_string());
    }
    lint_fields(&form.fields, &form.fields, "", &mut problems);
    problems
}

/// `top` is the form's top-level fields: a `visible_when` inside a group row or an object
/// names a field of the same row or object, or else a top-level one, as validation
/// resolves it.
fn lint_fields(fields: &[Field], top: &[Field], path: &str, out: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for f in fields {
        let at = format!("{path}/{}", f.id);
        if f.id.is_empty() {
            out.push(format!("{path}: a field has an empty id"));
        } else if !seen.insert(f.id.as_str()) {
            out.push(format!("{at}: duplicate field id"));
        }
        if let Some(c) = &f.visible_when {
            let known = fields
                .iter()
                .chain(top)
                .any(|o| o.id == c.field && o.id != f.id);
            if !known {
                out.push(format!(
                    "{at}: visible_when names unknown field `{}`",
                    c.field
                ));
            }
        }
        lint_kind(f, &at, top, out);
    }
}

fn lint_kind(f: &Field, at: &str, top: &[Field], out: &mut Vec<String>) {
    let mut bounds = |lo: Option<f64>, hi: Option<f64>| {
        if let (Some(lo), Some(hi)) = (lo, hi)
            && lo > hi
        {
            out.push(format!("{at}: min is greater than max"));
        }
    };
    match &f.kind {
        FieldKind::Text {
            min_length,
            max_length,
            pattern,
        } => {
            bounds(min_length.map(f64::from), max_length.map(f64::from));
            lint_pattern(pattern.as_deref(), at, out);
        }
        FieldKind::LongText {
            min_length,
            max_length,
        } => {
            bounds(min_length.map(f64::from), max_length.map(f64::from));
        }
        FieldKind::Number { min, max, .. } => bounds(*min, *max),
        #[allow(clippy::cast_precision_loss)] // bounds comparison only
        FieldKind::Integer { min, max, .. } => bounds(min.map(|v| v as f64), max.map(|v| v as f64)),
        FieldKind::Date { min, max } => {
            for d in [min, max].into_iter().flatten() {
                if NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                    out.push(format!("{at}: `{d}` is not a YYYY-MM-DD date"));
                }
            }
        }
        FieldKind::Select { options } | FieldKind::MultiSelect { options, .. } => {
            if options.is_empty() {
                out.push(format!("{at}: no options"));
            }
            let mut values = BTreeSet::new();
            for o in options {
                if !values.insert(o.value.as_str()) {
                    out.push(format!("{at}: duplicate option `{}`", o.value));
                }
            }
        }
        FieldKind::Group {
            fields,
            min_items,
            max_items,
        } => {
            bounds(min_items.map(f64::from), max_items.map(f64::from));
            lint_fields(fields, top, &format!("{at}/*"), out);
        }
        FieldKind::Object { fields } => {
            if fields.is_empty() {
                out.push(format!("{at}: object has no fields"));
            }
            lint_fields(fields, top, at, out);
            lint_object_default(f.default.as_ref(), fields, at, out);
        }
        FieldKind::Datetime | FieldKind::Boolean | FieldKind::OrgUnit => {}
        FieldKind::User { .. } | FieldKind::File { .. } => {}
    }
}

/// An object's `default` is an object whose keys are its members' ids.
fn lint_object_default(default: Option<&Value>, fields: &[Field], at: &str, out: &mut Vec<String>) {
    match default {
        None => {}
        Some(Value::Object(members)) => {
            for key in members.keys() {
                if !fields.iter().any(|m| &m.id == key) {
                    out.push(format!("{at}: default names unknown member `{key}`"));
                }
            }
        }
        Some(_) => out.push(format!("{at}: default is not an object")),
    }
}

#[cfg(feature = "validate")]
fn lint_pattern(pattern: Option<&str>, at: &str, out: &mut Vec<String>) {
    if let Some(p) = pattern
        && let Err(e) = regex::Regex::new(p)
    {
        out.push(format!("{at}: pattern does not compile: {e}"));
    }
}

#[cfg(not(feature = "validate"))]
fn lint_pattern(_pattern: Option<&str>, _at: &str, _out: &mut Vec<String>) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{Choice, Condition};

    #[test]
    fn finds_duplicates_unknown_conditions_and_empty_selects() {
        let form = FormDef::new("f", "表", "Form")
            .field(Field::text("a", "甲", "A"))
            .field(Field::text("a", "甲", "A"))
            .field(Field::select("s", "选", "S", vec![]))
            .field(Field::boolean("b", "乙", "B").visible_when(Condition::equals("nope", true)))
            .field(Field::integer("n", "数", "N").range(Some(5.0), Some(1.0)));
        let p = lint(&form);
        assert_eq!(p.len(), 4, "{p:?}");
        let ok = FormDef::new("f", "表", "Form")
            .field(Field::select(
                "s",
                "选",
                "S",
                vec![Choice::new("x", "叉", "X")],
            ))
            .field(Field::text("t", "文", "T").visible_when(Condition::equals("s", "x")));
        assert!(lint(&ok).is_empty());
    }

    fn with(field: Field) -> Vec<String> {
        lint(
            &FormDef::new("f", "表", "Form")
                .field(Field::boolean("top", "顶层", "Top"))
                .field(field),
        )
    }

    fn object(members: Vec<Field>) -> Field {
        Field::object("o", "对象", "Object", members)
    }

    #[test]
    fn a_sound_object_passes() {
        let o = object(vec![
            Field::select("s", "选", "S", vec![Choice::new("x", "叉", "X")]),
            Field::text("by_member", "甲", "A").visible_when(Condition::equals("s", "x")),
            Field::text("by_top", "乙", "B").visible_when(Condition::equals("top", true)),
            Field::object("inner", "内", "Inner", vec![Field::date("d", "日", "D")]),
        ])
        .default_value(serde_json::json!({"s": "x", "inner": {"d": "2026-01-01"}}));
        assert_eq!(with(o), Vec::<String>::new());
    }

    #[test]
    fn an_object_without_members_is_refused() {
        assert_eq!(with(object(vec![])), vec!["/o: object has no fields"]);
    }

    #[test]
    fn object_members_are_linted_at_their_path() {
        let o = object(vec![
            Field::text("a", "甲", "A"),
            Field::text("a", "甲", "A"),
            Field::select("s", "选", "S", vec![]),
            Field::object(
                "inner",
                "内",
                "Inner",
                vec![Field::date("d", "日", "D").date_range(Some("soon"), None)],
            ),
        ]);
        assert_eq!(
            with(o),
            vec![
                "/o/a: duplicate field id",
                "/o/s: no options",
                "/o/inner/d: `soon` is not a YYYY-MM-DD date",
            ]
        );
    }

    #[test]
    fn a_member_condition_names_a_member_or_a_top_level_field() {
        let o = object(vec![
            Field::text("a", "甲", "A").visible_when(Condition::equals("nope", true)),
            Field::text("b", "乙", "B").visible_when(Condition::equals("b", true)),
        ]);
        assert_eq!(
            with(o),
            vec![
                "/o/a: visible_when names unknown field `nope`",
                "/o/b: visible_when names unknown field `b`",
            ]
        );
        // A top-level field cannot name a member: members are not siblings of it.
        let form = FormDef::new("f", "表", "Form")
            .field(object(vec![Field::boolean("m", "甲", "M")]))
            .field(Field::text("t", "文", "T").visible_when(Condition::equals("m", true)));
        assert_eq!(
            lint(&form),
            vec!["/t: visible_when names unknown field `m`"]
        );
    }

    #[test]
    fn an_object_default_is_an_object_of_its_members() {
        let members = || vec![Field::text("a", "甲", "A")];
        let not_object = object(members()).default_value("a");
        assert_eq!(with(not_object), vec!["/o: default is not an object"]);
        let unknown = object(members()).default_value(serde_json::json!({"a": "x", "z": 1}));
        assert_eq!(with(unknown), vec!["/o: default names unknown member `z`"]);
    }
}
