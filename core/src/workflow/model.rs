//! The in-memory model of a workflow file, exactly as an administrator writes it.
//!
//! Every name that can be wrong carries its position in the file (`Spanned`), so the
//! validator can point at it. The same tree serves the engine afterwards: a second,
//! "compiled" copy of the model would only be a place for the two to drift apart.
//! `docs/workflows.md` is the reference for every key declared here.

use indexmap::IndexMap;
use marked_yaml::Spanned;
use serde::{Deserialize, Serialize};

use crate::calendar::Span;

/// A name or expression together with where it was written.
pub type Name = Spanned<String>;

/// A text in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct I18n {
    /// Chinese (zh-CN), the first language of every user.
    pub zh: String,
    /// English.
    pub en: String,
}

/// One programme's workflow file (`workflows/<programme>/workflow.yaml`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// Programme id, the same as its folder name.
    pub programme: Name,
    /// The administrator's own version number of this file.
    pub version: Spanned<u32>,
    /// Display title.
    pub title: I18n,
    /// What the programme is for.
    #[serde(default)]
    pub description: Option<I18n>,
    /// The plugin that supplies this programme's forms and checks.
    #[serde(default)]
    pub plugin: Option<Name>,
    /// Roles the programme uses, with their titles.
    pub roles: IndexMap<Name, I18n>,
    /// The kinds of case the programme handles.
    pub case_types: IndexMap<Name, CaseType>,
    /// Work the programme creates by itself on a calendar.
    #[serde(default)]
    pub schedules: Vec<Schedule>,
}

/// A kind of case within a programme (a sample, a family, a building, a hazard).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CaseType {
    /// Display title.
    pub title: I18n,
    /// The case type whose cases own cases of this type (a building owns its hazards).
    #[serde(default)]
    pub parent: Option<Name>,
    /// Whether a case opened by hand must name its parent (the default). `false` where
    /// some cases stand alone: a notice from provincial sampling has no local batch.
    #[serde(default)]
    pub parent_required: Option<Spanned<bool>>,
    /// Pattern of the human case number, e.g. `CJ-{year}-{seq:6}`.
    pub number: Name,
    /// A one-line summary of a case built from its fields, e.g. `{product} · {business}`.
    #[serde(default)]
    pub summary: Option<Name>,
    /// The state a new case starts in.
    pub initial: Name,
    /// Who may open a case of this type by hand; absent means only the system
    /// (a spawn effect or a schedule) opens them.
    #[serde(default)]
    pub create: Option<CreateRule>,
    /// The case data: every field a form, guard or effect may touch.
    #[serde(default)]
    pub fields: IndexMap<Name, Field>,
    /// Who may read this type's sensitive fields unless a field says otherwise.
    #[serde(default)]
    pub readers: Option<Readers>,
    /// Deadlines that run over the whole case.
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
    /// The states, in the order they are usually passed.
    pub states: IndexMap<Name, State>,
    /// The actions that move a case between states.
    #[serde(default)]
    pub transitions: Vec<Transition>,
}

/// Who may open a case by hand, and what it must pass.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRule {
    /// Roles that may open a case.
    pub roles: Vec<Name>,
    /// The plugin form filled in to open a case.
    #[serde(default)]
    pub form: Option<Name>,
    /// Plugin checks that must pass.
    #[serde(default)]
    pub checks: Vec<Name>,
    /// A CEL condition on the submitted data.
    #[serde(default)]
    pub guard: Option<Name>,
    /// What the user is told when the guard is false, instead of the expression.
    #[serde(default)]
    pub guard_message: Option<I18n>,
}

/// A declared data field of a case type.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The kind of value.
    #[serde(rename = "type")]
    pub kind: Spanned<FieldType>,
    /// Display title.
    #[serde(default)]
    pub title: Option<I18n>,
    /// Personal data shown only to its readers and logged on every read.
    #[serde(default)]
    pub sensitive: bool,
    /// Who may read this field when it is sensitive.
    #[serde(default)]
    pub readers: Option<Readers>,
    /// The allowed values of a `select` or `multi_select` field.
    #[serde(default)]
    pub options: Vec<Name>,
    /// The columns of a `list` (one row each) or the members of an `object`.
    #[serde(default)]
    pub fields: IndexMap<Name, Field>,
}

/// The kinds of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Text of any length.
    Text,
    /// A whole number.
    Integer,
    /// A decimal number.
    Number,
    /// Yes or no.
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A moment, RFC 3339.
    Datetime,
    /// One of `options`.
    Select,
    /// Several of `options`.
    MultiSelect,
    /// A user id.
    User,
    /// An org-unit id.
    OrgUnit,
    /// A reference to an uploaded file.
    File,
    /// Rows of `fields`, such as a hazard list.
    List,
    /// A group of `fields`.
    Object,
}

