//! Moving one running case to a new definition version: where it goes, what happens
//! to its running deadlines, or why it cannot move. Pure: the plan and the apply
//! step of a migration both ask this, so what is shown is what is done.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::OpenDeadline;
use crate::calendar::Calendar;
use crate::workflow::Definition;
use crate::workflow::expr::Vars;
use crate::workflow::mapping::Mapping;

/// The case as it stands on its old version.
pub struct Standing<'a> {
    /// Case type id.
    pub case_type: &'a str,
    /// State id on the old version.
    pub state: &'a str,
    /// Its data.
    pub data: &'a Value,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it entered its state.
    pub state_entered_at: DateTime<Utc>,
    /// Its running and paused deadlines.
    pub deadlines: &'a [OpenDeadline],
}

/// What becomes of one running deadline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "fate", rename_all = "snake_case")]
pub enum Fate {
    /// The new version runs it the same way: due as before.
    Kept {
        /// Deadline id.
        id: String,
    },
    /// The new version gives it another span: due again from its anchor.
    Recomputed {
        /// Deadline id.
        id: String,
        /// Due before.
        was: DateTime<Utc>,
        /// Due now.
        due: DateTime<Utc>,
    },
    /// The new version has no such deadline in the case's new state.
    Dropped {
        /// Deadline id.
        id: String,
    },
    /// The new version runs a deadline in the case's new state that the old version did
    /// not run in its old state: opened as if the case had entered the state on the new
    /// version (from the moment it entered it, or from the declared anchor).
    Opened {
        /// Deadline id.
        id: String,
        /// Due.
        due: DateTime<Utc>,
    },
}

/// Why a case stays on its version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    /// The new version has no such case type.
    CaseTypeGone,
    /// The new version has no such state and the mapping sends it nowhere.
    StateGone {
        /// The state on the old version.
        state: String,
    },
    /// A field holding a value is declared with another type now.
    FieldType {
        /// Field id (on the new version).
        field: String,
        /// Type before.
        was: String,
        /// Type now.
        now: String,
    },
    /// Every way into the new state is guarded, and no guard holds for this case.
    Guard {
        /// The new state.
        state: String,
        /// The guard that refuses it.
        guard: String,
    },
}

impl Refusal {
    /// In plain words.
    pub fn describe(&self) -> String {
        match self {
            Refusal::CaseTypeGone => "the new version has no such case type".to_owned(),
            Refusal::StateGone { state } => {
                format!("the new version has no state `{state}` and the mapping names none")
            }
            Refusal::FieldType { field, was, now } => {
                format!("field `{field}` holds a {was} but is a {now} now")
            }
            Refusal::Guard { state, guard } => {
                format!("no way into `{state}` is open to this case: `{guard}` is false")
            }
        }
    }
}

/// Where a case goes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    /// Its state on the new version.
    pub to: String,
    /// Its data with renamed fields under their new names.
    pub data: Value,
    /// Fields renamed on this case, old → new (only those that held a value).
    pub renamed: Vec<(String, String)>,
    /// What becomes of each running deadline.
    pub deadlines: Vec<Fate>,
}

