//! The case rows: the projection of each case's events, guarded by a version counter
//! so two writers never overwrite each other.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Statement,
};

pub use super::case_walk::{Cursor, PageAt};
use super::entities::cases;
use crate::error::{Error, Result};

/// Insert a new case row.
pub async fn insert(db: &impl ConnectionTrait, row: cases::Model) -> Result<cases::Model> {
    let active: cases::ActiveModel = row.clone().into();
    cases::Entity::insert(active)
        .exec_without_returning(db)
        .await?;
    Ok(row)
}

/// A case by id.
pub async fn get(db: &impl ConnectionTrait, id: &str) -> Result<Option<cases::Model>> {
    Ok(cases::Entity::find_by_id(id.to_owned()).one(db).await?)
}

/// A case's children.
pub async fn children(db: &impl ConnectionTrait, id: &str) -> Result<Vec<cases::Model>> {
    Ok(cases::Entity::find()
        .filter(cases::Column::ParentId.eq(id))
        .order_by_asc(cases::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Write `row` over the case as `before` was read, if it has not moved since (same
/// version and chain length); 409 otherwise. Only the columns that differ are set, so
/// the indexes on the others (state, due time, who acts) are left alone, and a deadline
/// summary the worker wrote since the read (it moves no version) is not overwritten.
/// The row carries its new chain head (the event written with it), so the head moves in
/// the same statement that guards the version.
pub async fn update(
    db: &impl ConnectionTrait,
    before: &cases::Model,
    row: &cases::Model,
) -> Result<()> {
    use cases::Column as C;
    let mut q = cases::Entity::update_many()
        .col_expr(C::Version, Expr::value(before.version + 1))
        .col_expr(C::UpdatedAt, Expr::value(row.updated_at))
        .col_expr(C::ChainLen, Expr::value(row.chain_len))
        .col_expr(C::ChainHead, Expr::value(row.chain_head.clone()));
    if row.state != before.state {
        q = q.col_expr(C::State, Expr::value(row.state.clone()));
    }
    if row.closed != before.closed {
        q = q.col_expr(C::Closed, Expr::value(row.closed));
    }
    if row.data != before.data {
        q = q.col_expr(C::Data, Expr::value(row.data.clone()));
    }
    if row.search != before.search {
        q = q.col_expr(C::Search, Expr::value(row.search.clone()));
    }
    if row.assignee != before.assignee {
        q = q.col_expr(C::Assignee, Expr::value(row.assignee.clone()));
    }
    if row.state_entered_at != before.state_entered_at {
        q = q.col_expr(C::StateEnteredAt, Expr::value(row.state_entered_at));
    }
    if row.overdue != before.overdue {
        q = q.col_expr(C::Overdue, Expr::value(row.overdue));
    }
    if row.next_due != before.next_due {
        q = q.col_expr(C::NextDue, Expr::value(row.next_due));
    }
    if row.actors != before.actors {
        q = q.col_expr(C::Actors, Expr::value(row.actors.clone()));
    }
    if row.clock != before.clock {
        q = q.col_expr(C::Clock, Expr::value(row.clock));
    }
    let result = q
        .filter(C::Id.eq(row.id.as_str()))
        .filter(C::Version.eq(before.version))
        .filter(C::ChainLen.eq(before.chain_len))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        return Ok(());
    }
    let current = get(db, &row.id).await?.map(|c| c.version).unwrap_or(-1);
    Err(Error::Conflict {
        expected: before.version,
        current,
    })
}

/// Set a case's deadline summary (overdue flag and next due time) without a new version:
/// the worker's bookkeeping is not an edit of the case.
pub async fn set_deadline_summary(
    db: &impl ConnectionTrait,
    id: &str,
    overdue: bool,
    next_due: Option<DateTime<Utc>>,
) -> Result<()> {
    cases::Entity::update_many()
        .col_expr(cases::Column::Overdue, Expr::value(overdue))
        .col_expr(cases::Column::NextDue, Expr::value(next_due))
        .filter(cases::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The next number in a programme's yearly sequence, taken inside the transaction
/// that opens the case: the counter only goes up, so a number is never handed out
/// twice, and a rolled-back case gives its number back before anyone else sees it.
pub async fn next_number(db: &impl ConnectionTrait, programme: &str, year: i32) -> Result<i64> {
    let backend = db.get_database_backend();
    let sql = super::numbered(
        db,
        "INSERT INTO case_sequences (programme, year, last) VALUES (?1, ?2, 1) \
         ON CONFLICT (programme, year) DO UPDATE SET last = case_sequences.last + 1 RETURNING last",
    );
    let stmt = Statement::from_sql_and_values(backend, sql, [programme.into(), year.into()]);
    let row = db
        .query_one_raw(stmt)
        .await?
        .ok_or_else(|| Error::Internal("the case number sequence returned nothing".into()))?;
    Ok(row.try_get::<i64>("", "last")?)
}

/// Filters of the case list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Programme id.
    pub programme: Option<String>,
    /// Case type id.
    pub case_type: Option<String>,
    /// State id.
    pub state: Option<String>,
    /// Only cases at this org path or below.
    pub org_path: Option<String>,
    /// Assignee user id.
    pub assignee: Option<String>,
    /// Only overdue (true) or only not overdue (false).
    pub overdue: Option<bool>,
    /// Only open (not final) cases.
    pub open: Option<bool>,
    /// Next due time before this.
    pub due_before: Option<DateTime<Utc>>,
    /// Created in this range.
    pub created_from: Option<DateTime<Utc>>,
    /// Created before this.
    pub created_to: Option<DateTime<Utc>>,
    /// Free text (number, summary and non-sensitive text fields); works for Chinese.
    pub q: Option<String>,
    /// Children of this case.
    pub parent: Option<String>,
    /// Where the caller may read: (programme or `*`, org path) pairs; `None` = everywhere.
    pub reach: Option<Vec<(String, String)>>,
    /// Sort column and direction.
    pub sort: Sort,
    /// Page, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

/// Sort orders of the case list; cases that tie end in id order, so every order is
/// total and a page boundary exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Soonest due first, cases without a deadline last.
    #[default]
    Due,
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
    /// Recently changed first.
    Updated,
    /// By number.
    Number,
}

fn like(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Cases at `path` or below. On SQLite as a range of paths, which an index answers
/// (`LIKE 'p%'` is not indexed there); on PostgreSQL as a prefix, whatever the
/// database's collation.
pub(super) fn under(path: &str, postgres: bool) -> Condition {
    if postgres {
        return Condition::all().add(cases::Column::OrgPath.starts_with(path));
    }
    let (from, to) = super::tasks::path_range(path);
    Condition::all()
        .add(cases::Column::OrgPath.gte(from))
        .add(cases::Column::OrgPath.lt(to))
}

pub(super) fn condition(f: &Filter, postgres: bool) -> Condition {
    let mut c = Condition::all();
    let eq = |c: Condition, col: cases::Column, v: &Option<String>| match v {
        Some(v) => c.add(col.eq(v.as_str())),
        None => c,
    };
    c = eq(c, cases::Column::Programme, &f.programme);
    c = eq(c, cases::Column::CaseType, &f.case_type);
    c = eq(c, cases::Column::State, &f.state);
    c = eq(c, cases::Column::Assignee, &f.assignee);
    c = eq(c, cases::Column::ParentId, &f.parent);
    if let Some(path) = &f.org_path {
        c = c.add(under(path, postgres));
    }
    if let Some(o) = f.overdue {
        c = c.add(cases::Column::Overdue.eq(o));
    }
    if let Some(open) = f.open {
        c = c.add(cases::Column::Closed.eq(!open));
    }
    if let Some(t) = f.due_before {
        // Said twice so that the index of the due order, which starts with whether
        // there is a due time, is read as a range of due times.
        c = c.add(Expr::cust("(next_due IS NULL)").eq(false));
        c = c.add(cases::Column::NextDue.lt(t));
    }
    if let Some(t) = f.created_from {
        c = c.add(cases::Column::CreatedAt.gte(t));
    }
    if let Some(t) = f.created_to {
        c = c.add(cases::Column::CreatedAt.lt(t));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // The index narrows to cases holding every pair of the query's characters;
        // the substring test confirms.
        if let Some(indexed) = super::search::condition(postgres, &q.to_lowercase()) {
            c = c.add(indexed);
        }
        c = c.add(
            Expr::col(cases::Column::Search)
                .like(sea_orm::sea_query::LikeExpr::new(like(&q.to_lowercase())).escape('\\')),
        );
    }
    if let Some(reach) = &f.reach {
        let mut any = Condition::any();
        for (programme, path) in reach {
            let mut one = under(path, postgres);
            if programme != "*" {
                one = one.add(cases::Column::Programme.eq(programme.as_str()));
            }
            any = any.add(one);
        }
        c = c.add(any);
    }
    c
}

/// One page of cases and the total count.
///
/// The total is summed from `case_counts` when the filter allows (see
/// [`counts_where`]), else counted.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &Filter,
    at: &PageAt,
) -> Result<(Vec<cases::Model>, u64)> {
    let total = match counted_condition(f) {
        Some(_) => counts_where(db, f)
            .await?
            .iter()
            .map(|r| u64::try_from(r.4).unwrap_or(0))
            .sum(),
        None => {
            cases::Entity::find()
                .filter(condition(f, super::is_postgres(db)))
                .count(db)
                .await?
        }
    };
    Ok((super::case_walk::page(db, f, at).await?, total))
}

/// A list's count is exact up to this many cases; beyond, the list says "more than".
pub const COUNT_CAP: u64 = 10_000;

/// One page of cases and how many match, counted up to [`COUNT_CAP`]: (rows, count,
/// whether there are more than it). Counting a province's every readable case on
/// each page would cost more than the page itself.
///
/// A filter `case_counts` can answer (see [`counts_where`]) is counted exactly, from
/// there, whatever the number.
pub async fn list_capped(
    db: &impl ConnectionTrait,
    f: &Filter,
    at: &PageAt,
) -> Result<(Vec<cases::Model>, u64, bool)> {
    let rows = super::case_walk::page(db, f, at).await?;
    if counted_condition(f).is_some() {
        let n: i64 = counts_where(db, f).await?.iter().map(|r| r.4).sum();
        return Ok((rows, u64::try_from(n).unwrap_or(0), false));
    }
    let n = count_at_most(db, f, COUNT_CAP).await?;
    Ok((rows, Ord::min(n, COUNT_CAP), n > COUNT_CAP))
}

/// How many cases `f` selects, counted no further than `most + 1`.
pub async fn count_at_most(db: &impl ConnectionTrait, f: &Filter, most: u64) -> Result<u64> {
    if let Some(word) = super::case_scan::word(f).filter(|_| !super::is_postgres(db)) {
        return super::case_scan::count_at_most(db, f, &word, most).await;
    }
    let capped = cases::Entity::find()
        .filter(condition(f, super::is_postgres(db)))
        .select_only()
        .column(cases::Column::Id)
        .limit(most + 1)
        .into_query();
    let mut count = Query::select();
    count
        .expr_as(Expr::cust("count(*)"), Alias::new("n"))
        .from_subquery(capped, Alias::new("capped"));
    super::count_n(db, db.get_database_backend().build(&count)).await
}

/// The ids of the cases `f` selects, at most `most + 1` of them (one more than
/// `most` tells that there are more), by id: read along whichever index suits the
/// filter, ids only, so a long export knows its cases before it reads their rows.
pub async fn ids_at_most(db: &impl ConnectionTrait, f: &Filter, most: u64) -> Result<Vec<String>> {
    let query = cases::Entity::find()
        .filter(condition(f, super::is_postgres(db)))
        .select_only()
        .column(cases::Column::Id)
        .limit(most + 1)
        .into_query();
    let rows = db
        .query_all_raw(db.get_database_backend().build(&query))
        .await?;
    let mut ids = rows
        .iter()
        .map(|r| r.try_get::<String>("", "id"))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    Ok(ids)
}

/// The cases of `ids`, in the order of `ids` (ids no case has are left out).
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[String]) -> Result<Vec<cases::Model>> {
    let mut found: std::collections::HashMap<String, cases::Model> = cases::Entity::find()
        .filter(cases::Column::Id.is_in(ids.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// Counts of cases per (programme, case type, state, overdue), for metrics.
pub async fn counts(db: &impl ConnectionTrait) -> Result<Vec<(String, String, String, bool, i64)>> {
    counts_where(db, &Filter::default()).await
}

/// The condition of `f` on `case_counts` (kept by triggers with every case write),
/// when `f` filters only by what that table keeps: programme, case type, state, place,
/// overdue and the caller's reach.
pub(super) fn counted_condition(f: &Filter) -> Option<Condition> {
    let narrower = f.assignee.is_some()
        || f.parent.is_some()
        || f.open.is_some()
        || f.due_before.is_some()
        || f.created_from.is_some()
        || f.created_to.is_some()
        || f.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    if narrower {
        return None;
    }
    let col = |n: &str| Expr::col(Alias::new(n));
    let under = |path: &str| {
        let (from, to) = super::tasks::path_range(path);
        Condition::all()
            .add(col("org_path").gte(from))
            .add(col("org_path").lt(to))
    };
    let mut c = Condition::all();
    for (name, v) in [
        ("programme", &f.programme),
        ("case_type", &f.case_type),
        ("state", &f.state),
    ] {
        if let Some(v) = v {
            c = c.add(col(name).eq(v.as_str()));
        }
    }
    if let Some(path) = &f.org_path {
        c = c.add(under(path));
    }
    if let Some(o) = f.overdue {
        c = c.add(col("overdue").eq(o));
    }
    if let Some(reach) = &f.reach {
        let mut any = Condition::any();
        for (programme, path) in reach {
            let mut one = under(path);
            if programme != "*" {
                one = one.add(col("programme").eq(programme.as_str()));
            }
            any = any.add(one);
        }
        c = c.add(any);
    }
    Some(c)
}

/// [`counts`] of the cases `f` selects (its sort and paging aside), for dashboards:
/// from `case_counts` when `f` allows, else by grouping the cases.
pub async fn counts_where(
    db: &impl ConnectionTrait,
    f: &Filter,
) -> Result<Vec<(String, String, String, bool, i64)>> {
    if let Some(c) = counted_condition(f) {
        let rows = sum_kept(
            db,
            "case_counts",
            &["programme", "case_type", "state", "overdue"],
            c,
        )
        .await?;
        return rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("", "programme")?,
                    r.try_get("", "case_type")?,
                    r.try_get("", "state")?,
                    r.try_get("", "overdue")?,
                    r.try_get("", "n")?,
                ))
            })
            .filter(|r: &Result<(String, String, String, bool, i64)>| {
                !matches!(r, Ok((_, _, _, _, 0)))
            })
            .collect();
    }
    let rows = cases::Entity::find()
        .select_only()
        .column(cases::Column::Programme)
        .column(cases::Column::CaseType)
        .column(cases::Column::State)
        .column(cases::Column::Overdue)
        .column_as(Expr::expr(Func::count(Expr::col(cases::Column::Id))), "n")
        .filter(condition(f, super::is_postgres(db)))
        .group_by(cases::Column::Programme)
        .group_by(cases::Column::CaseType)
        .group_by(cases::Column::State)
        .group_by(cases::Column::Overdue)
        .into_tuple::<(String, String, String, bool, i64)>()
        .all(db)
        .await?;
    Ok(rows)
}

/// A table of kept counts (`case_counts`, `deadline_counts`): its `n` summed per `keys`
/// over the rows `c` selects.
async fn sum_kept(
    db: &impl ConnectionTrait,
    table: &str,
    keys: &[&str],
    c: Condition,
) -> Result<Vec<sea_orm::QueryResult>> {
    let keys: Vec<Alias> = keys.iter().map(|k| Alias::new(*k)).collect();
    let mut q = Query::select();
    q.columns(keys.clone())
        .expr_as(
            Expr::col(Alias::new("n"))
                .sum()
                .cast_as(Alias::new("BIGINT")),
            Alias::new("n"),
        )
        .from(Alias::new(table))
        .cond_where(c)
        .group_by_columns(keys);
    Ok(db
        .query_all_raw(db.get_database_backend().build(&q))
        .await?)
}

/// The cases `f` selects counted per value of the top-level data field `field` (as
/// text; `None` where it is missing) and overdue flag, for dashboards' charts: grouped
/// in the database, no case read out.
pub async fn counts_by_field(
    db: &impl ConnectionTrait,
    f: &Filter,
    field: &str,
) -> Result<Vec<(Option<String>, bool, i64)>> {
    let postgres = super::is_postgres(db);
    let value = if postgres {
        Expr::cust_with_values("(\"cases\".\"data\"::jsonb ->> $1)", [field])
    } else {
        Expr::cust_with_values(
            "json_extract(\"cases\".\"data\", ?)",
            [format!("$.\"{}\"", field.replace('"', ""))],
        )
    };
    Ok(cases::Entity::find()
        .select_only()
        .column_as(value.cast_as(Alias::new("TEXT")), "value")
        .column(cases::Column::Overdue)
        .column_as(Expr::cust("count(*)"), "n")
        .filter(condition(f, postgres))
        .group_by(Expr::cust("1"))
        .group_by(cases::Column::Overdue)
        .into_tuple::<(Option<String>, bool, i64)>()
        .all(db)
        .await?)
}

/// The deadlines of the cases `f` selects, counted per (status, breached): summed from
/// `deadline_counts` (kept by triggers with every deadline write) when `f` narrows only
/// by programme and place, else counted.
pub async fn deadline_counts(
    db: &impl ConnectionTrait,
    f: &Filter,
) -> Result<Vec<(String, bool, i64)>> {
    use super::entities::deadlines;
    let by_place_only = f.case_type.is_none() && f.state.is_none() && f.overdue.is_none();
    if let Some(c) = counted_condition(f).filter(|_| by_place_only) {
        let rows = sum_kept(db, "deadline_counts", &["status", "breached"], c).await?;
        return rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("", "status")?,
                    r.try_get("", "breached")?,
                    r.try_get("", "n")?,
                ))
            })
            .filter(|r: &Result<(String, bool, i64)>| !matches!(r, Ok((_, _, 0))))
            .collect();
    }
    let selected = cases::Entity::find()
        .select_only()
        .column(cases::Column::Id)
        .filter(condition(f, super::is_postgres(db)))
        .into_query();
    let rows = deadlines::Entity::find()
        .select_only()
        .column(deadlines::Column::Status)
        .column(deadlines::Column::Breached)
        .column_as(
            Expr::expr(Func::count(Expr::col(deadlines::Column::Id))),
            "n",
        )
        .filter(deadlines::Column::CaseId.in_subquery(selected))
        .group_by(deadlines::Column::Status)
        .group_by(deadlines::Column::Breached)
        .into_tuple::<(String, bool, i64)>()
        .all(db)
        .await?;
    Ok(rows)
}

