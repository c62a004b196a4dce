//! The case list read page after page along its sort index (each page starting after
//! the last row's key) holds exactly the cases the filter selects, each once, in the
//! list's order, also where many cases tie on every sort column but the id, and for a
//! caller whose places overlap; going back from a page gives the page before it. Each
//! is read as a province would read it (places walked along their order, words tested
//! on the way or looked up, the due order walked per overdue flag) and as a small
//! county would (narrowed and sorted), so every path is taken on a small county.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use anjuan::store::case_walk::Plan;
use anjuan::store::cases::{Cursor, Filter, PageAt, Sort};
use anjuan::store::entities::cases;
use chrono::{Duration, TimeZone, Utc};
use common::Db;

const PLACES: [&str; 4] = ["/p/a/", "/p/a/x/", "/p/b/", "/q/"];

/// 360 cases over two programmes and four places, with few distinct due, opening and
/// change times, so that most cases tie with many others on everything but the id.
async fn county(kind: Db) -> sea_orm::DatabaseConnection {
    county_at(&common::fresh_database(kind).await).await
}

async fn county_at(url: &str) -> sea_orm::DatabaseConnection {
    let db = anjuan::store::connect(url).await.unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
    for i in 0..360_i64 {
        let place = PLACES[(i % 4) as usize];
        let row = cases::Model {
            id: uuid::Uuid::now_v7().to_string(),
            // Letter case and punctuation differ between some numbers: a language
            // collation orders them otherwise than byte by byte.
            number: match i % 4 {
                0 => format!("N-{:05}", (i * 7919) % 100_000),
                1 => format!("n-{:05}", (i * 7919) % 100_000),
                2 => format!("N{:05}", (i * 7919) % 100_000),
                _ => format!("N_{:04}-b", (i * 7919) % 10_000),
            },
            programme: if i % 3 == 0 { "one" } else { "two" }.into(),
            case_type: "t".into(),
            def_version: 1,
            def_hash: String::new(),
            state: if i % 5 == 0 { "done" } else { "open" }.into(),
            closed: i % 5 == 0,
            // The data holds a sensitive value that the search text leaves out.
            data: match i % 3 {
                0 => format!("{{\"id_card\": \"秘{i}\"}}"),
                n => format!("{{\"id_card\": \"秘{i}\", \"category\": \"类{n}\"}}"),
            },
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
                && f.q
                    .as_ref()
                    .is_none_or(|q| c.search.contains(q.trim().to_lowercase().as_str()))
        })
        .map(Cursor::of)
        .collect();
    all.sort_by(|a, b| anjuan::store::case_walk::compare(f.sort, a, b));
    all.into_iter().map(|c| c.id).collect()
}

/// How a province reads (every place walked; a word given up on after 7 cases, or
/// found on the way) and how a small county reads (every place narrowed).
const PLANS: [Plan; 3] = [
    Plan { narrow: 0, scan: 7 },
    Plan {
        narrow: 0,
        scan: 1_000,
    },
    Plan {
        narrow: u64::MAX,
        scan: 0,
    },
];

/// [`pages_are_the_reference_with`] for every plan.
async fn pages_are_the_reference(db: &sea_orm::DatabaseConnection, f: &Filter) {
    for plan in PLANS {
        pages_are_the_reference_with(db, f, plan).await;
    }
}

