//! The access log: every read that showed sensitive fields unmasked.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entities::{access_log, cases};
use crate::error::Result;

/// Record that `user` read `fields` of a case, via `api`, `ui`, `export` or `file`.
pub async fn record(
    db: &impl ConnectionTrait,
    user: &str,
    case_id: &str,
    fields: &[String],
    via: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    access_log::ActiveModel {
        at: Set(at),
        user_id: Set(user.to_owned()),
        case_id: Set(case_id.to_owned()),
        fields: Set(fields.join(",")),
        via: Set(via.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The most recent entries, optionally for one case.
pub async fn list(
    db: &impl ConnectionTrait,
    case_id: Option<&str>,
    limit: u64,
) -> Result<Vec<access_log::Model>> {
    let mut q = access_log::Entity::find();
    if let Some(c) = case_id {
        q = q.filter(access_log::Column::CaseId.eq(c));
    }
    Ok(q.order_by_desc(access_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Which entries an administrator is looking for; `None` leaves a part open.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Entries of this user.
    pub user_id: Option<String>,
    /// Entries about the case with this number.
    pub case_number: Option<String>,
    /// Entries at or after this moment.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this moment.
    pub until: Option<DateTime<Utc>>,
}

/// The entries matching `filter`, newest first: `limit` of them after skipping
/// `offset`, and whether more follow (one row more is read rather than counting the
/// whole log).
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<access_log::Model>, bool)> {
    let mut q = access_log::Entity::find();
    if let Some(u) = &filter.user_id {
        q = q.filter(access_log::Column::UserId.eq(u.as_str()));
    }
    if let Some(n) = &filter.case_number {
        let ids = Query::select()
            .column(cases::Column::Id)
            .from(cases::Entity)
            .and_where(cases::Column::Number.eq(n.as_str()))
            .to_owned();
        q = q.filter(access_log::Column::CaseId.in_subquery(ids));
    }
    if let Some(from) = filter.from {
        q = q.filter(access_log::Column::At.gte(from));
    }
    if let Some(until) = filter.until {
        q = q.filter(access_log::Column::At.lt(until));
    }
    let mut rows = q
        .order_by_desc(access_log::Column::Id)
        .offset(offset)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// What the log shows of a case: its number and where its field titles are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRef {
    /// Case id.
    pub id: String,
    /// Human case number.
    pub number: String,
    /// Programme id.
    pub programme: String,
    /// Case type id.
    pub case_type: String,
    /// The definition version the case runs on.
    pub def_version: i32,
}

/// The cases with these ids, in one query (ids of deleted cases are left out).
pub async fn cases_of(db: &impl ConnectionTrait, ids: &[String]) -> Result<Vec<CaseRef>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, String, String, String, i32)> = cases::Entity::find()
        .select_only()
        .columns([
            cases::Column::Id,
            cases::Column::Number,
            cases::Column::Programme,
            cases::Column::CaseType,
            cases::Column::DefVersion,
        ])
        .filter(cases::Column::Id.is_in(ids.iter().map(String::as_str)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, number, programme, case_type, def_version)| CaseRef {
            id,
            number,
            programme,
            case_type,
            def_version,
        })
        .collect())
}
