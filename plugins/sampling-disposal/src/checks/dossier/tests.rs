use super::*;
use crate::checks::testing::{at, check};
use anjuan_plugin_sdk::json;

/// A case spawned from a local batch, taken through every step to a passed
/// re-inspection and production resumed: what the core's scenario test closes.
fn dossier() -> Value {
    json!({
        "sample_no": "CY-2026-000017", "product": "散装白酒（高粱酒）", "business_name": "清河县桃源酒坊",
        "business_role": "producer", "report_no": "QHJC-2026-09-1187", "report_issued_on": "2026-09-30",
        "notice_received_at": "2026-09-30T10:00:00+08:00",
        "failed_items": [{"item": "甲醇", "measured": "0.92 g/L", "limit": "≤0.6 g/L"}],
        "inspector": "inspector", "disposal_started_at": "2026-09-30T08:00:00Z",
        "control_measures": ["seal", "stop-sale"], "controlled_quantity": 120,
        "cause": "raw-material", "cause_note": "原料高粱霉变",
        "penalty_decision_no": "清市监罚〔2026〕56号", "penalty_kinds": ["warning", "fine"], "penalty_amount": 50000,
        "reinspected_on": "2026-11-20", "reinspection_result": "passed",
        "production_resumed": true, "production_resumed_on": "2026-11-21",
    })
}

fn closing(data: &Value) -> Vec<(String, String)> {
    at(&check("dossier-complete", "nonconforming-sample", data))
        .into_iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect()
}

fn without(mut data: Value, keys: &[&str]) -> Value {
    if let Some(o) = data.as_object_mut() {
        for k in keys {
            o.remove(*k);
        }
    }
    data
}

fn missing(fields: &[&str]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| (f.to_string(), "missing-item".to_string()))
        .collect()
}

#[test]
fn a_dossier_with_every_step_recorded_closes() {
    assert_eq!(closing(&dossier()), vec![]);
}

#[test]
fn one_sample_one_dossier_names_each_missing_step() {
    let gaps = without(
        dossier(),
        &[
            "disposal_started_at",
            "control_measures",
            "cause",
            "reinspected_on",
        ],
    );
    assert_eq!(
        closing(&gaps),
        missing(&[
            "/disposal_started_at",
            "/control_measures",
            "/cause",
            "/reinspected_on"
        ])
    );
    let unnamed = without(dossier(), &["sample_no"]);
    assert_eq!(closing(&unnamed), missing(&["/notice_no"]));
}

#[test]
fn a_dossier_holds_a_penalty_decision_or_the_transfer_to_the_police() {
    let neither = without(
        dossier(),
        &["penalty_decision_no", "penalty_kinds", "penalty_amount"],
    );
    assert_eq!(
        closing(&neither),
        missing(&["/penalty_decision_no", "/penalty_kinds"])
    );
    let mut transferred = neither.clone();
    transferred["police_transfer"] = json!({"transferred_on": "2026-10-12", "police_unit": "清河县公安局食药环侦大队",
                                            "letter_no": "清市监移〔2026〕3号"});
    assert_eq!(closing(&transferred), vec![]);
    transferred["police_transfer"]["letter_no"] = json!("");
    assert_eq!(
        closing(&transferred),
        missing(&["/police_transfer/letter_no"])
    );
}

#[test]
fn an_objection_in_the_dossier_carries_its_retest() {
    let mut objected = dossier();
    objected["objection_received_on"] = json!("2026-10-09");
    objected["retest_lab"] = json!("湖南省食品质量监督检验研究院");
    assert_eq!(
        closing(&objected),
        missing(&["/retest_result", "/retest_completed_on"])
    );
}

#[test]
fn an_other_cause_in_the_dossier_is_explained() {
    let mut other = without(dossier(), &["cause_note"]);
    other["cause"] = json!("other");
    assert_eq!(closing(&other), missing(&["/cause_note"]));
}

#[test]
fn resumed_production_in_the_dossier_follows_a_passed_reinspection() {
    let undated = without(dossier(), &["production_resumed_on"]);
    assert_eq!(closing(&undated), missing(&["/production_resumed_on"]));
    let mut failed = dossier();
    failed["reinspection_result"] = json!("failed");
    assert_eq!(
        closing(&failed),
        vec![(
            "/production_resumed".to_string(),
            "resumed-without-passed-reinspection".to_string()
        )]
    );
    let mut not_resumed = without(dossier(), &["production_resumed", "production_resumed_on"]);
    not_resumed["reinspection_result"] = json!("failed");
    assert_eq!(closing(&not_resumed), vec![]);
}
