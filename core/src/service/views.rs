//! A case as the API returns it: data masked for the caller (and every unmasked read
//! of sensitive fields logged), deadlines with their status, and the actions the
//! caller may take now.
//!
//! # Layout
//! - this file: the case view, case references and the inbox's slots and counts;
//! - `events`: the case's events as the same reader sees them.

mod events;

pub use events::{EventView, Sight, events};

use chrono::{DateTime, Utc};

use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::actor;
use super::cases::parse;
use crate::auth::Caller;
use crate::engine::{self, AvailableAction};
use crate::error::Result;
use crate::state::AppState;
use crate::store::{self, entities::cases};
use crate::workflow::model::I18n;

/// A case.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseView {
    /// Case id (UUID v7).
    pub id: String,
    /// Human number.
    pub number: String,
    /// Programme id.
    pub programme: String,
    /// Case type id.
    pub case_type: String,
    /// One-line summary.
    pub summary: String,
    /// State id.
    pub state: String,
    /// State title.
    #[schema(value_type = Object)]
    pub state_title: I18n,
    /// Whether the case reached a final state.
    pub closed: bool,
    /// Case data, sensitive fields masked as `***` unless the caller may read them.
    #[schema(value_type = Object)]
    pub data: Value,
    /// Owning org unit id.
    pub org_unit: String,
    /// Assignee user id.
    pub assignee: Option<String>,
    /// Parent case id.
    pub parent: Option<String>,
    /// Version counter; send it back as `expected_version`.
    pub version: i64,
    /// The definition version the case runs on.
    pub definition: DefinitionRef,
    /// Opened at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
    /// Whether a deadline has passed.
    pub overdue: bool,
    /// Deadlines, open and closed.
    pub deadlines: Vec<DeadlineView>,
    /// Actions the caller may take now.
    #[schema(value_type = Vec<Object>)]
    pub actions: Vec<AvailableAction>,
    /// Child cases.
    pub children: Vec<CaseRef>,
    /// Who the view is for and which sensitive fields they may read: what masks the
    /// case's events. Never sent.
    #[serde(skip)]
    pub sight: Sight,
}

/// Which definition version a case runs on.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DefinitionRef {
    /// Version number.
    pub version: i32,
    /// SHA-256 of the workflow file.
    pub hash: String,
}

/// A deadline of a case.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeadlineView {
    /// Deadline id from the definition.
    pub id: String,
    /// Title.
    #[schema(value_type = Object)]
    pub title: I18n,
    /// When it is due (while paused: when it was due at the pause).
    pub due: DateTime<Utc>,
    /// running, paused, met, late or dropped.
    pub status: String,
    /// Whether it has passed while running.
    pub breached: bool,
    /// Working days left (negative when overdue), for running deadlines.
    pub working_days_left: Option<i64>,
}

/// A short reference to another case.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseRef {
    /// Case id.
    pub id: String,
    /// Human number.
    pub number: String,
    /// Case type id.
    pub case_type: String,
    /// State id.
    pub state: String,
    /// Summary.
    pub summary: String,
    /// Whether it is closed.
    pub closed: bool,
}

/// The view of `row` for `caller`, logging unmasked sensitive reads.
pub async fn case(
    state: &AppState,
    caller: &Caller,
    row: cases::Model,
    via: &str,
) -> Result<CaseView> {
    case_in(&state.db, state, caller, row, via).await
}

/// [`case`] inside a transaction.
pub async fn case_in(
    db: &impl ConnectionTrait,
    state: &AppState,
    caller: &Caller,
    row: cases::Model,
    via: &str,
) -> Result<CaseView> {
    case_known(db, state, caller, row, via, Known::default()).await
}

/// Parts of a case's view that its caller holds already (having just read or written
/// them), so they are not read again. `None` parts are read.
#[derive(Default)]
pub struct Known {
    /// The case data, parsed: what the row's `data` holds.
    pub data: Option<Value>,
    /// The parent case's data (`Some(None)`: the case has no parent).
    pub parent: Option<Option<Value>>,
    /// All the case's deadline rows, as they are now.
    pub deadlines: Option<Vec<store::entities::deadlines::Model>>,
}

