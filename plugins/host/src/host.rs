//! [`PluginHost`]: the public face of the crate.

use crate::cache::CompileCache;
use crate::call::Target;
use crate::config::HostConfig;
use crate::engine::{self, EpochTicker};
use crate::error::{ErrorKind, PluginError};
use crate::gate::Gate;
use crate::loader::{self, Loaded, Loader};
use crate::manifest::Manifest;
use crate::pointers;
use crate::report::{CheckReport, DeriveReport, LoadReport, PluginInfo};
use crate::services::HostServices;
use crate::store::StoreData;
use crate::world::{CallError, Finding as WitFinding, Severity as WitSeverity};
use anjuan_plugin_sdk::finding::is_json_pointer;
use anjuan_plugin_sdk::{Description, Envelope, Finding, FormDef, Severity, Value};
use arc_swap::ArcSwap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wasmtime::Engine;
use wasmtime::component::Linker;

type PluginSet = BTreeMap<String, Arc<Loaded>>;

/// Runs plugins: loads them from a directory, keeps them compiled, and calls them on a
/// fresh instance per call under their limits. Calls block; run them off async workers
/// (`spawn_blocking`). `Send + Sync`: share it in an `Arc`.
pub struct PluginHost {
    engine: Engine,
    linker: Linker<StoreData>,
    cache: CompileCache,
    config: HostConfig,
    services: Arc<dyn HostServices>,
    set: ArcSwap<PluginSet>,
    dir: Mutex<Option<PathBuf>>,
    pooling: bool,
    gate: Gate,
    _ticker: EpochTicker,
}

/// Counters about the host, for tests and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostStats {
    /// Components compiled from wasm since start.
    pub compilations: u64,
    /// Components loaded from the disk cache since start.
    pub cache_hits: u64,
    /// Whether the pooling allocator is in use.
    pub pooling: bool,
}

impl PluginHost {
    /// A host with no plugins loaded yet.
    pub fn new(config: HostConfig, services: Arc<dyn HostServices>) -> anyhow::Result<Self> {
        let (engine, pooling) =
            engine::build(&config).map_err(|e| anyhow::anyhow!("plugin engine: {e:?}"))?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
            .map_err(|e| anyhow::anyhow!("linking WASI: {e:?}"))?;
        crate::world::add_to_linker(&mut linker)
            .map_err(|e| anyhow::anyhow!("linking anjuan:plugin/host: {e:?}"))?;
        let cache = CompileCache::new(&engine, config.cache_dir.clone());
        let ticker = EpochTicker::start(engine.clone(), config.epoch_tick)?;
        Ok(Self {
            engine,
            linker,
            cache,
            gate: Gate::new(config.max_concurrent_instances),
            config,
            services,
            set: ArcSwap::from_pointee(PluginSet::new()),
            dir: Mutex::new(None),
            pooling,
            _ticker: ticker,
        })
    }

