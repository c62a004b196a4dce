//! An action's page (`/cases/{id}/actions/{action}`): the plugin's form, a comment,
//! and the case version the user read. A refused submission comes back with every
//! value kept and each error next to its field; when someone else changed the case
//! meanwhile (409), the page shows what they changed and keeps the user's input, and
//! the next submit applies to the new version.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;
use serde_json::{Map, Value};

use super::directory::Directory;
use super::forms::{self, FormView, ViewCtx};
use super::page::{FormBody, Page, UiError, see_other};
use super::timeline::{EventRow, timeline};
use super::values::{self, Fmt};
use crate::auth::Caller;
use crate::error::{Error, Violation};
use crate::service::cases::{self, ActionInput};
use crate::service::files;
use crate::service::views::{self, CaseView};
use crate::state::{AppState, Version};
use crate::store::files::FileMeta;

/// Action routes.
/// A form with a file field reads its own body (see [`FormBody`]), counting against
/// the upload limit, so the server-wide body limit does not apply here.
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/cases/{id}/actions/{action}",
        get(case_action_get)
            .post(case_action_post)
            .layer(DefaultBodyLimit::disable()),
    )
}

/// The action page.
#[derive(Debug, Serialize)]
pub struct ActionPage {
    /// Case id.
    pub case_id: String,
    /// Case number.
    pub number: String,
    /// Summary.
    pub summary: String,
    /// State title now.
    pub state: String,
    /// Action id.
    pub action: String,
    /// Action title.
    pub title: String,
    /// The state it leads to.
    pub to: String,
    /// The form, when the action has one.
    pub form: Option<FormView>,
    /// The form has a file field: post it as `multipart/form-data`.
    pub multipart: bool,
    /// The largest file the server takes, in bytes.
    pub max_upload: u64,
    /// The same, as people read it (`20 MiB`).
    pub max_upload_text: String,
    /// Why the form could not be shown.
    pub form_missing: bool,
    /// Comment.
    pub comment: String,
    /// A comment is required.
    pub comment_required: bool,
    /// Errors about the comment.
    pub comment_errors: Vec<String>,
    /// Errors about the whole action.
    pub errors: Vec<String>,
    /// Any error at all (the summary above the form).
    pub has_errors: bool,
    /// Field errors for the summary: (link to the input, text).
    pub error_links: Vec<(String, String)>,
    /// The case version the form applies to.
    pub version: i64,
    /// Makes a double submit apply once.
    pub key: String,
    /// The field time a form filled without a network carried (`_taken_at`), kept
    /// when the form comes back refused or in conflict, so submitting it again still
    /// records when it was filled in.
    pub taken_at: String,
    /// Set when the case changed meanwhile.
    pub conflict: Option<Conflict>,
    /// The programme's checks, for the page to run as the user types (JSON).
    pub checks: Option<String>,
}

/// What changed since the user read the case.
#[derive(Debug, Serialize)]
pub struct Conflict {
    /// The version the user read.
    pub yours: i64,
    /// The version now.
    pub current: i64,
    /// The events in between, newest first.
    pub events: Vec<EventRow>,
    /// Whether this action is still open to the user.
    pub still_open: bool,
}

struct Loaded {
    view: CaseView,
    /// The case's org path (the actor's roles there).
    org_path: String,
    version: std::sync::Arc<Version>,
    ct: crate::workflow::model::CaseType,
    dir: Directory,
}

async fn load(state: &AppState, page: &Page, id: &str) -> Result<Loaded, UiError> {
    let row = cases::readable(state, &page.caller, id).await?;
    let version = cases::case_version(state, &row)?;
    let org_path = row.org_path.clone();
    let view = views::case(state, &page.caller, row, "ui").await?;
    let ct = version
        .def
        .programme
        .case_type(&view.case_type)
        .cloned()
        .ok_or_else(|| Error::Internal(format!("case type {} vanished", view.case_type)))?;
    Ok(Loaded {
        view,
        org_path,
        version,
        ct,
        dir: Directory::load(&state.db).await?,
    })
}

async fn case_action_get(
    State(state): State<AppState>,
    page: Page,
    Path((id, action)): Path<(String, String)>,
) -> Result<Response, UiError> {
    let l = load(&state, &page, &id).await?;
    let values = l.view.data.clone();
    let ctx = build(
        &state,
        &page,
        &l,
        &action,
        Draft {
            values: &values,
            comment: "",
            errors: &[],
            add_row: None,
            key: uuid::Uuid::now_v7().to_string(),
            taken_at: None,
        },
    )
    .await?;
    let nav = page.nav(&state, "cases", ctx.title.clone()).await;
    page.render("cases/action", &nav, &ctx)
}

struct Draft<'a> {
    values: &'a Value,
    comment: &'a str,
    errors: &'a [Violation],
    add_row: Option<&'a str>,
    key: String,
    taken_at: Option<String>,
}

