//! Reports on time to the right recipients, and quality control: on-site supervision
//! once a quarter (现场督导工作每个季度开展1次) and outbreak-investigation training of at
//! least two working days a year (培训时间不少于2个工作日).

use anjuan_plugin_sdk::chrono::{Datelike, NaiveDate};
use anjuan_plugin_sdk::time::not_in_future;
use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value};

/// A recipient: (option value, 中文, English).
type Recipient = (&'static str, &'static str, &'static str);

/// Who each report goes to, as the source names them.
const RECIPIENTS: &[(&str, &[Recipient])] = &[
    ("monthly-cluster", &[CITY_CDC]),
    ("quarterly-samples", &[CITY_CDC]),
    ("quarterly-disease", &[COUNTY]),
    ("half-year-summary", &[UPPER_COPY]),
    ("annual-summary", &[UPPER_COPY]),
    ("annual-sample-results", &[CITY_CDC]),
    ("annual-disease-results", &[COUNTY, UPPER_COPY]),
];
const CITY_CDC: Recipient = ("city-cdc", "市疾控中心", "the city CDC");
const COUNTY: Recipient = (
    "county-health-commission",
    "县卫生健康委",
    "the county health commission",
);
const UPPER_COPY: Recipient = (
    "upper-cdc-copy",
    "上级疾控中心（抄送）",
    "the upper CDC (copy)",
);

/// `report-attached`: a report is submitted with its file, a submission date (not in the
/// future) and the recipients the source names for its kind; one submitted after its
/// due date goes ahead with a warning (the deadline records the breach).
pub fn report_attached(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    if input.is_blank_at("/report_file") {
        out.push(Finding::error(
            "/report_file",
            "no-report",
            "未附报告，不能报送",
            "No report is attached",
        ));
    }
    match input.date_at("/submitted_on") {
        None => out.push(Finding::error(
            "/submitted_on",
            "missing-item",
            "未填写报送日期",
            "The submission date is missing",
        )),
        Some(s) => {
            out.extend(not_in_future(
                ctx,
                input,
                "/submitted_on",
                ("报送日期", "submission date"),
            ));
            if let Some(due) = input.date_at("/due_on")
                && s > due
            {
                out.push(Finding::warning(
                    "/submitted_on",
                    "late",
                    &format!("报送日期 {s} 晚于报送期限 {due}"),
                    &format!("Submitted on {s}, after the due date {due}"),
                ));
            }
        }
    }
    let chosen: Vec<&str> = input
        .array_at("/recipients")
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if chosen.is_empty() {
        out.push(Finding::error(
            "/recipients",
            "no-recipients",
            "未选择报送对象",
            "No recipient is chosen",
        ));
    }
    let kind = input.str_at("/report_kind").unwrap_or_default();
    let wanted = RECIPIENTS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, r)| *r)
        .unwrap_or(&[]);
    for (_, zh, en) in wanted.iter().filter(|(id, ..)| !chosen.contains(id)) {
        out.push(Finding::error(
            "/recipients",
            "recipient-missing",
            &format!("此类报告须报送{zh}"),
            &format!("This report must go to {en}"),
        ));
    }
    out
}

/// The quarter a period label such as `2026-Q2` names: (year, quarter).
fn quarter(period: &str) -> Option<(i32, u32)> {
    let (y, q) = period.split_once("-Q")?;
    Some((
        y.parse().ok()?,
        q.parse().ok().filter(|q| (1..=4).contains(q))?,
    ))
}

