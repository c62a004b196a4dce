//! What every request and the worker share: configuration, the database, the loaded
//! programmes, the calendar and the plugins. No global mutable state: reloadable
//! parts sit behind a lock holding an `Arc`, swapped whole on reload.

use std::collections::{BTreeMap, HashMap};
use std::ops::Deref;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::engine::{Actor, PluginChecks, PluginFailure};
use crate::metrics::Metrics;
use crate::workflow::{Definition, Diagnostic};

/// One stored version of a programme's definition.
#[derive(Debug)]
pub struct Version {
    /// Version number, counting from 1 per programme.
    pub number: i32,
    /// The definition.
    pub def: Definition,
}

/// The loaded programmes: the current version of each, and every older version a
/// running case may still be on.
#[derive(Debug, Default)]
pub struct Programmes {
    current: BTreeMap<String, Arc<Version>>,
    all: HashMap<(String, i32), Arc<Version>>,
    /// Mistakes in workflow files that were not loaded.
    pub errors: Vec<Diagnostic>,
}

impl Programmes {
    /// Build from versions; the highest number of each programme is current.
    pub fn new(
        versions: Vec<(String, Arc<Version>)>,
        current: Vec<String>,
        errors: Vec<Diagnostic>,
    ) -> Programmes {
        let mut p = Programmes {
            errors,
            ..Programmes::default()
        };
        for (id, v) in versions {
            p.all.insert((id, v.number), v);
        }
        for id in current {
            let latest = p
                .all
                .iter()
                .filter(|((pid, _), _)| *pid == id)
                .max_by_key(|((_, n), _)| *n);
            if let Some((_, v)) = latest {
                p.current.insert(id.clone(), v.clone());
            }
        }
        p
    }

    /// The current version of a programme.
    pub fn current(&self, id: &str) -> Option<&Arc<Version>> {
        self.current.get(id)
    }

    /// A given version of a programme.
    pub fn version(&self, id: &str, number: i32) -> Option<&Arc<Version>> {
        self.all.get(&(id.to_owned(), number))
    }

    /// Every current programme, by id.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Arc<Version>)> {
        self.current.iter()
    }

    /// Every stored version of one programme, newest first.
    pub fn versions(&self, id: &str) -> Vec<&Arc<Version>> {
        let mut v: Vec<_> = self
            .all
            .iter()
            .filter(|((pid, _), _)| pid == id)
            .map(|(_, v)| v)
            .collect();
        v.sort_by_key(|v| std::cmp::Reverse(v.number));
        v
    }
}

/// What a plugin's `derive` is asked: the case data as an accepted action or a new case
/// leaves it, and who the call is for.
#[derive(Debug, Clone, Copy)]
pub struct DeriveRequest<'a> {
    /// Programme id.
    pub programme: &'a str,
    /// Plugin id declared by the programme.
    pub plugin: &'a str,
    /// Case type.
    pub case_type: &'a str,
    /// Case id; empty while the case is being opened.
    pub case_id: &'a str,
    /// Human case number; empty while the case is being opened.
    pub case_number: &'a str,
    /// The state the case is in after the action (its initial state when opened).
    pub state: &'a str,
    /// The parent case's id, if any.
    pub parent_id: Option<&'a str>,
    /// The action (`create` when opening).
    pub action: &'a str,
    /// Who acts.
    pub actor: &'a Actor,
    /// The owning org unit.
    pub org_unit: &'a str,
    /// The case data after the action.
    pub data: &'a serde_json::Value,
    /// Now.
    pub now: DateTime<Utc>,
}

