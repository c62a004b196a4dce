//! `anjuan backup` and `anjuan restore`: a consistent copy of a SQLite database taken
//! while the server keeps serving, and putting such a copy back into an empty data
//! folder. Both check the copy's audit chains before they report success.
//!
//! The copy is made with SQLite's `VACUUM INTO`, which reads the database inside one
//! read transaction: it holds exactly the transactions committed when it began, never
//! half of one, and writers go on meanwhile (the database runs in WAL mode). Uploaded
//! files live in the database (`files.content`), so the one file holds everything a
//! restore needs; the data folder's other contents are a compile cache the server
//! rebuilds and optional template overrides, which are copied as files by the operator
//! (see docs/operations.md). PostgreSQL is backed up with `pg_dump`, not here.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

/// Backup and restore of a SQLite deployment.
#[derive(Debug, clap::Subcommand)]
pub enum BackupCommand {
    /// Copy the live SQLite database to FILE (which must not exist), consistently,
    /// while the server runs; then verify the copy's audit chains.
    Backup {
        /// Where to write the copy.
        file: PathBuf,
        /// Database URL [default: SQLite under --data].
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
        /// Data folder [default: ./data].
        #[arg(long, env = "ANJUAN_DATA")]
        data: Option<PathBuf>,
    },
    /// Put a copy made by `anjuan backup` into an empty data folder (never over an
    /// existing database); then verify its audit chains.
    Restore {
        /// The copy to restore.
        file: PathBuf,
        /// The data folder to restore into [default: ./data].
        #[arg(long, env = "ANJUAN_DATA")]
        data: Option<PathBuf>,
    },
}

/// What a backup or restore found when it checked the copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// Events whose chain links were verified.
    pub events: usize,
    /// Cases in the copy.
    pub cases: i64,
}

/// Run a backup or restore command, printing what was done.
pub async fn run(command: BackupCommand) -> anyhow::Result<()> {
    match command {
        BackupCommand::Backup {
            file,
            database_url,
            data,
        } => {
            let url = database_url
                .unwrap_or_else(|| crate::config::sqlite_url(&data_dir(data).join("anjuan.db")));
            let checked = backup(&url, &file).await?;
            println!(
                "ok: {} written: {} cases, {} events, every audit chain holds",
                file.display(),
                checked.cases,
                checked.events
            );
        }
        BackupCommand::Restore { file, data } => {
            let dir = data_dir(data);
            let checked = restore(&file, &dir).await?;
            println!(
                "ok: restored into {}: {} cases, {} events, every audit chain holds; start the server on this data folder",
                dir.display(),
                checked.cases,
                checked.events
            );
        }
    }
    Ok(())
}

fn data_dir(data: Option<PathBuf>) -> PathBuf {
    data.unwrap_or_else(|| PathBuf::from("data"))
}

/// Copy the SQLite database at `url` to `out` (which must not exist) while others keep
/// writing, then verify the copy.
pub async fn backup(url: &str, out: &Path) -> anyhow::Result<Checked> {
    if !url.starts_with("sqlite:") {
        bail!(
            "`anjuan backup` copies SQLite databases; back up PostgreSQL with pg_dump (see docs/operations.md)"
        );
    }
    if out.exists() {
        bail!("{} exists already; choose a new file name", out.display());
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let target = out
        .to_str()
        .context("the backup file name must be valid UTF-8")?;
    let live = open(url).await?;
    // One statement, one read transaction: the copy is the database as of its start.
    live.execute_unprepared(&format!("VACUUM INTO '{}'", target.replace('\'', "''")))
        .await
        .with_context(|| format!("cannot write the copy to {}", out.display()))?;
    live.close().await.ok();
    private(out)?;
    check(out).await
}

/// Put the copy `file` into the data folder `dir` as its `anjuan.db`. Refuses when the
/// folder already holds a database (or anything but an empty plugin cache and
/// templates): a restore never overwrites.
pub async fn restore(file: &Path, dir: &Path) -> anyhow::Result<Checked> {
    if !file.is_file() {
        bail!("{} is not a backup file", file.display());
    }
    let db = dir.join("anjuan.db");
    if dir.exists() {
        let taken: Vec<String> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("anjuan.db"))
            .collect();
        if !taken.is_empty() {
            bail!(
                "{} already holds a database ({}); restore into an empty data folder",
                dir.display(),
                taken.join(", ")
            );
        }
    }
    // Check the copy before it goes anywhere: a damaged one is refused.
    check(file).await.context("the backup does not verify")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = dir.join(format!(".anjuan.db.restoring{}", std::process::id()));
    std::fs::copy(file, &tmp).with_context(|| format!("cannot copy into {}", dir.display()))?;
    private(&tmp)?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    // A link, not a rename: it fails if a database appeared meanwhile.
    std::fs::hard_link(&tmp, &db)
        .with_context(|| format!("{} appeared meanwhile; not overwritten", db.display()))?;
    std::fs::remove_file(&tmp).ok();
    check(&db).await
}

/// Open the copy at `path` (without migrating it) and verify every audit chain.
async fn check(path: &Path) -> anyhow::Result<Checked> {
    let db = open(&format!("sqlite://{}?mode=ro", path.display())).await?;
    // A keyed chain needs the key: from the environment, as `serve` reads it.
    let keys = crate::config::AuditArgs::from_env().keys()?;
    let report = crate::service::audit::verify(&db, keys.as_deref(), |_, _| {}).await?;
    let (events, broken) = (report.events, &report.broken);
    if let Some(b) = broken.first() {
        bail!(
            "{}: the audit chain of case {} breaks at event {}: {} ({} broken chain(s))",
            path.display(),
            b.case_id,
            b.seq,
            b.reason,
            broken.len()
        );
    }
    if let Some(p) = report.checkpoints.problems.first() {
        bail!(
            "{}: the audit checkpoints do not hold: {}{} ({} problem(s))",
            path.display(),
            p.case_id
                .as_deref()
                .map(|id| format!("case {id}: "))
                .unwrap_or_default(),
            p.reason,
            report.checkpoints.problems.len()
        );
    }
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM cases",
        ))
        .await?
        .context("no answer counting cases")?;
    let cases: i64 = row.try_get("", "n")?;
    db.close().await.ok();
    Ok(Checked { events, cases })
}

async fn open(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .max_connections(1)
        .map_sqlx_sqlite_opts(|o| o.busy_timeout(std::time::Duration::from_secs(30)));
    Database::connect(options)
        .await
        .with_context(|| format!("cannot open {url}"))
}

/// The copy holds every family's ID number: readable by the server's user only.
#[cfg(unix)]
fn private(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot restrict {}", path.display()))
}

#[cfg(not(unix))]
fn private(_: &Path) -> anyhow::Result<()> {
    Ok(())
}
