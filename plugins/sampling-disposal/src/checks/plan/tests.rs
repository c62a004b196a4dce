use super::*;
use crate::checks::testing::{at, check, check_with, errors};
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity};

/// The source's plan: 700 batches by category and by month, 1 April to 30 October.
fn plan() -> Value {
    let months = [
        (4, 100, 40),
        (5, 100, 35),
        (6, 100, 25),
        (7, 50, 25),
        (8, 50, 25),
        (9, 50, 25),
        (10, 50, 25),
    ];
    json!({
        "plan_year": 2026,
        "total_batches": 700,
        "category_quotas": [
            {"category": "agricultural", "batches": 200},
            {"category": "catering", "batches": 220},
            {"category": "city-special", "batches": 280, "salt_batches": 15},
        ],
        "monthly_quotas": months.iter().map(|(m, food, agri)| json!({
            "month": format!("2026-{m:02}"), "food_batches": food, "agri_batches": agri,
        })).collect::<Vec<_>>(),
        "period_start": "2026-04-01",
        "period_end": "2026-10-30",
    })
}

fn consistent(data: &Value) -> Vec<Finding> {
    check("plan-quotas-consistent", "sampling-plan", data)
}

#[test]
fn the_source_plan_of_700_batches_is_consistent() {
    assert_eq!(consistent(&plan()), vec![]);
}

#[test]
fn the_category_quotas_add_up_to_the_total() {
    let mut p = plan();
    p["category_quotas"][1]["batches"] = json!(200);
    let f = consistent(&p);
    assert_eq!(at(&f), vec![("/total_batches", "category-total-mismatch")]);
    assert!(f[0].message_zh.contains("680"), "{}", f[0].message_zh);
}

#[test]
fn the_monthly_quotas_add_up_to_the_total() {
    let mut p = plan();
    p["monthly_quotas"][6]["food_batches"] = json!(40);
    let f = consistent(&p);
    assert_eq!(at(&f), vec![("/monthly_quotas", "monthly-total-mismatch")]);
}

#[test]
fn the_monthly_agricultural_batches_are_the_agricultural_category() {
    // Totals still agree: 10 agricultural batches moved to food in April.
    let mut p = plan();
    p["monthly_quotas"][0]["food_batches"] = json!(110);
    p["monthly_quotas"][0]["agri_batches"] = json!(30);
    let f = consistent(&p);
    assert_eq!(
        at(&f),
        vec![("/monthly_quotas", "agricultural-split-mismatch")]
    );
}

#[test]
fn salt_is_counted_within_the_city_special_tasks() {
    let mut p = plan();
    p["category_quotas"][2]["salt_batches"] = json!(300);
    assert_eq!(
        at(&consistent(&p)),
        vec![(
            "/category_quotas/2/salt_batches",
            "salt-exceeds-city-special"
        )]
    );
    let mut p = plan();
    p["category_quotas"][0]["salt_batches"] = json!(5);
    assert_eq!(
        at(&consistent(&p)),
        vec![(
            "/category_quotas/0/salt_batches",
            "salt-outside-city-special"
        )]
    );
}

#[test]
fn each_category_and_month_appears_once() {
    let mut p = plan();
    p["category_quotas"][1]["category"] = json!("agricultural");
    p["category_quotas"][1]["batches"] = json!(0);
    p["total_batches"] = json!(480);
    let f = consistent(&p);
    assert!(
        at(&f).contains(&("/category_quotas/1/category", "duplicate-category")),
        "{f:?}"
    );
    let mut p = plan();
    p["monthly_quotas"][1]["month"] = json!("2026-04");
    let f = consistent(&p);
    assert_eq!(
        at(&f),
        vec![
            ("/monthly_quotas/1/month", "duplicate-month"),
            ("/monthly_quotas", "month-without-quota")
        ]
    );
    assert_eq!(f[1].severity, Severity::Warning);
    assert!(f[1].message_zh.contains("2026-05"), "{}", f[1].message_zh);
}

#[test]
fn every_month_lies_in_the_sampling_period() {
    let mut p = plan();
    p["monthly_quotas"][6]["month"] = json!("2026-11");
    let f = consistent(&p);
    assert_eq!(
        at(&f),
        vec![
            ("/monthly_quotas/6/month", "month-outside-period"),
            ("/monthly_quotas", "month-without-quota")
        ]
    );
    let mut p = plan();
    p["period_end"] = json!("2026-03-31");
    assert_eq!(
        at(&consistent(&p)),
        vec![("/period_end", "period-reversed")]
    );
}

#[test]
fn a_plan_opened_without_its_numbers_is_refused() {
    let f = consistent(&json!({"plan_year": 2026}));
    assert_eq!(errors(&f), vec!["missing-item"; 5]);
}

/// A plan envelope and a host answering `counted(category)` batches for this plan.
fn met(counted: impl Fn(&str) -> u64 + 'static) -> (Vec<Finding>, FakeHost) {
    let env = Envelope::for_test("sampling-disposal", "sampling-plan")
        .with_state("in-progress")
        .with_action("finish-sampling");
    let host = FakeHost::new().count_with(category_query(), move |p| {
        assert_eq!(p["plan"], "0190f5d2-0000-7000-8000-000000000001");
        counted(p["category"].as_str().unwrap_or_default())
    });
    let f = check_with("plan-quotas-met", &env, &host, &plan());
    (f, host)
}

