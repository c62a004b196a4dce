//! The inbox query: open cases in the states where a user's roles have an action, at
//! the org units where they hold those roles. The same condition lists the inbox and
//! counts it for the navigation, so the two never disagree about which cases count.
//!
//! The query narrows by role, state and place only; guards that hide an action are
//! the engine's to judge, row by row. For the count that means: slots where some
//! action has no guard on the case data are counted in SQL; cases only in slots whose
//! every action is guarded are listed ([`list_except`]) and judged one by one.

use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::cases;
use crate::error::Result;

/// Where a user may act: cases of `case_type` in one of `states` of `programme`, at
/// `org_path` or below.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Slot {
    /// Programme id.
    pub programme: String,
    /// Org path of the unit where the role is held.
    pub org_path: String,
    /// Case type id.
    pub case_type: String,
    /// States with an action for the role.
    pub states: Vec<String>,
}

/// Inbox counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Open cases in the inbox.
    pub total: u64,
    /// Overdue among them.
    pub overdue: u64,
}

fn condition(slots: &[Slot]) -> Condition {
    let mut any = Condition::any();
    for s in slots {
        any = any.add(
            Condition::all()
                .add(cases::Column::Programme.eq(s.programme.as_str()))
                .add(cases::Column::OrgPath.starts_with(s.org_path.as_str()))
                .add(cases::Column::CaseType.eq(s.case_type.as_str()))
                .add(cases::Column::State.is_in(s.states.iter().map(String::as_str))),
        );
    }
    Condition::all()
        .add(cases::Column::Closed.eq(false))
        .add(any)
}

/// The open cases of the slots, overdue first, then by next due time; at most `limit`.
pub async fn list(
    db: &impl ConnectionTrait,
    slots: &[Slot],
    limit: u64,
) -> Result<Vec<cases::Model>> {
    if slots.is_empty() {
        return Ok(Vec::new());
    }
    Ok(cases::Entity::find()
        .filter(condition(slots))
        .order_by_desc(cases::Column::Overdue)
        .order_by(
            Expr::col(cases::Column::NextDue).is_null(),
            sea_orm::Order::Asc,
        )
        .order_by_asc(cases::Column::NextDue)
        .order_by_desc(cases::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?)
}

/// The open cases of `slots` that no slot of `except` holds; at most `limit`.
pub async fn list_except(
    db: &impl ConnectionTrait,
    slots: &[Slot],
    except: &[Slot],
    limit: u64,
) -> Result<Vec<cases::Model>> {
    if slots.is_empty() {
        return Ok(Vec::new());
    }
    let mut filter = condition(slots);
    if !except.is_empty() {
        filter = filter.add(condition(except).not());
    }
    Ok(cases::Entity::find()
        .filter(filter)
        .limit(limit)
        .all(db)
        .await?)
}

/// How many open cases the slots hold, and how many of them are overdue: one query.
pub async fn counts(db: &impl ConnectionTrait, slots: &[Slot]) -> Result<Counts> {
    if slots.is_empty() {
        return Ok(Counts::default());
    }
    let rows = cases::Entity::find()
        .filter(condition(slots))
        .select_only()
        .column(cases::Column::Overdue)
        .column_as(Expr::expr(Func::count(Expr::col(cases::Column::Id))), "n")
        .group_by(cases::Column::Overdue)
        .into_tuple::<(bool, i64)>()
        .all(db)
        .await?;
    let mut out = Counts::default();
    for (overdue, n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        out.total += n;
        if overdue {
            out.overdue += n;
        }
    }
    Ok(out)
}
