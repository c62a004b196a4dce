use super::*;
use crate::checks::testing::{at, check, check_with, errors};
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity};

fn run(state: &str, recorded: u64) -> Vec<Finding> {
    let env = Envelope::for_test("sampling-disposal", "sampled-batch")
        .with_state(state)
        .with_parent("plan-2026");
    let host = FakeHost::new().count_answer(batches_query(), recorded);
    let input = json!({"business_credit_code": "91330100MA0001"});
    check_with("max-batches-per-business", &env, &host, &input)
}

#[test]
fn a_seventh_batch_from_one_business_is_refused() {
    let f = run("", 6);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("too-many-batches", Severity::Error)
    );
    assert_eq!(f[0].field, "/business_credit_code");
}

#[test]
fn the_sixth_batch_passes_with_a_warning() {
    assert_eq!(run("", 5)[0].severity, Severity::Warning);
    // An existing case is already among the recorded ones.
    assert_eq!(run("sampled", 6)[0].code, "last-batch");
    assert!(run("", 2).is_empty());
}

#[test]
fn the_count_query_gets_the_plan_and_the_business() {
    let env = Envelope::for_test("sampling-disposal", "sampled-batch").with_parent("P");
    let host = FakeHost::new().count_answer(batches_query(), 0);
    let _ = check_with(
        "max-batches-per-business",
        &env,
        &host,
        &json!({"business_credit_code": "C"}),
    );
    assert_eq!(
        host.count_calls(),
        vec![(
            batches_query().to_string(),
            json!({"plan": "P", "business": "C"})
        )]
    );
}

/// 每批: with a sampling date the count is over the business's batches in that month's
/// round, so six in April leave May free.
#[test]
fn the_count_is_per_round_when_the_batch_has_a_date() {
    let env = Envelope::for_test("sampling-disposal", "sampled-batch").with_parent("P");
    let host = FakeHost::new().count_answer(round_query(), 6);
    let f = check_with(
        "max-batches-per-business",
        &env,
        &host,
        &json!({"business_credit_code": "C", "sampled_on": "2026-05-03"}),
    );
    assert_eq!(f[0].code, "too-many-batches");
    assert!(f[0].message_en.contains("the 2026-05 round"), "{f:?}");
    assert_eq!(
        host.count_calls(),
        vec![(
            round_query().to_string(),
            json!({"plan": "P", "business": "C", "month": "2026-05"})
        )]
    );
}

fn record() -> Value {
    json!({
        "product": "鲜猪肉", "category": "agricultural", "business_name": "某摊位",
        "business_credit_code": "92330100MA0001", "business_address": "某路1号",
        "business_format": "farmers-market", "advance_notice_given": false,
        "samplers": [{"person": "u1", "is_regulator": true}, {"person": "u2", "is_regulator": true}],
        "sampled_on": "2026-09-28", "market_office": "town-1"
    })
}

#[test]
fn a_complete_sampling_record_passes() {
    assert_eq!(
        check("sampling-record-complete", "sampled-batch", &record()),
        vec![]
    );
    assert_eq!(
        check("samplers-at-least-two", "sampled-batch", &record()),
        vec![]
    );
}

#[test]
fn a_sampling_record_with_any_item_missing_is_refused() {
    let mut r = record();
    if let Some(o) = r.as_object_mut() {
        o.remove("business_address");
        o.insert("market_office".into(), json!(" "));
    }
    let f = check("sampling-record-complete", "sampled-batch", &r);
    assert_eq!(
        at(&f),
        vec![
            ("/business_address", "missing-item"),
            ("/market_office", "missing-item")
        ]
    );
}

#[test]
fn a_sampling_record_cannot_be_dated_after_today() {
    let mut r = record();
    r["sampled_on"] = json!("2026-10-02");
    let f = check("sampling-record-complete", "sampled-batch", &r);
    assert_eq!(at(&f), vec![("/sampled_on", "date-in-future")]);
}

#[test]
fn sampling_needs_two_regulators() {
    let mut r = record();
    r["samplers"][1]["is_regulator"] = json!(false);
    let f = check("samplers-at-least-two", "sampled-batch", &r);
    assert_eq!(f[0].code, "too-few-regulators");
}

fn result(result: &str) -> Value {
    json!({
        "test_completed_at": "2026-09-30T08:00:00+08:00", "result": result,
        "failed_items": [{"item": "亚硝酸盐", "measured": "46 mg/kg", "limit": "≤30 mg/kg"}],
        "rechecked": true, "high_risk": true, "serious_hazard": false,
    })
}

