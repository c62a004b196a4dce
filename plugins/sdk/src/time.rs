//! Calendar days for checks: "today", and the day of a date or datetime field, in the
//! county's time zone, with the two checks every programme makes of a date ("not in the
//! future", "not before that other date").
//!
//! A plugin has no clock: today comes from the envelope's `now`. The host may send `now`
//! in UTC, and the date of a UTC instant is yesterday's in China between 00:00 and 08:00,
//! so every day here is taken in China Standard Time (UTC+8, no daylight saving), the
//! zone of every deployment so far. A datetime field is dated the same way, whatever
//! offset it was written with. Use these rather than `now.date_naive()`.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::Value;

use crate::{Context, DataExt, Finding};

/// China Standard Time, UTC+8, the zone every day here is taken in.
pub const COUNTY_ZONE: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(zone) => zone,
    None => panic!("UTC+8 is a valid offset"),
};

/// Today in the county, or `None` when the envelope's `now` is not RFC 3339.
pub fn today(ctx: &Context<'_>) -> Option<NaiveDate> {
    ctx.envelope()
        .now()
        .map(|t| t.with_timezone(&COUNTY_ZONE).date_naive())
}

/// A datetime field (RFC 3339 with an offset), if it parses.
pub fn time_at(input: &Value, pointer: &str) -> Option<DateTime<FixedOffset>> {
    input
        .str_at(pointer)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
}

/// The county day of a date (`YYYY-MM-DD`) or datetime (RFC 3339) field.
pub fn day_at(input: &Value, pointer: &str) -> Option<NaiveDate> {
    input
        .date_at(pointer)
        .or_else(|| time_at(input, pointer).map(|t| t.with_timezone(&COUNTY_ZONE).date_naive()))
}

/// An error at `pointer` when its day is later than today: a record cannot say that
/// something was done tomorrow. `(zh, en)` names the field in the message, code
/// `date-in-future`.
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

/// An error at `later` when its day is before the day at `earlier` (each a date or a
/// datetime), code `date-out-of-order`. The names are `(later_zh, earlier_zh, later_en,
/// earlier_en)`, e.g. `("复查日期", "核查启动", "re-inspection", "the start of disposal")`.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Envelope, FakeHost, json};

    #[test]
    fn the_county_day_is_china_time_even_when_now_is_utc() {
        let mut env = Envelope::for_test("p", "t");
        env.now = "2026-09-30T17:00:00+00:00".into();
        let host = FakeHost::new();
        let ctx = Context::new(&env, &host);
        assert_eq!(today(&ctx), NaiveDate::from_ymd_opt(2026, 10, 1));
        let done = json!({"at": "2026-10-01T00:30:00+08:00", "on": "2026-10-02"});
        assert_eq!(not_in_future(&ctx, &done, "/at", ("时间", "time")), None);
        let f = not_in_future(&ctx, &done, "/on", ("日期", "date")).unwrap();
        assert_eq!(
            (f.field.as_str(), f.code.as_str()),
            ("/on", "date-in-future")
        );
    }

    #[test]
    fn a_datetime_is_dated_in_the_county_and_compared_by_day() {
        let v = json!({"start": "2026-10-01T20:00:00Z", "end": "2026-10-02"});
        assert_eq!(day_at(&v, "/start"), NaiveDate::from_ymd_opt(2026, 10, 2));
        assert_eq!(not_before(&v, "/end", "/start", ("a", "b", "a", "b")), None);
        let early = json!({"start": "2026-10-03", "end": "2026-10-02"});
        let f = not_before(
            &early,
            "/end",
            "/start",
            ("结束", "开始", "end", "the start"),
        );
        assert_eq!(f.map(|f| f.code), Some("date-out-of-order".to_owned()));
    }
}
