//! Programme dashboards (`/dashboards`, `/dashboards/{programme}`): cases by state,
//! overdue and the on-time rate of closed deadlines, what falls due this week, quota
//! progress of sampling plans and open hazards by area, as SVG drawn on the server.
//!
//! A programme's dashboard is for those with a role in it (and administrators), and
//! every count, chart and list on it covers only the cases the user may read: the
//! case list's reach (the units where they hold a role, and below).

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, Duration, Utc};
use serde::Serialize;

use super::cases::{Row, row};
use super::directory::Directory;
use super::page::{Page, UiError};
use super::svg::{self, Bar};
use super::values;
use crate::error::Error;
use crate::http::api::cases::{ListQuery, filter};
use crate::state::AppState;
use crate::store;

/// Dashboard routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboards", get(dashboards_get))
        .route("/dashboards/{programme}", get(dashboard_get))
}

/// A programme on the overview.
#[derive(Debug, Serialize)]
pub struct Tile {
    /// Link.
    pub href: String,
    /// Title.
    pub title: String,
    /// Open cases.
    pub open: i64,
    /// Open and overdue.
    pub overdue: i64,
    /// Closed.
    pub closed: i64,
}

/// A chart with its heading.
#[derive(Debug, Serialize)]
pub struct Chart {
    /// Heading.
    pub title: String,
    /// The SVG.
    pub svg: String,
}

/// One programme's dashboard.
#[derive(Debug, Serialize)]
pub struct DashboardPage {
    /// Programme title.
    pub title: String,
    /// Headline numbers.
    pub tile: Tile,
    /// On-time rate of closed deadlines, in per cent (empty when none closed).
    pub on_time: String,
    /// Charts.
    pub charts: Vec<Chart>,
    /// Open cases due by the end of this week.
    pub rows: Vec<Row>,
}

async fn dashboards_get(State(state): State<AppState>, page: Page) -> Result<Response, UiError> {
    let counts = store::cases::counts_where(&state.db, &reach(&state, &page, None).await?).await?;
    let tiles: Vec<Tile> = super::cases::programme_choices(&state, &page, "")
        .into_iter()
        .map(|p| tile(&state, &counts, &p.value, p.label))
        .collect();
    let nav = page
        .nav(&state, "dashboards", page.t("dashboards-title"))
        .await;
    page.render(
        "dashboards/index",
        &nav,
        &serde_json::json!({ "tiles": tiles }),
    )
}

fn tile(
    state: &AppState,
    counts: &[(String, String, String, bool, i64)],
    programme: &str,
    title: String,
) -> Tile {
    let programmes = state.programmes();
    let def = programmes.current(programme);
    let (mut open, mut overdue, mut closed) = (0, 0, 0);
    for (_, case_type, st, late, n) in counts.iter().filter(|c| c.0 == programme) {
        let is_final = def
            .and_then(|v| v.def.programme.case_type(case_type))
            .is_some_and(|ct| ct.is_final(st));
        if is_final {
            closed += n;
        } else {
            open += n;
            overdue += if *late { *n } else { 0 };
        }
    }
    Tile {
        href: format!("/dashboards/{programme}"),
        title,
        open,
        overdue,
        closed,
    }
}

