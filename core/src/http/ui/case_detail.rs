//! The case page (`/cases/{id}`): header, deadlines with their status colour and the
//! working days left, the data, the timeline of events, child cases and the actions
//! this user may take; and the printable dossier (`/cases/{id}/dossier`,
//! 一样品一表一案卷). The action forms are in [`super::case_action`].

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::diagram::{Diagram, diagram};
use super::directory::Directory;
use super::page::{Page, UiError, local_time};
use super::render::Lang;
use super::timeline::{EventRow, timeline};
use super::values::{self, DataRow, Fmt};
use crate::service::cases;
use crate::service::views::{self, CaseView};
use crate::state::AppState;
use crate::store;
use crate::workflow::model::CaseType;

/// Case page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}", get(case_detail_get))
        .route("/cases/{id}/dossier", get(case_dossier_get))
}

/// The header of a case page.
#[derive(Debug, Serialize)]
pub struct Header {
    /// Case id.
    pub id: String,
    /// Human number.
    pub number: String,
    /// Programme title.
    pub programme: String,
    /// Case type title.
    pub case_type: String,
    /// Summary line.
    pub summary: String,
    /// State title.
    pub state: String,
    /// Closed.
    pub closed: bool,
    /// A deadline passed.
    pub overdue: bool,
    /// Org unit name.
    pub unit: String,
    /// Assignee name.
    pub assignee: String,
    /// Parent case (id, number).
    pub parent: Option<(String, String)>,
    /// Version counter.
    pub version: i64,
    /// Definition version and the start of its hash.
    pub definition: String,
    /// Opened at.
    pub created: String,
    /// Last changed at.
    pub updated: String,
}

/// A deadline row.
#[derive(Debug, Serialize)]
pub struct DeadlineRow {
    /// Title.
    pub title: String,
    /// Due at (local time).
    pub due: String,
    /// Status in words.
    pub status: String,
    /// CSS tone: `ok`, `soon`, `late`, `done`, `paused`.
    pub tone: &'static str,
    /// Working days left, in words.
    pub left: String,
}

/// A child case or an action, as a link.
#[derive(Debug, Serialize)]
pub struct Link {
    /// Where it goes.
    pub href: String,
    /// Text.
    pub title: String,
    /// Second line.
    pub detail: String,
    /// A closed case, or a secondary action.
    pub muted: bool,
}

/// The case page.
#[derive(Debug, Serialize)]
pub struct DetailPage {
    /// Header.
    pub case: Header,
    /// Deadlines.
    pub deadlines: Vec<DeadlineRow>,
    /// Data.
    pub data: Vec<DataRow>,
    /// Events, newest first.
    pub events: Vec<EventRow>,
    /// Child cases.
    pub children: Vec<Link>,
    /// Actions the user may take.
    pub actions: Vec<Link>,
    /// Child cases the user may open.
    pub new_children: Vec<Link>,
    /// Files attached to the case, oldest first.
    pub attachments: Vec<Attachment>,
    /// A confirmation after an action.
    pub done: String,
    /// The case type's state diagram, the case's state highlighted.
    pub diagram: Diagram,
}

/// A file attached to the case, as a download link.
#[derive(Debug, Serialize)]
pub struct Attachment {
    /// Download link.
    pub href: String,
    /// Original file name.
    pub name: String,
    /// Size in words.
    pub size: String,
    /// Media type.
    pub media_type: String,
    /// Uploaded at (local time).
    pub uploaded: String,
}

/// Query of the case page.
#[derive(Debug, Deserialize)]
pub struct DetailQuery {
    /// The action just taken.
    pub done: Option<String>,
}

