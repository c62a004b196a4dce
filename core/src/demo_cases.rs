//! The demo county's cases: a few dozen realistic cases across the four shipped
//! programmes, in nearly every state, some overdue, opened and moved on by the demo
//! users of [`crate::demo`] as if over the past months.
//!
//! [`seed_cases`] does nothing when any case exists. Each story (a case and the steps it
//! went through) is played at moments before now through the case service
//! (`create_as_of`, `act_as_of`), so every rule, check and deadline applies as in real
//! use. Then the worker sweeps, as a server running all along would have: passed
//! deadlines turn overdue, emergencies not taken up escalate, and the recent scheduled
//! work (reports, festival visits, health checks) is opened. A story the programme's
//! rules refuse (its plugin is not installed, say) is skipped with a warning and the
//! others go on; a database failure stops the seed.
//!
//! # Layout
//! - this file: [`seed_cases`] and the `Seed` context the stories share;
//! - `sampling` (with `disposal`), `risk`, `family`, `fire`: the stories of one
//!   programme each;
//! - [`grow`]: the county grown to any size by copies of these cases.

mod disposal;
mod family;
mod fire;
pub mod grow;
mod risk;
mod sampling;

use std::collections::HashMap;
use std::future::Future;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;

use crate::auth::{Caller, Via};
use crate::error::{Error, Result};
use crate::service::cases::{self, ActionInput, CreateCase};
use crate::service::views::CaseView;
use crate::service::worker;
use crate::state::AppState;
use crate::store::{self, entities};

/// The demo users the stories act as (created by [`crate::demo::seed_identity`]).
const ACTORS: &[&str] = &[
    "cdc",
    "hospital",
    "health",
    "sampler",
    "inspector",
    "market-lead",
    "lab",
    "township",
    "village",
    "village2",
    "volunteer",
    "association",
    "facility",
    "fire-inspector",
    "fire-lead",
];

/// Open the demo county's cases unless there are cases already; how many were opened
/// (0 when there were cases already).
pub async fn seed_cases(state: &AppState) -> Result<usize> {
    seed_cases_as_of(state, Utc::now()).await
}

/// [`seed_cases`] as if it ran at `now`: the stories must come out the same whatever
/// the time of day (a test seeds just after midnight).
pub async fn seed_cases_as_of(state: &AppState, now: DateTime<Utc>) -> Result<usize> {
    if entities::cases::Entity::find()
        .one(&state.db)
        .await?
        .is_some()
    {
        return Ok(0);
    }
    let seed = Seed::new(state, now).await?;
    sampling::stories(&seed).await?;
    risk::stories(&seed).await?;
    family::stories(&seed).await?;
    fire::stories(&seed).await?;
    // The worker as it ran forty days ago, then the follow-up work done since.
    worker::sweep(state, seed.at(40, 0)).await?;
    risk::reports_since(&seed).await?;
    family::scheduled_work_since(&seed).await?;
    worker::sweep(state, seed.now).await?;
    let total = entities::cases::Entity::find().count(&state.db).await?;
    Ok(usize::try_from(total).unwrap_or(usize::MAX))
}

/// What the stories share: the state, the moment the seed plays up to, the actors.
pub(crate) struct Seed<'a> {
    state: &'a AppState,
    now: DateTime<Utc>,
    callers: HashMap<&'static str, Caller>,
}

impl<'a> Seed<'a> {
    async fn new(state: &'a AppState, now: DateTime<Utc>) -> Result<Seed<'a>> {
        let mut callers = HashMap::new();
        for name in ACTORS {
            let user = store::identity::user_by_username(&state.db, name)
                .await?
                .ok_or_else(|| missing(name))?;
            let caller = crate::auth::extract::load_caller(&state.db, &user.id, Via::Token)
                .await?
                .ok_or_else(|| missing(name))?;
            callers.insert(*name, caller);
        }
        Ok(Seed {
            state,
            now,
            callers,
        })
    }

    fn caller(&self, name: &str) -> Result<&Caller> {
        self.callers.get(name).ok_or_else(|| missing(name))
    }

    /// The user id of a demo user (for fields naming a person).
    fn user(&self, name: &str) -> Result<String> {
        Ok(self.caller(name)?.id.clone())
    }

    /// `days` and `hours` before now.
    fn at(&self, days: i64, hours: i64) -> DateTime<Utc> {
        self.now - Duration::days(days) - Duration::hours(hours)
    }

    /// The local date `days` before (negative: after) today, `YYYY-MM-DD`.
    fn date(&self, days: i64) -> String {
        let today = self.state.calendar().local_date(self.now);
        (today - Duration::days(days)).to_string()
    }

    /// The local year of now, plus `offset`.
    fn year(&self, offset: i32) -> i32 {
        chrono::Datelike::year(&self.state.calendar().local_date(self.now)) + offset
    }

    /// A moment as the RFC 3339 text stored in `datetime` fields.
    fn stamp(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.state.config.timezone).to_rfc3339()
    }

