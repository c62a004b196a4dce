//! The case list read in its order along an index: one walk per place the caller may
//! read, each stopping after the rows a page needs, merged here. A page costs its own
//! rows however many cases match, and the next page starts after the last row's sort
//! key ([`Cursor`]) instead of skipping every row before it.
//!
//! Every sort order ends with the case id, so no two cases tie and a page boundary is
//! exact. The indexes (`idx_cases_walk_*` per programme, the due order per overdue flag, `idx_cases_all_*` across
//! programmes) hold the same order. On SQLite the place is compared as `+org_path`,
//! so the planner walks the sort index and checks the place on the way, rather than
//! reading every case of the place and sorting them.
//!
//! A walk pays for the cases it passes that the filter leaves out, so a place is
//! walked only where a page comes soon: one holding more than a few thousand of the
//! cases asked for (`case_counts` tells, also per case type, state and overdue), and
//! no word to look up or parent to narrow by. A smaller place is narrowed first
//! (by place, the search index or the parent) and its few cases sorted; an empty one
//! is not read at all.
//!
//! A key after a cursor is asked for as one range per sort column, from the most exact
//! (same values but a later id) to the widest (a later first column), each a plain
//! range along the index whatever the columns' directions; they are read in that order
//! until the page is full.

use std::cmp::Ordering;

use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, IdenStatic, Order,
    QueryFilter, QueryOrder, QuerySelect, Value,
};
use serde::{Deserialize, Serialize};

use super::cases::{Filter, Sort};
use super::entities::cases;
use crate::error::Result;

/// Where a page starts: the sort key of the row before it (or after it, going back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, FromQueryResult)]
pub struct Cursor {
    /// Case id (the last column of every order).
    pub id: String,
    /// Case number.
    pub number: String,
    /// Next due time.
    pub next_due: Option<DateTime<Utc>>,
    /// Opened at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl Cursor {
    /// The sort key of a case.
    pub fn of(c: &cases::Model) -> Self {
        Self {
            id: c.id.clone(),
            number: c.number.clone(),
            next_due: c.next_due,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }

    /// As a query parameter (URL-safe).
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// From [`Cursor::encode`]'s text; `None` if it is not one.
    pub fn decode(text: &str) -> Option<Self> {
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim())
            .ok()?;
        serde_json::from_slice(&json).ok()
    }
}

/// Which side of the cursor a page is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageAt {
    /// The first page (or the page numbered in the filter).
    Start,
    /// The rows after this key (the next page).
    After(Cursor),
    /// The rows before this key (the previous page).
    Before(Cursor),
}

/// One column of a sort order: its expression, whether it runs descending, and the
/// cursor's value in it.
pub(super) struct Level {
    pub(super) expr: SimpleExpr,
    pub(super) desc: bool,
    pub(super) value: Option<Value>,
}

fn due_null() -> SimpleExpr {
    Expr::cust("(next_due IS NULL)")
}

/// The columns of `sort`, with the cursor's values when there is one.
fn levels(sort: Sort, c: Option<&Cursor>, postgres: bool) -> Vec<Level> {
    // Unqualified, so that the same order reads over a subquery of cases (a scan).
    let col = |col: cases::Column| Expr::col(Alias::new(col.as_str()));
    let lv = |expr: SimpleExpr, desc: bool, value: Option<Value>| Level { expr, desc, value };
    let id = lv(
        col(cases::Column::Id),
        !matches!(sort, Sort::Oldest | Sort::Number),
        c.map(|c| c.id.clone().into()),
    );
    let mut out = match sort {
        Sort::Due => vec![
            lv(due_null(), false, c.map(|c| c.next_due.is_none().into())),
            lv(
                col(cases::Column::NextDue),
                false,
                c.map(|c| c.next_due.into()),
            ),
            lv(
                col(cases::Column::CreatedAt),
                true,
                c.map(|c| c.created_at.into()),
            ),
        ],
        Sort::Newest | Sort::Oldest => vec![lv(
            col(cases::Column::CreatedAt),
            sort == Sort::Newest,
            c.map(|c| c.created_at.into()),
        )],
        Sort::Updated => vec![lv(
            col(cases::Column::UpdatedAt),
            true,
            c.map(|c| c.updated_at.into()),
        )],
        // Numbers compare byte by byte, as [`compare`] does, whatever the database's
        // collation (PostgreSQL's `C`, which `idx_cases_walk_number_c` holds there).
        Sort::Number => vec![lv(
            if postgres {
                Expr::cust("number COLLATE \"C\"")
            } else {
                col(cases::Column::Number)
            },
            false,
            c.map(|c| c.number.clone().into()),
        )],
    };
    out.push(id);
    out
}

