//! Records of care: visits, health records, assessments only after consent, emergency
//! aid, and screening for new families.

use super::{ItemSpec, missing_items};
use anjuan_plugin_sdk::chrono::NaiveDate;
use anjuan_plugin_sdk::time::not_in_future;
use anjuan_plugin_sdk::{Context, DataExt, Finding, Value};

fn chose(input: &Value, pointer: &str, option: &str) -> bool {
    input
        .array_at(pointer)
        .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(option)))
}

/// `visit-record-complete`: the visit says when, how and who, what help was given, and
/// how the family is in body and mind and what they need (及时了解其身体精神状况及利益
/// 诉求). Condolence money has an amount. A holiday visit made after the festival period
/// goes ahead with a warning (the deadline records the breach).
pub fn visit_record_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        ("/visited_on", "走访日期", "date of the visit"),
        ("/method", "走访方式", "way of contact"),
        ("/visitors", "走访人员", "visitors"),
        ("/services", "帮扶内容", "help given"),
        ("/health_observation", "身体状况", "health observed"),
        ("/mental_state", "精神状况", "mental state observed"),
        ("/needs", "困难和诉求", "difficulties and requests"),
    ];
    let mut out = missing_items(input, items, ("走访记录", "visit record"));
    for (i, row) in input
        .array_at("/visitors")
        .into_iter()
        .flatten()
        .enumerate()
    {
        if row.is_blank_at("/person") {
            out.push(Finding::error(
                &format!("/visitors/{i}/person"),
                "missing-item",
                &format!("第{}名走访人员未填写", i + 1),
                &format!("Visitor {} is not named", i + 1),
            ));
        }
    }
    if chose(input, "/services", "condolence-money")
        && input.f64_at("/condolence_amount").is_none_or(|a| a <= 0.0)
    {
        out.push(Finding::error(
            "/condolence_amount",
            "no-amount",
            "发放慰问金的须登记金额",
            "Condolence money needs its amount",
        ));
    }
    out.extend(not_in_future(
        ctx,
        input,
        "/visited_on",
        ("走访日期", "date of the visit"),
    ));
    let holiday = matches!(
        input.str_at("/kind"),
        Some("spring-festival" | "mid-autumn")
    );
    if let (true, Some(v), Some(due)) = (
        holiday,
        input.date_at("/visited_on"),
        input.date_at("/due_on"),
    ) {
        let end = festival_period_end(ctx, due);
        if v > end {
            out.push(Finding::warning(
                "/visited_on",
                "holiday-visit-late",
                &format!("节日走访应在节日期间完成（至 {end}），实际 {v}"),
                &format!("The holiday visit was due during the festival period, by {end}; it was made on {v}"),
            ));
        }
    }
    out
}

/// The last day of a festival's period, as the workflow's `holiday-visit` deadline counts
/// it: the festival day when it is a working day, else the first working day after the
/// festival's days off.
fn festival_period_end(ctx: &Context<'_>, festival: NaiveDate) -> NaiveDate {
    let working = festival
        .pred_opt()
        .and_then(|before| ctx.working_days_between(before, festival).ok())
        == Some(1);
    if working {
        return festival;
    }
    ctx.add_working_days(festival, 1).unwrap_or(festival)
}

/// `health-record-updated`: after the yearly check the health record is kept and the
/// family followed up (建立健康档案和跟踪服务); an abnormal finding needs its follow-up.
pub fn health_record_updated(input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        ("/exam_date", "体检日期", "date of the check"),
        ("/results", "体检结果", "results"),
    ];
    let mut out = missing_items(input, items, ("体检记录", "health check"));
    if input.bool_at("/health_record_updated") != Some(true) {
        out.push(Finding::error(
            "/health_record_updated",
            "record-not-updated",
            "体检后须建立或更新健康档案",
            "The health record must be created or updated after the check",
        ));
    }
    if !input.is_blank_at("/abnormal_findings") && input.is_blank_at("/follow_up") {
        out.push(Finding::error(
            "/follow_up",
            "no-follow-up",
            "体检有异常项目，须登记跟踪服务",
            "The check found something abnormal: record the follow-up",
        ));
    }
    out
}

/// `consent-on-file`: an assessment is recorded only with consent on file, given before
/// the assessment (按照自愿原则), and with who assessed, the result and the risk level.
pub fn consent_on_file(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let Some(consent) = input.date_at("/consent_on") else {
        return vec![Finding::error(
            "/consent_on",
            "no-consent",
            "没有本人的知情同意，不得开展心理评估",
            "No assessment without the person's recorded consent",
        )];
    };
    let items: &[ItemSpec] = &[
        ("/assessor", "评估机构/人员", "assessor"),
        ("/assessed_on", "评估日期", "date of the assessment"),
        ("/result", "评估结果", "result"),
        ("/risk_level", "风险等级", "risk level"),
    ];
    let mut out = missing_items(input, items, ("心理评估记录", "assessment record"));
    out.extend(not_in_future(
        ctx,
        input,
        "/assessed_on",
        ("评估日期", "date of the assessment"),
    ));
    if let Some(a) = input.date_at("/assessed_on")
        && a < consent
    {
        out.push(Finding::error(
            "/assessed_on",
            "assessed-before-consent",
            &format!("评估日期 {a} 早于知情同意日期 {consent}"),
            &format!("Assessed on {a}, before consent was given on {consent}"),
        ));
    }
    out
}

/// `aid-record-complete`: the kinds of aid given, with the amount when money was given,
/// and what was done.
pub fn aid_record_complete(input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        ("/aid_given", "救助内容", "kinds of aid"),
        ("/aid_note", "救助情况", "aid details"),
    ];
    let mut out = missing_items(input, items, ("救助记录", "aid record"));
    if chose(input, "/aid_given", "financial")
        && input.f64_at("/aid_amount").is_none_or(|a| a <= 0.0)
    {
        out.push(Finding::error(
            "/aid_amount",
            "no-amount",
            "资金救助须登记救助金额",
            "Financial aid needs its amount",
        ));
    }
    out
}

/// `new-families-registered`: 定期组织…排查摸底，实行建档立卡，对新增人员给予及时慰藉.
/// The screening counts households and new families (no more new families than
/// households), and names the new families' records in its note. (A family record has
/// no link to the screening that found it, so the records themselves cannot be counted
/// here.)
pub fn new_families_registered(input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        ("/households_checked", "排查户数", "households checked"),
        ("/new_families", "新增特殊家庭户数", "new families found"),
    ];
    let mut out = missing_items(input, items, ("排查摸底", "screening"));
    let new = input.i64_at("/new_families").unwrap_or(0);
    if let Some(h) = input.i64_at("/households_checked")
        && new > h
    {
        out.push(Finding::error(
            "/new_families",
            "more-than-checked",
            &format!("新增特殊家庭 {new} 户，多于排查户数 {h} 户"),
            &format!("{new} new families is more than the {h} households checked"),
        ));
    }
    if new > 0 && input.is_blank_at("/note") {
        out.push(Finding::error(
            "/note",
            "new-families-unnamed",
            &format!("新发现 {new} 户特殊家庭，须建档立卡并在说明中列明档案编号"),
            &format!("{new} new families were found: register each and list their record numbers in the note"),
        ));
    }
    out
}

#[cfg(test)]
mod tests;
