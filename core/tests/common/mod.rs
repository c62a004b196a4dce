//! The test harness: a real server on an ephemeral port, on SQLite or PostgreSQL,
//! with a small org tree, users holding roles, and API tokens.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anjuan::config::ServeArgs;
use anjuan::state::AppState;
use anjuan::store::entities::{api_tokens, grants, org_units, users};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use sha2::{Digest, Sha256};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub url: String,
    pub state: AppState,
    pub db_url: String,
    pub client: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// The small programme of the server tests.
pub fn fixture_workflows() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/server")
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A port free on loopback now, for a server process of a test.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `anjuan serve` of this build on `port` with `data`, `workflows` and the repo's
/// calendar, its output dropped; the caller adds what its test needs.
pub fn serve_command(port: u16, data: &Path, workflows: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_anjuan"));
    cmd.arg("serve")
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .arg("--data")
        .arg(data)
        .arg("--workflows")
        .arg(workflows)
        .arg("--calendar")
        .arg(repo().join("calendar"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    cmd
}

/// Wait until the server at `base` answers `/healthz` (a minute at most).
pub async fn wait_healthy(base: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the server did not come up at {base}");
}

/// A fresh, empty database of the kind asked for.
pub async fn fresh_database(kind: Db) -> String {
    match kind {
        Db::Sqlite => {
            let dir = std::env::temp_dir().join(format!("anjuan-test-{}", uuid::Uuid::now_v7()));
            std::fs::create_dir_all(&dir).unwrap();
            anjuan::config::sqlite_url(&dir.join("anjuan.db"))
        }
        Db::Postgres => {
            let server = std::env::var("ANJUAN_TEST_POSTGRES_URL").expect(
                "PostgreSQL tests need ANJUAN_TEST_POSTGRES_URL: run scripts/test, which starts a throwaway PostgreSQL",
            );
            let name = format!("anjuan_test_{}", uuid::Uuid::now_v7().simple());
            let admin = sea_orm::Database::connect(server.as_str())
                .await
                .expect("PostgreSQL reachable");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            let base = server.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
            format!("{base}/{name}")
        }
    }
}

impl TestApp {
    pub async fn spawn(kind: Db) -> TestApp {
        TestApp::spawn_with(kind, &fixture_workflows()).await
    }

    /// A server on a fresh database with the workflows of `dir`.
    pub async fn spawn_with(kind: Db, dir: &Path) -> TestApp {
        let db_url = fresh_database(kind).await;
        let app = TestApp::start_with(&db_url, dir).await;
        seed(&app.state).await;
        app
    }

    /// Start a server on an existing database (for restarts and a second server).
    pub async fn start(db_url: &str) -> TestApp {
        TestApp::start_with(db_url, &fixture_workflows()).await
    }

    /// Start a server on an existing database with the workflows of `dir`.
    pub async fn start_with(db_url: &str, dir: &Path) -> TestApp {
        TestApp::start_configured(db_url, dir, |_| {}).await
    }

    /// Start a server on an existing database with the workflows of `dir` and the
    /// settings `adjust` changes.
    pub async fn start_configured(
        db_url: &str,
        dir: &Path,
        adjust: impl FnOnce(&mut ServeArgs),
    ) -> TestApp {
        let mut args = ServeArgs {
            database_url: Some(db_url.to_owned()),
            workflows: Some(dir.to_owned()),
            calendar: Some(repo().join("calendar")),
            worker_interval: Some(3600),
            ..ServeArgs::default()
        };
        adjust(&mut args);
        let config = args.resolve().unwrap();
        let state = anjuan::server::state(config, Arc::new(anjuan::plugins::NoPlugins))
            .await
            .unwrap();
        TestApp::serve(state, db_url).await
    }

    /// Start a server on an existing database with the workflows of `dir` and the
    /// real plugin host loading the plugin folder `plugins`.
    pub async fn start_hosted(db_url: &str, dir: &Path, plugins: &Path) -> TestApp {
        let args = ServeArgs {
            database_url: Some(db_url.to_owned()),
            workflows: Some(dir.to_owned()),
            calendar: Some(repo().join("calendar")),
            plugins: Some(plugins.to_owned()),
            worker_interval: Some(3600),
            ..ServeArgs::default()
        };
        let config = args.resolve().unwrap();
        let services = Arc::new(anjuan::plugins::ServerServices::new(
            anjuan::server::load_calendar(&config).unwrap(),
            anjuan::store::connect(&config.database_url).await.unwrap(),
            tokio::runtime::Handle::current(),
        ));
        let host =
            anjuan::plugins::HostPlugins::start(plugins, plugins.join("cache"), services).unwrap();
        let state = anjuan::server::state(config, Arc::new(host)).await.unwrap();
        TestApp::serve(state, db_url).await
    }

    async fn serve(state: AppState, db_url: &str) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serve_state = state.clone();
        let task = tokio::spawn(async move {
            anjuan::server::serve(listener, serve_state, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        TestApp {
            url,
            state,
            db_url: db_url.to_owned(),
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

    pub fn get(&self, path: &str, who: &str) -> reqwest::RequestBuilder {
        self.client
            .get(format!("{}{path}", self.url))
            .bearer_auth(token(who))
    }

    pub fn post(&self, path: &str, who: &str) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}{path}", self.url))
            .bearer_auth(token(who))
    }

    /// GET `path` as `who`, expecting 200; returns the JSON body.
    pub async fn get_json(&self, path: &str, who: &str) -> serde_json::Value {
        let r = self.get(path, who).send().await.unwrap();
        assert_eq!(r.status(), 200, "GET {path}: {}", r.text().await.unwrap());
        r.json().await.unwrap()
    }

    /// Open a demo sample case as the inspector; returns its JSON.
    pub async fn open_sample(&self, data: serde_json::Value) -> serde_json::Value {
        let r = self
            .post("/api/v1/cases", "inspector")
            .json(&serde_json::json!({ "programme": "demo", "case_type": "sample", "org_unit": "town-a", "data": data }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        r.json().await.unwrap()
    }
}

pub fn token(user: &str) -> String {
    format!("anj_test_{user}")
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

async fn unit(db: &impl ConnectionTrait, id: &str, parent: Option<&str>, path: &str, kind: &str) {
    org_units::ActiveModel {
        id: Set(id.into()),
        parent_id: Set(parent.map(Into::into)),
        path: Set(path.into()),
        kind: Set(kind.into()),
        name_zh: Set(id.into()),
        name_en: Set(id.into()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .unwrap();
}

async fn user(db: &impl ConnectionTrait, name: &str, role: Option<(&str, &str)>) {
    users::ActiveModel {
        id: Set(name.into()),
        username: Set(name.into()),
        display_name: Set(name.into()),
        password_hash: Set(None),
        is_admin: Set(name == "admin"),
        active: Set(true),
        locale: Set("zh-CN".into()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .unwrap();
    if let Some((role, unit)) = role {
        grants::ActiveModel {
            user_id: Set(name.into()),
            programme: Set("demo".into()),
            role: Set(role.into()),
            org_unit_id: Set(unit.into()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
    api_tokens::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        user_id: Set(name.into()),
        name: Set("test".into()),
        token_hash: Set(token_hash(&token(name))),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked: Set(false),
        expires_at: Set(None),
        issued_by: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
}

/// county ─┬─ town-a (inspector, contact)
///         └─ town-b (outsider: an inspector elsewhere)
/// lead at the county; admin everywhere; nobody has no role at all.
pub async fn seed(state: &AppState) {
    let db = &state.db;
    unit(db, "county", None, "/county/", "county").await;
    unit(db, "town-a", Some("county"), "/county/town-a/", "township").await;
    unit(db, "town-b", Some("county"), "/county/town-b/", "township").await;
    user(db, "admin", None).await;
    user(db, "inspector", Some(("inspector", "town-a"))).await;
    user(db, "contact", Some(("inspector", "town-a"))).await;
    user(db, "lead", Some(("lead", "county"))).await;
    user(db, "outsider", Some(("inspector", "town-b"))).await;
    user(db, "nobody", None).await;
}

/// Run a scenario on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Db::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::common::Db::Postgres).await;
            }
        }
    };
}

pub mod shipped;
