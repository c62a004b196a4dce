//! Work captured without a network and sent later, on SQLite and on PostgreSQL: the
//! field time an action or a new case carries is bounded, recorded in the hashed event
//! next to the server's receipt, and leaves the statutory clocks on the receipt; a new
//! case sent twice with one idempotency key is opened once; the web form route takes
//! the same field time, and a form sent again after a lost answer gets the first answer
//! even when the action set fields the form left blank.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use common::{Db, TestApp};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

async fn events(app: &TestApp, id: &str) -> Vec<Value> {
    app.get_json(&format!("/api/v1/cases/{id}/events"), "inspector")
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn broken_links(app: &TestApp) -> usize {
    let (_, broken) = anjuan::store::events::verify_all(&app.state.db, |_, _| {})
        .await
        .unwrap();
    broken.len()
}

async fn field_time_is_bounded_recorded_and_chained(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let now = Utc::now();

    // A new case filled in three hours ago: its clocks run from the receipt.
    let taken = now - Duration::hours(3);
    let r = app
        .post("/api/v1/cases", "inspector")
        .json(
            &json!({"programme": "demo", "case_type": "sample", "org_unit": "town-a",
                      "data": {"product": "米粉", "high_risk": true}, "taken_at": stamp(taken)}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let case: Value = r.json().await.unwrap();
    let id = case["id"].as_str().unwrap().to_owned();
    let opened = events(&app, &id).await;
    assert_eq!(opened[0]["payload"]["taken_at"], stamp(taken));
    let received = time(&opened[0]["at"]);
    assert!(received >= now, "the event's own time is the receipt");
    let start = case["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "start")
        .expect("the high-risk start deadline");
    let due = time(&start["due"]);
    assert!(
        (due - (received + Duration::hours(24))).num_seconds().abs() <= 1,
        "24 hours from the receipt ({received}), not from the field time: {due}"
    );

    // An action filled in two hours ago, within the bounds: recorded.
    let taken = now - Duration::hours(2);
    let r = app
        .post(&format!("/api/v1/cases/{id}/actions/start"), "inspector")
        .json(&json!({"expected_version": 1, "taken_at": stamp(taken)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let started = events(&app, &id).await;
    let last = started.last().unwrap();
    assert_eq!(last["action"], "start");
    assert_eq!(last["payload"]["taken_at"], stamp(taken));
    assert!(time(&last["at"]) > taken);

    // A field time from the future (beyond the allowed skew) or too old is refused,
    // and the case is left as it was.
    for (t, code) in [
        (
            now + Duration::minutes(anjuan::service::cases::MAX_SKEW_MINUTES + 5),
            "taken-at-future",
        ),
        (
            now - Duration::days(anjuan::service::cases::MAX_AGE_DAYS + 1),
            "taken-at-too-old",
        ),
    ] {
        let r = app
            .post(&format!("/api/v1/cases/{id}/actions/note"), "inspector")
            .json(&json!({"expected_version": 2, "taken_at": stamp(t)}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let problem: Value = r.json().await.unwrap();
        assert_eq!(problem["violations"][0]["field"], "/taken_at", "{problem}");
        assert_eq!(problem["violations"][0]["code"], code);
    }
    let r = app
        .post("/api/v1/cases", "inspector")
        .json(
            &json!({"programme": "demo", "case_type": "sample", "org_unit": "town-a",
                      "data": {}, "taken_at": stamp(now + Duration::hours(1))}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(events(&app, &id).await.len(), 2, "nothing written");

    // An action without a field time records none.
    let r = app
        .post(&format!("/api/v1/cases/{id}/actions/note"), "inspector")
        .json(&json!({"expected_version": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        events(&app, &id).await[2]["payload"]
            .get("taken_at")
            .is_none()
    );

    // Both times are in the chain: changing the field time breaks it.
    assert_eq!(broken_links(&app).await, 0);
    let backend = app.state.db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "UPDATE events SET payload = replace(payload, $1, $2) WHERE case_id = $3"
        }
        _ => "UPDATE events SET payload = replace(payload, ?, ?) WHERE case_id = ?",
    };
    let earlier = stamp(taken - Duration::hours(5));
    app.state
        .db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                stamp(taken).into(),
                earlier.clone().into(),
                id.clone().into(),
            ],
        ))
        .await
        .unwrap();
    assert_eq!(
        events(&app, &id).await[1]["payload"]["taken_at"],
        earlier,
        "the field time was rewritten"
    );
    assert_eq!(
        broken_links(&app).await,
        1,
        "a rewritten field time is found"
    );
    app.stop().await;
}
on_both!(field_time_is_bounded_recorded_and_chained);

async fn a_new_case_sent_twice_with_its_key_is_opened_once(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let open = |key: &'static str, product: &'static str| {
        app.post("/api/v1/cases", "inspector")
            .header("Idempotency-Key", key)
            .json(
                &json!({"programme": "demo", "case_type": "sample", "org_unit": "town-a",
                          "data": {"product": product}}),
            )
    };
    let first = open("n1", "腊肠").send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = open("n1", "腊肠").send().await.unwrap();
    assert_eq!(
        again.status(),
        201,
        "a retry answers with the case opened first"
    );
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["number"], first["number"]);
    let other = open("n1", "火腿").send().await.unwrap();
    assert_eq!(other.status(), 422, "one key, another request");
    let list = app
        .get_json("/api/v1/cases?programme=demo&case_type=sample", "inspector")
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "opened once");
    app.stop().await;
}
on_both!(a_new_case_sent_twice_with_its_key_is_opened_once);

async fn the_web_form_takes_a_field_time(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let case = app.open_sample(json!({"product": "豆腐"})).await;
    let id = case["id"].as_str().unwrap();
    let taken = Utc::now() - Duration::minutes(40);
    let form = |key: &str| {
        app.client
            .post(format!("{}/cases/{id}/actions/start", app.url))
            .bearer_auth(common::token("inspector"))
            .form(&[
                ("_version", "1"),
                ("_key", key),
                ("_taken_at", &stamp(taken)),
                ("_comment", "现场已启动"),
            ])
    };
    let r = form("form-1").send().await.unwrap();
    assert!(
        r.url().path().ends_with(id) || r.status().is_redirection(),
        "accepted: {} {}",
        r.status(),
        r.url()
    );
    // Sent again (an answer lost on the way back): applied once.
    let r = form("form-1").send().await.unwrap();
    assert!(r.status().is_success() || r.status().is_redirection());
    let es = events(&app, id).await;
    assert_eq!(es.len(), 2, "create + start, once");
    assert_eq!(es[1]["payload"]["taken_at"], stamp(taken));
    assert_eq!(es[1]["comment"], "现场已启动");
    // The same entry against a case that moved since: the conflict view, the field
    // time carried on for the next submit.
    let r = form("form-2").send().await.unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("name=\"_taken_at\" value=\"{}\"", stamp(taken))),
        "the conflict view keeps the field time"
    );
    app.stop().await;
}
on_both!(the_web_form_takes_a_field_time);

async fn the_new_case_form_takes_a_field_time_and_opens_once(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let taken = stamp(Utc::now() - Duration::minutes(90));
    let form = |unit: &'static str| {
        app.client
            .post(format!("{}/cases/new", app.url))
            .bearer_auth(common::token("inspector"))
            .form(&[
                ("programme", "demo"),
                ("case_type", "sample"),
                ("org_unit", unit),
                ("_key", "new-form-1"),
                ("_taken_at", taken.as_str()),
            ])
    };
    // Refused (no unit): the page comes back with the field time kept for the next submit.
    let r = form("").send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("name=\"_taken_at\" value=\"{taken}\"")),
        "the refused form keeps its field time"
    );
    // Sent twice (an answer lost on the way back): one case, with its field time.
    for _ in 0..2 {
        let r = form("town-a").send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        assert!(r.url().path().starts_with("/cases/"), "{}", r.url());
    }
    let list = app
        .get_json("/api/v1/cases?programme=demo&case_type=sample", "inspector")
        .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "opened once");
    let id = items[0]["id"].as_str().unwrap();
    assert_eq!(events(&app, id).await[0]["payload"]["taken_at"], taken);
    app.stop().await;
}
on_both!(the_new_case_form_takes_a_field_time_and_opens_once);

