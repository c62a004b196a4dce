//! How fast the web UI's main pages render on the demo county, next to the floor of
//! the same server answering `/healthz` (the whole middleware stack and one database
//! round trip, no page).
//!
//! `cargo bench -p anjuan --bench pages` seeds the demo county (users, org units and
//! its ~115 cases across the four programmes) into a fresh SQLite file, loads the
//! real plugins from `target/plugins` (build them first with `scripts/build-plugins`),
//! signs in as a few demo users and times every main page in-process, from request
//! to the last byte of the body. It prints the median and p95 of each page and marks
//! any page whose median is over the 100 ms target.
//!
//! At scale: `ANJUAN_BENCH_DATA=DIR` times the pages of the issue-12 plan (inbox,
//! lists, search of one, two and three characters and by number, page 200 of a long
//! list, dashboards, notifications, the API's tasks and overdue cases, a case and its
//! dossier) on a county grown there beforehand with `anjuan demo --cases N --data DIR`
//! (left as it is; `DATABASE_URL` for PostgreSQL), against a 50 ms target.
//! `ANJUAN_BENCH_RUNS` sets the requests per page.

#![allow(clippy::expect_used)] // a benchmark that cannot go on should stop

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anjuan::config::ServeArgs;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

/// Requests per page (`ANJUAN_BENCH_RUNS`).
fn runs() -> usize {
    std::env::var("ANJUAN_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(30)
}

/// Who looks at which pages; `{case}` is the first case in the user's list.
const PLAN: &[(&str, &[&str])] = &[
    (
        "inspector",
        &[
            "/inbox",
            "/cases",
            "/cases?q=%E7%99%BD%E9%85%92",
            "/cases?programme=sampling-disposal&case_type=nonconforming-sample",
            "/cases?overdue=true&sort=due",
            "/notifications",
            "/dashboards",
            "/dashboards/sampling-disposal",
            "/cases/new",
            "{case}",
            "{case}/dossier",
        ],
    ),
    (
        "market-lead",
        &[
            "/inbox",
            "/cases?programme=sampling-disposal",
            "/cases/export.csv?programme=sampling-disposal",
            "/cases/export.xlsx?programme=sampling-disposal",
            "{case}",
        ],
    ),
    (
        "village",
        &[
            "/inbox",
            "/cases?programme=special-family-care&case_type=family",
            "/dashboards/special-family-care",
            "{case}",
        ],
    ),
    (
        "fire-lead",
        &["/inbox", "/dashboards/fire-safety-rectification", "{case}"],
    ),
    (
        "admin",
        &[
            "/inbox",
            "/cases",
            "/admin/programmes",
            "/admin/programmes/sampling-disposal",
            "/admin/users",
            "/admin/org-units",
            "/admin/access-log",
            "/admin/audit",
            "{case}",
            "{case}/dossier",
        ],
    ),
];

/// The pages of issue 12 at a province's size; `{number}` is the user's first case's
/// number, `{deep}` page 21 of the user's list reached by its pager (20 "next" links:
/// each carries the key of its page's last row).
const SCALE_PLAN: &[(&str, &[&str])] = &[
    (
        "inspector",
        &[
            "/inbox",
            "/cases",
            "/cases?q=%E7%99%BD%E9%85%92",
            "/cases?q=%E7%99%BD%E9%85%92&sort=newest",
            "/cases?q=%E9%85%92",
            "/cases?q=%E6%B2%B3%E8%A5%BF%E9%95%87",
            "/cases?q=%E5%9F%8E%E5%85%B3%E9%95%87",
            "/cases?q={number}",
            "{deep}",
            "/cases?page=200",
            "/cases?sort=newest&page=200",
            "/cases?sort=number",
            "/cases?sort=updated",
            "/cases?sort=oldest",
            "/cases?overdue=true&sort=due",
            "/cases?overdue=false",
            "/cases?overdue=true&sort=newest",
            "/cases?open=true",
            "/cases?open=false&sort=updated",
            "/cases?programme=sampling-disposal&case_type=nonconforming-sample",
            "/cases?programme=sampling-disposal&case_type=nonconforming-sample&state=received",
            "/cases?created_from=2026-01-01&sort=newest",
            "/cases?due_before=2027-01-01",
            "/dashboards",
            "/dashboards/sampling-disposal",
            "/notifications",
            "/api/v1/tasks",
            "/api/v1/cases?overdue=true",
            "/api/v1/cases?q=%E7%99%BD%E9%85%92",
            "/api/v1/cases?page=200",
            "{case}",
            "{case}/dossier",
        ],
    ),
    (
        "market-lead",
        &[
            "/inbox",
            "/cases",
            "/cases?q=%E7%99%BD%E9%85%92",
            "/cases?q=%E9%85%92",
            "/cases?q=%E6%B2%B3%E8%A5%BF%E9%95%87",
            "/cases?q={number}",
            "{deep}",
            "/cases?page=200",
            "/cases?overdue=true",
            "/cases?overdue=false",
            "/cases?sort=number",
            "/dashboards",
            "/dashboards/sampling-disposal",
            "/notifications",
            "/api/v1/tasks",
            "/api/v1/cases?overdue=true",
            "{case}",
            "{case}/dossier",
        ],
    ),
    (
        "village",
        &[
            "/inbox",
            "/cases",
            "/cases?q=%E5%88%98",
            "/cases?q=%E7%99%BD%E9%85%92",
            "/cases?q={number}",
            "{deep}",
            "/cases?overdue=true",
            "/dashboards",
            "/dashboards/special-family-care",
            "/notifications",
            "/api/v1/tasks",
            "/api/v1/cases?overdue=true",
            "{case}",
            "{case}/dossier",
        ],
    ),
    (
        "fire-lead",
        &[
            "/inbox",
            "/cases",
            "/cases?q=%E6%B6%88%E9%98%B2",
            "/dashboards/fire-safety-rectification",
            "{case}",
        ],
    ),
];

struct Timing {
    median: Duration,
    p95: Duration,
    bytes: usize,
}

async fn get(app: &Router, cookie: Option<&str>, url: &str) -> (StatusCode, Vec<u8>) {
    let mut req = Request::get(url);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, body.to_vec())
}

