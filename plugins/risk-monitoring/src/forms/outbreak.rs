//! Foodborne-disease outbreaks (食源性疾病暴发): the investigation, with an online report
//! at its start and at its completion, attribution, and the report.

use super::{choices, objects};
use anjuan_plugin_sdk::{Condition, Field, FormDef};

/// 食源性疾病暴发事件报告.
pub fn outbreak_report() -> FormDef {
    let settings = [
        ("household", "家庭", "Household"),
        ("school-canteen", "学校食堂", "School canteen"),
        ("workplace-canteen", "单位食堂", "Workplace canteen"),
        ("restaurant", "餐馆", "Restaurant"),
        ("rural-banquet", "农村聚餐", "Rural banquet"),
        ("street-food", "街头摊点", "Street food"),
        ("other", "其他", "Other"),
    ];
    let people = |id: &str, zh: &str, en: &str, min: f64| {
        Field::integer(id, zh, en)
            .unit("人", "people")
            .range(Some(min), None)
            .required()
    };
    FormDef::new(
        "outbreak-report",
        "食源性疾病暴发事件报告",
        "Outbreak report",
    )
    .field(Field::text("event_name", "事件名称", "Event").required())
    .field(Field::datetime("reported_at", "报告时间", "Reported at").required())
    .field(Field::text("place", "发生地点", "Place").required())
    .field(Field::select("setting", "发生场所", "Setting", choices(&settings)).required())
    .field(people("cases_count", "发病人数", "Cases", 1.0))
    .field(people("hospitalised", "住院人数", "Hospitalised", 0.0))
    .field(people("deaths", "死亡人数", "Deaths", 0.0))
    .field(Field::text(
        "related_cases",
        "关联病例编号",
        "Related case numbers",
    ))
}

/// 启动流行病学调查: the investigation starts and is reported online.
pub fn outbreak_start() -> FormDef {
    FormDef::new(
        "outbreak-start",
        "启动流行病学调查",
        "Start the investigation",
    )
    .help(
        "县疾控中心应当在启动食源性疾病暴发事件流行病学调查后及时进行网络填报。",
        "The county CDC reports online as soon as it starts an outbreak investigation.",
    )
    .field(
        Field::boolean(
            "commissioned_by_health_admin",
            "受卫生健康行政部门委托",
            "Commissioned by the health commission",
        )
        .required(),
    )
    .field(
        Field::date(
            "online_start_reported_on",
            "启动调查网络填报日期",
            "Online report at start",
        )
        .required(),
    )
}

/// 完成流行病学调查: reported online, with the attribution as the workflow's
/// `attribution` object (members in [`objects::attribution`]).
pub fn outbreak_completion() -> FormDef {
    FormDef::new("outbreak-completion", "完成流行病学调查", "Complete the investigation")
        .help(
            "完成调查后及时网络填报，并完成归因分析（致病食品、致病因子、致病因素）。",
            "Report online once the investigation is complete, with the attribution (food, agent, contributing factors).",
        )
        .field(
            Field::date(
                "online_completion_reported_on",
                "完成调查网络填报日期",
                "Online report at completion",
            )
            .required(),
        )
        .field(
            Field::object("attribution", "归因分析", "Attribution", objects::attribution())
                .required(),
        )
        .field(
            Field::boolean("food_business_related", "与食品生产经营有关", "Linked to a food business")
                .required(),
        )
}

/// 流行病学调查报告: submitted to the health commission and the regulator.
pub fn investigation_report() -> FormDef {
    FormDef::new("investigation-report", "流行病学调查报告", "Investigation report")
        .help(
            "向卫生健康行政部门、食品监管部门提交流行病学调查报告，并留存记录。",
            "Submit the investigation report to the health commission and the food regulator, and keep a record.",
        )
        .field(Field::file("investigation_report", "流行病学调查报告", "Investigation report").required())
}

/// 暴发事件结案: closed once a food-business link has been notified to the regulator.
pub fn outbreak_closure() -> FormDef {
    FormDef::new("outbreak-closure", "暴发事件结案", "Close the outbreak")
        .field(
            Field::boolean(
                "food_business_related",
                "与食品生产经营有关",
                "Linked to a food business",
            )
            .required(),
        )
        .field(
            Field::date(
                "regulator_notified_on",
                "通报监管部门日期",
                "Regulator notified on",
            )
            .required()
            .visible_when(Condition::equals("food_business_related", true)),
        )
}
