//! A programme's on-time rate sums `deadline_counts`, kept by triggers with every
//! deadline written, met, breached or removed: the same numbers as counting the
//! deadlines of the cases in reach.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use std::collections::BTreeMap;

use anjuan::store::cases::Filter;
use anjuan::store::entities::{cases, deadlines};
use chrono::{Duration, TimeZone, Utc};
use common::Db;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

const PLACES: [&str; 3] = ["/p/a/", "/p/b/", "/q/"];

/// A filter's programme and places.
type Reach = (Option<String>, Option<Vec<(String, String)>>);

async fn kept_counts_are_the_deadlines_in_reach(kind: Db) {
    let db = anjuan::store::connect(&common::fresh_database(kind).await)
        .await
        .unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
    let mut rows = Vec::new();
    for i in 0..60_i64 {
        let place = PLACES[(i % 3) as usize];
        let case = cases::Model {
            id: uuid::Uuid::now_v7().to_string(),
            number: format!("N-{i}"),
            programme: if i % 2 == 0 { "one" } else { "two" }.into(),
            case_type: "t".into(),
            def_version: 1,
            def_hash: String::new(),
            state: "open".into(),
            closed: false,
            data: "{}".into(),
            search: String::new(),
            org_unit_id: place.into(),
            org_path: place.into(),
            assignee: None,
            parent_id: None,
            version: 1,
            created_by: "u".into(),
            created_at: t0,
            updated_at: t0,
            state_entered_at: t0,
            overdue: false,
            next_due: None,
            chain_len: 1,
            chain_head: String::new(),
            actors: None,
            clock: false,
        };
        let case = anjuan::store::cases::insert(&db, case).await.unwrap();
        for k in 0..(i % 3) {
            let d = deadlines::Model {
                id: uuid::Uuid::now_v7().to_string(),
                case_id: case.id.clone(),
                deadline_id: format!("d{k}"),
                span: "1d".into(),
                opened_at: t0,
                due_at: t0 + Duration::days(1),
                status: "running".into(),
                breached: false,
                remaining: None,
                closed_at: None,
                claimed_by: None,
                claimed_until: None,
                escalation: None,
            };
            deadlines::Entity::insert(d.clone().into_active_model())
                .exec_without_returning(&db)
                .await
                .unwrap();
            rows.push((case.clone(), d));
        }
    }
    // Meet some, breach some, meet some late, remove one.
    for (i, (_, d)) in rows.iter_mut().enumerate() {
        let mut a = d.clone().into_active_model();
        match i % 4 {
            0 => {
                a.status = Set("met".into());
                d.status = "met".into();
            }
            1 => {
                a.breached = Set(true);
                d.breached = true;
            }
            2 => {
                a.status = Set("met".into());
                a.breached = Set(true);
                d.status = "met".into();
                d.breached = true;
            }
            _ => continue,
        }
        a.update(&db).await.unwrap();
    }
    let (_, gone) = rows.remove(5);
    deadlines::Entity::delete_by_id(gone.id)
        .exec(&db)
        .await
        .unwrap();

    let reaches: Vec<Reach> = vec![
        (None, None),
        (Some("one".into()), None),
        (
            Some("two".into()),
            Some(vec![
                ("two".into(), "/p/".into()),
                ("*".into(), "/q/".into()),
            ]),
        ),
        (None, Some(vec![("one".into(), "/p/a/".into())])),
    ];
    for (programme, reach) in reaches {
        let f = Filter {
            programme: programme.clone(),
            reach: reach.clone(),
            ..Filter::default()
        };
        let mut want: BTreeMap<(String, bool), i64> = BTreeMap::new();
        for (c, d) in &rows {
            let in_programme = programme.as_ref().is_none_or(|p| *p == c.programme);
            let in_reach = reach.as_ref().is_none_or(|r| {
                r.iter().any(|(p, path)| {
                    (p == "*" || *p == c.programme) && c.org_path.starts_with(path.as_str())
                })
            });
            if in_programme && in_reach {
                *want.entry((d.status.clone(), d.breached)).or_default() += 1;
            }
        }
        let got: BTreeMap<(String, bool), i64> = anjuan::store::cases::deadline_counts(&db, &f)
            .await
            .unwrap()
            .into_iter()
            .map(|(s, b, n)| ((s, b), n))
            .collect();
        assert_eq!(got, want, "{programme:?} {reach:?}");
    }
}

#[tokio::test]
async fn kept_counts_are_the_deadlines_in_reach_sqlite() {
    kept_counts_are_the_deadlines_in_reach(Db::Sqlite).await;
}

#[tokio::test]
async fn kept_counts_are_the_deadlines_in_reach_postgres() {
    kept_counts_are_the_deadlines_in_reach(Db::Postgres).await;
}
