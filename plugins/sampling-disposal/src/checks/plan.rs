//! The sampling plan's quotas, and the laboratory's self-evaluation of a round.
//!
//! The source's plan: 700 batches, of which 200 edible agricultural products
//! (食用农产品), 220 catering food and utensils, 280 city special tasks (含食盐15批次);
//! by month, food (食品抽检: catering and city special tasks) and agricultural batches,
//! 100+40 in April down to 50+25 in October, again 700 in all.

use super::{ItemSpec, missing_items};
use crate::vocab::{PLAN_CATEGORIES, label};
use anjuan_plugin_sdk::chrono::{Datelike, NaiveDate};
use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value, json};
use std::collections::BTreeSet;

/// The count query declared in plugin.toml for `plan-quotas-met`.
pub fn category_query() -> &'static str {
    "batches-in-plan-by-category"
}

/// The count query declared in plugin.toml for `plan-monthly-quotas-met`: batches of a
/// plan by the month they were sampled in and their quota line (both derived).
pub fn month_query() -> &'static str {
    "batches-in-plan-by-month"
}

/// Months counted in one call: two count queries each, within the host's 16.
pub const MAX_MONTHS_COUNTED: usize = 8;

/// The batch categories counted against each plan category (salt is a city special
/// task, 市州专项抽检280批次（含食盐15批次）).
const COUNTED_AS: &[(&str, &[&str])] = &[
    ("agricultural", &["agricultural"]),
    ("catering", &["catering-food", "catering-utensil"]),
    ("city-special", &["city-special", "salt"]),
];

fn sum(rows: &[Value], pointer: &str) -> i64 {
    rows.iter().filter_map(|r| r.i64_at(pointer)).sum()
}

/// `plan-quotas-consistent`: the quotas by category and by month each add up to the
/// total; the monthly agricultural batches are the agricultural category (the rest of
/// each month is food); salt is counted within the city special tasks; each category and
/// month appears once, every month lies in the sampling period and every month of the
/// period has a quota.
pub fn plan_quotas_consistent(input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        ("/plan_year", "年度", "year"),
        ("/total_batches", "抽检总批次", "total batches"),
        ("/category_quotas", "分类任务", "quotas by category"),
        ("/monthly_quotas", "月度任务", "quotas by month"),
        ("/period_start", "抽检开始日期", "start of sampling"),
        ("/period_end", "抽检结束日期", "end of sampling"),
    ];
    let mut out = missing_items(input, items, ("抽检计划", "plan"));
    let categories = input
        .array_at("/category_quotas")
        .cloned()
        .unwrap_or_default();
    let months = input
        .array_at("/monthly_quotas")
        .cloned()
        .unwrap_or_default();
    if let Some(total) = input.i64_at("/total_batches") {
        let by_category = sum(&categories, "/batches");
        if !categories.is_empty() && by_category != total {
            out.push(Finding::error(
                "/total_batches",
                "category-total-mismatch",
                &format!("分类任务合计 {by_category} 批次，与抽检总批次 {total} 不符"),
                &format!("The quotas by category add up to {by_category} batches, not the total of {total}"),
            ));
        }
        let by_month = sum(&months, "/food_batches") + sum(&months, "/agri_batches");
        if !months.is_empty() && by_month != total {
            out.push(Finding::error(
                "/monthly_quotas",
                "monthly-total-mismatch",
                &format!("月度任务合计 {by_month} 批次（食品加食用农产品），与抽检总批次 {total} 不符"),
                &format!("The monthly quotas add up to {by_month} batches (food and agricultural), not the total of {total}"),
            ));
        }
    }
    out.extend(agricultural_split(&categories, &months));
    out.extend(category_rows(&categories));
    out.extend(month_rows(input, &months));
    out
}

/// The monthly agricultural batches are the agricultural category's.
fn agricultural_split(categories: &[Value], months: &[Value]) -> Option<Finding> {
    if categories.is_empty() || months.is_empty() {
        return None;
    }
    let agri: i64 = categories
        .iter()
        .filter(|r| r.str_at("/category") == Some("agricultural"))
        .filter_map(|r| r.i64_at("/batches"))
        .sum();
    let monthly = sum(months, "/agri_batches");
    (agri != monthly).then(|| {
        Finding::error(
            "/monthly_quotas",
            "agricultural-split-mismatch",
            &format!("月度食用农产品任务合计 {monthly} 批次，与食用农产品分类任务 {agri} 批次不符"),
            &format!("The monthly agricultural quotas add up to {monthly} batches, not the agricultural category's {agri}"),
        )
    })
}

