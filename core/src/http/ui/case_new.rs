//! Opening a case (`/cases/new`): first the case types this user may open, then the
//! owning org unit and the case type's form. Child cases (a building's hazards, a
//! family's visits) are opened from the parent's page and inherit its unit.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::directory::{Choice, Directory};
use super::forms::{self, FormView, ViewCtx};
use super::page::{FormBody, Page, UiError, see_other};
use super::render::Lang;
use super::values;
use crate::error::{Error, Violation};
use crate::service::cases::{self, CreateCase};
use crate::state::AppState;

/// New-case routes.
/// The form may carry files: it reads its own body (see [`FormBody`]).
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/cases/new",
        get(case_new_get)
            .post(case_new_post)
            .layer(DefaultBodyLimit::disable()),
    )
}

/// Which case to open.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    /// Programme id.
    pub programme: String,
    /// Case type id.
    pub case_type: String,
    /// Parent case id.
    pub parent: String,
    /// The field time a form filled without a network carried (`_taken_at`), kept when
    /// the form comes back refused. Only a posted form has one.
    #[serde(skip)]
    pub taken_at: String,
}

/// A case type the user may open.
#[derive(Debug, Serialize)]
pub struct Openable {
    /// Link to its form.
    pub href: String,
    /// Programme title.
    pub programme: String,
    /// Case type title.
    pub title: String,
}

/// The new-case page.
#[derive(Debug, Serialize)]
pub struct NewPage {
    /// Case types to choose from (when none is chosen yet).
    pub openable: Vec<Openable>,
    /// Programme id.
    pub programme: String,
    /// Case type id.
    pub case_type: String,
    /// Case type title.
    pub title: String,
    /// Parent case id and number.
    pub parent: Option<(String, String)>,
    /// Org unit choices (none for a child case).
    pub units: Vec<Choice>,
    /// Errors about the org unit.
    pub unit_errors: Vec<String>,
    /// The case type's form.
    pub form: Option<FormView>,
    /// The form has a file field: post it as `multipart/form-data`.
    pub multipart: bool,
    /// The largest file the server takes, in bytes.
    pub max_upload: u64,
    /// The same, as people read it (`20 MiB`).
    pub max_upload_text: String,
    /// Errors about the whole case.
    pub errors: Vec<String>,
    /// Any error at all (the summary above the form).
    pub has_errors: bool,
    /// Field errors for the summary: (link to the input, text).
    pub error_links: Vec<(String, String)>,
    /// The programme's checks, for the page to run as the user types (JSON).
    pub checks: Option<String>,
    /// Makes a repeated submit (a double click, or a form sent again after the network
    /// came back) open the case once.
    pub key: String,
    /// The field time, carried on when a form filled without a network is refused.
    pub taken_at: String,
}

async fn case_new_get(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<NewQuery>,
) -> Result<Response, UiError> {
    render(&state, &page, &q, &Value::Object(Map::new()), "", &[], None).await
}