async fn time(app: &Router, cookie: Option<&str>, url: &str) -> Timing {
    let (status, body) = get(app, cookie, url).await; // warm up
    assert_eq!(status, StatusCode::OK, "{url} answered {status}");
    let n = runs();
    let mut runs = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        let (status, _) = get(app, cookie, url).await;
        runs.push(start.elapsed());
        assert_eq!(status, StatusCode::OK, "{url}");
    }
    runs.sort();
    Timing {
        median: runs[n / 2],
        p95: runs[(n * 95).div_ceil(100).saturating_sub(1)],
        bytes: body.len(),
    }
}

async fn sign_in(app: &Router, username: &str) -> String {
    // The login form's CSRF token is checked against its cookie: send the pair.
    let form = format!("username={username}&password=demo&_csrf=bench");
    let res = app
        .clone()
        .oneshot(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, "anjuan_login_csrf=bench")
                .body(Body::from(form))
                .expect("request"),
        )
        .await
        .expect("response");
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("anjuan_session="))
        .unwrap_or_else(|| panic!("{username} could not sign in ({})", res.status()));
    cookie.split(';').next().unwrap_or_default().to_owned()
}

/// The first case link on the user's case list, newest first, and its number.
async fn first_case(app: &Router, cookie: &str) -> Option<(String, String)> {
    let (_, body) = get(app, Some(cookie), "/cases?sort=updated").await;
    let html = String::from_utf8_lossy(&body);
    let marker = "<td><a href=\"";
    let at = html.find(marker)? + marker.len();
    let link = html[at..].split('"').next()?.to_owned();
    let number = html[at..]
        .split('>')
        .nth(1)?
        .split('<')
        .next()?
        .trim()
        .to_owned();
    Some((link, number))
}