    fn loader(&self) -> Loader<'_> {
        Loader {
            engine: &self.engine,
            linker: &self.linker,
            cache: &self.cache,
            config: &self.config,
            services: &self.services,
            gate: &self.gate,
        }
    }

    /// Loads every `<id>.wasm` with its `<id>.toml` from `dir` and makes that the plugin
    /// set, replacing the previous one atomically: calls in flight finish on the old set.
    /// The directory is remembered for [`reload`](Self::reload).
    pub fn load_dir(&self, dir: &Path) -> LoadReport {
        if let Ok(mut d) = self.dir.lock() {
            *d = Some(dir.to_path_buf());
        }
        let old = self.set.load_full();
        let mut report = LoadReport::default();
        let files = match loader::wasm_files(dir) {
            Ok(f) => f,
            Err(e) => {
                let kind = ErrorKind::Load(format!("{}: {e}", dir.display()));
                report.failed.push(PluginError::new(
                    &dir.display().to_string(),
                    None,
                    "load",
                    kind,
                ));
                return report;
            }
        };
        let mut set = PluginSet::new();
        for wasm in files {
            let id = wasm
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match self
                .loader()
                .load(&wasm, &loader::manifest_path(&wasm), true, old.get(&id))
            {
                Ok(p) => {
                    report.loaded.push(p.info());
                    set.insert(p.manifest.id.clone(), Arc::new(p));
                }
                Err(e) => {
                    tracing::error!(error = %e, "plugin failed to load");
                    if let Some(prev) = old.get(&id) {
                        report.kept_previous.push(id.clone());
                        set.insert(id, Arc::clone(prev));
                    }
                    report.failed.push(e);
                }
            }
        }
        self.set.store(Arc::new(set));
        report
    }

    /// Loads the remembered directory again (an admin reload): changed files are picked
    /// up, unchanged ones reuse their compiled code.
    pub fn reload(&self) -> LoadReport {
        let dir = self.dir.lock().ok().and_then(|d| d.clone());
        match dir {
            Some(d) => self.load_dir(&d),
            None => LoadReport::default(),
        }
    }

    /// Loads one plugin file with the given manifest (which may lack `sha256`) and adds it
    /// to the set, for `anjuan plugin run` and tests.
    pub fn load_file(&self, wasm: &Path, manifest: &Path) -> Result<PluginInfo, PluginError> {
        let p = self.loader().load(wasm, manifest, false, None)?;
        let info = p.info();
        let p = Arc::new(p);
        self.set.rcu(|set| {
            let mut next = PluginSet::clone(set);
            next.insert(info.id.clone(), Arc::clone(&p));
            next
        });
        Ok(info)
    }

    /// The loaded plugins.
    pub fn plugins(&self) -> Vec<PluginInfo> {
        self.set.load().values().map(|p| p.info()).collect()
    }

    fn get(&self, id: &str, call: &str) -> Result<Arc<Loaded>, PluginError> {
        self.set
            .load()
            .get(id)
            .cloned()
            .ok_or_else(|| PluginError::new(id, None, call, ErrorKind::UnknownPlugin))
    }

    /// What a plugin says about itself (read once at load).
    pub fn describe(&self, id: &str) -> Result<Description, PluginError> {
        Ok(self.get(id, "describe")?.description.clone())
    }

    /// A plugin's manifest: its checks' reads and `on_failure`, its count queries.
    pub fn manifest(&self, id: &str) -> Result<Manifest, PluginError> {
        Ok(self.get(id, "manifest")?.manifest.clone())
    }

    /// Counters: compilations, cache hits, pooling.
    pub fn stats(&self) -> HostStats {
        HostStats {
            compilations: self.cache.stats.compilations.load(Ordering::Relaxed),
            cache_hits: self.cache.stats.cache_hits.load(Ordering::Relaxed),
            pooling: self.pooling,
        }
    }

    fn target<'a>(&'a self, p: &'a Loaded) -> Target<'a> {
        Target {
            engine: &self.engine,
            id: &p.manifest.id,
            version: Some(&p.manifest.version),
            pre: &p.pre,
            limits: &p.limits,
            counts: &p.counts,
            services: &self.services,
            epoch_tick: self.config.epoch_tick,
            gate: &self.gate,
            slot_wait: Duration::from_millis(self.config.ceilings.wall_clock_ms),
        }
    }

    /// Form `form_id` of plugin `id`, parsed and linted.
    pub fn form(&self, id: &str, form_id: &str, env: &Envelope) -> Result<FormDef, PluginError> {
        let p = self.get(id, &format!("form {form_id}"))?;
        let t = self.target(&p);
        let call = format!("form {form_id}");
        if !p.description.forms.iter().any(|f| f.id == form_id) {
            return Err(t.error(&call, ErrorKind::UnknownForm(form_id.into())));
        }
        let (out, mut usage) = t.invoke(&call, &env.programme, &env.actor_id, 0, |pl, s| {
            pl.form(s, form_id, env)
        })?;
        let json = out.map_err(|e| t.error(&call, call_error(e, ErrorKind::UnknownForm)))?;
        t.check_output(&call, &mut usage, json.len())?;
        let form: FormDef = serde_json::from_str(&json).map_err(|e| {
            t.error(
                &call,
                ErrorKind::MalformedOutput(format!("form is not valid form-language JSON: {e}")),
            )
        })?;
        let problems = anjuan_plugin_sdk::form::lint(&form);
        if !problems.is_empty() {
            return Err(t.error(
                &call,
                ErrorKind::MalformedOutput(format!("form definition: {}", problems.join("; "))),
            ));
        }
        Ok(form)
    }

    /// Runs check `check_id` of plugin `id` on `case_data`. The host passes only the
    /// fields the manifest says the check reads.
    pub fn check(
        &self,
        id: &str,
        check_id: &str,
        env: &Envelope,
        case_data: &Value,
    ) -> Result<CheckReport, PluginError> {
        let call = format!("check {check_id}");
        let p = self.get(id, &call)?;
        let t = self.target(&p);
        let Some(spec) = p.manifest.checks.get(check_id) else {
            return Err(t.error(&call, ErrorKind::UnknownCheck(check_id.into())));
        };
        let with_policy = |mut e: PluginError| {
            e.on_failure = spec.on_failure;
            e
        };
        let input = pointers::select(case_data, &spec.reads).to_string();
        let (out, mut usage) = t
            .invoke(
                &call,
                &env.programme,
                &env.actor_id,
                len(&input),
                |pl, s| pl.check(s, check_id, env, &input),
            )
            .map_err(with_policy)?;
        let found =
            out.map_err(|e| with_policy(t.error(&call, call_error(e, ErrorKind::UnknownCheck))))?;
        let size: usize = found
            .iter()
            .map(|f| f.field.len() + f.code.len() + f.message_zh.len() + f.message_en.len())
            .sum();
        t.check_output(&call, &mut usage, size)
            .map_err(with_policy)?;
        let findings = found
            .into_iter()
            .map(native_finding)
            .collect::<Result<Vec<_>, _>>();
        let findings =
            findings.map_err(|m| with_policy(t.error(&call, ErrorKind::MalformedOutput(m))))?;
        Ok(CheckReport {
            plugin: p.plugin_ref(),
            check: check_id.into(),
            on_failure: spec.on_failure,
            findings,
            usage,
        })
    }

    /// Derived fields of plugin `id` for `case_data` (filtered by the manifest's
    /// `[derive] reads`).
    pub fn derive(
        &self,
        id: &str,
        env: &Envelope,
        case_data: &Value,
    ) -> Result<DeriveReport, PluginError> {
        let p = self.get(id, "derive")?;
        let t = self.target(&p);
        let reads = p
            .manifest
            .derive
            .as_ref()
            .map(|d| d.reads.as_slice())
            .unwrap_or_default();
        let input = pointers::select(case_data, reads).to_string();
        let (out, mut usage) = t.invoke(
            "derive",
            &env.programme,
            &env.actor_id,
            len(&input),
            |pl, s| pl.derive(s, env, &input),
        )?;
        let json = out.map_err(|e| t.error("derive", call_error(e, ErrorKind::Failed)))?;
        t.check_output("derive", &mut usage, json.len())?;
        let fields: Value = serde_json::from_str(&json).map_err(|e| {
            t.error(
                "derive",
                ErrorKind::MalformedOutput(format!("derive output is not JSON: {e}")),
            )
        })?;
        if !fields.is_object() {
            return Err(t.error(
                "derive",
                ErrorKind::MalformedOutput("derive output is not a JSON object".into()),
            ));
        }
        Ok(DeriveReport {
            plugin: p.plugin_ref(),
            fields,
            usage,
        })
    }
}

