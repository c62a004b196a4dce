//! 食品安全抽检 (sampling-disposal, part 1): the plan, sampled batches, the lab, and the
//! work the programme schedules by itself.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use super::data;
use crate::common::Db;
use crate::common::shipped::{Shipped, at, codes, deadline, due, expect};

const P: &str = "sampling-disposal";

/// An approved (in-progress) plan of `year`.
pub async fn plan(app: &Shipped, year: i32) -> String {
    let plan = app
        .create("lead", json!({ "programme": P, "case_type": "sampling-plan", "org_unit": "county", "data": data::sampling_plan(year) }))
        .await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let plan = app.act("lead", &id, "approve-plan", json!({}), None).await;
    assert_eq!(plan["state"], "in-progress");
    id
}

async fn try_batch(app: &Shipped, plan: Option<&str>, data: Value) -> (u16, Value) {
    app.try_create("sampler", json!({ "programme": P, "case_type": "sampled-batch", "org_unit": "town-a", "parent": plan, "data": data }))
        .await
}

/// A sampled batch under `plan`, tested by the lab with `result` and its report uploaded.
pub async fn reported_batch(app: &Shipped, plan: &str, result: Value) -> String {
    let (status, batch) = try_batch(app, Some(plan), data::batch("腊肉", 1)).await;
    expect(201, status, &batch, "a complete batch");
    let id = batch["id"].as_str().unwrap().to_owned();
    let received =
        json!({ "lab": "清河县食品检验检测中心", "received_by_lab_at": Utc::now().to_rfc3339() });
    app.act("lab", &id, "receive-sample", received, None).await;
    app.act("lab", &id, "record-result", result, None).await;
    let upload =
        json!({ "uploaded_at": Utc::now().to_rfc3339(), "report_no": "QHJC-2026-11-0417" });
    let batch = app.act("lab", &id, "upload-report", upload, None).await;
    assert_eq!(batch["state"], "reported");
    id
}

/// 同一经营企业每批不得超过6个批次: the seventh batch from one business in a round (all
/// sampled in November here) is refused; another business, or the same business in
/// another plan, is not.
async fn at_most_six_batches_from_one_business_in_a_plan(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let plan_2026 = plan(&app, 2026).await;
    for n in 1..=6 {
        let (status, body) =
            try_batch(&app, Some(&plan_2026), data::batch(&format!("腊肉{n}"), 1)).await;
        expect(201, status, &body, &format!("batch {n} of the business"));
    }
    let (status, body) = try_batch(&app, Some(&plan_2026), data::batch("腊肉7", 1)).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        codes(&body).contains(&"too-many-batches".to_owned()),
        "{body}"
    );
    let (status, body) = try_batch(&app, Some(&plan_2026), data::batch("腊肠", 2)).await;
    expect(201, status, &body, "another business");
    let plan_2027 = plan(&app, 2027).await;
    let (status, body) = try_batch(&app, Some(&plan_2027), data::batch("腊肉", 1)).await;
    expect(201, status, &body, "the same business in next year's plan");
    app.stop().await;
}
crate::on_both!(at_most_six_batches_from_one_business_in_a_plan);

/// 抽样单不得漏项: a sampled batch whose record lacks an item is refused, naming it (the
/// sampling-record form requires every item, before the completeness check runs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sampled_batch_record_with_a_missing_item_is_refused() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let plan = plan(&app, 2026).await;
    let mut record = data::batch("米粉", 3);
    record.as_object_mut().unwrap().remove("business_address");
    let (status, body) = try_batch(&app, Some(&plan), record).await;
    assert_eq!(status, 422, "{body}");
    let v = &body["violations"][0];
    assert_eq!(
        (v["field"].as_str(), v["code"].as_str()),
        (Some("/business_address"), Some("required")),
        "{body}"
    );
    app.stop().await;
}

/// 不少于2名监管人员参与现场抽样.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_site_sampling_needs_at_least_two_regulators() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let plan = plan(&app, 2026).await;
    let mut record = data::batch("米粉", 3);
    record["samplers"] = json!([{ "person": "sampler", "is_regulator": true }, { "person": "lab", "is_regulator": false }]);
    let (status, body) = try_batch(&app, Some(&plan), record).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        codes(&body).contains(&"too-few-regulators".to_owned()),
        "{body}"
    );
    app.stop().await;
}

