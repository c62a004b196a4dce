//! Checks of one year file, each naming file:line:column and a plain reason.

use super::d;
use super::loading::{TempDir, VALID_2027, broken, single_issue};
use crate::calendar::{Calendar, CalendarError, DEFAULT_TIMEZONE, Problem};

#[test]
fn toml_syntax_errors_name_the_line_and_column() {
    let text = VALID_2027.replacen(
        "notice = \"test arrangement\"",
        "notice = \"unterminated",
        1,
    );
    let (problem, message) = single_issue("2027.toml", &text);
    assert!(matches!(problem, Problem::Toml(_)));
    assert!(message.contains("2027.toml:2:"), "{message}");
}

#[test]
fn unknown_keys_are_rejected_where_they_stand() {
    let problem = broken("work = [\"2027-05-08\"]", "wrok = [\"2027-05-08\"]", "wrok");
    assert!(
        matches!(&problem, Problem::Toml(m) if m.contains("wrok")),
        "{problem}"
    );
}

#[test]
fn an_impossible_date_is_rejected() {
    let problem = broken(
        "\"2027-06-09\", \"2027-06-09\"",
        "\"2027-06-09\", \"2027-06-31\"",
        "\"2027-06-31\"",
    );
    assert!(
        matches!(&problem, Problem::Toml(m) if m.contains("2027-06-31")),
        "{problem}"
    );
}

#[test]
fn a_date_outside_the_year_is_rejected() {
    let problem = broken(
        "date = \"2027-09-15\"",
        "date = \"2026-09-15\"",
        "\"2026-09-15\"",
    );
    assert_eq!(
        problem,
        Problem::DateOutsideYear {
            date: d("2026-09-15"),
            year: 2027
        }
    );
}

#[test]
fn only_the_new_year_holiday_may_begin_in_the_previous_december() {
    let text = VALID_2027.replacen(
        "[\"2027-01-01\", \"2027-01-03\"]",
        "[\"2026-12-31\", \"2027-01-03\"]",
        1,
    );
    let dir = TempDir::with(&[("2027.toml", &text)]);
    let c = Calendar::load(Some(dir.path()), DEFAULT_TIMEZONE).expect("loads");
    assert!(!c.is_working_day(d("2026-12-31")));
    let problem = broken(
        "[\"2027-02-05\", \"2027-02-13\"]",
        "[\"2026-12-31\", \"2027-02-13\"]",
        "\"2026-12-31\"",
    );
    assert_eq!(
        problem,
        Problem::DateOutsideYear {
            date: d("2026-12-31"),
            year: 2027
        }
    );
}

#[test]
fn an_off_range_ending_before_it_starts_is_rejected() {
    let problem = broken(
        "[\"2027-10-01\", \"2027-10-07\"]",
        "[\"2027-10-07\", \"2027-10-01\"]",
        "\"2027-10-01\"]",
    );
    assert_eq!(
        problem,
        Problem::RangeReversed {
            first: d("2027-10-07"),
            last: d("2027-10-01")
        }
    );
}

#[test]
fn an_off_range_needs_two_dates() {
    let problem = broken(
        "[\"2027-09-15\", \"2027-09-15\"]",
        "[\"2027-09-15\"]",
        "[\"2027-09-15\"]",
    );
    assert_eq!(problem, Problem::OffShape);
}

#[test]
fn a_make_up_day_that_is_not_a_weekend_is_rejected() {
    let problem = broken("\"2027-10-09\"]", "\"2027-10-11\"]", "\"2027-10-11\"");
    assert_eq!(
        problem,
        Problem::MakeUpNotWeekend {
            date: d("2027-10-11"),
            weekday: chrono::Weekday::Mon
        }
    );
    assert!(problem.to_string().contains("is a Monday;"), "{problem}");
}

