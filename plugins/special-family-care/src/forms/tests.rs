use super::*;
use anjuan_plugin_sdk::json;
use anjuan_plugin_sdk::testkit::{self, ObjectForm};

fn object_forms() -> Vec<ObjectForm> {
    vec![
        ObjectForm {
            form: form("health-services").unwrap(),
            object: "insurance",
            members: objects::insurance(),
            input: json!({
                "family_doctor_signed": true, "green_channel_card": true,
                "insurance": { "accident": true, "comprehensive": false, "nursing_subsidy": true,
                               "policy_no": "PICC-AX-2026-0317" },
            }),
            leave_out: "comprehensive",
        },
        ObjectForm {
            form: form("plan-visit").unwrap(),
            object: "next_visit",
            members: objects::next_visit(),
            input: json!({
                "next_visit": { "kind": "regular", "planned_on": "2026-12-01", "method": "home-visit" },
            }),
            leave_out: "planned_on",
        },
        ObjectForm {
            form: form("emergency-report").unwrap(),
            object: "emergency_report",
            members: objects::emergency_report(),
            input: json!({
                "emergency_report": { "kind": "sudden-illness", "happened_at": "2026-11-28T07:20:00+08:00",
                                      "situation": "户主突发脑梗，独居无人照料" },
            }),
            leave_out: "situation",
        },
    ]
}

/// The workflow's object fields are filled by proper `object` fields, built from
/// [`objects`]: a complete input passes the server's validation, and one without a
/// required member is refused at that member's pointer.
#[test]
fn forms_fill_the_workflows_object_fields() {
    for o in object_forms() {
        testkit::assert_object_form(&o);
    }
}

/// The emergency is sensitive as a whole, as the workflow marks it.
#[test]
fn the_emergency_report_is_sensitive() {
    let f = form("emergency-report").unwrap_or_else(|| panic!("emergency-report"));
    assert!(f.fields.iter().all(|x| x.sensitive));
}
