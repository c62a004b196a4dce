//! The public model of one year's data: its holidays, their days off and make-up days.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The festival keys a year file may use, in calendar order.
///
/// Workflow schedules name festivals by these keys ("14 days before `spring-festival`"), so the
/// list is closed: a typo in a year file is an error rather than a festival nobody asks for.
pub const FESTIVALS: [&str; 7] = [
    "new-year",
    "spring-festival",
    "qingming",
    "labour-day",
    "dragon-boat",
    "mid-autumn",
    "national-day",
];

/// A name in the two languages the UI speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayName {
    /// Chinese, e.g. `春节`.
    pub zh: String,
    /// English, e.g. `Spring Festival`.
    pub en: String,
}

impl HolidayName {
    /// The usual name of a festival key from [`FESTIVALS`].
    pub(crate) fn default_for(festival: &str) -> Option<HolidayName> {
        let (zh, en) = match festival {
            "new-year" => ("元旦", "New Year's Day"),
            "spring-festival" => ("春节", "Spring Festival"),
            "qingming" => ("清明节", "Qingming Festival"),
            "labour-day" => ("劳动节", "Labour Day"),
            "dragon-boat" => ("端午节", "Dragon Boat Festival"),
            "mid-autumn" => ("中秋节", "Mid-Autumn Festival"),
            "national-day" => ("国庆节", "National Day"),
            _ => return None,
        };
        Some(HolidayName {
            zh: zh.to_owned(),
            en: en.to_owned(),
        })
    }
}

/// An inclusive run of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct DayRange {
    /// The first day of the run.
    pub first: NaiveDate,
    /// The last day of the run (never before `first`).
    pub last: NaiveDate,
}

impl DayRange {
    /// Whether `d` lies in the run.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }

    /// Every day of the run, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let last = self.last;
        self.first.iter_days().take_while(move |d| *d <= last)
    }

    /// How many days the run has.
    pub fn len(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    /// Always false: a run has at least one day. Present because `len` is.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// One festival of one year, as the State Council notice arranges it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    /// The stable key, one of [`FESTIVALS`].
    pub festival: String,
    /// The display name; for a notice item covering two festivals, the item's name
    /// (e.g. `国庆节、中秋节`).
    pub name: HolidayName,
    /// The festival day itself (for Spring Festival, lunar new year's day).
    pub date: NaiveDate,
    /// The days off (放假), or `None` when the festival shares another's days off (see
    /// `joined`) or the year is not published yet.
    pub off: Option<DayRange>,
    /// The make-up working days (调休上班), each a Saturday or Sunday.
    pub work: Vec<NaiveDate>,
    /// The festival whose days off this one shares, when the notice arranges the two in one
    /// item (Mid-Autumn with National Day in 2020, 2023 and 2025).
    pub joined: Option<String>,
}

/// Everything known about one year, from one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarYear {
    /// The calendar year.
    pub year: i32,
    /// Where the data comes from (the notice's title), free text.
    pub notice: String,
    /// Whether the year's arrangement is published. When false the file carries festival dates
    /// only, and the year's working days are Monday to Friday.
    pub published: bool,
    /// The file it was read from (`<built-in>/2026.toml` for the embedded data), for messages.
    pub source: String,
    /// The holidays, in file order.
    pub holidays: Vec<Holiday>,
}

impl CalendarYear {
    /// The holiday of a festival key, if the year has it.
    pub fn holiday(&self, festival: &str) -> Option<&Holiday> {
        self.holidays.iter().find(|h| h.festival == festival)
    }
}
