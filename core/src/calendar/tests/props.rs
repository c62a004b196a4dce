//! Properties of the working-day arithmetic, over dates before, inside and after the data.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use super::{cal, d};
use crate::calendar::{Anchor, Span};

/// Dates from 2010 to 2040: long stretches with no data on both sides of 2020-2026.
fn date() -> impl Strategy<Value = NaiveDate> {
    (0u64..365 * 31).prop_map(|k| d("2010-01-01") + Days::new(k))
}

/// The obvious day-by-day answers the fast paths must agree with.
fn naive_between(a: NaiveDate, b: NaiveDate) -> i64 {
    let c = cal();
    let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
    sign * lo
        .iter_days()
        .skip(1)
        .take_while(|x| *x <= hi)
        .filter(|x| c.is_working_day(*x))
        .count() as i64
}

fn naive_add(from: NaiveDate, n: u32) -> NaiveDate {
    let c = cal();
    let mut day = from;
    for _ in 0..n {
        day = day.succ_opt().expect("date");
        while !c.is_working_day(day) {
            day = day.succ_opt().expect("date");
        }
    }
    day
}

proptest! {
    #[test]
    fn between_counts_what_add_adds(from in date(), n in 0u32..600) {
        let c = cal();
        let to = c.add_working_days(from, n);
        prop_assert_eq!(c.working_days_between(from, to), i64::from(n));
        prop_assert_eq!(c.working_days_between(to, from), -i64::from(n));
    }

    #[test]
    fn add_lands_on_the_first_day_reaching_n(from in date(), n in 1u32..600) {
        let c = cal();
        let to = c.add_working_days(from, n);
        prop_assert!(to > from && c.is_working_day(to));
        prop_assert_eq!(c.working_days_between(from, to.pred_opt().expect("date")), i64::from(n) - 1);
    }

    #[test]
    fn add_agrees_with_stepping_day_by_day(from in date(), n in 0u32..2000) {
        prop_assert_eq!(cal().add_working_days(from, n), naive_add(from, n));
    }

    #[test]
    fn between_agrees_with_counting_day_by_day(a in date(), b in date()) {
        prop_assert_eq!(cal().working_days_between(a, b), naive_between(a, b));
    }

    #[test]
    fn between_is_additive(a in date(), b in date(), x in date()) {
        let c = cal();
        prop_assert_eq!(
            c.working_days_between(a, b) + c.working_days_between(b, x),
            c.working_days_between(a, x)
        );
    }

    #[test]
    fn next_and_previous_working_days_are_adjacent(day in date()) {
        let c = cal();
        let next = c.next_working_day(day);
        let prev = c.previous_working_day(day);
        prop_assert!(prev < day && day < next);
        prop_assert!(c.is_working_day(prev) && c.is_working_day(next));
        prop_assert_eq!(c.working_days_between(day, next), 1);
        prop_assert_eq!(c.working_days_between(prev, day.pred_opt().expect("date")), 0);
    }

    #[test]
    fn working_day_deadlines_end_a_working_day_after_the_anchor(day in date(), n in 0u32..300) {
        let c = cal();
        let due = c.due(Anchor::Date(day), Span::WorkingDays(n));
        let last = c.local_date(due);
        prop_assert!(c.is_working_day(last) && last >= day);
        prop_assert_eq!(c.end_of_day(last), due);
        prop_assert_eq!(c.local_date(due + chrono::TimeDelta::seconds(1)), last.succ_opt().expect("date"));
    }
}

/// Any date chrono can hold, far outside any data.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    use chrono::Datelike;
    (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
        .prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).expect("in range"))
}

/// A valid year file with a few characters deleted, replaced or inserted.
fn mangled_year_file() -> impl Strategy<Value = String> {
    let text: Vec<char> = super::loading::VALID_2027.chars().collect();
    let len = text.len();
    proptest::collection::vec((0..len, any::<char>(), 0u8..3), 1..6).prop_map(move |edits| {
        let mut t = text.clone();
        for (at, c, op) in edits {
            let at = at.min(t.len().saturating_sub(1));
            match op {
                0 if !t.is_empty() => {
                    t.remove(at);
                }
                1 if !t.is_empty() => t[at] = c,
                _ => t.insert(at, c),
            }
        }
        t.into_iter().collect()
    })
}

fn issues_have_places(text: &str) -> Result<(), TestCaseError> {
    if let Err(issues) = crate::calendar::file::parse("2027.toml", "2027.toml", text) {
        prop_assert!(!issues.is_empty());
        let lines = text.lines().count().max(1) + 1;
        for i in issues {
            prop_assert!(i.at.line >= 1 && i.at.column >= 1, "{i:?}");
            prop_assert!(i.at.line <= lines, "{i:?} past the end of {lines} lines");
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn arithmetic_never_panics_on_any_date(a in any_date(), b in any_date(), n in any::<u32>()) {
        let c = cal();
        let _ = c.add_working_days(a, n);
        let _ = c.working_days_between(a, b);
        let _ = c.next_working_day(a);
        let _ = c.previous_working_day(b);
        let _ = c.is_working_day(a);
        let _ = c.start_of_day(a);
        let _ = c.end_of_day(b);
    }

    #[test]
    fn any_text_as_a_year_file_is_refused_with_a_place_not_a_panic(text in "\\PC{0,400}") {
        issues_have_places(&text)?;
    }

    #[test]
    fn a_mangled_year_file_is_refused_with_a_place_not_a_panic(text in mangled_year_file()) {
        issues_have_places(&text)?;
    }
}
