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
    document_refusals(&mut doc);
    doc
}

/// The refusals every route can give before its handler runs, documented on each
/// operation so clients (and the API fuzzer) find every status code in the document:
/// a malformed path segment, query or body is 400 (`http/extract.rs`), a body that is
/// not JSON 415. Opening a case names a programme and an org unit that may not exist: 404.
fn document_refusals(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::response::Response;
    let add = |op: &mut utoipa::openapi::path::Operation, code: &str, why: &str| {
        op.responses
            .responses
            .entry(code.to_owned())
            .or_insert_with(|| Response::new(why).into());
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ];
        for op in ops.into_iter().flatten() {
            let takes_params =
                op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || path.contains('{');
            if op.request_body.is_some() {
                add(op, "400", "The body is not valid JSON of this shape");
                add(op, "415", "The body is not JSON");
            } else if takes_params {
                add(op, "400", "A parameter is malformed");
            }
            if path == "/api/v1/cases" && op.request_body.is_some() {
                add(
                    op,
                    "404",
                    "The programme, case type or org unit does not exist",
                );
            }
        }
    }
}
