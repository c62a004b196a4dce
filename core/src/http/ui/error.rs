//! The UI's half of the error mapping (`http/error.rs` is the API's): a handler
//! returns [`UiError`]; [`html_errors`] turns it into a redirect to the login page
//! (signed out) or an HTML error page in the user's language, with the status of the
//! error and the reasons when the request broke rules.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

use super::page::{Nav, encode, here, lang_of, render};
use super::render::{Lang, Ui};
use crate::error::Error;

/// A page handler's error; becomes an HTML page in [`html_errors`].
#[derive(Debug)]
pub struct UiError(pub Error);

impl From<Error> for UiError {
    fn from(e: Error) -> UiError {
        UiError(e)
    }
}

impl From<sea_orm::DbErr> for UiError {
    fn from(e: sea_orm::DbErr) -> UiError {
        UiError(Error::Db(e))
    }
}

#[derive(Clone)]
struct Failure(Arc<Error>);

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let mut response = self.0.status().into_response();
        response.extensions_mut().insert(Failure(Arc::new(self.0)));
        response
    }
}

/// Turn a [`UiError`] into a page: sign-in needed → the login page (coming back
/// afterwards); anything else → the error page in the user's language.
pub async fn html_errors(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let ui = parts.extensions.get::<Arc<Ui>>().cloned();
    let lang = lang_of(&parts, None);
    let path = here(&parts);
    let is_get = parts.method == axum::http::Method::GET;
    let response = next.run(Request::from_parts(parts, body)).await;
    let error = match response.extensions().get::<Failure>().cloned() {
        Some(Failure(error)) => error,
        None => match refusal(response).await {
            Ok(error) => Arc::new(error),
            Err(response) => return response,
        },
    };
    if matches!(*error, Error::Unauthenticated) {
        let next = if is_get { path.as_str() } else { "/" };
        let target = format!("/login?next={}", encode(next));
        return Redirect::to(&target).into_response();
    }
    let status = error.status();
    if status.is_server_error() {
        tracing::error!(error = %error, kind = error.kind(), "page failed");
    } else {
        tracing::debug!(error = %error, kind = error.kind(), "page refused");
    }
    let Some(ui) = ui else {
        return (status, error.public_detail()).into_response();
    };
    let mut page = error_page(&ui, lang, &error, &path);
    *page.status_mut() = status;
    page
}

/// A refusal the router or an extractor wrote itself, before any page handler ran (an
/// unknown path, a wrong method, a malformed path segment or query): as an [`Error`],
/// so it gets the same page as every other. Any other response passes through.
async fn refusal(response: Response) -> Result<Error, Response> {
    let status = response.status();
    let is_html = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.contains("json"));
    let known = matches!(
        status,
        StatusCode::BAD_REQUEST
            | StatusCode::NOT_FOUND
            | StatusCode::METHOD_NOT_ALLOWED
            | StatusCode::PAYLOAD_TOO_LARGE
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
            | StatusCode::UNPROCESSABLE_ENTITY
    );
    if is_html || !known {
        return Err(response);
    }
    let text = match axum::body::to_bytes(response.into_body(), 64 * 1024).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    };
    Ok(match status {
        StatusCode::NOT_FOUND => Error::NotFound("page".into()),
        StatusCode::METHOD_NOT_ALLOWED => Error::MethodNotAllowed(text),
        StatusCode::PAYLOAD_TOO_LARGE => Error::TooLarge(text),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Error::UnsupportedMediaType(text),
        _ => crate::error::bad_request("", text),
    })
}

/// The context of the error page.
#[derive(Debug, Serialize)]
pub struct ErrorPage {
    /// HTTP status code.
    pub status: u16,
    /// What happened, in the user's language.
    pub message: String,
    /// The technical detail.
    pub detail: String,
    /// Reasons, when the request broke rules.
    pub violations: Vec<String>,
}

/// Render the error page for `error`.
pub fn error_page(ui: &Ui, lang: Lang, error: &Error, here: &str) -> Response {
    let key = format!("error-{}", error.kind());
    let violations = match error {
        Error::Invalid(v) => v
            .iter()
            .map(|v| {
                format!("{} {}", v.field, lang.pick(&v.message))
                    .trim()
                    .to_owned()
            })
            .collect(),
        _ => Vec::new(),
    };
    let page = ErrorPage {
        status: error.status().as_u16(),
        message: ui.t(lang, &key),
        detail: if error.is_private() {
            error.public_detail()
        } else if error.status().is_server_error() {
            String::new()
        } else {
            error.to_string()
        },
        violations,
    };
    let nav = Nav::anonymous(lang, ui.t(lang, "error-title"), here);
    match render(ui, "error", &nav, &page) {
        Ok(r) => r,
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.0.to_string()).into_response(),
    }
}

/// An error that refuses a form as a whole, as a message for the top of the form: what
/// happened in each language, with the technical detail after it.
pub fn as_violation(ui: &Ui, e: &Error) -> crate::error::Violation {
    let key = format!("error-{}", e.kind());
    let field = match e {
        Error::BadRequest { field, .. } => field.clone(),
        _ => String::new(),
    };
    crate::error::Violation {
        layer: None,
        field,
        code: e.kind().into(),
        message: crate::workflow::model::I18n {
            zh: format!("{}（{}）", ui.t(Lang::Zh, &key), e.public_detail()),
            en: format!("{} ({})", ui.t(Lang::En, &key), e.public_detail()),
        },
    }
}