async fn build(
    state: &AppState,
    page: &Page,
    l: &Loaded,
    action: &str,
    d: Draft<'_>,
) -> Result<ActionPage, UiError> {
    let lang = page.lang;
    let available = l.view.actions.iter().find(|a| a.action == action);
    let transition =
        l.ct.transitions_for(action)
            .find(|t| t.from.iter().any(|f| f.as_str() == l.view.state))
            .or_else(|| l.ct.transitions_for(action).next())
            .ok_or_else(|| Error::NotFound(format!("action {action}")))?;
    let form_id = transition.form.as_ref().map(|f| f.to_string());
    let def = match &form_id {
        Some(f) => values::form_def(state, &l.version, f, lang).await,
        None => None,
    };
    let (field_errors, other): (Vec<Violation>, Vec<Violation>) =
        d.errors.iter().cloned().partition(|v| {
            let name = forms::pointer_to_name(&v.field);
            !name.is_empty() && name != "f.comment" && name != "f.taken_at" && def.is_some()
        });
    let comment_errors = other
        .iter()
        .filter(|v| v.field.trim_start_matches('/') == "comment")
        .map(|v| lang.pick(&v.message))
        .collect();
    let errors = other
        .iter()
        .filter(|v| v.field.trim_start_matches('/') != "comment")
        .map(|v| lang.pick(&v.message))
        .collect();
    let cx = ViewCtx {
        lang,
        ui: &page.ui,
        dir: &l.dir,
        tz: state.config.timezone,
        add_row: d.add_row,
        programme: &l.view.programme,
        unit: Some(&l.view.org_unit),
    };
    let mut form = def
        .as_ref()
        .map(|def| forms::view(def, d.values, &field_errors, &cx));
    if let Some(form) = &mut form {
        name_files(state, &page.caller, Some(&l.view.id), form).await?;
    }
    Ok(ActionPage {
        multipart: def.as_ref().is_some_and(|d| forms::has_file(&d.fields)),
        max_upload: state.config.max_upload_bytes,
        max_upload_text: forms::size_text(
            i64::try_from(state.config.max_upload_bytes).unwrap_or(i64::MAX),
        ),
        error_links: form.as_ref().map(forms::error_links).unwrap_or_default(),
        case_id: l.view.id.clone(),
        number: l.view.number.clone(),
        summary: l.view.summary.clone(),
        state: lang.pick(&l.view.state_title),
        action: action.to_owned(),
        title: available
            .map(|a| lang.pick(&a.title))
            .or_else(|| transition.title.as_ref().map(|t| lang.pick(t)))
            .unwrap_or_else(|| action.to_owned()),
        to: lang.pick(&l.ct.state_title(&transition.to)),
        form_missing: form_id.is_some() && def.is_none(),
        form,
        comment: d.comment.to_owned(),
        comment_required: transition.comment_required,
        has_errors: !d.errors.is_empty(),
        comment_errors,
        errors,
        version: l.view.version,
        key: d.key,
        taken_at: d.taken_at.unwrap_or_default(),
        conflict: None,
        checks: super::checks::page_checks(
            state,
            &page.caller,
            &super::checks::At {
                version: &l.version,
                case_type: &l.view.case_type,
                action,
                case: Some(&l.view),
                parent_id: l.view.parent.as_deref(),
                form: def.as_ref(),
                org_path: Some(&l.org_path),
            },
        ),
    })
}

