//! The worker inside every server: deadlines that pass are marked overdue and
//! escalated; schedules that fall due create their cases; ended sessions and
//! idempotency keys past their time are deleted.
//!
//! Exactly once, even with several servers on one database: a passed deadline is
//! first claimed with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), then marked
//! breached by a conditional update only one claimant can win; a scheduled case is
//! created in the same transaction as its `schedule_runs` row, whose primary key
//! admits one row per schedule, period and target. A server that was stopped
//! catches up at its first sweep.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Duration as Span, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Map, Value, json};

use super::cases::{self, ActionInput, parse};
use super::commit::{self, NewCaseRow, refresh_deadline_summary};
use super::holders;
use crate::auth::Caller;
use crate::engine::{self, Actor, Decision, NewCase};
use crate::error::{Error, Result};
use crate::state::{AppState, Version};
use crate::store::{
    self,
    entities::{deadlines, org_units, schedule_runs},
};
use crate::workflow::expr::Vars;
use crate::workflow::model::{I18n, Schedule, Target};

/// How long a claim on a passed deadline lasts before another server may take it.
const LEASE_SECONDS: i64 = 120;
/// How long an upload may wait to be named in a form before the sweep deletes it.
const UNATTACHED_FILE_TTL: Span = Span::hours(24);
/// Deadlines claimed at a time: small batches let several servers share a backlog.
const CLAIM_BATCH: u64 = 10;
/// How far back a starting server looks for scheduled work it missed.
const CATCH_UP_DAYS: i64 = 45;

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sweep {
    /// Deadlines newly marked overdue.
    pub breached: usize,
    /// Automatic transitions taken.
    pub escalated: usize,
    /// Scheduled cases created.
    pub scheduled: usize,
    /// Ended sessions, old idempotency keys and old unattached uploads deleted.
    pub purged: u64,
    /// Cases whose actors were decided again (first decided, or guards on the clock).
    pub redecided: usize,
}

/// Cases decided per transaction when the worker decides who acts again.
const REDECIDE_BATCH: u64 = 500;

/// Bring cases written by an older server up to date, once at start: put them in the
/// search index, and decide who can act on the open ones. Returns how many cases it
/// touched.
pub async fn backfill(state: &AppState, now: DateTime<Utc>) -> Result<usize> {
    let mut touched = 0;
    let mut after = String::new();
    loop {
        let rows = store::search::unindexed(&state.db, &after, REDECIDE_BATCH).await?;
        let Some((last, _)) = rows.last() else {
            break;
        };
        after = last.clone();
        let txn = crate::store::begin_write(&state.db).await?;
        store::search::index_many(&txn, &rows).await?;
        txn.commit().await?;
        touched += rows.len();
        tracing::info!(cases = touched, "search index: older cases added");
    }
    touched += redecide_where(state, false, now).await?;
    Ok(touched)
}

/// Decide again who can act on open cases whose guards read the clock.
async fn redecide(state: &AppState, now: DateTime<Utc>) -> Result<usize> {
    redecide_where(state, true, now).await
}

/// Decide who can act on open cases: not decided yet, or (`clock_only`) whose guards
/// read the clock. Returns how many changed.
async fn redecide_where(state: &AppState, clock_only: bool, now: DateTime<Utc>) -> Result<usize> {
    let mut changed = 0;
    let mut after = String::new();
    loop {
        let rows = store::tasks::undecided(&state.db, clock_only, &after, REDECIDE_BATCH).await?;
        let Some(last) = rows.last() else { break };
        after = last.id.clone();
        let txn = crate::store::begin_write(&state.db).await?;
        for mut row in rows {
            let Ok(version) = cases::case_version(state, &row) else {
                continue;
            };
            if commit::redecide_actors(&txn, &version, &mut row, now).await? {
                changed += 1;
            }
        }
        txn.commit().await?;
    }
    Ok(changed)
}

