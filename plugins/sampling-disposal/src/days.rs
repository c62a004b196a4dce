//! The county's calendar day. Plugins have no clock: "today" comes from the envelope's
//! `now`, which the server sends in UTC, so it is moved to China Standard Time (UTC+8,
//! no daylight saving) before its date is taken. Datetime fields are dated the same way.

use anjuan_plugin_sdk::chrono::{DateTime, FixedOffset, NaiveDate};
use anjuan_plugin_sdk::{Context, DataExt, Finding, Value};

fn cst() -> Option<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
}

/// Today in the county, or `None` when the envelope's `now` is not RFC 3339.
pub fn today(ctx: &Context<'_>) -> Option<NaiveDate> {
    let cst = cst()?;
    ctx.envelope()
        .now()
        .map(|t| t.with_timezone(&cst).date_naive())
}

/// A datetime field (RFC 3339), if it parses.
pub fn time_at(input: &Value, pointer: &str) -> Option<DateTime<FixedOffset>> {
    input
        .str_at(pointer)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
}

/// The county date of a date (`YYYY-MM-DD`) or datetime (RFC 3339) field.
pub fn day_at(input: &Value, pointer: &str) -> Option<NaiveDate> {
    if let Some(d) = input.date_at(pointer) {
        return Some(d);
    }
    let cst = cst()?;
    time_at(input, pointer).map(|t| t.with_timezone(&cst).date_naive())
}

/// An error when the date at `pointer` is later than today: a record cannot say that
/// something was done tomorrow.
pub fn not_in_future(
    ctx: &Context<'_>,
    input: &Value,
    pointer: &str,
    (zh, en): (&str, &str),
) -> Option<Finding> {
    let (day, today) = (day_at(input, pointer)?, today(ctx)?);
    (day > today).then(|| {
        Finding::error(
            pointer,
            "date-in-future",
            &format!("「{zh}」{day} 晚于今天（{today}）"),
            &format!("The {en} {day} is later than today ({today})"),
        )
    })
}

/// An error when the date at `later` is before the date at `earlier` (either a date or a
/// datetime): `what` names the two, e.g. ("复查日期", "核查启动", "re-inspection", "the
/// start of disposal").
pub fn not_before(
    input: &Value,
    later: &str,
    earlier: &str,
    (later_zh, earlier_zh, later_en, earlier_en): (&str, &str, &str, &str),
) -> Option<Finding> {
    let (a, b) = (day_at(input, later)?, day_at(input, earlier)?);
    (a < b).then(|| {
        Finding::error(
            later,
            "date-out-of-order",
            &format!("「{later_zh}」{a} 早于「{earlier_zh}」{b}"),
            &format!("The {later_en} ({a}) is before {earlier_en} ({b})"),
        )
    })
}