/// 不得事先通知被抽检单位; and every batch is filed under the year's plan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sampled_business_is_not_told_in_advance_and_every_batch_has_a_plan() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let plan = plan(&app, 2026).await;
    let mut record = data::batch("米粉", 3);
    record["advance_notice_given"] = json!(true);
    let (status, body) = try_batch(&app, Some(&plan), record).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(codes(&body), ["guard_false"], "{body}");
    let (status, body) = try_batch(&app, None, data::batch("米粉", 3)).await;
    assert_eq!(status, 400, "a batch without a plan: {body}");
    app.stop().await;
}

/// 完成检验后的24小时内审核并完整上传: the upload clock counts from the test's end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lab_uploads_the_report_within_24_hours_of_finishing_the_test() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let plan = plan(&app, 2026).await;
    let finished = Utc::now() - Duration::hours(2);
    let mut ids = Vec::new();
    for n in [5, 6] {
        let (status, batch) = try_batch(&app, Some(&plan), data::batch("酱板鸭", n)).await;
        expect(201, status, &batch, "batch");
        let id = batch["id"].as_str().unwrap().to_owned();
        let received = json!({ "lab": "清河县食品检验检测中心", "received_by_lab_at": (finished - Duration::days(3)).to_rfc3339() });
        app.act("lab", &id, "receive-sample", received, None).await;
        let tested = app
            .act(
                "lab",
                &id,
                "record-result",
                data::nonconforming_result(&finished.to_rfc3339()),
                None,
            )
            .await;
        assert_eq!(tested["state"], "tested");
        let due = due(&tested, "upload-within-24-hours");
        assert_eq!(
            due.timestamp(),
            (finished + Duration::hours(24)).timestamp()
        );
        ids.push(id);
    }
    let upload =
        json!({ "uploaded_at": Utc::now().to_rfc3339(), "report_no": "QHJC-2026-11-0418" });
    let on_time = app.act("lab", &ids[0], "upload-report", upload, None).await;
    assert_eq!(
        deadline(&on_time, "upload-within-24-hours")["status"],
        "met"
    );
    app.sweep(finished + Duration::hours(24) + Duration::minutes(1))
        .await;
    assert_eq!(
        app.case("lead", &ids[0]).await["overdue"],
        false,
        "uploaded in time"
    );
    let late = app.case("lead", &ids[1]).await;
    assert_eq!(late["overdue"], true);
    for who in ["lead", "lab"] {
        let told = app.notifications(who).await;
        assert!(
            told.iter()
                .any(|n| n["kind"] == "overdue" && n["case_id"] == ids[1].as_str()),
            "{who}: {told:?}"
        );
    }
    app.stop().await;
}

