//! 高层建筑消防安全专项整治 (fire-safety-rectification, part 2): hazards under listed
//! supervision, past their deadline, a fatal fire, and acceptance.

use serde_json::{Value, json};

use super::data::{building, hazard, two_lists};
use super::fire::{hazard_id, hazards, rectification, rectification_for};
use crate::common::Db;
use crate::common::shipped::{Shipped, at, codes, deadline, due};

/// 挂牌督办: only a major hazard or key problem, with plan, responsibility, measures,
/// funds and temporary safeguards; that meets the end-of-June supervision date.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn major_hazard_goes_under_listed_supervision() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = rectification(&app, building("住院大楼", "public", 16, 62.5)).await;
    let rows = vec![
        hazard(
            "safety-management",
            "消防控制室值班人员无证上岗",
            "2026-12-31",
            false,
            false,
        ),
        hazard(
            "shafts-insulation",
            "外墙保温层大面积破损",
            "2027-05-31",
            true,
            true,
        ),
    ];
    app.act("facility", &id, "submit-two-lists", two_lists(rows), None)
        .await;
    let cases = hazards(&app, &id).await;
    let minor = hazard_id(&cases, "消防控制室值班人员无证上岗");
    let major = hazard_id(&cases, "外墙保温层大面积破损");
    let listing = json!({ "listed_supervision": {
        "listed_on": "2026-12-01", "plan": "分区拆除更换A级保温材料", "responsibility": "院长负总责，后勤保卫科具体实施",
        "measures": "施工期间划定警戒区", "funds": 86.0, "temporary_safeguards": "增设室外消火栓和巡查频次",
    } });
    let (status, body) = app
        .try_act(
            "hlead",
            &minor,
            "list-for-supervision",
            listing.clone(),
            None,
        )
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["guard_false".to_owned()]),
        "{body}"
    );
    let (status, body) = app
        .try_act("hlead", &major, "list-for-supervision", json!({}), None)
        .await;
    assert_eq!(status, 422, "no plan: {body}");
    let listed = app
        .act_at(
            "hlead",
            at("2026-12-01T10:00:00+08:00"),
            &major,
            "list-for-supervision",
            listing,
        )
        .await;
    assert_eq!(listed["state"], "listed");
    assert_eq!(
        deadline(&listed, "serious-problem-supervised")["status"],
        "met"
    );
    assert!(
        app.notifications("facility")
            .await
            .iter()
            .any(|n| n["case_id"] == major.as_str())
    );
    app.stop().await;
}

/// A hazard past its deadline is flagged overdue by the system; the bureau lead may give
/// 30 more days, with a reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hazard_past_its_deadline_is_flagged_overdue_and_may_be_extended_by_30_days() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = rectification(&app, building("住院大楼", "public", 16, 62.5)).await;
    let rows = vec![hazard(
        "other",
        "配电箱私拉乱接电线",
        "2027-03-31",
        false,
        false,
    )];
    app.act("facility", &id, "submit-two-lists", two_lists(rows), None)
        .await;
    let h = hazard_id(&hazards(&app, &id).await, "配电箱私拉乱接电线");
    app.sweep(at("2027-03-31T23:59:00+08:00")).await;
    assert_eq!(app.case("hinspector", &h).await["state"], "open");
    app.sweep(at("2027-04-01T00:00:01+08:00")).await;
    let flagged = app.case("hinspector", &h).await;
    assert_eq!(
        (flagged["state"].as_str(), flagged["overdue"].as_bool()),
        (Some("overdue"), Some(true))
    );
    assert!(
        app.notifications("hlead")
            .await
            .iter()
            .any(|n| n["case_id"] == h.as_str())
    );
    let (status, body) = app
        .try_act("hlead", &h, "extend-deadline", json!({}), None)
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["comment_required".to_owned()]),
        "{body}"
    );
    let extended = app
        .act(
            "hlead",
            &h,
            "extend-deadline",
            json!({}),
            Some("需停电施工，协调供电部门"),
        )
        .await;
    assert_eq!(extended["state"], "rectifying");
    assert_eq!(
        due(&extended, "rectify-by"),
        at("2027-04-30T23:59:59+08:00")
    );
    app.stop().await;
}

