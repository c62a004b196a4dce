//! The workflow's option lists with their zh/en labels, as (value, 中文, English). Forms
//! offer them; checks name them in messages. A form test keeps each list equal to the
//! options `workflows/sampling-disposal/workflow.yaml` declares for the field.

/// One option: (value, 中文, English).
pub type Opt = (&'static str, &'static str, &'static str);

/// `category` of a plan's quota rows: the source's three task classes.
pub const PLAN_CATEGORIES: &[Opt] = &[
    ("agricultural", "食用农产品", "Edible agricultural products"),
    (
        "catering",
        "餐饮食品（含现制现售）及餐饮具",
        "Catering food and utensils",
    ),
    (
        "city-special",
        "市州专项（含食盐）",
        "City special tasks (incl. salt)",
    ),
];

/// `category` of a sampled batch.
pub const BATCH_CATEGORIES: &[Opt] = &[
    ("agricultural", "食用农产品", "Agricultural products"),
    ("catering-food", "餐饮食品", "Catering food"),
    ("catering-utensil", "餐饮具", "Catering utensils"),
    ("city-special", "地方特色食品", "Local speciality"),
    ("salt", "食盐", "Salt"),
];

/// `business_formats` of a plan and `business_format` of a batch.
pub const BUSINESS_FORMATS: &[Opt] = &[
    ("wholesale-market", "批发市场", "Wholesale market"),
    ("farmers-market", "农贸市场", "Farmers' market"),
    ("supermarket", "商场超市", "Supermarket"),
    ("small-shop", "小食杂店", "Small shop"),
    ("school-canteen", "学校食堂", "School canteen"),
    ("kindergarten-canteen", "幼儿园食堂", "Kindergarten canteen"),
    ("central-kitchen", "中央厨房", "Central kitchen"),
    (
        "group-meal-distributor",
        "集体用餐配送单位",
        "Group-meal distributor",
    ),
    ("tourist-catering", "旅游景区餐饮", "Tourist-site catering"),
    ("restaurant", "餐馆", "Restaurant"),
    ("producer", "生产企业", "Producer"),
    ("small-workshop", "小作坊", "Small workshop"),
    ("online", "网络销售", "Online"),
];

/// `special_marks` of a batch: 样品属地理标志保护、有机认证产品的，应在抽样单中予以备注.
pub const SPECIAL_MARKS: &[Opt] = &[
    (
        "geographic-indication",
        "地理标志产品",
        "Geographic indication",
    ),
    ("organic", "有机产品", "Organic"),
];

/// `result` of a batch: 不合格样品和问题样品必须进行复核.
pub const RESULTS: &[Opt] = &[
    ("conforming", "合格", "Conforming"),
    ("nonconforming", "不合格", "Non-conforming"),
    ("problem", "问题样品", "Problem sample"),
];

/// `business_role` of a non-conforming sample's business.
pub const BUSINESS_ROLES: &[Opt] = &[
    ("producer", "食品生产者", "Producer"),
    ("distributor", "食品经营者（流通）", "Distributor"),
    ("caterer", "餐饮服务提供者", "Caterer"),
    (
        "agricultural-seller",
        "食用农产品销售者",
        "Seller of agricultural products",
    ),
    (
        "online-platform",
        "网络食品交易第三方平台",
        "Online marketplace",
    ),
];

/// `control_measures`: 产品控制 (seal, stop sale, recall, ...).
pub const CONTROL_MEASURES: &[Opt] = &[
    ("seal", "查封扣押", "Seal and seize"),
    ("stop-sale", "责令停止销售", "Stop sale"),
    ("recall", "召回", "Recall"),
    ("removal-from-shelves", "下架", "Remove from shelves"),
    ("destruction", "销毁", "Destroy"),
];

/// `cause`: the finding of the cause investigation (原因排查).
pub const CAUSES: &[Opt] = &[
    ("raw-material", "原料问题", "Raw material"),
    ("process", "生产加工过程控制不当", "Process control"),
    ("storage-transport", "贮存运输不当", "Storage or transport"),
    (
        "additive-misuse",
        "超范围超限量使用食品添加剂",
        "Misuse of additives",
    ),
    (
        "deliberate-adulteration",
        "故意添加非食用物质或掺杂掺假",
        "Deliberate adulteration",
    ),
    (
        "purchase-inspection-failure",
        "进货查验不严",
        "Purchase inspection failed",
    ),
    ("other", "其他", "Other"),
];

/// `penalty_kinds` (处罚种类).
pub const PENALTY_KINDS: &[Opt] = &[
    ("warning", "警告", "Warning"),
    ("fine", "罚款", "Fine"),
    ("confiscation", "没收违法所得和违法产品", "Confiscation"),
    ("suspension", "责令停产停业", "Suspension"),
    ("licence-revocation", "吊销许可证", "Licence revoked"),
    ("exempted", "不予处罚或免予处罚", "No penalty imposed"),
];

/// `retest_result` of an objection retest (异议复检).
pub const RETEST_RESULTS: &[Opt] = &[
    ("confirmed", "复检维持不合格结论", "Result confirmed"),
    ("overturned", "复检合格", "Result overturned"),
];

/// `reinspection_result` (复查).
pub const REINSPECTION_RESULTS: &[Opt] = &[
    ("passed", "复查合格", "Passed"),
    ("failed", "复查仍检出问题", "Failed"),
];

/// `focus` of a laboratory inspection (监督检查重点).
pub const LAB_FOCUS: &[Opt] = &[
    ("progress", "工作进度", "Progress"),
    ("sampling-conduct", "抽样环节规范性", "Sampling conduct"),
    ("sample-management", "样品管理", "Sample management"),
    ("testing-control", "检验过程控制", "Testing control"),
    ("data-and-reports", "数据及报告管理", "Data and reports"),
    ("quality-analysis", "质量分析", "Quality analysis"),
    (
        "system-entry",
        "国抽系统信息录入",
        "Entry in the national system",
    ),
];

/// `methods` of a laboratory inspection: 查阅资料与现场检查相结合.
pub const LAB_METHODS: &[Opt] = &[
    ("document-review", "查阅资料", "Document review"),
    ("on-site", "现场检查", "On-site inspection"),
];

/// `festival` of festival sampling (节令性食品).
pub const FESTIVALS: &[Opt] = &[
    ("spring-festival", "春节", "Spring Festival"),
    ("dragon-boat", "端午节", "Dragon Boat Festival"),
    ("mid-autumn", "中秋节", "Mid-Autumn Festival"),
];

/// The (中文, English) labels of `value` in `list`, or the value itself when unknown.
pub fn label<'a>(list: &'a [Opt], value: &'a str) -> (&'a str, &'a str) {
    list.iter()
        .find(|(v, ..)| *v == value)
        .map_or((value, value), |(_, zh, en)| (*zh, *en))
}

/// `filed_step` of a non-conforming sample: 国家食品安全抽检监测信息系统核查处置模块核查启动、
/// 产品控制、原因排查、行政处罚情况的填报.
pub const FILING_STEPS: &[Opt] = &[
    ("disposal-started", "核查启动", "Disposal started"),
    ("product-control", "产品控制", "Product control"),
    ("cause-investigation", "原因排查", "Cause investigation"),
    ("penalty", "行政处罚", "Administrative penalty"),
];

/// `methods` of a patrol: 不定期巡查，回访被抽样单位，采取发放问卷调查、电话回访等形式.
pub const PATROL_METHODS: &[Opt] = &[
    ("unannounced-patrol", "不定期巡查", "Unannounced patrol"),
    ("questionnaire", "问卷调查", "Questionnaire"),
    ("phone-callback", "电话回访", "Phone call-back"),
    ("visit-callback", "上门回访", "Call-back visit"),
];
