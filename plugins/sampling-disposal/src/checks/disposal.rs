//! Disposal of a non-conforming sample (核查处置): the notice, and each step the
//! national system's disposal module records (核查启动、产品控制、原因排查、行政处罚),
//! the objection retest, re-inspection and production resuming.

use super::{ItemSpec, missing_items};
use anjuan_plugin_sdk::time::{day_at, not_before, not_in_future, time_at};
use anjuan_plugin_sdk::{Context, DataExt, Finding, Value};

/// `notice-record-complete`: the notice names the product, the business, the report
/// (number and date), when it arrived and what failed. A notice from provincial or
/// national sampling, opened by hand with no local batch, is known by its notice number
/// alone, so it needs one; a case spawned from a local batch is known by the batch's
/// sample number and carries the notice number the batch's `open-disposal` form
/// requires (a batch opened before that form existed may lack it). A notice
/// dated before its report is pointed out (a warning: a spawned case must not refuse
/// the batch's `open-disposal` over the lab's dates).
pub fn notice_record_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let mut items: Vec<ItemSpec> = vec![
        ("/product", "样品名称", "product"),
        ("/business_name", "被抽样单位", "business"),
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
    ];
    if ctx.envelope().parent_id.is_none() {
        items.insert(0, ("/notice_no", "不合格结果通知书编号", "notice number"));
    }
    let mut out = missing_items(input, &items, ("不合格结果通知书记录", "notice record"));
    if let (Some(report), Some(received)) = (
        input.date_at("/report_issued_on"),
        day_at(ctx, input, "/notice_received_at"),
    ) && received < report
    {
        out.push(Finding::warning(
            "/notice_received_at",
            "notice-before-report",
            &format!("收到通知书日期 {received} 早于检验报告出具日期 {report}，请核对"),
            &format!("The notice arrived on {received}, before the report was issued on {report}; please check"),
        ));
    }
    out
}

/// `start-disposal`: a high-risk or seriously hazardous item must be started within 24
/// hours of the notice; a later start goes ahead (the work must be done) but is recorded
/// with a warning, next to the deadline breach the workflow records.
pub fn start_disposal(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let urgent =
        input.bool_at("/high_risk") == Some(true) || input.bool_at("/serious_hazard") == Some(true);
    let received = time_at(input, "/notice_received_at");
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

/// `product-control-complete`: at least one control measure (查封扣押、停止销售、召回 …)
/// and the quantity under control. Also run when a retest confirms the result: the
/// control stays in place.
pub fn product_control_complete(input: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    if input.is_blank_at("/control_measures") {
        out.push(Finding::error(
            "/control_measures",
            "no-control-measure",
            "产品控制须至少采取一项风险控制措施（查封扣押、停止销售、召回、下架或销毁）",
            "Product control needs at least one measure (seal, stop sale, recall, removal or destruction)",
        ));
    }
    if input
        .at("/controlled_quantity")
        .and_then(Value::as_f64)
        .is_none()
    {
        out.push(Finding::error(
            "/controlled_quantity",
            "no-quantity",
            "产品控制须记录控制数量（已全部售出的填0）",
            "Product control records the quantity controlled (0 if all was sold)",
        ));
    }
    out
}

/// `objection-record-complete`: the date the retest was asked for and the retest
/// laboratory; the request comes after the notice and not after today.
pub fn objection_record_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        (
            "/objection_received_on",
            "收到复检申请日期",
            "date the objection was received",
        ),
        ("/retest_lab", "复检机构", "retest laboratory"),
    ];
    let mut out = missing_items(input, items, ("异议复检申请记录", "objection record"));
    let what = ("收到复检申请日期", "date the objection was received");
    out.extend(not_in_future(ctx, input, "/objection_received_on", what));
    out.extend(not_before(
        ctx,
        input,
        "/objection_received_on",
        "/notice_received_at",
        (
            "收到复检申请日期",
            "收到不合格结果通知书时间",
            "objection",
            "the notice",
        ),
    ));
    out
}

