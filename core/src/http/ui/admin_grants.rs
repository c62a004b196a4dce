//! Role grants on a user's page (`/admin/users/{id}/grants`): grant a role of a
//! programme (or of every programme) at an org unit, which reaches the unit and
//! everything below it; revoke a grant. Also the role choices and the way a grant
//! reads ("role @ unit · programme") that the user pages share.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use serde::Serialize;

use super::admin::{Field, Refusal, admin_form, done_url, refusal, settle};
use super::admin_users::render_user;
use super::directory::{Choice, Directory};
use super::page::{FormBody, Page, UiError, see_other};
use crate::error::{Error, Violation};
use crate::state::{AppState, Programmes};
use crate::store::identity::{self, NewGrant};

/// Grant routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users/{id}/grants", post(user_grants_post))
        .route(
            "/admin/users/{id}/grants/{grant}/revoke",
            post(grant_revoke_post),
        )
}

/// The roles of one programme (or of every programme), for a select's `<optgroup>`.
#[derive(Debug, Serialize)]
pub struct RoleGroup {
    /// The programme's title.
    pub label: String,
    /// Its roles; each value is `programme:role`.
    pub roles: Vec<Choice>,
}

/// A role the user holds, with the button that revokes it.
#[derive(Debug, Serialize)]
pub struct GrantItem {
    /// Grant id.
    pub id: i32,
    /// The role's title.
    pub role: String,
    /// Where it is held.
    pub unit: String,
    /// For which programme.
    pub programme: String,
}

/// A role to grant.
#[derive(Debug, Default, Serialize)]
pub struct GrantForm {
    /// `programme:role`.
    pub role: Field,
    /// Org unit id.
    pub org_unit: Field,
    /// Roles offered.
    pub roles: Vec<RoleGroup>,
    /// Units offered.
    pub units: Vec<Choice>,
    /// Other messages.
    pub errors: Vec<String>,
}

impl GrantForm {
    /// Whether the form carries a refusal.
    pub fn refused(&self) -> bool {
        !self.errors.is_empty() || !self.role.error.is_empty() || !self.org_unit.error.is_empty()
    }
}

/// Every role the loaded programmes declare, by programme, then the same roles for
/// every programme at once (`*`).
pub(super) fn role_groups(state: &AppState, page: &Page, selected: &str) -> Vec<RoleGroup> {
    let programmes = state.programmes();
    let mut every: Vec<Choice> = Vec::new();
    let mut groups: Vec<RoleGroup> = Vec::new();
    for (id, v) in programmes.iter() {
        let mut roles = Vec::new();
        for (role, title) in &v.def.programme.roles {
            let role = role.as_str();
            let value = format!("{id}:{role}");
            let label = page.lang.pick(title);
            roles.push(Choice {
                selected: value == selected,
                value,
                label: label.clone(),
            });
            let all = format!("*:{role}");
            if !every.iter().any(|c| c.value == all) {
                every.push(Choice {
                    selected: all == selected,
                    value: all,
                    label: format!("{label} ({role})"),
                });
            }
        }
        groups.push(RoleGroup {
            label: page.lang.pick(&v.def.programme.title),
            roles,
        });
    }
    if !every.is_empty() {
        groups.push(RoleGroup {
            label: page.t("admin-all-programmes"),
            roles: every,
        });
    }
    groups
}

/// The (programme, role) of a `programme:role` choice and its org unit, or the
/// reasons why not in `wrong`. Both blank means no role at all (`None`, no reasons).
pub(super) fn chosen_role(
    state: &AppState,
    page: &Page,
    choice: &str,
    org_unit: &str,
    wrong: &mut Vec<Violation>,
) -> Option<(String, String)> {
    let choice = choice.trim();
    if choice.is_empty() && org_unit.trim().is_empty() {
        return None;
    }
    if org_unit.trim().is_empty() {
        wrong.push(refusal(&page.ui, "/org_unit", "admin-unit-required"));
    }
    if choice.is_empty() {
        wrong.push(refusal(&page.ui, "/role", "admin-role-required"));
        return None;
    }
    let offered = role_groups(state, page, "")
        .iter()
        .any(|g| g.roles.iter().any(|c| c.value == choice));
    match choice.split_once(':') {
        Some((programme, role)) if offered => Some((programme.to_owned(), role.to_owned())),
        _ => {
            wrong.push(refusal(&page.ui, "/role", "admin-role-unknown"));
            None
        }
    }
}

