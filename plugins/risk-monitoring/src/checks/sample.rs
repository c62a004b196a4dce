//! Monitoring and follow-up samples: the sampling record (逐项记录，不得漏项), spread of
//! sampling (避免集中采样), the verified hazard report and the enlarged sampling
//! (扩大问题食品品种或品牌的样品数量).

use super::{ItemSpec, missing_items};
use anjuan_plugin_sdk::time::{day_at, not_in_future};
use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value, json};

/// Top-level items of a monitoring sample's sampling record.
const SAMPLE_ITEMS: &[ItemSpec] = &[
    ("/food_name", "样品名称", "food name"),
    ("/sampling_point", "采样点", "sampling point"),
    ("/sampling_area", "采样辖区", "area sampled"),
];

/// Items of the `sampling_record` object every sample carries.
const RECORD_ITEMS: &[ItemSpec] = &[
    ("/sampled_at", "采样时间", "sampling time"),
    ("/place_kind", "采样环节", "stage sampled"),
    ("/business_name", "被采样单位", "business sampled"),
    ("/packaging", "包装", "packaging"),
    ("/quantity", "采样数量", "quantity"),
    ("/storage", "储存条件", "storage conditions"),
    ("/samplers", "采样人员", "samplers"),
];

/// Items only a prepacked food has (bulk food has no batch or production date).
const PREPACKED_ITEMS: &[ItemSpec] = &[
    ("/batch_no", "批号", "batch number"),
    ("/produced_on", "生产日期", "production date"),
];

/// Items of a follow-up sample's collection.
const FOLLOW_UP_ITEMS: &[ItemSpec] = &[
    ("/food_name", "样品名称", "food name"),
    ("/sampling_point", "采样点", "sampling point"),
    (
        "/collected_count",
        "已采份数",
        "number of samples collected",
    ),
];

const RECORD: (&str, &str) = ("采样记录（逐项记录，不得漏项）", "sampling record");

/// `sampling-record-complete`: a sampling record with any item missing is refused, each
/// gap named at its field. A monitoring sample carries the `sampling_record` object; a
/// follow-up sample (which has no such object in the workflow) its food, point and count,
/// with a warning when fewer samples were taken than the enlarged plan asked for.
pub fn sampling_record_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    if ctx.envelope().case_type == "follow-up-sample" {
        return follow_up_complete(input);
    }
    let mut out = missing_items(input, "", SAMPLE_ITEMS, RECORD);
    out.extend(missing_items(
        input,
        "/sampling_record",
        RECORD_ITEMS,
        RECORD,
    ));
    if input.str_at("/sampling_record/packaging") == Some("prepacked") {
        out.extend(missing_items(
            input,
            "/sampling_record",
            PREPACKED_ITEMS,
            RECORD,
        ));
    }
    let sampled = "/sampling_record/sampled_at";
    out.extend(not_in_future(
        ctx,
        input,
        sampled,
        ("采样时间", "sampling time"),
    ));
    let produced = day_at(ctx, input, "/sampling_record/produced_on");
    if let (Some(p), Some(s)) = (produced, day_at(ctx, input, sampled))
        && p > s
    {
        out.push(Finding::error(
            "/sampling_record/produced_on",
            "produced-after-sampling",
            &format!("生产日期 {p} 晚于采样日期 {s}"),
            &format!("The production date {p} is after the sampling date {s}"),
        ));
    }
    out
}

fn follow_up_complete(input: &Value) -> Vec<Finding> {
    let mut out = missing_items(input, "", FOLLOW_UP_ITEMS, RECORD);
    let collected = input.i64_at("/collected_count");
    if collected.is_some_and(|c| c < 1) {
        out.push(Finding::error(
            "/collected_count",
            "nothing-collected",
            "扩大监测未采集样品",
            "No follow-up sample was collected",
        ));
    }
    if let (Some(c), Some(p)) = (collected, input.i64_at("/planned_count"))
        && (1..p).contains(&c)
    {
        out.push(Finding::warning(
            "/collected_count",
            "fewer-than-planned",
            &format!("扩大采样计划 {p} 份，实际采集 {c} 份"),
            &format!("The enlarged plan asked for {p} samples; {c} were collected"),
        ));
    }
    out
}

/// The count queries declared in plugin.toml for [`sampling_not_concentrated`].
pub fn samples_query() -> &'static str {
    "samples-in-plan"
}

/// See [`samples_query`].
pub fn samples_at_point_query() -> &'static str {
    "samples-in-plan-at-point"
}

/// Below this many samples in a plan, a share at one point says nothing.
pub const MIN_SAMPLES_FOR_CONCENTRATION: u64 = 6;

