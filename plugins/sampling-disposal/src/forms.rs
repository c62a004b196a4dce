//! Form definitions, one per form the workflow names. Field ids, kinds and options are
//! the case-data fields `workflows/sampling-disposal/workflow.yaml` declares (a test
//! holds them to it); the members of its `object` fields are in [`objects`].
//!
//! The server validates a form against the case data as the action would leave it
//! (stored data with the input over it), so a form may require a field an earlier action
//! recorded: the upload requires the report number the result may already carry.
//!
//! # Layout
//! - `plan`: the sampling plan and its task rounds (`sampling-plan`, `plan-summary`,
//!   `round-completion`, `self-evaluation`);
//! - `batch`: a sampled batch and the lab's work (`sampling-record`, `sample-receipt`,
//!   `test-result`, `report-upload`);
//! - `disposal`: a non-conforming sample, step by step, and its publication;
//! - `county`: work the schedule opens for the county (`lab-inspection`,
//!   `festival-sampling`, `staff-registration`).

mod batch;
mod county;
mod disposal;
pub mod objects;
mod plan;

use crate::vocab::Opt;
use anjuan_plugin_sdk::{Choice, Field, FormDef};

/// The form `id`, or `None` when the plugin has no such form.
pub fn form(id: &str) -> Option<FormDef> {
    Some(match id {
        "sampling-plan" => plan::sampling_plan(),
        "plan-summary" => plan::plan_summary(),
        "round-completion" => plan::round_completion(),
        "self-evaluation" => plan::self_evaluation(),
        "sampling-record" => batch::sampling_record(),
        "sample-receipt" => batch::sample_receipt(),
        "test-result" => batch::test_result(),
        "report-upload" => batch::report_upload(),
        "open-disposal" => disposal::open_disposal(),
        "nonconforming-notice" => disposal::nonconforming_notice(),
        "start-disposal" => disposal::start_disposal(),
        "product-control" => disposal::product_control(),
        "objection" => disposal::objection(),
        "retest-result" => disposal::retest_result(),
        "cause-investigation" => disposal::cause_investigation(),
        "administrative-penalty" => disposal::administrative_penalty(),
        "police-transfer" => disposal::police_transfer(),
        "reinspection" => disposal::reinspection(),
        "production-resumption" => disposal::production_resumption(),
        "closure" => disposal::closure(),
        "system-filing" => disposal::system_filing(),
        "publication" => disposal::publication(),
        "lab-inspection" => county::lab_inspection(),
        "lab-patrol" => county::lab_patrol(),
        "festival-sampling" => county::festival_sampling(),
        "staff-registration" => county::staff_registration(),
        _ => return None,
    })
}

/// Options from a vocabulary list.
pub(crate) fn choices(list: &[Opt]) -> Vec<Choice> {
    list.iter()
        .map(|(v, zh, en)| Choice::new(v, zh, en))
        .collect()
}

/// 统一社会信用代码: 18 characters, the alphabet of GB 32100 (no I, O, S, V, Z).
pub const CREDIT_CODE_PATTERN: &str = "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}";

/// 不合格项目: each failed item with what was measured against the standard's limit, as
/// the lab records it and the notice repeats it.
pub(crate) fn failed_items() -> Field {
    let row = vec![
        Field::text("item", "项目", "Item").required(),
        Field::text("measured", "检验结果", "Measured").required(),
        Field::text("limit", "标准限值", "Limit").required(),
    ];
    Field::group("failed_items", "不合格项目", "Failed items", row)
        .required()
        .items(Some(1), None)
}

/// A long free text of at most 2,000 characters.
pub(crate) fn note(id: &str, zh: &str, en: &str) -> Field {
    Field::long_text(id, zh, en).length(None, Some(2000))
}

#[cfg(test)]
mod tests;