async fn a_retry_of_an_applied_entry_is_answered_after_its_field_time_grew_old(kind: Db) {
    use anjuan::service::cases::{self, ActionInput};
    let app = TestApp::spawn(kind).await;
    let case = app.open_sample(json!({"product": "粉丝"})).await;
    let id = case["id"].as_str().unwrap();
    let who =
        anjuan::auth::extract::load_caller(&app.state.db, "inspector", anjuan::auth::Via::Token)
            .await
            .unwrap()
            .unwrap();
    let now = Utc::now();
    let filled = now - Duration::days(cases::MAX_AGE_DAYS - 1);
    let input = || ActionInput {
        expected_version: Some(1),
        taken_at: Some(filled),
        ..ActionInput::default()
    };
    let first = cases::act_as_of(&app.state, &who, id, "start", input(), Some("late-1"), now)
        .await
        .unwrap();
    // Two days on, the answer was lost and the device sends it again: the first answer,
    // not a refusal of a field time now past the limit.
    let later = now + Duration::days(2);
    let again = cases::act_as_of(
        &app.state,
        &who,
        id,
        "start",
        input(),
        Some("late-1"),
        later,
    )
    .await
    .unwrap();
    assert_eq!(again.version, first.version);
    assert_eq!(events(&app, id).await.len(), 2, "applied once");
    // A new entry with that field time is refused.
    let late = ActionInput {
        taken_at: Some(filled),
        ..ActionInput::default()
    };
    let refused = cases::act_as_of(&app.state, &who, id, "note", late, None, later).await;
    assert!(
        matches!(refused, Err(anjuan::error::Error::Invalid(_))),
        "{refused:?}"
    );
    app.stop().await;
}
on_both!(a_retry_of_an_applied_entry_is_answered_after_its_field_time_grew_old);

