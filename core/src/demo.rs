//! The demo county: an org tree (青城市 → 安县 → townships and villages, with the
//! county CDC, health commission, market-supervision bureau and its offices, a
//! contracted lab, hospitals), an `admin` user and one user per role of each shipped
//! programme, all with the password `demo`.
//!
//! [`seed_identity`] is idempotent: it adds what is missing and leaves the rest
//! (passwords included) as they are. Role grants sit at the unit a person's work
//! reaches: a county CDC officer at the county, a village cadre at the village.

use std::fmt;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;

use crate::auth::password;
use crate::error::{Error, Result};
use crate::store::identity::{self, NewGrant, NewOrgUnit, NewUser};

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "demo";

/// Ids of the demo org units that cases are opened at.
pub mod units {
    /// 青城市 (city).
    pub const CITY: &str = "qingcheng";
    /// 安县 (county).
    pub const COUNTY: &str = "anxian";
    /// 安县疾病预防控制中心.
    pub const CDC: &str = "anxian-cdc";
    /// 安县卫生健康委员会.
    pub const HEALTH_COMMISSION: &str = "anxian-health";
    /// 安县市场监督管理局.
    pub const MARKET_BUREAU: &str = "anxian-amr";
    /// 城关市场监督管理所 (the inspector's office).
    pub const MARKET_OFFICE: &str = "amr-chengguan";
    /// 河西市场监督管理所 (no inspector of its own: the bureau lead covers it).
    pub const MARKET_OFFICE_HEXI: &str = "amr-hexi";
    /// 青城华检检测技术有限公司 (承检机构).
    pub const LAB: &str = "qc-testing";
    /// 安县人民医院 (sentinel hospital, high-rise wards).
    pub const HOSPITAL: &str = "anxian-renmin";
    /// 安县中医医院.
    pub const TCM_HOSPITAL: &str = "anxian-tcm";
    /// 河西镇卫生院.
    pub const TOWNSHIP_HOSPITAL: &str = "hexi-wsy";
    /// 城关街道 (subdistrict; the inspector's township).
    pub const CHENGGUAN: &str = "chengguan";
    /// 河西镇 (the township leader's township).
    pub const HEXI: &str = "hexi";
    /// 山坪乡.
    pub const SHANPING: &str = "shanping";
    /// 刘家村 (the village cadre's and the volunteer's village).
    pub const VILLAGE: &str = "hexi-liujia";
    /// 王庄村 (the other village cadre's village).
    pub const OTHER_VILLAGE: &str = "hexi-wangzhuang";
}

/// (id, parent, kind, Chinese name, English name), parents first.
#[rustfmt::skip]
const UNITS: &[(&str, Option<&str>, &str, &str, &str)] = &[
    ("qingcheng", None, "city", "青城市", "Qingcheng City"),
    ("anxian", Some("qingcheng"), "county", "安县", "An County"),
    ("anxian-cdc", Some("anxian"), "cdc", "安县疾病预防控制中心", "An County CDC"),
    ("anxian-health", Some("anxian"), "health-commission", "安县卫生健康委员会", "An County Health Commission"),
    ("anxian-amr", Some("anxian"), "bureau", "安县市场监督管理局", "An County Market Supervision Bureau"),
    ("amr-chengguan", Some("anxian-amr"), "market-office", "城关市场监督管理所", "Chengguan Market Supervision Office"),
    ("amr-hexi", Some("anxian-amr"), "market-office", "河西市场监督管理所", "Hexi Market Supervision Office"),
    ("qc-testing", Some("anxian"), "lab", "青城华检检测技术有限公司", "Qingcheng Huajian Testing Co."),
    ("anxian-jsx", Some("anxian"), "association", "安县计划生育协会", "An County Family Planning Association"),
    ("anxian-renmin", Some("anxian"), "hospital", "安县人民医院", "An County People's Hospital"),
    ("anxian-tcm", Some("anxian"), "hospital", "安县中医医院", "An County Hospital of Traditional Chinese Medicine"),
    ("chengguan", Some("anxian"), "township", "城关街道", "Chengguan Subdistrict"),
    ("chengguan-dongjie", Some("chengguan"), "village", "东街社区", "Dongjie Community"),
    ("chengguan-xijie", Some("chengguan"), "village", "西街社区", "Xijie Community"),
    ("hexi", Some("anxian"), "township", "河西镇", "Hexi Town"),
    ("hexi-liujia", Some("hexi"), "village", "刘家村", "Liujia Village"),
    ("hexi-wangzhuang", Some("hexi"), "village", "王庄村", "Wangzhuang Village"),
    ("hexi-wsy", Some("hexi"), "hospital", "河西镇卫生院", "Hexi Town Health Centre"),
    ("shanping", Some("anxian"), "township", "山坪乡", "Shanping Township"),
    ("shanping-shangping", Some("shanping"), "village", "上坪村", "Shangping Village"),
    ("shanping-xiaping", Some("shanping"), "village", "下坪村", "Xiaping Village"),
];

