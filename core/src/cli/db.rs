//! Where the database is, for the commands that work on it without serving
//! (`user`, `grant`, `org`, `token`, `audit`): the same `--config`, `--data` and
//! `--database-url` (and their environment variables) as `anjuan serve`.
//!
//! Unlike `serve`, these commands never create a database: run from the wrong folder,
//! they would otherwise make an empty `./data/anjuan.db` and report a user or grant
//! added to a database no server reads.

use std::path::PathBuf;

use anyhow::{Context, bail};
use sea_orm::DatabaseConnection;

use crate::config::ServeArgs;

/// The database flags of the administration commands.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DbArgs {
    /// A TOML file as `anjuan serve --config` reads (its `data` and `database_url`).
    #[arg(long, env = "ANJUAN_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Data folder holding `anjuan.db` [default: ./data].
    #[arg(long, env = "ANJUAN_DATA", global = true)]
    pub data: Option<PathBuf>,
    /// Database URL; `postgres://…` for PostgreSQL [default: SQLite under --data].
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
}

impl DbArgs {
    /// The database URL these flags name, resolved as `serve` resolves it.
    pub fn url(&self) -> anyhow::Result<String> {
        let serve = ServeArgs {
            config: self.config.clone(),
            data: self.data.clone(),
            database_url: self.database_url.clone(),
            ..ServeArgs::default()
        };
        Ok(serve.resolve()?.database_url)
    }

    /// Connect to a database that exists already (and bring its schema up to date, as
    /// the server does at start). A SQLite file that is not there is an error naming
    /// the file and the flags, never a new empty database.
    pub async fn connect_existing(&self) -> anyhow::Result<DatabaseConnection> {
        let url = self.url()?;
        let url = match sqlite_file(&url) {
            Some(file) => {
                if !std::path::Path::new(&file).is_file() {
                    bail!(
                        "there is no database at {file}: run this where `anjuan serve` keeps its data, \
                         or say where with --data DIR, --database-url URL or --config FILE"
                    );
                }
                format!("sqlite://{file}?mode=rw")
            }
            None => url,
        };
        crate::store::connect(&url)
            .await
            .with_context(|| format!("cannot open the database {}", redacted(&url)))
    }
}

/// The file of a `sqlite://` URL, without its options.
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://")?;
    Some(rest.split('?').next().unwrap_or(rest).to_owned())
}

/// A URL without its password, for messages.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:…{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_missing_sqlite_database_is_refused_and_not_created() {
        let dir = std::env::temp_dir().join(format!("anjuan-db-args-{}", std::process::id()));
        let args = DbArgs {
            data: Some(dir.clone()),
            ..DbArgs::default()
        };
        let err = args.connect_existing().await.unwrap_err().to_string();
        assert!(err.contains("there is no database at"), "{err}");
        assert!(err.contains("--data"), "{err}");
        assert!(!dir.exists(), "nothing was created");
    }

    #[test]
    fn urls_in_messages_hide_the_password() {
        assert_eq!(
            redacted("postgres://anjuan:secret@db:5432/anjuan"),
            "postgres://anjuan:…@db:5432/anjuan"
        );
        assert_eq!(
            redacted("sqlite://data/anjuan.db?mode=rw"),
            "sqlite://data/anjuan.db?mode=rw"
        );
    }
}