/// Sweep every `interval` until `shutdown` resolves.
pub async fn run(state: AppState, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    let interval = Duration::from_secs(state.config.worker_interval);
    loop {
        match sweep(&state, Utc::now()).await {
            Ok(s) if s != Sweep::default() => tracing::info!(
                breached = s.breached,
                escalated = s.escalated,
                scheduled = s.scheduled,
                "worker sweep"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "worker sweep failed"),
        }
        checkpoint_if_due(&state, Utc::now()).await;
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Take an audit checkpoint when the last one is older than the configured interval
/// (see [`store::checkpoints`]); once per interval across all servers.
pub async fn checkpoint_if_due(state: &AppState, now: DateTime<Utc>) {
    let interval = i64::try_from(state.config.audit_checkpoint_interval).unwrap_or(i64::MAX);
    let due_if_before = now - Span::seconds(interval.min(i64::from(i32::MAX)));
    let keys = state.config.audit_keys.as_deref();
    match store::checkpoints::take_unless_newer(&state.db, keys, Some(due_if_before)).await {
        Ok(Some(t)) => {
            tracing::info!(
                checkpoint = t.seq,
                cases = t.case_count,
                events = t.event_count,
                changed = t.changed,
                "audit checkpoint"
            );
            if !t.suspicious.is_empty() {
                tracing::error!(cases = ?t.suspicious, "audit checkpoint: chains that do not continue what the last checkpoint saw; run `anjuan audit verify`");
            }
        }
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "audit checkpoint failed"),
    }
}

/// One pass over passed deadlines and due schedules.
pub async fn sweep(state: &AppState, now: DateTime<Utc>) -> Result<Sweep> {
    let mut report = Sweep::default();
    loop {
        let claimed = store::deadlines::claim_due(
            &state.db,
            &state.node,
            now,
            Span::seconds(LEASE_SECONDS),
            CLAIM_BATCH,
        )
        .await?;
        if claimed.is_empty() {
            break;
        }
        for id in claimed {
            match breach(state, &id, now).await {
                Ok((breached, escalated)) => {
                    report.breached += usize::from(breached);
                    report.escalated += usize::from(escalated);
                }
                Err(e) => {
                    tracing::error!(deadline = %id, error = %e, "escalating a deadline failed")
                }
            }
        }
    }
    report.escalated += pending_escalations(state, now).await?;
    report.scheduled = schedules(state, now).await?;
    report.redecided = redecide(state, now).await?;
    report.purged = store::identity::purge_expired_sessions(&state.db, now).await?
        + store::idempotency::purge(&state.db, now).await?
        + store::files::purge_unattached(&state.db, now - UNATTACHED_FILE_TTL).await?
        + crate::auth::limiter::purge(&state.db, now).await?;
    Ok(report)
}

/// Mark one claimed deadline breached, notify, and take its automatic action.
async fn breach(state: &AppState, row_id: &str, now: DateTime<Utc>) -> Result<(bool, bool)> {
    let txn = crate::store::begin_write(&state.db).await?;
    if !store::deadlines::mark_breached(&txn, row_id, &state.node, now).await? {
        return Ok((false, false));
    }
    let row = deadlines::Entity::find_by_id(row_id.to_owned())
        .one(&txn)
        .await?
        .ok_or_else(|| Error::Internal(format!("deadline {row_id} vanished")))?;
    let case = store::cases::get(&txn, &row.case_id)
        .await?
        .ok_or_else(|| Error::Internal(format!("case {} vanished", row.case_id)))?;
    refresh_deadline_summary(&txn, &case.id).await?;
    let version = cases::case_version(state, &case)?;
    let ct = version.def.programme.case_type(&case.case_type);
    let escalation = ct.and_then(|ct| engine::breach(ct, &row.deadline_id));
    if let Some(b) = &escalation {
        let message = I18n {
            zh: format!("案件 {} 的时限“{}”已逾期", case.number, b.title.zh),
            en: format!("Case {}: deadline “{}” has passed", case.number, b.title.en),
        };
        let users = holders(&txn, &case.programme, &b.notify, &case.org_path).await?;
        store::notifications::send(&txn, &users, Some(&case.id), "overdue", &message, now).await?;
        if b.transition.is_some() {
            // The automatic action is recorded with the breach, so it is not lost if
            // taking it fails or the server stops first: `escalate` takes it, now or
            // at a later sweep.
            store::deadlines::set_escalation(&txn, row_id, ESCALATION_PENDING).await?;
        }
    }
    txn.commit().await?;
    if escalation.as_ref().is_some_and(|b| b.transition.is_some()) {
        return Ok((true, escalate(state, row_id, now).await?));
    }
    Ok((true, false))
}

/// The role told when an automatic action is refused for good.
const PROGRAMME_ADMIN: &str = "programme-admin";

/// An escalation recorded and not yet taken.
const ESCALATION_PENDING: &str = "pending";

/// Take the recorded automatic action of a passed deadline. Taken: `done`. Refused for
/// a reason that will not go away (the case moved on, a rule forbids it): `refused`,
/// and the programme's administrators are told. A conflict or a failure that may pass
/// (the database, a plugin) leaves it pending for the next sweep. True when taken.
async fn escalate(state: &AppState, row_id: &str, now: DateTime<Utc>) -> Result<bool> {
    let Some(row) = deadlines::Entity::find_by_id(row_id.to_owned())
        .one(&state.db)
        .await?
    else {
        return Ok(false);
    };
    if row.escalation.as_deref() != Some(ESCALATION_PENDING) {
        return Ok(false);
    }
    let case = store::cases::get(&state.db, &row.case_id)
        .await?
        .ok_or_else(|| Error::Internal(format!("case {} vanished", row.case_id)))?;
    let version = cases::case_version(state, &case)?;
    let Some(b) = version
        .def
        .programme
        .case_type(&case.case_type)
        .and_then(|ct| engine::breach(ct, &row.deadline_id))
    else {
        return Ok(false);
    };
    let Some(action) = b.transition else {
        store::deadlines::set_escalation(&state.db, row_id, "done").await?;
        return Ok(false);
    };
    let input = ActionInput {
        comment: Some(format!(
            "时限“{}”已逾期，自动处理（{} passed）",
            b.title.zh, b.title.en
        )),
        ..ActionInput::default()
    };
    // The deadline row's id as the idempotency key: a retry after a crash between the
    // action and the bookkeeping below is answered without acting twice.
    let key = format!("escalation:{row_id}");
    match cases::act(
        state,
        &Caller::system(),
        &case.id,
        &action,
        input,
        Some(&key),
    )
    .await
    {
        Ok(_) => {
            store::deadlines::set_escalation(&state.db, row_id, "done").await?;
            Ok(true)
        }
        Err(
            e @ (Error::Conflict { .. }
            | Error::Db(_)
            | Error::Plugin(_)
            | Error::Degraded { .. }
            | Error::Internal(_)),
        ) => {
            tracing::warn!(case = %case.number, action = %action, error = %e, "automatic escalation failed; it is retried at the next sweep");
            Ok(false)
        }
        Err(e) => {
            tracing::warn!(case = %case.number, action = %action, error = %e, "automatic escalation was refused");
            store::deadlines::set_escalation(&state.db, row_id, "refused").await?;
            let message = I18n {
                zh: format!(
                    "案件 {} 的时限“{}”逾期后的自动处理“{action}”未能执行：{e}",
                    case.number, b.title.zh
                ),
                en: format!(
                    "Case {}: the automatic action `{action}` after deadline “{}” was refused: {e}",
                    case.number, b.title.en
                ),
            };
            let admins = holders(
                &state.db,
                &case.programme,
                &[PROGRAMME_ADMIN.to_owned()],
                &case.org_path,
            )
            .await?;
            store::notifications::send(
                &state.db,
                &admins,
                Some(&case.id),
                "overdue",
                &message,
                now,
            )
            .await?;
            Ok(false)
        }
    }
}

/// Take the escalations recorded but not taken (a failure or a stop in between).
async fn pending_escalations(state: &AppState, now: DateTime<Utc>) -> Result<usize> {
    let mut taken = 0;
    for id in store::deadlines::claim_pending_escalations(
        &state.db,
        &state.node,
        now,
        Span::seconds(LEASE_SECONDS),
        100,
    )
    .await?
    {
        taken += usize::from(escalate(state, &id, now).await?);
    }
    Ok(taken)
}

/// Create the scheduled cases that are due to open, once each.
async fn schedules(state: &AppState, now: DateTime<Utc>) -> Result<usize> {
    let calendar = state.calendar();
    let today = calendar.local_date(now);
    let from = today - Span::days(CATCH_UP_DAYS);
    let mut created = 0;
    for (programme, version) in state.programmes().iter() {
        for s in &version.def.programme.schedules {
            for occ in engine::schedule::occurrences(s, &calendar, from, today) {
                for target in targets(state, programme, s).await? {
                    if open_scheduled(state, version, s, &occ, &target, now).await? {
                        created += 1;
                    }
                }
            }
        }
    }
    Ok(created)
}

/// Who receives a scheduled case: an org unit, with the parent case when there is one.
struct Recipient {
    org: org_units::Model,
    parent: Option<store::entities::cases::Model>,
}

impl Recipient {
    fn key(&self) -> String {
        self.parent
            .as_ref()
            .map(|p| p.id.clone())
            .unwrap_or_else(|| self.org.id.clone())
    }
}

async fn targets(state: &AppState, programme: &str, s: &Schedule) -> Result<Vec<Recipient>> {
    match &s.target {
        Target::UnitKind(kind) => Ok(org_units::Entity::find()
            .filter(org_units::Column::Kind.eq(kind.as_str()))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|org| Recipient { org, parent: None })
            .collect()),
        Target::Cases(t) => {
            let mut out = Vec::new();
            for parent in store::cases::open_of_type(&state.db, programme, &t.case_type).await? {
                if !t.states.is_empty() && !t.states.iter().any(|st| st.as_str() == parent.state) {
                    continue;
                }
                let org = super::org_unit(&state.db, &parent.org_unit_id).await?;
                out.push(Recipient {
                    org,
                    parent: Some(parent),
                });
            }
            Ok(out)
        }
    }
}

