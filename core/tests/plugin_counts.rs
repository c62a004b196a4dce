//! A plugin's declared count, answered along the indexes the server keeps for it,
//! matches exactly the cases the plugin host used to find by reading every case of
//! the type and comparing JSON values: on varied data (quotes, backslashes, Chinese,
//! numbers against strings, `1` against `1.0`, booleans, missing fields, nested and
//! array pointers), with and without a parent, before and after the indexes exist,
//! and after cases are edited, moved to another unit and closed.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use std::collections::BTreeSet;

use anjuan::store::entities::cases;
use anjuan::store::plugin_counts::{self, Declared, Query};
use chrono::{TimeZone, Utc};
use common::Db;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, Set, Statement,
};
use serde_json::{Value, json};

/// Values the cases hold and the counts ask for, chosen to trip a comparison of text
/// that is not a comparison of JSON values.
fn values() -> Vec<Value> {
    vec![
        json!("5"),
        json!(5),
        json!(5.0),
        json!(-5),
        json!(0.1),
        json!(true),
        json!(false),
        json!("true"),
        json!("a\"b"),
        json!("a\\b"),
        json!("it's"),
        json!("中文 ID 43052319800101001X"),
        json!("43052319800101001x"),
        json!(""),
        json!(" 5"),
        json!("line\nbreak"),
        json!("tab\tand \u{1}"),
        json!(12345678901234567_u64),
    ]
}

/// The pointers counted; the last two an index cannot hold (array element, a key
/// with a dot), so they are tested case by case.
const POINTERS: [&str; 5] = ["/id", "/head/id", "/other", "/list/0", "/a.b"];

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// Case data: each pointer's field present with one of [`values`], or an object,
/// an array, `null`, or missing.
fn data(rng: &mut Lcg) -> Value {
    let vals = values();
    let pick = |rng: &mut Lcg| -> Option<Value> {
        match rng.next(vals.len() + 4) {
            i if i < vals.len() => Some(vals[i].clone()),
            i if i == vals.len() => Some(Value::Null),
            i if i == vals.len() + 1 => Some(json!({"x": 5})),
            i if i == vals.len() + 2 => Some(json!(["5"])),
            _ => None,
        }
    };
    let mut d = serde_json::Map::new();
    if let Some(v) = pick(rng) {
        d.insert("id".into(), v);
    }
    if let Some(v) = pick(rng) {
        d.insert("head".into(), json!({ "id": v }));
    }
    if let Some(v) = pick(rng) {
        d.insert("other".into(), v);
    }
    if let Some(v) = pick(rng) {
        d.insert("list".into(), json!([v, 1]));
    }
    if let Some(v) = pick(rng) {
        d.insert("a.b".into(), v);
    }
    Value::Object(d)
}

fn case(
    i: usize,
    programme: &str,
    case_type: &str,
    parent: Option<String>,
    data: &Value,
) -> cases::Model {
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
    let place = ["/c/a/", "/c/b/", "/d/"][i % 3];
    cases::Model {
        id: uuid::Uuid::now_v7().to_string(),
        number: format!("N-{i}-{}", uuid::Uuid::now_v7().simple()),
        programme: programme.into(),
        case_type: case_type.into(),
        def_version: 1,
        def_hash: String::new(),
        state: "open".into(),
        closed: false,
        // As the server writes case data: serde_json's one spelling of each value.
        data: data.to_string(),
        search: String::new(),
        org_unit_id: place.into(),
        org_path: place.into(),
        assignee: None,
        parent_id: parent,
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
    }
}

