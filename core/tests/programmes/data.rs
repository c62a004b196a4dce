//! Realistic case data for the four shipped programmes, complete unless a test takes
//! something out. Field names follow the workflow files.

use serde_json::{Value, json};

// ------------------------------------------------------------------ sampling-disposal

/// The source's demo plan: 700 batches by category and month, 1 April to 30 October.
pub fn sampling_plan(year: i32) -> Value {
    let months = [
        (4, 100, 40),
        (5, 100, 35),
        (6, 100, 25),
        (7, 50, 25),
        (8, 50, 25),
        (9, 50, 25),
        (10, 50, 25),
    ];
    json!({
        "plan_year": year,
        "total_batches": 700,
        "category_quotas": [
            { "category": "agricultural", "batches": 200 },
            { "category": "catering", "batches": 220 },
            { "category": "city-special", "batches": 280, "salt_batches": 15 },
        ],
        "monthly_quotas": months.iter().map(|(m, food, agri)| json!({
            "month": format!("{year}-{m:02}"), "food_batches": food, "agri_batches": agri,
        })).collect::<Vec<_>>(),
        "period_start": format!("{year}-04-01"),
        "period_end": format!("{year}-10-30"),
        "business_formats": ["wholesale-market", "farmers-market", "supermarket", "small-shop",
            "school-canteen", "kindergarten-canteen", "central-kitchen", "group-meal-distributor",
            "tourist-catering"],
        "labs": [{ "lab_name": "清河县食品检验检测中心", "tender_ref": "QHZB-2026-017" }],
        "plan_document": "files/2026年食品安全抽检工作方案.pdf",
    })
}

/// A unified social credit code, distinct per `n`.
pub fn credit_code(n: u32) -> String {
    format!("91430123MA4L8K{n:02}XB")
}

/// A complete sampling record (抽样单) of a batch from business number `business`.
pub fn batch(product: &str, business: u32) -> Value {
    json!({
        "product": product,
        "category": "city-special",
        "business_name": format!("清河县老字号腊味坊{business}号店"),
        "business_credit_code": credit_code(business),
        "business_address": "清河县桃源镇解放路12号",
        "business_format": "small-workshop",
        "special_marks": ["geographic-indication"],
        "samplers": [
            { "person": "sampler", "is_regulator": true },
            { "person": "inspector", "is_regulator": true },
        ],
        "advance_notice_given": false,
        "sampled_on": "2026-11-20",
        "market_office": "town-a",
    })
}

/// The lab's result for a batch: non-conforming, re-checked.
pub fn nonconforming_result(completed_at: &str) -> Value {
    json!({
        "test_completed_at": completed_at,
        "result": "nonconforming",
        "failed_items": [{ "item": "亚硝酸盐（以亚硝酸钠计）", "measured": "46 mg/kg", "limit": "≤30 mg/kg" }],
        "rechecked": true,
        "high_risk": true,
        "serious_hazard": false,
        "report_no": "QHJC-2026-11-0417",
        "report_issued_on": "2026-11-24",
    })
}

/// A non-conforming result notice (不合格结果通知书) received at `received_at`.
pub fn notice(received_at: &str, high_risk: bool) -> Value {
    json!({
        "sample_no": "GC26430000001230417",
        "product": "散装白酒（高粱酒）",
        "business_name": "清河县桃源酒坊",
        "business_credit_code": credit_code(77),
        "business_role": "producer",
        "notice_no": "湘市监食检不合〔2026〕118号",
        "notice_received_at": received_at,
        "report_no": "QHJC-2026-09-1187",
        "report_issued_on": "2026-09-30",
        "high_risk": high_risk,
        "serious_hazard": false,
        "failed_items": [{ "item": "甲醇", "measured": "0.92 g/L", "limit": "≤0.6 g/L" }],
        "inspector": "inspector",
    })
}

/// The notice for a local batch arrives (`open-disposal` on the batch).
pub fn notice_arrived() -> Value {
    json!({ "notice_no": "湘市监食检不合〔2026〕123号", "business_role": "distributor" })
}