/// 收到不合格结果通知书后立即启动核查处置: a non-conforming result opens one disposal case
/// for the sample, carrying the report; a conforming one closes without.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nonconforming_result_opens_one_disposal_case_per_sample() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let plan = plan(&app, 2026).await;
    let batch = reported_batch(
        &app,
        &plan,
        data::nonconforming_result(&Utc::now().to_rfc3339()),
    )
    .await;
    let (status, body) = app
        .try_act("inspector", &batch, "close-conforming", json!({}), None)
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["guard_false".to_owned()]),
        "{body}"
    );
    let (status, body) = app
        .try_act("inspector", &batch, "open-disposal", json!({}), None)
        .await;
    assert_eq!(status, 422, "the notice's number is required: {body}");
    assert!(
        body["violations"].to_string().contains("/notice_no"),
        "{body}"
    );
    let opened = app
        .act(
            "inspector",
            &batch,
            "open-disposal",
            data::notice_arrived(),
            None,
        )
        .await;
    assert_eq!(opened["state"], "disposal-opened");
    let cases = app
        .children("inspector", &batch, "nonconforming-sample")
        .await;
    assert_eq!(cases.len(), 1, "one sample, one case");
    let case = &cases[0];
    assert_eq!(case["state"], "received");
    assert_eq!(case["data"]["sample_no"], opened["number"]);
    assert_eq!(case["data"]["notice_no"], "湘市监食检不合〔2026〕123号");
    assert_eq!(case["data"]["business_role"], "distributor");
    assert_eq!(case["data"]["report_no"], "QHJC-2026-11-0417");
    assert_eq!(
        case["data"]["failed_items"][0]["item"],
        "亚硝酸盐（以亚硝酸钠计）"
    );
    assert!(case["data"]["notice_received_at"].is_string());
    assert_eq!(
        deadline(case, "start-within-24-hours")["status"],
        "running",
        "high-risk"
    );
    assert!(app.notifications("lead").await.iter().any(|n| {
        n["message_zh"]
            .as_str()
            .unwrap_or("")
            .contains("不合格结果通知书")
    }));
    let conforming = reported_batch(&app, &plan, json!({
        "test_completed_at": Utc::now().to_rfc3339(), "result": "conforming", "report_no": "QHJC-2026-11-0420",
        "report_issued_on": "2026-11-24",
    }))
    .await;
    let (status, body) = app
        .try_act(
            "inspector",
            &conforming,
            "open-disposal",
            data::notice_arrived(),
            None,
        )
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["guard_false".to_owned()]),
        "{body}"
    );
    let closed = app
        .act(
            "inspector",
            &conforming,
            "close-conforming",
            json!({}),
            None,
        )
        .await;
    assert_eq!(closed["closed"], true);
    app.stop().await;
}

/// 每批任务完成时限后的3个工作日内报送效果自评: the September round is due 30 September;
/// National Day is off and Saturday 10 October is worked, so the evaluation is due then.
/// Each month's round carries that month's quotas from the plan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lab_self_evaluation_within_3_working_days_of_the_round_deadline() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let plan = plan(&app, 2026).await;
    app.sweep(at("2026-08-30T12:00:00+08:00")).await;
    assert!(
        round(&app, &plan, "2026-09").await.is_none(),
        "opened 30 days before the 30th"
    );
    app.sweep(at("2026-08-31T08:00:00+08:00")).await;
    let sept = round(&app, &plan, "2026-09")
        .await
        .expect("the September round");
    assert_eq!(
        (
            sept["data"]["food_quota"].as_i64(),
            sept["data"]["agri_quota"].as_i64()
        ),
        (Some(50), Some(25))
    );
    assert_eq!(sept["data"]["due_on"], "2026-09-30");
    assert_eq!(
        due(&sept, "round-complete"),
        at("2026-09-30T23:59:59+08:00")
    );
    assert_eq!(
        due(&sept, "self-evaluation-within-3-working-days"),
        at("2026-10-10T23:59:59+08:00")
    );
    let again = app.sweep(at("2026-08-31T08:00:00+08:00")).await;
    assert_eq!(again.scheduled, 0, "once per period");
    app.stop().await;
}

async fn round(app: &Shipped, plan: &str, month: &str) -> Option<Value> {
    for c in app.children("lead", plan, "task-round").await {
        if c["data"]["round_label"] == month {
            return Some(c);
        }
    }
    None
}

/// The cases of `case_type` the programme opened by itself, as `who` reads them.
pub async fn scheduled(app: &Shipped, who: &str, programme: &str, case_type: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for item in app
        .list(who, &format!("programme={programme}&case_type={case_type}"))
        .await
    {
        out.push(app.case(who, item["id"].as_str().unwrap()).await);
    }
    out
}

/// 节令性食品要在节前15天完成抽检: Mid-Autumn 2026 is 25 September, so done by
/// 10 September; Spring Festival 2027 is 6 February, so done by 22 January.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn festival_foods_sampled_15_days_before_the_festival() {
    let app = Shipped::spawn(Db::Sqlite).await;
    app.sweep(at("2026-08-10T12:00:00+08:00")).await;
    assert!(festival(&app, "mid-autumn").await.is_empty());
    app.sweep(at("2026-08-11T08:00:00+08:00")).await;
    let mooncakes = festival(&app, "mid-autumn").await;
    assert_eq!(mooncakes.len(), 1, "one for the county");
    assert_eq!(mooncakes[0]["data"]["due_on"], "2026-09-10");
    assert_eq!(mooncakes[0]["data"]["foods"], "月饼");
    assert_eq!(
        due(&mooncakes[0], "done-15-days-before"),
        at("2026-09-10T23:59:59+08:00")
    );
    app.sweep(at("2026-12-23T08:00:00+08:00")).await;
    let spring = festival(&app, "spring-festival").await;
    assert_eq!(spring.len(), 1);
    assert_eq!(spring[0]["data"]["due_on"], "2027-01-22");
    app.stop().await;
}

