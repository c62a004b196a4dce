//! Whether each programme's workflow and its plugin fit together.
//!
//! A workflow names its plugin, and the forms and checks of that plugin its actions
//! use; each form fills fields the workflow declares. Either file can change without
//! the other: a renamed check or a form field of another type would only show when a
//! caseworker first takes that action. `anjuan validate --plugins DIR` and the server
//! at start-up run this check with the real plugins and report every mismatch at the
//! place in the workflow file that names it.

use std::collections::BTreeSet;
use std::path::Path;

use anjuan_plugin_host::{Envelope, PluginHost};
use anjuan_plugin_sdk::{Field as FormField, FieldKind};
use indexmap::IndexMap;
use serde_json::Value;

use crate::workflow::Definition;
use crate::workflow::diagnostic::Diagnostic;
use crate::workflow::model::{CaseType, Field, FieldType, Name};

/// Every mismatch between the definitions and the plugins loaded in `host`.
pub fn check<'a>(
    defs: impl IntoIterator<Item = &'a Definition>,
    host: &PluginHost,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for def in defs {
        check_programme(def, host, &mut out);
    }
    out
}

fn check_programme(def: &Definition, host: &PluginHost, out: &mut Vec<Diagnostic>) {
    let file = def.path.as_path();
    let programme = &def.programme;
    let Some(plugin) = &programme.plugin else {
        for (ct_name, ct) in &programme.case_types {
            for (name, _) in uses(ct) {
                out.push(Diagnostic::at(
                    file,
                    name.span(),
                    format!(
                        "case type `{}` uses `{}` but the programme names no `plugin`",
                        **ct_name, **name
                    ),
                ));
            }
        }
        return;
    };
    let description = match host.describe(plugin) {
        Ok(d) => d,
        Err(e) => {
            let loaded: Vec<String> = host.plugins().into_iter().map(|p| p.id).collect();
            out.push(Diagnostic::at(
                file,
                plugin.span(),
                format!(
                    "plugin `{}` is not loaded ({e}); loaded: {}",
                    **plugin,
                    if loaded.is_empty() {
                        "none".to_owned()
                    } else {
                        loaded.join(", ")
                    }
                ),
            ));
            return;
        }
    };
    let forms: BTreeSet<&str> = description.forms.iter().map(|f| f.id.as_str()).collect();
    let checks: BTreeSet<&str> = description.checks.iter().map(|c| c.id.as_str()).collect();
    for (ct_name, ct) in &programme.case_types {
        for (name, kind) in uses(ct) {
            let known = match kind {
                Use::Form => &forms,
                Use::Check => &checks,
            };
            if !known.contains(name.as_str()) {
                out.push(Diagnostic::at(
                    file,
                    name.span(),
                    format!(
                        "plugin `{}` has no {} `{}`{}",
                        **plugin,
                        kind.noun(),
                        **name,
                        suggest(name, known)
                    ),
                ));
                continue;
            }
            if kind == Use::Form {
                let env = Envelope::for_test(programme.programme.as_str(), ct_name.as_str());
                match host.form(plugin, name, &env) {
                    Ok(form) => {
                        for field in &form.fields {
                            fits(file, name, "", field, &ct.fields, out);
                        }
                    }
                    Err(e) => out.push(Diagnostic::at(
                        file,
                        name.span(),
                        format!("form `{}` cannot be read from the plugin: {e}", **name),
                    )),
                }
            }
        }
    }
    for pointer in &description.derived_fields {
        let first = pointer
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        let declared = programme
            .case_types
            .values()
            .any(|ct| ct.fields.keys().any(|k| k.as_str() == first));
        if !declared {
            out.push(Diagnostic::at(
                file,
                plugin.span(),
                format!(
                    "plugin `{}` derives `{pointer}`, which no case type declares in `fields`",
                    **plugin
                ),
            ));
        }
    }
    derived_types(def, host, plugin, &description.derived_fields, out);
}

