//! Builders for [`Field`]: `Field::text("name", "名称", "Name").required()`.

use super::{Choice, Condition, Field, FieldKind, Text};
use serde_json::Value;

impl Field {
    /// A field of any kind.
    pub fn new(id: &str, kind: FieldKind, label_zh: &str, label_en: &str) -> Self {
        Self {
            id: id.into(),
            kind,
            label: Text::new(label_zh, label_en),
            help: None,
            required: false,
            sensitive: false,
            visible_when: None,
            default: None,
        }
    }

    /// One line of text.
    pub fn text(id: &str, zh: &str, en: &str) -> Self {
        let kind = FieldKind::Text {
            min_length: None,
            max_length: None,
            pattern: None,
        };
        Self::new(id, kind, zh, en)
    }

    /// Several lines of text.
    pub fn long_text(id: &str, zh: &str, en: &str) -> Self {
        Self::new(
            id,
            FieldKind::LongText {
                min_length: None,
                max_length: None,
            },
            zh,
            en,
        )
    }

    /// A decimal number.
    pub fn number(id: &str, zh: &str, en: &str) -> Self {
        Self::new(
            id,
            FieldKind::Number {
                unit: None,
                min: None,
                max: None,
            },
            zh,
            en,
        )
    }

    /// A whole number.
    pub fn integer(id: &str, zh: &str, en: &str) -> Self {
        Self::new(
            id,
            FieldKind::Integer {
                unit: None,
                min: None,
                max: None,
            },
            zh,
            en,
        )
    }

    /// A date.
    pub fn date(id: &str, zh: &str, en: &str) -> Self {
        Self::new(
            id,
            FieldKind::Date {
                min: None,
                max: None,
            },
            zh,
            en,
        )
    }

    /// A date and time.
    pub fn datetime(id: &str, zh: &str, en: &str) -> Self {
        Self::new(id, FieldKind::Datetime, zh, en)
    }

    /// Yes or no.
    pub fn boolean(id: &str, zh: &str, en: &str) -> Self {
        Self::new(id, FieldKind::Boolean, zh, en)
    }

    /// One of `options`.
    pub fn select(id: &str, zh: &str, en: &str, options: Vec<Choice>) -> Self {
        Self::new(id, FieldKind::Select { options }, zh, en)
    }

    /// Any number of `options`.
    pub fn multi_select(id: &str, zh: &str, en: &str, options: Vec<Choice>) -> Self {
        let kind = FieldKind::MultiSelect {
            options,
            min_items: None,
            max_items: None,
        };
        Self::new(id, kind, zh, en)
    }

    /// An org unit.
    pub fn org_unit(id: &str, zh: &str, en: &str) -> Self {
        Self::new(id, FieldKind::OrgUnit, zh, en)
    }

    /// A user.
    pub fn user(id: &str, zh: &str, en: &str) -> Self {
        Self::new(id, FieldKind::User { role: None }, zh, en)
    }

    /// A file reference.
    pub fn file(id: &str, zh: &str, en: &str) -> Self {
        Self::new(id, FieldKind::File { accept: Vec::new() }, zh, en)
    }

    /// A repeating group of `fields`.
    pub fn group(id: &str, zh: &str, en: &str, fields: Vec<Field>) -> Self {
        let kind = FieldKind::Group {
            fields,
            min_items: None,
            max_items: None,
        };
        Self::new(id, kind, zh, en)
    }

    /// A group of `fields` filled in once: the value is one object with these members.
    pub fn object(id: &str, zh: &str, en: &str, fields: Vec<Field>) -> Self {
        Self::new(id, FieldKind::Object { fields }, zh, en)
    }

    /// Must be filled in when visible.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Personal data.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Help text.
    pub fn help(mut self, zh: &str, en: &str) -> Self {
        self.help = Some(Text::new(zh, en));
        self
    }

    /// Shown only when `condition` holds.
    pub fn visible_when(mut self, condition: Condition) -> Self {
        self.visible_when = Some(condition);
        self
    }

    /// Initial value.
    pub fn default_value(mut self, value: impl Into<Value>) -> Self {
        self.default = Some(value.into());
        self
    }

    /// Bounds for a number or integer field (integers round toward zero); ignored on
    /// other kinds.
    pub fn range(mut self, lo: Option<f64>, hi: Option<f64>) -> Self {
        match &mut self.kind {
            FieldKind::Number { min, max, .. } => (*min, *max) = (lo, hi),
            // Truncation is the documented behaviour for integer bounds.
            #[allow(clippy::cast_possible_truncation)]
            FieldKind::Integer { min, max, .. } => {
                (*min, *max) = (lo.map(|v| v as i64), hi.map(|v| v as i64));
            }
            _ => {}
        }
        self
    }

    /// Unit of a number or integer field.
    pub fn unit(mut self, zh: &str, en: &str) -> Self {
        if let FieldKind::Number { unit, .. } | FieldKind::Integer { unit, .. } = &mut self.kind {
            *unit = Some(Text::new(zh, en));
        }
        self
    }

    /// Length bounds of a text field.
    pub fn length(mut self, lo: Option<u32>, hi: Option<u32>) -> Self {
        if let FieldKind::Text {
            min_length,
            max_length,
            ..
        }
        | FieldKind::LongText {
            min_length,
            max_length,
        } = &mut self.kind
        {
            (*min_length, *max_length) = (lo, hi);
        }
        self
    }

    /// Pattern of a text field.
    pub fn pattern(mut self, regex: &str) -> Self {
        if let FieldKind::Text { pattern, .. } = &mut self.kind {
            *pattern = Some(regex.into());
        }
        self
    }

    /// Bounds on the number of rows of a group or chosen options of a multi-select.
    pub fn items(mut self, lo: Option<u32>, hi: Option<u32>) -> Self {
        if let FieldKind::Group {
            min_items,
            max_items,
            ..
        }
        | FieldKind::MultiSelect {
            min_items,
            max_items,
            ..
        } = &mut self.kind
        {
            (*min_items, *max_items) = (lo, hi);
        }
        self
    }

    /// Date bounds (`YYYY-MM-DD`) of a date field.
    pub fn date_range(mut self, lo: Option<&str>, hi: Option<&str>) -> Self {
        if let FieldKind::Date { min, max } = &mut self.kind {
            (*min, *max) = (lo.map(Into::into), hi.map(Into::into));
        }
        self
    }
}
