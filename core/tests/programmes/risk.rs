//! 食品安全风险监测 (risk-monitoring, part 1): the county plan against the city task,
//! monitoring samples from record to enlarged sampling, foodborne-disease cases and
//! outbreaks.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use super::data::{self, task};
use crate::common::Db;
use crate::common::shipped::{Shipped, codes};

const P: &str = "risk-monitoring";

async fn try_plan(app: &Shipped, tasks: Vec<Value>) -> (u16, Value) {
    app.try_create("health", json!({ "programme": P, "case_type": "monitoring-plan", "org_unit": "county", "data": data::monitoring_plan(tasks) }))
        .await
}

fn on_sample_tasks(body: &Value) -> bool {
    body["violations"].as_array().is_some_and(|v| {
        v.iter().any(|v| {
            v["field"]
                .as_str()
                .unwrap_or("")
                .starts_with("/sample_tasks")
        })
    })
}

/// 样品数量不得低于市级任务: a plan planning fewer samples than the city's task for a
/// category is refused; one matching the task is accepted and filed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_not_below_the_city_task() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let mut tasks = data::city_tasks();
    tasks[0] = task("chemical", "蔬菜", 4, 3, 3);
    let (status, body) = try_plan(&app, tasks).await;
    assert_eq!(status, 422, "{body}");
    assert!(on_sample_tasks(&body), "names the task rows: {body}");
    let (status, plan) = try_plan(&app, data::city_tasks()).await;
    assert_eq!(status, 201, "{plan}");
    let filed = app
        .act(
            "health",
            plan["id"].as_str().unwrap(),
            "file-plan",
            json!({ "filed_on": "2026-03-20" }),
            None,
        )
        .await;
    assert_eq!(filed["state"], "filed");
    app.stop().await;
}

/// 本地产品…不低于…60%: exactly 60% local passes, less is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_products_at_least_60_percent() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let short = vec![
        task("chemical", "蔬菜", 5, 5, 3),
        task("microbial", "餐饮食品", 10, 10, 5),
    ];
    let (status, body) = try_plan(&app, short).await;
    assert_eq!(status, 422, "8 of 15 local: {body}");
    assert!(on_sample_tasks(&body), "{body}");
    let exact = vec![
        task("chemical", "蔬菜", 5, 5, 3),
        task("microbial", "餐饮食品", 10, 10, 6),
    ];
    let (status, body) = try_plan(&app, exact).await;
    assert_eq!(status, 201, "9 of 15 local is 60%: {body}");
    app.stop().await;
}

/// A filed plan and a planned sample under it.
async fn planned_sample(app: &Shipped) -> String {
    let (status, plan) = try_plan(app, data::city_tasks()).await;
    assert_eq!(status, 201, "{plan}");
    let sample = app
        .create("cdc", json!({ "programme": P, "case_type": "monitoring-sample", "org_unit": "county", "parent": plan["id"], "data": data::monitoring_sample() }))
        .await;
    sample["id"].as_str().unwrap().to_owned()
}

/// 逐项记录采样信息，不得漏项: a sampling record with any item missing is refused and
/// the missing item named; the complete record is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sampling_record_with_a_missing_item_is_refused() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = planned_sample(&app).await;
    for item in ["batch_no", "sampled_at", "business_name", "samplers"] {
        let mut record = data::sampling_record();
        record.as_object_mut().unwrap().remove(item);
        let (status, body) = app
            .try_act(
                "cdc",
                &id,
                "record-collection",
                json!({ "sampling_record": record }),
                None,
            )
            .await;
        assert_eq!(status, 422, "{item}: {body}");
        let named = body["violations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["field"].as_str().unwrap_or("").contains(item));
        assert!(named, "the refusal names {item}: {body}");
    }
    let collected = app
        .act(
            "cdc",
            &id,
            "record-collection",
            json!({ "sampling_record": data::sampling_record() }),
            None,
        )
        .await;
    assert_eq!(collected["state"], "collected");
    app.stop().await;
}

