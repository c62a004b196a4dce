//! The org-unit tree (`/admin/org-units`): the tree with a form to add a unit under a
//! parent, and a unit's page to rename it, change its kind or move it (with its whole
//! subtree and the cases that belong there) under another parent. A move under the
//! unit itself or below it is refused next to the parent field.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

use super::admin::{DoneQuery, Field, Refusal, admin_form, admin_only, done_url, refusal, settle};
use super::directory::{Choice, Directory};
use super::page::{FormBody, Page, UiError};
use super::render::Lang;
use crate::error::Error;
use crate::state::AppState;
use crate::store::entities::org_units;
use crate::store::identity::{self, NewOrgUnit};

/// Org-unit routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/org-units", get(org_units_get).post(org_units_post))
        .route(
            "/admin/org-units/{id}",
            get(org_unit_get).post(org_unit_post),
        )
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

/// The inputs of a unit: to add one, or to change one (the id then stays).
#[derive(Debug, Default, Serialize)]
pub struct UnitForm {
    /// Id (a slug; only when adding).
    pub id: Field,
    /// Parent unit id (blank: a top-level unit).
    pub parent_id: Field,
    /// Kind.
    pub kind: Field,
    /// Chinese name.
    pub name_zh: Field,
    /// English name.
    pub name_en: Field,
    /// Parents offered.
    pub parents: Vec<Choice>,
    /// Kinds suggested.
    pub kinds: Vec<&'static str>,
    /// The unit may stay at the top (it is a root now, or is being added).
    pub top_allowed: bool,
    /// Other messages.
    pub errors: Vec<String>,
}

impl UnitForm {
    fn from_body(body: &FormBody) -> UnitForm {
        UnitForm {
            id: Field::from_form(body, "id"),
            parent_id: Field::from_form(body, "parent_id"),
            kind: Field::from_form(body, "kind"),
            name_zh: Field::from_form(body, "name_zh"),
            name_en: Field::from_form(body, "name_en"),
            ..UnitForm::default()
        }
    }

    fn refuse(&mut self, lang: Lang, violations: &[crate::error::Violation]) {
        let mut r = Refusal::new(lang, violations);
        r.mark(&mut self.id, &["id"]);
        r.mark(&mut self.parent_id, &["parent_id"]);
        r.mark(&mut self.kind, &["kind"]);
        r.mark(&mut self.name_zh, &["name_zh"]);
        r.mark(&mut self.name_en, &["name_en"]);
        self.errors = r.rest();
    }

    /// Offer as parents every unit outside `moving`'s subtree.
    fn offer(&mut self, dir: &Directory, page: &Page, moving: Option<&org_units::Model>) {
        let all = dir.unit_choices(&page.caller, page.lang, &self.parent_id.value);
        self.parents = all
            .into_iter()
            .filter(|c| {
                moving.is_none_or(|m| {
                    dir.unit_row(&c.value)
                        .is_none_or(|u| !u.path.starts_with(&m.path))
                })
            })
            .collect();
        self.kinds = identity::KNOWN_KINDS.to_vec();
    }
}

/// The tree and the form to add a unit.
#[derive(Debug, Serialize)]
pub struct UnitsPage {
    /// Every unit, parents before children.
    pub units: Vec<UnitRow>,
    /// What was just done.
    pub done: String,
    /// A unit to add.
    pub form: UnitForm,
}

async fn render_tree(
    state: &AppState,
    page: &Page,
    done: String,
    mut form: UnitForm,
) -> Result<Response, UiError> {
    let dir = Directory::load(&state.db).await?;
    let units: Vec<UnitRow> = dir
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
    form.offer(&dir, page, None);
    form.top_allowed = true;
    let refused = form.refused();
    let nav = page.nav(state, "admin", page.t("admin-org-units")).await;
    let response = page.render("admin/org_units", &nav, &UnitsPage { units, done, form })?;
    Ok(super::admin::refused_if(refused, response))
}

impl UnitForm {
    fn refused(&self) -> bool {
        !self.errors.is_empty()
            || [
                &self.id,
                &self.parent_id,
                &self.kind,
                &self.name_zh,
                &self.name_en,
            ]
            .iter()
            .any(|f| !f.error.is_empty())
    }
}

async fn org_units_get(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<DoneQuery>,
) -> Result<Response, UiError> {
    admin_only(&page)?;
    let added = match &q.id {
        Some(id) => identity::org_unit(&state.db, id).await?,
        None => None,
    };
    let done = q.notice(&page, added.as_ref().map(|u| unit_name(&page, u)));
    render_tree(&state, &page, done, UnitForm::default()).await
}

