//! Free-text search through an index: every case's search text (number, summary,
//! non-sensitive text fields) is kept as its characters and pairs of neighbouring
//! characters, so a query of any length, Chinese two-character words such as 白酒
//! included, is answered from the index and then confirmed as a substring.
//!
//! SQLite keeps the grams in an FTS5 table (`case_search`, rowid = the case row's);
//! PostgreSQL in a `text[]` column of `cases` with a GIN index. Sensitive fields are
//! never in the search text, so a masked value cannot be found by searching.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::{Arc, Mutex};

use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ConnectionTrait, Statement};

use crate::error::Result;

tokio::task_local! {
    /// Search texts written while the SQLite writer runs a group of work: indexed
    /// together just before the group commits (see [`deferring`]).
    static DEFERRED: Arc<Mutex<Vec<(String, String)>>>;
}

/// Runs of letters and digits, lowercased: what grams are made of.
fn runs(text: &str) -> Vec<Vec<char>> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            run.push(c);
        } else if !run.is_empty() {
            out.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

/// The grams a text is indexed by: each character, and each pair of neighbouring
/// characters within a run, once each, in order.
pub fn grams(text: &str) -> BTreeSet<String> {
    gram_pairs(text)
        .into_iter()
        .map(|(a, b)| b.map_or_else(|| a.to_string(), |b| [a, b].iter().collect()))
        .collect()
}

/// [`grams`] as the index stores them: one string, the grams separated by spaces.
///
/// Every action that changes a case's search text builds this, so it is made from
/// sorted character pairs without a string per gram (building a set of strings first
/// took 4.5% of the server's CPU under load).
pub fn gram_text(text: &str) -> String {
    let pairs = gram_pairs(text);
    let mut out = String::with_capacity(pairs.len() * 8);
    for (a, b) in pairs {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push(a);
        if let Some(b) = b {
            out.push(b);
        }
    }
    out
}

/// Each character (`(c, None)`) and each neighbouring pair within a run, sorted, once each.
fn gram_pairs(text: &str) -> Vec<(char, Option<char>)> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push((c, None));
            if let Some(p) = prev {
                out.push((p, Some(c)));
            }
            prev = Some(c);
        } else {
            prev = None;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The grams a case holding `query` must have: the pairs of each run of the query (its
/// single character, for a run of one).
pub fn query_grams(query: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for run in runs(query) {
        if run.len() == 1 {
            out.insert(run[0].to_string());
        }
        for pair in run.windows(2) {
            out.insert(pair.iter().collect());
        }
    }
    out
}

/// The condition "the case's grams hold every gram of `query`" for the case list;
/// `None` when the query has no letters or digits (the substring test alone decides).
pub fn condition(postgres: bool, query: &str) -> Option<SimpleExpr> {
    let wanted = query_grams(query);
    if wanted.is_empty() {
        return None;
    }
    if postgres {
        // Grams hold no spaces: the list travels as one string.
        let list: Vec<String> = wanted.into_iter().collect();
        Some(Expr::cust_with_values(
            // `$1`: this expression's own first value (sea-query numbers them).
            "\"cases\".\"grams\" @> string_to_array($1, ' ')",
            [list.join(" ")],
        ))
    } else {
        Some(Expr::cust_with_values(
            "\"cases\".\"rowid\" IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)",
            [fts_query(query)?],
        ))
    }
}

/// The FTS5 query that finds the cases holding every gram of `query` (each gram quoted,
/// all required); `None` when the query has no letters or digits.
pub fn fts_query(query: &str) -> Option<String> {
    let wanted = query_grams(query);
    if wanted.is_empty() {
        return None;
    }
    Some(
        wanted
            .iter()
            .map(|g| format!("\"{g}\""))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Run `work`, keeping the search texts it indexes on SQLite for [`index_many`] instead
/// of writing each at once.
///
/// FTS5 flushes what it holds in memory to a new segment at every statement that
/// writes it inside a transaction, so indexing case by case in a group of 128 actions
/// wrote 128 small segments and merged them again before the commit. The writer runs
/// a group's work here and indexes the lot in two statements.
pub async fn deferring<F: Future>(work: F) -> (F::Output, Vec<(String, String)>) {
    let kept = Arc::new(Mutex::new(Vec::new()));
    let out = DEFERRED.scope(kept.clone(), work).await;
    let kept = std::mem::take(&mut *kept.lock().unwrap_or_else(|e| e.into_inner()));
    (out, kept)
}

/// Index a case's search text (replacing what it had).
pub async fn index(db: &impl ConnectionTrait, case_id: &str, search: &str) -> Result<()> {
    if !super::is_postgres(db)
        && DEFERRED
            .try_with(|d| {
                d.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((case_id.to_owned(), search.to_owned()))
            })
            .is_ok()
    {
        return Ok(());
    }
    index_now(db, case_id, search).await
}

/// Index many cases' search texts (case id, text), each replacing what it had; the
/// last text of a case named twice wins.
pub async fn index_many(db: &impl ConnectionTrait, texts: &[(String, String)]) -> Result<()> {
    if texts.is_empty() {
        return Ok(());
    }
    if super::is_postgres(db) || texts.len() == 1 {
        for (id, text) in texts {
            index_now(db, id, text).await?;
        }
        return Ok(());
    }
    let mut last: HashMap<&str, &str> = HashMap::with_capacity(texts.len());
    for (id, text) in texts {
        last.insert(id, text);
    }
    let rows: Vec<serde_json::Value> = last
        .iter()
        .map(|(id, text)| serde_json::json!([id, gram_text(text)]))
        .collect();
    let rows = serde_json::Value::Array(rows).to_string();
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        "DELETE FROM case_search WHERE rowid IN \
         (SELECT c.rowid FROM json_each(?1) j JOIN cases c ON c.id = j.value ->> 0)",
        [rows.clone().into()],
    ))
    .await?;
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        "INSERT INTO case_search (rowid, grams) \
         SELECT c.rowid, j.value ->> 1 FROM json_each(?1) j JOIN cases c ON c.id = j.value ->> 0",
        [rows.into()],
    ))
    .await?;
    Ok(())
}