/// 发现隐患→核实→报告上级疾控并告知卫生健康委→通报监管部门→扩大问题食品品种或品牌的样品
/// 数量: each row of the enlarged-sampling plan becomes a follow-up sample, never twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hazard_found_is_verified_reported_upward_and_sampling_enlarged() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = planned_sample(&app).await;
    app.act(
        "cdc",
        &id,
        "record-collection",
        json!({ "sampling_record": data::sampling_record() }),
        None,
    )
    .await;
    app.act(
        "cdc",
        &id,
        "send-to-lab",
        json!({ "sent_to_lab_on": "2026-05-12", "lab": "清河县疾控中心理化检验科" }),
        None,
    )
    .await;
    let result = json!({
        "result_received_on": "2026-05-26",
        "result_items": [{ "item": "亚硝酸盐", "value": 48.0, "unit": "mg/kg", "reference": "≤30" }],
        "hazard_found": true,
    });
    app.act("cdc", &id, "record-result", result, None).await;
    let (status, _) = app
        .try_act("cdc", &id, "close-no-hazard", json!({}), None)
        .await;
    assert_eq!(status, 422, "a hazard cannot be closed as none");
    app.act("cdc", &id, "flag-hazard", json!({}), None).await;
    let reported = app
        .act(
            "cdc",
            &id,
            "report-hazard",
            json!({ "hazard_description": "腊肉亚硝酸盐残留量超过限量", "verified_on": "2026-05-27" }),
            None,
        )
        .await;
    assert_eq!(reported["state"], "hazard-reported");
    assert!(reported["data"]["reported_at"].is_string());
    assert!(
        app.notifications("health")
            .await
            .iter()
            .any(|n| n["case_id"] == id.as_str())
    );
    app.act(
        "health",
        &id,
        "notify-regulator",
        json!({ "regulator_notified_on": "2026-05-28" }),
        None,
    )
    .await;
    let rows = json!([
        { "food_name": "腊肉", "brand": "湘味坊", "sampling_point": "石门镇超市", "count": 3 },
        { "food_name": "腊肠", "brand": "湘味坊", "sampling_point": "桃源镇农贸市场", "count": 2 },
    ]);
    app.act(
        "cdc",
        &id,
        "expand-sampling",
        json!({ "expansion_plan": rows }),
        None,
    )
    .await;
    let more = json!([{ "food_name": "腊鱼", "brand": "湘味坊", "sampling_point": "县城农贸市场", "count": 2 }]);
    app.act(
        "cdc",
        &id,
        "expand-sampling",
        json!({ "expansion_plan": more }),
        None,
    )
    .await;
    let follow_ups = app.children("cdc", &id, "follow-up-sample").await;
    let mut foods: Vec<_> = follow_ups
        .iter()
        .map(|c| c["data"]["food_name"].as_str().unwrap().to_owned())
        .collect();
    foods.sort();
    assert_eq!(foods, ["腊肉", "腊肠", "腊鱼"], "one per row, none twice");
    assert!(follow_ups.iter().all(|c| c["data"]["brand"] == "湘味坊"));
    assert!(
        follow_ups
            .iter()
            .all(|c| c["data"]["hazard_description"] == "腊肉亚硝酸盐残留量超过限量")
    );
    app.stop().await;
}

async fn disease_case(app: &Shipped, report: Value) -> (u16, Value) {
    app.try_create("hospital", json!({ "programme": P, "case_type": "disease-case", "org_unit": "hospital", "data": report }))
        .await
}

/// 临床症状、饮食暴露史和诊断结论: a sentinel hospital's report lacking any of them is
/// refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disease_case_report_needs_symptoms_exposure_history_and_diagnosis() {
    let app = Shipped::spawn(Db::Sqlite).await;
    for item in ["symptoms", "exposure_history", "diagnosis"] {
        let mut report = data::disease_report("hospital");
        report.as_object_mut().unwrap().remove(item);
        let (status, body) = disease_case(&app, report).await;
        assert_eq!(status, 422, "{item}: {body}");
    }
    let (status, body) = disease_case(&app, data::disease_report("hospital")).await;
    assert_eq!(status, 201, "{body}");
    app.stop().await;
}

