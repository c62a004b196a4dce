//! Users: create, find, list, change.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use super::{check_text, refuse_if_any, violation};
use crate::error::{Error, Result, Violation};
use crate::store::entities::users;

/// The languages a user may prefer.
pub const LOCALES: [&str; 2] = ["zh-CN", "en"];

/// A user to create.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    /// Login name: lower-case letters, digits, `.`, `_`, `-`.
    pub username: String,
    /// Name to show; the login name when blank.
    pub display_name: String,
    /// Argon2 hash (`auth::password::hash`); `None` means the user cannot sign in
    /// with a password (API tokens only).
    pub password_hash: Option<String>,
    /// Administrator.
    pub is_admin: bool,
    /// `zh-CN` (when blank) or `en`.
    pub locale: String,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    /// New display name.
    pub display_name: Option<String>,
    /// New language.
    pub locale: Option<String>,
    /// Grant or take away administration.
    pub is_admin: Option<bool>,
    /// Activate or deactivate (a deactivated user cannot sign in or use tokens).
    pub active: Option<bool>,
    /// A new password hash.
    pub password_hash: Option<String>,
}

/// Whether a login name is well formed: 1-64 of `a-z 0-9 . _ -`, starting with a
/// letter or digit.
pub fn is_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
}

fn locale_violation(out: &mut Vec<Violation>, locale: &str) {
    if !LOCALES.contains(&locale) {
        out.push(violation(
            "/locale",
            "unknown-locale",
            "语言只能是 zh-CN 或 en",
            "the language is zh-CN or en",
        ));
    }
}

/// `new` with blanks filled in: the display name defaults to the login name, the
/// language to `zh-CN`.
fn normalise(new: NewUser) -> NewUser {
    let username = new.username.trim().to_owned();
    let display_name = match new.display_name.trim() {
        "" => username.clone(),
        name => name.to_owned(),
    };
    let locale = match new.locale.trim() {
        "" => "zh-CN".to_owned(),
        l => l.to_owned(),
    };
    NewUser {
        username,
        display_name,
        locale,
        ..new
    }
}

/// What is wrong with a user to create (empty when nothing), so a caller can report
/// these together with its own checks (e.g. the password policy).
pub async fn user_violations(db: &impl ConnectionTrait, new: &NewUser) -> Result<Vec<Violation>> {
    let new = normalise(new.clone());
    let mut out = Vec::new();
    if !is_username(&new.username) {
        out.push(violation(
            "/username",
            "bad-username",
            "用户名为 1–64 个小写字母、数字或 . _ -，以字母或数字开头",
            "a user name is 1-64 lower-case letters, digits, `.`, `_` or `-`, starting with a letter or digit",
        ));
    } else if user_by_username(db, &new.username).await?.is_some() {
        out.push(violation(
            "/username",
            "taken",
            "用户名已被使用",
            "this user name is taken",
        ));
    }
    check_text(&mut out, "/display_name", &new.display_name, 100);
    locale_violation(&mut out, &new.locale);
    Ok(out)
}

/// Create a user.
pub async fn create_user(db: &impl ConnectionTrait, new: NewUser) -> Result<users::Model> {
    refuse_if_any(user_violations(db, &new).await?)?;
    let new = normalise(new);
    let row = users::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        username: Set(new.username),
        display_name: Set(new.display_name),
        password_hash: Set(new.password_hash),
        is_admin: Set(new.is_admin),
        active: Set(true),
        locale: Set(new.locale),
        created_at: Set(Utc::now()),
    };
    Ok(row.insert(db).await?)
}

/// A user by id.
pub async fn user(db: &impl ConnectionTrait, id: &str) -> Result<Option<users::Model>> {
    Ok(users::Entity::find_by_id(id.to_owned()).one(db).await?)
}

/// A user by login name.
pub async fn user_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<users::Model>> {
    Ok(users::Entity::find()
        .filter(users::Column::Username.eq(username))
        .one(db)
        .await?)
}

