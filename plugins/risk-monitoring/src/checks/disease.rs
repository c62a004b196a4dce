//! Foodborne-disease case reports: 临床症状、饮食暴露史和诊断结论, and who the patient is.
//!
//! Findings name the missing item, never a value: the fields are sensitive.

use super::{ItemSpec, missing_items};
use anjuan_plugin_sdk::chrono::DateTime;
use anjuan_plugin_sdk::time::not_in_future;
use anjuan_plugin_sdk::{Context, DataExt, Finding, Value};

const ITEMS: &[ItemSpec] = &[
    ("/reporter", "报告医生", "reporting clinician"),
    ("/hospital", "监测医院", "sentinel hospital"),
    ("/patient_name", "患者姓名", "patient's name"),
    ("/sex", "性别", "sex"),
    ("/age", "年龄", "age"),
    ("/phone", "联系电话", "phone number"),
    ("/address", "现住址", "address"),
    ("/onset_at", "发病时间", "onset time"),
    ("/visited_at", "就诊时间", "time seen"),
    ("/symptoms", "临床症状", "clinical symptoms"),
    (
        "/exposure_history",
        "饮食暴露史",
        "dietary exposure history",
    ),
    ("/diagnosis", "诊断结论", "diagnosis"),
    (
        "/specimen_collected",
        "是否采集生物标本",
        "whether a specimen was taken",
    ),
];

const EXPOSURE_ITEMS: &[ItemSpec] = &[
    ("/food", "可疑食品", "food"),
    ("/place", "进食地点", "place"),
    ("/eaten_at", "进食时间", "time eaten"),
];

const REPORT: (&str, &str) = ("病例报告", "case report");

fn moment(
    input: &Value,
    pointer: &str,
) -> Option<DateTime<anjuan_plugin_sdk::chrono::FixedOffset>> {
    input
        .str_at(pointer)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
}

/// `case-report-complete`: symptoms, exposure history, diagnosis and identity are all
/// there, and the times make sense (onset before the visit, neither in the future, food
/// eaten before onset). A missing ID number is only warned about: an infant has none.
pub fn case_report_complete(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let mut out = missing_items(input, "", ITEMS, REPORT);
    if input.bool_at("/specimen_collected") == Some(true) && input.is_blank_at("/specimen_kind") {
        out.extend(missing_items(
            input,
            "",
            &[("/specimen_kind", "标本类型", "kind of specimen")],
            REPORT,
        ));
    }
    if input.is_blank_at("/id_number") {
        out.push(Finding::warning(
            "/id_number",
            "no-id-number",
            "病例报告未填写身份证号",
            "The case report has no ID number",
        ));
    }
    for (p, zh, en) in [
        ("/onset_at", "发病时间", "onset time"),
        ("/visited_at", "就诊时间", "time seen"),
    ] {
        out.extend(not_in_future(ctx, input, p, (zh, en)));
    }
    let onset = moment(input, "/onset_at");
    if let (Some(o), Some(v)) = (onset, moment(input, "/visited_at"))
        && o > v
    {
        out.push(Finding::error(
            "/onset_at",
            "onset-after-visit",
            "发病时间晚于就诊时间",
            "The onset is after the time the patient was seen",
        ));
    }
    let rows = input
        .array_at("/exposure_history")
        .cloned()
        .unwrap_or_default();
    for (i, row) in rows.iter().enumerate() {
        let base = format!("/exposure_history/{i}");
        let mut gaps = missing_items(row, "", EXPOSURE_ITEMS, ("饮食暴露史", "exposure history"));
        for g in &mut gaps {
            g.field = format!("{base}{}", g.field);
        }
        out.extend(gaps);
        if let (Some(e), Some(o)) = (moment(row, "/eaten_at"), onset)
            && e > o
        {
            out.push(Finding::warning(
                &format!("{base}/eaten_at"),
                "eaten-after-onset",
                &format!("饮食暴露史第{}行的进食时间晚于发病时间", i + 1),
                &format!(
                    "Row {} of the exposure history was eaten after the onset",
                    i + 1
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
