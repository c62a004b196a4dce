//! The org-unit tree. Each unit stores its materialised path (`/qingcheng/anxian/`),
//! so "this unit or below" is a prefix test; moving a unit rewrites the paths of its
//! subtree and of the cases that belong there, in the caller's transaction.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{check_text, is_slug, refuse_if_any, violation};
use crate::error::{Error, Result, Violation};
use crate::store::entities::{cases, org_units};

/// The kinds the demo and the workflows use; other slugs are accepted too.
pub const KNOWN_KINDS: [&str; 11] = [
    "city",
    "county",
    "township",
    "village",
    "cdc",
    "health-commission",
    "bureau",
    "market-office",
    "lab",
    "hospital",
    "association",
];

/// An org unit to create.
#[derive(Debug, Clone, Default)]
pub struct NewOrgUnit {
    /// Slug id (`a-z 0-9 -`), unique across the tree.
    pub id: String,
    /// The parent unit; `None` for a root (e.g. a city).
    pub parent_id: Option<String>,
    /// Kind slug, e.g. `township` (schedules target units by kind).
    pub kind: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
}

/// A unit with the units below it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgNode {
    /// The unit.
    pub unit: org_units::Model,
    /// Its children, by id.
    pub children: Vec<OrgNode>,
}

fn unit_violations(out: &mut Vec<Violation>, kind: &str, name_zh: &str, name_en: &str) {
    if !is_slug(kind, 40) {
        out.push(violation(
            "/kind",
            "bad-kind",
            "类型为小写字母、数字或 -，如 township",
            "a kind is lower-case letters, digits or `-`, e.g. township",
        ));
    }
    check_text(out, "/name_zh", name_zh, 100);
    check_text(out, "/name_en", name_en, 100);
}

/// Create a unit under its parent.
pub async fn create_org_unit(
    db: &impl ConnectionTrait,
    new: NewOrgUnit,
) -> Result<org_units::Model> {
    let mut out = Vec::new();
    if !is_slug(&new.id, 63) {
        out.push(violation(
            "/id",
            "bad-id",
            "编号为 1–63 个小写字母、数字或 -",
            "an id is 1-63 lower-case letters, digits or `-`",
        ));
    } else if org_unit(db, &new.id).await?.is_some() {
        out.push(violation(
            "/id",
            "taken",
            "编号已被使用",
            "this id is taken",
        ));
    }
    unit_violations(&mut out, &new.kind, &new.name_zh, &new.name_en);
    let parent_path = match &new.parent_id {
        None => Some("/".to_owned()),
        Some(p) => org_unit(db, p).await?.map(|u| u.path),
    };
    if parent_path.is_none() {
        out.push(unknown_parent());
    }
    refuse_if_any(out)?;
    let path = format!("{}{}/", parent_path.unwrap_or_default(), new.id);
    let row = org_units::ActiveModel {
        id: Set(new.id),
        parent_id: Set(new.parent_id),
        path: Set(path),
        kind: Set(new.kind),
        name_zh: Set(new.name_zh.trim().to_owned()),
        name_en: Set(new.name_en.trim().to_owned()),
        created_at: Set(Utc::now()),
    };
    Ok(row.insert(db).await?)
}

fn unknown_parent() -> Violation {
    violation(
        "/parent_id",
        "unknown-parent",
        "上级单位不存在",
        "the parent unit does not exist",
    )
}

/// A unit by id.
pub async fn org_unit(db: &impl ConnectionTrait, id: &str) -> Result<Option<org_units::Model>> {
    Ok(org_units::Entity::find_by_id(id.to_owned()).one(db).await?)
}

/// Every unit, parents before children (by path).
pub async fn org_units(db: &impl ConnectionTrait) -> Result<Vec<org_units::Model>> {
    Ok(org_units::Entity::find()
        .order_by_asc(org_units::Column::Path)
        .all(db)
        .await?)
}