/// 启动核查处置.
pub fn start_disposal() -> Value {
    json!({ "inspector": "inspector", "controlled_quantity": 120, "dossier_note": "已约谈企业负责人" })
}

/// 产品控制: sealed and stopped.
pub fn product_control() -> Value {
    json!({ "control_measures": ["seal", "stop-sale", "recall"], "controlled_quantity": 120 })
}

/// 原因排查.
pub fn cause() -> Value {
    json!({ "cause": "raw-material", "cause_note": "原料高粱霉变，蒸馏工艺未去除酒头" })
}

/// 行政处罚.
pub fn penalty() -> Value {
    json!({
        "penalty_decision_no": "清市监罚〔2026〕56号",
        "penalty_kinds": ["warning", "fine", "confiscation"],
        "penalty_amount": 50000,
    })
}

/// 复查 on `date` with its result.
pub fn reinspection(result: &str, date: &str) -> Value {
    json!({ "reinspected_on": date, "reinspection_result": result })
}

/// 异议复检申请.
pub fn objection() -> Value {
    json!({ "objection_received_on": "2026-10-09", "retest_lab": "湖南省食品质量监督检验研究院" })
}

/// 复检结论: the result stands.
pub fn retest_confirmed(completed_on: &str) -> Value {
    json!({
        "retest_result": "confirmed",
        "retest_completed_on": completed_on,
        "control_measures": ["seal", "stop-sale"],
        "controlled_quantity": 120,
    })
}

// -------------------------------------------------------------------- risk-monitoring

/// A sample task row of a county plan.
pub fn task(kind: &str, category: &str, city_task: u32, planned: u32, local: u32) -> Value {
    json!({
        "monitoring_kind": kind,
        "food_category": category,
        "city_task": city_task,
        "planned": planned,
        "local_planned": local,
        "sampling_points": "桃源镇农贸市场、石门镇超市",
        "sampling_months": ["05", "08"],
    })
}

/// The source's tasks: 5 chemical categories (18), 3 microbial (27), local specialties.
pub fn city_tasks() -> Vec<Value> {
    vec![
        task("chemical", "蔬菜", 4, 4, 3),
        task("chemical", "水果", 4, 4, 3),
        task("chemical", "畜禽肉", 4, 4, 3),
        task("chemical", "水产品", 3, 3, 2),
        task("chemical", "粮食及制品", 3, 3, 2),
        task("microbial", "餐饮食品", 9, 9, 6),
        task("microbial", "乳制品", 9, 9, 6),
        task("microbial", "熟肉制品", 9, 9, 6),
        task("local-specialty", "腊肉", 0, 4, 4),
    ]
}

/// A county monitoring plan with these task rows.
pub fn monitoring_plan(tasks: Vec<Value>) -> Value {
    json!({
        "plan_year": 2026,
        "city_plan_no": "清市卫〔2026〕33号",
        "city_plan_issued_on": "2026-03-02",
        "sample_tasks": tasks,
        "areas_covered": 2,
        "areas_total": 2,
        "plan_document": "files/清河县2026年食品安全风险监测方案.pdf",
    })
}

/// A planned monitoring sample.
pub fn monitoring_sample() -> Value {
    json!({
        "monitoring_kind": "chemical",
        "food_category": "畜禽肉",
        "food_name": "腊肉",
        "brand": "湘味坊",
        "producer": "清河县湘味坊食品有限公司",
        "locally_produced": true,
        "sampling_point": "桃源镇农贸市场",
        "sampling_area": "town-a",
    })
}

/// A complete sampling record (逐项记录，不得漏项).
pub fn sampling_record() -> Value {
    json!({
        "sampled_at": "2026-05-12T09:30:00+08:00",
        "place_kind": "distribution",
        "business_name": "桃源镇农贸市场刘记腊味摊",
        "batch_no": "20260420",
        "produced_on": "2026-04-20",
        "quantity": "3袋（500g/袋）",
        "packaging": "prepacked",
        "storage": "常温",
        "samplers": "陈晓红、李明",
    })
}

