//! The published arrangements, pinned independently of the data files: a mistake in a file
//! must show up here as a named day, not as a deadline one day off in production.

use chrono::{Datelike, NaiveDate, Weekday};

use super::{cal, d};
use crate::calendar::DayRange;

/// One notice item: festival key, first and last day off, make-up working days.
type Item = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

/// 国务院办公厅关于2025年部分节假日安排的通知.
const Y2025: [Item; 6] = [
    ("new-year", "2025-01-01", "2025-01-01", &[]),
    (
        "spring-festival",
        "2025-01-28",
        "2025-02-04",
        &["2025-01-26", "2025-02-08"],
    ),
    ("qingming", "2025-04-04", "2025-04-06", &[]),
    ("labour-day", "2025-05-01", "2025-05-05", &["2025-04-27"]),
    ("dragon-boat", "2025-05-31", "2025-06-02", &[]),
    (
        "national-day",
        "2025-10-01",
        "2025-10-08",
        &["2025-09-28", "2025-10-11"],
    ),
];

/// 国务院办公厅关于2026年部分节假日安排的通知.
const Y2026: [Item; 7] = [
    ("new-year", "2026-01-01", "2026-01-03", &["2026-01-04"]),
    (
        "spring-festival",
        "2026-02-15",
        "2026-02-23",
        &["2026-02-14", "2026-02-28"],
    ),
    ("qingming", "2026-04-04", "2026-04-06", &[]),
    ("labour-day", "2026-05-01", "2026-05-05", &["2026-05-09"]),
    ("dragon-boat", "2026-06-19", "2026-06-21", &[]),
    ("mid-autumn", "2026-09-25", "2026-09-27", &[]),
    (
        "national-day",
        "2026-10-01",
        "2026-10-07",
        &["2026-09-20", "2026-10-10"],
    ),
];

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Every day of `year` against the items: off days are off, make-up days worked, and every
/// other day follows the week.
fn check_year_day_by_day(year: i32, items: &[Item]) {
    let c = cal();
    let mut day = d(&format!("{year}-01-01"));
    while day.year() == year {
        let off = items.iter().any(|(_, a, b, _)| d(a) <= day && day <= d(b));
        let work = items
            .iter()
            .any(|(_, _, _, w)| w.iter().any(|x| d(x) == day));
        let expected = work || (!off && !is_weekend(day));
        assert_eq!(c.is_working_day(day), expected, "{day} ({})", day.weekday());
        day = day.succ_opt().expect("date");
    }
}

#[test]
fn published_2025_schedule_day_by_day() {
    check_year_day_by_day(2025, &Y2025);
}

#[test]
fn published_2026_schedule_day_by_day() {
    check_year_day_by_day(2026, &Y2026);
}

#[test]
fn listed_holidays_match_the_notices() {
    let c = cal();
    for (year, items) in [(2025, &Y2025[..]), (2026, &Y2026[..])] {
        for (key, first, last, work) in items {
            let h = c
                .holidays(year)
                .iter()
                .find(|h| h.festival == *key)
                .expect("holiday");
            assert_eq!(
                h.off,
                Some(DayRange {
                    first: d(first),
                    last: d(last)
                }),
                "{year} {key}"
            );
            let expected: Vec<NaiveDate> = work.iter().map(|w| d(w)).collect();
            assert_eq!(h.work, expected, "{year} {key}");
        }
    }
}

#[test]
fn mid_autumn_2025_shares_the_national_day_days_off() {
    let c = cal();
    let h = c
        .holidays(2025)
        .iter()
        .find(|h| h.festival == "mid-autumn")
        .expect("holiday");
    assert_eq!(
        (h.date, h.off, h.joined.as_deref()),
        (d("2025-10-06"), None, Some("national-day"))
    );
}

#[test]
fn national_day_2026_is_off_1_to_7_october_with_20_september_and_10_october_worked() {
    let c = cal();
    for day in 1..=7 {
        assert!(!c.is_working_day(d(&format!("2026-10-{day:02}"))));
    }
    assert!(
        c.is_working_day(d("2026-09-20")),
        "Sunday 20 September is worked"
    );
    assert!(
        c.is_working_day(d("2026-10-10")),
        "Saturday 10 October is worked"
    );
    assert!(c.is_working_day(d("2026-10-08")));
    assert!(
        !c.is_working_day(d("2026-10-11")),
        "Sunday 11 October is an ordinary Sunday"
    );
}