/// [`case`] with the parts the caller already holds.
pub async fn case_known(
    db: &impl ConnectionTrait,
    state: &AppState,
    caller: &Caller,
    row: cases::Model,
    via: &str,
    known: Known,
) -> Result<CaseView> {
    let version = super::cases::case_version(state, &row)?;
    let def = &version.def;
    let ct = def.programme.case_type(&row.case_type).ok_or_else(|| {
        crate::error::Error::Internal(format!("case type {} vanished", row.case_type))
    })?;
    let who = actor(caller, &row.programme, &row.org_path);
    let data = match known.data {
        Some(d) => d,
        None => parse(&row.data),
    };
    let parent_data = match (known.parent, &row.parent_id) {
        (Some(p), _) => p,
        (None, Some(p)) => store::cases::get(db, p).await?.map(|p| parse(&p.data)),
        (None, None) => None,
    };
    let (masked, shown) = engine::privacy::mask(ct, &data, parent_data.as_ref(), &who);
    if !shown.is_empty() {
        let fields: Vec<String> = shown.iter().cloned().collect();
        store::access::record(db, &caller.id, &row.id, &fields, via, Utc::now()).await?;
    }
    let sight = Sight {
        reader: caller.id.clone(),
        readable: engine::privacy::readable(ct, &data, parent_data.as_ref(), &who),
        logged: shown,
    };
    // One read of the deadline rows serves both the open ones (for the actions) and
    // the whole list.
    let all = match known.deadlines {
        Some(rows) => rows,
        None => store::deadlines::all_rows(db, &row.id).await?,
    };
    let open = store::deadlines::open_of(&all);
    let snapshot = engine::CaseSnapshot {
        id: row.id.clone(),
        number: row.number.clone(),
        case_type: row.case_type.clone(),
        state: row.state.clone(),
        data: data.clone(),
        org_unit: row.org_unit_id.clone(),
        created_at: row.created_at,
        state_entered_at: row.state_entered_at,
        deadlines: store::deadlines::to_engine(&open),
        parent: parent_data,
        parent_id: row.parent_id.clone(),
    };
    let actions = engine::available_actions(def, &snapshot, &who, Utc::now());
    let calendar = state.calendar();
    let today = calendar.local_date(Utc::now());
    let deadlines = all
        .into_iter()
        .map(|d| DeadlineView {
            title: ct
                .deadline(&d.deadline_id)
                .map(|(_, decl)| engine::deadline_title(decl))
                .unwrap_or_else(|| I18n {
                    zh: d.deadline_id.clone(),
                    en: d.deadline_id.clone(),
                }),
            working_days_left: (d.status == store::deadlines::RUNNING)
                .then(|| calendar.working_days_between(today, calendar.local_date(d.due_at))),
            id: d.deadline_id,
            due: d.due_at,
            status: d.status,
            breached: d.breached,
        })
        .collect();
    // Only a case type some other type names as its parent can have children.
    let may_have_children = def
        .programme
        .case_types
        .values()
        .any(|t| t.parent.as_deref().map(String::as_str) == Some(row.case_type.as_str()));
    let children = if may_have_children {
        store::cases::children(db, &row.id)
            .await?
            .into_iter()
            .map(|c| reference(state, c))
            .collect()
    } else {
        Vec::new()
    };
    Ok(CaseView {
        summary: super::commit::summary(ct, &masked),
        state_title: ct.state_title(&row.state),
        data: masked,
        definition: DefinitionRef {
            version: row.def_version,
            hash: row.def_hash.clone(),
        },
        id: row.id,
        number: row.number,
        programme: row.programme,
        case_type: row.case_type,
        state: row.state,
        closed: row.closed,
        org_unit: row.org_unit_id,
        assignee: row.assignee,
        parent: row.parent_id,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
        overdue: row.overdue,
        deadlines,
        actions,
        children,
        sight,
    })
}

/// A short reference to a case (summaries never show sensitive fields: the
/// validator's summary patterns may name them, so they are masked here too).
pub fn reference(state: &AppState, c: cases::Model) -> CaseRef {
    let summary = super::cases::case_version(state, &c)
        .ok()
        .and_then(|v| {
            let ct = v.def.programme.case_type(&c.case_type)?;
            let data = parse(&c.data);
            let (masked, _) = engine::privacy::mask(
                ct,
                &data,
                None,
                &engine::Actor {
                    id: String::new(),
                    roles: Default::default(),
                },
            );
            Some(super::commit::summary(ct, &masked))
        })
        .unwrap_or_default();
    CaseRef {
        id: c.id,
        number: c.number,
        case_type: c.case_type,
        state: c.state,
        summary,
        closed: c.closed,
    }
}

/// Where `caller` may act: each role they hold, at the unit where they hold it.
pub fn reach(caller: &Caller) -> Vec<store::tasks::Reach> {
    let mut out: Vec<store::tasks::Reach> = Vec::new();
    for g in &caller.grants {
        let r = store::tasks::Reach {
            programme: g.programme.clone(),
            role: g.role.clone(),
            org_path: g.org_path.clone(),
        };
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// How many open cases wait for `caller` (they can move them on), and how many of
/// them are overdue: exactly the cases the inbox lists, counted by index.
pub async fn inbox_counts(state: &AppState, caller: &Caller) -> Result<store::tasks::Counts> {
    let mut total = store::tasks::Counts::default();
    for (_, c) in store::tasks::counts(&state.db, &reach(caller)).await? {
        total.total += c.total;
        total.overdue += c.overdue;
    }
    Ok(total)
}
