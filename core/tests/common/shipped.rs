//! The shipped programmes on a real server: the workflows of `workflows/`, the plugins
//! `scripts/build-plugins` writes to `target/plugins` (run once per test binary), and a
//! county with users holding each programme's roles (bearer token `anj_test_<user>`).
//!
//! The deadline worker does not run by itself here: a test sweeps at the moment it
//! chooses ([`Shipped::sweep`]), so the real clock never breaches a deadline or opens a
//! scheduled case behind its back. Where a rule is about a moment the API cannot set
//! (a notice received on 30 September), [`Shipped::create_at`] and [`Shipped::act_at`]
//! go through the case service with that moment; everything else goes through HTTP.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use anjuan::auth::{Caller, Via};
use anjuan::config::ServeArgs;
use anjuan::service::cases::{ActionInput, CreateCase};
use anjuan::service::worker::{self, Sweep};
use anjuan::state::AppState;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

mod county;

use super::{Db, fresh_database, repo, token};

pub use county::seed;

/// The plugin every shipped programme names (`plugin:` in its workflow file).
pub const PROGRAMMES: [&str; 4] = [
    "risk-monitoring",
    "sampling-disposal",
    "special-family-care",
    "fire-safety-rectification",
];

/// `target/plugins`, after `scripts/build-plugins` ran once for this test binary
/// (skipped when `ANJUAN_TEST_SKIP_PLUGIN_BUILD` is set: the wasm already there is used).
pub fn plugins_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = repo();
        if std::env::var_os("ANJUAN_TEST_SKIP_PLUGIN_BUILD").is_none() {
            let out = Command::new(root.join("scripts/build-plugins"))
                .arg("--quiet")
                .output()
                .unwrap_or_else(|e| panic!("could not run scripts/build-plugins: {e}"));
            assert!(
                out.status.success(),
                "scripts/build-plugins failed (run it by hand to see why):\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        root.join("target/plugins")
    })
}

/// Why a plugin call may have failed: the programme plugins that are not built.
pub fn missing_plugins() -> Vec<String> {
    PROGRAMMES
        .iter()
        .filter(|id| !plugins_dir().join(format!("{id}.wasm")).is_file())
        .map(|id| format!("target/plugins/{id}.wasm is missing: run scripts/build-plugins"))
        .collect()
}

/// The state of a server with the shipped workflows and plugins, on a fresh database of
/// `kind` (nothing seeded); and the database's URL.
pub async fn shipped_state(kind: Db) -> (AppState, String) {
    let plugins = plugins_dir();
    let db_url = fresh_database(kind).await;
    let data = std::env::temp_dir().join(format!("anjuan-shipped-{}", uuid::Uuid::now_v7()));
    let args = ServeArgs {
        database_url: Some(db_url.clone()),
        workflows: Some(repo().join("workflows")),
        calendar: Some(repo().join("calendar")),
        plugins: Some(plugins.to_owned()),
        data: Some(data),
        worker_interval: Some(3600),
        ..ServeArgs::default()
    };
    let config = args.resolve().unwrap();
    let services = Arc::new(anjuan::plugins::ServerServices::new(
        anjuan::server::load_calendar(&config).unwrap(),
        anjuan::store::connect(&config.database_url).await.unwrap(),
        tokio::runtime::Handle::current(),
    ));
    let cache = repo().join("target/tmp/shipped-plugin-cache");
    let host = anjuan::plugins::HostPlugins::start(plugins, cache, services).unwrap();
    let state = anjuan::server::state(config, Arc::new(host)).await.unwrap();
    let loaded = state.programmes();
    assert!(
        loaded.errors.is_empty(),
        "workflows/ does not load: {:?}",
        loaded.errors
    );
    for p in PROGRAMMES {
        assert!(loaded.current(p).is_some(), "programme {p} is not loaded");
    }
    (state, db_url)
}

