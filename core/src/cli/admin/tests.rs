//! The identity commands, parsed as the binary parses them and run on a temporary
//! database.

use clap::{CommandFactory, Parser};
use sea_orm::DatabaseConnection;

use super::*;
use crate::store::identity::tests::databases;

#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: AdminCommand,
}

fn parse(args: &[&str]) -> AdminCommand {
    let mut argv = vec!["anjuan"];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv).unwrap().cmd
}

#[test]
fn the_commands_parse_and_password_sources_exclude_each_other() {
    Cli::command().debug_assert();
    assert!(matches!(
        parse(&["user", "add", "li", "--admin", "--password-env", "PW"]),
        AdminCommand::User {
            command: UserCommand::Add(AddUser { admin: true, .. }),
            ..
        }
    ));
    assert!(matches!(
        parse(&[
            "grant",
            "add",
            "li",
            "village-cadre",
            "hexi-liujia",
            "--programme",
            "special-family-care"
        ]),
        AdminCommand::Grant {
            command: GrantCommand::Add { .. },
            ..
        }
    ));
    assert!(matches!(
        parse(&[
            "org",
            "add",
            "hexi",
            "--parent",
            "anxian",
            "--kind",
            "township",
            "--zh",
            "河西镇",
            "--en",
            "Hexi"
        ]),
        AdminCommand::Org {
            command: OrgCommand::Add { .. },
            ..
        }
    ));
    let at = parse(&["grant", "list", "li", "--data", "/srv/anjuan"]);
    assert_eq!(
        at.db().data.as_deref(),
        Some(std::path::Path::new("/srv/anjuan"))
    );
    assert!(matches!(
        parse(&["token", "create", "li", "export"]),
        AdminCommand::Token {
            command: TokenCommand::Create { .. },
            ..
        }
    ));
    let both = [
        "anjuan",
        "user",
        "passwd",
        "li",
        "--password-env",
        "PW",
        "--password-stdin",
    ];
    assert!(Cli::try_parse_from(both).is_err());
    let none_and_env = [
        "anjuan",
        "user",
        "add",
        "li",
        "--no-password",
        "--password-env",
        "PW",
    ];
    assert!(Cli::try_parse_from(none_and_env).is_err());
}

/// Store the shipped workflow files as the server does at start.
async fn store_shipped_workflows(db: &DatabaseConnection) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows");
    let (defs, errors) = crate::workflow::load_dir(&dir);
    assert!(errors.is_empty(), "{errors:?}");
    crate::store::definitions::sync(db, defs, errors, Vec::new())
        .await
        .unwrap();
}

/// Run one command line (words split on spaces).
async fn sh(db: &DatabaseConnection, line: &str) -> anyhow::Result<()> {
    let words: Vec<&str> = line.split(' ').collect();
    run(parse(&words), db).await
}

#[tokio::test]
async fn users_units_grants_and_tokens_are_managed_from_the_command_line() {
    for db in databases().await {
        // PATH is set wherever tests run and is longer than the minimum length.
        let path = std::env::var("PATH").unwrap();
        sh(&db, "user add li --admin --password-env PATH")
            .await
            .unwrap();
        let li = identity::user_by_username(&db, "li")
            .await
            .unwrap()
            .unwrap();
        assert!(li.is_admin);
        assert!(password::verify(
            &path,
            li.password_hash.as_deref().unwrap()
        ));
        sh(&db, "user add robot --no-password").await.unwrap();
        let err = sh(&db, "user add robot --no-password").await.unwrap_err();
        assert!(
            err.to_string()
                .contains("username: this user name is taken"),
            "{err}"
        );
        sh(
            &db,
            "org add qingcheng --kind city --zh 青城市 --en Qingcheng",
        )
        .await
        .unwrap();
        sh(
            &db,
            "org add anxian --parent qingcheng --kind county --zh 安县 --en An",
        )
        .await
        .unwrap();
        sh(&db, "org list").await.unwrap();
        store_shipped_workflows(&db).await;
        sh(
            &db,
            "grant add robot cdc-officer anxian --programme risk-monitoring",
        )
        .await
        .unwrap();
        let err = sh(
            &db,
            "grant add robot cdc-oficer anxain --programme risk-monitorin",
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("there is no org unit `anxain` (did you mean `anxian`?)")
                && err.contains(
                    "there is no programme `risk-monitorin` (did you mean `risk-monitoring`?)"
                ),
            "{err}"
        );
        let err = sh(
            &db,
            "grant add robot cdc-oficer anxian --programme risk-monitoring",
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("declares no role `cdc-oficer` (did you mean `cdc-officer`?)"),
            "{err}"
        );
        let robot = identity::user_by_username(&db, "robot")
            .await
            .unwrap()
            .unwrap();
        let grants = identity::grants_of(&db, &robot.id).await.unwrap();
        assert_eq!(grants[0].org_path, "/qingcheng/anxian/");
        sh(&db, "token create robot export").await.unwrap();
        let t = identity::tokens(&db, Some(&robot.id))
            .await
            .unwrap()
            .remove(0);
        sh(&db, &format!("token revoke {}", t.id)).await.unwrap();
        assert!(identity::token(&db, &t.id).await.unwrap().unwrap().revoked);
        sh(&db, "user set robot --active false").await.unwrap();
        sh(&db, "user list").await.unwrap();
        let err = sh(&db, "user set li --admin false").await.unwrap_err();
        assert!(err.to_string().contains("last administrator"), "{err}");
    }
}

#[tokio::test]
async fn the_first_administrator_comes_from_the_environment_once() {
    for db in databases().await {
        bootstrap_admin_from(&db, None, None).await.unwrap();
        assert!(
            !identity::admin_exists(&db).await.unwrap(),
            "no default administrator"
        );
        assert!(
            bootstrap_admin_from(&db, Some("boss".into()), None)
                .await
                .is_err()
        );
        assert!(
            bootstrap_admin_from(&db, Some("boss".into()), Some("short".into()))
                .await
                .is_err()
        );
        bootstrap_admin_from(&db, Some("boss".into()), Some("a long secret".into()))
            .await
            .unwrap();
        let boss = identity::user_by_username(&db, "boss")
            .await
            .unwrap()
            .unwrap();
        assert!(
            boss.is_admin
                && password::verify("a long secret", boss.password_hash.as_deref().unwrap())
        );
        bootstrap_admin_from(&db, Some("other".into()), Some("another secret".into()))
            .await
            .unwrap();
        assert!(
            identity::user_by_username(&db, "other")
                .await
                .unwrap()
                .is_none(),
            "an admin exists already"
        );
    }
}