impl FieldType {
    /// The name the workflow files use for this kind (`text`, `date`, …).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// Whether a deadline may count from a field of this kind.
    pub fn is_temporal(self) -> bool {
        matches!(self, FieldType::Date | FieldType::Datetime)
    }
}

/// Who may read sensitive fields.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Readers {
    /// Roles whose holders may read (at the case's unit or above).
    #[serde(default)]
    pub roles: Vec<Name>,
    /// `user` fields naming the people who may read, e.g. the family's contacts.
    /// `parent.<field>` names a field of the parent case.
    #[serde(default)]
    pub user_fields: Vec<Name>,
}

/// A state of a case type.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Display title.
    #[serde(default)]
    pub title: Option<I18n>,
    /// A final state ends the case: nothing leaves it.
    #[serde(default, rename = "final")]
    pub is_final: bool,
    /// Deadlines opened on entering this state and closed on leaving it.
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
}

/// An action that moves a case from one of several states to another.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The action's id, used in the API path.
    pub action: Name,
    /// Display title.
    #[serde(default)]
    pub title: Option<I18n>,
    /// States the action may be taken from.
    pub from: Vec<Name>,
    /// The state it leads to (may be one of `from`, for an action that records
    /// something without moving the case).
    pub to: Name,
    /// Roles that may take it; `system` marks an action only the deadline worker takes.
    pub roles: Vec<Name>,
    /// The plugin form filled in for it.
    #[serde(default)]
    pub form: Option<Name>,
    /// Plugin checks that must pass.
    #[serde(default)]
    pub checks: Vec<Name>,
    /// A CEL condition that must hold.
    #[serde(default)]
    pub guard: Option<Name>,
    /// What the user is told when the guard is false, instead of the expression.
    #[serde(default)]
    pub guard_message: Option<I18n>,
    /// Whether the actor must write a comment.
    #[serde(default)]
    pub comment_required: bool,
    /// What else happens when the action is taken.
    #[serde(default)]
    pub effects: Vec<Effect>,
}

/// Something a transition does besides changing the state.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Set fields to the values of CEL expressions.
    Set(IndexMap<Name, Name>),
    /// Open (or restart) a deadline declared with `opens: on_effect`.
    OpenDeadline(Name),
    /// Close a deadline as no longer needed.
    CloseDeadline(Name),
    /// Open child cases.
    Spawn(Spawn),
    /// Tell the holders of roles at the case's unit.
    Notify(Notify),
}

/// Child cases opened by a transition.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Spawn {
    /// The child case type (its `parent` must be this case type).
    pub case_type: Name,
    /// A `list` field: one child per row, the row bound to `item` in `data`.
    #[serde(default)]
    pub for_each: Option<Name>,
    /// Child fields set from CEL expressions.
    #[serde(default)]
    pub data: IndexMap<Name, Name>,
}

/// A notification to the holders of some roles at the case's unit, and to the users
/// some fields name.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    /// Roles to tell (their holders at the case's unit or above).
    #[serde(default)]
    pub roles: Vec<Name>,
    /// User fields whose users to tell: `field` of the case or `parent.field` (a
    /// family's own two contacts, say).
    #[serde(default)]
    pub users: Vec<Name>,
    /// What to tell them.
    pub message: I18n,
}

/// A time limit on a case.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// Id, unique within the case type.
    pub id: Name,
    /// Display title.
    #[serde(default)]
    pub title: Option<I18n>,
    /// How long: `{ hours: 24 }`, `{ natural_days: 90 }` or `{ working_days: 10 }`.
    pub within: Spanned<Span>,
    /// What the clock counts from: `created`, `entered` (the state), `opened`
    /// (the action that opened it) or `data.<date field>`.
    #[serde(default)]
    pub from: Option<Name>,
    /// When it opens: automatically, or only through an `open_deadline` effect.
    #[serde(default)]
    pub opens: Opens,
    /// A CEL condition: the deadline applies only when it holds at opening.
    #[serde(default)]
    pub when: Option<Name>,
    /// Reaching any of these states meets the deadline.
    #[serde(default)]
    pub until: Vec<Name>,
    /// Actions that pause the clock.
    #[serde(default)]
    pub suspend_on: Vec<Name>,
    /// Actions that restart a paused clock with the time that was left.
    #[serde(default)]
    pub resume_on: Vec<Name>,
    /// Actions that add time.
    #[serde(default)]
    pub extend_on: Vec<Extension>,
    /// What happens when the deadline passes (the case is always marked overdue).
    #[serde(default)]
    pub on_breach: Option<Breach>,
}