async fn case_detail_get(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, UiError> {
    let detail = load(&state, &page, &id).await?;
    let done = q.done.and_then(|a| {
        if a == "create" {
            Some(page.t("event-created"))
        } else {
            find_action_title(&detail.1, &a, page.lang)
        }
    });
    let mut ctx = detail.0;
    ctx.done = done
        .map(|t| {
            page.ui
                .t_args(page.lang, "case-action-done", &[("action", t.into())])
        })
        .unwrap_or_default();
    let nav = page.nav(&state, "cases", ctx.case.number.clone()).await;
    page.render("cases/detail", &nav, &ctx)
}

async fn case_dossier_get(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let (mut ctx, _) = load(&state, &page, &id).await?;
    ctx.events.reverse();
    let nav = page.nav(&state, "cases", ctx.case.number.clone()).await;
    page.render("cases/dossier", &nav, &ctx)
}

/// The title of an action of a case type, in `lang`.
pub fn find_action_title(ct: &CaseType, action: &str, lang: Lang) -> Option<String> {
    ct.transitions_for(action).next().map(|t| {
        t.title
            .as_ref()
            .map(|x| lang.pick(x))
            .unwrap_or_else(|| action.to_owned())
    })
}

/// Everything the case page and the dossier show.
async fn load(state: &AppState, page: &Page, id: &str) -> Result<(DetailPage, CaseType), UiError> {
    let row = cases::readable(state, &page.caller, id).await?;
    let version = cases::case_version(state, &row)?;
    let files = attached(state, &page.caller, &row).await?;
    let view = views::case(state, &page.caller, row, "ui").await?;
    let ct = version
        .def
        .programme
        .case_type(&view.case_type)
        .cloned()
        .ok_or_else(|| {
            crate::error::Error::Internal(format!("case type {} vanished", view.case_type))
        })?;
    let dir = Directory::load(&state.db).await?;
    let labels = values::labels(state, &version, &ct, page.lang).await;
    let tz = state.config.timezone;
    let lang = page.lang;
    let file_names = files
        .iter()
        .map(|f| (f.id.clone(), f.name.clone()))
        .collect();
    let fmt = Fmt {
        lang,
        ui: &page.ui,
        dir: &dir,
        labels: &labels,
        tz,
        files: &file_names,
    };
    let parent = match &view.parent {
        Some(p) => store::cases::get(&state.db, p)
            .await?
            .map(|c| (c.id, c.number)),
        None => None,
    };
    let events = timeline(state, &view, &ct, &fmt, 0).await?;
    let children = view
        .children
        .iter()
        .map(|c| Link {
            href: format!("/cases/{}", c.id),
            title: c.number.clone(),
            detail: format!(
                "{} · {} · {}",
                version
                    .def
                    .programme
                    .case_type(&c.case_type)
                    .map(|t| lang.pick(&t.title))
                    .unwrap_or_else(|| c.case_type.clone()),
                version
                    .def
                    .programme
                    .case_type(&c.case_type)
                    .map(|t| lang.pick(&t.state_title(&c.state)))
                    .unwrap_or_else(|| c.state.clone()),
                c.summary
            ),
            muted: c.closed,
        })
        .collect();
    let actions = view
        .actions
        .iter()
        .map(|a| Link {
            href: format!("/cases/{}/actions/{}", view.id, a.action),
            title: lang.pick(&a.title),
            detail: lang.pick(&ct.state_title(&a.to)),
            muted: false,
        })
        .collect();
    let new_children = creatable_children(&version.def.programme, &view, page, lang);
    let data = values::data_rows(&ct, &view.data, &fmt);
    let ctx = DetailPage {
        case: Header {
            programme: lang.pick(&version.def.programme.title),
            case_type: lang.pick(&ct.title),
            summary: view.summary.clone(),
            state: lang.pick(&view.state_title),
            closed: view.closed,
            overdue: view.overdue,
            unit: dir.unit(&view.org_unit, lang),
            assignee: view
                .assignee
                .as_deref()
                .map(|a| dir.user(a))
                .unwrap_or_default(),
            parent,
            version: view.version,
            definition: format!(
                "v{} · {}",
                view.definition.version,
                view.definition.hash.chars().take(12).collect::<String>()
            ),
            created: local_time(view.created_at, tz),
            updated: local_time(view.updated_at, tz),
            id: view.id.clone(),
            number: view.number.clone(),
        },
        deadlines: deadline_rows(&view, page, tz),
        data,
        events,
        children,
        actions,
        new_children,
        attachments: files
            .into_iter()
            .map(|f| Attachment {
                href: format!("/api/v1/files/{}", f.id),
                size: super::forms::size_text(f.size),
                uploaded: local_time(f.created_at, tz),
                name: f.name,
                media_type: f.media_type,
            })
            .collect(),
        done: String::new(),
        diagram: diagram(
            &page.ui,
            lang,
            &version.def.programme,
            &view.case_type,
            &ct,
            Some(&view.state),
        ),
    };
    Ok((ctx, ct))
}

/// The files attached to the case that this reader may download: each by the field it
/// was attached through, whether or not today's data still names it (a file a later
/// upload replaced stays with the dossier, as private as its field was).
async fn attached(
    state: &AppState,
    caller: &crate::auth::Caller,
    row: &store::entities::cases::Model,
) -> Result<Vec<store::files::FileMeta>, UiError> {
    let all = store::files::of_case(&state.db, &row.id).await?;
    if all.is_empty() {
        return Ok(all);
    }
    let access = crate::service::files::of_case(state, caller, row).await?;
    Ok(all
        .into_iter()
        .filter(|f| access.allows(f.field.as_deref()))
        .collect())
}

fn creatable_children(
    p: &crate::workflow::model::Programme,
    view: &CaseView,
    page: &Page,
    lang: Lang,
) -> Vec<Link> {
    if view.closed {
        return Vec::new();
    }
    p.case_types
        .iter()
        .filter(|(_, ct)| {
            ct.parent
                .as_ref()
                .is_some_and(|x| x.as_str() == view.case_type)
        })
        .filter(|(_, ct)| {
            ct.create.as_ref().is_some_and(|c| {
                page.caller.is_admin
                    || c.roles
                        .iter()
                        .any(|r| page.caller.grants.iter().any(|g| g.role == r.as_str()))
            })
        })
        .map(|(id, ct)| Link {
            href: format!(
                "/cases/new?programme={}&case_type={}&parent={}",
                view.programme,
                id.as_str(),
                view.id
            ),
            title: lang.pick(&ct.title),
            detail: String::new(),
            muted: false,
        })
        .collect()
}

fn deadline_rows(view: &CaseView, page: &Page, tz: chrono_tz::Tz) -> Vec<DeadlineRow> {
    view.deadlines
        .iter()
        .map(|d| {
            let running = d.status == "running";
            let tone = match (d.status.as_str(), d.breached, d.working_days_left) {
                ("running", true, _) | ("late", _, _) | ("dropped", true, _) => "late",
                ("running", false, Some(n)) if n <= 2 => "soon",
                ("running", _, _) => "ok",
                ("paused", _, _) => "paused",
                _ => "done",
            };
            let left = match d.working_days_left {
                Some(n) if running && n < 0 => {
                    page.ui
                        .t_args(page.lang, "deadline-days-late", &[("n", (-n).into())])
                }
                Some(n) if running && !d.breached => {
                    page.ui
                        .t_args(page.lang, "deadline-days-left", &[("n", n.into())])
                }
                _ => String::new(),
            };
            DeadlineRow {
                title: page.lang.pick(&d.title),
                due: local_time(d.due, tz),
                status: page.t(&format!(
                    "deadline-{}",
                    match (d.status.as_str(), d.breached) {
                        ("running", true) => "breached",
                        // Passed, then closed without being met (escalated, say).
                        ("dropped", true) => "missed",
                        (status, _) => status,
                    }
                )),
                tone,
                left,
            }
        })
        .collect()
}
