//! Time arithmetic for statutory deadlines: hours, natural days, and working days by the
//! statutory calendar of the People's Republic of China, plus festival dates for schedules.
//!
//! Working days are Monday to Friday, except the days off and the make-up working weekend days
//! (调休) that the State Council publishes each year (国务院办公厅关于…年部分节假日安排的通知).
//! That data lives in one TOML file per year (`calendar/<year>.toml` at the repository root,
//! documented in `calendar/README.md`); the files are embedded in the binary, and a deployment
//! can override or add years from a directory without rebuilding. A year with no published data
//! falls back to Monday to Friday; [`Calendar::covers`] tells the server when to warn.
//!
//! Everything happens in one time zone per deployment ([`DEFAULT_TIMEZONE`] unless configured):
//! "the end of the 10th working day" is a local notion. Instants going in and out are UTC.
//!
//! # Layout
//! - `mod.rs`: [`Calendar`]: loading entry points, lookups, working-day arithmetic.
//! - `span.rs`: [`Span`] and [`Anchor`], and [`Calendar::due`]: deadline arithmetic.
//! - `year.rs`: the public model of a year: [`CalendarYear`], [`Holiday`], [`FESTIVALS`].
//! - `file.rs`: the year-file format and its checks.
//! - `load.rs`: embedded files, the override directory, cross-file checks.
//! - `error.rs`: [`CalendarError`], [`Issue`] (file:line:column), [`Problem`].

use std::ops::Bound::{Excluded, Included, Unbounded};
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

mod error;
mod file;
mod load;
mod span;
mod year;

#[cfg(test)]
mod tests;

pub use error::{CalendarError, Issue, Location, Problem};
pub use span::{Anchor, Span};
pub use year::{CalendarYear, DayRange, FESTIVALS, Holiday, HolidayName};

use file::DayKind;

/// The time zone of a deployment that configures none.
pub const DEFAULT_TIMEZONE: Tz = chrono_tz::Asia::Shanghai;

/// The working-day calendar of one deployment: its time zone and the statutory data of the
/// years it knows. Cloning is cheap (the data sits behind an [`Arc`]); a reload builds a new
/// `Calendar` and swaps it in, so readers never see half a reload.
#[derive(Debug, Clone)]
pub struct Calendar {
    tz: Tz,
    data: Arc<load::Data>,
}

impl Calendar {
    /// The embedded data (every shipped year file) in [`DEFAULT_TIMEZONE`].
    pub fn builtin() -> Calendar {
        // The embedded files are checked by the tests, so this cannot fail in a released
        // binary; if it somehow did, Monday-to-Friday with `covers` false is the honest answer.
        Calendar::load(None, DEFAULT_TIMEZONE)
            .unwrap_or_else(|_| Calendar::weekdays_only(DEFAULT_TIMEZONE))
    }

    /// The embedded data, overridden and extended by the `*.toml` files of `dir`: a file there
    /// replaces the built-in file of the same year. A missing or unreadable `dir` is an error
    /// (the server decides whether its default directory may be absent). Every problem in every
    /// file is reported in one [`CalendarError::Invalid`].
    pub fn load(dir: Option<&Path>, tz: Tz) -> Result<Calendar, CalendarError> {
        Ok(Calendar {
            tz,
            data: Arc::new(load::load(dir)?),
        })
    }

    /// A calendar without statutory data: every Monday to Friday is a working day. For tests
    /// and for deployments outside the PRC calendar.
    pub fn weekdays_only(tz: Tz) -> Calendar {
        Calendar {
            tz,
            data: Arc::new(load::Data::default()),
        }
    }

    /// The deployment's time zone.
    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// Whether the year's holidays are known (a published file is loaded). When false, working
    /// days in that year are Monday to Friday and the server should warn.
    pub fn covers(&self, year: i32) -> bool {
        self.data.years.get(&year).is_some_and(|y| y.published)
    }

