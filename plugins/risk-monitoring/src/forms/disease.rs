//! Foodborne-disease cases (食源性疾病病例) from the sentinel hospitals. The patient's
//! identity, contact, exposure and health data are sensitive, as in the workflow.

use super::choices;
use anjuan_plugin_sdk::{Condition, Field, FormDef};

const SPECIMENS: &[(&str, &str, &str)] = &[
    ("stool", "粪便", "Stool"),
    ("vomit", "呕吐物", "Vomit"),
    ("blood", "血液", "Blood"),
    ("anal-swab", "肛拭子", "Anal swab"),
    ("other", "其他", "Other"),
];

fn specimen_fields() -> [Field; 2] {
    [
        Field::boolean("specimen_collected", "已采集生物标本", "Specimen collected").required(),
        Field::select("specimen_kind", "标本类型", "Specimen", choices(SPECIMENS))
            .required()
            .visible_when(Condition::equals("specimen_collected", true)),
    ]
}

/// 食源性疾病病例报告: clinical symptoms, dietary exposure history and diagnosis
/// (临床症状、饮食暴露史和诊断结论), with who the patient is.
pub fn disease_case_report() -> FormDef {
    let sexes = [("male", "男", "Male"), ("female", "女", "Female")];
    let symptoms = [
        ("diarrhoea", "腹泻", "Diarrhoea"),
        ("vomiting", "呕吐", "Vomiting"),
        ("nausea", "恶心", "Nausea"),
        ("abdominal-pain", "腹痛", "Abdominal pain"),
        ("fever", "发热", "Fever"),
        ("headache", "头痛", "Headache"),
        ("dizziness", "头晕", "Dizziness"),
        ("other", "其他", "Other"),
    ];
    let exposure = vec![
        Field::text("food", "可疑食品", "Food")
            .required()
            .sensitive(),
        Field::text("place", "进食地点", "Where eaten")
            .required()
            .sensitive(),
        Field::datetime("eaten_at", "进食时间", "Eaten at")
            .required()
            .sensitive(),
        Field::boolean("others_ill", "同餐者发病", "Others ill").sensitive(),
    ];
    let [collected, kind] = specimen_fields();
    FormDef::new("disease-case-report", "食源性疾病病例报告", "Foodborne-disease case report")
        .help(
            "报告临床症状、饮食暴露史和诊断结论。患者身份、联系方式和暴露史为个人敏感信息。",
            "Report the clinical symptoms, dietary exposure history and diagnosis. The patient's identity, contact details and exposures are sensitive personal data.",
        )
        .field(Field::user("reporter", "报告医生", "Reporting clinician").required())
        .field(Field::org_unit("hospital", "监测医院", "Sentinel hospital").required())
        .field(Field::text("patient_name", "患者姓名", "Patient name").required().sensitive())
        .field(
            Field::text("id_number", "身份证号", "ID number")
                .sensitive()
                .pattern("[0-9]{17}[0-9Xx]")
                .help("无身份证的（如婴幼儿）可不填。", "May be left out when the patient has none (an infant, say)."),
        )
        .field(Field::text("phone", "联系电话", "Phone").required().sensitive())
        .field(Field::text("address", "现住址", "Address").required().sensitive())
        .field(Field::select("sex", "性别", "Sex", choices(&sexes)).required())
        .field(
            Field::integer("age", "年龄", "Age")
                .unit("岁", "years")
                .range(Some(0.0), Some(150.0))
                .required(),
        )
        .field(Field::datetime("onset_at", "发病时间", "Onset").required())
        .field(Field::datetime("visited_at", "就诊时间", "Seen at").required())
        .field(
            Field::multi_select("symptoms", "临床症状", "Clinical symptoms", choices(&symptoms))
                .required(),
        )
        .field(
            Field::group("exposure_history", "饮食暴露史", "Dietary exposure history", exposure)
                .required()
                .sensitive()
                .items(Some(1), None),
        )
        .field(Field::text("diagnosis", "诊断结论", "Diagnosis").required())
        .field(collected)
        .field(kind)
}

/// 疾控审核: the CDC's review of a case report.
pub fn case_review() -> FormDef {
    let [collected, kind] = specimen_fields();
    FormDef::new("case-review", "疾控审核", "CDC review")
        .field(Field::text("diagnosis", "诊断结论", "Diagnosis").required())
        .field(collected)
        .field(kind)
        .field(Field::text("pathogen", "检出致病菌", "Pathogen"))
        .field(
            Field::boolean("food_business_related", "与食品生产经营有关", "Linked to a food business")
                .required()
                .help(
                    "与食品生产加工经营行为有关的，须通报同级食品安全监管部门并报告上级卫生健康行政部门。",
                    "A case linked to food production or trade is notified to the regulator and reported upward.",
                ),
        )
}

/// 分子分型: typing and cluster analysis of an isolate (分子分型和聚类分析).
pub fn molecular_typing() -> FormDef {
    let methods = [
        ("pfge", "脉冲场凝胶电泳（PFGE）", "PFGE"),
        ("wgs", "全基因组测序（WGS）", "Whole-genome sequencing"),
        ("mlst", "多位点序列分型（MLST）", "MLST"),
    ];
    FormDef::new("molecular-typing", "分子分型", "Molecular typing")
        .field(Field::text("pathogen", "检出致病菌", "Pathogen").required())
        .field(Field::text("isolate_id", "分离株编号", "Isolate").required())
        .field(
            Field::select(
                "typing_method",
                "分子分型方法",
                "Typing method",
                choices(&methods),
            )
            .required(),
        )
        .field(Field::text("typing_pattern", "分型结果", "Typing pattern").required())
        .field(Field::text("cluster_id", "聚类编号", "Cluster").help(
            "聚类分析发现聚集的，填写聚类编号后可标记疑似聚集性病例。",
            "Give the cluster when the analysis finds one; the case can then be flagged.",
        ))
}

/// 通报监管部门并报告上级: a case linked to a food business.
pub fn food_link_notice() -> FormDef {
    FormDef::new(
        "food-link-notice",
        "通报监管部门并报告上级",
        "Notify the regulator",
    )
    .field(
        Field::boolean(
            "food_business_related",
            "与食品生产经营有关",
            "Linked to a food business",
        )
        .required()
        .default_value(true),
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
    .field(Field::text(
        "outbreak_number",
        "关联暴发事件编号",
        "Outbreak case number",
    ))
}
