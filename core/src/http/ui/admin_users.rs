//! Users and their role grants (`/admin/users`): the list; a new user with a first
//! password and, if wished, a first role; a user's page to change the name, language
//! and administrator flag, reset the password, deactivate or activate the account,
//! and grant or revoke roles at org units. Users are never deleted (their names stay
//! in case histories); a deactivated user cannot sign in or use tokens.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Serialize;

use super::admin::{DoneQuery, Field, Refusal, admin_form, admin_only, done_url, refusal, settle};
use super::admin_grants::{GrantForm, RoleGroup, grant_text, role_groups, user_grants};
use super::directory::{Choice, Directory};
use super::page::{FormBody, Page, UiError, local_time, see_other};
use crate::auth::password;
use crate::error::{Error, Violation};
use crate::state::AppState;
use crate::store::entities::{api_tokens, users};
use crate::store::identity::{self, NewGrant, NewUser, UserChanges};

/// User routes (grants: [`super::admin_grants`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users_get).post(users_post))
        .route("/admin/users/new", get(user_new_get))
        .route("/admin/users/{id}", get(user_get).post(user_post))
        .route("/admin/users/{id}/password", post(user_password_post))
        .route("/admin/users/{id}/active", post(user_active_post))
        .merge(super::admin_grants::router())
}

/// A user with their roles, in the list.
#[derive(Debug, Serialize)]
pub struct UserRow {
    /// User id (the link to the user's page).
    pub id: String,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Administrator.
    pub is_admin: bool,
    /// Active.
    pub active: bool,
    /// Language.
    pub locale: String,
    /// Roles: "role @ unit · programme".
    pub grants: Vec<String>,
}

async fn users_get(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<DoneQuery>,
) -> Result<Response, UiError> {
    admin_only(&page)?;
    let dir = Directory::load(&state.db).await?;
    let programmes = state.programmes();
    let rows: Vec<UserRow> = dir
        .users
        .iter()
        .map(|u| UserRow {
            id: u.id.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            is_admin: u.is_admin,
            active: u.active,
            locale: u.locale.clone(),
            grants: dir
                .grants
                .iter()
                .filter(|g| g.user_id == u.id)
                .map(|g| {
                    grant_text(
                        &programmes,
                        &page,
                        &dir,
                        &g.programme,
                        &g.role,
                        &g.org_unit_id,
                    )
                })
                .collect(),
        })
        .collect();
    let nav = page.nav(&state, "admin", page.t("admin-users")).await;
    // Nothing redirects here with a notice; any `done` is someone's crafted link.
    let ctx = serde_json::json!({ "users": rows, "done": q.notice(&page, None) });
    page.render("admin/users", &nav, &ctx)
}

/// The form for a new user.
#[derive(Debug, Default, Serialize)]
pub struct NewUserForm {
    /// Login name.
    pub username: Field,
    /// Name shown.
    pub display_name: Field,
    /// First password (never sent back to the browser).
    pub password: Field,
    /// The password again.
    pub password_confirm: Field,
    /// Language.
    pub locale: Field,
    /// Administrator.
    pub is_admin: bool,
    /// First role, `programme:role` (optional).
    pub role: Field,
    /// Where the first role is held.
    pub org_unit: Field,
    /// Languages offered.
    pub locales: Vec<Choice>,
    /// Roles offered, by programme.
    pub roles: Vec<RoleGroup>,
    /// Org units offered.
    pub units: Vec<Choice>,
    /// Messages about the form as a whole.
    pub errors: Vec<String>,
}

/// The languages a user may prefer, as choices.
pub(super) fn locale_choices(page: &Page, selected: &str) -> Vec<Choice> {
    identity::LOCALES
        .iter()
        .map(|l| Choice {
            value: (*l).to_owned(),
            label: page.t(&format!("admin-locale-{l}")),
            selected: *l == selected,
        })
        .collect()
}

async fn render_new(
    state: &AppState,
    page: &Page,
    mut form: NewUserForm,
) -> Result<Response, UiError> {
    let dir = Directory::load(&state.db).await?;
    form.locales = locale_choices(page, &form.locale.value);
    form.roles = role_groups(state, page, &form.role.value);
    form.units = dir.unit_choices(&page.caller, page.lang, &form.org_unit.value);
    let nav = page.nav(state, "admin", page.t("admin-user-new")).await;
    page.render("admin/user_new", &nav, &form)
}

async fn user_new_get(State(state): State<AppState>, page: Page) -> Result<Response, UiError> {
    admin_only(&page)?;
    let form = NewUserForm {
        locale: Field::of("zh-CN"),
        ..NewUserForm::default()
    };
    render_new(&state, &page, form).await
}

