//! The OpenAPI document is complete: every route the API's source registers
//! (`.route("/api/…", get(…).post(…))` in `core/src/http/api/`) appears in it with each
//! of its methods, and the document names no route the source does not have.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

use std::collections::BTreeSet;
use std::path::Path;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// `(method, path)` of every route registered in the API's source files.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http/api");
    let mut files = Vec::new();
    let mut pending = vec![dir];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut routes = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let call = balanced(rest);
            let Some(path) = call.split('"').nth(1) else {
                continue;
            };
            let handlers = &call[call.find(',').unwrap_or(call.len())..];
            for method in methods_called(handlers) {
                routes.insert((method, path.to_owned()));
            }
        }
    }
    routes
}

/// The text up to the parenthesis closing the one just opened.
fn balanced(text: &str) -> &str {
    let mut depth = 1;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[..i];
                }
            }
            _ => {}
        }
    }
    text
}

/// `get`, `post`… called in a method router such as `get(a).post(b)`.
fn methods_called(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let words = text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '('));
    for word in words {
        for m in METHODS {
            if word.starts_with(&format!("{m}(")) {
                found.push(m.to_owned());
            }
        }
    }
    found
}

#[test]
fn every_api_route_is_documented_and_every_documented_route_exists() {
    let source = routes_in_source();
    assert!(
        source.len() > 20,
        "the source scan found too few routes: {source:?}"
    );
    let doc = serde_json::to_value(anjuan::http::api::openapi()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if item.get(m).is_some() {
                documented.insert((m.to_owned(), path.clone()));
            }
        }
    }
    let undocumented: Vec<_> = source.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}"
    );
    let phantom: Vec<_> = documented
        .difference(&source)
        .filter(|(_, p)| p.starts_with("/api/"))
        .collect();
    assert!(
        phantom.is_empty(),
        "documented routes the server does not have: {phantom:?}"
    );
    for (method, path) in &documented {
        let op = &doc["paths"][path][method];
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path} documents no response"
        );
        assert!(
            op["summary"].is_string() || op["description"].is_string(),
            "{method} {path} has no summary"
        );
    }
}
