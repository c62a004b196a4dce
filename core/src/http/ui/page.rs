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

/// At most this many files in one form.
const MAX_FILES: usize = 20;

/// What each text part costs beyond its name and value, so that a body of countless
/// empty parts runs out of allowance too.
const PART_COST: usize = 64;

/// The routes whose pages have `file` fields: only their forms may carry files (see
/// [`multipart_body`]).
const FILE_ROUTES: [&str; 2] = ["/cases/{id}/actions/{action}", "/cases/new"];

/// Read a multipart form: text parts as pairs, files stored (after the form's `_csrf`
/// part, which the templates put first, proved the post came from our own page).
///
/// Only the action and new-case pages take files; anywhere else a file part is
/// refused. Text parts share [`TEXT_LIMIT`] and are read chunk by chunk, so a part
/// past it is refused as soon as it gets there, not after it was held in memory; at
/// most [`MAX_FILES`] files are taken. When the form is refused, the files it already
/// stored are deleted (the handler never saw them).
async fn multipart_body(req: Request, state: &AppState) -> Result<FormBody, UiError> {
    let takes_files = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .is_some_and(|p| FILE_ROUTES.contains(&p.as_str()));
    let (mut parts, body) = req.into_parts();
    let caller = Caller::from_request_parts(&mut parts, state).await?;
    let req = Request::from_parts(parts, body);
    let mut form = axum::extract::Multipart::from_request(req, state)
        .await
        .map_err(|e| UiError(crate::error::bad_request("body", e.body_text())))?;
    let mut reading = Reading {
        state,
        caller: &caller,
        takes_files,
        pairs: Vec::new(),
        uploaded: Vec::new(),
        text_left: TEXT_LIMIT,
    };
    match reading.all(&mut form).await {
        Ok(()) => Ok(FormBody(reading.pairs)),
        Err(e) => {
            let mut budget = state.config.max_upload_bytes.saturating_mul(4);
            crate::http::api::files::drain_rest(&mut form, &mut budget).await;
            let stored: Vec<String> = reading.uploaded.into_iter().map(|(_, id)| id).collect();
            if let Err(e) = store::files::delete_unattached(&state.db, &stored).await {
                tracing::warn!(error = %e, "deleting the uploads of a refused form failed");
            }
            Err(UiError(e))
        }
    }
}

/// A multipart form being read.
struct Reading<'a> {
    state: &'a AppState,
    caller: &'a Caller,
    takes_files: bool,
    pairs: Vec<(String, String)>,
    /// The file inputs stored so far, each with the new file's id.
    uploaded: Vec<(String, String)>,
    text_left: usize,
}

impl Reading<'_> {
    async fn all(&mut self, form: &mut axum::extract::Multipart) -> Result<(), Error> {
        use crate::http::api::files::{drain, refused};
        while let Some(mut field) = form.next_field().await.map_err(refused)? {
            let name = field.name().unwrap_or_default().to_owned();
            let outcome = match field.file_name().map(str::to_owned) {
                None => self.text(&mut field, name).await,
                Some(file_name) => self.file(&mut field, name, file_name).await,
            };
            if let Err(e) = outcome {
                let mut budget = self.state.config.max_upload_bytes.saturating_mul(4);
                drain(&mut field, &mut budget).await;
                return Err(e);
            }
        }
        Ok(())
    }

    async fn text(
        &mut self,
        field: &mut axum::extract::multipart::Field<'_>,
        name: String,
    ) -> Result<(), Error> {
        let too_long = || Error::TooLarge("the form is too long".into());
        let left = self
            .text_left
            .checked_sub(name.len() + PART_COST)
            .ok_or_else(too_long)?;
        let text = read_text(field, left).await?.ok_or_else(too_long)?;
        self.text_left = left - text.len();
        if !self.uploaded.iter().any(|(input, _)| *input == name) {
            self.pairs.push((name, text));
        }
        Ok(())
    }

    async fn file(
        &mut self,
        field: &mut axum::extract::multipart::Field<'_>,
        name: String,
        file_name: String,
    ) -> Result<(), Error> {
        use crate::http::api::files::refused;
        use crate::service::files::{self, Upload};
        let limit = self.state.config.max_upload_bytes;
        let media_type = field.content_type().map(str::to_owned);
        let mut content = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(refused)? {
            if !self.takes_files {
                return Err(crate::error::bad_request(
                    "body",
                    "this form takes no files",
                ));
            }
            if (content.len() + chunk.len()) as u64 > limit {
                return Err(files::too_large(self.state));
            }
            content.extend_from_slice(&chunk);
        }
        if file_name.is_empty() && content.is_empty() {
            return Ok(()); // the file input was left empty
        }
        if !self.takes_files {
            return Err(crate::error::bad_request(
                "body",
                "this form takes no files",
            ));
        }
        if self.uploaded.len() >= MAX_FILES {
            return Err(Error::TooLarge(format!(
                "a form may carry at most {MAX_FILES} files (一次最多上传 {MAX_FILES} 个文件)"
            )));
        }
        if self.uploaded.is_empty() {
            check_csrf(self.caller, &FormBody(self.pairs.clone())).map_err(|e| e.0)?;
        }
        let upload = Upload {
            name: file_name,
            media_type,
            content,
        };
        let meta = files::store(self.state, self.caller, upload).await?;
        self.pairs.retain(|(k, _)| *k != name);
        self.pairs.push((name.clone(), meta.id.clone()));
        self.uploaded.push((name, meta.id));
        Ok(())
    }
}

