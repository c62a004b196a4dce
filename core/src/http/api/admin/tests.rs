//! The session, admin and token routes through the real router, on a temporary
//! SQLite database seeded with the demo county and the shipped workflows.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::demo::DemoDirectory;
use crate::state::AppState;

/// A test server: the router, its state and the demo directory.
pub(crate) struct App {
    pub router: Router,
    pub state: AppState,
    pub demo: DemoDirectory,
}

/// How a request proves who it is.
pub(crate) enum As<'a> {
    Nobody,
    Token(&'a str),
    Cookie {
        cookie: &'a str,
        csrf: Option<&'a str>,
    },
}

/// A response: status, headers, JSON body (`null` when empty).
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

pub(crate) async fn app() -> App {
    app_with(|_| {}).await
}

/// A test server whose settings `adjust` changes first.
pub(crate) async fn app_with(adjust: impl FnOnce(&mut crate::config::ServeArgs)) -> App {
    let dir = std::env::temp_dir().join(format!("anjuan-admin-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let args = crate::config::ServeArgs {
        database_url: Some(crate::config::sqlite_url(&dir.join("anjuan.db"))),
        workflows: Some(repo.join("workflows")),
        calendar: Some(repo.join("calendar")),
        ..Default::default()
    };
    let mut args = args;
    adjust(&mut args);
    let config = args.resolve().unwrap();
    let state = crate::server::state(config, Arc::new(crate::plugins::NoPlugins))
        .await
        .unwrap();
    let demo = crate::demo::seed_identity(&state.db).await.unwrap();
    App {
        router: crate::http::router::router(state.clone()),
        state,
        demo,
    }
}

impl App {
    /// A fresh API token for a demo user.
    pub async fn token(&self, username: &str) -> String {
        let id = self.demo.id_of(username).unwrap();
        crate::auth::token::issue(&self.state.db, id, "test")
            .await
            .unwrap()
            .token
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        who: As<'_>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        match who {
            As::Nobody => {}
            As::Token(t) => req = req.header(header::AUTHORIZATION, format!("Bearer {t}")),
            As::Cookie { cookie, csrf } => {
                req = req.header(header::COOKIE, format!("anjuan_session={cookie}"));
                if let Some(c) = csrf {
                    req = req.header("x-csrf-token", c);
                }
            }
        }
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let mut req = req.body(body).unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 7], 4000))));
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
        }
    }
}

