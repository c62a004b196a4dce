//! One year file: the TOML shape, and the checks that turn it into a [`CalendarYear`].
//!
//! Every value that a check can complain about is read as [`Spanned`], so each [`Issue`] points
//! at the line and column an administrator has to fix. All issues of a file are reported at
//! once rather than one per reload.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use super::error::{Issue, Location, Problem};
use super::year::{CalendarYear, DayRange, FESTIVALS, Holiday, HolidayName};

/// Whether a day is off or worked, as a year file arranges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayKind {
    /// A day off (放假), whatever weekday it is.
    Off,
    /// A make-up working day (调休上班).
    Work,
}

/// A checked year file, with where each arranged day was written (for cross-file checks).
#[derive(Debug)]
pub(crate) struct ParsedYear {
    pub(crate) year: CalendarYear,
    pub(crate) days: Vec<(NaiveDate, DayKind, Location)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: Spanned<i32>,
    #[serde(default)]
    notice: Option<String>,
    #[serde(default)]
    published: Option<bool>,
    #[serde(default)]
    holiday: Vec<Spanned<RawHoliday>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    festival: Spanned<String>,
    #[serde(default)]
    name: Option<HolidayName>,
    date: Spanned<Day>,
    #[serde(default)]
    off: Option<Spanned<Vec<Spanned<Day>>>>,
    #[serde(default)]
    work: Vec<Spanned<Day>>,
    #[serde(default)]
    joined: Option<Spanned<String>>,
}

/// A date written either as the string `"2026-10-01"` (the documented form) or as a bare TOML
/// date `2026-10-01`, since administrators will write both.
struct Day(NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Day, D::Error> {
        deserializer.deserialize_any(DayVisitor)
    }
}

struct DayVisitor;

impl<'de> Visitor<'de> for DayVisitor {
    type Value = Day;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date written \"YYYY-MM-DD\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Day, E> {
        NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Day)
            .map_err(|_| E::custom(format!("`{v}` is not a date written \"YYYY-MM-DD\"")))
    }

    // toml hands a bare date over as a one-entry map that toml's own Datetime understands.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Day, A::Error> {
        let dt = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
        match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                    .map(Day)
                    .ok_or_else(|| de::Error::custom(format!("`{dt}` is not a date")))
            }
            _ => Err(de::Error::custom(format!(
                "`{dt}` has a time; write a date only, \"YYYY-MM-DD\""
            ))),
        }
    }
}

/// Reads and checks one year file. `file` names it in issues; `file_name` is its base name,
/// which must be `<year>.toml`.
pub(crate) fn parse(file: &str, file_name: &str, text: &str) -> Result<ParsedYear, Vec<Issue>> {
    let raw: RawYear = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        vec![Issue {
            at: Location::at(file, text, offset),
            problem: Problem::Toml(e.message().trim().to_owned()),
        }]
    })?;
    let mut check = Checker {
        file,
        text,
        year: *raw.year.get_ref(),
        issues: Vec::new(),
        days: Vec::new(),
    };
    if file_name != format!("{}.toml", check.year) {
        check.flag(raw.year.span(), Problem::FileName { year: check.year });
    }
    let published = raw.published.unwrap_or(true);
    let holidays = check.holidays(&raw.holiday, published);
    check.missing_festivals(&holidays, raw.year.span());
    if !check.issues.is_empty() {
        return Err(check.issues);
    }
    Ok(ParsedYear {
        year: CalendarYear {
            year: check.year,
            notice: raw.notice.unwrap_or_default(),
            published,
            source: file.to_owned(),
            holidays: holidays.into_iter().map(|(h, _)| h).collect(),
        },
        days: check.days,
    })
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    year: i32,
    issues: Vec<Issue>,
    days: Vec<(NaiveDate, DayKind, Location)>,
}

/// Where a holiday's parts were written, kept for the checks that compare holidays.
struct Spans {
    date: Range<usize>,
    off: Option<Range<usize>>,
    work: Vec<Range<usize>>,
    joined: Option<Range<usize>>,
}

