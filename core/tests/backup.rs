//! `anjuan backup` while the server keeps taking actions, then `anjuan restore` into an
//! empty data folder: the copy verifies and holds every action acknowledged before the
//! backup began.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use std::sync::{Arc, Mutex};

use common::{Db, TestApp};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_during_concurrent_actions_restores_and_holds_every_acknowledged_action() {
    let app = Arc::new(TestApp::spawn(Db::Sqlite).await);
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (app, acked, stop) = (app.clone(), acked.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let r = app
                        .post("/api/v1/cases", "inspector")
                        .json(&json!({ "programme": "demo", "case_type": "sample", "org_unit": "town-a",
                                       "data": { "product": format!("writer {w} case {n}") } }))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 201);
                    let case: serde_json::Value = r.json().await.unwrap();
                    acked.lock().unwrap().push(case["id"].as_str().unwrap().to_owned());
                    n += 1;
                }
            })
        })
        .collect();
    // Let the writers get going (a count, not a clock).
    while acked.lock().unwrap().len() < 40 {
        tokio::task::yield_now().await;
    }
    let before: Vec<String> = acked.lock().unwrap().clone();
    let dir = std::env::temp_dir().join(format!("anjuan-backup-{}", uuid::Uuid::now_v7()));
    let file = dir.join("copy.db");
    let taken = anjuan::cli::backup::backup(&app.db_url, &file)
        .await
        .unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    assert!(taken.cases >= before.len() as i64);

    assert!(
        anjuan::cli::backup::backup(&app.db_url, &file)
            .await
            .is_err(),
        "a backup never overwrites a file"
    );
    let data = dir.join("restored");
    let restored = anjuan::cli::backup::restore(&file, &data).await.unwrap();
    assert_eq!(restored, taken);
    let again = anjuan::cli::backup::restore(&file, &data).await;
    assert!(
        again
            .unwrap_err()
            .to_string()
            .contains("already holds a database"),
        "a restore never overwrites a database"
    );

    let db = anjuan::store::connect(&anjuan::config::sqlite_url(&data.join("anjuan.db")))
        .await
        .unwrap();
    let (_, broken) = anjuan::store::events::verify_all(&db, |_, _| {})
        .await
        .unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    let ids: std::collections::BTreeSet<String> = anjuan::store::entities::cases::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    for id in &before {
        assert!(
            ids.contains(id),
            "case {id} was acknowledged before the backup began"
        );
    }
    let events = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM events",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(events as usize, taken.events);
    let app = Arc::try_unwrap(app).ok().unwrap();
    app.stop().await;
}

/// A copy from which a case was deleted whole since a checkpoint is refused: the copy's
/// checkpoints are verified with its chains.
#[tokio::test]
async fn a_copy_missing_a_checkpointed_case_is_refused() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let gone = app.open_sample(json!({ "product": "腐竹" })).await;
    let gone = gone["id"].as_str().unwrap().to_owned();
    app.open_sample(json!({ "product": "面条" })).await;
    let db = &app.state.db;
    anjuan::store::checkpoints::take(db, None).await.unwrap();
    for sql in [
        format!("DELETE FROM events WHERE case_id = '{gone}'"),
        format!("DELETE FROM deadlines WHERE case_id = '{gone}'"),
        format!("DELETE FROM case_tasks WHERE case_id = '{gone}'"),
        format!("DELETE FROM cases WHERE id = '{gone}'"),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    let dir = std::env::temp_dir().join(format!("anjuan-backup-{}", uuid::Uuid::now_v7()));
    let err = anjuan::cli::backup::backup(&app.db_url, &dir.join("copy.db"))
        .await
        .unwrap_err();
    let said = format!("{err:#}");
    assert!(said.contains(&gone), "{said}");
    assert!(said.contains("checkpoints"), "{said}");
    std::fs::remove_dir_all(&dir).ok();
    app.stop().await;
}