async fn open_scheduled(
    state: &AppState,
    version: &Arc<Version>,
    s: &Schedule,
    occ: &engine::schedule::Occurrence,
    to: &Recipient,
    now: DateTime<Utc>,
) -> Result<bool> {
    let key = (
        version.def.id().to_owned(),
        s.id.to_string(),
        occ.period.clone(),
        to.key(),
    );
    let done = schedule_runs::Entity::find_by_id(key.clone())
        .one(&state.db)
        .await?;
    if done.is_some() {
        return Ok(false);
    }
    let parent_data = to.parent.as_ref().map(|p| parse(&p.data));
    let data = scheduled_data(version, s, occ, parent_data.as_ref(), now);
    // The plugin's checks are wasm calls: off the async workers.
    let (calendar, plugins, def) = (state.calendar(), state.plugins.clone(), version.clone());
    let (case_type, parent_id, org_unit) = (
        s.case_type.clone(),
        to.parent.as_ref().map(|p| p.id.clone()),
        to.org.id.clone(),
    );
    // The decision and the derived fields, as for a case opened by hand.
    let decided = cases::blocking(move || {
        let new = NewCase {
            case_type: &case_type,
            input: &data,
            parent: parent_data.as_ref(),
            parent_id: parent_id.as_deref(),
            actor: &Actor::system(),
            now,
        };
        let mut outcome = match engine::create(&def.def, &calendar, &new, plugins.as_ref())? {
            Decision::Accepted(o) => *o,
            Decision::Refused { reasons } => return Ok::<_, Error>(Err(reasons)),
        };
        cases::derive_scheduled(
            plugins.as_ref(),
            &def,
            &case_type,
            parent_id.as_deref(),
            &org_unit,
            now,
            &mut outcome,
        )?;
        Ok(Ok(outcome))
    })
    .await?;
    let outcome = match decided {
        Ok(o) => o,
        Err(reasons) => {
            tracing::warn!(schedule = %s.id.as_str(), ?reasons, "a scheduled case was refused");
            return Ok(false);
        }
    };
    let txn = crate::store::begin_write(&state.db).await?;
    // The run row first: a second server inserting the same key fails here and rolls back.
    let run = schedule_runs::ActiveModel {
        programme: sea_orm::Set(key.0),
        schedule_id: sea_orm::Set(key.1),
        period: sea_orm::Set(key.2),
        target: sea_orm::Set(key.3),
        case_id: sea_orm::Set(None),
        created_at: sea_orm::Set(now),
    };
    if schedule_runs::Entity::insert(run).exec(&txn).await.is_err() {
        return Ok(false);
    }
    let row = commit::new_case(
        &txn,
        &NewCaseRow {
            version,
            case_type: &s.case_type,
            org: &to.org,
            parent: to.parent.as_ref().map(|p| p.id.as_str()),
            assignee: None,
            outcome: &outcome,
            actor: "system",
            now,
            tz: state.config.timezone,
            key: state.config.audit_key(),
        },
    )
    .await?;
    schedule_runs::Entity::update_many()
        .col_expr(
            schedule_runs::Column::CaseId,
            sea_orm::sea_query::Expr::value(row.id),
        )
        .filter(schedule_runs::Column::ScheduleId.eq(s.id.as_str()))
        .filter(schedule_runs::Column::Period.eq(occ.period.as_str()))
        .filter(schedule_runs::Column::Target.eq(to.key()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(true)
}

fn scheduled_data(
    version: &Version,
    s: &Schedule,
    occ: &engine::schedule::Occurrence,
    parent: Option<&Value>,
    now: DateTime<Utc>,
) -> Value {
    let mut data = Map::new();
    data.insert(s.due_field.to_string(), json!(occ.due.to_string()));
    let period = json!(occ.period);
    let due = json!(occ.due.to_string());
    let null = Value::Null;
    let current = Value::Object(data.clone());
    let vars = Vars {
        period: &period,
        due: &due,
        parent: parent.unwrap_or(&null),
        ..Vars::new(&current, now)
    };
    for (field, source) in &s.data {
        match version.def.expr(source).map(|e| e.eval(&vars)) {
            Some(Ok(v)) => {
                data.insert(field.to_string(), v);
            }
            Some(Err(e)) => {
                tracing::warn!(schedule = %s.id.as_str(), field = %field.as_str(), error = %e, "a scheduled field could not be computed")
            }
            None => {}
        }
    }
    Value::Object(data)
}
