//! Field time: when an action was taken, or a case opened, on a device without a
//! network, as the device's clock says. It is recorded next to the time the server
//! received the request; deadlines count from the server's time (docs/workflows.md,
//! "Field time"). A device clock can be wrong, so the server takes only a field time
//! in a window around its own clock.

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result, Violation};
use crate::workflow::model::I18n;

/// How far ahead of the server's clock a field time may be (a device clock running fast).
pub const MAX_SKEW_MINUTES: i64 = 5;

/// How far behind the server's clock a field time may be: work captured offline must
/// reach the server within this many days.
pub const MAX_AGE_DAYS: i64 = 7;

/// Refuses a field time outside the window around `now` (the server's clock), with a
/// violation on `/taken_at`.
pub(super) fn check(taken_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<()> {
    let Some(t) = taken_at else {
        return Ok(());
    };
    let refuse = |code: &str, zh: String, en: String| {
        Err(Error::Invalid(vec![Violation {
            field: "/taken_at".into(),
            code: code.into(),
            message: I18n { zh, en },
            layer: None,
        }]))
    };
    if t > now + Duration::minutes(MAX_SKEW_MINUTES) {
        return refuse(
            "taken-at-future",
            format!("现场办理时间晚于服务器时间超过 {MAX_SKEW_MINUTES} 分钟：请检查设备时钟"),
            format!(
                "The field time is more than {MAX_SKEW_MINUTES} minutes ahead of the server's \
                 clock: check the device's clock"
            ),
        );
    }
    if t < now - Duration::days(MAX_AGE_DAYS) {
        return refuse(
            "taken-at-too-old",
            format!("现场办理时间早于 {MAX_AGE_DAYS} 天前：离线记录须在 {MAX_AGE_DAYS} 天内提交"),
            format!(
                "The field time is more than {MAX_AGE_DAYS} days ago: work captured offline \
                 must be sent within {MAX_AGE_DAYS} days"
            ),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<()>) -> Option<String> {
        match r {
            Ok(()) => None,
            Err(Error::Invalid(v)) => Some(v[0].code.clone()),
            Err(e) => panic!("unexpected {e}"),
        }
    }

    #[test]
    fn a_field_time_is_taken_within_the_window_only() {
        let now = Utc::now();
        assert_eq!(code(check(None, now)), None);
        assert_eq!(code(check(Some(now), now)), None);
        assert_eq!(code(check(Some(now + Duration::minutes(4)), now)), None);
        assert_eq!(code(check(Some(now - Duration::days(6)), now)), None);
        assert_eq!(
            code(check(Some(now + Duration::minutes(6)), now)).as_deref(),
            Some("taken-at-future")
        );
        assert_eq!(
            code(check(Some(now - Duration::days(8)), now)).as_deref(),
            Some("taken-at-too-old")
        );
    }
}
