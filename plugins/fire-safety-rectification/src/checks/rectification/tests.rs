use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity};

fn codes(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.code.as_str()).collect()
}

fn with_ctx<T>(action: &str, host: &FakeHost, f: impl FnOnce(&Context<'_>) -> T) -> T {
    // now = 2026-10-01T10:00+08:00
    let env = Envelope::for_test("fire-safety-rectification", "rectification")
        .with_state("investigation")
        .with_action(action);
    f(&Context::new(&env, host))
}

fn row(description: &str, by: &str, key: bool) -> Value {
    json!({"category": "fire-facilities", "description": description, "location": "3楼",
           "measures": "更换", "responsible_unit": "后勤科", "responsible_person": "王某",
           "funds": 1.5, "rectify_by": by, "key_problem": key, "major": false})
}

#[test]
fn a_signed_commitment_letter_passes() {
    let v = json!({"commitment_letter": "f1", "commitment_signed_on": "2026-09-20",
                   "commitment_signed_by": "院长", "investigation_due_on": "2026-11-30"});
    assert_eq!(
        with_ctx("submit-two-lists", &FakeHost::new(), |c| {
            commitment_letter_signed(c, &v)
        }),
        vec![]
    );
}

#[test]
fn the_two_lists_are_refused_without_a_signed_commitment_letter() {
    let v = json!({"commitment_signed_on": "2026-10-02"});
    let f = with_ctx("submit-two-lists", &FakeHost::new(), |c| {
        commitment_letter_signed(c, &v)
    });
    assert_eq!(
        codes(&f),
        vec!["missing-item", "missing-item", "date-in-future"]
    );
}

#[test]
fn a_letter_signed_after_the_investigation_stage_is_warned_about() {
    let v = json!({"commitment_letter": "f1", "commitment_signed_on": "2026-09-20",
                   "commitment_signed_by": "院长", "investigation_due_on": "2026-09-15"});
    let f = with_ctx("submit-two-lists", &FakeHost::new(), |c| {
        commitment_letter_signed(c, &v)
    });
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("signed-late", Severity::Warning)
    );
}

#[test]
fn every_row_of_the_two_lists_is_filled_in() {
    let mut bad = row("消火栓无水", "2027-06-30", false);
    bad["responsible_person"] = json!("");
    bad.as_object_mut().map(|o| o.remove("funds"));
    let v = json!({"no_hazards": false, "hazards": [row("疏散通道堵塞", "2026-12-31", true), bad]});
    let f = with_ctx("submit-two-lists", &FakeHost::new(), |c| {
        hazard_list_complete(c, &v)
    });
    let fields: Vec<&str> = f.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        vec!["/hazards/1/responsible_person", "/hazards/1/funds"]
    );
    assert!(f[0].message_zh.contains("第2项"));
}

#[test]
fn an_empty_list_needs_no_hazard_found_and_contradictions_are_refused() {
    let empty = json!({"no_hazards": false, "hazards": []});
    assert_eq!(
        codes(&with_ctx("submit-two-lists", &FakeHost::new(), |c| {
            hazard_list_complete(c, &empty)
        })),
        vec!["no-rows"]
    );
    let none = json!({"no_hazards": true});
    assert_eq!(
        with_ctx("submit-two-lists", &FakeHost::new(), |c| {
            hazard_list_complete(c, &none)
        }),
        vec![]
    );
    let both = json!({"no_hazards": true, "hazards": [row("x", "2026-12-31", false)]});
    assert_eq!(
        codes(&with_ctx("submit-two-lists", &FakeHost::new(), |c| {
            hazard_list_complete(c, &both)
        })),
        vec!["contradiction"]
    );
}

#[test]
fn added_hazards_are_checked_in_the_new_rows_only() {
    let mut bad = row("外保温破损", "2027-03-31", false);
    bad["measures"] = json!(null);
    let v = json!({"hazards": [], "new_hazards": [bad]});
    let f = with_ctx("add-hazards", &FakeHost::new(), |c| {
        hazard_list_complete(c, &v)
    });
    assert_eq!(f[0].field, "/new_hazards/0/measures");
}

fn stages(rows: Value) -> Value {
    json!({"hazards": rows, "key_problems_due_on": "2027-12-31", "all_due_on": "2028-09-30"})
}

#[test]
fn hazard_deadlines_within_the_stages_pass() {
    let v = stages(json!([
        row("a", "2027-12-31", true),
        row("b", "2028-09-30", false)
    ]));
    assert_eq!(
        with_ctx("submit-two-lists", &FakeHost::new(), |c| {
            hazard_deadlines_within_stages(c, &v)
        }),
        vec![]
    );
}

#[test]
fn a_deadline_after_everything_must_be_rectified_is_refused() {
    let v = stages(json!([row("a", "2028-10-01", false)]));
    let f = with_ctx("submit-two-lists", &FakeHost::new(), |c| {
        hazard_deadlines_within_stages(c, &v)
    });
    assert_eq!(
        (f[0].field.as_str(), f[0].code.as_str()),
        ("/hazards/0/rectify_by", "after-all-due")
    );
}

