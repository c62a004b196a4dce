//! Programme administration: the loaded definitions with every version and content
//! hash, the state diagram of each case type, and checking a definition before it
//! goes live — the workflows folder as it is on disk now (then reload it), or a file
//! an administrator uploads (then install it into the folder and reload).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Serialize;

use super::diagram::{Diagram, diagram};
use super::page::{FormBody, Page, UiError, see_other};
use crate::error::{Error, bad_request};
use crate::state::AppState;
use crate::store;
use crate::workflow::{self, Definition, Diagnostic};

/// Programme admin routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/programmes", get(programmes_get))
        .route("/admin/programmes/{id}", get(programme_get))
        .route("/admin/programmes/check", post(check_post))
        .route("/admin/programmes/reload", post(reload_post))
        .route("/admin/programmes/validate", post(validate_post))
        .route("/admin/programmes/install", post(install_post))
}

/// Refuse anyone but an administrator.
pub fn admin_only(page: &Page) -> Result<(), UiError> {
    if page.caller.is_admin {
        Ok(())
    } else {
        Err(UiError(Error::Forbidden("administrators only".into())))
    }
}

/// A programme with its versions.
#[derive(Debug, Serialize)]
pub struct ProgrammeRow {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Current version number.
    pub version: i32,
    /// Its hash.
    pub hash: String,
    /// Older versions: (number, hash).
    pub versions: Vec<(i32, String)>,
    /// Case types: (id, title).
    pub case_types: Vec<(String, String)>,
}

async fn programmes_get(State(state): State<AppState>, page: Page) -> Result<Response, UiError> {
    admin_only(&page)?;
    let programmes = state.programmes();
    let rows: Vec<ProgrammeRow> = programmes
        .iter()
        .map(|(id, v)| ProgrammeRow {
            id: id.clone(),
            title: page.lang.pick(&v.def.programme.title),
            version: v.number,
            hash: v.def.hash.clone(),
            versions: programmes
                .versions(id)
                .iter()
                .skip(1)
                .map(|o| (o.number, o.def.hash.clone()))
                .collect(),
            case_types: v
                .def
                .programme
                .case_types
                .iter()
                .map(|(c, ct)| (c.to_string(), page.lang.pick(&ct.title)))
                .collect(),
        })
        .collect();
    let errors: Vec<String> = programmes.errors.iter().map(ToString::to_string).collect();
    let nav = page.nav(&state, "admin", page.t("admin-programmes")).await;
    page.render(
        "admin/programmes",
        &nav,
        &serde_json::json!({ "programmes": rows, "errors": errors }),
    )
}

async fn programme_get(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    admin_only(&page)?;
    let migration = super::admin_migration::section(&state, &id, None, None).await;
    programme_page(&state, &page, &id, migration).await
}

/// The programme page, with its migration section as given.
pub(super) async fn programme_page(
    state: &AppState,
    page: &Page,
    id: &str,
    migration: serde_json::Value,
) -> Result<Response, UiError> {
    let v = crate::service::cases::current(state, id)?;
    let lang = page.lang;
    let diagrams: Vec<Diagram> = v
        .def
        .programme
        .case_types
        .iter()
        .map(|(cid, ct)| diagram(&page.ui, lang, &v.def.programme, cid, ct, None))
        .collect();
    let title = lang.pick(&v.def.programme.title);
    let nav = page.nav(state, "admin", title.clone()).await;
    page.render(
        "admin/programme",
        &nav,
        &serde_json::json!({ "id": id, "title": title, "version": v.number, "hash": v.def.hash, "diagrams": diagrams, "migration": migration }),
    )
}

/// One definition in a validation report.
#[derive(Debug, Serialize)]
pub struct Checked {
    /// Programme id.
    pub id: String,
    /// `new`, `changed` or `unchanged`.
    pub status: &'static str,
    /// Status in words.
    pub status_text: String,
    /// Hash of the checked text.
    pub hash: String,
    /// Running cases in states this version no longer has: (case type, state, count).
    pub stranded: Vec<(String, String, i64)>,
}

/// A validation report.
#[derive(Debug, Serialize)]
pub struct Report {
    /// What was checked (a folder or an uploaded file).
    pub source: String,
    /// Valid definitions.
    pub valid: Vec<Checked>,
    /// Mistakes, each with file, line and column.
    pub errors: Vec<String>,
    /// Whether the checked text can go live (uploaded files only).
    pub installable: bool,
    /// The uploaded text, carried to the install step.
    pub text: String,
    /// Whether this is a report of the folder (offer reload).
    pub folder: bool,
}

