//! Form definitions.

use anjuan_plugin_sdk::{Choice, Condition, Field, FormDef};

/// 启动核查处置: what the inspector records when disposal starts.
pub fn start_disposal() -> FormDef {
    let measures = vec![
        Choice::new("seal", "查封扣押", "Seal and seize"),
        Choice::new("stop-sale", "责令停止销售", "Order sales stopped"),
        Choice::new("recall", "召回", "Recall"),
        Choice::new("off-shelf", "下架", "Take off the shelves"),
        Choice::new("stop-production", "责令停产", "Order production stopped"),
    ];
    FormDef::new("start-disposal", "启动核查处置", "Start disposal")
        .help("收到不合格检验报告后启动核查处置；高风险或可能对身体健康和生命安全造成严重危害的，应在24小时内启动。",
              "Start disposal once the non-conforming report is received; within 24 hours when the item is high-risk or may seriously endanger health.")
        .field(Field::text("notice_no", "不合格通知书编号", "Notice number").required().length(None, Some(64)))
        .field(Field::date("report_issued_on", "检验报告签发日期", "Report issued on").required())
        .field(Field::datetime("received_at", "收到时间", "Received at").required())
        .field(Field::text("product_name", "样品名称", "Product").required())
        .field(Field::text("hazard_item", "不合格项目", "Non-conforming item").required())
        .field(Field::boolean("high_risk", "高风险或可能严重危害健康", "High risk or may seriously endanger health").required().default_value(false))
        .field(Field::long_text("risk_reason", "风险说明", "Risk explanation").required().visible_when(Condition::equals("high_risk", true)))
        .field(Field::multi_select("measures", "控制措施", "Control measures", measures).required())
        .field(Field::user("inspector", "核查人员", "Inspector").required())
        .field(Field::file("notice_file", "不合格通知书", "Notice document"))
}

/// 抽样单: the sampling record; `sampling-record-complete` refuses one with a gap.
pub fn sampling_record() -> FormDef {
    let row = |id: &str, zh: &str, en: &str| Field::text(id, zh, en).required();
    FormDef::new("sampling-record", "抽样单", "Sampling record")
        .field(Field::text("plan_id", "抽检计划", "Sampling plan").required())
        .field(Field::text("sample_name", "样品名称", "Sample name").required())
        .field(Field::text("specification", "规格型号", "Specification").required())
        .field(Field::text("batch_no", "生产批号", "Batch number"))
        .field(Field::date(
            "production_date",
            "生产日期",
            "Production date",
        ))
        .field(
            Field::number("quantity", "抽样数量", "Quantity")
                .required()
                .range(Some(0.0), None),
        )
        .field(Field::text("quantity_unit", "数量单位", "Unit").required())
        .field(Field::date("sampled_on", "抽样日期", "Sampled on").required())
        .field(Field::text("sampling_site", "抽样地点", "Sampling site").required())
        .field(Field::text("business_format", "业态", "Business format"))
        .field(Field::boolean(
            "geographical_indication",
            "地理标志产品",
            "Geographical indication",
        ))
        .field(Field::boolean("organic", "有机产品", "Organic"))
        .field(
            Field::group(
                "samplers",
                "抽样人员",
                "Samplers",
                vec![
                    row("name", "姓名", "Name"),
                    row("badge", "执法证号", "Badge"),
                ],
            )
            .required()
            .items(Some(2), None),
        )
        .field(
            Field::boolean(
                "business_signed",
                "被抽样单位签字",
                "Signed by the business",
            )
            .required(),
        )
}

#[cfg(test)]
mod tests {
    #[test]
    fn forms_are_sound() {
        for f in [super::start_disposal(), super::sampling_record()] {
            assert_eq!(
                anjuan_plugin_sdk::form::lint(&f),
                Vec::<String>::new(),
                "{}",
                f.id
            );
        }
    }
}