/// Add a unit.
async fn org_units_post(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_form(&page, &body)?;
    let mut form = UnitForm::from_body(&body);
    let new = NewOrgUnit {
        id: form.id.value.trim().to_owned(),
        parent_id: Some(form.parent_id.value.trim().to_owned()).filter(|p| !p.is_empty()),
        kind: form.kind.value.trim().to_owned(),
        name_zh: form.name_zh.value.clone(),
        name_en: form.name_en.value.clone(),
    };
    let result = identity::create_org_unit(&state.db, new).await;
    let done = |unit: org_units::Model| {
        tracing::info!(admin = %page.caller.username, unit = %unit.id, "org unit added");
        done_url("/admin/org-units", "unit-created", Some(&unit.id))
    };
    settle(result, done, async |v| {
        form.refuse(page.lang, &v);
        render_tree(&state, &page, String::new(), form).await
    })
    .await
}

/// A unit's page.
#[derive(Debug, Serialize)]
pub struct UnitPage {
    /// Id.
    pub id: String,
    /// Name in the page's language (as stored).
    pub name: String,
    /// Path in the tree.
    pub path: String,
    /// What was just done.
    pub done: String,
    /// The changes.
    pub form: UnitForm,
}

async fn render_unit(
    state: &AppState,
    page: &Page,
    unit: &org_units::Model,
    done: String,
    form: Option<UnitForm>,
) -> Result<Response, UiError> {
    let dir = Directory::load(&state.db).await?;
    let mut form = form.unwrap_or_else(|| UnitForm {
        parent_id: Field::of(unit.parent_id.clone().unwrap_or_default()),
        kind: Field::of(&unit.kind),
        name_zh: Field::of(&unit.name_zh),
        name_en: Field::of(&unit.name_en),
        ..UnitForm::default()
    });
    form.id = Field::of(&unit.id);
    form.top_allowed = unit.parent_id.is_none();
    form.offer(&dir, page, Some(unit));
    let refused = form.refused();
    let name = dir.unit(&unit.id, page.lang);
    let ctx = UnitPage {
        id: unit.id.clone(),
        path: unit.path.clone(),
        name: name.clone(),
        done,
        form,
    };
    let title = format!("{} · {name}", page.t("admin-org-units"));
    let nav = page.nav(state, "admin", title).await;
    let response = page.render("admin/org_unit", &nav, &ctx)?;
    Ok(super::admin::refused_if(refused, response))
}

async fn org_unit_get(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, UiError> {
    admin_only(&page)?;
    let unit = found(&state, &id).await?;
    let done = q.notice(&page, Some(unit_name(&page, &unit)));
    render_unit(&state, &page, &unit, done, None).await
}

/// A unit's name in the page's language.
fn unit_name<'u>(page: &Page, unit: &'u org_units::Model) -> &'u str {
    match page.lang {
        Lang::Zh => &unit.name_zh,
        Lang::En => &unit.name_en,
    }
}

async fn found(state: &AppState, id: &str) -> Result<org_units::Model, UiError> {
    identity::org_unit(&state.db, id)
        .await?
        .ok_or_else(|| UiError(Error::NotFound(format!("org unit {id}"))))
}

/// Rename a unit, change its kind, move it under another parent: all or nothing.
async fn org_unit_post(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_form(&page, &body)?;
    let unit = found(&state, &id).await?;
    let mut form = UnitForm::from_body(&body);
    let parent = form.parent_id.value.trim().to_owned();
    let result = if parent.is_empty() && unit.parent_id.is_some() {
        Err(Error::Invalid(vec![refusal(
            &page.ui,
            "/parent_id",
            "admin-unit-parent-required",
        )]))
    } else {
        change(&state, &unit, &form, &parent).await
    };
    let done = |saved: org_units::Model| {
        tracing::info!(admin = %page.caller.username, unit = %saved.id, path = %saved.path, "org unit changed");
        done_url(
            &format!("/admin/org-units/{}", saved.id),
            "unit-saved",
            None,
        )
    };
    settle(result, done, async |v| {
        form.refuse(page.lang, &v);
        render_unit(&state, &page, &unit, String::new(), Some(form)).await
    })
    .await
}

/// Apply the changes in one transaction, as the admin API does.
async fn change(
    state: &AppState,
    unit: &org_units::Model,
    form: &UnitForm,
    parent: &str,
) -> Result<org_units::Model, Error> {
    let txn = crate::store::begin_write(&state.db).await?;
    let mut saved = identity::update_org_unit(
        &txn,
        &unit.id,
        Some(form.kind.value.trim().to_owned()),
        Some(form.name_zh.value.clone()),
        Some(form.name_en.value.clone()),
    )
    .await?;
    if !parent.is_empty() && saved.parent_id.as_deref() != Some(parent) {
        saved = identity::move_org_unit(&txn, &unit.id, parent).await?;
    }
    txn.commit().await?;
    Ok(saved)
}
