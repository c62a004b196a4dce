//! What a security review found, each proved fixed against the real server: query
//! parameters that used to panic, spreadsheet formulas in exports, security headers,
//! what `/metrics` and a failed request reveal.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use common::{Db, TestApp};
use serde_json::Value;

async fn query_parameters_that_overflow_are_refused_not_panics(kind: Db) {
    let app = TestApp::spawn(kind).await;
    for query in [
        "page=18446744073709551615",
        "page=1000001",
        "created_to=%2B262142-12-31",
        "created_from=-262143-01-01",
        "due_before=%2B262142-12-31",
    ] {
        let r = app
            .get(&format!("/api/v1/cases?{query}"), "lead")
            .send()
            .await
            .expect("the server answers instead of dropping the connection");
        assert_eq!(r.status(), 400, "{query}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{query}"
        );
        let problem: Value = r.json().await.unwrap();
        assert_eq!(problem["type"], "/problems/bad-request", "{query}");
        let r = app
            .get(&format!("/cases?{query}"), "lead")
            .send()
            .await
            .expect("the page answers instead of dropping the connection");
        assert_eq!(r.status(), 400, "UI /cases?{query}");
    }
    let r = app
        .get("/api/v1/cases?page=1000000", "lead")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the last page allowed still answers");
    app.stop().await;
}
on_both!(query_parameters_that_overflow_are_refused_not_panics);

async fn pages_carry_security_headers_and_the_login_form_a_csrf_token(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .get(format!("{}/login", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "same-origin");
    let csp = h["content-security-policy"].to_str().unwrap();
    for part in [
        "frame-ancestors 'none'",
        "script-src 'self'",
        "default-src 'self'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // Pages compile WebAssembly (the programme's checks) but never evaluate JavaScript.
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("'unsafe-eval'"), "{csp}");
    let cookie = h
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("anjuan_login_csrf="))
        .expect("the login page sets its CSRF cookie");
    assert!(
        cookie.contains("SameSite=Strict") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("name=\"_csrf\" value=\"{value}\"")),
        "the form carries the cookie's token"
    );
    let post = |form: Vec<(&'static str, String)>, cookie: Option<String>| {
        let mut req = client.post(format!("{}/login", app.url)).form(&form);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        req.send()
    };
    let creds = || {
        vec![
            ("username", "admin".to_owned()),
            ("password", "wrong".to_owned()),
        ]
    };
    let r = post(creds(), None).await.unwrap();
    assert_eq!(
        r.status(),
        403,
        "a login post without the form's token is refused"
    );
    let mut forged = creds();
    forged.push(("_csrf", "guessed".into()));
    let r = post(forged, Some(format!("anjuan_login_csrf={value}")))
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        403,
        "a token that differs from the cookie is refused"
    );
    let mut honest = creds();
    honest.push(("_csrf", value.clone()));
    let r = post(honest, Some(format!("anjuan_login_csrf={value}")))
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        401,
        "with the token, the password is what is judged"
    );
    let api = app.get("/api/v1/programmes", "lead").send().await.unwrap();
    assert_eq!(api.headers()["x-frame-options"], "DENY");
    app.stop().await;
}
on_both!(pages_carry_security_headers_and_the_login_form_a_csrf_token);

async fn metrics_answer_this_machine_only_without_a_token(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let metrics = format!("{}/metrics", app.url);
    let r = app.client.get(&metrics).send().await.unwrap();
    assert_eq!(r.status(), 200, "loopback callers are answered");
    let r = app
        .client
        .get(&metrics)
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        403,
        "a caller relayed by a proxy is not on this machine"
    );
    app.stop().await;
}
on_both!(metrics_answer_this_machine_only_without_a_token);

