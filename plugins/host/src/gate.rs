//! Bounds how many plugin instances exist at once. The pooling allocator has a fixed
//! number of slots; a call beyond that would fail to instantiate, so calls wait for a
//! free slot instead (up to a limit) and only then fail with [`ErrorKind::Busy`].
//!
//! [`ErrorKind::Busy`]: crate::ErrorKind::Busy

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

pub(crate) struct Gate {
    active: Mutex<u32>,
    freed: Condvar,
    max: u32,
}

/// A held slot; released on drop.
pub(crate) struct Slot<'a>(&'a Gate);

impl Gate {
    pub(crate) fn new(max: u32) -> Self {
        Self {
            active: Mutex::new(0),
            freed: Condvar::new(),
            max: max.max(1),
        }
    }

    pub(crate) fn max(&self) -> u32 {
        self.max
    }

    /// Takes a slot, waiting up to `wait` for one to free up.
    pub(crate) fn enter(&self, wait: Duration) -> Option<Slot<'_>> {
        let deadline = Instant::now() + wait;
        let mut active = self.active.lock().ok()?;
        while *active >= self.max {
            let left = deadline.checked_duration_since(Instant::now())?;
            active = self.freed.wait_timeout(active, left).ok()?.0;
        }
        *active += 1;
        Some(Slot(self))
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if let Ok(mut active) = self.0.active.lock() {
            *active = active.saturating_sub(1);
        }
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_then_gives_up() {
        let gate = Gate::new(1);
        let first = gate.enter(Duration::ZERO);
        assert!(first.is_some());
        assert!(gate.enter(Duration::from_millis(10)).is_none());
        drop(first);
        assert!(gate.enter(Duration::ZERO).is_some());
    }
}