#[test]
fn a_nonconforming_or_problem_result_is_recorded_only_once_rechecked() {
    for r in ["nonconforming", "problem"] {
        assert_eq!(
            check(
                "recheck-done-for-nonconforming",
                "sampled-batch",
                &result(r)
            ),
            vec![]
        );
        let mut unchecked = result(r);
        unchecked["rechecked"] = json!(false);
        let f = check(
            "recheck-done-for-nonconforming",
            "sampled-batch",
            &unchecked,
        );
        assert_eq!(at(&f), vec![("/rechecked", "not-rechecked")], "{r}");
        unchecked.as_object_mut().map(|o| o.remove("rechecked"));
        let f = check(
            "recheck-done-for-nonconforming",
            "sampled-batch",
            &unchecked,
        );
        assert_eq!(at(&f), vec![("/rechecked", "not-rechecked")], "{r}");
    }
}

#[test]
fn a_nonconforming_result_lists_its_failed_items() {
    let mut r = result("nonconforming");
    r["failed_items"] = json!([]);
    let f = check("recheck-done-for-nonconforming", "sampled-batch", &r);
    assert_eq!(at(&f), vec![("/failed_items", "no-failed-items")]);
}

#[test]
fn a_conforming_result_needs_no_recheck_and_lists_no_failed_items() {
    let conforming = json!({"result": "conforming", "failed_items": []});
    assert_eq!(
        check(
            "recheck-done-for-nonconforming",
            "sampled-batch",
            &conforming
        ),
        vec![]
    );
    let f = check(
        "recheck-done-for-nonconforming",
        "sampled-batch",
        &result("conforming"),
    );
    assert_eq!(
        at(&f),
        vec![("/failed_items", "conforming-with-failed-items")]
    );
}

fn upload(uploaded_at: &str) -> Value {
    json!({
        "test_completed_at": "2026-09-30T08:00:00+08:00", "report_no": "QHJC-2026-09-1187",
        "report_issued_on": "2026-09-30", "uploaded_at": uploaded_at,
    })
}

#[test]
fn a_report_uploaded_within_24_hours_with_its_number_and_date_passes() {
    let f = check(
        "report-upload-complete",
        "sampled-batch",
        &upload("2026-09-30T15:00:00+08:00"),
    );
    assert_eq!(f, vec![]);
}

#[test]
fn the_upload_names_the_report_number_and_date() {
    let mut u = upload("2026-09-30T15:00:00+08:00");
    u.as_object_mut().map(|o| o.remove("report_no"));
    u["report_issued_on"] = Value::Null;
    let f = check("report-upload-complete", "sampled-batch", &u);
    assert_eq!(
        at(&f),
        vec![
            ("/report_no", "missing-item"),
            ("/report_issued_on", "missing-item")
        ]
    );
}

#[test]
fn an_upload_later_than_24_hours_after_the_test_goes_ahead_with_a_warning() {
    let f = check(
        "report-upload-complete",
        "sampled-batch",
        &upload("2026-10-01T09:00:00+08:00"),
    );
    assert_eq!(at(&f), vec![("/uploaded_at", "uploaded-late")]);
    assert_eq!(errors(&f), Vec::<&str>::new());
    assert!(f[0].message_zh.contains("25.0 小时"), "{}", f[0].message_zh);
}

#[test]
fn an_upload_cannot_precede_the_test_or_today() {
    let f = check(
        "report-upload-complete",
        "sampled-batch",
        &upload("2026-09-30T07:00:00+08:00"),
    );
    assert_eq!(at(&f), vec![("/uploaded_at", "uploaded-before-test")]);
    let f = check(
        "report-upload-complete",
        "sampled-batch",
        &upload("2026-10-02T09:00:00+08:00"),
    );
    assert_eq!(errors(&f), vec!["date-in-future"]);
}

#[test]
fn a_report_dated_before_the_test_ended_is_pointed_out() {
    let mut u = upload("2026-09-30T15:00:00+08:00");
    u["report_issued_on"] = json!("2026-09-24");
    let f = check("report-upload-complete", "sampled-batch", &u);
    assert_eq!(
        at(&f),
        vec![("/report_issued_on", "report-dated-before-test")]
    );
    assert_eq!(f[0].severity, Severity::Warning);
}
