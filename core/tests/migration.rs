//! Moving running cases to a new definition version: a plan before anything moves,
//! a mapping for renamed states and fields checked with line and column, a move that
//! leaves a `migrated` event in each case's chain, and a run that continues after it
//! stopped half-way.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use common::{Db, TestApp};
use serde_json::{Value, json};

/// Version 2 of the demo fixture: `started` is called `in_progress`, `product` is
/// `product_name`, `high_risk` holds text, and the 90-day deadline is 60 days.
fn version_2(v1: &str) -> String {
    v1.replace("started", "in_progress")
        .replace("product", "product_name")
        .replace("high_risk: { type: boolean }", "high_risk: { type: text }")
        .replace("data.high_risk == true", "data.high_risk == 'yes'")
        .replace(
            "within: { natural_days: 90 }",
            "within: { natural_days: 60 }",
        )
}

const MAPPING: &str = "case_types:\n  sample:\n    states:\n      started: in_progress\n    fields:\n      product: product_name\n";

/// A server with four demo cases on version 1 and version 2 loaded:
/// `plain` (received), `risky` (received, high_risk set), `milk` (started, with a
/// product) and `bare` (started).
async fn two_versions(kind: Db) -> (TestApp, [String; 4]) {
    let (app, ids, _) = two_versions_with(kind, 0).await;
    (app, ids)
}

/// [`two_versions`] with `extra` more started cases on version 1.
async fn two_versions_with(kind: Db, extra: usize) -> (TestApp, [String; 4], Vec<String>) {
    let dir = std::env::temp_dir().join(format!("anjuan-mig-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(dir.join("demo")).unwrap();
    let file = dir.join("demo/workflow.yaml");
    let v1 =
        std::fs::read_to_string(common::fixture_workflows().join("demo/workflow.yaml")).unwrap();
    std::fs::write(&file, &v1).unwrap();
    let app = TestApp::spawn_with(kind, &dir).await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let plain = id(&app.open_sample(json!({})).await);
    let risky = id(&app.open_sample(json!({ "high_risk": true })).await);
    let milk = id(&app.open_sample(json!({ "product": "milk" })).await);
    let bare = id(&app.open_sample(json!({})).await);
    let mut more = Vec::new();
    for _ in 0..extra {
        more.push(id(&app.open_sample(json!({ "product": "tea" })).await));
    }
    for c in [&milk, &bare].into_iter().chain(&more) {
        let r = app
            .post(&format!("/api/v1/cases/{c}/actions/start"), "inspector")
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
    std::fs::write(&file, version_2(&v1)).unwrap();
    let r = app
        .post("/api/v1/programmes/reload", "admin")
        .send()
        .await
        .unwrap();
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["programmes"][0]["version"]["number"], 2, "{report}");
    (app, [plain, risky, milk, bare], more)
}

async fn plan(app: &TestApp, mapping: Option<&str>) -> (u16, Value) {
    let r = match mapping {
        None => {
            app.get("/api/v1/programmes/demo/migration-plan?to=2", "admin")
                .send()
                .await
        }
        Some(m) => {
            app.post("/api/v1/programmes/demo/migration-plan", "admin")
                .json(&json!({ "to": 2, "mapping": m }))
                .send()
                .await
        }
    }
    .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn stuck_reason<'a>(plan: &'a Value, id: &str) -> &'a str {
    plan["cannot_move"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .map(|s| s["reason"]["reason"].as_str().unwrap())
        .unwrap_or("moves")
}

async fn a_plan_counts_cases_by_state_and_says_why_some_cannot_move(kind: Db) {
    let (app, [plain, risky, milk, bare]) = two_versions(kind).await;
    let (status, _) = {
        let r = app
            .get("/api/v1/programmes/demo/migration-plan", "inspector")
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), ())
    };
    assert_eq!(status, 403, "only administrators see a plan");

    // Without a mapping, the renamed state is gone and the retyped field refuses.
    let (status, p) = plan(&app, None).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(
        (
            p["open"].as_u64(),
            p["moving"].as_u64(),
            p["staying"].as_u64()
        ),
        (Some(4), Some(1), Some(3)),
        "{p}"
    );
    assert_eq!(stuck_reason(&p, &plain), "moves");
    assert_eq!(stuck_reason(&p, &risky), "field_type");
    assert_eq!(stuck_reason(&p, &milk), "state_gone");
    assert_eq!(stuck_reason(&p, &bare), "state_gone");

    // With it, the started cases go to `in_progress` and the product is renamed.
    let (status, p) = plan(&app, Some(MAPPING)).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(
        (p["moving"].as_u64(), p["staying"].as_u64()),
        (Some(3), Some(1)),
        "{p}"
    );
    let groups = p["groups"].as_array().unwrap();
    let started = groups
        .iter()
        .find(|g| g["state"] == "started")
        .expect("a group for `started`");
    assert_eq!(started["to_state"], "in_progress");
    assert_eq!(started["cases"], 2);
    assert_eq!(started["renamed"]["product → product_name"], 1, "{started}");
    // The 90-day deadline is 60 days now: due again from the case's opening.
    assert_eq!(started["recomputed"]["complete"], 2, "{started}");
    let received = groups
        .iter()
        .find(|g| g["state"] == "received" && g["to_state"] == "received")
        .unwrap();
    assert_eq!(received["cases"], 1);
    let refused = groups.iter().find(|g| g["to_state"].is_null()).unwrap();
    assert_eq!(refused["cases"], 1);
    assert!(
        refused["refused"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.contains("high_risk")),
        "{refused}"
    );
    // Nothing moved.
    let case = app
        .get_json(&format!("/api/v1/cases/{milk}"), "inspector")
        .await;
    assert_eq!(case["definition"]["version"], 1);
    app.stop().await;
}
on_both!(a_plan_counts_cases_by_state_and_says_why_some_cannot_move);

