//! Deadline arithmetic: a [`Span`] measured from an [`Anchor`] gives a due instant.
//!
//! Days are local days of the deployment's time zone; a deadline "in days" is due at the end
//! of its last day (23:59:59 local), because that is how a notice reads to the people bound by
//! it ("within 10 working days" means by the close of the 10th). Hours are exact durations.

use std::fmt;

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::Calendar;

/// How long a deadline runs. In workflow files: `{ hours: 24 }`, `{ natural_days: 90 }`,
/// `{ working_days: 10 }`: a map with exactly one of those keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    /// Exactly this many hours.
    Hours(u32),
    /// This many calendar days, weekends and holidays included.
    NaturalDays(u32),
    /// This many working days by the statutory calendar.
    WorkingDays(u32),
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Span::Hours(n) => write!(f, "{n} hours"),
            Span::NaturalDays(n) => write!(f, "{n} natural days"),
            Span::WorkingDays(n) => write!(f, "{n} working days"),
        }
    }
}

const SPAN_KEYS: &[&str] = &["hours", "natural_days", "working_days"];

// Written by hand rather than derived: serde's derived enum accepts a bare string
// ("hours") in some formats and is lax about extra keys in others, while a duration without
// its number, or with two units, is a mistake in a workflow file whatever the format.
impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Span, D::Error> {
        deserializer.deserialize_map(SpanVisitor)
    }
}

struct SpanVisitor;

impl<'de> Visitor<'de> for SpanVisitor {
    type Value = Span;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a duration such as { hours: 24 }, { natural_days: 90 } or { working_days: 10 }",
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Span, A::Error> {
        let Some(key) = map.next_key::<String>()? else {
            return Err(de::Error::custom(
                "empty duration: give one of hours, natural_days, working_days",
            ));
        };
        let span = match key.as_str() {
            "hours" => Span::Hours(map.next_value()?),
            "natural_days" => Span::NaturalDays(map.next_value()?),
            "working_days" => Span::WorkingDays(map.next_value()?),
            other => return Err(de::Error::unknown_field(other, SPAN_KEYS)),
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(de::Error::custom(format!(
                "a duration has exactly one unit, but `{key}` and `{extra}` are both given"
            )));
        }
        Ok(span)
    }
}

/// Where a deadline is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// A moment: a case's creation, entry into a state.
    Instant(DateTime<Utc>),
    /// A local date from a case's data (a report's issue date), with no time of day.
    Date(NaiveDate),
}

impl Calendar {
    /// When a deadline of `span` measured from `anchor` falls due:
    /// - `Hours(n)`: exactly `n` hours after the instant, or after local midnight starting the
    ///   date.
    /// - `NaturalDays(n)`: from an instant, the same local clock time `n` days later; from a
    ///   date, the end of the local day `n` days later.
    /// - `WorkingDays(n)`: the end of the `n`-th working day strictly after the anchor's local
    ///   date; `WorkingDays(0)` is the end of that date if it is a working day, else the end of
    ///   the next working day.
    ///
    /// Results past the representable range saturate at [`DateTime::<Utc>::MAX_UTC`].
    pub fn due(&self, anchor: Anchor, span: Span) -> DateTime<Utc> {
        match (span, anchor) {
            (Span::Hours(n), Anchor::Instant(t)) => add_hours(t, n),
            (Span::Hours(n), Anchor::Date(d)) => add_hours(self.start_of_day(d), n),
            (Span::NaturalDays(n), Anchor::Instant(t)) => {
                let local = t.with_timezone(&self.tz).naive_local();
                match local.checked_add_days(Days::new(u64::from(n))) {
                    Some(later) => self.resolve(later),
                    None => DateTime::<Utc>::MAX_UTC,
                }
            }
            (Span::NaturalDays(n), Anchor::Date(d)) => {
                match d.checked_add_days(Days::new(u64::from(n))) {
                    Some(last) => self.end_of_day(last),
                    None => DateTime::<Utc>::MAX_UTC,
                }
            }
            (Span::WorkingDays(n), anchor) => {
                let from = match anchor {
                    Anchor::Instant(t) => self.local_date(t),
                    Anchor::Date(d) => d,
                };
                let last = match n {
                    0 if self.is_working_day(from) => from,
                    0 => self.next_working_day(from),
                    n => self.add_working_days(from, n),
                };
                self.end_of_day(last)
            }
        }
    }

    /// The first instant of a local day (midnight, unless a clock change skips it).
    pub fn start_of_day(&self, d: NaiveDate) -> DateTime<Utc> {
        self.resolve(d.and_time(NaiveTime::MIN))
    }

    /// The last second of a local day: 23:59:59 local, one second before the next day starts.
    pub fn end_of_day(&self, d: NaiveDate) -> DateTime<Utc> {
        match d.succ_opt() {
            Some(next) => self.start_of_day(next) - TimeDelta::seconds(1),
            None => DateTime::<Utc>::MAX_UTC,
        }
    }

    /// The instant a local clock reading names. A reading repeated when clocks go back means
    /// its first occurrence; one skipped when clocks go forward moves to the first reading that
    /// exists after it (gaps are whole quarter hours in every zone). Asia/Shanghai has had no
    /// clock changes since 1991; other deployments may.
    fn resolve(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let quarter = TimeDelta::minutes(15);
        let mut probe = local;
        // A gap is at most a day long (Samoa skipped 2011-12-30 whole).
        for _ in 0..=4 * 48 {
            if let Some(t) = self.tz.from_local_datetime(&probe).earliest() {
                return t.with_timezone(&Utc);
            }
            match probe.checked_add_signed(quarter) {
                Some(next) => probe = next,
                None => break,
            }
        }
        DateTime::<Utc>::MAX_UTC
    }
}

fn add_hours(t: DateTime<Utc>, n: u32) -> DateTime<Utc> {
    t.checked_add_signed(TimeDelta::hours(i64::from(n)))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}
