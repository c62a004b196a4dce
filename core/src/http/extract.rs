//! Extractors for the JSON API whose refusals are problem+json like every other error.
//!
//! axum's own `Json`, `Query` and `Path` answer a malformed request with plain text.
//! These wrap them so a client gets `application/problem+json` with the field at
//! fault: a JSON body that does not parse names the line and column, a body of the
//! wrong shape names the JSON Pointer of the offending member.

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, bad_request};

/// A JSON request body (or response). Refusals: 415 without a JSON content type,
/// 413 past the body limit, 400 for syntax or shape, naming the field.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        if !is_json(&req) {
            return Err(Error::UnsupportedMediaType(
                "send the body as application/json".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::TooLarge(e.body_text())
            } else {
                bad_request("", e.body_text())
            }
        })?;
        parse(&bytes).map(Json)
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Whether the request says its body is JSON (`application/json` or `…+json`).
fn is_json(req: &Request) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    let essence = essence.to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Deserialises `bytes`, naming where it went wrong.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = pointer(e.path());
        let inner = e.into_inner();
        let message = if inner.is_syntax() || inner.is_eof() {
            format!("the body is not valid JSON: {inner}")
        } else {
            inner.to_string()
        };
        bad_request(&field, message)
    })?;
    de.end()
        .map_err(|e| bad_request("", format!("the body is not valid JSON: {e}")))?;
    Ok(value)
}

/// A serde path as a JSON Pointer (`/data/items/0`), the form violations use.
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// Query-string parameters; a bad one is a 400 problem.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct Query<T>(pub T);

impl From<QueryRejection> for Error {
    fn from(e: QueryRejection) -> Error {
        // The message names the parameter, e.g. "page: invalid digit found in string".
        let text = e.body_text();
        let detail = text
            .strip_prefix("Failed to deserialize query string: ")
            .unwrap_or(&text);
        let field = detail
            .split_once(": ")
            .map(|(f, _)| f)
            .filter(|f| !f.contains(' '))
            .unwrap_or("");
        bad_request(field, detail.to_owned())
    }
}

/// Path segments; a bad one is a 400 problem.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub struct Path<T>(pub T);

impl From<PathRejection> for Error {
    fn from(e: PathRejection) -> Error {
        bad_request("path", e.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body1 {
        name: String,
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        count: u32,
    }

    async fn extract(content_type: Option<&str>, body: &str) -> Result<Body1, Error> {
        let mut req = Request::builder().method("POST").uri("/");
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let req = req.body(Body::from(body.to_owned())).unwrap();
        Json::<Body1>::from_request(req, &()).await.map(|j| j.0)
    }

    #[tokio::test]
    async fn a_member_of_the_wrong_type_is_named_by_its_pointer() {
        let err = extract(
            Some("application/json"),
            r#"{"name":"a","items":[{"count":1},{"count":"x"}]}"#,
        )
        .await
        .unwrap_err();
        let problem = err.problem();
        assert_eq!(problem["status"], 400);
        assert_eq!(problem["field"], "/items/1/count");
    }

    #[tokio::test]
    async fn broken_json_says_where() {
        let err = extract(Some("application/json; charset=utf-8"), "{\"name\": ")
            .await
            .unwrap_err();
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        assert!(err.to_string().contains("not valid JSON"), "{err}");
        assert!(err.to_string().contains("column"), "{err}");
        let trailing = extract(Some("application/json"), r#"{"name":"a","items":[]} x"#)
            .await
            .unwrap_err();
        assert!(
            trailing.to_string().contains("not valid JSON"),
            "{trailing}"
        );
    }

    #[tokio::test]
    async fn a_missing_member_is_refused_and_a_good_body_passes() {
        let err = extract(Some("application/json"), r#"{"items":[]}"#)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("missing field `name`"), "{err}");
        let ok = extract(
            Some("application/problem+json"),
            r#"{"name":"a","items":[]}"#,
        )
        .await
        .unwrap();
        assert_eq!(ok.name, "a");
    }

    #[tokio::test]
    async fn a_body_without_a_json_content_type_is_415() {
        let err = extract(Some("text/plain"), "{}").await.unwrap_err();
        assert_eq!(err.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let err = extract(None, "{}").await.unwrap_err();
        assert_eq!(err.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
}
