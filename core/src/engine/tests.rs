//! Engine scenarios on a small definition shaped like the sampling-disposal rules.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use serde_json::{Value, json};

use super::*;
use crate::calendar::{Calendar, Span};
use crate::workflow::Definition;

const WORKFLOW: &str = r#"
programme: demo
version: 1
title: { zh: 演示, en: Demo }
plugin: demo
roles:
  inspector: { zh: 核查人员, en: Inspector }
  lead: { zh: 负责人, en: Lead }
case_types:
  sample:
    title: { zh: 不合格样品, en: Non-conforming sample }
    number: "CJ-{year}-{seq:6}"
    initial: received
    create: { roles: [inspector] }
    fields:
      high_risk: { type: boolean }
      report_issued_on: { type: date }
      resumed: { type: boolean }
      reinspection_passed: { type: boolean }
      hazards:
        type: list
        fields: { what: { type: text } }
      closed_by: { type: text }
    deadlines:
      - id: complete
        within: { natural_days: 90 }
        from: created
        until: [closed]
        suspend_on: [start-retest]
        resume_on: [finish-retest]
        extend_on: [{ action: extend, by: { working_days: 5 } }]
      - id: publish
        within: { working_days: 10 }
        from: data.report_issued_on
        opens: on_effect
        until: [closed]
    states:
      received:
        deadlines:
          - id: start
            within: { hours: 24 }
            when: "data.high_risk == true"
            on_breach: { notify: [lead] }
      started: {}
      retest: {}
      closed: { final: true }
    transitions:
      - action: start
        from: [received]
        to: started
        roles: [inspector]
        checks: [complete-record]
        effects:
          - spawn: { case_type: hazard, for_each: hazards, data: { what: "item.what" } }
          - notify: { roles: [lead], message: { zh: 已启动, en: Started } }
      - action: record-report
        from: [started]
        to: started
        roles: [inspector]
        effects: [{ open_deadline: publish }]
      - { action: extend, from: [started], to: started, roles: [lead], comment_required: true }
      - { action: start-retest, from: [started], to: retest, roles: [inspector] }
      - { action: finish-retest, from: [retest], to: started, roles: [inspector] }
      - action: close
        from: [started]
        to: closed
        roles: [inspector]
        guard: "data.resumed != true || data.reinspection_passed == true"
        effects: [{ set: { closed_by: "actor.id" } }]
  hazard:
    title: { zh: 隐患, en: Hazard }
    parent: sample
    number: "YH-{year}-{seq:5}"
    initial: open
    fields: { what: { type: text } }
    states:
      open: {}
      done: { final: true }
    transitions:
      - { action: fix, from: [open], to: done, roles: [inspector] }
"#;

fn def() -> Definition {
    Definition::from_text(Path::new("demo/workflow.yaml"), WORKFLOW).expect("valid definition")
}

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Shanghai
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("valid time")
        .with_timezone(&Utc)
}

fn actor(roles: &[&str]) -> Actor {
    Actor {
        id: "u1".into(),
        roles: roles.iter().map(|r| r.to_string()).collect::<BTreeSet<_>>(),
    }
}

fn accepted(d: Decision) -> Outcome {
    match d {
        Decision::Accepted(o) => *o,
        Decision::Refused { reasons } => panic!("refused: {reasons:?}"),
    }
}

fn refused(d: Decision) -> Vec<String> {
    match d {
        Decision::Refused { reasons } => reasons.into_iter().map(|r| r.code).collect(),
        Decision::Accepted(o) => panic!("accepted: {o:?}"),
    }
}