/// How a grant reads: "role @ unit · programme".
pub(super) fn grant_text(
    programmes: &Programmes,
    page: &Page,
    dir: &Directory,
    programme: &str,
    role: &str,
    unit: &str,
) -> String {
    let (role, programme) = role_and_programme(programmes, page, programme, role);
    format!("{role} @ {} · {programme}", dir.unit(unit, page.lang))
}

/// The titles of a role and of its programme (the ids when nothing declares them).
fn role_and_programme(
    programmes: &Programmes,
    page: &Page,
    programme: &str,
    role: &str,
) -> (String, String) {
    if programme == "*" {
        let title = programmes
            .iter()
            .find_map(|(_, v)| v.def.programme.roles.get(role).cloned());
        let role = title
            .map(|t| page.lang.pick(&t))
            .unwrap_or_else(|| role.to_owned());
        return (role, page.t("admin-all-programmes"));
    }
    match programmes.current(programme) {
        Some(v) => (
            v.def
                .programme
                .roles
                .get(role)
                .map(|t| page.lang.pick(t))
                .unwrap_or_else(|| role.to_owned()),
            page.lang.pick(&v.def.programme.title),
        ),
        None => (role.to_owned(), programme.to_owned()),
    }
}

/// The roles a user holds, by unit.
pub(super) async fn user_grants(
    state: &AppState,
    page: &Page,
    dir: &Directory,
    user_id: &str,
) -> Result<Vec<GrantItem>, UiError> {
    let programmes = state.programmes();
    Ok(identity::grants_of(&state.db, user_id)
        .await?
        .into_iter()
        .map(|g| {
            let (role, programme) = role_and_programme(&programmes, page, &g.programme, &g.role);
            GrantItem {
                id: g.id,
                role,
                unit: dir.unit(&g.org_unit, page.lang),
                programme,
            }
        })
        .collect())
}

async fn user_grants_post(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_form(&page, &body)?;
    let user = identity::find_user(&state.db, &id).await?;
    let mut form = GrantForm {
        role: Field::from_form(&body, "role"),
        org_unit: Field::from_form(&body, "org_unit"),
        ..GrantForm::default()
    };
    let mut wrong = Vec::new();
    if form.role.value.trim().is_empty() && form.org_unit.value.trim().is_empty() {
        wrong.push(refusal(&page.ui, "/role", "admin-role-required"));
    }
    let chosen = chosen_role(
        &state,
        &page,
        &form.role.value,
        &form.org_unit.value,
        &mut wrong,
    );
    let result = match chosen {
        Some((programme, role)) if wrong.is_empty() => {
            let new = NewGrant {
                user_id: user.id.clone(),
                programme,
                role,
                org_unit: form.org_unit.value.trim().to_owned(),
            };
            identity::add_grant(&state.db, new).await
        }
        _ => Err(Error::Invalid(wrong)),
    };
    let done = |g: crate::store::entities::grants::Model| {
        tracing::info!(admin = %page.caller.username, user = %user.username, grant = g.id, "role granted");
        done_url(&format!("/admin/users/{}", user.id), "grant-added", None)
    };
    settle(result, done, async |v| {
        let mut r = Refusal::new(page.lang, &v);
        r.mark(&mut form.role, &["role", "programme"]);
        r.mark(&mut form.org_unit, &["org_unit"]);
        form.errors = r.rest();
        render_user(&state, &page, &user, |ctx| ctx.grant = form).await
    })
    .await
}

async fn grant_revoke_post(
    State(state): State<AppState>,
    page: Page,
    Path((id, grant)): Path<(String, i32)>,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_form(&page, &body)?;
    let user = identity::find_user(&state.db, &id).await?;
    let g = identity::grant(&state.db, grant)
        .await?
        .filter(|g| g.user_id == user.id)
        .ok_or_else(|| Error::NotFound(format!("grant {grant}")))?;
    identity::remove_grant(&state.db, g.id).await?;
    tracing::info!(admin = %page.caller.username, user = %user.username, grant = g.id, "role revoked");
    let to = format!("/admin/users/{}", user.id);
    Ok(see_other(&done_url(&to, "grant-revoked", None)))
}
