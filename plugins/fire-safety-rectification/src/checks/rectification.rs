//! A building's rectification: the commitment letter, the two lists and their deadlines,
//! unannounced inspections, and acceptance only once every hazard is closed.

use super::{ItemSpec, missing_items};
use anjuan_plugin_sdk::time::{not_in_future, today};
use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value, json};

/// `commitment-letter-signed`: 填写《高层建筑管理（使用）单位消防安全自查承诺书》: the
/// letter is attached, signed by someone on a day not in the future; one signed after
/// the investigation stage goes ahead with a warning.
pub fn commitment_letter_signed(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        ("/commitment_letter", "消防安全自查承诺书", "signed letter"),
        ("/commitment_signed_on", "签署日期", "date of signing"),
        ("/commitment_signed_by", "签署人", "signatory"),
    ];
    let mut out = missing_items(input, "", items, ("自查承诺书", "commitment letter"));
    out.extend(not_in_future(
        ctx,
        input,
        "/commitment_signed_on",
        ("签署日期", "date of signing"),
    ));
    if let (Some(s), Some(due)) = (
        input.date_at("/commitment_signed_on"),
        input.date_at("/investigation_due_on"),
    ) && s > due
    {
        out.push(Finding::warning(
            "/commitment_signed_on",
            "signed-late",
            &format!("承诺书于 {s} 签署，晚于全面排查阶段截止 {due}"),
            &format!("The letter was signed on {s}, after the investigation stage ended on {due}"),
        ));
    }
    out
}

/// The list an action fills: `add-hazards` adds `new_hazards`; submitting the two lists
/// fills `hazards`.
fn list_pointer(ctx: &Context<'_>) -> &'static str {
    if ctx.envelope().action.as_deref() == Some("add-hazards") {
        "/new_hazards"
    } else {
        "/hazards"
    }
}

/// Every column of a row of the two lists (annex 2).
const ROW_ITEMS: &[ItemSpec] = &[
    ("/category", "整治重点", "area"),
    ("/description", "问题隐患", "hazard"),
    ("/location", "部位", "location"),
    ("/measures", "整改措施", "measures"),
    ("/responsible_unit", "责任单位", "responsible unit"),
    ("/responsible_person", "责任人", "person responsible"),
    ("/funds", "整改资金", "funds"),
    ("/rectify_by", "整改时限", "deadline"),
    ("/key_problem", "是否突出问题", "key-problem flag"),
    ("/major", "是否重大火灾隐患", "major-hazard flag"),
];

/// `hazard-list-complete`: each hazard of the two lists has its area, description,
/// location, measures, responsible unit and person, funds, deadline and flags (逐个
/// 制定整改计划和措施，逐个落实整改方案、责任和资金). "No hazard found" and a list of
/// hazards contradict each other; without it the list may not be empty.
pub fn hazard_list_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let list = list_pointer(ctx);
    let rows = input.array_at(list).cloned().unwrap_or_default();
    let none_found = list == "/hazards" && input.bool_at("/no_hazards") == Some(true);
    if none_found {
        if rows.is_empty() {
            return Vec::new();
        }
        return vec![Finding::error(
            "/no_hazards",
            "contradiction",
            &format!(
                "已填\"排查未发现问题隐患\"，清单中却列有 {} 项隐患",
                rows.len()
            ),
            &format!(
                "\"No hazard found\" is set, yet the list has {} hazards",
                rows.len()
            ),
        )];
    }
    if rows.is_empty() {
        return vec![Finding::error(
            list,
            "no-rows",
            "问题隐患清单为空；排查未发现问题的，请勾选\"排查未发现问题隐患\"",
            "The hazard list is empty; if the investigation found nothing, say so",
        )];
    }
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let n = i + 1;
        let record = (
            format!("两个清单第{n}项"),
            format!("hazard {n} of the lists"),
        );
        for mut f in missing_items(row, "", ROW_ITEMS, (&record.0, &record.1)) {
            f.field = format!("{list}/{i}{}", f.field);
            out.push(f);
        }
    }
    out
}

/// `hazard-deadlines-within-stages`: no hazard's deadline falls after the date by which
/// everything is rectified, nor a key problem's after the key-problem date (20xx年12月底
/// 前…突出问题得到有效整改). A deadline already past is warned about.
pub fn hazard_deadlines_within_stages(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let list = list_pointer(ctx);
    let (all, key) = (
        input.date_at("/all_due_on"),
        input.date_at("/key_problems_due_on"),
    );
    let today = today(ctx);
    let mut out = Vec::new();
    if all.is_none() {
        out.push(Finding::warning(
            "/all_due_on",
            "stages-unknown",
            "本整治未设阶段时限，无法核对整改时限",
            "The rectification has no stage dates, so deadlines cannot be checked against them",
        ));
    }
    for (i, row) in input.array_at(list).into_iter().flatten().enumerate() {
        let Some(by) = row.date_at("/rectify_by") else {
            continue;
        };
        let (at, n) = (format!("{list}/{i}/rectify_by"), i + 1);
        if let Some(all) = all.filter(|a| by > *a) {
            out.push(Finding::error(
                &at,
                "after-all-due",
                &format!("第{n}项整改时限 {by} 晚于所有问题整改完毕截止 {all}"),
                &format!("Hazard {n} is due {by}, after everything must be rectified ({all})"),
            ));
        } else if let Some(key) =
            key.filter(|k| by > *k && row.bool_at("/key_problem") == Some(true))
        {
            out.push(Finding::error(
                &at,
                "key-problem-after-stage",
                &format!("第{n}项为突出问题，整改时限 {by} 晚于突出问题整改截止 {key}"),
                &format!("Hazard {n} is a key problem due {by}, after key problems must be rectified ({key})"),
            ));
        }
        if let Some(t) = today.filter(|t| by < *t) {
            out.push(Finding::warning(
                &at,
                "deadline-passed",
                &format!("第{n}项整改时限 {by} 已过（今天 {t}）"),
                &format!("Hazard {n} was due {by}, already past (today is {t})"),
            ));
        }
    }
    out
}

