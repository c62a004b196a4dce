//! The dashboards through the real router, on a temporary SQLite database with the demo
//! county's users and a few special families in two villages: a dashboard is for those
//! with a role in its programme, and its numbers count only the cases the user may
//! read.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, Set};
use tower::ServiceExt;

use crate::auth::session;
use crate::http::api::admin::tests::{App, app};
use crate::store::{self, entities};

const CARE: &str = "special-family-care";

/// GET `path` as the demo user `username`, signed in with a session: status and HTML.
async fn get(app: &App, username: &str, path: &str) -> (StatusCode, String) {
    let id = app.demo.id_of(username).expect("demo user");
    let s = session::create(&app.state.db, id, 12)
        .await
        .expect("session");
    let mut req = Request::get(path)
        .header(header::COOKIE, format!("anjuan_session={}", s.cookie))
        .body(Body::empty())
        .expect("request");
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 8], 4000))));
    let res = app.router.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// A family at `unit`, open (and maybe overdue) or closed, with one deadline met in
/// time when `met`.
struct Family {
    unit: &'static str,
    closed: bool,
    overdue: bool,
    met: bool,
}

async fn register(app: &App, n: usize, f: Family) {
    let db = &app.state.db;
    let org = crate::service::org_unit(db, f.unit).await.expect("unit");
    let version = app.state.programmes().current(CARE).cloned().expect("care");
    let now = Utc::now();
    let id = uuid::Uuid::now_v7().to_string();
    store::cases::insert(
        db,
        entities::cases::Model {
            id: id.clone(),
            number: format!("NX-{n:06}"),
            programme: CARE.into(),
            case_type: "family".into(),
            def_version: version.number,
            def_hash: version.def.hash.clone(),
            state: if f.closed { "closed" } else { "active" }.into(),
            closed: f.closed,
            data: r#"{"family_kind":"bereaved"}"#.into(),
            search: String::new(),
            org_unit_id: f.unit.into(),
            org_path: org.path,
            assignee: None,
            parent_id: None,
            version: 1,
            created_by: "system".into(),
            created_at: now,
            updated_at: now,
            state_entered_at: now,
            overdue: f.overdue,
            next_due: None,
            chain_len: 0,
            chain_head: crate::store::events::GENESIS.to_owned(),
            actors: None,
            clock: false,
        },
    )
    .await
    .expect("case");
    if f.met {
        entities::deadlines::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            case_id: Set(id),
            deadline_id: Set("first-visit".into()),
            span: Set("{}".into()),
            opened_at: Set(now - Duration::days(3)),
            due_at: Set(now + Duration::days(3)),
            status: Set("met".into()),
            breached: Set(false),
            remaining: Set(None),
            closed_at: Set(Some(now)),
            claimed_by: Set(None),
            claimed_until: Set(None),
            escalation: Set(None),
        }
        .insert(db)
        .await
        .expect("deadline");
    }
}

/// Four families in 刘家村 (one overdue, one closed, one deadline met) and one in 王庄村.
async fn families() -> App {
    let app = app().await;
    let liujia = |closed, overdue, met| Family {
        unit: "hexi-liujia",
        closed,
        overdue,
        met,
    };
    let families = [
        liujia(false, false, true),
        liujia(false, true, false),
        liujia(false, false, false),
        liujia(true, false, false),
        Family {
            unit: "hexi-wangzhuang",
            closed: false,
            overdue: false,
            met: false,
        },
    ];
    for (n, f) in families.into_iter().enumerate() {
        register(&app, n + 1, f).await;
    }
    app
}

/// The headline numbers of a dashboard: open, overdue, closed, on time.
fn headline(html: &str) -> Vec<String> {
    let dl = html
        .split_once("<dl class=\"headline\">")
        .and_then(|(_, rest)| rest.split_once("</dl>"))
        .map(|(dl, _)| dl)
        .unwrap_or_else(|| panic!("no headline in {html}"));
    dl.split("<dd")
        .skip(1)
        .filter_map(|d| d.split_once('>'))
        .filter_map(|(_, rest)| rest.split_once("</dd>"))
        .map(|(n, _)| n.to_owned())
        .collect()
}

#[tokio::test]
async fn a_dashboard_counts_only_the_cases_in_the_users_reach() {
    let app = families().await;
    let path = format!("/dashboards/{CARE}");
    let (status, html) = get(&app, "village", &path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(headline(&html), ["3", "1", "1", "100%"], "刘家村's cadre");
    let (status, html) = get(&app, "village2", &path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        headline(&html),
        ["1", "0", "0", "—"],
        "王庄村's cadre sees only 王庄村's family"
    );
    let (_, html) = get(&app, "admin", &path).await;
    assert_eq!(
        headline(&html),
        ["4", "1", "1", "100%"],
        "the administrator"
    );
}

#[tokio::test]
async fn a_dashboard_needs_a_role_in_its_programme() {
    let app = families().await;
    let (status, _) = get(&app, "volunteer", "/dashboards/risk-monitoring").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(&app, "volunteer", &format!("/dashboards/{CARE}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = get(&app, "admin", "/dashboards/risk-monitoring").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_dashboards_index_shows_the_users_programmes_and_reach() {
    let app = families().await;
    let (status, html) = get(&app, "village2", "/dashboards").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(!html.contains("/dashboards/risk-monitoring"), "{html}");
    let tile = html
        .split_once(&format!("href=\"/dashboards/{CARE}\""))
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("no tile for {CARE}: {html}"));
    let open = tile
        .split_once("<dd>")
        .and_then(|(_, rest)| rest.split_once("</dd>"))
        .map(|(n, _)| n);
    assert_eq!(open, Some("1"), "王庄村's one open family");
}
