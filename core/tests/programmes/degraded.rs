//! A programme whose plugin is missing or broken does no work: without the plugin's
//! forms there is no list of what an action may write, and without its checks nothing
//! may pass. Its actions and new cases are refused with 503, the case stays as it was,
//! and `/healthz` names the programme and why.

use std::sync::{Arc, RwLock};

use anjuan::service::cases::{self, ActionInput, CreateCase};
use anjuan::state::{AppState, Inner};
use serde_json::json;

use super::common::Db;
use super::common::shipped::{Shipped, plugins_dir};
use super::family::in_care;

const P: &str = "special-family-care";

/// The shipped plugins, with the family plugin's file cut short (its hash no longer
/// matches its manifest), on the same database as `app`.
async fn with_broken_family_plugin(app: &Shipped) -> AppState {
    let dir = std::env::temp_dir().join(format!("anjuan-degraded-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(plugins_dir()).unwrap() {
        let path = entry.unwrap().path();
        // The plugins and their manifests; not the browser builds' folder beside them.
        if path.is_file() {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    let wasm = dir.join(format!("{P}.wasm"));
    let bytes = std::fs::read(&wasm).unwrap();
    std::fs::write(&wasm, &bytes[..bytes.len() / 2]).unwrap();
    let s = &app.state;
    let services = Arc::new(anjuan::plugins::ServerServices::new(
        (*s.calendar()).clone(),
        s.db.clone(),
        tokio::runtime::Handle::current(),
    ));
    let host = anjuan::plugins::HostPlugins::start(&dir, dir.join("cache"), services).unwrap();
    AppState::new(Inner {
        config: s.config.clone(),
        db: s.db.clone(),
        programmes: RwLock::new(s.programmes()),
        calendar: RwLock::new(s.calendar()),
        plugins: Arc::new(host),
        metrics: s.metrics.clone(),
        writer: s.writer.clone(),
        callers: Default::default(),
        case_locks: Default::default(),
        node: "degraded".into(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_programme_whose_plugin_is_broken_refuses_work_and_never_widens_a_form() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let family = in_care(&app, "430123195804121526").await;
    let before = app.case("staff", &family).await;
    let broken = with_broken_family_plugin(&app).await;

    // The volunteer names herself the village contact to become a reader: refused.
    let volunteer = app.caller("volunteer").await;
    let input = ActionInput {
        data: json!({ "village_contact": volunteer.id, "next_visit": { "kind": "regular", "planned_on": "2026-12-04", "method": "home-visit" } }),
        ..ActionInput::default()
    };
    let err = cases::act(&broken, &volunteer, &family, "plan-visit", input, None)
        .await
        .expect_err("the programme is degraded");
    assert_eq!(err.status().as_u16(), 503, "{err:?}");
    assert_eq!(err.problem()["type"], "/problems/programme-degraded");
    assert_eq!(err.problem()["programme"], P);
    let after = app.case("staff", &family).await;
    assert_eq!(after["version"], before["version"], "the case is unchanged");
    assert_eq!(after["data"], before["data"]);

    // Nor can a family be registered.
    let staff = app.caller("staff").await;
    let req: CreateCase = serde_json::from_value(json!({
        "programme": P, "case_type": "family", "org_unit": "village-a1",
        "data": super::data::family("430123195804121527"),
    }))
    .unwrap();
    let err = cases::create(&broken, &staff, req)
        .await
        .expect_err("degraded");
    assert_eq!(err.status().as_u16(), 503, "{err:?}");

    // The other programmes serve, and the health check names the degraded one.
    let degraded = anjuan::server::degraded(&broken);
    assert_eq!(degraded.len(), 1, "{degraded:?}");
    assert_eq!(degraded[0].programme, P);
    assert!(
        degraded[0].reason.contains("sha") || degraded[0].reason.contains("hash"),
        "{}",
        degraded[0].reason
    );
    let router = anjuan::http::router::router(broken.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    let health: serde_json::Value = reqwest::get(format!("{url}/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["degraded"][0]["programme"], P, "{health}");
}
