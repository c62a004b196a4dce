//! Starting the server: load everything into an [`AppState`], then serve until told
//! to stop. `serve` takes a bound listener so tests bind `127.0.0.1:0`.

use std::sync::{Arc, RwLock};

use tokio::net::TcpListener;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::metrics::Metrics;
use crate::service::writer::Writer;
use crate::state::{AppState, Inner, Plugins};
use crate::{store, workflow};

/// Build the shared state: database (migrated), calendar, programmes, plugins.
pub async fn state(config: Config, plugins: Arc<dyn Plugins>) -> Result<AppState> {
    let db = store::connect(&config.database_url).await?;
    let metrics = Arc::new(Metrics::default());
    plugins.set_metrics(metrics.clone());
    let writer = Writer::start(
        &db,
        store::connect_writer(&config.database_url).await?,
        metrics.clone(),
    );
    // The plugins' working-day functions use the server's calendar from the start.
    let calendar = Arc::new(load_calendar(&config)?);
    plugins.set_calendar(calendar.clone());
    let state = AppState::new(Inner {
        db,
        programmes: RwLock::new(Arc::default()),
        calendar: RwLock::new(calendar),
        plugins,
        metrics,
        writer,
        callers: Default::default(),
        case_locks: Default::default(),
        node: uuid::Uuid::now_v7().to_string(),
        config,
    });
    reload_programmes(&state).await?;
    let touched = crate::service::worker::backfill(&state, chrono::Utc::now()).await?;
    if touched > 0 {
        tracing::info!(cases = touched, "older cases indexed and decided");
    }
    Ok(state)
}

/// The calendar: built-in years plus the configured folder, when it exists.
pub fn load_calendar(config: &Config) -> Result<Calendar> {
    let dir = config
        .calendar
        .is_dir()
        .then_some(config.calendar.as_path());
    Calendar::load(dir, config.timezone).map_err(|e| Error::Internal(format!("calendar: {e}")))
}

/// Load the workflow folder again; changed files become new definition versions.
pub async fn reload_programmes(state: &AppState) -> Result<()> {
    let (defs, errors) = workflow::load_dir(&state.config.workflows);
    for e in &errors {
        tracing::error!(%e, "workflow not loaded");
    }
    // A programme whose file is now broken keeps its live version.
    let previous = state.programmes();
    let keep: Vec<String> = errors
        .iter()
        .filter_map(|e| e.file.parent()?.file_name()?.to_str().map(str::to_owned))
        .filter(|id| previous.current(id).is_some() && !defs.iter().any(|d| d.id() == id))
        .collect();
    let (defs, mismatches) = crosscheck(state, defs).await?;
    for e in &mismatches {
        tracing::warn!(%e, "workflow and plugin do not fit");
    }
    let programmes = store::definitions::sync(&state.db, defs, errors, keep).await?;
    state.set_programmes(programmes);
    index_plugin_counts(state).await;
    for d in degraded(state) {
        tracing::error!(
            programme = %d.programme,
            plugin = %d.plugin,
            reason = %d.reason,
            "programme unavailable: its plugin is not loaded; its actions and new cases are refused"
        );
    }
    Ok(())
}

/// A programme that cannot serve because its plugin is not loaded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Degraded {
    /// Programme id.
    pub programme: String,
    /// The plugin it declares.
    pub plugin: String,
    /// Why the plugin is not loaded.
    pub reason: String,
}

/// The programmes whose plugin is missing or broken.
pub fn degraded(state: &AppState) -> Vec<Degraded> {
    state
        .programmes()
        .iter()
        .filter_map(|(id, v)| {
            let plugin = v.def.programme.plugin.as_ref()?;
            let reason = state.plugins.availability(plugin).err()?;
            Some(Degraded {
                programme: id.clone(),
                plugin: plugin.to_string(),
                reason,
            })
        })
        .collect()
}

/// Load the plugin folder again (an administrator's reload): compiling and
/// instantiating components is blocking work, so it runs off the async workers.
pub async fn reload_plugins(state: &AppState) -> Result<()> {
    let plugins = state.plugins.clone();
    tokio::task::spawn_blocking(move || plugins.reload())
        .await
        .map_err(|e| Error::Internal(format!("reloading plugins: {e}")))?
        .map_err(Error::Internal)?;
    index_plugin_counts(state).await;
    Ok(())
}

/// An index for every pointer the live programmes' plugins count by, and none for a
/// pointer they no longer do (see [`store::plugin_counts`]).
pub async fn index_plugin_counts(state: &AppState) {
    let mut wanted = Vec::new();
    for (id, v) in state.programmes().iter() {
        let Some(plugin) = v.def.programme.plugin.as_ref() else {
            continue;
        };
        for (case_type, pointer) in state.plugins.count_pointers(plugin) {
            wanted.push(store::plugin_counts::Declared {
                programme: id.clone(),
                case_type,
                pointer,
            });
        }
    }
    wanted.sort();
    wanted.dedup();
    // An index is a help, never a condition: a database user that may not create
    // indexes still serves, its counts right but reading every case of their type.
    if let Err(e) = store::plugin_counts::ensure(&state.db, &wanted).await {
        tracing::error!(error = %e, "indexes for the plugins' counts could not be kept; counts read every case of their type until they are");
    }
}

/// Where `defs` and their plugins do not fit together (see [`crate::crosscheck`]),
/// asked off the async workers since it calls the plugins; the definitions come back.
pub async fn crosscheck(
    state: &AppState,
    defs: Vec<workflow::Definition>,
) -> Result<(Vec<workflow::Definition>, Vec<workflow::Diagnostic>)> {
    let plugins = state.plugins.clone();
    tokio::task::spawn_blocking(move || {
        let found = plugins.crosscheck(&defs.iter().collect::<Vec<_>>());
        (defs, found)
    })
    .await
    .map_err(|e| Error::Internal(format!("checking workflows against plugins: {e}")))
}

/// Serve HTTP on `listener` and run the worker, until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(crate::service::worker::run(state.clone(), stop_rx));
    let app = crate::http::router::router(state);
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        })
        .await;
    let _ = worker.await;
    result.map_err(|e| Error::Internal(format!("server: {e}")))
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
