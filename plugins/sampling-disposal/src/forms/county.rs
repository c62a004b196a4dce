//! County work the schedule opens: laboratory inspections, festival sampling and the
//! registration of sampling staff.

use super::{choices, note};
use crate::vocab::{FESTIVALS, LAB_FOCUS, LAB_METHODS, PATROL_METHODS};
use anjuan_plugin_sdk::{Field, FormDef};

/// 承检机构监督检查: opens an inspection and records it. What was found and whether the
/// laboratory must rectify are asked for when it is recorded (`lab-inspection-complete`).
pub fn lab_inspection() -> FormDef {
    FormDef::new("lab-inspection", "承检机构监督检查", "Inspection of a laboratory")
        .help(
            "以工作进度、抽样环节规范性、样品管理、检验过程控制、数据及报告管理、质量分析、国抽系统信息录入为重点，查阅资料与现场检查相结合。",
            "Focus on progress, sampling, samples, testing, data and reports, quality analysis and system entry; review documents and inspect on site.",
        )
        .field(Field::text("lab", "承检机构", "Laboratory").required())
        .field(Field::text("period", "期间", "Period"))
        .field(Field::date("due_on", "检查期限", "Due on").required())
        .field(
            Field::multi_select("focus", "检查重点", "Focus", choices(LAB_FOCUS))
                .required()
                .items(Some(1), None),
        )
        .field(
            Field::multi_select("methods", "检查方式", "Methods", choices(LAB_METHODS))
                .required()
                .items(Some(1), None),
        )
        .field(note("findings", "发现问题", "Findings").help(
            "录入检查结果时填写；未发现问题的写明。",
            "Fill in when recording the inspection; say so if nothing was found.",
        ))
        .field(Field::boolean(
            "rectification_required",
            "需整改",
            "Rectification required",
        ))
}

/// 节令性食品抽检完成: done 15 days before the festival.
pub fn festival_sampling() -> FormDef {
    let batches = |id: &str, zh: &str, en: &str| {
        Field::integer(id, zh, en)
            .unit("批次", "batches")
            .range(Some(0.0), None)
            .required()
    };
    FormDef::new(
        "festival-sampling",
        "节令性食品抽检",
        "Festival food sampling",
    )
    .help(
        "节令性食品要在节前15天完成抽检工作。",
        "Festival foods are sampled by 15 days before the festival.",
    )
    .field(Field::select("festival", "节日", "Festival", choices(FESTIVALS)).required())
    .field(
        Field::text(
            "foods",
            "节令食品（如粽子、月饼）",
            "Festival foods (e.g. zongzi, mooncakes)",
        )
        .required(),
    )
    .field(batches("planned_batches", "计划批次", "Planned batches"))
    .field(batches("batches_done", "完成批次", "Batches done"))
}

/// 抽检工作负责人登记表（附件5）: the people in charge, kept stable through the year.
pub fn staff_registration() -> FormDef {
    let row = vec![
        Field::user("person", "人员", "Person").required(),
        Field::text("duty", "职责", "Duty").required(),
        Field::text("phone", "电话", "Phone")
            .required()
            .pattern("1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")
            .help(
                "手机号或带区号的固定电话。",
                "A mobile number, or a landline with its area code.",
            ),
    ];
    FormDef::new(
        "staff-registration",
        "食品安全抽检工作负责人登记",
        "Registration of sampling staff",
    )
    .help(
        "负责食品安全抽检工作的人员要相对固定，3月25日前填报登记表报市场监管局。",
        "The people in charge of sampling stay the same through the year; register them by 25 March.",
    )
    .field(
        Field::group(
            "responsible",
            "负责人登记表（附件5）",
            "Responsible staff (annex 5)",
            row,
        )
        .required()
        .items(Some(1), None),
    )
}

/// 不定期巡查，回访被抽样单位: the bureau's irregular patrol of a laboratory's sampling, with
/// call-backs to the businesses it sampled (questionnaire, phone), checking its discipline
/// at random.
pub fn lab_patrol() -> FormDef {
    FormDef::new(
        "lab-patrol",
        "不定期巡查和回访被抽样单位",
        "Patrol and call-backs to sampled businesses",
    )
    .help(
        "在对承检机构监督检查的基础上不定期巡查，回访被抽样单位，采取发放问卷调查、电话回访等形式，随机抽查承检机构工作纪律。",
        "Besides the April and June inspections, patrol at random and call back the businesses sampled, by questionnaire or phone, to check the laboratory's discipline.",
    )
    .field(Field::text("lab", "承检机构", "Laboratory").required())
    .field(Field::date("patrolled_on", "巡查日期", "Patrolled on").required())
    .field(
        Field::multi_select("methods", "方式", "Methods", choices(PATROL_METHODS))
            .required()
            .items(Some(1), None),
    )
    .field(
        Field::group(
            "callbacks",
            "回访被抽样单位",
            "Businesses called back",
            vec![
                Field::text("business_name", "被抽样单位", "Business").required(),
                Field::text("batch_no", "抽样批次编号", "Batch number"),
                note("answer", "回访情况", "What they said"),
            ],
        )
        .required()
        .items(Some(1), None),
    )
    .field(
        Field::boolean(
            "discipline_kept",
            "承检机构工作纪律无问题",
            "The laboratory kept its discipline",
        )
        .required(),
    )
    .field(note("findings", "发现问题及处理", "Findings and action taken"))
}
