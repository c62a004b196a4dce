//! A sampled batch: the sampling record, and the laboratory's result and upload.

use anjuan_plugin_sdk::time::{day_at, not_in_future, time_at};
use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value, json};

/// 对同一经营企业的产品实施抽样时每批不得超过6个批次 (source work plan).
pub const MAX_BATCHES_PER_BUSINESS: u64 = 6;

/// The count query behind the batch rule when the batch's date is not known: the
/// business's batches in the whole plan.
pub fn batches_query() -> &'static str {
    "batches-in-plan-from-business"
}

/// The count query behind the batch rule: the business's batches in one round (批次任务)
/// of the plan, a round being the month the batch was sampled in (`sampled_month`).
pub fn round_query() -> &'static str {
    "batches-in-round-from-business"
}

/// `max-batches-per-business`: at most [`MAX_BATCHES_PER_BUSINESS`] sampled batches from
/// one business (by credit code) in one batch task (每批): the monthly round of the
/// sampling plan (the batch's parent case) that its sampling date falls in. A record
/// without a sampling date (refused by `sampling-record-complete` anyway) is counted
/// against the whole plan, the stricter reading.
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
    let month = crate::derived::month_of(input);
    let (recorded, zh_scope, en_scope) = match &month {
        Some(m) => (
            ctx.count(
                round_query(),
                &json!({ "plan": plan, "business": business, "month": m }),
            )?,
            format!("{m}批次任务"),
            format!("the {m} round"),
        ),
        None => (
            ctx.count(
                batches_query(),
                &json!({ "plan": plan, "business": business }),
            )?,
            "本计划".to_owned(),
            "the plan".to_owned(),
        ),
    };
    let total = recorded + u64::from(ctx.envelope().state.is_empty());
    let field = "/business_credit_code";
    Ok(if total > MAX_BATCHES_PER_BUSINESS {
        vec![Finding::error(
            field,
            "too-many-batches",
            &format!(
                "该被抽样单位在{zh_scope}中已抽样 {recorded} 批次，每批不得超过 {MAX_BATCHES_PER_BUSINESS} 个批次"
            ),
            &format!(
                "This business already has {recorded} batches in {en_scope}; at most {MAX_BATCHES_PER_BUSINESS} are allowed"
            ),
        )]
    } else if total == MAX_BATCHES_PER_BUSINESS {
        vec![Finding::warning(
            field,
            "last-batch",
            &format!("这是该单位在{zh_scope}中的第 {MAX_BATCHES_PER_BUSINESS} 批次，已达上限"),
            &format!(
                "This is the business's batch number {MAX_BATCHES_PER_BUSINESS} in {en_scope}: the limit is reached"
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
/// refused, each gap named at its field; so is one dated after today.
pub fn sampling_record_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let mut out: Vec<Finding> = REQUIRED_ITEMS
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
        .collect();
    out.extend(not_in_future(
        ctx,
        input,
        "/sampled_on",
        ("抽样日期", "sampling date"),
    ));
    out
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

/// `recheck-done-for-nonconforming`: 对检验中发现的不合格样品和问题样品必须进行复核. A
/// non-conforming or problem result is recorded only once re-checked, with the items
/// that failed; a conforming one lists none.
pub fn recheck_done_for_nonconforming(input: &Value) -> Vec<Finding> {
    let result = input.str_at("/result").unwrap_or_default();
    let has_items = !input.is_blank_at("/failed_items");
    let mut out = Vec::new();
    if result == "conforming" {
        if has_items {
            out.push(Finding::error(
                "/failed_items",
                "conforming-with-failed-items",
                "检验结论为合格，却列有不合格项目",
                "The result is conforming, yet failed items are listed",
            ));
        }
        return out;
    }
    if !matches!(result, "nonconforming" | "problem") {
        return out;
    }
    if input.bool_at("/rechecked") != Some(true) {
        out.push(Finding::error(
            "/rechecked",
            "not-rechecked",
            "不合格样品和问题样品必须进行复核，确保检测结果准确可靠后方可录入结论",
            "A non-conforming or problem sample must be re-checked before its result is recorded",
        ));
    }
    if !has_items {
        out.push(Finding::error(
            "/failed_items",
            "no-failed-items",
            "不合格样品和问题样品须列明不合格项目、检验结果和标准限值",
            "A non-conforming or problem sample lists its failed items, with the measured value and the limit",
        ));
    }
    out
}

/// `report-upload-complete`: 完成检验后的24小时内对检验报告等资料进行审核，并完整上传. The
/// upload carries the report's number and date and when it went up, not before the test
/// ended; an upload later than 24 hours goes ahead with a warning (the workflow's deadline
/// records the breach), as does a report dated before the test ended.
pub fn report_upload_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let items: &[super::ItemSpec] = &[
        ("/report_no", "检验报告编号", "report number"),
        (
            "/report_issued_on",
            "检验报告出具日期",
            "date the report was issued",
        ),
        ("/uploaded_at", "上传时间", "upload time"),
    ];
    let mut out = super::missing_items(input, items, ("上传记录", "upload"));
    out.extend(not_in_future(
        ctx,
        input,
        "/uploaded_at",
        ("上传时间", "upload time"),
    ));
    let (Some(tested), Some(uploaded)) = (
        time_at(input, "/test_completed_at"),
        time_at(input, "/uploaded_at"),
    ) else {
        return out;
    };
    let hours = (uploaded - tested).num_minutes() as f64 / 60.0;
    if uploaded < tested {
        out.push(Finding::error(
            "/uploaded_at",
            "uploaded-before-test",
            "上传时间早于完成检验时间",
            "The upload is dated before the test was completed",
        ));
    } else if hours > 24.0 {
        out.push(Finding::warning(
            "/uploaded_at",
            "uploaded-late",
            &format!("应在完成检验后24小时内审核并上传，本报告在 {hours:.1} 小时后上传"),
            &format!(
                "Reports are uploaded within 24 hours of the test; this one after {hours:.1} hours"
            ),
        ));
    }
    if let (Some(issued), Some(tested_on)) = (
        input.date_at("/report_issued_on"),
        day_at(ctx, input, "/test_completed_at"),
    ) && issued < tested_on
    {
        out.push(Finding::warning(
            "/report_issued_on",
            "report-dated-before-test",
            &format!("检验报告出具日期 {issued} 早于完成检验日期 {tested_on}，请核对"),
            &format!(
                "The report is dated {issued}, before the test ended on {tested_on}; please check"
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests;
