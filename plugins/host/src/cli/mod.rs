//! `anjuan plugin …`: the plugin developer's commands, for the `anjuan` binary to mount
//! (`PluginCommand` is a clap subcommand enum; call [`run`]). The host crate's own
//! `anjuan-plugin` binary runs the same code.
//!
//! - `new NAME [--dir DIR] [--sdk PATH]`: scaffold a plugin crate and a workflow stub.
//! - `run PLUGIN.wasm describe | form FORM | check CHECK --input case.json | derive --input
//!   case.json`: run the real component on the server's host code and limits.
//! - `package PLUGIN.wasm --out DIR`: check it loads and write `<id>.wasm` + `<id>.toml`
//!   (sha256 filled in) into a server plugin directory.
//! - `list DIR`: load a plugin directory exactly as the server does and list it.

mod new;
mod print;
mod run;

use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// `anjuan plugin …` subcommands.
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Scaffold a plugin crate (with tests and an example case) and a workflow stub.
    New(NewArgs),
    /// Run a plugin component without a server, with the server's limits.
    Run(RunArgs),
    /// Check a built plugin loads, then copy it with its manifest (sha256 filled in)
    /// into a server plugin directory.
    Package(PackageArgs),
    /// Load a plugin directory as the server does and list what loaded.
    List(ListArgs),
}

/// `anjuan plugin new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Plugin id: lowercase letters, digits and `-` (also the crate name).
    pub name: String,
    /// Directory to create the crate in.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Path to anjuan-plugin-sdk (default: this repository's, when found).
    #[arg(long)]
    pub sdk: Option<PathBuf>,
}

/// `anjuan plugin run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The component (`.wasm`).
    pub wasm: PathBuf,
    /// Manifest (default: `<file>.toml` beside it, else the nearest `plugin.toml` above it).
    #[arg(long, global = true)]
    pub manifest: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// The clock the call sees, RFC 3339 with offset (it replaces an `--envelope` file's
    /// `now` too) [default: 2026-10-01T10:00:00+08:00, so runs repeat exactly].
    #[arg(long, global = true, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<String>,
    /// The deployment's time zone the call sees, an IANA name (it replaces an
    /// `--envelope` file's `time_zone` too) [default: Asia/Shanghai]. The envelope's
    /// `local_now` is `now` in this zone.
    #[arg(long = "timezone", global = true, value_name = "IANA", value_parser = parse_zone)]
    pub time_zone: Option<String>,
    /// What to call.
    #[command(subcommand)]
    pub call: RunCall,
}

/// The export `anjuan plugin run` calls.
#[derive(Debug, Subcommand)]
pub enum RunCall {
    /// Print the plugin's description with its manifest.
    Describe,
    /// Print a form definition.
    Form {
        /// Form id.
        form: String,
        /// Envelope JSON (default: a test envelope).
        #[arg(long)]
        envelope: Option<PathBuf>,
    },
    /// Run a check on case data.
    Check {
        /// Check id.
        check: String,
        /// Case data JSON.
        #[arg(long)]
        input: PathBuf,
        /// Envelope JSON (default: a test envelope).
        #[arg(long)]
        envelope: Option<PathBuf>,
        /// Answers for count queries: `{"query": n}` or `{"query": [{"params": {…}, "count": n}]}`.
        #[arg(long)]
        counts: Option<PathBuf>,
    },
    /// Compute derived fields from case data.
    Derive {
        /// Case data JSON.
        #[arg(long)]
        input: PathBuf,
        /// Envelope JSON (default: a test envelope).
        #[arg(long)]
        envelope: Option<PathBuf>,
    },
}

/// `--now` must be RFC 3339 with an offset, as the server sends it.
fn parse_now(s: &str) -> Result<String, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|_| s.to_owned())
        .map_err(|e| format!("not RFC 3339 with an offset, e.g. 2026-10-01T10:00:00+08:00 ({e})"))
}

/// `--timezone` must be an IANA zone name the host knows.
fn parse_zone(s: &str) -> Result<String, String> {
    s.parse::<chrono_tz::Tz>()
        .map(|_| s.to_owned())
        .map_err(|_| format!("not an IANA time zone name, e.g. Asia/Shanghai ({s})"))
}

/// `anjuan plugin package`.
#[derive(Debug, Args)]
pub struct PackageArgs {
    /// The component (`.wasm`).
    pub wasm: PathBuf,
    /// Manifest (default as for `run`).
    #[arg(long)]
    pub manifest: Option<PathBuf>,
    /// The server's plugin directory.
    #[arg(long)]
    pub out: PathBuf,
}

/// `anjuan plugin list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// A plugin directory (`<id>.wasm` + `<id>.toml`).
    pub dir: PathBuf,
}

/// Runs a command, writing to `out`. Returns the process exit code: 0 done (a check
/// passed), 1 a check found errors, 2 the plugin failed or a plugin did not load.
pub fn run(cmd: PluginCommand, out: &mut dyn Write) -> anyhow::Result<i32> {
    match cmd {
        PluginCommand::New(a) => new::new(&a, out),
        PluginCommand::Run(a) => run::run(&a, out),
        PluginCommand::Package(a) => run::package(&a, out),
        PluginCommand::List(a) => run::list(&a, out),
    }
}
