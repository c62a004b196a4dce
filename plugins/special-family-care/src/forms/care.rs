//! Care given to a family: visits (走访慰问), the yearly health check (免费健康体检),
//! psychological assessment and care (心理健康评估和干预), emergency aid (紧急救助), and the
//! screening that finds new families (排查摸底).

use super::{METHODS, choices};
use anjuan_plugin_sdk::{Condition, Field, FormDef, json};

/// 走访记录: who went, what help was given, and how the family is.
pub fn visit_record() -> FormDef {
    let services = choices(&[
        ("spiritual-comfort", "精神慰藉", "Spiritual comfort"),
        ("daily-care", "生活照料", "Daily care"),
        ("housework", "家务料理", "Housework"),
        ("medical-escort", "看病就医", "Medical escort"),
        ("gifts", "慰问品", "Gifts"),
        ("condolence-money", "慰问金", "Condolence money"),
        ("legal-aid", "权益维护", "Legal aid"),
    ]);
    let visitor = vec![Field::user("person", "人员", "Person").required()];
    FormDef::new("visit-record", "登记走访", "Record the visit")
        .help(
            "了解家庭的身体、精神状况及利益诉求，帮助解决实际困难；无诉求的填\"无\"。",
            "Find out how the family is in body and mind and what they need, and help; write \"none\" when they ask for nothing.",
        )
        .field(Field::date("visited_on", "走访日期", "Visited on").required())
        .field(Field::select("method", "方式", "Method", choices(METHODS)).required())
        .field(
            Field::group("visitors", "走访人员", "Visitors", visitor)
                .required()
                .items(Some(1), None),
        )
        .field(Field::multi_select("services", "帮扶内容", "Help given", services).required())
        .field(
            Field::number("condolence_amount", "慰问金", "Condolence money")
                .unit("元", "yuan")
                .range(Some(0.0), None)
                .required()
                .visible_when(Condition::one_of("services", vec![json!("condolence-money")])),
        )
        .field(Field::long_text("health_observation", "身体状况", "Health observed").required().sensitive())
        .field(Field::long_text("mental_state", "精神状况", "Mental state observed").required().sensitive())
        .field(Field::long_text("needs", "困难和诉求", "Difficulties and requests").required().sensitive())
        .field(Field::boolean("follow_up_needed", "需跟进", "Follow-up needed").default_value(false))
        .field(Field::file("photos", "照片", "Photos"))
}

/// 免费健康体检: the yearly check.
pub fn health_check() -> FormDef {
    FormDef::new(
        "health-check",
        "登记免费健康体检",
        "Record the health check",
    )
    .field(Field::date("exam_date", "体检日期", "Examined on").required())
    .field(Field::text("institution", "体检机构", "Institution").required())
    .field(
        Field::long_text("results", "体检结果", "Results")
            .required()
            .sensitive(),
    )
    .field(Field::long_text("abnormal_findings", "异常项目", "Abnormal findings").sensitive())
    .field(Field::file("report", "体检报告", "Report").sensitive())
}

/// 建立健康档案和跟踪服务.
pub fn health_record() -> FormDef {
    FormDef::new("health-record", "建立健康档案和跟踪服务", "Health record and follow-up")
        .help(
            "体检后建立健康档案和跟踪服务，确保生病及时发现、及时治疗。",
            "After the check, keep the health record and follow up, so illness is found and treated early.",
        )
        .field(
            Field::boolean("health_record_updated", "已建立/更新健康档案", "Health record updated")
                .required(),
        )
        .field(
            Field::long_text("follow_up", "跟踪服务", "Follow-up")
                .sensitive()
                .help("有异常项目的必填。", "Required when the check found anything abnormal."),
        )
}

/// 心理健康评估: the assessment, after consent.
pub fn psych_assessment() -> FormDef {
    let levels = [
        ("low", "低", "Low"),
        ("medium", "中", "Medium"),
        ("high", "高", "High"),
    ];
    FormDef::new(
        "psych-assessment",
        "登记心理健康评估",
        "Record the assessment",
    )
    .field(Field::text("assessor", "评估机构/人员", "Assessor").required())
    .field(Field::date("assessed_on", "评估日期", "Assessed on").required())
    .field(
        Field::long_text("result", "评估结果", "Result")
            .required()
            .sensitive(),
    )
    .field(
        Field::select("risk_level", "风险等级", "Risk level", choices(&levels))
            .required()
            .sensitive(),
    )
    .field(Field::boolean("referred", "已转介专业机构", "Referred").default_value(false))
}

/// 心理干预方案.
pub fn intervention_plan() -> FormDef {
    FormDef::new("intervention-plan", "心理干预方案", "Intervention plan")
        .field(
            Field::long_text("intervention_plan", "干预方案", "Intervention")
                .required()
                .sensitive(),
        )
        .field(Field::boolean("referred", "已转介专业机构", "Referred").required())
}

/// 紧急救助记录: what the village and township gave.
pub fn emergency_aid() -> FormDef {
    let aid = choices(&[
        ("medical", "医疗救助", "Medical"),
        ("living", "生活救助", "Living"),
        ("financial", "资金救助", "Financial"),
        ("housing", "住房救助", "Housing"),
        ("psychological", "心理援助", "Psychological"),
        ("funeral", "后事料理", "Funeral"),
    ]);
    FormDef::new("emergency-aid", "登记紧急救助", "Record the aid")
        .field(Field::multi_select("aid_given", "救助内容", "Aid given", aid).required())
        .field(
            Field::number("aid_amount", "救助金额", "Amount")
                .unit("元", "yuan")
                .range(Some(0.0), None)
                .required()
                .visible_when(Condition::one_of("aid_given", vec![json!("financial")])),
        )
        .field(
            Field::long_text("aid_note", "救助情况", "Aid details")
                .required()
                .sensitive(),
        )
}

/// 排查摸底: periodic screening for new families.
pub fn screening() -> FormDef {
    FormDef::new("screening", "排查摸底", "Screening")
        .help(
            "定期排查摸底，新发现的特殊家庭实行建档立卡，给予及时慰藉；在说明中列明新建档案编号。",
            "Screen regularly; every new family found gets a record and prompt comfort. List the new record numbers in the note.",
        )
        .field(
            Field::integer("households_checked", "排查户数", "Households checked")
                .unit("户", "households")
                .range(Some(0.0), None)
                .required(),
        )
        .field(
            Field::integer("new_families", "新增特殊家庭", "New families found")
                .unit("户", "families")
                .range(Some(0.0), None)
                .required(),
        )
        .field(Field::long_text("note", "说明", "Note"))
}
