//! `anjuan audit verify|checkpoint`: check every case's event chain, its anchor on
//! the case row and the chain of checkpoints over all cases; or take a checkpoint by
//! hand (the server takes one periodically).

use std::io::Write;

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::config::{AuditArgs, ServeArgs};
use crate::store::checkpoints;

/// What `anjuan audit` does.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum AuditCommand {
    /// Verify every chain, its anchor on the case, and the checkpoints: names every
    /// broken link and every case missing since the last checkpoint.
    Verify,
    /// Record a checkpoint over every case's chain head now.
    Checkpoint,
}

/// The audit keys named by the flags, the environment or the `--config` file.
pub fn keys(
    config: Option<std::path::PathBuf>,
    audit: &AuditArgs,
) -> anyhow::Result<Option<std::sync::Arc<crate::store::chain::AuditKeys>>> {
    let serve = ServeArgs {
        config,
        audit: audit.clone(),
        ..ServeArgs::default()
    };
    Ok(serve.resolve()?.audit_keys)
}

/// Run the command; `Ok(false)` when verifying found something wrong.
pub async fn run(
    command: &AuditCommand,
    db: &DatabaseConnection,
    keys: Option<&crate::store::chain::AuditKeys>,
    out: &mut impl Write,
) -> anyhow::Result<bool> {
    match command {
        AuditCommand::Checkpoint => {
            let t = checkpoints::take(db, keys).await?;
            writeln!(
                out,
                "checkpoint {}: {} cases, {} events ({} recorded anew)",
                t.seq, t.case_count, t.event_count, t.changed
            )?;
            for id in &t.suspicious {
                writeln!(
                    out,
                    "SUSPICIOUS case {id}: its chain does not continue what the last checkpoint saw"
                )?;
            }
            Ok(t.suspicious.is_empty())
        }
        AuditCommand::Verify => verify(db, keys, out).await,
    }
}

async fn verify(
    db: &DatabaseConnection,
    keys: Option<&crate::store::chain::AuditKeys>,
    out: &mut impl Write,
) -> anyhow::Result<bool> {
    let started = std::time::Instant::now();
    let mut last = std::time::Instant::now();
    let report = crate::service::audit::verify(db, keys, |cases, events| {
        if last.elapsed().as_secs() >= 2 {
            last = std::time::Instant::now();
            eprintln!(
                "… {cases} cases, {events} events verified ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
    })
    .await
    .context("verifying the audit trail")?;
    let (checked, broken, cp) = (report.events, &report.broken, &report.checkpoints);
    for b in broken {
        writeln!(
            out,
            "BROKEN case {} at event {} (row {}): {}",
            b.case_id, b.seq, b.event_id, b.reason
        )?;
    }
    for p in &cp.problems {
        match &p.case_id {
            Some(id) => writeln!(out, "MISSING case {id}: {}", p.reason)?,
            None => writeln!(out, "CHECKPOINT: {}", p.reason)?,
        }
    }
    match &cp.last {
        Some(l) => writeln!(
            out,
            "checkpoints: {} verified, the last ({}) taken {} over {} cases and {} events",
            cp.checkpoints,
            l.seq,
            l.taken_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            l.case_count,
            l.event_count
        )?,
        None => writeln!(
            out,
            "checkpoints: none yet (a deleted case cannot be told from one never written)"
        )?,
    }
    if report.holds() {
        writeln!(out, "ok: {checked} events verified, every chain holds")?;
        Ok(true)
    } else {
        writeln!(
            out,
            "{} broken chain(s) among {checked} events, {} checkpoint problem(s)",
            broken.len(),
            cp.problems.len()
        )?;
        Ok(false)
    }
}
