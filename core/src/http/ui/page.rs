//! What every page handler extracts and returns: the signed-in [`Page`] (caller,
//! language, templates), a parsed [`FormBody`] (url-encoded, or multipart with
//! uploaded files), the layout's [`Nav`] with its counts, and
//! [`UiError`] (see [`super::error`]).

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

pub use super::error::{ErrorPage, UiError, error_page, html_errors};
use super::render::{Lang, Ui};
use crate::auth::{Caller, Via, extract};
use crate::error::Error;
use crate::state::AppState;
use crate::store;

/// Cookie holding the chosen language.
pub const LANG_COOKIE: &str = "anjuan_lang";

/// A page request by a signed-in user.
pub struct Page {
    /// Who is asking.
    pub caller: Caller,
    /// The page's language.
    pub lang: Lang,
    /// Templates and strings.
    pub ui: Arc<Ui>,
    /// Path and query of this request (for the language switch and `next`).
    pub here: String,
}

/// A page request by anyone (the login page).
pub struct Visitor {
    /// The page's language.
    pub lang: Lang,
    /// Templates and strings.
    pub ui: Arc<Ui>,
}

fn ui_of(parts: &Parts) -> Result<Arc<Ui>, UiError> {
    parts
        .extensions
        .get::<Arc<Ui>>()
        .cloned()
        .ok_or_else(|| UiError(Error::Internal("the UI is not loaded".into())))
}

/// The language of a request: the cookie, else the user's preference, else Chinese.
pub fn lang_of(parts: &Parts, caller: Option<&Caller>) -> Lang {
    match extract::cookie(parts, LANG_COOKIE) {
        Some(tag) => Lang::from_tag(tag),
        None => caller
            .map(|c| Lang::from_tag(&c.locale))
            .unwrap_or_default(),
    }
}

/// Path and query of a request.
pub fn here(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into())
}

impl FromRequestParts<AppState> for Page {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Page, UiError> {
        let ui = ui_of(parts)?;
        let caller = Caller::from_request_parts(parts, state).await?;
        Ok(Page {
            lang: lang_of(parts, Some(&caller)),
            here: here(parts),
            caller,
            ui,
        })
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Visitor, UiError> {
        Ok(Visitor {
            ui: ui_of(parts)?,
            lang: lang_of(parts, None),
        })
    }
}

/// A submitted form, every pair in order (a multi-select sends its name once per
/// choice). Read from `application/x-www-form-urlencoded`, or from
/// `multipart/form-data` when the form has a file input: each file chosen is stored
/// as an upload of the signed-in user, and its input's name then holds the new file's
/// id (replacing the hidden input that kept an earlier upload).
#[derive(Debug, Default, Clone)]
pub struct FormBody(pub Vec<(String, String)>);

/// The largest url-encoded form, and the text parts of a multipart form together.
const TEXT_LIMIT: usize = 4 * 1024 * 1024;

impl FormBody {
    /// Parse a body.
    pub fn parse(bytes: &[u8]) -> FormBody {
        FormBody(
            form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, trimmed, `None` when blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

impl FromRequest<AppState> for FormBody {
    type Rejection = UiError;

    async fn from_request(req: Request, state: &AppState) -> Result<FormBody, UiError> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
        if multipart {
            return multipart_body(req, state).await;
        }
        let bytes = axum::body::to_bytes(req.into_body(), TEXT_LIMIT)
            .await
            .map_err(|e| UiError(crate::error::bad_request("body", e.to_string())))?;
        Ok(FormBody::parse(&bytes))
    }
}

/// Read a multipart form: text parts as pairs, files stored (after the form's `_csrf`
/// part, which the templates put first, proved the post came from our own page).
async fn multipart_body(req: Request, state: &AppState) -> Result<FormBody, UiError> {
    use crate::http::api::files::{drain, drain_rest, refused};
    use crate::service::files::{self, Upload};
    let (mut parts, body) = req.into_parts();
    let caller = Caller::from_request_parts(&mut parts, state).await?;
    let req = Request::from_parts(parts, body);
    let mut form = axum::extract::Multipart::from_request(req, state)
        .await
        .map_err(|e| UiError(crate::error::bad_request("body", e.body_text())))?;
    let limit = state.config.max_upload_bytes;
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut uploaded: Vec<String> = Vec::new();
    let mut text_left = TEXT_LIMIT;
    while let Some(mut field) = form.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or_default().to_owned();
        let Some(file_name) = field.file_name().map(str::to_owned) else {
            let text = field.text().await.map_err(refused)?;
            text_left = text_left
                .checked_sub(text.len())
                .ok_or_else(|| crate::error::Error::TooLarge("the form is too long".into()))?;
            if !uploaded.contains(&name) {
                pairs.push((name, text));
            }
            continue;
        };
        let media_type = field.content_type().map(str::to_owned);
        let mut content = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(refused)? {
            if (content.len() + chunk.len()) as u64 > limit {
                let mut budget = limit.saturating_mul(4);
                drain(&mut field, &mut budget).await;
                drop(field);
                drain_rest(&mut form, &mut budget).await;
                return Err(UiError(files::too_large(state)));
            }
            content.extend_from_slice(&chunk);
        }
        if file_name.is_empty() && content.is_empty() {
            continue; // the file input was left empty
        }
        check_csrf(&caller, &FormBody(pairs.clone()))?;
        let upload = Upload {
            name: file_name,
            media_type,
            content,
        };
        let meta = files::store(state, &caller, upload).await?;
        pairs.retain(|(k, _)| *k != name);
        pairs.push((name.clone(), meta.id));
        uploaded.push(name);
    }
    Ok(FormBody(pairs))
}

fn check_csrf(caller: &Caller, form: &FormBody) -> Result<(), UiError> {
    match &caller.via {
        Via::Session { csrf, .. } => {
            let sent = form.get("_csrf").unwrap_or_default();
            if constant_time_eq(sent.as_bytes(), csrf.as_bytes()) {
                Ok(())
            } else {
                Err(UiError(Error::Csrf))
            }
        }
        Via::Token | Via::System => Ok(()),
    }
}

impl Page {
    /// Refuse a form whose `_csrf` field is not this session's token.
    pub fn check_csrf(&self, form: &FormBody) -> Result<(), UiError> {
        check_csrf(&self.caller, form)
    }

