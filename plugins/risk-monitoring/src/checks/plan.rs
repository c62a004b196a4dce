//! The county plan against the city task (市级方案规定的任务量).

use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value, json};

/// One row of `sample_tasks`, numbers missing read as 0.
struct Task {
    row: usize,
    category: String,
    city: i64,
    planned: i64,
    local: i64,
}

fn tasks(input: &Value) -> Vec<Task> {
    input
        .array_at("/sample_tasks")
        .map(|rows| {
            rows.iter()
                .enumerate()
                .map(|(row, r)| Task {
                    row,
                    category: r.str_at("/food_category").unwrap_or("").to_string(),
                    city: r.i64_at("/city_task").unwrap_or(0),
                    planned: r.i64_at("/planned").unwrap_or(0),
                    local: r.i64_at("/local_planned").unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn no_tasks() -> Finding {
    Finding::error(
        "/sample_tasks",
        "no-tasks",
        "监测方案未列出样品监测任务",
        "The plan lists no sample tasks",
    )
}

/// `plan-not-below-city-task`: 样品数量不得少于市级方案规定的任务量, row by row and in
/// total.
pub fn plan_not_below_city_task(input: &Value) -> Vec<Finding> {
    let tasks = tasks(input);
    if tasks.is_empty() {
        return vec![no_tasks()];
    }
    let mut out: Vec<Finding> = tasks
        .iter()
        .filter(|t| t.planned < t.city)
        .map(|t| {
            let (n, c, p, city) = (t.row + 1, &t.category, t.planned, t.city);
            Finding::error(
                &format!("/sample_tasks/{}/planned", t.row),
                "below-city-task",
                &format!("第{n}行「{c}」计划采样 {p} 份，少于市级任务量 {city} 份"),
                &format!("Row {n} ({c}) plans {p} samples, below the city task of {city}"),
            )
        })
        .collect();
    let planned: i64 = tasks.iter().map(|t| t.planned).sum();
    let city: i64 = tasks.iter().map(|t| t.city).sum();
    if planned < city {
        out.push(Finding::error(
            "/sample_tasks",
            "total-below-city-task",
            &format!("计划采样共 {planned} 份，少于市级任务量 {city} 份"),
            &format!("The plan has {planned} samples in all, below the city task of {city}"),
        ));
    }
    out
}

/// `local-products-at-least-60-percent`: 本地产品的数量不低于任务量的60%. The task is the
/// city's; a plan with no city task (local specialties only) is measured against its own
/// planned total.
pub fn local_products_at_least_60_percent(input: &Value) -> Vec<Finding> {
    let tasks = tasks(input);
    if tasks.is_empty() {
        return vec![no_tasks()];
    }
    let mut out: Vec<Finding> = tasks
        .iter()
        .filter(|t| t.local > t.planned)
        .map(|t| {
            let (n, l, p) = (t.row + 1, t.local, t.planned);
            Finding::error(
                &format!("/sample_tasks/{}/local_planned", t.row),
                "local-above-planned",
                &format!("第{n}行本地产品 {l} 份，多于计划采样量 {p} 份"),
                &format!("Row {n} has {l} local products, more than the {p} samples planned"),
            )
        })
        .collect();
    let city: i64 = tasks.iter().map(|t| t.city).sum();
    let planned: i64 = tasks.iter().map(|t| t.planned).sum();
    let local: i64 = tasks.iter().map(|t| t.local.min(t.planned)).sum();
    let base = if city > 0 { city } else { planned };
    if local * 10 < base * 6 {
        let need = (base * 6 + 9) / 10;
        out.push(Finding::error(
            "/sample_tasks",
            "local-below-60-percent",
            &format!("本地产品计划 {local} 份，低于任务量 {base} 份的60%（至少 {need} 份）"),
            &format!(
                "{local} local products are planned, below 60% of the task of {base} (at least {need})"
            ),
        ));
    }
    out
}

/// `sampling-points-cover-county` (warnings only): 监测样品采集点涵盖所有辖区.
pub fn sampling_points_cover_county(input: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    match (input.i64_at("/areas_covered"), input.i64_at("/areas_total")) {
        (Some(c), Some(t)) if c < t => out.push(Finding::warning(
            "/areas_covered",
            "areas-not-covered",
            &format!("采样点只覆盖 {c}/{t} 个辖区，应涵盖所有辖区"),
            &format!("Sampling points cover {c} of {t} areas; they should cover every area"),
        )),
        (Some(c), Some(t)) if c > t => out.push(Finding::warning(
            "/areas_covered",
            "areas-inconsistent",
            &format!("覆盖辖区数 {c} 大于辖区总数 {t}"),
            &format!("{c} areas covered is more than the {t} areas in the county"),
        )),
        (Some(_), Some(_)) => {}
        _ => out.push(Finding::warning(
            "/areas_covered",
            "coverage-unknown",
            "未填写采样点覆盖的辖区数和辖区总数，无法核对是否涵盖所有辖区",
            "Areas covered and areas in the county are not given, so coverage cannot be checked",
        )),
    }
    for (row, r) in input
        .array_at("/sample_tasks")
        .into_iter()
        .flatten()
        .enumerate()
    {
        if r.is_blank_at("/sampling_points") {
            let n = row + 1;
            out.push(Finding::warning(
                &format!("/sample_tasks/{row}/sampling_points"),
                "no-sampling-points",
                &format!("第{n}行未列出采样点"),
                &format!("Row {n} names no sampling points"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;

/// The count query behind [`samples_collected_meet_city_task`]: samples of a plan that
/// were collected (`/collected`, set by the workflow when the sampling is recorded).
pub fn collected_query() -> &'static str {
    "samples-collected-in-plan"
}

/// See [`collected_query`]: those of them produced locally.
pub fn local_collected_query() -> &'static str {
    "local-samples-collected-in-plan"
}

/// `samples-collected-meet-city-task` (warnings, at the year's close): the samples
/// actually collected under the plan against the city task (样品数量不得少于市级方案
/// 规定的任务量) and the local ones against 60% of it (本地产品的数量所占比例不低于市级
/// 方案规定任务量的60%). The plan's own numbers are checked when it is filed; this counts
/// what was done. Compared in total: one plan may have more task rows than one call may
/// count.
pub fn samples_collected_meet_city_task(
    ctx: &Context<'_>,
    input: &Value,
) -> Result<Vec<Finding>, CallError> {
    let city: i64 = tasks(input).iter().map(|t| t.city).sum();
    if city <= 0 {
        return Ok(Vec::new());
    }
    let plan = ctx.envelope().case_id.clone();
    let collected = ctx.count(
        collected_query(),
        &json!({ "plan": plan, "collected": true }),
    )?;
    let local = ctx.count(
        local_collected_query(),
        &json!({ "plan": plan, "collected": true, "local": true }),
    )?;
    let collected = i64::try_from(collected).unwrap_or(i64::MAX);
    let local = i64::try_from(local).unwrap_or(i64::MAX);
    let local_needed = (city * 60 + 99) / 100;
    let mut out = Vec::new();
    if collected < city {
        out.push(Finding::warning(
            "/sample_tasks",
            "collected-below-city-task",
            &format!("全年实际采集样品 {collected} 份，少于市级任务量 {city} 份"),
            &format!("{collected} samples were collected this year, below the city task of {city}"),
        ));
    }
    if local < local_needed {
        out.push(Finding::warning(
            "/sample_tasks",
            "local-collected-below-60-percent",
            &format!(
                "全年实际采集本地产品 {local} 份，低于市级任务量 {city} 份的60%（{local_needed} 份）"
            ),
            &format!(
                "{local} local samples were collected, below 60% of the city task of {city} ({local_needed})"
            ),
        ));
    }
    Ok(out)
}
