//! The pure state machine: (definition, case, action, actor, data, now) → decision.
//!
//! Nothing here touches a database, the network or wasmtime. Plugin checks are
//! reached through the [`PluginChecks`] trait, which the server implements with the
//! wasm plugin host and tests implement with plain closures.
//!
//! # Layout
//! - this file: the inputs and outputs of a decision;
//! - `decide`: taking an action, opening a case;
//! - `data`: checking submitted data against the declared fields;
//! - `deadlines`: opening, meeting, pausing and extending deadlines;
//! - [`actions`]: which actions an actor may take now;
//! - [`migration`]: where a running case goes on a new definition version;
//! - [`privacy`]: masking sensitive fields;
//! - [`schedule`]: when recurring work falls due.

pub mod actions;
mod data;
mod deadlines;
mod decide;
pub mod migration;
pub mod privacy;
pub mod schedule;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::calendar::Span;
use crate::workflow::model::I18n;

pub use actions::{AvailableAction, available_actions};
pub use data::check_input;
pub use deadlines::{Remaining, breach, title as deadline_title};
pub use decide::{NewCase, create, decide};

/// A case as the engine sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseSnapshot {
    /// Case id.
    pub id: String,
    /// Human case number.
    pub number: String,
    /// Case type id.
    pub case_type: String,
    /// Current state.
    pub state: String,
    /// Case data (a JSON object).
    pub data: Value,
    /// Owning org unit id.
    pub org_unit: String,
    /// When the case was opened.
    pub created_at: DateTime<Utc>,
    /// When it entered its current state.
    pub state_entered_at: DateTime<Utc>,
    /// Deadlines not yet closed.
    pub deadlines: Vec<OpenDeadline>,
    /// The parent case's data, when the case has a parent.
    pub parent: Option<Value>,
    /// The parent case's id.
    #[serde(default)]
    pub parent_id: Option<String>,
}

/// A deadline that is running, paused or overdue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenDeadline {
    /// Deadline id from the definition.
    pub id: String,
    /// When it is (or, while paused, was) due.
    pub due: DateTime<Utc>,
    /// How long it was given.
    pub span: Span,
    /// When it opened.
    pub opened_at: DateTime<Utc>,
    /// Set while the clock is paused: the time that was left.
    pub paused: Option<Remaining>,
    /// Whether it has already passed (it stays open until met).
    pub breached: bool,
}

/// Who acts, with the roles they hold at the case's org unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// User id (`system` for the deadline worker).
    pub id: String,
    /// Roles effective at the case's unit.
    pub roles: BTreeSet<String>,
}

impl Actor {
    /// The deadline worker.
    pub fn system() -> Actor {
        Actor {
            id: crate::workflow::SYSTEM_ROLE.to_owned(),
            roles: BTreeSet::from([crate::workflow::SYSTEM_ROLE.to_owned()]),
        }
    }

    /// Whether the actor holds one of `roles`.
    pub fn holds_any<'a>(&self, roles: impl IntoIterator<Item = &'a str>) -> bool {
        roles.into_iter().any(|r| self.roles.contains(r))
    }
}

/// An action someone asks to take.
#[derive(Debug, Clone, Copy)]
pub struct ActionRequest<'a> {
    /// Action id.
    pub action: &'a str,
    /// Submitted data (a JSON object of case fields).
    pub input: &'a Value,
    /// The actor's comment.
    pub comment: Option<&'a str>,
    /// Who acts.
    pub actor: &'a Actor,
    /// Now.
    pub now: DateTime<Utc>,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// The action is taken; the outcome says what changes.
    Accepted(Box<Outcome>),
    /// The action is refused, for these reasons.
    Refused {
        /// Every reason found.
        reasons: Vec<Refusal>,
    },
}

/// Everything an accepted action changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Action id (`create` when a case is opened).
    pub action: String,
    /// The state before (none when a case is opened).
    pub from: Option<String>,
    /// The state after.
    pub to: String,
    /// The case data after.
    pub data: Value,
    /// Fields that changed.
    pub changes: Vec<Change>,
    /// Deadlines opened, met, paused, resumed, extended or dropped.
    pub deadlines: Vec<DeadlineChange>,
    /// Child cases to open.
    pub children: Vec<ChildCase>,
    /// Notifications to send.
    pub notifications: Vec<Notification>,
    /// The plugin checks that passed, and which plugin build ran them.
    pub checks: Vec<CheckRecord>,
    /// Warnings that did not stop the action.
    pub warnings: Vec<Finding>,
    /// When the actor says they took the action in the field, if it was captured
    /// without a network and sent later. Recorded in the event; deadlines run from
    /// the server's time (see docs/workflows.md, "Field time").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taken_at: Option<DateTime<Utc>>,
}

/// One field's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Field name.
    pub field: String,
    /// Value before (`null` when unset).
    pub before: Value,
    /// Value after.
    pub after: Value,
}

