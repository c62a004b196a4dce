use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity, json};

fn codes(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.code.as_str()).collect()
}

fn with_ctx<T>(case_type: &str, f: impl FnOnce(&Context<'_>) -> T) -> T {
    // now = 2026-10-01T10:00+08:00
    let env = Envelope::for_test("special-family-care", case_type).with_state("planned");
    let host = FakeHost::new();
    f(&Context::new(&env, &host))
}

fn visit() -> Value {
    json!({
        "kind": "mid-autumn", "due_on": "2026-09-25", "planned_on": "2026-09-25",
        "visited_on": "2026-09-24", "method": "home-visit", "visitors": [{"person": "leader-1"}],
        "services": ["spiritual-comfort", "condolence-money"], "condolence_amount": 500,
        "health_observation": "身体尚可", "mental_state": "情绪稳定", "needs": "无"
    })
}

#[test]
fn a_complete_visit_record_passes() {
    assert_eq!(
        with_ctx("visit", |c| visit_record_complete(c, &visit())),
        vec![]
    );
}

#[test]
fn a_visit_records_how_the_family_is_in_body_and_mind_and_what_they_need() {
    let mut v = visit();
    v["mental_state"] = json!("");
    v.as_object_mut().map(|o| o.remove("needs"));
    let f = with_ctx("visit", |c| visit_record_complete(c, &v));
    let fields: Vec<&str> = f.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, vec!["/mental_state", "/needs"]);
    assert!(f.iter().all(|f| !f.message_zh.contains("情绪")));
}

#[test]
fn condolence_money_needs_its_amount() {
    let mut v = visit();
    v["condolence_amount"] = json!(0);
    assert_eq!(
        codes(&with_ctx("visit", |c| visit_record_complete(c, &v))),
        vec!["no-amount"]
    );
}

#[test]
fn a_holiday_visit_after_the_festival_is_warned_about() {
    let mut v = visit();
    v["visited_on"] = json!("2026-09-28");
    let f = with_ctx("visit", |c| visit_record_complete(c, &v));
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("holiday-visit-late", Severity::Warning)
    );
    // A regular visit has no festival to be late for.
    v["kind"] = json!("regular");
    assert_eq!(with_ctx("visit", |c| visit_record_complete(c, &v)), vec![]);
}

#[test]
fn a_visit_cannot_be_recorded_before_it_happens() {
    let mut v = visit();
    v["kind"] = json!("regular");
    v["visited_on"] = json!("2026-10-02");
    v["visitors"] = json!([{"person": ""}]);
    let f = with_ctx("visit", |c| visit_record_complete(c, &v));
    assert_eq!(codes(&f), vec!["missing-item", "date-in-future"]);
    assert_eq!(f[0].field, "/visitors/0/person");
}

#[test]
fn the_health_record_is_updated_after_the_check() {
    let ok = json!({"exam_date": "2026-09-10", "results": "正常", "health_record_updated": true});
    assert_eq!(health_record_updated(&ok), vec![]);
    let not = json!({"exam_date": "2026-09-10", "results": "正常", "health_record_updated": false});
    assert_eq!(
        codes(&health_record_updated(&not)),
        vec!["record-not-updated"]
    );
}

#[test]
fn an_abnormal_finding_needs_a_follow_up() {
    let v = json!({"exam_date": "2026-09-10", "results": "血压偏高", "abnormal_findings": "血压",
                   "health_record_updated": true});
    let f = health_record_updated(&v);
    assert_eq!(
        (f[0].field.as_str(), f[0].code.as_str()),
        ("/follow_up", "no-follow-up")
    );
}

fn assessment() -> Value {
    json!({"consent_on": "2026-09-01", "assessor": "县心理咨询中心", "assessed_on": "2026-09-15",
           "result": "轻度焦虑", "risk_level": "medium"})
}

#[test]
fn an_assessment_is_recorded_only_with_consent_on_file() {
    assert_eq!(
        with_ctx("psych-assessment", |c| consent_on_file(c, &assessment())),
        vec![]
    );
    let mut v = assessment();
    v["consent_on"] = json!(null);
    let f = with_ctx("psych-assessment", |c| consent_on_file(c, &v));
    assert_eq!(
        (f[0].field.as_str(), f[0].code.as_str()),
        ("/consent_on", "no-consent")
    );
}

#[test]
fn an_assessment_before_consent_was_given_is_refused() {
    let mut v = assessment();
    v["assessed_on"] = json!("2026-08-30");
    assert_eq!(
        codes(&with_ctx("psych-assessment", |c| consent_on_file(c, &v))),
        vec!["assessed-before-consent"]
    );
}

#[test]
fn emergency_aid_records_its_kinds_and_the_amount_of_money_given() {
    let ok = json!({"aid_given": ["medical", "financial"], "aid_amount": 2000, "aid_note": "送医并发放救助金"});
    assert_eq!(aid_record_complete(&ok), vec![]);
    let no_amount = json!({"aid_given": ["financial"], "aid_note": "x"});
    assert_eq!(codes(&aid_record_complete(&no_amount)), vec!["no-amount"]);
    let empty = json!({"aid_given": []});
    let fields: Vec<String> = aid_record_complete(&empty)
        .into_iter()
        .map(|f| f.field)
        .collect();
    assert_eq!(fields, vec!["/aid_given", "/aid_note"]);
    let living = json!({"aid_given": ["living"], "aid_note": "送米送油"});
    assert_eq!(aid_record_complete(&living), vec![]);
}

#[test]
fn new_families_found_by_screening_are_named_as_registered() {
    let none = json!({"households_checked": 120, "new_families": 0});
    assert_eq!(new_families_registered(&none), vec![]);
    let found = json!({"households_checked": 120, "new_families": 2});
    assert_eq!(
        codes(&new_families_registered(&found)),
        vec!["new-families-unnamed"]
    );
    let named = json!({"households_checked": 120, "new_families": 2, "note": "已建档 NX-000031、NX-000032"});
    assert_eq!(new_families_registered(&named), vec![]);
    let odd = json!({"households_checked": 1, "new_families": 2, "note": "x"});
    assert_eq!(
        codes(&new_families_registered(&odd)),
        vec!["more-than-checked"]
    );
}
