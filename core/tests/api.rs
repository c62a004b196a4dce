//! The real server on an ephemeral port, on SQLite and on PostgreSQL: every route,
//! role boundaries, stale versions, idempotent retries, masking, the audit chain,
//! deadlines after a restart.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use chrono::{Duration, Utc};
use common::{Db, TestApp};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Value, json};

async fn every_route_answers(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let health: Value = app
        .client
        .get(format!("{}/healthz", app.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["programmes"], 1);
    let doc: Value = app
        .client
        .get(format!("{}/api/openapi.json", app.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/actions/{action}",
        "/api/v1/cases/{id}/events",
        "/api/v1/tasks",
        "/api/v1/programmes",
        "/api/v1/calendar/working-days",
        "/healthz",
        "/metrics",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    let case = app.open_sample(json!({"product": "腊肉"})).await;
    let id = case["id"].as_str().unwrap();
    for path in [
        "/api/v1/programmes".to_owned(),
        "/api/v1/programmes/demo".to_owned(),
        "/api/v1/cases?q=腊".to_owned(),
        format!("/api/v1/cases/{id}"),
        format!("/api/v1/cases/{id}/events"),
        "/api/v1/tasks".to_owned(),
        "/api/v1/notifications".to_owned(),
        "/api/v1/calendar/working-days?from=2026-09-30&add=10".to_owned(),
    ] {
        let r = app.get(&path, "inspector").send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}: {}", r.text().await.unwrap());
    }
    let list: Value = app.get_json("/api/v1/cases?q=腊", "inspector").await;
    assert_eq!(list["total"], 1, "Chinese free-text search finds the case");
    let wd: Value = app
        .get(
            "/api/v1/calendar/working-days?from=2026-09-30&add=10",
            "inspector",
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(wd["date"], "2026-10-20");
    let metrics = app
        .client
        .get(format!("{}/metrics", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("anjuan_http_requests_total"), "{metrics}");
    assert!(
        metrics.contains("anjuan_actions_total{programme=\"demo\",outcome=\"accepted\"}"),
        "{metrics}"
    );
    let r = app
        .client
        .get(format!("{}/healthz", app.url))
        .send()
        .await
        .unwrap();
    assert!(r.headers().contains_key("x-request-id"));
    app.stop().await;
}
on_both!(every_route_answers);

async fn role_boundaries(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let case = app.open_sample(json!({})).await;
    let id = case["id"].as_str().unwrap();
    let anonymous = app
        .client
        .get(format!("{}/api/v1/cases/{id}", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(
        app.get(&format!("/api/v1/cases/{id}"), "outsider")
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "a unit outside the subtree"
    );
    assert_eq!(
        app.get(&format!("/api/v1/cases/{id}"), "nobody")
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        app.get(&format!("/api/v1/cases/{id}"), "lead")
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "a role above reaches down"
    );
    let r = app
        .post(&format!("/api/v1/cases/{id}/actions/start"), "lead")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "the lead lacks the inspector role");
    let r = app
        .post(&format!("/api/v1/cases/{id}/actions/escalate"), "inspector")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "system actions are the worker's");
    let r = app
        .post("/api/v1/cases", "lead")
        .json(
            &json!({"programme": "demo", "case_type": "sample", "org_unit": "town-a", "data": {}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "only inspectors open samples");
    let r = app
        .post(&format!("/api/v1/cases/{id}/actions/close"), "lead")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "close is not allowed from received");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["violations"][0]["code"], "wrong_state");
    app.stop().await;
}
on_both!(role_boundaries);

async fn a_child_case_stays_under_its_parents_unit(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let sample = app.open_sample(json!({})).await;
    let open = |unit: Option<&str>| {
        let mut body = json!({ "programme": "demo", "case_type": "hazard", "parent": sample["id"], "data": { "what": "无喷淋" } });
        if let Some(u) = unit {
            body["org_unit"] = json!(u);
        }
        app.post("/api/v1/cases", "inspector").json(&body).send()
    };
    let elsewhere = open(Some("town-b")).await.unwrap();
    assert_eq!(elsewhere.status(), 400);
    let problem: Value = elsewhere.json().await.unwrap();
    assert_eq!(problem["field"], "org_unit", "{problem}");
    let here = open(None).await.unwrap();
    assert_eq!(here.status(), 201, "{}", here.text().await.unwrap());
    app.stop().await;
}
on_both!(a_child_case_stays_under_its_parents_unit);

#[tokio::test]
async fn metrics_can_ask_for_a_token() {
    let db_url = common::fresh_database(Db::Sqlite).await;
    let app = TestApp::start_configured(&db_url, &common::fixture_workflows(), |args| {
        args.metrics_token = Some("s3cret".into());
    })
    .await;
    let metrics = |token: Option<&str>| {
        let mut r = app.client.get(format!("{}/metrics", app.url));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    assert_eq!(metrics(None).await.unwrap().status(), 401);
    assert_eq!(metrics(Some("wrong")).await.unwrap().status(), 401);
    assert_eq!(metrics(Some("s3cret")).await.unwrap().status(), 200);
    app.stop().await;
}

async fn versions_and_idempotency(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let case = app
        .open_sample(json!({"hazards": [{"what": "出口堵塞"}, {"what": "无喷淋"}]}))
        .await;
    let id = case["id"].as_str().unwrap();
    assert_eq!(case["version"], 1);
    let start = |key: &'static str| {
        app.post(&format!("/api/v1/cases/{id}/actions/start"), "inspector")
            .header("Idempotency-Key", key)
            .json(&json!({"expected_version": 1, "comment": "开始"}))
    };
    let first: Value = start("k1").send().await.unwrap().json().await.unwrap();
    assert_eq!(first["state"], "started");
    assert_eq!(first["version"], 2);
    assert_eq!(
        first["children"].as_array().unwrap().len(),
        2,
        "one hazard per row"
    );
    let again = start("k1").send().await.unwrap();
    assert_eq!(again.status(), 200, "a retry returns the first answer");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["version"], 2);
    let events: Value = app
        .get_json(&format!("/api/v1/cases/{id}/events"), "inspector")
        .await;
    assert_eq!(
        events.as_array().unwrap().len(),
        2,
        "create + start, not start twice"
    );
    let stale = app
        .post(&format!("/api/v1/cases/{id}/actions/close"), "lead")
        .json(&json!({"expected_version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 409);
    let problem: Value = stale.json().await.unwrap();
    assert_eq!(problem["current_version"], 2);
    let notes: Value = app.get_json("/api/v1/notifications", "lead").await;
    assert_eq!(
        notes[0]["message_en"], "Disposal started",
        "the notify effect reached the lead"
    );
    let keys = || anjuan::store::entities::idempotency_keys::Entity::find().all(&app.state.db);
    assert_eq!(keys().await.unwrap().len(), 1);
    let swept = anjuan::service::worker::sweep(&app.state, Utc::now() + Duration::hours(25))
        .await
        .unwrap();
    assert!(swept.purged >= 1, "{swept:?}");
    assert!(
        keys().await.unwrap().is_empty(),
        "a day later the key is forgotten"
    );
    app.stop().await;
}
on_both!(versions_and_idempotency);

async fn malformed_requests_get_problems(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let case = app.open_sample(json!({})).await;
    let id = case["id"].as_str().unwrap();
    let action = format!("/api/v1/cases/{id}/actions/start");
    let problem = |r: reqwest::Response| async move {
        let status = r.status().as_u16();
        let kind = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert_eq!(kind, "application/problem+json", "status {status}");
        (status, r.json::<Value>().await.unwrap())
    };
    let broken = app
        .post(&action, "inspector")
        .header("content-type", "application/json")
        .body("{\"expected_version\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = problem(broken).await;
    assert_eq!(status, 400);
    assert!(
        body["detail"].as_str().unwrap().contains("line 1"),
        "{body}"
    );
    let wrong_shape = app
        .post(&action, "inspector")
        .json(&json!({"expected_version": "one"}))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(wrong_shape).await;
    assert_eq!(status, 400);
    assert_eq!(body["field"], "/expected_version");
    let not_json = app
        .post(&action, "inspector")
        .header("content-type", "text/plain")
        .body("start")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(not_json).await.0, 415);
    let bad_query = app
        .get("/api/v1/cases?page=minus", "inspector")
        .send()
        .await
        .unwrap();
    let (status, body) = problem(bad_query).await;
    assert_eq!(status, 400);
    assert_eq!(body["field"], "page", "{body}");
    let nowhere = app
        .get("/api/v1/nowhere", "inspector")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(nowhere).await.0, 404);
    let wrong_method = app.get(&action, "inspector").send().await.unwrap();
    assert!(wrong_method.headers().contains_key("allow"));
    assert_eq!(problem(wrong_method).await.0, 405);
    let events: Value = app
        .get_json(&format!("/api/v1/cases/{id}/events"), "inspector")
        .await;
    assert_eq!(events.as_array().unwrap().len(), 1, "nothing was applied");
    app.stop().await;
}
on_both!(malformed_requests_get_problems);

async fn sensitive_fields(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let case = app
        .open_sample(json!({"owner_phone": "13800000000", "contact": "contact"}))
        .await;
    let id = case["id"].as_str().unwrap();
    let seen_by = |who: &'static str| {
        let app = &app;
        async move {
            let v: Value = app
                .get(&format!("/api/v1/cases/{id}"), who)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["data"]["owner_phone"].clone()
        }
    };
    assert_eq!(
        seen_by("inspector").await,
        "***",
        "same unit, but not a reader"
    );
    assert_eq!(
        seen_by("contact").await,
        "13800000000",
        "named in the contact field"
    );
    assert_eq!(seen_by("lead").await, "13800000000", "holds a reader role");
    let events: Value = app
        .get_json(&format!("/api/v1/cases/{id}/events"), "inspector")
        .await;
    assert!(
        !events.to_string().contains("13800000000"),
        "events mask it too"
    );
    let log = anjuan::store::access::list(&app.state.db, Some(id), 10)
        .await
        .unwrap();
    let readers: Vec<_> = log.iter().map(|l| l.user_id.as_str()).collect();
    assert!(
        readers.contains(&"contact") && readers.contains(&"lead"),
        "{readers:?}"
    );
    assert!(!readers.contains(&"inspector"));
    app.stop().await;
}
on_both!(sensitive_fields);

async fn audit_chain_detects_tampering(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let case = app.open_sample(json!({"product": "米粉"})).await;
    let id = case["id"].as_str().unwrap().to_owned();
    app.post(&format!("/api/v1/cases/{id}/actions/start"), "inspector")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let (checked, broken) = anjuan::store::events::verify_all(&app.state.db, |_, _| {})
        .await
        .unwrap();
    assert!(checked >= 2 && broken.is_empty());
    app.state
        .db
        .execute_unprepared(&format!(
            "UPDATE events SET actor = 'mallory' WHERE case_id = '{id}' AND seq = 1"
        ))
        .await
        .unwrap();
    let (_, broken) = anjuan::store::events::verify_all(&app.state.db, |_, _| {})
        .await
        .unwrap();
    assert_eq!(broken.len(), 1);
    assert_eq!(
        (broken[0].case_id.as_str(), broken[0].seq),
        (id.as_str(), 1)
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_anjuan"))
        .args(["audit", "verify", "--database-url", &app.db_url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("BROKEN case {id} at event 1")),
        "{stdout}"
    );
    app.stop().await;
}
on_both!(audit_chain_detects_tampering);

/// Each case keeps the head and length of its chain: deleting its last event, or all
/// of them, passes the chain check alone but not the anchor.
async fn the_audit_chain_is_anchored_on_the_case(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let cut = app.open_sample(json!({"product": "酱油"})).await;
    let emptied = app.open_sample(json!({"product": "醋"})).await;
    let (cut, emptied) = (cut["id"].as_str().unwrap(), emptied["id"].as_str().unwrap());
    app.post(&format!("/api/v1/cases/{cut}/actions/start"), "inspector")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let (_, broken) = anjuan::store::events::verify_all(&app.state.db, |_, _| {})
        .await
        .unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    for sql in [
        format!("DELETE FROM events WHERE case_id = '{cut}' AND seq = 2"),
        format!("DELETE FROM events WHERE case_id = '{emptied}'"),
    ] {
        app.state.db.execute_unprepared(&sql).await.unwrap();
    }
    let (_, broken) = anjuan::store::events::verify_all(&app.state.db, |_, _| {})
        .await
        .unwrap();
    let mut found: Vec<&str> = broken.iter().map(|b| b.case_id.as_str()).collect();
    found.sort();
    let mut want = vec![cut, emptied];
    want.sort();
    assert_eq!(found, want, "{broken:?}");
    app.stop().await;
}
on_both!(the_audit_chain_is_anchored_on_the_case);

/// Without `expected_version`, an action whose case another request moved meanwhile is
/// decided again, not refused: many at once on one case all land, each once, in one
/// unbroken chain. With a stale `expected_version` the caller still gets 409.
async fn concurrent_actions_without_a_version_all_land(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let case = app.open_sample(json!({"product": "豆腐"})).await;
    let id = case["id"].as_str().unwrap().to_owned();
    app.post(&format!("/api/v1/cases/{id}/actions/start"), "inspector")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    const N: usize = 24;
    let replies = futures_util::future::join_all((0..N).map(|i| {
        app.post(&format!("/api/v1/cases/{id}/actions/note"), "inspector")
            .json(&json!({ "comment": format!("记录 {i}") }))
            .send()
    }))
    .await;
    for r in replies {
        let r = r.unwrap();
        let status = r.status();
        assert_eq!(status, 200, "{}", r.text().await.unwrap());
    }
    let now: Value = app
        .get_json(&format!("/api/v1/cases/{id}"), "inspector")
        .await;
    assert_eq!(now["version"], 2 + N as i64);
    let events: Value = app
        .get_json(&format!("/api/v1/cases/{id}/events"), "inspector")
        .await;
    assert_eq!(events.as_array().unwrap().len(), 2 + N);
    let (_, broken) = anjuan::store::events::verify_all(&app.state.db, |_, _| {})
        .await
        .unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    let stale = app
        .post(&format!("/api/v1/cases/{id}/actions/note"), "inspector")
        .json(&json!({ "expected_version": 2 }))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 409);
    app.stop().await;
}
on_both!(concurrent_actions_without_a_version_all_land);

/// The inbox lists exactly the cases the navigation counts, whatever the data: here the
/// lead's only action on a received sample is guarded, and the 510 oldest samples
/// (first by due time) are closed to them by that guard; the three that are open still
/// come, and the count agrees.
async fn the_inbox_lists_what_it_counts_behind_guards(kind: Db) {
    let app = TestApp::spawn(kind).await;
    for i in 0..510 {
        app.open_sample(json!({ "product": format!("样品{i}") }))
            .await;
    }
    let mut open = Vec::new();
    for i in 0..3 {
        let c = app
            .open_sample(json!({ "product": format!("待核准{i}"), "contact": "contact" }))
            .await;
        open.push(c["id"].as_str().unwrap().to_owned());
    }
    let tasks: Value = app.get_json("/api/v1/tasks", "lead").await;
    let mut listed: Vec<String> = tasks
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    listed.sort();
    open.sort();
    assert_eq!(listed, open);
    let caller =
        anjuan::auth::extract::load_caller(&app.state.db, "lead", anjuan::auth::Via::Token)
            .await
            .unwrap()
            .unwrap();
    let counts = anjuan::service::views::inbox_counts(&app.state, &caller)
        .await
        .unwrap();
    assert_eq!(counts.total, 3);
    app.stop().await;
}
on_both!(the_inbox_lists_what_it_counts_behind_guards);

async fn deadlines_fire_after_a_restart(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let case = app.open_sample(json!({"high_risk": true})).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let start = case["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "start")
        .unwrap()
        .clone();
    assert_eq!(start["status"], "running");
    let db_url = app.db_url.clone();
    app.stop().await;
    // A day later the server comes back and catches up.
    let app = TestApp::start(&db_url).await;
    let later = Utc::now() + Duration::hours(25);
    let sweep = anjuan::service::worker::sweep(&app.state, later)
        .await
        .unwrap();
    assert_eq!((sweep.breached, sweep.escalated), (1, 1));
    let again = anjuan::service::worker::sweep(&app.state, later)
        .await
        .unwrap();
    assert_eq!(
        (again.breached, again.escalated),
        (0, 0),
        "each timer fires once"
    );
    let v: Value = app.get_json(&format!("/api/v1/cases/{id}"), "lead").await;
    assert_eq!(v["overdue"], true);
    assert_eq!(
        v["data"]["escalated"], true,
        "the automatic transition ran through the engine"
    );
    let events: Value = app
        .get_json(&format!("/api/v1/cases/{id}/events"), "lead")
        .await;
    let last = events.as_array().unwrap().last().unwrap();
    assert_eq!(
        (last["action"].as_str(), last["actor"].as_str()),
        (Some("escalate"), Some("system"))
    );
    let notes: Value = app.get_json("/api/v1/notifications", "lead").await;
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "overdue")
    );
    app.stop().await;
}
on_both!(deadlines_fire_after_a_restart);

/// A breach records its automatic action with the mark, in one transaction. If the
/// server stops before taking it, a later sweep takes it; if it is refused for good
/// (here the case moved on first), it is recorded so and the programme's
/// administrators are told instead of it being lost.
async fn escalations_are_not_lost(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let waiting = app.open_sample(json!({"high_risk": true})).await;
    let moved = app.open_sample(json!({"high_risk": true})).await;
    let (waiting, moved) = (
        waiting["id"].as_str().unwrap().to_owned(),
        moved["id"].as_str().unwrap().to_owned(),
    );
    use anjuan::store::entities::deadlines;
    use sea_orm::{ColumnTrait, QueryFilter};
    let row_of = |case: String| {
        let db = app.state.db.clone();
        async move {
            deadlines::Entity::find()
                .filter(deadlines::Column::CaseId.eq(case))
                .filter(deadlines::Column::DeadlineId.eq("start"))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };
    // As a server that stopped right after marking the breach leaves it: marked, its
    // automatic action pending, its claim run out.
    let row = row_of(waiting.clone()).await;
    app.state
        .db
        .execute_unprepared(&format!(
            "UPDATE deadlines SET breached = true, escalation = 'pending', claimed_by = 'gone', \
             claimed_until = NULL WHERE id = '{}'",
            row.id
        ))
        .await
        .unwrap();
    // The other case is started by hand before its deadline is swept: `escalate` (from
    // `received`) no longer applies.
    app.post(&format!("/api/v1/cases/{moved}/actions/start"), "inspector")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let row = row_of(moved.clone()).await;
    app.state
        .db
        .execute_unprepared(&format!(
            "UPDATE deadlines SET status = 'running' WHERE id = '{}'",
            row.id
        ))
        .await
        .unwrap();
    let later = Utc::now() + Duration::hours(25);
    anjuan::service::worker::sweep(&app.state, later)
        .await
        .unwrap();
    let v: Value = app
        .get_json(&format!("/api/v1/cases/{waiting}"), "lead")
        .await;
    assert_eq!(
        v["data"]["escalated"], true,
        "the pending escalation was taken"
    );
    assert_eq!(row_of(waiting).await.escalation.as_deref(), Some("done"));
    assert_eq!(
        row_of(moved.clone()).await.escalation.as_deref(),
        Some("refused")
    );
    app.stop().await;
}
on_both!(escalations_are_not_lost);

/// Two servers on one PostgreSQL sweep at the same moment: each passed deadline is
/// marked and escalated exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_fire_each_timer_once() {
    let a = TestApp::spawn(Db::Postgres).await;
    let b = TestApp::start(&a.db_url).await;
    for _ in 0..20 {
        a.open_sample(json!({"high_risk": true})).await;
    }
    let later = Utc::now() + Duration::hours(25);
    let (sa, sb) = tokio::join!(
        anjuan::service::worker::sweep(&a.state, later),
        anjuan::service::worker::sweep(&b.state, later)
    );
    let (sa, sb) = (sa.unwrap(), sb.unwrap());
    assert_eq!(sa.breached + sb.breached, 20, "{sa:?} {sb:?}");
    assert_eq!(sa.escalated + sb.escalated, 20);
    let events = anjuan::store::entities::events::Entity::find()
        .all(&a.state.db)
        .await
        .unwrap();
    assert_eq!(events.iter().filter(|e| e.action == "escalate").count(), 20);
    a.stop().await;
    b.stop().await;
}

async fn reload_makes_a_new_version_and_cases_migrate(kind: Db) {
    let dir = std::env::temp_dir().join(format!("anjuan-wf-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(dir.join("demo")).unwrap();
    let file = dir.join("demo/workflow.yaml");
    std::fs::copy(
        common::fixture_workflows().join("demo/workflow.yaml"),
        &file,
    )
    .unwrap();
    let app = TestApp::spawn_with(kind, &dir).await;
    let old = app.open_sample(json!({})).await;
    assert_eq!(old["definition"]["version"], 1);
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "title: { zh: 演示, en: Demo }",
        "title: { zh: 演示二, en: Demo 2 }",
    );
    std::fs::write(&file, text).unwrap();
    assert_eq!(
        app.post("/api/v1/programmes/reload", "inspector")
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let report: Value = app
        .post("/api/v1/programmes/reload", "admin")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["programmes"][0]["version"]["number"], 2, "{report}");
    let new = app.open_sample(json!({})).await;
    assert_eq!(new["definition"]["version"], 2);
    let still: Value = app
        .get(
            &format!("/api/v1/cases/{}", old["id"].as_str().unwrap()),
            "inspector",
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        still["definition"]["version"], 1,
        "running cases keep their version"
    );
    let r = app
        .post("/api/v1/programmes/demo/migrate", "admin")
        .send()
        .await
        .unwrap();
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["migrated"], 1, "{m}");
    let moved: Value = app
        .get(
            &format!("/api/v1/cases/{}", old["id"].as_str().unwrap()),
            "inspector",
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(moved["definition"]["version"], 2);
    // A broken file is reported and the live version stays.
    std::fs::write(&file, "programme: demo\nversion: [\n").unwrap();
    let report: Value = app
        .post("/api/v1/programmes/reload", "admin")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        report["errors"][0]
            .as_str()
            .unwrap()
            .contains("workflow.yaml:"),
        "{report}"
    );
    app.stop().await;
}
on_both!(reload_makes_a_new_version_and_cases_migrate);

/// Deletes every trace of a case a database writer can reach: its events, deadlines,
/// tasks and row.
async fn delete_case_whole(db: &sea_orm::DatabaseConnection, id: &str) {
    for table in ["events", "deadlines", "case_tasks"] {
        db.execute_unprepared(&format!("DELETE FROM {table} WHERE case_id = '{id}'"))
            .await
            .unwrap();
    }
    db.execute_unprepared(&format!("DELETE FROM cases WHERE id = '{id}'"))
        .await
        .unwrap();
}

/// A case deleted whole (row and events) leaves no chain to break: the checkpoint
/// over every case's chain head still names it, and a later checkpoint keeps it named.
async fn a_case_deleted_whole_is_named_by_the_checkpoint(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let kept = app.open_sample(json!({"product": "面条"})).await;
    let gone = app.open_sample(json!({"product": "腐竹"})).await;
    let (kept, gone) = (kept["id"].as_str().unwrap(), gone["id"].as_str().unwrap());
    app.post(&format!("/api/v1/cases/{gone}/actions/start"), "inspector")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let db = &app.state.db;
    let taken = anjuan::store::checkpoints::take(db, None).await.unwrap();
    assert!(taken.case_count >= 2, "{taken:?}");
    let v = anjuan::store::checkpoints::verify(db, None).await.unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    delete_case_whole(db, gone).await;
    let (_, broken) = anjuan::store::events::verify_all(db, |_, _| {})
        .await
        .unwrap();
    assert!(broken.is_empty(), "no chain is left to break: {broken:?}");
    anjuan::store::checkpoints::take(db, None).await.unwrap();
    let v = anjuan::store::checkpoints::verify(db, None).await.unwrap();
    let named: Vec<_> = v
        .problems
        .iter()
        .filter_map(|p| p.case_id.as_deref())
        .collect();
    assert_eq!(named, vec![gone], "{:?}", v.problems);
    assert!(!named.contains(&kept));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_anjuan"))
        .args(["audit", "verify", "--database-url", &app.db_url])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("MISSING case {gone}")), "{stdout}");
    // The administrators' audit page verifies the checkpoints as well.
    let r = app.get("/admin/audit", "admin").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains(gone), "the audit page names the deleted case");
    assert!(!page.contains(kept));
    app.stop().await;
}
on_both!(a_case_deleted_whole_is_named_by_the_checkpoint);

