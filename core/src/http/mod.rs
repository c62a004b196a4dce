//! HTTP: the JSON API under `/api/v1`, and (later) the web UI. Handlers stay thin:
//! extract, call the service, map the error, render.
//!
//! # Layout
//! - [`router`]: every route, composed from one `router()` per noun.
//! - [`error`]: core errors → RFC 9457 problem+json.
//! - [`extract`]: `Json`, `Query` and `Path` whose refusals are problem+json too.
//! - [`api`]: the JSON API, one file per noun.
//! - [`ui`]: the web UI, server-rendered pages.

pub mod api;
pub mod error;
pub mod extract;
pub mod router;
pub mod ui;
