//! Members of the workflow's `object` fields, with zh/en labels: the forms that fill an
//! object field build it from these (`Field::object`), so the server validates each
//! member (pointers like `/next_visit/planned_on`) before the action runs.

use super::{EMERGENCIES, METHODS, choices};
use anjuan_plugin_sdk::Field;

/// `insurance` of a family (recorded by `record-health-services`): 意外伤害保险、综合保险、
/// 住院护理补贴保险.
pub fn insurance() -> Vec<Field> {
    vec![
        Field::boolean("accident", "计划生育家庭意外伤害保险", "Accident insurance").required(),
        Field::boolean(
            "comprehensive",
            "计划生育特殊家庭综合保险",
            "Comprehensive insurance",
        )
        .required(),
        Field::boolean(
            "nursing_subsidy",
            "住院护理补贴保险",
            "Nursing subsidy insurance",
        )
        .required(),
        Field::text("policy_no", "保单号", "Policy number"),
    ]
}

/// `next_visit` of a family (recorded by `plan-visit`, which opens a visit from it).
pub fn next_visit() -> Vec<Field> {
    let kinds = [
        ("regular", "定期走访", "Regular"),
        ("ad-hoc", "不定期走访", "Ad hoc"),
        (
            "doctor-round",
            "村医定期上门巡诊",
            "Village doctor's home round",
        ),
    ];
    vec![
        Field::select("kind", "走访类别", "Kind", choices(&kinds)).required(),
        Field::date("planned_on", "计划日期", "Planned for").required(),
        Field::select("method", "方式", "Method", choices(METHODS)).required(),
    ]
}

/// `emergency_report` of a family (recorded by `report-emergency`, which opens an
/// emergency case from it). Sensitive as a whole, as in the workflow.
pub fn emergency_report() -> Vec<Field> {
    vec![
        Field::select("kind", "类别", "Kind", choices(EMERGENCIES))
            .required()
            .sensitive(),
        Field::datetime("happened_at", "发生时间", "Happened at")
            .required()
            .sensitive(),
        Field::long_text("situation", "情况", "Situation")
            .required()
            .sensitive(),
    ]
}
