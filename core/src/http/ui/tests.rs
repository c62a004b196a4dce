//! Every template renders, in both languages, with the context its handler builds
//! (strict mode: a field a template reads but the context lacks fails here), and every
//! message a template asks for exists in every language.

mod pages;
mod samples;

use std::collections::BTreeSet;

use serde_json::json;

use super::render::{Lang, Ui};
use samples::{contexts, detail, nav, sample_diagram};

#[test]
fn every_template_renders_in_both_languages() {
    let ui = Ui::load(None);
    let partials = [
        "layout",
        "partials/case_table",
        "partials/events",
        "partials/field",
        "partials/diagram",
    ];
    for lang in [Lang::Zh, Lang::En] {
        let contexts = contexts(&ui, lang);
        let covered: BTreeSet<&str> = contexts.iter().map(|(n, _)| *n).chain(partials).collect();
        for name in ui.template_names() {
            assert!(
                covered.contains(name.as_str()),
                "template {name} has no context in this test"
            );
        }
        for (name, page) in contexts {
            let html = ui
                .render(name, &json!({ "nav": nav(lang), "page": page }))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!html.contains("{{"), "{name} left a mustache");
            if name.contains('/') && !name.starts_with("bulk/") && name != "login/index" {
                assert!(html.contains("<main"), "{name} uses the layout");
            }
        }
    }
}

#[test]
fn pages_speak_the_chosen_language() {
    let ui = Ui::load(None);
    let render = |lang| {
        ui.render(
            "cases/detail",
            &json!({ "nav": nav(lang), "page": detail() }),
        )
        .expect("renders")
    };
    let zh = render(Lang::Zh);
    let en = render(Lang::En);
    assert!(zh.contains("办理记录") && zh.contains("lang=\"zh-CN\""));
    assert!(en.contains("History") && en.contains("lang=\"en\""));
    assert!(
        !en.contains("办理记录"),
        "no Chinese chrome on an English page"
    );
}

#[test]
fn every_message_a_template_uses_exists_in_every_language() {
    let ui = Ui::load(None);
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/templates"));
    let mut missing = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("templates folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("template");
            for part in text.split("{{t \"").skip(1) {
                let key = part.split('"').next().unwrap_or_default();
                if !ui.strings.has(key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "missing translations: {missing:#?}");
}

#[test]
fn exports_write_csv_with_a_bom_and_a_real_xlsx() {
    let t = super::export::Table {
        header: vec!["编号".into(), "摘要".into()],
        numeric: Vec::new(),
        rows: vec![vec!["CJ-1".into(), "大米, \"散装\"".into()]],
    };
    let csv = super::export::csv_bytes(&t).expect("csv");
    let text = String::from_utf8(csv).expect("utf-8");
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("\"大米, \"\"散装\"\"\""));
    let xlsx = super::export::xlsx_bytes(&t, "案件").expect("xlsx");
    assert_eq!(&xlsx[..2], b"PK", "a zip container");
}

#[test]
fn the_state_diagram_names_every_state_action_and_deadline() {
    let ui = Ui::load(None);
    let d = sample_diagram(&ui, Lang::Zh, Some("penalty"));
    let graph: serde_json::Value = serde_json::from_str(&d.graph).expect("graph is JSON");
    let states = graph["states"].as_array().expect("states");
    assert_eq!(states.len(), 10);
    assert_eq!(graph["current"], "penalty");
    let received = &states[0];
    assert_eq!(received["title"], "已收到不合格结果通知书");
    assert_eq!(received["initial"], true);
    assert_eq!(
        received["deadlines"],
        json!([1, 2]),
        "both run from the notice"
    );
    let closed = states.iter().find(|s| s["id"] == "closed").expect("closed");
    assert_eq!(closed["deadlines"], json!([]), "met on closing");
    let started = states.iter().find(|s| s["id"] == "disposal-started");
    assert_eq!(
        started.expect("state")["deadlines"],
        json!([1]),
        "the start is met"
    );
    let edges = graph["edges"].as_array().expect("edges");
    let own = edges
        .iter()
        .find(|e| e["from"] == "penalty" && e["to"] == "penalty")
        .expect("a loop for actions that stay in the state");
    assert_eq!(own["actions"][0]["action"], "confirm-system-filing");
    assert!(edges.iter().all(
        |e| !e["actions"][0]["title"].as_str().unwrap_or("").is_empty()
            && !e["actions"][0]["roles"].as_str().unwrap_or("").is_empty()
    ));
    assert_eq!(d.deadlines.len(), 2);
    assert!(
        d.deadlines[1].text.contains("24"),
        "{}",
        d.deadlines[1].text
    );
}

#[test]
fn only_local_paths_are_followed_after_login() {
    use super::page::safe_next;
    assert_eq!(safe_next(Some("/cases?q=1")), "/cases?q=1");
    for bad in [
        "//evil.example",
        "https://evil.example",
        "/\t/evil.example",
        "/\\evil",
        "",
        "cases",
    ] {
        assert_eq!(safe_next(Some(bad)), "/inbox", "{bad:?}");
    }
    assert_eq!(safe_next(None), "/inbox");
}

#[tokio::test]
async fn errors_become_pages_and_signing_in_comes_back() {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use axum::routing::get;
    use axum::{Extension, Router, middleware};
    use tower::ServiceExt;

    use super::page::{LANG_COOKIE, UiError, html_errors};
    use crate::error::Error;

    let app = Router::new()
        .route(
            "/private",
            get(|| async { Err::<(), _>(UiError(Error::Unauthenticated)) }),
        )
        .route(
            "/gone",
            get(|| async { Err::<(), _>(UiError(Error::NotFound("case x".into()))) }),
        )
        .layer(middleware::from_fn(html_errors))
        .layer(Extension(Arc::new(Ui::load(None))));
    let r = app
        .clone()
        .oneshot(
            Request::get("/private?a=1")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[header::LOCATION],
        "/login?next=%2Fprivate%3Fa%3D1"
    );
    let req = Request::get("/gone")
        .header(header::COOKIE, format!("{LANG_COOKIE}=en"))
        .body(Body::empty())
        .expect("request");
    let r = app.oneshot(req).await.expect("response");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body = axum::body::to_bytes(r.into_body(), 1 << 20)
        .await
        .expect("body");
    let html = String::from_utf8_lossy(&body);
    assert!(
        html.contains("Not found, or not yours to see.") && html.contains("lang=\"en\""),
        "{html}"
    );
}