const AUDIT_KEY: &str = "test-audit-key-0123456789abcdef";

/// Rewrite a case's first event and re-hash its whole chain (and its anchor) with
/// `hash`, as a database writer would with anjuan's own code but not the key.
async fn rehash_case(
    db: &sea_orm::DatabaseConnection,
    id: &str,
    key: Option<&anjuan::store::chain::ChainKey>,
) {
    use anjuan::store::events;
    let mut prev = events::GENESIS.to_owned();
    let rows = events::list(db, id).await.unwrap();
    for mut row in rows {
        if row.seq == 1 {
            row.actor = "mallory".into();
        }
        row.prev_hash = prev.clone();
        row.hash = events::hash(key, &prev, &row);
        db.execute_unprepared(&format!(
            "UPDATE events SET actor = '{}', prev_hash = '{}', hash = '{}' WHERE id = {}",
            row.actor, row.prev_hash, row.hash, row.id
        ))
        .await
        .unwrap();
        prev = row.hash;
    }
    db.execute_unprepared(&format!(
        "UPDATE cases SET chain_head = '{prev}' WHERE id = '{id}'"
    ))
    .await
    .unwrap();
}

/// With an audit key, events are HMACs: a chain re-hashed without the key (plainly,
/// or under a guessed key passed off with the real key's id) fails verification with
/// the key, and verifying without the key says it is needed.
async fn a_chain_rehashed_without_the_key_fails_verification(kind: Db) {
    let db_url = common::fresh_database(kind).await;
    let app = TestApp::start_configured(&db_url, &common::fixture_workflows(), |a| {
        a.audit.audit_key = Some(AUDIT_KEY.into());
    })
    .await;
    common::seed(&app.state).await;
    let keys = anjuan::store::chain::AuditKeys::parse(AUDIT_KEY).unwrap();
    let db = &app.state.db;
    let mut ids = Vec::new();
    for product in ["酱菜", "咸鱼", "腊肉"] {
        let case = app.open_sample(json!({ "product": product })).await;
        let id = case["id"].as_str().unwrap().to_owned();
        app.post(&format!("/api/v1/cases/{id}/actions/start"), "inspector")
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        ids.push(id);
    }
    let rows = anjuan::store::events::list(db, &ids[0]).await.unwrap();
    assert!(
        rows.iter().all(|r| r
            .hash
            .starts_with(&format!("hmac-sha256:{}:", keys.current().id()))),
        "{rows:?}"
    );
    let (_, broken) = anjuan::store::events::verify_all_with(db, Some(&keys), |_, _| {})
        .await
        .unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    let err = anjuan::store::events::verify_all(db, |_, _| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no audit key"), "{err}");

    // Plain SHA-256, with anjuan's own code.
    rehash_case(db, &ids[1], None).await;
    // A guessed key, its hashes labelled with the real key's id.
    let guess = anjuan::store::chain::ChainKey::new(b"guessed-key-0123456789").unwrap();
    rehash_case(db, &ids[2], Some(&guess)).await;
    let real_id = keys.current().id();
    db.execute_unprepared(&format!(
        "UPDATE events SET hash = REPLACE(hash, '{}', '{real_id}'), \
         prev_hash = REPLACE(prev_hash, '{}', '{real_id}') WHERE case_id = '{}'",
        guess.id(),
        guess.id(),
        ids[2]
    ))
    .await
    .unwrap();
    db.execute_unprepared(&format!(
        "UPDATE cases SET chain_head = REPLACE(chain_head, '{}', '{real_id}') WHERE id = '{}'",
        guess.id(),
        ids[2]
    ))
    .await
    .unwrap();
    let (_, broken) = anjuan::store::events::verify_all_with(db, Some(&keys), |_, _| {})
        .await
        .unwrap();
    let mut found: Vec<&str> = broken.iter().map(|b| b.case_id.as_str()).collect();
    found.sort();
    found.dedup();
    let mut want = vec![ids[1].as_str(), ids[2].as_str()];
    want.sort();
    assert_eq!(found, want, "{broken:?}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_anjuan"))
        .args(["audit", "verify", "--database-url", &db_url])
        .env("ANJUAN_AUDIT_KEY", AUDIT_KEY)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("BROKEN case {}", ids[2])),
        "{stdout}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_anjuan"))
        .args(["audit", "verify", "--database-url", &db_url])
        .env_remove("ANJUAN_AUDIT_KEY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no audit key was given"), "{stderr}");
    app.stop().await;
}
on_both!(a_chain_rehashed_without_the_key_fails_verification);