async fn dashboard_get(
    State(state): State<AppState>,
    page: Page,
    Path(programme): Path<String>,
) -> Result<Response, UiError> {
    let lang = page.lang;
    let works_in = |g: &crate::auth::Grant| g.programme == "*" || g.programme == programme;
    if !page.caller.is_admin && !page.caller.grants.iter().any(works_in) {
        return Err(Error::Forbidden(format!("the dashboard of {programme}")).into());
    }
    let version = crate::service::cases::current(&state, &programme)?;
    let p = &version.def.programme;
    let within = reach(&state, &page, Some(&programme)).await?;
    let counts = store::cases::counts_where(&state.db, &within).await?;
    let mut charts = Vec::new();
    for (ct_id, ct) in &p.case_types {
        let mut by_state: BTreeMap<usize, (String, i64, i64)> = BTreeMap::new();
        for (_, _, s, late, n) in counts.iter().filter(|c| c.1 == ct_id.as_str()) {
            let idx = ct.states.get_index_of(s.as_str()).unwrap_or(usize::MAX);
            let e = by_state
                .entry(idx)
                .or_insert_with(|| (lang.pick(&ct.state_title(s)), 0, 0));
            e.1 += n;
            e.2 += if *late { *n } else { 0 };
        }
        if by_state.is_empty() {
            continue;
        }
        let bars: Vec<Bar> = by_state
            .into_values()
            .map(|(label, n, late)| Bar {
                text: if late > 0 {
                    page.ui.t_args(
                        lang,
                        "dash-n-overdue",
                        &[("n", n.into()), ("late", late.into())],
                    )
                } else {
                    n.to_string()
                },
                tone: if late > 0 { "late" } else { "ok" },
                label,
                value: n as f64,
            })
            .collect();
        let title = page.ui.t_args(
            lang,
            "dash-by-state",
            &[("type", lang.pick(&ct.title).into())],
        );
        charts.push(Chart {
            svg: svg::bars(&title, &bars, None),
            title,
        });
    }
    let (met, late) = deadline_outcomes(&state, &within).await?;
    let on_time = if met + late > 0 {
        format!("{:.0}", met as f64 * 100.0 / (met + late) as f64)
    } else {
        String::new()
    };
    if let Some(chart) = quota_chart(&state, &page, &version, &within).await? {
        charts.insert(0, chart);
    }
    if let Some(chart) = hazard_chart(&state, &page, &version, &within).await? {
        charts.insert(0, chart);
    }
    let ctx = DashboardPage {
        title: lang.pick(&p.title),
        tile: tile(&state, &counts, &programme, String::new()),
        on_time,
        charts,
        rows: due_this_week(&state, &page, &programme).await?,
    };
    let nav = page.nav(&state, "dashboards", ctx.title.clone()).await;
    page.render("dashboards/programme", &nav, &ctx)
}

/// The case list's filter for `programme` (every programme when `None`): the cases
/// the caller may read.
async fn reach(
    state: &AppState,
    page: &Page,
    programme: Option<&str>,
) -> Result<store::cases::Filter, UiError> {
    let q = ListQuery {
        programme: programme.map(str::to_owned),
        ..ListQuery::default()
    };
    Ok(filter(state, &page.caller, q).await?)
}

/// Closed deadlines met in time, and those met late or still running past due, of the
/// cases `within` selects.
async fn deadline_outcomes(
    state: &AppState,
    within: &store::cases::Filter,
) -> Result<(i64, i64), UiError> {
    let (mut met, mut late) = (0, 0);
    for (status, breached, n) in store::cases::deadline_counts(&state.db, within).await? {
        match (status.as_str(), breached) {
            ("met", false) => met += n,
            ("met", true) | ("late", _) | ("running", true) => late += n,
            _ => {}
        }
    }
    Ok((met, late))
}

async fn due_this_week(
    state: &AppState,
    page: &Page,
    programme: &str,
) -> Result<Vec<Row>, UiError> {
    let cal = state.calendar();
    let today = cal.local_date(Utc::now());
    let end = today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
    let q = ListQuery {
        programme: Some(programme.to_owned()),
        open: Some(true),
        due_before: Some(end.to_string()),
        per_page: Some(100),
        ..ListQuery::default()
    };
    let f = filter(state, &page.caller, q).await?;
    // The page alone: counting every case due by the week's end (every overdue one
    // among them) would cost more than the page.
    let rows = store::case_walk::page(&state.db, &f, &store::cases::PageAt::Start).await?;
    let dir = Directory::load(&state.db).await?;
    Ok(rows
        .into_iter()
        .map(|c| row(state, &dir, page.lang, c))
        .collect())
}

/// Open sampling plans a quota chart shows: the newest, as many as a chart can label.
const QUOTA_PLANS: u64 = 12;