/// A server running the shipped programmes.
pub struct Shipped {
    pub url: String,
    pub state: AppState,
    pub db_url: String,
    pub client: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Shipped {
    /// A server on a fresh database of `kind`, with the test county seeded.
    pub async fn spawn(kind: Db) -> Shipped {
        let (state, db_url) = shipped_state(kind).await;
        seed(&state.db).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = anjuan::http::router::router(state.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Shipped {
            url,
            state,
            db_url,
            client: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }

    /// GET `path` as `who`; the status and the JSON body (`null` when there is none).
    pub async fn get(&self, path: &str, who: &str) -> (u16, Value) {
        let r = self
            .client
            .get(format!("{}{path}", self.url))
            .bearer_auth(token(who))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// GET `path` as `who`: the status, the content type and the body as text (pages,
    /// exports).
    pub async fn get_text(&self, path: &str, who: &str) -> (u16, String, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.url))
            .bearer_auth(token(who))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let kind = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, kind, r.text().await.unwrap_or_default())
    }

    /// POST JSON to `path` as `who`.
    pub async fn post(&self, path: &str, who: &str, body: &Value) -> (u16, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.url))
            .bearer_auth(token(who))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Try to open a case over HTTP.
    pub async fn try_create(&self, who: &str, mut body: Value) -> (u16, Value) {
        self.upload_stand_ins(who, &mut body["data"]).await;
        self.post("/api/v1/cases", who, &body).await
    }

    /// Each `files/<name>` text in `data` becomes the id of a small file of that name
    /// that `who` uploaded, as a caseworker uploads a paper before naming it in a form.
    pub async fn upload_stand_ins(&self, who: &str, data: &mut Value) {
        if data.is_object() {
            let caller = self.caller(who).await;
            anjuan::service::files::stand_ins(&self.state, &caller, data)
                .await
                .unwrap();
        }
    }

    /// Open a case over HTTP; it must be accepted.
    pub async fn create(&self, who: &str, body: Value) -> Value {
        let (status, case) = self.try_create(who, body.clone()).await;
        expect(201, status, &case, &format!("{who} opens {body}"));
        case
    }

    /// Try an action over HTTP: `data` and an optional comment.
    pub async fn try_act(
        &self,
        who: &str,
        id: &str,
        action: &str,
        data: Value,
        comment: Option<&str>,
    ) -> (u16, Value) {
        let mut data = data;
        self.upload_stand_ins(who, &mut data).await;
        let body = json!({ "data": data, "comment": comment });
        self.post(&format!("/api/v1/cases/{id}/actions/{action}"), who, &body)
            .await
    }

    /// Take an action over HTTP; it must be accepted.
    pub async fn act(
        &self,
        who: &str,
        id: &str,
        action: &str,
        data: Value,
        comment: Option<&str>,
    ) -> Value {
        let (status, case) = self.try_act(who, id, action, data, comment).await;
        expect(200, status, &case, &format!("{who}: {action} on {id}"));
        case
    }

    /// A case as `who` reads it.
    pub async fn case(&self, who: &str, id: &str) -> Value {
        let (status, case) = self.get(&format!("/api/v1/cases/{id}"), who).await;
        expect(200, status, &case, &format!("{who} reads {id}"));
        case
    }

    /// The children of type `case_type` of case `id`, each as `who` reads it.
    pub async fn children(&self, who: &str, id: &str, case_type: &str) -> Vec<Value> {
        let parent = self.case(who, id).await;
        let mut out = Vec::new();
        for c in parent["children"].as_array().unwrap() {
            if c["case_type"] == case_type {
                out.push(self.case(who, c["id"].as_str().unwrap()).await);
            }
        }
        out
    }

    /// The cases `who` finds with the query string `query` (every page).
    pub async fn list(&self, who: &str, query: &str) -> Vec<Value> {
        let (status, page) = self
            .get(&format!("/api/v1/cases?per_page=500&{query}"), who)
            .await;
        expect(200, status, &page, &format!("{who} lists {query}"));
        page["items"].as_array().unwrap().clone()
    }

