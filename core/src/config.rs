//! Server configuration in layers: defaults → TOML file → environment → flags.
//!
//! clap reads flags and environment variables (a flag wins over its variable); any
//! setting left unset there is taken from the TOML file, then from the default.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ipnet::IpNet;
use serde::Deserialize;

use crate::store::chain::{AuditKeys, ChainKey};

/// `anjuan serve` flags; each has an environment variable and a TOML key of the same name.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {
    /// A TOML file with any of the settings below (keys as the flag names, `_` for `-`).
    #[arg(long, env = "ANJUAN_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "ANJUAN_BIND")]
    pub bind: Option<SocketAddr>,
    /// Folder for the SQLite database and the plugin cache [default: ./data].
    #[arg(long, env = "ANJUAN_DATA")]
    pub data: Option<PathBuf>,
    /// Folder of workflow definitions, one sub-folder per programme [default: ./workflows].
    #[arg(long, env = "ANJUAN_WORKFLOWS")]
    pub workflows: Option<PathBuf>,
    /// Folder of plugins (`.wasm` with their manifests) [default: ./target/plugins].
    #[arg(long, env = "ANJUAN_PLUGINS")]
    pub plugins: Option<PathBuf>,
    /// Folder of working-day calendar files that add to or replace the built-in years
    /// [default: ./calendar].
    #[arg(long, env = "ANJUAN_CALENDAR")]
    pub calendar: Option<PathBuf>,
    /// Database URL; `postgres://…` runs on PostgreSQL [default: SQLite under --data].
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Time zone of the deployment [default: Asia/Shanghai].
    #[arg(long, env = "ANJUAN_TIMEZONE")]
    pub timezone: Option<chrono_tz::Tz>,
    /// Seed a demo county with users (password `demo`) and cases; loopback only.
    #[arg(long, env = "ANJUAN_DEMO")]
    pub demo: bool,
    /// Seconds between deadline and schedule sweeps [default: 30].
    #[arg(long, env = "ANJUAN_WORKER_INTERVAL")]
    pub worker_interval: Option<u64>,
    /// Mark cookies `Secure` (set when serving behind TLS) [default: false].
    #[arg(long, env = "ANJUAN_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// Hours a session lasts without use [default: 12].
    #[arg(long, env = "ANJUAN_SESSION_HOURS")]
    pub session_hours: Option<i64>,
    /// Largest file a user may upload, in MiB [default: 20].
    #[arg(long, env = "ANJUAN_MAX_UPLOAD_MIB")]
    pub max_upload_mib: Option<u64>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (addresses or
    /// ranges, comma-separated, e.g. `127.0.0.1,10.0.0.0/8`) [default: none].
    #[arg(long, env = "ANJUAN_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_proxy)]
    pub trusted_proxies: Vec<IpNet>,
    /// A secret `/metrics` requires as `Authorization: Bearer …` [default: none, open].
    #[arg(long, env = "ANJUAN_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub audit: AuditArgs,
    /// Seconds between audit checkpoints over every case's chain head [default: 3600].
    #[arg(long, env = "ANJUAN_AUDIT_CHECKPOINT_INTERVAL")]
    pub audit_checkpoint_interval: Option<u64>,
}

/// Where the audit key comes from (`serve`, and `audit verify`/`checkpoint`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct AuditArgs {
    /// A file of audit keys, one per line, the current key first and retired keys
    /// after it: events and checkpoints are then hashed with HMAC-SHA256 under the
    /// current key [default: none, plain SHA-256].
    #[arg(long, env = "ANJUAN_AUDIT_KEY_FILE", global = true)]
    pub audit_key_file: Option<PathBuf>,
    /// The audit key itself (instead of a file; at least 16 bytes).
    #[arg(
        long = "audit-key",
        env = "ANJUAN_AUDIT_KEY",
        hide_env_values = true,
        global = true
    )]
    pub audit_key: Option<String>,
}

impl AuditArgs {
    /// The key settings of the environment alone (`ANJUAN_AUDIT_KEY_FILE`,
    /// `ANJUAN_AUDIT_KEY`), for commands without the flags.
    pub fn from_env() -> AuditArgs {
        AuditArgs {
            audit_key_file: std::env::var_os("ANJUAN_AUDIT_KEY_FILE").map(PathBuf::from),
            audit_key: std::env::var("ANJUAN_AUDIT_KEY").ok(),
        }
    }