    /// The loaded data of a year, published or not.
    pub fn year(&self, year: i32) -> Option<&CalendarYear> {
        self.data.years.get(&year)
    }

    /// Every loaded year, in order.
    pub fn years(&self) -> impl Iterator<Item = &CalendarYear> {
        self.data.years.values()
    }

    /// The holidays of a year, in file order; empty if the year is not loaded.
    pub fn holidays(&self, year: i32) -> &[Holiday] {
        self.data
            .years
            .get(&year)
            .map_or(&[], |y| y.holidays.as_slice())
    }

    /// The date of a festival (a key of [`FESTIVALS`]) in a year, if that year is loaded.
    pub fn festival(&self, key: &str, year: i32) -> Option<NaiveDate> {
        self.data.years.get(&year)?.holiday(key).map(|h| h.date)
    }

    /// Every day the loaded years arrange, in order: `true` for a make-up working day,
    /// `false` for a day off; every other day is worked Monday to Friday. What a page
    /// needs to count working days as the server does.
    pub fn arranged_days(&self) -> impl Iterator<Item = (NaiveDate, bool)> + '_ {
        self.data
            .days
            .iter()
            .map(|(d, kind)| (*d, *kind == DayKind::Work))
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.data.days.get(&d) {
            Some(DayKind::Off) => false,
            Some(DayKind::Work) => true,
            None => is_weekday(d),
        }
    }

    /// The first working day strictly after `d`.
    pub fn next_working_day(&self, d: NaiveDate) -> NaiveDate {
        self.add_working_days(d, 1)
    }

    /// The last working day strictly before `d` (for "on or before" schedules that must not
    /// fall on a day off). Saturates at the earliest representable date.
    pub fn previous_working_day(&self, d: NaiveDate) -> NaiveDate {
        let mut day = d;
        while let Some(prev) = day.pred_opt() {
            day = prev;
            if self.is_working_day(day) {
                return day;
            }
        }
        NaiveDate::MIN
    }

    /// The `n`-th working day strictly after `d`; `d` itself when `n` is 0. Saturates at the
    /// latest representable date instead of overflowing.
    pub fn add_working_days(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let mut day = d;
        let mut left = u64::from(n);
        while left > 0 {
            // Far from any arranged day every 7 days hold exactly 5 working days, so whole weeks
            // can be skipped; this keeps huge `n` cheap. One day is always left to step onto,
            // so the answer is a working day.
            let weeks = (left - 1) / 5;
            let weeks = match self.data.days.range((Excluded(day), Unbounded)).next() {
                Some((next, _)) => weeks.min(((*next - day).num_days().max(1) as u64 - 1) / 7),
                None => weeks,
            };
            if weeks > 0 {
                let Some(jumped) = day.checked_add_days(Days::new(weeks * 7)) else {
                    return NaiveDate::MAX;
                };
                day = jumped;
                left -= weeks * 5;
                continue;
            }
            let Some(next) = day.succ_opt() else {
                return NaiveDate::MAX;
            };
            day = next;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The number of working days in `(a, b]`; negative (minus those in `(b, a]`) if `b < a`.
    /// So `working_days_between(d, add_working_days(d, n)) == n`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        let mut count = weekdays_through(b) - weekdays_through(a);
        for (d, kind) in self.data.days.range((Excluded(a), Included(b))) {
            match (kind, is_weekday(*d)) {
                (DayKind::Off, true) => count -= 1,
                (DayKind::Work, false) => count += 1,
                _ => {}
            }
        }
        count
    }

    /// The local date of an instant in the deployment's time zone.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A running count of Mondays to Fridays up to and including `d`, from an arbitrary origin:
/// only differences are meaningful. Day 1 of the common era (0001-01-01) was a Monday, so day
/// number `k` is a weekday exactly when `k mod 7` is 1 to 5.
fn weekdays_through(d: NaiveDate) -> i64 {
    let k = i64::from(d.num_days_from_ce());
    5 * k.div_euclid(7) + k.rem_euclid(7).min(5)
}