/// `sampling-not-concentrated` (a warning): 保持采样点相对固定，避免集中采样. The source
/// gives no figure; this county's setting warns when one sampling point holds more than
/// a third of the plan's samples (once the plan has [`MIN_SAMPLES_FOR_CONCENTRATION`]).
///
/// Concentration in time cannot be checked here: the sampling month is inside the
/// `sampling_record` object, and a count query matches whole values only.
pub fn sampling_not_concentrated(
    ctx: &Context<'_>,
    input: &Value,
) -> Result<Vec<Finding>, CallError> {
    let (Some(plan), Some(point)) = (
        ctx.envelope().parent_id.as_deref(),
        input.str_at("/sampling_point"),
    ) else {
        return Ok(Vec::new());
    };
    // A sample not stored yet is one more at its point and in the plan.
    let this = u64::from(ctx.envelope().state.is_empty());
    let total = ctx.count(samples_query(), &json!({ "plan": plan }))? + this;
    let at_point = ctx.count(
        samples_at_point_query(),
        &json!({ "plan": plan, "point": point }),
    )? + this;
    if total < MIN_SAMPLES_FOR_CONCENTRATION || at_point * 3 <= total {
        return Ok(Vec::new());
    }
    Ok(vec![Finding::warning(
        "/sampling_point",
        "concentrated-at-point",
        &format!(
            "本方案 {total} 份样品中有 {at_point} 份在采样点「{point}」采集，超过三分之一，注意避免集中采样"
        ),
        &format!(
            "{at_point} of the plan's {total} samples are taken at \"{point}\", more than a third: avoid concentrated sampling"
        ),
    )])
}

/// `hazard-report-complete`: 发现重要食品安全隐患应当在核实后报送. The hazard is
/// described and verified (on a day not before the result arrived, not in the future).
pub fn hazard_report_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        (
            "/hazard_description",
            "隐患描述",
            "description of the hazard",
        ),
        ("/verified_on", "核实日期", "date of verification"),
    ];
    let mut out = missing_items(input, "", items, ("隐患报送", "hazard report"));
    out.extend(not_in_future(
        ctx,
        input,
        "/verified_on",
        ("核实日期", "verification date"),
    ));
    if let (Some(v), Some(r)) = (
        input.date_at("/verified_on"),
        input.date_at("/result_received_on"),
    ) && v < r
    {
        out.push(Finding::error(
            "/verified_on",
            "verified-before-result",
            &format!("核实日期 {v} 早于收到监测数据日期 {r}"),
            &format!("Verified on {v}, before the result arrived on {r}"),
        ));
    }
    out
}

/// `expansion-plan-complete`: every row of the enlarged sampling names the food or brand,
/// a sampling point and at least one sample; a row of another product and brand than
/// the problem food is warned about (the rule enlarges sampling of *that* product or
/// brand).
pub fn expansion_plan_complete(input: &Value) -> Vec<Finding> {
    let rows = input
        .array_at("/expansion_plan")
        .cloned()
        .unwrap_or_default();
    if rows.is_empty() {
        return vec![Finding::error(
            "/expansion_plan",
            "no-rows",
            "扩大采样计划为空",
            "The enlarged sampling plan has no rows",
        )];
    }
    let same = |a: Option<&str>, b: Option<&str>| match (a.map(str::trim), b.map(str::trim)) {
        (Some(a), Some(b)) => !a.is_empty() && a == b,
        _ => false,
    };
    let (food, brand) = (input.str_at("/food_name"), input.str_at("/brand"));
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let (at, n) = (format!("/expansion_plan/{i}"), i + 1);
        if r.is_blank_at("/food_name") && r.is_blank_at("/brand") {
            out.push(Finding::error(
                &format!("{at}/food_name"),
                "no-product",
                &format!("第{n}行未写明样品名称或品牌"),
                &format!("Row {n} names neither a food nor a brand"),
            ));
        } else if (food.is_some() || brand.is_some())
            && !same(r.str_at("/food_name"), food)
            && !same(r.str_at("/brand"), brand)
        {
            out.push(Finding::warning(
                &format!("{at}/food_name"),
                "other-product",
                &format!("第{n}行既非问题食品品种，也非问题品牌"),
                &format!("Row {n} is neither the problem food nor its brand"),
            ));
        }
        if r.is_blank_at("/sampling_point") {
            out.push(Finding::error(
                &format!("{at}/sampling_point"),
                "missing-item",
                &format!("第{n}行缺少采样点"),
                &format!("Row {n} lacks a sampling point"),
            ));
        }
        if r.i64_at("/count").is_none_or(|c| c < 1) {
            out.push(Finding::error(
                &format!("{at}/count"),
                "no-samples",
                &format!("第{n}行份数应至少为1"),
                &format!("Row {n} must plan at least one sample"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
