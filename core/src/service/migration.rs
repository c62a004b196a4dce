//! Moving a programme's open cases to a new definition version: first a plan (per
//! case type and state, how many cases, where they go, what becomes of their
//! deadlines, which cannot move and why), then the move itself, in batches through
//! the [writer](super::writer), each case's writes (row, `migrated` event in its
//! chain, deadlines, who acts) all or nothing. A run is recorded
//! (`case_migrations`): one that stopped half-way is continued, with the version and
//! mapping it started with, by asking again.
//!
//! Cases opened while a run goes on are opened on the programme's current version,
//! which is the version a run moves cases to unless it was asked for another.
//!
//! # Layout
//! - this file: the request, the plan and its parts, checking the mapping;
//! - `apply`: the move, one piece of writer work per case.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::engine::OpenDeadline;
use crate::engine::migration::{self, Fate, Move, Refusal, Standing};
use crate::error::{Error, Result, Violation};
use crate::state::{AppState, Version};
use crate::store;
use crate::store::entities::{cases, deadlines};
use crate::workflow::Definition;
use crate::workflow::mapping::Mapping;
use crate::workflow::model::I18n;

mod apply;

pub use apply::apply;

/// Cases read and moved per batch.
const BATCH: u64 = 200;
/// Cases that cannot move listed by id in a plan or report (all are counted).
const LISTED: usize = 500;

/// What to plan or apply.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Programme id.
    pub programme: String,
    /// The version to move to; the current one when `None`.
    pub to: Option<i32>,
    /// The mapping file's text, if any.
    pub mapping: Option<String>,
    /// The name mistakes in the mapping are reported under.
    pub mapping_name: String,
}

/// Cases of one case type, version and state, and where they go.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Group {
    /// Case type id.
    pub case_type: String,
    /// The version they run on now.
    pub from_version: i32,
    /// Their state now.
    pub state: String,
    /// Their state on the new version (`null` for the group that cannot move).
    pub to_state: Option<String>,
    /// How many open cases.
    pub cases: u64,
    /// Deadline ids kept as they are, with how many cases have them.
    pub kept: BTreeMap<String, u64>,
    /// Deadline ids due again from their anchor under the new span.
    pub recomputed: BTreeMap<String, u64>,
    /// Deadline ids the new version no longer runs in that state.
    pub dropped: BTreeMap<String, u64>,
    /// Deadline ids the new version opens in that state that the old one did not run.
    pub opened: BTreeMap<String, u64>,
    /// Fields renamed on these cases, `old → new`, with how many cases.
    pub renamed: BTreeMap<String, u64>,
    /// Why these cases cannot move, with how many cases (empty when they can).
    pub refused: BTreeMap<String, u64>,
}

/// A case that cannot move.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Stuck {
    /// Case id.
    pub id: String,
    /// Case number.
    pub number: String,
    /// Case type id.
    pub case_type: String,
    /// Its state.
    pub state: String,
    /// The version it stays on.
    pub version: i32,
    /// Why, as a code (`case_type_gone`, `state_gone`, `field_type`, `guard`) and details.
    #[schema(value_type = Object)]
    pub reason: Refusal,
    /// Why, in plain words.
    pub why: String,
}

/// What moving a programme's open cases to a version would do.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Plan {
    /// Programme id.
    pub programme: String,
    /// The version cases would move to.
    pub to_version: i32,
    /// Open cases on other versions.
    pub open: u64,
    /// Of those, how many would move.
    pub moving: u64,
    /// And how many would stay (see `cannot_move`).
    pub staying: u64,
    /// Per case type, version and state.
    pub groups: Vec<Group>,
    /// The cases that would stay, and why (at most 500 listed).
    pub cannot_move: Vec<Stuck>,
    /// The mapping used, as JSON (`{}` when none).
    #[schema(value_type = Object)]
    pub mapping: serde_json::Value,
    /// A run of this programme that has not finished, if any: applying continues it.
    pub unfinished: Option<String>,
}

/// What a run did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Report {
    /// The run's id.
    pub id: String,
    /// Programme id.
    pub programme: String,
    /// The version cases moved to.
    pub to_version: i32,
    /// Whether this call continued a run that had stopped.
    pub resumed: bool,
    /// Cases moved by the whole run (all its calls).
    pub migrated: i64,
    /// Cases that stayed on their version (at most 500 listed; `staying` counts all).
    pub left: Vec<Stuck>,
    /// How many stayed.
    pub staying: u64,
    /// Cases skipped because they changed while being moved (moved by the next run).
    pub skipped: u64,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
}

/// The target version and mapping of a request, checked.
struct Target {
    to: Arc<Version>,
    versions: HashMap<i32, Arc<Version>>,
    mapping: Mapping,
    mapping_text: String,
}