/// What the plugin host answered before the indexes: every case of the type read,
/// its data parsed, each value compared as JSON.
async fn by_reading_every_case(db: &DatabaseConnection, q: &Query<'_>) -> BTreeSet<String> {
    let mut find = cases::Entity::find()
        .filter(cases::Column::Programme.eq(q.programme))
        .filter(cases::Column::CaseType.eq(q.case_type));
    let mut pointers = Vec::new();
    for (p, v) in q.filters {
        if *p == "@parent" {
            find = find.filter(cases::Column::ParentId.eq(v.as_str().unwrap_or_default()));
        } else {
            pointers.push((*p, v));
        }
    }
    find.all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| {
            let data: Value = serde_json::from_str(&c.data).unwrap_or(Value::Null);
            pointers.iter().all(|(p, v)| data.pointer(p) == Some(*v))
        })
        .map(|c| c.id)
        .collect()
}

/// Every query of one or two pointers, with and without a parent, for every value;
/// each answered both ways. Returns how many queries matched at least one case.
async fn compare_all(db: &DatabaseConnection, parents: &[String]) -> usize {
    let mut nonzero = 0;
    let vals = values();
    let parent_choices: Vec<Option<Value>> = std::iter::once(None)
        .chain(parents.iter().map(|p| Some(json!(p))))
        .chain(std::iter::once(Some(json!(7))))
        .collect();
    for (i, p1) in POINTERS.iter().enumerate() {
        for v1 in &vals {
            for parent in &parent_choices {
                // One pointer, then the same with a second pointer and value.
                let second = POINTERS[(i + 1) % POINTERS.len()];
                let v2 = &vals[(i * 7 + 3) % vals.len()];
                let shapes: [Vec<(&str, Value)>; 2] = [
                    vec![(*p1, v1.clone())],
                    vec![(*p1, v1.clone()), (second, v2.clone())],
                ];
                for mut filters in shapes {
                    if let Some(p) = parent {
                        filters.push(("@parent", p.clone()));
                    }
                    let q = Query {
                        programme: "care",
                        case_type: "family",
                        filters: &filters,
                    };
                    let want = by_reading_every_case(db, &q).await;
                    let got: BTreeSet<String> = plugin_counts::matching(db, &q)
                        .await
                        .unwrap()
                        .into_iter()
                        .map(|m| m.id)
                        .collect();
                    assert_eq!(got, want, "matching {filters:?}");
                    let n = plugin_counts::count(db, &q).await.unwrap();
                    assert_eq!(n, want.len() as u64, "count {filters:?}");
                    nonzero += usize::from(!want.is_empty());
                }
            }
        }
    }
    nonzero
}

fn declared() -> Vec<Declared> {
    POINTERS
        .iter()
        .map(|p| Declared {
            programme: "care".into(),
            case_type: "family".into(),
            pointer: (*p).into(),
        })
        .collect()
}

