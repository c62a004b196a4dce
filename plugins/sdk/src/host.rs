//! [`Host`]: the services the server offers a plugin; [`FakeHost`] for native tests.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// Log levels, mapped onto the server's tracing levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Very detailed.
    Trace,
    /// Detailed.
    Debug,
    /// Normal.
    Info,
    /// Something odd.
    Warn,
    /// Something wrong.
    Error,
}

/// Everything a plugin can ask of the server: pure or read-only.
pub trait Host {
    /// The date `days` working days after `date`.
    fn add_working_days(&self, date: NaiveDate, days: u32) -> Result<NaiveDate, String>;
    /// Working days in (`start`, `end`]; negative when `end` is before `start`.
    fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> Result<i64, String>;
    /// Answers a count query the manifest declares.
    fn count(&self, query: &str, params: &Value) -> Result<u64, String>;
    /// Writes a line into the server's log.
    fn log(&self, level: LogLevel, message: &str);
}

type CountFn = Box<dyn Fn(&Value) -> u64>;

/// A host for native tests: working days are Monday to Friday except the holidays you
/// add (plus the weekend days you mark as worked); count queries answer what you tell
/// them to; logs and count calls are recorded for assertions.
#[derive(Default)]
pub struct FakeHost {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
    counts: BTreeMap<String, CountFn>,
    count_calls: RefCell<Vec<(String, Value)>>,
    logs: RefCell<Vec<(LogLevel, String)>>,
}

impl FakeHost {
    /// A host with a Monday–Friday calendar and no count queries.
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks `date` as a day off.
    pub fn holiday(mut self, date: NaiveDate) -> Self {
        self.holidays.insert(date);
        self
    }

    /// Marks `date` (a weekend day) as worked, like a make-up working day.
    pub fn workday(mut self, date: NaiveDate) -> Self {
        self.workdays.insert(date);
        self
    }

    /// Count query `query` answers `n` whatever the parameters.
    pub fn count_answer(self, query: &str, n: u64) -> Self {
        self.count_with(query, move |_| n)
    }

    /// Count query `query` answers `f(params)`.
    pub fn count_with(mut self, query: &str, f: impl Fn(&Value) -> u64 + 'static) -> Self {
        self.counts.insert(query.into(), Box::new(f));
        self
    }

    /// Count calls made so far: (query, params).
    pub fn count_calls(&self) -> Vec<(String, Value)> {
        self.count_calls.borrow().clone()
    }

    /// Log lines written so far.
    pub fn logs(&self) -> Vec<(LogLevel, String)> {
        self.logs.borrow().clone()
    }

    /// Whether `date` is a working day in this fake calendar.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.workdays.contains(&date) {
            return true;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&date)
    }
}

impl Host for FakeHost {
    fn add_working_days(&self, date: NaiveDate, days: u32) -> Result<NaiveDate, String> {
        let mut d = date;
        let mut left = days;
        while left > 0 {
            d = d
                .checked_add_days(Days::new(1))
                .ok_or("date out of range")?;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        Ok(d)
    }

    fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> Result<i64, String> {
        let (lo, hi, sign) = if end >= start {
            (start, end, 1)
        } else {
            (end, start, -1)
        };
        let n = lo
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= hi)
            .filter(|d| self.is_working_day(*d))
            .count();
        Ok(sign * i64::try_from(n).map_err(|e| e.to_string())?)
    }

    fn count(&self, query: &str, params: &Value) -> Result<u64, String> {
        self.count_calls
            .borrow_mut()
            .push((query.into(), params.clone()));
        match self.counts.get(query) {
            Some(f) => Ok(f(params)),
            None => Err(format!(
                "count query `{query}` is not known to the fake host"
            )),
        }
    }

    fn log(&self, level: LogLevel, message: &str) {
        self.logs.borrow_mut().push((level, message.into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let host = FakeHost::new()
            .holiday(d(2026, 10, 5))
            .workday(d(2026, 10, 10));
        // Fri 2 Oct + 1 → Mon 5 Oct is a holiday → Tue 6 Oct.
        assert_eq!(host.add_working_days(d(2026, 10, 2), 1), Ok(d(2026, 10, 6)));
        // Sat 10 Oct is worked.
        assert_eq!(
            host.add_working_days(d(2026, 10, 9), 1),
            Ok(d(2026, 10, 10))
        );
        assert_eq!(
            host.working_days_between(d(2026, 10, 2), d(2026, 10, 9)),
            Ok(4)
        );
        assert_eq!(
            host.working_days_between(d(2026, 10, 9), d(2026, 10, 2)),
            Ok(-4)
        );
    }

    #[test]
    fn counts_answer_and_record() {
        let host = FakeHost::new().count_answer("q", 5);
        assert_eq!(host.count("q", &serde_json::json!({"a": 1})), Ok(5));
        assert!(host.count("other", &Value::Null).is_err());
        assert_eq!(host.count_calls().len(), 2);
    }
}