async fn festival(app: &Shipped, f: &str) -> Vec<Value> {
    let all = scheduled(app, "lead", P, "festival-sampling").await;
    all.into_iter()
        .filter(|c| c["data"]["festival"] == f)
        .collect()
}

/// 4月、6月对承检机构开展监督检查; 3月25日前填报抽检工作负责人登记表 (each township).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn laboratories_inspected_in_april_and_june_and_staff_registered_by_25_march() {
    let app = Shipped::spawn(Db::Sqlite).await;
    app.sweep(at("2026-03-04T12:00:00+08:00")).await;
    assert!(
        scheduled(&app, "lead", P, "staff-registration")
            .await
            .is_empty()
    );
    app.sweep(at("2026-03-05T08:00:00+08:00")).await;
    let registrations = scheduled(&app, "lead", P, "staff-registration").await;
    let mut units: Vec<_> = registrations
        .iter()
        .map(|c| c["org_unit"].as_str().unwrap().to_owned())
        .collect();
    units.sort();
    assert_eq!(units, ["town-a", "town-b"]);
    assert!(
        registrations
            .iter()
            .all(|c| c["data"]["due_on"] == "2026-03-25")
    );
    app.sweep(at("2026-04-01T08:00:00+08:00")).await;
    app.sweep(at("2026-06-01T08:00:00+08:00")).await;
    let mut inspections: Vec<_> = scheduled(&app, "lead", P, "lab-inspection")
        .await
        .iter()
        .map(|c| c["data"]["due_on"].as_str().unwrap().to_owned())
        .collect();
    inspections.sort();
    assert_eq!(inspections, ["2026-04-30", "2026-06-30"]);
    app.stop().await;
}

/// 月度任务（4月食品100批次、食用农产品40批次 …）: each batch counts in the month it was
/// sampled and on its line (food, or edible agricultural products), which the plugin
/// derives from its sampling date and category (a value sent for a derived field is
/// refused); when sampling finishes, every month short of its quota is pointed out by
/// month, on the plan's event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monthly_quotas_count_each_batch_in_the_month_it_was_sampled() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let plan = plan(&app, 2026).await;
    // Derived fields are the plugin's: no form has them, so a value sent for one is
    // refused and no batch is recorded.
    let mut record = data::batch("腊肉", 11);
    record["sampled_month"] = json!("2026-12");
    let (status, body) = try_batch(&app, Some(&plan), record).await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["not_in_form".to_owned()]),
        "{body}"
    );
    assert_eq!(body["violations"][0]["field"], "/sampled_month");
    assert!(
        app.list("sampler", "case_type=sampled-batch")
            .await
            .is_empty()
    );
    let batches = [
        ("2026-04-10", "city-special", 11),
        ("2026-04-30", "catering-food", 12),
        ("2026-05-01", "agricultural", 13),
    ];
    let mut ids = Vec::new();
    for (day, category, business) in batches {
        let mut record = data::batch("腊肉", business);
        record["sampled_on"] = json!(day);
        record["category"] = json!(category);
        let (status, body) = try_batch(&app, Some(&plan), record).await;
        expect(201, status, &body, day);
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    let first = app.case("sampler", &ids[0]).await;
    assert_eq!(
        first["data"]["sampled_month"], "2026-04",
        "{}",
        first["data"]
    );
    assert_eq!(first["data"]["quota_line"], "food");
    let third = app.case("sampler", &ids[2]).await;
    assert_eq!(third["data"]["sampled_month"], "2026-05");
    assert_eq!(third["data"]["quota_line"], "agricultural");

    let finished = app
        .act("lead", &plan, "finish-sampling", json!({}), None)
        .await;
    assert_eq!(finished["state"], "summarising");
    let (status, events) = app
        .get(&format!("/api/v1/cases/{plan}/events"), "lead")
        .await;
    assert_eq!(status, 200, "{events}");
    let event = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "finish-sampling")
        .unwrap();
    let warnings = event["payload"]["warnings"].as_array().unwrap();
    let short = |field: &str| {
        warnings
            .iter()
            .find(|w| w["field"] == field && w["code"] == "quota-short")
            .unwrap_or_else(|| panic!("no warning at {field}: {warnings:?}"))
            .clone()
    };
    // April: two food batches of 100, none of the 40 agricultural; May: one of 35.
    assert!(
        short("/monthly_quotas/0/food_batches")["message"]["en"]
            .as_str()
            .unwrap()
            .contains("2026-04 food: 2 of 100")
    );
    assert!(
        short("/monthly_quotas/0/agri_batches")["message"]["en"]
            .as_str()
            .unwrap()
            .contains("0 of 40")
    );
    assert!(
        short("/monthly_quotas/1/agri_batches")["message"]["en"]
            .as_str()
            .unwrap()
            .contains("2026-05 agricultural: 1 of 35")
    );
    app.stop().await;
}