/// [`index`], written now.
async fn index_now(db: &impl ConnectionTrait, case_id: &str, search: &str) -> Result<()> {
    let backend = db.get_database_backend();
    let text = gram_text(search);
    if super::is_postgres(db) {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            "UPDATE cases SET grams = string_to_array($1, ' ') WHERE id = $2",
            [text.into(), case_id.to_owned().into()],
        ))
        .await?;
        return Ok(());
    }
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        "DELETE FROM case_search WHERE rowid = (SELECT rowid FROM cases WHERE id = ?1)",
        [case_id.to_owned().into()],
    ))
    .await?;
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        "INSERT INTO case_search (rowid, grams) SELECT rowid, ?1 FROM cases WHERE id = ?2",
        [text.into(), case_id.to_owned().into()],
    ))
    .await?;
    Ok(())
}

/// Run one small step of merging the search index's segments on SQLite, at most about
/// `pages` pages of merged data, in a transaction of its own. Returns whether it found
/// work to do (so another step may be worth running); always `false` on PostgreSQL.
///
/// The writer calls this once it has been idle for a moment, so the merging FTS5 would
/// otherwise do a little after each write during load is mostly done ahead of it.
pub async fn merge_step(db: &sea_orm::DatabaseConnection, pages: u32) -> Result<bool> {
    if super::is_postgres(db) {
        return Ok(false);
    }
    let txn = super::begin_write(db).await?;
    let before = total_changes(&txn).await?;
    txn.execute_raw(Statement::from_sql_and_values(
        txn.get_database_backend(),
        "INSERT INTO case_search (case_search, rank) VALUES ('merge', ?1)",
        [i64::from(pages).into()],
    ))
    .await?;
    let after = total_changes(&txn).await?;
    txn.commit().await?;
    // FTS5 counts two changes or more when the step merged something.
    Ok(after - before >= 2)
}

/// SQLite's count of rows changed on this connection since it opened.
async fn total_changes(db: &impl ConnectionTrait) -> Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT total_changes() AS n",
        ))
        .await?
        .ok_or_else(|| crate::error::Error::Internal("total_changes() gave no row".into()))?;
    Ok(row.try_get("", "n")?)
}

/// Up to `limit` cases not in the index yet (written before it existed, or before it
/// was rebuilt), in id order after `after`: (id, search).
pub async fn unindexed(
    db: &impl ConnectionTrait,
    after: &str,
    limit: u64,
) -> Result<Vec<(String, String)>> {
    let sql = if super::is_postgres(db) {
        format!(
            "SELECT id, search FROM cases WHERE grams IS NULL AND id > $1 ORDER BY id LIMIT {limit}"
        )
    } else {
        format!(
            "SELECT c.id, c.search FROM cases c WHERE c.id > ?1 AND NOT EXISTS \
             (SELECT 1 FROM case_search s WHERE s.rowid = c.rowid) ORDER BY c.id LIMIT {limit}"
        )
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [after.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "search")?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_needs_only_grams_its_text_has() {
        let text = "CJ-2026-000123 散装白酒 · 城关镇 张三酒坊";
        let have = grams(text);
        for q in [
            "白酒",
            "白",
            "散装白酒",
            "酒坊",
            "cj-2026",
            "000123",
            "城关",
        ] {
            assert!(query_grams(q).is_subset(&have), "{q}");
        }
        assert!(!query_grams("啤酒").is_subset(&have));
        assert!(query_grams("  ·  ").is_empty());
    }

    #[test]
    fn the_stored_gram_text_is_the_grams_sorted() {
        for text in [
            "CJ-2026-000123 散装白酒 · 城关镇 张三酒坊",
            "",
            "ÄB ab  c",
            "酒酒酒",
        ] {
            let want = grams(text).into_iter().collect::<Vec<_>>().join(" ");
            assert_eq!(gram_text(text), want, "{text}");
        }
    }
}
