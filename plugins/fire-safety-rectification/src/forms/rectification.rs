//! A building's rectification: the commitment letter and the two lists (两个清单),
//! hazards added later, unannounced inspections, the summary and acceptance.

use super::{CATEGORIES, choices, objects};
use anjuan_plugin_sdk::{Condition, Field, FormDef};

/// One row of the two lists: the hazard (问题隐患清单) and its line of the rectification
/// responsibility list (整改责任清单).
fn hazard_row() -> Vec<Field> {
    vec![
        Field::select("category", "整治重点", "Area", choices(CATEGORIES)).required(),
        Field::text("description", "问题隐患", "Hazard").required(),
        Field::text("location", "部位", "Location").required(),
        Field::text("measures", "整改措施", "Measures").required(),
        Field::text("responsible_unit", "责任单位", "Responsible unit").required(),
        Field::text("responsible_person", "责任人", "Person responsible").required(),
        Field::number("funds", "整改资金", "Funds")
            .unit("万元", "10k yuan")
            .range(Some(0.0), None)
            .required(),
        Field::date("rectify_by", "整改时限", "Rectify by").required(),
        Field::boolean("key_problem", "突出问题（重点整治内容）", "Key problem")
            .required()
            .default_value(false),
        Field::boolean(
            "major",
            "重大火灾隐患（挂牌督办）",
            "Major fire hazard (listed supervision)",
        )
        .required()
        .default_value(false),
    ]
}

/// 自查承诺书和两个清单 (annexes 1 and 2): stage 1, full investigation.
pub fn two_lists() -> FormDef {
    FormDef::new("two-lists", "提交自查承诺书和两个清单", "Commitment letter and the two lists")
        .help(
            "填写《高层建筑管理（使用）单位消防安全自查承诺书》（附件1），并逐栋填写《高层建筑消防安全问题隐患清单和整改责任清单》（附件2）：每项隐患写明整改措施、责任人、资金和时限。",
            "Sign the self-check commitment letter (annex 1) and fill in the hazard list and the rectification responsibility list (annex 2): each hazard with its measures, person responsible, funds and deadline.",
        )
        .field(Field::file("commitment_letter", "消防安全自查承诺书（附件1）", "Self-check commitment letter (annex 1)").required())
        .field(Field::date("commitment_signed_on", "承诺书签署日期", "Letter signed on").required())
        .field(Field::text("commitment_signed_by", "签署人", "Signed by").required())
        .field(Field::user("responsible_person", "单位整治负责人", "Person in charge").required())
        .field(
            Field::boolean("no_hazards", "排查未发现问题隐患", "No hazard found")
                .required()
                .default_value(false),
        )
        .field(
            Field::group("hazards", "问题隐患清单和整改责任清单（附件2）", "Hazard and responsibility lists (annex 2)", hazard_row())
                .required()
                .items(Some(1), None)
                .visible_when(Condition::not_equals("no_hazards", true)),
        )
}

/// 补充问题隐患: hazards found later (边排查边整治); each row opens a hazard.
pub fn add_hazards() -> FormDef {
    FormDef::new("add-hazards", "补充问题隐患", "Add hazards")
        .help(
            "边排查边整治：新发现的问题隐患补充进两个清单，每项生成一个隐患整改任务。",
            "Investigate and rectify at once: hazards found later join the two lists, each opening a hazard.",
        )
        .field(
            Field::group("new_hazards", "新发现问题隐患", "Newly found hazards", hazard_row())
                .required()
                .items(Some(1), None),
        )
}

/// 明查暗访 (四不两直): the inspection itself is the workflow's `last_inspection` object
/// (members in [`objects::last_inspection`]).
pub fn inspection() -> FormDef {
    FormDef::new("inspection", "明查暗访（四不两直）", "Unannounced inspection")
        .help(
            "采取\"四不两直\"方式明查暗访；对未按要求开展专项整治、工作不到位、措施不落实、效果不明显的单位进行通报和扣分。",
            "Inspect unannounced; a unit that does not carry out the campaign properly is named in a notice and loses points.",
        )
        .field(
            Field::object(
                "last_inspection",
                "明查暗访（四不两直）",
                "Unannounced inspection",
                objects::last_inspection(),
            )
            .required(),
        )
}