/// Batches sampled against each open sampling plan's total, for the newest open plans
/// (a county runs thousands; each bar costs a count of its batches).
async fn quota_chart(
    state: &AppState,
    page: &Page,
    version: &crate::state::Version,
    within: &store::cases::Filter,
) -> Result<Option<Chart>, UiError> {
    let p = &version.def.programme;
    if p.case_type("sampling-plan").is_none() || p.case_type("sampled-batch").is_none() {
        return Ok(None);
    }
    let open_plans = store::cases::Filter {
        case_type: Some("sampling-plan".into()),
        open: Some(true),
        sort: store::cases::Sort::Newest,
        page: 1,
        per_page: QUOTA_PLANS,
        ..within.clone()
    };
    let mut plans =
        store::case_walk::page(&state.db, &open_plans, &store::cases::PageAt::Start).await?;
    plans.reverse();
    let mut bars = Vec::new();
    for plan in plans {
        let data = crate::service::cases::parse(&plan.data);
        let total = data["total_batches"].as_f64().unwrap_or(0.0);
        let f = store::cases::Filter {
            parent: Some(plan.id.clone()),
            case_type: Some("sampled-batch".into()),
            page: 1,
            per_page: 1,
            ..within.clone()
        };
        let (_, done) = store::cases::list(&state.db, &f, &store::cases::PageAt::Start).await?;
        let pct = if total > 0.0 {
            done as f64 * 100.0 / total
        } else {
            0.0
        };
        bars.push(Bar {
            label: plan.number.clone(),
            value: pct.min(100.0),
            text: format!("{done} / {total} ({pct:.0}%)"),
            tone: if pct >= 100.0 { "done" } else { "ok" },
        });
    }
    if bars.is_empty() {
        return Ok(None);
    }
    let title = page.t("dash-quota");
    Ok(Some(Chart {
        svg: svg::bars(&title, &bars, Some(100.0)),
        title,
    }))
}

/// Open hazards by their area.
async fn hazard_chart(
    state: &AppState,
    page: &Page,
    version: &std::sync::Arc<crate::state::Version>,
    within: &store::cases::Filter,
) -> Result<Option<Chart>, UiError> {
    let Some(ct) = version.def.programme.case_type("hazard") else {
        return Ok(None);
    };
    if !ct.fields.contains_key("category") {
        return Ok(None);
    }
    let open_hazards = store::cases::Filter {
        case_type: Some("hazard".into()),
        open: Some(true),
        ..within.clone()
    };
    let counted = store::cases::counts_by_field(&state.db, &open_hazards, "category").await?;
    let mut by: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (cat, overdue, n) in counted {
        let e = by.entry(cat.unwrap_or_else(|| "-".into())).or_default();
        e.0 += n;
        e.1 += if overdue { n } else { 0 };
    }
    if by.is_empty() {
        return Ok(None);
    }
    let labels = values::labels(state, version, ct, page.lang).await;
    let dir = Directory::default();
    let no_files = Default::default();
    let fmt = values::Fmt {
        lang: page.lang,
        ui: &page.ui,
        dir: &dir,
        labels: &labels,
        tz: state.config.timezone,
        files: &no_files,
    };
    let field = ct.fields.get("category");
    let bars = by
        .into_iter()
        .map(|(cat, (n, late))| Bar {
            label: values::cell(&serde_json::Value::String(cat), field, "category", &fmt),
            value: n as f64,
            text: if late > 0 {
                page.ui.t_args(
                    page.lang,
                    "dash-n-overdue",
                    &[("n", n.into()), ("late", late.into())],
                )
            } else {
                n.to_string()
            },
            tone: if late > 0 { "late" } else { "soon" },
        })
        .collect::<Vec<_>>();
    let title = page.t("dash-hazards");
    Ok(Some(Chart {
        svg: svg::bars(&title, &bars, None),
        title,
    }))
}

#[cfg(test)]
#[path = "tests/dashboards.rs"]
mod tests;
