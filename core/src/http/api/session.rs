//! `/api/v1/session`: sign in (sets the `anjuan_session` cookie), who am I, sign out.
//!
//! A browser that signs in here sends the returned `csrf_token` back in the
//! `X-CSRF-Token` header on every API write; machines use API tokens instead.

use crate::http::extract::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::admin::views::{GrantView, UserView};
use crate::auth::extract::{ClientAddr, Https};
use crate::auth::{Caller, Via, session};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::identity;

/// OpenAPI of the session routes.
#[derive(OpenApi)]
#[openapi(
    paths(session_post, session_get, session_delete),
    components(schemas(LoginRequest, SessionView, UserView, GrantView))
)]
pub struct Docs;

/// OpenAPI of the session routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    Docs::openapi()
}

/// Session routes.
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/session",
        post(session_post).get(session_get).delete(session_delete),
    )
}

/// User name and password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// The user.
    pub user: UserView,
    /// Their roles.
    pub grants: Vec<GrantView>,
    /// Send this in `X-CSRF-Token` on API writes (absent for API tokens).
    pub csrf_token: Option<String>,
    /// When the session ends unless used (absent for API tokens).
    pub expires_at: Option<DateTime<Utc>>,
}

async fn view(
    state: &AppState,
    user_id: &str,
    csrf: Option<String>,
    expires_at: Option<DateTime<Utc>>,
) -> Result<SessionView> {
    let user = identity::user(&state.db, user_id)
        .await?
        .ok_or(Error::Unauthenticated)?;
    let grants = identity::grants_of(&state.db, user_id).await?;
    Ok(SessionView {
        user: user.into(),
        grants: grants.into_iter().map(GrantView::from).collect(),
        csrf_token: csrf,
        expires_at,
    })
}

/// Sign in. Too many failures for one user name or client address within five
/// minutes answer 429 with `Retry-After`.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest,
    responses(
        (status = 200, body = SessionView, description = "Signed in; `Set-Cookie: anjuan_session=…`"),
        (status = 401, description = "Wrong user name or password"),
        (status = 429, description = "Too many attempts")))]