async fn users_post(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_form(&page, &body)?;
    let mut form = NewUserForm {
        username: Field::from_form(&body, "username"),
        display_name: Field::from_form(&body, "display_name"),
        locale: Field::from_form(&body, "locale"),
        is_admin: body.get("is_admin").is_some(),
        role: Field::from_form(&body, "role"),
        org_unit: Field::from_form(&body, "org_unit"),
        ..NewUserForm::default()
    };
    let new = NewUser {
        username: form.username.value.clone(),
        display_name: form.display_name.value.clone(),
        password_hash: None,
        is_admin: form.is_admin,
        locale: form.locale.value.clone(),
    };
    let secret = body.get("password").unwrap_or_default().to_owned();
    let mut wrong = identity::user_violations(&state.db, &new).await?;
    wrong.extend(password::policy_violations(&secret));
    if body.get("password_confirm").unwrap_or_default() != secret {
        wrong.push(refusal(
            &page.ui,
            "/password_confirm",
            "admin-password-mismatch",
        ));
    }
    let role = super::admin_grants::chosen_role(
        &state,
        &page,
        &form.role.value,
        &form.org_unit.value,
        &mut wrong,
    );
    let result = if wrong.is_empty() {
        create(&state, new, secret, role, &form.org_unit.value).await
    } else {
        Err(Error::Invalid(wrong))
    };
    let done = |user: users::Model| {
        tracing::info!(admin = %page.caller.username, user = %user.username, "user created");
        done_url(&format!("/admin/users/{}", user.id), "user-created", None)
    };
    settle(result, done, async |v| {
        let mut r = Refusal::new(page.lang, &v);
        r.mark(&mut form.username, &["username"]);
        r.mark(&mut form.display_name, &["display_name"]);
        r.mark(&mut form.password, &["password"]);
        r.mark(&mut form.password_confirm, &["password_confirm"]);
        r.mark(&mut form.locale, &["locale"]);
        r.mark(&mut form.role, &["role", "programme"]);
        r.mark(&mut form.org_unit, &["org_unit"]);
        form.errors = r.rest();
        render_new(&state, &page, form).await
    })
    .await
}

/// Create the user and their first role together: either both are stored or neither.
async fn create(
    state: &AppState,
    new: NewUser,
    secret: String,
    role: Option<(String, String)>,
    org_unit: &str,
) -> Result<users::Model, Error> {
    let hash = password::hash_new(secret).await?;
    let new = NewUser {
        password_hash: Some(hash),
        ..new
    };
    let txn = crate::store::begin_write(&state.db).await?;
    let user = identity::create_user(&txn, new).await?;
    if let Some((programme, role)) = role {
        let grant = NewGrant {
            user_id: user.id.clone(),
            programme,
            role,
            org_unit: org_unit.to_owned(),
        };
        identity::add_grant(&txn, grant).await?;
    }
    txn.commit().await?;
    Ok(user)
}

/// A user's page: who they are, with a form for each kind of change.
#[derive(Debug, Serialize)]
pub struct UserPage {
    /// User id.
    pub id: String,
    /// Login name.
    pub username: String,
    /// Name shown (as stored, for the heading).
    pub display_name: String,
    /// Administrator.
    pub is_admin: bool,
    /// Active.
    pub active: bool,
    /// The page is about the signed-in administrator.
    pub is_self: bool,
    /// The user can sign in with a password.
    pub has_password: bool,
    /// When the user was created.
    pub created: String,
    /// Live API tokens of this user.
    pub tokens: usize,
    /// What was just done.
    pub done: String,
    /// Name, language, administrator.
    pub profile: ProfileForm,
    /// A new password.
    pub password: PasswordForm,
    /// Why deactivating or activating was refused.
    pub account_errors: Vec<String>,
    /// The roles the user holds.
    pub grants: Vec<super::admin_grants::GrantItem>,
    /// A role to grant.
    pub grant: GrantForm,
}

/// Name, language, administrator.
#[derive(Debug, Default, Serialize)]
pub struct ProfileForm {
    /// Name shown.
    pub display_name: Field,
    /// Language.
    pub locale: Field,
    /// Languages offered.
    pub locales: Vec<Choice>,
    /// Administrator.
    pub is_admin: bool,
    /// Why the administrator flag was refused.
    pub is_admin_errors: Vec<String>,
    /// Other messages.
    pub errors: Vec<String>,
}

/// A new password, typed twice (never sent back to the browser).
#[derive(Debug, Default, Serialize)]
pub struct PasswordForm {
    /// The new password.
    pub password: Field,
    /// The same again.
    pub password_confirm: Field,
}