/// What happens to a deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum DeadlineChange {
    /// A deadline starts running.
    Opened {
        /// Deadline id.
        id: String,
        /// When it is due.
        due: DateTime<Utc>,
        /// How long it was given.
        span: Span,
    },
    /// The case reached a state that meets it.
    Met {
        /// Deadline id.
        id: String,
        /// Whether it was met after it was due.
        late: bool,
    },
    /// It no longer applies (the case left its state, ended, or an action closed it).
    Dropped {
        /// Deadline id.
        id: String,
    },
    /// Its clock pauses.
    Paused {
        /// Deadline id.
        id: String,
        /// Time left at the pause.
        remaining: Remaining,
    },
    /// Its clock runs again.
    Resumed {
        /// Deadline id.
        id: String,
        /// The new due time.
        due: DateTime<Utc>,
    },
    /// It gets more time.
    Extended {
        /// Deadline id.
        id: String,
        /// By how much.
        by: Span,
        /// The new due time.
        due: DateTime<Utc>,
    },
}

/// A child case to open.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildCase {
    /// Its case type.
    pub case_type: String,
    /// Its initial data.
    pub data: Value,
}

/// A message for the holders of some roles at the case's unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// Roles to tell.
    pub roles: Vec<String>,
    /// Users to tell by id (named by the case's or its parent's user fields).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// The message.
    pub message: I18n,
}

/// A plugin check that ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckRecord {
    /// Check id.
    pub check: String,
    /// The plugin build that ran it.
    pub plugin: Option<Provenance>,
}

/// Which plugin build answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Plugin id.
    pub id: String,
    /// Plugin version.
    pub version: String,
    /// SHA-256 of the plugin file.
    pub sha256: String,
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    /// Machine-readable reason.
    pub code: String,
    /// The field concerned, as a JSON Pointer into the case data.
    pub field: Option<String>,
    /// The reason in words.
    pub message: I18n,
}

impl Refusal {
    pub(crate) fn new(code: &str, field: Option<String>, zh: String, en: String) -> Refusal {
        Refusal {
            code: code.to_owned(),
            field,
            message: I18n { zh, en },
        }
    }
}

/// Severity of a plugin finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Refuses the action.
    Error,
    /// Shown, but the action goes ahead.
    Warning,
}

/// One finding of a plugin check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// JSON Pointer into the case data.
    pub field: String,
    /// Machine-readable code.
    pub code: String,
    /// The finding in words.
    pub message: I18n,
    /// Whether it refuses the action.
    pub severity: Severity,
}

/// What a check is asked.
#[derive(Debug, Clone, Copy)]
pub struct CheckRequest<'a> {
    /// Programme id.
    pub programme: &'a str,
    /// Plugin id declared by the programme.
    pub plugin: &'a str,
    /// Check id.
    pub check: &'a str,
    /// Case type.
    pub case_type: &'a str,
    /// The case, unless it is being opened.
    pub case: Option<&'a CaseSnapshot>,
    /// The parent case's id (a batch's plan, a hazard's building), if any.
    pub parent_id: Option<&'a str>,
    /// The action (`create` when opening).
    pub action: &'a str,
    /// The state the action leads to.
    pub to: &'a str,
    /// Who acts.
    pub actor: &'a Actor,
    /// The case data as it would be after the action.
    pub data: &'a Value,
    /// Now.
    pub now: DateTime<Utc>,
}

/// A check's answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckResult {
    /// Findings; none means the check passed.
    pub findings: Vec<Finding>,
    /// Which plugin build ran it.
    pub provenance: Option<Provenance>,
}

/// A plugin that could not answer (trapped, ran out of time or memory, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plugin `{plugin}` failed in `{check}`: {reason}")]
pub struct PluginFailure {
    /// Plugin id.
    pub plugin: String,
    /// Check id (`derive` when computing derived fields).
    pub check: String,
    /// What went wrong.
    pub reason: String,
    /// Whether the failure stops the action (else it passes with a warning).
    pub blocking: bool,
}

/// Runs plugin checks. The server's implementation calls the wasm host.
pub trait PluginChecks {
    /// Run one check.
    fn check(&self, request: &CheckRequest<'_>) -> Result<CheckResult, PluginFailure>;
}

/// For definitions without checks, and for tests: every check passes.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoChecks;

impl PluginChecks for NoChecks {
    fn check(&self, _: &CheckRequest<'_>) -> Result<CheckResult, PluginFailure> {
        Ok(CheckResult::default())
    }
}

impl<F> PluginChecks for F
where
    F: Fn(&CheckRequest<'_>) -> Result<CheckResult, PluginFailure>,
{
    fn check(&self, request: &CheckRequest<'_>) -> Result<CheckResult, PluginFailure> {
        self(request)
    }
}

/// What the engine cannot decide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The case's type is not in the definition it runs on.
    #[error("case type `{0}` is not in the definition")]
    UnknownCaseType(String),
    /// The case is in a state the definition does not declare.
    #[error("state `{0}` is not in the definition")]
    UnknownState(String),
    /// A blocking plugin failure.
    #[error(transparent)]
    Plugin(#[from] PluginFailure),
}

#[cfg(test)]
mod tests;
