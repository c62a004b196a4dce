//! API tokens (`/admin/tokens`): every token with the button that revokes it, and a
//! form to issue one for a user. A new token's secret is in the answer to that form
//! only (never in a link, never stored): the page says so and is not cached.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Serialize;

use super::admin::{DoneQuery, Field, Refusal, admin_form, admin_only, done_url, refusal};
use super::directory::{Choice, Directory};
use super::page::{FormBody, Page, UiError, local_time, see_other};
use crate::auth::token;
use crate::error::Error;
use crate::state::AppState;
use crate::store::identity;

/// Token routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/tokens", get(tokens_get).post(tokens_post))
        .route("/admin/tokens/{id}/revoke", post(token_revoke_post))
}

/// An API token (never its secret).
#[derive(Debug, Serialize)]
pub struct TokenRow {
    /// Token id.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// Owner.
    pub user: String,
    /// Created.
    pub created: String,
    /// Last used.
    pub last_used: String,
    /// Stops working at (blank: never).
    pub expires: String,
    /// Who issued it (blank: the command line).
    pub issued_by: String,
    /// Revoked.
    pub revoked: bool,
}

/// A token to issue.
#[derive(Debug, Default, Serialize)]
pub struct TokenForm {
    /// The user it acts as (id).
    pub user: Field,
    /// What it is for.
    pub name: Field,
    /// Users offered (active ones).
    pub users: Vec<Choice>,
    /// Other messages.
    pub errors: Vec<String>,
}

/// A token just issued: the only time its secret is shown.
#[derive(Debug, Serialize)]
pub struct Issued {
    /// The secret.
    pub token: String,
    /// What it is for.
    pub name: String,
    /// Whom it acts as.
    pub user: String,
}

/// The tokens page.
#[derive(Debug, Serialize)]
pub struct TokensPage {
    /// Every token, newest first.
    pub tokens: Vec<TokenRow>,
    /// What was just done.
    pub done: String,
    /// The token just issued.
    pub issued: Option<Issued>,
    /// A token to issue.
    pub form: TokenForm,
}

async fn render(
    state: &AppState,
    page: &Page,
    done: String,
    issued: Option<Issued>,
    mut form: TokenForm,
) -> Result<Response, UiError> {
    let dir = Directory::load(&state.db).await?;
    let tz = state.config.timezone;
    let tokens: Vec<TokenRow> = identity::tokens(&state.db, None)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            user: dir.user(&t.user_id),
            created: local_time(t.created_at, tz),
            last_used: t
                .last_used_at
                .map(|x| local_time(x, tz))
                .unwrap_or_default(),
            expires: t.expires_at.map(|x| local_time(x, tz)).unwrap_or_default(),
            issued_by: t.issued_by.map(|u| dir.user(&u)).unwrap_or_default(),
            revoked: t.revoked,
        })
        .collect();
    form.users = dir.user_choices(&form.user.value, None);
    let refused =
        !form.errors.is_empty() || !form.user.error.is_empty() || !form.name.error.is_empty();
    let secret = issued.is_some();
    let ctx = TokensPage {
        tokens,
        done,
        issued,
        form,
    };
    let nav = page.nav(state, "admin", page.t("admin-tokens")).await;
    let mut response = page.render("admin/tokens", &nav, &ctx)?;
    if secret {
        // The secret must not linger in a cache or come back with the Back button.
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(super::admin::refused_if(refused, response))
}

async fn tokens_get(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<DoneQuery>,
) -> Result<Response, UiError> {
    admin_only(&page)?;
    let revoked = match &q.id {
        Some(id) => identity::token(&state.db, id).await?,
        None => None,
    };
    let done = q.notice(&page, revoked.as_ref().map(|t| t.name.as_str()));
    render(&state, &page, done, None, TokenForm::default()).await
}

/// Issue a token for a user; the answer shows its secret once.
async fn tokens_post(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_form(&page, &body)?;
    let mut form = TokenForm {
        user: Field::from_form(&body, "user"),
        name: Field::from_form(&body, "name"),
        ..TokenForm::default()
    };
    let mut wrong = Vec::new();
    let user = match form.user.value.trim() {
        "" => None,
        id => identity::user(&state.db, id).await?.filter(|u| u.active),
    };
    if user.is_none() {
        wrong.push(refusal(&page.ui, "/user", "admin-user-required"));
    }
    if let Err(Error::Invalid(v)) = identity::check_token_name(&form.name.value) {
        wrong.extend(v);
    }
    let result = match user {
        Some(u) if wrong.is_empty() => {
            let new = token::NewToken {
                user_id: &u.id,
                name: &form.name.value,
                issued_by: Some(&page.caller.id),
                days: None,
            };
            token::issue_token(&state.db, new)
                .await
                .map(|issued| (u, issued))
        }
        _ => Err(Error::Invalid(wrong)),
    };
    match result {
        Ok((user, issued)) => {
            tracing::info!(admin = %page.caller.username, user = %user.username, token = %issued.row.id, "token issued");
            let shown = Issued {
                token: issued.token,
                name: issued.row.name,
                user: format!("{} ({})", user.display_name, user.username),
            };
            render(
                &state,
                &page,
                String::new(),
                Some(shown),
                TokenForm::default(),
            )
            .await
        }
        Err(Error::Invalid(v)) => {
            let mut r = Refusal::new(page.lang, &v);
            r.mark(&mut form.user, &["user", "user_id"]);
            r.mark(&mut form.name, &["name"]);
            form.errors = r.rest();
            render(&state, &page, String::new(), None, form).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn token_revoke_post(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_form(&page, &body)?;
    let row = identity::token(&state.db, &id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("token {id}")))?;
    identity::revoke_token(&state.db, &row.id).await?;
    tracing::info!(admin = %page.caller.username, token = %row.id, "token revoked");
    Ok(see_other(&done_url(
        "/admin/tokens",
        "token-revoked",
        Some(&row.id),
    )))
}