/// Open a case at `now` and return it as the store would hold it.
fn open_case(def: &Definition, cal: &Calendar, data: Value, now: DateTime<Utc>) -> CaseSnapshot {
    let inspector = actor(&["inspector"]);
    let new = NewCase {
        case_type: "sample",
        input: &data,
        parent: None,
        parent_id: None,
        actor: &inspector,
        now,
    };
    let o = accepted(create(def, cal, &new, &NoChecks).expect("decides"));
    let mut case = CaseSnapshot {
        id: "c1".into(),
        number: "CJ-2026-000001".into(),
        case_type: "sample".into(),
        state: o.to.clone(),
        data: o.data.clone(),
        org_unit: "county".into(),
        created_at: now,
        state_entered_at: now,
        deadlines: Vec::new(),
        parent: None,
        parent_id: None,
    };
    apply(&mut case, &o, now);
    case
}

/// What the store does with an outcome, reduced to the snapshot.
fn apply(case: &mut CaseSnapshot, o: &Outcome, now: DateTime<Utc>) {
    case.state = o.to.clone();
    case.data = o.data.clone();
    for change in &o.deadlines {
        match change {
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

fn take(
    def: &Definition,
    cal: &Calendar,
    case: &CaseSnapshot,
    action: &str,
    input: Value,
    who: &Actor,
    now: DateTime<Utc>,
) -> Decision {
    let req = ActionRequest {
        action,
        input: &input,
        comment: Some("ok"),
        actor: who,
        now,
    };
    decide(def, cal, case, &req, &NoChecks).expect("decides")
}

fn due(case: &CaseSnapshot, id: &str) -> DateTime<Utc> {
    case.deadlines
        .iter()
        .find(|d| d.id == id)
        .expect("deadline open")
        .due
}

#[test]
fn a_high_risk_notice_opens_the_statutory_clocks() {
    let (def, cal) = (def(), Calendar::builtin());
    let received = at(2026, 9, 30, 10);
    let case = open_case(&def, &cal, json!({"high_risk": true}), received);
    assert_eq!(due(&case, "start"), at(2026, 10, 1, 10));
    assert_eq!(due(&case, "complete"), at(2026, 12, 29, 10));
    let low = open_case(&def, &cal, json!({"high_risk": false}), received);
    assert!(low.deadlines.iter().all(|d| d.id != "start"));
}

#[test]
fn publication_counts_working_days_across_national_day() {
    let (def, cal) = (def(), Calendar::builtin());
    let now = at(2026, 9, 30, 10);
    let mut case = open_case(&def, &cal, json!({}), now);
    let o = accepted(take(
        &def,
        &cal,
        &case,
        "start",
        json!({}),
        &actor(&["inspector"]),
        now,
    ));
    apply(&mut case, &o, now);
    let o = accepted(take(
        &def,
        &cal,
        &case,
        "record-report",
        json!({"report_issued_on": "2026-09-30"}),
        &actor(&["inspector"]),
        now,
    ));
    apply(&mut case, &o, now);
    let publish = due(&case, "publish");
    assert_eq!(
        publish.with_timezone(&Shanghai).date_naive().to_string(),
        "2026-10-20"
    );
}

#[test]
fn refusals_name_every_reason() {
    let (def, cal) = (def(), Calendar::builtin());
    let now = at(2026, 3, 2, 9);
    let case = open_case(&def, &cal, json!({}), now);
    let codes = refused(take(
        &def,
        &cal,
        &case,
        "start",
        json!({"nope": 1, "high_risk": "yes"}),
        &actor(&["lead"]),
        now,
    ));
    assert_eq!(codes, ["role_missing", "invalid_field", "unknown_field"]);
    assert_eq!(
        refused(take(
            &def,
            &cal,
            &case,
            "close",
            json!({}),
            &actor(&["inspector"]),
            now
        )),
        ["wrong_state"]
    );
    assert_eq!(
        refused(take(
            &def,
            &cal,
            &case,
            "fly",
            json!({}),
            &actor(&["inspector"]),
            now
        )),
        ["unknown_action"]
    );
}

#[test]
fn the_guard_keeps_production_from_resuming_before_a_passed_reinspection() {
    let (def, cal) = (def(), Calendar::builtin());
    let now = at(2026, 3, 2, 9);
    let inspector = actor(&["inspector"]);
    let mut case = open_case(&def, &cal, json!({}), now);
    let o = accepted(take(&def, &cal, &case, "start", json!({}), &inspector, now));
    apply(&mut case, &o, now);
    let codes = refused(take(
        &def,
        &cal,
        &case,
        "close",
        json!({"resumed": true}),
        &inspector,
        now,
    ));
    assert_eq!(codes, ["guard_false"]);
    let o = accepted(take(
        &def,
        &cal,
        &case,
        "close",
        json!({"resumed": true, "reinspection_passed": true}),
        &inspector,
        now,
    ));
    assert_eq!(o.data["closed_by"], json!("u1"));
    assert!(o.deadlines.contains(&DeadlineChange::Met {
        id: "complete".into(),
        late: false
    }));
    apply(&mut case, &o, now);
    assert_eq!(
        refused(take(&def, &cal, &case, "close", json!({}), &inspector, now)),
        ["final_state"]
    );
}

#[test]
fn a_false_guard_says_its_message_instead_of_the_expression() {
    let cal = Calendar::builtin();
    let now = at(2026, 3, 2, 9);
    let inspector = actor(&["inspector"]);
    let reason = |def: &Definition| {
        let mut case = open_case(def, &cal, json!({}), now);
        let o = accepted(take(def, &cal, &case, "start", json!({}), &inspector, now));
        apply(&mut case, &o, now);
        match take(
            def,
            &cal,
            &case,
            "close",
            json!({"resumed": true}),
            &inspector,
            now,
        ) {
            Decision::Refused { reasons } => reasons[0].clone(),
            Decision::Accepted(o) => panic!("accepted: {o:?}"),
        }
    };
    let raw = reason(&def());
    assert_eq!(
        raw.message.en,
        "the condition does not hold: data.resumed != true || data.reinspection_passed == true"
    );
    let text = WORKFLOW.replace(
        "        guard: \"data.resumed != true || data.reinspection_passed == true\"\n",
        "        guard: \"data.resumed != true || data.reinspection_passed == true\"\n        guard_message: { zh: 复查合格后才能恢复生产, en: Production resumes only after a passed re-inspection }\n",
    );
    let with_message =
        Definition::from_text(Path::new("demo/workflow.yaml"), &text).expect("valid");
    let told = reason(&with_message);
    assert_eq!(told.code, "guard_false");
    assert_eq!(
        (told.message.zh.as_str(), told.message.en.as_str()),
        (
            "复查合格后才能恢复生产",
            "Production resumes only after a passed re-inspection"
        )
    );
}

#[test]
fn a_retest_pauses_the_clock_and_resuming_keeps_the_time_left() {
    let (def, cal) = (def(), Calendar::builtin());
    let inspector = actor(&["inspector"]);
    let t0 = at(2026, 3, 2, 9);
    let mut case = open_case(&def, &cal, json!({}), t0);
    let o = accepted(take(&def, &cal, &case, "start", json!({}), &inspector, t0));
    apply(&mut case, &o, t0);
    let before = due(&case, "complete");
    let t1 = at(2026, 3, 12, 9);
    let o = accepted(take(
        &def,
        &cal,
        &case,
        "start-retest",
        json!({}),
        &inspector,
        t1,
    ));
    apply(&mut case, &o, t1);
    let t2 = at(2026, 3, 22, 9);
    let o = accepted(take(
        &def,
        &cal,
        &case,
        "finish-retest",
        json!({}),
        &inspector,
        t2,
    ));
    apply(&mut case, &o, t2);
    assert_eq!(due(&case, "complete"), before + (t2 - t1));
}

#[test]
fn an_extension_needs_a_comment_and_adds_working_days() {
    let (def, cal) = (def(), Calendar::builtin());
    let now = at(2026, 3, 2, 9);
    let mut case = open_case(&def, &cal, json!({}), now);
    let o = accepted(take(
        &def,
        &cal,
        &case,
        "start",
        json!({}),
        &actor(&["inspector"]),
        now,
    ));
    apply(&mut case, &o, now);
    let req = ActionRequest {
        action: "extend",
        input: &json!({}),
        comment: None,
        actor: &actor(&["lead"]),
        now,
    };
    assert_eq!(
        refused(decide(&def, &cal, &case, &req, &NoChecks).expect("decides")),
        ["comment_required"]
    );
    let o = accepted(take(
        &def,
        &cal,
        &case,
        "extend",
        json!({}),
        &actor(&["lead"]),
        now,
    ));
    assert!(matches!(
        &o.deadlines[..],
        [DeadlineChange::Extended {
            by: Span::WorkingDays(5),
            ..
        }]
    ));
}

#[test]
fn spawn_opens_one_child_per_row_and_notifies() {
    let (def, cal) = (def(), Calendar::builtin());
    let now = at(2026, 3, 2, 9);
    let case = open_case(&def, &cal, json!({}), now);
    let input = json!({"hazards": [{"what": "exit blocked"}, {"what": "no sprinkler"}]});
    let o = accepted(take(
        &def,
        &cal,
        &case,
        "start",
        input,
        &actor(&["inspector"]),
        now,
    ));
    let whats: Vec<_> = o.children.iter().map(|c| c.data["what"].clone()).collect();
    assert_eq!(whats, [json!("exit blocked"), json!("no sprinkler")]);
    assert_eq!(o.notifications[0].roles, ["lead"]);
}

#[test]
fn plugin_findings_refuse_and_failures_block_or_warn() {
    let (def, cal) = (def(), Calendar::builtin());
    let now = at(2026, 3, 2, 9);
    let case = open_case(&def, &cal, json!({}), now);
    let inspector = actor(&["inspector"]);
    let req = ActionRequest {
        action: "start",
        input: &json!({}),
        comment: None,
        actor: &inspector,
        now,
    };
    let finding = |_: &CheckRequest<'_>| {
        Ok(CheckResult {
            findings: vec![Finding {
                field: "/sampling/place".into(),
                code: "missing".into(),
                message: I18n {
                    zh: "缺少采样地点".into(),
                    en: "sampling place missing".into(),
                },
                severity: Severity::Error,
            }],
            provenance: None,
        })
    };
    let d = decide(&def, &cal, &case, &req, &finding).expect("decides");
    assert_eq!(refused(d), ["missing"]);
    let fail = |blocking: bool| {
        move |r: &CheckRequest<'_>| -> Result<CheckResult, PluginFailure> {
            Err(PluginFailure {
                plugin: r.plugin.into(),
                check: r.check.into(),
                reason: "trapped".into(),
                blocking,
            })
        }
    };
    assert!(matches!(
        decide(&def, &cal, &case, &req, &fail(true)),
        Err(EngineError::Plugin(_))
    ));
    let o = accepted(decide(&def, &cal, &case, &req, &fail(false)).expect("decides"));
    assert_eq!(o.warnings[0].code, "plugin_failed");
}

#[test]
fn available_actions_follow_state_and_roles() {
    let (def, cal) = (def(), Calendar::builtin());
    let now = at(2026, 3, 2, 9);
    let case = open_case(&def, &cal, json!({}), now);
    let names = |who: &Actor| -> Vec<String> {
        available_actions(&def, &case, who, now)
            .into_iter()
            .map(|a| a.action)
            .collect()
    };
    assert_eq!(names(&actor(&["inspector"])), ["start"]);
    assert!(names(&actor(&["lead"])).is_empty());
}

#[test]
fn breach_escalation_comes_from_the_definition() {
    let def = def();
    let ct = def.programme.case_type("sample").expect("case type");
    let b = breach(ct, "start").expect("declared");
    assert_eq!(b.notify, ["lead"]);
    assert_eq!(b.transition, None);
}

use crate::workflow::model::I18n;
