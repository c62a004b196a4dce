//! Two server processes on one PostgreSQL, each with its deadline worker running:
//! every passed deadline is marked overdue and escalated exactly once.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use std::process::Child;
use std::time::{Duration, Instant};

use common::{Db, TestApp, free_port, serve_command, wait_healthy};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::json;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(db_url: &str, data: &std::path::Path) -> (Server, String) {
    let port = free_port();
    let child = serve_command(port, data, &common::fixture_workflows())
        .args(["--database-url", db_url])
        .arg("--plugins")
        .arg(data.join("no-plugins"))
        .args(["--worker-interval", "1"])
        .spawn()
        .unwrap();
    (Server(child), format!("http://127.0.0.1:{port}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_fire_each_timer_once() {
    // Seed users and cases through an in-process server, then stop it.
    let app = TestApp::spawn(Db::Postgres).await;
    let mut ids = Vec::new();
    for _ in 0..60 {
        ids.push(
            app.open_sample(json!({"high_risk": true})).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let db_url = app.db_url.clone();
    let db = app.state.db.clone();
    app.stop().await;

    let data_a = std::env::temp_dir().join(format!("anjuan-cluster-a-{}", std::process::id()));
    let data_b = std::env::temp_dir().join(format!("anjuan-cluster-b-{}", std::process::id()));
    let (_a, url_a) = start(&db_url, &data_a);
    let (_b, url_b) = start(&db_url, &data_b);
    wait_healthy(&url_a).await;
    wait_healthy(&url_b).await;
    // Both workers are sweeping every second; now the 24-hour start deadlines pass.
    db.execute_unprepared(
        "UPDATE deadlines SET due_at = NOW() - INTERVAL '1 hour' WHERE deadline_id = 'start'",
    )
    .await
    .unwrap();

    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let events = anjuan::store::entities::events::Entity::find()
            .all(&db)
            .await
            .unwrap();
        let escalations = events.iter().filter(|e| e.action == "escalate").count();
        if escalations >= ids.len() || Instant::now() > until {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // Let both workers sweep a few more times: nothing may fire again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let events = anjuan::store::entities::events::Entity::find()
        .all(&db)
        .await
        .unwrap();
    for id in &ids {
        let n = events
            .iter()
            .filter(|e| &e.case_id == id && e.action == "escalate")
            .count();
        assert_eq!(n, 1, "case {id} escalated {n} times");
    }
    let ledger = anjuan::store::entities::deadline_ledger::Entity::find()
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        ledger.iter().filter(|l| l.kind == "breached").count(),
        ids.len()
    );
    let claimants: std::collections::BTreeSet<_> =
        anjuan::store::entities::deadlines::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|d| d.claimed_by)
            .collect();
    println!("deadlines were claimed by {} server(s)", claimants.len());
}