/// A plugin folder with only the `probe` test plugin (its form `f` has every field type).
fn probe_plugin_folder() -> std::path::PathBuf {
    common::shipped::plugins_dir(); // builds target/plugins-testing too
    let built = common::repo().join("target/plugins-testing");
    let dir = std::env::temp_dir().join(format!("anjuan-probe-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["probe.wasm", "probe.toml"] {
        std::fs::copy(built.join(f), dir.join(f)).unwrap();
    }
    dir
}

/// An answer lost on the way back, after the action's effects set a field the form left
/// blank: the stored case now holds that field, so the same form reads differently
/// against it (the blank field now clears it). The retry is still the same request and
/// gets the first answer, once; another form with the same key is refused.
async fn a_form_sent_again_after_its_action_set_a_blank_field_gets_the_first_answer(kind: Db) {
    let db_url = common::fresh_database(kind).await;
    let workflows =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/form-plugin");
    let app = TestApp::start_hosted(&db_url, &workflows, &probe_plugin_folder()).await;
    common::seed(&app.state).await;
    let r = app
        .post("/api/v1/cases", "inspector")
        .json(&json!({"programme": "demo", "case_type": "visit", "org_unit": "town-a", "data": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let taken = stamp(Utc::now() - Duration::minutes(5));
    let form = |text: &'static str, taken_at: &str| {
        app.client
            .post(format!("{}/cases/{id}/actions/record", app.url))
            .bearer_auth(common::token("inspector"))
            .form(&[
                ("_version", "1"),
                ("_key", "lost-answer-1"),
                ("_taken_at", taken_at),
                ("f.text", text),
                ("f.long", ""),
                ("_comment", "现场记录"),
            ])
            .send()
    };
    // The submit in the page (no field time); its answer is lost.
    let r = form("abc", "").await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert!(r.url().path().ends_with(&id), "accepted: {}", r.url());
    let case = app
        .get_json(&format!("/api/v1/cases/{id}"), "inspector")
        .await;
    assert_eq!(case["data"]["long"], "由办理自动填写", "the effect set it");
    // Sent again from the queue, with the time it was pressed: the first answer.
    let r = form("abc", &taken).await.unwrap();
    let status = r.status();
    let at = r.url().clone();
    assert_eq!(status, 200, "{}", r.text().await.unwrap());
    assert!(
        at.path().ends_with(&id),
        "the case, as first answered: {at}"
    );
    assert_eq!(events(&app, &id).await.len(), 2, "create + record, once");
    // Another form with the same key: refused.
    let r = form("xyz", &taken).await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(events(&app, &id).await.len(), 2);
    app.stop().await;
}
on_both!(a_form_sent_again_after_its_action_set_a_blank_field_gets_the_first_answer);