/// 对同一经营企业的产品实施抽样时每批不得超过6个批次: "每批" is each batch task (the
/// month's round), not the whole year. A business with six batches sampled in the
/// November round may still be sampled in another round of the same plan; a seventh in
/// the same round is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_batches_from_one_business_is_a_limit_per_round_not_per_year() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let plan = plan(&app, 2026).await;
    for n in 1..=6 {
        let (status, body) =
            try_batch(&app, Some(&plan), data::batch(&format!("腊肉{n}"), 1)).await;
        expect(201, status, &body, &format!("batch {n} of the round"));
    }
    let (status, body) = try_batch(&app, Some(&plan), data::batch("腊肉7", 1)).await;
    assert_eq!(status, 422, "a seventh in the same round: {body}");
    let mut october = data::batch("腊肉（十月批次）", 1);
    october["sampled_on"] = json!("2026-10-20");
    let (status, body) = try_batch(&app, Some(&plan), october).await;
    expect(201, status, &body, "the same business in another round");
    app.stop().await;
}

/// 抽检时间为4月1日-10月30日: the October round and its self-evaluation count from
/// 30 October, not 31: the round is due 2026-10-30 (a Friday) and the evaluation three
/// working days later, 2026-11-04.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_october_round_ends_on_30_october() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let plan = plan(&app, 2026).await;
    app.sweep(at("2026-10-01T08:00:00+08:00")).await;
    let october = round(&app, &plan, "2026-10")
        .await
        .expect("the October round");
    assert_eq!(october["data"]["due_on"], "2026-10-30");
    assert_eq!(
        (
            october["data"]["food_quota"].as_i64(),
            october["data"]["agri_quota"].as_i64()
        ),
        (Some(50), Some(25))
    );
    assert_eq!(
        due(&october, "round-complete"),
        at("2026-10-30T23:59:59+08:00")
    );
    assert_eq!(
        due(&october, "self-evaluation-within-3-working-days"),
        at("2026-11-04T23:59:59+08:00")
    );
    app.stop().await;
}

/// 对发现可能存在食品安全苗头性、系统性、区域性问题和风险的及时报告: a risk seen in the
/// results is reported against the year's plan, described in the comment; the
/// programme's administrators are told and the moment is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_systemic_risk_found_in_the_results_is_reported() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let plan = plan(&app, 2026).await;
    let (status, body) = app
        .try_act("lead", &plan, "report-systemic-risk", json!({}), None)
        .await;
    assert_eq!(status, 422, "the risk must be described: {body}");
    let reported = app
        .act(
            "lead",
            &plan,
            "report-systemic-risk",
            json!({}),
            Some("本县多家小作坊腊肉亚硝酸盐超标，疑为同一辅料供应商所致"),
        )
        .await;
    assert!(reported["data"]["risk_reported_at"].is_string());
    assert!(
        app.notifications("sd-admin")
            .await
            .iter()
            .any(|n| n["case_id"] == plan.as_str())
    );
    app.stop().await;
}

