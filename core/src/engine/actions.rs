//! Which actions an actor may take on a case now.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::data::with_declared;
use super::decide::{actor_value, guard, header};
use super::{Actor, CaseSnapshot};
use crate::workflow::Definition;
use crate::workflow::expr::Vars;
use crate::workflow::model::I18n;

/// An action open to the actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvailableAction {
    /// Action id.
    pub action: String,
    /// Display title.
    pub title: I18n,
    /// The state it leads to.
    pub to: String,
    /// The plugin form to fill in, if any.
    pub form: Option<String>,
    /// Whether a comment is required.
    pub comment_required: bool,
}

/// The actions `actor` may take on `case` at `now`: the case's state allows them, the
/// actor holds a role, and the guard holds on the current data (a guard that reads
/// `input` is left to the moment the form is submitted). System actions are not
/// offered to people.
pub fn available_actions(
    def: &Definition,
    case: &CaseSnapshot,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Vec<AvailableAction> {
    let Some(ct) = def.programme.case_type(&case.case_type) else {
        return Vec::new();
    };
    let data = with_declared(&ct.fields, &case.data);
    let header = header(case);
    let actor_json = actor_value(actor);
    let parent = case.parent.clone().unwrap_or(Value::Null);
    let vars = Vars {
        case: &header,
        actor: &actor_json,
        parent: &parent,
        ..Vars::new(&data, now)
    };
    ct.transitions
        .iter()
        .filter(|t| t.from.iter().any(|f| f.as_str() == case.state))
        .filter(|t| actor.holds_any(t.roles.iter().map(|r| r.as_str())))
        .filter(|t| {
            let reads_input = t
                .guard
                .as_ref()
                .and_then(|g| def.expr(g))
                .is_some_and(|e| e.free_names().contains("input"));
            reads_input || guard(def, t.guard.as_ref(), None, &vars).is_none()
        })
        .map(|t| AvailableAction {
            action: t.action.to_string(),
            title: t.title.clone().unwrap_or_else(|| I18n {
                zh: t.action.to_string(),
                en: t.action.to_string(),
            }),
            to: t.to.to_string(),
            form: t.form.as_ref().map(|f| f.to_string()),
            comment_required: t.comment_required,
        })
        .collect()
}

/// Who can move `case` on now: the roles of every action that leads out of its state
/// and whose guard holds on the current data (a guard that reads `input` is judged when
/// the form is submitted, so it counts as open). The inbox lists a case for exactly
/// these roles; whether a guard reads the clock is told by [`reads_clock`], so that
/// such cases are judged again as time passes.
pub fn acting_roles(
    def: &Definition,
    case: &CaseSnapshot,
    now: DateTime<Utc>,
) -> std::collections::BTreeSet<String> {
    let mut roles = std::collections::BTreeSet::new();
    let Some(ct) = def.programme.case_type(&case.case_type) else {
        return roles;
    };
    let data = with_declared(&ct.fields, &case.data);
    let header = header(case);
    let actor_json = actor_value(&Actor::system());
    let parent = case.parent.clone().unwrap_or(Value::Null);
    let vars = Vars {
        case: &header,
        actor: &actor_json,
        parent: &parent,
        ..Vars::new(&data, now)
    };
    for t in ct
        .transitions
        .iter()
        .filter(|t| t.from.iter().any(|f| f.as_str() == case.state))
        .filter(|t| t.to.as_str() != case.state)
    {
        let reads_input = t
            .guard
            .as_ref()
            .and_then(|g| def.expr(g))
            .is_some_and(|e| e.free_names().contains("input"));
        if reads_input || guard(def, t.guard.as_ref(), None, &vars).is_none() {
            roles.extend(
                t.roles
                    .iter()
                    .map(|r| r.to_string())
                    .filter(|r| r != crate::workflow::SYSTEM_ROLE),
            );
        }
    }
    roles
}

/// Whether any guard on the actions out of `state` reads the clock (`now`), so who can
/// act may change with time alone.
pub fn reads_clock(def: &Definition, case_type: &str, state: &str) -> bool {
    def.programme.case_type(case_type).is_some_and(|ct| {
        ct.transitions
            .iter()
            .filter(|t| t.from.iter().any(|f| f.as_str() == state))
            .filter_map(|t| t.guard.as_ref().and_then(|g| def.expr(g)))
            .any(|e| e.free_names().contains("now"))
    })
}

/// Whether any guard on the actions out of `state` reads the parent case.
pub fn reads_parent(def: &Definition, case_type: &str, state: &str) -> bool {
    def.programme.case_type(case_type).is_some_and(|ct| {
        ct.transitions
            .iter()
            .filter(|t| t.from.iter().any(|f| f.as_str() == state))
            .filter_map(|t| t.guard.as_ref().and_then(|g| def.expr(g)))
            .any(|e| e.free_names().contains("parent"))
    })
}

/// Whether a case of some child type of `case_type` has a guard that reads its parent:
/// then writing a case of `case_type` can change who acts on its children.
pub fn children_read_parent(def: &Definition, case_type: &str) -> bool {
    def.programme.case_types.iter().any(|(_, ct)| {
        ct.parent.as_ref().is_some_and(|p| p.as_str() == case_type)
            && ct
                .transitions
                .iter()
                .filter_map(|t| t.guard.as_ref().and_then(|g| def.expr(g)))
                .any(|e| e.free_names().contains("parent"))
    })
}