/// The patient's identity, contact and exposure: the CDC, the health commission and the
/// reporting clinician read them; the ID number is the CDC's and the clinician's only;
/// another reporter at the same hospital sees them masked; every read is logged.
async fn patient_identity_read_by_the_cdc_and_the_reporting_clinician_only(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let (status, case) = disease_case(&app, data::disease_report("hospital")).await;
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_str().unwrap();
    let seen = |who: &'static str| {
        let app = &app;
        async move { app.case(who, id).await["data"].clone() }
    };
    let cdc = seen("cdc").await;
    assert_eq!(
        (cdc["patient_name"].as_str(), cdc["id_number"].as_str()),
        (Some("赵桂兰"), Some("430123197605143526"))
    );
    let health = seen("health").await;
    assert_eq!(
        (
            health["patient_name"].as_str(),
            health["id_number"].as_str()
        ),
        (Some("赵桂兰"), Some("***"))
    );
    let reporter = seen("hospital").await;
    assert_eq!(reporter["id_number"], "430123197605143526");
    let other = seen("hospital2").await;
    for field in [
        "patient_name",
        "id_number",
        "phone",
        "address",
        "exposure_history",
    ] {
        assert_eq!(other[field], "***", "{field} for another reporter");
    }
    assert_eq!(
        other["diagnosis"], cdc["diagnosis"],
        "the clinical facts are not masked"
    );
    let log = anjuan::store::access::list(&app.state.db, Some(id), 50)
        .await
        .unwrap();
    let readers: Vec<_> = log.iter().map(|l| l.user_id.as_str()).collect();
    for who in ["cdc", "health", "hospital"] {
        assert!(readers.contains(&who), "{who} in {readers:?}");
    }
    assert!(!readers.contains(&"hospital2"));
    app.stop().await;
}
crate::on_both!(patient_identity_read_by_the_cdc_and_the_reporting_clinician_only);

/// 分子分型和聚类分析 → 疑似聚集性病例; a case linked to a food business is closed only
/// once the regulator has been told.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspected_cluster_flagged_and_food_linked_case_closed_only_after_the_regulator_is_told() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let (status, case) = disease_case(&app, data::disease_report("hospital")).await;
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_str().unwrap();
    app.act("cdc", id, "accept-report", json!({}), None).await;
    let review = json!({ "pathogen": "椰毒假单胞菌", "food_business_related": true });
    app.act("cdc", id, "complete-review", review, None).await;
    let (status, _) = app
        .try_act("cdc", id, "flag-cluster", json!({}), None)
        .await;
    assert_eq!(status, 422, "no cluster without typing");
    let typing = json!({ "isolate_id": "QH2026-BK-031", "typing_method": "wgs", "typing_pattern": "ST-1104", "cluster_id": "QH-2026-11-C02" });
    app.act("cdc", id, "record-typing", typing, None).await;
    let flagged = app.act("cdc", id, "flag-cluster", json!({}), None).await;
    assert_eq!(
        (
            flagged["state"].as_str(),
            flagged["data"]["cluster_suspected"].as_bool()
        ),
        (Some("cluster-suspected"), Some(true))
    );
    assert!(
        app.notifications("health")
            .await
            .iter()
            .any(|n| n["case_id"] == id)
    );
    let (status, body) = app.try_act("cdc", id, "close", json!({}), None).await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["guard_false".to_owned()]),
        "{body}"
    );
    app.act("health", id, "verify-report", json!({}), None)
        .await;
    app.act(
        "health",
        id,
        "report-food-link",
        json!({ "regulator_notified_on": "2026-11-29" }),
        None,
    )
    .await;
    let closed = app.act("cdc", id, "close", json!({}), None).await;
    assert_eq!(closed["state"], "closed");
    app.stop().await;
}

