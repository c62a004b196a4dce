//! Growing the demo county to any number of cases, to see every page at a province's
//! size (`anjuan demo --cases 1000000`).
//!
//! Playing a million stories through the case service would take hours; instead the
//! demo county's own cases, each played through the real service and decided by the
//! real engine, are the templates, and the county grows by copies of them written in
//! large transactions of multi-row inserts. A copy takes a whole family of cases (a
//! root and its children) and gives it:
//! - new ids and new numbers (the programme's own pattern and yearly sequence);
//! - other org units of the same kind (a village's family moves to another village,
//!   a market office's sample to another office);
//! - every moment moved back by a whole number of weeks, up to three years: case
//!   times, events, deadlines and their ledger, notifications, and the dates and
//!   moments inside case data and event payloads. A family with a deadline still
//!   running moves back only so far that the deadline stays ahead of now, so no copy
//!   is overdue unless its template is (the worker would otherwise have breached it);
//! - its events re-chained with fresh hashes, so `anjuan audit verify` holds;
//! - who can act decided again by the engine for the copy (its data, parent and
//!   clock), written to the case row and `case_tasks` as the writer does, and its
//!   search grams.
//!
//! What a copy does not get: access-log rows (nobody read it), schedule runs (copies
//! of scheduled reports are extra reports, not the schedule's), and working-day
//! deadlines keep their template's span (a holiday may fall differently weeks back).

mod remap;
mod write;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::Value;

use self::remap::{Dice, Remap};
use self::write::Batch;
use crate::engine;
use crate::error::{Error, Result};
use crate::state::{AppState, Version};
use crate::store::entities::{
    case_sequences, cases, deadline_ledger, deadlines, events, files, notifications, org_units,
};
use crate::store::{self, deadlines::RUNNING};

/// The most cases a county may hold and still be taken as the templates: more means
/// it was grown (or used) already.
const MAX_TEMPLATES: u64 = 1000;
/// How far back a copy may move: three years, in weeks.
const MAX_WEEKS: i64 = 3 * 52;
/// Cases per transaction.
const BATCH: usize = 5000;

/// What [`grow`] wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Grown {
    /// Cases in the database at the end.
    pub cases: u64,
    /// Cases written.
    pub written: u64,
    /// Events written.
    pub events: u64,
}

/// One template case with everything that hangs off it.
struct Template {
    case: cases::Model,
    events: Vec<events::Model>,
    deadlines: Vec<deadlines::Model>,
    ledger: Vec<deadline_ledger::Model>,
    notifications: Vec<notifications::Model>,
    files: Vec<files::Model>,
    version: Arc<Version>,
}

/// A root case and its descendants, parents first, and how far back a copy may move.
struct Group {
    members: Vec<Template>,
    max_weeks: i64,
}

/// Grow the county (seeded already by [`super::seed_cases`]) to `target` cases;
/// `progress` hears (cases in the database, events written) after each transaction.
pub async fn grow(
    state: &AppState,
    target: u64,
    seed: u64,
    mut progress: impl FnMut(u64, u64),
) -> Result<Grown> {
    let have = cases::Entity::find().count(&state.db).await?;
    if have >= target {
        return Ok(Grown {
            cases: have,
            ..Grown::default()
        });
    }
    if have > MAX_TEMPLATES {
        return Err(Error::BadRequest {
            field: "cases".into(),
            message: format!(
                "this database holds {have} cases: the demo county grows from its own few \
                 dozen cases, so start from an empty data folder (or a fresh database)"
            ),
        });
    }
    let now = Utc::now();
    // The templates as a running server keeps them: a deadline that fell due (a
    // scheduled report opened past its date, say) is breached before it is copied.
    crate::service::worker::sweep(state, now).await?;
    let groups = load_groups(state, now).await?;
    if groups.is_empty() {
        return Err(Error::BadRequest {
            field: "cases".into(),
            message: "there are no demo cases to copy: are the plugins installed?".into(),
        });
    }
    let mut g = Grower {
        state,
        now,
        dice: Dice::new(seed),
        units: units_by_kind(state).await?,
        numbers: sequences(state).await?,
    };
    let mut out = Grown {
        cases: have,
        ..Grown::default()
    };
    let mut next = 0usize;
    while out.cases < target {
        let mut batch = Batch::default();
        while batch.cases.len() < BATCH && out.cases + (batch.cases.len() as u64) < target {
            let group = &groups[next % groups.len()];
            next += 1;
            g.copy(group, &mut batch)?;
        }
        let written = batch.cases.len() as u64;
        let events = batch.events.len() as u64;
        batch.numbers = g.numbers.clone();
        batch.write(&state.db).await?;
        out.cases += written;
        out.written += written;
        out.events += events;
        progress(out.cases, out.events);
    }
    Ok(out)
}

