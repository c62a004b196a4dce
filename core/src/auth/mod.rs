//! Who is calling: sessions (cookie + CSRF), API tokens, passwords, the login rate
//! limit, and the role grants that decide what a caller may see and do.
//!
//! A role held at an org unit reaches that unit's whole subtree: org units carry a
//! materialised `path` (`/city/county/township/`), so "reaches" is a prefix test.

pub mod cache;
pub mod extract;
pub mod limiter;
pub mod password;
pub mod session;
pub mod token;

use std::collections::BTreeSet;

use serde::Serialize;

/// A role a user holds at an org unit, for one programme or `*` for all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// Programme id, or `*`.
    pub programme: String,
    /// Role id from the programme's definition.
    pub role: String,
    /// The org unit.
    pub org_unit: String,
    /// Its path, e.g. `/qingcheng/xian/`.
    pub org_path: String,
}

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session; writes need its CSRF token.
    Session {
        /// The session row id.
        id: String,
        /// The CSRF token of the session.
        csrf: String,
    },
    /// An API token.
    Token,
    /// The server itself (the deadline worker, the demo seed).
    System,
}

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// User id.
    pub id: String,
    /// Login name.
    pub username: String,
    /// Name to show.
    pub display_name: String,
    /// Administrators manage users, org units, tokens and programmes.
    pub is_admin: bool,
    /// Preferred language, `zh-CN` or `en`.
    pub locale: String,
    /// Role grants.
    pub grants: Vec<Grant>,
    /// How the caller signed in.
    pub via: Via,
}

impl Caller {
    /// The roles the caller holds for `programme` at a unit with path `org_path`
    /// (grants at that unit or any unit above it).
    pub fn roles_at(&self, programme: &str, org_path: &str) -> BTreeSet<String> {
        self.grants
            .iter()
            .filter(|g| g.programme == "*" || g.programme == programme)
            .filter(|g| org_path.starts_with(&g.org_path))
            .map(|g| g.role.clone())
            .collect()
    }

    /// Whether the caller may read cases of `programme` at `org_path`: any role
    /// there, or an administrator.
    pub fn can_read(&self, programme: &str, org_path: &str) -> bool {
        self.is_admin || !self.roles_at(programme, org_path).is_empty()
    }

    /// The org paths under which the caller may read `programme`'s cases (for list
    /// filters); `None` means everywhere (an administrator).
    pub fn reach(&self, programme: Option<&str>) -> Option<Vec<String>> {
        if self.is_admin {
            return None;
        }
        let mut paths: Vec<String> = self
            .grants
            .iter()
            .filter(|g| programme.is_none_or(|p| g.programme == "*" || g.programme == p))
            .map(|g| g.org_path.clone())
            .collect();
        paths.sort();
        paths.dedup();
        Some(paths)
    }

    /// The deadline worker and other work the server does by itself.
    pub fn system() -> Caller {
        Caller {
            id: "system".into(),
            username: "system".into(),
            display_name: "系统 System".into(),
            is_admin: true,
            locale: "zh-CN".into(),
            grants: Vec::new(),
            via: Via::System,
        }
    }
}