/// 启动和完成调查后及时进行网络填报: an investigation starts only with the online report
/// of its start, and completes only with the completion report and an attribution.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbreak_investigation_is_reported_online_at_start_and_at_completion() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let today = app.state.calendar().local_date(Utc::now());
    let day = |n: i64| (today - Duration::days(n)).to_string();
    let report = json!({
        "event_name": "桃源村家宴聚集性腹泻事件", "reported_at": (Utc::now() - Duration::days(3)).to_rfc3339(),
        "place": "桃源镇桃源村", "setting": "rural-banquet", "cases_count": 12, "hospitalised": 3, "deaths": 0,
    });
    let case = app
        .create("cdc", json!({ "programme": P, "case_type": "outbreak", "org_unit": "county", "data": report }))
        .await;
    let id = case["id"].as_str().unwrap();
    app.act("health", id, "verify-report", json!({}), None)
        .await;
    let commissioned = json!({ "commissioned_by_health_admin": true });
    let (status, body) = app
        .try_act("cdc", id, "start-investigation", commissioned, None)
        .await;
    assert_eq!(status, 422, "no online report of the start: {body}");
    app.act(
        "cdc",
        id,
        "start-investigation",
        json!({ "commissioned_by_health_admin": true, "online_start_reported_on": day(3) }),
        None,
    )
    .await;
    let attribution = json!({ "food": "凉拌木耳", "pathogen": "椰毒假单胞菌（米酵菌酸）", "contributing_factors": ["improper-storage"], "confidence": "confirmed" });
    let (status, body) = app
        .try_act(
            "cdc",
            id,
            "complete-investigation",
            json!({ "attribution": attribution.clone(), "food_business_related": false }),
            None,
        )
        .await;
    assert_eq!(status, 422, "no online report of the completion: {body}");
    let done = json!({ "attribution": attribution, "food_business_related": false, "online_completion_reported_on": day(0) });
    let complete = app
        .act("cdc", id, "complete-investigation", done, None)
        .await;
    assert_eq!(complete["state"], "investigation-complete");
    app.stop().await;
}

/// 我县辖区医疗机构和县疾控中心发现…食源性疾病暴发事件时，应当及时向县卫生健康行政部门
/// 报告。县卫生健康行政部门接到报告后，应当及时进行信息核实: a sentinel hospital reports an
/// outbreak itself; the health commission verifies the report, and only then does the
/// CDC, commissioned by it, start the investigation. A reported disease case is verified
/// by the health commission before it notifies the regulator of a food link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hospitals_report_outbreaks_and_the_health_commission_verifies_reports() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let report = json!({
        "event_name": "桃源镇中心小学食堂腹泻事件", "reported_at": Utc::now().to_rfc3339(),
        "place": "桃源镇中心小学", "setting": "school-canteen", "cases_count": 9, "hospitalised": 1, "deaths": 0,
    });
    let (status, outbreak) = app
        .try_create("hospital", json!({ "programme": P, "case_type": "outbreak", "org_unit": "hospital", "data": report }))
        .await;
    assert_eq!(
        status, 201,
        "a sentinel hospital reports an outbreak: {outbreak}"
    );
    let id = outbreak["id"].as_str().unwrap();
    let today = app.state.calendar().local_date(Utc::now()).to_string();
    let start = json!({ "commissioned_by_health_admin": true, "online_start_reported_on": today });
    let (status, body) = app
        .try_act("cdc", id, "start-investigation", start.clone(), None)
        .await;
    assert_ne!(
        status, 200,
        "not before the health commission verified it: {body}"
    );
    let (status, body) = app
        .try_act("cdc", id, "verify-report", json!({}), None)
        .await;
    assert_ne!(status, 200, "only the health commission verifies: {body}");
    let verified = app
        .act("health", id, "verify-report", json!({}), None)
        .await;
    assert_eq!(verified["state"], "verified");
    assert_eq!(verified["data"]["verified_by"], "health");
    assert!(verified["data"]["verified_at"].is_string());
    let started = app.act("cdc", id, "start-investigation", start, None).await;
    assert_eq!(started["state"], "investigating");

    let case = app
        .create("hospital", json!({ "programme": P, "case_type": "disease-case", "org_unit": "hospital", "data": data::disease_report("hospital") }))
        .await;
    let case = case["id"].as_str().unwrap();
    app.act("cdc", case, "accept-report", json!({}), None).await;
    let review = json!({ "pathogen": "副溶血性弧菌", "food_business_related": true });
    app.act("cdc", case, "complete-review", review, None).await;
    let notice = json!({ "regulator_notified_on": today });
    let (status, body) = app
        .try_act("health", case, "report-food-link", notice.clone(), None)
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["guard_false".to_owned()]),
        "not before verification: {body}"
    );
    let checked = app
        .act("health", case, "verify-report", json!({}), None)
        .await;
    assert_eq!(
        checked["state"], "reviewed",
        "verification records, it does not move"
    );
    let reported = app
        .act("health", case, "report-food-link", notice, None)
        .await;
    assert_eq!(reported["state"], "food-link-reported");
    app.stop().await;
}

