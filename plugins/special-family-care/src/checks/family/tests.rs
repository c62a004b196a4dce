use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity};

fn codes(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.code.as_str()).collect()
}

fn register(state: &str, host: &FakeHost, id: &str) -> Vec<Finding> {
    let env = Envelope::for_test("special-family-care", "family").with_state(state);
    family_not_already_registered(&Context::new(&env, host), &json!({"id_number": id}))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_family_already_registered_is_refused_without_echoing_the_id_number() {
    let host = FakeHost::new().count_answer(id_number_query(), 1);
    let f = register("", &host, "110101195001011234");
    assert_eq!(codes(&f), vec!["ask-association-office"]);
    assert_eq!(f[0].field, "/id_number");
    assert!(!f[0].message_zh.contains("1101") && !f[0].message_en.contains("1101"));
    assert_eq!(
        host.count_calls(),
        vec![(
            id_number_query().to_string(),
            json!({"id_number": "110101195001011234"})
        )]
    );
}

#[test]
fn a_new_family_is_registered() {
    let host = FakeHost::new().count_answer(id_number_query(), 0);
    assert_eq!(register("", &host, "110101195001011234"), vec![]);
    // An existing record counts only itself.
    let host = FakeHost::new().count_answer(id_number_query(), 1);
    assert_eq!(register("active", &host, "110101195001011234"), vec![]);
}

#[test]
fn an_id_number_ending_in_x_is_found_in_either_case() {
    let host = FakeHost::new().count_with(id_number_query(), |p| {
        u64::from(p["id_number"] == json!("11010119500101123x"))
    });
    assert_eq!(
        codes(&register("", &host, "11010119500101123X")),
        vec!["ask-association-office"]
    );
    assert_eq!(host.count_calls().len(), 2);
}

fn contacts() -> Value {
    json!({
        "township_contact": "leader-1", "village_contact": "cadre-1", "liaison": "cadre-1",
        "volunteers": [{"person": "vol-1", "services": ["companionship"]}],
        "contact_card_issued": true, "contact_methods": ["home-visit", "phone"]
    })
}

#[test]
fn two_contacts_and_a_liaison_are_assigned() {
    assert_eq!(contacts_assigned(&contacts()), vec![]);
}

#[test]
fn the_township_and_village_contacts_are_two_different_people() {
    let mut c = contacts();
    c["village_contact"] = json!("leader-1");
    let f = contacts_assigned(&c);
    assert_eq!(codes(&f), vec!["same-contact"]);
    assert!(f[0].is_error());
}

#[test]
fn contacts_without_a_liaison_are_refused() {
    let mut c = contacts();
    c["liaison"] = json!(null);
    c["township_contact"] = json!("");
    let fields: Vec<String> = contacts_assigned(&c).into_iter().map(|f| f.field).collect();
    assert_eq!(fields, vec!["/township_contact", "/liaison"]);
}

#[test]
fn no_volunteer_card_or_way_of_contact_is_only_warned_about() {
    let c = json!({"township_contact": "a", "village_contact": "b", "liaison": "b",
                   "volunteers": [{"person": "v"}, {"person": "v"}]});
    let f = contacts_assigned(&c);
    assert_eq!(
        codes(&f),
        vec![
            "duplicate-volunteer",
            "no-contact-card",
            "no-contact-method"
        ]
    );
    assert!(f.iter().all(|f| f.severity == Severity::Warning));
    let none = json!({"township_contact": "a", "village_contact": "b", "liaison": "b",
                      "contact_card_issued": true, "contact_methods": ["phone"]});
    assert_eq!(codes(&contacts_assigned(&none)), vec!["no-volunteers"]);
}

fn consent(v: Value) -> Vec<Finding> {
    // now = 2026-10-01T10:00+08:00
    let env = Envelope::for_test("special-family-care", "family").with_state("active");
    let host = FakeHost::new();
    psych_consent_recorded(&Context::new(&env, &host), &v)
}

#[test]
fn consent_is_recorded_with_its_date_and_signed_form() {
    let ok = json!({"psych_consent": true, "psych_consent_on": "2026-09-30", "psych_consent_form": "f-1"});
    assert_eq!(consent(ok), vec![]);
    let bare = json!({"psych_consent": true});
    let fields: Vec<String> = consent(bare).into_iter().map(|f| f.field).collect();
    assert_eq!(fields, vec!["/psych_consent_on", "/psych_consent_form"]);
    let future =
        json!({"psych_consent": true, "psych_consent_on": "2026-10-02", "psych_consent_form": "f"});
    assert_eq!(codes(&consent(future)), vec!["date-in-future"]);
    assert_eq!(codes(&consent(json!({}))), vec!["missing-item"]);
}

#[test]
fn declining_an_assessment_is_recorded_with_a_warning() {
    let f = consent(json!({"psych_consent": false}));
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("consent-declined", Severity::Warning)
    );
}