/// The text of one part, read chunk by chunk: `None` as soon as it is longer than
/// `left` bytes (what was read of it is dropped then, the rest is not read).
async fn read_text(
    field: &mut axum::extract::multipart::Field<'_>,
    left: usize,
) -> Result<Option<String>, Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(crate::http::api::files::refused)?
    {
        if bytes.len() + chunk.len() > left {
            return Ok(None);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
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
                id: self.caller.id.clone(),
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
    /// User id: the page names it (`<meta name="anjuan-user">`) so the browser keeps
    /// its offline copies and queued work per user.
    pub id: String,
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::body::{Body, Bytes};
    use axum::extract::{DefaultBodyLimit, Multipart, Request};
    use axum::routing::post;
    use futures_util::StreamExt;
    use tower::ServiceExt;

    use super::read_text;

    /// A multipart body whose one text part runs to `size` bytes, sent in 64 KiB
    /// chunks that arrive one at a time as over a network, counting the bytes the
    /// reader pulled.
    fn long_part(size: usize, pulled: Arc<AtomicUsize>) -> Request {
        const CHUNK: usize = 64 * 1024;
        let head =
            Bytes::from_static(b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n");
        let chunks = std::iter::once(head)
            .chain((0..size / CHUNK).map(|_| Bytes::from(vec![b'x'; CHUNK])))
            .chain(std::iter::once(Bytes::from_static(b"\r\n--XyZ--\r\n")))
            .map(move |b| {
                pulled.fetch_add(b.len(), Ordering::SeqCst);
                Ok::<_, std::io::Error>(b)
            });
        let chunks = futures_util::stream::iter(chunks).then(|b| async {
            tokio::task::yield_now().await;
            b
        });
        Request::builder()
            .method("POST")
            .uri("/")
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body(Body::from_stream(chunks))
            .unwrap_or_default()
    }

    /// What [`read_text`] made of the part of `size` bytes with an allowance of 1 MiB
    /// (its length), and how many bytes of the body it pulled by then.
    async fn read(size: usize) -> (Option<usize>, usize) {
        let pulled = Arc::new(AtomicUsize::new(0));
        let counted = pulled.clone();
        let seen = Arc::new(std::sync::Mutex::new(None));
        let out = seen.clone();
        let app = Router::new()
            .route(
                "/",
                post(move |mut form: Multipart| async move {
                    let mut field = form.next_field().await.expect("a part").expect("a part");
                    let text = read_text(&mut field, 1 << 20).await.expect("readable");
                    let at = counted.load(Ordering::SeqCst);
                    *out.lock().expect("lock") = Some((text.map(|t| t.len()), at));
                }),
            )
            .layer(DefaultBodyLimit::disable());
        app.oneshot(long_part(size, pulled)).await.expect("answer");
        let got = seen.lock().expect("lock").take();
        got.expect("the handler ran")
    }

    #[tokio::test]
    async fn a_text_part_past_its_allowance_is_refused_before_it_is_all_read() {
        let (text, pulled) = read(64 << 20).await;
        assert_eq!(text, None);
        assert!(pulled < 4 << 20, "read {pulled} bytes of a 64 MiB part");
        let (text, _) = read(512 << 10).await;
        assert_eq!(text, Some(512 << 10), "within the allowance");
    }
}