async fn case_action_post(
    State(state): State<AppState>,
    page: Page,
    Path((id, action)): Path<(String, String)>,
    body: FormBody,
) -> Result<Response, UiError> {
    page.check_csrf(&body)?;
    let l = load(&state, &page, &id).await?;
    let transition_form =
        l.ct.transitions_for(&action)
            .find_map(|t| t.form.as_ref().map(|f| f.to_string()));
    let def = match &transition_form {
        Some(f) => values::form_def(&state, &l.version, f, page.lang).await,
        None => None,
    };
    let data = match &def {
        Some(def) => forms::parse(def, &body, &l.view.data, state.config.timezone),
        None => Value::Object(Map::new()),
    };
    let comment = body.text("_comment");
    let key = body
        .text("_key")
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let shown = merged(&l.view.data, &data);
    let taken_at = body.text("_taken_at").filter(|t| !t.is_empty());
    if let Some(group) = body.text("_add_row") {
        let draft = Draft {
            values: &shown,
            comment: comment.as_deref().unwrap_or(""),
            errors: &[],
            add_row: Some(&group),
            key,
            taken_at: taken_at.clone(),
        };
        return render(&state, &page, &l, &action, draft, None).await;
    }
    let expected_version = body.get("_version").and_then(|v| v.parse().ok());
    let input = ActionInput {
        data,
        comment: comment.clone(),
        expected_version,
        taken_at: taken_at.as_deref().and_then(super::offline::parse_time),
        sent: Some(super::offline::as_sent(&state, &body).await?),
    };
    match cases::act(&state, &page.caller, &id, &action, input, Some(&key)).await {
        Ok(_) => Ok(see_other(&format!("/cases/{id}?done={action}"))),
        Err(Error::Conflict { expected, current }) => {
            let fresh = load(&state, &page, &id).await?;
            let shown = merged(&fresh.view.data, &shown_input(&shown, &l.view.data));
            let draft = Draft {
                values: &shown,
                comment: comment.as_deref().unwrap_or(""),
                errors: &[],
                add_row: None,
                key: uuid::Uuid::now_v7().to_string(),
                taken_at: taken_at.clone(),
            };
            render(
                &state,
                &page,
                &fresh,
                &action,
                draft,
                Some((expected, current)),
            )
            .await
        }
        Err(Error::Invalid(violations)) => {
            let draft = Draft {
                values: &shown,
                comment: comment.as_deref().unwrap_or(""),
                errors: &violations,
                add_row: None,
                key,
                taken_at: taken_at.clone(),
            };
            render(&state, &page, &l, &action, draft, None).await
        }
        Err(e @ (Error::Plugin(_) | Error::BadRequest { .. } | Error::Forbidden(_))) => {
            let v = super::error::as_violation(&page.ui, &e);
            let draft = Draft {
                values: &shown,
                comment: comment.as_deref().unwrap_or(""),
                errors: std::slice::from_ref(&v),
                add_row: None,
                key,
                taken_at: taken_at.clone(),
            };
            render(&state, &page, &l, &action, draft, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Show the name and size of the stored file each file field of `form` holds, when
/// the caller may download it: their own upload not attached yet, or a file of
/// `case_id` (the case the form acts on) by its field's readers. Any other id, someone
/// else's included, is left unnamed.
pub(super) async fn name_files(
    state: &AppState,
    caller: &Caller,
    case_id: Option<&str>,
    form: &mut FormView,
) -> Result<(), UiError> {
    let ids = forms::file_values(form);
    if ids.is_empty() {
        return Ok(());
    }
    let found = crate::store::files::metas(&state.db, &ids).await?;
    let this_case = |m: &FileMeta| m.case_id.is_some() && m.case_id.as_deref() == case_id;
    let access = match case_id {
        Some(id) if found.iter().any(this_case) => {
            match crate::store::cases::get(&state.db, id).await? {
                Some(row) => Some(files::of_case(state, caller, &row).await?),
                None => None,
            }
        }
        _ => None,
    };
    forms::name_files(form, &|id| {
        found
            .iter()
            .find(|m| m.id == id)
            .filter(|m| m.case_id.is_none() || this_case(m))
            .filter(|m| files::may_download(caller, m, access.as_ref()))
            .map(|m| (m.name.clone(), forms::size_text(m.size)))
    });
    Ok(())
}

/// The fields the user submitted that differ from what the case held when they read it.
fn shown_input(shown: &Value, before: &Value) -> Value {
    let mut out = Map::new();
    if let Some(m) = shown.as_object() {
        for (k, v) in m {
            if before.get(k) != Some(v) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

fn merged(base: &Value, input: &Value) -> Value {
    let mut out = base.as_object().cloned().unwrap_or_default();
    if let Some(m) = input.as_object() {
        out.extend(m.clone());
    }
    Value::Object(out)
}

async fn render(
    state: &AppState,
    page: &Page,
    l: &Loaded,
    action: &str,
    d: Draft<'_>,
    conflict: Option<(i64, i64)>,
) -> Result<Response, UiError> {
    let ctx_has_errors = !d.errors.is_empty();
    let mut ctx = build(state, page, l, action, d).await?;
    if let Some((yours, current)) = conflict {
        let labels = values::labels(state, &l.version, &l.ct, page.lang).await;
        let files =
            crate::store::files::names_of_cases(&state.db, std::slice::from_ref(&l.view.id))
                .await?;
        let fmt = Fmt {
            lang: page.lang,
            ui: &page.ui,
            dir: &l.dir,
            labels: &labels,
            tz: state.config.timezone,
            files: &files,
        };
        ctx.conflict = Some(Conflict {
            yours,
            current,
            events: timeline(state, &l.view, &l.ct, &fmt, yours).await?,
            still_open: l.view.actions.iter().any(|a| a.action == action),
        });
    }
    let nav = page.nav(state, "cases", ctx.title.clone()).await;
    let mut response = page.render("cases/action", &nav, &ctx)?;
    *response.status_mut() = match conflict {
        Some(_) => StatusCode::CONFLICT,
        None if ctx_has_errors => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    Ok(response)
}
