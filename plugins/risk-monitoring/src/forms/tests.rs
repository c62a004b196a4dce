use super::*;
use anjuan_plugin_sdk::testkit::{self, ObjectForm};
use anjuan_plugin_sdk::{Value, json};

fn object_forms() -> Vec<ObjectForm> {
    vec![
        ObjectForm {
            form: form("sampling-record").unwrap(),
            object: "sampling_record",
            members: objects::sampling_record(),
            input: json!({
                "food_name": "腊肉", "locally_produced": true, "sampling_point": "桃源镇农贸市场",
                "sampling_area": "town-a",
                "sampling_record": {
                    "sampled_at": "2026-05-12T09:30:00+08:00", "place_kind": "distribution",
                    "business_name": "刘记腊味摊", "packaging": "prepacked", "batch_no": "20260420",
                    "produced_on": "2026-04-20", "quantity": "3袋（500g/袋）", "storage": "常温",
                    "samplers": "陈晓红、李明",
                },
            }),
            leave_out: "sampled_at",
        },
        ObjectForm {
            form: form("outbreak-completion").unwrap(),
            object: "attribution",
            members: objects::attribution(),
            input: json!({
                "online_completion_reported_on": "2026-11-30", "food_business_related": false,
                "attribution": {
                    "food": "凉拌木耳", "pathogen": "椰毒假单胞菌（米酵菌酸）",
                    "contributing_factors": ["improper-storage"], "confidence": "confirmed",
                },
            }),
            leave_out: "contributing_factors",
        },
    ]
}

fn findings(form_id: &str, input: &Value) -> Vec<(String, String)> {
    testkit::findings(&form(form_id).unwrap(), input)
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

/// Bulk food has no batch number or production date: those members are hidden, so not
/// required; prepacked food must have them.
#[test]
fn the_sampling_record_asks_for_a_batch_only_of_prepacked_food() {
    let mut input = object_forms().swap_remove(0).input;
    input["sampling_record"]["packaging"] = json!("bulk");
    if let Some(m) = input["sampling_record"].as_object_mut() {
        m.remove("batch_no");
        m.remove("produced_on");
    }
    assert_eq!(findings("sampling-record", &input), vec![]);
    input["sampling_record"]["packaging"] = json!("prepacked");
    let want: Vec<(String, String)> = ["batch_no", "produced_on"]
        .iter()
        .map(|m| (format!("/sampling_record/{m}"), "required".to_string()))
        .collect();
    assert_eq!(findings("sampling-record", &input), want);
}