#[test]
fn a_make_up_day_inside_days_off_is_rejected() {
    let problem = broken(
        "work = [\"2027-02-14\"]",
        "work = [\"2027-10-02\"]",
        "\"2027-10-02\"",
    );
    assert_eq!(
        problem,
        Problem::WorkDayIsOff {
            date: d("2027-10-02"),
            festival: "national-day".into()
        }
    );
}

#[test]
fn overlapping_holidays_are_rejected() {
    // Qingming stretched to 1 May runs into Labour Day; the later holiday is the one flagged.
    let old = "[\"2027-04-03\", \"2027-04-05\"]";
    let problem = broken(
        old,
        "[\"2027-04-03\", \"2027-05-01\"]",
        "[\"2027-05-01\", \"2027-05-05\"]",
    );
    let expected = Problem::Overlap {
        festival: "labour-day".into(),
        other: "qingming".into(),
    };
    assert_eq!(problem, expected);
    assert_eq!(
        problem.to_string(),
        "the days off of labour-day overlap those of qingming"
    );
}

#[test]
fn duplicate_festival_keys_are_rejected() {
    let text =
        format!("{VALID_2027}\n[[holiday]]\nfestival = \"qingming\"\ndate = \"2027-04-05\"\n");
    let (problem, message) = single_issue("2027.toml", &text);
    assert_eq!(
        problem,
        Problem::DuplicateFestival {
            key: "qingming".into()
        }
    );
    assert!(
        message.contains("2027.toml:44:12: festival `qingming` appears twice"),
        "{message}"
    );
}

#[test]
fn unknown_festival_keys_are_rejected_and_the_real_one_is_missed() {
    let text = VALID_2027.replacen("festival = \"dragon-boat\"", "festival = \"dragonboat\"", 1);
    let dir = TempDir::with(&[("2027.toml", &text)]);
    let Err(CalendarError::Invalid(issues)) = Calendar::load(Some(dir.path()), DEFAULT_TIMEZONE)
    else {
        panic!("expected issues");
    };
    let problems: Vec<_> = issues.iter().map(|i| i.problem.clone()).collect();
    assert_eq!(
        problems,
        [
            Problem::UnknownFestival {
                key: "dragonboat".into()
            },
            Problem::MissingFestival {
                key: "dragon-boat".into()
            }
        ]
    );
    assert!(
        issues[0]
            .to_string()
            .contains("2027.toml:27:12: unknown festival `dragonboat`"),
        "{}",
        issues[0]
    );
    assert!(
        issues[1]
            .to_string()
            .contains("2027.toml:1:8: festival `dragon-boat` is missing"),
        "{}",
        issues[1]
    );
}

#[test]
fn a_festival_day_outside_its_days_off_is_rejected() {
    let problem = broken(
        "date = \"2027-06-09\"",
        "date = \"2027-06-10\"",
        "\"2027-06-10\"",
    );
    assert!(matches!(problem, Problem::DateNotOff { .. }), "{problem}");
}

#[test]
fn a_file_must_be_named_after_its_year() {
    let (problem, message) = single_issue("2028.toml", VALID_2027);
    assert_eq!(problem, Problem::FileName { year: 2027 });
    assert!(
        message.contains("2028.toml:1:8: the file declares year 2027"),
        "{message}"
    );
}

#[test]
fn joined_must_name_a_festival_with_days_off() {
    let problem = broken(
        "off = [\"2027-09-15\", \"2027-09-15\"]",
        "joined = \"dragon-boat-x\"",
        "\"dragon-boat-x\"",
    );
    assert_eq!(
        problem,
        Problem::JoinedWithoutOff {
            key: "dragon-boat-x".into()
        }
    );
}

#[test]
fn a_published_holiday_needs_days_off() {
    let problem = broken(
        "off = [\"2027-09-15\", \"2027-09-15\"]\n",
        "",
        "\"mid-autumn\"",
    );
    assert_eq!(problem, Problem::MissingOff);
}

