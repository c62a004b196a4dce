//! Programme checks. Field pointers follow `workflows/sampling-disposal/workflow.yaml`.

use anjuan_plugin_sdk::chrono::DateTime;
use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value, json};

/// 同一经营企业每批不得超过6个批次 (source work plan).
pub const MAX_BATCHES_PER_BUSINESS: u64 = 6;

/// The count query declared in plugin.toml for the batch rule.
pub fn batches_query() -> &'static str {
    "batches-in-plan-from-business"
}

/// `max-batches-per-business`: at most [`MAX_BATCHES_PER_BUSINESS`] sampled batches from
/// one business (by credit code) in one sampling plan (the batch's parent case).
///
/// The count query counts the batches already recorded; when the case does not exist yet
/// (empty `state`) this batch is one more. The sixth passes with a warning; a seventh is
/// refused. A batch filed under no plan has nothing to count against.
pub fn max_batches_per_business(
    ctx: &Context<'_>,
    input: &Value,
) -> Result<Vec<Finding>, CallError> {
    let (Some(plan), Some(business)) = (
        ctx.envelope().parent_id.as_deref(),
        input.str_at("/business_credit_code"),
    ) else {
        return Ok(Vec::new());
    };
    let recorded = ctx.count(
        batches_query(),
        &json!({ "plan": plan, "business": business }),
    )?;
    let total = recorded + u64::from(ctx.envelope().state.is_empty());
    let field = "/business_credit_code";
    Ok(if total > MAX_BATCHES_PER_BUSINESS {
        vec![Finding::error(
            field,
            "too-many-batches",
            &format!(
                "该被抽样单位在本计划中已抽样 {recorded} 批次，同一单位不得超过 {MAX_BATCHES_PER_BUSINESS} 批次"
            ),
            &format!(
                "This business already has {recorded} batches in the plan; at most {MAX_BATCHES_PER_BUSINESS} are allowed"
            ),
        )]
    } else if total == MAX_BATCHES_PER_BUSINESS {
        vec![Finding::warning(
            field,
            "last-batch",
            &format!("这是该单位在本计划中的第 {MAX_BATCHES_PER_BUSINESS} 批次，已达上限"),
            &format!(
                "This is the business's batch number {MAX_BATCHES_PER_BUSINESS} in the plan: the limit is reached"
            ),
        )]
    } else {
        Vec::new()
    })
}

/// The items a sampling record must carry (抽样单不得漏项), as (pointer, 中文, English).
pub const REQUIRED_ITEMS: &[(&str, &str, &str)] = &[
    ("/product", "样品名称", "product name"),
    ("/category", "类别", "category"),
    ("/business_name", "被抽样单位名称", "business name"),
    (
        "/business_credit_code",
        "统一社会信用代码",
        "unified social credit code",
    ),
    ("/business_address", "被抽样单位地址", "business address"),
    ("/business_format", "业态", "business format"),
    ("/samplers", "抽样人员", "samplers"),
    (
        "/advance_notice_given",
        "是否事先通知",
        "whether the business was told in advance",
    ),
    ("/sampled_on", "抽样日期", "sampling date"),
    ("/market_office", "属地市场所", "market office"),
];

/// `sampling-record-complete`: a sampling record with any required item missing is
/// refused, each gap named at its field.
pub fn sampling_record_complete(input: &Value) -> Vec<Finding> {
    REQUIRED_ITEMS
        .iter()
        .filter(|(ptr, ..)| input.is_blank_at(ptr))
        .map(|(ptr, zh, en)| {
            Finding::error(
                ptr,
                "missing-item",
                &format!("抽样单缺少「{zh}」，不得漏项"),
                &format!("The sampling record lacks the {en}"),
            )
        })
        .collect()
}

/// `samplers-at-least-two`: sampling on site is done by at least two regulators.
pub fn samplers_at_least_two(input: &Value) -> Vec<Finding> {
    let regulators = input
        .array_at("/samplers")
        .map(|s| {
            s.iter()
                .filter(|p| p.bool_at("/is_regulator") == Some(true) && !p.is_blank_at("/person"))
                .count()
        })
        .unwrap_or(0);
    if regulators >= 2 {
        return Vec::new();
    }
    vec![Finding::error(
        "/samplers",
        "too-few-regulators",
        &format!("现场抽样须有不少于2名监管人员参与（现有 {regulators} 名）"),
        &format!(
            "At least two regulators must take part in on-site sampling ({regulators} recorded)"
        ),
    )]
}

/// `start-disposal`: a high-risk or seriously hazardous item must be started within 24
/// hours of the notice; a later start goes ahead (the work must be done) but is recorded
/// with a warning, next to the deadline breach the workflow records.
pub fn start_disposal(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let urgent =
        input.bool_at("/high_risk") == Some(true) || input.bool_at("/serious_hazard") == Some(true);
    let received = input
        .str_at("/notice_received_at")
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok());
    let (true, Some(received), Some(now)) = (urgent, received, ctx.envelope().now()) else {
        return Vec::new();
    };
    let hours = (now - received).num_hours();
    if hours < 24 {
        return Vec::new();
    }
    vec![Finding::warning(
        "/notice_received_at",
        "started-late",
        &format!(
            "高风险或可能严重危害健康的不合格食品应在24小时内启动核查处置，本案在收到通知 {hours} 小时后启动"
        ),
        &format!(
            "High-risk items must be started within 24 hours of the notice; this one starts {hours} hours after it"
        ),
    )]
}

#[cfg(test)]
mod tests;