    /// The notifications of `who`.
    pub async fn notifications(&self, who: &str) -> Vec<Value> {
        let (status, notes) = self.get("/api/v1/notifications", who).await;
        expect(200, status, &notes, &format!("{who} reads notifications"));
        notes.as_array().cloned().unwrap_or_default()
    }

    /// `who` as the service sees them.
    pub async fn caller(&self, who: &str) -> Caller {
        anjuan::auth::extract::load_caller(&self.state.db, who, Via::Token)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no user {who}"))
    }

    /// Open a case through the service as if at `at`; `parent` for a child case.
    pub async fn create_at(&self, who: &str, at: DateTime<Utc>, req: Value) -> Value {
        let mut req: CreateCase = serde_json::from_value(req).unwrap();
        self.upload_stand_ins(who, &mut req.data).await;
        let what = format!("{who} opens {} at {at}", req.case_type);
        let view =
            anjuan::service::cases::create_as_of(&self.state, &self.caller(who).await, req, at)
                .await
                .unwrap_or_else(|e| panic!("{what}: {e:?}{}", hint()));
        serde_json::to_value(view).unwrap()
    }

    /// Take an action through the service as if at `at`; the error when refused.
    pub async fn try_act_at(
        &self,
        who: &str,
        at: DateTime<Utc>,
        id: &str,
        action: &str,
        data: Value,
        comment: Option<&str>,
    ) -> Result<Value, anjuan::error::Error> {
        let mut data = data;
        self.upload_stand_ins(who, &mut data).await;
        let input = ActionInput {
            data,
            comment: comment.map(str::to_owned),
            expected_version: None,
            taken_at: None,
            sent: None,
        };
        let caller = self.caller(who).await;
        anjuan::service::cases::act_as_of(&self.state, &caller, id, action, input, None, at)
            .await
            .map(|v| serde_json::to_value(v).unwrap())
    }

    /// [`Shipped::try_act_at`], which must be accepted.
    pub async fn act_at(
        &self,
        who: &str,
        at: DateTime<Utc>,
        id: &str,
        action: &str,
        data: Value,
    ) -> Value {
        self.try_act_at(who, at, id, action, data, None)
            .await
            .unwrap_or_else(|e| panic!("{who}: {action} on {id} at {at}: {e:?}{}", hint()))
    }

    /// One worker sweep at `at`.
    pub async fn sweep(&self, at: DateTime<Utc>) -> Sweep {
        worker::sweep(&self.state, at).await.unwrap()
    }
}

/// Panic with the response unless `status` is `want`.
pub fn expect(want: u16, status: u16, body: &Value, what: &str) {
    let plugin = if status == 502 { hint() } else { String::new() };
    assert_eq!(status, want, "{what}: {body}{plugin}");
}

fn hint() -> String {
    let missing = missing_plugins();
    if missing.is_empty() {
        String::new()
    } else {
        format!("\n(a programme plugin is missing: {})", missing.join("; "))
    }
}

/// A moment written as RFC 3339, e.g. `2026-09-30T10:00:00+08:00`.
pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Deadline `id` of a case (as the API returns it).
pub fn deadline<'a>(case: &'a Value, id: &str) -> &'a Value {
    case["deadlines"]
        .as_array()
        .and_then(|d| d.iter().rev().find(|d| d["id"] == id))
        .unwrap_or_else(|| {
            panic!(
                "case {} has no deadline {id}: {}",
                case["number"], case["deadlines"]
            )
        })
}

/// Whether case `case` has deadline `id` at all.
pub fn has_deadline(case: &Value, id: &str) -> bool {
    case["deadlines"]
        .as_array()
        .is_some_and(|d| d.iter().any(|d| d["id"] == id))
}

/// When deadline `id` of a case is due.
pub fn due(case: &Value, id: &str) -> DateTime<Utc> {
    at(deadline(case, id)["due"].as_str().unwrap())
}

/// The violation codes of a 422 body.
pub fn codes(body: &Value) -> Vec<String> {
    body["violations"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|v| v["code"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The action ids a case offers its reader.
pub fn actions(case: &Value) -> Vec<String> {
    case["actions"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|a| a["action"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
