//! Warnings: things a valid workflow file had better say, which `anjuan validate`
//! reports without failing.
//!
//! Today one: a guard a person can run into (on opening a case by hand, or on an action
//! some role other than `system` takes) without a `guard_message`. Its refusal would
//! show the caseworker the raw CEL expression.

use super::model::{CaseType, I18n, Name};
use super::{Definition, Diagnostic, SYSTEM_ROLE};

/// Every warning for one valid definition, in file order.
pub fn warnings(def: &Definition) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (ct_id, ct) in &def.programme.case_types {
        case_type(def, ct_id, ct, &mut out);
    }
    out.sort_by_key(|d| (d.line, d.column));
    out
}

fn case_type(def: &Definition, ct_id: &Name, ct: &CaseType, out: &mut Vec<Diagnostic>) {
    if let Some(rule) = &ct.create {
        let what = format!("opening a case of type `{}`", ct_id.as_str());
        let by_people = !rule.roles.is_empty();
        guard(
            def,
            rule.guard.as_ref(),
            rule.guard_message.as_ref(),
            by_people,
            &what,
            out,
        );
    }
    for t in &ct.transitions {
        let by_people = t.roles.iter().any(|r| r.as_str() != SYSTEM_ROLE);
        let what = format!("action `{}`", t.action.as_str());
        guard(
            def,
            t.guard.as_ref(),
            t.guard_message.as_ref(),
            by_people,
            &what,
            out,
        );
    }
}

fn guard(
    def: &Definition,
    guard: Option<&Name>,
    message: Option<&I18n>,
    by_people: bool,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    match (guard, message) {
        (Some(g), None) if by_people => out.push(Diagnostic::at(
            &def.path,
            g.span(),
            format!(
                "the guard of {what} has no `guard_message`: a caseworker it refuses is shown the expression itself"
            ),
        )),
        (None, Some(_)) => out.push(Diagnostic::at_line(
            &def.path,
            0,
            0,
            format!("{what} has a `guard_message` but no guard: it is never shown"),
        )),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const FILE: &str = "\
programme: demo
version: 1
title: { zh: 演示, en: Demo }
roles: { clerk: { zh: 办事员, en: Clerk } }
case_types:
  item:
    title: { zh: 事项, en: Item }
    number: \"D-{year}-{seq:4}\"
    initial: open
    fields: { ready: { type: boolean } }
    create: { roles: [clerk], guard: \"data.ready == true\" }
    states:
      open: {}
      done: { final: true }
    transitions:
      - { action: finish, from: [open], to: done, roles: [clerk], guard: \"data.ready == true\" }
      - { action: tidy, from: [open], to: done, roles: [system], guard: \"data.ready == true\" }
      - action: close
        from: [open]
        to: done
        roles: [clerk]
        guard: \"data.ready == true\"
        guard_message: { zh: 尚未就绪, en: Not ready yet }
";

    #[test]
    fn a_guard_people_meet_without_a_message_is_warned_about() {
        let def = Definition::from_text(Path::new("w.yaml"), FILE).expect("valid");
        let found: Vec<String> = warnings(&def).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            found,
            [
                "w.yaml:11:38: the guard of opening a case of type `item` has no `guard_message`: a caseworker it refuses is shown the expression itself",
                "w.yaml:16:74: the guard of action `finish` has no `guard_message`: a caseworker it refuses is shown the expression itself",
            ]
        );
    }
}
