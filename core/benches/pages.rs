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

#![allow(clippy::expect_used)] // a benchmark that cannot go on should stop

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anjuan::config::ServeArgs;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

/// Requests per page.
const RUNS: usize = 30;
/// The UI's target for every page.
const TARGET: Duration = Duration::from_millis(100);

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
    let mut runs = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let (status, _) = get(app, cookie, url).await;
        runs.push(start.elapsed());
        assert_eq!(status, StatusCode::OK, "{url}");
    }
    runs.sort();
    Timing {
        median: runs[RUNS / 2],
        p95: runs[RUNS * 95 / 100],
        bytes: body.len(),
    }
}

async fn sign_in(app: &Router, username: &str) -> String {
    let form = format!("username={username}&password=demo");
    let res = app
        .clone()
        .oneshot(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
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

/// The first case link on the user's case list, newest first.
async fn first_case(app: &Router, cookie: &str) -> Option<String> {
    let (_, body) = get(app, Some(cookie), "/cases?sort=updated").await;
    let html = String::from_utf8_lossy(&body);
    let marker = "<td><a href=\"";
    let at = html.find(marker)? + marker.len();
    html[at..].split('"').next().map(str::to_owned)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = std::env::temp_dir().join(format!("anjuan-bench-pages-{}", std::process::id()));
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
    let state = anjuan::server::state(config, Arc::new(host))
        .await
        .expect("state");
    anjuan::demo::seed_identity(&state.db)
        .await
        .expect("demo users");
    let seeded = anjuan::demo_cases::seed_cases(&state)
        .await
        .expect("demo cases");
    let app = anjuan::http::router::router(state);

    println!("page render times on the demo county ({seeded} cases), {RUNS} requests each:");
    let floor = time(&app, None, "/healthz").await;
    println!(
        "{:>9.2} ms median {:>9.2} ms p95 {:>8} B  floor: GET /healthz",
        ms(floor.median),
        ms(floor.p95),
        floor.bytes
    );
    let mut slowest = Duration::ZERO;
    let mut over = Vec::new();
    for (user, urls) in PLAN {
        let cookie = sign_in(&app, user).await;
        let case = first_case(&app, &cookie).await;
        for url in *urls {
            let url = match (&case, url.contains("{case}")) {
                (_, false) => (*url).to_owned(),
                (Some(case), true) => url.replace("{case}", case),
                (None, true) => {
                    println!("{:>48}  {user:<12} {url}: no case in this user's list", "-");
                    continue;
                }
            };
            let t = time(&app, Some(&cookie), &url).await;
            slowest = slowest.max(t.median);
            let mark = if t.median > TARGET {
                over.push(format!("{user} {url}"));
                "  OVER 100 ms"
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
        "slowest median {:.2} ms; target {} ms: {}",
        ms(slowest),
        TARGET.as_millis(),
        if over.is_empty() {
            "every page within it".to_owned()
        } else {
            format!("{} page(s) over: {}", over.len(), over.join(", "))
        }
    );
    let _ = std::fs::remove_dir_all(&dir);
}