async fn a_mapping_with_unknown_names_is_refused_with_line_and_column(kind: Db) {
    let (app, _) = two_versions(kind).await;
    let bad = "case_types:\n  sample:\n    states:\n      startd: in_progres\n";
    let (status, p) = plan(&app, Some(bad)).await;
    assert_eq!(status, 422, "{p}");
    let messages: Vec<&str> = p["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["message"]["en"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].starts_with("mapping.yaml:4:7: "),
        "{messages:?}"
    );
    assert!(
        messages[0].contains("did you mean `started`"),
        "{messages:?}"
    );
    assert!(
        messages[1].starts_with("mapping.yaml:4:15: "),
        "{messages:?}"
    );
    let r = app
        .post("/api/v1/programmes/demo/migrate", "admin")
        .json(&json!({ "mapping": "case_types:\n  sampel: {}\n" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "a bad mapping moves nothing");
    let p: Value = r.json().await.unwrap();
    assert!(
        p["violations"][0]["message"]["en"]
            .as_str()
            .unwrap()
            .starts_with("mapping.yaml:2:3: "),
        "{p}"
    );
    app.stop().await;
}
on_both!(a_mapping_with_unknown_names_is_refused_with_line_and_column);

async fn moving_writes_a_migrated_event_the_chain_verifies_and_a_case_that_cannot_move_stays(
    kind: Db,
) {
    let (app, [plain, risky, milk, _]) = two_versions(kind).await;
    let before = app
        .get_json(&format!("/api/v1/cases/{milk}"), "inspector")
        .await;
    let r = app
        .post("/api/v1/programmes/demo/migrate", "admin")
        .json(&json!({ "to": 2, "mapping": MAPPING }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["migrated"], 3, "{report}");
    assert_eq!(report["staying"], 1, "{report}");
    assert_eq!(report["left"][0]["id"], risky.as_str(), "{report}");
    assert_eq!(report["left"][0]["reason"]["reason"], "field_type");

    let after = app
        .get_json(&format!("/api/v1/cases/{milk}"), "inspector")
        .await;
    assert_eq!(after["definition"]["version"], 2);
    assert_eq!(after["state"], "in_progress");
    assert_eq!(after["data"]["product_name"], "milk", "{after}");
    assert!(after["data"].get("product").is_none());
    assert_eq!(
        after["version"].as_i64().unwrap(),
        before["version"].as_i64().unwrap() + 1
    );
    let due = |c: &Value| {
        c["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == "complete" && d["status"] == "running")
            .map(|d| d["due"].as_str().unwrap().to_owned())
    };
    let (was, now) = (due(&before).unwrap(), due(&after).unwrap());
    let days = chrono::DateTime::parse_from_rfc3339(&was).unwrap()
        - chrono::DateTime::parse_from_rfc3339(&now).unwrap();
    assert_eq!(days.num_days(), 30, "{was} → {now}");
    let complete = after["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["id"] == "complete")
        .count();
    assert_eq!(
        complete, 2,
        "the old deadline is dropped, the recomputed one runs: {after}"
    );
    // Who acts follows the new state: the inspector can take its actions.
    let r = app
        .post(&format!("/api/v1/cases/{milk}/actions/note"), "inspector")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    let events: Value = app
        .get_json(&format!("/api/v1/cases/{milk}/events"), "inspector")
        .await;
    let list = events
        .as_array()
        .or_else(|| events["items"].as_array())
        .unwrap();
    let last = &list[list.len() - 2];
    assert_eq!(last["action"], "migrated", "{last}");
    assert_eq!(
        (last["from"].as_str(), last["to"].as_str()),
        (Some("started"), Some("in_progress"))
    );
    let payload = if last["payload"].is_string() {
        serde_json::from_str::<Value>(last["payload"].as_str().unwrap()).unwrap()
    } else {
        last["payload"].clone()
    };
    assert_eq!(payload["from_version"], 1, "{last}");
    assert_eq!(payload["to_version"], 2);
    assert_eq!(payload["mapping"]["states"]["started"], "in_progress");

    let stays = app
        .get_json(&format!("/api/v1/cases/{risky}"), "inspector")
        .await;
    assert_eq!(
        stays["definition"]["version"], 1,
        "a case that cannot move stays"
    );
    let plain_after = app
        .get_json(&format!("/api/v1/cases/{plain}"), "inspector")
        .await;
    assert_eq!(plain_after["state"], "received");

    let mut out = Vec::new();
    let ok = anjuan::cli::audit::run(
        &anjuan::cli::audit::AuditCommand::Verify,
        &app.state.db,
        None,
        &mut out,
    )
    .await
    .unwrap();
    assert!(ok, "{}", String::from_utf8_lossy(&out));
    app.stop().await;
}
on_both!(moving_writes_a_migrated_event_the_chain_verifies_and_a_case_that_cannot_move_stays);

async fn a_run_that_stopped_half_way_is_continued_with_its_own_mapping(kind: Db) {
    let (app, [_, risky, milk, bare]) = two_versions(kind).await;
    let request = anjuan::service::migration::Request {
        programme: "demo".into(),
        to: Some(2),
        mapping: Some(MAPPING.into()),
        mapping_name: "mapping.yaml".into(),
    };
    // A run that stops after one case, as a crash would leave it.
    let stopped = anjuan::service::migration::apply(&app.state, &request, "admin", Some(1))
        .await
        .unwrap();
    assert!(stopped.is_none());
    let (_, p) = plan(&app, Some(MAPPING)).await;
    assert!(
        p["unfinished"].is_string(),
        "the plan names the unfinished run: {p}"
    );
    assert_eq!(p["open"], 3, "{p}");
    // Cases opened meanwhile are on the new version.
    let fresh = app.open_sample(json!({})).await;
    assert_eq!(fresh["definition"]["version"], 2);

    // Asking again (without a mapping) continues the run with the mapping it began with.
    let r = app
        .post("/api/v1/programmes/demo/migrate", "admin")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["resumed"], true, "{report}");
    assert_eq!(report["migrated"], 3, "the whole run: {report}");
    assert_eq!(report["left"][0]["id"], risky.as_str());
    for c in [&milk, &bare] {
        let case = app
            .get_json(&format!("/api/v1/cases/{c}"), "inspector")
            .await;
        assert_eq!(case["state"], "in_progress", "{case}");
        let events: Value = app
            .get_json(&format!("/api/v1/cases/{c}/events"), "inspector")
            .await;
        let list = events
            .as_array()
            .or_else(|| events["items"].as_array())
            .unwrap();
        assert_eq!(
            list.iter().filter(|e| e["action"] == "migrated").count(),
            1,
            "moved once"
        );
    }
    let (_, p) = plan(&app, None).await;
    assert!(p["unfinished"].is_null(), "{p}");
    let mut out = Vec::new();
    let ok = anjuan::cli::audit::run(
        &anjuan::cli::audit::AuditCommand::Verify,
        &app.state.db,
        None,
        &mut out,
    )
    .await
    .unwrap();
    assert!(ok, "{}", String::from_utf8_lossy(&out));
    app.stop().await;
}
on_both!(a_run_that_stopped_half_way_is_continued_with_its_own_mapping);

async fn the_command_line_plans_and_moves_like_the_api(kind: Db) {
    let (app, _) = two_versions(kind).await;
    let dir = std::env::temp_dir().join(format!("anjuan-mapping-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let command =
        |plan: bool, mapping: &std::path::Path| anjuan::cli::programme::ProgrammeCommand::Migrate {
            programme: "demo".into(),
            plan,
            to: None,
            mapping: Some(mapping.to_owned()),
            json: false,
            workflows: Some(app.state.config.workflows.clone()),
            by: "admin".into(),
            db: anjuan::cli::db::DbArgs {
                database_url: Some(app.db_url.clone()),
                ..Default::default()
            },
            audit: Default::default(),
        };
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "case_types:\n  sample:\n    states:\n      startd: in_progress\n",
    )
    .unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let ok = anjuan::cli::programme::run(command(true, &bad), &mut out, &mut err)
        .await
        .unwrap();
    let err = String::from_utf8(err).unwrap();
    assert!(!ok);
    assert!(
        err.starts_with(&format!("{}:4:7: ", bad.display())),
        "{err}"
    );

    let good = dir.join("mapping.yaml");
    std::fs::write(&good, MAPPING).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert!(
        anjuan::cli::programme::run(command(true, &good), &mut out, &mut err)
            .await
            .unwrap()
    );
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("4 open cases on other versions; 3 would move to version 2, 1 would stay"),
        "{text}"
    );
    assert!(
        text.contains("sample v1 started -> in_progress: 2 cases"),
        "{text}"
    );
    assert!(text.contains("recomputed: complete (2)"), "{text}");

    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert!(
        anjuan::cli::programme::run(command(false, &good), &mut out, &mut err)
            .await
            .unwrap()
    );
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("3 cases moved to version 2; 1 stayed"),
        "{text}"
    );
    app.stop().await;
}
on_both!(the_command_line_plans_and_moves_like_the_api);

/// Page text without Fluent's isolation marks around placeables.
fn plain(html: String) -> String {
    html.replace(['\u{2068}', '\u{2069}'], "")
}

async fn the_programme_page_shows_the_plan_and_moves_cases(kind: Db) {
    let (app, [_, _, milk, _]) = two_versions(kind).await;
    let r = app
        .get("/admin/programmes/demo", "admin")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = plain(r.text().await.unwrap());
    assert!(html.contains("id=\"migration-plan\""), "{html}");
    assert!(
        html.contains("旧版本上有 4 件在办案件:1 件将迁移到第 2 版"),
        "{html}"
    );

    let form = |what: &str, mapping: &str| {
        app.post("/admin/programmes/demo/migration", "admin")
            .form(&[("do", what), ("mapping", mapping)])
    };
    let html = form("plan", "case_types:\n  sampel: {}\n")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("mapping.yaml:2:3: "), "{html}");
    let html = form("plan", MAPPING)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("3 件将迁移到第 2 版,1 件保留原版本"),
        "{html}"
    );
    let r = form("apply", MAPPING).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = plain(r.text().await.unwrap());
    assert!(html.contains("已迁移 3 件;1 件保留原版本"), "{html}");
    assert!(
        html.contains("id=\"migration-runs\""),
        "the run is listed: {html}"
    );
    // The case's history names the move.
    let html = plain(
        app.get(&format!("/cases/{milk}"), "inspector")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(html.contains("迁移到新版本流程"), "{html}");
    app.stop().await;
}
on_both!(the_programme_page_shows_the_plan_and_moves_cases);

async fn two_administrators_moving_at_once_move_each_case_once(kind: Db) {
    let (app, ids) = two_versions(kind).await;
    let call = || {
        app.post("/api/v1/programmes/demo/migrate", "admin")
            .json(&json!({ "mapping": MAPPING }))
            .send()
    };
    let (a, b) = tokio::join!(call(), call());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert!(
        a["id"] == b["id"]
            || a["migrated"].as_i64().unwrap() + b["migrated"].as_i64().unwrap() == 3,
        "{a} {b}"
    );
    for c in &ids {
        let events: Value = app
            .get_json(&format!("/api/v1/cases/{c}/events"), "inspector")
            .await;
        let list = events
            .as_array()
            .or_else(|| events["items"].as_array())
            .unwrap();
        let moved = list.iter().filter(|e| e["action"] == "migrated").count();
        assert!(moved <= 1, "case {c} moved {moved} times");
    }
    let (_, p) = plan(&app, Some(MAPPING)).await;
    assert_eq!(p["open"], 1, "only the case that cannot move is left: {p}");
    app.stop().await;
}
on_both!(two_administrators_moving_at_once_move_each_case_once);

async fn actions_during_a_move_land_on_one_version_or_the_other_and_the_chains_verify(kind: Db) {
    let (app, _, started) = two_versions_with(kind, 24).await;
    // Each note is decided on version 1 or 2 and, when the case moved under it, decided
    // again on version 2 by the writer: it lands whole on one version.
    let notes = started.iter().map(|id| {
        app.post(&format!("/api/v1/cases/{id}/actions/note"), "inspector")
            .json(&json!({ "comment": "during the move" }))
            .send()
    });
    let migrate = app
        .post("/api/v1/programmes/demo/migrate", "admin")
        .json(&json!({ "mapping": MAPPING }))
        .send();
    let (notes, migrate) = tokio::join!(futures_util::future::join_all(notes), migrate);
    assert_eq!(migrate.unwrap().status(), 200);
    for n in notes {
        assert_eq!(n.unwrap().status(), 200);
    }
    let mut out = Vec::new();
    let ok = anjuan::cli::audit::run(
        &anjuan::cli::audit::AuditCommand::Verify,
        &app.state.db,
        None,
        &mut out,
    )
    .await
    .unwrap();
    assert!(ok, "{}", String::from_utf8_lossy(&out));
    for id in &started {
        let case = app
            .get_json(&format!("/api/v1/cases/{id}"), "inspector")
            .await;
        assert_eq!(case["definition"]["version"], 2, "{case}");
        assert_eq!(case["state"], "in_progress");
        let events: Value = app
            .get_json(&format!("/api/v1/cases/{id}/events"), "inspector")
            .await;
        let list = events
            .as_array()
            .or_else(|| events["items"].as_array())
            .unwrap();
        assert_eq!(list.iter().filter(|e| e["action"] == "migrated").count(), 1);
        assert_eq!(list.iter().filter(|e| e["action"] == "note").count(), 1);
    }
    app.stop().await;
}
on_both!(actions_during_a_move_land_on_one_version_or_the_other_and_the_chains_verify);

/// A deadline the new version runs in a state the old one did not is opened on the
/// cases that move into that state; and cases never move back to an older version.
async fn a_deadline_new_in_the_state_is_opened_and_older_versions_are_refused(kind: Db) {
    let (app, [_, _, milk, bare]) = two_versions(kind).await;
    let file = app.state.config.workflows.join("demo/workflow.yaml");
    let v2 = std::fs::read_to_string(&file).unwrap();
    let v3 = v2.replace(
        "      in_progress: { title: { zh: 已启动, en: Started } }",
        "      in_progress:\n        title: { zh: 已启动, en: Started }\n        deadlines:\n          - id: report\n            title: { zh: 10日内报告, en: Report within 10 days }\n            within: { natural_days: 10 }",
    );
    assert_ne!(v2, v3, "the fixture names the state as expected");
    std::fs::write(&file, v3).unwrap();
    let r = app
        .post("/api/v1/programmes/reload", "admin")
        .send()
        .await
        .unwrap();
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["programmes"][0]["version"]["number"], 3, "{report}");

    let r = app
        .post("/api/v1/programmes/demo/migration-plan", "admin")
        .json(&json!({ "to": 3, "mapping": MAPPING }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let plan: Value = r.json().await.unwrap();
    let started = plan["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["state"] == "started")
        .expect("a group of started cases");
    assert_eq!(started["opened"]["report"], 2, "{plan}");

    let r = app
        .post("/api/v1/programmes/demo/migrate", "admin")
        .json(&json!({ "to": 3, "mapping": MAPPING }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    for id in [&milk, &bare] {
        let case = app
            .get_json(&format!("/api/v1/cases/{id}"), "inspector")
            .await;
        let report = case["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == "report")
            .unwrap_or_else(|| panic!("no report deadline on {case}"));
        assert_eq!(report["status"], "running", "{case}");
    }

    // Version 2 is older than the current version 3.
    let r = app
        .post("/api/v1/programmes/demo/migration-plan", "admin")
        .json(&json!({ "to": 2, "mapping": MAPPING }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert!(problem.to_string().contains("/to"), "{problem}");
    app.stop().await;
}
on_both!(a_deadline_new_in_the_state_is_opened_and_older_versions_are_refused);
