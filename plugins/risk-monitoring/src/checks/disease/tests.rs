use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity, json};

fn run(v: &Value) -> Vec<Finding> {
    let env = Envelope::for_test("risk-monitoring", "disease-case");
    let host = FakeHost::new();
    case_report_complete(&Context::new(&env, &host), v)
}

fn report() -> Value {
    json!({
        "reporter": "dr-li", "hospital": "county-hospital", "patient_name": "王某",
        "id_number": "110101199001011234", "phone": "13800000000", "address": "某镇某村",
        "sex": "female", "age": 36,
        "onset_at": "2026-09-29T20:00:00+08:00", "visited_at": "2026-09-30T08:00:00+08:00",
        "symptoms": ["diarrhoea", "vomiting"],
        "exposure_history": [{"food": "凉拌菜", "place": "家中", "eaten_at": "2026-09-29T12:00:00+08:00", "others_ill": true}],
        "diagnosis": "感染性腹泻", "specimen_collected": true, "specimen_kind": "stool"
    })
}

#[test]
fn a_complete_case_report_passes() {
    assert_eq!(run(&report()), vec![]);
}

#[test]
fn a_case_report_without_symptoms_exposure_or_diagnosis_is_refused() {
    let mut r = report();
    for k in ["symptoms", "diagnosis"] {
        r.as_object_mut().map(|o| o.remove(k));
    }
    r["exposure_history"] = json!([]);
    let fields: Vec<String> = run(&r).into_iter().map(|f| f.field).collect();
    assert_eq!(fields, vec!["/symptoms", "/exposure_history", "/diagnosis"]);
}

#[test]
fn a_case_report_without_the_patients_identity_is_refused_without_echoing_it() {
    let mut r = report();
    r["patient_name"] = json!("");
    r["phone"] = json!(null);
    let f = run(&r);
    assert_eq!(f.len(), 2);
    assert!(
        f.iter()
            .all(|f| f.is_error() && !f.message_zh.contains("王某"))
    );
}

#[test]
fn a_missing_id_number_is_only_warned_about() {
    let mut r = report();
    r.as_object_mut().map(|o| o.remove("id_number"));
    let f = run(&r);
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("no-id-number", Severity::Warning)
    );
}

#[test]
fn each_exposure_row_names_food_place_and_time() {
    let mut r = report();
    r["exposure_history"][0]["place"] = json!("");
    let f = run(&r);
    assert_eq!(f[0].field, "/exposure_history/0/place");
}

#[test]
fn onset_after_the_visit_or_in_the_future_is_refused() {
    let mut r = report();
    r["onset_at"] = json!("2026-09-30T09:00:00+08:00");
    assert_eq!(run(&r)[0].code, "onset-after-visit");
    r["onset_at"] = json!("2026-10-03T09:00:00+08:00");
    r["visited_at"] = json!("2026-10-03T10:00:00+08:00");
    let codes: Vec<String> = run(&r).into_iter().map(|f| f.code).collect();
    assert_eq!(codes, vec!["date-in-future", "date-in-future"]);
}

#[test]
fn food_eaten_after_onset_is_warned_about() {
    let mut r = report();
    r["exposure_history"][0]["eaten_at"] = json!("2026-09-29T21:00:00+08:00");
    let f = run(&r);
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("eaten-after-onset", Severity::Warning)
    );
}

#[test]
fn a_specimen_taken_needs_its_kind() {
    let mut r = report();
    r["specimen_kind"] = json!(null);
    assert_eq!(run(&r)[0].field, "/specimen_kind");
    r["specimen_collected"] = json!(false);
    assert_eq!(run(&r), vec![]);
}
