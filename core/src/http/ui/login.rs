//! Signing in and out with a plain HTML form, and the language switch.
//!
//! `POST /login` opens a session with [`crate::auth::session::login`] (the same
//! password check and rate limit as the API) and sets the session cookie; `POST
//! /logout` ends it. `GET /lang/{code}` stores the chosen language in a cookie and
//! goes back to the page the user was on.
//!
//! The login form carries a CSRF token although nobody is signed in yet: without it
//! another site could sign a visitor in to an account of the attacker's choosing (and
//! read what the visitor then types). The token is a fresh random value, both in a
//! hidden field and in a `SameSite=Strict` cookie scoped to `/login`; a post whose two
//! copies differ is refused.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::page::{
    FormBody, LANG_COOKIE, Nav, Page, UiError, Visitor, render, safe_next, see_other, with_cookies,
};
use super::render::Lang;
use crate::auth::extract::{ClientAddr, Https};
use crate::auth::{Via, session, token};
use crate::error::Error;
use crate::state::AppState;

/// Login, logout and language routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_get).post(login_post))
        .route("/logout", post(logout_post))
        .route("/lang/{code}", get(lang_get))
}

/// Where to go after signing in.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    /// A local path.
    pub next: String,
}

/// The login page.
#[derive(Debug, Serialize)]
pub struct LoginPage {
    /// User name as typed.
    pub username: String,
    /// Where to go afterwards.
    pub next: String,
    /// Why the last attempt failed.
    pub error: String,
    /// The form's CSRF token (also in the [`LOGIN_CSRF_COOKIE`] cookie).
    pub csrf: String,
}

/// The cookie holding the login form's CSRF token.
pub const LOGIN_CSRF_COOKIE: &str = "anjuan_login_csrf";

fn login_cookie(value: &str, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{LOGIN_CSRF_COOKIE}={value}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=86400{secure}"
    )
}

fn sent_login_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LOGIN_CSRF_COOKIE)
        .map(|(_, v)| v)
}

async fn login_get(
    visitor: Visitor,
    Https(https): Https,
    Query(q): Query<NextQuery>,
) -> Result<Response, UiError> {
    show(
        &visitor,
        https,
        String::new(),
        &q.next,
        String::new(),
        StatusCode::OK,
    )
}

/// The login page with a fresh CSRF token (in the form and in its cookie).
fn show(
    v: &Visitor,
    https: bool,
    username: String,
    next: &str,
    error: String,
    status: StatusCode,
) -> Result<Response, UiError> {
    let csrf = token::random_secret(24);
    let here = format!(
        "/login?next={}",
        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    );
    let nav = Nav::anonymous(v.lang, v.ui.t(v.lang, "login-title"), &here);
    let mut r = render(
        &v.ui,
        "login/index",
        &nav,
        &LoginPage {
            username,
            next: next.to_owned(),
            error,
            csrf: csrf.clone(),
        },
    )?;
    *r.status_mut() = status;
    Ok(with_cookies(r, &[login_cookie(&csrf, https)]))
}

async fn login_post(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientAddr(client): ClientAddr,
    Https(https): Https,
    headers: HeaderMap,
    body: FormBody,
) -> Result<Response, UiError> {
    let username = body.get("username").unwrap_or_default().trim().to_owned();
    let password = body.get("password").unwrap_or_default().to_owned();
    let next = body.get("next").unwrap_or_default().to_owned();
    let sent = body.get("_csrf").unwrap_or_default();
    let kept = sent_login_cookie(&headers).unwrap_or_default();
    if sent.is_empty() || !crate::auth::extract::same(sent.as_bytes(), kept.as_bytes()) {
        let msg = visitor.ui.t(visitor.lang, "login-csrf");
        return show(&visitor, https, username, &next, msg, StatusCode::FORBIDDEN);
    }
    let attempt = session::Attempt {
        username: &username,
        password: &password,
        client,
    };
    match session::login(&state, attempt).await {
        Ok((_, s)) => Ok(with_cookies(
            see_other(&safe_next(Some(&next))),
            &[
                session::set_cookie(&state.config, &s, https),
                format!("{LOGIN_CSRF_COOKIE}=; Path=/login; Max-Age=0"),
            ],
        )),
        Err(Error::Unauthenticated) => show(
            &visitor,
            https,
            username,
            &next,
            visitor.ui.t(visitor.lang, "login-failed"),
            StatusCode::UNAUTHORIZED,
        ),
        Err(Error::RateLimited { retry_after }) => {
            let msg = visitor.ui.t_args(
                visitor.lang,
                "login-rate-limited",
                &[("seconds", retry_after.into())],
            );
            show(
                &visitor,
                https,
                username,
                &next,
                msg,
                StatusCode::TOO_MANY_REQUESTS,
            )
        }
        Err(e) => Err(e.into()),
    }
}

async fn logout_post(
    State(state): State<AppState>,
    Https(https): Https,
    page: Page,
    body: FormBody,
) -> Result<Response, UiError> {
    page.check_csrf(&body)?;
    if let Via::Session { id, .. } = &page.caller.via {
        session::end(&state.db, id).await?;
    }
    Ok(with_cookies(
        see_other("/login"),
        &[session::clear_cookie(&state.config, https)],
    ))
}

/// Where to go back to after switching language.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BackQuery {
    /// A local path.
    pub back: String,
}

async fn lang_get(Path(code): Path<String>, Query(q): Query<BackQuery>) -> Response {
    let lang = Lang::from_tag(&code);
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let back = if q.back.is_empty() {
        "/inbox".to_owned()
    } else {
        safe_next(Some(&q.back))
    };
    with_cookies(see_other(&back), &[cookie])
}
