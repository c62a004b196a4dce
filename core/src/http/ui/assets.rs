//! `/static/…`: the stylesheet, the small enhancement script and the vendored htmx,
//! embedded in the binary (no CDN, nothing to deploy beside it); and `/sw.js`, the
//! service worker (`static/offline/sw.js`), served from the root so it may serve the
//! whole site.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use include_dir::{Dir, include_dir};

use crate::state::AppState;

static STATIC: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// Static file routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{*path}", get(static_get))
        .route("/sw.js", get(service_worker_get))
}

/// The media type for a file name.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "md" | "txt" => "text/plain; charset=utf-8",
        _ if path.ends_with("LICENSE") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The service worker, revalidated on every check for an update.
async fn service_worker_get() -> Response {
    match STATIC.get_file("offline/sw.js") {
        Some(file) => (
            [
                (header::CONTENT_TYPE, content_type("sw.js")),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            file.contents(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn static_get(Path(path): Path<String>) -> Response {
    match STATIC.get_file(&path) {
        Some(file) => (
            [
                (header::CONTENT_TYPE, content_type(&path)),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            file.contents(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