#[test]
fn spring_festival_2026_runs_nine_days_with_two_saturdays_worked() {
    let c = cal();
    assert_eq!(c.working_days_between(d("2026-02-14"), d("2026-02-23")), 0);
    assert!(c.is_working_day(d("2026-02-14")) && c.is_working_day(d("2026-02-28")));
    assert_eq!(c.next_working_day(d("2026-02-14")), d("2026-02-24"));
}

#[test]
fn working_days_per_year_2020_to_2026() {
    // Counts of 国务院 arrangements: 2020 includes the COVID-19 extension of Spring Festival.
    let c = cal();
    let totals = [
        (2020, 249),
        (2021, 250),
        (2022, 249),
        (2023, 249),
        (2024, 251),
        (2025, 248),
        (2026, 248),
    ];
    for (year, total) in totals {
        let n = c.working_days_between(
            d(&format!("{}-12-31", year - 1)),
            d(&format!("{year}-12-31")),
        );
        assert_eq!(n, total, "{year}");
    }
}

#[test]
fn spring_festival_2020_extension_to_2_february_is_observed() {
    let c = cal();
    assert!(!c.is_working_day(d("2020-01-31")));
    assert!(
        !c.is_working_day(d("2020-02-01")),
        "the make-up Saturday was cancelled"
    );
    assert!(c.is_working_day(d("2020-02-03")));
    assert!(c.is_working_day(d("2020-01-19")));
}

#[test]
fn new_year_2023_starts_in_the_previous_december() {
    let c = cal();
    let h = c
        .holidays(2023)
        .iter()
        .find(|h| h.festival == "new-year")
        .expect("holiday");
    assert_eq!(h.off.map(|r| r.first), Some(d("2022-12-31")));
    assert!(!c.is_working_day(d("2023-01-02")));
}

#[test]
fn festival_dates_2020_to_2027() {
    let c = cal();
    let expected = [
        (2020, "2020-01-25", "2020-06-25", "2020-10-01"),
        (2021, "2021-02-12", "2021-06-14", "2021-09-21"),
        (2022, "2022-02-01", "2022-06-03", "2022-09-10"),
        (2023, "2023-01-22", "2023-06-22", "2023-09-29"),
        (2024, "2024-02-10", "2024-06-10", "2024-09-17"),
        (2025, "2025-01-29", "2025-05-31", "2025-10-06"),
        (2026, "2026-02-17", "2026-06-19", "2026-09-25"),
        (2027, "2027-02-06", "2027-06-09", "2027-09-15"),
    ];
    for (year, spring, dragon, autumn) in expected {
        assert_eq!(
            c.festival("spring-festival", year),
            Some(d(spring)),
            "{year}"
        );
        assert_eq!(c.festival("dragon-boat", year), Some(d(dragon)), "{year}");
        assert_eq!(c.festival("mid-autumn", year), Some(d(autumn)), "{year}");
    }
    assert_eq!(c.festival("qingming", 2026), Some(d("2026-04-05")));
    assert_eq!(c.festival("national-day", 2019), None);
    assert_eq!(c.festival("no-such-festival", 2026), None);
}

#[test]
fn every_year_file_gives_all_seven_festivals() {
    let c = cal();
    for year in 2020..=2027 {
        for key in crate::calendar::FESTIVALS {
            assert!(c.festival(key, year).is_some(), "{key} {year}");
        }
    }
}

#[test]
fn covers_published_years_only() {
    let c = cal();
    for year in 2020..=2026 {
        assert!(c.covers(year), "{year}");
    }
    assert!(!c.covers(2019));
    assert!(!c.covers(2027), "2027 carries festival dates only");
    assert!(c.year(2027).is_some_and(|y| !y.published));
    assert!(c.holidays(2019).is_empty());
}

#[test]
fn uncovered_years_fall_back_to_monday_to_friday() {
    let c = cal();
    assert!(
        c.is_working_day(d("2027-10-01")),
        "a Friday with no published arrangement"
    );
    assert!(!c.is_working_day(d("2027-10-02")));
    assert!(c.is_working_day(d("2019-10-01")));
    assert_eq!(c.next_working_day(d("2027-10-01")), d("2027-10-04"));
}