/// The plugin side of the server: checks for the engine, forms for the UI and API.
pub trait Plugins: PluginChecks + Send + Sync {
    /// The fields a plugin computes, as JSON Pointers into the case data; empty when it
    /// derives nothing (or is not loaded).
    fn derived_fields(&self, plugin: &str) -> Vec<String>;
    /// Ask the plugin for its derived fields: a JSON object keyed like the case data. A
    /// plugin that traps, runs out of time or answers nonsense fails, and the case must
    /// stay as it was.
    fn derive(&self, request: &DeriveRequest<'_>) -> Result<serde_json::Value, PluginFailure>;
    /// The working-day calendar the plugins' host functions use from now on.
    fn set_calendar(&self, calendar: Arc<Calendar>);
    /// The definitions the plugins' host functions consult from now on (which fields a
    /// count compares are sensitive).
    fn set_programmes(&self, programmes: Arc<Programmes>) {
        let _ = programmes;
    }
    /// Where plugin call durations are recorded from now on.
    fn set_metrics(&self, metrics: Arc<crate::metrics::Metrics>) {
        let _ = metrics;
    }
    /// A plugin's form definition (JSON) for a form id, or `None` when it has none.
    fn form(
        &self,
        plugin: &str,
        form: &str,
        locale: &str,
    ) -> Result<Option<serde_json::Value>, String>;
    /// [`Plugins::form`], parsed. A host that keeps forms parsed answers without a
    /// JSON round trip.
    fn form_def(
        &self,
        plugin: &str,
        form: &str,
        locale: &str,
    ) -> Result<Option<Arc<anjuan_plugin_sdk::FormDef>>, String> {
        self.form(plugin, form, locale)?
            .map(|json| {
                serde_json::from_value(json)
                    .map(Arc::new)
                    .map_err(|e| format!("the plugin's form does not parse: {e}"))
            })
            .transpose()
    }
    /// Whether [`Plugins::form`] and [`Plugins::validate`] for this form answer from
    /// memory, without calling the plugin. When not, async callers go through
    /// [`plugin_form`] and [`plugin_validate`], which call it on the blocking pool.
    fn form_in_memory(&self, plugin: &str, form: &str, locale: &str) -> bool {
        let _ = (plugin, form, locale);
        false
    }
    /// Check submitted data against a form's generic constraints (required, types,
    /// ranges, patterns, options), so no plugin re-checks them.
    fn validate(
        &self,
        plugin: &str,
        form: &str,
        data: &serde_json::Value,
    ) -> Result<Vec<crate::error::Violation>, String>;
    /// The case fields (JSON Pointers) a plugin's check declares it reads; `None` when
    /// that is not known (the plugin is not loaded, or has no such check).
    fn check_reads(&self, plugin: &str, check: &str) -> Option<Vec<String>> {
        let _ = (plugin, check);
        None
    }
    /// The (case type, JSON Pointer) pairs `plugin`'s declared counts compare case data
    /// by (a parent filter is not one): the server keeps an index for each.
    fn count_pointers(&self, plugin: &str) -> Vec<(String, String)> {
        let _ = plugin;
        Vec::new()
    }
    /// `Ok` when `plugin` is loaded and serving; otherwise why not (missing from the
    /// folder, refused at load: a hash mismatch, a broken component). A programme
    /// whose plugin is not available is degraded: it takes no actions and opens no
    /// cases.
    fn availability(&self, plugin: &str) -> Result<(), String>;
    /// The loaded plugins, for the admin pages and `/api/v1/plugins`.
    fn list(&self) -> Vec<serde_json::Value>;
    /// Load the plugin folder again.
    fn reload(&self) -> Result<(), String>;
    /// Where `defs` and their plugins do not fit together (forms, checks, field
    /// types; see [`crate::crosscheck`]); nothing when no plugins are loaded.
    fn crosscheck(&self, defs: &[&Definition]) -> Vec<Diagnostic> {
        let _ = defs;
        Vec::new()
    }
    /// What a page needs to run `plugin`'s checks itself, as the user types: the
    /// loaded build, its checks' reads and its limits; `None` when it is not loaded.
    fn browser(&self, plugin: &str) -> Option<BrowserBuild> {
        let _ = plugin;
        None
    }
}

/// A loaded plugin build as a page runs it (see `http/ui/checks.rs`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct BrowserBuild {
    /// Plugin id.
    pub id: String,
    /// sha256 of the `.wasm`: the page loads the transpiled files of exactly this build.
    pub sha256: String,
    /// Each check's declared reads (JSON Pointers) and whether a failure refuses.
    pub checks: BTreeMap<String, BrowserCheck>,
    /// The server's wall-clock limit of one call, milliseconds.
    pub wall_clock_ms: u64,
    /// The server's memory limit of one call, bytes.
    pub memory_bytes: u64,
}

