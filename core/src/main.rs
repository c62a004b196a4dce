//! The `anjuan` command: serve, validate workflow files, administer users and org
//! units, verify the audit chain, and develop plugins.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anjuan::config::ServeArgs;
use anjuan::workflow::{self, Summary};
use anyhow::Context;
use clap::{Parser, Subcommand};

/// mimalloc rather than the system allocator: a request allocates and frees many small
/// values on several threads at once, where glibc's malloc spent a fifth of the
/// server's time under load (`scripts/bench-load --profile`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// anjuan (案卷): case-workflow server for government programmes.
#[derive(Debug, Parser)]
#[command(name = "anjuan", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the server (SQLite under ./data unless DATABASE_URL says otherwise).
    Serve(ServeArgs),
    /// Check workflow files and report every mistake with file, line and column.
    Validate {
        /// A workflows folder (`<dir>/<programme>/workflow.yaml`) or one file.
        #[arg(default_value = "workflows")]
        path: PathBuf,
        /// Also check each workflow against its plugin in this folder (`<id>.wasm` and
        /// `<id>.toml`): the forms and checks it names exist, and every form field is
        /// declared with the same type and options.
        #[arg(long)]
        plugins: Option<PathBuf>,
    },
    /// Seed the demo county and grow it to `--cases` cases (copies of its own cases,
    /// decided by the engine, written in bulk), to see every page at scale.
    Demo {
        /// How many cases the county should hold.
        #[arg(long)]
        cases: u64,
        /// Seed of the copies' units and dates (the same seed grows the same county).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Check every case's hash-chained events and the checkpoints over all cases;
    /// names every broken link and every case deleted since a checkpoint.
    Audit {
        #[command(subcommand)]
        command: anjuan::cli::audit::AuditCommand,
        #[command(flatten)]
        db: anjuan::cli::db::DbArgs,
        #[command(flatten)]
        audit: anjuan::config::AuditArgs,
    },
    /// Programmes: plan or move open cases to a new definition version.
    #[command(subcommand)]
    Programme(anjuan::cli::programme::ProgrammeCommand),
    /// Users, grants, org units and API tokens.
    #[command(flatten)]
    Admin(anjuan::cli::admin::AdminCommand),
    /// Back up and restore a SQLite database.
    #[command(flatten)]
    Backup(anjuan::cli::backup::BackupCommand),
    /// Write, run and test programme plugins.
    #[command(subcommand)]
    Plugin(anjuan_plugin_host::cli::PluginCommand),
}

/// Exit code of a command that found mistakes in what it checked (`validate`,
/// `audit verify`, `plugin run … check`).
const FOUND_ERRORS: u8 = 1;
/// Exit code of a command that could not do what was asked: bad arguments (clap uses
/// 2 too), a file or database that is not there, a name that does not exist.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { path, plugins } => validate(&path, plugins.as_deref()),
        Command::Plugin(cmd) => match anjuan_plugin_host::cli::run(cmd, &mut std::io::stdout()) {
            Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(USAGE)),
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(USAGE)
            }
        },
        other => match runtime().and_then(|rt| rt.block_on(run_async(other))) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(USAGE)
            }
        },
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")
}

async fn run_async(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(args) => serve(args).await.map(|()| ExitCode::SUCCESS),
        Command::Demo { cases, seed, serve } => {
            demo(cases, seed, serve).await.map(|()| ExitCode::SUCCESS)
        }
        Command::Audit { command, db, audit } => {
            let keys = anjuan::cli::audit::keys(db.config.clone(), &audit)?;
            let db = db.connect_existing().await?;
            let ok =
                anjuan::cli::audit::run(&command, &db, keys.as_deref(), &mut std::io::stdout())
                    .await?;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(FOUND_ERRORS)
            })
        }
        Command::Programme(cmd) => {
            let ok =
                anjuan::cli::programme::run(cmd, &mut std::io::stdout(), &mut std::io::stderr())
                    .await?;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(FOUND_ERRORS)
            })
        }
        Command::Admin(cmd) => {
            let db = cmd.db().connect_existing().await?;
            anjuan::cli::admin::run(cmd, &db).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup(cmd) => anjuan::cli::backup::run(cmd)
            .await
            .map(|()| ExitCode::SUCCESS),
        Command::Validate { .. } | Command::Plugin(_) => Ok(ExitCode::SUCCESS),
    }
}