    /// The session's CSRF token for forms.
    pub fn csrf(&self) -> String {
        match &self.caller.via {
            Via::Session { csrf, .. } => csrf.clone(),
            _ => String::new(),
        }
    }

    /// The layout's context for this page.
    pub async fn nav(&self, state: &AppState, active: &'static str, title: String) -> Nav {
        let inbox = crate::service::views::inbox_counts(state, &self.caller)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "inbox count failed");
                Default::default()
            });
        let unread = store::notifications::unread_count(&state.db, &self.caller.id)
            .await
            .unwrap_or(0);
        Nav {
            lang: self.lang.code(),
            other_lang: self.lang.other().code(),
            title,
            active,
            user: Some(NavUser {
                display_name: self.caller.display_name.clone(),
                username: self.caller.username.clone(),
                is_admin: self.caller.is_admin,
            }),
            csrf: self.csrf(),
            inbox: inbox.total,
            overdue: inbox.overdue,
            unread,
            here: self.here.clone(),
            back: encode(&self.here),
        }
    }

    /// A message in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.ui.t(self.lang, key)
    }

    /// Render `template` with the layout and `page` context.
    pub fn render(
        &self,
        template: &str,
        nav: &Nav,
        page: &impl Serialize,
    ) -> Result<Response, UiError> {
        render(&self.ui, template, nav, page)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Render `template` with `{nav, page}`.
pub fn render(
    ui: &Ui,
    template: &str,
    nav: &Nav,
    page: &impl Serialize,
) -> Result<Response, UiError> {
    let body = ui.render(template, &json!({ "nav": nav, "page": page }))?;
    Ok(Html(body).into_response())
}

/// The layout's context: language, title, the signed-in user, counts in the navigation.
#[derive(Debug, Clone, Serialize)]
pub struct Nav {
    /// `zh-CN` or `en`.
    pub lang: &'static str,
    /// The language the switch offers.
    pub other_lang: &'static str,
    /// Page title.
    pub title: String,
    /// Which navigation item is current.
    pub active: &'static str,
    /// The signed-in user (none on the login and error pages).
    pub user: Option<NavUser>,
    /// CSRF token for forms.
    pub csrf: String,
    /// Open cases where the user can act (the inbox).
    pub inbox: u64,
    /// Overdue among them.
    pub overdue: u64,
    /// Unread notifications.
    pub unread: u64,
    /// This page's path and query.
    pub here: String,
    /// The same, URL-encoded (for `?back=`).
    pub back: String,
}

impl Nav {
    /// The layout for a visitor who is not signed in.
    pub fn anonymous(lang: Lang, title: String, here: &str) -> Nav {
        Nav {
            lang: lang.code(),
            other_lang: lang.other().code(),
            title,
            active: "",
            user: None,
            csrf: String::new(),
            inbox: 0,
            overdue: 0,
            unread: 0,
            here: here.to_owned(),
            back: encode(here),
        }
    }
}

/// URL-encode a query value.
pub fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The signed-in user in the layout.
#[derive(Debug, Clone, Serialize)]
pub struct NavUser {
    /// Name shown.
    pub display_name: String,
    /// Login name.
    pub username: String,
    /// Whether the admin menu shows.
    pub is_admin: bool,
}

/// A time in the deployment's time zone, `2026-11-29 14:05`.
pub fn local_time(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// A `303 See Other` to `to` (after a form post).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Attach `Set-Cookie` headers to a response.
pub fn with_cookies(mut response: Response, cookies: &[String]) -> Response {
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// Whether `next` is a safe place to send a user back to (a local path).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            n.to_owned()
        }
        _ => "/inbox".to_owned(),
    }
}