/// When a deadline opens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Opens {
    /// A case-level deadline opens at creation; a state-level one on entering the state.
    #[default]
    Auto,
    /// Only an `open_deadline` effect opens it.
    OnEffect,
}

/// An action that extends a deadline.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// The action.
    pub action: Name,
    /// By how much.
    pub by: Spanned<Span>,
}

/// Escalation when a deadline passes.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Breach {
    /// Roles to tell.
    #[serde(default)]
    pub notify: Vec<Name>,
    /// An action (with role `system`) the worker takes automatically.
    #[serde(default)]
    pub transition: Option<Name>,
}

/// Recurring work a programme creates by itself.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Id, unique within the programme.
    pub id: Name,
    /// Display title.
    #[serde(default)]
    pub title: Option<I18n>,
    /// The case type created.
    pub case_type: Name,
    /// When each occurrence is due.
    pub every: Spanned<Recurrence>,
    /// How long before the due date the case is created.
    pub create_before: Spanned<Span>,
    /// Who gets a case: each org unit of a kind, or each open case of a type.
    pub target: Target,
    /// The date field that receives the occurrence's due date.
    #[serde(default = "default_due_field")]
    pub due_field: Name,
    /// Further fields set from CEL expressions (`period`, `due`, `parent`).
    #[serde(default)]
    pub data: IndexMap<Name, Name>,
}

fn default_due_field() -> Name {
    Spanned::new(marked_yaml::Span::new_blank(), "due_on".to_owned())
}

/// How often a schedule recurs. Every occurrence is due by the end of its day.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    /// Each month (or each of `months`) by `day`.
    Monthly {
        /// Day of the month.
        day: u32,
        /// Restrict to these months (1-12); empty means every month.
        #[serde(default)]
        months: Vec<u32>,
    },
    /// Each quarter by `day` of its `month`-th month (1 = the quarter's first).
    Quarterly {
        /// Day of the month.
        day: u32,
        /// Month within the quarter, 1-3.
        #[serde(default = "one")]
        month: u32,
    },
    /// Each year on a date.
    Yearly {
        /// Month, 1-12.
        month: u32,
        /// Day of the month.
        day: u32,
    },
    /// Each year, `days` before a festival of the calendar data.
    BeforeFestival {
        /// Festival key, e.g. `spring-festival`, `mid-autumn`.
        festival: String,
        /// Days before the festival day.
        days: u32,
    },
}

fn one() -> u32 {
    1
}

/// Who receives a scheduled case.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// One case for each org unit of this kind.
    UnitKind(Name),
    /// One child case for each case of a type in some states.
    Cases(CaseTarget),
}

/// Target every open case of a type.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CaseTarget {
    /// The parent case type.
    pub case_type: Name,
    /// The states a parent must be in; empty means any non-final state.
    #[serde(default)]
    pub states: Vec<Name>,
}

impl Programme {
    /// The case type with this id.
    pub fn case_type(&self, id: &str) -> Option<&CaseType> {
        self.case_types.get(id)
    }
}

impl CaseType {
    /// Whether a case of this type cannot be opened without its parent case.
    pub fn requires_parent(&self) -> bool {
        self.parent.is_some() && self.parent_required.as_ref().is_none_or(|r| **r)
    }

    /// Every deadline of this case type: case-level ones, then each state's, with
    /// the state that owns it.
    pub fn all_deadlines(&self) -> impl Iterator<Item = (Option<&str>, &Deadline)> {
        let case_level = self.deadlines.iter().map(|d| (None, d));
        let state_level = self
            .states
            .iter()
            .flat_map(|(name, s)| s.deadlines.iter().map(move |d| (Some(name.as_str()), d)));
        case_level.chain(state_level)
    }

    /// The deadline with this id, with the state that owns it.
    pub fn deadline(&self, id: &str) -> Option<(Option<&str>, &Deadline)> {
        self.all_deadlines().find(|(_, d)| d.id.as_str() == id)
    }

    /// Whether `state` is declared final.
    pub fn is_final(&self, state: &str) -> bool {
        self.states.get(state).is_some_and(|s| s.is_final)
    }

    /// The transitions for `action` (one per group of from-states).
    pub fn transitions_for<'a>(&'a self, action: &'a str) -> impl Iterator<Item = &'a Transition> {
        self.transitions
            .iter()
            .filter(move |t| t.action.as_str() == action)
    }

    /// The title of a state, falling back to its id.
    pub fn state_title(&self, state: &str) -> I18n {
        self.states
            .get(state)
            .and_then(|s| s.title.clone())
            .unwrap_or_else(|| I18n {
                zh: state.to_owned(),
                en: state.to_owned(),
            })
    }
}
