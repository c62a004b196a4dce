use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity};

fn run(state: &str, recorded: u64) -> Vec<Finding> {
    let env = Envelope::for_test("sampling-disposal", "sampled-batch")
        .with_state(state)
        .with_parent("plan-2026");
    let host = FakeHost::new().count_answer(batches_query(), recorded);
    let ctx = Context::new(&env, &host);
    let input = json!({"business_credit_code": "91330100MA0001"});
    max_batches_per_business(&ctx, &input).unwrap_or_else(|e| panic!("{e}"))
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
    let ctx = Context::new(&env, &host);
    let _ = max_batches_per_business(&ctx, &json!({"business_credit_code": "C"}));
    assert_eq!(
        host.count_calls(),
        vec![(
            batches_query().to_string(),
            json!({"plan": "P", "business": "C"})
        )]
    );
}

fn record() -> Value {
    json!({
        "product": "鲜猪肉", "category": "agricultural", "business_name": "某摊位",
        "business_credit_code": "92330100MA0001", "business_address": "某路1号",
        "business_format": "farmers-market", "advance_notice_given": false,
        "samplers": [{"person": "u1", "is_regulator": true}, {"person": "u2", "is_regulator": true}],
        "sampled_on": "2026-03-02", "market_office": "town-1"
    })
}

#[test]
fn a_complete_sampling_record_passes() {
    assert_eq!(sampling_record_complete(&record()), vec![]);
    assert_eq!(samplers_at_least_two(&record()), vec![]);
}

#[test]
fn a_sampling_record_with_any_item_missing_is_refused() {
    let mut r = record();
    if let Some(o) = r.as_object_mut() {
        o.remove("business_address");
        o.insert("market_office".into(), json!(" "));
    }
    let fields: Vec<String> = sampling_record_complete(&r)
        .into_iter()
        .map(|f| f.field)
        .collect();
    assert_eq!(fields, vec!["/business_address", "/market_office"]);
}

#[test]
fn sampling_needs_two_regulators() {
    let mut r = record();
    r["samplers"][1]["is_regulator"] = json!(false);
    assert_eq!(samplers_at_least_two(&r)[0].code, "too-few-regulators");
}

#[test]
fn a_high_risk_disposal_started_after_24_hours_is_recorded_as_late() {
    // Envelope::for_test's now is 2026-10-01T10:00+08:00.
    let env = Envelope::for_test("sampling-disposal", "nonconforming-sample");
    let host = FakeHost::new();
    let ctx = Context::new(&env, &host);
    let late = json!({"high_risk": true, "notice_received_at": "2026-09-30T09:00:00+08:00"});
    assert_eq!(start_disposal(&ctx, &late)[0].code, "started-late");
    let on_time = json!({"high_risk": true, "notice_received_at": "2026-09-30T10:30:00+08:00"});
    assert!(start_disposal(&ctx, &on_time).is_empty());
    let not_urgent = json!({"high_risk": false, "notice_received_at": "2026-09-01T10:30:00+08:00"});
    assert!(start_disposal(&ctx, &not_urgent).is_empty());
}