    /// The keys named, if any (the file wins over the variable).
    pub fn keys(&self) -> Result<Option<Arc<AuditKeys>>, ConfigError> {
        self.keys_or(None)
    }

    fn keys_or(&self, file: Option<&Path>) -> Result<Option<Arc<AuditKeys>>, ConfigError> {
        let keys = match (&self.audit_key_file, &self.audit_key, file) {
            (Some(path), _, _) => AuditKeys::read(path),
            (None, Some(text), _) => AuditKeys::parse(text),
            (None, None, Some(path)) => AuditKeys::read(path),
            (None, None, None) => return Ok(None),
        };
        keys.map(|k| Some(Arc::new(k)))
            .map_err(|message| ConfigError::AuditKey { message })
    }
}

/// The same settings, as read from the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<SocketAddr>,
    data: Option<PathBuf>,
    workflows: Option<PathBuf>,
    plugins: Option<PathBuf>,
    calendar: Option<PathBuf>,
    database_url: Option<String>,
    timezone: Option<chrono_tz::Tz>,
    demo: Option<bool>,
    worker_interval: Option<u64>,
    secure_cookies: Option<bool>,
    session_hours: Option<i64>,
    max_upload_mib: Option<u64>,
    trusted_proxies: Option<Vec<String>>,
    metrics_token: Option<String>,
    audit_key_file: Option<PathBuf>,
    audit_checkpoint_interval: Option<u64>,
}

/// The settings the server runs with.
#[derive(Clone)]
pub struct Config {
    /// Listen address.
    pub bind: SocketAddr,
    /// Data folder.
    pub data: PathBuf,
    /// Workflows folder.
    pub workflows: PathBuf,
    /// Plugins folder.
    pub plugins: PathBuf,
    /// Calendar override folder.
    pub calendar: PathBuf,
    /// Database URL.
    pub database_url: String,
    /// Deployment time zone.
    pub timezone: chrono_tz::Tz,
    /// Demo mode.
    pub demo: bool,
    /// Worker sweep interval in seconds.
    pub worker_interval: u64,
    /// `Secure` cookies.
    pub secure_cookies: bool,
    /// Session lifetime in hours.
    pub session_hours: i64,
    /// Largest upload accepted, in bytes.
    pub max_upload_bytes: u64,
    /// Proxies trusted to name the client in `X-Forwarded-For`.
    pub trusted_proxies: Vec<IpNet>,
    /// The secret `/metrics` asks for, if any.
    pub metrics_token: Option<String>,
    /// Audit keys: the current one hashes new events and checkpoints.
    pub audit_keys: Option<Arc<AuditKeys>>,
    /// Seconds between audit checkpoints.
    pub audit_checkpoint_interval: u64,
}

impl Config {
    /// The key new events and checkpoints are hashed with, if any.
    pub fn audit_key(&self) -> Option<&ChainKey> {
        self.audit_keys.as_deref().map(AuditKeys::current)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("data", &self.data)
            .field("workflows", &self.workflows)
            .field("plugins", &self.plugins)
            .field("calendar", &self.calendar)
            .field("database_url", &redact(&self.database_url))
            .field("timezone", &self.timezone)
            .field("demo", &self.demo)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("audit_key", &self.audit_key().map(ChainKey::id))
            .field("audit_checkpoint_interval", &self.audit_checkpoint_interval)
            .finish_non_exhaustive()
    }
}

/// The URL with any password replaced, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The TOML file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML file is malformed.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong, with line and column.
        message: String,
    },
    /// The audit key cannot be used.
    #[error("audit key: {message}")]
    AuditKey {
        /// What is wrong.
        message: String,
    },
}

