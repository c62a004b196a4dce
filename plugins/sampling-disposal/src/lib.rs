//! anjuan programme plugin for 食品安全抽检与核查处置 (the market supervision bureau's
//! food sampling and the disposal of non-conforming food): every form and programme
//! check `workflows/sampling-disposal/workflow.yaml` names.
//!
//! Rules come from the bureau's sampling work plan and the district's supervision
//! sampling plan, the source behind `PROGRAMMES.md` §2.
//!
//! # Layout
//! - `forms`: one per form the workflow names, by case type (plan, batch, disposal,
//!   county work); the members of its object fields in `forms::objects`.
//! - `checks`: by the same nouns; `max-batches-per-business`, `plan-quotas-met` and
//!   `plan-monthly-quotas-met` use the count queries `plugin.toml` declares.
//! - `derived`: a batch's month and quota line, which the server stores in the batch.
//! - `vocab`: the workflow's option lists with zh/en labels.

mod checks;
pub mod derived;
pub mod forms;
pub mod vocab;

use anjuan_plugin_sdk::{CallError, Context, Description, Finding, FormDef, Item, Plugin, Value};

pub use checks::{
    MAX_BATCHES_PER_BUSINESS, batches_query, category_query, month_query, round_query,
};

/// The plugin.
pub struct SamplingDisposal;

/// Forms: id, Chinese title, English title.
pub const FORMS: &[(&str, &str, &str)] = &[
    (
        "sampling-plan",
        "年度食品安全抽检计划",
        "Annual sampling plan",
    ),
    ("plan-summary", "抽检结果分析", "Results analysis"),
    ("round-completion", "本批次任务完成", "Round finished"),
    (
        "self-evaluation",
        "报送效果自评",
        "Submit the self-evaluation",
    ),
    ("sampling-record", "抽样单", "Sampling record"),
    (
        "open-disposal",
        "收到不合格结果通知书",
        "Non-conforming result notice received",
    ),
    ("sample-receipt", "收样", "Receive the sample"),
    (
        "system-filing",
        "确认已在国抽系统核查处置模块填报",
        "Confirm filing in the national system",
    ),
    (
        "lab-patrol",
        "不定期巡查和回访被抽样单位",
        "Patrol and call-backs to sampled businesses",
    ),
    ("test-result", "录入检验结论", "Record the result"),
    (
        "report-upload",
        "审核并上传报告",
        "Review and upload the report",
    ),
    (
        "nonconforming-notice",
        "不合格结果通知书",
        "Non-conforming result notice",
    ),
    ("start-disposal", "启动核查处置", "Start disposal"),
    ("product-control", "产品控制", "Product control"),
    (
        "objection",
        "受理异议复检申请",
        "Accept an objection retest",
    ),
    ("retest-result", "复检结论", "Retest result"),
    ("cause-investigation", "原因排查", "Cause investigation"),
    (
        "administrative-penalty",
        "行政处罚",
        "Administrative penalty",
    ),
    ("police-transfer", "移送公安机关", "Transfer to the police"),
    ("reinspection", "复查", "Re-inspection"),
    (
        "production-resumption",
        "同意恢复生产",
        "Production may resume",
    ),
    ("closure", "办结归档", "Close and archive"),
    ("publication", "公布抽检信息", "Publish the result"),
    (
        "lab-inspection",
        "承检机构监督检查",
        "Inspection of a laboratory",
    ),
    (
        "festival-sampling",
        "节令性食品抽检",
        "Festival food sampling",
    ),
    (
        "staff-registration",
        "食品安全抽检工作负责人登记",
        "Registration of sampling staff",
    ),
];

/// Checks: id, Chinese title, English title.
pub const CHECKS: &[(&str, &str, &str)] = &[
    (
        "plan-quotas-consistent",
        "分类与月度任务合计一致",
        "Plan quotas consistent",
    ),
    ("plan-quotas-met", "按类别完成抽检任务", "Plan quotas met"),
    (
        "plan-monthly-quotas-met",
        "按月完成抽检任务",
        "Monthly quotas met",
    ),
    (
        "self-evaluation-complete",
        "效果自评六项齐全",
        "Self-evaluation complete",
    ),
    (
        "sampling-record-complete",
        "抽样单不得漏项",
        "Sampling record complete",
    ),
    (
        "max-batches-per-business",
        "同一被抽样单位不超过6批次",
        "At most 6 batches per business in a plan",
    ),
    (
        "samplers-at-least-two",
        "不少于2名监管人员抽样",
        "At least two regulators sample",
    ),
    (
        "recheck-done-for-nonconforming",
        "不合格和问题样品必须复核",
        "Non-conforming samples re-checked",
    ),
    (
        "report-upload-complete",
        "检验报告完整上传",
        "Report uploaded in full",
    ),
    (
        "notice-record-complete",
        "不合格结果通知书记录完整",
        "Notice record complete",
    ),
    (
        "start-disposal",
        "24小时内启动核查处置",
        "Started within 24 hours when urgent",
    ),
    (
        "product-control-complete",
        "产品控制措施到位",
        "Product control complete",
    ),
    (
        "objection-record-complete",
        "异议复检申请记录完整",
        "Objection record complete",
    ),
    (
        "cause-investigation-complete",
        "原因排查有结论",
        "Cause investigation complete",
    ),
    (
        "penalty-record-complete",
        "行政处罚记录完整",
        "Penalty record complete",
    ),
    (
        "reinspection-record-complete",
        "复查记录完整",
        "Re-inspection record complete",
    ),
    (
        "production-resumption-allowed",
        "复查合格方可恢复生产",
        "Production resumes only after a passed re-inspection",
    ),
    ("dossier-complete", "一样品一表一案卷", "Dossier complete"),
    (
        "publication-record-complete",
        "抽检信息公布记录完整",
        "Publication record complete",
    ),
    (
        "lab-inspection-complete",
        "监督检查记录完整",
        "Laboratory inspection complete",
    ),
];

fn items(list: &[(&str, &str, &str)]) -> Vec<Item> {
    list.iter()
        .map(|(id, zh, en)| Item::new(id, zh, en))
        .collect()
}

impl Plugin for SamplingDisposal {
    fn describe() -> Description {
        Description {
            id: "sampling-disposal".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            interface_version: String::new(),
            title_zh: "食品安全抽检与核查处置".into(),
            title_en: "Food sampling and disposal of non-conforming food".into(),
            forms: items(FORMS),
            checks: items(CHECKS),
            derived_fields: derived::DERIVED_FIELDS
                .iter()
                .map(|p| p.to_string())
                .collect(),
        }
    }

    fn form(_ctx: &Context<'_>, form_id: &str) -> Result<FormDef, CallError> {
        forms::form(form_id).ok_or_else(|| CallError::UnknownId(form_id.into()))
    }

    fn check(ctx: &Context<'_>, check_id: &str, input: &Value) -> Result<Vec<Finding>, CallError> {
        checks::run(ctx, check_id, input)
    }

    fn derive(_ctx: &Context<'_>, data: &Value) -> Result<Value, CallError> {
        Ok(derived::derive(data))
    }
}

anjuan_plugin_sdk::export_plugin!(SamplingDisposal);

#[cfg(test)]
mod tests;
