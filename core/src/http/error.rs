//! Core errors → RFC 9457 `application/problem+json`, in one place.
//!
//! A database or internal failure never shows its text to the caller (it can name
//! tables, columns, constraint names and values): the problem says the request failed
//! and carries the request id; the full text is in the server log under that id.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::Error;

impl Error {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Unauthenticated => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) | Error::Csrf => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Error::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Invalid(_) | Error::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Plugin(_) => StatusCode::BAD_GATEWAY,
            Error::Degraded { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::Engine(_) | Error::Db(_) | Error::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// A short, stable slug naming the kind of problem.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Unauthenticated => "unauthenticated",
            Error::Forbidden(_) => "forbidden",
            Error::Csrf => "csrf",
            Error::NotFound(_) => "not-found",
            Error::Conflict { .. } => "version-conflict",
            Error::BadRequest { .. } => "bad-request",
            Error::MethodNotAllowed(_) => "method-not-allowed",
            Error::TooLarge(_) => "too-large",
            Error::UnsupportedMediaType(_) => "unsupported-media-type",
            Error::Invalid(_) => "invalid",
            Error::IdempotencyMismatch => "idempotency-key-reused",
            Error::RateLimited { .. } => "rate-limited",
            Error::Plugin(_) => "plugin-failed",
            Error::Degraded { .. } => "programme-degraded",
            Error::Engine(_) => "definition-mismatch",
            Error::Db(_) => "database",
            Error::Internal(_) => "internal",
        }
    }

    /// Whether the error's text is for the server log only.
    pub fn is_private(&self) -> bool {
        matches!(self, Error::Db(_) | Error::Internal(_))
    }

    /// The text a caller may read: the error itself, or for a database or internal
    /// failure only the request id to quote.
    pub fn public_detail(&self) -> String {
        if self.is_private() {
            let id = current_request_id();
            format!(
                "the server could not complete this request; quote request id {id} to the administrator"
            )
        } else {
            self.to_string()
        }
    }

    /// The problem document.
    pub fn problem(&self) -> serde_json::Value {
        let status = self.status();
        let mut body = json!({
            "type": format!("/problems/{}", self.kind()),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": self.public_detail(),
        });
        if self.is_private() {
            body["request_id"] = json!(current_request_id());
        }
        match self {
            Error::Invalid(violations) => body["violations"] = json!(violations),
            Error::Conflict { expected, current } => {
                body["expected_version"] = json!(expected);
                body["current_version"] = json!(current);
            }
            Error::BadRequest { field, .. } => body["field"] = json!(field),
            Error::Plugin(p) => {
                body["plugin"] = json!(p.plugin);
                body["check"] = json!(p.check);
                body["reason"] = json!(p.reason);
            }
            Error::RateLimited { retry_after } => body["retry_after"] = json!(retry_after),
            Error::Degraded {
                programme, plugin, ..
            } => {
                body["programme"] = json!(programme);
                body["plugin"] = json!(plugin);
            }
            _ => {}
        }
        body
    }
}

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served (`-` outside one).
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".to_owned())
}

/// Middleware: makes the request's `X-Request-Id` known to [`current_request_id`].
pub async fn with_request_id(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    REQUEST_ID.scope(id, next.run(req)).await
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, kind = self.kind(), "request failed");
        } else {
            tracing::debug!(error = %self, kind = self.kind(), "request refused");
        }
        let mut response = (status, axum::Json(self.problem())).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Error::RateLimited { retry_after } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Violation;
    use crate::workflow::model::I18n;

    #[test]
    fn each_error_has_its_status_and_problem_fields() {
        let conflict = Error::Conflict {
            expected: 3,
            current: 5,
        };
        assert_eq!(conflict.status(), StatusCode::CONFLICT);
        assert_eq!(conflict.problem()["current_version"], 5);
        let invalid = Error::Invalid(vec![Violation {
            layer: None,
            field: "/a".into(),
            code: "required".into(),
            message: I18n {
                zh: "必填".into(),
                en: "required".into(),
            },
        }]);
        assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid.problem()["violations"][0]["field"], "/a");
        assert_eq!(Error::Unauthenticated.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(Error::Csrf.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            Error::Internal("x".into()).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let db = Error::Db(sea_orm::DbErr::Custom(
            "UNIQUE constraint failed: users.username".into(),
        ));
        let problem = db.problem();
        assert!(
            !problem["detail"].as_str().unwrap().contains("users"),
            "{problem}"
        );
        assert_eq!(problem["request_id"], "-");
        let r = Error::NotFound("case".into()).into_response();
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
}