/// The whole tree: its roots with their subtrees.
pub async fn org_tree(db: &impl ConnectionTrait) -> Result<Vec<OrgNode>> {
    Ok(build_tree(org_units(db).await?))
}

/// Nest units sorted by path. A unit whose parent is missing becomes a root.
pub fn build_tree(units: Vec<org_units::Model>) -> Vec<OrgNode> {
    let mut roots: Vec<OrgNode> = Vec::new();
    for unit in units {
        let node = OrgNode {
            unit,
            children: Vec::new(),
        };
        insert_node(&mut roots, node);
    }
    roots
}

fn insert_node(level: &mut Vec<OrgNode>, node: OrgNode) {
    let parent = level
        .iter_mut()
        .find(|n| node.unit.path.starts_with(&n.unit.path) && node.unit.path != n.unit.path);
    match parent {
        Some(p) => insert_node(&mut p.children, node),
        None => level.push(node),
    }
}

/// Rename a unit or change its kind; `None` leaves a field as it is.
pub async fn update_org_unit(
    db: &impl ConnectionTrait,
    id: &str,
    kind: Option<String>,
    name_zh: Option<String>,
    name_en: Option<String>,
) -> Result<org_units::Model> {
    let current = org_unit(db, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("org unit {id}")))?;
    let kind = kind.unwrap_or_else(|| current.kind.clone());
    let name_zh = name_zh.unwrap_or_else(|| current.name_zh.clone());
    let name_en = name_en.unwrap_or_else(|| current.name_en.clone());
    let mut out = Vec::new();
    unit_violations(&mut out, &kind, &name_zh, &name_en);
    refuse_if_any(out)?;
    let mut row: org_units::ActiveModel = current.into();
    row.kind = Set(kind);
    row.name_zh = Set(name_zh.trim().to_owned());
    row.name_en = Set(name_en.trim().to_owned());
    Ok(row.update(db).await?)
}

/// Move a unit (and its subtree) under another parent. A parent inside the unit's
/// own subtree would make a cycle and is refused. Run it in a transaction: it
/// rewrites the paths of the subtree's units and cases.
pub async fn move_org_unit(
    db: &impl ConnectionTrait,
    id: &str,
    parent_id: &str,
) -> Result<org_units::Model> {
    let unit = org_unit(db, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("org unit {id}")))?;
    let Some(parent) = org_unit(db, parent_id).await? else {
        return Err(Error::Invalid(vec![unknown_parent()]));
    };
    if parent.path.starts_with(&unit.path) {
        return Err(Error::Invalid(vec![violation(
            "/parent_id",
            "cycle",
            "不能移到本单位或其下级单位之下",
            "a unit cannot move under itself or a unit below it",
        )]));
    }
    let old = unit.path.clone();
    let new = format!("{}{}/", parent.path, unit.id);
    let below = org_units::Entity::find()
        .filter(org_units::Column::Path.starts_with(&old))
        .all(db)
        .await?;
    for u in below {
        let path = format!("{new}{}", &u.path[old.len()..]);
        let is_moved = u.id == unit.id;
        let mut row: org_units::ActiveModel = u.into();
        row.path = Set(path);
        if is_moved {
            row.parent_id = Set(Some(parent.id.clone()));
        }
        row.update(db).await?;
    }
    rewrite_case_paths(db, &old, &new).await?;
    org_unit(db, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("org unit {id}")))
}

async fn rewrite_case_paths(db: &impl ConnectionTrait, old: &str, new: &str) -> Result<()> {
    let rows = cases::Entity::find()
        .filter(cases::Column::OrgPath.starts_with(old))
        .all(db)
        .await?;
    for c in rows {
        let path = format!("{new}{}", &c.org_path[old.len()..]);
        let mut row: cases::ActiveModel = c.into();
        row.org_path = Set(path);
        row.update(db).await?;
    }
    Ok(())
}