impl Checker<'_> {
    fn flag(&mut self, span: Range<usize>, problem: Problem) {
        let at = self.at(span);
        self.issues.push(Issue { at, problem });
    }

    fn at(&self, span: Range<usize>) -> Location {
        Location::at(self.file, self.text, span.start)
    }

    /// Checks each holiday on its own, then against the others.
    fn holidays(&mut self, raw: &[Spanned<RawHoliday>], published: bool) -> Vec<(Holiday, Spans)> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        for item in raw {
            let h = item.get_ref();
            let key = h.festival.get_ref().as_str();
            let Some(default_name) = HolidayName::default_for(key) else {
                let problem = Problem::UnknownFestival {
                    key: key.to_owned(),
                };
                self.flag(h.festival.span(), problem);
                continue;
            };
            if !seen.insert(key) {
                let problem = Problem::DuplicateFestival {
                    key: key.to_owned(),
                };
                self.flag(h.festival.span(), problem);
                continue;
            }
            let date = h.date.get_ref().0;
            if date.year() != self.year {
                let problem = Problem::DateOutsideYear {
                    date,
                    year: self.year,
                };
                self.flag(h.date.span(), problem);
            }
            let off = self.off_range(h, published);
            let (work, work_spans) = self.work_days(h, published).into_iter().unzip();
            let spans = Spans {
                date: h.date.span(),
                off: h.off.as_ref().map(Spanned::span),
                work: work_spans,
                joined: h.joined.as_ref().map(Spanned::span),
            };
            let holiday = Holiday {
                festival: key.to_owned(),
                name: h.name.clone().unwrap_or(default_name),
                date,
                off,
                work,
                joined: h.joined.as_ref().map(|j| j.get_ref().clone()),
            };
            out.push((holiday, spans));
        }
        self.joined(&out);
        self.overlaps(&out);
        out
    }

    /// A date may lie in the file's year; the new-year holiday may also reach back into the
    /// previous December (the 2023 notice starts 元旦 on 2022-12-31).
    /// Returns `None` (after flagging it) for a date outside, so that a typo in a year is
    /// reported once rather than again as overlaps with other holidays.
    fn in_year(&mut self, festival: &str, day: &Spanned<Day>) -> Option<NaiveDate> {
        let d = day.get_ref().0;
        let previous_december =
            festival == "new-year" && d.year() == self.year - 1 && d.month() == 12;
        if d.year() != self.year && !previous_december {
            let problem = Problem::DateOutsideYear {
                date: d,
                year: self.year,
            };
            return self.none(day.span(), problem);
        }
        Some(d)
    }

    fn off_range(&mut self, h: &RawHoliday, published: bool) -> Option<DayRange> {
        let key = h.festival.get_ref().as_str();
        let off = match (&h.off, &h.joined) {
            (Some(off), _) if !published => return self.none(off.span(), Problem::NotPublished),
            (Some(off), Some(_)) => return self.none(off.span(), Problem::OffAndJoined),
            (Some(off), None) => off,
            (None, None) if published => {
                let span = h.festival.span();
                return self.none(span, Problem::MissingOff);
            }
            (None, _) => return None,
        };
        let [first, last] = off.get_ref().as_slice() else {
            return self.none(off.span(), Problem::OffShape);
        };
        let (first_day, last_day) = (self.in_year(key, first), self.in_year(key, last));
        let (first_day, last_day) = (first_day?, last_day?);
        if last_day < first_day {
            let problem = Problem::RangeReversed {
                first: first_day,
                last: last_day,
            };
            return self.none(last.span(), problem);
        }
        let range = DayRange {
            first: first_day,
            last: last_day,
        };
        let date = h.date.get_ref().0;
        // A festival day outside the year was reported already.
        if date.year() == self.year && !range.contains(date) {
            let problem = Problem::DateNotOff {
                date,
                first: first_day,
                last: last_day,
            };
            self.flag(h.date.span(), problem);
        }
        let at = self.at(off.span());
        self.days
            .extend(range.days().map(|d| (d, DayKind::Off, at.clone())));
        Some(range)
    }

    fn none<T>(&mut self, span: Range<usize>, problem: Problem) -> Option<T> {
        self.flag(span, problem);
        None
    }

    /// The make-up days that pass the checks, each with where it was written.
    fn work_days(&mut self, h: &RawHoliday, published: bool) -> Vec<(NaiveDate, Range<usize>)> {
        let key = h.festival.get_ref().as_str();
        if let Some(first) = h.work.first() {
            let problem = match (published, &h.off) {
                (false, _) => Some(Problem::NotPublished),
                (true, None) => Some(Problem::WorkWithoutOff),
                (true, Some(_)) => None,
            };
            if let Some(problem) = problem {
                self.flag(first.span(), problem);
                return Vec::new();
            }
        }
        let mut out = Vec::new();
        for day in &h.work {
            let Some(d) = self.in_year(key, day) else {
                continue;
            };
            let weekday = d.weekday();
            if !matches!(weekday, Weekday::Sat | Weekday::Sun) {
                self.flag(day.span(), Problem::MakeUpNotWeekend { date: d, weekday });
            }
            let at = self.at(day.span());
            self.days.push((d, DayKind::Work, at));
            out.push((d, day.span()));
        }
        out
    }

    /// `joined` must name a festival of this file that has its own days off, and the joining
    /// festival's day must be among them.
    fn joined(&mut self, holidays: &[(Holiday, Spans)]) {
        for (h, spans) in holidays {
            let (Some(key), Some(span)) = (&h.joined, &spans.joined) else {
                continue;
            };
            let target = holidays
                .iter()
                .find(|(t, _)| &t.festival == key && t.joined.is_none())
                .and_then(|(t, _)| t.off);
            match target {
                None => {
                    let problem = Problem::JoinedWithoutOff { key: key.clone() };
                    self.flag(span.clone(), problem);
                }
                Some(off) if h.date.year() == self.year && !off.contains(h.date) => {
                    let problem = Problem::DateNotOff {
                        date: h.date,
                        first: off.first,
                        last: off.last,
                    };
                    self.flag(spans.date.clone(), problem);
                }
                Some(_) => {}
            }
        }
    }

    /// Days off of two holidays must not overlap, a make-up day must not be a day off, and no
    /// make-up day is listed twice.
    fn overlaps(&mut self, holidays: &[(Holiday, Spans)]) {
        for (i, (h, spans)) in holidays.iter().enumerate() {
            if let (Some(off), Some(span)) = (h.off, &spans.off) {
                let earlier = holidays.get(..i).unwrap_or_default();
                if let Some((other, _)) = earlier.iter().find(|(o, _)| {
                    o.off
                        .is_some_and(|r| r.first <= off.last && off.first <= r.last)
                }) {
                    let problem = Problem::Overlap {
                        festival: h.festival.clone(),
                        other: other.festival.clone(),
                    };
                    self.flag(span.clone(), problem);
                }
            }
            for (j, (&date, span)) in h.work.iter().zip(&spans.work).enumerate() {
                if let Some((o, _)) = holidays
                    .iter()
                    .find(|(o, _)| o.off.is_some_and(|r| r.contains(date)))
                {
                    let problem = Problem::WorkDayIsOff {
                        date,
                        festival: o.festival.clone(),
                    };
                    self.flag(span.clone(), problem);
                }
                let mut before_here = holidays
                    .get(..i)
                    .unwrap_or_default()
                    .iter()
                    .flat_map(|(o, _)| o.work.iter())
                    .chain(h.work.get(..j).unwrap_or_default());
                if before_here.any(|&w| w == date) {
                    self.flag(span.clone(), Problem::DuplicateWorkDay { date });
                }
            }
        }
    }

    fn missing_festivals(&mut self, holidays: &[(Holiday, Spans)], year_span: Range<usize>) {
        for key in FESTIVALS {
            if !holidays.iter().any(|(h, _)| h.festival == key) {
                let problem = Problem::MissingFestival {
                    key: key.to_owned(),
                };
                self.flag(year_span.clone(), problem);
            }
        }
    }
}
