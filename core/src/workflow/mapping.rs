//! A migration mapping: how running cases of a programme carry over to a new
//! definition version when states or fields were renamed, merged or removed.
//!
//! ```yaml
//! case_types:
//!   nonconforming-sample:
//!     states:
//!       received: notice-received      # renamed
//!       reviewing: disposal-started    # merged into another state
//!     fields:
//!       lot: batch_number              # renamed field
//! ```
//!
//! A state or field not named keeps its name. A state the new version lacks and the
//! mapping does not send anywhere is a case that cannot move (it stays on its version).
//! Mistakes are reported with file, line and column, like workflow files.

use std::path::Path;

use indexmap::IndexMap;
use marked_yaml::{LoaderOptions, Spanned};
use serde::Deserialize;

use super::diagnostic::{Diagnostic, did_you_mean};
use super::model::CaseType;
use super::{Definition, Programme};

/// A parsed mapping file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Per case type id.
    #[serde(default)]
    pub case_types: IndexMap<Spanned<String>, CaseTypeMapping>,
}

/// The renames of one case type.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseTypeMapping {
    /// Old state → new state.
    #[serde(default)]
    pub states: IndexMap<Spanned<String>, Spanned<String>>,
    /// Old field → new field.
    #[serde(default)]
    pub fields: IndexMap<Spanned<String>, Spanned<String>>,
}

impl Mapping {
    /// Parse mapping text read from `file` (an empty text is the empty mapping).
    pub fn parse(file: &Path, text: &str) -> Result<Mapping, Vec<Diagnostic>> {
        if text.trim().is_empty() {
            return Ok(Mapping::default());
        }
        let options = LoaderOptions::default()
            .error_on_duplicate_keys(true)
            .toplevel_mapping();
        let node = marked_yaml::parse_yaml_with_options(0, text, options)
            .map_err(|e| vec![super::parse::load_error(file, &e)])?;
        marked_yaml::from_node::<Mapping>(&node).map_err(|e| {
            let mut node = node.clone();
            let place = match &*e {
                marked_yaml::Error::UnknownFieldError(field, expected, _) => {
                    super::parse::remove_unknown(&mut node, field, expected)
                        .and_then(|s| s.start().copied())
                }
                _ => None,
            }
            .or_else(|| e.start_mark());
            let (line, column) = place.map(|m| (m.line(), m.column())).unwrap_or((1, 1));
            let message = e.to_string();
            let message = message
                .rsplit_once(": ")
                .map_or(message.as_str(), |(_, m)| m);
            vec![Diagnostic::at_line(file, line, column, message)]
        })
    }

    /// Parse and check against the versions cases run on (`from`) and the version
    /// they go to (`to`): every case type, state and field it names must exist.
    pub fn load(
        file: &Path,
        text: &str,
        from: &[&Definition],
        to: &Definition,
    ) -> Result<Mapping, Vec<Diagnostic>> {
        let mapping = Mapping::parse(file, text)?;
        let errors = mapping.check(file, from, to);
        if errors.is_empty() {
            Ok(mapping)
        } else {
            Err(errors)
        }
    }