const RISK: &str = "risk-monitoring";
const SAMPLING: &str = "sampling-disposal";
const CARE: &str = "special-family-care";
const FIRE: &str = "fire-safety-rectification";

/// (username, display name, administrator, grants as (programme, role, unit)).
type UserSpec = (
    &'static str,
    &'static str,
    bool,
    &'static [(&'static str, &'static str, &'static str)],
);

#[rustfmt::skip]
const USERS: &[UserSpec] = &[
    ("admin", "系统管理员", true, &[]),
    ("cdc", "李建华", false, &[(RISK, "cdc-officer", "anxian")]),
    ("hospital", "王晓燕", false, &[(RISK, "hospital-reporter", "anxian-renmin")]),
    ("health", "张国强", false, &[(RISK, "health-admin", "anxian")]),
    ("risk-admin", "赵丽", false, &[(RISK, "programme-admin", "anxian")]),
    ("sampler", "陈志明", false, &[(SAMPLING, "sampler", "anxian")]),
    ("inspector", "刘洋", false, &[(SAMPLING, "inspector", "amr-chengguan"), (SAMPLING, "inspector", "chengguan")]),
    ("market-lead", "孙卫东", false, &[(SAMPLING, "bureau-lead", "anxian"), (RISK, "food-regulator", "anxian")]),
    ("lab", "周敏", false, &[(SAMPLING, "lab", "anxian")]),
    ("sampling-admin", "吴静", false, &[(SAMPLING, "programme-admin", "anxian")]),
    ("township", "黄德明", false, &[(CARE, "township-leader", "hexi")]),
    ("village", "刘桂兰", false, &[(CARE, "village-cadre", "hexi-liujia")]),
    ("village2", "马国富", false, &[(CARE, "village-cadre", "hexi-wangzhuang")]),
    ("volunteer", "郑小红", false, &[(CARE, "volunteer", "hexi-liujia")]),
    ("association", "何秀英", false, &[(CARE, "association-staff", "anxian")]),
    ("care-admin", "罗敏", false, &[(CARE, "programme-admin", "anxian")]),
    ("facility", "林涛", false, &[(FIRE, "facility-manager", "anxian-renmin")]),
    ("fire-inspector", "郭海峰", false, &[(FIRE, "health-inspector", "anxian")]),
    ("fire-lead", "高建国", false, &[(FIRE, "bureau-lead", "anxian")]),
    ("fire-admin", "谢婷", false, &[(FIRE, "programme-admin", "anxian")]),
];

/// One demo user, for the start-up banner and the README.
#[derive(Debug, Clone, Serialize)]
pub struct DemoUser {
    /// User id (for case data that names a user, e.g. a family's contacts).
    pub id: String,
    /// Login name.
    pub username: String,
    /// Name to show.
    pub display_name: String,
    /// e.g. `special-family-care: village-cadre @ 刘家村`, or `administrator`.
    pub roles: String,
}

/// The demo users (all with [`DEMO_PASSWORD`]).
#[derive(Debug, Clone, Serialize)]
pub struct DemoDirectory {
    /// The shared password.
    pub password: String,
    /// Every demo user, in a sensible reading order.
    pub users: Vec<DemoUser>,
}

impl DemoDirectory {
    /// A demo user's id by login name.
    pub fn id_of(&self, username: &str) -> Option<&str> {
        self.users
            .iter()
            .find(|u| u.username == username)
            .map(|u| u.id.as_str())
    }
}

impl fmt::Display for DemoDirectory {
    /// A plain table: user name, name, roles.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "demo users (password `{}`):", self.password)?;
        for u in &self.users {
            writeln!(f, "  {:<16} {:<8} {}", u.username, u.display_name, u.roles)?;
        }
        Ok(())
    }
}

/// Add the demo org tree and users where missing; return the directory.
pub async fn seed_identity(db: &DatabaseConnection) -> Result<DemoDirectory> {
    let hash = tokio::task::spawn_blocking(|| password::hash(DEMO_PASSWORD))
        .await
        .map_err(|e| Error::Internal(format!("password hashing: {e}")))??;
    let txn = crate::store::begin_write(db).await?;
    seed_units(&txn).await?;
    let mut users = Vec::new();
    for spec in USERS {
        users.push(seed_user(&txn, spec, &hash).await?);
    }
    txn.commit().await?;
    Ok(DemoDirectory {
        password: DEMO_PASSWORD.into(),
        users,
    })
}

