//! The case list (`/cases`: filters, Chinese full-text search, sorting, paging, the
//! selection for bulk actions, exports) and opening a new case (`/cases/new`).

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::directory::{Choice, Directory};
use super::page::{Page, UiError, local_time};
use super::render::Lang;
use crate::http::api::cases::{CaseListItem, ListQuery, filter};
use crate::state::AppState;
use crate::store;

/// Case list routes (the new-case page is in [`super::case_new`]).
pub fn router() -> Router<AppState> {
    Router::new().route("/cases", get(cases_get))
}

/// The list's query as a browser sends it: every field text, blank meaning "any".
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ListParams {
    /// Programme id.
    pub programme: String,
    /// Case type id.
    pub case_type: String,
    /// State id.
    pub state: String,
    /// Org unit id.
    pub org_unit: String,
    /// `true`, `false` or blank.
    pub overdue: String,
    /// `true` (open), `false` (closed) or blank.
    pub open: String,
    /// Opened from (date).
    pub created_from: String,
    /// Opened to (date).
    pub created_to: String,
    /// Due before (date).
    pub due_before: String,
    /// Free text.
    pub q: String,
    /// Sort order.
    pub sort: String,
    /// Page (its number, shown; where it starts is `after` or `before` when given).
    pub page: String,
    /// The page starts after this sort key (a [`store::cases::Cursor`]).
    pub after: String,
    /// The page ends before this sort key (going back).
    pub before: String,
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

impl ListParams {
    /// As the API's list query (which applies the caller's reach).
    pub fn query(&self, per_page: u64) -> ListQuery {
        ListQuery {
            programme: some(&self.programme),
            case_type: some(&self.case_type).filter(|_| !self.programme.is_empty()),
            state: some(&self.state).filter(|_| !self.case_type.is_empty()),
            org_unit: some(&self.org_unit),
            overdue: some(&self.overdue).and_then(|s| s.parse().ok()),
            open: some(&self.open).and_then(|s| s.parse().ok()),
            created_from: some(&self.created_from).and_then(|s| s.parse().ok()),
            created_to: some(&self.created_to).and_then(|s| s.parse().ok()),
            due_before: some(&self.due_before),
            q: some(&self.q),
            sort: some(&self.sort),
            page: some(&self.page).and_then(|s| s.parse().ok()),
            per_page: Some(per_page),
            ..ListQuery::default()
        }
    }

    /// Where the page starts: after or before a sort key, or at its numbered page.
    pub fn at(&self) -> store::cases::PageAt {
        let cursor = |s: &str| some(s).and_then(|s| store::cases::Cursor::decode(&s));
        match (cursor(&self.after), cursor(&self.before)) {
            (Some(c), _) => store::cases::PageAt::After(c),
            (None, Some(c)) => store::cases::PageAt::Before(c),
            (None, None) => store::cases::PageAt::Start,
        }
    }

    /// The link to page `n` of the same list, which starts at `at` (a pager's link).
    fn page_link(&self, n: u64, at: store::cases::PageAt) -> String {
        let mut p = self.clone();
        match at {
            store::cases::PageAt::After(c) => p.after = c.encode(),
            store::cases::PageAt::Before(c) => p.before = c.encode(),
            store::cases::PageAt::Start => {}
        }
        format!("/cases?{}", p.query_string(Some(n), None))
    }

    /// The query string, with `page` replaced and where the page starts left out (for
    /// sorting, filtering and export links).
    pub fn to_query(&self, page: Option<u64>, sort: Option<&str>) -> String {
        let mut p = self.clone();
        p.after.clear();
        p.before.clear();
        p.query_string(page, sort)
    }

    fn query_string(&self, page: Option<u64>, sort: Option<&str>) -> String {
        let mut p = self.clone();
        if let Some(n) = page {
            p.page = n.to_string();
        }
        if let Some(s) = sort {
            p.sort = s.to_owned();
        }
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("programme", &p.programme),
            ("case_type", &p.case_type),
            ("state", &p.state),
            ("org_unit", &p.org_unit),
            ("overdue", &p.overdue),
            ("open", &p.open),
            ("created_from", &p.created_from),
            ("created_to", &p.created_to),
            ("due_before", &p.due_before),
            ("q", &p.q),
            ("sort", &p.sort),
            ("page", &p.page),
            ("after", &p.after),
            ("before", &p.before),
        ] {
            if !v.is_empty() {
                ser.append_pair(k, v);
            }
        }
        ser.finish()
    }
}

/// A case in a list.
#[derive(Debug, Serialize)]
pub struct Row {
    /// Case id.
    pub id: String,
    /// Version (sent with a bulk action).
    pub version: i64,
    /// Number.
    pub number: String,
    /// Programme title.
    pub programme: String,
    /// Case type title.
    pub case_type: String,
    /// State title.
    pub state: String,
    /// Summary.
    pub summary: String,
    /// Org unit name.
    pub unit: String,
    /// Next due time.
    pub next_due: String,
    /// Overdue.
    pub overdue: bool,
    /// Closed.
    pub closed: bool,
    /// Opened at.
    pub created: String,
}

