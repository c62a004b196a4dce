//! Members of the workflow's `object` fields, with zh/en labels: the forms that fill an
//! object field build it from these (`Field::object`), so the server validates each
//! member (pointers like `/campaign/all_due_on`) before the checks, which read them by
//! the same pointers.

use anjuan_plugin_sdk::Field;

/// `campaign` of a building (recorded by `open-rectification`): the stage dates.
pub fn campaign() -> Vec<Field> {
    vec![
        Field::date(
            "investigation_due_on",
            "全面排查截止（11月）",
            "Investigation ends (November)",
        )
        .required(),
        Field::date(
            "serious_problems_due_on",
            "重点督办久拖未改严重问题截止（6月底）",
            "Long-standing serious problems supervised by (end of June)",
        )
        .required(),
        Field::date(
            "key_problems_due_on",
            "突出问题有效整改截止（12月底）",
            "Key problems rectified by (end of December)",
        )
        .required(),
        Field::date(
            "all_due_on",
            "所有问题整改完毕截止",
            "All problems rectified by",
        )
        .required(),
        Field::date(
            "acceptance_opens_on",
            "总结验收开始（10月）",
            "Acceptance opens (October)",
        )
        .required(),
        Field::date(
            "acceptance_due_on",
            "总结验收截止（12月）",
            "Acceptance ends (December)",
        )
        .required(),
    ]
}

/// `last_inspection` of a rectification (recorded by `record-inspection`).
pub fn last_inspection() -> Vec<Field> {
    vec![
        Field::date("inspected_on", "检查日期", "Inspected on").required(),
        Field::long_text("findings", "发现问题", "Findings").required(),
        Field::boolean("compliant", "工作到位", "Compliant").required(),
        Field::boolean("named_in_notice", "通报", "Named in a notice"),
        Field::integer("points_deducted", "扣分", "Points deducted").range(Some(0.0), None),
    ]
}

/// `listed_supervision` of a hazard (recorded by `list-for-supervision`): 整改计划、方案、
/// 责任、措施和资金，临时性防范措施.
pub fn listed_supervision() -> Vec<Field> {
    vec![
        Field::date("listed_on", "挂牌日期", "Listed on").required(),
        Field::long_text("plan", "整改计划和方案", "Plan").required(),
        Field::long_text("responsibility", "责任", "Responsibility").required(),
        Field::long_text("measures", "措施", "Measures").required(),
        Field::number("funds", "资金", "Funds")
            .unit("万元", "10k yuan")
            .range(Some(0.0), None)
            .required(),
        Field::long_text(
            "temporary_safeguards",
            "临时性防范措施",
            "Temporary safeguards",
        )
        .required(),
    ]
}