/// A monitoring sample whose hazard the health commission has notified to the regulator.
async fn hazard_notified(app: &Shipped) -> String {
    let id = planned_sample(app).await;
    app.act(
        "cdc",
        &id,
        "record-collection",
        json!({ "sampling_record": data::sampling_record() }),
        None,
    )
    .await;
    app.act(
        "cdc",
        &id,
        "send-to-lab",
        json!({ "sent_to_lab_on": "2026-05-12", "lab": "清河县疾控中心理化检验科" }),
        None,
    )
    .await;
    let result = json!({
        "result_received_on": "2026-05-26",
        "result_items": [{ "item": "亚硝酸盐", "value": 48.0, "unit": "mg/kg", "reference": "≤30" }],
        "hazard_found": true,
    });
    app.act("cdc", &id, "record-result", result, None).await;
    app.act("cdc", &id, "flag-hazard", json!({}), None).await;
    app.act(
        "cdc",
        &id,
        "report-hazard",
        json!({ "hazard_description": "腊肉亚硝酸盐残留量超过限量", "verified_on": "2026-05-27" }),
        None,
    )
    .await;
    app.act(
        "health",
        &id,
        "notify-regulator",
        json!({ "regulator_notified_on": "2026-05-28" }),
        None,
    )
    .await;
    id
}

/// 县卫生健康行政部门应当及时将相关信息通报同级食品安全监管部门，并报告当地人民政府及上级
/// 卫生健康行政部门。食品安全监管部门应当及时将调查处置情况通报同级卫生健康行政部门: the
/// regulator is told of the hazard; the sample closes only once the health commission has
/// reported to the county government and upward and the regulator has reported back on
/// its handling (each with who and when, the comment saying what).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hazard_reported_to_the_government_and_the_regulator_reports_back_before_closing() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = hazard_notified(&app).await;
    assert!(
        app.notifications("regulator")
            .await
            .iter()
            .any(|n| n["case_id"] == id.as_str()),
        "the regulator is told"
    );
    let (status, body) = app.try_act("cdc", &id, "close", json!({}), None).await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["guard_false".to_owned()]),
        "{body}"
    );
    let reported = app
        .act(
            "health",
            &id,
            "report-to-government",
            json!({}),
            Some("已书面报告县人民政府和市卫生健康委"),
        )
        .await;
    assert_eq!(reported["data"]["government_reported_by"], "health");
    let (status, _) = app
        .try_act(
            "cdc",
            &id,
            "record-regulator-feedback",
            json!({}),
            Some("已处置"),
        )
        .await;
    assert_ne!(status, 200, "only the regulator reports its handling");
    let back = app
        .act(
            "regulator",
            &id,
            "record-regulator-feedback",
            json!({}),
            Some("已对涉事经营户立案调查，问题产品下架封存"),
        )
        .await;
    assert_eq!(back["data"]["regulator_feedback_by"], "regulator");
    assert!(
        app.notifications("health")
            .await
            .iter()
            .filter(|n| n["case_id"] == id.as_str())
            .count()
            >= 2,
        "the health commission hears back"
    );
    assert_eq!(
        app.act("cdc", &id, "close", json!({}), None).await["state"],
        "closed"
    );
    app.stop().await;
}