/// A case row as shown.
pub fn row(state: &AppState, dir: &Directory, lang: Lang, c: store::entities::cases::Model) -> Row {
    let tz = state.config.timezone;
    let programmes = state.programmes();
    let version = programmes.version(&c.programme, c.def_version);
    let ct = version.and_then(|v| v.def.programme.case_type(&c.case_type));
    Row {
        programme: version
            .map(|v| lang.pick(&v.def.programme.title))
            .unwrap_or_else(|| c.programme.clone()),
        case_type: ct
            .map(|t| lang.pick(&t.title))
            .unwrap_or_else(|| c.case_type.clone()),
        state: ct
            .map(|t| lang.pick(&t.state_title(&c.state)))
            .unwrap_or_else(|| c.state.clone()),
        unit: dir.unit(&c.org_unit_id, lang),
        next_due: c.next_due.map(|t| local_time(t, tz)).unwrap_or_default(),
        overdue: c.overdue,
        closed: c.closed,
        created: local_time(c.created_at, tz),
        id: c.id.clone(),
        version: c.version,
        number: c.number.clone(),
        summary: crate::service::views::reference(state, c).summary,
    }
}

/// An inbox item as a row (titles from the programme's current definition).
pub fn item_row(state: &AppState, dir: &Directory, lang: Lang, i: CaseListItem) -> Row {
    let tz = state.config.timezone;
    let programmes = state.programmes();
    let version = programmes.current(&i.programme);
    let ct = version.and_then(|v| v.def.programme.case_type(&i.case.case_type));
    Row {
        programme: version
            .map(|v| lang.pick(&v.def.programme.title))
            .unwrap_or_else(|| i.programme.clone()),
        case_type: ct
            .map(|t| lang.pick(&t.title))
            .unwrap_or_else(|| i.case.case_type.clone()),
        state: ct
            .map(|t| lang.pick(&t.state_title(&i.case.state)))
            .unwrap_or_else(|| i.case.state.clone()),
        unit: dir.unit(&i.org_unit, lang),
        next_due: i.next_due.map(|t| local_time(t, tz)).unwrap_or_default(),
        overdue: i.overdue,
        closed: i.case.closed,
        created: local_time(i.created_at, tz),
        id: i.case.id,
        version: i.version,
        number: i.case.number,
        summary: i.case.summary,
    }
}

/// The list page.
#[derive(Debug, Serialize)]
pub struct ListPage {
    /// The filters as sent.
    pub params: ListParams,
    /// Programme choices.
    pub programmes: Vec<Choice>,
    /// Case type choices (of the chosen programme).
    pub case_types: Vec<Choice>,
    /// State choices (of the chosen case type).
    pub states: Vec<Choice>,
    /// Org unit choices.
    pub units: Vec<Choice>,
    /// Sort choices.
    pub sorts: Vec<Choice>,
    /// The rows.
    pub rows: Vec<Row>,
    /// Matching cases (`10000+` past the count's cap).
    pub total: String,
    /// This page.
    pub page: u64,
    /// Pages (`200+` past the count's cap).
    pub pages: String,
    /// Link to the previous page.
    pub prev: String,
    /// Link to the next page.
    pub next: String,
    /// CSV export link.
    pub csv: String,
    /// XLSX export link.
    pub xlsx: String,
    /// Actions for the selection: (value `case_type/action`, label).
    pub bulk_actions: Vec<Choice>,
    /// Identifies this bulk submission (a resubmit applies nothing twice).
    pub batch: String,
    /// Sort by number.
    pub sort_number: String,
    /// Sort by due time.
    pub sort_due: String,
    /// Sort newest first.
    pub sort_created: String,
}

/// Rows per page of the list.
pub const PER_PAGE: u64 = 50;