    /// Every name in the mapping that the old or new versions do not have.
    pub fn check(&self, file: &Path, from: &[&Definition], to: &Definition) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let old: Vec<&Programme> = from.iter().map(|d| &d.programme).collect();
        let new = &to.programme;
        for (ct_id, m) in &self.case_types {
            let olds: Vec<&CaseType> = old.iter().filter_map(|p| p.case_type(ct_id)).collect();
            let Some(new_ct) = new.case_type(ct_id) else {
                let hint = did_you_mean(ct_id, new.case_types.keys().map(|k| k.as_str()));
                errors.push(at(
                    file,
                    ct_id,
                    format!(
                        "the new version has no case type `{}`{hint}",
                        ct_id.as_str()
                    ),
                ));
                continue;
            };
            for (from_state, to_state) in &m.states {
                if !olds.is_empty()
                    && !olds
                        .iter()
                        .any(|ct| ct.states.contains_key(from_state.as_str()))
                {
                    let hint = did_you_mean(
                        from_state,
                        olds.iter()
                            .flat_map(|ct| ct.states.keys().map(|k| k.as_str())),
                    );
                    errors.push(at(
                        file,
                        from_state,
                        format!(
                            "no other version of `{}` has a state `{}`{hint}",
                            ct_id.as_str(),
                            from_state.as_str()
                        ),
                    ));
                }
                if !new_ct.states.contains_key(to_state.as_str()) {
                    let hint = did_you_mean(to_state, new_ct.states.keys().map(|k| k.as_str()));
                    errors.push(at(
                        file,
                        to_state,
                        format!(
                            "the new version of `{}` has no state `{}`{hint}",
                            ct_id.as_str(),
                            to_state.as_str()
                        ),
                    ));
                }
            }
            for (from_field, to_field) in &m.fields {
                if !olds.is_empty()
                    && !olds
                        .iter()
                        .any(|ct| ct.fields.contains_key(from_field.as_str()))
                {
                    let hint = did_you_mean(
                        from_field,
                        olds.iter()
                            .flat_map(|ct| ct.fields.keys().map(|k| k.as_str())),
                    );
                    errors.push(at(
                        file,
                        from_field,
                        format!(
                            "no other version of `{}` has a field `{}`{hint}",
                            ct_id.as_str(),
                            from_field.as_str()
                        ),
                    ));
                }
                if !new_ct.fields.contains_key(to_field.as_str()) {
                    let hint = did_you_mean(to_field, new_ct.fields.keys().map(|k| k.as_str()));
                    errors.push(at(
                        file,
                        to_field,
                        format!(
                            "the new version of `{}` has no field `{}`{hint}",
                            ct_id.as_str(),
                            to_field.as_str()
                        ),
                    ));
                }
            }
        }
        errors
    }

    /// Where a case of `case_type` in `state` goes (its own name when not mapped).
    pub fn state<'a>(&'a self, case_type: &str, state: &'a str) -> &'a str {
        self.find(case_type)
            .and_then(|m| m.states.iter().find(|(k, _)| k.as_str() == state))
            .map(|(_, v)| v.as_str())
            .unwrap_or(state)
    }

    /// The field renames of `case_type`, old → new.
    pub fn fields(&self, case_type: &str) -> Vec<(&str, &str)> {
        self.find(case_type)
            .map(|m| {
                m.fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The mapping as plain JSON (for the event that records a migration).
    pub fn to_json(&self) -> serde_json::Value {
        let plain = |m: &IndexMap<Spanned<String>, Spanned<String>>| {
            m.iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
                .collect::<serde_json::Map<_, _>>()
        };
        serde_json::Value::Object(
            self.case_types
                .iter()
                .map(|(ct, m)| {
                    (
                        ct.to_string(),
                        serde_json::json!({ "states": plain(&m.states), "fields": plain(&m.fields) }),
                    )
                })
                .collect(),
        )
    }

    fn find(&self, case_type: &str) -> Option<&CaseTypeMapping> {
        self.case_types
            .iter()
            .find(|(k, _)| k.as_str() == case_type)
            .map(|(_, m)| m)
    }
}

fn at(file: &Path, s: &Spanned<String>, message: String) -> Diagnostic {
    Diagnostic::at(file, s.span(), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = "programme: p\nversion: 1\ntitle: { zh: 甲, en: P }\nroles: { clerk: { zh: 员, en: Clerk } }\ncase_types:\n  item:\n    title: { zh: 项, en: Item }\n    number: \"X-{seq}\"\n    initial: open\n    fields:\n      lot: { type: text }\n    states:\n      open: { title: { zh: 开, en: Open } }\n      done: { title: { zh: 完, en: Done }, final: true }\n    transitions:\n      - { action: finish, from: [open], to: done, roles: [clerk] }\n";

    fn def(text: &str) -> Definition {
        Definition::from_text(Path::new("p/workflow.yaml"), text).expect("valid")
    }

    #[test]
    fn names_the_place_of_each_unknown_state_and_field() {
        let old = def(V1);
        let new = def(&V1.replace("open", "received").replace("lot:", "batch:"));
        let text = "case_types:\n  item:\n    states:\n      opne: received\n      open: recieved\n    fields:\n      lot: bach\n";
        let errors = Mapping::load(Path::new("m.yaml"), text, &[&old], &new).unwrap_err();
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(
            shown[0].starts_with("m.yaml:4:7: no other version"),
            "{}",
            shown[0]
        );
        assert!(shown[0].contains("did you mean `open`"), "{}", shown[0]);
        assert!(
            shown[1].starts_with("m.yaml:5:13: the new version"),
            "{}",
            shown[1]
        );
        assert!(
            shown[2].starts_with("m.yaml:7:12: the new version"),
            "{}",
            shown[2]
        );
    }

    #[test]
    fn an_unknown_key_and_a_yaml_mistake_have_a_place() {
        let e = Mapping::parse(Path::new("m.yaml"), "case_types:\n  item:\n    stats: {}\n")
            .unwrap_err();
        assert_eq!((e[0].line, e[0].column), (3, 5), "{}", e[0]);
        let e = Mapping::parse(Path::new("m.yaml"), "case_types: [\n").unwrap_err();
        assert!(e[0].line >= 1, "{}", e[0]);
    }

    #[test]
    fn maps_states_and_fields_and_keeps_the_rest() {
        let old = def(V1);
        let new = def(&V1.replace("open", "received").replace("lot:", "batch:"));
        let text =
            "case_types:\n  item:\n    states: { open: received }\n    fields: { lot: batch }\n";
        let m = Mapping::load(Path::new("m.yaml"), text, &[&old], &new).unwrap();
        assert_eq!(m.state("item", "open"), "received");
        assert_eq!(m.state("item", "done"), "done");
        assert_eq!(m.fields("item"), vec![("lot", "batch")]);
        assert_eq!(m.to_json()["item"]["states"]["open"], "received");
    }
}