#[test]
fn a_key_problem_due_after_the_key_problem_stage_is_refused() {
    let v = stages(json!([
        row("a", "2028-03-31", true),
        row("b", "2028-03-31", false)
    ]));
    let f = with_ctx("submit-two-lists", &FakeHost::new(), |c| {
        hazard_deadlines_within_stages(c, &v)
    });
    assert_eq!(codes(&f), vec!["key-problem-after-stage"]);
}

#[test]
fn a_deadline_already_past_or_stages_unknown_are_warned_about() {
    let v = json!({"new_hazards": [row("a", "2026-09-01", false)]});
    let f = with_ctx("add-hazards", &FakeHost::new(), |c| {
        hazard_deadlines_within_stages(c, &v)
    });
    assert_eq!(codes(&f), vec!["stages-unknown", "deadline-passed"]);
    assert!(f.iter().all(|f| f.severity == Severity::Warning));
}

#[test]
fn a_unit_found_wanting_is_named_and_loses_points() {
    let ok = json!({"last_inspection": {"inspected_on": "2026-09-28", "findings": "通道堵塞", "compliant": false,
                                        "named_in_notice": true, "points_deducted": 5}});
    assert_eq!(
        with_ctx("record-inspection", &FakeHost::new(), |c| {
            inspection_record_complete(c, &ok)
        }),
        vec![]
    );
    let lenient = json!({"last_inspection": {"inspected_on": "2026-09-28", "findings": "通道堵塞", "compliant": false}});
    assert_eq!(
        codes(&with_ctx("record-inspection", &FakeHost::new(), |c| {
            inspection_record_complete(c, &lenient)
        })),
        vec!["not-named", "no-points"]
    );
    let fine = json!({"last_inspection": {"inspected_on": "2026-09-28", "findings": "无", "compliant": true}});
    assert_eq!(
        with_ctx("record-inspection", &FakeHost::new(), |c| {
            inspection_record_complete(c, &fine)
        }),
        vec![]
    );
}

#[test]
fn an_inspection_record_needs_its_date_findings_and_verdict() {
    let v = json!({"last_inspection": {"inspected_on": "2026-10-05"}});
    let f = with_ctx("record-inspection", &FakeHost::new(), |c| {
        inspection_record_complete(c, &v)
    });
    assert_eq!(
        codes(&f),
        vec!["missing-item", "missing-item", "date-in-future"]
    );
}

fn acceptance(host: &FakeHost, hazards: Value) -> Vec<Finding> {
    with_ctx("accept", host, |c| {
        acceptance_all_hazards_closed(c, &json!({"hazards": hazards}))
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn acceptance_is_refused_while_any_hazard_is_open_listing_the_open_ones() {
    let host = FakeHost::new()
        .count_answer(hazards_query(), 3)
        .count_answer(closed_hazards_query(), 1)
        .count_with(closed_by_description_query(), |p| {
            u64::from(p["description"] == json!("消火栓无水"))
        });
    let rows = json!([
        row("消火栓无水", "2027-06-30", false),
        row("疏散通道堵塞", "2027-06-30", false),
        row("外保温破损", "2027-06-30", false)
    ]);
    let f = acceptance(&host, rows);
    assert_eq!(
        codes(&f),
        vec!["hazards-open", "hazard-open", "hazard-open"]
    );
    assert!(f[0].message_zh.contains("尚有 2 项"));
    let fields: Vec<&str> = f.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, vec!["", "/hazards/1", "/hazards/2"]);
    assert!(f.iter().all(|f| f.is_error()));
}

#[test]
fn acceptance_passes_when_every_hazard_is_closed() {
    let host = FakeHost::new()
        .count_answer(hazards_query(), 2)
        .count_answer(closed_hazards_query(), 2);
    assert_eq!(acceptance(&host, json!([])), vec![]);
    let calls = host.count_calls();
    let rect = "0190f5d2-0000-7000-8000-000000000001";
    assert_eq!(
        calls[0],
        (hazards_query().to_string(), json!({"rectification": rect}))
    );
    assert_eq!(
        calls[1],
        (
            closed_hazards_query().to_string(),
            json!({"rectification": rect, "closed": true})
        )
    );
}

#[test]
fn rows_sharing_a_description_are_counted_together() {
    let host = FakeHost::new()
        .count_answer(hazards_query(), 2)
        .count_answer(closed_hazards_query(), 1)
        .count_answer(closed_by_description_query(), 1);
    let rows = json!([
        row("灭火器过期", "2027-06-30", false),
        row("灭火器过期", "2027-06-30", false)
    ]);
    let fields: Vec<String> = acceptance(&host, rows)
        .into_iter()
        .map(|f| f.field)
        .collect();
    assert_eq!(fields, vec!["", "/hazards/1"]);
}

#[test]
fn long_lists_are_refused_with_the_count_alone() {
    let host = FakeHost::new()
        .count_answer(hazards_query(), 20)
        .count_answer(closed_hazards_query(), 0);
    let rows: Vec<Value> = (0..20)
        .map(|i| row(&format!("隐患{i}"), "2027-06-30", false))
        .collect();
    let f = acceptance(&host, Value::Array(rows));
    assert_eq!(codes(&f), vec!["hazards-open"]);
    assert!(host.count_calls().len() <= 16);
}
