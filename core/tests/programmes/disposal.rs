//! 不合格食品核查处置 (sampling-disposal, part 2): how a disposal case opens, its
//! 24-hour and 90-day clocks, and the pause while an objection retest runs.

use chrono::Utc;
use serde_json::{Value, json};

use super::data;
use crate::common::Db;
use crate::common::shipped::{Shipped, at, deadline, due, has_deadline};

const P: &str = "sampling-disposal";

/// The usual way a disposal case opens: the lab reports a sampled batch non-conforming on
/// 2026-09-30 (report issued that day) and the notice reaches the market office at
/// `received` (`+08:00` text), when the inspector opens disposal. The disposal case's id.
pub async fn notice_at(app: &Shipped, received: &str, high_risk: bool) -> String {
    let plan = json!({ "programme": P, "case_type": "sampling-plan", "org_unit": "county", "data": data::sampling_plan(2026) });
    let plan = app
        .create_at("lead", at("2026-03-01T09:00:00+08:00"), plan)
        .await;
    let plan = plan["id"].as_str().unwrap();
    app.act_at(
        "lead",
        at("2026-03-02T09:00:00+08:00"),
        plan,
        "approve-plan",
        json!({}),
    )
    .await;
    let mut record = data::batch("散装白酒（高粱酒）", 77);
    record["sampled_on"] = json!("2026-09-20");
    let batch = json!({ "programme": P, "case_type": "sampled-batch", "org_unit": "town-a", "parent": plan, "data": record });
    let batch = app
        .create_at("sampler", at("2026-09-20T10:00:00+08:00"), batch)
        .await;
    let batch = batch["id"].as_str().unwrap();
    let receipt = json!({ "lab": "清河县食品检验检测中心", "received_by_lab_at": "2026-09-21T09:00:00+08:00" });
    app.act_at(
        "lab",
        at("2026-09-21T09:00:00+08:00"),
        batch,
        "receive-sample",
        receipt,
    )
    .await;
    let mut result = data::nonconforming_result("2026-09-30T08:00:00+08:00");
    result["report_issued_on"] = json!("2026-09-30");
    result["high_risk"] = json!(high_risk);
    app.act_at(
        "lab",
        at("2026-09-30T08:00:00+08:00"),
        batch,
        "record-result",
        result,
    )
    .await;
    let upload =
        json!({ "uploaded_at": "2026-09-30T09:00:00+08:00", "report_no": "QHJC-2026-11-0417" });
    app.act_at(
        "lab",
        at("2026-09-30T09:00:00+08:00"),
        batch,
        "upload-report",
        upload,
    )
    .await;
    app.act_at(
        "inspector",
        at(received),
        batch,
        "open-disposal",
        data::notice_arrived(),
    )
    .await;
    let cases = app
        .children("inspector", batch, "nonconforming-sample")
        .await;
    assert_eq!(cases.len(), 1);
    cases[0]["id"].as_str().unwrap().to_owned()
}

pub fn overdue_note_for(notes: &[Value], case: &str) -> bool {
    notes
        .iter()
        .any(|n| n["kind"] == "overdue" && n["case_id"] == case)
}

/// Notices from provincial or national sampling have no local batch: the workflow lets
/// the inspector open the disposal case by hand, with no parent case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provincial_notice_without_a_local_batch_is_opened_by_hand() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let notice = data::notice(&Utc::now().to_rfc3339(), false);
    let case = app
        .create("inspector", json!({ "programme": P, "case_type": "nonconforming-sample", "org_unit": "town-a", "data": notice }))
        .await;
    assert_eq!(case["state"], "received");
    assert_eq!(
        deadline(&case, "complete-within-90-days")["status"],
        "running"
    );
    app.stop().await;
}

/// A case opened by hand is held to its form like any action: a notice whose credit
/// code is not a unified social credit code, or that lacks its notice number, is refused
/// with each field named, and nothing is opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_opened_by_hand_is_held_to_its_form() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let mut notice = data::notice(&Utc::now().to_rfc3339(), false);
    notice["business_credit_code"] = json!("12345");
    notice.as_object_mut().unwrap().remove("notice_no");
    let (status, body) = app
        .try_create("inspector", json!({ "programme": P, "case_type": "nonconforming-sample", "org_unit": "town-a", "data": notice }))
        .await;
    assert_eq!(status, 422, "{body}");
    let found: Vec<(String, String)> = body["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["field"].as_str().unwrap().to_owned(),
                v["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (field, code) in [
        ("/business_credit_code", "pattern"),
        ("/notice_no", "required"),
    ] {
        assert!(
            found.iter().any(|(f, c)| f == field && c == code),
            "{field} {code}: {body}"
        );
    }
    assert!(
        app.list("inspector", "case_type=nonconforming-sample")
            .await
            .is_empty()
    );
    app.stop().await;
}

