//! 食品安全风险监测 (risk-monitoring, part 2): the reports and quality tasks the
//! programme opens by itself, each due by the end of its day, and the plan's filing.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use super::data;
use super::sampling::scheduled;
use crate::common::Db;
use crate::common::shipped::{Shipped, at, deadline, due};

const P: &str = "risk-monitoring";

/// The periodic reports of `kind` for `period`.
async fn reports(app: &Shipped, kind: &str, period: &str) -> Vec<Value> {
    let all = scheduled(app, "cdc", P, "periodic-report").await;
    all.into_iter()
        .filter(|c| c["data"]["report_kind"] == kind && c["data"]["period"] == period)
        .collect()
}

fn overdue_note_for(notes: &[Value], case: &Value) -> bool {
    notes
        .iter()
        .any(|n| n["kind"] == "overdue" && n["case_id"] == case["id"])
}

/// 每月5日前向市疾控中心报送上月疑似聚集性病例分析结果: opened on the 1st, due by the end of
/// the 5th, overdue from the first second of the 6th; the CDC and the commission are told.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monthly_cluster_analysis_due_by_the_5th() {
    let app = Shipped::spawn(Db::Sqlite).await;
    app.sweep(at("2026-11-30T20:00:00+08:00")).await;
    assert!(
        reports(&app, "monthly-cluster", "2026-12").await.is_empty(),
        "not before the 1st"
    );
    app.sweep(at("2026-12-01T08:00:00+08:00")).await;
    let december = reports(&app, "monthly-cluster", "2026-12").await;
    assert_eq!(december.len(), 1, "one for the county");
    let report = &december[0];
    assert_eq!(report["org_unit"], "county");
    assert_eq!(report["data"]["due_on"], "2026-12-05");
    assert_eq!(report["data"]["recipients"], json!(["city-cdc"]));
    assert_eq!(
        due(report, "submit-by-due-date"),
        at("2026-12-05T23:59:59+08:00")
    );
    let id = report["id"].as_str().unwrap();
    app.sweep(at("2026-12-05T23:00:00+08:00")).await;
    assert_eq!(app.case("cdc", id).await["overdue"], false, "still the 5th");
    app.sweep(at("2026-12-06T00:00:01+08:00")).await;
    assert_eq!(app.case("cdc", id).await["overdue"], true);
    for who in ["cdc", "health"] {
        assert!(
            overdue_note_for(&app.notifications(who).await, report),
            "{who} is told"
        );
    }
    let submission = json!({ "report_file": "files/2026年11月疑似聚集性病例分析.docx", "submitted_on": "2026-12-06" });
    let late = app
        .act_at(
            "cdc",
            at("2026-12-06T09:00:00+08:00"),
            id,
            "submit",
            submission,
        )
        .await;
    assert_eq!(deadline(&late, "submit-by-due-date")["status"], "late");
    app.stop().await;
}

/// 每季度第一个月10日前报送上季度汇总分析报告 (samples to the city CDC, disease to the
/// county commission): for Q4 2026 due by 10 October, opened 5 working days before
/// (National Day counted as off: 28 September).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quarterly_summary_due_by_the_10th_of_the_quarters_first_month() {
    let app = Shipped::spawn(Db::Sqlite).await;
    app.sweep(at("2026-09-27T12:00:00+08:00")).await;
    assert!(
        reports(&app, "quarterly-samples", "2026-Q4")
            .await
            .is_empty()
    );
    app.sweep(at("2026-09-28T08:00:00+08:00")).await;
    for (kind, to) in [
        ("quarterly-samples", "city-cdc"),
        ("quarterly-disease", "county-health-commission"),
    ] {
        let found = reports(&app, kind, "2026-Q4").await;
        assert_eq!(found.len(), 1, "{kind}");
        assert_eq!(found[0]["data"]["due_on"], "2026-10-10", "{kind}");
        assert_eq!(found[0]["data"]["recipients"], json!([to]), "{kind}");
        assert_eq!(
            due(&found[0], "submit-by-due-date"),
            at("2026-10-10T23:59:59+08:00")
        );
    }
    app.sweep(at("2026-10-11T00:00:01+08:00")).await;
    let q4 = reports(&app, "quarterly-samples", "2026-Q4").await;
    assert_eq!(q4[0]["overdue"], true);
    app.stop().await;
}

