//! Who can move each open case on (`case_tasks`): one row per (case, role), written
//! with the case, so the inbox is listed and counted by index from the caller's grants
//! alone, never by loading cases and judging them one by one.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Cond, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::entities::cases;
use crate::error::Result;

/// Roles as the case row keeps them.
pub fn encode(roles: &BTreeSet<String>) -> String {
    roles.iter().cloned().collect::<Vec<_>>().join(",")
}

/// Roles from the case row.
pub fn decode(text: Option<&str>) -> BTreeSet<String> {
    text.unwrap_or_default()
        .split(',')
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Write a case's task rows for `roles` (none once it is closed), replacing what it had.
pub async fn replace(
    db: &impl ConnectionTrait,
    row: &cases::Model,
    roles: &BTreeSet<String>,
) -> Result<()> {
    let backend = db.get_database_backend();
    let delete = super::numbered(db, "DELETE FROM case_tasks WHERE case_id = ?1");
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        delete,
        [row.id.clone().into()],
    ))
    .await?;
    if row.closed || roles.is_empty() {
        return Ok(());
    }
    let insert = super::numbered(
        db,
        "INSERT INTO case_tasks (case_id, role, programme, org_path, overdue, next_due, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    );
    for role in roles {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            insert.clone(),
            [
                row.id.clone().into(),
                role.clone().into(),
                row.programme.clone().into(),
                row.org_path.clone().into(),
                row.overdue.into(),
                row.next_due.into(),
                row.created_at.into(),
            ],
        ))
        .await?;
    }
    Ok(())
}

/// Carry a case's new deadline summary onto its task rows.
pub async fn set_deadline_summary(
    db: &impl ConnectionTrait,
    case_id: &str,
    overdue: bool,
    next_due: Option<DateTime<Utc>>,
) -> Result<()> {
    let sql = super::numbered(
        db,
        "UPDATE case_tasks SET overdue = ?1, next_due = ?2 WHERE case_id = ?3",
    );
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [overdue.into(), next_due.into(), case_id.to_owned().into()],
    ))
    .await?;
    Ok(())
}

/// A place where a user may act: a role held at an org unit for a programme (or `*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// Programme id, or `*` for every programme.
    pub programme: String,
    /// Role id.
    pub role: String,
    /// Org path of the unit where the role is held.
    pub org_path: String,
}

/// The paths at `prefix` or below, as a range an index can answer (`LIKE 'p%'` is not
/// one in SQLite): org paths end with `/`, so everything below `/a/b/` sorts before
/// `/a/b0`.
pub fn path_range(prefix: &str) -> (String, String) {
    let mut upper = prefix.to_owned();
    match upper.pop() {
        Some(last) => upper.push(char::from_u32(last as u32 + 1).unwrap_or(char::MAX)),
        None => upper.push(char::MAX),
    }
    (prefix.to_owned(), upper)
}

fn reach_condition(reach: &[Reach]) -> Cond {
    let mut any = Cond::any();
    for r in reach {
        let (from, to) = path_range(&r.org_path);
        let mut one = Cond::all()
            .add(Expr::col(Alias::new("role")).eq(r.role.as_str()))
            .add(Expr::col(Alias::new("org_path")).gte(from))
            .add(Expr::col(Alias::new("org_path")).lt(to));
        if r.programme != "*" {
            one = one.add(Expr::col(Alias::new("programme")).eq(r.programme.as_str()));
        }
        any = any.add(one);
    }
    any
}

fn case_ids(reach: &[Reach], programme: Option<&str>) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("case_id"))
        .from(Alias::new("case_tasks"))
        .cond_where(reach_condition(reach));
    if let Some(p) = programme {
        q.and_where(Expr::col(Alias::new("programme")).eq(p));
    }
    q
}