async fn case_new_post(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, UiError> {
    page.check_csrf(&body)?;
    let q = NewQuery {
        programme: body.text("programme").unwrap_or_default(),
        case_type: body.text("case_type").unwrap_or_default(),
        parent: body.text("parent").unwrap_or_default(),
        taken_at: body.text("_taken_at").unwrap_or_default(),
    };
    let version = cases::current(&state, &q.programme)?;
    let form = version
        .def
        .programme
        .case_type(&q.case_type)
        .and_then(|ct| ct.create.as_ref()?.form.as_ref().map(|f| f.to_string()));
    let def = match &form {
        Some(f) => values::form_def(&state, &version, f, page.lang).await,
        None => None,
    };
    let empty = Value::Object(Map::new());
    let data = def
        .as_ref()
        .map(|d| forms::parse(d, &body, &empty, state.config.timezone))
        .unwrap_or(empty);
    let unit = body.text("org_unit").unwrap_or_default();
    if let Some(group) = body.text("_add_row") {
        return render(&state, &page, &q, &data, &unit, &[], Some(&group)).await;
    }
    if unit.is_empty() && q.parent.is_empty() {
        // Say everything that is wrong at once: the unit, and the form's own rules.
        let mut v = vec![Violation {
            layer: None,
            field: "org_unit".into(),
            code: "required".into(),
            message: crate::workflow::model::I18n {
                zh: page.ui.t(Lang::Zh, "case-new-unit-required"),
                en: page.ui.t(Lang::En, "case-new-unit-required"),
            },
        }];
        if let (Some(plugin), Some(form)) = (version.def.programme.plugin.as_ref(), &form)
            && let Ok(found) =
                crate::state::plugin_validate(&state.plugins, plugin, form, &data).await
        {
            v.extend(found);
        }
        return render(&state, &page, &q, &data, &unit, &v, None).await;
    }
    let req = CreateCase {
        programme: q.programme.clone(),
        case_type: q.case_type.clone(),
        org_unit: (!unit.is_empty()).then_some(unit.clone()),
        data: data.clone(),
        parent: (!q.parent.is_empty()).then(|| q.parent.clone()),
        assignee: None,
        taken_at: super::offline::field_time(&body),
        idempotency_key: body
            .text("_key")
            .filter(|k| !k.is_empty() && k.len() <= 200),
        sent: Some(super::offline::as_sent(&state, &body).await?),
    };
    match cases::create(&state, &page.caller, req).await {
        Ok(view) => Ok(see_other(&format!("/cases/{}?done=create", view.id))),
        Err(Error::Invalid(v)) => render(&state, &page, &q, &data, &unit, &v, None).await,
        Err(e @ (Error::BadRequest { .. } | Error::Plugin(_) | Error::Forbidden(_))) => {
            let v = super::error::as_violation(&page.ui, &e);
            render(
                &state,
                &page,
                &q,
                &data,
                &unit,
                std::slice::from_ref(&v),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn render(
    state: &AppState,
    page: &Page,
    q: &NewQuery,
    data: &Value,
    unit: &str,
    errors: &[Violation],
    add_row: Option<&str>,
) -> Result<Response, UiError> {
    let lang = page.lang;
    let programmes = state.programmes();
    let mut ctx = NewPage {
        openable: Vec::new(),
        programme: q.programme.clone(),
        case_type: q.case_type.clone(),
        title: page.t("case-new-title"),
        parent: None,
        units: Vec::new(),
        unit_errors: Vec::new(),
        form: None,
        multipart: false,
        max_upload: state.config.max_upload_bytes,
        max_upload_text: forms::size_text(
            i64::try_from(state.config.max_upload_bytes).unwrap_or(i64::MAX),
        ),
        errors: Vec::new(),
        has_errors: !errors.is_empty(),
        error_links: Vec::new(),
        checks: None,
        key: uuid::Uuid::now_v7().to_string(),
        taken_at: q.taken_at.clone(),
    };
    let chosen = programmes
        .current(&q.programme)
        .and_then(|v| Some((v.clone(), v.def.programme.case_type(&q.case_type)?.clone())));
    match chosen {
        None => ctx.openable = openable(state, page),
        Some((version, ct)) => {
            let dir = Directory::load(&state.db).await?;
            ctx.title = lang.pick(&ct.title);
            let mut parent_path = None;
            if !q.parent.is_empty() {
                let parent = cases::readable(state, &page.caller, &q.parent).await?;
                parent_path = Some(parent.org_path.clone());
                ctx.parent = Some((parent.id, parent.number));
            } else {
                ctx.units = dir.unit_choices(&page.caller, lang, unit);
            }
            let (unit_errors, rest): (Vec<&Violation>, Vec<&Violation>) =
                errors.iter().partition(|v| v.field == "org_unit");
            ctx.unit_errors = unit_errors.iter().map(|v| lang.pick(&v.message)).collect();
            let form = ct
                .create
                .as_ref()
                .and_then(|c| c.form.as_ref())
                .map(|f| f.to_string());
            let def = match &form {
                Some(f) => values::form_def(state, &version, f, lang).await,
                None => None,
            };
            let (field_errors, other): (Vec<Violation>, Vec<Violation>) = rest
                .into_iter()
                .cloned()
                .partition(|v| def.is_some() && v.field.starts_with('/') && v.field.len() > 1);
            ctx.errors = other.iter().map(|v| lang.pick(&v.message)).collect();
            let cx = ViewCtx {
                lang,
                ui: &page.ui,
                dir: &dir,
                tz: state.config.timezone,
                add_row,
                programme: &q.programme,
                // The unit may still change on this page: offer the whole programme.
                unit: None,
            };
            ctx.form = def
                .as_ref()
                .map(|d| forms::view(d, data, &field_errors, &cx));
            if let Some(form) = &mut ctx.form {
                super::case_action::name_files(state, &page.caller, None, form).await?;
            }
            ctx.multipart = def.as_ref().is_some_and(|d| forms::has_file(&d.fields));
            let at = super::checks::At {
                version: &version,
                case_type: &q.case_type,
                action: "create",
                case: None,
                parent_id: ctx.parent.as_ref().map(|p| p.0.as_str()),
                form: def.as_ref(),
                org_path: parent_path.as_deref(),
            };
            ctx.checks = super::checks::page_checks(state, &page.caller, &at);
            ctx.error_links = ctx
                .form
                .as_ref()
                .map(forms::error_links)
                .unwrap_or_default();
        }
    }
    let nav = page.nav(state, "new", ctx.title.clone()).await;
    let mut response = page.render("cases/new", &nav, &ctx)?;
    if !errors.is_empty() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// Top-level case types whose `create` roles the caller holds somewhere.
fn openable(state: &AppState, page: &Page) -> Vec<Openable> {
    let mut out = Vec::new();
    for (pid, v) in state.programmes().iter() {
        for (id, ct) in &v.def.programme.case_types {
            let Some(create) = &ct.create else { continue };
            if ct.parent.is_some() {
                continue;
            }
            let allowed = page.caller.is_admin
                || create.roles.iter().any(|r| {
                    page.caller.grants.iter().any(|g| {
                        (g.programme == "*" || &g.programme == pid) && g.role == r.as_str()
                    })
                });
            if allowed {
                out.push(Openable {
                    href: format!("/cases/new?programme={pid}&case_type={}", id.as_str()),
                    programme: page.lang.pick(&v.def.programme.title),
                    title: page.lang.pick(&ct.title),
                });
            }
        }
    }
    out
}