/// Each category once; salt only in the city special tasks and within them.
fn category_rows(categories: &[Value]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, row) in categories.iter().enumerate() {
        let category = row.str_at("/category").unwrap_or_default();
        if !category.is_empty() && !seen.insert(category) {
            let (zh, en) = label(PLAN_CATEGORIES, category);
            out.push(Finding::error(
                &format!("/category_quotas/{i}/category"),
                "duplicate-category",
                &format!("「{zh}」在分类任务中出现了不止一次"),
                &format!("{en} appears more than once among the quotas by category"),
            ));
        }
        let Some(salt) = row.i64_at("/salt_batches").filter(|s| *s > 0) else {
            continue;
        };
        let at = format!("/category_quotas/{i}/salt_batches");
        if category != "city-special" {
            out.push(Finding::error(
                &at,
                "salt-outside-city-special",
                "食盐抽检计入市州专项抽检任务，不应列在其他类别下",
                "Salt is counted within the city special tasks, not under another category",
            ));
        } else if let Some(batches) = row.i64_at("/batches").filter(|b| salt > *b) {
            out.push(Finding::error(
                &at,
                "salt-exceeds-city-special",
                &format!("其中食盐 {salt} 批次，超过市州专项抽检任务 {batches} 批次"),
                &format!(
                    "Salt ({salt} batches) exceeds the city special tasks it is part of ({batches})"
                ),
            ));
        }
    }
    out
}

/// `YYYY-MM` as the month's first day.
fn month_start(month: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()
}

fn first_of(d: NaiveDate) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1)
}

/// Each month once, inside the period; every month of the period has a quota.
fn month_rows(input: &Value, months: &[Value]) -> Vec<Finding> {
    let mut out = Vec::new();
    let (start, end) = (input.date_at("/period_start"), input.date_at("/period_end"));
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        out.push(Finding::error(
            "/period_end",
            "period-reversed",
            &format!("抽检结束日期 {e} 早于开始日期 {s}"),
            &format!("Sampling ends ({e}) before it starts ({s})"),
        ));
        return out;
    }
    if let (Some(year), Some(s)) = (input.i64_at("/plan_year"), start)
        && year != i64::from(s.year())
    {
        out.push(Finding::warning(
            "/plan_year",
            "period-outside-year",
            &format!("抽检期间自 {s} 起，不在计划年度 {year} 内"),
            &format!("The sampling period starts on {s}, outside the plan year {year}"),
        ));
    }
    let span = start.and_then(first_of).zip(end.and_then(first_of));
    let mut seen = BTreeSet::new();
    for (i, row) in months.iter().enumerate() {
        let (Some(text), Some(first)) = (
            row.str_at("/month"),
            row.str_at("/month").and_then(month_start),
        ) else {
            continue;
        };
        let at = format!("/monthly_quotas/{i}/month");
        if !seen.insert(first) {
            out.push(Finding::error(
                &at,
                "duplicate-month",
                &format!("{text} 在月度任务中出现了不止一次"),
                &format!("{text} appears more than once among the monthly quotas"),
            ));
        } else if let Some((s, e)) = span.filter(|(s, e)| first < *s || first > *e) {
            out.push(Finding::error(
                &at,
                "month-outside-period",
                &format!("{text} 不在抽检期间（{s} 所在月至 {e} 所在月）内"),
                &format!("{text} lies outside the sampling period (the months of {s} to {e})"),
            ));
        }
    }
    if let Some((s, e)) = span.filter(|_| !months.is_empty()) {
        let missing: Vec<String> = s
            .iter_days()
            .take_while(|d| *d <= e)
            .filter(|d| d.day() == 1 && !seen.contains(d))
            .map(|d| d.format("%Y-%m").to_string())
            .collect();
        if !missing.is_empty() {
            let list = missing.join("、");
            out.push(Finding::warning(
                "/monthly_quotas",
                "month-without-quota",
                &format!("抽检期间内以下月份没有月度任务：{list}；全年应均衡完成抽检任务"),
                &format!(
                    "These months of the period have no quota: {}; spread sampling over the period",
                    missing.join(", ")
                ),
            ));
        }
    }
    out
}

/// `plan-quotas-met` (warns only): at the end of sampling, the batches sampled under the
/// plan against each category's quota and the salt within the city special tasks,
/// counted by the declared query (one call per batch category). The months are
/// `plan-monthly-quotas-met`'s.
pub fn plan_quotas_met(ctx: &Context<'_>, input: &Value) -> Result<Vec<Finding>, CallError> {
    let plan = ctx.envelope().case_id.as_str();
    if plan.is_empty() {
        return Ok(Vec::new());
    }
    let mut counted = std::collections::BTreeMap::new();
    for (_, kinds) in COUNTED_AS {
        for kind in *kinds {
            let n = ctx.count(category_query(), &json!({ "plan": plan, "category": kind }))?;
            counted.insert(*kind, n);
        }
    }
    let mut out = Vec::new();
    for (i, row) in input
        .array_at("/category_quotas")
        .into_iter()
        .flatten()
        .enumerate()
    {
        let category = row.str_at("/category").unwrap_or_default();
        let Some((_, kinds)) = COUNTED_AS.iter().find(|(c, _)| *c == category) else {
            continue;
        };
        let done: u64 = kinds.iter().filter_map(|k| counted.get(k)).sum();
        let (zh, en) = label(PLAN_CATEGORIES, category);
        out.extend(short(
            row.i64_at("/batches"),
            done,
            &format!("/category_quotas/{i}/batches"),
            (zh, en),
        ));
        if category == "city-special" {
            let salt = counted.get("salt").copied().unwrap_or(0);
            out.extend(short(
                row.i64_at("/salt_batches"),
                salt,
                &format!("/category_quotas/{i}/salt_batches"),
                ("食盐", "Salt"),
            ));
        }
    }
    Ok(out)
}