/// One check of a [`BrowserBuild`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct BrowserCheck {
    /// The case fields the check receives.
    pub reads: Vec<String>,
    /// Whether a failed call refuses the action (`on_failure = "block"`).
    pub blocking: bool,
}

/// [`Plugins::form`] from an async task: from memory when the form is there, else on
/// the blocking pool, since asking a plugin runs wasm (issue 10, item 15).
pub async fn plugin_form(
    plugins: &Arc<dyn Plugins>,
    plugin: &str,
    form: &str,
    locale: &str,
) -> Result<Option<serde_json::Value>, String> {
    if plugins.form_in_memory(plugin, form, locale) {
        return plugins.form(plugin, form, locale);
    }
    let (p, f, l) = (plugin.to_owned(), form.to_owned(), locale.to_owned());
    let plugins = plugins.clone();
    tokio::task::spawn_blocking(move || plugins.form(&p, &f, &l))
        .await
        .map_err(|e| format!("the form task failed: {e}"))?
}

/// [`Plugins::form_def`] from an async task, like [`plugin_form`].
pub async fn plugin_form_def(
    plugins: &Arc<dyn Plugins>,
    plugin: &str,
    form: &str,
    locale: &str,
) -> Result<Option<Arc<anjuan_plugin_sdk::FormDef>>, String> {
    if plugins.form_in_memory(plugin, form, locale) {
        return plugins.form_def(plugin, form, locale);
    }
    let (p, f, l) = (plugin.to_owned(), form.to_owned(), locale.to_owned());
    let plugins = plugins.clone();
    tokio::task::spawn_blocking(move || plugins.form_def(&p, &f, &l))
        .await
        .map_err(|e| format!("the form task failed: {e}"))?
}

/// [`Plugins::validate`] from an async task, like [`plugin_form`].
pub async fn plugin_validate(
    plugins: &Arc<dyn Plugins>,
    plugin: &str,
    form: &str,
    data: &serde_json::Value,
) -> Result<Vec<crate::error::Violation>, String> {
    if plugins.form_in_memory(plugin, form, "zh-CN") {
        return plugins.validate(plugin, form, data);
    }
    let (p, f, d) = (plugin.to_owned(), form.to_owned(), data.clone());
    let plugins = plugins.clone();
    tokio::task::spawn_blocking(move || plugins.validate(&p, &f, &d))
        .await
        .map_err(|e| format!("the form task failed: {e}"))?
}

/// Shared state, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// The parts of [`AppState`].
pub struct Inner {
    /// Settings.
    pub config: Config,
    /// Database pool.
    pub db: DatabaseConnection,
    /// Loaded programmes.
    pub programmes: RwLock<Arc<Programmes>>,
    /// Working-day calendar.
    pub calendar: RwLock<Arc<Calendar>>,
    /// Plugin host.
    pub plugins: Arc<dyn Plugins>,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// Signed-in callers remembered for a few seconds.
    pub callers: crate::auth::cache::CallerCache,
    /// One lock per case (striped): work on a case is serialised in this server.
    pub case_locks: crate::service::locks::CaseLocks,
    /// Where decided work is committed (group commit on SQLite).
    pub writer: crate::service::writer::Writer,
    /// This server's id, for deadline leases.
    pub node: String,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Wrap the parts.
    pub fn new(inner: Inner) -> AppState {
        AppState(Arc::new(inner))
    }

    /// The programmes now loaded.
    pub fn programmes(&self) -> Arc<Programmes> {
        match self.programmes.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replace the loaded programmes.
    pub fn set_programmes(&self, p: Programmes) {
        let p = Arc::new(p);
        match self.programmes.write() {
            Ok(mut slot) => *slot = p.clone(),
            Err(poisoned) => *poisoned.into_inner() = p.clone(),
        }
        self.plugins.set_programmes(p);
    }

    /// The calendar now loaded.
    pub fn calendar(&self) -> Arc<Calendar> {
        match self.calendar.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replace the calendar, for deadlines and for the plugins' working-day functions
    /// alike (an administrator's reload needs no restart).
    pub fn set_calendar(&self, c: Calendar) {
        let c = Arc::new(c);
        match self.calendar.write() {
            Ok(mut slot) => *slot = c.clone(),
            Err(poisoned) => *poisoned.into_inner() = c.clone(),
        }
        self.plugins.set_calendar(c);
    }
}
