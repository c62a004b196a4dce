//! The [`Plugin`] trait and what travels with a call.

use crate::{Envelope, Finding, FormDef, Host};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A programme plugin: forms, checks and derivations for one programme.
///
/// Every method is an associated function: a component instance lives for one call only,
/// so there is no state to keep between calls.
pub trait Plugin {
    /// Who the plugin is and what it provides. The host reads it once at load time and
    /// compares it with the manifest.
    fn describe() -> Description;

    /// The definition of form `form_id`, in the [form language](crate::form).
    fn form(ctx: &Context<'_>, form_id: &str) -> Result<FormDef, CallError>;

    /// Runs check `check_id`. `input` holds only the fields the manifest says the check
    /// reads (everything else is absent). Generic constraints of the form (required,
    /// types, lengths, options, ...) were validated by the server before this call.
    fn check(ctx: &Context<'_>, check_id: &str, input: &Value) -> Result<Vec<Finding>, CallError>;

    /// Computed fields as a JSON object keyed like the case data. The default derives
    /// nothing.
    fn derive(_ctx: &Context<'_>, _data: &Value) -> Result<Value, CallError> {
        Ok(Value::Object(serde_json::Map::new()))
    }
}

/// What a plugin provides; returned by [`Plugin::describe`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Description {
    /// Plugin id: the manifest's `id` and the file name (`<id>.wasm`).
    pub id: String,
    /// The plugin's semver version; the manifest's `version`.
    pub version: String,
    /// Filled in by the export glue; leave it empty.
    #[serde(default)]
    pub interface_version: String,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// Forms the plugin defines.
    pub forms: Vec<Item>,
    /// Checks the plugin runs.
    pub checks: Vec<Item>,
    /// JSON Pointers of the fields `derive` computes.
    pub derived_fields: Vec<String>,
}

/// A form, check or derivation, with its titles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Id, used in workflow files.
    pub id: String,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
}

impl Item {
    /// An item with its titles.
    pub fn new(id: &str, title_zh: &str, title_en: &str) -> Self {
        Self {
            id: id.into(),
            title_zh: title_zh.into(),
            title_en: title_en.into(),
        }
    }
}

/// Why a plugin did not answer (as opposed to answering with findings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "message")]
pub enum CallError {
    /// The form or check id is not one this plugin provides.
    UnknownId(String),
    /// The input could not be understood.
    BadInput(String),
    /// Anything else.
    Failed(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownId(id) => write!(f, "unknown id `{id}`"),
            Self::BadInput(m) => write!(f, "bad input: {m}"),
            Self::Failed(m) => write!(f, "failed: {m}"),
        }
    }
}

impl std::error::Error for CallError {}

/// The call's envelope and the host services, handed to every [`Plugin`] method.
pub struct Context<'a> {
    envelope: &'a Envelope,
    host: &'a dyn Host,
}

impl<'a> Context<'a> {
    /// A context; in tests, pass a [`FakeHost`](crate::FakeHost).
    pub fn new(envelope: &'a Envelope, host: &'a dyn Host) -> Self {
        Self { envelope, host }
    }

    /// The call's envelope.
    pub fn envelope(&self) -> &Envelope {
        self.envelope
    }

    /// The host services.
    pub fn host(&self) -> &dyn Host {
        self.host
    }

    /// Runs a count query declared in the manifest; `params` must be a JSON object with
    /// exactly the declared parameters.
    pub fn count(&self, query: &str, params: &Value) -> Result<u64, CallError> {
        self.host.count(query, params).map_err(CallError::Failed)
    }

    /// `date` plus `days` working days, by the server's calendar.
    pub fn add_working_days(&self, date: NaiveDate, days: u32) -> Result<NaiveDate, CallError> {
        self.host
            .add_working_days(date, days)
            .map_err(CallError::Failed)
    }

    /// Working days in (`start`, `end`], negative when `end` is before `start`.
    pub fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> Result<i64, CallError> {
        self.host
            .working_days_between(start, end)
            .map_err(CallError::Failed)
    }
}
