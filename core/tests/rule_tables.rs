//! The rule tables of the four programmes (`docs/programmes/<programme>.md`, described in
//! `docs/programmes/README.md`) stay true: every row names where its rule is implemented
//! and a test that exists, or says why it has no test (a county setting, out of scope, or
//! an engine feature it needs), and every place and test it names is really there.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The programmes that must each have a table.
const PROGRAMMES: [&str; 4] = [
    "risk-monitoring",
    "sampling-disposal",
    "special-family-care",
    "fire-safety-rectification",
];

/// Statuses a row without a test may have; each must say why after the colon.
const UNTESTED: [&str; 3] = ["county setting:", "out of scope:", "needs engine:"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One row of a rule table.
#[derive(Debug)]
struct Row {
    file: String,
    line: usize,
    id: String,
    words: String,
    places: Vec<String>,
    tests: Vec<String>,
    status: String,
}

/// The backticked items of a cell.
fn ticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The rows of a table file: lines starting with `| ` whose first cell is a rule id
/// (capital letters, a dash, digits).
fn rows(file: &str, text: &str) -> Vec<Row> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some(inner) = line.trim().strip_prefix('|') else {
            continue;
        };
        let cells: Vec<&str> = inner
            .trim_end_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        let Some(id) = cells.first() else { continue };
        let is_id = id.split_once('-').is_some_and(|(a, b)| {
            !a.is_empty()
                && a.chars().all(|c| c.is_ascii_uppercase())
                && !b.is_empty()
                && b.chars().all(|c| c.is_ascii_digit())
        });
        if !is_id {
            continue;
        }
        assert_eq!(
            cells.len(),
            5,
            "{file}:{}: a row has five cells (id, 原文, where, proved by, status): {line}",
            n + 1
        );
        out.push(Row {
            file: file.to_owned(),
            line: n + 1,
            id: (*id).to_owned(),
            words: cells[1].to_owned(),
            places: ticked(cells[2]),
            tests: ticked(cells[3]),
            status: cells[4].to_owned(),
        });
    }
    out
}

/// What is wrong with one row, if anything.
fn mistakes(row: &Row) -> Vec<String> {
    let at = format!("{}:{} {}", row.file, row.line, row.id);
    let mut out = Vec::new();
    if row.words.is_empty() {
        out.push(format!("{at}: the source's words are missing"));
    }
    for place in &row.places {
        let (path, id) = place.split_once(':').unwrap_or((place, ""));
        match std::fs::read_to_string(repo().join(path)) {
            Err(_) => out.push(format!("{at}: `{path}` does not exist")),
            Ok(text) if !id.is_empty() && !text.contains(id) => {
                out.push(format!("{at}: `{path}` does not contain `{id}`"));
            }
            Ok(_) => {}
        }
    }
    for test in &row.tests {
        let Some((path, name)) = test.split_once("::") else {
            out.push(format!(
                "{at}: a test is named `file::function`, not `{test}`"
            ));
            continue;
        };
        match std::fs::read_to_string(repo().join(path)) {
            Err(_) => out.push(format!("{at}: test file `{path}` does not exist")),
            Ok(text) => {
                let defined = [format!("fn {name}("), format!("fn {name}<")]
                    .iter()
                    .any(|d| text.contains(d.as_str()));
                if !defined {
                    out.push(format!("{at}: `{path}` has no test `{name}`"));
                }
            }
        }
    }
    let status = row.status.as_str();
    if status == "tested" {
        if row.tests.is_empty() {
            out.push(format!("{at}: `tested` but no test is named"));
        }
        if row.places.is_empty() {
            out.push(format!(
                "{at}: `tested` but nothing says where it is implemented"
            ));
        }
    } else if let Some(kind) = UNTESTED.iter().find(|k| status.starts_with(**k)) {
        let reason = status[kind.len()..].trim();
        if reason.chars().count() < 8 {
            out.push(format!("{at}: `{kind}` needs a reason"));
        }
    } else {
        out.push(format!(
            "{at}: status `{status}` is none of: tested, {}",
            UNTESTED.join(" …, ")
        ));
    }
    out
}

#[test]
fn every_rule_is_tested_or_marked_and_every_named_test_exists() {
    let dir = repo().join("docs/programmes");
    let mut ids = BTreeSet::new();
    let mut wrong = Vec::new();
    for programme in PROGRAMMES {
        let file = format!("docs/programmes/{programme}.md");
        let text = std::fs::read_to_string(dir.join(format!("{programme}.md")))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let rows = rows(&file, &text);
        assert!(rows.len() >= 10, "{file}: only {} rules", rows.len());
        for row in &rows {
            if !ids.insert(row.id.clone()) {
                wrong.push(format!("{file}:{}: rule id {} twice", row.line, row.id));
            }
            wrong.extend(mistakes(row));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The checker itself: a row naming a test that does not exist, one that is neither
/// tested nor marked, and a mark without a reason are each caught.
#[test]
fn the_checker_catches_a_missing_test_and_an_unmarked_rule() {
    let text = "\
| Id | 原文 | Where | Proved by | Status |
|---|---|---|---|---|
| XX-1 | 每批 | `core/tests/rule_tables.rs:PROGRAMMES` | `core/tests/rule_tables.rs::no_such_test` | tested |
| XX-2 | 及时 | `core/tests/rule_tables.rs:PROGRAMMES` | | pending |
| XX-3 | 定期 | | | county setting: |
| XX-4 | 每年 | `core/tests/rule_tables.rs:PROGRAMMES` | `core/tests/rule_tables.rs::repo` | tested |
| XX-5 | 第一时间 | `core/tests/no_such_file.rs` | | out of scope: handled by phone outside the server |
";
    let rows = rows("example.md", text);
    assert_eq!(rows.len(), 5);
    let found: Vec<Vec<String>> = rows.iter().map(mistakes).collect();
    assert!(
        found[0][0].contains("has no test `no_such_test`"),
        "{found:?}"
    );
    assert!(found[1][0].contains("status `pending`"), "{found:?}");
    assert!(found[2][0].contains("needs a reason"), "{found:?}");
    assert!(found[3].is_empty(), "{found:?}");
    assert!(found[4][0].contains("does not exist"), "{found:?}");
}