/// `anjuan demo --cases N`: the demo county, grown to N cases; nothing is served.
async fn demo(cases: u64, seed: u64, mut args: ServeArgs) -> anyhow::Result<()> {
    args.demo = true;
    let config = args.resolve()?;
    init_tracing();
    let state = boot(config).await?;
    let directory = anjuan::demo::seed_identity(&state.db).await?;
    let started = std::time::Instant::now();
    let seeded = anjuan::demo_cases::seed_cases(&state).await?;
    if seeded > 0 {
        eprintln!(
            "demo county seeded: {seeded} cases played through the case service ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    let started = std::time::Instant::now();
    let mut last = std::time::Instant::now();
    let grown = anjuan::demo_cases::grow::grow(&state, cases, seed, |n, events| {
        if last.elapsed().as_secs() >= 5 {
            last = std::time::Instant::now();
            let s = started.elapsed().as_secs_f64();
            eprintln!("… {n} cases, {events} events written ({s:.0} s)");
        }
    })
    .await?;
    let s = started.elapsed().as_secs_f64();
    println!(
        "demo county: {} cases ({} written with {} events in {s:.1} s, {:.0} cases/s)",
        grown.cases,
        grown.written,
        grown.events,
        grown.written as f64 / s.max(1e-9)
    );
    println!("{directory}");
    Ok(())
}

/// The server's state from its configuration: database, plugins, programmes.
async fn boot(config: anjuan::config::Config) -> anyhow::Result<anjuan::state::AppState> {
    let calendar = anjuan::server::load_calendar(&config)?;
    let db = anjuan::store::connect(&config.database_url).await?;
    let services = Arc::new(anjuan::plugins::ServerServices::new(
        calendar,
        db,
        tokio::runtime::Handle::current(),
    ));
    let plugins = anjuan::plugins::HostPlugins::start(
        &config.plugins,
        config.data.join("plugin-cache"),
        services,
    )
    .context("cannot start the plugin host")?;
    Ok(anjuan::server::state(config, Arc::new(plugins)).await?)
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let config = args.resolve()?;
    init_tracing();
    if config.demo && !config.bind.ip().is_loopback() {
        anyhow::bail!(
            "demo mode has well-known passwords and listens only on a loopback address, not {}",
            config.bind
        );
    }
    tracing::info!(?config, "starting");
    let bind = config.bind;
    let demo = config.demo;
    let state = boot(config).await?;
    // The demo county brings its own administrator: seed it before asking whether
    // there is one, so a demo start does not warn of a missing administrator.
    let directory = match demo {
        true => Some(anjuan::demo::seed_identity(&state.db).await?),
        false => None,
    };
    anjuan::cli::admin::bootstrap_admin(&state.db).await?;
    if let Some(directory) = directory {
        let cases = anjuan::demo_cases::seed_cases(&state).await?;
        println!("\nDemo county seeded ({cases} new cases). Accounts:\n{directory}");
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let addr = listener.local_addr()?;
    println!(
        "\nanjuan is running: open http://{addr}/  (API: http://{addr}/api/v1, OpenAPI: http://{addr}/api/openapi.json)\n"
    );
    anjuan::server::serve(listener, state, anjuan::server::shutdown_signal()).await?;
    Ok(())
}

/// Logs go to stderr; `ANJUAN_LOG_FORMAT=json` writes one JSON object per line (each
/// request's lines carry its `request_id`); `RUST_LOG` sets the levels.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn,wasmtime=warn,cranelift=warn".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if std::env::var("ANJUAN_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

fn validate(path: &Path, plugins: Option<&Path>) -> ExitCode {
    if !path.exists() {
        eprintln!("error: {}: no such file or folder", path.display());
        return ExitCode::from(USAGE);
    }
    let (mut defs, mut errors) = workflow::load_dir(path);
    if let Some(dir) = plugins {
        match anjuan::crosscheck::check_dir(&defs, dir) {
            Ok(found) => errors.extend(found),
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::from(USAGE);
            }
        }
    }
    for e in &errors {
        eprintln!("{e}");
    }
    let warnings: Vec<workflow::Diagnostic> =
        defs.iter().flat_map(workflow::lint::warnings).collect();
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let failing: std::collections::BTreeSet<&Path> =
        errors.iter().map(|e| e.file.as_path()).collect();
    let files = failing.len()
        + defs
            .iter()
            .filter(|d| !failing.contains(d.path.as_path()))
            .count();
    let failed = failing.len();
    defs.retain(|d| !failing.contains(d.path.as_path()));
    let s = Summary::of(&defs);
    if errors.is_empty() && !defs.is_empty() {
        println!(
            "ok: {} programmes, {} case types, {} states, {} transitions",
            s.programmes, s.case_types, s.states, s.transitions
        );
        ExitCode::SUCCESS
    } else {
        if defs.is_empty() && errors.is_empty() {
            eprintln!(
                "error: {}: no workflow files found (expected <dir>/<programme>/workflow.yaml)",
                path.display()
            );
            return ExitCode::from(USAGE);
        }
        eprintln!(
            "{} mistake{} in {failed} of {files} file{}; valid: {} programmes, {} case types, {} states, {} transitions",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if files == 1 { "" } else { "s" },
            s.programmes,
            s.case_types,
            s.states,
            s.transitions
        );
        ExitCode::from(FOUND_ERRORS)
    }
}
