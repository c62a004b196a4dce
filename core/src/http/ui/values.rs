//! Case data as people read it: field titles from the workflow, option labels from
//! the plugin's forms, user and org-unit names, yes/no, tables for lists. Used by the
//! case page, the dossier and the exports.

use std::collections::HashMap;
use std::sync::Arc;

use anjuan_plugin_sdk::form::{Field as FormField, FieldKind, FormDef};
use serde::Serialize;
use serde_json::Value;

use super::directory::Directory;
use super::render::{Lang, Ui};
use crate::engine::privacy::MASK;
use crate::state::{AppState, Version};
use crate::workflow::model::{CaseType, Field, FieldType};

/// Option labels by field path (`cause`, `failed_items.item`) and value, from the
/// forms of the case type; and, for a value some other form of the programme filled
/// (a child's field copied from its parent's form, say), by the field's own id.
#[derive(Debug, Default, Clone)]
pub struct Labels(Options, Arc<Options>);

/// Labels by field and value.
type Options = HashMap<String, HashMap<String, String>>;

impl Labels {
    /// The label of `value` at `path`, if a form names it.
    fn of(&self, path: &str, value: &str) -> Option<&String> {
        self.0.get(path).and_then(|m| m.get(value)).or_else(|| {
            let id = path.rsplit('.').next().unwrap_or(path);
            self.1.get(id).and_then(|m| m.get(value))
        })
    }
}

/// Programme-wide labels by field id, per definition, plugin build and language: every
/// form of a programme is asked once, not on every page.
type ById = Arc<Options>;
type ByIdCache = std::sync::Mutex<HashMap<(String, String, Lang), ById>>;
static BY_ID: std::sync::LazyLock<ByIdCache> = std::sync::LazyLock::new(Default::default);

async fn labels_by_id(state: &AppState, version: &Arc<Version>, lang: Lang) -> ById {
    let builds = state
        .plugins
        .list()
        .iter()
        .map(|p| p["sha256"].as_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>()
        .join(",");
    let key = (version.def.hash.clone(), builds, lang);
    if let Some(hit) = BY_ID.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return hit;
    }
    let mut forms: Vec<String> = version
        .def
        .programme
        .case_types
        .values()
        .flat_map(|ct| {
            ct.transitions
                .iter()
                .filter_map(|t| t.form.as_ref())
                .chain(ct.create.as_ref().and_then(|c| c.form.as_ref()))
                .map(|f| f.to_string())
        })
        .collect();
    forms.sort();
    forms.dedup();
    let mut by_path = Labels::default();
    for form in forms {
        if let Some(def) = form_def(state, version, &form, lang).await {
            collect(&def.fields, "", lang, &mut by_path);
        }
    }
    let mut by_id: Options = HashMap::new();
    for (path, options) in by_path.0 {
        let id = path.rsplit('.').next().unwrap_or(&path).to_owned();
        by_id.entry(id).or_default().extend(options);
    }
    let by_id = Arc::new(by_id);
    if let Ok(mut cache) = BY_ID.lock() {
        cache.insert(key, by_id.clone());
    }
    by_id
}

/// A plugin's form, parsed; `None` when the programme has no plugin or the plugin
/// does not provide it (the reason is logged). Runs off the async workers.
pub async fn form_def(
    state: &AppState,
    version: &Version,
    form: &str,
    lang: Lang,
) -> Option<FormDef> {
    let plugin = version.def.programme.plugin.as_ref()?;
    match crate::state::plugin_form_def(&state.plugins, plugin, form, lang.code()).await {
        Ok(Some(def)) => Some((*def).clone()),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(form, error = %e, "plugin form unavailable");
            None
        }
    }
}

/// The option labels of every form a case type uses.
pub async fn labels(state: &AppState, version: &Arc<Version>, ct: &CaseType, lang: Lang) -> Labels {
    let mut forms: Vec<String> = ct
        .transitions
        .iter()
        .filter_map(|t| t.form.as_ref().map(|f| f.to_string()))
        .collect();
    if let Some(f) = ct.create.as_ref().and_then(|c| c.form.as_ref()) {
        forms.push(f.to_string());
    }
    forms.sort();
    forms.dedup();
    let mut out = Labels::default();
    for form in forms {
        if let Some(def) = form_def(state, version, &form, lang).await {
            collect(&def.fields, "", lang, &mut out);
        }
    }
    out.1 = labels_by_id(state, version, lang).await;
    out
}

fn collect(fields: &[FormField], prefix: &str, lang: Lang, out: &mut Labels) {
    for f in fields {
        let path = format!("{prefix}{}", f.id);
        match &f.kind {
            FieldKind::Select { options } | FieldKind::MultiSelect { options, .. } => {
                let map = out.0.entry(path).or_default();
                for o in options {
                    map.insert(o.value.clone(), lang.pick_sdk(&o.label));
                }
            }
            FieldKind::Group { fields, .. } | FieldKind::Object { fields } => {
                collect(fields, &format!("{path}."), lang, out)
            }
            _ => {}
        }
    }
}

/// One field of a case as shown.
#[derive(Debug, Clone, Serialize)]
pub struct DataRow {
    /// Field title.
    pub label: String,
    /// Value as text (empty for a table).
    pub value: String,
    /// Personal data.
    pub sensitive: bool,
    /// Hidden from this user.
    pub masked: bool,
    /// Column titles of a list.
    pub columns: Vec<String>,
    /// Rows of a list.
    pub rows: Vec<Vec<String>>,
}

