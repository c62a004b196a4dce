//! A sampled batch: the sampling record, and the laboratory's receipt, result and
//! upload.

use super::{CREDIT_CODE_PATTERN, choices, failed_items};
use crate::vocab::{BATCH_CATEGORIES, BUSINESS_FORMATS, RESULTS, SPECIAL_MARKS};
use anjuan_plugin_sdk::{Condition, Field, FormDef, json};

/// 抽样单: the sampling record of a sampled batch.
pub fn sampling_record() -> FormDef {
    let sampler = vec![
        Field::user("person", "人员", "Person").required(),
        Field::boolean("is_regulator", "监管人员", "Regulator").required(),
    ];
    FormDef::new("sampling-record", "抽样单", "Sampling record")
        .help(
            "逐项填写，不得漏项；不少于2名监管人员参与现场抽样；不得在抽样前事先通知被抽样单位；同一经营企业每批不得超过6个批次。",
            "Fill in every item. At least two regulators sample on site, the business is not told in advance, and one business gives at most 6 batches to a plan.",
        )
        .field(Field::text("product", "样品名称", "Product").required())
        .field(Field::select("category", "类别", "Category", choices(BATCH_CATEGORIES)).required())
        .field(Field::text("business_name", "被抽样单位", "Business sampled").required())
        .field(
            Field::text("business_credit_code", "统一社会信用代码", "Credit code")
                .required()
                .pattern(CREDIT_CODE_PATTERN),
        )
        .field(Field::text("business_address", "地址", "Address").required())
        .field(
            Field::select(
                "business_format",
                "业态",
                "Business format",
                choices(BUSINESS_FORMATS),
            )
            .required(),
        )
        .field(
            Field::multi_select(
                "special_marks",
                "地理标志/有机认证",
                "Geographic indication / organic",
                choices(SPECIAL_MARKS),
            )
            .help(
                "样品属地理标志保护、有机认证产品的，应予以备注。",
                "Mark geographic-indication and organic products.",
            ),
        )
        .field(
            Field::group("samplers", "抽样人员", "Samplers", sampler)
                .required()
                .items(Some(2), None),
        )
        .field(
            Field::boolean(
                "advance_notice_given",
                "抽样前曾通知被抽样单位",
                "Business told in advance",
            )
            .required()
            .default_value(false),
        )
        .field(Field::date("sampled_on", "抽样日期", "Sampled on").required())
        .field(Field::org_unit("market_office", "属地市场所", "Market office").required())
}

/// 收样: the laboratory receives the sample.
pub fn sample_receipt() -> FormDef {
    FormDef::new("sample-receipt", "收样", "Receive the sample")
        .field(Field::text("lab", "承检机构", "Laboratory").required())
        .field(Field::datetime("received_by_lab_at", "收样时间", "Received by the lab").required())
}

/// 录入检验结论: a non-conforming or problem sample lists its failed items and is
/// re-checked (复核) before the result is recorded.
pub fn test_result() -> FormDef {
    let failing = || Condition::one_of("result", vec![json!("nonconforming"), json!("problem")]);
    FormDef::new("test-result", "录入检验结论", "Record the result")
        .help(
            "对检验中发现的不合格样品和问题样品必须进行复核，确保检测结果准确可靠；完成检验后24小时内审核并上传报告。",
            "Re-check every non-conforming or problem sample before recording it; review and upload the report within 24 hours of the test.",
        )
        .field(
            Field::datetime("test_completed_at", "完成检验时间", "Test completed at").required(),
        )
        .field(Field::select("result", "检验结论", "Result", choices(RESULTS)).required())
        .field(failed_items().visible_when(failing()))
        .field(
            Field::boolean("rechecked", "已复核", "Re-checked")
                .required()
                .visible_when(failing()),
        )
        .field(
            Field::boolean("high_risk", "高风险限时限报", "High-risk, time-limited")
                .required()
                .visible_when(failing())
                .help(
                    "国家总局规定高风险限时限报的，核查处置应在24小时内启动。",
                    "Disposal of an item the national administration lists as high-risk starts within 24 hours.",
                ),
        )
        .field(
            Field::boolean(
                "serious_hazard",
                "可能严重危害健康和生命安全",
                "May seriously endanger health or life",
            )
            .required()
            .visible_when(failing()),
        )
        .field(Field::text("report_no", "检验报告编号", "Report number"))
        .field(Field::date("report_issued_on", "检验报告出具日期", "Report issued on"))
}

/// 审核并上传报告: the reviewed report, uploaded in full to the national system.
pub fn report_upload() -> FormDef {
    FormDef::new("report-upload", "审核并上传报告", "Review and upload the report")
        .help(
            "完成检验后的24小时内对检验报告等资料进行审核，并完整上传至国家食品安全抽检监测信息系统。",
            "Within 24 hours of the test, review the report and upload it in full to the national sampling system.",
        )
        .field(Field::text("report_no", "检验报告编号", "Report number").required())
        .field(Field::date("report_issued_on", "检验报告出具日期", "Report issued on").required())
        .field(
            Field::datetime("uploaded_at", "上传国家抽检系统时间", "Uploaded at").required(),
        )
}
