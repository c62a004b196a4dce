//! Outbreak investigations: 县疾控中心应当在启动和完成食源性疾病暴发事件流行病学调查后
//! 及时进行网络填报, and the attribution (归因分析) of each outbreak.

use super::{ItemSpec, missing_items};
use anjuan_plugin_sdk::time::{day_at, not_in_future};
use anjuan_plugin_sdk::{Context, DataExt, Finding, Value};

fn not_filed(pointer: &str, zh: &str, en: &str) -> Finding {
    Finding::error(
        pointer,
        "not-filed",
        &format!("尚未{zh}网络填报，须在{zh}流行病学调查后及时网络填报"),
        &format!("The online report at the {en} of the investigation has not been filed"),
    )
}

/// `online-start-report-filed`: the online report at the start has a date, not in the
/// future; a date before the outbreak was reported is warned about.
pub fn online_start_report_filed(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let p = "/online_start_reported_on";
    let Some(filed) = input.date_at(p) else {
        return vec![not_filed(p, "启动", "start")];
    };
    let mut out: Vec<Finding> =
        not_in_future(ctx, input, p, ("启动调查网络填报日期", "start report date"))
            .into_iter()
            .collect();
    if let Some(reported) = day_at(ctx, input, "/reported_at")
        && filed < reported
    {
        out.push(Finding::warning(
            p,
            "filed-before-report",
            &format!("网络填报日期 {filed} 早于事件报告日期 {reported}"),
            &format!("Filed on {filed}, before the outbreak was reported on {reported}"),
        ));
    }
    out
}

/// `online-completion-report-filed`: the online report at completion has a date, not in
/// the future and not before the start report.
pub fn online_completion_report_filed(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let p = "/online_completion_reported_on";
    let Some(done) = input.date_at(p) else {
        return vec![not_filed(p, "完成", "completion")];
    };
    let mut out: Vec<Finding> = not_in_future(
        ctx,
        input,
        p,
        ("完成调查网络填报日期", "completion report date"),
    )
    .into_iter()
    .collect();
    if let Some(start) = input.date_at("/online_start_reported_on")
        && done < start
    {
        out.push(Finding::error(
            p,
            "completed-before-start",
            &format!("完成调查填报日期 {done} 早于启动调查填报日期 {start}"),
            &format!("The completion report ({done}) is dated before the start report ({start})"),
        ));
    }
    out
}

const ATTRIBUTION: &[ItemSpec] = &[
    ("/food", "致病食品", "food"),
    ("/pathogen", "致病因子", "agent"),
    ("/contributing_factors", "致病因素", "contributing factors"),
    ("/confidence", "判定依据", "confidence"),
];

/// `attribution-complete`: 对…暴发事件信息进行收集和归因分析: the food, the agent, the
/// contributing factors and how sure the finding is; and whether the outbreak is linked
/// to a food business, which decides whether the regulator must be told before closing.
pub fn attribution_complete(input: &Value) -> Vec<Finding> {
    let mut out = missing_items(
        input,
        "/attribution",
        ATTRIBUTION,
        ("归因分析", "attribution"),
    );
    if input.bool_at("/food_business_related").is_none() {
        out.push(Finding::error(
            "/food_business_related",
            "link-unknown",
            "须判定是否与食品生产经营有关",
            "Say whether the outbreak is linked to a food business",
        ));
    }
    out
}

#[cfg(test)]
mod tests;
