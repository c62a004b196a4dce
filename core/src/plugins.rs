//! The wasm plugin host wired into the server: the engine's [`PluginChecks`] and the
//! server's [`Plugins`], on `anjuan-plugin-host`; and the host's view of the server
//! ([`HostServices`]): working days from the calendar, declared counts from the store.

use std::sync::{Arc, RwLock};

use anjuan_plugin_host::{
    CountRequest, Envelope, HostConfig, HostServices, PluginError, PluginHost,
};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use crate::calendar::Calendar;
use crate::engine::{
    CheckRequest, CheckResult, Finding, PluginChecks, PluginFailure, Provenance, Severity,
};
use crate::error::Violation;
use crate::state::{DeriveRequest, Plugins};
use crate::workflow::model::I18n;

/// The plugin host, loaded from a folder.
pub struct HostPlugins {
    host: PluginHost,
    /// Why each plugin of the folder that failed at the last load failed, by id (or
    /// file name).
    failures: RwLock<std::collections::HashMap<String, String>>,
    /// Form definitions by (plugin, form, locale): fixed for a plugin build, so asked
    /// of the plugin once and kept until the folder is loaded again.
    forms: RwLock<std::collections::HashMap<(String, String, String), Arc<CachedForm>>>,
    /// Where call durations go.
    metrics: RwLock<Option<Arc<crate::metrics::Metrics>>>,
    /// What the plugins reach through their host functions; kept to hand it a
    /// reloaded calendar.
    services: Arc<ServerServices>,
}

impl HostPlugins {
    /// Start a host caching compiled plugins under `cache`, and load `dir`.
    pub fn start(
        dir: &std::path::Path,
        cache: std::path::PathBuf,
        services: Arc<ServerServices>,
    ) -> anyhow::Result<HostPlugins> {
        let config = HostConfig {
            cache_dir: Some(cache),
            ..HostConfig::default()
        };
        let host = PluginHost::new(config, services.clone())?;
        let report = host.load_dir(dir);
        for p in host.plugins() {
            tracing::info!(plugin = %p.id, version = %p.version, sha256 = %p.sha256, "plugin loaded");
        }
        if !dir.is_dir() {
            tracing::warn!(dir = %dir.display(), "plugin folder missing: programmes with plugins are unavailable");
        }
        tracing::debug!(?report, "plugin load");
        let plugins = HostPlugins {
            host,
            services,
            failures: RwLock::default(),
            forms: RwLock::default(),
            metrics: RwLock::default(),
        };
        plugins.remember(&report);
        Ok(plugins)
    }

    /// A form definition, from the cache or (once per plugin build) from the plugin;
    /// `None` when the plugin or the form is unknown (not cached: it may load later).
    fn cached_form(
        &self,
        plugin: &str,
        form: &str,
        locale: &str,
    ) -> Result<Option<Arc<CachedForm>>, String> {
        let key = (plugin.to_owned(), form.to_owned(), locale.to_owned());
        if let Some(f) = self.forms.read().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(Some(f));
        }
        let cached = self.ask_form(plugin, form, locale)?;
        if let (Some(cached), Ok(mut m)) = (&cached, self.forms.write()) {
            m.insert(key, cached.clone());
        }
        Ok(cached)
    }

    /// A form definition from the plugin (a wasm call: on the blocking pool or while
    /// loading, never on an async worker).
    fn ask_form(
        &self,
        plugin: &str,
        form: &str,
        locale: &str,
    ) -> Result<Option<Arc<CachedForm>>, String> {
        let env = Envelope {
            case_id: String::new(),
            programme: plugin.to_owned(),
            case_type: String::new(),
            case_number: String::new(),
            parent_id: None,
            state: String::new(),
            action: None,
            actor_id: String::new(),
            actor_roles: Vec::new(),
            org_unit: String::new(),
            locale: locale.to_owned(),
            ..clock(chrono::Utc::now(), self.services.calendar().timezone())
        };
        let def = match self.host.form(plugin, form, &env) {
            Ok(f) => f,
            Err(e)
                if matches!(
                    e.kind,
                    anjuan_plugin_host::ErrorKind::UnknownForm(_)
                        | anjuan_plugin_host::ErrorKind::UnknownPlugin
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(e.to_string()),
        };
        let json = serde_json::to_value(&def).map_err(|e| e.to_string())?;
        Ok(Some(Arc::new(CachedForm {
            json,
            def: Arc::new(def),
        })))
    }

    fn remember(&self, report: &anjuan_plugin_host::LoadReport) {
        // Every form of every plugin, asked now, while loading: requests then find
        // them in memory and never call a plugin on the server's async threads. The
        // new set replaces the old one whole, so a request during a reload never
        // finds the cache emptied.
        let mut forms = std::collections::HashMap::new();
        for p in self.host.plugins() {
            let Ok(d) = self.host.describe(&p.id) else {
                continue;
            };
            for form in &d.forms {
                for locale in ["zh-CN", "en"] {
                    match self.ask_form(&p.id, &form.id, locale) {
                        Ok(Some(f)) => {
                            forms.insert((p.id.clone(), form.id.clone(), locale.to_owned()), f);
                        }
                        Ok(None) => {}
                        Err(e) => {
                            tracing::warn!(plugin = %p.id, form = %form.id, error = %e, "a plugin form could not be read");
                        }
                    }
                }
            }
        }
        if let Ok(mut m) = self.forms.write() {
            *m = forms;
        }
        let failed = report
            .failed
            .iter()
            .map(|e| {
                tracing::error!(plugin = %e.plugin, error = %e, "plugin not loaded");
                (e.plugin.clone(), e.to_string())
            })
            .collect();
        if let Ok(mut f) = self.failures.write() {
            *f = failed;
        }
    }
}

