//! One hazard: listed supervision (挂牌督办) and the evidence of its rectification.

use super::{ItemSpec, missing_items};
use anjuan_plugin_sdk::time::not_in_future;
use anjuan_plugin_sdk::{Context, DataExt, Finding, Value};

const PLAN_ITEMS: &[ItemSpec] = &[
    ("/listed_on", "挂牌日期", "date listed"),
    ("/plan", "整改计划和方案", "plan"),
    ("/responsibility", "责任", "responsibility"),
    ("/measures", "措施", "measures"),
    ("/funds", "资金", "funds"),
    (
        "/temporary_safeguards",
        "临时性防范措施",
        "temporary safeguards",
    ),
];

/// `listed-supervision-plan-complete`: 实施政府挂牌督办，明确整改计划、方案、责任、措施和
/// 资金，落实临时性防范措施: every one of them is there, listed on a day not in the future.
pub fn listed_supervision_plan_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let base = "/listed_supervision";
    let mut out = missing_items(input, base, PLAN_ITEMS, ("挂牌督办", "listed supervision"));
    out.extend(not_in_future(
        ctx,
        input,
        "/listed_supervision/listed_on",
        ("挂牌日期", "date listed"),
    ));
    out
}

/// `rectification-evidence-attached`: a rectified hazard comes with its evidence and the
/// day it was done (not in the future); one done after its deadline goes ahead with a
/// warning (the deadline records the breach).
pub fn rectification_evidence_attached(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        ("/evidence", "整改佐证材料", "evidence"),
        ("/rectified_on", "整改完成日期", "date rectified"),
    ];
    let mut out = missing_items(input, "", items, ("整改结果", "rectification"));
    out.extend(not_in_future(
        ctx,
        input,
        "/rectified_on",
        ("整改完成日期", "date rectified"),
    ));
    if let (Some(done), Some(by)) = (input.date_at("/rectified_on"), input.date_at("/rectify_by"))
        && done > by
    {
        out.push(Finding::warning(
            "/rectified_on",
            "rectified-late",
            &format!("整改于 {done} 完成，晚于整改时限 {by}"),
            &format!("Rectified on {done}, after the deadline {by}"),
        ));
    }
    out
}

#[cfg(test)]
mod tests;