/// What formatting needs.
pub struct Fmt<'a> {
    /// Language.
    pub lang: Lang,
    /// Strings.
    pub ui: &'a Ui,
    /// Names.
    pub dir: &'a Directory,
    /// Option labels.
    pub labels: &'a Labels,
    /// Time zone.
    pub tz: chrono_tz::Tz,
    /// Names of the case's files by id: a `file` field shows its file's name.
    pub files: &'a HashMap<String, String>,
}

/// The case's data, declared fields first in their order, then anything else.
pub fn data_rows(ct: &CaseType, data: &Value, fmt: &Fmt<'_>) -> Vec<DataRow> {
    let Some(map) = data.as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, field) in &ct.fields {
        let Some(v) = map.get(name.as_str()).filter(|v| !v.is_null()) else {
            continue;
        };
        out.push(row(name, Some(field), v, fmt));
    }
    for (name, v) in map {
        if !ct.fields.contains_key(name.as_str()) && !v.is_null() {
            out.push(row(name, None, v, fmt));
        }
    }
    out
}

fn row(name: &str, field: Option<&Field>, v: &Value, fmt: &Fmt<'_>) -> DataRow {
    let label = field
        .and_then(|f| f.title.as_ref())
        .map(|t| fmt.lang.pick(t))
        .unwrap_or_else(|| name.to_owned());
    let masked = v.as_str() == Some(MASK);
    let mut r = DataRow {
        label,
        value: String::new(),
        sensitive: field.is_some_and(|f| f.sensitive),
        masked,
        columns: Vec::new(),
        rows: Vec::new(),
    };
    match (field, v) {
        (Some(f), Value::Array(items)) if *f.kind == FieldType::List => {
            r.columns = f
                .fields
                .iter()
                .map(|(n, sf)| {
                    sf.title
                        .as_ref()
                        .map(|t| fmt.lang.pick(t))
                        .unwrap_or_else(|| n.to_string())
                })
                .collect();
            r.rows = items
                .iter()
                .map(|item| {
                    f.fields
                        .iter()
                        .map(|(n, sf)| {
                            cell(
                                item.get(n.as_str()).unwrap_or(&Value::Null),
                                Some(sf),
                                &format!("{name}.{}", n.as_str()),
                                fmt,
                            )
                        })
                        .collect()
                })
                .collect();
        }
        _ => {
            r.value = if masked {
                fmt.ui.t(fmt.lang, "masked")
            } else {
                cell(v, field, name, fmt)
            }
        }
    }
    r
}

/// One value as text.
pub fn cell(v: &Value, field: Option<&Field>, path: &str, fmt: &Fmt<'_>) -> String {
    let kind = field.map(|f| *f.kind);
    let option = |s: &str| {
        fmt.labels
            .of(path, s)
            .cloned()
            .unwrap_or_else(|| s.to_owned())
    };
    match (kind, v) {
        (_, Value::Null) => String::new(),
        (_, Value::String(s)) if s == MASK => fmt.ui.t(fmt.lang, "masked"),
        (_, Value::Bool(b)) => fmt.ui.t(fmt.lang, if *b { "yes" } else { "no" }),
        (Some(FieldType::User), Value::String(s)) => fmt.dir.user(s),
        (Some(FieldType::OrgUnit), Value::String(s)) => fmt.dir.unit(s, fmt.lang),
        (Some(FieldType::File), Value::String(s)) => {
            fmt.files.get(s).cloned().unwrap_or_else(|| s.clone())
        }
        (Some(FieldType::Datetime), Value::String(s)) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| super::page::local_time(t.with_timezone(&chrono::Utc), fmt.tz))
            .unwrap_or_else(|_| s.clone()),
        (_, Value::String(s)) => option(s),
        (Some(FieldType::Object), Value::Object(m)) => members(m, field, path, fmt),
        (_, Value::Array(items)) => items
            .iter()
            .map(|x| match (x, field) {
                (Value::String(s), _) => option(s),
                // A row of a list: its members as an object of the list's columns.
                (Value::Object(m), Some(f)) if *f.kind == FieldType::List => {
                    format!("（{}）", members(m, Some(f), path, fmt))
                }
                (other, _) => cell(other, None, path, fmt),
            })
            .collect::<Vec<_>>()
            .join("、"),
        (_, Value::Object(m)) => m
            .iter()
            .filter(|(_, x)| !x.is_null())
            .map(|(k, x)| format!("{k}: {}", cell(x, None, path, fmt)))
            .collect::<Vec<_>>()
            .join("；"),
        (_, Value::Number(n)) => number_text(n),
    }
}

/// An object's members (or a list row's columns) as `title: value，…`.
fn members(
    m: &serde_json::Map<String, Value>,
    field: Option<&Field>,
    path: &str,
    fmt: &Fmt<'_>,
) -> String {
    let sub = field.map(|f| &f.fields);
    m.iter()
        .filter(|(_, x)| !x.is_null())
        .map(|(k, x)| {
            let sf = sub.and_then(|s| s.get(k.as_str()));
            let title = sf
                .and_then(|f| f.title.as_ref())
                .map(|t| fmt.lang.pick(t))
                .unwrap_or_else(|| k.clone());
            format!("{title}: {}", cell(x, sf, &format!("{path}.{k}"), fmt))
        })
        .collect::<Vec<_>>()
        .join("，")
}

/// A number as people write it: a whole number without a decimal point (a form's
/// `number` field stores 120 as `120.0`), any other as the shortest text that reads
/// back the same.
pub fn number_text(n: &serde_json::Number) -> String {
    match n.as_f64() {
        // Below 2^53 every whole f64 is exact, so `{:.0}` prints all of its digits.
        // (`+ 0.0` turns -0 into 0.)
        Some(x) if n.is_f64() && x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 => {
            format!("{:.0}", x + 0.0)
        }
        _ => n.to_string(),
    }
}
