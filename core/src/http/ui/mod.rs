//! The web UI: server-rendered pages for caseworkers and administrators. Every page
//! works as plain HTML forms; `static/app.js` and the vendored htmx only make it nicer.
//!
//! Handlers stay thin: extract ([`page::Page`], [`page::FormBody`]) → call the
//! service → render a `Serialize` context with a handlebars template from
//! `core/templates/`. Errors travel as [`page::UiError`] and become an HTML error page
//! (or a redirect to the login page) in one place, [`page::html_errors`].
//!
//! # Layout
//! - [`render`]: the template registry (embedded, with an override folder), the
//!   translation bundles (Project Fluent, `core/i18n/`) and the `t`/`tr` helpers.
//! - [`page`]: the page extractor (caller, language, CSRF), forms, the layout;
//!   [`error`]: errors as HTML pages.
//! - [`assets`]: `/static/…`, embedded in the binary.
//! - [`checks`]: the programme's checks run in the page (the transpiled plugin files
//!   and what a form page embeds to run them).
//! - one file per page noun: [`login`], [`inbox`], [`cases`] (the list),
//!   [`case_new`], [`case_detail`] (detail, dossier), [`case_action`] (action forms), [`forms`] (the plugin form
//!   language as HTML), [`bulk`], [`dashboards`], [`admin`], [`admin_programmes`] and
//!   [`admin_migration`] (moving running cases to a new version), [`export`].
//! - [`offline`]: the page of what waits to be sent, and the field time of a form
//!   filled without a network.
//! - [`directory`]: names of users and org units for display; [`values`]: case data
//!   as people read it; [`timeline`]: a case's events; [`svg`]: bar
//!   charts drawn on the server; [`diagram`]: a case type's state diagram as data for
//!   `static/diagram.js`.

pub mod admin;
pub mod admin_access;
pub mod admin_grants;
pub mod admin_migration;
pub mod admin_org_units;
pub mod admin_programmes;
pub mod admin_tokens;
pub mod admin_users;
pub mod assets;
pub mod bulk;
pub mod case_action;
pub mod case_detail;
pub mod case_new;
pub mod cases;
pub mod checks;
pub mod dashboards;
pub mod diagram;
pub mod directory;
pub mod error;
pub mod export;
pub mod forms;
pub mod inbox;
pub mod login;
pub mod offline;
pub mod page;
pub mod render;
pub mod svg;
pub mod timeline;
pub mod values;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use axum::{Extension, Router, middleware};

use crate::state::AppState;

/// Every page and the static files, with the UI's templates and translations loaded
/// (the override folder is `<data>/templates`, when it exists).
pub fn router(state: &AppState) -> Router<AppState> {
    let ui = Arc::new(render::Ui::load(Some(&state.config.data.join("templates"))));
    Router::new()
        .merge(login::router())
        .merge(inbox::router())
        .merge(cases::router())
        .merge(case_detail::router())
        .merge(case_action::router())
        .merge(case_new::router())
        .merge(offline::router())
        .merge(bulk::router())
        .merge(export::router())
        .merge(dashboards::router())
        .merge(admin::router())
        .fallback(|| async { error::UiError(crate::error::Error::NotFound("page".into())) })
        .layer(middleware::from_fn(page::html_errors))
        .layer(Extension(ui))
        .merge(assets::router())
        .merge(checks::router())
}
