//! Store tests for identity, on a temporary SQLite file and, when
//! `ANJUAN_TEST_POSTGRES_URL` names a server, on a fresh PostgreSQL database too.
//! Under CI (`CI` set) a missing PostgreSQL URL fails the tests instead of skipping.

use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::*;
use crate::auth::Via;
use crate::store::entities::users;

/// A fresh, migrated database of each kind available.
pub(crate) async fn databases() -> Vec<DatabaseConnection> {
    let dir = std::env::temp_dir().join(format!("anjuan-identity-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = crate::config::sqlite_url(&dir.join("anjuan.db"));
    let mut out = vec![crate::store::connect(&sqlite).await.unwrap()];
    match std::env::var("ANJUAN_TEST_POSTGRES_URL") {
        Ok(server) => out.push(postgres(&server).await),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!(
                "CI is set but ANJUAN_TEST_POSTGRES_URL is not: the PostgreSQL store tests cannot run"
            )
        }
        Err(_) => eprintln!(
            "note: ANJUAN_TEST_POSTGRES_URL is not set; identity store tests ran on SQLite only"
        ),
    }
    out
}

async fn postgres(server: &str) -> DatabaseConnection {
    let name = format!("anjuan_test_{}", uuid::Uuid::now_v7().simple());
    let admin = sea_orm::Database::connect(server).await.unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let base = server.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
    crate::store::connect(&format!("{base}/{name}"))
        .await
        .unwrap()
}

/// A plain active user.
pub(crate) async fn user(db: &impl ConnectionTrait, name: &str) -> users::Model {
    create_user(
        db,
        NewUser {
            username: name.into(),
            ..NewUser::default()
        },
    )
    .await
    .unwrap()
}

async fn unit(db: &impl ConnectionTrait, id: &str, parent: Option<&str>, kind: &str) {
    let new = NewOrgUnit {
        id: id.into(),
        parent_id: parent.map(Into::into),
        kind: kind.into(),
        name_zh: format!("{id}单位"),
        name_en: id.into(),
    };
    create_org_unit(db, new).await.unwrap();
}

/// city → county → {town-a → village-a1, town-b}
async fn tree(db: &impl ConnectionTrait) {
    unit(db, "city", None, "city").await;
    unit(db, "county", Some("city"), "county").await;
    unit(db, "town-a", Some("county"), "township").await;
    unit(db, "village-a1", Some("town-a"), "village").await;
    unit(db, "town-b", Some("county"), "township").await;
}

fn codes(e: crate::error::Error) -> Vec<(String, String)> {
    match e {
        crate::error::Error::Invalid(v) => v.into_iter().map(|v| (v.field, v.code)).collect(),
        other => panic!("expected violations, got {other:?}"),
    }
}

#[tokio::test]
async fn users_are_created_found_and_unique() {
    for db in databases().await {
        let u = user(&db, "li.hua").await;
        assert_eq!(u.display_name, "li.hua");
        assert_eq!(u.locale, "zh-CN");
        assert!(u.active && !u.is_admin);
        assert_eq!(
            user_by_username(&db, "li.hua").await.unwrap().unwrap().id,
            u.id
        );
        assert_eq!(find_user(&db, "li.hua").await.unwrap().id, u.id);
        assert_eq!(find_user(&db, &u.id).await.unwrap().username, "li.hua");
        let again = NewUser {
            username: "li.hua".into(),
            ..NewUser::default()
        };
        assert_eq!(
            codes(create_user(&db, again).await.unwrap_err()),
            [("/username".into(), "taken".into())]
        );
        let bad = NewUser {
            username: "Li Hua".into(),
            locale: "fr".into(),
            ..NewUser::default()
        };
        let c = codes(create_user(&db, bad).await.unwrap_err());
        assert!(
            c.contains(&("/username".into(), "bad-username".into())),
            "{c:?}"
        );
        assert!(
            c.contains(&("/locale".into(), "unknown-locale".into())),
            "{c:?}"
        );
        assert_eq!(users(&db).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn the_last_admin_stays_and_deactivation_ends_sessions() {
    for db in databases().await {
        let admin = user(&db, "root").await;
        set_admin(&db, &admin.id, true).await.unwrap();
        assert!(admin_exists(&db).await.unwrap());
        let c = codes(set_active(&db, &admin.id, false).await.unwrap_err());
        assert_eq!(c, [("/active".into(), "last-admin".into())]);
        let other = user(&db, "clerk").await;
        crate::auth::session::create(&db, &other.id, 12)
            .await
            .unwrap();
        set_active(&db, &other.id, false).await.unwrap();
        assert_eq!(
            delete_sessions_of(&db, &other.id).await.unwrap(),
            0,
            "sessions already ended"
        );
        assert!(
            load_caller(&db, &other.id, Via::Token)
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn org_paths_follow_the_parent_and_unknown_parents_are_refused() {
    for db in databases().await {
        tree(&db).await;
        let v = org_unit(&db, "village-a1").await.unwrap().unwrap();
        assert_eq!(v.path, "/city/county/town-a/village-a1/");
        let orphan = NewOrgUnit {
            id: "lost".into(),
            parent_id: Some("nowhere".into()),
            kind: "village".into(),
            name_zh: "迷失村".into(),
            name_en: "Lost".into(),
        };
        assert_eq!(
            codes(create_org_unit(&db, orphan).await.unwrap_err()),
            [("/parent_id".into(), "unknown-parent".into())]
        );
        let roots = org_tree(&db).await.unwrap();
        assert_eq!(roots.len(), 1);
        let county = &roots[0].children[0];
        let towns: Vec<&str> = county.children.iter().map(|n| n.unit.id.as_str()).collect();
        assert_eq!(towns, ["town-a", "town-b"]);
        assert_eq!(county.children[0].children[0].unit.id, "village-a1");
    }
}

#[tokio::test]
async fn a_move_that_would_make_a_cycle_is_refused() {
    for db in databases().await {
        tree(&db).await;
        for parent in ["town-a", "village-a1"] {
            let c = codes(move_org_unit(&db, "town-a", parent).await.unwrap_err());
            assert_eq!(c, [("/parent_id".into(), "cycle".into())]);
        }
        let moved = move_org_unit(&db, "town-a", "town-b").await.unwrap();
        assert_eq!(moved.path, "/city/county/town-b/town-a/");
        assert_eq!(moved.parent_id.as_deref(), Some("town-b"));
        let v = org_unit(&db, "village-a1").await.unwrap().unwrap();
        assert_eq!(v.path, "/city/county/town-b/town-a/village-a1/");
        let renamed = update_org_unit(&db, "town-b", None, Some("乙镇".into()), None)
            .await
            .unwrap();
        assert_eq!(renamed.name_zh, "乙镇");
        assert_eq!(renamed.name_en, "town-b");
    }
}

#[tokio::test]
async fn a_grant_reaches_its_subtree_but_not_a_sibling() {
    for db in databases().await {
        tree(&db).await;
        let cadre = user(&db, "cadre").await;
        let lead = user(&db, "lead").await;
        let all = user(&db, "all").await;
        for (u, programme, role, unit) in [
            (&cadre, "care", "village-cadre", "town-a"),
            (&lead, "care", "village-cadre", "county"),
            (&all, "*", "village-cadre", "city"),
        ] {
            let g = NewGrant {
                user_id: u.id.clone(),
                programme: programme.into(),
                role: role.into(),
                org_unit: unit.into(),
            };
            add_grant(&db, g.clone()).await.unwrap();
            add_grant(&db, g).await.unwrap();
        }
        assert_eq!(
            grants_of(&db, &cadre.id).await.unwrap().len(),
            1,
            "adding twice keeps one"
        );
        let in_village = holders(
            &db,
            "care",
            "village-cadre",
            "/city/county/town-a/village-a1/",
        )
        .await
        .unwrap();
        let mut expected = vec![cadre.id.clone(), lead.id.clone(), all.id.clone()];
        expected.sort();
        assert_eq!(in_village, expected);
        let in_sibling = holders(&db, "care", "village-cadre", "/city/county/town-b/")
            .await
            .unwrap();
        assert!(!in_sibling.contains(&cadre.id));
        assert!(in_sibling.contains(&lead.id));
        assert!(
            holders(&db, "care", "volunteer", "/city/")
                .await
                .unwrap()
                .is_empty()
        );
        let other_programme = holders(&db, "fire", "village-cadre", "/city/county/town-a/")
            .await
            .unwrap();
        assert_eq!(other_programme, [all.id.as_str()]);
        let caller = load_caller(&db, &cadre.id, Via::Token)
            .await
            .unwrap()
            .unwrap();
        assert!(caller.can_read("care", "/city/county/town-a/village-a1/"));
        assert!(!caller.can_read("care", "/city/county/town-b/"));
        assert!(!caller.can_read("care", "/city/county/"));
    }
}

#[tokio::test]
async fn grants_are_validated_and_removed() {
    for db in databases().await {
        tree(&db).await;
        let u = user(&db, "someone").await;
        let bad = NewGrant {
            user_id: "ghost".into(),
            programme: "Care!".into(),
            role: "".into(),
            org_unit: "atlantis".into(),
        };
        let c = codes(add_grant(&db, bad).await.unwrap_err());
        let fields: Vec<&str> = c.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["/user_id", "/programme", "/role", "/org_unit"]);
        let g = NewGrant {
            user_id: u.id.clone(),
            programme: "*".into(),
            role: "volunteer".into(),
            org_unit: "town-b".into(),
        };
        let row = add_grant(&db, g).await.unwrap();
        remove_grant(&db, row.id).await.unwrap();
        assert!(grants_of(&db, &u.id).await.unwrap().is_empty());
        assert!(remove_grant(&db, row.id).await.is_err());
    }
}
