//! 核查处置到底 (sampling-disposal, part 4): penalty, re-inspection before production
//! resumes, transfer to the police.

use chrono::Utc;
use serde_json::{Value, json};

use super::data;
use crate::common::Db;
use crate::common::shipped::{Shipped, actions, codes, deadline};

/// The disposal steps up to re-inspection, at real time over HTTP.
pub async fn to_penalty(app: &Shipped) -> String {
    let plan = super::sampling::plan(app, 2026).await;
    let batch = super::sampling::reported_batch(
        app,
        &plan,
        data::nonconforming_result(&Utc::now().to_rfc3339()),
    )
    .await;
    app.act(
        "inspector",
        &batch,
        "open-disposal",
        data::notice_arrived(),
        None,
    )
    .await;
    let id = app
        .children("inspector", &batch, "nonconforming-sample")
        .await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut start = data::start_disposal();
    start["business_role"] = json!("producer");
    app.act("inspector", &id, "start-disposal", start, None)
        .await;
    app.act(
        "inspector",
        &id,
        "record-product-control",
        data::product_control(),
        None,
    )
    .await;
    app.act(
        "inspector",
        &id,
        "record-cause-investigation",
        data::cause(),
        None,
    )
    .await;
    id
}

/// Confirm `steps` as filed in the national system's disposal module (核查处置模块填报).
pub async fn confirm_filed(app: &Shipped, id: &str, steps: &[&str]) -> Value {
    let mut case = Value::Null;
    for step in steps {
        case = app
            .act(
                "inspector",
                id,
                "confirm-system-filing",
                json!({ "filed_step": step }),
                None,
            )
            .await;
    }
    case
}

/// The four steps the plan has filed in the national system.
pub const ALL_FILED: [&str; 4] = [
    "disposal-started",
    "product-control",
    "cause-investigation",
    "penalty",
];

/// 未经复查，或者复查后同种食品仍然被检出问题的，食品生产者不得恢复生产: production may
/// resume only after a re-inspection recorded as passed by an earlier action; a passed
/// result sent along with resuming is refused (`not_in_form`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_cannot_resume_before_a_passed_reinspection() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = to_penalty(&app).await;
    app.act("inspector", &id, "record-penalty", data::penalty(), None)
        .await;
    let today = app.state.calendar().local_date(Utc::now()).to_string();
    let resume = json!({ "production_resumed_on": today });
    let (status, body) = app
        .try_act(
            "inspector",
            &id,
            "mark-production-resumed",
            resume.clone(),
            None,
        )
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["wrong_state".to_owned()]),
        "{body}"
    );
    app.act(
        "inspector",
        &id,
        "record-reinspection",
        data::reinspection("failed", &today),
        None,
    )
    .await;
    let (status, body) = app
        .try_act(
            "inspector",
            &id,
            "mark-production-resumed",
            resume.clone(),
            None,
        )
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["guard_false".to_owned()]),
        "failed: {body}"
    );
    // A passed result sent along is no data this action takes: refused as such, nothing
    // written.
    let before = app.case("inspector", &id).await;
    let mut sneaky = resume.clone();
    sneaky["reinspection_result"] = json!("passed");
    let (status, body) = app
        .try_act("inspector", &id, "mark-production-resumed", sneaky, None)
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["not_in_form".to_owned()]),
        "passed sent with it: {body}"
    );
    assert_eq!(body["violations"][0]["field"], "/reinspection_result");
    let after = app.case("inspector", &id).await;
    assert_eq!(
        (&after["version"], &after["data"]),
        (&before["version"], &before["data"])
    );
    let passed = app
        .act(
            "inspector",
            &id,
            "record-reinspection",
            data::reinspection("passed", &today),
            None,
        )
        .await;
    assert!(actions(&passed).contains(&"mark-production-resumed".to_owned()));
    let resumed = app
        .act("inspector", &id, "mark-production-resumed", resume, None)
        .await;
    assert_eq!(resumed["data"]["production_resumed"], true);
    let note = json!({ "dossier_note": "一样品一表一案卷，材料齐全" });
    confirm_filed(&app, &id, &ALL_FILED).await;
    let closed = app.act("lead", &id, "close", note, None).await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(
        deadline(&closed, "complete-within-90-days")["status"],
        "met"
    );
    app.stop().await;
}

/// 涉嫌犯罪的，依法移送公安机关: only the bureau lead, with a written reason; the
/// programme's administrators are told.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspected_crime_is_transferred_to_the_police_with_a_reason() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = to_penalty(&app).await;
    let today = app.state.calendar().local_date(Utc::now()).to_string();
    let transfer = json!({ "police_transfer": { "transferred_on": today, "police_unit": "清河县公安局食药环侦大队", "letter_no": "清市监移〔2026〕3号" } });
    let (status, _) = app
        .try_act(
            "inspector",
            &id,
            "transfer-to-police",
            transfer.clone(),
            Some("涉嫌生产有毒有害食品"),
        )
        .await;
    assert_eq!(status, 403, "the inspector may not");
    let (status, body) = app
        .try_act("lead", &id, "transfer-to-police", transfer.clone(), None)
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["comment_required".to_owned()]),
        "{body}"
    );
    let moved = app
        .act(
            "lead",
            &id,
            "transfer-to-police",
            transfer,
            Some("甲醇超标3倍，涉嫌生产有毒有害食品罪"),
        )
        .await;
    assert_eq!(moved["state"], "police-transfer");
    assert!(
        app.notifications("sd-admin")
            .await
            .iter()
            .any(|n| n["case_id"] == id.as_str())
    );
    app.stop().await;
}

/// 食品安全抽检工作负责人员还需按要求开展"国家食品安全抽检监测信息系统"核查处置模块核查
/// 启动、产品控制、原因排查、行政处罚情况的填报工作: each step is confirmed as filed, with
/// who and when; the dossier does not close while the penalty's filing is unconfirmed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_disposal_step_is_confirmed_as_filed_in_the_national_system_before_closing() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = to_penalty(&app).await;
    app.act("inspector", &id, "record-penalty", data::penalty(), None)
        .await;
    let today = app.state.calendar().local_date(Utc::now()).to_string();
    app.act(
        "inspector",
        &id,
        "record-reinspection",
        data::reinspection("passed", &today),
        None,
    )
    .await;
    let filed = confirm_filed(&app, &id, &ALL_FILED[..3]).await;
    let rows = filed["data"]["system_filings"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .all(|r| r["filed_by"] == "inspector" && r["filed_at"].is_string())
    );
    let note = json!({ "dossier_note": "材料齐全" });
    let (status, body) = app.try_act("lead", &id, "close", note.clone(), None).await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["guard_false".to_owned()]),
        "the penalty is not confirmed as filed: {body}"
    );
    confirm_filed(&app, &id, &["penalty"]).await;
    let closed = app.act("lead", &id, "close", note, None).await;
    assert_eq!(closed["state"], "closed");
    app.stop().await;
}
