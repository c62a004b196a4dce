//! 抽检信息公布 (sampling-disposal, part 3): publication within 10 working days of the
//! report, or of an objection retest's completion.

use serde_json::json;

use super::data;
use super::disposal::notice_at;
use crate::common::Db;
use crate::common::shipped::{Shipped, at, deadline, due};

/// 检验报告出具10个工作日内公布: a report issued 2026-09-30 is published by 2026-10-20
/// (1-7 October are off, Saturday 10 October is worked).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publication_within_10_working_days_counts_national_day_and_the_10_october_make_up_day() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = notice_at(&app, "2026-09-30T10:00:00+08:00", false).await;
    app.act_at(
        "inspector",
        at("2026-09-30T16:00:00+08:00"),
        &id,
        "start-disposal",
        data::start_disposal(),
    )
    .await;
    let publications = app.children("lead", &id, "publication").await;
    assert_eq!(publications.len(), 1);
    let publication = publications[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(publications[0]["data"]["report_issued_on"], "2026-09-30");
    assert_eq!(
        due(&publications[0], "publish-within-10-working-days"),
        at("2026-10-20T23:59:59+08:00")
    );
    app.sweep(at("2026-10-20T23:00:00+08:00")).await;
    assert_eq!(app.case("lead", &publication).await["overdue"], false);
    app.sweep(at("2026-10-21T00:00:01+08:00")).await;
    assert_eq!(app.case("lead", &publication).await["overdue"], true);
    let published = json!({ "published_on": "2026-10-22", "publication_url": "https://amr.qinghe.gov.cn/cjxx/2026-118", "impact_assessed": true });
    app.act("lab", &publication, "confirm-accuracy", json!({}), None)
        .await;
    let done = app
        .act("lead", &publication, "publish", published, None)
        .await;
    assert_eq!(
        deadline(&done, "publish-within-10-working-days")["status"],
        "late"
    );
    app.stop().await;
}

/// …或完成异议复检工作后10个工作日内公布: publication waits for the retest, then runs 10
/// working days from its completion (Thursday 2026-10-29 → Thursday 2026-11-12).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publication_after_an_objection_retest_counts_10_working_days_from_the_retest() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = notice_at(&app, "2026-09-30T10:00:00+08:00", false).await;
    app.act_at(
        "inspector",
        at("2026-09-30T16:00:00+08:00"),
        &id,
        "start-disposal",
        data::start_disposal(),
    )
    .await;
    let publication = app.children("lead", &id, "publication").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let held = app
        .try_act_at(
            "lead",
            at("2026-10-08T09:00:00+08:00"),
            &publication,
            "hold-for-objection",
            json!({}),
            None,
        )
        .await;
    assert!(held.is_err(), "no objection yet");
    app.act_at(
        "inspector",
        at("2026-10-10T10:00:00+08:00"),
        &id,
        "accept-objection",
        data::objection(),
    )
    .await;
    let held = app
        .act_at(
            "lead",
            at("2026-10-10T11:00:00+08:00"),
            &publication,
            "hold-for-objection",
            json!({}),
        )
        .await;
    assert_eq!(held["state"], "on-hold");
    assert_eq!(
        deadline(&held, "publish-within-10-working-days")["status"],
        "dropped"
    );
    let early = app
        .try_act_at(
            "lead",
            at("2026-10-20T09:00:00+08:00"),
            &publication,
            "resume-after-retest",
            json!({}),
            None,
        )
        .await;
    assert!(
        early.is_err(),
        "the retest has not confirmed the result yet"
    );
    app.act_at(
        "inspector",
        at("2026-10-30T10:00:00+08:00"),
        &id,
        "retest-confirmed",
        data::retest_confirmed("2026-10-29"),
    )
    .await;
    let resumed = app
        .act_at(
            "lead",
            at("2026-10-30T11:00:00+08:00"),
            &publication,
            "resume-after-retest",
            json!({}),
        )
        .await;
    assert_eq!(resumed["state"], "pending");
    assert_eq!(resumed["data"]["retest_completed_on"], "2026-10-29");
    assert_eq!(
        due(&resumed, "publish-after-retest"),
        at("2026-11-12T23:59:59+08:00")
    );
    app.stop().await;
}

/// 承检机构实行首检负责制，应对拟公布食品安全抽检结果信息进行整理、汇总、核对，并对…准确性
/// 负责; 及时向食品生产、流通、餐饮等机构通报抽检不合格信息: the result is published only
/// once the laboratory has checked it (who and when are kept), and the market office
/// records telling the businesses concerned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_laboratory_checks_what_is_published_and_businesses_are_told() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = notice_at(&app, "2026-09-30T10:00:00+08:00", false).await;
    app.act_at(
        "inspector",
        at("2026-09-30T16:00:00+08:00"),
        &id,
        "start-disposal",
        data::start_disposal(),
    )
    .await;
    let publication = app.children("lead", &id, "publication").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let published = json!({ "published_on": "2026-10-12", "publication_url": "https://amr.qinghe.gov.cn/cjxx/2026-118", "impact_assessed": true });
    let (status, body) = app
        .try_act("lead", &publication, "publish", published.clone(), None)
        .await;
    assert_eq!(status, 422, "not before the laboratory checked it: {body}");
    let told = app
        .act(
            "inspector",
            &publication,
            "notify-businesses",
            json!({}),
            Some("已书面通报桃源酒坊及其上游供货商清河县酿酒厂"),
        )
        .await;
    assert!(told["data"]["businesses_notified_at"].is_string());
    let checked = app
        .act("lab", &publication, "confirm-accuracy", json!({}), None)
        .await;
    assert_eq!(checked["data"]["lab_confirmed_by"], "lab");
    let done = app
        .act("lead", &publication, "publish", published, None)
        .await;
    assert_eq!(done["state"], "published");
    app.stop().await;
}