fn target(state: &AppState, r: &Request) -> Result<Target> {
    let programmes = state.programmes();
    let current = programmes
        .current(&r.programme)
        .ok_or_else(|| Error::NotFound(format!("programme {}", r.programme)))?;
    let to = match r.to {
        None => current.clone(),
        Some(n) => programmes
            .version(&r.programme, n)
            .cloned()
            .ok_or_else(|| Error::NotFound(format!("version {n} of {}", r.programme)))?,
    };
    // New cases open on the current version; cases only move forward to it. Going
    // back is done by loading the older workflow again, which becomes a new version.
    if to.number < current.number {
        return Err(Error::Invalid(vec![Violation {
            field: "/to".into(),
            code: "older_version".into(),
            layer: None,
            message: I18n {
                zh: format!(
                    "案件只能迁移到当前版本 v{}，不能迁回较早的 v{}；如需回退，请重新发布旧版流程文件，它将成为新的版本。",
                    current.number, to.number
                ),
                en: format!(
                    "cases move only to the current version v{}, not back to the older v{}; to go back, load the older workflow file again and it becomes a new version",
                    current.number, to.number
                ),
            },
        }]));
    }
    let versions: HashMap<i32, Arc<Version>> = programmes
        .versions(&r.programme)
        .into_iter()
        .map(|v| (v.number, v.clone()))
        .collect();
    let from: Vec<&Definition> = versions
        .values()
        .filter(|v| v.number != to.number)
        .map(|v| &v.def)
        .collect();
    let text = r.mapping.clone().unwrap_or_default();
    let name = if r.mapping_name.is_empty() {
        "mapping.yaml"
    } else {
        &r.mapping_name
    };
    let mapping = Mapping::load(Path::new(name), &text, &from, &to.def).map_err(|ds| {
        Error::Invalid(
            ds.iter()
                .map(|d| Violation {
                    layer: None,
                    field: "/mapping".into(),
                    code: "mapping".into(),
                    message: I18n {
                        zh: d.to_string(),
                        en: d.to_string(),
                    },
                })
                .collect(),
        )
    })?;
    Ok(Target {
        to,
        versions,
        mapping,
        mapping_text: text,
    })
}

/// One case's fate: its move, or why not.
fn decide(
    t: &Target,
    cal: &crate::calendar::Calendar,
    case: &cases::Model,
    open: &[OpenDeadline],
    now: DateTime<Utc>,
) -> Result<std::result::Result<Move, Refusal>> {
    let from = t.versions.get(&case.def_version).ok_or_else(|| {
        Error::Internal(format!(
            "definition {} v{} is not loaded",
            case.programme, case.def_version
        ))
    })?;
    let data = super::cases::parse(&case.data);
    let standing = Standing {
        case_type: &case.case_type,
        state: &case.state,
        data: &data,
        created_at: case.created_at,
        state_entered_at: case.state_entered_at,
        deadlines: open,
    };
    Ok(migration::plan(
        &from.def, &t.to.def, &t.mapping, cal, &standing, now,
    ))
}

fn by_case(rows: Vec<deadlines::Model>) -> HashMap<String, Vec<deadlines::Model>> {
    let mut out: HashMap<String, Vec<deadlines::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.case_id.clone()).or_default().push(r);
    }
    out
}

fn stuck(case: &cases::Model, reason: Refusal) -> Stuck {
    Stuck {
        id: case.id.clone(),
        number: case.number.clone(),
        case_type: case.case_type.clone(),
        state: case.state.clone(),
        version: case.def_version,
        why: reason.describe(),
        reason,
    }
}

/// What moving `r.programme`'s open cases to `r.to` would do; nothing is written.
pub async fn plan(state: &AppState, r: &Request, now: DateTime<Utc>) -> Result<Plan> {
    let t = target(state, r)?;
    let cal = state.calendar();
    let mut groups: BTreeMap<(String, i32, String, Option<String>), Group> = BTreeMap::new();
    let mut cannot_move = Vec::new();
    let (mut open, mut moving, mut staying) = (0, 0, 0);
    let mut after: Option<String> = None;
    loop {
        let batch = store::migrations::open_not_on(
            &state.db,
            &r.programme,
            t.to.number,
            after.as_deref(),
            BATCH,
        )
        .await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id.clone());
        let ids: Vec<String> = batch.iter().map(|c| c.id.clone()).collect();
        let mut rows = by_case(store::migrations::open_deadlines(&state.db, &ids).await?);
        for case in &batch {
            open += 1;
            let running = store::deadlines::to_engine(&rows.remove(&case.id).unwrap_or_default());
            let fate = decide(&t, &cal, case, &running, now)?;
            let to_state = fate.as_ref().ok().map(|m| m.to.clone());
            let g = groups
                .entry((
                    case.case_type.clone(),
                    case.def_version,
                    case.state.clone(),
                    to_state.clone(),
                ))
                .or_insert_with(|| Group {
                    case_type: case.case_type.clone(),
                    from_version: case.def_version,
                    state: case.state.clone(),
                    to_state,
                    cases: 0,
                    kept: BTreeMap::new(),
                    recomputed: BTreeMap::new(),
                    dropped: BTreeMap::new(),
                    opened: BTreeMap::new(),
                    renamed: BTreeMap::new(),
                    refused: BTreeMap::new(),
                });
            g.cases += 1;
            match fate {
                Ok(m) => {
                    moving += 1;
                    for d in &m.deadlines {
                        let (map, id) = match d {
                            Fate::Kept { id } => (&mut g.kept, id),
                            Fate::Recomputed { id, .. } => (&mut g.recomputed, id),
                            Fate::Dropped { id } => (&mut g.dropped, id),
                            Fate::Opened { id, .. } => (&mut g.opened, id),
                        };
                        *map.entry(id.clone()).or_default() += 1;
                    }
                    for (old, new) in &m.renamed {
                        *g.renamed.entry(format!("{old} → {new}")).or_default() += 1;
                    }
                }
                Err(reason) => {
                    staying += 1;
                    *g.refused.entry(reason.describe()).or_default() += 1;
                    if cannot_move.len() < LISTED {
                        cannot_move.push(stuck(case, reason));
                    }
                }
            }
        }
    }
    let unfinished = store::migrations::running(&state.db, &r.programme)
        .await?
        .map(|m| m.id);
    Ok(Plan {
        programme: r.programme.clone(),
        to_version: t.to.number,
        open,
        moving,
        staying,
        groups: groups.into_values().collect(),
        cannot_move,
        mapping: t.mapping.to_json(),
        unfinished,
    })
}