/// The open cases waiting for someone with `reach` (in `programme` when given),
/// overdue first, then by next due time, newest first; `limit` from `offset`.
pub async fn list(
    db: &impl ConnectionTrait,
    reach: &[Reach],
    programme: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<Vec<cases::Model>> {
    if reach.is_empty() {
        return Ok(Vec::new());
    }
    if disjoint(reach) && reach.iter().all(|r| r.programme != "*") {
        return list_in_order(db, reach, programme, offset, limit).await;
    }
    Ok(cases::Entity::find()
        .filter(cases::Column::Id.in_subquery(case_ids(reach, programme)))
        .order_by_desc(cases::Column::Overdue)
        .order_by(
            Expr::col(cases::Column::NextDue).is_null(),
            sea_orm::Order::Asc,
        )
        .order_by_asc(cases::Column::NextDue)
        .order_by_desc(cases::Column::CreatedAt)
        .order_by_asc(cases::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// [`list`] when no case has two task rows in reach: each place's task rows are read
/// in the inbox's order (they carry the case's overdue flag, next due time and
/// creation) along `idx_case_tasks_inbox` (programme, role, then that order, with the
/// place in the index), each stopping after `offset + limit` rows; the places are
/// merged here and the page's cases read by id. On SQLite the place is compared as
/// `+org_path`, so the planner walks that index in order instead of sorting every row
/// of the slot.
async fn list_in_order(
    db: &impl ConnectionTrait,
    reach: &[Reach],
    programme: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<Vec<cases::Model>> {
    type Key = (bool, Option<DateTime<Utc>>, DateTime<Utc>, String);
    let postgres = super::is_postgres(db);
    let path = if postgres { "org_path" } else { "+org_path" };
    let sql = super::numbered(
        db,
        &format!(
            "SELECT case_id, overdue, next_due, created_at FROM case_tasks \
             WHERE programme = ?1 AND role = ?2 AND {path} >= ?3 AND {path} < ?4 \
             ORDER BY overdue DESC, next_due IS NULL, next_due, created_at DESC, case_id \
             LIMIT {}",
            offset + limit
        ),
    );
    let mut keys: Vec<Key> = Vec::new();
    for r in reach {
        if programme.is_some_and(|want| want != r.programme) {
            continue;
        }
        let (from, to) = path_range(&r.org_path);
        let stmt = Statement::from_sql_and_values(
            db.get_database_backend(),
            sql.clone(),
            [
                r.programme.clone().into(),
                r.role.clone().into(),
                from.into(),
                to.into(),
            ],
        );
        for row in db.query_all_raw(stmt).await? {
            keys.push((
                row.try_get("", "overdue")?,
                row.try_get("", "next_due")?,
                row.try_get("", "created_at")?,
                row.try_get("", "case_id")?,
            ));
        }
    }
    // Overdue first, then soonest due (none last), then newest, then by id.
    keys.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.is_none().cmp(&b.1.is_none()))
            .then(a.1.cmp(&b.1))
            .then(b.2.cmp(&a.2))
            .then(a.3.cmp(&b.3))
    });
    let ids: Vec<String> = keys
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|k| k.3)
        .collect();
    let mut found: std::collections::HashMap<String, cases::Model> = cases::Entity::find()
        .filter(cases::Column::Id.is_in(ids.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// Inbox counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Open cases in the inbox.
    pub total: u64,
    /// Overdue among them.
    pub overdue: u64,
}

/// Whether one case may have a task row in each of two places (and so be counted
/// twice by summing slots): two different roles of the same programme (or every
/// programme) at nested units.
fn overlap(a: &Reach, b: &Reach) -> bool {
    if a.role == b.role {
        return false;
    }
    let programme = a.programme == b.programme || a.programme == "*" || b.programme == "*";
    let nested = a.org_path.starts_with(&b.org_path) || b.org_path.starts_with(&a.org_path);
    programme && nested
}

/// Whether no case can have task rows in two of these places.
fn disjoint(reach: &[Reach]) -> bool {
    reach
        .iter()
        .enumerate()
        .all(|(i, a)| reach[i + 1..].iter().all(|b| !overlap(a, b)))
}

/// How many cases [`list`] holds, and how many of them are overdue, per programme.
///
/// From `task_counts` (kept by triggers with `case_tasks`, a row per slot) when no
/// case can be counted twice, that is when no two of the places overlap; otherwise
/// the task rows themselves are counted, each case once.
pub async fn counts(db: &impl ConnectionTrait, reach: &[Reach]) -> Result<Vec<(String, Counts)>> {
    if reach.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::select();
    if disjoint(reach) {
        q.column(Alias::new("programme"))
            .column(Alias::new("overdue"))
            .expr_as(
                Expr::col(Alias::new("n"))
                    .sum()
                    .cast_as(Alias::new("BIGINT")),
                Alias::new("n"),
            )
            .from(Alias::new("task_counts"))
            .cond_where(reach_condition(reach))
            .group_by_col(Alias::new("programme"))
            .group_by_col(Alias::new("overdue"));
        return sum_counts(db, &q).await;
    }
    q.column(Alias::new("programme"))
        .column(Alias::new("overdue"))
        .expr_as(
            Expr::col(Alias::new("case_id")).count_distinct(),
            Alias::new("n"),
        )
        .from(Alias::new("case_tasks"))
        .cond_where(reach_condition(reach))
        .group_by_col(Alias::new("programme"))
        .group_by_col(Alias::new("overdue"));
    sum_counts(db, &q).await
}

/// Counts per programme from rows of (programme, overdue, n).
async fn sum_counts(
    db: &impl ConnectionTrait,
    q: &SelectStatement,
) -> Result<Vec<(String, Counts)>> {
    let stmt = db.get_database_backend().build(q);
    let rows = db.query_all_raw(stmt).await?;
    let mut out: std::collections::BTreeMap<String, Counts> = Default::default();
    for r in rows {
        let programme: String = r.try_get("", "programme")?;
        let overdue: bool = r.try_get("", "overdue")?;
        let n: i64 = r.try_get("", "n")?;
        let c = out.entry(programme).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        c.total += n;
        if overdue {
            c.overdue += n;
        }
    }
    Ok(out.into_iter().collect())
}

/// Open cases whose task rows are not decided yet (older than `case_tasks`), or whose
/// state has a guard that reads the clock: the ones to decide again. At most `limit`.
pub async fn undecided(
    db: &impl ConnectionTrait,
    clock_only: bool,
    after: &str,
    limit: u64,
) -> Result<Vec<cases::Model>> {
    let which = if clock_only {
        cases::Column::Clock.eq(true)
    } else {
        cases::Column::Actors.is_null()
    };
    Ok(cases::Entity::find()
        .filter(cases::Column::Closed.eq(false))
        .filter(which)
        .filter(cases::Column::Id.gt(after))
        .order_by_asc(cases::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Set a case's decided roles on its row if it is still at `version`, without a new
/// version: who can act follows from the case, it is not an edit of it. False when
/// the case moved meanwhile (its writer decided for itself).
pub async fn set_actors(
    db: &impl ConnectionTrait,
    case_id: &str,
    version: i64,
    roles: &BTreeSet<String>,
    clock: bool,
) -> Result<bool> {
    use sea_orm::sea_query::Expr as E;
    let r = cases::Entity::update_many()
        .col_expr(cases::Column::Actors, E::value(encode(roles)))
        .col_expr(cases::Column::Clock, E::value(clock))
        .filter(cases::Column::Id.eq(case_id))
        .filter(cases::Column::Version.eq(version))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_range_holds_the_subtree_and_nothing_beside_it() {
        let (from, to) = path_range("/city/county/");
        for inside in [
            "/city/county/",
            "/city/county/town/",
            "/city/county/town/village/",
        ] {
            assert!(inside >= from.as_str() && inside < to.as_str(), "{inside}");
        }
        for outside in ["/city/county2/", "/city/countz/", "/city/", "/city/count/"] {
            assert!(
                !(outside >= from.as_str() && outside < to.as_str()),
                "{outside}"
            );
        }
    }
}
