//! Deadline arithmetic: each rule of `Calendar::due`, with the examples of the statutes.

use chrono::{DateTime, TimeZone, Utc};

use super::{cal, d};
use crate::calendar::{Anchor, Calendar, Span};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test instant")
        .with_timezone(&Utc)
}

#[test]
fn hours_from_an_instant_are_exact() {
    let t = utc("2026-09-30T10:15:00+08:00");
    assert_eq!(
        cal().due(Anchor::Instant(t), Span::Hours(24)),
        utc("2026-10-01T10:15:00+08:00")
    );
}

#[test]
fn hours_from_a_date_count_from_local_midnight() {
    let due = cal().due(Anchor::Date(d("2026-09-30")), Span::Hours(24));
    assert_eq!(due, utc("2026-10-01T00:00:00+08:00"));
}

#[test]
fn ninety_natural_days_keep_the_local_clock_time() {
    let t = utc("2026-09-30T10:00:00+08:00");
    let due = cal().due(Anchor::Instant(t), Span::NaturalDays(90));
    assert_eq!(due, utc("2026-12-29T10:00:00+08:00"));
}

#[test]
fn natural_days_from_a_date_end_with_the_last_local_day() {
    let due = cal().due(Anchor::Date(d("2026-09-30")), Span::NaturalDays(90));
    assert_eq!(due, utc("2026-12-29T23:59:59+08:00"));
}

#[test]
fn report_issued_2026_09_30_with_10_working_days_is_due_end_of_2026_10_20() {
    // National Day 1-7 October is off, Saturday 10 October is worked.
    let due = cal().due(Anchor::Date(d("2026-09-30")), Span::WorkingDays(10));
    assert_eq!(due, utc("2026-10-20T23:59:59+08:00"));
}

#[test]
fn working_days_count_from_the_local_date_not_the_utc_date() {
    // 01:00 on 30 September in Shanghai is still 29 September in UTC.
    let t = utc("2026-09-30T01:00:00+08:00");
    let due = cal().due(Anchor::Instant(t), Span::WorkingDays(10));
    assert_eq!(due, utc("2026-10-20T23:59:59+08:00"));
}

#[test]
fn zero_working_days_is_the_anchor_day_when_it_is_worked() {
    let c = cal();
    let ends = |day: &str| c.due(Anchor::Date(d(day)), Span::WorkingDays(0));
    assert_eq!(ends("2026-09-30"), utc("2026-09-30T23:59:59+08:00"));
    assert_eq!(
        ends("2026-10-10"),
        utc("2026-10-10T23:59:59+08:00"),
        "a worked Saturday"
    );
}

#[test]
fn zero_working_days_from_a_day_off_is_the_next_working_day() {
    let due = cal().due(Anchor::Date(d("2026-10-01")), Span::WorkingDays(0));
    assert_eq!(due, utc("2026-10-08T23:59:59+08:00"));
}

#[test]
fn natural_days_across_a_clock_change_keep_the_wall_clock() {
    let berlin = Calendar::weekdays_only(chrono_tz::Europe::Berlin);
    let t = utc("2026-03-28T10:00:00+01:00");
    let due = berlin.due(Anchor::Instant(t), Span::NaturalDays(1));
    assert_eq!(
        due,
        utc("2026-03-29T10:00:00+02:00"),
        "23 hours later, same clock time"
    );
    assert_eq!(
        berlin.due(Anchor::Instant(t), Span::Hours(24)),
        utc("2026-03-29T11:00:00+02:00")
    );
}

#[test]
fn a_day_whose_midnight_is_skipped_starts_when_the_clock_resumes() {
    // Cuba moves its clocks from 00:00 to 01:00 on the second Sunday of March.
    let havana = Calendar::weekdays_only(chrono_tz::America::Havana);
    assert_eq!(
        havana.start_of_day(d("2026-03-08")),
        utc("2026-03-08T01:00:00-04:00")
    );
    assert_eq!(
        havana.end_of_day(d("2026-03-07")),
        utc("2026-03-07T23:59:59-05:00")
    );
}

#[test]
fn huge_spans_saturate_instead_of_panicking() {
    let c = cal();
    let t = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("instant");
    for span in [
        Span::Hours(u32::MAX),
        Span::NaturalDays(u32::MAX),
        Span::WorkingDays(u32::MAX),
    ] {
        assert_eq!(
            c.due(Anchor::Instant(t), span),
            DateTime::<Utc>::MAX_UTC,
            "{span}"
        );
        assert_eq!(
            c.due(Anchor::Date(d("2026-01-01")), span),
            DateTime::<Utc>::MAX_UTC,
            "{span}"
        );
    }
}

#[test]
fn spans_read_as_one_key_maps() {
    let read = |s: &str| serde_json::from_str::<Span>(s);
    assert_eq!(read(r#"{"hours": 24}"#).ok(), Some(Span::Hours(24)));
    assert_eq!(
        read(r#"{"natural_days": 90}"#).ok(),
        Some(Span::NaturalDays(90))
    );
    assert_eq!(
        read(r#"{"working_days": 10}"#).ok(),
        Some(Span::WorkingDays(10))
    );
    #[derive(serde::Deserialize)]
    struct Deadline {
        within: Span,
    }
    let toml: Deadline = toml::from_str("within = { working_days = 10 }").expect("toml");
    assert_eq!(toml.within, Span::WorkingDays(10));
}

#[test]
fn spans_with_zero_or_two_keys_or_a_bad_unit_are_rejected() {
    let error = |s: &str| {
        serde_json::from_str::<Span>(s)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(error("{}").contains("empty duration"), "{}", error("{}"));
    let two = error(r#"{"hours": 1, "working_days": 2}"#);
    assert!(two.contains("exactly one unit"), "{two}");
    assert!(error(r#"{"days": 3}"#).contains("unknown field `days`"));
    assert!(!error(r#"{"hours": -1}"#).is_empty());
    assert!(!error(r#""hours""#).is_empty());
}

#[test]
fn spans_write_as_they_read_and_display_in_words() {
    let json = serde_json::to_string(&Span::WorkingDays(10)).expect("json");
    assert_eq!(json, r#"{"working_days":10}"#);
    assert_eq!(
        serde_json::to_string(&Span::NaturalDays(90)).expect("json"),
        r#"{"natural_days":90}"#
    );
    assert_eq!(Span::Hours(24).to_string(), "24 hours");
    assert_eq!(Span::WorkingDays(10).to_string(), "10 working days");
}

#[test]
fn local_date_uses_the_deployment_time_zone() {
    let c = cal();
    assert_eq!(c.timezone(), chrono_tz::Asia::Shanghai);
    assert_eq!(c.local_date(utc("2026-09-30T16:30:00Z")), d("2026-10-01"));
}
