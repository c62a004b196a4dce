//! The plugin form language (`docs/plugins.md`) as HTML, and back.
//!
//! [`view`] turns a [`FormDef`] and the values to show into a [`FormView`] the
//! `partials/field` template draws: every field type, `visible_when` (the server
//! decides what shows on load; `static/app.js` re-evaluates it as the user types),
//! repeating groups (one row per item plus an empty row; "add a row" re-renders
//! without JavaScript), and errors next to the field they concern. [`parse`] reads a
//! submitted form back into case data, so a refused submission is shown again with
//! every value the user typed.
//!
//! Input names: `f.<id>` at the top level, `f.<group>.<row>.<id>` in a group row; a
//! violation's JSON Pointer `/group/1/id` maps to `f.group.1.id`.

use std::collections::{BTreeSet, HashMap};

use anjuan_plugin_sdk::form::{Condition, Field, FieldKind, FormDef, Test};
use chrono::DateTime;
use serde::Serialize;
use serde_json::{Map, Value};

use super::directory::{Among, Choice, Directory};
use super::render::{Lang, Ui};
use crate::engine::privacy::MASK;
use crate::error::Violation;

mod parse;

pub use parse::parse;

/// A form ready to draw.
#[derive(Debug, Clone, Serialize)]
pub struct FormView {
    /// Title.
    pub title: String,
    /// Help shown above the fields.
    pub help: String,
    /// Fields in order.
    pub fields: Vec<FieldView>,
    /// Errors that concern no field shown.
    pub general_errors: Vec<String>,
}

/// One field ready to draw.
#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    /// DOM id.
    pub id: String,
    /// Input name.
    pub name: String,
    /// Field type from the form language (`text`, `group`, …).
    pub kind: String,
    /// The HTML `type` of a one-line input.
    pub input_type: &'static str,
    /// Label.
    pub label: String,
    /// Help text.
    pub help: String,
    /// Must be filled in.
    pub required: bool,
    /// Personal data.
    pub sensitive: bool,
    /// The value exists but the user may not read it.
    pub masked: bool,
    /// Value as text.
    pub value: String,
    /// For booleans: which radio is checked.
    pub is_true: bool,
    /// For booleans.
    pub is_false: bool,
    /// Options of selects, multi-selects, users and org units.
    pub options: Vec<Choice>,
    /// Unit after a number.
    pub unit: String,
    /// `min` attribute.
    pub min: String,
    /// `max` attribute.
    pub max: String,
    /// `step` attribute.
    pub step: String,
    /// `pattern` attribute.
    pub pattern: String,
    /// `maxlength` attribute.
    pub maxlength: String,
    /// Errors for this field.
    pub errors: Vec<String>,
    /// The `visible_when` condition as JSON (for `app.js`), or empty.
    pub condition: String,
    /// The condition in words.
    pub condition_text: String,
    /// Hidden now (its condition does not hold).
    pub hidden: bool,
    /// Rows of a group.
    pub rows: Vec<RowView>,
    /// For groups: the row "add a row" adds, drawn as the server draws an empty row
    /// with [`ROW`] for its index, for `app.js` to add it in the page (with no network
    /// too).
    pub row_template: Option<RowView>,
    /// For groups: the most rows it takes (empty when unbounded).
    pub max_items: String,
    /// Members of an object.
    pub members: Vec<FieldView>,
    /// Row limits of a group or multi-select, in words.
    pub items_text: String,
    /// For files: the `accept` attribute (media types and endings the field takes).
    pub accept: String,
    /// For files: the name of the file the field holds now (empty when none, or when
    /// the value is not a stored file).
    pub file_name: String,
    /// For files: its size in words.
    pub file_size: String,
}

/// The index in the names of a group's row template ([`FieldView::row_template`]); not a
/// number, so the server never reads a row of it.
pub const ROW: &str = "__row__";

/// One row of a repeating group.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    /// Row number from 1.
    pub number: usize,
    /// The row's fields.
    pub fields: Vec<FieldView>,
}

/// What [`view`] needs besides the form and values.
pub struct ViewCtx<'a> {
    /// Language.
    pub lang: Lang,
    /// Strings.
    pub ui: &'a Ui,
    /// Users and org units for their selects.
    pub dir: &'a Directory,
    /// Time zone for datetimes.
    pub tz: chrono_tz::Tz,
    /// The programme (a user field's `role` is one of its roles).
    pub programme: &'a str,
    /// The case's org unit id (a user field with a `role` offers its holders there or
    /// above), or `None` before the case exists.
    pub unit: Option<&'a str>,
    /// The input name of a group that gets one more empty row ("add a row" was pressed).
    pub add_row: Option<&'a str>,
}

