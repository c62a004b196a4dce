//! The annual sampling plan and its monthly task rounds.

use super::{choices, note, objects};
use crate::vocab::{BUSINESS_FORMATS, PLAN_CATEGORIES};
use anjuan_plugin_sdk::{Condition, Field, FormDef};

/// 年度抽检计划: opening, approving and adjusting the plan (`plan-quotas-consistent`
/// checks the numbers against each other).
pub fn sampling_plan() -> FormDef {
    let batches = |id: &str, zh: &str, en: &str| {
        Field::integer(id, zh, en)
            .unit("批次", "batches")
            .range(Some(0.0), None)
    };
    let category = vec![
        Field::select("category", "类别", "Category", choices(PLAN_CATEGORIES)).required(),
        batches("batches", "批次", "Batches").required(),
        batches("salt_batches", "其中食盐", "Of which salt")
            .visible_when(Condition::equals("category", "city-special"))
            .help(
                "食盐计入市州专项抽检任务。",
                "Salt is part of the city special tasks.",
            ),
    ];
    let monthly = vec![
        Field::text("month", "月份（如2026-04）", "Month (e.g. 2026-04)")
            .required()
            .pattern("[0-9]{4}-(0[1-9]|1[0-2])"),
        batches("food_batches", "食品抽检批次", "Food batches").required(),
        batches("agri_batches", "食用农产品批次", "Agricultural batches").required(),
    ];
    let lab = vec![
        Field::text("lab_name", "机构名称", "Laboratory").required(),
        Field::text("tender_ref", "招标编号", "Tender").required(),
    ];
    FormDef::new("sampling-plan", "年度食品安全抽检计划", "Annual sampling plan")
        .help(
            "按类别和月份分配抽检任务，分类合计与月度合计均应等于抽检总批次；全年均衡完成，避免集中抽样、集中检验。",
            "Split the batches by category and by month; both must add up to the total. Spread sampling over the period.",
        )
        .field(
            Field::integer("plan_year", "年度", "Year")
                .required()
                .range(Some(2000.0), Some(2100.0)),
        )
        .field(
            batches("total_batches", "抽检总批次", "Total batches")
                .required()
                .range(Some(1.0), None),
        )
        .field(
            Field::group("category_quotas", "分类任务", "Quotas by category", category)
                .required()
                .items(Some(1), Some(3)),
        )
        .field(
            Field::group("monthly_quotas", "月度任务", "Quotas by month", monthly)
                .required()
                .items(Some(1), Some(12)),
        )
        .field(Field::date("period_start", "抽检开始日期", "Sampling from").required())
        .field(Field::date("period_end", "抽检结束日期", "Sampling to").required())
        .field(
            Field::multi_select(
                "business_formats",
                "覆盖业态",
                "Business formats covered",
                choices(BUSINESS_FORMATS),
            )
            .required(),
        )
        .field(
            Field::group("labs", "承检机构", "Laboratories", lab)
                .required()
                .help(
                    "通过公开招标确定有资质的食品检验机构。",
                    "Qualified laboratories chosen by public tender.",
                ),
        )
        .field(Field::file("plan_document", "抽检工作方案", "Plan document").required())
        .field(
            note("adjustment_note", "调整说明", "Adjustment").help(
                "调整抽检任务时写明调整的内容和理由。",
                "When adjusting the plan, say what changes and why.",
            ),
        )
}

/// 完成结果分析: the results analysis that closes the plan.
pub fn plan_summary() -> FormDef {
    FormDef::new("plan-summary", "抽检结果分析", "Results analysis")
        .help(
            "强化抽检结果分析利用，对可能存在的苗头性、系统性、区域性问题和风险及时报告。",
            "Analyse the results and report any emerging, systemic or regional risk.",
        )
        .field(Field::file("summary_report", "抽检结果分析报告", "Results analysis").required())
}

/// 本批次任务完成: the laboratory closes a monthly round.
pub fn round_completion() -> FormDef {
    FormDef::new("round-completion", "本批次任务完成", "Round finished")
        .field(Field::text("lab", "承检机构", "Laboratory").required())
        .field(Field::date("completed_on", "完成日期", "Completed on").required())
}

/// 报送效果自评: the laboratory's self-evaluation of a round, the workflow's `evaluation`
/// object (members in [`objects::evaluation`]).
pub fn self_evaluation() -> FormDef {
    FormDef::new("self-evaluation", "报送效果自评", "Submit the self-evaluation")
        .help(
            "于每批任务完成时限后的3个工作日内报送计划实施效果自评，并附实施效果评价表（附件4）。",
            "Submit the round's self-evaluation within 3 working days of its deadline, with the evaluation form (annex 4).",
        )
        .field(
            Field::object(
                "evaluation",
                "计划实施效果自评",
                "Self-evaluation",
                objects::evaluation(),
            )
            .required(),
        )
}
