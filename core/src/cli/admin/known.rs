//! The names a grant may use: programmes and the roles each declares (from the
//! latest workflow version stored in the database, the one the server runs), and org
//! units. A name that is not among them is refused with the closest one offered.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::error::{Result, Violation};
use crate::store::entities::definition_versions as dv;
use crate::store::identity::{self, violation};
use crate::workflow::Definition;
use crate::workflow::diagnostic::did_you_mean;

/// Programmes with their roles, and org unit ids.
#[derive(Debug, Default)]
pub(super) struct Known {
    /// Programme id → the roles its current workflow declares.
    pub programmes: BTreeMap<String, Vec<String>>,
    /// Org unit ids.
    pub units: Vec<String>,
}

impl Known {
    /// Read what the database holds.
    pub async fn load(db: &impl ConnectionTrait) -> Result<Known> {
        let mut latest: BTreeMap<String, dv::Model> = BTreeMap::new();
        for row in dv::Entity::find()
            .order_by_asc(dv::Column::Version)
            .all(db)
            .await?
        {
            latest.insert(row.programme.clone(), row);
        }
        let mut programmes = BTreeMap::new();
        for (id, row) in latest {
            let path = std::path::PathBuf::from(format!("{id}@v{}", row.version));
            // A stored version that no longer parses declares nothing usable.
            let roles = Definition::from_text(&path, &row.source)
                .map(|d| {
                    d.programme
                        .roles
                        .keys()
                        .map(|r| r.as_str().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            programmes.insert(id, roles);
        }
        let units = identity::org_units(db)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        Ok(Known { programmes, units })
    }

    /// What is wrong with granting `role` for `programme` (`*`: every programme) at
    /// `unit`; empty when nothing.
    pub fn grant_refusals(&self, programme: &str, role: &str, unit: &str) -> Vec<Violation> {
        let mut out = Vec::new();
        if !self.units.iter().any(|u| u == unit) {
            let hint = did_you_mean(unit, self.units.iter().map(String::as_str));
            out.push(violation(
                "/org_unit",
                "unknown-org-unit",
                format!("没有编号为 {unit} 的单位{hint}"),
                format!("there is no org unit `{unit}`{hint}; see `anjuan org list`"),
            ));
        }
        if self.programmes.is_empty() {
            out.push(violation(
                "/programme",
                "no-programmes",
                "数据库中还没有任何项目：请先启动一次服务，让它载入流程文件",
                "this database holds no programme yet: start the server once so it stores the workflow files",
            ));
            return out;
        }
        if programme == "*" {
            let all: Vec<&str> = self
                .programmes
                .values()
                .flatten()
                .map(String::as_str)
                .collect();
            if !all.contains(&role) {
                let hint = did_you_mean(role, all.iter().copied());
                out.push(violation(
                    "/role",
                    "unknown-role",
                    format!("没有项目声明角色 {role}{hint}"),
                    format!("no programme declares the role `{role}`{hint}"),
                ));
            }
            return out;
        }
        match self.programmes.get(programme) {
            None => {
                let hint = did_you_mean(programme, self.programmes.keys().map(String::as_str));
                let names: Vec<&str> = self.programmes.keys().map(String::as_str).collect();
                out.push(violation(
                    "/programme",
                    "unknown-programme",
                    format!("没有名为 {programme} 的项目{hint}"),
                    format!(
                        "there is no programme `{programme}`{hint}; there are: {}",
                        names.join(", ")
                    ),
                ));
            }
            Some(roles) if !roles.iter().any(|r| r == role) => {
                let hint = did_you_mean(role, roles.iter().map(String::as_str));
                out.push(violation(
                    "/role",
                    "unknown-role",
                    format!("项目 {programme} 未声明角色 {role}{hint}"),
                    format!(
                        "programme `{programme}` declares no role `{role}`{hint}; it declares: {}",
                        roles.join(", ")
                    ),
                ));
            }
            Some(_) => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        Known {
            programmes: BTreeMap::from([
                (
                    "rapid-testing".to_owned(),
                    vec!["tester".to_owned(), "lab-lead".to_owned()],
                ),
                ("risk-monitoring".to_owned(), vec!["cdc-officer".to_owned()]),
            ]),
            units: vec!["anxian".to_owned(), "hexi".to_owned()],
        }
    }

    fn messages(v: &[Violation]) -> Vec<&str> {
        v.iter().map(|v| v.message.en.as_str()).collect()
    }

    #[test]
    fn a_misspelt_programme_role_or_unit_is_refused_with_the_closest_name() {
        let k = known();
        assert!(
            k.grant_refusals("rapid-testing", "tester", "anxian")
                .is_empty()
        );
        assert!(k.grant_refusals("*", "cdc-officer", "hexi").is_empty());
        let v = k.grant_refusals("rapid-testin", "tester", "anxain");
        assert_eq!(
            messages(&v),
            [
                "there is no org unit `anxain` (did you mean `anxian`?); see `anjuan org list`",
                "there is no programme `rapid-testin` (did you mean `rapid-testing`?); there are: rapid-testing, risk-monitoring",
            ]
        );
        let v = k.grant_refusals("rapid-testing", "testr", "anxian");
        assert_eq!(
            messages(&v),
            [
                "programme `rapid-testing` declares no role `testr` (did you mean `tester`?); it declares: tester, lab-lead"
            ]
        );
        let v = k.grant_refusals("*", "cdc-oficer", "anxian");
        assert_eq!(
            messages(&v),
            ["no programme declares the role `cdc-oficer` (did you mean `cdc-officer`?)"]
        );
    }

    #[test]
    fn without_stored_programmes_nothing_can_be_granted() {
        let k = Known {
            units: vec!["anxian".to_owned()],
            ..Known::default()
        };
        let v = k.grant_refusals("*", "tester", "anxian");
        assert_eq!(v[0].code, "no-programmes");
    }
}
