//! [`HostServices`]: what the host needs from the server, and [`MemoryServices`], an
//! in-memory stand-in for tests and `anjuan plugin run`.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// A count query as the host resolved it from the manifest: count the cases of
/// `case_type` in `programme` whose data at each pointer equals the given value.
#[derive(Debug, Clone, PartialEq)]
pub struct CountRequest<'a> {
    /// Plugin asking.
    pub plugin: &'a str,
    /// Programme of the case the call is about (from the envelope).
    pub programme: &'a str,
    /// The user the call is made for (the envelope's actor; empty for `describe`), so
    /// the server can record who looked something up.
    pub actor: &'a str,
    /// Query name, as declared in the manifest.
    pub query: &'a str,
    /// Case type counted.
    pub case_type: &'a str,
    /// (JSON Pointer into the counted case's data — or `@parent` for the counted case's
    /// parent id — and the value it must equal), from the manifest's `params` and the
    /// plugin's arguments.
    pub filters: Vec<(&'a str, Value)>,
    /// The plugin's arguments as passed (a JSON object).
    pub params: &'a Value,
}

/// What the plugin host needs from the server. The core implements it over its calendar
/// and store; calls are made on the blocking thread that runs the plugin.
pub trait HostServices: Send + Sync {
    /// `date` plus `days` working days (the next working day counted as the first).
    fn add_working_days(&self, date: NaiveDate, days: u32) -> Result<NaiveDate, String>;
    /// Working days in (`start`, `end`]; negative when `end` is before `start`.
    fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> Result<i64, String>;
    /// Answers a declared count query.
    fn count(&self, request: &CountRequest<'_>) -> Result<u64, String>;
}

type Calendar = Box<dyn Fn(NaiveDate) -> bool + Send + Sync>;

/// In-memory [`HostServices`]: working days Monday–Friday (or a calendar function you
/// give), counts from a table (`--counts counts.json`).
///
/// The counts file maps a query name either to a number (the answer whatever the
/// parameters) or to a list of `{"params": {...}, "count": n}` (the answer for exactly
/// those parameters; others count 0):
/// ```json
/// { "batches-in-plan-from-business": [ { "params": { "plan": "2026", "business": "X" }, "count": 5 } ],
///   "other-query": 2 }
/// ```
pub struct MemoryServices {
    calendar: Calendar,
    counts: BTreeMap<String, Value>,
}

impl Default for MemoryServices {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryServices {
    /// Monday–Friday, no counts (every count answers 0).
    pub fn new() -> Self {
        Self {
            calendar: Box::new(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)),
            counts: BTreeMap::new(),
        }
    }

    /// Uses `is_working_day` as the calendar.
    pub fn with_calendar(
        mut self,
        is_working_day: impl Fn(NaiveDate) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.calendar = Box::new(is_working_day);
        self
    }

    /// Query `query` answers `n` whatever the parameters.
    pub fn with_count(mut self, query: &str, n: u64) -> Self {
        self.counts.insert(query.into(), Value::from(n));
        self
    }

    /// Sets the count table from JSON (see the type's docs).
    pub fn with_counts_json(mut self, counts: &Value) -> Result<Self, String> {
        let obj = counts.as_object().ok_or("counts must be a JSON object")?;
        for (k, v) in obj {
            let ok = v.is_u64()
                || v.as_array().is_some_and(|a| {
                    a.iter().all(|e| {
                        e.get("params").is_some_and(Value::is_object)
                            && e.get("count").is_some_and(Value::is_u64)
                    })
                });
            if !ok {
                return Err(format!(
                    "counts.{k}: expected a number or a list of {{params, count}}"
                ));
            }
            self.counts.insert(k.clone(), v.clone());
        }
        Ok(self)
    }

    /// Reads the count table from a JSON file.
    pub fn with_counts_file(self, path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        self.with_counts_json(&v)
    }
}

impl HostServices for MemoryServices {
    fn add_working_days(&self, date: NaiveDate, days: u32) -> Result<NaiveDate, String> {
        let mut d = date;
        let mut left = days;
        while left > 0 {
            d = d
                .checked_add_days(Days::new(1))
                .ok_or("date out of range")?;
            if (self.calendar)(d) {
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
            .filter(|d| (self.calendar)(*d))
            .count();
        Ok(sign * i64::try_from(n).map_err(|e| e.to_string())?)
    }

    fn count(&self, request: &CountRequest<'_>) -> Result<u64, String> {
        Ok(match self.counts.get(request.query) {
            Some(Value::Array(entries)) => entries
                .iter()
                .find(|e| e.get("params") == Some(request.params))
                .and_then(|e| e.get("count").and_then(Value::as_u64))
                .unwrap_or(0),
            Some(v) => v.as_u64().unwrap_or(0),
            None => 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_by_query_and_params() {
        let s = MemoryServices::new()
            .with_counts_json(&json!({"a": 3, "b": [{"params": {"x": 1}, "count": 5}]}))
            .unwrap_or_default();
        let params = json!({"x": 1});
        let mut r = CountRequest {
            plugin: "p",
            programme: "g",
            actor: "u",
            query: "a",
            case_type: "t",
            filters: vec![],
            params: &params,
        };
        assert_eq!(s.count(&r), Ok(3));
        r.query = "b";
        assert_eq!(s.count(&r), Ok(5));
        let other = json!({"x": 2});
        r.params = &other;
        assert_eq!(s.count(&r), Ok(0));
        assert!(
            MemoryServices::new()
                .with_counts_json(&json!({"a": "x"}))
                .is_err()
        );
    }
}
