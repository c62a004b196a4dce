//! Random action sequences over every shipped definition: the engine never reaches an
//! undeclared state, never leaves a final state, and decides the same way every time.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

use std::collections::BTreeSet;
use std::path::Path;

use anjuan::calendar::Calendar;
use anjuan::engine::{
    self, ActionRequest, Actor, CaseSnapshot, DeadlineChange, Decision, NoChecks, OpenDeadline,
};
use anjuan::workflow::{self, Definition};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{Value, json};

fn definitions() -> &'static [Definition] {
    static DEFS: std::sync::OnceLock<Vec<Definition>> = std::sync::OnceLock::new();
    DEFS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows");
        let (defs, errors) = workflow::load_dir(&dir);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!defs.is_empty());
        defs
    })
}

/// One step: which action (by index into the case type's actions), which roles, and
/// whether to send some declared boolean fields as true.
#[derive(Debug, Clone)]
struct Step {
    action: usize,
    roles: usize,
    flags: u8,
    hours: u16,
}

fn step() -> impl Strategy<Value = Step> {
    (0usize..64, 0usize..64, any::<u8>(), 0u16..2000).prop_map(|(action, roles, flags, hours)| {
        Step {
            action,
            roles,
            flags,
            hours,
        }
    })
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 28, 2, 0, 0)
        .single()
        .expect("valid")
}

fn snapshot(case_type: &str, state: &str, data: Value, now: DateTime<Utc>) -> CaseSnapshot {
    CaseSnapshot {
        id: "c".into(),
        number: "N-1".into(),
        case_type: case_type.into(),
        state: state.into(),
        data,
        org_unit: "u".into(),
        created_at: now,
        state_entered_at: now,
        deadlines: Vec::new(),
        parent: Some(json!({})),
        parent_id: None,
    }
}

fn apply(case: &mut CaseSnapshot, o: &engine::Outcome, now: DateTime<Utc>) {
    case.state = o.to.clone();
    case.data = o.data.clone();
    for c in &o.deadlines {
        match c {
            DeadlineChange::Opened { id, due, span } => case.deadlines.push(OpenDeadline {
                id: id.clone(),
                due: *due,
                span: *span,
                opened_at: now,
                paused: None,
                breached: false,
            }),
            DeadlineChange::Met { id, .. } | DeadlineChange::Dropped { id } => {
                case.deadlines.retain(|d| &d.id != id)
            }
            DeadlineChange::Paused { id, remaining } => {
                for d in case.deadlines.iter_mut().filter(|d| &d.id == id) {
                    d.paused = Some(*remaining);
                }
            }
            DeadlineChange::Resumed { id, due } | DeadlineChange::Extended { id, due, .. } => {
                for d in case.deadlines.iter_mut().filter(|d| &d.id == id) {
                    d.paused = None;
                    d.due = *due;
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_walks_stay_inside_the_definition(steps in proptest::collection::vec(step(), 1..40)) {
        let cal = Calendar::builtin();
        for def in definitions() {
            let mut roles: Vec<String> = def.programme.roles.keys().map(|r| r.to_string()).collect();
            roles.push("system".into());
            for (ct_name, ct) in &def.programme.case_types {
                let actions: Vec<String> = ct.transitions.iter().map(|t| t.action.to_string()).collect();
                let booleans: Vec<String> = ct.fields.iter()
                    .filter(|(_, f)| *f.kind == workflow::model::FieldType::Boolean)
                    .map(|(n, _)| n.to_string()).collect();
                let mut now = start();
                let mut case = snapshot(ct_name, ct.initial.as_str(), json!({}), now);
                for s in &steps {
                    now += Duration::hours(i64::from(s.hours));
                    let Some(action) = actions.get(s.action % actions.len().max(1)) else { break };
                    let who = Actor {
                        id: "u".into(),
                        roles: BTreeSet::from([roles[s.roles % roles.len()].clone()]),
                    };
                    let input: serde_json::Map<String, Value> = booleans.iter().enumerate()
                        .map(|(i, b)| (b.clone(), Value::Bool(s.flags & (1 << (i % 8)) != 0)))
                        .collect();
                    let input = Value::Object(input);
                    let req = ActionRequest { action, input: &input, comment: Some("c"), actor: &who, now };
                    let was_final = ct.is_final(&case.state);
                    let first = engine::decide(def, &cal, &case, &req, &NoChecks);
                    let again = engine::decide(def, &cal, &case, &req, &NoChecks);
                    prop_assert_eq!(&first, &again, "not deterministic");
                    if let Ok(Decision::Accepted(o)) = first {
                        prop_assert!(!was_final, "left final state {} by {}", case.state, action);
                        prop_assert!(ct.states.contains_key(o.to.as_str()), "undeclared state {}", o.to);
                        apply(&mut case, &o, now);
                    }
                }
            }
        }
    }
}
