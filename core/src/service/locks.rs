//! Work on one case is serialised within a server: a request holds its case's lock from
//! reading the case to the durable commit of its action, so requests on the same case
//! queue instead of deciding on the same version and all but one failing. The locks
//! are striped (a case id hashes to one of [`STRIPES`]), so memory stays fixed; two
//! cases that share a stripe merely take turns. Between servers (PostgreSQL), the
//! version guard still decides, and an action without `expected_version` is decided
//! again.

use std::hash::{Hash, Hasher};

use tokio::sync::{Mutex, MutexGuard};

/// Number of locks.
pub const STRIPES: usize = 4096;

/// The locks of every case.
pub struct CaseLocks {
    stripes: Vec<Mutex<()>>,
}

impl Default for CaseLocks {
    fn default() -> CaseLocks {
        CaseLocks {
            stripes: (0..STRIPES).map(|_| Mutex::new(())).collect(),
        }
    }
}

impl std::fmt::Debug for CaseLocks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CaseLocks")
    }
}

impl CaseLocks {
    /// Wait for the lock of case `id`.
    pub async fn lock(&self, id: &str) -> MutexGuard<'_, ()> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        id.hash(&mut h);
        let i = (h.finish() as usize) % self.stripes.len();
        self.stripes[i].lock().await
    }
}