fn fields(r: &Reply) -> Vec<String> {
    let v = r.body["violations"].as_array().cloned().unwrap_or_default();
    v.iter()
        .map(|v| v["field"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn only_administrators_reach_the_admin_routes() {
    let app = app().await;
    let cdc = app.token("cdc").await;
    for path in [
        "/api/v1/admin/users",
        "/api/v1/admin/org-units",
        "/api/v1/admin/users/cdc",
    ] {
        let r = app.call(Method::GET, path, As::Token(&cdc), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        let r = app.call(Method::GET, path, As::Nobody, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let r = app
        .call(Method::GET, "/api/v1/org-units", As::Token(&cdc), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body[0]["id"], "qingcheng");
    let admin = app.token("admin").await;
    let r = app
        .call(Method::GET, "/api/v1/admin/users", As::Token(&admin), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u.get("password_hash").is_none())
    );
}

#[tokio::test]
async fn an_administrator_creates_a_user_grants_a_role_and_resets_the_password() {
    let app = app().await;
    let admin = app.token("admin").await;
    let bad = json!({ "username": "Bad Name", "password": "short", "locale": "fr" });
    let r = app
        .call(
            Method::POST,
            "/api/v1/admin/users",
            As::Token(&admin),
            Some(bad),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r), ["/username", "/locale", "/password"]);
    let new =
        json!({ "username": "new.cadre", "display_name": "新干部", "password": "long enough" });
    let r = app
        .call(
            Method::POST,
            "/api/v1/admin/users",
            As::Token(&admin),
            Some(new.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["has_password"], true);
    let r = app
        .call(
            Method::POST,
            "/api/v1/admin/users",
            As::Token(&admin),
            Some(new),
        )
        .await;
    assert_eq!(fields(&r), ["/username"]);
    assert!(
        r.body["violations"][0]["message"]["zh"]
            .as_str()
            .unwrap()
            .contains("用户名")
    );
    let grant = json!({ "programme": "special-family-care", "role": "village-cadre", "org_unit": "shanping-shangping" });
    let path = "/api/v1/admin/users/new.cadre/grants";
    let r = app
        .call(Method::POST, path, As::Token(&admin), Some(grant))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        r.body["org_path"],
        "/qingcheng/anxian/shanping/shanping-shangping/"
    );
    let grant_id = r.body["id"].as_i64().unwrap();
    let wrong =
        json!({ "programme": "special-family-care", "role": "sampler", "org_unit": "nowhere" });
    let r = app
        .call(Method::POST, path, As::Token(&admin), Some(wrong))
        .await;
    assert_eq!(fields(&r), ["/role"]);
    let r = app
        .call(
            Method::DELETE,
            &format!("/api/v1/admin/grants/{grant_id}"),
            As::Token(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let patch = json!({ "password": "another secret", "active": false });
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/admin/users/new.cadre",
            As::Token(&admin),
            Some(patch),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["active"], false);
    assert_eq!(r.body["grants"], json!([]));
    let last = json!({ "is_admin": false });
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/admin/users/admin",
            As::Token(&admin),
            Some(last),
        )
        .await;
    assert_eq!(fields(&r), ["/is_admin"], "the last administrator stays");
}

#[tokio::test]
async fn org_units_are_created_renamed_and_not_moved_into_their_own_subtree() {
    let app = app().await;
    let admin = app.token("admin").await;
    let unit = json!({ "id": "hexi-new", "parent_id": "hexi", "kind": "village", "name_zh": "新村", "name_en": "New Village" });
    let r = app
        .call(
            Method::POST,
            "/api/v1/admin/org-units",
            As::Token(&admin),
            Some(unit),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["path"], "/qingcheng/anxian/hexi/hexi-new/");
    let orphan = json!({ "id": "x", "parent_id": "nowhere", "kind": "village", "name_zh": "", "name_en": "X" });
    let r = app
        .call(
            Method::POST,
            "/api/v1/admin/org-units",
            As::Token(&admin),
            Some(orphan),
        )
        .await;
    assert_eq!(fields(&r), ["/name_zh", "/parent_id"]);
    let rename = json!({ "name_zh": "新华村" });
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/admin/org-units/hexi-new",
            As::Token(&admin),
            Some(rename),
        )
        .await;
    assert_eq!(r.body["name_zh"], "新华村");
    let cycle = json!({ "parent_id": "hexi-liujia" });
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/admin/org-units/hexi",
            As::Token(&admin),
            Some(cycle),
        )
        .await;
    assert_eq!(fields(&r), ["/parent_id"]);
    let moved = json!({ "parent_id": "shanping" });
    let r = app
        .call(
            Method::PATCH,
            "/api/v1/admin/org-units/hexi-new",
            As::Token(&admin),
            Some(moved),
        )
        .await;
    assert_eq!(
        r.body["path"], "/qingcheng/anxian/shanping/hexi-new/",
        "{}",
        r.body
    );
}

#[tokio::test]
async fn users_manage_their_own_tokens_and_administrators_anyones() {
    let app = app().await;
    let lab = app.token("lab").await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/tokens",
            As::Token(&lab),
            Some(json!({ "name": "lims upload" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let secret = r.body["token"].as_str().unwrap().to_owned();
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("anj_"));
    let r = app
        .call(Method::GET, "/api/v1/tokens", As::Token(&secret), None)
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 2);
    assert!(r.body[0].get("token").is_none(), "secrets are shown once");
    let other = json!({ "name": "x", "user": "cdc" });
    let r = app
        .call(Method::POST, "/api/v1/tokens", As::Token(&lab), Some(other))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let cdc = app.token("cdc").await;
    let r = app
        .call(
            Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            As::Token(&cdc),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "someone else's token");
    let admin = app.token("admin").await;
    let r = app
        .call(
            Method::GET,
            "/api/v1/tokens?user=*",
            As::Token(&admin),
            None,
        )
        .await;
    assert!(r.body.as_array().unwrap().len() >= 4);
    let r = app
        .call(
            Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            As::Token(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .call(Method::GET, "/api/v1/tokens", As::Token(&secret), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "a revoked token is refused"
    );
}

#[tokio::test]
async fn the_openapi_document_lists_the_identity_routes() {
    let doc = serde_json::to_value(super::openapi()).unwrap();
    for path in [
        "/api/v1/admin/users/{id}",
        "/api/v1/admin/org-units",
        "/api/v1/tokens/{id}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
    let session = serde_json::to_value(super::super::session::openapi()).unwrap();
    assert!(session["paths"]["/api/v1/session"]["post"].is_object());
}
