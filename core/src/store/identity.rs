//! Users, org units, role grants, sessions and API tokens.
//!
//! Functions take `&impl ConnectionTrait`, so they run the same inside a
//! transaction. Input that breaks a rule (a taken user name, an unknown parent unit, a
//! move that would make a cycle) is [`Error::Invalid`] with a JSON Pointer to the
//! field and a message in Chinese and English, for the admin API and the CLI alike.
//!
//! # Layout
//! - `users`: create, find, list, change (password, active, admin).
//! - `orgs`: the org-unit tree; each unit's materialised `path` (`/city/county/`).
//! - `grants`: roles at units; who holds a role reaching a unit; a user as a [`Caller`].
//! - `sessions`, `tokens`: rows behind `auth::session` and `auth::token`.
//!
//! [`Caller`]: crate::auth::Caller

mod grants;
mod orgs;
mod sessions;
mod tokens;
mod users;

#[cfg(test)]
pub(crate) mod tests;

pub use grants::*;
pub use orgs::*;
pub use sessions::*;
pub use tokens::*;
pub use users::*;

use crate::error::{Error, Result, Violation};
use crate::workflow::model::I18n;

/// One broken rule, for [`Error::Invalid`].
pub fn violation(
    field: &str,
    code: &str,
    zh: impl Into<String>,
    en: impl Into<String>,
) -> Violation {
    Violation {
        layer: None,
        field: field.to_owned(),
        code: code.to_owned(),
        message: I18n {
            zh: zh.into(),
            en: en.into(),
        },
    }
}

/// `Ok` when nothing is broken, else every violation at once.
pub fn refuse_if_any(violations: Vec<Violation>) -> Result<()> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(violations))
    }
}

/// Whether `s` is a slug: 1 to `max` characters of `a-z`, `0-9` and `-`, starting
/// with a letter or digit. Slugs are safe inside paths and `LIKE` patterns.
pub fn is_slug(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
}

/// A required display text: not blank, at most `max` characters.
fn check_text(out: &mut Vec<Violation>, field: &str, value: &str, max: usize) {
    let n = value.trim().chars().count();
    if n == 0 {
        out.push(violation(field, "required", "必填", "required"));
    } else if n > max {
        out.push(violation(
            field,
            "too-long",
            format!("不能超过 {max} 个字符"),
            format!("at most {max} characters"),
        ));
    }
}
