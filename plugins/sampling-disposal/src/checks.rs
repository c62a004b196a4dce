//! Programme checks.

use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value, json};

/// 同一被抽样单位在同一抽检计划中不超过6批次 (source work plan).
pub const MAX_BATCHES_PER_BUSINESS: u64 = 6;

/// The count query declared in plugin.toml for the batch rule.
pub fn batches_query() -> &'static str {
    "batches-in-plan-from-business"
}

/// At most [`MAX_BATCHES_PER_BUSINESS`] sampled batches from one business in one plan.
///
/// Reads `/plan_id` and `/business/credit_code`. The count query counts the batches
/// already recorded; when the case does not exist yet (empty `state` in the envelope)
/// this batch is one more. The sixth batch passes with a warning; a seventh is refused.
pub fn max_batches_per_business(
    ctx: &Context<'_>,
    input: &Value,
) -> Result<Vec<Finding>, CallError> {
    let (Some(plan), Some(business)) = (
        input.str_at("/plan_id"),
        input.str_at("/business/credit_code"),
    ) else {
        // Missing fields are the form validator's business; nothing to count yet.
        return Ok(Vec::new());
    };
    let recorded = ctx.count(
        batches_query(),
        &json!({ "plan": plan, "business": business }),
    )?;
    let this_one = u64::from(ctx.envelope().state.is_empty());
    let total = recorded + this_one;
    let field = "/business/credit_code";
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
    ("/sampling_record/sample_name", "样品名称", "sample name"),
    (
        "/sampling_record/specification",
        "规格型号",
        "specification",
    ),
    ("/sampling_record/quantity", "抽样数量", "quantity"),
    ("/sampling_record/quantity_unit", "数量单位", "unit"),
    ("/sampling_record/sampled_on", "抽样日期", "sampling date"),
    (
        "/sampling_record/sampling_site",
        "抽样地点",
        "sampling site",
    ),
    (
        "/sampling_record/business/name",
        "被抽样单位名称",
        "business name",
    ),
    (
        "/sampling_record/business/address",
        "被抽样单位地址",
        "business address",
    ),
    (
        "/sampling_record/business/credit_code",
        "统一社会信用代码",
        "unified social credit code",
    ),
    (
        "/sampling_record/business_signed",
        "被抽样单位签字",
        "business signature",
    ),
];

/// A sampling record with any required item missing is refused, each gap named.
/// Labelled products (not `/sampling_record/bulk`) also need the manufacturer's name and
/// address and a batch number or production date; two samplers must sign.
pub fn sampling_record_complete(input: &Value) -> Vec<Finding> {
    let missing = |ptr: &str, zh: &str, en: &str| {
        Finding::error(
            ptr,
            "missing-item",
            &format!("抽样单缺少「{zh}」，不得漏项"),
            &format!("The sampling record lacks the {en}"),
        )
    };
    let mut out: Vec<Finding> = REQUIRED_ITEMS
        .iter()
        .filter(|(ptr, ..)| input.is_blank_at(ptr) || input.bool_at(ptr) == Some(false))
        .map(|(ptr, zh, en)| missing(ptr, zh, en))
        .collect();
    if input.bool_at("/sampling_record/bulk") != Some(true) {
        for (ptr, zh, en) in [
            (
                "/sampling_record/manufacturer/name",
                "标称生产者名称",
                "manufacturer's name",
            ),
            (
                "/sampling_record/manufacturer/address",
                "标称生产者地址",
                "manufacturer's address",
            ),
        ] {
            if input.is_blank_at(ptr) {
                out.push(missing(ptr, zh, en));
            }
        }
        if input.is_blank_at("/sampling_record/batch_no")
            && input.is_blank_at("/sampling_record/production_date")
        {
            out.push(missing(
                "/sampling_record/batch_no",
                "生产批号或生产日期",
                "batch number or production date",
            ));
        }
    }
    let signed = input
        .array_at("/sampling_record/samplers")
        .map(|s| {
            s.iter()
                .filter(|p| !p.is_blank_at("/name") && !p.is_blank_at("/badge"))
                .count()
        })
        .unwrap_or(0);
    if signed < 2 {
        out.push(Finding::error(
            "/sampling_record/samplers",
            "too-few-samplers",
            "抽样须由不少于2名执法人员实施并签字",
            "Sampling must be done and signed by at least two officers",
        ));
    }
    out
}

#[cfg(test)]
mod tests;
