//! The login rate limit: after too many failures for one user name or one client
//! address within a window, further attempts wait.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per key within [`WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// The window over which failures count.
pub const WINDOW: Duration = Duration::from_secs(300);

/// Failed login attempts per key (user name, client address), kept in memory.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// `Err(seconds to wait)` when `key` has failed too often lately.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = match self.failures.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        let list = map.entry(key.to_owned()).or_default();
        list.retain(|t| now.duration_since(*t) < WINDOW);
        if list.len() >= MAX_FAILURES {
            let oldest = list.first().copied().unwrap_or(now);
            let wait = WINDOW.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        Ok(())
    }

    /// Record a failure for `key`.
    pub fn fail(&self, key: &str) {
        let mut map = match self.failures.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        map.entry(key.to_owned()).or_default().push(Instant::now());
    }

    /// Forget failures for `key` after a success.
    pub fn succeed(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_too_many_failures_and_clears_on_success() {
        let l = LoginLimiter::default();
        for _ in 0..MAX_FAILURES {
            assert!(l.check("u").is_ok());
            l.fail("u");
        }
        assert!(l.check("u").is_err());
        assert!(l.check("other").is_ok());
        l.succeed("u");
        assert!(l.check("u").is_ok());
    }
}