/// Where `case` goes on `to`, or why it cannot go.
pub fn plan(
    from: &Definition,
    to: &Definition,
    mapping: &Mapping,
    cal: &Calendar,
    case: &Standing<'_>,
    now: DateTime<Utc>,
) -> Result<Move, Refusal> {
    let Some(ct) = to.programme.case_type(case.case_type) else {
        return Err(Refusal::CaseTypeGone);
    };
    let old_ct = from.programme.case_type(case.case_type);
    let target = mapping.state(case.case_type, case.state);
    if !ct.states.contains_key(target) {
        return Err(Refusal::StateGone {
            state: case.state.to_owned(),
        });
    }
    let (data, renamed) = rename(case.data, &mapping.fields(case.case_type));
    if let (Some(old_ct), Some(map)) = (old_ct, data.as_object()) {
        for (name, _) in map.iter().filter(|(_, v)| !v.is_null()) {
            let old_name = renamed
                .iter()
                .find(|(_, n)| n == name)
                .map_or(name.as_str(), |(o, _)| o.as_str());
            let (Some(was), Some(now)) =
                (old_ct.fields.get(old_name), ct.fields.get(name.as_str()))
            else {
                continue;
            };
            if *was.kind != *now.kind {
                return Err(Refusal::FieldType {
                    field: name.clone(),
                    was: was.kind.name(),
                    now: now.kind.name(),
                });
            }
        }
    }
    guard_into(to, ct, target, &data, now)?;
    let mut deadlines: Vec<Fate> = case
        .deadlines
        .iter()
        .map(|d| fate(ct, target, d, case, &data, cal))
        .collect();
    deadlines.extend(opened(to, old_ct, ct, target, case, &data, cal, now));
    Ok(Move {
        to: target.to_owned(),
        data,
        renamed,
        deadlines,
    })
}

/// The data with each renamed field that holds a value under its new name.
fn rename(data: &Value, fields: &[(&str, &str)]) -> (Value, Vec<(String, String)>) {
    let mut data = data.clone();
    let mut renamed = Vec::new();
    if let Some(map) = data.as_object_mut() {
        for (old, new) in fields {
            if let Some(v) = map.remove(*old) {
                map.insert((*new).to_owned(), v);
                renamed.push(((*old).to_owned(), (*new).to_owned()));
            }
        }
    }
    (data, renamed)
}

/// A case may sit in `state` if it is the initial state, some transition into it has
/// no guard, or one guard into it holds on the case's data; otherwise the first
/// guard that refuses is named.
fn guard_into(
    def: &Definition,
    ct: &crate::workflow::model::CaseType,
    state: &str,
    data: &Value,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    if ct.initial.as_str() == state {
        return Ok(());
    }
    let into: Vec<_> = ct
        .transitions
        .iter()
        .filter(|t| t.to.as_str() == state && t.from.iter().any(|f| f.as_str() != state))
        .collect();
    if into.is_empty() || into.iter().any(|t| t.guard.is_none()) {
        return Ok(());
    }
    let seen = super::data::with_declared(&ct.fields, data);
    let vars = Vars::new(&seen, now);
    let mut refusing = None;
    for t in into {
        let Some(guard) = t.guard.as_ref() else {
            continue;
        };
        // A guard that reads what a migration cannot know (the actor, the input) and
        // fails to evaluate does not hold the case back.
        match def.expr(guard).map(|e| e.eval_bool(&vars)) {
            Some(Ok(false)) => refusing = refusing.or(Some(guard.to_string())),
            _ => return Ok(()),
        }
    }
    match refusing {
        Some(guard) => Err(Refusal::Guard {
            state: state.to_owned(),
            guard,
        }),
        None => Ok(()),
    }
}

/// Deadlines the new version opens by itself in `state` that the old version did not run
/// in the case's old state, and the case does not have running: opened from the moment
/// the case entered its state (or their declared anchor) when their condition holds.
/// One the old version ran there is not opened again: the case met or closed it.
#[allow(clippy::too_many_arguments)] // the two versions, the case and its moment
fn opened(
    to: &Definition,
    old_ct: Option<&crate::workflow::model::CaseType>,
    ct: &crate::workflow::model::CaseType,
    state: &str,
    case: &Standing<'_>,
    data: &Value,
    cal: &Calendar,
    now: DateTime<Utc>,
) -> Vec<Fate> {
    let Some(declared) = ct.states.get(state) else {
        return Vec::new();
    };
    let ran_before = |id: &str| {
        old_ct
            .and_then(|o| o.states.get(case.state))
            .is_some_and(|s| s.deadlines.iter().any(|d| d.id.as_str() == id))
    };
    let seen = super::data::with_declared(&ct.fields, data);
    let vars = Vars::new(&seen, now);
    declared
        .deadlines
        .iter()
        .filter(|d| d.opens == crate::workflow::model::Opens::Auto)
        .filter(|d| !ran_before(d.id.as_str()))
        .filter(|d| !case.deadlines.iter().any(|o| o.id == d.id.as_str()))
        .filter(|d| {
            // A condition that cannot be evaluated here (it reads the parent) opens
            // nothing: the deadline is not guessed into being.
            d.when
                .as_ref()
                .is_none_or(|w| matches!(to.expr(w).map(|e| e.eval_bool(&vars)), Some(Ok(true))))
        })
        .filter_map(|d| {
            let a =
                super::deadlines::anchor(d, case.created_at, case.state_entered_at, data).ok()?;
            Some(Fate::Opened {
                id: d.id.to_string(),
                due: cal.due(a, *d.within),
            })
        })
        .collect()
}