/// `inspection-record-complete`: the unannounced inspection (四不两直) has its date (not
/// in the future), findings and verdict; a unit found wanting is named in a notice and
/// loses points (进行通报和扣分).
pub fn inspection_record_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        ("/inspected_on", "检查日期", "date"),
        ("/findings", "发现问题", "findings"),
        ("/compliant", "工作是否到位", "verdict"),
    ];
    let base = "/last_inspection";
    let mut out = missing_items(input, base, items, ("明查暗访记录", "inspection record"));
    out.extend(not_in_future(
        ctx,
        input,
        "/last_inspection/inspected_on",
        ("检查日期", "inspection date"),
    ));
    if input.bool_at("/last_inspection/compliant") == Some(false) {
        if input.bool_at("/last_inspection/named_in_notice") != Some(true) {
            out.push(Finding::error(
                "/last_inspection/named_in_notice",
                "not-named",
                "工作不到位的单位须进行通报",
                "A unit found wanting is named in a notice",
            ));
        }
        if input
            .i64_at("/last_inspection/points_deducted")
            .is_none_or(|p| p < 1)
        {
            out.push(Finding::error(
                "/last_inspection/points_deducted",
                "no-points",
                "工作不到位的单位须扣分",
                "A unit found wanting loses points",
            ));
        }
    }
    out
}

/// The count queries declared in plugin.toml for [`acceptance_all_hazards_closed`].
pub fn hazards_query() -> &'static str {
    "hazards-in-rectification"
}

/// See [`hazards_query`].
pub fn closed_hazards_query() -> &'static str {
    "closed-hazards-in-rectification"
}

/// See [`hazards_query`].
pub fn closed_by_description_query() -> &'static str {
    "closed-hazards-by-description"
}

/// Open hazards are listed row by row only when the lists have at most this many
/// distinct descriptions: the host allows 16 count queries per call, two go to the
/// totals.
pub const MAX_ROWS_LISTED: usize = 13;

/// `acceptance-all-hazards-closed`: the building is declared rectified, and acceptance
/// requested and given, only when every hazard case of this rectification is closed
/// (隐患清零; 高层建筑所有问题全部整改完毕). The refusal says how many are open and, when
/// the lists are short enough, which rows.
///
/// A hazard counts as closed when its data holds `closed = true`: a count query matches
/// case data, not states, so the workflow's `verify-rectification` must set it.
pub fn acceptance_all_hazards_closed(
    ctx: &Context<'_>,
    input: &Value,
) -> Result<Vec<Finding>, CallError> {
    let rect = ctx.envelope().case_id.as_str();
    if rect.is_empty() {
        return Ok(Vec::new());
    }
    let total = ctx.count(hazards_query(), &json!({ "rectification": rect }))?;
    let closed = ctx.count(
        closed_hazards_query(),
        &json!({ "rectification": rect, "closed": true }),
    )?;
    let open = total.saturating_sub(closed);
    if open == 0 {
        return Ok(Vec::new());
    }
    let mut out = vec![Finding::error(
        "",
        "hazards-open",
        &format!("尚有 {open} 项问题隐患未整改销号（共 {total} 项），须全部整改销号"),
        &format!("{open} of {total} hazards are not closed yet; every hazard must be closed"),
    )];
    out.extend(open_rows(ctx, rect, input)?);
    Ok(out)
}

/// The rows of the two lists whose hazard is still open, by description.
fn open_rows(ctx: &Context<'_>, rect: &str, input: &Value) -> Result<Vec<Finding>, CallError> {
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, row) in input.array_at("/hazards").into_iter().flatten().enumerate() {
        let Some(d) = row.str_at("/description") else {
            continue;
        };
        match groups.iter_mut().find(|(g, _)| *g == d) {
            Some((_, rows)) => rows.push(i),
            None => groups.push((d, vec![i])),
        }
    }
    if groups.len() > MAX_ROWS_LISTED {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (d, rows) in groups {
        let params = json!({ "rectification": rect, "description": d, "closed": true });
        let closed = usize::try_from(ctx.count(closed_by_description_query(), &params)?)
            .unwrap_or(usize::MAX);
        for i in rows.into_iter().skip(closed) {
            let n = i + 1;
            out.push(Finding::error(
                &format!("/hazards/{i}"),
                "hazard-open",
                &format!("第{n}项问题隐患「{d}」尚未整改销号"),
                &format!("Hazard {n} (\"{d}\") is not closed yet"),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
