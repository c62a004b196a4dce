//! The shipped workflow files are valid, and every broken fixture is reported at the
//! line and column its `# expect:` header names, by the library and by the CLI.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

use std::path::{Path, PathBuf};
use std::process::Command;

use anjuan::workflow::{self, Summary};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn shipped_workflows_are_valid() {
    let (defs, errors) = workflow::load_dir(&repo().join("workflows"));
    assert!(
        errors.is_empty(),
        "{}",
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    let ids: Vec<_> = defs.iter().map(|d| d.id().to_owned()).collect();
    assert_eq!(
        ids,
        [
            "fire-safety-rectification",
            "risk-monitoring",
            "sampling-disposal",
            "special-family-care"
        ]
    );
}

/// `# expect: LINE:COL: fragment` lines at the top of a fixture.
fn expectations(text: &str) -> Vec<(usize, usize, String)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|rest| {
            let mut parts = rest.splitn(3, ':');
            let line = parts
                .next()
                .and_then(|p| p.trim().parse().ok())
                .expect("line");
            let col = parts
                .next()
                .and_then(|p| p.trim().parse().ok())
                .expect("column");
            let fragment = parts.next().expect("fragment").trim().to_owned();
            (line, col, fragment)
        })
        .collect()
}

fn fixtures() -> Vec<PathBuf> {
    let dir = repo().join("tests/fixtures/broken");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 12,
        "expected a broken fixture per kind of mistake, found {}",
        files.len()
    );
    files
}

#[test]
fn every_broken_fixture_is_reported_where_it_is_broken() {
    for file in fixtures() {
        let text = std::fs::read_to_string(&file).expect("readable");
        let expected = expectations(&text);
        assert!(
            !expected.is_empty(),
            "{} has no `# expect:` line",
            file.display()
        );
        let errors =
            workflow::load_file(&file).expect_err(&format!("{} must be refused", file.display()));
        for (line, col, fragment) in expected {
            assert!(
                errors
                    .iter()
                    .any(|e| e.line == line && e.column == col && e.message.contains(&fragment)),
                "{}: expected {line}:{col}: …{fragment}…, got:\n{}",
                file.display(),
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}

#[test]
fn the_cli_passes_shipped_workflows_with_a_summary() {
    let out = Command::new(env!("CARGO_BIN_EXE_anjuan"))
        .arg("validate")
        .arg(repo().join("workflows"))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (defs, _) = workflow::load_dir(&repo().join("workflows"));
    let s = Summary::of(&defs);
    let expected = format!(
        "ok: {} programmes, {} case types, {} states, {} transitions",
        s.programmes, s.case_types, s.states, s.transitions
    );
    assert_eq!(stdout.trim(), expected);
}

#[test]
fn the_cli_fails_on_each_broken_fixture_naming_file_line_and_column() {
    for file in fixtures() {
        let out = Command::new(env!("CARGO_BIN_EXE_anjuan"))
            .arg("validate")
            .arg(&file)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{}", file.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        let text = std::fs::read_to_string(&file).expect("readable");
        for (line, col, _) in expectations(&text) {
            let place = format!("{}:{line}:{col}:", file.display());
            assert!(stderr.contains(&place), "{place} not in:\n{stderr}");
        }
    }
}