async fn cases_get(
    State(state): State<AppState>,
    page: Page,
    Query(params): Query<ListParams>,
) -> Result<Response, UiError> {
    let lang = page.lang;
    let f = filter(&state, &page.caller, params.query(PER_PAGE)).await?;
    let at = params.at();
    let (rows, total, more) = store::cases::list_capped(&state.db, &f, &at).await?;
    let dir = Directory::load(&state.db).await?;
    let full = rows.len() as u64 == PER_PAGE;
    // The pager's links carry the first and the last row's sort key: the next page is
    // read from where this one ends, along an index, however deep.
    let first = rows.first().map(store::cases::Cursor::of);
    let last = rows.last().map(store::cases::Cursor::of);
    let rows = rows
        .into_iter()
        .map(|c| row(&state, &dir, lang, c))
        .collect();
    let counted = total.div_ceil(PER_PAGE).max(1);
    // Past the cap the list goes on page by page for as long as pages are full.
    let pages = if more { counted.max(f.page) } else { counted };
    let plus = if more { "+" } else { "" };
    let ctx = ListPage {
        programmes: programme_choices(&state, &page, &params.programme),
        case_types: case_type_choices(&state, lang, &params.programme, &params.case_type),
        states: state_choices(
            &state,
            lang,
            &params.programme,
            &params.case_type,
            &params.state,
        ),
        units: dir.unit_choices(&page.caller, lang, &params.org_unit),
        sorts: ["due", "newest", "oldest", "updated", "number"]
            .iter()
            .map(|s| Choice {
                value: (*s).into(),
                label: page.t(&format!("sort-{s}")),
                selected: params.sort == *s,
            })
            .collect(),
        rows,
        total: format!("{total}{plus}"),
        page: f.page,
        pages: format!("{pages}{plus}"),
        prev: match first {
            Some(c) if f.page > 2 => params.page_link(f.page - 1, store::cases::PageAt::Before(c)),
            _ if f.page > 1 => params.page_link(1, store::cases::PageAt::Start),
            _ => String::new(),
        },
        next: match last {
            Some(c) if full && (f.page < pages || more) => {
                params.page_link(f.page + 1, store::cases::PageAt::After(c))
            }
            _ => String::new(),
        },
        csv: format!("/cases/export.csv?{}", params.to_query(None, None)),
        xlsx: format!("/cases/export.xlsx?{}", params.to_query(None, None)),
        bulk_actions: bulk_actions(&state, lang, &params.programme, &params.case_type),
        batch: uuid::Uuid::now_v7().to_string(),
        sort_number: format!("/cases?{}", params.to_query(Some(1), Some("number"))),
        sort_due: format!("/cases?{}", params.to_query(Some(1), Some("due"))),
        sort_created: format!(
            "/cases?{}",
            params.to_query(
                Some(1),
                Some(if params.sort == "newest" {
                    "oldest"
                } else {
                    "newest"
                })
            )
        ),
        params,
    };
    let nav = page.nav(&state, "cases", page.t("cases-title")).await;
    page.render("cases/list", &nav, &ctx)
}

/// Programmes the caller works in.
pub fn programme_choices(state: &AppState, page: &Page, selected: &str) -> Vec<Choice> {
    state
        .programmes()
        .iter()
        .filter(|(id, _)| {
            page.caller.is_admin
                || page
                    .caller
                    .grants
                    .iter()
                    .any(|g| g.programme == "*" || &g.programme == *id)
        })
        .map(|(id, v)| Choice {
            value: id.clone(),
            label: page.lang.pick(&v.def.programme.title),
            selected: id == selected,
        })
        .collect()
}

fn case_type_choices(state: &AppState, lang: Lang, programme: &str, selected: &str) -> Vec<Choice> {
    let programmes = state.programmes();
    let Some(v) = programmes.current(programme) else {
        return Vec::new();
    };
    v.def
        .programme
        .case_types
        .iter()
        .map(|(id, ct)| Choice {
            value: id.to_string(),
            label: lang.pick(&ct.title),
            selected: id.as_str() == selected,
        })
        .collect()
}

fn state_choices(
    state: &AppState,
    lang: Lang,
    programme: &str,
    case_type: &str,
    selected: &str,
) -> Vec<Choice> {
    let programmes = state.programmes();
    let Some(ct) = programmes
        .current(programme)
        .and_then(|v| v.def.programme.case_type(case_type).cloned())
    else {
        return Vec::new();
    };
    ct.states
        .keys()
        .map(|s| Choice {
            value: s.to_string(),
            label: lang.pick(&ct.state_title(s)),
            selected: s.as_str() == selected,
        })
        .collect()
}

/// The actions a selection can take: those of the chosen case type, or of every case
/// type of the chosen programme; each value is `case_type/action`.
fn bulk_actions(state: &AppState, lang: Lang, programme: &str, case_type: &str) -> Vec<Choice> {
    let programmes = state.programmes();
    let Some(v) = programmes.current(programme) else {
        return Vec::new();
    };
    let mut out: Vec<Choice> = Vec::new();
    for (id, ct) in &v.def.programme.case_types {
        if !case_type.is_empty() && id.as_str() != case_type {
            continue;
        }
        for t in &ct.transitions {
            let value = format!("{}/{}", id.as_str(), t.action.as_str());
            if out.iter().any(|c| c.value == value) {
                continue;
            }
            let title = t
                .title
                .as_ref()
                .map(|x| lang.pick(x))
                .unwrap_or_else(|| t.action.to_string());
            out.push(Choice {
                value,
                label: format!("{} · {title}", lang.pick(&ct.title)),
                selected: false,
            });
        }
    }
    out
}
