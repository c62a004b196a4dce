//! Pages through the real router on the demo county (no plugins): notifications say
//! which case they concern and come newest first, user fields offer only the
//! programme's people, exports are named in local time and keep long digit runs and
//! numbers as such, and the favicon is there.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Duration, Utc};
use sea_orm::ConnectionTrait;
use tower::ServiceExt;

use crate::http::api::admin::tests::{App, app};
use crate::http::ui::admin::tests::{get, sign_in};
use crate::http::ui::directory::{Among, Directory};
use crate::http::ui::export::{Cell, Table, csv_bytes, csv_text};
use crate::store;
use crate::store::entities::cases;
use crate::workflow::model::I18n;

/// A nonconforming-sample case at Chengguan, stored directly.
async fn a_case(app: &App, id: &str, number: &str, product: &str) {
    let now = Utc::now();
    let row = cases::Model {
        id: id.into(),
        number: number.into(),
        programme: "sampling-disposal".into(),
        case_type: "nonconforming-sample".into(),
        def_version: 1,
        def_hash: String::new(),
        state: "received".into(),
        closed: false,
        data: serde_json::json!({ "product": product, "business_name": "城关超市" }).to_string(),
        search: String::new(),
        org_unit_id: "chengguan".into(),
        org_path: "/qingcheng/anxian/chengguan/".into(),
        assignee: None,
        parent_id: None,
        version: 1,
        created_by: "system".into(),
        created_at: now,
        updated_at: now,
        state_entered_at: now,
        overdue: false,
        next_due: None,
        chain_len: 0,
        chain_head: crate::store::events::GENESIS.to_owned(),
        actors: None,
        clock: false,
    };
    store::cases::insert(&app.state.db, row).await.unwrap();
}

/// The same message about three cases, stored out of time order (a worker catching
/// up stores an older event last).
#[tokio::test]
async fn notifications_name_their_case_and_come_newest_first_by_time() {
    let app = app().await;
    let inspector = app.demo.id_of("inspector").unwrap().to_owned();
    let message = I18n {
        zh: "收到不合格结果通知书，请核查处置".into(),
        en: "Notice received".into(),
    };
    let now = Utc::now();
    for (id, number, product, hours_ago) in [
        ("case-a", "BHG-2026-0001", "大米", 3),
        ("case-b", "BHG-2026-0002", "面粉", 1),
        ("case-c", "BHG-2026-0003", "食用油", 2),
    ] {
        a_case(&app, id, number, product).await;
        store::notifications::send(
            &app.state.db,
            std::slice::from_ref(&inspector),
            Some(id),
            "sla",
            &message,
            now - Duration::hours(hours_ago),
        )
        .await
        .unwrap();
    }
    let who = sign_in(&app, "inspector").await;
    let page = get(&app, "/notifications", &who).await;
    assert_eq!(page.status, StatusCode::OK);
    let at = |s: &str| {
        page.html
            .find(s)
            .unwrap_or_else(|| panic!("{s} shown: {}", page.html))
    };
    assert!(at("BHG-2026-0002") < at("BHG-2026-0003") && at("BHG-2026-0003") < at("BHG-2026-0001"));
    assert!(
        page.html.contains(">BHG-2026-0002 面粉 · 城关超市</a>"),
        "the case's number and summary are the link: {}",
        page.html
    );

    let token = app.token("inspector").await;
    let req = Request::get("/api/v1/notifications")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let list: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap();
    let order: Vec<&str> = list.iter().filter_map(|n| n["case_id"].as_str()).collect();
    assert_eq!(order, ["case-b", "case-c", "case-a"]);
}

#[tokio::test]
async fn a_user_field_offers_the_programmes_people_not_everyone() {
    let app = app().await;
    let dir = Directory::load(&app.state.db).await.unwrap();
    let offered = |among: Among<'_>| -> BTreeSet<String> {
        dir.user_choices("", Some(&among))
            .into_iter()
            .map(|c| {
                let user = dir.users.iter().find(|u| u.id == c.value).unwrap();
                user.username.clone()
            })
            .collect()
    };
    let names = |xs: &[&str]| xs.iter().map(|x| (*x).to_owned()).collect::<BTreeSet<_>>();

    // No role named: whoever holds a role in the programme.
    let anyone = offered(Among {
        programme: "sampling-disposal",
        role: None,
        at: Some("chengguan"),
    });
    assert_eq!(
        anyone,
        names(&[
            "inspector",
            "lab",
            "market-lead",
            "sampler",
            "sampling-admin"
        ])
    );

    // A role: its holders at the case's unit or above.
    let cadre = |at| {
        offered(Among {
            programme: "special-family-care",
            role: Some("village-cadre"),
            at: Some(at),
        })
    };
    assert_eq!(cadre("hexi-liujia"), names(&["village"]));
    assert_eq!(cadre("hexi-wangzhuang"), names(&["village2"]));
    // None there: every holder in the programme, rather than an empty list.
    assert_eq!(cadre("hexi"), names(&["village", "village2"]));

    // What the field holds stays chosen, whoever it is.
    let admin = app.demo.id_of("admin").unwrap();
    let among = Among {
        programme: "sampling-disposal",
        role: None,
        at: None,
    };
    let kept = dir.user_choices(admin, Some(&among));
    assert!(kept.iter().any(|c| c.value == admin && c.selected));
    // An administrator issuing a token may pick anyone.
    assert_eq!(dir.user_choices("", None).len(), dir.users.len());
}

