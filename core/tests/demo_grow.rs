//! The grown demo county (`anjuan demo --cases N`) is as consistent as one played
//! case by case: every chain verifies, a sweep right after finds no deadline the
//! copies left to breach, each user's inbox is exactly what the engine says they can
//! move on, the navigation counts it, and every case is in the search index.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use std::collections::BTreeSet;

use anjuan::store::entities::cases;
use common::Db;
use common::shipped::shipped_state;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Statement};

const TARGET: u64 = 2000;

async fn a_grown_county_is_what_the_engine_and_the_chains_say(kind: Db) {
    let (state, _) = shipped_state(kind).await;
    anjuan::demo::seed_identity(&state.db).await.unwrap();
    let seeded = anjuan::demo_cases::seed_cases(&state).await.unwrap() as u64;
    let grown = anjuan::demo_cases::grow::grow(&state, TARGET, 7, |_, _| {})
        .await
        .unwrap();
    assert_eq!(grown.cases, TARGET);
    assert_eq!(grown.written, TARGET - seeded);
    assert_eq!(
        cases::Entity::find().count(&state.db).await.unwrap(),
        TARGET
    );

    let (events, broken) = anjuan::store::events::verify_all(&state.db, |_, _| {})
        .await
        .unwrap();
    assert!(broken.is_empty(), "{broken:#?}");
    assert!(events as u64 > TARGET, "{events} events");

    // The copies moved back only as far as their running deadlines allow.
    let sweep = anjuan::service::worker::sweep(&state, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(sweep.breached, 0, "{sweep:?}");

    let indexed = if kind == Db::Postgres {
        "SELECT count(*) AS n FROM cases WHERE grams IS NOT NULL"
    } else {
        "SELECT count(*) AS n FROM case_search"
    };
    let row = state
        .db
        .query_one_raw(Statement::from_string(
            state.db.get_database_backend(),
            indexed,
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap() as u64, TARGET);

    // Dashboards and metrics count from `case_counts`, kept by triggers: the same as
    // grouping the cases themselves.
    let mut kept = anjuan::store::cases::counts(&state.db).await.unwrap();
    kept.sort();
    let grouped = state
        .db
        .query_all_raw(Statement::from_string(
            state.db.get_database_backend(),
            "SELECT programme, case_type, state, overdue, count(*) AS n FROM cases \
             GROUP BY programme, case_type, state, overdue",
        ))
        .await
        .unwrap();
    let mut grouped: Vec<(String, String, String, bool, i64)> = grouped
        .iter()
        .map(|r| {
            (
                r.try_get("", "programme").unwrap(),
                r.try_get("", "case_type").unwrap(),
                r.try_get("", "state").unwrap(),
                r.try_get("", "overdue").unwrap(),
                r.try_get("", "n").unwrap(),
            )
        })
        .collect();
    grouped.sort();
    assert_eq!(kept, grouped, "case_counts is what the cases hold");

    let open: Vec<cases::Model> = cases::Entity::find()
        .all(&state.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| !c.closed)
        .collect();
    let now = chrono::Utc::now();
    for name in [
        "inspector",
        "market-lead",
        "village",
        "township",
        "fire-lead",
    ] {
        let user = anjuan::store::identity::user_by_username(&state.db, name)
            .await
            .unwrap()
            .unwrap();
        let caller =
            anjuan::store::identity::load_caller(&state.db, &user.id, anjuan::auth::Via::Token)
                .await
                .unwrap()
                .unwrap();
        let listed = anjuan::http::api::tasks::inbox(&state, &caller, None, 0, TARGET)
            .await
            .unwrap();
        let mut judged = BTreeSet::new();
        for c in &open {
            let version = anjuan::service::cases::case_version(&state, c).unwrap();
            let snapshot = anjuan::service::cases::snapshot(&state, c).await.unwrap();
            let who = anjuan::service::actor(&caller, &c.programme, &c.org_path);
            let moves_on = anjuan::engine::available_actions(&version.def, &snapshot, &who, now)
                .iter()
                .any(|a| a.to != c.state);
            if moves_on {
                judged.insert(c.id.clone());
            }
        }
        let ids: BTreeSet<String> = listed.iter().map(|c| c.case.id.clone()).collect();
        assert_eq!(ids, judged, "{name}: the inbox is what the engine says");
        assert!(ids.len() > 10, "{name}: the grown county gives {name} work");
        let counts = anjuan::service::views::inbox_counts(&state, &caller)
            .await
            .unwrap();
        let overdue = listed.iter().filter(|c| c.overdue).count() as u64;
        assert_eq!(
            (counts.total, counts.overdue),
            (listed.len() as u64, overdue),
            "{name}: the navigation counts what the inbox lists"
        );
    }
}
on_both!(a_grown_county_is_what_the_engine_and_the_chains_say);
