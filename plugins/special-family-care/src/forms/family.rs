//! The family record (计生特殊家庭档案) and the actions taken on it.

use super::{ID_NUMBER, METHODS, choices, objects};
use anjuan_plugin_sdk::{Condition, Field, FieldKind, FormDef};

/// A user field offering only holders of `role`.
fn user_with_role(id: &str, zh: &str, en: &str, role: &str) -> Field {
    Field::new(
        id,
        FieldKind::User {
            role: Some(role.into()),
        },
        zh,
        en,
    )
}

fn members() -> Field {
    let row = vec![
        Field::text("name", "姓名", "Name").required().sensitive(),
        Field::text("relation", "关系", "Relation")
            .required()
            .sensitive(),
        Field::integer("birth_year", "出生年份", "Born")
            .range(Some(1900.0), Some(2100.0))
            .sensitive(),
        Field::text("id_number", "身份证号", "ID number")
            .pattern(ID_NUMBER)
            .sensitive(),
    ];
    Field::group("members", "家庭成员", "Members", row).sensitive()
}

fn contact_details() -> [Field; 2] {
    [
        Field::text("address", "住址", "Address").sensitive(),
        Field::text("phone", "联系电话", "Phone").sensitive(),
    ]
}

fn health_fields() -> [Field; 2] {
    [
        Field::long_text("health_status", "健康状况", "Health").sensitive(),
        Field::long_text(
            "chronic_conditions",
            "慢性病/失能情况",
            "Chronic conditions or disability",
        )
        .sensitive(),
    ]
}

fn family_kinds() -> Vec<anjuan_plugin_sdk::Choice> {
    choices(&[
        (
            "bereaved",
            "独生子女死亡家庭（失独家庭）",
            "Only child died",
        ),
        ("disabled-child", "独生子女伤残家庭", "Only child disabled"),
    ])
}

/// 建档立卡: a family found by screening gets its record.
pub fn family_registration() -> FormDef {
    let [address, phone] = contact_details();
    let [health, chronic] = health_fields();
    FormDef::new("family-registration", "特殊家庭建档立卡", "Register a family")
        .help(
            "每户计生特殊家庭建档立卡。身份、联系方式和健康信息只有家庭的双岗联系人和项目管理员可见。",
            "Every special family gets one record. Identity, contact and health details are seen only by the family's two contacts and the programme administrators.",
        )
        .field(Field::select("family_kind", "家庭类别", "Kind of family", family_kinds()).required())
        .field(Field::date("registered_on", "建档日期", "Registered on").required())
        .field(Field::text("head_name", "户主姓名", "Head of household").required().sensitive())
        .field(
            Field::text("id_number", "身份证号", "ID number")
                .required()
                .sensitive()
                .pattern(ID_NUMBER),
        )
        .field(Field::date("birth_date", "出生日期", "Date of birth").sensitive())
        .field(address.required())
        .field(phone.required())
        .field(members())
        .field(health)
        .field(chronic)
        .field(Field::long_text("needs", "利益诉求", "Needs and requests").sensitive())
}

/// 双岗联系人: one township leader and one village cadre, a liaison for daily care, and
/// volunteers ("1+1+N").
pub fn contacts() -> FormDef {
    let services = choices(&[
        ("companionship", "亲情陪伴", "Companionship"),
        ("daily-care", "生活照料", "Daily care"),
        ("medical-escort", "看病就医", "Medical escort"),
        ("psychological-aid", "心理援助", "Psychological aid"),
        ("legal-aid", "权益维护", "Legal aid"),
        ("housework", "家务料理", "Housework"),
    ]);
    let volunteer = vec![
        user_with_role("person", "志愿者", "Volunteer", "volunteer").required(),
        Field::multi_select("services", "服务内容", "Services", services).required(),
    ];
    FormDef::new("contacts", "落实双岗联系人", "Assign the contacts")
        .help(
            "为每户确定一名镇（街道）领导干部和一名村（居）委会干部作为\"双岗\"联系人，落实一名联络员负责日常生活管护，制作暖心联系卡。",
            "Each family has a township leader and a village cadre as its two contacts, a liaison for daily care, and a contact card.",
        )
        .field(
            user_with_role("township_contact", "镇（街道）领导干部联系人", "Township leader contact", "township-leader")
                .required(),
        )
        .field(
            user_with_role("village_contact", "村（居）委会干部联系人", "Village cadre contact", "village-cadre")
                .required(),
        )
        .field(Field::user("liaison", "联络员（日常生活管护）", "Daily-care liaison").required())
        .field(Field::group("volunteers", "志愿者（1+1+N）", "Volunteers (1+1+N)", volunteer))
        .field(Field::boolean("contact_card_issued", "已发放暖心联系卡", "Contact card issued").required())
        .field(
            Field::multi_select("contact_methods", "联系方式", "Ways of contact", choices(METHODS))
                .required(),
        )
}