/// The checkpoints are chained and (with a key) keyed: a changed checkpoint row, a
/// deleted one, or a changed case record is found, and no new checkpoint is taken
/// over a tampered one.
async fn a_tampered_checkpoint_chain_is_found(kind: Db) {
    let db_url = common::fresh_database(kind).await;
    let app = TestApp::start_configured(&db_url, &common::fixture_workflows(), |a| {
        a.audit.audit_key = Some(AUDIT_KEY.into());
    })
    .await;
    common::seed(&app.state).await;
    let keys = anjuan::store::chain::AuditKeys::parse(AUDIT_KEY).unwrap();
    let db = &app.state.db;
    use anjuan::store::checkpoints::{take, verify};
    let first = app.open_sample(json!({"product": "糍粑"})).await;
    let first = first["id"].as_str().unwrap().to_owned();
    take(db, Some(&keys)).await.unwrap();
    app.post(&format!("/api/v1/cases/{first}/actions/start"), "inspector")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    app.open_sample(json!({"product": "年糕"})).await;
    let second = take(db, Some(&keys)).await.unwrap();
    assert_eq!((second.changed, second.case_count), (2, 2), "{second:?}");
    let last = take(db, Some(&keys)).await.unwrap();
    assert_eq!(last.changed, 0, "nothing moved: {last:?}");
    let v = verify(db, Some(&keys)).await.unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert!(v.checkpoints >= 3);

    // A record lowered to hide a cut chain: the set no longer adds up.
    db.execute_unprepared(&format!(
        "UPDATE audit_checkpoint_cases SET chain_len = 1 WHERE case_id = '{first}'"
    ))
    .await
    .unwrap();
    let v = verify(db, Some(&keys)).await.unwrap();
    assert!(
        v.problems
            .iter()
            .any(|p| p.reason.contains("do not add up")),
        "{:?}",
        v.problems
    );
    // A checkpoint row changed, and one deleted.
    db.execute_unprepared("UPDATE audit_checkpoints SET event_count = event_count + 1 WHERE seq = (SELECT MAX(seq) FROM audit_checkpoints)")
        .await
        .unwrap();
    let err = take(db, Some(&keys)).await.unwrap_err();
    assert!(err.to_string().contains("does not match its hash"), "{err}");
    db.execute_unprepared(
        "DELETE FROM audit_checkpoints WHERE seq = (SELECT MIN(seq) + 1 FROM audit_checkpoints)",
    )
    .await
    .unwrap();
    let v = verify(db, Some(&keys)).await.unwrap();
    let reasons: Vec<&str> = v.problems.iter().map(|p| p.reason.as_str()).collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("content does not match its hash")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("checkpoints were deleted")),
        "{reasons:?}"
    );
    app.stop().await;
}
on_both!(a_tampered_checkpoint_chain_is_found);

