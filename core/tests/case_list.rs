//! The case list read page after page along its sort index (each page starting after
//! the last row's key) holds exactly the cases the filter selects, each once, in the
//! list's order, also where many cases tie on every sort column but the id, and for a
//! caller whose places overlap; going back from a page gives the page before it.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use anjuan::store::cases::{Cursor, Filter, PageAt, Sort};
use anjuan::store::entities::cases;
use chrono::{Duration, TimeZone, Utc};
use common::Db;

const PLACES: [&str; 4] = ["/p/a/", "/p/a/x/", "/p/b/", "/q/"];

/// 360 cases over two programmes and four places, with few distinct due, opening and
/// change times, so that most cases tie with many others on everything but the id.
async fn county(kind: Db) -> sea_orm::DatabaseConnection {
    let db = anjuan::store::connect(&common::fresh_database(kind).await)
        .await
        .unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
    for i in 0..360_i64 {
        let place = PLACES[(i % 4) as usize];
        let row = cases::Model {
            id: uuid::Uuid::now_v7().to_string(),
            number: format!("N-{:05}", (i * 7919) % 100_000),
            programme: if i % 3 == 0 { "one" } else { "two" }.into(),
            case_type: "t".into(),
            def_version: 1,
            def_hash: String::new(),
            state: if i % 5 == 0 { "done" } else { "open" }.into(),
            closed: i % 5 == 0,
            // The data holds a sensitive value that the search text leaves out.
            data: format!("{{\"id_card\": \"秘{i}\"}}"),
            search: format!(
                "case {i} {}",
                ["河西镇", "城关镇", "白酒坊"][(i % 3) as usize]
            ),
            org_unit_id: place.into(),
            org_path: place.into(),
            assignee: None,
            parent_id: None,
            version: 1,
            created_by: "u".into(),
            created_at: t0 + Duration::days(i % 6),
            updated_at: t0 + Duration::hours(i % 4),
            state_entered_at: t0,
            overdue: i % 7 == 0,
            next_due: (i % 5 != 0).then(|| t0 + Duration::days(10 + i % 3)),
            chain_len: 1,
            chain_head: String::new(),
            actors: None,
            clock: false,
        };
        let row = anjuan::store::cases::insert(&db, row).await.unwrap();
        anjuan::store::search::index(&db, &row.id, &row.search)
            .await
            .unwrap();
    }
    db
}

/// Every case `f` selects, in its order, as the reference: filtered and sorted here.
async fn reference(db: &sea_orm::DatabaseConnection, f: &Filter) -> Vec<String> {
    use sea_orm::EntityTrait;
    let mut all: Vec<Cursor> = cases::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .filter(|c| {
            f.reach.as_ref().is_none_or(|r| {
                r.iter().any(|(p, path)| {
                    (p == "*" || *p == c.programme) && c.org_path.starts_with(path.as_str())
                })
            }) && f.programme.as_ref().is_none_or(|p| *p == c.programme)
                && f.overdue.is_none_or(|o| o == c.overdue)
                && f.open.is_none_or(|o| o != c.closed)
                && f.q.as_ref().is_none_or(|q| c.search.contains(q.as_str()))
        })
        .map(Cursor::of)
        .collect();
    all.sort_by(|a, b| anjuan::store::case_walk::compare(f.sort, a, b));
    all.into_iter().map(|c| c.id).collect()
}

