//! The form language: declarative form definitions a plugin returns from
//! [`Plugin::form`](crate::Plugin::form), as JSON the server and the UI both read.
//!
//! A [`FormDef`] is a list of [`Field`]s. Each field has an `id` (its key in the case
//! data), a `type` ([`FieldKind`]) with the type's own constraints, zh/en labels and
//! help, and the generic flags `required`, `sensitive`, `default` and `visible_when`
//! (a [`Condition`] on another field). A `group` is a repeating group of fields: its value
//! is an array of objects, one per row (a hazard list, a sample table). An `object` is a
//! group of fields filled in once: its value is one object (a sampling record).
//!
//! The server validates submitted data against every generic constraint before it calls
//! a check ([`validate`], with the `validate` feature), so a plugin never re-checks
//! "required" or "is a date". The full reference with JSON examples is in
//! `docs/plugins.md`.
//!
//! # Layout
//! - this file: the types and their builders;
//! - `lint`: mistakes in a definition itself (duplicate ids, bad patterns, ...);
//! - `validate` (feature `validate`): submitted data against a definition.

mod lint;
#[cfg(feature = "validate")]
mod validate;

pub use lint::lint;
#[cfg(feature = "validate")]
pub use validate::validate;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Text in Chinese and English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Text from its two languages.
    pub fn new(zh: &str, en: &str) -> Self {
        Self {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// A form: what a user fills in for an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormDef {
    /// Form id, as named in workflow files.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Help shown above the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// Fields, in display order.
    pub fields: Vec<Field>,
}

impl FormDef {
    /// An empty form.
    pub fn new(id: &str, title_zh: &str, title_en: &str) -> Self {
        Self {
            id: id.into(),
            title: Text::new(title_zh, title_en),
            help: None,
            fields: Vec::new(),
        }
    }

    /// Adds a field.
    pub fn field(mut self, field: Field) -> Self {
        self.fields.push(field);
        self
    }

    /// Sets the form's help text.
    pub fn help(mut self, zh: &str, en: &str) -> Self {
        self.help = Some(Text::new(zh, en));
        self
    }
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Key in the case data (within a group: key in each row; within an object: key in
    /// the object).
    pub id: String,
    /// Type and type-specific constraints, as `"type": "..."` plus the type's keys.
    #[serde(flatten)]
    pub kind: FieldKind,
    /// Label.
    pub label: Text,
    /// Help shown next to the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// Must be filled in (when visible).
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Personal data: masked for roles the workflow does not allow to read it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
    /// Shown (and validated) only when this condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<Condition>,
    /// Value the form starts with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A field's type with the constraints that belong to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum FieldKind {
    /// One line of text.
    Text {
        /// Fewest characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_length: Option<u32>,
        /// Most characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
        /// Regular expression the whole value must match (Rust `regex` syntax).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pattern: Option<String>,
    },
    /// Several lines of text.
    LongText {
        /// Fewest characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_length: Option<u32>,
        /// Most characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
    /// A decimal number, optionally with a unit.
    Number {
        /// Unit shown after the value, e.g. 千克 / kg.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
        /// Smallest value allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Largest value allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// A whole number, optionally with a unit.
    Integer {
        /// Unit shown after the value, e.g. 批次 / batches.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
        /// Smallest value allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// Largest value allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// A calendar date, `YYYY-MM-DD`.
    Date {
        /// Earliest date allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<String>,
        /// Latest date allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<String>,
    },
    /// A date and time, RFC 3339 with offset.
    Datetime,
    /// Yes or no.
    Boolean,
    /// One of a list of options.
    Select {
        /// The options.
        options: Vec<Choice>,
    },
    /// Any number of a list of options; the value is an array of option values.
    MultiSelect {
        /// The options.
        options: Vec<Choice>,
        /// Fewest options chosen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_items: Option<u32>,
        /// Most options chosen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_items: Option<u32>,
    },
    /// An org unit id from the server's org-unit tree.
    OrgUnit,
    /// A user id; `role`, if given, limits the choice to holders of that role.
    User {
        /// Role the chosen user must hold.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    /// A reference (id) of a file uploaded to the server.
    File {
        /// Accepted media types, e.g. `application/pdf`; empty accepts any.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        accept: Vec<String>,
    },
    /// A repeating group: the value is an array of rows, each an object of these fields.
    Group {
        /// Fields of each row.
        fields: Vec<Field>,
        /// Fewest rows.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_items: Option<u32>,
        /// Most rows.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_items: Option<u32>,
    },
    /// A group of named fields filled in once (not repeating): the value is one object
    /// whose keys are these fields' ids (a sampling record, an insurance policy).
    ///
    /// A `required` object must be present (not missing, `null`, or with every member
    /// blank); its own `required` members are required whenever it is present. Members
    /// take `required`, `visible_when` (a member of the same object first, then a
    /// top-level field), `sensitive` and `default`; the object's `default`, if any, is an
    /// object of member values and wins over the members' own defaults.
    Object {
        /// The object's members, in display order.
        fields: Vec<Field>,
    },
}

/// An option of a select or multi-select field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// The value stored in the case data.
    pub value: String,
    /// What the user sees.
    pub label: Text,
}

impl Choice {
    /// An option.
    pub fn new(value: &str, zh: &str, en: &str) -> Self {
        Self {
            value: value.into(),
            label: Text::new(zh, en),
        }
    }
}

/// A visibility condition on another field: `{"field": "high_risk", "equals": true}`,
/// `{"field": "result", "in": ["fail", "retest"]}` or `{"field": "x", "not_equals": 0}`.
///
/// `field` names a sibling field: within a group row or an object, a field of the same
/// row or object first, then a top-level field. The condition reads the submitted value;
/// a missing value is `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// The field whose value decides.
    pub field: String,
    /// The test applied to it.
    #[serde(flatten)]
    pub test: Test,
}

/// The test of a [`Condition`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    /// The value equals this one.
    Equals(Value),
    /// The value differs from this one.
    NotEquals(Value),
    /// The value is one of these (for a multi-select: any chosen value is).
    In(Vec<Value>),
}

impl Condition {
    /// `field` equals `value`.
    pub fn equals(field: &str, value: impl Into<Value>) -> Self {
        Self {
            field: field.into(),
            test: Test::Equals(value.into()),
        }
    }

    /// `field` differs from `value`.
    pub fn not_equals(field: &str, value: impl Into<Value>) -> Self {
        Self {
            field: field.into(),
            test: Test::NotEquals(value.into()),
        }
    }

    /// `field` is one of `values`.
    pub fn one_of(field: &str, values: Vec<Value>) -> Self {
        Self {
            field: field.into(),
            test: Test::In(values),
        }
    }

    /// Evaluates the condition against the value of its field (`None` when missing).
    pub fn holds(&self, value: Option<&Value>) -> bool {
        let v = value.unwrap_or(&Value::Null);
        match &self.test {
            Test::Equals(x) => v == x,
            Test::NotEquals(x) => v != x,
            Test::In(xs) => match v {
                Value::Array(items) => items.iter().any(|i| xs.contains(i)),
                other => xs.contains(other),
            },
        }
    }
}

mod builders;
