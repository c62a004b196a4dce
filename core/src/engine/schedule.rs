//! When recurring work falls due, and when its case is opened.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::calendar::{Calendar, Span};
use crate::workflow::model::{Recurrence, Schedule};

/// One occurrence of a schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    /// The day it is due (by the end of it).
    pub due: NaiveDate,
    /// The day its case is opened.
    pub opens: NaiveDate,
    /// A label naming the period, unique per schedule: `2026-10`, `2026-Q4`, `2026`.
    pub period: String,
}

/// Occurrences whose opening day falls in `from..=to`, in order.
pub fn occurrences(
    s: &Schedule,
    cal: &Calendar,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Occurrence> {
    let mut out = Vec::new();
    // A due date lies at most a year and a few months after its opening day.
    for year in from.year()..=to.year() + 1 {
        for (due, period) in due_dates(&s.every, cal, year) {
            let opens = opening_day(cal, due, *s.create_before);
            if opens >= from && opens <= to {
                out.push(Occurrence { due, opens, period });
            }
        }
    }
    out.sort_by_key(|o| o.opens);
    out
}

fn due_dates(every: &Recurrence, cal: &Calendar, year: i32) -> Vec<(NaiveDate, String)> {
    let day_in = |month: u32, day: u32| last_valid(year, month, day);
    match every {
        Recurrence::Monthly { day, months } => (1..=12)
            .filter(|m| months.is_empty() || months.contains(m))
            .filter_map(|m| Some((day_in(m, *day)?, format!("{year}-{m:02}"))))
            .collect(),
        Recurrence::Quarterly { day, month } => (0..4)
            .filter_map(|q| Some((day_in(q * 3 + month, *day)?, format!("{year}-Q{}", q + 1))))
            .collect(),
        Recurrence::Yearly { month, day } => day_in(*month, *day)
            .map(|d| (d, year.to_string()))
            .into_iter()
            .collect(),
        Recurrence::BeforeFestival { festival, days } => cal
            .festival(festival, year)
            .map(|f| {
                (
                    f - Duration::days(i64::from(*days)),
                    format!("{year}-{festival}"),
                )
            })
            .into_iter()
            .collect(),
    }
}

/// The date, or the month's last day when `day` is past it (day 31 in April → 30).
fn last_valid(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    (1..=day)
        .rev()
        .find_map(|d| NaiveDate::from_ymd_opt(year, month, d))
}

fn opening_day(cal: &Calendar, due: NaiveDate, lead: Span) -> NaiveDate {
    match lead {
        Span::NaturalDays(n) => due - Duration::days(i64::from(n)),
        Span::Hours(h) => due - Duration::days(i64::from(h.div_ceil(24))),
        Span::WorkingDays(n) => {
            let mut day = due;
            let mut left = n;
            while left > 0 {
                day -= Duration::days(1);
                if cal.is_working_day(day) {
                    left -= 1;
                }
            }
            day
        }
    }
}
