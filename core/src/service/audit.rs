//! Verifying the audit trail as a whole: every case's event chain and its anchor on the
//! case row, then the chain of checkpoints over all cases (which is what tells a case
//! deleted whole from one never written). The command line, the administrators' audit
//! page and the backup check all ask here, so none of them can skip a part.

use sea_orm::ConnectionTrait;

use crate::error::Result;
use crate::store::chain::AuditKeys;
use crate::store::checkpoints::{self, Verified};
use crate::store::events::{self, BrokenLink};

/// What verifying the audit trail found.
#[derive(Debug, Clone)]
pub struct AuditReport {
    /// Events verified.
    pub events: usize,
    /// Cases whose chain breaks, with the first broken link of each.
    pub broken: Vec<BrokenLink>,
    /// The checkpoints: how many, the newest, and every problem (a case missing since a
    /// checkpoint, a checkpoint altered or deleted).
    pub checkpoints: Verified,
}

impl AuditReport {
    /// Whether every chain and every checkpoint holds.
    pub fn holds(&self) -> bool {
        self.broken.is_empty() && self.checkpoints.problems.is_empty()
    }
}

/// Verify every chain (a page of cases at a time; `progress` hears cases and events done
/// so far) and then the checkpoints, with the deployment's audit `keys`. An error when
/// a hash needs a key that was not given.
pub async fn verify(
    db: &impl ConnectionTrait,
    keys: Option<&AuditKeys>,
    progress: impl FnMut(u64, usize),
) -> Result<AuditReport> {
    let (events, broken) = events::verify_all_with(db, keys, progress).await?;
    let checkpoints = checkpoints::verify(db, keys).await?;
    Ok(AuditReport {
        events,
        broken,
        checkpoints,
    })
}
