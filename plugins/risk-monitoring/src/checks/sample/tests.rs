use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity};

fn ctx_run<T>(
    case_type: &str,
    state: &str,
    host: &FakeHost,
    f: impl FnOnce(&Context<'_>) -> T,
) -> T {
    let env = Envelope::for_test("risk-monitoring", case_type)
        .with_state(state)
        .with_parent("plan-2026");
    f(&Context::new(&env, host))
}

fn codes(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.code.as_str()).collect()
}

fn record() -> Value {
    json!({
        "food_name": "大米", "sampling_point": "县城农贸市场", "sampling_area": "town-1",
        "sampling_record": {
            "sampled_at": "2026-09-30T09:30:00+08:00", "place_kind": "distribution",
            "business_name": "某粮油店", "packaging": "prepacked", "batch_no": "20260901",
            "produced_on": "2026-09-01", "quantity": "2袋×1kg", "storage": "常温",
            "samplers": "张三、李四"
        }
    })
}

#[test]
fn a_complete_sampling_record_passes() {
    let f = ctx_run("monitoring-sample", "planned", &FakeHost::new(), |c| {
        sampling_record_complete(c, &record())
    });
    assert_eq!(f, vec![]);
}

#[test]
fn a_sampling_record_with_any_item_missing_is_refused_item_by_item() {
    let mut r = record();
    r["sampling_record"]["storage"] = json!("");
    r["sampling_record"]
        .as_object_mut()
        .map(|o| o.remove("batch_no"));
    r.as_object_mut().map(|o| o.remove("sampling_area"));
    let f = ctx_run("monitoring-sample", "planned", &FakeHost::new(), |c| {
        sampling_record_complete(c, &r)
    });
    let fields: Vec<&str> = f.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "/sampling_area",
            "/sampling_record/storage",
            "/sampling_record/batch_no"
        ]
    );
    assert!(f.iter().all(|f| f.is_error() && f.code == "missing-item"));
}

#[test]
fn bulk_food_needs_no_batch_number_or_production_date() {
    let mut r = record();
    if let Some(o) = r["sampling_record"].as_object_mut() {
        o.insert("packaging".into(), json!("bulk"));
        o.remove("batch_no");
        o.remove("produced_on");
    }
    let f = ctx_run("monitoring-sample", "planned", &FakeHost::new(), |c| {
        sampling_record_complete(c, &r)
    });
    assert_eq!(f, vec![]);
}

#[test]
fn a_sampling_record_without_its_record_object_names_every_item() {
    let r = json!({"food_name": "大米", "sampling_point": "P", "sampling_area": "t"});
    let f = ctx_run("monitoring-sample", "planned", &FakeHost::new(), |c| {
        sampling_record_complete(c, &r)
    });
    assert_eq!(f.len(), RECORD_ITEMS.len());
}

#[test]
fn a_sample_cannot_be_taken_in_the_future_or_produced_after_it() {
    // Envelope::for_test's now is 2026-10-01T10:00+08:00.
    let mut r = record();
    r["sampling_record"]["sampled_at"] = json!("2026-10-02T09:00:00+08:00");
    r["sampling_record"]["produced_on"] = json!("2026-10-05");
    let f = ctx_run("monitoring-sample", "planned", &FakeHost::new(), |c| {
        sampling_record_complete(c, &r)
    });
    assert_eq!(codes(&f), vec!["date-in-future", "produced-after-sampling"]);
}

#[test]
fn the_county_day_is_china_time_even_when_now_is_utc() {
    // 2026-10-01 01:00 in the county is 2026-09-30 17:00 UTC: a sample taken that morning
    // is not in the future.
    let mut env = Envelope::for_test("risk-monitoring", "monitoring-sample").with_state("planned");
    env.now = "2026-09-30T17:00:00+00:00".into();
    let host = FakeHost::new();
    let mut r = record();
    r["sampling_record"]["sampled_at"] = json!("2026-10-01T00:30:00+08:00");
    assert_eq!(
        sampling_record_complete(&Context::new(&env, &host), &r),
        vec![]
    );
}

