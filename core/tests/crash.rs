//! Kill -9 during load: the real `anjuan` binary on SQLite (WAL, synchronous=FULL) is
//! killed while eight clients take actions; after a restart every action that was
//! answered 2xx is in its case's history, once, and `anjuan audit verify` holds.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use std::path::Path;
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{free_port, repo, serve_command, wait_healthy};
use serde_json::{Value, json};

fn start(data: &Path, port: u16, demo: bool) -> Child {
    let plugins = repo().join("target/plugins");
    assert!(
        plugins.join("fire-safety-rectification.wasm").is_file(),
        "build the plugins first: scripts/build-plugins (scripts/test does)"
    );
    let mut cmd = serve_command(port, data, &repo().join("workflows"));
    if demo {
        cmd.arg("--demo");
    }
    cmd.args(["--worker-interval", "3600"])
        .arg("--plugins")
        .arg(&plugins)
        .env("RUST_LOG", "error");
    cmd.spawn().unwrap()
}

fn building(n: usize) -> Value {
    json!({
        "programme": "fire-safety-rectification", "case_type": "building", "org_unit": "anxian-renmin",
        "data": {
            "name": format!("崩溃测试楼{n}"), "address": "安县城关街道人民路1号", "facility": "anxian-renmin",
            "property_unit": "安县人民医院", "user_unit": "安县人民医院", "building_use": "public",
            "floors": 12, "height_m": 40, "in_use": true, "fire_control_room": true,
            "micro_fire_station": true, "safety_responsible": "林国栋", "safety_manager": "林涛"
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_acknowledged_action() {
    let data = std::env::temp_dir().join(format!("anjuan-crash-{}", uuid::Uuid::now_v7()));
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let mut server = start(&data, port, true);
    wait_healthy(&base).await;
    let login: Value = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "username": "fire-inspector", "password": "demo" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = login["csrf_token"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for n in 0..12 {
        let r = client
            .post(format!("{base}/api/v1/cases"))
            .header("x-csrf-token", &csrf)
            .json(&building(n))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let c: Value = r.json().await.unwrap();
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let mut clients = Vec::new();
    for t in 0..8 {
        let (client, base, csrf, ids, acked) = (
            client.clone(),
            base.clone(),
            csrf.clone(),
            ids.clone(),
            acked.clone(),
        );
        clients.push(tokio::spawn(async move {
            for n in 0..10_000 {
                let id = &ids[(t * 7 + n) % ids.len()];
                let comment = format!("crash-{t}-{n}");
                let sent = client
                    .post(format!("{base}/api/v1/cases/{id}/actions/update-building"))
                    .header("x-csrf-token", &csrf)
                    .json(&json!({ "data": { "safety_manager": format!("林涛{n}") }, "comment": comment }))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status().is_success() => {
                        acked.lock().unwrap().push((id.clone(), comment));
                    }
                    Ok(r) => assert!(
                        r.status().is_success(),
                        "{}: {}",
                        r.status(),
                        r.text().await.unwrap_or_default()
                    ),
                    // The server is gone.
                    Err(_) => return,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for c in clients {
        c.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 20,
        "only {} actions were answered",
        acked.len()
    );

    let mut server = start(&data, port, false);
    wait_healthy(&base).await;
    for id in &ids {
        let events: Value = client
            .get(format!("{base}/api/v1/cases/{id}/events"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let comments: Vec<&str> = events
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["comment"].as_str())
            .collect();
        for (case, comment) in acked.iter().filter(|(c, _)| c == id) {
            let found = comments.iter().filter(|c| *c == comment).count();
            assert_eq!(
                found, 1,
                "{comment} on {case} was answered 2xx but is not there once"
            );
        }
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let verify = Command::new(env!("CARGO_BIN_EXE_anjuan"))
        .args(["audit", "verify", "--database-url"])
        .arg(anjuan::config::sqlite_url(&data.join("anjuan.db")))
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let _ = std::fs::remove_dir_all(&data);
}
