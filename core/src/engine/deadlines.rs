//! Deadlines through an action: which open, which are met or dropped, which pause,
//! resume or get more time.
//!
//! The engine only says what changes; the store keeps every change as a row of the
//! deadline's ledger, so the time left is always derived from its history.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CaseSnapshot, DeadlineChange, Finding, OpenDeadline, Severity};
use crate::calendar::{Anchor, Calendar, Span};
use crate::workflow::Definition;
use crate::workflow::expr::Vars;
use crate::workflow::model::{CaseType, Deadline, Effect, I18n, Opens, Transition};

/// The time a paused deadline had left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remaining {
    /// Working days left (for a deadline counted in working days).
    WorkingDays(i64),
    /// Seconds left (for one counted in hours or natural days).
    Seconds(i64),
}

/// What the worker does when a deadline passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    /// Roles to tell.
    pub notify: Vec<String>,
    /// An action to take as the system.
    pub transition: Option<String>,
    /// The deadline's title.
    pub title: I18n,
}

/// The escalation of deadline `id` of a case of type `ct`.
pub fn breach(ct: &CaseType, id: &str) -> Option<Breach> {
    let (_, d) = ct.deadline(id)?;
    let on = d.on_breach.clone().unwrap_or_default();
    Some(Breach {
        notify: on.notify.iter().map(|r| r.to_string()).collect(),
        transition: on.transition.map(|t| t.to_string()),
        title: title(d),
    })
}

/// A deadline's title, falling back to its id.
pub fn title(d: &Deadline) -> I18n {
    d.title.clone().unwrap_or_else(|| I18n {
        zh: d.id.to_string(),
        en: d.id.to_string(),
    })
}

/// The moment an action or opening happens, and the case around it.
pub struct Moment<'a> {
    pub def: &'a Definition,
    pub cal: &'a Calendar,
    pub ct: &'a CaseType,
    /// Case data after the action.
    pub data: &'a Value,
    /// The parent case's data, or `null`.
    pub parent: &'a Value,
    /// Case opening time (now, for a case being opened).
    pub created_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

impl Moment<'_> {
    /// Open `d` if its condition holds; a warning when it cannot be anchored.
    fn open(&self, d: &Deadline, out: &mut Vec<DeadlineChange>, warnings: &mut Vec<Finding>) {
        if let Some(when) = &d.when {
            let seen = super::data::with_declared(&self.ct.fields, self.data);
            let vars = Vars {
                parent: self.parent,
                ..Vars::new(&seen, self.now)
            };
            let holds = self.def.expr(when).map(|e| e.eval_bool(&vars));
            match holds {
                Some(Ok(true)) => {}
                Some(Ok(false)) => return,
                Some(Err(e)) => {
                    warnings.push(warning(d, "deadline_condition_failed", e));
                    return;
                }
                None => return,
            }
        }
        let anchor = match anchor(d, self.created_at, self.now, self.data) {
            Ok(a) => a,
            Err(field) => {
                let msg = format!(
                    "deadline `{}` not opened: field `{field}` is empty",
                    d.id.as_str()
                );
                warnings.push(warning(d, "deadline_anchor_missing", msg));
                return;
            }
        };
        out.push(DeadlineChange::Opened {
            id: d.id.to_string(),
            due: self.cal.due(anchor, *d.within),
            span: *d.within,
        });
    }
}

/// What deadline `d` counts from: the case's opening, the moment it was `entered`
/// (the default), or a date field of `data`; `Err(field)` when that field is empty.
pub(super) fn anchor(
    d: &Deadline,
    created: DateTime<Utc>,
    entered: DateTime<Utc>,
    data: &Value,
) -> Result<Anchor, String> {
    match d.from.as_deref().map(String::as_str) {
        Some("created") => Ok(Anchor::Instant(created)),
        None | Some("entered") | Some("opened") => Ok(Anchor::Instant(entered)),
        Some(other) => {
            let field = other.trim_start_matches("data.");
            anchor_of(data.get(field)).ok_or_else(|| field.to_owned())
        }
    }
}

fn anchor_of(value: Option<&Value>) -> Option<Anchor> {
    let s = value?.as_str()?;
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(Anchor::Instant(t.with_timezone(&Utc)));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .map(Anchor::Date)
}

fn warning(d: &Deadline, code: &str, message: String) -> Finding {
    Finding {
        field: String::new(),
        code: code.to_owned(),
        message: I18n {
            zh: format!("时限“{}”:{message}", title(d).zh),
            en: message,
        },
        severity: Severity::Warning,
    }
}