async fn session_post(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Https(https): Https,
    Json(req): Json<LoginRequest>,
) -> Result<Response> {
    let attempt = session::Attempt {
        username: &req.username,
        password: &req.password,
        client,
    };
    let (user, new) = session::login(&state, attempt).await?;
    let body = view(
        &state,
        &user.id,
        Some(new.csrf.clone()),
        Some(new.expires_at),
    )
    .await?;
    let cookie = HeaderValue::from_str(&session::set_cookie(&state.config, &new, https))
        .map_err(|e| Error::Internal(format!("cookie: {e}")))?;
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// Who is signed in: the user, their roles and the session's CSRF token.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, body = SessionView), (status = 401)))]
async fn session_get(State(state): State<AppState>, caller: Caller) -> Result<Json<SessionView>> {
    let (csrf, expires_at) = match &caller.via {
        Via::Session { id, csrf } => {
            let row = identity::session(&state.db, id).await?;
            (Some(csrf.clone()), row.map(|s| s.expires_at))
        }
        _ => (None, None),
    };
    Ok(Json(view(&state, &caller.id, csrf, expires_at).await?))
}

/// Sign out: ends the session and clears the cookie (needs `X-CSRF-Token`).
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204), (status = 403, description = "Missing or wrong CSRF token")))]
async fn session_delete(
    State(state): State<AppState>,
    Https(https): Https,
    caller: Option<Caller>,
) -> Result<Response> {
    if let Some(Caller {
        via: Via::Session { id, .. },
        ..
    }) = &caller
    {
        session::end(&state.db, id).await?;
    }
    let clear = HeaderValue::from_str(&session::clear_cookie(&state.config, https))
        .map_err(|e| Error::Internal(format!("cookie: {e}")))?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

#[cfg(test)]
mod tests {
    use axum::http::{Method, StatusCode, header};
    use serde_json::json;

    use super::super::admin::tests::{App, As, app};

    async fn login(app: &App, username: &str, password: &str) -> super::super::admin::tests::Reply {
        let body = json!({ "username": username, "password": password });
        app.call(Method::POST, "/api/v1/session", As::Nobody, Some(body))
            .await
    }

    fn cookie_of(r: &super::super::admin::tests::Reply) -> String {
        let set = r.headers[header::SET_COOKIE].to_str().unwrap();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
            "{set}"
        );
        let value = set
            .split(';')
            .next()
            .unwrap()
            .strip_prefix("anjuan_session=")
            .unwrap();
        value.to_owned()
    }

    #[tokio::test]
    async fn a_browser_signs_in_writes_with_the_csrf_token_and_signs_out() {
        let app = app().await;
        let r = login(&app, "village", "wrong").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = login(&app, "nobody", "demo").await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "an unknown user answers the same"
        );
        let r = login(&app, "village", "demo").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["user"]["username"], "village");
        assert_eq!(r.body["grants"][0]["role"], "village-cadre");
        let cookie = cookie_of(&r);
        let csrf = r.body["csrf_token"].as_str().unwrap().to_owned();
        let me = app
            .call(
                Method::GET,
                "/api/v1/session",
                As::Cookie {
                    cookie: &cookie,
                    csrf: None,
                },
                None,
            )
            .await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.body["csrf_token"], csrf.as_str());
        let token = json!({ "name": "mine" });
        let no_csrf = As::Cookie {
            cookie: &cookie,
            csrf: None,
        };
        let r = app
            .call(Method::POST, "/api/v1/tokens", no_csrf, Some(token.clone()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.body["type"], "/problems/csrf");
        let with_csrf = As::Cookie {
            cookie: &cookie,
            csrf: Some(&csrf),
        };
        let r = app
            .call(Method::POST, "/api/v1/tokens", with_csrf, Some(token))
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let r = app
            .call(
                Method::DELETE,
                "/api/v1/session",
                As::Cookie {
                    cookie: &cookie,
                    csrf: None,
                },
                None,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "signing out is a write too"
        );
        let r = app
            .call(
                Method::DELETE,
                "/api/v1/session",
                As::Cookie {
                    cookie: &cookie,
                    csrf: Some(&csrf),
                },
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(
            r.headers[header::SET_COOKIE]
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
        let me = app
            .call(
                Method::GET,
                "/api/v1/session",
                As::Cookie {
                    cookie: &cookie,
                    csrf: None,
                },
                None,
            )
            .await;
        assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    }

    #[tokio::test]
    async fn too_many_failures_wait_and_inactive_users_cannot_sign_in() {
        let app = app().await;
        for _ in 0..crate::auth::limiter::MAX_FAILURES {
            assert_eq!(
                login(&app, "cdc", "guess").await.status,
                StatusCode::UNAUTHORIZED
            );
        }
        let r = login(&app, "cdc", "demo").await;
        assert_eq!(
            r.status,
            StatusCode::TOO_MANY_REQUESTS,
            "even the right password waits"
        );
        let wait: u64 = r.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(wait > 0 && wait <= 300);
        let r = login(&app, "health", "demo").await;
        assert_eq!(
            r.status,
            StatusCode::TOO_MANY_REQUESTS,
            "the same client address waits too"
        );
        crate::auth::limiter::clear(&app.state.db, "addr:192.0.2.7")
            .await
            .unwrap();
        let id = app.demo.id_of("health").unwrap();
        crate::store::identity::set_active(&app.state.db, id, false)
            .await
            .unwrap();
        assert_eq!(
            login(&app, "health", "demo").await.status,
            StatusCode::UNAUTHORIZED
        );
    }

    async fn login_limit_rows(app: &App) -> i64 {
        use sea_orm::ConnectionTrait;
        let stmt = sea_orm::Statement::from_string(
            app.state.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM login_limits",
        );
        let row = app.state.db.query_one_raw(stmt).await.unwrap().unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }

    #[tokio::test]
    async fn a_huge_user_name_is_refused_before_anything_is_recorded() {
        let app = app().await;
        let huge = "x".repeat(3 * 1024 * 1024);
        for _ in 0..20 {
            let r = login(&app, &huge, "guess").await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        }
        assert_eq!(
            login_limit_rows(&app).await,
            0,
            "nothing kept for refused names"
        );
        assert_eq!(login(&app, "cdc", "demo").await.status, StatusCode::OK);
    }

    #[tokio::test]
    async fn parallel_guesses_get_no_more_tries_than_the_limit() {
        let app = app().await;
        let replies =
            futures_util::future::join_all((0..30).map(|_| login(&app, "cdc", "guess"))).await;
        let tried = replies
            .iter()
            .filter(|r| r.status == StatusCode::UNAUTHORIZED)
            .count();
        let waited = replies
            .iter()
            .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert!(
            tried as i64 <= crate::auth::limiter::MAX_FAILURES,
            "{tried} real tries"
        );
        assert_eq!(tried + waited, 30);
    }

    /// A login through a proxy at 192.0.2.7 on behalf of `client`.
    async fn login_via_proxy(
        app: &App,
        client: &str,
        username: &str,
        password: &str,
    ) -> (StatusCode, String) {
        use axum::body::Body;
        use axum::extract::ConnectInfo;
        use tower::ServiceExt;
        let body = json!({ "username": username, "password": password }).to_string();
        let mut req = axum::http::Request::post("/api/v1/session")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", format!("203.0.113.66, {client}"))
            .header("x-forwarded-proto", "https")
            .body(Body::from(body))
            .unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(std::net::SocketAddr::from((
                [192, 0, 2, 7],
                4000,
            ))));
        let res = app.router.clone().oneshot(req).await.unwrap();
        let cookie = res
            .headers()
            .get(header::SET_COOKIE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (res.status(), cookie)
    }

    #[tokio::test]
    async fn behind_a_trusted_proxy_the_limit_counts_clients_and_cookies_are_secure() {
        let app = super::super::admin::tests::app_with(|args| {
            args.trusted_proxies = vec![crate::config::parse_proxy("192.0.2.0/24").unwrap()];
        })
        .await;
        for who in ["cdc", "health", "hospital", "lab", "risk-admin"]
            .iter()
            .cycle()
            .take(crate::auth::limiter::MAX_FAILURES as usize)
        {
            let (status, _) = login_via_proxy(&app, "198.51.100.1", who, "guess").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, _) = login_via_proxy(&app, "198.51.100.1", "inspector", "demo").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "that client waits");
        let (status, cookie) = login_via_proxy(&app, "198.51.100.2", "inspector", "demo").await;
        assert_eq!(
            status,
            StatusCode::OK,
            "another client behind the same proxy does not"
        );
        assert!(cookie.ends_with("; Secure"), "{cookie}");
    }

    #[tokio::test]
    async fn a_token_caller_sees_itself_without_a_csrf_token() {
        let app = app().await;
        let t = app.token("inspector").await;
        let r = app
            .call(Method::GET, "/api/v1/session", As::Token(&t), None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body["csrf_token"], serde_json::Value::Null);
        assert_eq!(r.body["grants"].as_array().unwrap().len(), 2);
    }
}
