//! The case list with a word to find. A common word (白酒 in a county of liquor
//! samples) matches a good share of any place: the list walks its order and tests the
//! word on each case it passes, so a page comes after a few hundred cases whatever
//! the county's size. A word that is rare here (or frequent elsewhere only) fills no
//! page in a few thousand cases: then the place is narrowed instead, by the search
//! index when it holds fewer matches than the place holds cases, else by the place
//! with the word tested on each of its cases, and the few found are sorted.
//!
//! Counting the matches (the UI's "10000+") reads the same way: from the search
//! index, each match joined to its case as it is found and the count stopped at the
//! cap, or from the place when it is the smaller.
//!
//! The word is always tested as a substring of the case's search text, which holds no
//! sensitive field, so a masked value is never found; the index only narrows.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    Condition, ConnectionTrait, EntityTrait, FromQueryResult, IdenStatic, Order, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Statement,
};

use super::case_walk::{Cursor, KEY_COLUMNS, Level, ranges, unpinned};
use super::cases::Filter;
use super::entities::cases;
use crate::error::Result;

/// The filter's word, trimmed and lowercased as the search text is; `None` if blank.
pub(super) fn word(f: &Filter) -> Option<String> {
    f.q.as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase)
}

/// The word as a substring of the search text (which is lowercased when written).
pub(super) fn substring(word: &str) -> Condition {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Condition::all().add(
        Expr::col(Alias::new("search"))
            .like(sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')),
    )
}

/// Up to `want` keys of the cases `base` selects whose search text holds `word`, in
/// the order of `levels` from their cursor, passing at most `budget` cases of each
/// range; `None` when a range had more cases than that and too few of them matched
/// (the place is better narrowed).
pub(super) async fn scan(
    db: &impl ConnectionTrait,
    base: Condition,
    levels: &[Level],
    backwards: bool,
    want: u64,
    word: &str,
    budget: u64,
) -> Result<Option<Vec<Cursor>>> {
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    for (range, pinned) in ranges(levels, backwards) {
        let order = unpinned(levels, &pinned);
        let left = want - out.len() as u64;
        if left == 0 {
            break;
        }
        // The next `budget` cases along the order, keys and search text only…
        let mut passed = cases::Entity::find()
            .select_only()
            .columns(KEY_COLUMNS)
            .column(cases::Column::Search)
            .filter(base.clone())
            .filter(range);
        for l in &order {
            passed = passed.order_by(l.expr.clone(), direction(l, backwards));
        }
        let passed = passed.limit(budget).into_query();
        // …and of them, the first `left` that hold the word.
        let mut found = Query::select();
        found
            .columns(KEY_COLUMNS.map(|c| Alias::new(c.as_str())))
            .from_subquery(passed.clone(), Alias::new("passed"))
            .cond_where(substring(word));
        for l in &order {
            found.order_by_expr(l.expr.clone(), direction(l, backwards));
        }
        found.limit(left);
        let rows = Cursor::find_by_statement(backend.build(&found))
            .all(db)
            .await?;
        let full = rows.len() as u64 == left;
        out.extend(rows);
        if full {
            break;
        }
        if count(db, passed).await? >= budget {
            return Ok(None);
        }
    }
    Ok(Some(out))
}

fn direction(l: &Level, backwards: bool) -> Order {
    if l.desc == backwards {
        Order::Asc
    } else {
        Order::Desc
    }
}

/// The rows of `q`, counted.
async fn count(db: &impl ConnectionTrait, q: SelectStatement) -> Result<u64> {
    let mut c = Query::select();
    c.expr_as(Expr::cust("count(*)"), Alias::new("n"))
        .from_subquery(q, Alias::new("counted"));
    super::count_n(db, db.get_database_backend().build(&c)).await
}

/// The condition that narrows a place of `held` cases to those holding `word`. On
/// SQLite the search index is used only when it holds no more matches than the place
/// holds cases (it is read whole, each match then looked up); else the place's cases
/// are each tested. PostgreSQL's planner weighs the two itself.
pub(super) async fn narrowed(
    db: &impl ConnectionTrait,
    word: &str,
    held: u64,
    postgres: bool,
) -> Result<Condition> {
    let Some(indexed) = super::search::condition(postgres, word) else {
        return Ok(substring(word));
    };
    if !postgres && indexed_at_most(db, word, held).await? > held {
        return Ok(substring(word));
    }
    Ok(Condition::all().add(indexed).add(substring(word)))
}

/// How many cases the search index finds for `word` (before the substring test),
/// counted no further than `most + 1`. SQLite only.
async fn indexed_at_most(db: &impl ConnectionTrait, word: &str, most: u64) -> Result<u64> {
    let Some(matching) = super::search::fts_query(word) else {
        return Ok(0);
    };
    let sql = format!(
        "SELECT count(*) AS n FROM (SELECT rowid FROM case_search WHERE case_search MATCH ?1 LIMIT {})",
        most.saturating_add(1)
    );
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, [matching.into()]);
    super::count_n(db, stmt).await
}

/// How many cases `f` (with a word) selects, counted no further than `most + 1`, on
/// SQLite: from the search index, each match joined to its case as the index yields
/// it (so the count stops at the cap), or from the places when they hold fewer cases
/// than the index matches.
pub(super) async fn count_at_most(
    db: &impl ConnectionTrait,
    f: &Filter,
    word: &str,
    most: u64,
) -> Result<u64> {
    let plain = Filter {
        q: None,
        ..f.clone()
    };
    let places = Filter {
        programme: f.programme.clone(),
        reach: f.reach.clone(),
        ..Filter::default()
    };
    let held: i64 = super::cases::counts_where(db, &places)
        .await?
        .iter()
        .map(|r| r.4)
        .sum();
    let held = u64::try_from(held).unwrap_or(0);
    let q = cases::Entity::find()
        .select_only()
        .column(cases::Column::Id)
        .filter(super::cases::condition(&plain, false))
        .filter(substring(word))
        .limit(most.saturating_add(1));
    let fts = super::search::fts_query(word).filter(|_| held > 0);
    let Some(matching) = fts else {
        return count(db, q.into_query()).await;
    };
    if indexed_at_most(db, word, held).await? > held {
        return count(db, q.into_query()).await;
    }
    // From the index: `CROSS JOIN` keeps it the outer loop, so its matches stream in
    // rowid order, each looked up, and the LIMIT ends the reading at the cap.
    let q = q
        .filter(Expr::cust("\"cases\".rowid = case_search.rowid"))
        .filter(Expr::cust_with_values("case_search MATCH ?", [matching]));
    let stmt = db.get_database_backend().build(&q.into_query());
    let sql = stmt
        .sql
        .replacen("FROM \"cases\"", "FROM case_search CROSS JOIN \"cases\"", 1);
    let counted = Statement {
        sql: format!("SELECT count(*) AS n FROM ({sql}) AS counted"),
        ..stmt
    };
    super::count_n(db, counted).await
}