/// Draw `def` with `values` (case data merged with the submission) and `errors`.
pub fn view(def: &FormDef, values: &Value, errors: &[Violation], cx: &ViewCtx<'_>) -> FormView {
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    for v in errors {
        by_name
            .entry(pointer_to_name(&v.field))
            .or_default()
            .push(cx.lang.pick(&v.message));
    }
    let empty = Map::new();
    let top = values.as_object().unwrap_or(&empty);
    let fields: Vec<FieldView> = def
        .fields
        .iter()
        .map(|f| field_view(f, top, top, "f", &def.fields, &mut by_name, cx))
        .collect();
    let mut general_errors: Vec<String> = by_name.into_values().flatten().collect();
    general_errors.sort();
    FormView {
        title: cx.lang.pick_sdk(&def.title),
        help: def
            .help
            .as_ref()
            .map(|h| cx.lang.pick_sdk(h))
            .unwrap_or_default(),
        fields,
        general_errors,
    }
}

/// Every field error of a form as (link to the input, text), in form order, for the
/// summary above the form. The text names the field once: the form language's own
/// messages already quote the label (「核查处置责任人」为必填项), so only a message
/// that does not gets "label：" in front.
pub fn error_links(form: &FormView) -> Vec<(String, String)> {
    fn walk(fields: &[FieldView], out: &mut Vec<(String, String)>) {
        for f in fields {
            for e in &f.errors {
                let text = if f.label.is_empty() || e.contains(&f.label) {
                    e.clone()
                } else {
                    format!("{}：{e}", f.label)
                };
                out.push((format!("#{}", f.id), text));
            }
            walk(&f.members, out);
            for r in &f.rows {
                walk(&r.fields, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&form.fields, &mut out);
    out
}

/// Whether a form has a file field anywhere (then it posts as `multipart/form-data`).
pub fn has_file(fields: &[Field]) -> bool {
    fields.iter().any(|f| match &f.kind {
        FieldKind::File { .. } => true,
        FieldKind::Group { fields, .. } | FieldKind::Object { fields } => has_file(fields),
        _ => false,
    })
}

/// The values of every file field of a drawn form (the ids of the files they hold).
pub fn file_values(form: &FormView) -> Vec<String> {
    fn walk(fields: &[FieldView], out: &mut Vec<String>) {
        for f in fields {
            if f.kind == "file" && !f.value.is_empty() {
                out.push(f.value.clone());
            }
            walk(&f.members, out);
            for r in &f.rows {
                walk(&r.fields, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&form.fields, &mut out);
    out
}

/// Name the files a drawn form's file fields hold: `describe(id)` gives the name and
/// the size in words of a stored file.
pub fn name_files(form: &mut FormView, describe: &dyn Fn(&str) -> Option<(String, String)>) {
    fn walk(fields: &mut [FieldView], describe: &dyn Fn(&str) -> Option<(String, String)>) {
        for f in fields {
            if f.kind == "file"
                && let Some((name, size)) = describe(&f.value)
            {
                f.file_name = name;
                f.file_size = size;
            }
            walk(&mut f.members, describe);
            for r in &mut f.rows {
                walk(&mut r.fields, describe);
            }
        }
    }
    walk(&mut form.fields, describe);
}

/// A size in bytes as people read it: `820 B`, `14.2 KiB`, `3.1 MiB`.
pub fn size_text(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    if b < 1024.0 {
        format!("{bytes} B")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.1} KiB", b / 1024.0)
    } else {
        format!("{:.1} MiB", b / (1024.0 * 1024.0))
    }
}

/// `/a/1/b` → `f.a.1.b`; a name without the leading slash is taken as one.
pub fn pointer_to_name(pointer: &str) -> String {
    let p = pointer.strip_prefix('/').unwrap_or(pointer);
    if p.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = p
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    format!("f.{}", parts.join("."))
}

#[allow(clippy::too_many_arguments)] // one level of the recursion: field, both scopes, where it sits
fn field_view(
    f: &Field,
    row: &Map<String, Value>,
    top: &Map<String, Value>,
    prefix: &str,
    siblings: &[Field],
    errors: &mut HashMap<String, Vec<String>>,
    cx: &ViewCtx<'_>,
) -> FieldView {
    let name = format!("{prefix}.{}", f.id);
    let raw = row
        .get(&f.id)
        .cloned()
        .or_else(|| f.default.clone())
        .unwrap_or(Value::Null);
    let masked = raw.as_str() == Some(MASK);
    let mut v = FieldView {
        id: name.replace('.', "-"),
        kind: kind_name(&f.kind).to_owned(),
        input_type: "text",
        label: cx.lang.pick_sdk(&f.label),
        help: f
            .help
            .as_ref()
            .map(|h| cx.lang.pick_sdk(h))
            .unwrap_or_default(),
        required: f.required,
        sensitive: f.sensitive,
        masked,
        value: if masked {
            String::new()
        } else {
            scalar_text(&raw, &f.kind, cx.tz)
        },
        is_true: raw == Value::Bool(true),
        is_false: raw == Value::Bool(false),
        options: Vec::new(),
        unit: String::new(),
        min: String::new(),
        max: String::new(),
        step: String::new(),
        pattern: String::new(),
        maxlength: String::new(),
        errors: errors.remove(&name).unwrap_or_default(),
        condition: String::new(),
        condition_text: String::new(),
        hidden: false,
        rows: Vec::new(),
        row_template: None,
        max_items: String::new(),
        members: Vec::new(),
        items_text: String::new(),
        accept: String::new(),
        file_name: String::new(),
        file_size: String::new(),
        name,
    };
    if let Some(c) = &f.visible_when {
        v.condition = serde_json::to_string(c).unwrap_or_default();
        v.condition_text = condition_text(c, siblings, cx);
        v.hidden = !c.holds(row.get(&c.field).or_else(|| top.get(&c.field)));
    }
    fill_kind(&mut v, f, &raw, top, errors, cx);
    v
}

fn fill_kind(
    v: &mut FieldView,
    f: &Field,
    raw: &Value,
    top: &Map<String, Value>,
    errors: &mut HashMap<String, Vec<String>>,
    cx: &ViewCtx<'_>,
) {
    let opt = |x: Option<String>| x.unwrap_or_default();
    match &f.kind {
        FieldKind::Text {
            max_length,
            pattern,
            ..
        } => {
            v.maxlength = opt(max_length.map(|n| n.to_string()));
            v.pattern = pattern.clone().unwrap_or_default();
        }
        FieldKind::LongText { max_length, .. } => {
            v.maxlength = opt(max_length.map(|n| n.to_string()))
        }
        FieldKind::Number { unit, min, max } => {
            v.input_type = "number";
            v.step = "any".into();
            v.unit = opt(unit.as_ref().map(|u| cx.lang.pick_sdk(u)));
            v.min = opt(min.map(|n| n.to_string()));
            v.max = opt(max.map(|n| n.to_string()));
        }
        FieldKind::Integer { unit, min, max } => {
            v.input_type = "number";
            v.step = "1".into();
            v.unit = opt(unit.as_ref().map(|u| cx.lang.pick_sdk(u)));
            v.min = opt(min.map(|n| n.to_string()));
            v.max = opt(max.map(|n| n.to_string()));
        }
        FieldKind::Date { min, max } => {
            v.input_type = "date";
            v.min = min.clone().unwrap_or_default();
            v.max = max.clone().unwrap_or_default();
        }
        FieldKind::Datetime => v.input_type = "datetime-local",
        FieldKind::Select { options } | FieldKind::MultiSelect { options, .. } => {
            let chosen: BTreeSet<&str> = match raw {
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                Value::String(s) => [s.as_str()].into(),
                _ => BTreeSet::new(),
            };
            v.options = options
                .iter()
                .map(|o| Choice {
                    value: o.value.clone(),
                    label: cx.lang.pick_sdk(&o.label),
                    selected: chosen.contains(o.value.as_str()),
                })
                .collect();
            if let FieldKind::MultiSelect {
                min_items,
                max_items,
                ..
            } = &f.kind
            {
                v.items_text = items_text(*min_items, *max_items, cx);
            }
        }
        FieldKind::User { role } => {
            let among = Among {
                programme: cx.programme,
                role: role.as_deref(),
                at: cx.unit,
            };
            v.options = cx.dir.user_choices(&v.value, Some(&among));
        }
        FieldKind::OrgUnit => v.options = all_units(cx, &v.value),
        FieldKind::File { accept } => v.accept = accept.join(","),
        FieldKind::Boolean => {}
        FieldKind::Object { fields } => {
            let empty = Map::new();
            let obj = raw.as_object().unwrap_or(&empty);
            let prefix = v.name.clone();
            v.members = fields
                .iter()
                .map(|sf| field_view(sf, obj, top, &prefix, fields, errors, cx))
                .collect();
        }
        FieldKind::Group {
            fields,
            min_items,
            max_items,
        } => {
            v.items_text = items_text(*min_items, *max_items, cx);
            v.max_items = max_items.map(|n| n.to_string()).unwrap_or_default();
            let empty = Map::new();
            let prefix = format!("{}.{ROW}", v.name);
            v.row_template = Some(RowView {
                number: 0,
                fields: fields
                    .iter()
                    .map(|sf| field_view(sf, &empty, top, &prefix, fields, &mut HashMap::new(), cx))
                    .collect(),
            });
            let rows: Vec<&Map<String, Value>> = match raw {
                Value::Array(items) => items
                    .iter()
                    .map(|r| r.as_object().unwrap_or(&empty))
                    .collect(),
                _ => Vec::new(),
            };
            let mut wanted = rows.len() + 1;
            wanted = wanted.max(min_items.unwrap_or(0) as usize);
            if cx.add_row == Some(v.name.as_str()) {
                wanted += 1;
            }
            if let Some(max) = max_items {
                wanted = wanted.min((*max as usize).max(rows.len()));
            }
            v.rows = (0..wanted)
                .map(|i| {
                    let r = rows.get(i).copied().unwrap_or(&empty);
                    let prefix = format!("{}.{i}", v.name);
                    RowView {
                        number: i + 1,
                        fields: fields
                            .iter()
                            .map(|sf| field_view(sf, r, top, &prefix, fields, errors, cx))
                            .collect(),
                    }
                })
                .collect();
        }
    }
}

fn all_units(cx: &ViewCtx<'_>, selected: &str) -> Vec<Choice> {
    cx.dir
        .units
        .iter()
        .map(|u| Choice {
            value: u.id.clone(),
            label: format!(
                "{}{}",
                "\u{3000}".repeat(u.path.matches('/').count().saturating_sub(2)),
                cx.dir.unit(&u.id, cx.lang)
            ),
            selected: u.id == selected,
        })
        .collect()
}

fn items_text(min: Option<u32>, max: Option<u32>, cx: &ViewCtx<'_>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => cx.ui.t_args(
            cx.lang,
            "form-items-between",
            &[("min", a.into()), ("max", b.into())],
        ),
        (Some(a), None) => cx
            .ui
            .t_args(cx.lang, "form-items-min", &[("min", a.into())]),
        (None, Some(b)) => cx
            .ui
            .t_args(cx.lang, "form-items-max", &[("max", b.into())]),
        (None, None) => String::new(),
    }
}

fn condition_text(c: &Condition, siblings: &[Field], cx: &ViewCtx<'_>) -> String {
    let target = siblings.iter().find(|s| s.id == c.field);
    let label = target
        .map(|t| cx.lang.pick_sdk(&t.label))
        .unwrap_or_else(|| c.field.clone());
    let show = |v: &Value| -> String {
        if let (Some(t), Some(s)) = (target, v.as_str())
            && let FieldKind::Select { options } | FieldKind::MultiSelect { options, .. } = &t.kind
            && let Some(o) = options.iter().find(|o| o.value == s)
        {
            return cx.lang.pick_sdk(&o.label);
        }
        match v {
            Value::Bool(true) => cx.ui.t(cx.lang, "yes"),
            Value::Bool(false) => cx.ui.t(cx.lang, "no"),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    };
    let (key, values) = match &c.test {
        Test::Equals(v) => ("form-visible-when", show(v)),
        Test::NotEquals(v) => ("form-visible-unless", show(v)),
        Test::In(vs) => (
            "form-visible-when",
            vs.iter().map(show).collect::<Vec<_>>().join(" / "),
        ),
    };
    cx.ui.t_args(
        cx.lang,
        key,
        &[("field", label.into()), ("values", values.into())],
    )
}

fn kind_name(k: &FieldKind) -> &'static str {
    match k {
        FieldKind::Text { .. } => "text",
        FieldKind::LongText { .. } => "long-text",
        FieldKind::Number { .. } => "number",
        FieldKind::Integer { .. } => "integer",
        FieldKind::Date { .. } => "date",
        FieldKind::Datetime => "datetime",
        FieldKind::Boolean => "boolean",
        FieldKind::Select { .. } => "select",
        FieldKind::MultiSelect { .. } => "multi-select",
        FieldKind::OrgUnit => "org-unit",
        FieldKind::User { .. } => "user",
        FieldKind::File { .. } => "file",
        FieldKind::Group { .. } => "group",
        FieldKind::Object { .. } => "object",
    }
}

/// A stored value as an input's text.
fn scalar_text(v: &Value, kind: &FieldKind, tz: chrono_tz::Tz) -> String {
    match (v, kind) {
        (Value::String(s), FieldKind::Datetime) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_else(|_| s.clone()),
        (Value::String(s), _) => s.clone(),
        (Value::Number(n), _) => super::values::number_text(n),
        (Value::Bool(b), _) => b.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
pub(crate) mod tests;
