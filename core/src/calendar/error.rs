//! What can go wrong loading calendar files, said so an administrator can fix the file.

use std::fmt;
use std::path::PathBuf;

use chrono::{NaiveDate, Weekday};

/// Loading the calendar failed. Nothing is half-loaded: the caller keeps its old calendar.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// The calendar directory could not be listed.
    #[error("cannot read calendar directory {}: {source}", path.display())]
    ReadDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A year file could not be read.
    #[error("cannot read calendar file {}: {source}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// One or more files are malformed or inconsistent; every issue found is listed.
    #[error("{}", join_lines(.0))]
    Invalid(Vec<Issue>),
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn join_lines(issues: &[Issue]) -> String {
    let lines: Vec<String> = issues.iter().map(Issue::to_string).collect();
    lines.join("\n")
}

/// A place in a year file: `file:line:column`, both counted from 1, column in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the administrator knows it (its path, or `<built-in>/2026.toml`).
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters (not bytes: the files hold Chinese text).
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `text`.
    pub(crate) fn at(file: &str, text: &str, offset: usize) -> Location {
        let before = text.get(..offset.min(text.len())).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        Location {
            file: file.to_owned(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem in one file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {problem}")]
pub struct Issue {
    /// Where.
    pub at: Location,
    /// What.
    pub problem: Problem,
}

/// What is wrong with a year file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// Not TOML, or not the shape of a year file (toml's own message).
    #[error("{0}")]
    Toml(String),
    /// The file is not called `<year>.toml` for the year it declares.
    #[error("the file declares year {year}, so it must be named {year}.toml")]
    FileName {
        /// The year the file declares.
        year: i32,
    },
    /// A date outside the file's year (only the new-year holiday may begin in the previous
    /// December).
    #[error("{date} is outside {year}")]
    DateOutsideYear {
        /// The date.
        date: NaiveDate,
        /// The file's year.
        year: i32,
    },
    /// `off` does not hold exactly two dates.
    #[error(
        "off must hold two dates, the first and the last day off: [\"YYYY-MM-DD\", \"YYYY-MM-DD\"]"
    )]
    OffShape,
    /// The last day off comes before the first.
    #[error("the off range ends on {last}, before it starts on {first}")]
    RangeReversed {
        /// The first day off as written.
        first: NaiveDate,
        /// The last day off as written.
        last: NaiveDate,
    },
    /// A make-up working day that is a weekday: it is a working day anyway, so it is a typo.
    #[error(
        "make-up working day {date} is a {}; make-up days are Saturdays or Sundays",
        weekday_name(*weekday)
    )]
    MakeUpNotWeekend {
        /// The date.
        date: NaiveDate,
        /// Its weekday.
        weekday: Weekday,
    },
    /// A make-up working day inside a run of days off.
    #[error("{date} is listed as a make-up working day but lies in the days off of {festival}")]
    WorkDayIsOff {
        /// The date.
        date: NaiveDate,
        /// The holiday whose days off contain it.
        festival: String,
    },
    /// A make-up working day listed twice.
    #[error("make-up working day {date} is listed twice")]
    DuplicateWorkDay {
        /// The date.
        date: NaiveDate,
    },
    /// Two holidays' days off overlap.
    #[error("the days off of {festival} overlap those of {other}")]
    Overlap {
        /// The later holiday in the file.
        festival: String,
        /// The earlier one.
        other: String,
    },
    /// A festival key that is not one of [`super::FESTIVALS`].
    #[error("unknown festival `{key}`; expected one of: {}", super::FESTIVALS.join(", "))]
    UnknownFestival {
        /// The key as written.
        key: String,
    },
    /// A festival given twice in one file.
    #[error("festival `{key}` appears twice in this file")]
    DuplicateFestival {
        /// The key.
        key: String,
    },
    /// A festival missing from the file: schedules need every festival's date every year.
    #[error("festival `{key}` is missing; every year file lists all seven festivals")]
    MissingFestival {
        /// The key.
        key: String,
    },
    /// The festival day is not among its holiday's days off, which is almost surely a typo.
    #[error("festival day {date} is not among its days off ({first} to {last})")]
    DateNotOff {
        /// The festival day.
        date: NaiveDate,
        /// The first day off.
        first: NaiveDate,
        /// The last day off.
        last: NaiveDate,
    },
    /// A holiday of a published year with neither `off` nor `joined`.
    #[error("a published year needs `off` (or `joined`) for every holiday")]
    MissingOff,
    /// A holiday with both `off` and `joined`.
    #[error("give either `off` or `joined`, not both")]
    OffAndJoined,
    /// `work` on a holiday that has no days off of its own.
    #[error(
        "`work` belongs with `off`: a joined holiday's make-up days go on the holiday it joins"
    )]
    WorkWithoutOff,
    /// `joined` names a festival that has no days off of its own in this file.
    #[error("`joined` must name another festival of this file that has `off`; `{key}` has none")]
    JoinedWithoutOff {
        /// The key named by `joined`.
        key: String,
    },
    /// Days off or make-up days in a year marked `published = false`.
    #[error(
        "this year is marked published = false: give festival dates only, or set published = true"
    )]
    NotPublished,
    /// The same date is arranged by two files (possible only around New Year).
    #[error("{date} is also arranged by {other}")]
    DayInOtherFile {
        /// The date.
        date: NaiveDate,
        /// The other file.
        other: String,
    },
}
