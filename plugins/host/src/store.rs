//! Per-call store state: a WASI context that grants nothing, the memory limiter, and the
//! host imports (`anjuan:plugin/host`, the same in every interface version) with their
//! capability checks.

use crate::manifest::CountQuery;
use crate::services::{CountRequest, HostServices};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{
    Deterministic, HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxBuilder, WasiCtxView,
    WasiView,
};

use crate::world::{LogLevel, v0_1, v0_2};

/// Bytes of guest stderr kept (panic messages land there).
const STDERR_CAPACITY: usize = 4096;
/// Log lines a single call may write, and bytes kept of each.
const MAX_LOG_LINES: u32 = 64;
const MAX_LOG_LINE: usize = 2048;
/// Count queries a single call may make: each one is a database query on the server.
pub(crate) const MAX_COUNT_CALLS: u32 = 16;

/// A memory limit breached; raised as a trap by [`Limiter`] and recognised by type.
#[derive(Debug, thiserror::Error)]
#[error("memory limit of {limit} bytes exceeded (requested {requested})")]
pub(crate) struct MemoryExceeded {
    pub(crate) requested: u64,
    pub(crate) limit: u64,
}

/// An import the manifest does not grant; raised as a trap and recognised by type.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Denied(pub(crate) String);

/// Enforces the memory limit and records the peak.
pub(crate) struct Limiter {
    pub(crate) limit: u64,
    pub(crate) peak: u64,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let desired = u64::try_from(desired).unwrap_or(u64::MAX);
        if desired > self.limit {
            return Err(wasmtime::Error::new(MemoryExceeded {
                requested: desired,
                limit: self.limit,
            }));
        }
        self.peak = self.peak.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// What the host imports need to know about the call.
pub(crate) struct CallScope {
    pub(crate) plugin: String,
    pub(crate) programme: String,
    pub(crate) actor: String,
    pub(crate) counts: Arc<BTreeMap<String, CountQuery>>,
    pub(crate) services: Arc<dyn HostServices>,
}

/// The store's data for one call.
pub(crate) struct StoreData {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) stderr: MemoryOutputPipe,
    pub(crate) limiter: Limiter,
    scope: CallScope,
    log_lines: u32,
    count_calls: u32,
}

struct FrozenClock;

impl HostWallClock for FrozenClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

impl HostMonotonicClock for FrozenClock {
    fn resolution(&self) -> u64 {
        1
    }
    fn now(&self) -> u64 {
        0
    }
}

impl StoreData {
    /// A store that grants the guest nothing: no env, args, files, network; a frozen
    /// clock and fixed "random" bytes (std's hash maps still work, and the same input
    /// always gives the same answer).
    pub(crate) fn new(scope: CallScope, memory_limit: u64) -> Self {
        let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
        let wasi = WasiCtxBuilder::new()
            .stderr(stderr.clone())
            .wall_clock(FrozenClock)
            .monotonic_clock(FrozenClock)
            .secure_random(Deterministic::new(vec![0x5a, 0xa5, 0x3c, 0xc3]))
            .insecure_random(Deterministic::new(vec![0x69, 0x96]))
            .insecure_random_seed(0)
            .build();
        Self {
            wasi,
            table: ResourceTable::new(),
            stderr,
            limiter: Limiter {
                limit: memory_limit,
                peak: 0,
            },
            scope,
            log_lines: 0,
            count_calls: 0,
        }
    }

    /// What the guest wrote to stderr, lossily decoded.
    pub(crate) fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.contents()).into_owned()
    }
}

impl WasiView for StoreData {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("`{s}` is not a YYYY-MM-DD date"))
}

