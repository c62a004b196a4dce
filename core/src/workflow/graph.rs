//! Reachability in a case type's state graph: no state that cannot be reached,
//! no dead end that is not final, no deadline that can never be met.

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;

use super::diagnostic::Diagnostic;
use super::model::{CaseType, Deadline, Effect, Opens};

/// The states reachable from `start` (itself included).
pub fn reachable<'a>(ct: &'a CaseType, start: &[&'a str]) -> BTreeSet<&'a str> {
    let mut seen: BTreeSet<&str> = start.iter().copied().collect();
    let mut queue: VecDeque<&str> = start.iter().copied().collect();
    while let Some(state) = queue.pop_front() {
        for t in &ct.transitions {
            if t.from.iter().any(|f| f.as_str() == state) && seen.insert(t.to.as_str()) {
                queue.push_back(t.to.as_str());
            }
        }
    }
    seen
}

/// Unreachable states and non-final dead ends.
pub fn check(file: &Path, ct: &CaseType, out: &mut Vec<Diagnostic>) {
    if !ct.states.contains_key(ct.initial.as_str()) {
        return; // reported as an undeclared state already
    }
    let reached = reachable(ct, &[ct.initial.as_str()]);
    for (name, state) in &ct.states {
        if !reached.contains(name.as_str()) {
            let msg = format!(
                "state `{}` cannot be reached from the initial state `{}`",
                name.as_str(),
                ct.initial.as_str()
            );
            out.push(Diagnostic::at(file, name.span(), msg));
        }
        let leaves = ct.transitions.iter().any(|t| {
            t.to.as_str() != name.as_str() && t.from.iter().any(|f| f.as_str() == name.as_str())
        });
        if !state.is_final && !leaves {
            let msg = format!(
                "state `{}` is a dead end: no action leaves it and it is not `final: true`",
                name.as_str()
            );
            out.push(Diagnostic::at(file, name.span(), msg));
        }
    }
}

/// The states in which `d` opens.
pub fn opening_states<'a>(ct: &'a CaseType, owner: Option<&'a str>, d: &Deadline) -> Vec<&'a str> {
    match (d.opens, owner) {
        (Opens::OnEffect, _) => ct
            .transitions
            .iter()
            .filter(|t| {
                t.effects
                    .iter()
                    .any(|e| matches!(e, Effect::OpenDeadline(id) if id.as_str() == d.id.as_str()))
            })
            .map(|t| t.to.as_str())
            .collect(),
        (Opens::Auto, Some(state)) => vec![state],
        (Opens::Auto, None) => vec![ct.initial.as_str()],
    }
}

/// A deadline whose `until` states cannot be reached from where it opens.
pub fn check_deadline_reachable(
    file: &Path,
    ct: &CaseType,
    owner: Option<&str>,
    d: &Deadline,
    out: &mut Vec<Diagnostic>,
) {
    let opening = opening_states(ct, owner, d);
    if opening.is_empty() {
        let msg = format!(
            "deadline `{}` has `opens: on_effect` but no action opens it (`open_deadline: {}`)",
            d.id.as_str(),
            d.id.as_str()
        );
        out.push(Diagnostic::at(file, d.id.span(), msg));
        return;
    }
    let reached = reachable(ct, &opening);
    for until in &d.until {
        if ct.states.contains_key(until.as_str()) && !reached.contains(until.as_str()) {
            let msg = format!(
                "deadline `{}` can never be met: state `{}` cannot be reached from `{}`",
                d.id.as_str(),
                until.as_str(),
                opening.join("`, `")
            );
            out.push(Diagnostic::at(file, until.span(), msg));
        }
    }
}