async fn database_errors_answer_a_request_id_not_their_text(kind: Db) {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn(kind).await;
    app.state
        .db
        .execute_unprepared("ALTER TABLE cases RENAME TO cases_moved_away")
        .await
        .unwrap();
    let r = app.get("/api/v1/cases", "lead").send().await.unwrap();
    assert_eq!(r.status(), 500);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let problem: Value = r.json().await.unwrap();
    let detail = problem["detail"].as_str().unwrap();
    assert!(!detail.contains("cases"), "no table names: {detail}");
    assert!(
        !detail.to_lowercase().contains("relation") && !detail.contains("table"),
        "{detail}"
    );
    assert!(detail.contains(&id), "{detail}");
    assert_eq!(problem["request_id"], id.as_str());
    app.stop().await;
}
on_both!(database_errors_answer_a_request_id_not_their_text);

async fn api_tokens_expire_name_their_issuer_and_end_with_a_password_reset(kind: Db) {
    let app = TestApp::spawn(kind).await;
    let r = app
        .post("/api/v1/tokens", "admin")
        .json(&serde_json::json!({ "name": "nightly export", "user": "inspector", "expires_in_days": 7 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let issued: Value = r.json().await.unwrap();
    assert_eq!(issued["issued_by"], "admin");
    let expires: chrono::DateTime<chrono::Utc> =
        issued["expires_at"].as_str().unwrap().parse().unwrap();
    let days = (expires - chrono::Utc::now()).num_hours();
    assert!(
        (6 * 24..=7 * 24).contains(&days),
        "7 days asked: {days} hours"
    );
    let secret = issued["token"].as_str().unwrap().to_owned();
    let r = app
        .post("/api/v1/tokens", "admin")
        .json(&serde_json::json!({ "name": "default", "user": "lead" }))
        .send()
        .await
        .unwrap();
    let default: Value = r.json().await.unwrap();
    let expires: chrono::DateTime<chrono::Utc> =
        default["expires_at"].as_str().unwrap().parse().unwrap();
    assert!(
        (expires - chrono::Utc::now()).num_days() >= 89,
        "90 days by default"
    );
    let r = app
        .post("/api/v1/tokens", "admin")
        .json(&serde_json::json!({ "name": "forever", "expires_in_days": 100000 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "no token for ever");

    let with_secret = |path: &str| {
        app.client
            .get(format!("{}{path}", app.url))
            .bearer_auth(&secret)
            .send()
    };
    assert_eq!(with_secret("/api/v1/tasks").await.unwrap().status(), 200);
    let listed: Value = app.get_json("/api/v1/tokens?user=inspector", "admin").await;
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == issued["id"])
        .unwrap();
    assert!(
        row["last_used_at"].is_string(),
        "its use is recorded: {row}"
    );

    let r = app
        .client
        .patch(format!("{}/api/v1/admin/users/inspector", app.url))
        .bearer_auth(common::token("admin"))
        .json(&serde_json::json!({ "password": "a new password for 2026" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        with_secret("/api/v1/tasks").await.unwrap().status(),
        401,
        "a password reset revokes the user's tokens"
    );
    let r = app.get("/api/v1/tasks", "inspector").send().await.unwrap();
    assert_eq!(r.status(), 401, "the harness's token too");

    let r = app
        .client
        .patch(format!("{}/api/v1/admin/users/lead", app.url))
        .bearer_auth(common::token("admin"))
        .json(&serde_json::json!({ "active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.client
        .patch(format!("{}/api/v1/admin/users/lead", app.url))
        .bearer_auth(common::token("admin"))
        .json(&serde_json::json!({ "active": true }))
        .send()
        .await
        .unwrap();
    let r = app.get("/api/v1/tasks", "lead").send().await.unwrap();
    assert_eq!(r.status(), 401, "a deactivation revokes tokens for good");
    app.stop().await;
}
on_both!(api_tokens_expire_name_their_issuer_and_end_with_a_password_reset);

async fn the_working_day_calculator_answers_only_plain_dates(kind: Db) {
    let app = TestApp::spawn(kind).await;
    for query in [
        "from=2026-12-01&add=2147483648",
        "from=2026-12-01&add=36501",
        "from=%2B12345-01-01&add=1",
        "from=2026-12-01&to=%2B12345-01-01",
        "from=9999-12-30&add=30",
    ] {
        let r = app
            .get(&format!("/api/v1/calendar/working-days?{query}"), "lead")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{query}: {}", r.text().await.unwrap());
    }
    let ok: Value = app
        .get_json(
            "/api/v1/calendar/working-days?from=2026-12-01&add=36500",
            "lead",
        )
        .await;
    assert!(ok["date"].as_str().unwrap().len() == 10, "{ok}");
    app.stop().await;
}
on_both!(the_working_day_calculator_answers_only_plain_dates);

/// A plugin folder with the `bad-loop` test plugin allowed the server's ceilings, so
/// that one of its checks spins for a second or more before its fuel runs out.
fn slow_plugin_folder() -> std::path::PathBuf {
    common::shipped::plugins_dir(); // builds target/plugins-testing too
    let built = common::repo().join("target/plugins-testing");
    let dir = std::env::temp_dir().join(format!("anjuan-slow-plugin-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(built.join("bad-loop.wasm"), dir.join("bad-loop.wasm")).unwrap();
    // Its check only warns when it fails, so an action runs it as often as the workflow
    // lists it (each call ~0.2 s at the fuel ceiling).
    let manifest = std::fs::read_to_string(built.join("bad-loop.toml"))
        .unwrap()
        .replace("[checks.run]", "[checks.run]\non_failure = \"warn\"");
    let limits = "\n[limits]\nfuel = 500000000\nwall_clock_ms = 5000\n";
    std::fs::write(dir.join("bad-loop.toml"), manifest + limits).unwrap();
    dir
}

/// Plugin calls run on the blocking pool: while several actions are held in a slow
/// plugin check, `/healthz` and a case read are answered before any of the slow actions
/// is. The runtime has one async worker, so a plugin call on it would hold up
/// everything else (with two, tokio may happen to keep both slow calls on one).
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_slow_plugin_call_leaves_the_server_answering_other_requests() {
    let db_url = common::fresh_database(Db::Sqlite).await;
    let workflows =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/slow-plugin");
    let app = TestApp::start_hosted(&db_url, &workflows, &slow_plugin_folder()).await;
    common::seed(&app.state).await;

    // More slow actions than the runtime has workers, each on its own case (actions on
    // one case wait for each other).
    let mut ids = Vec::new();
    for _ in 0..4 {
        let r = app
            .post("/api/v1/cases", "inspector")
            .json(&serde_json::json!({ "programme": "demo", "case_type": "item", "org_unit": "town-a", "data": {} }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        ids.push(
            r.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let finished = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let slow: Vec<_> = ids
        .iter()
        .map(|id| {
            let request = app
                .post(&format!("/api/v1/cases/{id}/actions/poke"), "inspector")
                .json(&serde_json::json!({}));
            let finished = finished.clone();
            tokio::spawn(async move {
                let r = request.send().await.unwrap();
                finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                r.status()
            })
        })
        .collect();
    // Let the slow actions reach the plugin (each spins far longer than this).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let health = app
        .client
        .get(format!("{}/healthz", app.url))
        .send()
        .await
        .unwrap();
    assert!(health.status().is_success(), "{}", health.status());
    let read = app
        .get(&format!("/api/v1/cases/{}", ids[0]), "inspector")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    assert_eq!(
        finished.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "a slow plugin call held up the server's async workers"
    );

    for s in slow {
        // The check's failures only warn: each action is taken in the end.
        assert_eq!(s.await.unwrap(), 200);
    }
    let case: Value = app
        .get_json(&format!("/api/v1/cases/{}", ids[0]), "inspector")
        .await;
    assert_eq!(case["state"], "done");
    app.stop().await;
}