/// 向卫生健康行政部门、食品监管部门提交流行病学调查报告，并留存记录: the outbreak's
/// investigation report reaches the regulator as well as the health commission, and the
/// moment it was submitted is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbreak_investigation_report_goes_to_the_regulator_as_well() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let today = app.state.calendar().local_date(Utc::now()).to_string();
    let report = json!({
        "event_name": "石门镇农家乐就餐者呕吐事件", "reported_at": Utc::now().to_rfc3339(),
        "place": "石门镇", "setting": "restaurant", "cases_count": 7, "hospitalised": 0, "deaths": 0,
    });
    let case = app
        .create("cdc", json!({ "programme": P, "case_type": "outbreak", "org_unit": "county", "data": report }))
        .await;
    let id = case["id"].as_str().unwrap();
    app.act("health", id, "verify-report", json!({}), None)
        .await;
    app.act(
        "cdc",
        id,
        "start-investigation",
        json!({ "commissioned_by_health_admin": true, "online_start_reported_on": today }),
        None,
    )
    .await;
    let attribution = json!({ "food": "凉拌黄瓜", "pathogen": "诺如病毒", "contributing_factors": ["infected-handler"], "confidence": "probable" });
    app.act("cdc", id, "complete-investigation", json!({ "attribution": attribution, "food_business_related": true, "online_completion_reported_on": today }), None)
        .await;
    let submitted = app
        .act(
            "cdc",
            id,
            "submit-report",
            json!({ "investigation_report": "files/流行病学调查报告.pdf" }),
            None,
        )
        .await;
    assert_eq!(submitted["state"], "report-submitted");
    assert!(submitted["data"]["report_submitted_at"].is_string());
    for who in ["regulator", "health"] {
        assert!(
            app.notifications(who)
                .await
                .iter()
                .any(|n| n["case_id"] == id),
            "{who} is told"
        );
    }
    app.stop().await;
}

/// 监测样品数量不得少于市级监测方案要求的任务量，同时本地产品的数量所占比例不低于市级方案
/// 规定任务量的60%, checked at the year's end on what was actually collected: a plan whose
/// numbers met the city task (45 samples) but which collected one sample closes its year
/// with both shortfalls on record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_year_closes_with_samples_actually_collected_checked_against_the_city_task() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let (status, plan) = try_plan(&app, data::city_tasks()).await;
    assert_eq!(status, 201, "{plan}");
    let plan = plan["id"].as_str().unwrap().to_owned();
    let today = app.state.calendar().local_date(Utc::now()).to_string();
    app.act(
        "health",
        &plan,
        "file-plan",
        json!({ "filed_on": today }),
        None,
    )
    .await;
    let sample = app
        .create("cdc", json!({ "programme": P, "case_type": "monitoring-sample", "org_unit": "county", "parent": plan, "data": data::monitoring_sample() }))
        .await;
    let sample = sample["id"].as_str().unwrap();
    let collected = app
        .act(
            "cdc",
            sample,
            "record-collection",
            json!({ "sampling_record": data::sampling_record() }),
            None,
        )
        .await;
    assert_eq!(collected["data"]["collected"], true);
    let closed = app
        .act("health", &plan, "close-year", json!({}), None)
        .await;
    assert_eq!(
        closed["state"], "closed",
        "warnings do not stop the year closing"
    );
    let (status, events) = app
        .get(&format!("/api/v1/cases/{plan}/events"), "health")
        .await;
    assert_eq!(status, 200, "{events}");
    let event = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "close-year")
        .unwrap();
    let found: Vec<&str> = event["payload"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(found.contains(&"collected-below-city-task"), "{found:?}");
    assert!(
        found.contains(&"local-collected-below-60-percent"),
        "{found:?}"
    );
    app.stop().await;
}
