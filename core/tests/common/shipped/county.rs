//! The test county of the shipped programmes: one city, one county with two townships
//! and their villages, the county CDC, a sentinel hospital and a medical institution;
//! users holding each programme's roles, each with the API token `anj_test_<user>`.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::common::{token, token_hash};
use anjuan::store::entities::{api_tokens, grants, org_units, users};

/// Org units: id, parent, kind, Chinese name.
const UNITS: &[(&str, Option<&str>, &str, &str)] = &[
    ("city", None, "city", "清河市"),
    ("county", Some("city"), "county", "清河县"),
    ("town-a", Some("county"), "township", "桃源镇"),
    ("village-a1", Some("town-a"), "village", "桃源村"),
    ("village-a2", Some("town-a"), "village", "柳溪村"),
    ("town-b", Some("county"), "township", "石门镇"),
    ("village-b1", Some("town-b"), "village", "石门村"),
    ("cdc", Some("county"), "cdc", "清河县疾病预防控制中心"),
    (
        "hospital",
        Some("county"),
        "hospital",
        "清河县人民医院（哨点医院）",
    ),
    (
        "clinic",
        Some("county"),
        "medical-institution",
        "清河县中医医院",
    ),
];

/// A role grant: (programme, role, unit).
type Grant = (&'static str, &'static str, &'static str);

/// Users and their grants.
const USERS: &[(&str, &[Grant])] = &[
    ("admin", &[]),
    ("nobody", &[]),
    // risk-monitoring
    ("cdc", &[("risk-monitoring", "cdc-officer", "county")]),
    ("health", &[("risk-monitoring", "health-admin", "county")]),
    (
        "hospital",
        &[("risk-monitoring", "hospital-reporter", "hospital")],
    ),
    (
        "hospital2",
        &[("risk-monitoring", "hospital-reporter", "hospital")],
    ),
    (
        "rm-admin",
        &[("risk-monitoring", "programme-admin", "county")],
    ),
    // the county market supervision bureau as the food-safety regulator
    (
        "regulator",
        &[("risk-monitoring", "food-regulator", "county")],
    ),
    // sampling-disposal
    ("sampler", &[("sampling-disposal", "sampler", "county")]),
    ("inspector", &[("sampling-disposal", "inspector", "town-a")]),
    ("lead", &[("sampling-disposal", "bureau-lead", "county")]),
    ("lab", &[("sampling-disposal", "lab", "county")]),
    (
        "sd-admin",
        &[("sampling-disposal", "programme-admin", "county")],
    ),
    // special-family-care
    (
        "leader-a",
        &[("special-family-care", "township-leader", "town-a")],
    ),
    (
        "cadre-a1",
        &[("special-family-care", "village-cadre", "village-a1")],
    ),
    (
        "cadre-a1b",
        &[("special-family-care", "village-cadre", "village-a1")],
    ),
    (
        "volunteer",
        &[("special-family-care", "volunteer", "village-a1")],
    ),
    (
        "staff",
        &[("special-family-care", "association-staff", "town-a")],
    ),
    (
        "doctor-a1",
        &[("special-family-care", "village-doctor", "village-a1")],
    ),
    // a volunteer named as a family's liaison (联络员), unlike `volunteer`
    (
        "liaison",
        &[("special-family-care", "volunteer", "village-a1")],
    ),
    (
        "staff-b",
        &[("special-family-care", "association-staff", "town-b")],
    ),
    (
        "fc-admin",
        &[("special-family-care", "programme-admin", "county")],
    ),
    // fire-safety-rectification
    (
        "facility",
        &[("fire-safety-rectification", "facility-manager", "clinic")],
    ),
    (
        "hinspector",
        &[("fire-safety-rectification", "health-inspector", "county")],
    ),
    (
        "hlead",
        &[("fire-safety-rectification", "bureau-lead", "county")],
    ),
    (
        "fs-admin",
        &[("fire-safety-rectification", "programme-admin", "county")],
    ),
];

/// The test county: the org tree, users, grants and API tokens.
pub async fn seed(db: &impl ConnectionTrait) {
    let now = Utc::now();
    let mut paths = std::collections::HashMap::new();
    for (id, parent, kind, zh) in UNITS {
        let path = match parent {
            Some(p) => format!("{}{id}/", paths[p]),
            None => format!("/{id}/"),
        };
        paths.insert(*id, path.clone());
        org_units::ActiveModel {
            id: Set((*id).into()),
            parent_id: Set(parent.map(Into::into)),
            path: Set(path),
            kind: Set((*kind).into()),
            name_zh: Set((*zh).into()),
            name_en: Set((*id).into()),
            created_at: Set(now),
        }
        .insert(db)
        .await
        .unwrap();
    }
    for (name, roles) in USERS {
        users::ActiveModel {
            id: Set((*name).into()),
            username: Set((*name).into()),
            display_name: Set((*name).into()),
            password_hash: Set(None),
            is_admin: Set(*name == "admin"),
            active: Set(true),
            locale: Set("zh-CN".into()),
            created_at: Set(now),
        }
        .insert(db)
        .await
        .unwrap();
        for (programme, role, unit) in *roles {
            grants::ActiveModel {
                user_id: Set((*name).into()),
                programme: Set((*programme).into()),
                role: Set((*role).into()),
                org_unit_id: Set((*unit).into()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
        }
        api_tokens::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            user_id: Set((*name).into()),
            name: Set("test".into()),
            token_hash: Set(token_hash(&token(name))),
            created_at: Set(now),
            last_used_at: Set(None),
            revoked: Set(false),
            expires_at: Set(None),
            issued_by: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
    }
}