/// A plugin's form: as JSON for the UI and API, and parsed for validation.
struct CachedForm {
    json: Value,
    def: Arc<anjuan_plugin_host::FormDef>,
}

/// `plugin@version` as failures name it.
fn plugin_name(e: &PluginError) -> String {
    format!(
        "{}{}",
        e.plugin,
        e.version
            .as_deref()
            .map(|v| format!("@{v}"))
            .unwrap_or_default()
    )
}

/// An envelope holding only the clock: `now` in UTC, the deployment's time zone, and
/// `now` in that zone (its date is the deployment's today).
fn clock(now: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> Envelope {
    Envelope {
        now: now.to_rfc3339(),
        time_zone: tz.name().to_owned(),
        local_now: now.with_timezone(&tz).to_rfc3339(),
        ..Envelope::default()
    }
}

fn envelope(r: &CheckRequest<'_>, tz: chrono_tz::Tz) -> Envelope {
    let case = r.case;
    Envelope {
        case_id: case.map(|c| c.id.clone()).unwrap_or_default(),
        programme: r.programme.to_owned(),
        case_type: r.case_type.to_owned(),
        case_number: case.map(|c| c.number.clone()).unwrap_or_default(),
        parent_id: r.parent_id.map(str::to_owned),
        state: case.map(|c| c.state.clone()).unwrap_or_default(),
        action: Some(r.action.to_owned()),
        actor_id: r.actor.id.clone(),
        actor_roles: r.actor.roles.iter().cloned().collect(),
        org_unit: case.map(|c| c.org_unit.clone()).unwrap_or_default(),
        locale: "zh-CN".to_owned(),
        ..clock(r.now, tz)
    }
}

fn failure(r: &CheckRequest<'_>, e: &PluginError) -> PluginFailure {
    PluginFailure {
        plugin: plugin_name(e),
        check: r.check.to_owned(),
        reason: e.to_string(),
        blocking: e.blocks(),
    }
}

fn finding(f: anjuan_plugin_host::Finding) -> Finding {
    Finding {
        field: f.field,
        code: f.code,
        message: I18n {
            zh: f.message_zh,
            en: f.message_en,
        },
        severity: match f.severity {
            anjuan_plugin_host::Severity::Error => Severity::Error,
            _ => Severity::Warning,
        },
    }
}

impl HostPlugins {
    /// Record how long a call that started at `started` took.
    fn record(&self, plugin: &str, call: &str, started: std::time::Instant) {
        if let Some(m) = self.metrics.read().ok().and_then(|m| m.clone()) {
            m.plugin_call(plugin, call, started.elapsed());
        }
    }
}

impl PluginChecks for HostPlugins {
    fn check(&self, r: &CheckRequest<'_>) -> Result<CheckResult, PluginFailure> {
        let started = std::time::Instant::now();
        let tz = self.services.calendar().timezone();
        let report = self.host.check(r.plugin, r.check, &envelope(r, tz), r.data);
        self.record(r.plugin, "check", started);
        let report = report.map_err(|e| failure(r, &e))?;
        Ok(CheckResult {
            findings: report.findings.into_iter().map(finding).collect(),
            provenance: Some(Provenance {
                id: report.plugin.id,
                version: report.plugin.version,
                sha256: report.plugin.sha256,
            }),
        })
    }
}

impl Plugins for HostPlugins {
    fn derived_fields(&self, plugin: &str) -> Vec<String> {
        // A plugin that is not loaded derives nothing now; its checks fail on their own.
        self.host
            .describe(plugin)
            .map(|d| d.derived_fields)
            .unwrap_or_default()
    }

    fn derive(&self, r: &DeriveRequest<'_>) -> Result<Value, PluginFailure> {
        let env = Envelope {
            case_id: r.case_id.to_owned(),
            programme: r.programme.to_owned(),
            case_type: r.case_type.to_owned(),
            case_number: r.case_number.to_owned(),
            parent_id: r.parent_id.map(str::to_owned),
            state: r.state.to_owned(),
            action: Some(r.action.to_owned()),
            actor_id: r.actor.id.clone(),
            actor_roles: r.actor.roles.iter().cloned().collect(),
            org_unit: r.org_unit.to_owned(),
            locale: "zh-CN".to_owned(),
            ..clock(r.now, self.services.calendar().timezone())
        };
        let started = std::time::Instant::now();
        let derived = self.host.derive(r.plugin, &env, r.data);
        self.record(r.plugin, "derive", started);
        derived
            .map(|report| report.fields)
            .map_err(|e| PluginFailure {
                plugin: plugin_name(&e),
                check: "derive".to_owned(),
                reason: e.to_string(),
                // Derived fields are stored: without them the case would be wrong.
                blocking: true,
            })
    }

    fn set_calendar(&self, calendar: Arc<Calendar>) {
        self.services.set_calendar(calendar);
    }

    fn set_programmes(&self, programmes: Arc<crate::state::Programmes>) {
        self.services.set_programmes(programmes);
    }

    fn set_metrics(&self, metrics: Arc<crate::metrics::Metrics>) {
        if let Ok(mut m) = self.metrics.write() {
            *m = Some(metrics);
        }
    }

    fn form(&self, plugin: &str, form: &str, locale: &str) -> Result<Option<Value>, String> {
        Ok(self
            .cached_form(plugin, form, locale)?
            .map(|f| f.json.clone()))
    }

    fn form_def(
        &self,
        plugin: &str,
        form: &str,
        locale: &str,
    ) -> Result<Option<Arc<anjuan_plugin_host::FormDef>>, String> {
        Ok(self
            .cached_form(plugin, form, locale)?
            .map(|f| f.def.clone()))
    }

    fn check_reads(&self, plugin: &str, check: &str) -> Option<Vec<String>> {
        let manifest = self.host.manifest(plugin).ok()?;
        manifest.checks.get(check).map(|c| c.reads.clone())
    }

    fn count_pointers(&self, plugin: &str) -> Vec<(String, String)> {
        let Ok(manifest) = self.host.manifest(plugin) else {
            return Vec::new();
        };
        let mut out: Vec<(String, String)> = manifest
            .counts
            .values()
            .flat_map(|q| {
                q.params
                    .values()
                    .filter(|p| p.as_str() != crate::store::plugin_counts::PARENT)
                    .map(|p| (q.case_type.clone(), p.clone()))
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn form_in_memory(&self, plugin: &str, form: &str, locale: &str) -> bool {
        let key = (plugin.to_owned(), form.to_owned(), locale.to_owned());
        self.forms.read().is_ok_and(|m| m.contains_key(&key))
    }

    fn validate(&self, plugin: &str, form: &str, data: &Value) -> Result<Vec<Violation>, String> {
        let Some(cached) = self.cached_form(plugin, form, "zh-CN")? else {
            return Ok(Vec::new());
        };
        Ok(anjuan_plugin_host::validate_form_data(&cached.def, data)
            .into_iter()
            .filter(|f| matches!(f.severity, anjuan_plugin_host::Severity::Error))
            .map(|f| Violation {
                layer: None,
                field: f.field,
                code: f.code,
                message: I18n {
                    zh: f.message_zh,
                    en: f.message_en,
                },
            })
            .collect())
    }

    fn availability(&self, plugin: &str) -> Result<(), String> {
        if self.host.describe(plugin).is_ok() {
            return Ok(());
        }
        let known = self.failures.read().ok().and_then(|f| {
            f.get(plugin).cloned().or_else(|| {
                // A file refused before its id was read is named by its file name.
                f.iter()
                    .find(|(k, _)| k.ends_with(&format!("{plugin}.wasm")))
                    .map(|(_, v)| v.clone())
            })
        });
        Err(known.unwrap_or_else(|| "not found in the plugin folder".to_owned()))
    }

    fn list(&self) -> Vec<Value> {
        self.host
            .plugins()
            .into_iter()
            .map(|p| json!({ "id": p.id, "version": p.version, "sha256": p.sha256, "interface_version": p.interface_version, "title": { "zh": p.title_zh, "en": p.title_en } }))
            .collect()
    }

    fn crosscheck(
        &self,
        defs: &[&crate::workflow::Definition],
    ) -> Vec<crate::workflow::Diagnostic> {
        crate::crosscheck::check(defs.iter().copied(), &self.host)
    }

    fn browser(&self, plugin: &str) -> Option<crate::state::BrowserBuild> {
        let info = self.host.plugins().into_iter().find(|p| p.id == plugin)?;
        let manifest = self.host.manifest(plugin).ok()?;
        let checks = manifest
            .checks
            .into_iter()
            .map(|(id, spec)| {
                let check = crate::state::BrowserCheck {
                    reads: spec.reads,
                    blocking: spec.on_failure == anjuan_plugin_host::OnFailure::Block,
                };
                (id, check)
            })
            .collect();
        Some(crate::state::BrowserBuild {
            id: info.id,
            sha256: info.sha256,
            checks,
            wall_clock_ms: info.limits.wall_clock_ms,
            memory_bytes: info.limits.memory_bytes,
        })
    }

    fn reload(&self) -> Result<(), String> {
        let report = self.host.reload();
        tracing::info!(?report, "plugins reloaded");
        self.remember(&report);
        Ok(())
    }
}

/// What plugins may ask of the server: working days and the counts they declared.
pub struct ServerServices {
    /// The working-day calendar; swapped whole when an administrator reloads it.
    calendar: RwLock<Arc<Calendar>>,
    /// The database, for counts.
    db: DatabaseConnection,
    /// The runtime, to run a count from inside a (blocking) plugin call.
    runtime: tokio::runtime::Handle,
    /// The loaded definitions, to know which counted fields are sensitive.
    programmes: RwLock<Arc<crate::state::Programmes>>,
}

impl ServerServices {
    /// Services over `calendar` (until [`ServerServices::set_calendar`]) and `db`; counts
    /// run on `runtime`.
    pub fn new(
        calendar: Calendar,
        db: DatabaseConnection,
        runtime: tokio::runtime::Handle,
    ) -> ServerServices {
        ServerServices {
            calendar: RwLock::new(Arc::new(calendar)),
            db,
            runtime,
            programmes: RwLock::default(),
        }
    }

    /// The definitions counts consult from now on.
    pub fn set_programmes(&self, programmes: Arc<crate::state::Programmes>) {
        match self.programmes.write() {
            Ok(mut slot) => *slot = programmes,
            Err(poisoned) => *poisoned.into_inner() = programmes,
        }
    }

    /// The sensitive top-level fields a count's filters compare.
    fn sensitive_filters(&self, r: &CountRequest<'_>) -> Vec<String> {
        let programmes = match self.programmes.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        let Some(ct) = programmes
            .current(r.programme)
            .and_then(|v| v.def.programme.case_type(r.case_type).cloned())
        else {
            return Vec::new();
        };
        let mut fields: Vec<String> = r
            .filters
            .iter()
            .filter(|(p, _)| *p != "@parent")
            .filter_map(|(p, _)| p.trim_start_matches('/').split('/').next())
            .filter(|f| ct.fields.get(*f).is_some_and(|d| d.sensitive))
            .map(str::to_owned)
            .collect();
        fields.sort();
        fields.dedup();
        fields
    }

    /// The calendar plugin calls use now.
    pub fn calendar(&self) -> Arc<Calendar> {
        match self.calendar.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Use `calendar` from the next plugin call on; a call already running keeps the
    /// one it started with.
    pub fn set_calendar(&self, calendar: Arc<Calendar>) {
        match self.calendar.write() {
            Ok(mut slot) => *slot = calendar,
            Err(poisoned) => *poisoned.into_inner() = calendar,
        }
    }
}

impl HostServices for ServerServices {
    fn add_working_days(&self, date: NaiveDate, days: u32) -> Result<NaiveDate, String> {
        Ok(self.calendar().add_working_days(date, days))
    }

    fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> Result<i64, String> {
        Ok(self.calendar().working_days_between(start, end))
    }

    fn count(&self, r: &CountRequest<'_>) -> Result<u64, String> {
        let query = crate::store::plugin_counts::Query {
            programme: r.programme,
            case_type: r.case_type,
            filters: &r.filters,
        };
        // A count that compares sensitive fields tells the caller something about the
        // cases it matches (that an ID number belongs to a registered family, say):
        // it is a read of those fields, and logged as one.
        let sensitive = self.sensitive_filters(r);
        if sensitive.is_empty() || r.actor.is_empty() {
            let n = crate::store::plugin_counts::count(&self.db, &query);
            return self.runtime.block_on(n).map_err(|e| e.to_string());
        }
        let matched = self
            .runtime
            .block_on(crate::store::plugin_counts::matching(&self.db, &query))
            .map_err(|e| e.to_string())?;
        let now = chrono::Utc::now();
        for c in &matched {
            self.runtime
                .block_on(crate::store::access::record(
                    &self.db, r.actor, &c.id, &sensitive, "check", now,
                ))
                .map_err(|e| e.to_string())?;
        }
        let answer = crate::service::probes::answer(
            &self.db,
            r.actor,
            r.programme,
            &sensitive,
            &matched,
            now,
        );
        self.runtime.block_on(answer).map_err(|e| e.to_string())
    }
}

/// For servers without plugins (and tests of programmes without checks).
pub struct NoPlugins;

impl PluginChecks for NoPlugins {
    fn check(&self, r: &CheckRequest<'_>) -> Result<CheckResult, PluginFailure> {
        Err(PluginFailure {
            plugin: r.plugin.to_owned(),
            check: r.check.to_owned(),
            reason: "no plugins are loaded".into(),
            blocking: true,
        })
    }
}

impl Plugins for NoPlugins {
    fn derived_fields(&self, _: &str) -> Vec<String> {
        Vec::new()
    }
    fn derive(&self, r: &DeriveRequest<'_>) -> Result<Value, PluginFailure> {
        Err(PluginFailure {
            plugin: r.plugin.to_owned(),
            check: "derive".to_owned(),
            reason: "no plugins are loaded".into(),
            blocking: true,
        })
    }
    fn set_calendar(&self, _: Arc<Calendar>) {}
    fn form(&self, _: &str, _: &str, _: &str) -> Result<Option<Value>, String> {
        Ok(None)
    }
    fn validate(&self, _: &str, _: &str, _: &Value) -> Result<Vec<Violation>, String> {
        Ok(Vec::new())
    }
    fn availability(&self, _: &str) -> Result<(), String> {
        Err("no plugins are loaded".into())
    }
    fn list(&self) -> Vec<Value> {
        Vec::new()
    }
    fn reload(&self) -> Result<(), String> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::clock;
    use chrono::TimeZone;

    #[test]
    fn the_envelope_clock_is_utc_plus_the_deployment_zone_and_local_time() {
        // 23:30 UTC is 07:30 the next morning in Beijing, whose date plugins must use.
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 9, 30, 23, 30, 0)
            .unwrap();
        let env = clock(now, chrono_tz::Asia::Shanghai);
        assert_eq!(env.now, "2026-09-30T23:30:00+00:00");
        assert_eq!(env.time_zone, "Asia/Shanghai");
        assert_eq!(env.local_now, "2026-10-01T07:30:00+08:00");
        let env = clock(now, chrono_tz::Europe::Berlin);
        assert_eq!(env.local_now, "2026-10-01T01:30:00+02:00");
    }
}
