use super::*;
use anjuan_plugin_sdk::testkit::{self, ObjectForm};
use anjuan_plugin_sdk::{Value, json};

fn object_forms() -> Vec<ObjectForm> {
    vec![
        ObjectForm {
            form: form("open-rectification").unwrap(),
            object: "campaign",
            members: objects::campaign(),
            input: json!({
                "campaign": {
                    "investigation_due_on": "2026-11-30", "serious_problems_due_on": "2027-06-30",
                    "key_problems_due_on": "2027-12-31", "all_due_on": "2028-09-30",
                    "acceptance_opens_on": "2028-10-01", "acceptance_due_on": "2028-12-31",
                },
            }),
            leave_out: "all_due_on",
        },
        ObjectForm {
            form: form("inspection").unwrap(),
            object: "last_inspection",
            members: objects::last_inspection(),
            input: json!({
                "last_inspection": {
                    "inspected_on": "2026-12-10", "findings": "三楼疏散通道堆放病床",
                    "compliant": false, "named_in_notice": true, "points_deducted": 5,
                },
            }),
            leave_out: "compliant",
        },
        ObjectForm {
            form: form("listed-supervision").unwrap(),
            object: "listed_supervision",
            members: objects::listed_supervision(),
            input: json!({
                "listed_supervision": {
                    "listed_on": "2026-12-01", "plan": "分区拆除更换A级保温材料",
                    "responsibility": "院长负总责，后勤保卫科具体实施", "measures": "施工期间划定警戒区",
                    "funds": 86.0, "temporary_safeguards": "增设室外消火栓和巡查频次",
                },
            }),
            leave_out: "temporary_safeguards",
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

/// Members keep their own constraints: no negative funds or points.
#[test]
fn object_members_keep_their_bounds() {
    let mut listing = object_forms().swap_remove(2).input;
    listing["listed_supervision"]["funds"] = json!(-1);
    assert_eq!(
        findings("listed-supervision", &listing),
        vec![("/listed_supervision/funds".into(), "min".into())]
    );
    let mut inspection = object_forms().swap_remove(1).input;
    inspection["last_inspection"]["points_deducted"] = json!(-5);
    assert_eq!(
        findings("inspection", &inspection),
        vec![("/last_inspection/points_deducted".into(), "min".into())]
    );
}
