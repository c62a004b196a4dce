//! The access log through the real router: an administrator sees who read which
//! fields of which case in words (case number, field titles, channel), can narrow it
//! to one user, and nobody else sees it.

use axum::http::StatusCode;
use chrono::Utc;

use crate::http::api::admin::tests::{App, app};
use crate::http::ui::admin::tests::{get, sign_in};
use crate::store;
use crate::store::entities::cases;

/// A special family's case at Liujia, stored directly.
async fn a_family(app: &App, id: &str, number: &str) {
    let now = Utc::now();
    let row = cases::Model {
        id: id.into(),
        number: number.into(),
        programme: "special-family-care".into(),
        case_type: "family".into(),
        def_version: 1,
        def_hash: String::new(),
        state: "registered".into(),
        closed: false,
        data: "{}".into(),
        search: String::new(),
        org_unit_id: "hexi-liujia".into(),
        org_path: "/qingcheng/anxian/hexi/hexi-liujia/".into(),
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

#[tokio::test]
async fn access_log_names_cases_fields_and_channels_and_filters_by_user() {
    let app = app().await;
    let db = &app.state.db;
    a_family(&app, "fam-1", "NX-2026-000101").await;
    a_family(&app, "fam-2", "NX-2026-000202").await;
    let village = app.demo.id_of("village").unwrap().to_owned();
    let village2 = app.demo.id_of("village2").unwrap().to_owned();
    let fields = ["address".to_owned(), "phone".to_owned()];
    store::access::record(db, &village, "fam-1", &fields, "ui", Utc::now())
        .await
        .unwrap();
    store::access::record(db, &village2, "fam-2", &fields[..1], "file", Utc::now())
        .await
        .unwrap();

    let admin = sign_in(&app, "admin").await;
    let all = get(&app, "/admin/access-log", &admin).await;
    assert_eq!(all.status, StatusCode::OK);
    for shown in [
        "NX-2026-000101",
        "NX-2026-000202",
        "href=\"/cases/fam-1\"",
        "住址",
        "联系电话",
        "页面查看",
        "下载附件",
        "刘桂兰 <span class=\"muted small\">(village)</span>",
        "马国富 <span class=\"muted small\">(village2)</span>",
    ] {
        assert!(all.html.contains(shown), "{shown} missing");
    }
    assert!(!all.html.contains("address,phone"), "raw keys shown");

    let mine = get(&app, &format!("/admin/access-log?user={village}"), &admin).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.html.contains("NX-2026-000101"));
    assert!(
        !mine.html.contains("NX-2026-000202"),
        "another user's read shown"
    );

    let by_case = get(&app, "/admin/access-log?case=NX-2026-000202", &admin).await;
    assert!(by_case.html.contains("href=\"/cases/fam-2\""));
    assert!(!by_case.html.contains("href=\"/cases/fam-1\""));

    let none = get(
        &app,
        "/admin/access-log?from=2000-01-01&to=2000-01-31",
        &admin,
    )
    .await;
    assert!(!none.html.contains("NX-2026-000101"), "date range ignored");

    // A hundred more reads by the first user: the oldest moves to the second page,
    // and the pager keeps the filter.
    for _ in 0..100 {
        store::access::record(db, &village, "fam-2", &fields, "api", Utc::now())
            .await
            .unwrap();
    }
    let first = get(&app, &format!("/admin/access-log?user={village}"), &admin).await;
    // As the template escapes it.
    let next = format!("/admin/access-log?user&#x3D;{village}&amp;page&#x3D;2");
    assert!(first.html.contains(&next), "no link to the older entries");
    assert!(!first.html.contains("href=\"/cases/fam-1\""));
    let second = get(
        &app,
        &format!("/admin/access-log?user={village}&page=2"),
        &admin,
    )
    .await;
    assert!(second.html.contains("href=\"/cases/fam-1\""));
    assert!(second.html.contains("rel=\"prev\"") && !second.html.contains("rel=\"next\""));

    let cadre = sign_in(&app, "village").await;
    let refused = get(&app, "/admin/access-log", &cadre).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