async fn count_indexes(db: &DatabaseConnection) -> usize {
    let sql = if anjuan::store::is_postgres(db) {
        "SELECT indexname AS name FROM pg_indexes WHERE indexname LIKE 'idx_plugin_count_%'"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_plugin_count_%'"
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .len()
}

async fn indexed_counts_equal_reading_every_case(kind: Db) {
    let db = anjuan::store::connect(&common::fresh_database(kind).await)
        .await
        .unwrap();
    let mut rng = Lcg(12);
    // Parents, then their children; and the same data under other types and
    // programmes, which must never be counted.
    let mut parents = Vec::new();
    for i in 0..3 {
        let p = anjuan::store::cases::insert(&db, case(i, "care", "household", None, &json!({})))
            .await
            .unwrap();
        parents.push(p.id);
    }
    let mut ids = Vec::new();
    for i in 0..240 {
        let d = data(&mut rng);
        let parent = (i % 4 != 0).then(|| parents[i % 3].clone());
        let c = anjuan::store::cases::insert(&db, case(i, "care", "family", parent, &d))
            .await
            .unwrap();
        ids.push(c.id);
        let (programme, case_type) = if i % 2 == 0 {
            ("care", "visit")
        } else {
            ("fire", "family")
        };
        anjuan::store::cases::insert(&db, case(i, programme, case_type, None, &d))
            .await
            .unwrap();
    }

    // Without indexes, then with them: the same answers.
    let without = compare_all(&db, &parents).await;
    assert!(
        without > 100,
        "the data gives the queries something to find ({without})"
    );
    let built = plugin_counts::ensure(&db, &declared()).await.unwrap();
    assert_eq!(
        built.built.len(),
        3,
        "one index per plain pointer: {built:?}"
    );
    assert_eq!(count_indexes(&db).await, 3);
    assert_eq!(compare_all(&db, &parents).await, without);
    let again = plugin_counts::ensure(&db, &declared()).await.unwrap();
    assert!(
        again.built.is_empty() && again.dropped.is_empty(),
        "{again:?}"
    );

    if !anjuan::store::is_postgres(&db) {
        let expr = plugin_counts::expression(false, "/id").unwrap();
        let plan = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                format!(
                    "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM cases WHERE programme = 'care' \
                     AND case_type = 'family' AND {expr} = '\"5\"'"
                ),
            ))
            .await
            .unwrap();
        let detail: Vec<String> = plan
            .iter()
            .map(|r| r.try_get::<String>("", "detail").unwrap())
            .collect();
        assert!(
            detail.iter().any(|d| d.contains("idx_plugin_count_")),
            "the count reads its index: {detail:?}"
        );
    }

    // Edited, moved and closed cases: the indexes follow the rows.
    for (n, id) in ids.iter().enumerate().filter(|(n, _)| n % 5 == 0) {
        let row = cases::Entity::find_by_id(id.clone())
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let mut m = row.into_active_model();
        match n % 3 {
            0 => m.data = Set(data(&mut rng).to_string()),
            1 => {
                m.org_path = Set("/e/".into());
                m.org_unit_id = Set("/e/".into());
            }
            _ => {
                m.closed = Set(true);
                m.state = Set("closed".into());
                m.data = Set(data(&mut rng).to_string());
            }
        }
        m.update(&db).await.unwrap();
    }
    cases::Entity::delete_many()
        .filter(cases::Column::Id.eq(ids[1].clone()))
        .exec(&db)
        .await
        .unwrap();
    let after = compare_all(&db, &parents).await;
    assert!(after > 100, "{after}");

    // A pointer no plugin counts by any more loses its index.
    let fewer: Vec<Declared> = declared().into_iter().take(1).collect();
    let dropped = plugin_counts::ensure(&db, &fewer).await.unwrap();
    assert_eq!(dropped.dropped.len(), 2, "{dropped:?}");
    assert_eq!(count_indexes(&db).await, 1);
    assert_eq!(compare_all(&db, &parents).await, after);
}

#[tokio::test]
async fn indexed_counts_equal_reading_every_case_sqlite() {
    indexed_counts_equal_reading_every_case(Db::Sqlite).await;
}

#[tokio::test]
async fn indexed_counts_equal_reading_every_case_postgres() {
    indexed_counts_equal_reading_every_case(Db::Postgres).await;
}

/// The server keeps an index for each pointer the shipped plugins count by, and the
/// duplicate-family check answers from it.
async fn the_shipped_plugins_counts_are_indexed(kind: Db) {
    let (state, _) = common::shipped::shipped_state(kind).await;
    let mut wanted = 0;
    for (id, v) in state.programmes().iter() {
        let plugin = v.def.programme.plugin.clone().unwrap();
        let pointers = state.plugins.count_pointers(&plugin);
        assert!(
            id != "special-family-care"
                || pointers.contains(&("family".to_owned(), "/id_number".to_owned())),
            "{pointers:?}"
        );
        wanted += pointers.len();
    }
    assert!(wanted >= 8, "{wanted}");
    assert_eq!(count_indexes(&state.db).await, wanted);
}

#[tokio::test]
async fn the_shipped_plugins_counts_are_indexed_sqlite() {
    the_shipped_plugins_counts_are_indexed(Db::Sqlite).await;
}

#[tokio::test]
async fn the_shipped_plugins_counts_are_indexed_postgres() {
    the_shipped_plugins_counts_are_indexed(Db::Postgres).await;
}