/// Ids of open cases of a type (for schedules that target every open case).
pub async fn open_of_type(
    db: &impl ConnectionTrait,
    programme: &str,
    case_type: &str,
) -> Result<Vec<cases::Model>> {
    Ok(cases::Entity::find()
        .filter(cases::Column::Programme.eq(programme))
        .filter(cases::Column::CaseType.eq(case_type))
        .filter(cases::Column::Closed.eq(false))
        .all(db)
        .await?)
}

/// Move a programme's open cases to definition `version` when `fits(case_type, state)`;
/// returns how many moved and the ids of those left behind. The version counter is
/// not touched: the case's data and state do not change.
pub async fn migrate(
    db: &impl ConnectionTrait,
    programme: &str,
    version: i32,
    hash: &str,
    fits: impl Fn(&str, &str) -> bool,
) -> Result<(u64, Vec<String>)> {
    let rows = cases::Entity::find()
        .filter(cases::Column::Programme.eq(programme))
        .filter(cases::Column::Closed.eq(false))
        .filter(cases::Column::DefVersion.ne(version))
        .all(db)
        .await?;
    let mut moved = 0;
    let mut left = Vec::new();
    for row in rows {
        if !fits(&row.case_type, &row.state) {
            left.push(row.id);
            continue;
        }
        cases::Entity::update_many()
            .col_expr(cases::Column::DefVersion, Expr::value(version))
            .col_expr(cases::Column::DefHash, Expr::value(hash))
            .filter(cases::Column::Id.eq(row.id.as_str()))
            .exec(db)
            .await?;
        moved += 1;
    }
    Ok((moved, left))
}
