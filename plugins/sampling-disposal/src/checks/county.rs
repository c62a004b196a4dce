//! Publication of a result, and the bureau's inspection of a laboratory.

use super::{ItemSpec, missing_items};
use anjuan_plugin_sdk::time::{not_before, not_in_future};
use anjuan_plugin_sdk::{Context, DataExt, Finding, Value};

/// `publication-record-complete`: what was published (product, business, report) and
/// where and when, with the public-impact question answered (可能对公共利益产生重大影响
/// 的，应当在信息公布前加强分析研判). Publication follows the report, and the objection
/// retest when there was one, and is not dated after today.
pub fn publication_record_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        ("/product", "样品名称", "product"),
        ("/business_name", "被抽样单位", "business"),
        ("/report_no", "检验报告编号", "report number"),
        ("/published_on", "公布日期", "date of publication"),
        ("/publication_url", "公布网址", "place of publication"),
        (
            "/impact_assessed",
            "是否已加强分析研判",
            "answer on the public impact",
        ),
    ];
    let mut out = missing_items(input, items, ("抽检信息公布记录", "publication record"));
    let what = ("公布日期", "date of publication");
    out.extend(not_in_future(ctx, input, "/published_on", what));
    out.extend(not_before(
        ctx,
        input,
        "/published_on",
        "/report_issued_on",
        ("公布日期", "检验报告出具日期", "publication", "the report"),
    ));
    out.extend(not_before(
        ctx,
        input,
        "/published_on",
        "/retest_completed_on",
        (
            "公布日期",
            "异议复检完成日期",
            "publication",
            "the objection retest",
        ),
    ));
    out
}

/// `lab-inspection-complete`: the laboratory, what the inspection focused on and how,
/// what it found and whether the laboratory must rectify. The source asks for document
/// review and on-site inspection together (查阅资料与现场检查相结合); one alone is
/// pointed out.
pub fn lab_inspection_complete(input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        ("/lab", "承检机构", "laboratory"),
        ("/focus", "检查重点", "focus"),
        ("/methods", "检查方式", "methods"),
        ("/findings", "发现问题", "findings"),
        (
            "/rectification_required",
            "是否需整改",
            "answer on rectification",
        ),
    ];
    let mut out = missing_items(input, items, ("监督检查记录", "inspection record"));
    let methods: Vec<&str> = input
        .array_at("/methods")
        .map(|m| m.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let combined = ["document-review", "on-site"]
        .iter()
        .all(|m| methods.contains(m));
    if !methods.is_empty() && !combined {
        out.push(Finding::warning(
            "/methods",
            "one-method-only",
            "监督检查应采取查阅资料与现场检查相结合的方式进行",
            "An inspection combines document review with an on-site inspection",
        ));
    }
    out
}

#[cfg(test)]
mod tests;