/// 发生亡人和有影响火灾的，逐起实施延伸调查: reported with a comment, the bureau told.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fatal_fire_is_reported_for_an_extended_investigation() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = rectification(&app, building("住院大楼", "public", 16, 62.5)).await;
    let (status, _) = app
        .try_act("facility", &id, "report-fatal-fire", json!({}), None)
        .await;
    assert_eq!(status, 422, "a comment is required");
    let fire = app
        .act(
            "facility",
            &id,
            "report-fatal-fire",
            json!({}),
            Some("11月28日配电间起火，1人死亡"),
        )
        .await;
    assert_eq!(
        (fire["state"].as_str(), fire["data"]["fatal_fire"].as_bool()),
        (Some("investigation"), Some(true))
    );
    for who in ["hlead", "fs-admin"] {
        assert!(
            app.notifications(who)
                .await
                .iter()
                .any(|n| n["case_id"] == id.as_str()),
            "{who}"
        );
    }
    app.stop().await;
}

/// A campaign whose acceptance stage has already opened (1 October 2026).
fn campaign_in_acceptance() -> Value {
    json!({
        "investigation_due_on": "2026-06-30", "serious_problems_due_on": "2026-07-31",
        "key_problems_due_on": "2026-08-31", "all_due_on": "2026-09-30",
        "acceptance_opens_on": "2026-10-01", "acceptance_due_on": "2026-12-31",
    })
}

async fn rectify_and_verify(app: &Shipped, hazard: &str, verify: bool) {
    let evidence = json!({ "rectified_on": "2026-09-10", "evidence": "files/整改前后对比照片.zip", "progress_note": "已清理并设置警示标识" });
    app.act("facility", hazard, "submit-rectification", evidence, None)
        .await;
    if verify {
        let closed = app
            .act(
                "hinspector",
                hazard,
                "verify-rectification",
                json!({}),
                None,
            )
            .await;
        assert_eq!(
            (
                closed["state"].as_str(),
                closed["data"]["verified_by"].as_str()
            ),
            (Some("closed"), Some("hinspector"))
        );
    }
}

/// 隐患逐项整改销号: everything is declared rectified, and acceptance requested and
/// given, only once every hazard is verified and closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acceptance_refused_while_any_hazard_is_open() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let b = building("门诊综合楼", "public", 12, 49.8);
    let id = rectification_for(&app, b, campaign_in_acceptance()).await;
    let rows = vec![
        hazard(
            "safety-management",
            "安全出口上锁",
            "2026-08-15",
            false,
            false,
        ),
        hazard(
            "fire-facilities",
            "火灾自动报警系统故障",
            "2026-08-15",
            true,
            false,
        ),
    ];
    app.act("facility", &id, "submit-two-lists", two_lists(rows), None)
        .await;
    let cases = hazards(&app, &id).await;
    let (exit, alarm) = (
        hazard_id(&cases, "安全出口上锁"),
        hazard_id(&cases, "火灾自动报警系统故障"),
    );
    let refused = |label: &'static str| {
        let app = &app;
        let id = id.clone();
        async move {
            let (status, body) = app
                .try_act("facility", &id, "declare-rectified", json!({}), None)
                .await;
            assert_eq!(status, 422, "{label}: {body}");
        }
    };
    refused("both open").await;
    app.act(
        "facility",
        &exit,
        "start-rectification",
        json!({ "progress_note": "已拆除门锁，改装推闩" }),
        None,
    )
    .await;
    rectify_and_verify(&app, &exit, true).await;
    refused("one open").await;
    rectify_and_verify(&app, &alarm, false).await;
    refused("one rectified but not yet verified").await;
    app.act(
        "hinspector",
        &alarm,
        "verify-rectification",
        json!({}),
        None,
    )
    .await;
    let done = app
        .act("facility", &id, "declare-rectified", json!({}), None)
        .await;
    assert_eq!(done["state"], "rectified");
    let summary = json!({ "summary_report": "files/专项整治工作总结.docx" });
    assert_eq!(
        app.act("facility", &id, "request-acceptance", summary, None)
            .await["state"],
        "acceptance"
    );
    let accepted =
        json!({ "accepted_on": "2026-11-28", "acceptance_opinion": "隐患全部整改销号，同意验收" });
    let closed = app.act("hinspector", &id, "accept", accepted, None).await;
    assert_eq!(closed["state"], "closed");
    app.stop().await;
}

/// 总结验收 (October to December of the final year): not requested before it opens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acceptance_is_requested_only_once_its_stage_opens() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = rectification(&app, building("住院大楼", "public", 16, 62.5)).await;
    app.act(
        "facility",
        &id,
        "submit-two-lists",
        two_lists(Vec::new()),
        None,
    )
    .await;
    app.act("facility", &id, "declare-rectified", json!({}), None)
        .await;
    let summary = json!({ "summary_report": "files/专项整治工作总结.docx" });
    let (status, body) = app
        .try_act("facility", &id, "request-acceptance", summary, None)
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["guard_false".to_owned()]),
        "opens 2028-10-01: {body}"
    );
    app.stop().await;
}

