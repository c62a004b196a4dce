//! Mistakes in a form definition itself, found before anyone fills it in.

use super::{Field, FieldKind, FormDef};
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// Problems with the definition: duplicate or empty field ids, selects without options or
/// with duplicate values, bounds the wrong way round, unparsable dates or patterns,
/// `visible_when` naming a field that does not exist. Empty means the form is sound.
pub fn lint(form: &FormDef) -> Vec<String> {
    let mut problems = Vec::new();
    if form.id.is_empty() {
        problems.push("form id is empty".to_string());
    }
    lint_fields(&form.fields, &[], "", &mut problems);
    problems
}

fn lint_fields(fields: &[Field], outer: &[Field], path: &str, out: &mut Vec<String>) {
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
                .chain(outer)
                .any(|o| o.id == c.field && o.id != f.id);
            if !known {
                out.push(format!(
                    "{at}: visible_when names unknown field `{}`",
                    c.field
                ));
            }
        }
        lint_kind(f, &at, fields, out);
    }
}

fn lint_kind(f: &Field, at: &str, siblings: &[Field], out: &mut Vec<String>) {
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
            lint_fields(fields, siblings, &format!("{at}/*"), out);
        }
        FieldKind::Datetime | FieldKind::Boolean | FieldKind::OrgUnit => {}
        FieldKind::User { .. } | FieldKind::File { .. } => {}
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
}