/// `cause-investigation-complete`: the cause, explained when it is "other". Deliberate
/// adulteration is a suspected crime: the inspector is reminded of the transfer to the
/// police (发现违法行为涉嫌犯罪的，应当依法及时移送公安机关).
pub fn cause_investigation_complete(input: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    match input.str_at("/cause") {
        None => out.push(Finding::error(
            "/cause",
            "missing-item",
            "原因排查缺少「原因排查结论」",
            "The cause investigation lacks its conclusion",
        )),
        Some("other") if input.is_blank_at("/cause_note") => out.push(Finding::error(
            "/cause_note",
            "cause-note-required",
            "原因为\"其他\"的，须写明原因说明",
            "An \"other\" cause needs its details",
        )),
        Some("deliberate-adulteration") => out.push(Finding::warning(
            "/cause",
            "suspected-crime",
            "故意添加非食用物质或掺杂掺假涉嫌犯罪的，应当依法及时移送公安机关",
            "Deliberate adulteration may be a crime: transfer the case to the police where it is",
        )),
        Some(_) => {}
    }
    out
}

/// `penalty-record-complete`: the decision's number and the kinds of penalty; a fine
/// has its amount; "no penalty" stands alone.
pub fn penalty_record_complete(input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        (
            "/penalty_decision_no",
            "行政处罚决定书编号",
            "decision number",
        ),
        ("/penalty_kinds", "处罚种类", "kinds of penalty"),
    ];
    let mut out = missing_items(input, items, ("行政处罚记录", "penalty record"));
    let kinds: Vec<&str> = input
        .array_at("/penalty_kinds")
        .map(|k| k.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let amount = input.f64_at("/penalty_amount");
    if kinds.contains(&"fine") && amount.is_none_or(|a| a <= 0.0) {
        out.push(Finding::error(
            "/penalty_amount",
            "fine-without-amount",
            "处罚种类含罚款的，须填写罚没金额",
            "A fine needs its amount",
        ));
    }
    if kinds.contains(&"exempted") && kinds.len() > 1 {
        out.push(Finding::error(
            "/penalty_kinds",
            "exempted-with-penalty",
            "\"不予处罚或免予处罚\"不能与其他处罚种类同时选择",
            "\"No penalty imposed\" cannot be combined with a penalty",
        ));
    }
    out
}

/// `reinspection-record-complete`: the date and the result, on or after the start of
/// disposal. A producer whose food still fails is reminded that production stays
/// stopped.
///
/// Unlike the other step dates, a re-inspection (and a resumption) is not refused for
/// being dated after the action: the shipped demo records both that way, and refusing
/// them would drop its stories.
pub fn reinspection_record_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        ("/reinspected_on", "复查日期", "date of re-inspection"),
        ("/reinspection_result", "复查结论", "result"),
    ];
    let mut out = missing_items(input, items, ("复查记录", "re-inspection record"));
    out.extend(not_before(
        ctx,
        input,
        "/reinspected_on",
        "/disposal_started_at",
        (
            "复查日期",
            "核查启动时间",
            "re-inspection",
            "the start of disposal",
        ),
    ));
    if input.str_at("/reinspection_result") == Some("failed")
        && input.str_at("/business_role") == Some("producer")
    {
        out.push(Finding::warning(
            "/reinspection_result",
            "production-stays-stopped",
            "复查后同种食品仍然被检出问题的，食品生产者不得恢复生产同种食品",
            "The food still fails: the producer may not resume producing it",
        ));
    }
    out
}

/// `production-resumption-allowed`: 未经复查，或者复查后同种食品仍然被检出问题的，食品
/// 生产者不得恢复生产同种食品. The business is a producer and the re-inspection on file
/// passed; production resumes on or after it.
///
/// The check sees the case data with the action's input over it; the workflow's guard
/// refuses an action that sends a re-inspection result itself, so the result read here
/// is the one an earlier `record-reinspection` stored.
pub fn production_resumption_allowed(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    if input.str_at("/business_role") != Some("producer") {
        out.push(Finding::error(
            "/business_role",
            "not-a-producer",
            "恢复生产只适用于食品生产者",
            "Only a producer resumes production",
        ));
    }
    match input.str_at("/reinspection_result") {
        Some("passed") => {}
        Some(_) => out.push(Finding::error(
            "/reinspection_result",
            "reinspection-failed",
            "复查后同种食品仍然被检出问题的，食品生产者不得恢复生产同种食品",
            "The re-inspection found the food still failing: production may not resume",
        )),
        None => out.push(Finding::error(
            "/reinspection_result",
            "not-reinspected",
            "未经复查，食品生产者不得恢复生产同种食品",
            "Production may not resume before a re-inspection",
        )),
    }
    out.extend(not_before(
        ctx,
        input,
        "/production_resumed_on",
        "/reinspected_on",
        (
            "恢复生产日期",
            "复查日期",
            "resumption",
            "the re-inspection",
        ),
    ));
    out
}

#[cfg(test)]
mod tests;
