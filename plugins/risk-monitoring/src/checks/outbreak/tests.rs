use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity, json};

fn with_ctx<T>(f: impl FnOnce(&Context<'_>) -> T) -> T {
    // now = 2026-10-01T10:00+08:00
    let env = Envelope::for_test("risk-monitoring", "outbreak").with_state("investigating");
    let host = FakeHost::new();
    f(&Context::new(&env, &host))
}

fn codes(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn the_investigation_starts_only_with_its_online_report_filed() {
    let filed = json!({"online_start_reported_on": "2026-10-01", "reported_at": "2026-09-30T22:00:00+08:00"});
    assert_eq!(with_ctx(|c| online_start_report_filed(c, &filed)), vec![]);
    let none = json!({"reported_at": "2026-09-30T22:00:00+08:00"});
    let f = with_ctx(|c| online_start_report_filed(c, &none));
    assert_eq!(
        (f[0].field.as_str(), f[0].code.as_str()),
        ("/online_start_reported_on", "not-filed")
    );
}

#[test]
fn an_online_report_dated_in_the_future_is_refused() {
    let tomorrow = json!({"online_start_reported_on": "2026-10-02"});
    assert_eq!(
        codes(&with_ctx(|c| online_start_report_filed(c, &tomorrow))),
        vec!["date-in-future"]
    );
    let done = json!({"online_start_reported_on": "2026-09-20", "online_completion_reported_on": "2026-10-02"});
    assert_eq!(
        codes(&with_ctx(|c| online_completion_report_filed(c, &done))),
        vec!["date-in-future"]
    );
}

#[test]
fn a_start_report_before_the_outbreak_was_reported_is_warned_about() {
    let early = json!({"online_start_reported_on": "2026-09-28", "reported_at": "2026-09-30T08:00:00+08:00"});
    let f = with_ctx(|c| online_start_report_filed(c, &early));
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("filed-before-report", Severity::Warning)
    );
}

#[test]
fn the_investigation_completes_only_with_its_online_report_filed_after_the_start() {
    let ok = json!({"online_start_reported_on": "2026-09-20", "online_completion_reported_on": "2026-09-30"});
    assert_eq!(with_ctx(|c| online_completion_report_filed(c, &ok)), vec![]);
    let none = json!({"online_start_reported_on": "2026-09-20"});
    assert_eq!(
        codes(&with_ctx(|c| online_completion_report_filed(c, &none))),
        vec!["not-filed"]
    );
    let before = json!({"online_start_reported_on": "2026-09-20", "online_completion_reported_on": "2026-09-19"});
    assert_eq!(
        codes(&with_ctx(|c| online_completion_report_filed(c, &before))),
        vec!["completed-before-start"]
    );
}

#[test]
fn an_outbreak_is_attributed_to_a_food_an_agent_and_factors() {
    let ok = json!({
        "attribution": {"food": "凉拌菜", "pathogen": "副溶血性弧菌",
                        "contributing_factors": ["cross-contamination"], "confidence": "confirmed"},
        "food_business_related": true
    });
    assert_eq!(attribution_complete(&ok), vec![]);
    let gaps = json!({"attribution": {"food": "凉拌菜", "contributing_factors": []}});
    let fields: Vec<String> = attribution_complete(&gaps)
        .into_iter()
        .map(|f| f.field)
        .collect();
    assert_eq!(
        fields,
        vec![
            "/attribution/pathogen",
            "/attribution/contributing_factors",
            "/attribution/confidence",
            "/food_business_related"
        ]
    );
}