/// A user by id or, failing that, by login name; [`Error::NotFound`] when neither.
pub async fn find_user(db: &impl ConnectionTrait, id_or_name: &str) -> Result<users::Model> {
    if let Some(u) = user(db, id_or_name).await? {
        return Ok(u);
    }
    user_by_username(db, id_or_name)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user {id_or_name}")))
}

/// Every user, by login name.
pub async fn users(db: &impl ConnectionTrait) -> Result<Vec<users::Model>> {
    Ok(users::Entity::find()
        .order_by_asc(users::Column::Username)
        .all(db)
        .await?)
}

/// Whether any active administrator exists.
pub async fn admin_exists(db: &impl ConnectionTrait) -> Result<bool> {
    Ok(active_admins(db).await? > 0)
}

/// Change a user. Taking away the last active administrator is refused. A new
/// password or a deactivation ends the user's sessions.
pub async fn update_user(
    db: &impl ConnectionTrait,
    id: &str,
    changes: UserChanges,
) -> Result<users::Model> {
    let current = user(db, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user {id}")))?;
    let mut out = Vec::new();
    if let Some(name) = &changes.display_name {
        check_text(&mut out, "/display_name", name, 100);
    }
    if let Some(locale) = &changes.locale {
        locale_violation(&mut out, locale);
    }
    let loses_admin = current.is_admin
        && current.active
        && (changes.is_admin == Some(false) || changes.active == Some(false));
    if loses_admin && active_admins(db).await? <= 1 {
        let field = if changes.active == Some(false) {
            "/active"
        } else {
            "/is_admin"
        };
        out.push(violation(
            field,
            "last-admin",
            "不能停用或撤销最后一名管理员",
            "the last administrator cannot be deactivated or demoted",
        ));
    }
    refuse_if_any(out)?;
    let ends_sessions = changes.password_hash.is_some() || changes.active == Some(false);
    let updated = apply(current, changes).update(db).await?;
    if ends_sessions {
        // A new password or a deactivation ends every way in: sessions and API tokens.
        super::delete_sessions_of(db, id).await?;
        super::revoke_tokens_of(db, id).await?;
    }
    Ok(updated)
}

fn apply(current: users::Model, changes: UserChanges) -> users::ActiveModel {
    let mut row: users::ActiveModel = current.into();
    if let Some(v) = changes.display_name {
        row.display_name = Set(v.trim().to_owned());
    }
    if let Some(v) = changes.locale {
        row.locale = Set(v);
    }
    if let Some(v) = changes.is_admin {
        row.is_admin = Set(v);
    }
    if let Some(v) = changes.active {
        row.active = Set(v);
    }
    if let Some(v) = changes.password_hash {
        row.password_hash = Set(Some(v));
    }
    row
}

async fn active_admins(db: &impl ConnectionTrait) -> Result<u64> {
    Ok(users::Entity::find()
        .filter(users::Column::IsAdmin.eq(true))
        .filter(users::Column::Active.eq(true))
        .count(db)
        .await?)
}

/// Set a user's password hash (and end their sessions).
pub async fn set_password(db: &impl ConnectionTrait, id: &str, hash: String) -> Result<()> {
    let changes = UserChanges {
        password_hash: Some(hash),
        ..UserChanges::default()
    };
    update_user(db, id, changes).await.map(|_| ())
}

/// Activate or deactivate a user.
pub async fn set_active(db: &impl ConnectionTrait, id: &str, active: bool) -> Result<()> {
    let changes = UserChanges {
        active: Some(active),
        ..UserChanges::default()
    };
    update_user(db, id, changes).await.map(|_| ())
}

/// Make a user an administrator, or not.
pub async fn set_admin(db: &impl ConnectionTrait, id: &str, is_admin: bool) -> Result<()> {
    let changes = UserChanges {
        is_admin: Some(is_admin),
        ..UserChanges::default()
    };
    update_user(db, id, changes).await.map(|_| ())
}