/// Deadlines opened with a new case.
pub fn on_create(m: &Moment<'_>) -> (Vec<DeadlineChange>, Vec<Finding>) {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let initial = m.ct.states.get(m.ct.initial.as_str());
    let auto =
        m.ct.deadlines
            .iter()
            .chain(initial.into_iter().flat_map(|s| s.deadlines.iter()))
            .filter(|d| d.opens == Opens::Auto);
    for d in auto {
        m.open(d, &mut out, &mut warnings);
    }
    (out, warnings)
}

/// Deadline changes when `t` takes `case` to `to`.
pub fn on_transition(
    m: &Moment<'_>,
    case: &CaseSnapshot,
    t: &Transition,
) -> (Vec<DeadlineChange>, Vec<Finding>) {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let (from, to) = (case.state.as_str(), t.to.as_str());
    let moved = from != to;
    let closed_by_effect = |id: &str| {
        t.effects.iter().any(|e| match e {
            Effect::CloseDeadline(d) | Effect::OpenDeadline(d) => d.as_str() == id,
            _ => false,
        })
    };
    for open in &case.deadlines {
        let Some((owner, d)) = m.ct.deadline(&open.id) else {
            continue;
        };
        let id = open.id.clone();
        let meets = d.until.iter().any(|u| u.as_str() == to);
        let leaves_owner = moved && owner == Some(from);
        if meets || (leaves_owner && d.until.is_empty()) {
            out.push(DeadlineChange::Met {
                id,
                late: m.now > open.due && open.paused.is_none(),
            });
        } else if leaves_owner || closed_by_effect(&open.id) || m.ct.is_final(to) {
            out.push(DeadlineChange::Dropped { id });
        } else {
            clock(m, t, d, open, &mut out);
        }
    }
    for effect in &t.effects {
        if let Effect::OpenDeadline(id) = effect
            && let Some((_, d)) = m.ct.deadline(id)
        {
            m.open(d, &mut out, &mut warnings);
        }
    }
    if moved && let Some(state) = m.ct.states.get(to) {
        for d in state.deadlines.iter().filter(|d| d.opens == Opens::Auto) {
            m.open(d, &mut out, &mut warnings);
        }
    }
    (out, warnings)
}

/// Pause, resume or extend a running deadline when `t` is one of its named actions.
fn clock(
    m: &Moment<'_>,
    t: &Transition,
    d: &Deadline,
    open: &OpenDeadline,
    out: &mut Vec<DeadlineChange>,
) {
    let action = t.action.as_str();
    let id = open.id.clone();
    if open.paused.is_none() && d.suspend_on.iter().any(|a| a.as_str() == action) {
        out.push(DeadlineChange::Paused {
            id,
            remaining: remaining(m.cal, open, m.now),
        });
    } else if let Some(left) = open.paused
        && d.resume_on.iter().any(|a| a.as_str() == action)
    {
        out.push(DeadlineChange::Resumed {
            id,
            due: resume(m.cal, left, m.now),
        });
    } else if let Some(ext) = d.extend_on.iter().find(|e| e.action.as_str() == action) {
        out.push(DeadlineChange::Extended {
            id,
            by: *ext.by,
            due: extend(m.cal, open.due, *ext.by),
        });
    }
}

/// The time left on a running deadline at `now`.
pub fn remaining(cal: &Calendar, open: &OpenDeadline, now: DateTime<Utc>) -> Remaining {
    match open.span {
        Span::WorkingDays(_) => Remaining::WorkingDays(
            cal.working_days_between(cal.local_date(now), cal.local_date(open.due))
                .max(0),
        ),
        Span::Hours(_) | Span::NaturalDays(_) => {
            Remaining::Seconds((open.due - now).num_seconds().max(0))
        }
    }
}

/// The due time of a deadline resumed at `now` with `left` to go.
pub fn resume(cal: &Calendar, left: Remaining, now: DateTime<Utc>) -> DateTime<Utc> {
    match left {
        Remaining::WorkingDays(n) => cal.due(Anchor::Instant(now), Span::WorkingDays(clamp(n))),
        Remaining::Seconds(s) => now + Duration::seconds(s),
    }
}

/// `due` pushed back by `by`: working days count from the due day, so a deadline due
/// on a Friday and extended by one working day is due on Monday.
pub fn extend(cal: &Calendar, due: DateTime<Utc>, by: Span) -> DateTime<Utc> {
    match by {
        Span::WorkingDays(n) => {
            let day = cal.add_working_days(cal.local_date(due), n);
            end_of_day(cal, day).unwrap_or(due)
        }
        Span::Hours(_) | Span::NaturalDays(_) => cal.due(Anchor::Instant(due), by),
    }
}

fn end_of_day(cal: &Calendar, day: NaiveDate) -> Option<DateTime<Utc>> {
    let time = NaiveTime::from_hms_opt(23, 59, 59)?;
    cal.timezone()
        .from_local_datetime(&day.and_time(time))
        .single()
        .map(|t| t.with_timezone(&Utc))
}

fn clamp(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}
