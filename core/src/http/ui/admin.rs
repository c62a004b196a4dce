//! Administration pages: users with their roles, the org-unit tree, API tokens, the
//! access log of sensitive reads and the audit-chain status; the programme pages are
//! in [`super::admin_programmes`]. Changes to users, grants and tokens go through the
//! admin API and the `anjuan user|grant|org|token` commands; these pages show them.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use sea_orm::{EntityTrait, QueryOrder};
use serde::Serialize;

use super::admin_programmes::admin_only;
use super::directory::Directory;
use super::page::{Page, UiError, local_time};
use crate::state::AppState;
use crate::store;
use crate::store::entities::{api_tokens, grants};

/// Admin routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(admin_get))
        .route("/admin/users", get(users_get))
        .route("/admin/org-units", get(org_units_get))
        .route("/admin/tokens", get(tokens_get))
        .route("/admin/access-log", get(access_log_get))
        .route("/admin/audit", get(audit_get))
        .merge(super::admin_programmes::router())
}

async fn admin_get(State(state): State<AppState>, page: Page) -> Result<Response, UiError> {
    admin_only(&page)?;
    let nav = page.nav(&state, "admin", page.t("admin-title")).await;
    page.render("admin/index", &nav, &serde_json::json!({}))
}

/// A user with their roles.
#[derive(Debug, Serialize)]
pub struct UserRow {
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
    /// Roles: "role @ unit (programme)".
    pub grants: Vec<String>,
}

async fn users_get(State(state): State<AppState>, page: Page) -> Result<Response, UiError> {
    admin_only(&page)?;
    let dir = Directory::load(&state.db).await?;
    let all = grants::Entity::find()
        .order_by_asc(grants::Column::Id)
        .all(&state.db)
        .await?;
    let programmes = state.programmes();
    let role_title = |programme: &str, role: &str| {
        let found = if programme == "*" {
            programmes
                .iter()
                .find_map(|(_, v)| v.def.programme.roles.get(role).cloned())
        } else {
            programmes
                .current(programme)
                .and_then(|v| v.def.programme.roles.get(role).cloned())
        };
        found
            .map(|t| page.lang.pick(&t))
            .unwrap_or_else(|| role.to_owned())
    };
    let rows: Vec<UserRow> = dir
        .users
        .iter()
        .map(|u| UserRow {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            is_admin: u.is_admin,
            active: u.active,
            locale: u.locale.clone(),
            grants: all
                .iter()
                .filter(|g| g.user_id == u.id)
                .map(|g| {
                    let programme = if g.programme == "*" {
                        page.t("admin-all-programmes")
                    } else {
                        programmes
                            .current(&g.programme)
                            .map(|v| page.lang.pick(&v.def.programme.title))
                            .unwrap_or_else(|| g.programme.clone())
                    };
                    format!(
                        "{} @ {} · {}",
                        role_title(&g.programme, &g.role),
                        dir.unit(&g.org_unit_id, page.lang),
                        programme
                    )
                })
                .collect(),
        })
        .collect();
    let nav = page.nav(&state, "admin", page.t("admin-users")).await;
    page.render("admin/users", &nav, &serde_json::json!({ "users": rows }))
}

/// An org unit in the tree.
#[derive(Debug, Serialize)]
pub struct UnitRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind (city, county, township, …).
    pub kind: String,
    /// Depth in the tree, for indentation.
    pub depth: usize,
    /// Path.
    pub path: String,
}

async fn org_units_get(State(state): State<AppState>, page: Page) -> Result<Response, UiError> {
    admin_only(&page)?;
    let dir = Directory::load(&state.db).await?;
    let rows: Vec<UnitRow> = dir
        .units
        .iter()
        .map(|u| UnitRow {
            id: u.id.clone(),
            name: dir.unit(&u.id, page.lang),
            kind: u.kind.clone(),
            depth: u.path.matches('/').count().saturating_sub(2),
            path: u.path.clone(),
        })
        .collect();
    let nav = page.nav(&state, "admin", page.t("admin-org-units")).await;
    page.render(
        "admin/org_units",
        &nav,
        &serde_json::json!({ "units": rows }),
    )
}

/// An API token (never its secret).
#[derive(Debug, Serialize)]
pub struct TokenRow {
    /// Name.
    pub name: String,
    /// Owner.
    pub user: String,
    /// Created.
    pub created: String,
    /// Last used.
    pub last_used: String,
    /// Revoked.
    pub revoked: bool,
}

async fn tokens_get(State(state): State<AppState>, page: Page) -> Result<Response, UiError> {
    admin_only(&page)?;
    let dir = Directory::load(&state.db).await?;
    let tz = state.config.timezone;
    let rows: Vec<TokenRow> = api_tokens::Entity::find()
        .order_by_desc(api_tokens::Column::CreatedAt)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            name: t.name,
            user: dir.user(&t.user_id),
            created: local_time(t.created_at, tz),
            last_used: t
                .last_used_at
                .map(|x| local_time(x, tz))
                .unwrap_or_default(),
            revoked: t.revoked,
        })
        .collect();
    let nav = page.nav(&state, "admin", page.t("admin-tokens")).await;
    page.render("admin/tokens", &nav, &serde_json::json!({ "tokens": rows }))
}

/// An unmasked read of sensitive fields.
#[derive(Debug, Serialize)]
pub struct AccessRow {
    /// When.
    pub at: String,
    /// Who.
    pub user: String,
    /// Case link.
    pub case_id: String,
    /// Fields read.
    pub fields: String,
    /// `api`, `ui` or `export`.
    pub via: String,
}

async fn access_log_get(State(state): State<AppState>, page: Page) -> Result<Response, UiError> {
    admin_only(&page)?;
    let dir = Directory::load(&state.db).await?;
    let tz = state.config.timezone;
    let rows: Vec<AccessRow> = store::access::list(&state.db, None, 500)
        .await?
        .into_iter()
        .map(|a| AccessRow {
            at: local_time(a.at, tz),
            user: dir.user(&a.user_id),
            case_id: a.case_id,
            fields: a.fields,
            via: a.via,
        })
        .collect();
    let nav = page.nav(&state, "admin", page.t("admin-access-log")).await;
    page.render(
        "admin/access_log",
        &nav,
        &serde_json::json!({ "entries": rows }),
    )
}

/// A broken link in a case's event chain.
#[derive(Debug, Serialize)]
pub struct BrokenRow {
    /// Case id.
    pub case_id: String,
    /// Event sequence number.
    pub seq: i64,
    /// Why.
    pub reason: String,
}

async fn audit_get(State(state): State<AppState>, page: Page) -> Result<Response, UiError> {
    admin_only(&page)?;
    let start = std::time::Instant::now();
    let (checked, broken) = store::events::verify_all(&state.db).await?;
    let broken: Vec<BrokenRow> = broken
        .into_iter()
        .map(|b| BrokenRow {
            case_id: b.case_id,
            seq: b.seq,
            reason: b.reason,
        })
        .collect();
    let nav = page.nav(&state, "admin", page.t("admin-audit")).await;
    page.render(
        "admin/audit",
        &nav,
        &serde_json::json!({ "checked": checked, "ok": broken.is_empty(), "broken": broken, "ms": start.elapsed().as_millis() as u64 }),
    )
}