/// `plan-monthly-quotas-met` (warns only): at the end of sampling, each month's food and
/// agricultural batches against the month's quotas (4月–10月: 100+40 … 50+25), counted by
/// the month and quota line the server stores in each batch (see `derived`). Two count
/// queries a month; a plan of more than eight months has the rest pointed out as not
/// counted rather than the check stopped by the host's limit.
pub fn plan_monthly_quotas_met(
    ctx: &Context<'_>,
    input: &Value,
) -> Result<Vec<Finding>, CallError> {
    let plan = ctx.envelope().case_id.as_str();
    if plan.is_empty() {
        return Ok(Vec::new());
    }
    let rows = input
        .array_at("/monthly_quotas")
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut counted = 0;
    for (i, row) in rows.iter().enumerate() {
        let Some(month) = row.str_at("/month").filter(|m| month_start(m).is_some()) else {
            continue;
        };
        if counted == MAX_MONTHS_COUNTED {
            out.push(Finding::warning(
                &format!("/monthly_quotas/{i}/month"),
                "month-not-counted",
                &format!("月度任务超过{MAX_MONTHS_COUNTED}个月，{month}及以后的月份未统计"),
                &format!("More than {MAX_MONTHS_COUNTED} monthly quotas: {month} and later were not counted"),
            ));
            break;
        }
        counted += 1;
        for (pointer, line, zh, en) in [
            ("food_batches", "food", "食品", "food"),
            ("agri_batches", "agricultural", "食用农产品", "agricultural"),
        ] {
            let done = ctx.count(
                month_query(),
                &json!({ "plan": plan, "month": month, "line": line }),
            )?;
            out.extend(short(
                row.i64_at(&format!("/{pointer}")),
                done,
                &format!("/monthly_quotas/{i}/{pointer}"),
                (&format!("{month} {zh}"), &format!("{month} {en}")),
            ));
        }
    }
    Ok(out)
}

/// A warning when `done` falls short of `quota`.
fn short(quota: Option<i64>, done: u64, at: &str, (zh, en): (&str, &str)) -> Option<Finding> {
    let quota = u64::try_from(quota?).ok()?;
    (done < quota).then(|| {
        let gap = quota - done;
        Finding::warning(
            at,
            "quota-short",
            &format!("「{zh}」抽检任务 {quota} 批次，已抽样 {done} 批次，尚差 {gap} 批次"),
            &format!("{en}: {done} of {quota} batches sampled, {gap} short"),
        )
    })
}

/// The six points of the self-evaluation (人员培训、组织实施、数量执行、范围区分、不合格问题
/// 检出率、数据差错率) and the evaluation form (附件4).
const EVALUATION_ITEMS: &[ItemSpec] = &[
    ("/evaluation/training", "人员培训", "staff training"),
    ("/evaluation/organisation", "组织实施", "organisation"),
    ("/evaluation/batches_done", "数量执行", "batches done"),
    ("/evaluation/scope", "范围区分", "scope"),
    (
        "/evaluation/failure_detection_rate",
        "不合格问题检出率",
        "failure detection rate",
    ),
    (
        "/evaluation/data_error_rate",
        "数据差错率",
        "data error rate",
    ),
    (
        "/evaluation/form_file",
        "实施效果评价表（附件4）",
        "evaluation form (annex 4)",
    ),
];

/// `self-evaluation-complete`: the evaluation answers all six points and attaches the
/// form; batches done short of the round's quotas are pointed out (a warning: the
/// evaluation says what happened, and the bureau reviews it).
pub fn self_evaluation_complete(input: &Value) -> Vec<Finding> {
    if input.is_blank_at("/evaluation") {
        return vec![Finding::error(
            "/evaluation",
            "missing-item",
            "未填写计划实施效果自评",
            "The self-evaluation is missing",
        )];
    }
    let mut out = missing_items(input, EVALUATION_ITEMS, ("效果自评", "self-evaluation"));
    let quota = input.i64_at("/food_quota").unwrap_or(0) + input.i64_at("/agri_quota").unwrap_or(0);
    if let Some(done) = input
        .i64_at("/evaluation/batches_done")
        .filter(|d| quota > 0 && *d < quota)
    {
        out.push(Finding::warning(
            "/evaluation/batches_done",
            "short-of-quota",
            &format!("本批次任务 {quota} 批次，自评完成 {done} 批次"),
            &format!("The round's quota is {quota} batches; the evaluation reports {done}"),
        ));
    }
    out
}

#[cfg(test)]
mod tests;