#[test]
fn an_unpublished_year_gives_dates_only() {
    let text = VALID_2027.replacen("notice = \"test arrangement\"", "published = false", 1);
    let dir = TempDir::with(&[("2027.toml", &text)]);
    let Err(CalendarError::Invalid(issues)) = Calendar::load(Some(dir.path()), DEFAULT_TIMEZONE)
    else {
        panic!("expected issues");
    };
    assert!(
        issues.iter().all(|i| i.problem == Problem::NotPublished),
        "{issues:#?}"
    );
    assert_eq!(
        issues.len(),
        10,
        "seven off ranges and three holidays with make-up days"
    );
}

#[test]
fn a_make_up_day_listed_twice_is_rejected() {
    let problem = broken(
        "work = [\"2027-05-08\"]",
        "work = [\"2027-02-14\"]",
        "\"2027-02-14\"]\n\n[[holiday]]\nfestival = \"dragon-boat\"",
    );
    assert_eq!(
        problem,
        Problem::DuplicateWorkDay {
            date: d("2027-02-14")
        }
    );
}

/// Mid-Autumn moved into the National Day holiday, followed by `then`.
fn mid_autumn_in_national_day(then: &str) -> (&'static str, String) {
    let old = "date = \"2027-09-15\"\noff = [\"2027-09-15\", \"2027-09-15\"]";
    (
        old,
        format!("date = \"2027-10-03\"\njoined = \"national-day\"\n{then}"),
    )
}

#[test]
fn a_joined_holiday_shares_the_days_off() {
    let (old, new) = mid_autumn_in_national_day("");
    let dir = TempDir::with(&[("2027.toml", &VALID_2027.replacen(old, &new, 1))]);
    let c = Calendar::load(Some(dir.path()), DEFAULT_TIMEZONE).expect("loads");
    let h = c
        .year(2027)
        .and_then(|y| y.holiday("mid-autumn"))
        .expect("holiday");
    assert_eq!((h.off, h.joined.as_deref()), (None, Some("national-day")));
}

#[test]
fn off_and_joined_together_are_rejected() {
    let (old, new) = mid_autumn_in_national_day("off = [\"2027-10-03\", \"2027-10-03\"]");
    let problem = broken(old, &new, "[\"2027-10-03\", \"2027-10-03\"]");
    assert_eq!(problem, Problem::OffAndJoined);
}

#[test]
fn a_joined_holiday_takes_no_make_up_days() {
    let (old, new) = mid_autumn_in_national_day("work = [\"2027-09-19\"]");
    let problem = broken(old, &new, "\"2027-09-19\"");
    assert_eq!(problem, Problem::WorkWithoutOff);
}

#[test]
fn a_joined_festival_day_must_fall_in_the_shared_days_off() {
    let text = VALID_2027.replacen(
        "off = [\"2027-09-15\", \"2027-09-15\"]",
        "joined = \"national-day\"",
        1,
    );
    let (problem, message) = single_issue("2027.toml", &text);
    assert!(matches!(problem, Problem::DateNotOff { .. }), "{problem}");
    assert!(
        message.contains(
            "festival day 2027-09-15 is not among its days off (2027-10-01 to 2027-10-07)"
        ),
        "{message}"
    );
}

#[test]
fn a_make_up_day_outside_the_year_is_reported_once() {
    let problem = broken("\"2027-09-26\"", "\"2028-09-24\"", "\"2028-09-24\"");
    assert_eq!(
        problem,
        Problem::DateOutsideYear {
            date: d("2028-09-24"),
            year: 2027
        }
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    // The Chinese name before the mistake takes 9 bytes but 3 columns.
    let old = "name = { zh = \"国庆节\", en = \"National Day\" }";
    let problem = broken(
        old,
        "name = { zh = \"国庆节\", fr = \"Fête nationale\" }",
        "fr =",
    );
    assert!(
        matches!(&problem, Problem::Toml(m) if m.contains("fr")),
        "{problem}"
    );
}
