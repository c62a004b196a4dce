//! The identity commands' arguments (clap derive).

use clap::Subcommand;

use crate::cli::db::DbArgs;

/// Identity commands; flatten into the binary's command enum. Each takes the
/// database flags of [`DbArgs`] (before or after its own arguments).
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Users: add, list, set a password, change.
    User {
        /// What to do.
        #[command(subcommand)]
        command: UserCommand,
        /// Which database.
        #[command(flatten)]
        db: DbArgs,
    },
    /// Roles held at org units.
    Grant {
        /// What to do.
        #[command(subcommand)]
        command: GrantCommand,
        /// Which database.
        #[command(flatten)]
        db: DbArgs,
    },
    /// The org-unit tree.
    Org {
        /// What to do.
        #[command(subcommand)]
        command: OrgCommand,
        /// Which database.
        #[command(flatten)]
        db: DbArgs,
    },
    /// API tokens for machines.
    Token {
        /// What to do.
        #[command(subcommand)]
        command: TokenCommand,
        /// Which database.
        #[command(flatten)]
        db: DbArgs,
    },
}

impl AdminCommand {
    /// The database the command works on.
    pub fn db(&self) -> &DbArgs {
        match self {
            AdminCommand::User { db, .. }
            | AdminCommand::Grant { db, .. }
            | AdminCommand::Org { db, .. }
            | AdminCommand::Token { db, .. } => db,
        }
    }
}

/// Where a password comes from (a terminal prompt when neither is given).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PasswordSource {
    /// Read the password from this environment variable.
    #[arg(long, value_name = "VAR", conflicts_with = "password_stdin")]
    pub password_env: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

/// `anjuan user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is asked for on a terminal (there is no default).
    Add(AddUser),
    /// List users.
    List,
    /// Set a user's password (ends their sessions).
    Passwd {
        /// Login name.
        name: String,
        /// Where the password comes from.
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Change a user: activate or deactivate, administrator or not, names.
    Set {
        /// Login name.
        name: String,
        /// `false` deactivates: no sign-in, no tokens.
        #[arg(long)]
        active: Option<bool>,
        /// Administrator or not.
        #[arg(long)]
        admin: Option<bool>,
        /// Name to show.
        #[arg(long)]
        display_name: Option<String>,
        /// `zh-CN` or `en`.
        #[arg(long)]
        locale: Option<String>,
    },
}

/// `anjuan user add …`
#[derive(Debug, clap::Args)]
pub struct AddUser {
    /// Login name.
    pub name: String,
    /// Make the user an administrator.
    #[arg(long)]
    pub admin: bool,
    /// Name to show [default: the login name].
    #[arg(long)]
    pub display_name: Option<String>,
    /// `zh-CN` or `en`.
    #[arg(long, default_value = "zh-CN")]
    pub locale: String,
    /// No password: the user works through API tokens only.
    #[arg(long, conflicts_with_all = ["password_env", "password_stdin"])]
    pub no_password: bool,
    /// Where the password comes from.
    #[command(flatten)]
    pub password: PasswordSource,
}

/// `anjuan grant …`
#[derive(Debug, Subcommand)]
pub enum GrantCommand {
    /// Give a user a role at an org unit (it reaches the unit's whole subtree).
    Add {
        /// Login name.
        user: String,
        /// Role id, e.g. `village-cadre`: one the programme's workflow declares.
        role: String,
        /// Org unit id (see `anjuan org list`).
        org_unit: String,
        /// Programme id, as stored by the server; `*` means every programme.
        #[arg(long, default_value = "*")]
        programme: String,
    },
    /// Take a grant away.
    Remove {
        /// Grant id (see `grant list`).
        id: i32,
    },
    /// A user's grants.
    List {
        /// Login name.
        user: String,
    },
}

/// `anjuan org …`
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Add an org unit.
    Add {
        /// Slug id, e.g. `hexi`.
        id: String,
        /// Parent unit id (none for a root, such as a city).
        #[arg(long)]
        parent: Option<String>,
        /// Kind: city, county, township, village, hospital…
        #[arg(long)]
        kind: String,
        /// Chinese name.
        #[arg(long)]
        zh: String,
        /// English name.
        #[arg(long)]
        en: String,
    },
    /// Show the tree.
    List,
    /// Rename a unit or change its kind.
    Rename {
        /// Unit id.
        id: String,
        /// New Chinese name.
        #[arg(long)]
        zh: Option<String>,
        /// New English name.
        #[arg(long)]
        en: Option<String>,
        /// New kind.
        #[arg(long)]
        kind: Option<String>,
    },
    /// Move a unit and its subtree under another parent.
    Move {
        /// Unit id.
        id: String,
        /// The new parent's id.
        #[arg(long)]
        parent: String,
    },
}

/// `anjuan token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token and print it once.
    Create {
        /// Login name of the user the token acts as.
        user: String,
        /// What the token is for.
        name: String,
    },
    /// Revoke a token.
    Revoke {
        /// Token id (see `token list`).
        id: String,
    },
    /// List tokens (never their secrets).
    List {
        /// Only this user's.
        user: Option<String>,
    },
}