async fn report(
    state: &AppState,
    page: &Page,
    defs: &[Definition],
    errors: &[Diagnostic],
) -> Result<(Vec<Checked>, Vec<String>), UiError> {
    let programmes = state.programmes();
    let counts = store::cases::counts(&state.db).await?;
    let valid = defs
        .iter()
        .map(|d| {
            let current = programmes.current(d.id());
            let status = match current {
                None => "new",
                Some(c) if c.def.hash == d.hash => "unchanged",
                Some(_) => "changed",
            };
            let stranded = counts
                .iter()
                .filter(|(p, ct, st, _, _)| {
                    p == d.id()
                        && current
                            .and_then(|c| c.def.programme.case_type(ct))
                            .is_some_and(|old| !old.is_final(st))
                        && d.programme
                            .case_type(ct)
                            .is_none_or(|new| !new.states.contains_key(st.as_str()))
                })
                .map(|(_, ct, st, _, n)| (ct.clone(), st.clone(), *n))
                .collect();
            Checked {
                id: d.id().to_owned(),
                status,
                status_text: page.t(&format!("admin-status-{status}")),
                hash: d.hash.clone(),
                stranded,
            }
        })
        .collect();
    Ok((valid, errors.iter().map(ToString::to_string).collect()))
}

async fn check_post(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_only(&page)?;
    page.check_csrf(&body)?;
    let dir = state.config.workflows.clone();
    let (defs, mut errors) = tokio::task::spawn_blocking(move || workflow::load_dir(&dir))
        .await
        .map_err(|e| Error::Internal(format!("check: {e}")))?;
    let (defs, mismatches) = crate::server::crosscheck(&state, defs).await?;
    errors.extend(mismatches);
    let (valid, errors) = report(&state, &page, &defs, &errors).await?;
    let r = Report {
        source: state.config.workflows.display().to_string(),
        valid,
        errors,
        installable: false,
        text: String::new(),
        folder: true,
    };
    let nav = page.nav(&state, "admin", page.t("admin-report")).await;
    page.render("admin/report", &nav, &r)
}

async fn reload_post(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_only(&page)?;
    page.check_csrf(&body)?;
    crate::server::reload_programmes(&state).await?;
    if let Err(e) = crate::server::reload_plugins(&state).await {
        tracing::warn!(error = %e, "plugin reload");
    }
    Ok(see_other("/admin/programmes"))
}

fn uploaded(body: &FormBody) -> Result<(String, Result<Definition, Vec<Diagnostic>>), UiError> {
    let text = body.get("source").unwrap_or_default().replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(bad_request("source", "paste or choose a workflow file").into());
    }
    // The validator wants the file in a folder named after the programme: read the id
    // from the text (the `programme:` line) and name it as it will be installed.
    let id = text
        .lines()
        .find_map(|l| l.strip_prefix("programme:"))
        .map(|v| {
            v.split('#')
                .next()
                .unwrap_or_default()
                .trim()
                .trim_matches(['"', '\''])
                .to_owned()
        })
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or_else(|| "uploaded".into());
    let path = std::path::PathBuf::from(format!("{id}/workflow.yaml"));
    let parsed = Definition::from_text(&path, &text);
    Ok((text, parsed))
}

async fn validate_post(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_only(&page)?;
    page.check_csrf(&body)?;
    let (text, parsed) = uploaded(&body)?;
    let (defs, errors) = match parsed {
        Ok(d) => crate::server::crosscheck(&state, vec![d]).await?,
        Err(e) => (Vec::new(), e),
    };
    let (valid, errors) = report(&state, &page, &defs, &errors).await?;
    let installable = errors.is_empty() && valid.iter().any(|c| c.status != "unchanged");
    let r = Report {
        source: page.t("admin-uploaded"),
        valid,
        errors,
        installable,
        text,
        folder: false,
    };
    let nav = page.nav(&state, "admin", page.t("admin-report")).await;
    page.render("admin/report", &nav, &r)
}

async fn install_post(
    State(state): State<AppState>,
    page: Page,
    body: FormBody,
) -> Result<Response, UiError> {
    admin_only(&page)?;
    page.check_csrf(&body)?;
    let (text, parsed) = uploaded(&body)?;
    let joined = |e: &[Diagnostic]| {
        e.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let def = parsed.map_err(|e| bad_request("source", joined(&e)))?;
    let (defs, mismatches) = crate::server::crosscheck(&state, vec![def]).await?;
    if !mismatches.is_empty() {
        return Err(bad_request("source", joined(&mismatches)).into());
    }
    let Some(def) = defs.into_iter().next() else {
        return Err(Error::Internal("the checked definition vanished".into()).into());
    };
    let folder = state.config.workflows.join(def.id());
    std::fs::create_dir_all(&folder)
        .map_err(|e| Error::Internal(format!("{}: {e}", folder.display())))?;
    std::fs::write(folder.join("workflow.yaml"), text)
        .map_err(|e| Error::Internal(format!("{}: {e}", folder.display())))?;
    tracing::info!(programme = def.id(), hash = %def.hash, by = %page.caller.username, "workflow installed from the admin page");
    crate::server::reload_programmes(&state).await?;
    Ok(see_other(&format!("/admin/programmes/{}", def.id())))
}