/// Page through `f` forwards by cursor, then back from the last page; both must give
/// the reference, page by page.
async fn pages_are_the_reference_with(db: &sea_orm::DatabaseConnection, f: &Filter, plan: Plan) {
    let want = reference(db, f).await;
    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut at = PageAt::Start;
    loop {
        let rows = anjuan::store::case_walk::page_with(db, f, &at, plan)
            .await
            .unwrap();
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
    assert_eq!(got, want, "{:?} {:?} {:?} {plan:?}", f.sort, f.reach, f.q);

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
        let rows = anjuan::store::case_walk::page_with(db, f, &PageAt::Before(key), plan)
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
        let rows = anjuan::store::case_walk::page_with(db, &numbered, &PageAt::Start, plan)
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
                (Some("one".to_owned()), Some(false), None),
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
/// never one found by a value the search text leaves out; the capped count counts
/// exactly them, up to its cap, whether it reads from the index or the places.
async fn search_finds_only_text_in_reach(kind: Db) {
    let db = county(kind).await;
    let reaches = [
        Some(vec![
            ("two".to_owned(), "/p/".to_owned()),
            ("one".to_owned(), "/q/".to_owned()),
        ]),
        // One small place: the index finds more than the place holds.
        Some(vec![("two".to_owned(), "/p/a/x/".to_owned())]),
        None,
    ];
    for reach in &reaches {
        for q in [
            "河西镇",
            "城关",
            "酒",
            "case 1",
            "CASE 3",
            "秘1",
            "秘",
            "%",
            "no such",
        ] {
            for sort in [Sort::Newest, Sort::Due, Sort::Number] {
                let f = Filter {
                    reach: reach.clone(),
                    q: Some(q.to_owned()),
                    sort,
                    page: 1,
                    per_page: 13,
                    ..Filter::default()
                };
                pages_are_the_reference(&db, &f).await;
            }
            let f = Filter {
                reach: reach.clone(),
                q: Some(q.to_owned()),
                ..Filter::default()
            };
            let want = reference(&db, &f).await.len() as u64;
            let counted = anjuan::store::cases::count_at_most(&db, &f, 1_000)
                .await
                .unwrap();
            assert_eq!(counted, want, "count of {q} in {reach:?}");
            let capped = anjuan::store::cases::count_at_most(&db, &f, 5)
                .await
                .unwrap();
            assert_eq!(capped, want.min(6), "count of {q} capped at 5");
            if q.starts_with('秘') {
                let (rows, total) = anjuan::store::cases::list(&db, &f, &PageAt::Start)
                    .await
                    .unwrap();
                assert!(rows.is_empty() && total == 0, "{q} found by a masked value");
            }
        }
    }
}

/// The UI's count: exact from the kept counts where they can tell (any number),
/// capped where they cannot.
async fn list_counts_what_it_lists(kind: Db) {
    let db = county(kind).await;
    let reach = Some(vec![("two".to_owned(), "/p/".to_owned())]);
    for (overdue, open) in [(None, None), (Some(true), None), (Some(false), Some(true))] {
        let f = Filter {
            reach: reach.clone(),
            overdue,
            open,
            page: 1,
            per_page: 10,
            ..Filter::default()
        };
        let want = reference(&db, &f).await.len() as u64;
        let (_, total, more) = anjuan::store::cases::list_capped(&db, &f, &PageAt::Start)
            .await
            .unwrap();
        assert_eq!((total, more), (want, false), "{overdue:?} {open:?}");
    }
}

/// A chart's counts per data field, grouped in the database, are those of the cases
/// the filter selects.
async fn counts_by_field_group_the_cases_selected(kind: Db) {
    use sea_orm::EntityTrait;
    let db = county(kind).await;
    let f = Filter {
        reach: Some(vec![("two".to_owned(), "/p/".to_owned())]),
        open: Some(true),
        ..Filter::default()
    };
    let selected = reference(&db, &f).await;
    let mut want = std::collections::BTreeMap::new();
    for c in cases::Entity::find().all(&db).await.unwrap() {
        if selected.contains(&c.id) {
            let data: serde_json::Value = serde_json::from_str(&c.data).unwrap();
            let value = data["category"].as_str().map(str::to_owned);
            *want.entry((value, c.overdue)).or_insert(0_i64) += 1;
        }
    }
    let got: std::collections::BTreeMap<(Option<String>, bool), i64> =
        anjuan::store::cases::counts_by_field(&db, &f, "category")
            .await
            .unwrap()
            .into_iter()
            .map(|(v, o, n)| ((v, o), n))
            .collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn counts_by_field_group_the_cases_selected_sqlite() {
    counts_by_field_group_the_cases_selected(Db::Sqlite).await;
}

#[tokio::test]
async fn counts_by_field_group_the_cases_selected_postgres() {
    counts_by_field_group_the_cases_selected(Db::Postgres).await;
}

#[tokio::test]
async fn list_counts_what_it_lists_sqlite() {
    list_counts_what_it_lists(Db::Sqlite).await;
}

#[tokio::test]
async fn list_counts_what_it_lists_postgres() {
    list_counts_what_it_lists(Db::Postgres).await;
}

/// On a PostgreSQL database whose collation orders text by language, numbers are
/// still walked and merged byte by byte, so no page skips or repeats a case.
#[tokio::test]
async fn number_order_holds_under_a_language_collation_postgres() {
    use sea_orm::ConnectionTrait;
    let server = std::env::var("ANJUAN_TEST_POSTGRES_URL").expect("ANJUAN_TEST_POSTGRES_URL");
    let name = format!("anjuan_test_icu_{}", uuid::Uuid::now_v7().simple());
    let admin = sea_orm::Database::connect(server.as_str()).await.unwrap();
    admin
        .execute_unprepared(&format!(
            "CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu \
             ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
        ))
        .await
        .unwrap();
    let base = server.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
    let db = county_at(&format!("{base}/{name}")).await;
    for reach in [None, Some(vec![("two".to_owned(), "/p/".to_owned())])] {
        let f = Filter {
            reach,
            sort: Sort::Number,
            page: 1,
            per_page: 17,
            ..Filter::default()
        };
        pages_are_the_reference(&db, &f).await;
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
