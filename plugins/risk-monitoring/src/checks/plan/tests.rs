use super::*;
use anjuan_plugin_sdk::{Severity, json};

fn plan(rows: Value) -> Value {
    json!({ "sample_tasks": rows, "areas_covered": 12, "areas_total": 12 })
}

fn row(category: &str, city: i64, planned: i64, local: i64) -> Value {
    json!({ "monitoring_kind": "chemical", "food_category": category, "city_task": city,
            "planned": planned, "local_planned": local, "sampling_points": "县城农贸市场",
            "sampling_months": ["04", "07"] })
}

fn codes(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn a_plan_at_the_city_task_passes() {
    // The source's routine monitoring: 18 chemical and 27 microbial samples.
    let p = plan(json!([row("粮食", 18, 18, 11), row("肉类", 27, 30, 17)]));
    assert_eq!(plan_not_below_city_task(&p), vec![]);
    assert_eq!(local_products_at_least_60_percent(&p), vec![]);
    assert_eq!(sampling_points_cover_county(&p), vec![]);
}

#[test]
fn a_row_below_the_city_task_is_refused_at_its_planned_count() {
    let p = plan(json!([row("粮食", 18, 17, 11), row("肉类", 27, 30, 17)]));
    let f = plan_not_below_city_task(&p);
    assert_eq!(codes(&f), vec!["below-city-task"]);
    assert_eq!(f[0].field, "/sample_tasks/0/planned");
    assert!(f[0].is_error());
}

#[test]
fn a_plan_below_the_city_task_in_total_is_refused() {
    let p = plan(json!([row("粮食", 18, 10, 6), row("肉类", 27, 27, 17)]));
    assert_eq!(
        codes(&plan_not_below_city_task(&p)),
        vec!["below-city-task", "total-below-city-task"]
    );
}

#[test]
fn a_plan_without_tasks_is_refused() {
    assert_eq!(
        codes(&plan_not_below_city_task(&plan(json!([])))),
        vec!["no-tasks"]
    );
    assert_eq!(
        codes(&local_products_at_least_60_percent(&json!({}))),
        vec!["no-tasks"]
    );
}

#[test]
fn local_products_below_60_percent_of_the_city_task_are_refused() {
    // 45 samples of city task: 60% is 27.
    let p = plan(json!([row("粮食", 18, 18, 10), row("肉类", 27, 27, 16)]));
    let f = local_products_at_least_60_percent(&p);
    assert_eq!(codes(&f), vec!["local-below-60-percent"]);
    assert!(
        f[0].message_zh.contains("至少 27 份"),
        "{}",
        f[0].message_zh
    );
    let exactly = plan(json!([row("粮食", 18, 18, 10), row("肉类", 27, 27, 17)]));
    assert_eq!(local_products_at_least_60_percent(&exactly), vec![]);
}

#[test]
fn local_products_are_measured_against_the_city_task_not_the_plan() {
    // Planning more than the task does not raise the 60% bar.
    let p = plan(json!([row("粮食", 10, 40, 6)]));
    assert_eq!(local_products_at_least_60_percent(&p), vec![]);
    // A plan of local specialties only, with no city task, is measured on itself.
    let specialties = plan(json!([row("地方特色", 0, 10, 5)]));
    assert_eq!(
        codes(&local_products_at_least_60_percent(&specialties)),
        vec!["local-below-60-percent"]
    );
}

#[test]
fn more_local_products_than_planned_samples_is_refused() {
    let p = plan(json!([row("粮食", 10, 10, 12)]));
    let f = local_products_at_least_60_percent(&p);
    assert_eq!(codes(&f), vec!["local-above-planned"]);
    assert_eq!(f[0].field, "/sample_tasks/0/local_planned");
}

#[test]
fn sampling_points_that_miss_an_area_are_warned_about() {
    let mut p = plan(json!([row("粮食", 18, 18, 11)]));
    p["areas_covered"] = json!(10);
    p["sample_tasks"][0]["sampling_points"] = json!(" ");
    let f = sampling_points_cover_county(&p);
    assert_eq!(codes(&f), vec!["areas-not-covered", "no-sampling-points"]);
    assert!(f.iter().all(|f| f.severity == Severity::Warning));
    let unknown = json!({ "sample_tasks": [] });
    assert_eq!(
        codes(&sampling_points_cover_county(&unknown)),
        vec!["coverage-unknown"]
    );
}

fn collected(total: u64, local: u64) -> (Vec<Finding>, Vec<(String, Value)>) {
    use anjuan_plugin_sdk::{Context, Envelope, FakeHost};
    let env = Envelope::for_test("risk-monitoring", "monitoring-plan").with_state("filed");
    let host = FakeHost::new()
        .count_answer(collected_query(), total)
        .count_answer(local_collected_query(), local);
    let ctx = Context::new(&env, &host);
    // City task 10 + 10 = 20; 60% of it is 12.
    let input = plan(json!([row("蔬菜", 10, 10, 6), row("水果", 10, 10, 6)]));
    let f = samples_collected_meet_city_task(&ctx, &input).unwrap_or_else(|e| panic!("{e}"));
    (f, host.count_calls())
}

#[test]
fn samples_actually_collected_are_counted_against_the_city_task_and_the_local_share() {
    let (f, calls) = collected(20, 12);
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].1["collected"], true);
    assert_eq!(calls[1].1["local"], true);
    let (f, _) = collected(19, 11);
    assert_eq!(
        codes(&f),
        vec![
            "collected-below-city-task",
            "local-collected-below-60-percent"
        ]
    );
    assert!(f.iter().all(|f| f.severity == Severity::Warning));
    assert!(f[1].message_en.contains("11 local samples"), "{f:?}");
}
