//! Where year files come from: the copies embedded in the binary, then a directory that
//! overrides or extends them one whole year at a time.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::error::{CalendarError, Issue, Location, Problem};
use super::file::{self, DayKind, ParsedYear};
use super::year::CalendarYear;

/// The year files shipped in `calendar/` at the repository root, embedded so that a server
/// started anywhere knows the statutory calendar. Paths are relative to this source file.
const BUILTIN: [(&str, &str); 8] = [
    ("2020.toml", include_str!("../../../calendar/2020.toml")),
    ("2021.toml", include_str!("../../../calendar/2021.toml")),
    ("2022.toml", include_str!("../../../calendar/2022.toml")),
    ("2023.toml", include_str!("../../../calendar/2023.toml")),
    ("2024.toml", include_str!("../../../calendar/2024.toml")),
    ("2025.toml", include_str!("../../../calendar/2025.toml")),
    ("2026.toml", include_str!("../../../calendar/2026.toml")),
    ("2027.toml", include_str!("../../../calendar/2027.toml")),
];

/// The loaded data, ready for lookups.
#[derive(Debug, Default)]
pub(crate) struct Data {
    pub(crate) years: BTreeMap<i32, CalendarYear>,
    /// Every day some file arranges, whatever its weekday; all other days follow the week.
    pub(crate) days: BTreeMap<NaiveDate, DayKind>,
}

/// Reads the built-in files, then every `*.toml` in `dir`, and checks them together.
/// Other files in `dir` (a README, say) are left alone.
pub(crate) fn load(dir: Option<&Path>) -> Result<Data, CalendarError> {
    let mut issues = Vec::new();
    let mut years: BTreeMap<i32, ParsedYear> = BTreeMap::new();
    for (name, text) in BUILTIN {
        add(
            &mut years,
            &mut issues,
            file::parse(&format!("<built-in>/{name}"), name, text),
        );
    }
    if let Some(dir) = dir {
        for (path, name) in toml_files(dir)? {
            let text =
                std::fs::read_to_string(&path).map_err(|source| CalendarError::ReadFile {
                    path: path.clone(),
                    source,
                })?;
            let shown = path.display().to_string();
            add(&mut years, &mut issues, file::parse(&shown, &name, &text));
        }
    }
    let days = merge_days(&years, &mut issues);
    if !issues.is_empty() {
        return Err(CalendarError::Invalid(issues));
    }
    let years = years.into_iter().map(|(y, p)| (y, p.year)).collect();
    Ok(Data { years, days })
}

/// A later file for a year replaces an earlier one whole: the directory wins over the
/// built-in copy, so a deployment can correct a year as well as add one.
fn add(
    years: &mut BTreeMap<i32, ParsedYear>,
    issues: &mut Vec<Issue>,
    parsed: Result<ParsedYear, Vec<Issue>>,
) {
    match parsed {
        Ok(p) => {
            years.insert(p.year.year, p);
        }
        Err(mut found) => issues.append(&mut found),
    }
}

/// The `*.toml` files of `dir` with their base names, sorted so messages come in a stable order.
fn toml_files(dir: &Path) -> Result<Vec<(std::path::PathBuf, String)>, CalendarError> {
    let read_dir_error = |source| CalendarError::ReadDir {
        path: dir.to_path_buf(),
        source,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_dir_error)? {
        let path = entry.map_err(read_dir_error)?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        match name {
            Some(name) if name.ends_with(".toml") && path.is_file() => out.push((path, name)),
            _ => {}
        }
    }
    out.sort();
    Ok(out)
}

/// Builds the day table of all published years. A date arranged by two files (a new-year
/// holiday reaching back into a December that the previous year's file also arranges) is an
/// issue: silently preferring one would hide a mistake in a statutory deadline.
fn merge_days(
    years: &BTreeMap<i32, ParsedYear>,
    issues: &mut Vec<Issue>,
) -> BTreeMap<NaiveDate, DayKind> {
    let mut days: BTreeMap<NaiveDate, (DayKind, &Location)> = BTreeMap::new();
    for parsed in years.values().filter(|p| p.year.published) {
        for (date, kind, at) in &parsed.days {
            match days.get(date) {
                Some((_, first)) if first.file != at.file => issues.push(Issue {
                    at: at.clone(),
                    problem: Problem::DayInOtherFile {
                        date: *date,
                        other: first.file.clone(),
                    },
                }),
                // The same file arranging a day twice was already reported by its own checks.
                Some(_) => {}
                None => {
                    days.insert(*date, (*kind, at));
                }
            }
        }
    }
    days.into_iter().map(|(d, (k, _))| (d, k)).collect()
}
