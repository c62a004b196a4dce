use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity};

fn run(state: &str, recorded: u64) -> Vec<Finding> {
    let env = Envelope::for_test("sampling-disposal", "sampled-batch").with_state(state);
    let host = FakeHost::new().count_answer(batches_query(), recorded);
    let ctx = Context::new(&env, &host);
    let input = json!({"plan_id": "2026", "business": {"credit_code": "91330100X"}});
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
    assert_eq!(f[0].field, "/business/credit_code");
}

#[test]
fn the_sixth_batch_passes_with_a_warning() {
    let f = run("", 5);
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("last-batch", Severity::Warning)
    );
    // An existing case is already among the recorded ones.
    assert_eq!(run("received", 6)[0].code, "last-batch");
    assert!(run("", 2).is_empty());
}

#[test]
fn the_count_query_gets_plan_and_business() {
    let env = Envelope::for_test("sampling-disposal", "sampled-batch");
    let host = FakeHost::new().count_answer(batches_query(), 0);
    let ctx = Context::new(&env, &host);
    let input = json!({"plan_id": "P", "business": {"credit_code": "C"}});
    let _ = max_batches_per_business(&ctx, &input);
    assert_eq!(
        host.count_calls(),
        vec![(
            batches_query().to_string(),
            json!({"plan": "P", "business": "C"})
        )]
    );
}

fn complete_record() -> Value {
    json!({"sampling_record": {
        "sample_name": "鲜猪肉", "specification": "散装", "quantity": 2, "quantity_unit": "千克",
        "sampled_on": "2026-03-02", "sampling_site": "某农贸市场",
        "business": {"name": "某摊位", "address": "某路1号", "credit_code": "92330100X"},
        "business_signed": true, "batch_no": "20260301",
        "manufacturer": {"name": "某食品厂", "address": "某县"},
        "samplers": [{"name": "张三", "badge": "A1"}, {"name": "李四", "badge": "A2"}]
    }})
}

#[test]
fn a_complete_sampling_record_passes() {
    assert_eq!(sampling_record_complete(&complete_record()), vec![]);
}

#[test]
fn a_sampling_record_with_any_item_missing_is_refused() {
    let mut r = complete_record();
    if let Some(rec) = r.get_mut("sampling_record").and_then(Value::as_object_mut) {
        rec.remove("sampling_site");
        rec.insert("business_signed".into(), json!(false));
        rec.insert("samplers".into(), json!([{"name": "张三", "badge": "A1"}]));
        rec.remove("batch_no");
    }
    let codes: Vec<(String, String)> = sampling_record_complete(&r)
        .into_iter()
        .map(|f| (f.field, f.code))
        .collect();
    assert_eq!(
        codes,
        vec![
            (
                "/sampling_record/sampling_site".into(),
                "missing-item".into()
            ),
            (
                "/sampling_record/business_signed".into(),
                "missing-item".into()
            ),
            ("/sampling_record/batch_no".into(), "missing-item".into()),
            (
                "/sampling_record/samplers".into(),
                "too-few-samplers".into()
            ),
        ]
    );
}

#[test]
fn bulk_products_need_no_manufacturer() {
    let mut r = complete_record();
    if let Some(rec) = r.get_mut("sampling_record").and_then(Value::as_object_mut) {
        rec.remove("manufacturer");
        rec.remove("batch_no");
        rec.insert("bulk".into(), json!(true));
    }
    assert_eq!(sampling_record_complete(&r), vec![]);
}
