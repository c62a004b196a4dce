//! One hazard (问题隐患): progress, listed supervision, evidence and verification.

use super::objects;
use anjuan_plugin_sdk::{Field, FormDef};

/// 整改进展.
pub fn rectification_progress() -> FormDef {
    FormDef::new("rectification-progress", "登记整改进展", "Record progress")
        .field(Field::long_text("progress_note", "整改进展", "Progress").required())
}

/// 挂牌督办: the plan is the workflow's `listed_supervision` object (members in
/// [`objects::listed_supervision`]).
pub fn listed_supervision() -> FormDef {
    FormDef::new("listed-supervision", "挂牌督办", "List for supervision")
        .help(
            "对整改难度大、火灾风险高或存在重大火灾隐患的，实施政府挂牌督办，明确整改计划、方案、责任、措施和资金，落实临时性防范措施。",
            "A hard, high-risk or major hazard goes under government listed supervision, with a plan, responsibility, measures, funds and temporary safeguards.",
        )
        .field(
            Field::object(
                "listed_supervision",
                "挂牌督办",
                "Listed supervision",
                objects::listed_supervision(),
            )
            .required(),
        )
}

/// 整改佐证材料: the hazard is rectified, with evidence.
pub fn rectification_evidence() -> FormDef {
    FormDef::new(
        "rectification-evidence",
        "提交整改结果",
        "Submit the rectification",
    )
    .field(Field::date("rectified_on", "整改完成日期", "Rectified on").required())
    .field(Field::file("evidence", "整改佐证材料", "Evidence").required())
    .field(Field::long_text(
        "progress_note",
        "整改情况说明",
        "What was done",
    ))
}

/// 核查销号: the inspector checks the evidence and closes the hazard; the workflow
/// records who (`verified_by`) and declares no other field for it.
pub fn verification() -> FormDef {
    FormDef::new("verification", "核查销号", "Verify and close").help(
        "核查整改佐证材料和现场情况，确认隐患已消除后销号。",
        "Check the evidence and the site; close the hazard once it is gone.",
    )
}
