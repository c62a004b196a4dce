//! `/api/v1/files`: upload a file for a `file` form field, and download it.
//!
//! An upload is a `multipart/form-data` body with one part named `file`. The answer
//! carries the file's id: put it in the form field's value when opening a case or
//! taking an action, and the server attaches the file to that case.

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::auth::Caller;
use crate::error::{Error, Result, bad_request};
use crate::http::extract::{Json, Path};
use crate::service::files::{self, Upload};
use crate::state::AppState;
use crate::store::files::FileMeta;

/// OpenAPI of the file routes.
#[derive(OpenApi)]
#[openapi(paths(files_post, file_get), components(schemas(FileView, UploadForm)))]
pub struct Docs;

/// File routes. The upload route reads its body itself, counting against the
/// configured limit, so the server-wide body limit does not apply to it.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/files",
            post(files_post).layer(DefaultBodyLimit::disable()),
        )
        .route("/api/v1/files/{id}", get(file_get))
}

/// A stored file.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileView {
    /// Id (UUID v7): the value of a `file` field.
    pub id: String,
    /// Original file name.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// The case it is attached to (none until an action names it).
    pub case_id: Option<String>,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

impl From<FileMeta> for FileView {
    fn from(m: FileMeta) -> FileView {
        FileView {
            id: m.id,
            name: m.name,
            media_type: m.media_type,
            size: m.size,
            sha256: m.sha256,
            case_id: m.case_id,
            created_at: m.created_at,
        }
    }
}

/// The upload body.
#[derive(ToSchema)]
#[allow(dead_code)] // describes the multipart body for the OpenAPI document only
pub struct UploadForm {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Upload a file. Larger than the server's limit (`--max-upload-mib`) is 413.
#[utoipa::path(post, path = "/api/v1/files", tag = "files",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = FileView), (status = 400), (status = 401), (status = 413)))]
async fn files_post(
    State(state): State<AppState>,
    caller: Caller,
    mut multipart: Multipart,
) -> Result<(StatusCode, Json<FileView>)> {
    let limit = state.config.max_upload_bytes;
    while let Some(mut field) = multipart.next_field().await.map_err(refused)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let media_type = field.content_type().map(str::to_owned);
        let mut content = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(refused)? {
            if (content.len() + chunk.len()) as u64 > limit {
                let mut budget = limit.saturating_mul(4);
                drain(&mut field, &mut budget).await;
                drop(field);
                drain_rest(&mut multipart, &mut budget).await;
                return Err(files::too_large(&state));
            }
            content.extend_from_slice(&chunk);
        }
        let upload = Upload {
            name,
            media_type,
            content,
        };
        let meta = files::store(&state, &caller, upload).await?;
        return Ok((StatusCode::CREATED, Json(meta.into())));
    }
    Err(bad_request(
        "file",
        "send the file as a multipart part named `file`",
    ))
}

/// Read (and drop) what is left of a refused part, up to `budget` bytes, so the
/// client finishes sending and reads the 413 instead of a reset connection.
pub async fn drain(field: &mut axum::extract::multipart::Field<'_>, budget: &mut u64) {
    while *budget > 0
        && let Ok(Some(chunk)) = field.chunk().await
    {
        *budget = budget.saturating_sub(chunk.len() as u64);
    }
}

/// [`drain`] every part left.
pub async fn drain_rest(multipart: &mut Multipart, budget: &mut u64) {
    while *budget > 0
        && let Ok(Some(mut field)) = multipart.next_field().await
    {
        drain(&mut field, budget).await;
    }
}

/// A multipart body that cannot be read, as a core error.
pub fn refused(e: axum::extract::multipart::MultipartError) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::TooLarge(e.body_text())
    } else {
        bad_request("file", e.body_text())
    }
}

/// Download a file: its uploader while it is attached to no case; once attached,
/// whoever may read the case and the field it was attached through. A file the caller
/// may not have is a 404, like one that does not exist.
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "files",
    params(("id" = String, Path, description = "File id")),
    responses((status = 200, description = "The file, as an attachment", content_type = "application/octet-stream"),
        (status = 401), (status = 404)))]
async fn file_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response> {
    let file = files::readable(&state, &caller, &id).await?;
    let mut response = Body::from(file.content).into_response();
    let h = response.headers_mut();
    let media = HeaderValue::from_str(&file.media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, media);
    if let Ok(v) = HeaderValue::from_str(&disposition(&file.name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // An uploaded HTML or SVG file must never run as a page of this site.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    Ok(response)
}

/// `attachment` with the original name: a plain ASCII fallback and the exact name in
/// UTF-8 (RFC 6266 / RFC 8187), so 承诺书.pdf saves as 承诺书.pdf.
pub fn disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_download_keeps_a_chinese_name() {
        assert_eq!(
            disposition("承诺书 v2.pdf"),
            "attachment; filename=\"___ v2.pdf\"; filename*=UTF-8''%E6%89%BF%E8%AF%BA%E4%B9%A6%20v2.pdf"
        );
        assert_eq!(
            disposition("a\"b.txt"),
            "attachment; filename=\"a_b.txt\"; filename*=UTF-8''a%22b.txt"
        );
    }
}
