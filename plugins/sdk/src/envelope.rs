//! [`Envelope`]: what the host tells a plugin about a call.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The typed context of a call: which case, which action, who acts, and the host's clock.
///
/// Case and form data are not part of it; they travel as JSON next to it. In JSON (for
/// `anjuan plugin run --envelope env.json`) every field is optional and defaults to empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Envelope {
    /// Case id (UUID); empty before the case exists.
    pub case_id: String,
    /// Programme id, e.g. `sampling-disposal`.
    pub programme: String,
    /// Case type, e.g. `nonconforming-sample`.
    pub case_type: String,
    /// Human case number, e.g. `CJ-2026-000123`; empty before the case exists.
    pub case_number: String,
    /// The parent case's id (a batch's sampling plan, a hazard's building), if any.
    pub parent_id: Option<String>,
    /// Current state; empty before the case exists.
    pub state: String,
    /// The action being taken, when there is one.
    pub action: Option<String>,
    /// The acting user's id.
    pub actor_id: String,
    /// The acting user's roles that apply to this case.
    pub actor_roles: Vec<String>,
    /// The org unit the case belongs to.
    pub org_unit: String,
    /// The host's clock as RFC 3339 with offset; plugins have no clock of their own.
    pub now: String,
    /// The deployment's time zone, an IANA name such as `Asia/Shanghai`. Empty from a
    /// host older than interface 0.2.0.
    pub time_zone: String,
    /// `now` in [`time_zone`](Self::time_zone): RFC 3339 with that zone's offset, e.g.
    /// `2026-10-01T07:30:00+08:00`; its date is the deployment's today. Empty from a
    /// host older than interface 0.2.0 (the host fills it in from `now` and `time_zone`
    /// when a caller leaves it empty).
    pub local_now: String,
    /// The user's locale, e.g. `zh-CN`.
    pub locale: String,
}

impl Envelope {
    /// An envelope for tests: the given programme and case type, actor `tester` with role
    /// `inspector`, `now` = `local_now` = 2026-10-01T10:00:00+08:00 in `Asia/Shanghai`,
    /// locale `zh-CN`.
    pub fn for_test(programme: &str, case_type: &str) -> Self {
        Self {
            case_id: "0190f5d2-0000-7000-8000-000000000001".into(),
            programme: programme.into(),
            case_type: case_type.into(),
            case_number: "CJ-2026-000001".into(),
            parent_id: None,
            state: String::new(),
            action: None,
            actor_id: "tester".into(),
            actor_roles: vec!["inspector".into()],
            org_unit: "county".into(),
            now: "2026-10-01T10:00:00+08:00".into(),
            time_zone: "Asia/Shanghai".into(),
            local_now: "2026-10-01T10:00:00+08:00".into(),
            locale: "zh-CN".into(),
        }
    }

    /// The same envelope with `action` set.
    pub fn with_action(mut self, action: &str) -> Self {
        self.action = Some(action.into());
        self
    }

    /// The same envelope with `parent_id` set.
    pub fn with_parent(mut self, parent_id: &str) -> Self {
        self.parent_id = Some(parent_id.into());
        self
    }

    /// The same envelope with `state` set.
    pub fn with_state(mut self, state: &str) -> Self {
        self.state = state.into();
        self
    }

    /// `now` parsed, or `None` when it is not RFC 3339.
    pub fn now(&self) -> Option<DateTime<FixedOffset>> {
        DateTime::parse_from_rfc3339(&self.now).ok()
    }

    /// `local_now` parsed, or `None` when it is empty or not RFC 3339.
    pub fn local_now(&self) -> Option<DateTime<FixedOffset>> {
        DateTime::parse_from_rfc3339(&self.local_now).ok()
    }

    /// The same envelope at another instant, given as RFC 3339: `now` is set and
    /// `local_now` cleared, for the host to fill in from `now` in `time_zone`.
    pub fn at(mut self, now: &str) -> Self {
        self.now = now.into();
        self.local_now.clear();
        self
    }

    /// Whether the actor holds `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.actor_roles.iter().any(|r| r == role)
    }

    /// True when the locale is English (`en`, `en-US`, ...); Chinese otherwise.
    pub fn is_english(&self) -> bool {
        self.locale == "en" || self.locale.starts_with("en-")
    }
}