/// Page 21 of the user's list, reached through its pager's "next" links.
async fn deep_page(app: &Router, cookie: &str) -> Option<String> {
    let mut url = "/cases".to_owned();
    for _ in 0..20 {
        let (_, body) = get(app, Some(cookie), &url).await;
        let html = String::from_utf8_lossy(&body);
        let at = html.find("\" rel=\"next\"")?;
        let start = html[..at].rfind("href=\"")? + "href=\"".len();
        url = html[start..at].replace("&#x3D;", "=").replace("&amp;", "&");
    }
    Some(url)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let scale = std::env::var_os("ANJUAN_BENCH_DATA").map(std::path::PathBuf::from);
    let dir = scale.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("anjuan-bench-pages-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let plugins = root.join("target/plugins");
    assert!(
        plugins.is_dir(),
        "no plugins in {}: run scripts/build-plugins first",
        plugins.display()
    );
    let config = ServeArgs {
        data: Some(dir.clone()),
        database_url: std::env::var("DATABASE_URL").ok(),
        workflows: Some(root.join("workflows")),
        calendar: Some(root.join("calendar")),
        plugins: Some(plugins.clone()),
        demo: true,
        ..ServeArgs::default()
    }
    .resolve()
    .expect("config");
    let calendar = anjuan::server::load_calendar(&config).expect("calendar");
    let db = anjuan::store::connect(&config.database_url)
        .await
        .expect("database");
    let services = Arc::new(anjuan::plugins::ServerServices::new(
        calendar,
        db,
        tokio::runtime::Handle::current(),
    ));
    let host = anjuan::plugins::HostPlugins::start(&plugins, dir.join("plugin-cache"), services)
        .expect("plugin host");
    let started = Instant::now();
    let state = anjuan::server::state(config, Arc::new(host))
        .await
        .expect("state");
    let boot = started.elapsed();
    anjuan::demo::seed_identity(&state.db)
        .await
        .expect("demo users");
    let (plan, target) = match scale {
        Some(_) => (SCALE_PLAN, Duration::from_millis(50)),
        None => {
            anjuan::demo_cases::seed_cases(&state)
                .await
                .expect("demo cases");
            (PLAN, Duration::from_millis(100))
        }
    };
    let total = {
        use sea_orm::{EntityTrait, PaginatorTrait};
        anjuan::store::entities::cases::Entity::find()
            .count(&state.db)
            .await
            .expect("count")
    };
    let app = anjuan::http::router::router(state);

    println!(
        "page render times on the demo county ({total} cases; server state ready in {:.0} ms), {} requests each:",
        ms(boot),
        runs()
    );
    let floor = time(&app, None, "/healthz").await;
    println!(
        "{:>9.2} ms median {:>9.2} ms p95 {:>8} B  floor: GET /healthz",
        ms(floor.median),
        ms(floor.p95),
        floor.bytes
    );
    let mut slowest = Duration::ZERO;
    let mut over = Vec::new();
    for (user, urls) in plan {
        let cookie = sign_in(&app, user).await;
        let case = first_case(&app, &cookie).await;
        for url in *urls {
            if *url == "{deep}" {
                match deep_page(&app, &cookie).await {
                    Some(deep) => {
                        let t = time(&app, Some(&cookie), &deep).await;
                        let mark = if t.p95 > target {
                            over.push(format!("{user} page 21"));
                            "  OVER"
                        } else {
                            ""
                        };
                        slowest = slowest.max(t.median);
                        println!(
                            "{:>9.2} ms median {:>9.2} ms p95 {:>8} B  {:.0}x floor  {user:<12} /cases page 21 (after=){mark}",
                            ms(t.median),
                            ms(t.p95),
                            t.bytes,
                            t.median.as_secs_f64() / floor.median.as_secs_f64().max(1e-9)
                        );
                    }
                    None => println!("{:>48}  {user:<12} fewer than 21 pages", "-"),
                }
                continue;
            }
            let url = match (&case, url.contains("{case}") || url.contains("{number}")) {
                (_, false) => (*url).to_owned(),
                (Some((case, number)), true) => {
                    url.replace("{case}", case).replace("{number}", number)
                }
                (None, true) => {
                    println!("{:>48}  {user:<12} {url}: no case in this user's list", "-");
                    continue;
                }
            };
            let t = time(&app, Some(&cookie), &url).await;
            slowest = slowest.max(t.median);
            let mark = if t.p95 > target {
                over.push(format!("{user} {url}"));
                "  OVER"
            } else {
                ""
            };
            println!(
                "{:>9.2} ms median {:>9.2} ms p95 {:>8} B  {:.0}x floor  {user:<12} {url}{mark}",
                ms(t.median),
                ms(t.p95),
                t.bytes,
                t.median.as_secs_f64() / floor.median.as_secs_f64().max(1e-9)
            );
        }
    }
    println!(
        "slowest median {:.2} ms; target (p95) {} ms: {}",
        ms(slowest),
        target.as_millis(),
        if over.is_empty() {
            "every page within it".to_owned()
        } else {
            format!("{} page(s) over: {}", over.len(), over.join(", "))
        }
    );
    if std::env::var_os("ANJUAN_BENCH_DATA").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