#[test]
fn a_follow_up_sample_records_its_food_point_and_count() {
    let ok = json!({"food_name": "大米", "sampling_point": "P", "collected_count": 3, "planned_count": 3});
    let run = |v: &Value| {
        ctx_run("follow-up-sample", "planned", &FakeHost::new(), |c| {
            sampling_record_complete(c, v)
        })
    };
    assert_eq!(run(&ok), vec![]);
    let short = json!({"food_name": "大米", "sampling_point": "P", "collected_count": 2, "planned_count": 3});
    let f = run(&short);
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("fewer-than-planned", Severity::Warning)
    );
    let none = json!({"food_name": "大米", "collected_count": 0});
    assert_eq!(
        codes(&run(&none)),
        vec!["missing-item", "nothing-collected"]
    );
}

fn concentration(total: u64, at_point: u64, state: &str) -> (Vec<Finding>, Vec<(String, Value)>) {
    let host = FakeHost::new()
        .count_answer(samples_query(), total)
        .count_answer(samples_at_point_query(), at_point);
    let f = ctx_run("monitoring-sample", state, &host, |c| {
        sampling_not_concentrated(c, &json!({"sampling_point": "县城超市"}))
    })
    .unwrap_or_else(|e| panic!("{e}"));
    (f, host.count_calls())
}

#[test]
fn concentrated_sampling_at_one_point_is_warned_about() {
    let (f, calls) = concentration(45, 16, "planned");
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("concentrated-at-point", Severity::Warning)
    );
    assert_eq!(f[0].field, "/sampling_point");
    assert_eq!(
        calls,
        vec![
            (samples_query().to_string(), json!({"plan": "plan-2026"})),
            (
                samples_at_point_query().to_string(),
                json!({"plan": "plan-2026", "point": "县城超市"})
            ),
        ]
    );
}

#[test]
fn samples_spread_over_points_pass() {
    assert!(concentration(45, 15, "planned").0.is_empty());
    // Too few samples in the plan to speak of concentration.
    assert!(concentration(4, 3, "planned").0.is_empty());
    // A sample not stored yet counts itself: 5 + 1 of 8 + 1 is over a third.
    assert_eq!(concentration(8, 5, "").0.len(), 1);
}

#[test]
fn a_hazard_is_reported_only_once_verified() {
    let run = |v: Value| {
        ctx_run(
            "monitoring-sample",
            "hazard-verification",
            &FakeHost::new(),
            |c| hazard_report_complete(c, &v),
        )
    };
    let ok = json!({"hazard_description": "铅超标", "verified_on": "2026-09-29", "result_received_on": "2026-09-28"});
    assert_eq!(run(ok), vec![]);
    let unverified = json!({"hazard_description": "铅超标"});
    assert_eq!(run(unverified)[0].field, "/verified_on");
    let early = json!({"hazard_description": "x", "verified_on": "2026-09-20", "result_received_on": "2026-09-28"});
    assert_eq!(codes(&run(early)), vec!["verified-before-result"]);
    let future = json!({"hazard_description": "x", "verified_on": "2026-10-02"});
    assert_eq!(codes(&run(future)), vec!["date-in-future"]);
}

#[test]
fn enlarged_sampling_names_the_problem_product_or_brand() {
    let plan = json!({
        "food_name": "大米", "brand": "某牌",
        "expansion_plan": [
            {"food_name": "大米", "sampling_point": "A", "count": 5},
            {"food_name": "面粉", "brand": "某牌", "sampling_point": "B", "count": 2}
        ]
    });
    assert_eq!(expansion_plan_complete(&plan), vec![]);
    let other = json!({
        "food_name": "大米", "brand": "某牌",
        "expansion_plan": [{"food_name": "面粉", "brand": "别牌", "sampling_point": "A", "count": 1}]
    });
    let f = expansion_plan_complete(&other);
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("other-product", Severity::Warning)
    );
}

#[test]
fn an_incomplete_enlarged_sampling_plan_is_refused() {
    assert_eq!(codes(&expansion_plan_complete(&json!({}))), vec!["no-rows"]);
    let gaps = json!({"food_name": "大米", "expansion_plan": [{"count": 0}]});
    let f = expansion_plan_complete(&gaps);
    assert_eq!(codes(&f), vec!["no-product", "missing-item", "no-samples"]);
    assert_eq!(f[2].field, "/expansion_plan/0/count");
}
