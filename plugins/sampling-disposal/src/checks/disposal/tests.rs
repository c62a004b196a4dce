use super::*;
use crate::checks::testing::{at, check, check_with, errors};
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity, json};

const CT: &str = "nonconforming-sample";

/// A provincial notice, as the inspector records it by hand.
fn notice() -> Value {
    json!({
        "sample_no": "GC26430000001230417", "product": "散装白酒（高粱酒）",
        "business_name": "清河县桃源酒坊", "business_role": "producer",
        "notice_no": "湘市监食检不合〔2026〕118号", "notice_received_at": "2026-09-30T10:00:00+08:00",
        "report_no": "QHJC-2026-09-1187", "report_issued_on": "2026-09-30",
        "high_risk": false, "serious_hazard": false,
        "failed_items": [{"item": "甲醇", "measured": "0.92 g/L", "limit": "≤0.6 g/L"}],
    })
}

/// What `open-disposal` spawns from a reported batch at its leanest: no notice number
/// (a batch opened before the form required it), no role (the form leaves it optional).
fn spawned() -> Value {
    let mut n = notice();
    if let Some(o) = n.as_object_mut() {
        o.remove("notice_no");
        o.remove("business_role");
    }
    n
}

fn spawn_env() -> Envelope {
    let mut env = Envelope::for_test("sampling-disposal", CT).with_parent("batch-1");
    env.actor_roles = vec!["system".into()];
    env.action = Some("create".into());
    env
}

#[test]
fn a_notice_opened_by_hand_names_its_number_product_business_and_report() {
    assert_eq!(check("notice-record-complete", CT, &notice()), vec![]);
    let mut n = notice();
    for k in ["notice_no", "product", "report_issued_on"] {
        n.as_object_mut().map(|o| o.remove(k));
    }
    n["business_name"] = json!(" ");
    let f = check("notice-record-complete", CT, &n);
    assert_eq!(
        at(&f),
        vec![
            ("/notice_no", "missing-item"),
            ("/product", "missing-item"),
            ("/business_name", "missing-item"),
            ("/report_issued_on", "missing-item"),
        ]
    );
}

#[test]
fn a_notice_spawned_from_a_local_batch_is_known_by_its_sample_number() {
    let f = check_with(
        "notice-record-complete",
        &spawn_env(),
        &FakeHost::new(),
        &spawned(),
    );
    assert_eq!(f, vec![]);
    let mut gap = spawned();
    gap.as_object_mut().map(|o| o.remove("report_issued_on"));
    let f = check_with(
        "notice-record-complete",
        &spawn_env(),
        &FakeHost::new(),
        &gap,
    );
    assert_eq!(at(&f), vec![("/report_issued_on", "missing-item")]);
}

#[test]
fn a_notice_dated_before_its_report_is_pointed_out() {
    let mut n = notice();
    n["report_issued_on"] = json!("2026-10-02");
    let f = check("notice-record-complete", CT, &n);
    assert_eq!(
        at(&f),
        vec![("/notice_received_at", "notice-before-report")]
    );
    assert_eq!(f[0].severity, Severity::Warning);
}

#[test]
fn a_high_risk_disposal_started_after_24_hours_is_recorded_as_late() {
    // Envelope::for_test's now is 2026-10-01T10:00+08:00.
    let late = json!({"high_risk": true, "notice_received_at": "2026-09-30T09:00:00+08:00"});
    let f = check("start-disposal", CT, &late);
    assert_eq!(at(&f), vec![("/notice_received_at", "started-late")]);
    assert_eq!(f[0].severity, Severity::Warning);
    let on_time = json!({"high_risk": true, "notice_received_at": "2026-09-30T10:30:00+08:00"});
    assert!(check("start-disposal", CT, &on_time).is_empty());
    let not_urgent = json!({"high_risk": false, "notice_received_at": "2026-09-01T10:30:00+08:00"});
    assert!(check("start-disposal", CT, &not_urgent).is_empty());
    let serious =
        json!({"serious_hazard": true, "notice_received_at": "2026-09-29T10:30:00+08:00"});
    assert_eq!(
        check("start-disposal", CT, &serious)[0].code,
        "started-late"
    );
}

#[test]
fn product_control_takes_a_measure_and_counts_the_quantity() {
    let ok = json!({"control_measures": ["seal", "recall"], "controlled_quantity": 0});
    assert_eq!(check("product-control-complete", CT, &ok), vec![]);
    let f = check(
        "product-control-complete",
        CT,
        &json!({"control_measures": []}),
    );
    assert_eq!(
        at(&f),
        vec![
            ("/control_measures", "no-control-measure"),
            ("/controlled_quantity", "no-quantity")
        ]
    );
}

#[test]
fn an_objection_names_its_date_and_retest_lab_after_the_notice() {
    let ok = json!({"objection_received_on": "2026-09-30", "retest_lab": "湖南省食品质量监督检验研究院",
                    "notice_received_at": "2026-09-30T10:00:00+08:00"});
    assert_eq!(check("objection-record-complete", CT, &ok), vec![]);
    let f = check(
        "objection-record-complete",
        CT,
        &json!({"objection_received_on": "2026-10-02"}),
    );
    assert_eq!(
        at(&f),
        vec![
            ("/retest_lab", "missing-item"),
            ("/objection_received_on", "date-in-future")
        ]
    );
    let mut early = ok.clone();
    early["objection_received_on"] = json!("2026-09-29");
    let f = check("objection-record-complete", CT, &early);
    assert_eq!(
        at(&f),
        vec![("/objection_received_on", "date-out-of-order")]
    );
}