/// The search index's segments are merged once the writer is idle, and search finds
/// every case before and after.
#[tokio::test]
async fn the_search_index_is_merged_while_the_writer_is_idle() {
    let app = TestApp::spawn(Db::Sqlite).await;
    // FTS5's own merging after each commit off, so only the writer's merging counts.
    app.state
        .db
        .execute_unprepared("INSERT INTO case_search (case_search, rank) VALUES ('automerge', 0)")
        .await
        .unwrap();
    let products = [
        "腊肉", "白酒", "酱油", "米粉", "豆腐", "香肠", "茶叶", "蜂蜜",
    ];
    for p in products {
        // One at a time: each case is its own group, so its own segment.
        app.open_sample(json!({ "product": p })).await;
    }
    let db = &app.state.db;
    let pages = || async {
        db.query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT count(*) AS n FROM case_search_idx",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
    };
    let written = pages().await;
    let mut merged = written;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        merged = pages().await;
        if merged < written {
            break;
        }
    }
    assert!(
        merged < written,
        "the index still has {merged} segment pages after the writer fell idle"
    );
    db.execute_unprepared("INSERT INTO case_search (case_search) VALUES ('integrity-check')")
        .await
        .unwrap();
    for p in products {
        let list: Value = app
            .get_json(&format!("/api/v1/cases?q={p}"), "inspector")
            .await;
        assert_eq!(list["total"], 1, "{p} is found after the merge");
    }
    app.stop().await;
}

/// Cases missing from the search index (written before it existed, or before it was
/// rebuilt) are put back in when a server starts.
#[tokio::test]
async fn a_rebuilt_search_index_is_filled_at_start() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let products = ["腊肉", "白酒", "酱油"];
    for p in products {
        app.open_sample(json!({ "product": p })).await;
    }
    let db_url = app.db_url.clone();
    app.state
        .db
        .execute_unprepared("DELETE FROM case_search")
        .await
        .unwrap();
    let list: Value = app.get_json("/api/v1/cases?q=白酒", "inspector").await;
    assert_eq!(list["total"], 0, "the emptied index finds nothing");
    app.stop().await;
    let app = TestApp::start(&db_url).await;
    for p in products {
        let list: Value = app
            .get_json(&format!("/api/v1/cases?q={p}"), "inspector")
            .await;
        assert_eq!(list["total"], 1, "{p} is found again after the start");
    }
    app.stop().await;
}
