//! Loading: the override directory, files checked against each other, and the helpers the
//! validation tests share.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::d;
use crate::calendar::{Calendar, CalendarError, DEFAULT_TIMEZONE, Problem};

/// A made-up but well-formed 2027 arrangement (test data, not the State Council's).
pub(super) const VALID_2027: &str = r#"year = 2027
notice = "test arrangement"

[[holiday]]
festival = "new-year"
date = "2027-01-01"
off = ["2027-01-01", "2027-01-03"]

[[holiday]]
festival = "spring-festival"
date = "2027-02-06"
off = ["2027-02-05", "2027-02-13"]
work = ["2027-02-14"]

[[holiday]]
festival = "qingming"
date = 2027-04-05
off = ["2027-04-03", "2027-04-05"]

[[holiday]]
festival = "labour-day"
date = "2027-05-01"
off = ["2027-05-01", "2027-05-05"]
work = ["2027-05-08"]

[[holiday]]
festival = "dragon-boat"
date = "2027-06-09"
off = ["2027-06-09", "2027-06-09"]

[[holiday]]
festival = "mid-autumn"
date = "2027-09-15"
off = ["2027-09-15", "2027-09-15"]

[[holiday]]
festival = "national-day"
name = { zh = "国庆节", en = "National Day" }
date = "2027-10-01"
off = ["2027-10-01", "2027-10-07"]
work = ["2027-09-26", "2027-10-09"]
"#;

/// A fresh directory under the system temp dir, removed when dropped.
pub(super) struct TempDir(PathBuf);

impl TempDir {
    pub(super) fn with(files: &[(&str, &str)]) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("anjuan-calendar-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for (name, text) in files {
            std::fs::write(dir.join(name), text).expect("write");
        }
        TempDir(dir)
    }

    pub(super) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Loads `text` as `name` from a directory and returns the single issue as (problem, message).
pub(super) fn single_issue(name: &str, text: &str) -> (Problem, String) {
    let dir = TempDir::with(&[(name, text)]);
    match Calendar::load(Some(dir.path()), DEFAULT_TIMEZONE) {
        Err(CalendarError::Invalid(issues)) => {
            assert_eq!(issues.len(), 1, "{issues:#?}");
            let issue = issues.into_iter().next().expect("one issue");
            (issue.problem.clone(), issue.to_string())
        }
        other => panic!("expected one issue, got {other:?}"),
    }
}

/// `file:line:col` of the first occurrence of `needle` in `text`.
fn place(name: &str, text: &str, needle: &str) -> String {
    let offset = text.find(needle).expect("needle in text");
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{name}:{line}:{column}: ")
}

/// Replaces `old` by `new` in the valid file, then checks the one issue sits at `at` (a
/// snippet of the changed text) and returns its problem.
pub(super) fn broken(old: &str, new: &str, at: &str) -> Problem {
    assert!(VALID_2027.contains(old), "{old}");
    let text = VALID_2027.replacen(old, new, 1);
    let (problem, message) = single_issue("2027.toml", &text);
    let expected = place("2027.toml", &text, at);
    assert!(
        message.contains(&expected),
        "`{message}` should contain `{expected}`"
    );
    problem
}

#[test]
fn a_directory_adds_a_year() {
    let dir = TempDir::with(&[("2027.toml", VALID_2027), ("README.md", "not a year file")]);
    let c = Calendar::load(Some(dir.path()), DEFAULT_TIMEZONE).expect("loads");
    assert!(c.covers(2027) && c.covers(2026));
    assert!(!c.is_working_day(d("2027-10-04")));
    assert!(c.is_working_day(d("2027-10-09")));
    assert_eq!(
        c.festival("qingming", 2027),
        Some(d("2027-04-05")),
        "bare TOML dates work"
    );
    assert!(
        c.year(2027)
            .is_some_and(|y| y.source.ends_with("2027.toml"))
    );
}

#[test]
fn a_directory_replaces_a_built_in_year_whole() {
    let text = VALID_2027
        .replace("2027", "2026")
        .replace(r#"work = ["2026-09-26", "2026-10-09"]"#, "")
        .replace("2026-02-06", "2026-02-17")
        .replace("2026-02-05", "2026-02-15")
        .replace("2026-02-13", "2026-02-23")
        .replace("2026-02-14", "2026-02-28")
        .replace("2026-04-03", "2026-04-04")
        .replace("2026-04-05\"]", "2026-04-06\"]")
        .replace("2026-05-08", "2026-05-09")
        .replace("2026-06-09", "2026-06-19")
        .replace("2026-09-15", "2026-09-25");
    let dir = TempDir::with(&[("2026.toml", &text)]);
    let c = Calendar::load(Some(dir.path()), DEFAULT_TIMEZONE).expect("loads");
    assert!(
        !c.is_working_day(d("2026-10-10")),
        "the override drops the make-up Saturday"
    );
    assert!(
        !c.is_working_day(d("2026-01-04")),
        "and the built-in new-year make-up day"
    );
    assert!(c.covers(2025), "other built-in years stay");
}

#[test]
fn a_missing_directory_is_an_error_naming_it() {
    let missing = std::env::temp_dir().join("anjuan-calendar-no-such-dir");
    let err = Calendar::load(Some(&missing), DEFAULT_TIMEZONE).expect_err("error");
    assert!(matches!(err, CalendarError::ReadDir { .. }));
    assert!(err.to_string().contains("anjuan-calendar-no-such-dir"));
}

#[test]
fn a_day_arranged_by_two_files_is_rejected() {
    let y2027 = VALID_2027.replacen(
        "[\"2027-01-01\", \"2027-01-03\"]",
        "[\"2026-12-31\", \"2027-01-03\"]",
        1,
    );
    let builtin_2026 = include_str!("../../../../calendar/2026.toml")
        .replacen(
            "off = [\"2026-10-01\", \"2026-10-07\"]",
            "off = [\"2026-10-01\", \"2026-12-31\"]",
            1,
        )
        .replacen(
            "work = [\"2026-09-20\", \"2026-10-10\"]",
            "work = [\"2026-09-20\"]",
            1,
        );
    let dir = TempDir::with(&[("2026.toml", &builtin_2026), ("2027.toml", &y2027)]);
    let Err(CalendarError::Invalid(issues)) = Calendar::load(Some(dir.path()), DEFAULT_TIMEZONE)
    else {
        panic!("expected issues");
    };
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert!(
        matches!(&issues[0].problem, Problem::DayInOtherFile { date, other } if *date == d("2026-12-31") && other.ends_with("2026.toml"))
    );
    assert!(
        issues[0]
            .to_string()
            .contains("2027.toml:7:7: 2026-12-31 is also arranged by"),
        "{}",
        issues[0]
    );
}

#[test]
fn all_issues_of_all_files_are_reported_at_once() {
    let bad_2027 = VALID_2027
        .replacen("\"2027-10-09\"]", "\"2027-10-11\"]", 1)
        .replacen("date = \"2027-09-15\"", "date = \"2026-09-15\"", 1);
    let dir = TempDir::with(&[("2027.toml", &bad_2027), ("2028.toml", "year = \"2028\"")]);
    let err = Calendar::load(Some(dir.path()), DEFAULT_TIMEZONE).expect_err("error");
    let text = err.to_string();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains("2028.toml:1:8: "), "{text}");
}