async fn seed_units(db: &impl ConnectionTrait) -> Result<()> {
    for (id, parent, kind, zh, en) in UNITS {
        if identity::org_unit(db, id).await?.is_some() {
            continue;
        }
        let new = NewOrgUnit {
            id: (*id).into(),
            parent_id: parent.map(Into::into),
            kind: (*kind).into(),
            name_zh: (*zh).into(),
            name_en: (*en).into(),
        };
        identity::create_org_unit(db, new).await?;
    }
    Ok(())
}

async fn seed_user(db: &impl ConnectionTrait, spec: &UserSpec, hash: &str) -> Result<DemoUser> {
    let (username, display_name, is_admin, grants) = *spec;
    let user = match identity::user_by_username(db, username).await? {
        Some(u) => u,
        None => {
            let new = NewUser {
                username: username.into(),
                display_name: display_name.into(),
                password_hash: Some(hash.to_owned()),
                is_admin,
                locale: "zh-CN".into(),
            };
            identity::create_user(db, new).await?
        }
    };
    let mut roles = Vec::new();
    for (programme, role, unit) in grants {
        let new = NewGrant {
            user_id: user.id.clone(),
            programme: (*programme).into(),
            role: (*role).into(),
            org_unit: (*unit).into(),
        };
        identity::add_grant(db, new).await?;
        let name = UNITS.iter().find(|u| u.0 == *unit).map_or(*unit, |u| u.3);
        roles.push(format!("{programme}: {role} @ {name}"));
    }
    if is_admin {
        roles.push("administrator".into());
    }
    Ok(DemoUser {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        roles: roles.join("; "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Via;
    use crate::store::identity::tests::databases;

    #[tokio::test]
    async fn the_demo_county_seeds_twice_without_change() {
        for db in databases().await {
            let first = seed_identity(&db).await.unwrap();
            let units_before = identity::org_units(&db).await.unwrap().len();
            let second = seed_identity(&db).await.unwrap();
            assert_eq!(units_before, UNITS.len());
            assert_eq!(identity::org_units(&db).await.unwrap().len(), UNITS.len());
            assert_eq!(identity::users(&db).await.unwrap().len(), USERS.len());
            assert_eq!(first.id_of("village"), second.id_of("village"));
            let admin = identity::user_by_username(&db, "admin")
                .await
                .unwrap()
                .unwrap();
            assert!(admin.is_admin);
            assert!(password::verify(
                DEMO_PASSWORD,
                admin.password_hash.as_deref().unwrap()
            ));
            assert!(first.to_string().contains("village2"));
        }
    }

    #[tokio::test]
    async fn demo_grants_reach_where_the_work_is() {
        for db in databases().await {
            let dir = seed_identity(&db).await.unwrap();
            let who = async |name: &str| {
                let id = dir.id_of(name).unwrap();
                identity::load_caller(&db, id, Via::Token)
                    .await
                    .unwrap()
                    .unwrap()
            };
            let path = async |id: &str| identity::org_unit(&db, id).await.unwrap().unwrap().path;
            let family = path(units::VILLAGE).await;
            assert_eq!(family, "/qingcheng/anxian/hexi/hexi-liujia/");
            for reader in [
                "village",
                "township",
                "volunteer",
                "association",
                "care-admin",
            ] {
                assert!(who(reader).await.can_read(CARE, &family), "{reader}");
            }
            assert!(
                !who("village2").await.can_read(CARE, &family),
                "the other village's cadre"
            );
            assert!(
                !who("cdc").await.can_read(CARE, &family),
                "another programme"
            );
            let ward = path(units::HOSPITAL).await;
            assert!(who("hospital").await.can_read(RISK, &ward));
            assert!(who("cdc").await.can_read(RISK, &ward));
            assert!(
                !who("hospital")
                    .await
                    .can_read(RISK, &path(units::TCM_HOSPITAL).await)
            );
            assert!(who("facility").await.can_read(FIRE, &ward));
            let town = path(units::CHENGGUAN).await;
            let holders = identity::holders(&db, SAMPLING, "inspector", &town)
                .await
                .unwrap();
            assert_eq!(holders, [dir.id_of("inspector").unwrap()]);
            let office = path(units::MARKET_OFFICE).await;
            assert!(who("inspector").await.can_read(SAMPLING, &office));
            assert!(who("market-lead").await.can_read(SAMPLING, &office));
        }
    }
}
