//! The building record, its scope, and the campaign's stage dates.

use super::{ItemSpec, missing_items};
use crate::scope::{PUBLIC_OVER_M, judge};
use anjuan_plugin_sdk::chrono::{Datelike, NaiveDate};
use anjuan_plugin_sdk::{DataExt, Finding, Value};

const BUILDING_ITEMS: &[ItemSpec] = &[
    ("/name", "建筑名称", "name"),
    ("/address", "地址", "address"),
    ("/facility", "医疗机构", "medical institution"),
    ("/property_unit", "产权单位", "owner"),
    ("/user_unit", "使用单位", "user"),
    ("/building_use", "建筑类别", "use"),
    ("/floors", "层数", "number of floors"),
    ("/height_m", "建筑高度", "height"),
    ("/in_use", "是否已建成投入使用", "whether it is in use"),
    (
        "/safety_responsible",
        "消防安全责任人",
        "fire-safety responsible person",
    ),
    ("/safety_manager", "消防安全管理人", "fire-safety manager"),
];

/// `building-record-complete`: what decides the scope and who is responsible
/// (确定消防安全责任人、管理人). The record may hold a building out of scope (it is
/// warned about, with the reason); a public high-rise shared between units without a
/// responsibility agreement, or without a micro fire station, is warned about too.
pub fn building_record_complete(input: &Value) -> Vec<Finding> {
    let mut out = missing_items(input, "", BUILDING_ITEMS, ("建筑信息", "building record"));
    let v = judge(input);
    if v.in_scope == Some(false) {
        out.push(Finding::warning(
            v.field,
            v.code,
            &v.reason_zh,
            &v.reason_en,
        ));
    }
    let public_high_rise = input.str_at("/building_use") == Some("public")
        && input.f64_at("/height_m").is_some_and(|h| h > PUBLIC_OVER_M);
    let shared = !input.is_blank_at("/managing_unit")
        || input.str_at("/property_unit").map(str::trim)
            != input.str_at("/user_unit").map(str::trim);
    if public_high_rise && shared && input.is_blank_at("/responsibility_agreement") {
        out.push(Finding::warning(
            "/responsibility_agreement",
            "no-responsibility-agreement",
            "高层公共建筑各产权单位、使用单位及委托管理单位应依法签订消防安全责任分工协议",
            "The owner, user and managing agent of a public high-rise should sign an agreement dividing fire-safety duties",
        ));
    }
    if public_high_rise && input.bool_at("/micro_fire_station") != Some(true) {
        out.push(Finding::warning(
            "/micro_fire_station",
            "no-micro-fire-station",
            "每栋高层公共建筑要建立一支微型消防站队伍",
            "Every public high-rise should have a micro fire station",
        ));
    }
    out
}

/// `building-in-scope`: a rectification is opened only for a building in scope; the
/// refusal says why (use, floors, height, in use).
pub fn building_in_scope(input: &Value) -> Vec<Finding> {
    let v = judge(input);
    if v.in_scope == Some(true) {
        return Vec::new();
    }
    vec![Finding::error(
        v.field,
        v.code,
        &format!("不能启动专项整治：{}", v.reason_zh),
        &format!("The rectification cannot be opened: {}", v.reason_en),
    )]
}

/// The stage dates in campaign order: (pointer below `/campaign`, 中文, English, the
/// month the source puts it in).
const STAGES: &[(&str, &str, &str, u32)] = &[
    (
        "/investigation_due_on",
        "全面排查截止",
        "end of the investigation",
        11,
    ),
    (
        "/serious_problems_due_on",
        "重点督办严重问题截止",
        "serious problems supervised by",
        6,
    ),
    (
        "/key_problems_due_on",
        "突出问题整改截止",
        "key problems rectified by",
        12,
    ),
    (
        "/all_due_on",
        "所有问题整改完毕截止",
        "all problems rectified by",
        9,
    ),
    (
        "/acceptance_opens_on",
        "总结验收开始",
        "start of acceptance",
        10,
    ),
    (
        "/acceptance_due_on",
        "总结验收截止",
        "end of acceptance",
        12,
    ),
];

/// Pairs of consecutive stages that may share a day: key problems may fall due with
/// everything else, and acceptance may open and close on one day.
const SAME_DAY_OK: &[(&str, &str)] = &[
    ("/key_problems_due_on", "/all_due_on"),
    ("/acceptance_opens_on", "/acceptance_due_on"),
];

/// `campaign-dates-consistent`: the six stage dates are all given and in order
/// (全面排查 → 严重问题督办 → 突出问题整改 → 全部整改完毕 → 总结验收). A date in another
/// month than the source's (investigation in November, serious problems by the end of
/// June, key problems by the end of December, stage 2 ending in September, acceptance
/// October to December) is warned about: the bureau may set its own.
pub fn campaign_dates_consistent(input: &Value) -> Vec<Finding> {
    let items: Vec<ItemSpec> = STAGES.iter().map(|(p, zh, en, _)| (*p, *zh, *en)).collect();
    let mut out = missing_items(
        input,
        "/campaign",
        &items,
        ("整治阶段时限", "campaign dates"),
    );
    let dates: Vec<(usize, NaiveDate)> = STAGES
        .iter()
        .enumerate()
        .filter_map(|(i, (p, ..))| Some((i, input.date_at(&format!("/campaign{p}"))?)))
        .collect();
    for pair in dates.windows(2) {
        let ((i, a), (j, b)) = (pair[0], pair[1]);
        let (pa, zh_a, en_a, _) = STAGES[i];
        let (pb, zh_b, en_b, _) = STAGES[j];
        if b < a || (b == a && !SAME_DAY_OK.contains(&(pa, pb))) {
            out.push(Finding::error(
                &format!("/campaign{pb}"),
                "stages-out-of-order",
                &format!("「{zh_b}」{b} 不晚于「{zh_a}」{a}"),
                &format!("The {en_b} ({b}) is not after the {en_a} ({a})"),
            ));
        }
    }
    for (i, d) in &dates {
        let (p, zh, en, month) = STAGES[*i];
        if d.month() != month {
            out.push(Finding::warning(
                &format!("/campaign{p}"),
                "unusual-month",
                &format!("「{zh}」{d} 不在方案规定的{month}月"),
                &format!("The {en} ({d}) is not in month {month} as the work plan has it"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