/// What copies share: the dice, the units to move to, the numbers handed out.
struct Grower<'a> {
    state: &'a AppState,
    now: DateTime<Utc>,
    dice: Dice,
    units: HashMap<String, Vec<(String, String)>>,
    /// (programme, year) → the last number handed out.
    numbers: BTreeMap<(String, i32), i64>,
}

impl Grower<'_> {
    /// Add one copy of `group` to `batch`.
    fn copy(&mut self, group: &Group, batch: &mut Batch) -> Result<()> {
        let weeks = i64::try_from(
            self.dice
                .below(u64::try_from(group.max_weeks + 1).unwrap_or(1)),
        )
        .unwrap_or(0);
        let shift = Duration::weeks(weeks);
        let mut remap = Remap {
            ids: HashMap::new(),
            numbers: Vec::new(),
            shift,
        };
        let mut places: HashMap<String, (String, String)> = HashMap::new();
        for t in &group.members {
            let c = &t.case;
            remap
                .ids
                .insert(c.id.clone(), uuid::Uuid::now_v7().to_string());
            for d in &t.deadlines {
                remap
                    .ids
                    .insert(d.id.clone(), uuid::Uuid::now_v7().to_string());
            }
            for f in &t.files {
                remap
                    .ids
                    .insert(f.id.clone(), uuid::Uuid::now_v7().to_string());
            }
            if !places.contains_key(&c.org_unit_id) {
                let place = self.place_like(&c.org_unit_id, &c.org_path);
                remap.ids.insert(c.org_unit_id.clone(), place.0.clone());
                places.insert(c.org_unit_id.clone(), place);
            }
            let number = self.number(t, remap.at(c.created_at))?;
            remap.numbers.push((c.number.clone(), number));
        }
        let mut parents: HashMap<String, Value> = HashMap::new();
        for (i, t) in group.members.iter().enumerate() {
            let (unit, path) = places
                .get(&t.case.org_unit_id)
                .cloned()
                .unwrap_or_else(|| (t.case.org_unit_id.clone(), t.case.org_path.clone()));
            let number = remap.numbers[i].1.clone();
            let row = self.case_row(t, &remap, number, unit, path, &parents)?;
            parents.insert(
                row.id.clone(),
                serde_json::from_str(&row.data).unwrap_or_default(),
            );
            batch.add(t, row, &remap, self.state.config.audit_key());
        }
        Ok(())
    }

    /// The copy's case row, with who acts decided by the engine.
    fn case_row(
        &self,
        t: &Template,
        remap: &Remap,
        number: String,
        unit: String,
        path: String,
        parents: &HashMap<String, Value>,
    ) -> Result<cases::Model> {
        let c = &t.case;
        let def = &t.version.def;
        let ct = def
            .programme
            .case_type(&c.case_type)
            .ok_or_else(|| Error::Internal(format!("case type {} vanished", c.case_type)))?;
        let data = remap.json(&serde_json::from_str(&c.data).unwrap_or_default());
        let mut row = c.clone();
        row.id = remap.id(&c.id);
        row.search = crate::service::search_text(ct, &number, &data);
        row.number = number;
        row.data = data.to_string();
        row.org_unit_id = unit;
        row.org_path = path;
        row.parent_id = c.parent_id.as_deref().map(|p| remap.id(p));
        row.created_at = remap.at(c.created_at);
        row.updated_at = remap.at(c.updated_at);
        row.state_entered_at = remap.at(c.state_entered_at);
        row.next_due = c.next_due.map(|t| remap.at(t));
        let snapshot = engine::CaseSnapshot {
            id: row.id.clone(),
            number: row.number.clone(),
            case_type: row.case_type.clone(),
            state: row.state.clone(),
            data,
            org_unit: row.org_unit_id.clone(),
            created_at: row.created_at,
            state_entered_at: row.state_entered_at,
            deadlines: Vec::new(),
            parent: row.parent_id.as_ref().and_then(|p| parents.get(p).cloned()),
            parent_id: row.parent_id.clone(),
        };
        let roles = if row.closed {
            Default::default()
        } else {
            engine::actions::acting_roles(def, &snapshot, self.now)
        };
        row.actors = Some(store::tasks::encode(&roles));
        row.clock = !row.closed && engine::actions::reads_clock(def, &row.case_type, &row.state);
        Ok(row)
    }

    /// A unit of the same kind as `unit` (itself when it is the only one).
    fn place_like(&mut self, unit: &str, path: &str) -> (String, String) {
        let kind = self
            .units
            .iter()
            .find(|(_, us)| us.iter().any(|(id, _)| id == unit))
            .map(|(k, _)| k.clone());
        let Some(same) = kind.and_then(|k| self.units.get(&k)) else {
            return (unit.to_owned(), path.to_owned());
        };
        let pick = usize::try_from(self.dice.below(same.len() as u64)).unwrap_or(0);
        same[pick].clone()
    }

    /// The next number of the template's programme in the year of `created`.
    fn number(&mut self, t: &Template, created: DateTime<Utc>) -> Result<String> {
        let c = &t.case;
        let ct = t
            .version
            .def
            .programme
            .case_type(&c.case_type)
            .ok_or_else(|| Error::Internal(format!("case type {} vanished", c.case_type)))?;
        let tz = self.state.config.timezone;
        let local = created.with_timezone(&tz);
        // The same sequence the case service would take: the year's, or the
        // lifetime one for a pattern without the year.
        let year = crate::service::sequence_year(&ct.number, created, tz);
        let seq = self.numbers.entry((c.programme.clone(), year)).or_insert(0);
        *seq += 1;
        Ok(crate::service::format_number(
            &ct.number,
            local.naive_local(),
            *seq,
        ))
    }
}