/// Build a user's page as stored, then let `edit` put a refused form back in.
pub(super) async fn render_user(
    state: &AppState,
    page: &Page,
    user: &users::Model,
    edit: impl FnOnce(&mut UserPage),
) -> Result<Response, UiError> {
    let dir = Directory::load(&state.db).await?;
    let tokens = identity::tokens(&state.db, Some(&user.id))
        .await?
        .iter()
        .filter(|t: &&api_tokens::Model| !t.revoked)
        .count();
    let mut ctx = UserPage {
        id: user.id.clone(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        is_admin: user.is_admin,
        active: user.active,
        is_self: user.id == page.caller.id,
        has_password: user.password_hash.is_some(),
        created: local_time(user.created_at, state.config.timezone),
        tokens,
        done: String::new(),
        profile: ProfileForm {
            display_name: Field::of(&user.display_name),
            locale: Field::of(&user.locale),
            is_admin: user.is_admin,
            ..ProfileForm::default()
        },
        password: PasswordForm::default(),
        account_errors: Vec::new(),
        grants: user_grants(state, page, &dir, &user.id).await?,
        grant: GrantForm::default(),
    };
    edit(&mut ctx);
    ctx.profile.locales = locale_choices(page, &ctx.profile.locale.value);
    ctx.grant.roles = role_groups(state, page, &ctx.grant.role.value);
    ctx.grant.units = dir.unit_choices(&page.caller, page.lang, &ctx.grant.org_unit.value);
    let refused = !ctx.profile.errors.is_empty()
        || !ctx.profile.is_admin_errors.is_empty()
        || [&ctx.profile.display_name, &ctx.profile.locale]
            .iter()
            .any(|f| !f.error.is_empty())
        || !ctx.password.password.error.is_empty()
        || !ctx.password.password_confirm.error.is_empty()
        || !ctx.account_errors.is_empty()
        || ctx.grant.refused();
    let title = format!("{} · {}", page.t("admin-users"), user.display_name);
    let nav = page.nav(state, "admin", title).await;
    let response = page.render("admin/user", &nav, &ctx)?;
    Ok(super::admin::refused_if(refused, response))
}

async fn user_get(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, UiError> {
    admin_only(&page)?;
    let user = identity::find_user(&state.db, &id).await?;
    let done = q.notice(&page, Some(&user.display_name));
    render_user(&state, &page, &user, |ctx| ctx.done = done).await
}

/// Change the name, the language or the administrator flag.
async fn user_post(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_form(&page, &body)?;
    let user = identity::find_user(&state.db, &id).await?;
    let mut form = ProfileForm {
        display_name: Field::from_form(&body, "display_name"),
        locale: Field::from_form(&body, "locale"),
        is_admin: body.get("is_admin").is_some(),
        ..ProfileForm::default()
    };
    let result = if user.id == page.caller.id && user.is_admin && !form.is_admin {
        Err(Error::Invalid(vec![not_yourself(&page, "/is_admin")]))
    } else {
        let changes = UserChanges {
            display_name: Some(form.display_name.value.clone()),
            locale: Some(form.locale.value.clone()),
            is_admin: Some(form.is_admin),
            ..UserChanges::default()
        };
        identity::update_user(&state.db, &user.id, changes).await
    };
    let done = |saved: users::Model| {
        tracing::info!(admin = %page.caller.username, user = %saved.username, "user changed");
        done_url(&format!("/admin/users/{}", saved.id), "user-saved", None)
    };
    settle(result, done, async |v| {
        let mut r = Refusal::new(page.lang, &v);
        r.mark(&mut form.display_name, &["display_name"]);
        r.mark(&mut form.locale, &["locale"]);
        form.is_admin_errors = r.take(&["is_admin", "active"]);
        form.errors = r.rest();
        render_user(&state, &page, &user, |ctx| ctx.profile = form).await
    })
    .await
}

fn not_yourself(page: &Page, field: &str) -> Violation {
    refusal(&page.ui, field, "admin-not-yourself")
}

/// Set a new password (the user's sessions end).
async fn user_password_post(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_form(&page, &body)?;
    let user = identity::find_user(&state.db, &id).await?;
    let secret = body.get("password").unwrap_or_default().to_owned();
    let mut wrong = password::policy_violations(&secret);
    if body.get("password_confirm").unwrap_or_default() != secret {
        wrong.push(refusal(
            &page.ui,
            "/password_confirm",
            "admin-password-mismatch",
        ));
    }
    if !wrong.is_empty() {
        let mut r = Refusal::new(page.lang, &wrong);
        let mut form = PasswordForm::default();
        r.mark(&mut form.password, &["password"]);
        r.mark(&mut form.password_confirm, &["password_confirm"]);
        return render_user(&state, &page, &user, |ctx| ctx.password = form).await;
    }
    let hash = password::hash_new(secret).await?;
    identity::set_password(&state.db, &user.id, hash).await?;
    tracing::info!(admin = %page.caller.username, user = %user.username, "password reset");
    let to = format!("/admin/users/{}", user.id);
    Ok(see_other(&done_url(&to, "password-reset", None)))
}

/// Deactivate (`active=false`) or activate (`active=true`) the account.
async fn user_active_post(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_form(&page, &body)?;
    let user = identity::find_user(&state.db, &id).await?;
    let active = body.get("active") == Some("true");
    let result = if !active && user.id == page.caller.id {
        Err(Error::Invalid(vec![not_yourself(&page, "/active")]))
    } else {
        identity::set_active(&state.db, &user.id, active).await
    };
    let done = |()| {
        tracing::info!(admin = %page.caller.username, user = %user.username, active, "account switched");
        let done = if active {
            "user-enabled"
        } else {
            "user-disabled"
        };
        done_url(&format!("/admin/users/{}", user.id), done, None)
    };
    settle(result, done, async |v| {
        let errors = Refusal::new(page.lang, &v).rest();
        render_user(&state, &page, &user, |ctx| ctx.account_errors = errors).await
    })
    .await
}
