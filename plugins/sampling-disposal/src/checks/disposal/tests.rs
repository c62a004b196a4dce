use crate::checks::testing::{at, check};
use anjuan_plugin_sdk::{Severity, json};

const CT: &str = "nonconforming-sample";

#[test]
fn a_high_risk_disposal_started_after_24_hours_is_recorded_as_late() {
    // Envelope::for_test's now is 2026-10-01T10:00+08:00.
    let late = json!({"high_risk": true, "notice_received_at": "2026-09-30T09:00:00+08:00"});
    let f = check("start-disposal", CT, &late);
    assert_eq!(at(&f), vec![("/notice_received_at", "started-late")]);
    assert_eq!(f[0].severity, Severity::Warning);
    let on_time = json!({"high_risk": true, "notice_received_at": "2026-09-30T10:30:00+08:00"});
    assert!(check("start-disposal", CT, &on_time).is_empty());
    let not_urgent = json!({"high_risk": false, "notice_received_at": "2026-09-01T10:30:00+08:00"});
    assert!(check("start-disposal", CT, &not_urgent).is_empty());
    let serious =
        json!({"serious_hazard": true, "notice_received_at": "2026-09-29T10:30:00+08:00"});
    assert_eq!(
        check("start-disposal", CT, &serious)[0].code,
        "started-late"
    );
}
