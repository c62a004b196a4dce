//! Tests of the calendar: the published schedules pinned day by day, deadline arithmetic,
//! loading and validation, and properties of the working-day arithmetic.

// Tests may unwrap: a failed expectation is the test failing.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use chrono::NaiveDate;

use super::Calendar;

mod deadlines;
mod loading;
mod props;
mod schedule;
mod validation;

/// A date from `YYYY-MM-DD`; tests only.
fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

fn cal() -> Calendar {
    Calendar::builtin()
}

#[test]
fn calendar_is_cheap_to_share_across_threads() {
    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    assert_send_sync_clone::<Calendar>();
}

#[test]
fn builtin_data_loads_without_issues() {
    let loaded = Calendar::load(None, super::DEFAULT_TIMEZONE);
    assert!(
        loaded.is_ok(),
        "{}",
        loaded.err().map(|e| e.to_string()).unwrap_or_default()
    );
}
