//! The core's errors. They know nothing of HTTP: `http/error.rs` maps them, in one
//! place, to problem+json for the API and an error page for the UI.

use serde::Serialize;

use crate::workflow::model::I18n;

/// One reason a request's data is refused.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Violation {
    /// JSON Pointer to the field concerned (empty for the request as a whole).
    pub field: String,
    /// Machine-readable code.
    pub code: String,
    /// The reason in Chinese and English.
    #[schema(value_type = Object)]
    pub message: I18n,
    /// Which layer of an action's or new case's validation found it, when one did:
    /// the plugin form's rules or a plugin check. One 422 can carry both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<Layer>,
}

/// The layers that validate an action's or a new case's data, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// The plugin form: only its fields, and its rules (required, types, ranges,
    /// patterns, options).
    Form,
    /// A plugin check the workflow names for the action.
    Check,
}

impl From<crate::engine::Refusal> for Violation {
    fn from(r: crate::engine::Refusal) -> Violation {
        Violation {
            field: r.field.unwrap_or_default(),
            code: r.code,
            message: r.message,
            layer: None,
        }
    }
}

/// Everything that can go wrong serving a request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No valid session or token.
    #[error("sign in first")]
    Unauthenticated,
    /// Signed in, but not allowed.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// The thing does not exist (or the caller may not know it exists).
    #[error("{0} not found")]
    NotFound(String),
    /// The case changed since the caller read it.
    #[error("the case is at version {current}, not {expected}")]
    Conflict {
        /// The version the caller sent.
        expected: i64,
        /// The case's version now.
        current: i64,
    },
    /// The request is malformed (a bad parameter).
    #[error("{message}")]
    BadRequest {
        /// The parameter or field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The route does not take this method (405).
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The body is larger than the server accepts (413).
    #[error("{0}")]
    TooLarge(String),
    /// The body is not in a format this route reads (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The request's data breaks rules (422).
    #[error("the request breaks {} rule(s)", .0.len())]
    Invalid(Vec<Violation>),
    /// A CSRF token is missing or wrong.
    #[error("the form's security token is missing or out of date; reload the page")]
    Csrf,
    /// Too many attempts.
    #[error("too many attempts; wait {retry_after} seconds")]
    RateLimited {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// An `Idempotency-Key` reused with a different request.
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyMismatch,
    /// A plugin failed in a way that blocks the action.
    #[error(transparent)]
    Plugin(#[from] crate::engine::PluginFailure),
    /// A programme whose plugin is missing or failed to load: its actions and new
    /// cases are refused until the plugin is back, so nothing is written without the
    /// plugin's forms and checks (503).
    #[error(
        "programme `{programme}` is unavailable: its plugin `{plugin}` is not loaded ({reason}); ask an administrator"
    )]
    Degraded {
        /// Programme id.
        programme: String,
        /// Plugin id the programme declares.
        plugin: String,
        /// Why it is not loaded.
        reason: String,
    },
    /// The engine could not decide (the definition and the case disagree).
    #[error(transparent)]
    Engine(crate::engine::EngineError),
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// Anything else that should not happen.
    #[error("{0}")]
    Internal(String),
}

impl From<crate::engine::EngineError> for Error {
    fn from(e: crate::engine::EngineError) -> Error {
        match e {
            crate::engine::EngineError::Plugin(p) => Error::Plugin(p),
            other => Error::Engine(other),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::Internal(format!("stored JSON: {e}"))
    }
}

/// Results of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A bad-request error for a parameter.
pub fn bad_request(field: &str, message: impl Into<String>) -> Error {
    Error::BadRequest {
        field: field.to_owned(),
        message: message.into(),
    }
}