#[tokio::test]
async fn an_export_is_named_in_the_servers_time_zone() {
    let app = app().await;
    let who = sign_in(&app, "admin").await;
    let tz = app.state.config.timezone;
    let stamp = || {
        Utc::now()
            .with_timezone(&tz)
            .format("cases-%Y%m%d-%H%M")
            .to_string()
    };
    let before = stamp();
    let mut req = Request::get("/cases/export.csv")
        .header(header::COOKIE, format!("anjuan_session={}", who.cookie))
        .body(Body::empty())
        .unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [192, 0, 2, 8],
            4000,
        ))));
    let res = app.router.clone().oneshot(req).await.unwrap();
    let after = stamp();
    assert_eq!(res.status(), StatusCode::OK);
    let name = res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        name.contains(&before) || name.contains(&after),
        "{name} is local time ({before})"
    );
}

#[test]
fn csv_cells_a_spreadsheet_would_run_as_formulas_are_neutralised() {
    for (raw, safe) in [
        (
            "=HYPERLINK(\"http://x\",\"点\")",
            "'=HYPERLINK(\"http://x\",\"点\")",
        ),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("张三", "张三"),
    ] {
        assert_eq!(csv_text(raw), safe, "{raw:?}");
    }
    let t = Table {
        header: vec!["户主".into(), "数量".into()],
        numeric: vec![false, true],
        rows: vec![
            vec!["=1+2".into(), "-2.5".into()],
            vec!["ok".into(), "=1+2".into()],
        ],
    };
    let csv = String::from_utf8(csv_bytes(&t).unwrap()).unwrap();
    assert!(csv.contains("'=1+2,-2.5\n"), "{csv}");
    assert!(
        csv.contains("ok,'=1+2\n"),
        "a numeric column's text is neutralised too: {csv}"
    );
}

#[test]
fn long_digit_runs_stay_text_in_csv_and_numbers_are_numbers_in_xlsx() {
    assert_eq!(csv_text("430523199001011234"), "=\"430523199001011234\"");
    assert_eq!(csv_text("020123456789"), "=\"020123456789\"");
    assert_eq!(csv_text("0731"), "=\"0731\"", "a leading zero is kept");
    assert_eq!(
        csv_text("13812345678"),
        "13812345678",
        "11 digits Excel shows whole"
    );
    assert_eq!(csv_text("43052319900101123X"), "43052319900101123X");
    assert_eq!(csv_text("0"), "0");
    assert_eq!(csv_text(""), "");

    let t = Table {
        header: vec!["编号".into(), "身份证号".into(), "数量".into()],
        numeric: vec![false, false, true],
        rows: vec![
            vec!["CJ-1".into(), "430523199001011234".into(), "120".into()],
            vec!["CJ-2".into(), "".into(), "已隐藏".into()],
        ],
    };
    let csv = String::from_utf8(csv_bytes(&t).unwrap()).unwrap();
    assert!(
        csv.contains("CJ-1,\"=\"\"430523199001011234\"\"\",120\n"),
        "{csv}"
    );
    assert_eq!(t.cell(2, "120"), Cell::Number(120.0));
    assert_eq!(t.cell(2, "-2.5"), Cell::Number(-2.5));
    assert_eq!(t.cell(2, "已隐藏"), Cell::Text("已隐藏"));
    assert_eq!(
        t.cell(1, "430523199001011234"),
        Cell::Text("430523199001011234")
    );
    assert_eq!(
        t.cell(0, "12"),
        Cell::Text("12"),
        "a text column stays text"
    );
}

#[tokio::test]
async fn pages_have_a_favicon() {
    let app = app().await;
    let who = sign_in(&app, "cdc").await;
    let page = get(&app, "/inbox", &who).await;
    assert!(
        page.html
            .contains(r#"<link rel="icon" href="/static/favicon.svg""#)
    );
    let res = app
        .router
        .clone()
        .oneshot(
            Request::get("/static/favicon.svg")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/svg+xml");
}

/// A list longer than an export may hold is refused at once, with the reason and a hint
/// to filter, in the caller's language, before anything is sent; the same list
/// narrowed by a filter exports. (The page's export links are plain links, so the
/// browser shows this answer instead of a failed download.)
#[tokio::test]
async fn an_export_of_too_long_a_list_is_refused_with_a_hint_to_filter() {
    let app = app().await;
    a_case(&app, "big-0", "BIG-0", "散装白酒").await;
    let copies = crate::http::ui::export::MAX_ROWS;
    app.state
        .db
        .execute_unprepared(&format!(
            "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {copies}) \
             INSERT INTO cases (id, number, programme, case_type, def_version, def_hash, state, \
               closed, data, search, org_unit_id, org_path, assignee, parent_id, version, \
               created_by, created_at, updated_at, state_entered_at, overdue, next_due, \
               chain_len, chain_head, actors, clock) \
             SELECT id || '-' || n, number || '-' || n, programme, case_type, def_version, \
               def_hash, state, closed, data, search, org_unit_id, org_path, assignee, \
               parent_id, version, created_by, created_at, updated_at, state_entered_at, \
               overdue, next_due, chain_len, chain_head, actors, clock \
             FROM cases CROSS JOIN k WHERE id = 'big-0'"
        ))
        .await
        .unwrap();
    let who = sign_in(&app, "admin").await;
    for path in ["/cases/export.csv", "/cases/export.xlsx"] {
        let a = get(&app, path, &who).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{path}: {}", a.html);
        assert!(
            a.html.contains("100000") || a.html.contains("100,000"),
            "{path}: {}",
            a.html
        );
        assert!(
            a.html.contains("筛选"),
            "{path}: the hint to filter: {}",
            a.html
        );
    }
    let narrowed = get(&app, "/cases/export.csv?programme=risk-monitoring", &who).await;
    assert_eq!(narrowed.status, StatusCode::OK);
    let list = get(&app, "/cases", &who).await;
    assert!(
        list.html.contains("href=\"/cases/export.csv?") && !list.html.contains(" download>"),
        "export links are plain links, so a refusal is shown as a page"
    );
}