/// 市场监管局…进行不定期巡查，回访被抽样单位，采取发放问卷调查、电话回访等形式，随机抽查
/// 承检机构工作纪律: the bureau records a patrol with its call-backs whenever it makes one;
/// at least one business is called back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn irregular_patrols_call_back_the_sampled_businesses() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let mut patrol = json!({
        "lab": "清河县食品检验检测中心", "patrolled_on": "2026-11-18",
        "methods": ["unannounced-patrol", "phone-callback"],
        "callbacks": [],
        "discipline_kept": true,
    });
    let (status, body) = app
        .try_create("lead", json!({ "programme": P, "case_type": "lab-patrol", "org_unit": "county", "data": patrol.clone() }))
        .await;
    assert_eq!(status, 422, "no business called back: {body}");
    patrol["callbacks"] = json!([{ "business_name": "清河县老字号腊味坊1号店", "batch_no": "CY-2026-000001", "answer": "抽样人员出示证件，按规定付费，无收受馈赠" }]);
    let (status, body) = app
        .try_create("lead", json!({ "programme": P, "case_type": "lab-patrol", "org_unit": "county", "data": patrol }))
        .await;
    expect(201, status, &body, "a patrol with a call-back");
    assert_eq!(body["state"], "recorded");
    app.stop().await;
}

/// 样品属地理标志保护、有机认证产品的，应在抽样单或检验报告中予以备注: the sampling record
/// carries the mark, and keeps it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn geographic_indication_and_organic_products_are_marked_on_the_record() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let plan = plan(&app, 2026).await;
    let mut record = data::batch("有机大米", 3);
    record["special_marks"] = json!(["geographic-indication", "organic"]);
    let (status, body) = try_batch(&app, Some(&plan), record).await;
    expect(201, status, &body, "a marked batch");
    let batch = app.case("lead", body["id"].as_str().unwrap()).await;
    assert_eq!(
        batch["data"]["special_marks"],
        json!(["geographic-indication", "organic"])
    );
    app.stop().await;
}

/// A result that breaks a form rule (no test time) and a plugin rule (a non-conforming
/// sample not re-checked) learns both in one 422, each with its field and layer, and the
/// batch stays as it was. When the form refuses a field the check reads, the check is
/// left out: it would judge data already known to be wrong.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_breaking_a_form_rule_and_a_check_learns_both_at_once() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let plan = plan(&app, 2026).await;
    let (status, batch) = try_batch(&app, Some(&plan), data::batch("腊肠", 2)).await;
    expect(201, status, &batch, "a complete batch");
    let id = batch["id"].as_str().unwrap().to_owned();
    let received =
        json!({ "lab": "清河县食品检验检测中心", "received_by_lab_at": Utc::now().to_rfc3339() });
    let before = app.act("lab", &id, "receive-sample", received, None).await;

    let mut result = data::nonconforming_result(&Utc::now().to_rfc3339());
    result.as_object_mut().unwrap().remove("test_completed_at");
    result["rechecked"] = json!(false);
    let (status, body) = app.try_act("lab", &id, "record-result", result, None).await;
    assert_eq!(status, 422, "{body}");
    let found: Vec<(&str, &str, &str)> = body["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["field"].as_str().unwrap(),
                v["code"].as_str().unwrap(),
                v["layer"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("/test_completed_at", "required", "form"),
            ("/rechecked", "not-rechecked", "check"),
        ],
        "{body}"
    );
    let after = app.case("lab", &id).await;
    assert_eq!(
        (&after["state"], &after["version"]),
        (&before["state"], &before["version"]),
        "the batch is unchanged"
    );

    // The form refuses `rechecked` itself: the check that reads it does not run.
    let mut result = data::nonconforming_result(&Utc::now().to_rfc3339());
    result.as_object_mut().unwrap().remove("rechecked");
    let (status, body) = app.try_act("lab", &id, "record-result", result, None).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(codes(&body), ["required"], "{body}");
    assert_eq!(body["violations"][0]["layer"], "form", "{body}");
    app.stop().await;
}