/// A running deadline on the new version: kept when the new state still runs it with
/// the same span, recomputed from its anchor when the span changed, else dropped.
fn fate(
    ct: &crate::workflow::model::CaseType,
    state: &str,
    open: &OpenDeadline,
    case: &Standing<'_>,
    data: &Value,
    cal: &Calendar,
) -> Fate {
    let id = open.id.clone();
    let Some((owner, d)) = ct.deadline(&open.id) else {
        return Fate::Dropped { id };
    };
    if owner.is_some_and(|o| o != state) || d.until.iter().any(|u| u.as_str() == state) {
        return Fate::Dropped { id };
    }
    if *d.within == open.span || open.paused.is_some() {
        return Fate::Kept { id };
    }
    match super::deadlines::anchor(d, case.created_at, open.opened_at, data) {
        Ok(a) => Fate::Recomputed {
            id,
            was: open.due,
            due: cal.due(a, *d.within),
        },
        Err(_) => Fate::Kept { id },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const V1: &str = "programme: p\nversion: 1\ntitle: { zh: 甲, en: P }\nroles: { clerk: { zh: 员, en: Clerk } }\ncase_types:\n  item:\n    title: { zh: 项, en: Item }\n    number: \"X-{seq}\"\n    initial: open\n    fields:\n      ok: { type: boolean }\n    states:\n      open: { title: { zh: 开, en: Open } }\n      done: { title: { zh: 完, en: Done }, final: true }\n    transitions:\n      - { action: finish, from: [open], to: done, roles: [clerk] }\n";

    fn def(text: &str) -> Definition {
        Definition::from_text(Path::new("p/workflow.yaml"), text).expect("valid")
    }

    #[test]
    fn a_case_mapped_into_a_state_whose_every_way_in_is_guarded_false_stays() {
        let old = def(V1);
        let new = def(&V1.replace(
            "      - { action: finish, from: [open], to: done, roles: [clerk] }\n",
            "      - { action: approve, from: [open], to: approved, roles: [clerk], guard: \"data.ok == true\" }\n      - { action: finish, from: [approved], to: done, roles: [clerk] }\n",
        ).replace("      done:", "      approved: { title: { zh: 准, en: Approved } }\n      done:"));
        let text = "case_types:\n  item:\n    states: { open: approved }\n";
        let mapping = Mapping::load(Path::new("m.yaml"), text, &[&old], &new).expect("mapping");
        let cal = Calendar::builtin();
        fn at(data: &Value) -> Standing<'_> {
            Standing {
                case_type: "item",
                state: "open",
                data,
                created_at: Utc::now(),
                state_entered_at: Utc::now(),
                deadlines: &[],
            }
        }
        let refused = plan(
            &old,
            &new,
            &mapping,
            &cal,
            &at(&serde_json::json!({ "ok": false })),
            Utc::now(),
        );
        assert_eq!(
            refused,
            Err(Refusal::Guard {
                state: "approved".into(),
                guard: "data.ok == true".into()
            })
        );
        let moved = plan(
            &old,
            &new,
            &mapping,
            &cal,
            &at(&serde_json::json!({ "ok": true })),
            Utc::now(),
        );
        assert_eq!(moved.map(|m| m.to), Ok("approved".to_owned()));
    }
}