/// Page through `f` forwards by cursor, then back from the last page; both must give
/// the reference, page by page.
async fn pages_are_the_reference(db: &sea_orm::DatabaseConnection, f: &Filter) {
    let want = reference(db, f).await;
    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut at = PageAt::Start;
    loop {
        let rows = anjuan::store::case_walk::page(db, f, &at).await.unwrap();
        if rows.is_empty() {
            break;
        }
        at = PageAt::After(Cursor::of(rows.last().unwrap()));
        let full = rows.len() as u64 == f.per_page;
        pages.push(rows.into_iter().map(|c| c.id).collect());
        if !full {
            break;
        }
    }
    let got: Vec<String> = pages.concat();
    assert_eq!(got, want, "{:?} {:?}", f.sort, f.reach);

    // Back from the last page, each page before a page's first row is the one before.
    for i in (1..pages.len()).rev() {
        let first = pages[i][0].clone();
        let key = {
            use sea_orm::EntityTrait;
            Cursor::of(
                &cases::Entity::find_by_id(first)
                    .one(db)
                    .await
                    .unwrap()
                    .unwrap(),
            )
        };
        let rows = anjuan::store::case_walk::page(db, f, &PageAt::Before(key))
            .await
            .unwrap();
        let ids: Vec<String> = rows.into_iter().map(|c| c.id).collect();
        assert_eq!(ids, pages[i - 1], "back from page {}", i + 1);
    }

    // A numbered page (the API's `page`) is the same page.
    if pages.len() > 2 {
        let numbered = Filter {
            page: 3,
            ..f.clone()
        };
        let rows = anjuan::store::case_walk::page(db, &numbered, &PageAt::Start)
            .await
            .unwrap();
        let ids: Vec<String> = rows.into_iter().map(|c| c.id).collect();
        assert_eq!(ids, pages[2]);
    }
}

async fn keyset_pages_hold_every_case_once_in_order(kind: Db) {
    let db = county(kind).await;
    let reaches: Vec<Option<Vec<(String, String)>>> = vec![
        None,
        Some(vec![("two".into(), "/p/".into())]),
        // Overlapping places: a case under /p/a/x/ is reached twice.
        Some(vec![
            ("two".into(), "/p/a/".into()),
            ("two".into(), "/p/a/x/".into()),
            ("one".into(), "/q/".into()),
        ]),
        Some(vec![
            ("*".into(), "/p/a/".into()),
            ("one".into(), "/p/".into()),
        ]),
    ];
    for sort in [
        Sort::Due,
        Sort::Newest,
        Sort::Oldest,
        Sort::Updated,
        Sort::Number,
    ] {
        for reach in &reaches {
            for (programme, overdue, open) in [
                (None, None, None),
                (Some("two".to_owned()), None, Some(true)),
                (None, Some(true), None),
            ] {
                let f = Filter {
                    reach: reach.clone(),
                    programme,
                    overdue,
                    open,
                    sort,
                    page: 1,
                    per_page: 17,
                    ..Filter::default()
                };
                pages_are_the_reference(&db, &f).await;
            }
        }
    }
}

/// Search pages hold the cases whose search text holds the query, in reach only, and
/// never one found by a value the search text leaves out.
async fn search_finds_only_text_in_reach(kind: Db) {
    let db = county(kind).await;
    let reach = Some(vec![
        ("two".to_owned(), "/p/".to_owned()),
        ("one".to_owned(), "/q/".to_owned()),
    ]);
    for q in ["河西镇", "城关", "酒", "case 1", "秘1", "秘"] {
        {
            let f = Filter {
                reach: reach.clone(),
                q: Some(q.to_owned()),
                sort: Sort::Newest,
                page: 1,
                per_page: 13,
                ..Filter::default()
            };
            pages_are_the_reference(&db, &f).await;
            if q.starts_with('秘') {
                let (rows, total) = anjuan::store::cases::list(&db, &f, &PageAt::Start)
                    .await
                    .unwrap();
                assert!(rows.is_empty() && total == 0, "{q} found by a masked value");
            }
        }
    }
}

#[tokio::test]
async fn search_finds_only_text_in_reach_sqlite() {
    search_finds_only_text_in_reach(Db::Sqlite).await;
}

#[tokio::test]
async fn search_finds_only_text_in_reach_postgres() {
    search_finds_only_text_in_reach(Db::Postgres).await;
}

#[tokio::test]
async fn keyset_pages_hold_every_case_once_in_order_sqlite() {
    keyset_pages_hold_every_case_once_in_order(Db::Sqlite).await;
}

#[tokio::test]
async fn keyset_pages_hold_every_case_once_in_order_postgres() {
    keyset_pages_hold_every_case_once_in_order(Db::Postgres).await;
}