#[test]
fn sampling_that_met_every_quota_finishes_without_remark() {
    let (f, host) = met(|c| match c {
        "agricultural" => 200,
        "catering-food" => 180,
        "catering-utensil" => 40,
        "city-special" => 265,
        "salt" => 15,
        _ => 0,
    });
    assert_eq!(f, vec![]);
    let asked: Vec<String> = host
        .count_calls()
        .iter()
        .map(|(_, p)| p["category"].to_string())
        .collect();
    assert_eq!(asked.len(), 5, "one count per batch category: {asked:?}");
}

#[test]
fn a_category_short_of_its_quota_is_warned_about() {
    let (f, _) = met(|c| match c {
        "agricultural" => 190,
        "catering-food" => 220,
        "city-special" => 280,
        "salt" => 3,
        _ => 0,
    });
    assert_eq!(
        at(&f),
        vec![
            ("/category_quotas/0/batches", "quota-short"),
            ("/category_quotas/2/salt_batches", "quota-short"),
        ]
    );
    assert!(f.iter().all(|x| x.severity == Severity::Warning));
    assert!(
        f[0].message_zh.contains("尚差 10 批次"),
        "{}",
        f[0].message_zh
    );
    assert!(f[1].message_en.contains("3 of 15"), "{}", f[1].message_en);
}

fn evaluation() -> Value {
    json!({
        "food_quota": 50, "agri_quota": 25,
        "evaluation": {
            "training": "抽样人员岗前培训2次", "organisation": "按月分批实施", "batches_done": 75,
            "scope": "食品与食用农产品分开统计", "failure_detection_rate": 4.0,
            "data_error_rate": 0, "form_file": "files/实施效果评价表.pdf",
        },
    })
}

#[test]
fn a_self_evaluation_covers_all_six_points_and_the_form() {
    assert_eq!(
        check("self-evaluation-complete", "task-round", &evaluation()),
        vec![]
    );
    let mut e = evaluation();
    e["evaluation"]
        .as_object_mut()
        .map(|o| o.remove("data_error_rate"));
    e["evaluation"]["form_file"] = json!("");
    let f = check("self-evaluation-complete", "task-round", &e);
    assert_eq!(
        at(&f),
        vec![
            ("/evaluation/data_error_rate", "missing-item"),
            ("/evaluation/form_file", "missing-item")
        ]
    );
    let f = check(
        "self-evaluation-complete",
        "task-round",
        &json!({"food_quota": 50}),
    );
    assert_eq!(at(&f), vec![("/evaluation", "missing-item")]);
}

#[test]
fn a_round_evaluated_short_of_its_quota_is_pointed_out() {
    let mut e = evaluation();
    e["evaluation"]["batches_done"] = json!(70);
    let f = check("self-evaluation-complete", "task-round", &e);
    assert_eq!(at(&f), vec![("/evaluation/batches_done", "short-of-quota")]);
    assert_eq!(f[0].severity, Severity::Warning);
}

/// A plan envelope and a host answering `counted(month, line)` batches for this plan.
fn monthly(
    counted: impl Fn(&str, &str) -> u64 + 'static,
    data: &Value,
) -> (Vec<Finding>, FakeHost) {
    let env = Envelope::for_test("sampling-disposal", "sampling-plan")
        .with_state("in-progress")
        .with_action("finish-sampling");
    let host = FakeHost::new().count_with(month_query(), move |p| {
        assert_eq!(p["plan"], "0190f5d2-0000-7000-8000-000000000001");
        counted(
            p["month"].as_str().unwrap_or_default(),
            p["line"].as_str().unwrap_or_default(),
        )
    });
    let f = check_with("plan-monthly-quotas-met", &env, &host, data);
    (f, host)
}

#[test]
fn each_month_is_counted_on_its_food_and_agricultural_lines() {
    let quota = |month: &str, line: &str| {
        let p = plan();
        let row = p["monthly_quotas"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["month"] == month).cloned())
            .unwrap_or_default();
        let key = if line == "food" {
            "food_batches"
        } else {
            "agri_batches"
        };
        row[key].as_u64().unwrap_or(0)
    };
    let (f, host) = monthly(quota, &plan());
    assert_eq!(f, vec![]);
    assert_eq!(
        host.count_calls().len(),
        14,
        "two counts for each of 7 months"
    );
}

#[test]
fn a_month_short_of_its_quota_is_warned_about_by_month() {
    let (f, _) = monthly(
        |month, line| match (month, line) {
            ("2026-04", "food") => 97,
            ("2026-04", "agricultural") => 40,
            ("2026-09", "agricultural") => 20,
            (_, "food") => 100,
            _ => 40,
        },
        &plan(),
    );
    assert_eq!(
        at(&f),
        vec![
            ("/monthly_quotas/0/food_batches", "quota-short"),
            ("/monthly_quotas/5/agri_batches", "quota-short"),
        ]
    );
    assert!(f.iter().all(|x| x.severity == Severity::Warning));
    assert!(
        f[0].message_en.contains("2026-04 food: 97 of 100"),
        "{}",
        f[0].message_en
    );
    assert!(f[1].message_zh.contains("2026-09"), "{}", f[1].message_zh);
}

#[test]
fn months_beyond_what_one_call_may_count_are_pointed_out() {
    let mut p = plan();
    let rows: Vec<Value> = (1..=12)
        .map(|m| json!({ "month": format!("2026-{m:02}"), "food_batches": 1, "agri_batches": 1 }))
        .collect();
    p["monthly_quotas"] = json!(rows);
    let (f, host) = monthly(|_, _| 1, &p);
    assert_eq!(
        at(&f),
        vec![("/monthly_quotas/8/month", "month-not-counted")]
    );
    assert_eq!(host.count_calls().len(), 16);
}
