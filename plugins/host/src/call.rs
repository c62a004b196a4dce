//! Running one export on a fresh instance under the plugin's limits, and turning every
//! way it can fail into an [`ErrorKind`].

use crate::config::Limits;
use crate::error::{ErrorKind, PluginError};
use crate::gate::Gate;
use crate::manifest::CountQuery;
use crate::report::Usage;
use crate::services::HostServices;
use crate::store::{CallScope, Denied, MemoryExceeded, StoreData};
use crate::world::{Plugin, PluginPre};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::{Engine, Store, Trap};

/// Everything needed to call into one loaded plugin.
pub(crate) struct Target<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) id: &'a str,
    pub(crate) version: Option<&'a str>,
    pub(crate) pre: &'a PluginPre,
    pub(crate) limits: &'a Limits,
    pub(crate) counts: &'a Arc<BTreeMap<String, CountQuery>>,
    pub(crate) services: &'a Arc<dyn HostServices>,
    pub(crate) epoch_tick: Duration,
    pub(crate) gate: &'a Gate,
    /// How long a call waits for a free instance slot.
    pub(crate) slot_wait: Duration,
}

impl Target<'_> {
    pub(crate) fn error(&self, call: &str, kind: ErrorKind) -> PluginError {
        PluginError::new(self.id, self.version, call, kind)
    }

    /// Instantiates a fresh instance and runs `f` on it. `input_bytes` is checked against
    /// the input limit before anything runs.
    pub(crate) fn invoke<R>(
        &self,
        call: &str,
        programme: &str,
        actor: &str,
        input_bytes: u64,
        f: impl FnOnce(&Plugin, &mut Store<StoreData>) -> wasmtime::Result<R>,
    ) -> Result<(R, Usage), PluginError> {
        let limits = self.limits;
        if input_bytes > limits.max_input_bytes {
            let kind = ErrorKind::InputTooLarge {
                size: input_bytes,
                limit: limits.max_input_bytes,
            };
            return Err(self.error(call, kind));
        }
        let Some(_slot) = self.gate.enter(self.slot_wait) else {
            return Err(self.error(
                call,
                ErrorKind::Busy {
                    max: self.gate.max(),
                },
            ));
        };
        let scope = CallScope {
            plugin: self.id.to_string(),
            programme: programme.to_string(),
            actor: actor.to_string(),
            counts: Arc::clone(self.counts),
            services: Arc::clone(self.services),
        };
        let mut store = Store::new(self.engine, StoreData::new(scope, limits.memory_bytes));
        store.limiter(|d| &mut d.limiter);
        store
            .set_fuel(limits.fuel)
            .map_err(|e| self.error(call, ErrorKind::Load(format!("{e:?}"))))?;
        let tick_ms = u64::try_from(self.epoch_tick.as_millis())
            .unwrap_or(1)
            .max(1);
        store.set_epoch_deadline(limits.wall_clock_ms.div_ceil(tick_ms) + 1);
        store.epoch_deadline_trap();

        let started = Instant::now();
        let result = self
            .pre
            .instantiate(&mut store)
            .and_then(|instance| f(&instance, &mut store));
        let usage = Usage {
            fuel_used: limits.fuel.saturating_sub(store.get_fuel().unwrap_or(0)),
            fuel_limit: limits.fuel,
            peak_memory_bytes: store.data().limiter.peak,
            memory_limit_bytes: limits.memory_bytes,
            input_bytes,
            max_input_bytes: limits.max_input_bytes,
            output_bytes: 0,
            max_output_bytes: limits.max_output_bytes,
            wall_time_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            wall_clock_limit_ms: limits.wall_clock_ms,
        };
        match result {
            Ok(r) => Ok((r, usage)),
            Err(e) => Err(self.error(call, classify(&e, &store.data().stderr_text(), limits))),
        }
    }

    /// Checks an output size against the limit.
    pub(crate) fn check_output(
        &self,
        call: &str,
        usage: &mut Usage,
        size: usize,
    ) -> Result<(), PluginError> {
        usage.output_bytes = u64::try_from(size).unwrap_or(u64::MAX);
        if usage.output_bytes > usage.max_output_bytes {
            let kind = ErrorKind::OutputTooLarge {
                size: usage.output_bytes,
                limit: usage.max_output_bytes,
            };
            return Err(self.error(call, kind));
        }
        Ok(())
    }
}

fn find<T: std::error::Error + Send + Sync + 'static>(e: &wasmtime::Error) -> Option<&T> {
    e.downcast_ref::<T>()
        .or_else(|| e.chain().find_map(|c| c.downcast_ref::<T>()))
}

/// Maps a failed instantiate-or-call to what happened.
fn classify(e: &wasmtime::Error, stderr: &str, limits: &Limits) -> ErrorKind {
    if let Some(m) = find::<MemoryExceeded>(e) {
        return ErrorKind::OutOfMemory {
            requested: m.requested,
            limit: m.limit,
        };
    }
    if let Some(d) = find::<Denied>(e) {
        return ErrorKind::CapabilityDenied(d.0.clone());
    }
    if find::<wasmtime::PoolConcurrencyLimitError>(e).is_some() {
        return ErrorKind::Busy { max: 0 };
    }
    match find::<Trap>(e) {
        Some(Trap::OutOfFuel) => ErrorKind::OutOfFuel { limit: limits.fuel },
        Some(Trap::Interrupt) => ErrorKind::Deadline {
            limit_ms: limits.wall_clock_ms,
        },
        trap => match panic_message(stderr) {
            Some(msg) => ErrorKind::Panic(msg),
            None => match trap {
                Some(t) => ErrorKind::Trap(t.to_string()),
                None => ErrorKind::Trap(format!("{e}")),
            },
        },
    }
}

/// The message of a Rust panic as std prints it to stderr:
/// `thread '…' panicked at src/lib.rs:10:5:\nboom\nnote: …` → `boom (at src/lib.rs:10:5)`.
fn panic_message(stderr: &str) -> Option<String> {
    let start = stderr.find("panicked at ")?;
    let rest = &stderr[start + "panicked at ".len()..];
    let (location, body) = rest.split_once('\n').unwrap_or((rest, ""));
    let message: Vec<&str> = body
        .lines()
        .take_while(|l| !l.starts_with("note:"))
        .collect();
    let location = location.trim_end_matches(':');
    Some(format!("{} (at {location})", message.join("\n").trim()))
}

#[cfg(test)]
mod tests {
    use super::panic_message;

    #[test]
    fn extracts_panic_messages() {
        let s = "thread '<unnamed>' panicked at src/lib.rs:10:5:\nboom\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(
            panic_message(s).as_deref(),
            Some("boom (at src/lib.rs:10:5)")
        );
        assert_eq!(panic_message("nothing"), None);
    }
}
