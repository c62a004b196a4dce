//! The admin forms through the real router, on a temporary SQLite database seeded
//! with the demo county: only administrators may post them, only from our own pages
//! (the CSRF token), a refused form comes back with the input kept and each reason
//! next to its field, and what succeeds is stored and redirects with a notice.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use tower::ServiceExt;

use crate::auth::{password, session, token};
use crate::http::api::admin::tests::{App, app};
use crate::store::identity;

/// A browser signed in as a demo user: its session cookie and CSRF token.
pub(crate) struct Browser {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

/// An answer: status, `Location`, `Cache-Control`, and the HTML.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) location: String,
    pub(crate) cache: String,
    pub(crate) html: String,
}

pub(crate) async fn sign_in(app: &App, username: &str) -> Browser {
    let id = app.demo.id_of(username).expect("demo user");
    let s = session::create(&app.state.db, id, 12)
        .await
        .expect("session");
    Browser {
        cookie: s.cookie,
        csrf: s.csrf,
    }
}

pub(crate) async fn send(
    app: &App,
    method: Method,
    path: &str,
    who: &Browser,
    form: Option<String>,
) -> Answer {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, format!("anjuan_session={}", who.cookie));
    let body = match form {
        Some(f) => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(f)
        }
        None => Body::empty(),
    };
    let mut req = req.body(body).expect("request");
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 8], 4000))));
    let res = app.router.clone().oneshot(req).await.expect("response");
    let text = |name| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (status, location, cache) = (
        res.status(),
        text(header::LOCATION),
        text(header::CACHE_CONTROL),
    );
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body");
    Answer {
        status,
        location,
        cache,
        html: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub(crate) async fn get(app: &App, path: &str, who: &Browser) -> Answer {
    send(app, Method::GET, path, who, None).await
}

/// Post a form with the browser's CSRF token first.
pub(crate) async fn post(app: &App, path: &str, who: &Browser, pairs: &[(&str, &str)]) -> Answer {
    let mut all = vec![("_csrf", who.csrf.as_str())];
    all.extend_from_slice(pairs);
    send(app, Method::POST, path, who, Some(encode(&all))).await
}

fn encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The text of the error paragraph with `id`.
fn error_text(html: &str, id: &str) -> String {
    let start = format!("<p class=\"error\" id=\"{id}\">");
    html.split_once(&start)
        .and_then(|(_, rest)| rest.split_once("</p>"))
        .map(|(text, _)| text.to_owned())
        .unwrap_or_default()
}

const NEW_USER: [(&str, &str); 7] = [
    ("username", "new.cadre"),
    ("display_name", "新干部"),
    ("password", "long enough"),
    ("password_confirm", "long enough"),
    ("locale", "zh-CN"),
    ("role", "special-family-care:village-cadre"),
    ("org_unit", "shanping-shangping"),
];

#[tokio::test]
async fn a_caseworker_cannot_use_the_admin_pages_or_forms() {
    let app = app().await;
    let cdc = sign_in(&app, "cdc").await;
    for path in [
        "/admin/users/new",
        "/admin/users/cdc",
        "/admin/org-units/anxian",
        "/admin/tokens",
    ] {
        assert_eq!(
            get(&app, path, &cdc).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let admin_id = app.demo.id_of("admin").expect("admin").to_owned();
    let posts: [(String, &[(&str, &str)]); 5] = [
        ("/admin/users".into(), &NEW_USER),
        (
            "/admin/users/cdc/password".into(),
            &[
                ("password", "taken over"),
                ("password_confirm", "taken over"),
            ],
        ),
        (
            format!("/admin/users/{admin_id}/active"),
            &[("active", "false")],
        ),
        (
            "/admin/org-units".into(),
            &[
                ("id", "x"),
                ("kind", "village"),
                ("name_zh", "某村"),
                ("name_en", "X"),
            ],
        ),
        (
            "/admin/tokens".into(),
            &[("user", &admin_id), ("name", "stolen")],
        ),
    ];
    for (path, pairs) in posts {
        let r = post(&app, &path, &cdc, pairs).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert!(
        identity::user_by_username(&app.state.db, "new.cadre")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        identity::user(&app.state.db, &admin_id)
            .await
            .unwrap()
            .unwrap()
            .active
    );
    assert!(
        identity::org_unit(&app.state.db, "x")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        identity::tokens(&app.state.db, Some(&admin_id))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn admin_forms_need_the_session_csrf_token() {
    let app = app().await;
    let admin = sign_in(&app, "admin").await;
    let missing = send(
        &app,
        Method::POST,
        "/admin/users",
        &admin,
        Some(encode(&NEW_USER)),
    )
    .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let mut wrong = vec![("_csrf", "not-the-token")];
    wrong.extend_from_slice(&NEW_USER);
    let r = send(
        &app,
        Method::POST,
        "/admin/users",
        &admin,
        Some(encode(&wrong)),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(
        &app,
        Method::POST,
        "/admin/tokens",
        &admin,
        Some(encode(&[("user", "cdc"), ("name", "x")])),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        identity::user_by_username(&app.state.db, "new.cadre")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_refused_new_user_keeps_the_input_and_says_why_next_to_each_field() {
    let app = app().await;
    let admin = sign_in(&app, "admin").await;
    let r = post(
        &app,
        "/admin/users",
        &admin,
        &[
            ("username", "Bad Name"),
            ("display_name", "张三"),
            ("password", "short"),
            ("password_confirm", "shorter"),
            ("role", "special-family-care:no-such-role"),
            ("org_unit", "shanping"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.html.contains(r#"value="Bad Name""#) && r.html.contains(r#"value="张三""#),
        "input kept"
    );
    assert!(
        r.html.contains(r#"<option value="shanping" selected>"#),
        "unit kept"
    );
    assert!(error_text(&r.html, "u-username-err").contains("小写字母"));
    assert!(error_text(&r.html, "u-password-err").contains("8"));
    assert_eq!(
        error_text(&r.html, "u-password_confirm-err"),
        "两次输入的密码不一致"
    );
    assert_eq!(error_text(&r.html, "u-role-err"), "请从列表中选择角色");
    assert!(!r.html.contains("short"), "passwords are not sent back");

    let mut taken = NEW_USER.to_vec();
    taken[0] = ("username", "cdc");
    let r = post(&app, "/admin/users", &admin, &taken).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_text(&r.html, "u-username-err"), "用户名已被使用");
    assert!(
        r.html
            .contains(r#"<option value="special-family-care:village-cadre" selected>"#)
    );
    assert!(
        identity::user_by_username(&app.state.db, "new.cadre")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn an_administrator_creates_a_user_then_grants_revokes_resets_and_deactivates() {
    let app = app().await;
    let admin = sign_in(&app, "admin").await;
    let r = post(&app, "/admin/users", &admin, &NEW_USER).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let user = identity::user_by_username(&app.state.db, "new.cadre")
        .await
        .unwrap()
        .expect("created");
    assert_eq!(
        r.location,
        format!("/admin/users/{}?done=user-created", user.id),
        "the notice's text is not in the link"
    );
    assert!(password::verify(
        "long enough",
        user.password_hash.as_deref().unwrap()
    ));
    let grants = identity::grants_of(&app.state.db, &user.id).await.unwrap();
    assert_eq!(grants.len(), 1);
    assert_eq!(
        (grants[0].role.as_str(), grants[0].org_unit.as_str()),
        ("village-cadre", "shanping-shangping")
    );
    let page = get(&app, &r.location, &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.html.contains("已创建用户 新干部。"),
        "the notice shows"
    );

    let base = format!("/admin/users/{}", user.id);
    let r = post(
        &app,
        &format!("{base}/grants"),
        &admin,
        &[("role", "special-family-care:volunteer"), ("org_unit", "")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_text(&r.html, "g-org_unit-err"),
        "请选择角色所在的单位"
    );
    let r = post(
        &app,
        &format!("{base}/grants"),
        &admin,
        &[
            ("role", "special-family-care:volunteer"),
            ("org_unit", "anxian"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let grants = identity::grants_of(&app.state.db, &user.id).await.unwrap();
    assert_eq!(grants.len(), 2);
    let first = grants
        .iter()
        .find(|g| g.role == "village-cadre")
        .unwrap()
        .id;
    let r = post(&app, &format!("{base}/grants/{first}/revoke"), &admin, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let left = identity::grants_of(&app.state.db, &user.id).await.unwrap();
    assert_eq!(
        left.iter().map(|g| g.role.as_str()).collect::<Vec<_>>(),
        ["volunteer"]
    );

    let r = post(
        &app,
        &format!("{base}/password"),
        &admin,
        &[
            ("password", "brand new pass"),
            ("password_confirm", "brand new pass"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let stored = identity::user(&app.state.db, &user.id)
        .await
        .unwrap()
        .unwrap();
    assert!(password::verify(
        "brand new pass",
        stored.password_hash.as_deref().unwrap()
    ));

    let r = post(
        &app,
        &base,
        &admin,
        &[("display_name", " "), ("locale", "en")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_text(&r.html, "p-display_name-err"), "必填");
    let r = post(
        &app,
        &base,
        &admin,
        &[("display_name", "王干部"), ("locale", "en")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let r = post(
        &app,
        &format!("{base}/active"),
        &admin,
        &[("active", "false")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let stored = identity::user(&app.state.db, &user.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.active && stored.display_name == "王干部" && stored.locale == "en");

    let me = app.demo.id_of("admin").unwrap();
    let r = post(
        &app,
        &format!("/admin/users/{me}/active"),
        &admin,
        &[("active", "false")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("不能停用自己的账号"));
}

/// A link anyone can craft must not make our page say what they like: the notice names
/// only what the database holds.
#[tokio::test]
async fn a_notice_never_shows_text_from_the_link() {
    let app = app().await;
    let admin = sign_in(&app, "admin").await;
    let lure = encode(&[("name", "请立即拨打400-000-0000")]);
    let cdc = app.demo.id_of("cdc").unwrap().to_owned();
    for path in [
        format!("/admin/org-units?done=unit-created&{lure}"),
        format!("/admin/org-units?done=unit-created&id=no-such-unit&{lure}"),
        format!("/admin/org-units/anxian?done=unit-saved&{lure}"),
        format!("/admin/users?done=user-created&{lure}"),
        format!("/admin/users/{cdc}?done=user-saved&{lure}"),
        format!("/admin/tokens?done=token-revoked&id=x&{lure}"),
    ] {
        let r = get(&app, &path, &admin).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(!r.html.contains("请立即拨打"), "{path}");
    }
    let r = get(&app, "/admin/org-units?done=unit-created&id=anxian", &admin).await;
    assert!(
        r.html.contains("已添加单位 安县。"),
        "the name comes from the database"
    );
    let r = get(&app, &format!("/admin/users/{cdc}?done=user-saved"), &admin).await;
    assert!(r.html.contains("已保存 李建华 的基本信息。"));
}

#[tokio::test]
async fn org_units_are_added_renamed_and_moved_but_never_under_themselves() {
    let app = app().await;
    let admin = sign_in(&app, "admin").await;
    let unit = [
        ("parent_id", "anxian"),
        ("id", "xinzhuang"),
        ("kind", "township"),
        ("name_zh", "新庄镇"),
        ("name_en", "Xinzhuang"),
    ];
    let r = post(&app, "/admin/org-units", &admin, &unit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert_eq!(
        r.location,
        "/admin/org-units?done=unit-created&id=xinzhuang"
    );
    let shown = get(&app, &r.location, &admin).await;
    assert!(shown.html.contains("已添加单位 新庄镇。"));
    let stored = identity::org_unit(&app.state.db, "xinzhuang")
        .await
        .unwrap()
        .expect("added");
    assert_eq!(stored.path, "/qingcheng/anxian/xinzhuang/");

    let r = post(&app, "/admin/org-units", &admin, &unit).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_text(&r.html, "o-id-err"), "编号已被使用");
    assert!(r.html.contains(r#"value="新庄镇""#), "input kept");

    let r = post(
        &app,
        "/admin/org-units/anxian",
        &admin,
        &[
            ("parent_id", "shanping"),
            ("kind", "county"),
            ("name_zh", "安县"),
            ("name_en", "An County"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_text(&r.html, "e-parent_id-err"),
        "不能移到本单位或其下级单位之下"
    );
    assert_eq!(
        identity::org_unit(&app.state.db, "anxian")
            .await
            .unwrap()
            .unwrap()
            .path,
        "/qingcheng/anxian/"
    );

    let r = post(
        &app,
        "/admin/org-units/xinzhuang",
        &admin,
        &[
            ("parent_id", "shanping"),
            ("kind", "village"),
            ("name_zh", "新庄村"),
            ("name_en", "Xinzhuang Village"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let moved = identity::org_unit(&app.state.db, "xinzhuang")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            moved.path.as_str(),
            moved.name_zh.as_str(),
            moved.kind.as_str()
        ),
        ("/qingcheng/anxian/shanping/xinzhuang/", "新庄村", "village")
    );
}

#[tokio::test]
async fn a_token_is_shown_once_and_can_be_revoked() {
    let app = app().await;
    let admin = sign_in(&app, "admin").await;
    let cdc = app.demo.id_of("cdc").unwrap().to_owned();
    let r = post(
        &app,
        "/admin/tokens",
        &admin,
        &[("user", &cdc), ("name", " ")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_text(&r.html, "t-name-err"), "必填");
    assert!(
        r.html
            .contains(&format!(r#"<option value="{cdc}" selected>"#)),
        "user kept"
    );

    let r = post(
        &app,
        "/admin/tokens",
        &admin,
        &[("user", &cdc), ("name", "夜间导出")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.cache, "no-store");
    assert!(r.html.contains("只显示这一次"));
    let secret = r
        .html
        .split("value=\"anj_")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("secret shown");
    let secret = format!("anj_{secret}");
    let row = token::authenticate(&app.state.db, &secret, chrono::Utc::now())
        .await
        .unwrap()
        .expect("the token works");
    assert_eq!(row.user_id, cdc);

    let list = get(&app, "/admin/tokens", &admin).await;
    assert!(
        !list.html.contains(&secret),
        "the list never shows the secret"
    );
    let r = post(
        &app,
        &format!("/admin/tokens/{}/revoke", row.id),
        &admin,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        token::authenticate(&app.state.db, &secret, chrono::Utc::now())
            .await
            .unwrap()
            .is_none()
    );
}

/// What the router refuses before a page runs (an unknown page, a wrong method, a
/// malformed id in the path) is an error page in the user's language, not bare text;
/// under /api/ it stays problem+json.
#[tokio::test]
async fn refusals_before_a_page_runs_are_pages_too() {
    let app = app().await;
    let admin = sign_in(&app, "admin").await;
    let user = app.demo.id_of("cdc").expect("demo user").to_owned();
    for (method, path, status) in [
        (
            Method::GET,
            "/no-such-page".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            format!("/admin/users/{user}/grants/not-a-number/revoke"),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::DELETE,
            "/inbox".to_owned(),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ] {
        let form = (method == Method::POST).then(|| format!("_csrf={}", admin.csrf));
        let a = send(&app, method.clone(), &path, &admin, form).await;
        assert_eq!(a.status, status, "{method} {path}");
        assert!(
            a.html.contains("<html") && a.html.contains("出错了"),
            "{method} {path}: {}",
            a.html
        );
    }
    let api = send(&app, Method::GET, "/api/v1/no-such-route", &admin, None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.html.contains("\"status\":404"), "{}", api.html);
}