/// Org units by kind: (id, path).
async fn units_by_kind(state: &AppState) -> Result<HashMap<String, Vec<(String, String)>>> {
    let mut out: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for u in org_units::Entity::find()
        .order_by_asc(org_units::Column::Id)
        .all(&state.db)
        .await?
    {
        out.entry(u.kind).or_default().push((u.id, u.path));
    }
    Ok(out)
}

/// The numbers handed out so far.
async fn sequences(state: &AppState) -> Result<BTreeMap<(String, i32), i64>> {
    Ok(case_sequences::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| ((s.programme, s.year), s.last))
        .collect())
}

/// The county's cases as templates, grouped by family.
async fn load_groups(state: &AppState, now: DateTime<Utc>) -> Result<Vec<Group>> {
    let db = &state.db;
    let all = cases::Entity::find()
        .order_by_asc(cases::Column::CreatedAt)
        .order_by_asc(cases::Column::Id)
        .all(db)
        .await?;
    let mut by_case: HashMap<String, Template> = HashMap::new();
    let mut order = Vec::new();
    for case in all {
        let version = crate::service::cases::case_version(state, &case)?;
        let id = case.id.clone();
        let deadlines = deadlines::Entity::find()
            .filter(deadlines::Column::CaseId.eq(&id))
            .all(db)
            .await?;
        let rows: Vec<String> = deadlines.iter().map(|d| d.id.clone()).collect();
        let t = Template {
            events: store::events::list(db, &id).await?,
            ledger: deadline_ledger::Entity::find()
                .filter(deadline_ledger::Column::DeadlineRow.is_in(rows))
                .order_by_asc(deadline_ledger::Column::Id)
                .all(db)
                .await?,
            deadlines,
            notifications: notifications::Entity::find()
                .filter(notifications::Column::CaseId.eq(&id))
                .order_by_asc(notifications::Column::Id)
                .all(db)
                .await?,
            files: files::Entity::find()
                .filter(files::Column::CaseId.eq(&id))
                .all(db)
                .await?,
            case,
            version,
        };
        order.push(id.clone());
        by_case.insert(id, t);
    }
    let mut children: HashMap<String, Vec<String>> = HashMap::new();
    let mut roots = Vec::new();
    for id in &order {
        match by_case.get(id).and_then(|t| t.case.parent_id.clone()) {
            Some(p) if by_case.contains_key(&p) => children.entry(p).or_default().push(id.clone()),
            _ => roots.push(id.clone()),
        }
    }
    let mut groups = Vec::new();
    for root in roots {
        let mut ids = vec![root];
        let mut i = 0;
        while i < ids.len() {
            if let Some(kids) = children.get(&ids[i]) {
                ids.extend(kids.iter().cloned());
            }
            i += 1;
        }
        let members: Vec<Template> = ids.iter().filter_map(|id| by_case.remove(id)).collect();
        let max_weeks = members
            .iter()
            .flat_map(|t| &t.deadlines)
            .filter(|d| d.status == RUNNING && !d.breached)
            .map(|d| (d.due_at - now).num_seconds().saturating_sub(1) / (7 * 86_400))
            .min()
            .unwrap_or(MAX_WEEKS)
            .clamp(0, MAX_WEEKS);
        groups.push(Group { members, max_weeks });
    }
    Ok(groups)
}
