//! Form definitions, one per action. Field ids are the case-data keys declared in
//! `workflows/special-family-care/workflow.yaml`, and a field is `sensitive` exactly
//! where the workflow marks it so: identity, contact, health and psychological data.
//!
//! The workflow keeps three records as `object` fields (`insurance`, `next_visit`,
//! `emergency_report`); the forms that fill them (`health-services`, `plan-visit`,
//! `emergency-report`) carry them as `object` fields whose members, with zh/en labels,
//! are in [`objects`].

mod care;
mod family;
pub mod objects;

use anjuan_plugin_sdk::{Choice, FormDef};

/// The form `id`, or `None` when the plugin has no such form.
pub fn form(id: &str) -> Option<FormDef> {
    Some(match id {
        "family-registration" => family::family_registration(),
        "contacts" => family::contacts(),
        "family-record" => family::family_record(),
        "health-services" => family::health_services(),
        "plan-visit" => family::plan_visit(),
        "emergency-report" => family::emergency_report(),
        "psych-consent" => family::psych_consent(),
        "close-record" => family::close_record(),
        "visit-record" => care::visit_record(),
        "health-check" => care::health_check(),
        "health-record" => care::health_record(),
        "psych-assessment" => care::psych_assessment(),
        "intervention-plan" => care::intervention_plan(),
        "emergency-aid" => care::emergency_aid(),
        "screening" => care::screening(),
        _ => return None,
    })
}

/// Options from (value, 中文, English).
pub(crate) fn choices(list: &[(&str, &str, &str)]) -> Vec<Choice> {
    list.iter()
        .map(|(v, zh, en)| Choice::new(v, zh, en))
        .collect()
}

/// 联系方式 / 走访方式: 入户、电话、网络.
pub(crate) const METHODS: &[(&str, &str, &str)] = &[
    ("home-visit", "入户", "Home visit"),
    ("phone", "电话", "Phone"),
    ("online", "网络", "Online"),
];

/// Kinds of emergency (突发事件、重大灾害等意外事故或生产生活出现重大困难).
pub(crate) const EMERGENCIES: &[(&str, &str, &str)] = &[
    ("sudden-illness", "突发疾病", "Sudden illness"),
    ("accident", "意外事故", "Accident"),
    ("disaster", "重大灾害", "Disaster"),
    ("bereavement", "重大变故", "Bereavement"),
    ("hardship", "生产生活重大困难", "Serious hardship"),
    ("other", "其他", "Other"),
];

/// The Chinese resident ID number: 17 digits and a check character.
pub(crate) const ID_NUMBER: &str = "[0-9]{17}[0-9Xx]";

#[cfg(test)]
mod tests;
