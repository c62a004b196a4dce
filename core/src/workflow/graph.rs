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

/// The states in which deadline `d` (owned by state `owner`, or by the case when
/// `None`) can be running, as the engine treats it: it opens in its opening states and
/// stays open along transitions until one reaches an `until` state (met), a final state
/// (dropped), leaves the owning state, or closes it with `close_deadline`.
pub fn running_states<'a>(
    ct: &'a CaseType,
    owner: Option<&'a str>,
    d: &Deadline,
) -> BTreeSet<&'a str> {
    let stops = |to: &str| d.until.iter().any(|u| u.as_str() == to) || ct.is_final(to);
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut queue: VecDeque<&str> = VecDeque::new();
    for s in opening_states(ct, owner, d) {
        if !stops(s) && seen.insert(s) {
            queue.push_back(s);
        }
    }
    while let Some(state) = queue.pop_front() {
        for t in &ct.transitions {
            let to = t.to.as_str();
            let closes = t
                .effects
                .iter()
                .any(|e| matches!(e, Effect::CloseDeadline(id) if id.as_str() == d.id.as_str()));
            if closes
                || stops(to)
                || owner.is_some_and(|o| o != to)
                || !t.from.iter().any(|f| f.as_str() == state)
            {
                continue;
            }
            if seen.insert(to) {
                queue.push_back(to);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::Definition;

    const YAML: &str = r#"
programme: p
version: 1
title: { zh: 程序, en: Programme }
roles:
  clerk: { zh: 办事员, en: Clerk }
case_types:
  c:
    title: { zh: 案件, en: Case }
    number: "C-{seq:4}"
    initial: a
    deadlines:
      - { id: whole, within: { natural_days: 90 }, from: created, until: [c] }
      - { id: later, within: { hours: 24 }, opens: on_effect, until: [d] }
    states:
      a:
        deadlines:
          - { id: in-a, within: { hours: 2 }, from: entered }
      b: {}
      c: {}
      d: { final: true }
    transitions:
      - { action: go, from: [a], to: b, roles: [clerk], effects: [{ open_deadline: later }] }
      - { action: note, from: [a, b], to: a, roles: [clerk] }
      - { action: on, from: [b], to: c, roles: [clerk] }
      - { action: end, from: [c], to: d, roles: [clerk] }
"#;

    #[test]
    fn a_deadline_runs_from_where_it_opens_until_it_is_met_or_dropped() {
        let def = Definition::from_text(Path::new("w.yaml"), YAML).expect("valid");
        let ct = def.programme.case_type("c").expect("case type");
        let runs = |id: &str| {
            let (owner, d) = ct.deadline(id).expect("deadline");
            running_states(ct, owner, d).into_iter().collect::<Vec<_>>()
        };
        assert_eq!(runs("whole"), ["a", "b"], "met on reaching c");
        assert_eq!(runs("later"), ["a", "b", "c"], "opened on the way to b");
        assert_eq!(runs("in-a"), ["a"], "a state's own deadline stays in it");
    }
}
