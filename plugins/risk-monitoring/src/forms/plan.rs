//! The county monitoring plan (县级监测方案) and its filing with the city.

use super::{MONITORING_KINDS, choices};
use anjuan_plugin_sdk::{Field, FormDef};

fn months() -> Vec<anjuan_plugin_sdk::Choice> {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    EN.iter()
        .enumerate()
        .map(|(i, en)| {
            let n = i + 1;
            anjuan_plugin_sdk::Choice::new(&format!("{n:02}"), &format!("{n}月"), en)
        })
        .collect()
}

/// 县级食品安全风险监测方案: the year's sample tasks against the city task.
pub fn monitoring_plan() -> FormDef {
    let task = vec![
        Field::select(
            "monitoring_kind",
            "监测类别",
            "Kind",
            choices(MONITORING_KINDS),
        )
        .required(),
        Field::text("food_category", "食品类别", "Food category").required(),
        Field::integer("city_task", "市级任务量", "City task")
            .unit("份", "samples")
            .range(Some(0.0), None)
            .required()
            .help(
                "地方特色食品不设任务量的填0。",
                "Enter 0 for local specialties, which have no city task.",
            ),
        Field::integer("planned", "计划采样量", "Planned samples")
            .unit("份", "samples")
            .range(Some(0.0), None)
            .required(),
        Field::integer("local_planned", "其中本地产品", "Of which local products")
            .unit("份", "samples")
            .range(Some(0.0), None)
            .required(),
        Field::text("sampling_points", "采样点", "Sampling points").required(),
        Field::multi_select("sampling_months", "采样月份", "Sampling months", months())
            .required()
            .help(
                "采样时间相对固定，避免集中采样。",
                "Keep sampling times steady; avoid concentrated sampling.",
            ),
    ];
    FormDef::new("monitoring-plan", "县级食品安全风险监测方案", "County monitoring plan")
        .help(
            "样品数量不得少于市级方案规定的任务量，本地产品不低于任务量的60%，采样点涵盖所有辖区。",
            "Samples may not fall below the city task; local products are at least 60% of it; sampling points cover every area of the county.",
        )
        .field(
            Field::integer("plan_year", "监测年度", "Year")
                .range(Some(2000.0), Some(2100.0))
                .required(),
        )
        .field(Field::text("city_plan_no", "市级方案文号", "City plan reference").required())
        .field(Field::date("city_plan_issued_on", "市级方案下发日期", "City plan issued on").required())
        .field(
            Field::group("sample_tasks", "样品监测任务", "Sample tasks", task)
                .required()
                .items(Some(1), None),
        )
        .field(
            Field::integer("areas_covered", "采样点覆盖辖区数", "Areas with a sampling point")
                .range(Some(0.0), None)
                .required(),
        )
        .field(
            Field::integer("areas_total", "辖区总数", "Areas in the county")
                .range(Some(1.0), None)
                .required(),
        )
        .field(Field::file("plan_document", "方案及编写说明", "Plan and notes"))
}

/// 报市卫生健康委备案: the plan and its notes filed within 30 days of the city plan.
pub fn plan_filing() -> FormDef {
    FormDef::new("plan-filing", "报市卫生健康委备案", "File with the city")
        .help(
            "市级方案下发后30日内，将县级监测方案及编写说明报市卫生健康委备案。",
            "File the county plan and its notes with the city health commission within 30 days of the city plan.",
        )
        .field(Field::file("plan_document", "方案及编写说明", "Plan and notes").required())
        .field(Field::date("filed_on", "备案日期", "Filed on").required())
}
