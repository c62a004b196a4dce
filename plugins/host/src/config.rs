//! [`HostConfig`] and per-call [`Limits`].

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// Resource limits of one plugin call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Fuel: roughly wasm instructions.
    pub fuel: u64,
    /// Linear memory, bytes (all memories of the instance together).
    pub memory_bytes: u64,
    /// Wall-clock backstop, milliseconds (epoch interruption; a few ms of granularity).
    pub wall_clock_ms: u64,
    /// Largest JSON input (after the declared-reads filter), bytes.
    pub max_input_bytes: u64,
    /// Largest output (JSON text, or the findings' strings), bytes.
    pub max_output_bytes: u64,
}

impl Limits {
    /// The defaults a plugin gets when its manifest says nothing.
    pub const DEFAULT: Limits = Limits {
        fuel: 20_000_000,
        memory_bytes: 32 << 20,
        wall_clock_ms: 250,
        max_input_bytes: 1 << 20,
        max_output_bytes: 256 << 10,
    };

    /// The server-wide ceilings no manifest can exceed.
    pub const CEILING: Limits = Limits {
        fuel: 500_000_000,
        memory_bytes: 256 << 20,
        wall_clock_ms: 5_000,
        max_input_bytes: 16 << 20,
        max_output_bytes: 4 << 20,
    };

    /// These limits with `overrides` applied, each clamped to `ceiling`.
    pub fn with_overrides(self, overrides: &LimitOverrides, ceiling: &Limits) -> Limits {
        let pick = |o: Option<u64>, d: u64, c: u64| o.unwrap_or(d).min(c);
        Limits {
            fuel: pick(overrides.fuel, self.fuel, ceiling.fuel),
            memory_bytes: pick(
                overrides.memory_bytes,
                self.memory_bytes,
                ceiling.memory_bytes,
            ),
            wall_clock_ms: pick(
                overrides.wall_clock_ms,
                self.wall_clock_ms,
                ceiling.wall_clock_ms,
            ),
            max_input_bytes: pick(
                overrides.max_input_bytes,
                self.max_input_bytes,
                ceiling.max_input_bytes,
            ),
            max_output_bytes: pick(
                overrides.max_output_bytes,
                self.max_output_bytes,
                ceiling.max_output_bytes,
            ),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A manifest's `[limits]` table: any limit it names replaces the server default, up to
/// the server ceiling.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitOverrides {
    /// See [`Limits::fuel`].
    pub fuel: Option<u64>,
    /// See [`Limits::memory_bytes`].
    pub memory_bytes: Option<u64>,
    /// See [`Limits::wall_clock_ms`].
    pub wall_clock_ms: Option<u64>,
    /// See [`Limits::max_input_bytes`].
    pub max_input_bytes: Option<u64>,
    /// See [`Limits::max_output_bytes`].
    pub max_output_bytes: Option<u64>,
}

/// How the server sets up its plugin host.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Where compiled artefacts are cached (created if missing); `None` compiles on
    /// every start. Default `./data/plugin-cache`.
    pub cache_dir: Option<PathBuf>,
    /// Limits a plugin gets when its manifest names none.
    pub defaults: Limits,
    /// Limits no manifest can exceed.
    pub ceilings: Limits,
    /// Try the pooling instance allocator (falls back to on-demand allocation when the
    /// machine cannot reserve the address space).
    pub pooling: bool,
    /// Most plugin instances alive at once (pooling only): concurrent calls beyond this
    /// fail to instantiate.
    pub max_concurrent_instances: u32,
    /// Epoch tick for the wall-clock deadline.
    pub epoch_tick: Duration,
}

impl Default for HostConfig {
    fn default() -> Self {
        Self {
            cache_dir: Some(PathBuf::from("data/plugin-cache")),
            defaults: Limits::DEFAULT,
            ceilings: Limits::CEILING,
            pooling: true,
            max_concurrent_instances: 64,
            epoch_tick: Duration::from_millis(5),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_are_clamped_to_the_ceiling() {
        let o = LimitOverrides {
            fuel: Some(u64::MAX),
            wall_clock_ms: Some(10),
            ..Default::default()
        };
        let l = Limits::DEFAULT.with_overrides(&o, &Limits::CEILING);
        assert_eq!(l.fuel, Limits::CEILING.fuel);
        assert_eq!(l.wall_clock_ms, 10);
        assert_eq!(l.memory_bytes, Limits::DEFAULT.memory_bytes);
    }
}
