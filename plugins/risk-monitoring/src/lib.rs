//! anjuan programme plugin for 食品安全风险监测 (food-safety risk monitoring): the forms
//! and programme checks named in `workflows/risk-monitoring/workflow.yaml`.
//!
//! Rules come from the county's monitoring plan (县20xx年食品安全风险监测方案), the
//! source behind `PROGRAMMES.md` §1.
//!
//! # Layout
//! - `forms`: one form per action, by case type: `plan` (monitoring plan and filing),
//!   `sample` (monitoring and follow-up samples), `disease` (case reports), `outbreak`,
//!   `reports` (periodic reports and quality tasks). The members of the workflow's
//!   object fields are in `forms::objects`, shared by the forms that fill them.
//! - `checks`: the programme rules, by the same nouns: `plan` (not below the city
//!   task, local products ≥ 60%, every area covered), `sample` (sampling record
//!   complete, no concentrated sampling, hazard report, enlarged sampling), `disease`
//!   (case report complete), `outbreak` (online reports at start and completion,
//!   attribution), `quality` (reports attached, quarterly supervision, training of at
//!   least two working days).

mod checks;
pub mod forms;

use anjuan_plugin_sdk::{CallError, Context, Description, Finding, FormDef, Item, Plugin, Value};

pub use checks::{
    MIN_SAMPLES_FOR_CONCENTRATION, collected_query, local_collected_query, samples_at_point_query,
    samples_query,
};

/// The plugin.
pub struct RiskMonitoring;

/// Forms: id, Chinese title, English title.
pub const FORMS: &[(&str, &str, &str)] = &[
    (
        "monitoring-plan",
        "县级食品安全风险监测方案",
        "County monitoring plan",
    ),
    ("plan-filing", "报市卫生健康委备案", "Filing with the city"),
    ("sample-plan", "监测样品计划", "Planned sample"),
    ("sampling-record", "采样记录", "Sampling record"),
    ("lab-dispatch", "送样", "Sent to the lab"),
    ("monitoring-result", "监测数据", "Monitoring result"),
    ("hazard-report", "食品安全隐患核实报送", "Hazard report"),
    (
        "regulator-notice",
        "通报食品安全监管部门",
        "Notice to the regulator",
    ),
    ("expand-sampling", "扩大采样计划", "Enlarged sampling"),
    ("follow-up-sampling", "扩大监测采样", "Follow-up sampling"),
    ("follow-up-result", "扩大监测结果", "Follow-up result"),
    (
        "disease-case-report",
        "食源性疾病病例报告",
        "Foodborne-disease case report",
    ),
    ("case-review", "疾控审核", "CDC review"),
    ("molecular-typing", "分子分型", "Molecular typing"),
    (
        "food-link-notice",
        "通报监管部门并报告上级",
        "Food-link notice",
    ),
    (
        "outbreak-report",
        "食源性疾病暴发事件报告",
        "Outbreak report",
    ),
    (
        "outbreak-start",
        "启动流行病学调查",
        "Investigation started",
    ),
    (
        "outbreak-completion",
        "完成流行病学调查",
        "Investigation completed",
    ),
    (
        "investigation-report",
        "流行病学调查报告",
        "Investigation report",
    ),
    ("outbreak-closure", "暴发事件结案", "Outbreak closure"),
    ("periodic-report", "监测报告", "Monitoring report"),
    ("quality-task", "质量控制任务", "Quality-control task"),
];

/// Checks: id, Chinese title, English title.
pub const CHECKS: &[(&str, &str, &str)] = &[
    (
        "plan-not-below-city-task",
        "样品数量不少于市级任务量",
        "Not below the city task",
    ),
    (
        "local-products-at-least-60-percent",
        "本地产品不低于任务量的60%",
        "Local products at least 60%",
    ),
    (
        "sampling-points-cover-county",
        "采样点涵盖所有辖区",
        "Sampling points cover the county",
    ),
    (
        "samples-collected-meet-city-task",
        "实际采样数量不少于市级任务量，本地产品不低于60%",
        "Samples collected meet the city task and the local share",
    ),
    (
        "sampling-record-complete",
        "逐项记录采样信息，不得漏项",
        "Sampling record complete",
    ),
    (
        "sampling-not-concentrated",
        "避免集中采样",
        "No concentrated sampling",
    ),
    (
        "hazard-report-complete",
        "隐患核实后报送",
        "Hazard verified before reporting",
    ),
    (
        "expansion-plan-complete",
        "扩大问题食品品种或品牌的样品数量",
        "Enlarged sampling of the product or brand",
    ),
    (
        "case-report-complete",
        "病例信息完整",
        "Case report complete",
    ),
    (
        "online-start-report-filed",
        "启动调查后网络填报",
        "Online report at start filed",
    ),
    (
        "online-completion-report-filed",
        "完成调查后网络填报",
        "Online report at completion filed",
    ),
    (
        "attribution-complete",
        "暴发事件归因分析",
        "Attribution complete",
    ),
    (
        "report-attached",
        "报告已附并报送",
        "Report attached and sent",
    ),
    (
        "supervision-recorded",
        "每季度现场督导",
        "Quarterly on-site supervision recorded",
    ),
    (
        "training-at-least-two-working-days",
        "培训不少于2个工作日",
        "Training of at least two working days",
    ),
];

fn items(list: &[(&str, &str, &str)]) -> Vec<Item> {
    list.iter()
        .map(|(id, zh, en)| Item::new(id, zh, en))
        .collect()
}

impl Plugin for RiskMonitoring {
    fn describe() -> Description {
        Description {
            id: "risk-monitoring".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            interface_version: String::new(),
            title_zh: "食品安全风险监测".into(),
            title_en: "Food-safety risk monitoring".into(),
            forms: items(FORMS),
            checks: items(CHECKS),
            derived_fields: vec![],
        }
    }

    fn form(_ctx: &Context<'_>, form_id: &str) -> Result<FormDef, CallError> {
        forms::form(form_id).ok_or_else(|| CallError::UnknownId(form_id.into()))
    }

    fn check(ctx: &Context<'_>, check_id: &str, input: &Value) -> Result<Vec<Finding>, CallError> {
        checks::run(ctx, check_id, input)
    }
}

anjuan_plugin_sdk::export_plugin!(RiskMonitoring);

#[cfg(test)]
mod tests;