/// The values `derive` gives fit the types the workflow declares for them (the server
/// refuses an action whose derived values do not, so a mismatch would otherwise show on
/// the first case). `derive` is asked twice per case type: for a case with every field
/// empty, and for one with every field filled with a plain value of its declared type
/// (a select's first option, `true`, 100, a date). A plugin that cannot derive from
/// either is left to the server's own refusal.
fn derived_types(
    def: &Definition,
    host: &PluginHost,
    plugin: &Name,
    pointers: &[String],
    out: &mut Vec<Diagnostic>,
) {
    for (ct_name, ct) in &def.programme.case_types {
        let tops: BTreeSet<&str> = pointers
            .iter()
            .filter_map(|p| p.strip_prefix('/')?.split('/').next())
            .filter(|f| ct.fields.contains_key(*f))
            .collect();
        let env = Envelope::for_test(def.id(), ct_name.as_str());
        let probes = [
            sample_case(&ct.fields, |_| Value::Null),
            sample_case(&ct.fields, sample_value),
        ];
        let mut reported = BTreeSet::new();
        for probe in probes.iter().filter(|_| !tops.is_empty()) {
            let Ok(report) = host.derive(plugin, &env, probe) else {
                continue;
            };
            for &top in &tops {
                let value = report.fields.get(top).cloned().unwrap_or(Value::Null);
                let Some(wrong) =
                    crate::engine::check_input(&ct.fields, &serde_json::json!({ top: value }))
                        .into_iter()
                        .next()
                else {
                    continue;
                };
                let Some((_, declared)) = ct.fields.iter().find(|(k, _)| k.as_str() == top) else {
                    continue;
                };
                if reported.insert(top) {
                    out.push(Diagnostic::at(
                        def.path.as_path(),
                        declared.kind.span(),
                        format!(
                            "plugin `{}` derives `{top}` as {value} for case type `{}`, which does not fit: {}",
                            **plugin,
                            ct_name.as_str(),
                            wrong.message.en
                        ),
                    ));
                }
            }
        }
    }
}

/// A case's data with each declared field set by `value`.
fn sample_case(fields: &IndexMap<Name, Field>, value: impl Fn(&Field) -> Value) -> Value {
    Value::Object(
        fields
            .iter()
            .map(|(k, f)| (k.to_string(), value(f)))
            .collect(),
    )
}

/// A plain value of a field's declared type.
fn sample_value(field: &Field) -> Value {
    let first = field.options.first().map(|o| o.to_string());
    match *field.kind {
        FieldType::Text | FieldType::User | FieldType::OrgUnit | FieldType::File => {
            Value::from("1")
        }
        FieldType::Integer | FieldType::Number => Value::from(100),
        FieldType::Boolean => Value::Bool(true),
        FieldType::Date => Value::from("2026-10-01"),
        FieldType::Datetime => Value::from("2026-10-01T10:00:00+08:00"),
        FieldType::Select => first.map(Value::from).unwrap_or(Value::Null),
        FieldType::MultiSelect => Value::Array(first.map(Value::from).into_iter().collect()),
        FieldType::List => Value::Array(vec![sample_case(&field.fields, sample_value)]),
        FieldType::Object => sample_case(&field.fields, sample_value),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Form,
    Check,
}

impl Use {
    fn noun(self) -> &'static str {
        match self {
            Use::Form => "form",
            Use::Check => "check",
        }
    }
}

/// The forms and checks a case type names, each once, in the order written.
fn uses(ct: &CaseType) -> Vec<(&Name, Use)> {
    let mut all = Vec::new();
    if let Some(create) = &ct.create {
        all.extend(create.form.iter().map(|f| (f, Use::Form)));
        all.extend(create.checks.iter().map(|c| (c, Use::Check)));
    }
    for t in &ct.transitions {
        all.extend(t.form.iter().map(|f| (f, Use::Form)));
        all.extend(t.checks.iter().map(|c| (c, Use::Check)));
    }
    let mut seen = BTreeSet::new();
    all.retain(|(name, kind)| seen.insert((name.as_str().to_owned(), *kind as u8)));
    all
}

