use super::*;
use crate::FORMS;
use anjuan_plugin_sdk::form::lint;
use anjuan_plugin_sdk::testkit::{self, ObjectForm};
use anjuan_plugin_sdk::{Field, FieldKind, Value, json};

mod samples;

#[test]
fn every_described_form_is_defined_and_sound() {
    for (id, zh, en) in FORMS {
        let f = form(id).unwrap_or_else(|| panic!("form {id} is described but not defined"));
        assert_eq!(f.id, *id);
        assert_eq!(
            (f.title.zh.as_str(), f.title.en.as_str()),
            (*zh, *en),
            "{id}"
        );
        assert_eq!(lint(&f), Vec::<String>::new(), "{id}");
    }
    assert!(form("no-such-form").is_none());
}

fn findings(form_id: &str, input: &Value) -> Vec<(String, String)> {
    testkit::findings(&form(form_id).unwrap(), input)
}

/// Whether top-level field `f` is shown for `data`.
fn visible(f: &Field, data: &Value) -> bool {
    f.visible_when
        .as_ref()
        .is_none_or(|c| c.holds(data.get(&c.field)))
}

/// Every form validates a complete sample as the server does; leaving out any one of
/// its required, visible fields is refused at that field, and nothing else.
#[test]
fn each_form_validates_a_complete_sample_and_refuses_a_missing_required_field() {
    let samples = samples::all();
    let mut covered: Vec<&str> = samples.iter().map(|(id, _)| *id).collect();
    covered.sort_unstable();
    let mut all: Vec<&str> = FORMS.iter().map(|(id, ..)| *id).collect();
    all.sort_unstable();
    assert_eq!(covered, all, "one sample per form");
    for (id, sample) in &samples {
        assert_eq!(findings(id, sample), vec![], "{id}: the complete sample");
        let def = form(id).unwrap_or_else(|| panic!("{id}"));
        let required: Vec<&Field> = def
            .fields
            .iter()
            .filter(|f| f.required && visible(f, sample))
            .collect();
        assert!(!required.is_empty(), "{id} requires nothing");
        for f in required {
            let mut gap = sample.clone();
            gap.as_object_mut().map(|o| o.remove(&f.id));
            let at = format!("/{}", f.id);
            assert_eq!(
                findings(id, &gap),
                vec![(at, "required".into())],
                "{id} without {}",
                f.id
            );
        }
    }
}

/// The workflow's object fields are filled by proper `object` fields, built from
/// [`objects`]: a complete input passes the server's validation, and one without a
/// required member is refused at that member's pointer.
#[test]
fn forms_fill_the_workflows_object_fields() {
    for (id, object, members, leave_out) in [
        (
            "police-transfer",
            "police_transfer",
            objects::police_transfer(),
            "police_unit",
        ),
        (
            "self-evaluation",
            "evaluation",
            objects::evaluation(),
            "form_file",
        ),
    ] {
        testkit::assert_object_form(&ObjectForm {
            form: form(id).unwrap(),
            object,
            members,
            input: samples::of(id),
            leave_out,
        });
    }
}

/// The evaluation's rates are percentages.
#[test]
fn evaluation_rates_are_percentages() {
    let mut input = samples::of("self-evaluation");
    input["evaluation"]["failure_detection_rate"] = json!(130);
    input["evaluation"]["data_error_rate"] = json!(-1);
    assert_eq!(
        findings("self-evaluation", &input),
        vec![
            ("/evaluation/failure_detection_rate".into(), "max".into()),
            ("/evaluation/data_error_rate".into(), "min".into()),
        ]
    );
}

/// A conforming result asks for no re-check, failed items or risk flags: the lab
/// records only when the test ended, the result and the report.
#[test]
fn a_conforming_result_needs_only_its_time_and_report() {
    let conforming = json!({
        "test_completed_at": "2026-11-29T09:00:00+08:00", "result": "conforming",
        "report_no": "QHJC-2026-11-0420", "report_issued_on": "2026-11-24",
    });
    assert_eq!(findings("test-result", &conforming), vec![]);
    let mut problem = conforming.clone();
    problem["result"] = json!("problem");
    let at: Vec<String> = findings("test-result", &problem)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        at,
        [
            "/failed_items",
            "/rechecked",
            "/high_risk",
            "/serious_hazard"
        ]
    );
}

/// An overturning retest ends disposal: no product control is asked for.
#[test]
fn only_a_confirmed_retest_asks_for_product_control() {
    let overturned = json!({"retest_result": "overturned", "retest_completed_on": "2026-10-29"});
    assert_eq!(findings("retest-result", &overturned), vec![]);
    let confirmed = json!({"retest_result": "confirmed", "retest_completed_on": "2026-10-29"});
    let at: Vec<String> = findings("retest-result", &confirmed)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(at, ["/control_measures", "/controlled_quantity"]);
}

/// Forms that continue a case are validated on the stored data with the input over it:
/// the upload may send only the time when the result already carried the report.
#[test]
fn the_upload_takes_the_report_the_result_recorded() {
    let mut merged = samples::of("test-result");
    merged["uploaded_at"] = json!("2026-09-30T09:00:00+08:00");
    assert_eq!(findings("report-upload", &merged), vec![]);
}

#[test]
fn credit_codes_and_phone_numbers_have_their_shape() {
    let mut record = samples::of("sampling-record");
    record["business_credit_code"] = json!("91430123MA4L8K77X");
    assert_eq!(
        findings("sampling-record", &record),
        vec![("/business_credit_code".into(), "pattern".into())]
    );
    let mut staff = samples::of("staff-registration");
    staff["responsible"][0]["phone"] = json!("0731-8888");
    assert_eq!(
        findings("staff-registration", &staff),
        vec![("/responsible/0/phone".into(), "pattern".into())]
    );
    staff["responsible"][0]["phone"] = json!("07318888123");
    assert_eq!(findings("staff-registration", &staff), vec![]);
}

/// Salt is asked for on the city special tasks' row only; a fine's amount only with a
/// fine or confiscation.
#[test]
fn dependent_fields_show_only_where_they_apply() {
    let plan = form("sampling-plan").unwrap_or_else(|| panic!("sampling-plan"));
    let rows = plan.fields.iter().find(|f| f.id == "category_quotas");
    let Some(FieldKind::Group { fields, .. }) = rows.map(|f| &f.kind) else {
        panic!("category_quotas is a group");
    };
    let salt = fields.iter().find(|f| f.id == "salt_batches");
    let when = salt.and_then(|f| f.visible_when.as_ref());
    assert!(when.is_some_and(|c| c.holds(Some(&json!("city-special")))));
    assert!(when.is_some_and(|c| !c.holds(Some(&json!("catering")))));
    let mut warned = samples::of("administrative-penalty");
    warned["penalty_kinds"] = json!(["warning"]);
    warned["penalty_amount"] = json!(-5);
    assert_eq!(
        findings("administrative-penalty", &warned),
        vec![],
        "hidden, not checked"
    );
}
