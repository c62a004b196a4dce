//! The wasmtime engine: fuel, epoch interruption, the pooling allocator with a fallback,
//! and the thread that ticks the epoch.

use crate::config::HostConfig;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig};

/// Builds the engine. Tries the pooling allocator first (instantiation in microseconds)
/// and falls back to on-demand allocation when the address space cannot be reserved.
/// Returns the engine and whether pooling is in use.
pub(crate) fn build(cfg: &HostConfig) -> wasmtime::Result<(Engine, bool)> {
    if cfg.pooling {
        match Engine::new(&config(cfg, true)) {
            Ok(engine) => return Ok((engine, true)),
            Err(e) => {
                tracing::warn!(error = %e, "pooling allocator unavailable; falling back to on-demand allocation")
            }
        }
    }
    Ok((Engine::new(&config(cfg, false))?, false))
}

fn config(cfg: &HostConfig, pooling: bool) -> Config {
    let mut c = Config::new();
    c.wasm_component_model(true)
        .consume_fuel(true)
        .epoch_interruption(true)
        .cranelift_opt_level(OptLevel::Speed)
        .parallel_compilation(true);
    if pooling {
        let n = cfg.max_concurrent_instances.max(1);
        let mut p = PoolingAllocationConfig::default();
        // A std guest component holds one main module plus a few small shim modules.
        p.total_component_instances(n)
            .total_core_instances(n.saturating_mul(8))
            .total_memories(n.saturating_mul(2))
            .total_tables(n.saturating_mul(4))
            .max_memories_per_component(2)
            .max_tables_per_component(4)
            .max_core_instances_per_component(16)
            .max_memory_size(usize::try_from(cfg.ceilings.memory_bytes).unwrap_or(usize::MAX));
        c.allocation_strategy(InstanceAllocationStrategy::Pooling(p));
    }
    c
}

/// Increments the engine's epoch every `tick` until dropped, so a store's epoch deadline
/// works as a wall-clock backstop.
pub(crate) struct EpochTicker {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    pub(crate) fn start(engine: Engine, tick: Duration) -> std::io::Result<Self> {
        let (stop, rx) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("anjuan-plugin-epoch".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = rx.recv_timeout(tick) {
                    engine.increment_epoch();
                }
            })?;
        Ok(Self {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