#[test]
fn the_cause_is_found_and_explained_when_other() {
    let ok = json!({"cause": "raw-material"});
    assert_eq!(check("cause-investigation-complete", CT, &ok), vec![]);
    let f = check(
        "cause-investigation-complete",
        CT,
        &json!({"cause": "other", "cause_note": ""}),
    );
    assert_eq!(at(&f), vec![("/cause_note", "cause-note-required")]);
    let explained = json!({"cause": "other", "cause_note": "冷链断链"});
    assert_eq!(
        check("cause-investigation-complete", CT, &explained),
        vec![]
    );
    let f = check("cause-investigation-complete", CT, &json!({}));
    assert_eq!(at(&f), vec![("/cause", "missing-item")]);
}

#[test]
fn deliberate_adulteration_reminds_of_the_transfer_to_the_police() {
    let f = check(
        "cause-investigation-complete",
        CT,
        &json!({"cause": "deliberate-adulteration"}),
    );
    assert_eq!(at(&f), vec![("/cause", "suspected-crime")]);
    assert_eq!(f[0].severity, Severity::Warning);
}

#[test]
fn a_penalty_names_its_decision_and_kinds_and_a_fine_its_amount() {
    let ok = json!({"penalty_decision_no": "清市监罚〔2026〕56号", "penalty_kinds": ["warning", "fine"],
                    "penalty_amount": 50000});
    assert_eq!(check("penalty-record-complete", CT, &ok), vec![]);
    let warning_only =
        json!({"penalty_decision_no": "清市监罚〔2026〕57号", "penalty_kinds": ["warning"]});
    assert_eq!(check("penalty-record-complete", CT, &warning_only), vec![]);
    let f = check(
        "penalty-record-complete",
        CT,
        &json!({"penalty_kinds": ["fine"], "penalty_amount": 0}),
    );
    assert_eq!(
        at(&f),
        vec![
            ("/penalty_decision_no", "missing-item"),
            ("/penalty_amount", "fine-without-amount")
        ]
    );
    let f = check(
        "penalty-record-complete",
        CT,
        &json!({"penalty_decision_no": "x", "penalty_kinds": []}),
    );
    assert_eq!(at(&f), vec![("/penalty_kinds", "missing-item")]);
}

#[test]
fn no_penalty_cannot_be_combined_with_a_penalty() {
    let both = json!({"penalty_decision_no": "清市监不罚〔2026〕3号", "penalty_kinds": ["exempted", "warning"]});
    let f = check("penalty-record-complete", CT, &both);
    assert_eq!(at(&f), vec![("/penalty_kinds", "exempted-with-penalty")]);
}

fn reinspection(result: &str, on: &str) -> Value {
    json!({"reinspected_on": on, "reinspection_result": result, "business_role": "producer",
           "disposal_started_at": "2026-09-30T07:00:00Z"})
}

#[test]
fn a_reinspection_is_dated_on_or_after_the_start_of_disposal() {
    let ok = reinspection("passed", "2026-09-30");
    assert_eq!(check("reinspection-record-complete", CT, &ok), vec![]);
    let f = check(
        "reinspection-record-complete",
        CT,
        &reinspection("passed", "2026-09-29"),
    );
    assert_eq!(at(&f), vec![("/reinspected_on", "date-out-of-order")]);
    // The shipped demo records a re-inspection dated after the action recording it.
    let ahead = reinspection("passed", "2026-10-02");
    assert_eq!(check("reinspection-record-complete", CT, &ahead), vec![]);
    let f = check("reinspection-record-complete", CT, &json!({}));
    assert_eq!(errors(&f), vec!["missing-item", "missing-item"]);
}

#[test]
fn a_producer_still_failing_at_reinspection_is_told_production_stays_stopped() {
    let f = check(
        "reinspection-record-complete",
        CT,
        &reinspection("failed", "2026-10-01"),
    );
    assert_eq!(
        at(&f),
        vec![("/reinspection_result", "production-stays-stopped")]
    );
    assert_eq!(f[0].severity, Severity::Warning);
    let mut seller = reinspection("failed", "2026-10-01");
    seller["business_role"] = json!("distributor");
    assert_eq!(check("reinspection-record-complete", CT, &seller), vec![]);
}

fn resumption(result: Option<&str>, role: &str) -> Value {
    json!({"business_role": role, "reinspection_result": result, "reinspected_on": "2026-09-30",
           "production_resumed_on": "2026-10-01"})
}

#[test]
fn a_producer_resumes_production_only_after_a_passed_reinspection() {
    let ok = resumption(Some("passed"), "producer");
    assert_eq!(check("production-resumption-allowed", CT, &ok), vec![]);
    let f = check(
        "production-resumption-allowed",
        CT,
        &resumption(Some("failed"), "producer"),
    );
    assert_eq!(
        at(&f),
        vec![("/reinspection_result", "reinspection-failed")]
    );
    let f = check(
        "production-resumption-allowed",
        CT,
        &resumption(None, "producer"),
    );
    assert_eq!(at(&f), vec![("/reinspection_result", "not-reinspected")]);
}

#[test]
fn only_a_producer_resumes_production() {
    let f = check(
        "production-resumption-allowed",
        CT,
        &resumption(Some("passed"), "caterer"),
    );
    assert_eq!(at(&f), vec![("/business_role", "not-a-producer")]);
}

#[test]
fn production_resumes_on_or_after_the_reinspection() {
    let mut early = resumption(Some("passed"), "producer");
    early["production_resumed_on"] = json!("2026-09-29");
    let f = check("production-resumption-allowed", CT, &early);
    assert_eq!(
        at(&f),
        vec![("/production_resumed_on", "date-out-of-order")]
    );
    let same_day = resumption(Some("passed"), "producer");
    assert_eq!(
        check("production-resumption-allowed", CT, &same_day),
        vec![]
    );
}
