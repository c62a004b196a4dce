//! Role grants: a user holds a role for a programme (or `*`, every programme) at an
//! org unit, and so at every unit below it.

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{is_slug, org_unit, refuse_if_any, user, violation};
use crate::auth::{Caller, Grant, Via};
use crate::error::{Error, Result, Violation};
use crate::store::entities::{grants, org_units, users};

/// A grant with its unit's path and names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRow {
    /// Grant id.
    pub id: i32,
    /// The user.
    pub user_id: String,
    /// Programme id or `*`.
    pub programme: String,
    /// Role id.
    pub role: String,
    /// Org unit id.
    pub org_unit: String,
    /// The unit's path.
    pub org_path: String,
    /// The unit's Chinese name.
    pub org_name_zh: String,
    /// The unit's English name.
    pub org_name_en: String,
}

/// A grant to add.
#[derive(Debug, Clone, Default)]
pub struct NewGrant {
    /// The user's id.
    pub user_id: String,
    /// Programme id, or `*` for every programme.
    pub programme: String,
    /// Role id as the programme's workflow declares it.
    pub role: String,
    /// The org unit where the role is held.
    pub org_unit: String,
}

/// Add a grant; adding one that exists already returns it.
pub async fn add_grant(db: &impl ConnectionTrait, new: NewGrant) -> Result<grants::Model> {
    refuse_if_any(grant_violations(db, &new).await?)?;
    let existing = grants::Entity::find()
        .filter(grants::Column::UserId.eq(&new.user_id))
        .filter(grants::Column::Programme.eq(&new.programme))
        .filter(grants::Column::Role.eq(&new.role))
        .filter(grants::Column::OrgUnitId.eq(&new.org_unit))
        .one(db)
        .await?;
    if let Some(g) = existing {
        return Ok(g);
    }
    let row = grants::ActiveModel {
        user_id: Set(new.user_id),
        programme: Set(new.programme),
        role: Set(new.role),
        org_unit_id: Set(new.org_unit),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    Ok(row.insert(db).await?)
}

/// What is wrong with a grant to add (empty when nothing).
async fn grant_violations(db: &impl ConnectionTrait, new: &NewGrant) -> Result<Vec<Violation>> {
    let mut out = Vec::new();
    if user(db, &new.user_id).await?.is_none() {
        out.push(violation(
            "/user_id",
            "unknown-user",
            "用户不存在",
            "the user does not exist",
        ));
    }
    if new.programme != "*" && !is_slug(&new.programme, 63) {
        out.push(violation(
            "/programme",
            "bad-programme",
            "项目编号为小写字母、数字或 -，或 * 表示所有项目",
            "a programme id is lower-case letters, digits or `-`, or `*` for all",
        ));
    }
    if !is_slug(&new.role, 63) {
        out.push(violation(
            "/role",
            "bad-role",
            "角色编号为小写字母、数字或 -",
            "a role id is lower-case letters, digits or `-`",
        ));
    }
    if org_unit(db, &new.org_unit).await?.is_none() {
        out.push(violation(
            "/org_unit",
            "unknown-org-unit",
            "单位不存在",
            "the org unit does not exist",
        ));
    }
    Ok(out)
}

/// A grant by id.
pub async fn grant(db: &impl ConnectionTrait, id: i32) -> Result<Option<grants::Model>> {
    Ok(grants::Entity::find_by_id(id).one(db).await?)
}

/// Remove a grant.
pub async fn remove_grant(db: &impl ConnectionTrait, id: i32) -> Result<()> {
    let done = grants::Entity::delete_by_id(id).exec(db).await?;
    if done.rows_affected == 0 {
        return Err(Error::NotFound(format!("grant {id}")));
    }
    Ok(())
}

/// A user's grants with their units, by unit path then programme and role.
pub async fn grants_of(db: &impl ConnectionTrait, user_id: &str) -> Result<Vec<GrantRow>> {
    let rows = grants::Entity::find()
        .filter(grants::Column::UserId.eq(user_id))
        .order_by_asc(grants::Column::Id)
        .all(db)
        .await?;
    let ids: BTreeSet<String> = rows.iter().map(|g| g.org_unit_id.clone()).collect();
    let units: HashMap<String, org_units::Model> = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    let mut out: Vec<GrantRow> = rows
        .into_iter()
        .filter_map(|g| {
            let unit = units.get(&g.org_unit_id)?;
            Some(GrantRow {
                id: g.id,
                user_id: g.user_id,
                programme: g.programme,
                role: g.role,
                org_unit: g.org_unit_id,
                org_path: unit.path.clone(),
                org_name_zh: unit.name_zh.clone(),
                org_name_en: unit.name_en.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.org_path, &a.programme, &a.role).cmp(&(&b.org_path, &b.programme, &b.role))
    });
    Ok(out)
}

/// Active users holding `role` for `programme` (or for `*`) at the unit with
/// `org_path` or any unit above it: the people a notification is for. Sorted ids.
pub async fn holders(
    db: &impl ConnectionTrait,
    programme: &str,
    role: &str,
    org_path: &str,
) -> Result<Vec<String>> {
    let rows = grants::Entity::find()
        .filter(grants::Column::Role.eq(role))
        .filter(grants::Column::Programme.is_in([programme, "*"]))
        .all(db)
        .await?;
    let unit_ids: BTreeSet<String> = rows.iter().map(|g| g.org_unit_id.clone()).collect();
    let reaching: BTreeSet<String> = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(unit_ids))
        .all(db)
        .await?
        .into_iter()
        .filter(|u| org_path.starts_with(&u.path))
        .map(|u| u.id)
        .collect();
    let user_ids: BTreeSet<String> = rows
        .into_iter()
        .filter(|g| reaching.contains(&g.org_unit_id))
        .map(|g| g.user_id)
        .collect();
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(user_ids))
        .filter(users::Column::Active.eq(true))
        .order_by_asc(users::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect())
}

/// A user as a [`Caller`] with their grants; `None` when the user is missing or
/// deactivated.
pub async fn load_caller(
    db: &impl ConnectionTrait,
    user_id: &str,
    via: Via,
) -> Result<Option<Caller>> {
    let Some(u) = user(db, user_id).await? else {
        return Ok(None);
    };
    if !u.active {
        return Ok(None);
    }
    let grants = grants_of(db, user_id)
        .await?
        .into_iter()
        .map(|g| Grant {
            programme: g.programme,
            role: g.role,
            org_unit: g.org_unit,
            org_path: g.org_path,
        })
        .collect();
    Ok(Some(Caller {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        is_admin: u.is_admin,
        locale: u.locale,
        grants,
        via,
    }))
}
