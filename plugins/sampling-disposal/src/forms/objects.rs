//! Members of the workflow's `object` fields, with zh/en labels, as
//! `workflows/sampling-disposal/workflow.yaml` declares them: the forms that fill an
//! object field build it from these (`Field::object`), so the server validates each
//! member (pointers like `/police_transfer/transferred_on`) before the action runs.

use anjuan_plugin_sdk::Field;

/// `police_transfer` of a non-conforming sample (recorded by `transfer-to-police`):
/// 发现违法行为涉嫌犯罪的，应当依法及时移送公安机关, by a transfer letter (移送函).
pub fn police_transfer() -> Vec<Field> {
    vec![
        Field::date("transferred_on", "移送日期", "Transferred on").required(),
        Field::text("police_unit", "接收机关", "Police unit").required(),
        Field::text("letter_no", "移送函编号", "Letter number").required(),
    ]
}

/// `evaluation` of a task round (recorded by `submit-evaluation`): the laboratory's
/// self-evaluation of the round (计划实施效果自评, annex 4), on each point the plan names.
pub fn evaluation() -> Vec<Field> {
    let rate = |id: &str, zh: &str, en: &str| {
        Field::number(id, zh, en)
            .unit("%", "%")
            .range(Some(0.0), Some(100.0))
            .required()
    };
    vec![
        Field::long_text("training", "人员培训", "Staff training").required(),
        Field::long_text("organisation", "组织实施", "Organisation").required(),
        Field::integer("batches_done", "数量执行", "Batches done")
            .unit("批次", "batches")
            .range(Some(0.0), None)
            .required(),
        Field::long_text("scope", "范围区分", "Scope").required(),
        rate(
            "failure_detection_rate",
            "不合格问题检出率",
            "Failure detection rate",
        ),
        rate("data_error_rate", "数据差错率", "Data error rate"),
        Field::file(
            "form_file",
            "实施效果评价表（附件4）",
            "Evaluation form (annex 4)",
        )
        .required(),
    ]
}
