//! Callers remembered for a few seconds, so a request is signed in from memory rather
//! than by three queries (session, user, grants).
//!
//! An entry lives at most [`TTL`]. Anything that may change who someone is (signing
//! out, an administrator changing users, grants, org units or tokens) bumps the
//! cache's generation in this server, and every older entry is then ignored: here,
//! the change takes effect at once. A change made through another server or the
//! command line reaches this server when its entries run out, within [`TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::Caller;

/// How long a remembered caller is trusted.
pub const TTL: Duration = Duration::from_secs(5);
/// Most callers remembered; past this the cache starts again empty.
const MAX_ENTRIES: usize = 10_000;

struct Entry {
    caller: Caller,
    /// The session's expiry, for cookies; checked on every use.
    expires_at: Option<DateTime<Utc>>,
    at: Instant,
    generation: u64,
}

/// Callers by credential (the SHA-256 of a session cookie or token).
#[derive(Default)]
pub struct CallerCache {
    entries: Mutex<HashMap<String, Entry>>,
    generation: AtomicU64,
}

impl std::fmt::Debug for CallerCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallerCache")
    }
}

impl CallerCache {
    /// The caller remembered for `key`, if fresh.
    pub fn get(&self, key: &str, now: DateTime<Utc>) -> Option<Caller> {
        let generation = self.generation.load(Ordering::Acquire);
        let entries = self.entries.lock().ok()?;
        let e = entries.get(key)?;
        let fresh = e.generation == generation
            && e.at.elapsed() < TTL
            && e.expires_at.is_none_or(|t| t > now);
        fresh.then(|| e.caller.clone())
    }

    /// Remember `caller` for `key`, as of the generation read before it was loaded
    /// (so a change made meanwhile is not hidden).
    pub fn put(
        &self,
        key: String,
        caller: Caller,
        expires_at: Option<DateTime<Utc>>,
        generation: u64,
    ) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(
                key,
                Entry {
                    caller,
                    expires_at,
                    at: Instant::now(),
                    generation,
                },
            );
        }
    }

    /// The generation now, to pass to [`CallerCache::put`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Forget everyone: who someone is may have changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Via;

    fn caller() -> Caller {
        Caller {
            id: "u".into(),
            username: "u".into(),
            display_name: "U".into(),
            is_admin: false,
            locale: "zh-CN".into(),
            grants: Vec::new(),
            via: Via::Token,
        }
    }

    #[test]
    fn entries_end_with_their_session_and_with_any_change() {
        let c = CallerCache::default();
        let now = Utc::now();
        c.put("a".into(), caller(), None, c.generation());
        assert!(c.get("a", now).is_some());
        c.put(
            "s".into(),
            caller(),
            Some(now - chrono::Duration::seconds(1)),
            c.generation(),
        );
        assert!(
            c.get("s", now).is_none(),
            "an ended session is not remembered"
        );
        let before = c.generation();
        c.invalidate();
        assert!(c.get("a", now).is_none());
        c.put("b".into(), caller(), None, before);
        assert!(c.get("b", now).is_none(), "loaded before the change: stale");
    }
}
