//! Names for ids: users and org units as people read them. A county has hundreds of
//! each, so a page loads them whole, once.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use serde::Serialize;

use super::render::Lang;
use crate::auth::Caller;
use crate::error::Result;
use crate::store::entities::{grants, org_units, users};

/// Users and org units by id.
#[derive(Debug, Default)]
pub struct Directory {
    /// Every user.
    pub users: Vec<users::Model>,
    /// Every org unit, in path order (a depth-first walk of the tree).
    pub units: Vec<org_units::Model>,
    /// Every role grant (to offer only the holders of a role in a user field).
    pub grants: Vec<grants::Model>,
    user_index: HashMap<String, usize>,
    unit_index: HashMap<String, usize>,
}

/// A choice in a select list.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// Value sent.
    pub value: String,
    /// Text shown.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

impl Directory {
    /// Load every user and org unit.
    pub async fn load(db: &impl ConnectionTrait) -> Result<Directory> {
        let users = users::Entity::find()
            .order_by_asc(users::Column::Username)
            .all(db)
            .await?;
        let units = org_units::Entity::find()
            .order_by_asc(org_units::Column::Path)
            .all(db)
            .await?;
        let mut dir = Directory::from_rows(users, units);
        dir.grants = grants::Entity::find().all(db).await?;
        Ok(dir)
    }

    /// From rows already loaded (units in path order).
    pub fn from_rows(users: Vec<users::Model>, units: Vec<org_units::Model>) -> Directory {
        let user_index = users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.clone(), i))
            .collect();
        let unit_index = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.clone(), i))
            .collect();
        Directory {
            users,
            units,
            grants: Vec::new(),
            user_index,
            unit_index,
        }
    }

    /// A user's display name (the id when unknown; "系统" for the system).
    pub fn user(&self, id: &str) -> String {
        match self.user_index.get(id) {
            Some(&i) => self.users[i].display_name.clone(),
            None if id == "system" => "系统 System".into(),
            None => id.to_owned(),
        }
    }

    /// An org unit's name in `lang` (the id when unknown).
    pub fn unit(&self, id: &str, lang: Lang) -> String {
        match self.unit_index.get(id) {
            Some(&i) => match lang {
                Lang::Zh => self.units[i].name_zh.clone(),
                Lang::En => self.units[i].name_en.clone(),
            },
            None => id.to_owned(),
        }
    }

    /// An org unit by id.
    pub fn unit_row(&self, id: &str) -> Option<&org_units::Model> {
        self.unit_index.get(id).map(|&i| &self.units[i])
    }

    /// Org units the caller reaches (every unit for an administrator), indented by depth.
    pub fn unit_choices(&self, caller: &Caller, lang: Lang, selected: &str) -> Vec<Choice> {
        self.units
            .iter()
            .filter(|u| {
                caller.is_admin
                    || caller
                        .grants
                        .iter()
                        .any(|g| u.path.starts_with(&g.org_path))
            })
            .map(|u| {
                let depth = u.path.matches('/').count().saturating_sub(2);
                let name = match lang {
                    Lang::Zh => &u.name_zh,
                    Lang::En => &u.name_en,
                };
                Choice {
                    value: u.id.clone(),
                    label: format!("{}{}", "\u{3000}".repeat(depth), name),
                    selected: u.id == selected,
                }
            })
            .collect()
    }

    /// Active users to choose from (and `selected`, whoever it is, so a stored value
    /// still shows): everyone when `among` is `None` (an administrator issuing a
    /// token), else the people [`Among`] describes.
    pub fn user_choices(&self, selected: &str, among: Option<&Among<'_>>) -> Vec<Choice> {
        let offered = |a: &Among<'_>| {
            self.users
                .iter()
                .any(|u| u.active && u.id != selected && self.holds(u, a))
        };
        // Nobody holding the role at the case's unit or above (a village without its
        // cadre yet) must not leave the field impossible to fill: then every holder in
        // the programme.
        let wide;
        let among = match among {
            Some(a) if a.at.is_some() && !offered(a) => {
                wide = Among { at: None, ..*a };
                Some(&wide)
            }
            other => other,
        };
        self.users
            .iter()
            .filter(|u| u.id == selected || (u.active && among.is_none_or(|a| self.holds(u, a))))
            .map(|u| Choice {
                value: u.id.clone(),
                label: format!("{} ({})", u.display_name, u.username),
                selected: u.id == selected,
            })
            .collect()
    }

    /// Whether `u` holds a role `among` asks for.
    fn holds(&self, u: &users::Model, among: &Among<'_>) -> bool {
        let case_path = among
            .at
            .and_then(|id| self.unit_row(id))
            .map(|unit| unit.path.as_str());
        self.grants.iter().any(|g| {
            g.user_id == u.id
                && (g.programme == "*" || g.programme == among.programme)
                && match among.role {
                    None => true,
                    Some(role) => {
                        g.role == role
                            && case_path.is_none_or(|path| {
                                self.unit_row(&g.org_unit_id)
                                    .is_some_and(|unit| path.starts_with(&unit.path))
                            })
                    }
                }
        })
    }
}

/// Whom a user field of a programme's form offers: with a `role`, its holders at the
/// case's unit or above (where they may act on it; every holder in the programme when
/// there are none there); without one, anyone holding some role in the programme (not
/// the administrator, not other programmes' staff).
#[derive(Debug, Clone, Copy)]
pub struct Among<'a> {
    /// The programme.
    pub programme: &'a str,
    /// The role the field names.
    pub role: Option<&'a str>,
    /// The case's org unit id, when there is a case.
    pub at: Option<&'a str>,
}