impl v0_2::anjuan::plugin::host::Host for StoreData {
    fn log(&mut self, level: LogLevel, message: String) {
        self.log_lines += 1;
        if self.log_lines > MAX_LOG_LINES {
            return;
        }
        let mut msg = message;
        if msg.len() > MAX_LOG_LINE {
            let cut = (0..=MAX_LOG_LINE)
                .rev()
                .find(|i| msg.is_char_boundary(*i))
                .unwrap_or(0);
            msg.truncate(cut);
        }
        let plugin = self.scope.plugin.as_str();
        match level {
            LogLevel::Trace => tracing::trace!(target: "anjuan::plugin", plugin, "{msg}"),
            LogLevel::Debug => tracing::debug!(target: "anjuan::plugin", plugin, "{msg}"),
            LogLevel::Info => tracing::info!(target: "anjuan::plugin", plugin, "{msg}"),
            LogLevel::Warn => tracing::warn!(target: "anjuan::plugin", plugin, "{msg}"),
            LogLevel::Error => tracing::error!(target: "anjuan::plugin", plugin, "{msg}"),
        }
    }

    fn add_working_days(&mut self, start: String, days: u32) -> Result<String, String> {
        let d = self.scope.services.add_working_days(date(&start)?, days)?;
        Ok(d.format("%Y-%m-%d").to_string())
    }

    fn working_days_between(&mut self, start: String, end: String) -> Result<i64, String> {
        self.scope
            .services
            .working_days_between(date(&start)?, date(&end)?)
    }

    fn count(&mut self, query: String, params: String) -> wasmtime::Result<Result<u64, String>> {
        let deny = |m: String| Err(wasmtime::Error::new(Denied(m)));
        self.count_calls += 1;
        if self.count_calls > MAX_COUNT_CALLS {
            return deny(format!(
                "more than {MAX_COUNT_CALLS} count queries in one call"
            ));
        }
        let Some(decl) = self.scope.counts.get(&query) else {
            return deny(format!(
                "count query `{query}` is not declared in the manifest"
            ));
        };
        let Ok(params) = serde_json::from_str::<serde_json::Value>(&params) else {
            return Ok(Err("count params must be a JSON object".into()));
        };
        let Some(given) = params.as_object() else {
            return Ok(Err("count params must be a JSON object".into()));
        };
        let mut names: Vec<&String> = given.keys().collect();
        names.sort();
        if names != decl.params.keys().collect::<Vec<_>>() {
            let want: Vec<&String> = decl.params.keys().collect();
            return deny(format!(
                "count query `{query}` takes parameters {want:?}, got {names:?}"
            ));
        }
        if let Some((k, _)) = given
            .iter()
            .find(|(_, v)| !(v.is_string() || v.is_number() || v.is_boolean()))
        {
            return Ok(Err(format!(
                "count parameter `{k}` must be a string, number or boolean"
            )));
        }
        let filters = decl
            .params
            .iter()
            .filter_map(|(k, ptr)| Some((ptr.as_str(), given.get(k)?.clone())))
            .collect();
        let request = CountRequest {
            plugin: &self.scope.plugin,
            programme: &self.scope.programme,
            actor: &self.scope.actor,
            query: &query,
            case_type: &decl.case_type,
            filters,
            params: &params,
        };
        Ok(self.scope.services.count(&request))
    }
}

impl v0_2::anjuan::plugin::types::Host for StoreData {}

/// Interface 0.1.0 has the same host functions: each goes to its 0.2.0 twin.
impl v0_1::anjuan::plugin::host::Host for StoreData {
    fn log(&mut self, level: v0_1::anjuan::plugin::host::LogLevel, message: String) {
        use v0_1::anjuan::plugin::host::LogLevel as Old;
        let level = match level {
            Old::Trace => LogLevel::Trace,
            Old::Debug => LogLevel::Debug,
            Old::Info => LogLevel::Info,
            Old::Warn => LogLevel::Warn,
            Old::Error => LogLevel::Error,
        };
        v0_2::anjuan::plugin::host::Host::log(self, level, message);
    }

    fn add_working_days(&mut self, start: String, days: u32) -> Result<String, String> {
        v0_2::anjuan::plugin::host::Host::add_working_days(self, start, days)
    }

    fn working_days_between(&mut self, start: String, end: String) -> Result<i64, String> {
        v0_2::anjuan::plugin::host::Host::working_days_between(self, start, end)
    }

    fn count(&mut self, query: String, params: String) -> wasmtime::Result<Result<u64, String>> {
        v0_2::anjuan::plugin::host::Host::count(self, query, params)
    }
}

impl v0_1::anjuan::plugin::types::Host for StoreData {}
