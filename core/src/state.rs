//! What every request and the worker share: configuration, the database, the loaded
//! programmes, the calendar and the plugins. No global mutable state: reloadable
//! parts sit behind a lock holding an `Arc`, swapped whole on reload.

use std::collections::{BTreeMap, HashMap};
use std::ops::Deref;
use std::sync::{Arc, RwLock};

use sea_orm::DatabaseConnection;

use crate::auth::limiter::LoginLimiter;
use crate::calendar::Calendar;
use crate::config::Config;
use crate::engine::PluginChecks;
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

/// The plugin side of the server: checks for the engine, forms for the UI and API.
pub trait Plugins: PluginChecks + Send + Sync {
    /// A plugin's form definition (JSON) for a form id, or `None` when it has none.
    fn form(
        &self,
        plugin: &str,
        form: &str,
        locale: &str,
    ) -> Result<Option<serde_json::Value>, String>;
    /// Check submitted data against a form's generic constraints (required, types,
    /// ranges, patterns, options), so no plugin re-checks them.
    fn validate(
        &self,
        plugin: &str,
        form: &str,
        data: &serde_json::Value,
    ) -> Result<Vec<crate::error::Violation>, String>;
    /// The loaded plugins, for the admin pages and `/api/v1/plugins`.
    fn list(&self) -> Vec<serde_json::Value>;
    /// Load the plugin folder again.
    fn reload(&self) -> Result<(), String>;
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
    /// Login attempts, for the rate limit.
    pub limiter: LoginLimiter,
    /// Prometheus counters.
    pub metrics: Metrics,
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
        match self.programmes.write() {
            Ok(mut slot) => *slot = Arc::new(p),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(p),
        }
    }

    /// The calendar now loaded.
    pub fn calendar(&self) -> Arc<Calendar> {
        match self.calendar.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replace the calendar.
    pub fn set_calendar(&self, c: Calendar) {
        match self.calendar.write() {
            Ok(mut slot) => *slot = Arc::new(c),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(c),
        }
    }
}
