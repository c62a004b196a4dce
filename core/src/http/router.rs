//! Every route, composed from one `router()` per noun, with the layers every request
//! passes: a request id on every log line and response, a trace span, metrics, and the
//! security headers every answer carries.

use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::api;
use crate::error::Error;
use crate::state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::cases::router())
        .merge(api::files::router())
        .merge(api::programmes::router())
        .merge(api::tasks::router())
        .merge(api::session::router())
        .merge(api::admin::router())
        .merge(api::system::router())
        .merge(super::ui::router(&state))
        .layer(middleware::from_fn(api_problems))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(state.clone(), measure))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
            }),
        )
        .layer(middleware::from_fn(crate::http::error::with_request_id))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024))
        .with_state(state)
}

/// Under `/api/`, a path no route knows (404) or a method a route does not take
/// (405) answers problem+json like every other API error, not an empty body.
async fn api_problems(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let response = next.run(req).await;
    if !path.starts_with("/api/") || is_problem(&response) {
        return response;
    }
    match response.status() {
        StatusCode::NOT_FOUND => Error::NotFound(format!("route {path}")).into_response(),
        StatusCode::METHOD_NOT_ALLOWED => {
            let allow = response.headers().get(header::ALLOW).cloned();
            let mut problem =
                Error::MethodNotAllowed(format!("{path} does not take {method}")).into_response();
            if let Some(allow) = allow {
                problem.headers_mut().insert(header::ALLOW, allow);
            }
            problem
        }
        _ => response,
    }
}

/// What a browser may load for an anjuan page: only the server's own scripts, styles
/// and images (no inline script or style: templates use classes, the vendored htmx is
/// told not to add its own style), forms post only here, and no other site may frame a
/// page (clickjacking). `'wasm-unsafe-eval'` lets a page compile WebAssembly (the
/// programme's checks, run as the user types); it allows no JavaScript `eval`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The headers every answer carries, unless a handler chose its own.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ] {
        headers.entry(name).or_insert(value);
    }
    response
}

fn is_problem(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/problem+json")
}

async fn measure(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    // The route's pattern, not the path: one series per route, not per case.
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let changes_identity = may_change_identity(req.method(), req.uri().path());
    let start = Instant::now();
    let response = next.run(req).await;
    if changes_identity && !response.status().is_client_error() {
        state.callers.invalidate();
    }
    state.metrics.request(
        &method,
        &route,
        response.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    response
}

/// Whether a request may change who someone is (signing out, users, grants, org units,
/// tokens, a user's settings): then the remembered callers are forgotten. Work on
/// cases, files and notifications, and signing in, change no one's identity.
fn may_change_identity(method: &axum::http::Method, path: &str) -> bool {
    use axum::http::Method;
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    const CASEWORK: [&str; 9] = [
        "/api/v1/cases",
        "/api/v1/files",
        "/api/v1/notifications",
        "/cases",
        "/files",
        "/notifications",
        "/bulk",
        "/inbox",
        "/login",
    ];
    let signing_in = *method == Method::POST && path == "/api/v1/session";
    !signing_in
        && !CASEWORK
            .iter()
            .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}
