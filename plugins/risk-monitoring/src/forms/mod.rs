//! Form definitions, one per action. Field ids are the case-data keys declared in
//! `workflows/risk-monitoring/workflow.yaml`; a form carries every field its action
//! records, so the server's generic validation (required, types, bounds) runs before the
//! programme checks.
//!
//! The workflow stores some records as `object` fields (`sampling_record`,
//! `attribution`); the forms that fill them (`sampling-record`, `outbreak-completion`)
//! carry them as `object` fields whose members, with zh/en labels, are in [`objects`].

mod disease;
pub mod objects;
mod outbreak;
mod plan;
mod reports;
mod sample;

use anjuan_plugin_sdk::{Choice, FormDef};

/// The form `id`, or `None` when the plugin has no such form.
pub fn form(id: &str) -> Option<FormDef> {
    Some(match id {
        "monitoring-plan" => plan::monitoring_plan(),
        "plan-filing" => plan::plan_filing(),
        "sample-plan" => sample::sample_plan(),
        "sampling-record" => sample::sampling_record(),
        "lab-dispatch" => sample::lab_dispatch(),
        "monitoring-result" => sample::monitoring_result(),
        "hazard-report" => sample::hazard_report(),
        "regulator-notice" => sample::regulator_notice(),
        "expand-sampling" => sample::expand_sampling(),
        "follow-up-sampling" => sample::follow_up_sampling(),
        "follow-up-result" => sample::follow_up_result(),
        "disease-case-report" => disease::disease_case_report(),
        "case-review" => disease::case_review(),
        "molecular-typing" => disease::molecular_typing(),
        "food-link-notice" => disease::food_link_notice(),
        "outbreak-report" => outbreak::outbreak_report(),
        "outbreak-start" => outbreak::outbreak_start(),
        "outbreak-completion" => outbreak::outbreak_completion(),
        "investigation-report" => outbreak::investigation_report(),
        "outbreak-closure" => outbreak::outbreak_closure(),
        "periodic-report" => reports::periodic_report(),
        "quality-task" => reports::quality_task(),
        _ => return None,
    })
}

/// Options from (value, 中文, English).
pub(crate) fn choices(list: &[(&str, &str, &str)]) -> Vec<Choice> {
    list.iter()
        .map(|(v, zh, en)| Choice::new(v, zh, en))
        .collect()
}

/// 监测类别: the three kinds of the plan (化学污染物, 微生物, 地方特色食品).
pub(crate) const MONITORING_KINDS: &[(&str, &str, &str)] = &[
    ("chemical", "化学污染物及有害因素", "Chemical contaminants"),
    ("microbial", "微生物及其致病因子", "Microbes and pathogens"),
    ("local-specialty", "地方特色食品", "Local specialty food"),
];

#[cfg(test)]
mod tests;
