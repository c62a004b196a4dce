//! Form definitions, one per action. Field ids are the case-data keys declared in
//! `workflows/fire-safety-rectification/workflow.yaml`.
//!
//! The workflow keeps three records as `object` fields (`campaign`, `last_inspection`,
//! `listed_supervision`); the forms that fill them (`open-rectification`, `inspection`,
//! `listed-supervision`) carry them as `object` fields whose members, with zh/en labels,
//! are in [`objects`].

mod building;
mod hazard;
pub mod objects;
mod rectification;

use anjuan_plugin_sdk::{Choice, FormDef};

/// The form `id`, or `None` when the plugin has no such form.
pub fn form(id: &str) -> Option<FormDef> {
    Some(match id {
        "building" => building::building(),
        "open-rectification" => building::open_rectification(),
        "two-lists" => rectification::two_lists(),
        "add-hazards" => rectification::add_hazards(),
        "inspection" => rectification::inspection(),
        "campaign-summary" => rectification::campaign_summary(),
        "acceptance" => rectification::acceptance(),
        "three-year-plan" => rectification::three_year_plan(),
        "hot-work" => rectification::hot_work(),
        "fire-investigation" => rectification::fire_investigation(),
        "rectification-progress" => hazard::rectification_progress(),
        "listed-supervision" => hazard::listed_supervision(),
        "rectification-evidence" => hazard::rectification_evidence(),
        "verification" => hazard::verification(),
        _ => return None,
    })
}

/// Options from (value, 中文, English).
pub(crate) fn choices(list: &[(&str, &str, &str)]) -> Vec<Choice> {
    list.iter()
        .map(|(v, zh, en)| Choice::new(v, zh, en))
        .collect()
}

/// 整治重点: the five areas the source checks.
pub const CATEGORIES: &[(&str, &str, &str)] = &[
    (
        "safety-management",
        "消防安全管理",
        "Fire-safety management",
    ),
    ("fire-facilities", "消防设施设备", "Fire facilities"),
    (
        "shafts-insulation",
        "管道竖井和保温材料",
        "Shafts and insulation",
    ),
    ("emergency-force", "应急力量建设", "Emergency force"),
    ("other", "其他整治内容", "Other"),
];

#[cfg(test)]
mod tests;
