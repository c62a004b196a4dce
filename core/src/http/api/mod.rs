//! The JSON API under `/api/v1`, one file per noun, and the OpenAPI document built
//! from their annotations.

pub mod admin;
pub mod cases;
pub mod files;
pub mod programmes;
pub mod session;
pub mod system;
pub mod tasks;

use utoipa::OpenApi;

/// The OpenAPI 3.1 document of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = cases::Docs::openapi();
    for other in [
        files::Docs::openapi(),
        programmes::Docs::openapi(),
        tasks::Docs::openapi(),
        system::Docs::openapi(),
        session::openapi(),
        admin::openapi(),
    ] {
        doc.merge(other);
    }
    doc.info.title = "anjuan".into();
    doc.info.description = Some("Case-workflow server for government programmes (案卷).".into());
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc
}