/// 凡…发生亡人和有影响火灾事故的，将逐起实施"火灾事故延伸调查": each report opens its own
/// extended-investigation record, which the bureau concludes with its findings and the
/// accountability, not just a flag on the rectification.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fatal_fire_opens_an_extended_investigation_the_bureau_concludes() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = rectification(&app, building("住院大楼", "public", 16, 62.5)).await;
    app.act(
        "facility",
        &id,
        "report-fatal-fire",
        json!({}),
        Some("11月28日配电间起火，1人死亡"),
    )
    .await;
    let records = app.children("hlead", &id, "fire-investigation").await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["data"]["building_name"], "住院大楼");
    let record = records[0]["id"].as_str().unwrap();
    let (status, _) = app
        .try_act("facility", record, "conclude", json!({}), None)
        .await;
    assert_ne!(status, 200, "the bureau concludes it");
    let conclusion = json!({
        "deaths": 1, "findings": "配电间线路老化短路引燃杂物，消防控制室值班人员脱岗",
        "accountability": "对医院分管副院长诫勉谈话，保卫科长免职", "concluded_on": "2026-12-20",
    });
    let done = app.act("hlead", record, "conclude", conclusion, None).await;
    assert_eq!(done["state"], "concluded");
    app.stop().await;
}

/// 各医疗机构应按照三年整治计划…; 专项整治开展情况纳入年度消防工作责任目标考核内容: the
/// institution files its three-year plan, and at acceptance the bureau records that the
/// campaign's result went into its annual fire-safety target assessment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_year_plan_filed_and_the_result_counted_in_the_annual_target_assessment() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let b = building("门诊综合楼", "public", 12, 49.8);
    let id = rectification_for(&app, b, campaign_in_acceptance()).await;
    let plan = json!({ "three_year_plan": "files/高层建筑消防安全三年整治计划.pdf", "three_year_plan_on": "2026-05-20" });
    let filed = app
        .act("facility", &id, "file-three-year-plan", plan, None)
        .await;
    assert_eq!(filed["data"]["three_year_plan_on"], "2026-05-20");
    let rows = vec![hazard(
        "fire-facilities",
        "火灾自动报警系统故障",
        "2026-08-15",
        true,
        false,
    )];
    app.act("facility", &id, "submit-two-lists", two_lists(rows), None)
        .await;
    let alarm = hazard_id(&hazards(&app, &id).await, "火灾自动报警系统故障");
    rectify_and_verify(&app, &alarm, true).await;
    app.act("facility", &id, "declare-rectified", json!({}), None)
        .await;
    let summary = json!({ "summary_report": "files/专项整治工作总结.docx" });
    app.act("facility", &id, "request-acceptance", summary, None)
        .await;
    let assessed = app
        .act(
            "hlead",
            &id,
            "record-target-assessment",
            json!({}),
            Some("纳入2026年度消防工作责任目标考核，得分95"),
        )
        .await;
    assert_eq!(assessed["data"]["target_assessed_by"], "hlead");
    app.stop().await;
}

/// 对需要明火作业的，必须严格履行动火审批手续，操作人员必须持证上岗: hot work is recorded
/// with its approval and refused when the operator's certificate has lapsed by the day of
/// the work or the approval comes after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_work_needs_its_approval_and_a_certified_operator() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let b = super::fire::new_building(&app, building("住院大楼", "public", 16, 62.5)).await;
    let work = |valid_until: &str, approved_on: &str| {
        json!({ "programme": "fire-safety-rectification", "case_type": "hot-work", "org_unit": "clinic", "parent": b, "data": {
            "work_on": "2026-12-10", "location": "五楼病区走廊", "description": "吊顶龙骨焊接",
            "approved_by": "保卫科 王强", "approved_on": approved_on, "operator": "李师傅",
            "certificate_no": "T430123198803150011", "certificate_valid_until": valid_until,
            "safeguards": "清理可燃物，配置灭火器2具，专人监护",
        } })
    };
    let (status, body) = app
        .try_create("facility", work("2026-11-30", "2026-12-08"))
        .await;
    assert_eq!(status, 422, "a lapsed certificate: {body}");
    let (status, body) = app
        .try_create("facility", work("2028-03-14", "2026-12-11"))
        .await;
    assert_eq!(status, 422, "approved after the work: {body}");
    let (status, body) = app
        .try_create("facility", work("2028-03-14", "2026-12-08"))
        .await;
    assert_eq!(status, 201, "{body}");
    app.stop().await;
}