fn len(s: &str) -> u64 {
    u64::try_from(s.len()).unwrap_or(u64::MAX)
}

fn call_error(e: CallError, unknown: impl FnOnce(String) -> ErrorKind) -> ErrorKind {
    match e {
        CallError::UnknownId(m) => unknown(m),
        CallError::BadInput(m) => ErrorKind::Failed(format!("bad input: {m}")),
        CallError::Failed(m) => ErrorKind::Failed(m),
    }
}

fn native_finding(f: WitFinding) -> Result<Finding, String> {
    if !is_json_pointer(&f.field) {
        return Err(format!("finding field `{}` is not a JSON Pointer", f.field));
    }
    let severity = match f.severity {
        WitSeverity::Error => Severity::Error,
        WitSeverity::Warning => Severity::Warning,
    };
    Ok(Finding {
        field: f.field,
        code: f.code,
        message_zh: f.message_zh,
        message_en: f.message_en,
        severity,
    })
}

#[cfg(test)]
mod tests {
    /// The server keeps the host in an `Arc` in its state and calls it from blocking tasks.
    #[test]
    fn the_host_can_be_shared_across_threads() {
        fn shared<T: Send + Sync + 'static>() {}
        shared::<super::PluginHost>();
        shared::<super::PluginError>();
    }
}
