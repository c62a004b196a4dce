//! `anjuan user|grant|org|token …`: manage identity from the command line, straight
//! on the database (no server needed), and [`bootstrap_admin`], which creates the
//! first administrator from `ANJUAN_ADMIN_USER` and `ANJUAN_ADMIN_PASSWORD`.
//!
//! There is never a default password: a password comes from `--password-env VAR`,
//! `--password-stdin`, or a prompt when standard input is a terminal.

use sea_orm::DatabaseConnection;

use crate::auth::{password, token};
use crate::error::Error;
use crate::store::identity::{self, NewGrant, NewOrgUnit, NewUser, UserChanges};

mod commands;
mod known;
mod print;
mod secret;
#[cfg(test)]
mod tests;

pub use commands::{
    AddUser, AdminCommand, GrantCommand, OrgCommand, PasswordSource, TokenCommand, UserCommand,
};
use secret::read_password;

/// Run an identity command against the database.
pub async fn run(cmd: AdminCommand, db: &DatabaseConnection) -> anyhow::Result<()> {
    let result = match cmd {
        AdminCommand::User { command, .. } => user(command, db).await,
        AdminCommand::Grant { command, .. } => grant(command, db).await,
        AdminCommand::Org { command, .. } => org(command, db).await,
        AdminCommand::Token { command, .. } => token_cmd(command, db).await,
    };
    result.map_err(explain)
}

/// An error for a person at a terminal: every broken rule on its own line.
fn explain(e: anyhow::Error) -> anyhow::Error {
    match e.downcast::<Error>() {
        Ok(Error::Invalid(violations)) => {
            let lines: Vec<String> = violations
                .iter()
                .map(|v| {
                    format!(
                        "  {}: {} ({})",
                        v.field.trim_start_matches('/'),
                        v.message.en,
                        v.message.zh
                    )
                })
                .collect();
            anyhow::anyhow!("refused:\n{}", lines.join("\n"))
        }
        Ok(other) => other.into(),
        Err(e) => e,
    }
}

async fn user_add(args: AddUser, db: &DatabaseConnection) -> anyhow::Result<()> {
    let password_hash = match args.no_password {
        true => None,
        false => Some(password::hash_new(read_password(&args.password)?).await?),
    };
    let new = NewUser {
        username: args.name,
        display_name: args.display_name.unwrap_or_default(),
        password_hash,
        is_admin: args.admin,
        locale: args.locale,
    };
    let u = identity::create_user(db, new).await?;
    let role = if u.is_admin { ", administrator" } else { "" };
    println!("added user {} ({}){role}", u.username, u.id);
    Ok(())
}

async fn user(cmd: UserCommand, db: &DatabaseConnection) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add(args) => user_add(args, db).await?,
        UserCommand::List => print::users(&identity::users(db).await?),
        UserCommand::Passwd {
            name,
            password: source,
        } => {
            let u = identity::find_user(db, &name).await?;
            let hash = password::hash_new(read_password(&source)?).await?;
            identity::set_password(db, &u.id, hash).await?;
            println!("password of {} changed; their sessions ended", u.username);
        }
        UserCommand::Set {
            name,
            active,
            admin,
            display_name,
            locale,
        } => {
            let u = identity::find_user(db, &name).await?;
            let changes = UserChanges {
                display_name,
                locale,
                is_admin: admin,
                active,
                password_hash: None,
            };
            let u = identity::update_user(db, &u.id, changes).await?;
            print::users(&[u]);
        }
    }
    Ok(())
}

async fn grant(cmd: GrantCommand, db: &DatabaseConnection) -> anyhow::Result<()> {
    match cmd {
        GrantCommand::Add {
            user,
            role,
            org_unit,
            programme,
        } => {
            let u = identity::find_user(db, &user).await?;
            let known = known::Known::load(db).await?;
            identity::refuse_if_any(known.grant_refusals(&programme, &role, &org_unit))?;
            let g = identity::add_grant(
                db,
                NewGrant {
                    user_id: u.id,
                    programme,
                    role,
                    org_unit,
                },
            )
            .await?;
            println!(
                "grant {}: {} holds {}/{} at {}",
                g.id, u.username, g.programme, g.role, g.org_unit_id
            );
        }
        GrantCommand::Remove { id } => {
            identity::remove_grant(db, id).await?;
            println!("grant {id} removed");
        }
        GrantCommand::List { user } => {
            let u = identity::find_user(db, &user).await?;
            print::grants(&identity::grants_of(db, &u.id).await?);
        }
    }
    Ok(())
}