/// `supervision-recorded`: an on-site supervision task lists the sentinel hospitals
/// supervised, each with its date (not in the future); a date outside the task's quarter
/// is warned about. Other tasks pass.
pub fn supervision_recorded(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    if input.str_at("/task_kind") != Some("on-site-supervision") {
        return Vec::new();
    }
    let rows = input
        .array_at("/hospitals_supervised")
        .cloned()
        .unwrap_or_default();
    if rows.is_empty() {
        return vec![Finding::error(
            "/hospitals_supervised",
            "no-supervision",
            "未登记督导的监测医院，现场督导每个季度开展1次",
            "No supervised hospital is recorded; on-site supervision is due once a quarter",
        )];
    }
    let q = input.str_at("/period").and_then(quarter);
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let (at, n) = (format!("/hospitals_supervised/{i}"), i + 1);
        if r.is_blank_at("/hospital") {
            out.push(Finding::error(
                &format!("{at}/hospital"),
                "missing-item",
                &format!("第{n}行未填写监测医院"),
                &format!("Row {n} names no hospital"),
            ));
        }
        let Some(d) = r.date_at("/supervised_on") else {
            out.push(Finding::error(
                &format!("{at}/supervised_on"),
                "missing-item",
                &format!("第{n}行未填写督导日期"),
                &format!("Row {n} has no supervision date"),
            ));
            continue;
        };
        if let Some(mut f) =
            not_in_future(ctx, r, "/supervised_on", ("督导日期", "supervision date"))
        {
            f.field = format!("{at}{}", f.field);
            out.push(f);
        }
        if let Some((y, qn)) = q
            && (d.year() != y || d.month0() / 3 + 1 != qn)
        {
            out.push(Finding::warning(
                &format!("{at}/supervised_on"),
                "outside-quarter",
                &format!("第{n}行督导日期 {d} 不在本季度（{y}年第{qn}季度）"),
                &format!("Row {n} was supervised on {d}, outside the quarter {y}-Q{qn}"),
            ));
        }
    }
    out
}

/// Minimum training length in working days (培训时间不少于2个工作日).
pub const MIN_TRAINING_WORKING_DAYS: i64 = 2;

/// `training-at-least-two-working-days`: the outbreak-investigation training lasts at
/// least two working days by the server's calendar: the working days in (first, last]
/// plus the first day if it is one. Other tasks pass.
pub fn training_at_least_two_working_days(
    ctx: &Context<'_>,
    input: &Value,
) -> Result<Vec<Finding>, CallError> {
    if input.str_at("/task_kind") != Some("outbreak-training") {
        return Ok(Vec::new());
    }
    let (first, last) = match (
        input.date_at("/training_first_day"),
        input.date_at("/training_last_day"),
    ) {
        (Some(f), Some(l)) => (f, l),
        (f, _) => {
            let p = if f.is_none() {
                "/training_first_day"
            } else {
                "/training_last_day"
            };
            return Ok(vec![Finding::error(
                p,
                "missing-item",
                "未填写培训起止日期",
                "The training's first and last days are missing",
            )]);
        }
    };
    if last < first {
        return Ok(vec![Finding::error(
            "/training_last_day",
            "last-before-first",
            &format!("培训结束日期 {last} 早于开始日期 {first}"),
            &format!("The training ends ({last}) before it starts ({first})"),
        )]);
    }
    let mut out: Vec<Finding> = not_in_future(
        ctx,
        input,
        "/training_last_day",
        ("培训结束日期", "last training day"),
    )
    .into_iter()
    .collect();
    let days = ctx.working_days_between(first, last)? + i64::from(is_working_day(ctx, first)?);
    if days < MIN_TRAINING_WORKING_DAYS {
        out.push(Finding::error(
            "/training_last_day",
            "training-too-short",
            &format!("培训 {first} 至 {last} 仅 {days} 个工作日，培训时间不少于{MIN_TRAINING_WORKING_DAYS}个工作日"),
            &format!(
                "The training from {first} to {last} lasts {days} working days; at least {MIN_TRAINING_WORKING_DAYS} are required"
            ),
        ));
    }
    if let Some(y) = input.str_at("/period").and_then(|p| p.parse::<i32>().ok())
        && first.year() != y
    {
        out.push(Finding::warning(
            "/training_first_day",
            "outside-year",
            &format!("培训不在本年度（{y}年）"),
            &format!("The training is outside the year {y}"),
        ));
    }
    Ok(out)
}

fn is_working_day(ctx: &Context<'_>, day: NaiveDate) -> Result<bool, CallError> {
    match day.pred_opt() {
        Some(before) => Ok(ctx.working_days_between(before, day)? == 1),
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests;