/// `a` before `b` in `sort`'s order, the same order the database walks.
pub fn compare(sort: Sort, a: &Cursor, b: &Cursor) -> Ordering {
    let first = match sort {
        Sort::Due => a
            .next_due
            .is_none()
            .cmp(&b.next_due.is_none())
            .then(a.next_due.cmp(&b.next_due))
            .then(b.created_at.cmp(&a.created_at)),
        Sort::Newest => b.created_at.cmp(&a.created_at),
        Sort::Oldest => a.created_at.cmp(&b.created_at),
        Sort::Updated => b.updated_at.cmp(&a.updated_at),
        Sort::Number => a.number.cmp(&b.number),
    };
    first.then_with(|| match sort {
        Sort::Oldest | Sort::Number => a.id.cmp(&b.id),
        _ => b.id.cmp(&a.id),
    })
}

/// The ranges of keys strictly after (or before) the cursor, most exact first, each as
/// a condition; `[all]` without a cursor. A column the cursor holds no value in (no due
/// time) is left out: the column before it already pins it.
pub(super) fn ranges(levels: &[Level], backwards: bool) -> Vec<(Condition, Vec<usize>)> {
    if levels.iter().all(|l| l.value.is_none()) {
        return vec![(Condition::all(), Vec::new())];
    }
    let kept: Vec<(usize, &Level)> = levels
        .iter()
        .enumerate()
        .filter(|(_, l)| !matches!(&l.value, Some(v) if is_null(v)))
        .collect();
    let mut out = Vec::new();
    for i in (0..kept.len()).rev() {
        let mut c = Condition::all();
        let mut pinned = Vec::new();
        for (at, l) in &kept[..i] {
            if let Some(v) = &l.value {
                c = c.add(l.expr.clone().eq(v.clone()));
                pinned.push(*at);
            }
        }
        let l = kept[i].1;
        if let Some(v) = &l.value {
            c = c.add(if l.desc != backwards {
                l.expr.clone().lt(v.clone())
            } else {
                l.expr.clone().gt(v.clone())
            });
        }
        out.push((c, pinned));
    }
    out
}

/// The levels a range orders by: those it does not pin to one value. The order is the
/// same, and SQLite walks its index in order only if an expression pinned to a value
/// (`(next_due IS NULL) = 0`) is not also in the ORDER BY; else it sorts the range.
pub(super) fn unpinned<'a>(levels: &'a [Level], pinned: &[usize]) -> Vec<&'a Level> {
    levels
        .iter()
        .enumerate()
        .filter(|(at, _)| !pinned.contains(at))
        .map(|(_, l)| l)
        .collect()
}

fn is_null(v: &Value) -> bool {
    matches!(v, Value::ChronoDateTimeUtc(None) | Value::String(None))
}

/// The places to walk: (programme to pin, or none; the place's path), `None` for the
/// whole county. A place of another programme than the filter's is left out.
fn places(f: &Filter) -> Vec<(Option<String>, Option<String>)> {
    let Some(reach) = &f.reach else {
        return vec![(f.programme.clone(), None)];
    };
    let mut out: Vec<(Option<String>, Option<String>)> = Vec::new();
    for (programme, path) in reach {
        let pinned = match (programme.as_str(), &f.programme) {
            ("*", want) => want.clone(),
            (p, Some(want)) if p != want => continue,
            (p, _) => Some(p.to_owned()),
        };
        let place = (pinned, Some(path.clone()));
        if !out.contains(&place) {
            out.push(place);
        }
    }
    out
}

/// Thresholds that choose how a place is read. The defaults suit a province; the tests
/// set their own so that a small county takes every path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Cases of a place (of those the filter selects, where `case_counts` can tell) at
    /// or below which the list reads them all and sorts them rather than walking.
    pub narrow: u64,
    /// Cases a list with a word passes along its order looking for a page of matches
    /// before it narrows by the search index or the place instead.
    pub scan: u64,
}