/// The workflow's type for a form field's kind.
fn declared_type(kind: &FieldKind) -> FieldType {
    match kind {
        FieldKind::Text { .. } | FieldKind::LongText { .. } => FieldType::Text,
        FieldKind::Number { .. } => FieldType::Number,
        FieldKind::Integer { .. } => FieldType::Integer,
        FieldKind::Date { .. } => FieldType::Date,
        FieldKind::Datetime => FieldType::Datetime,
        FieldKind::Boolean => FieldType::Boolean,
        FieldKind::Select { .. } => FieldType::Select,
        FieldKind::MultiSelect { .. } => FieldType::MultiSelect,
        FieldKind::OrgUnit => FieldType::OrgUnit,
        FieldKind::User { .. } => FieldType::User,
        FieldKind::File { .. } => FieldType::File,
        FieldKind::Group { .. } => FieldType::List,
        FieldKind::Object { .. } => FieldType::Object,
    }
}

/// A form field (at `prefix`) is declared among `fields`, with the same type; its
/// options are among the declared ones; its members fit the declared members.
fn fits(
    file: &Path,
    form: &Name,
    prefix: &str,
    field: &FormField,
    fields: &IndexMap<Name, Field>,
    out: &mut Vec<Diagnostic>,
) {
    let path = format!("{prefix}{}", field.id);
    let Some((_, declared)) = fields.iter().find(|(k, _)| k.as_str() == field.id) else {
        out.push(Diagnostic::at(
            file,
            form.span(),
            format!(
                "form `{}` fills `{path}`, which the case type does not declare in `fields`",
                **form
            ),
        ));
        return;
    };
    let ty = declared_type(&field.kind);
    if *declared.kind != ty {
        out.push(Diagnostic::at(
            file,
            declared.kind.span(),
            format!(
                "`{path}` is declared `{}` but form `{}` fills it as `{}`",
                declared.kind.name(),
                **form,
                ty.name()
            ),
        ));
        return;
    }
    match &field.kind {
        FieldKind::Select { options } | FieldKind::MultiSelect { options, .. } => {
            let allowed: BTreeSet<&str> = declared.options.iter().map(|o| o.as_str()).collect();
            let extra: Vec<&str> = options
                .iter()
                .map(|o| o.value.as_str())
                .filter(|v| !allowed.contains(v))
                .collect();
            if !extra.is_empty() {
                out.push(Diagnostic::at(
                    file,
                    declared.kind.span(),
                    format!(
                        "form `{}` offers {} for `{path}`, which its declared `options` do not allow",
                        **form,
                        extra
                            .iter()
                            .map(|v| format!("`{v}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        FieldKind::Group {
            fields: members, ..
        }
        | FieldKind::Object { fields: members } => {
            for member in members {
                fits(
                    file,
                    form,
                    &format!("{path}."),
                    member,
                    &declared.fields,
                    out,
                );
            }
        }
        _ => {}
    }
}

fn suggest(word: &str, known: &BTreeSet<&str>) -> String {
    crate::workflow::diagnostic::did_you_mean(word, known.iter().copied())
}

/// Load the plugins in `dir` (nothing else: no database, a Monday–Friday calendar)
/// and check `defs` against them.
pub fn check_dir(defs: &[Definition], dir: &Path) -> anyhow::Result<Vec<Diagnostic>> {
    anyhow::ensure!(dir.is_dir(), "{} is not a folder of plugins", dir.display());
    let host = PluginHost::new(
        anjuan_plugin_host::HostConfig {
            cache_dir: None,
            ..anjuan_plugin_host::HostConfig::default()
        },
        std::sync::Arc::new(anjuan_plugin_host::MemoryServices::new()),
    )?;
    let report = host.load_dir(dir);
    let mut out = Vec::new();
    for error in &report.failed {
        out.push(Diagnostic::at_line(
            dir,
            0,
            0,
            format!("plugin not loaded: {error}"),
        ));
    }
    out.extend(check(defs.iter(), &host));
    Ok(out)
}
