use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity, json};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn with_host<T>(host: &FakeHost, f: impl FnOnce(&Context<'_>) -> T) -> T {
    // now = 2026-10-01T10:00+08:00
    let env = Envelope::for_test("risk-monitoring", "quality-task").with_state("open");
    f(&Context::new(&env, host))
}

fn codes(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.code.as_str()).collect()
}

fn report(kind: &str, recipients: Value) -> Value {
    json!({"report_kind": kind, "recipients": recipients, "report_file": "file-1",
           "submitted_on": "2026-09-04", "due_on": "2026-09-05"})
}

#[test]
fn a_report_is_submitted_only_with_its_file() {
    let ok = report("monthly-cluster", json!(["city-cdc"]));
    assert_eq!(
        with_host(&FakeHost::new(), |c| report_attached(c, &ok)),
        vec![]
    );
    let mut none = ok.clone();
    none["report_file"] = json!(null);
    none["submitted_on"] = json!(null);
    assert_eq!(
        codes(&with_host(&FakeHost::new(), |c| report_attached(c, &none))),
        vec!["no-report", "missing-item"]
    );
}

#[test]
fn a_report_goes_to_the_recipients_the_source_names() {
    // 全年食源性疾病监测结果 go to the county health commission, copied to the city CDC.
    let r = report(
        "annual-disease-results",
        json!(["county-health-commission"]),
    );
    let f = with_host(&FakeHost::new(), |c| report_attached(c, &r));
    assert_eq!(codes(&f), vec!["recipient-missing"]);
    assert!(f[0].message_zh.contains("上级疾控中心"));
    let monthly = report("monthly-cluster", json!(["county-health-commission"]));
    assert_eq!(
        codes(&with_host(&FakeHost::new(), |c| report_attached(
            c, &monthly
        ))),
        vec!["recipient-missing"]
    );
}

#[test]
fn a_late_report_goes_ahead_with_a_warning() {
    let mut r = report("quarterly-samples", json!(["city-cdc"]));
    r["submitted_on"] = json!("2026-09-10");
    let f = with_host(&FakeHost::new(), |c| report_attached(c, &r));
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("late", Severity::Warning)
    );
}

#[test]
fn quarterly_supervision_lists_the_hospitals_supervised() {
    let ok = json!({"task_kind": "on-site-supervision", "period": "2026-Q3",
                    "hospitals_supervised": [{"hospital": "h1", "supervised_on": "2026-09-15", "findings": "无"}]});
    assert_eq!(
        with_host(&FakeHost::new(), |c| supervision_recorded(c, &ok)),
        vec![]
    );
    let none = json!({"task_kind": "on-site-supervision", "hospitals_supervised": []});
    assert_eq!(
        codes(&with_host(&FakeHost::new(), |c| supervision_recorded(
            c, &none
        ))),
        vec!["no-supervision"]
    );
    let training = json!({"task_kind": "outbreak-training"});
    assert_eq!(
        with_host(&FakeHost::new(), |c| supervision_recorded(c, &training)),
        vec![]
    );
}

#[test]
fn supervision_outside_its_quarter_is_warned_about_and_in_the_future_refused() {
    let v = json!({"task_kind": "on-site-supervision", "period": "2026-Q3",
                   "hospitals_supervised": [
                       {"hospital": "h1", "supervised_on": "2026-06-30"},
                       {"hospital": "h2", "supervised_on": "2026-10-05"}]});
    let f = with_host(&FakeHost::new(), |c| supervision_recorded(c, &v));
    assert_eq!(
        codes(&f),
        vec!["outside-quarter", "date-in-future", "outside-quarter"]
    );
    assert_eq!(f[1].field, "/hospitals_supervised/1/supervised_on");
}

fn training(first: &str, last: &str) -> Value {
    json!({"task_kind": "outbreak-training", "period": "2026", "training_first_day": first,
           "training_last_day": last, "participants": 20})
}

fn train(host: &FakeHost, v: &Value) -> Vec<Finding> {
    with_host(host, |c| training_at_least_two_working_days(c, v)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn training_of_two_working_days_passes() {
    // Thursday and Friday.
    assert_eq!(
        train(&FakeHost::new(), &training("2026-09-17", "2026-09-18")),
        vec![]
    );
}

#[test]
fn training_of_one_working_day_is_refused() {
    let f = train(&FakeHost::new(), &training("2026-09-17", "2026-09-17"));
    assert_eq!(codes(&f), vec!["training-too-short"]);
}

#[test]
fn a_weekend_does_not_count_as_training_days() {
    // Friday to Sunday is one working day; Saturday to Monday is one too.
    assert_eq!(
        codes(&train(
            &FakeHost::new(),
            &training("2026-09-18", "2026-09-20")
        )),
        vec!["training-too-short"]
    );
    assert_eq!(
        codes(&train(
            &FakeHost::new(),
            &training("2026-09-19", "2026-09-21")
        )),
        vec!["training-too-short"]
    );
    // A make-up working Saturday counts.
    let host = FakeHost::new().workday(d(2026, 9, 19));
    assert_eq!(train(&host, &training("2026-09-18", "2026-09-19")), vec![]);
    // A holiday does not.
    let host = FakeHost::new().holiday(d(2026, 9, 17));
    assert_eq!(
        codes(&train(&host, &training("2026-09-16", "2026-09-17"))),
        vec!["training-too-short"]
    );
}

#[test]
fn training_dates_must_be_in_order_and_given() {
    assert_eq!(
        codes(&train(
            &FakeHost::new(),
            &training("2026-09-18", "2026-09-17")
        )),
        vec!["last-before-first"]
    );
    let none = json!({"task_kind": "outbreak-training"});
    assert_eq!(codes(&train(&FakeHost::new(), &none)), vec!["missing-item"]);
    let supervision = json!({"task_kind": "on-site-supervision"});
    assert_eq!(train(&FakeHost::new(), &supervision), vec![]);
}