impl Default for Plan {
    fn default() -> Self {
        Self {
            narrow: 5_000,
            scan: 2_000,
        }
    }
}

/// The keys of up to `want` cases of one place from `at`, in the walk's order.
async fn walk_place(
    db: &impl ConnectionTrait,
    f: &Filter,
    place: &(Option<String>, Option<String>),
    at: &PageAt,
    want: u64,
    plan: Plan,
) -> Result<Vec<Cursor>> {
    let postgres = super::is_postgres(db);
    let (cursor, backwards) = match at {
        PageAt::Start => (None, false),
        PageAt::After(c) => (Some(c), false),
        PageAt::Before(c) => (Some(c), true),
    };
    let levels = levels(f.sort, cursor, postgres);
    let (held, exact) = place_size(db, f, place).await?;
    if held == 0 && exact {
        return Ok(Vec::new());
    }
    let word = super::case_scan::word(f);
    // Everything but the word and the caller's reach (the place stands for it).
    let plain = Filter {
        q: None,
        reach: None,
        ..f.clone()
    };
    // Walk the order where a page comes soon: a place of many cases and no parent to
    // narrow by. With a word, the walk tests it on the way and gives up after a few
    // thousand cases (the word is rare here): then the place is narrowed instead. On
    // PostgreSQL a word is always narrowed: measured at 200,000 cases, its planner's
    // choice between the gram index and the place was faster than the walk.
    let scans = word.is_none() || !postgres;
    if held > plan.narrow && f.parent.is_none() && scans {
        let mut out = Vec::new();
        let mut complete = true;
        for base in walked_bases(&plain, place, postgres) {
            match &word {
                None => out.extend(read(db, base, &levels, backwards, want).await?),
                Some(w) => {
                    let scanned =
                        super::case_scan::scan(db, base, &levels, backwards, want, w, plan.scan)
                            .await?;
                    match scanned {
                        Some(keys) => out.extend(keys),
                        None => {
                            complete = false;
                            break;
                        }
                    }
                }
            }
        }
        if complete {
            return Ok(out);
        }
    }
    let mut base = super::cases::condition(&plain, postgres);
    if let Some(p) = &place.0 {
        base = base.add(cases::Column::Programme.eq(p.as_str()));
    }
    if let Some(path) = &place.1 {
        base = base.add(super::cases::under(path, postgres));
    }
    if let Some(w) = &word {
        base = base.add(super::case_scan::narrowed(db, w, held, postgres).await?);
    }
    read(db, base, &levels, backwards, want).await
}

/// The conditions of one place's walks. The due order of one programme is walked once
/// for overdue cases and once for the others (`idx_cases_walk_overdue_due` starts
/// with the flag), so a list of either kind never passes the other kind's cases first.
fn walked_bases(
    plain: &Filter,
    place: &(Option<String>, Option<String>),
    postgres: bool,
) -> Vec<Condition> {
    let mut base = super::cases::condition(plain, postgres);
    if let Some(p) = &place.0 {
        base = base.add(cases::Column::Programme.eq(p.as_str()));
    }
    if let Some(path) = &place.1 {
        base = base.add(walked_place(path, postgres));
    }
    if plain.sort != Sort::Due || place.0.is_none() {
        return vec![base];
    }
    let flags = match plain.overdue {
        Some(o) => vec![o],
        None => vec![true, false],
    };
    flags
        .into_iter()
        .map(|o| base.clone().add(cases::Column::Overdue.eq(o)))
        .collect()
}

/// Up to `want` keys `base` selects, in the order of `levels` from their cursor: one
/// query per range after it (see [`ranges`]) until the page is full.
async fn read(
    db: &impl ConnectionTrait,
    base: Condition,
    levels: &[Level],
    backwards: bool,
    want: u64,
) -> Result<Vec<Cursor>> {
    let mut out = Vec::new();
    for (range, pinned) in ranges(levels, backwards) {
        let left = want - out.len() as u64;
        if left == 0 {
            break;
        }
        let mut q = cases::Entity::find()
            .select_only()
            .columns(KEY_COLUMNS)
            .filter(base.clone())
            .filter(range);
        for l in unpinned(levels, &pinned) {
            let asc = l.desc == backwards;
            q = q.order_by(l.expr.clone(), if asc { Order::Asc } else { Order::Desc });
        }
        out.extend(q.limit(left).into_model::<Cursor>().all(db).await?);
    }
    Ok(out)
}