impl ServeArgs {
    /// Resolve the layers into the settings the server runs with.
    pub fn resolve(&self) -> Result<Config, ConfigError> {
        let file = match &self.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let data = self
            .data
            .clone()
            .or(file.data)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = self
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| sqlite_url(&data.join("anjuan.db")));
        let trusted_proxies = if self.trusted_proxies.is_empty() {
            let listed = file.trusted_proxies.unwrap_or_default();
            let parsed: Result<Vec<IpNet>, String> =
                listed.iter().map(|p| parse_proxy(p)).collect();
            parsed.map_err(|message| ConfigError::Parse {
                path: self.config.clone().unwrap_or_default(),
                message: format!("trusted_proxies: {message}"),
            })?
        } else {
            self.trusted_proxies.clone()
        };
        let audit_keys = self.audit.keys_or(file.audit_key_file.as_deref())?;
        Ok(Config {
            audit_keys,
            audit_checkpoint_interval: self
                .audit_checkpoint_interval
                .or(file.audit_checkpoint_interval)
                .unwrap_or(3600)
                .max(1),
            trusted_proxies,
            metrics_token: self
                .metrics_token
                .clone()
                .or(file.metrics_token)
                .filter(|t| !t.is_empty()),
            bind: self
                .bind
                .or(file.bind)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            workflows: self
                .workflows
                .clone()
                .or(file.workflows)
                .unwrap_or_else(|| PathBuf::from("workflows")),
            plugins: self
                .plugins
                .clone()
                .or(file.plugins)
                .unwrap_or_else(|| PathBuf::from("target/plugins")),
            calendar: self
                .calendar
                .clone()
                .or(file.calendar)
                .unwrap_or_else(|| PathBuf::from("calendar")),
            database_url,
            timezone: self
                .timezone
                .or(file.timezone)
                .unwrap_or(chrono_tz::Asia::Shanghai),
            demo: self.demo || file.demo.unwrap_or(false),
            worker_interval: self
                .worker_interval
                .or(file.worker_interval)
                .unwrap_or(30)
                .max(1),
            secure_cookies: self.secure_cookies.or(file.secure_cookies).unwrap_or(false),
            session_hours: self
                .session_hours
                .or(file.session_hours)
                .unwrap_or(12)
                .max(1),
            max_upload_bytes: self
                .max_upload_mib
                .or(file.max_upload_mib)
                .unwrap_or(20)
                .max(1)
                * 1024
                * 1024,
            data,
        })
    }
}

/// A proxy address (`10.0.0.1`) or range (`10.0.0.0/8`).
pub fn parse_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{text}` is neither an IP address nor a range like 10.0.0.0/8"))
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// A SQLite URL for a file, created if missing.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = std::env::temp_dir().join(format!("anjuan-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("anjuan.toml");
        std::fs::write(&file, "bind = \"127.0.0.1:9000\"\nworkflows = \"wf\"\n").expect("write");
        let args = ServeArgs {
            config: Some(file),
            workflows: Some(PathBuf::from("flag-wf")),
            ..ServeArgs::default()
        };
        let c = args.resolve().expect("valid");
        assert_eq!(c.bind.port(), 9000);
        assert_eq!(c.workflows, PathBuf::from("flag-wf"));
        assert_eq!(c.data, PathBuf::from("data"));
        assert!(c.database_url.starts_with("sqlite://data/anjuan.db"));
    }

    #[test]
    fn trusted_proxies_come_from_flags_or_the_file() {
        let dir = std::env::temp_dir().join(format!("anjuan-config-proxy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("anjuan.toml");
        std::fs::write(&file, "trusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n").expect("write");
        let from_file = ServeArgs {
            config: Some(file.clone()),
            ..ServeArgs::default()
        }
        .resolve()
        .expect("valid");
        assert_eq!(from_file.trusted_proxies.len(), 2);
        assert!(from_file.trusted_proxies[1].contains(&"::1".parse::<IpAddr>().expect("ip")));
        let flag = ServeArgs {
            config: Some(file.clone()),
            trusted_proxies: vec![parse_proxy("192.0.2.1").expect("an address")],
            ..ServeArgs::default()
        }
        .resolve()
        .expect("valid");
        assert_eq!(flag.trusted_proxies.len(), 1, "the flag wins");
        std::fs::write(&file, "trusted_proxies = [\"proxy.local\"]\n").expect("write");
        let err = ServeArgs {
            config: Some(file),
            ..ServeArgs::default()
        }
        .resolve()
        .expect_err("not an address");
        assert!(err.to_string().contains("proxy.local"), "{err}");
    }

    #[test]
    fn a_bad_file_names_the_line() {
        let dir = std::env::temp_dir().join(format!("anjuan-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("anjuan.toml");
        std::fs::write(&file, "bind = \"x\"\n").expect("write");
        let err = ServeArgs {
            config: Some(file),
            ..ServeArgs::default()
        }
        .resolve()
        .expect_err("invalid");
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://a:secret@h/db"), "postgres://a:***@h/db");
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