    /// Open a case as `who` at `when`; its id.
    async fn open(&self, who: &str, when: DateTime<Utc>, mut req: CreateCase) -> Result<String> {
        crate::service::files::stand_ins(self.state, self.caller(who)?, &mut req.data).await?;
        let view = cases::create_as_of(self.state, self.caller(who)?, req, when).await?;
        Ok(view.id)
    }

    /// Take `action` as `who` at `when`; in its data the text `@day` stands for the
    /// local date of `when`.
    async fn act(&self, who: &str, when: DateTime<Utc>, id: &str, step: Step) -> Result<CaseView> {
        let mut input = ActionInput {
            data: on_day(step.data, &self.day_of(when)),
            comment: step.comment.map(str::to_owned),
            expected_version: None,
            taken_at: None,
            sent: None,
        };
        crate::service::files::stand_ins(self.state, self.caller(who)?, &mut input.data).await?;
        cases::act_as_of(
            self.state,
            self.caller(who)?,
            id,
            step.action,
            input,
            None,
            when,
        )
        .await
    }

    /// `n` moments spread evenly between `from` and an hour ago.
    fn times(&self, from: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        let span = (self.now - Duration::hours(1) - from).num_minutes().max(0);
        let parts = i64::try_from(n).unwrap_or(1) + 1;
        (1..=parts - 1)
            .map(|i| from + Duration::minutes(span * i / parts))
            .collect()
    }

    /// The local date of a moment, `YYYY-MM-DD`.
    fn day_of(&self, t: DateTime<Utc>) -> String {
        self.state.calendar().local_date(t).to_string()
    }

    /// Take `steps` in order, spread evenly between `from` and an hour ago.
    async fn walk(&self, id: &str, from: DateTime<Utc>, steps: Vec<(&str, Step)>) -> Result<()> {
        let times = self.times(from, steps.len());
        self.walk_at(id, &times, steps).await
    }

    /// Take `steps` in order at `times` (one each).
    async fn walk_at(
        &self,
        id: &str,
        times: &[DateTime<Utc>],
        steps: Vec<(&str, Step)>,
    ) -> Result<()> {
        for (when, (who, step)) in times.iter().zip(steps) {
            self.act(who, *when, id, step).await?;
        }
        Ok(())
    }

    /// The ids of a case's children of `case_type`, oldest first.
    async fn children(&self, id: &str, case_type: &str) -> Result<Vec<String>> {
        let mut rows = store::cases::children(&self.state.db, id).await?;
        rows.sort_by_key(|c| c.created_at);
        Ok(rows
            .into_iter()
            .filter(|c| c.case_type == case_type)
            .map(|c| c.id)
            .collect())
    }

    /// Play one story: refused by the rules, it is skipped with a warning.
    async fn play<T>(
        &self,
        story: &str,
        run: impl Future<Output = Result<T>>,
    ) -> Result<Option<T>> {
        match run.await {
            Ok(v) => Ok(Some(v)),
            Err(e @ (Error::Db(_) | Error::Internal(_))) => Err(e),
            Err(e) => {
                tracing::warn!(story, error = ?e, "a demo story was refused and skipped");
                Ok(None)
            }
        }
    }
}

/// An action with its data and comment.
pub(crate) struct Step {
    action: &'static str,
    data: Value,
    comment: Option<&'static str>,
}

/// An action with data.
fn step(action: &'static str, data: Value) -> Step {
    Step {
        action,
        data,
        comment: None,
    }
}

/// An action with data and a comment.
fn noted(action: &'static str, data: Value, comment: &'static str) -> Step {
    Step {
        action,
        data,
        comment: Some(comment),
    }
}

/// A case to open at `org`.
fn new_case(programme: &str, case_type: &str, org: &str, data: Value) -> CreateCase {
    CreateCase {
        programme: programme.to_owned(),
        case_type: case_type.to_owned(),
        org_unit: Some(org.to_owned()),
        data,
        parent: None,
        assignee: None,
        taken_at: None,
        idempotency_key: None,
        sent: None,
    }
}

/// A child case of `parent` (owned by the parent's unit).
fn child(programme: &str, case_type: &str, parent: &str, data: Value) -> CreateCase {
    CreateCase {
        programme: programme.to_owned(),
        case_type: case_type.to_owned(),
        org_unit: None,
        data,
        parent: Some(parent.to_owned()),
        assignee: None,
        taken_at: None,
        idempotency_key: None,
        sent: None,
    }
}

/// `data` with every text `@day` replaced by `day`.
fn on_day(data: Value, day: &str) -> Value {
    match data {
        Value::String(s) if s == "@day" => Value::String(day.to_owned()),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| on_day(v, day)).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, on_day(v, day))).collect())
        }
        other => other,
    }
}

fn missing(name: &str) -> Error {
    Error::Internal(format!(
        "demo user `{name}` is missing: seed the demo identity (demo::seed_identity) first"
    ))
}
