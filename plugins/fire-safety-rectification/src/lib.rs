//! anjuan programme plugin for 高层建筑消防安全专项整治 (the county health bureau's
//! three-year fire-safety campaign over the high-rise buildings of its medical
//! institutions): the forms, programme checks and the in-scope derivation named in
//! `workflows/fire-safety-rectification/workflow.yaml`.
//!
//! Rules come from the bureau's implementation plan, the source behind `PROGRAMMES.md`
//! §4.
//!
//! # Layout
//! - `scope`: whether a building is in scope (已建成投入使用的高层建筑: residential with
//!   10 floors or more or taller than 27 m, public taller than 24 m) and why; behind both
//!   `derive` and the `building-in-scope` check.
//! - `forms`: `building` (the register and opening a rectification), `rectification`
//!   (the two lists, inspections, summary, acceptance) and `hazard` (progress, listed
//!   supervision, evidence, verification); object fields in `forms::objects`.
//! - `checks`: by the same nouns.

mod checks;
pub mod forms;
pub mod scope;

use anjuan_plugin_sdk::{
    CallError, Context, Description, Finding, FormDef, Item, Plugin, Value, json,
};

pub use checks::{
    MAX_ROWS_LISTED, closed_by_description_query, closed_hazards_query, hazards_query,
};

/// The plugin.
pub struct FireSafetyRectification;

/// Forms: id, Chinese title, English title.
pub const FORMS: &[(&str, &str, &str)] = &[
    ("building", "高层建筑信息", "Building"),
    (
        "open-rectification",
        "启动专项整治",
        "Open the rectification",
    ),
    (
        "two-lists",
        "自查承诺书和两个清单",
        "Commitment letter and the two lists",
    ),
    ("add-hazards", "补充问题隐患", "Add hazards"),
    (
        "inspection",
        "明查暗访（四不两直）",
        "Unannounced inspection",
    ),
    ("campaign-summary", "整治工作总结", "Campaign summary"),
    ("acceptance", "总结验收", "Acceptance"),
    (
        "rectification-progress",
        "整改进展",
        "Rectification progress",
    ),
    ("listed-supervision", "挂牌督办", "Listed supervision"),
    (
        "rectification-evidence",
        "整改佐证材料",
        "Rectification evidence",
    ),
    ("verification", "核查销号", "Verification"),
    (
        "three-year-plan",
        "三年整治计划",
        "Three-year rectification plan",
    ),
    ("hot-work", "动火作业审批", "Hot-work approval"),
    (
        "fire-investigation",
        "火灾事故延伸调查",
        "Extended fire investigation",
    ),
];

/// Checks: id, Chinese title, English title.
pub const CHECKS: &[(&str, &str, &str)] = &[
    (
        "building-record-complete",
        "建筑信息完整",
        "Building record complete",
    ),
    ("building-in-scope", "属于整治范围", "Building in scope"),
    (
        "campaign-dates-consistent",
        "整治阶段时限前后一致",
        "Campaign dates consistent",
    ),
    (
        "commitment-letter-signed",
        "签署自查承诺书",
        "Commitment letter signed",
    ),
    (
        "hazard-list-complete",
        "两个清单逐项填写",
        "Hazard list complete",
    ),
    (
        "hazard-deadlines-within-stages",
        "整改时限在阶段时限内",
        "Hazard deadlines within the stages",
    ),
    (
        "inspection-record-complete",
        "明查暗访记录完整",
        "Inspection record complete",
    ),
    (
        "acceptance-all-hazards-closed",
        "隐患全部整改销号",
        "All hazards closed",
    ),
    (
        "listed-supervision-plan-complete",
        "挂牌督办五落实",
        "Listed-supervision plan complete",
    ),
    (
        "rectification-evidence-attached",
        "整改佐证材料齐全",
        "Rectification evidence attached",
    ),
];

fn items(list: &[(&str, &str, &str)]) -> Vec<Item> {
    list.iter()
        .map(|(id, zh, en)| Item::new(id, zh, en))
        .collect()
}

impl Plugin for FireSafetyRectification {
    fn describe() -> Description {
        Description {
            id: "fire-safety-rectification".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            interface_version: String::new(),
            title_zh: "高层建筑消防安全专项整治".into(),
            title_en: "High-rise fire-safety rectification".into(),
            forms: items(FORMS),
            checks: items(CHECKS),
            derived_fields: vec!["/in_scope".into(), "/scope_reason".into()],
        }
    }

    fn form(_ctx: &Context<'_>, form_id: &str) -> Result<FormDef, CallError> {
        forms::form(form_id).ok_or_else(|| CallError::UnknownId(form_id.into()))
    }

    fn check(ctx: &Context<'_>, check_id: &str, input: &Value) -> Result<Vec<Finding>, CallError> {
        checks::run(ctx, check_id, input)
    }

    /// `in_scope` (true, false, or null while use, floors, height or in-use is unknown)
    /// and `scope_reason`, one text in Chinese and English (it is stored in the case).
    fn derive(_ctx: &Context<'_>, data: &Value) -> Result<Value, CallError> {
        let v = scope::judge(data);
        Ok(json!({
            "in_scope": v.in_scope,
            "scope_reason": format!("{} / {}", v.reason_zh, v.reason_en),
        }))
    }
}

anjuan_plugin_sdk::export_plugin!(FireSafetyRectification);

#[cfg(test)]
mod tests;
