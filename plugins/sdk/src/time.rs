//! Calendar days for checks: "today", and the day of a date or datetime field, in the
//! deployment's time zone, with the two checks every programme makes of a date ("not in
//! the future", "not before that other date").
//!
//! A plugin has no clock. The envelope brings `now`, the deployment's `time_zone` and
//! `local_now`, which is `now` in that zone with its offset: today is `local_now`'s date,
//! and a datetime field is dated at `local_now`'s offset, whatever offset it was written
//! with. (In a zone with daylight saving, a datetime written on the other side of a change
//! is dated at the offset in force now; no deployment so far has daylight saving.) Use
//! these rather than `now.date_naive()`: the date of a UTC instant is yesterday's in China
//! between 00:00 and 08:00.
//!
//! An envelope without `local_now` (one made by hand in a test, or from a host older than
//! interface 0.2.0) is read in [`FALLBACK_ZONE`], China Standard Time.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::Value;

use crate::{Context, DataExt, Finding};

/// China Standard Time, UTC+8 (no daylight saving): the zone days are taken in when the
/// envelope has no `local_now`, which only happens with hosts older than interface 0.2.0
/// and envelopes made by hand.
pub const FALLBACK_ZONE: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(zone) => zone,
    None => panic!("UTC+8 is a valid offset"),
};

/// The deployment's offset from UTC now: `local_now`'s offset, or [`FALLBACK_ZONE`]
/// when the envelope has no `local_now`.
pub fn zone(ctx: &Context<'_>) -> FixedOffset {
    ctx.envelope()
        .local_now()
        .map(|t| *t.offset())
        .unwrap_or(FALLBACK_ZONE)
}

/// The deployment's local date and time now (`local_now`, or `now` read in
/// [`FALLBACK_ZONE`]), or `None` when the envelope has neither in RFC 3339.
pub fn local_now(ctx: &Context<'_>) -> Option<DateTime<FixedOffset>> {
    let env = ctx.envelope();
    env.local_now()
        .or_else(|| env.now().map(|t| t.with_timezone(&FALLBACK_ZONE)))
}

/// Today in the deployment's time zone, or `None` when the envelope has no usable clock.
pub fn today(ctx: &Context<'_>) -> Option<NaiveDate> {
    local_now(ctx).map(|t| t.date_naive())
}

/// A datetime field (RFC 3339 with an offset), if it parses.
pub fn time_at(input: &Value, pointer: &str) -> Option<DateTime<FixedOffset>> {
    input
        .str_at(pointer)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
}

/// The local day of a date (`YYYY-MM-DD`) or datetime (RFC 3339) field: a date as
/// written, a datetime in the deployment's [`zone`].
pub fn day_at(ctx: &Context<'_>, input: &Value, pointer: &str) -> Option<NaiveDate> {
    let zone = zone(ctx);
    input
        .date_at(pointer)
        .or_else(|| time_at(input, pointer).map(|t| t.with_timezone(&zone).date_naive()))
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
    let (day, today) = (day_at(ctx, input, pointer)?, today(ctx)?);
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
    ctx: &Context<'_>,
    input: &Value,
    later: &str,
    earlier: &str,
    (later_zh, earlier_zh, later_en, earlier_en): (&str, &str, &str, &str),
) -> Option<Finding> {
    let (a, b) = (day_at(ctx, input, later)?, day_at(ctx, input, earlier)?);
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

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    /// An envelope at `now` (UTC) in `zone`, with `local_now` as a host fills it in.
    fn env_at(now: &str, zone: &str, local_now: &str) -> Envelope {
        let mut env = Envelope::for_test("p", "t");
        env.now = now.into();
        env.time_zone = zone.into();
        env.local_now = local_now.into();
        env
    }

    #[test]
    fn between_midnight_and_eight_today_is_the_local_day_not_the_utc_one() {
        let host = FakeHost::new();
        for (utc, local) in [
            ("2026-09-30T16:00:00Z", "2026-10-01T00:00:00+08:00"),
            ("2026-09-30T17:30:00Z", "2026-10-01T01:30:00+08:00"),
            ("2026-09-30T23:59:59Z", "2026-10-01T07:59:59+08:00"),
            ("2026-10-01T00:00:00Z", "2026-10-01T08:00:00+08:00"),
        ] {
            let env = env_at(utc, "Asia/Shanghai", local);
            let ctx = Context::new(&env, &host);
            assert_eq!(today(&ctx), day(2026, 10, 1), "at {local}");
            let done = json!({"on": "2026-10-01", "at": "2026-09-30T23:00:00Z"});
            assert_eq!(not_in_future(&ctx, &done, "/on", ("日期", "date")), None);
            assert_eq!(not_in_future(&ctx, &done, "/at", ("时间", "time")), None);
            let tomorrow = json!({"on": "2026-10-02"});
            let f = not_in_future(&ctx, &tomorrow, "/on", ("日期", "date")).unwrap();
            assert_eq!(
                (f.field.as_str(), f.code.as_str()),
                ("/on", "date-in-future")
            );
        }
        // A minute before local midnight it is still the 30th.
        let env = env_at(
            "2026-09-30T15:59:00Z",
            "Asia/Shanghai",
            "2026-09-30T23:59:00+08:00",
        );
        assert_eq!(
            today(&Context::new(&env, &FakeHost::new())),
            day(2026, 9, 30)
        );
    }

    #[test]
    fn the_zone_comes_from_the_envelope() {
        // The same instant is still the 30th in Berlin.
        let env = env_at(
            "2026-09-30T17:00:00Z",
            "Europe/Berlin",
            "2026-09-30T19:00:00+02:00",
        );
        let host = FakeHost::new();
        let ctx = Context::new(&env, &host);
        assert_eq!(today(&ctx), day(2026, 9, 30));
        assert_eq!(zone(&ctx).local_minus_utc(), 2 * 3600);
        let v = json!({"at": "2026-09-30T23:30:00+00:00"});
        assert_eq!(day_at(&ctx, &v, "/at"), day(2026, 10, 1));
        let f = not_in_future(&ctx, &json!({"on": "2026-10-01"}), "/on", ("日期", "date"));
        assert_eq!(f.map(|f| f.code), Some("date-in-future".to_owned()));
    }

    #[test]
    fn without_local_now_days_fall_back_to_china_time() {
        let env = env_at("2026-09-30T17:00:00+00:00", "", "");
        let host = FakeHost::new();
        let ctx = Context::new(&env, &host);
        assert_eq!(zone(&ctx), FALLBACK_ZONE);
        assert_eq!(today(&ctx), day(2026, 10, 1));
        let mut env = env;
        env.now = "not a time".into();
        assert_eq!(today(&Context::new(&env, &host)), None);
    }

    #[test]
    fn a_datetime_is_dated_in_the_deployment_zone_and_compared_by_day() {
        let env = Envelope::for_test("p", "t");
        let host = FakeHost::new();
        let ctx = Context::new(&env, &host);
        let v = json!({"start": "2026-10-01T20:00:00Z", "end": "2026-10-02"});
        assert_eq!(day_at(&ctx, &v, "/start"), day(2026, 10, 2));
        assert_eq!(
            not_before(&ctx, &v, "/end", "/start", ("a", "b", "a", "b")),
            None
        );
        let early = json!({"start": "2026-10-03", "end": "2026-10-02"});
        let f = not_before(
            &ctx,
            &early,
            "/end",
            "/start",
            ("结束", "开始", "end", "the start"),
        );
        assert_eq!(f.map(|f| f.code), Some("date-out-of-order".to_owned()));
    }
}