/// 7月1日前报送上半年总结; 12月31日前报送全年总结; 1月10日前报送全年监测结果（所涉年度为
/// 上一年）.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_year_summary_by_1_july_annual_summary_by_31_december_results_by_10_january() {
    let app = Shipped::spawn(Db::Sqlite).await;
    app.sweep(at("2026-06-15T12:00:00+08:00")).await;
    assert!(reports(&app, "half-year-summary", "2026").await.is_empty());
    app.sweep(at("2026-06-16T08:00:00+08:00")).await;
    let half = reports(&app, "half-year-summary", "2026").await;
    assert_eq!(half.len(), 1);
    assert_eq!(
        due(&half[0], "submit-by-due-date"),
        at("2026-07-01T23:59:59+08:00")
    );
    app.sweep(at("2026-12-16T08:00:00+08:00")).await;
    let annual = reports(&app, "annual-summary", "2026").await;
    assert_eq!(annual.len(), 1);
    assert_eq!(annual[0]["data"]["due_on"], "2026-12-31");
    app.sweep(at("2026-12-31T08:00:00+08:00")).await;
    for kind in ["annual-sample-results", "annual-disease-results"] {
        let results = reports(&app, kind, "2027").await;
        assert_eq!(results.len(), 1, "{kind}");
        assert_eq!(results[0]["data"]["due_on"], "2027-01-10");
        assert_eq!(
            results[0]["data"]["covers"], "2026",
            "{kind} is about the year before"
        );
    }
    app.stop().await;
}

/// 县级方案于市级方案下发后30日内报市卫生健康委备案.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn county_plan_filed_with_the_city_within_30_days() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let today = app.state.calendar().local_date(Utc::now());
    let issued = today - Duration::days(10);
    let mut plan = data::monitoring_plan(data::city_tasks());
    plan["city_plan_issued_on"] = json!(issued.to_string());
    let case = app
        .create("health", json!({ "programme": P, "case_type": "monitoring-plan", "org_unit": "county", "data": plan }))
        .await;
    let expected = (issued + Duration::days(30)).to_string();
    assert_eq!(
        deadline(&case, "file-with-city")["due"].as_str().map(at),
        Some(at(&format!("{expected}T23:59:59+08:00")))
    );
    let id = case["id"].as_str().unwrap();
    app.sweep(Utc::now()).await;
    assert_eq!(app.case("health", id).await["overdue"], false);
    let filed = app
        .act(
            "health",
            id,
            "file-plan",
            json!({ "filed_on": today.to_string() }),
            None,
        )
        .await;
    assert_eq!(deadline(&filed, "file-with-city")["status"], "met");
    app.stop().await;
}