/// 整治工作总结: requested acceptance comes with the summary.
pub fn campaign_summary() -> FormDef {
    FormDef::new("campaign-summary", "整治工作总结", "Campaign summary")
        .help(
            "专项整治结束后认真总结，固化经验做法，健全高层建筑火灾防控长效工作机制。",
            "Sum up the campaign and what worked, for lasting fire prevention.",
        )
        .field(Field::file("summary_report", "整治工作总结", "Campaign summary").required())
}

/// 总结验收.
pub fn acceptance() -> FormDef {
    FormDef::new("acceptance", "验收通过", "Accept")
        .field(Field::date("accepted_on", "验收日期", "Accepted on").required())
        .field(Field::long_text("acceptance_opinion", "验收意见", "Acceptance opinion").required())
}

/// 三年整治计划: each institution's plan for the three years, against which it rectifies
/// the two lists (各医疗机构应按照三年整治计划，对照"两个清单"…).
pub fn three_year_plan() -> FormDef {
    FormDef::new("three-year-plan", "三年整治计划", "Three-year rectification plan")
        .help(
            "各医疗机构应按照三年整治计划，对照\"两个清单\"，逐个制定整改计划和措施，逐个落实整改方案、责任和资金。",
            "Each institution rectifies the two lists by its three-year plan: a plan, measures, responsibility and funds for each item.",
        )
        .field(Field::file("three_year_plan", "三年整治计划", "Three-year plan").required())
        .field(Field::date("three_year_plan_on", "制定日期", "Drawn up on").required())
}

/// 动火审批: hot work during a rebuild, extension or refit is approved first and done by
/// a certified operator (需要明火作业的，必须严格履行动火审批手续，操作人员必须持证上岗).
pub fn hot_work() -> FormDef {
    FormDef::new("hot-work", "动火作业审批", "Hot-work approval")
        .help(
            "高层建筑改建、扩建、装修需要明火作业的，必须严格履行动火审批手续，操作人员必须持证上岗。",
            "Hot work in a rebuild, extension or refit needs its approval first, and a certified operator.",
        )
        .field(Field::date("work_on", "动火日期", "Work on").required())
        .field(Field::text("location", "动火部位", "Where").required())
        .field(Field::long_text("description", "作业内容", "Work").required())
        .field(Field::text("approved_by", "审批人", "Approved by").required())
        .field(Field::date("approved_on", "审批日期", "Approved on").required())
        .field(Field::text("operator", "操作人员", "Operator").required())
        .field(Field::text("certificate_no", "特种作业操作证号", "Operator's certificate").required())
        .field(
            Field::date(
                "certificate_valid_until",
                "操作证有效期至",
                "Certificate valid until",
            )
            .required(),
        )
        .field(Field::long_text("safeguards", "现场防护和监护措施", "Safeguards and fire watch").required())
}

/// 火灾事故延伸调查: the extended investigation of a fatal or notable fire, concluded.
pub fn fire_investigation() -> FormDef {
    FormDef::new("fire-investigation", "火灾事故延伸调查", "Extended fire investigation")
        .help(
            "凡在高层建筑领域发生亡人和有影响火灾事故的，逐起实施\"火灾事故延伸调查\"，严肃追责问责。",
            "Every fatal or notable fire in a high-rise is investigated further and those responsible held to account.",
        )
        .field(Field::integer("deaths", "死亡人数", "Deaths").required())
        .field(Field::long_text("findings", "调查结论", "Findings").required())
        .field(Field::long_text("accountability", "追责问责情况", "Accountability").required())
        .field(Field::date("concluded_on", "调查完成日期", "Concluded on").required())
}