async fn org(cmd: OrgCommand, db: &DatabaseConnection) -> anyhow::Result<()> {
    match cmd {
        OrgCommand::Add {
            id,
            parent,
            kind,
            zh,
            en,
        } => {
            let new = NewOrgUnit {
                id,
                parent_id: parent,
                kind,
                name_zh: zh,
                name_en: en,
            };
            let u = identity::create_org_unit(db, new).await?;
            println!("added {} {}", u.path, u.name_zh);
        }
        OrgCommand::List => print::tree(&identity::org_tree(db).await?, 0),
        OrgCommand::Rename { id, zh, en, kind } => {
            let u = identity::update_org_unit(db, &id, kind, zh, en).await?;
            println!("{} {} / {} ({})", u.path, u.name_zh, u.name_en, u.kind);
        }
        OrgCommand::Move { id, parent } => {
            let txn = crate::store::begin_write(db).await?;
            let u = identity::move_org_unit(&txn, &id, &parent).await?;
            txn.commit().await?;
            println!("moved to {}", u.path);
        }
    }
    Ok(())
}

async fn token_cmd(cmd: TokenCommand, db: &DatabaseConnection) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create { user, name } => {
            let u = identity::find_user(db, &user).await?;
            let issued = token::issue(db, &u.id, &name).await?;
            eprintln!(
                "token {} for {} (shown once; store it now):",
                issued.row.id, u.username
            );
            println!("{}", issued.token);
        }
        TokenCommand::Revoke { id } => {
            identity::revoke_token(db, &id).await?;
            println!("token {id} revoked");
        }
        TokenCommand::List { user } => {
            let id = match user {
                Some(name) => Some(identity::find_user(db, &name).await?.id),
                None => None,
            };
            print::tokens(&identity::tokens(db, id.as_deref()).await?);
        }
    }
    Ok(())
}

/// Create the first administrator from `ANJUAN_ADMIN_USER` and
/// `ANJUAN_ADMIN_PASSWORD` when no active administrator exists. Without them the
/// server starts anyway and logs how to create one; with only one of them it refuses.
pub async fn bootstrap_admin(db: &DatabaseConnection) -> crate::error::Result<()> {
    let user = std::env::var("ANJUAN_ADMIN_USER")
        .ok()
        .filter(|s| !s.is_empty());
    let pass = std::env::var("ANJUAN_ADMIN_PASSWORD")
        .ok()
        .filter(|s| !s.is_empty());
    bootstrap_admin_from(db, user, pass).await
}

/// [`bootstrap_admin`] with the values given (for tests).
pub async fn bootstrap_admin_from(
    db: &DatabaseConnection,
    user: Option<String>,
    pass: Option<String>,
) -> crate::error::Result<()> {
    if identity::admin_exists(db).await? {
        if user.is_some() {
            tracing::info!("an administrator exists; ANJUAN_ADMIN_USER is ignored");
        }
        return Ok(());
    }
    let (user, pass) = match (user, pass) {
        (Some(u), Some(p)) => (u, p),
        (None, None) => {
            tracing::warn!(
                "no administrator yet: run `anjuan user add NAME --admin`, or set ANJUAN_ADMIN_USER and ANJUAN_ADMIN_PASSWORD"
            );
            return Ok(());
        }
        _ => {
            return Err(crate::error::bad_request(
                "ANJUAN_ADMIN_PASSWORD",
                "set both ANJUAN_ADMIN_USER and ANJUAN_ADMIN_PASSWORD, or neither",
            ));
        }
    };
    if identity::user_by_username(db, &user).await?.is_some() {
        return Err(crate::error::bad_request(
            "ANJUAN_ADMIN_USER",
            format!(
                "user `{user}` exists but is not an active administrator; use `anjuan user set {user} --admin true --active true`"
            ),
        ));
    }
    let new = NewUser {
        username: user,
        display_name: "管理员 Administrator".into(),
        password_hash: Some(password::hash_new(pass).await?),
        is_admin: true,
        locale: "zh-CN".into(),
    };
    let u = identity::create_user(db, new).await?;
    tracing::info!(user = %u.username, "created the first administrator from ANJUAN_ADMIN_USER");
    Ok(())
}