/// 高风险限时限报 → 24小时内启动: a notice received 2026-09-30 10:00 is due to start by
/// 2026-10-01 10:00; a minute after, the case is overdue and the bureau lead is told; a
/// late start meets the deadline late. A notice that is not high-risk has no such clock.
async fn high_risk_notice_received_on_30_september_must_start_by_1_october_10_00(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let id = notice_at(&app, "2026-09-30T10:00:00+08:00", true).await;
    let case = app.case("inspector", &id).await;
    assert_eq!(
        due(&case, "start-within-24-hours"),
        at("2026-10-01T10:00:00+08:00")
    );
    assert_eq!(
        deadline(&case, "start-within-24-hours")["status"],
        "running"
    );
    app.sweep(at("2026-10-01T09:59:00+08:00")).await;
    assert_eq!(app.case("inspector", &id).await["overdue"], false);
    app.sweep(at("2026-10-01T10:00:01+08:00")).await;
    let case = app.case("lead", &id).await;
    assert_eq!(case["overdue"], true);
    assert_eq!(deadline(&case, "start-within-24-hours")["breached"], true);
    assert!(overdue_note_for(&app.notifications("lead").await, &id));
    let started = app
        .act_at(
            "inspector",
            at("2026-10-01T15:00:00+08:00"),
            &id,
            "start-disposal",
            data::start_disposal(),
        )
        .await;
    assert_eq!(started["state"], "disposal-started");
    assert_eq!(
        deadline(&started, "start-within-24-hours")["status"],
        "late"
    );
    let calm = notice_at(&app, "2026-09-30T10:00:00+08:00", false).await;
    assert!(!has_deadline(
        &app.case("inspector", &calm).await,
        "start-within-24-hours"
    ));
    app.stop().await;
}
crate::on_both!(high_risk_notice_received_on_30_september_must_start_by_1_october_10_00);

/// 领取后90个自然日内办结: received 2026-09-30 10:00, so due 2026-12-29 10:00.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disposal_completes_within_90_natural_days_so_by_29_december() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = notice_at(&app, "2026-09-30T10:00:00+08:00", false).await;
    let case = app.case("inspector", &id).await;
    assert_eq!(
        due(&case, "complete-within-90-days"),
        at("2026-12-29T10:00:00+08:00")
    );
    app.sweep(at("2026-12-29T09:59:59+08:00")).await;
    assert_eq!(app.case("inspector", &id).await["overdue"], false);
    app.sweep(at("2026-12-29T10:00:01+08:00")).await;
    assert_eq!(app.case("inspector", &id).await["overdue"], true);
    for who in ["lead", "sd-admin"] {
        assert!(
            overdue_note_for(&app.notifications(who).await, &id),
            "{who} is told"
        );
    }
    app.stop().await;
}

/// 严格控制在领取后的90个自然日内完成: the plan allows no pause. An objection retest
/// (异议复检) accepted on 2026-10-10 leaves the clock running: still due 2026-12-29 10:00,
/// and overdue a second after even though the retest has not come back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objection_retest_does_not_pause_the_90_day_clock() {
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
    let objected = app
        .act_at(
            "inspector",
            at("2026-10-10T10:00:00+08:00"),
            &id,
            "accept-objection",
            data::objection(),
        )
        .await;
    assert_eq!(objected["state"], "objection-retest");
    assert_eq!(
        deadline(&objected, "complete-within-90-days")["status"],
        "running"
    );
    assert_eq!(
        due(&objected, "complete-within-90-days"),
        at("2026-12-29T10:00:00+08:00")
    );
    app.sweep(at("2026-12-29T09:59:59+08:00")).await;
    assert_eq!(app.case("inspector", &id).await["overdue"], false);
    app.sweep(at("2026-12-29T10:00:01+08:00")).await;
    assert_eq!(
        app.case("inspector", &id).await["overdue"],
        true,
        "the retest does not stop the clock"
    );
    app.stop().await;
}

/// 领取后: a notice opened by hand two days after it arrived counts from its receipt
/// (`notice_received_at`), not from the moment it was typed in. Received 2026-09-30
/// 10:00, high-risk, entered 2026-10-02 09:00: the start was due 2026-10-01 10:00 (so
/// the case is overdue as soon as it is swept) and completion 2026-12-29 10:00.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clocks_of_a_notice_opened_by_hand_count_from_its_receipt() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let notice = data::notice("2026-09-30T10:00:00+08:00", true);
    let case = app
        .create_at(
            "inspector",
            at("2026-10-02T09:00:00+08:00"),
            json!({ "programme": P, "case_type": "nonconforming-sample", "org_unit": "town-a", "data": notice }),
        )
        .await;
    assert_eq!(
        due(&case, "start-within-24-hours"),
        at("2026-10-01T10:00:00+08:00")
    );
    assert_eq!(
        due(&case, "complete-within-90-days"),
        at("2026-12-29T10:00:00+08:00")
    );
    let id = case["id"].as_str().unwrap();
    app.sweep(at("2026-10-02T09:00:01+08:00")).await;
    assert_eq!(app.case("inspector", id).await["overdue"], true);
    app.stop().await;
}
