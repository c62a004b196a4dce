//! How fast the server takes actions, next to the floor of the same database doing
//! one small write per transaction with the same durability (WAL, synchronous=FULL).
//!
//! `cargo bench -p anjuan --bench actions` prints median and p99 latency and the
//! throughput of: raw SQLite commits (the floor), opening a case, and taking an
//! action (engine decision + version-guarded update + hash-chained event + deadline
//! ledger, in one transaction) through the case service.

#![allow(clippy::expect_used)] // a benchmark that cannot go on should stop

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anjuan::auth::{Caller, Grant, Via};
use anjuan::config::ServeArgs;
use anjuan::service::cases::{self, ActionInput, CreateCase};
use anjuan::store::entities::org_units;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::json;

const N: usize = 400;

fn summary(name: &str, mut samples: Vec<Duration>, floor: Option<f64>) -> f64 {
    samples.sort();
    let total: Duration = samples.iter().sum();
    let per_sec = samples.len() as f64 / total.as_secs_f64();
    let p = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    let vs = floor
        .map(|f| format!("  ({:.1}x the floor's time)", f / per_sec))
        .unwrap_or_default();
    println!(
        "{name:<34} median {:>8.1} µs   p99 {:>8.1} µs   {:>7.0}/s{vs}",
        p(0.5).as_secs_f64() * 1e6,
        p(0.99).as_secs_f64() * 1e6,
        per_sec
    );
    per_sec
}

fn caller() -> Caller {
    Caller {
        id: "bench".into(),
        username: "bench".into(),
        display_name: "bench".into(),
        is_admin: false,
        locale: "zh-CN".into(),
        grants: ["inspector", "lead"]
            .iter()
            .map(|r| Grant {
                programme: "demo".into(),
                role: (*r).into(),
                org_unit: "town".into(),
                org_path: "/town/".into(),
            })
            .collect(),
        via: Via::Token,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = std::env::temp_dir().join(format!("anjuan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = ServeArgs {
        data: Some(dir.clone()),
        workflows: Some(manifest.join("tests/fixtures/server")),
        calendar: Some(manifest.join("../calendar")),
        ..ServeArgs::default()
    };
    let config = args.resolve().expect("config");
    let state = anjuan::server::state(config, Arc::new(anjuan::plugins::NoPlugins))
        .await
        .expect("state");
    org_units::ActiveModel {
        id: Set("town".into()),
        parent_id: Set(None),
        path: Set("/town/".into()),
        kind: Set("township".into()),
        name_zh: Set("镇".into()),
        name_en: Set("Town".into()),
        created_at: Set(Utc::now()),
    }
    .insert(&state.db)
    .await
    .expect("org unit");

    println!(
        "anjuan action benchmark: {N} operations each, SQLite WAL synchronous=FULL, {}",
        dir.display()
    );
    state
        .db
        .execute_unprepared("CREATE TABLE floor (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .await
        .expect("floor table");
    let mut floor = Vec::with_capacity(N);
    for i in 0..N {
        let t = Instant::now();
        state
            .db
            .execute_unprepared(&format!(
                "INSERT INTO floor (id, body) VALUES ({i}, '{{\"n\":{i}}}')"
            ))
            .await
            .expect("insert");
        floor.push(t.elapsed());
    }
    let floor_rate = summary("floor: one insert per commit", floor, None);

    let who = caller();
    let mut opened = Vec::with_capacity(N);
    let mut ids = Vec::with_capacity(N);
    for _ in 0..N {
        let req = CreateCase {
            programme: "demo".into(),
            case_type: "sample".into(),
            org_unit: Some("town".into()),
            data: json!({"product": "米粉", "high_risk": true}),
            parent: None,
            assignee: None,
            taken_at: None,
            idempotency_key: None,
            sent: None,
        };
        let t = Instant::now();
        let v = cases::create(&state, &who, req).await.expect("create");
        opened.push(t.elapsed());
        ids.push(v.id);
    }
    summary("open a case", opened, Some(floor_rate));

    let mut acted = Vec::with_capacity(N);
    for id in &ids {
        let input = ActionInput {
            data: json!({}),
            comment: Some("bench".into()),
            expected_version: Some(1),
            taken_at: None,
            sent: None,
        };
        let t = Instant::now();
        cases::act(&state, &who, id, "start", input, None)
            .await
            .expect("act");
        acted.push(t.elapsed());
    }
    summary("take an action", acted, Some(floor_rate));
    let _ = std::fs::remove_dir_all(&dir);
}
