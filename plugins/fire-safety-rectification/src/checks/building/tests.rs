use super::*;
use anjuan_plugin_sdk::{Severity, json};

fn codes(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.code.as_str()).collect()
}

fn building() -> Value {
    json!({
        "name": "住院楼", "address": "县人民医院内", "facility": "county-hospital",
        "property_unit": "县人民医院", "user_unit": "县人民医院", "building_use": "public",
        "floors": 12, "height_m": 45.0, "in_use": true, "micro_fire_station": true,
        "safety_responsible": "院长", "safety_manager": "保卫科长"
    })
}

#[test]
fn a_complete_building_record_passes() {
    assert_eq!(building_record_complete(&building()), vec![]);
}

#[test]
fn a_building_record_names_who_is_responsible_for_fire_safety() {
    let mut b = building();
    b["safety_manager"] = json!("");
    b.as_object_mut().map(|o| o.remove("floors"));
    let fields: Vec<String> = building_record_complete(&b)
        .into_iter()
        .map(|f| f.field)
        .collect();
    assert_eq!(fields, vec!["/floors", "/safety_manager"]);
}

#[test]
fn a_building_out_of_scope_may_be_registered_with_a_warning() {
    let mut b = building();
    b["height_m"] = json!(20.0);
    let f = building_record_complete(&b);
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("out-of-scope", Severity::Warning)
    );
}

#[test]
fn a_shared_public_high_rise_without_agreement_or_micro_station_is_warned_about() {
    let mut b = building();
    b["managing_unit"] = json!("某物业公司");
    b["micro_fire_station"] = json!(false);
    let f = building_record_complete(&b);
    assert_eq!(
        codes(&f),
        vec!["no-responsibility-agreement", "no-micro-fire-station"]
    );
    assert!(f.iter().all(|f| f.severity == Severity::Warning));
}

#[test]
fn a_rectification_is_refused_for_a_building_out_of_scope_saying_why() {
    let mut b = building();
    b["height_m"] = json!(24.0);
    let f = building_in_scope(&b);
    assert_eq!(
        (f[0].field.as_str(), f[0].code.as_str()),
        ("/height_m", "out-of-scope")
    );
    assert!(f[0].is_error());
    assert!(f[0].message_zh.contains("24 米") && f[0].message_en.contains("not over 24 m"));
}

#[test]
fn a_rectification_is_refused_for_a_building_not_in_use() {
    let mut b = building();
    b["in_use"] = json!(false);
    assert_eq!(codes(&building_in_scope(&b)), vec!["not-in-use"]);
}

#[test]
fn a_rectification_opens_for_a_building_in_scope() {
    assert_eq!(building_in_scope(&building()), vec![]);
    let tall_home =
        json!({"building_use": "residential", "floors": 10, "height_m": 29.0, "in_use": true});
    assert_eq!(building_in_scope(&tall_home), vec![]);
}

fn campaign() -> Value {
    json!({"campaign": {
        "investigation_due_on": "2026-11-30", "serious_problems_due_on": "2027-06-30",
        "key_problems_due_on": "2027-12-31", "all_due_on": "2028-09-30",
        "acceptance_opens_on": "2028-10-01", "acceptance_due_on": "2028-12-31"
    }})
}

#[test]
fn the_source_campaign_dates_are_consistent() {
    assert_eq!(campaign_dates_consistent(&campaign()), vec![]);
}

#[test]
fn campaign_stages_out_of_order_are_refused() {
    let mut c = campaign();
    c["campaign"]["acceptance_opens_on"] = json!("2028-09-30");
    let f = campaign_dates_consistent(&c);
    assert_eq!(codes(&f), vec!["stages-out-of-order", "unusual-month"]);
    assert_eq!(f[0].field, "/campaign/acceptance_opens_on");
    assert!(f[0].is_error());
}

#[test]
fn missing_campaign_dates_are_refused_and_unusual_months_warned_about() {
    let missing = json!({"campaign": {"investigation_due_on": "2026-12-15"}});
    let f = campaign_dates_consistent(&missing);
    assert_eq!(f.iter().filter(|f| f.code == "missing-item").count(), 5);
    assert_eq!(
        f.last().map(|f| (f.code.as_str(), f.severity)),
        Some(("unusual-month", Severity::Warning))
    );
}