/// 更新档案: the family's circumstances as they change.
pub fn family_record() -> FormDef {
    let [address, phone] = contact_details();
    let [health, chronic] = health_fields();
    FormDef::new("family-record", "更新家庭档案", "Update the family record")
        .field(Field::select(
            "family_kind",
            "家庭类别",
            "Kind of family",
            family_kinds(),
        ))
        .field(address)
        .field(phone)
        .field(members())
        .field(health)
        .field(chronic)
        .field(Field::text("health_record_no", "健康档案号", "Health record number").sensitive())
        .field(Field::long_text("psych_status", "心理状况", "Psychological state").sensitive())
        .field(Field::long_text("needs", "利益诉求", "Needs and requests").sensitive())
}

/// 家庭医生签约、方便就医卡与保险, with the insurance as the workflow's `insurance` object
/// (members in [`objects::insurance`]).
pub fn health_services() -> FormDef {
    FormDef::new(
        "health-services",
        "家庭医生、就医卡与保险",
        "Family doctor, green card and insurance",
    )
    .help(
        "优先开展家庭医生签约服务；发放《计划生育特殊家庭方便就医卡》，享受就医绿色通道。",
        "Family-doctor contracts come first; the medical green-channel card gives priority care.",
    )
    .field(
        Field::boolean(
            "family_doctor_signed",
            "已优先签约家庭医生",
            "Family doctor contracted",
        )
        .required(),
    )
    .field(
        Field::boolean(
            "green_channel_card",
            "已发放方便就医卡",
            "Medical green-channel card issued",
        )
        .required(),
    )
    .field(Field::text("health_record_no", "健康档案号", "Health record number").sensitive())
    .field(
        Field::boolean(
            "psych_in_contract",
            "心理健康服务已纳入家庭医生签约内容",
            "Psychological care is part of the family-doctor contract",
        )
        .help(
            "将计生特殊家庭对象心理健康服务全部纳入\"家庭医生\"签约内容。",
            "Psychological care of every special family is part of its family-doctor contract.",
        ),
    )
    .field(
        Field::text(
            "psych_record_no",
            "心理健康档案号（健康档案的组成部分）",
            "Psychological record number (part of the health record)",
        )
        .sensitive(),
    )
    .field(Field::object("insurance", "保险保障", "Insurance", objects::insurance()).required())
}

/// 安排走访: the visit to arrange is the workflow's `next_visit` object (members in
/// [`objects::next_visit`]); the action opens a visit case from it.
pub fn plan_visit() -> FormDef {
    FormDef::new("plan-visit", "安排走访", "Arrange a visit")
        .help(
            "定期或不定期走访慰问：填写走访类别、计划日期和方式后生成走访任务。",
            "Regular or ad-hoc visits: give the kind, the date and the way of contact to open a visit.",
        )
        .field(
            Field::object("next_visit", "安排走访", "Visit to arrange", objects::next_visit())
                .required(),
        )
}

/// 报告紧急情况: the emergency is the workflow's `emergency_report` object (members in
/// [`objects::emergency_report`]), sensitive as a whole as in the workflow; the action
/// opens an emergency case from it.
pub fn emergency_report() -> FormDef {
    FormDef::new("emergency-report", "报告紧急情况", "Report an emergency")
        .help(
            "特殊家庭遭遇突发事件、重大灾害等意外事故或生产生活出现重大困难时，联络员应在第一时间内向村（社区）、镇（街道）报告。",
            "When a family meets an emergency, the liaison reports it at once to the village and the township, which give emergency aid.",
        )
        .field(
            Field::object(
                "emergency_report",
                "紧急情况",
                "Emergency",
                objects::emergency_report(),
            )
            .required()
            .sensitive(),
        )
}

/// 心理评估知情同意: assessment only with consent (按照自愿原则). A family may also say no,
/// or withdraw: that is recorded too, and no assessment can then be arranged.
pub fn psych_consent() -> FormDef {
    let given = || Condition::equals("psych_consent", true);
    FormDef::new(
        "psych-consent",
        "登记心理评估知情同意",
        "Record consent to an assessment",
    )
    .help(
        "按照自愿原则，为有需求的家庭成员提供心理健康评估；须有本人签署的知情同意书。",
        "Assessments are offered to those who want one, and only with their signed consent.",
    )
    .field(
        Field::boolean(
            "psych_consent",
            "同意接受心理评估",
            "Consents to a psychological assessment",
        )
        .required()
        .sensitive(),
    )
    .field(
        Field::date("psych_consent_on", "同意日期", "Consent given on")
            .required()
            .sensitive()
            .visible_when(given()),
    )
    .field(
        Field::file("psych_consent_form", "知情同意书", "Signed consent")
            .required()
            .sensitive()
            .visible_when(given()),
    )
}

/// 销档.
pub fn close_record() -> FormDef {
    let reasons = [
        ("deceased", "本人去世", "Deceased"),
        ("moved-away", "迁出本县", "Moved away"),
        ("no-longer-eligible", "不再符合条件", "No longer eligible"),
        ("other", "其他", "Other"),
    ];
    FormDef::new("close-record", "销档", "Close the record").field(
        Field::select(
            "closed_reason",
            "销档原因",
            "Reason for closing",
            choices(&reasons),
        )
        .required(),
    )
}
