//! `dossier-complete`: 对不合格样品实行"一样品一表一案卷"建立档案. A case closes only
//! when its dossier holds every step: the notice, the start, product control, the
//! cause, a penalty decision or the transfer to the police, any objection retest, the
//! re-inspection and, for a producer that resumed, when it did.

use super::{ItemSpec, missing_items};
use anjuan_plugin_sdk::{DataExt, Finding, Value};

const RECORD: (&str, &str) = ("案卷（一样品一表一案卷）", "dossier");

/// Always on file, whatever the path.
const ALWAYS: &[ItemSpec] = &[
    ("/product", "样品名称", "product"),
    ("/business_name", "被抽样单位", "business"),
    ("/business_role", "主体类型", "role of the business"),
    ("/report_no", "检验报告编号", "report number"),
    (
        "/report_issued_on",
        "检验报告出具日期",
        "date the report was issued",
    ),
    (
        "/notice_received_at",
        "收到通知书时间",
        "time the notice arrived",
    ),
    ("/failed_items", "不合格项目", "failed items"),
    ("/inspector", "核查处置责任人", "inspector in charge"),
    ("/disposal_started_at", "核查启动时间", "start of disposal"),
    (
        "/control_measures",
        "产品控制措施",
        "product control measures",
    ),
    ("/controlled_quantity", "控制数量", "quantity controlled"),
    ("/cause", "原因排查结论", "cause"),
    ("/reinspected_on", "复查日期", "date of re-inspection"),
    ("/reinspection_result", "复查结论", "re-inspection result"),
];

const PENALTY: &[ItemSpec] = &[
    (
        "/penalty_decision_no",
        "行政处罚决定书编号",
        "penalty decision number",
    ),
    ("/penalty_kinds", "处罚种类", "kinds of penalty"),
];

const TRANSFER: &[ItemSpec] = &[
    (
        "/police_transfer/transferred_on",
        "移送日期",
        "date of the transfer",
    ),
    ("/police_transfer/police_unit", "接收机关", "police unit"),
    (
        "/police_transfer/letter_no",
        "移送函编号",
        "transfer letter number",
    ),
];

const RETEST: &[ItemSpec] = &[
    ("/retest_lab", "复检机构", "retest laboratory"),
    ("/retest_result", "复检结论", "retest result"),
    (
        "/retest_completed_on",
        "复检完成日期",
        "date the retest completed",
    ),
];

/// See the module: one `missing-item` error per gap, at its field.
pub fn dossier_complete(input: &Value) -> Vec<Finding> {
    let mut out = missing_items(input, ALWAYS, RECORD);
    if input.is_blank_at("/notice_no") && input.is_blank_at("/sample_no") {
        out.push(Finding::error(
            "/notice_no",
            "missing-item",
            "案卷缺少「不合格结果通知书编号」或「样品编号」",
            "The dossier lacks the notice number or the sample number",
        ));
    }
    if input.str_at("/cause") == Some("other") {
        out.extend(missing_items(
            input,
            &[("/cause_note", "原因说明", "cause details")],
            RECORD,
        ));
    }
    let penalised =
        !input.is_blank_at("/penalty_decision_no") || !input.is_blank_at("/penalty_kinds");
    let transferred = !input.is_blank_at("/police_transfer");
    if penalised || !transferred {
        out.extend(missing_items(input, PENALTY, RECORD));
    }
    if transferred {
        out.extend(missing_items(input, TRANSFER, RECORD));
    }
    if !input.is_blank_at("/objection_received_on") {
        out.extend(missing_items(input, RETEST, RECORD));
    }
    if input.bool_at("/production_resumed") == Some(true) {
        out.extend(missing_items(
            input,
            &[(
                "/production_resumed_on",
                "恢复生产日期",
                "date production resumed",
            )],
            RECORD,
        ));
        if input.str_at("/reinspection_result") != Some("passed") {
            out.push(Finding::error(
                "/production_resumed",
                "resumed-without-passed-reinspection",
                "案卷记载已恢复生产，但复查结论不是合格",
                "The dossier says production resumed, but the re-inspection did not pass",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