/// The columns of a [`Cursor`].
pub(super) const KEY_COLUMNS: [cases::Column; 5] = [
    cases::Column::Id,
    cases::Column::Number,
    cases::Column::NextDue,
    cases::Column::CreatedAt,
    cases::Column::UpdatedAt,
];

/// How many cases a place holds, from `case_counts`: those `f` selects when the table
/// keeps all its filters (then exact: `true`), else all the place's.
async fn place_size(
    db: &impl ConnectionTrait,
    f: &Filter,
    place: &(Option<String>, Option<String>),
) -> Result<(u64, bool)> {
    let exact = super::cases::counted_condition(f).is_some();
    let mut g = Filter {
        programme: place.0.clone(),
        reach: place.1.clone().map(|p| vec![("*".to_owned(), p)]),
        ..Filter::default()
    };
    if exact {
        g.case_type = f.case_type.clone();
        g.state = f.state.clone();
        g.overdue = f.overdue;
        g.org_path = f.org_path.clone();
    }
    let n: i64 = super::cases::counts_where(db, &g)
        .await?
        .iter()
        .map(|r| r.4)
        .sum();
    Ok((u64::try_from(n).unwrap_or(0), exact))
}

/// A place for a walk. On SQLite as `+org_path` ranges: the unary plus keeps the
/// planner from narrowing by place through another index and sorting what it finds.
fn walked_place(path: &str, postgres: bool) -> Condition {
    if postgres {
        return Condition::all().add(cases::Column::OrgPath.starts_with(path));
    }
    let (from, to) = super::tasks::path_range(path);
    Condition::all()
        .add(Expr::cust_with_values("+org_path >= ?", [from]))
        .add(Expr::cust_with_values("+org_path < ?", [to]))
}

/// The keys of the page of `f` that starts `at`, `skip` rows further on (the API's
/// numbered pages), `limit` rows, in `f`'s order.
pub async fn keys(
    db: &impl ConnectionTrait,
    f: &Filter,
    at: &PageAt,
    skip: u64,
    limit: u64,
    plan: Plan,
) -> Result<Vec<Cursor>> {
    let backwards = matches!(at, PageAt::Before(_));
    let mut all = Vec::new();
    for place in places(f) {
        all.extend(walk_place(db, f, &place, at, skip + limit, plan).await?);
    }
    all.sort_by(|a, b| {
        let o = compare(f.sort, a, b);
        if backwards { o.reverse() } else { o }
    });
    all.dedup_by(|a, b| a.id == b.id);
    let mut page: Vec<Cursor> = all
        .into_iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect();
    if backwards {
        page.reverse();
    }
    Ok(page)
}

/// The cases of the page of `f` that starts `at` (`f.per_page` rows, `f.page`
/// counted from there when `from` is the start), in `f`'s order.
pub async fn page(db: &impl ConnectionTrait, f: &Filter, at: &PageAt) -> Result<Vec<cases::Model>> {
    page_with(db, f, at, Plan::default()).await
}

/// [`page`] read as `plan` says.
pub async fn page_with(
    db: &impl ConnectionTrait,
    f: &Filter,
    at: &PageAt,
    plan: Plan,
) -> Result<Vec<cases::Model>> {
    let per_page = f.per_page.clamp(1, 500);
    let skip = match at {
        PageAt::Start => (Ord::max(f.page, 1) - 1) * per_page,
        _ => 0,
    };
    let keys = keys(db, f, at, skip, per_page, plan).await?;
    let mut found: std::collections::HashMap<String, cases::Model> = cases::Entity::find()
        .filter(cases::Column::Id.is_in(keys.iter().map(|k| k.id.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    Ok(keys.iter().filter_map(|k| found.remove(&k.id)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_it_wrote() {
        let c = Cursor {
            id: "01a2".into(),
            number: "CJ-2026-000001".into(),
            next_due: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("not a cursor"), None);
    }
}