/// A sentinel hospital's report of a foodborne-disease case.
pub fn disease_report(reporter: &str) -> Value {
    json!({
        "reporter": reporter,
        "hospital": "hospital",
        "patient_name": "赵桂兰",
        "id_number": "430123197605143526",
        "phone": "13807310042",
        "address": "清河县桃源镇桃源村五组",
        "sex": "female",
        "age": 50,
        "onset_at": "2026-11-27T20:00:00+08:00",
        "visited_at": "2026-11-28T08:30:00+08:00",
        "symptoms": ["diarrhoea", "vomiting", "abdominal-pain"],
        "exposure_history": [{
            "food": "凉拌木耳", "place": "村民家宴", "eaten_at": "2026-11-27T12:00:00+08:00", "others_ill": true,
        }],
        "diagnosis": "感染性腹泻（疑似椰毒假单胞菌食物中毒）",
        "specimen_collected": true,
        "specimen_kind": "stool",
    })
}

// ---------------------------------------------------------------- special-family-care

/// A family record (建档立卡) as registered; the contacts come later ([`contacts`]).
pub fn family(id_number: &str) -> Value {
    json!({
        "family_kind": "bereaved",
        "registered_on": "2026-03-15",
        "head_name": "王秀英",
        "id_number": id_number,
        "birth_date": "1958-04-12",
        "address": "清河县桃源镇桃源村三组",
        "phone": "13907310001",
        "members": [{ "name": "李建国", "relation": "配偶", "birth_year": 1956, "id_number": "430123195602031517" }],
        "health_status": "高血压，行动尚可",
        "chronic_conditions": "高血压二级",
    })
}

/// Assigning the two contacts (双岗联系人) and volunteers (1+1+N).
pub fn contacts() -> Value {
    json!({
        "township_contact": "leader-a",
        "village_contact": "cadre-a1",
        "liaison": "liaison",
        "volunteers": [{ "person": "volunteer", "services": ["companionship", "medical-escort"] }],
        "contact_card_issued": true,
        "contact_methods": ["home-visit", "phone"],
    })
}

// ---------------------------------------------------------- fire-safety-rectification

/// The campaign's stage dates, for a campaign starting November 2026 (the form of
/// `open-rectification`).
pub fn campaign() -> Value {
    json!({
        "investigation_due_on": "2026-11-30",
        "serious_problems_due_on": "2027-06-30",
        "key_problems_due_on": "2027-12-31",
        "all_due_on": "2028-09-30",
        "acceptance_opens_on": "2028-10-01",
        "acceptance_due_on": "2028-12-31",
    })
}

/// A building of the county TCM hospital, as its register form records it (the campaign's
/// dates come later, with `open-rectification`).
pub fn building(name: &str, use_: &str, floors: u32, height_m: f64) -> Value {
    json!({
        "name": name,
        "address": "清河县城关镇人民路88号",
        "facility": "clinic",
        "property_unit": "清河县中医医院",
        "user_unit": "清河县中医医院",
        "building_use": use_,
        "floors": floors,
        "height_m": height_m,
        "in_use": true,
        "fire_control_room": true,
        "micro_fire_station": true,
        "safety_responsible": "张卫东（院长）",
        "safety_manager": "刘建军（后勤保卫科科长）",
    })
}

/// One row of the two lists (问题隐患清单 + 整改责任清单).
pub fn hazard(
    category: &str,
    description: &str,
    rectify_by: &str,
    key: bool,
    major: bool,
) -> Value {
    json!({
        "category": category,
        "description": description,
        "location": "住院大楼",
        "measures": "制定整改方案，落实专人专项资金",
        "responsible_unit": "后勤保卫科",
        "responsible_person": "刘建军",
        "funds": 3.5,
        "rectify_by": rectify_by,
        "key_problem": key,
        "major": major,
    })
}

/// The self-check commitment letter and the two lists.
pub fn two_lists(hazards: Vec<Value>) -> Value {
    json!({
        "commitment_letter": "files/消防安全自查承诺书.pdf",
        "commitment_signed_on": "2026-11-20",
        "commitment_signed_by": "张卫东",
        "responsible_person": "facility",
        "no_hazards": hazards.is_empty(),
        "hazards": hazards,
    })
}
