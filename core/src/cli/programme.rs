//! `anjuan programme migrate ID [--plan]`: show where a programme's open cases would go
//! on a definition version, or move them, as the admin API and page do.
//!
//! The command reads the workflow folder as the server does (a changed file becomes a
//! new version) and works on the database named by `--data`/`--database-url`/`--config`,
//! which must exist.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use crate::cli::db::DbArgs;
use crate::config::{AuditArgs, ServeArgs};
use crate::error::Error;
use crate::service::migration::{self, Plan, Report, Request};

/// What `anjuan programme` does.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum ProgrammeCommand {
    /// Plan or move a programme's open cases to a definition version (the current one
    /// unless --to says otherwise). A run that stopped half-way is continued.
    Migrate {
        /// Programme id.
        programme: String,
        /// Only show what would happen; move nothing.
        #[arg(long)]
        plan: bool,
        /// The version to move to [default: the current one].
        #[arg(long)]
        to: Option<i32>,
        /// A mapping file (YAML) for renamed, merged or removed states and renamed fields.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Workflow folder [default: ./workflows].
        #[arg(long, env = "ANJUAN_WORKFLOWS")]
        workflows: Option<PathBuf>,
        /// Administrator recorded on the `migrated` events.
        #[arg(long, default_value = "admin")]
        by: String,
        /// Where the database is.
        #[command(flatten)]
        db: DbArgs,
        /// The audit key the `migrated` events are hashed with.
        #[command(flatten)]
        audit: AuditArgs,
    },
}

/// Run the command; `Ok(false)` when the mapping has mistakes (printed to `err`).
pub async fn run(
    command: ProgrammeCommand,
    out: &mut impl Write,
    err: &mut impl Write,
) -> anyhow::Result<bool> {
    let ProgrammeCommand::Migrate {
        programme,
        plan,
        to,
        mapping,
        json,
        workflows,
        by,
        db,
        audit,
    } = command;
    // Refuse a database that is not there before anything creates one.
    drop(db.connect_existing().await?);
    let config = ServeArgs {
        config: db.config.clone(),
        data: db.data.clone(),
        database_url: db.database_url.clone(),
        workflows,
        audit,
        ..ServeArgs::default()
    }
    .resolve()?;
    let state = crate::server::state(config, Arc::new(crate::plugins::NoPlugins)).await?;
    let (text, name) =
        match &mapping {
            Some(path) => (
                Some(std::fs::read_to_string(path).map_err(|e| {
                    anyhow::anyhow!("cannot read the mapping {}: {e}", path.display())
                })?),
                path.display().to_string(),
            ),
            None => (None, String::new()),
        };
    let request = Request {
        programme,
        to,
        mapping: text,
        mapping_name: name,
    };
    let result = if plan {
        migration::plan(&state, &request, chrono::Utc::now())
            .await
            .map(|p| {
                if json {
                    serde_json::to_string_pretty(&p).map(|s| writeln!(out, "{s}"))
                } else {
                    Ok(print_plan(&p, out))
                }
            })
    } else {
        migration::apply(&state, &request, &by, None)
            .await
            .map(|r| match r {
                Some(r) if json => serde_json::to_string_pretty(&r).map(|s| writeln!(out, "{s}")),
                Some(r) => Ok(print_report(&r, out)),
                None => Ok(Ok(())),
            })
    };
    match result {
        Ok(written) => {
            written??;
            Ok(true)
        }
        Err(Error::Invalid(violations)) => {
            for v in violations {
                writeln!(err, "{}", v.message.en)?;
            }
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

fn print_plan(p: &Plan, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: {} open cases on other versions; {} would move to version {}, {} would stay",
        p.programme, p.open, p.moving, p.to_version, p.staying
    )?;
    if let Some(run) = &p.unfinished {
        writeln!(
            out,
            "an unfinished run ({run}) is continued by the next migrate"
        )?;
    }
    for g in &p.groups {
        let to = g.to_state.as_deref().unwrap_or("(stays)");
        writeln!(
            out,
            "  {} v{} {} -> {}: {} cases",
            g.case_type, g.from_version, g.state, to, g.cases
        )?;
        for (what, m) in [
            ("kept", &g.kept),
            ("recomputed", &g.recomputed),
            ("dropped", &g.dropped),
            ("opened", &g.opened),
            ("renamed", &g.renamed),
            ("cannot move", &g.refused),
        ] {
            for (k, n) in m {
                writeln!(out, "    {what}: {k} ({n})")?;
            }
        }
    }
    for s in &p.cannot_move {
        writeln!(
            out,
            "  stays: {} {} ({}): {}",
            s.number, s.id, s.state, s.why
        )?;
    }
    Ok(())
}

fn print_report(r: &Report, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: {} cases moved to version {}{}; {} stayed; {} changed meanwhile (run again)",
        r.programme,
        r.migrated,
        r.to_version,
        if r.resumed {
            " (an unfinished run continued)"
        } else {
            ""
        },
        r.staying,
        r.skipped
    )?;
    for s in &r.left {
        writeln!(
            out,
            "  stays: {} {} ({}): {}",
            s.number, s.id, s.state, s.why
        )?;
    }
    Ok(())
}