/// 现场督导每个季度1次 (by each quarter's last day); 暴发调查培训每年不少于2个工作日.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quarterly_on_site_supervision_and_outbreak_training_of_at_least_two_working_days() {
    let app = Shipped::spawn(Db::Sqlite).await;
    app.sweep(at("2026-09-01T08:00:00+08:00")).await;
    app.sweep(at("2026-11-01T08:00:00+08:00")).await;
    let tasks = scheduled(&app, "cdc", P, "quality-task").await;
    let find = |kind: &str, by: &str| {
        tasks
            .iter()
            .find(|t| t["data"]["task_kind"] == kind && t["data"]["complete_by"] == by)
            .unwrap_or_else(|| panic!("no {kind} due {by}: {tasks:?}"))
            .clone()
    };
    let training = find("outbreak-training", "2026-11-30");
    let supervision = find("on-site-supervision", "2026-12-31");
    let id = training["id"].as_str().unwrap();
    let one_day = json!({ "training_first_day": "2026-11-16", "training_last_day": "2026-11-16", "participants": 24, "record_file": "files/培训签到表.pdf" });
    let refused = app
        .try_act_at(
            "cdc",
            at("2026-11-20T10:00:00+08:00"),
            id,
            "complete",
            one_day,
            None,
        )
        .await;
    let why = format!("{:?}", refused.expect_err("one day is not enough"));
    assert!(why.contains("training"), "{why}");
    let two_days = json!({ "training_first_day": "2026-11-16", "training_last_day": "2026-11-17", "participants": 24, "record_file": "files/培训签到表.pdf" });
    let done = app
        .act_at(
            "cdc",
            at("2026-11-20T10:00:00+08:00"),
            id,
            "complete",
            two_days,
        )
        .await;
    assert_eq!(done["state"], "done");
    let id = supervision["id"].as_str().unwrap();
    let when = at("2026-12-15T10:00:00+08:00");
    let refused = app
        .try_act_at(
            "cdc",
            when,
            id,
            "complete",
            json!({ "record_file": "files/督导记录.pdf" }),
            None,
        )
        .await;
    assert!(refused.is_err(), "no hospital supervised");
    let visits = json!({ "hospitals_supervised": [{ "hospital": "hospital", "supervised_on": "2026-12-10", "findings": "病例信息填报及时完整" }], "record_file": "files/督导记录.pdf" });
    assert_eq!(
        app.act_at("cdc", when, id, "complete", visits).await["state"],
        "done"
    );
    app.stop().await;
}

/// A reloaded working-day calendar reaches the plugins at once: the training check counts
/// working days through the host, so when a reload makes Saturday 14 November a make-up
/// working day (调休上班), a training on Friday 13 and Saturday 14 November lasts two
/// working days and passes, where before the reload it lasted one and was refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reloaded_calendar_reaches_the_plugins_without_a_restart() {
    let app = Shipped::spawn(Db::Sqlite).await;
    app.sweep(at("2026-09-01T08:00:00+08:00")).await;
    app.sweep(at("2026-11-01T08:00:00+08:00")).await;
    let tasks = scheduled(&app, "cdc", P, "quality-task").await;
    let training = tasks
        .iter()
        .find(|t| {
            t["data"]["task_kind"] == "outbreak-training"
                && t["data"]["complete_by"] == "2026-11-30"
        })
        .expect("the outbreak training task");
    let id = training["id"].as_str().unwrap();
    let when = at("2026-11-20T10:00:00+08:00");
    let friday_and_saturday = json!({ "training_first_day": "2026-11-13", "training_last_day": "2026-11-14", "participants": 24, "record_file": "files/培训签到表.pdf" });
    let refused = app
        .try_act_at(
            "cdc",
            when,
            id,
            "complete",
            friday_and_saturday.clone(),
            None,
        )
        .await;
    let why = format!("{:?}", refused.expect_err("one working day is not enough"));
    assert!(why.contains("training-too-short"), "{why}");

    let dir = std::env::temp_dir().join(format!("anjuan-calendar-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let shipped =
        std::fs::read_to_string(crate::common::repo().join("calendar/2026.toml")).unwrap();
    let with_make_up_day = shipped.replace(
        r#"work = ["2026-09-20", "2026-10-10"]"#,
        r#"work = ["2026-09-20", "2026-10-10", "2026-11-14"]"#,
    );
    assert_ne!(shipped, with_make_up_day, "the national-day entry moved");
    std::fs::write(dir.join("2026.toml"), with_make_up_day).unwrap();
    let tz = app.state.calendar().timezone();
    let reloaded = anjuan::calendar::Calendar::load(Some(&dir), tz).unwrap();
    // What the administrator's reload (POST /api/v1/programmes/reload) calls.
    app.state.set_calendar(reloaded);

    let done = app
        .act_at("cdc", when, id, "complete", friday_and_saturday)
        .await;
    assert_eq!(done["state"], "done");
    app.stop().await;
}
