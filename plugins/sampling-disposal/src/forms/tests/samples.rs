//! A complete, realistic input for every form: the source's plan and what the core's
//! scenario tests and the demo submit for each action.

use anjuan_plugin_sdk::{Value, json};

/// (form id, complete input), one per form.
pub fn all() -> Vec<(&'static str, Value)> {
    let months = [
        (4, 100, 40),
        (5, 100, 35),
        (6, 100, 25),
        (7, 50, 25),
        (8, 50, 25),
        (9, 50, 25),
        (10, 50, 25),
    ];
    vec![
        (
            "sampling-plan",
            json!({
                "plan_year": 2026, "total_batches": 700,
                "category_quotas": [
                    { "category": "agricultural", "batches": 200 },
                    { "category": "catering", "batches": 220 },
                    { "category": "city-special", "batches": 280, "salt_batches": 15 },
                ],
                "monthly_quotas": months.iter().map(|(m, food, agri)| json!({
                    "month": format!("2026-{m:02}"), "food_batches": food, "agri_batches": agri,
                })).collect::<Vec<_>>(),
                "period_start": "2026-04-01", "period_end": "2026-10-30",
                "business_formats": ["wholesale-market", "farmers-market", "supermarket", "small-shop",
                    "school-canteen", "kindergarten-canteen", "central-kitchen", "group-meal-distributor",
                    "tourist-catering"],
                "labs": [{ "lab_name": "清河县食品检验检测中心", "tender_ref": "QHZB-2026-017" }],
                "plan_document": "files/2026年食品安全抽检工作方案.pdf",
            }),
        ),
        (
            "plan-summary",
            json!({ "summary_report": "files/2026年抽检结果分析报告.pdf" }),
        ),
        (
            "round-completion",
            json!({ "lab": "清河县食品检验检测中心", "completed_on": "2026-09-30" }),
        ),
        (
            "self-evaluation",
            json!({
                "evaluation": {
                    "training": "抽样人员岗前培训2次", "organisation": "按月分批实施",
                    "batches_done": 120, "scope": "食品与食用农产品分开统计",
                    "failure_detection_rate": 3.3, "data_error_rate": 0,
                    "form_file": "files/实施效果评价表.pdf",
                },
            }),
        ),
        (
            "sampling-record",
            json!({
                "product": "腊肉", "category": "city-special", "business_name": "清河县老字号腊味坊1号店",
                "business_credit_code": "91430123MA4L8K01XB", "business_address": "清河县桃源镇解放路12号",
                "business_format": "small-workshop", "special_marks": ["geographic-indication"],
                "samplers": [{ "person": "sampler", "is_regulator": true }, { "person": "inspector", "is_regulator": true }],
                "advance_notice_given": false, "sampled_on": "2026-09-20", "market_office": "town-a",
            }),
        ),
        (
            "sample-receipt",
            json!({ "lab": "清河县食品检验检测中心", "received_by_lab_at": "2026-09-21T09:00:00+08:00" }),
        ),
        (
            "test-result",
            json!({
                "test_completed_at": "2026-09-30T08:00:00+08:00", "result": "nonconforming",
                "failed_items": [{ "item": "亚硝酸盐（以亚硝酸钠计）", "measured": "46 mg/kg", "limit": "≤30 mg/kg" }],
                "rechecked": true, "high_risk": true, "serious_hazard": false,
                "report_no": "QHJC-2026-11-0417", "report_issued_on": "2026-09-30",
            }),
        ),
        (
            "report-upload",
            json!({
                "report_no": "QHJC-2026-11-0417", "report_issued_on": "2026-09-30",
                "uploaded_at": "2026-09-30T09:00:00+08:00",
            }),
        ),
        (
            "open-disposal",
            json!({ "notice_no": "湘市监食检不合〔2026〕118号", "business_role": "producer" }),
        ),
        (
            "nonconforming-notice",
            json!({
                "sample_no": "GC26430000001230417", "product": "散装白酒（高粱酒）", "business_name": "清河县桃源酒坊",
                "business_credit_code": "91430123MA4L8K77XB", "business_role": "producer",
                "notice_no": "湘市监食检不合〔2026〕118号", "notice_received_at": "2026-09-30T10:00:00+08:00",
                "report_no": "QHJC-2026-09-1187", "report_issued_on": "2026-09-30", "high_risk": false,
                "serious_hazard": false, "failed_items": [{ "item": "甲醇", "measured": "0.92 g/L", "limit": "≤0.6 g/L" }],
                "inspector": "inspector",
            }),
        ),
        (
            "start-disposal",
            json!({
                "inspector": "inspector", "notice_no": "湘市监食检不合〔2026〕118号", "business_role": "producer",
                "high_risk": true, "serious_hazard": true, "control_measures": ["seal", "stop-sale"],
                "controlled_quantity": 120, "dossier_note": "已约谈企业负责人",
            }),
        ),
        (
            "product-control",
            json!({ "control_measures": ["seal", "stop-sale", "recall"], "controlled_quantity": 120 }),
        ),
        (
            "objection",
            json!({ "objection_received_on": "2026-10-09", "retest_lab": "湖南省食品质量监督检验研究院" }),
        ),
        (
            "retest-result",
            json!({
                "retest_result": "confirmed", "retest_completed_on": "2026-10-29",
                "control_measures": ["seal", "stop-sale"], "controlled_quantity": 120,
            }),
        ),
        (
            "cause-investigation",
            json!({
                "business_role": "producer", "cause": "raw-material", "cause_note": "原料高粱霉变，蒸馏工艺未去除酒头",
            }),
        ),
        (
            "administrative-penalty",
            json!({
                "penalty_decision_no": "清市监罚〔2026〕56号", "penalty_kinds": ["warning", "fine", "confiscation"],
                "penalty_amount": 50000,
            }),
        ),
        (
            "police-transfer",
            json!({
                "police_transfer": {
                    "transferred_on": "2026-10-12", "police_unit": "清河县公安局食药环侦大队",
                    "letter_no": "清市监移〔2026〕3号",
                },
            }),
        ),
        (
            "reinspection",
            json!({ "reinspected_on": "2026-11-20", "reinspection_result": "passed" }),
        ),
        (
            "production-resumption",
            json!({ "production_resumed_on": "2026-11-21" }),
        ),
        (
            "closure",
            json!({ "dossier_note": "一样品一表一案卷，材料齐全" }),
        ),
        ("system-filing", json!({ "filed_step": "product-control" })),
        (
            "lab-patrol",
            json!({
                "lab": "清河县食品检验检测中心", "patrolled_on": "2026-11-18",
                "methods": ["unannounced-patrol", "phone-callback"],
                "callbacks": [{ "business_name": "清河县老字号腊味坊1号店", "batch_no": "CY-2026-000001", "answer": "按规定付费，无收受馈赠" }],
                "discipline_kept": true,
            }),
        ),
        (
            "publication",
            json!({
                "published_on": "2026-10-22", "publication_url": "https://amr.qinghe.gov.cn/cjxx/2026-118",
                "impact_assessed": true,
            }),
        ),
        (
            "lab-inspection",
            json!({
                "lab": "清河县食品检验检测中心", "period": "2026-04", "due_on": "2026-04-30",
                "focus": ["progress", "sampling-conduct", "sample-management"], "methods": ["document-review", "on-site"],
                "findings": "样品流转记录不全", "rectification_required": true,
            }),
        ),
        (
            "festival-sampling",
            json!({
                "festival": "mid-autumn", "foods": "月饼", "planned_batches": 20, "batches_done": 20,
            }),
        ),
        (
            "staff-registration",
            json!({
                "responsible": [{ "person": "inspector", "duty": "抽检及核查处置", "phone": "13807310001" }],
            }),
        ),
    ]
}

/// The sample of form `id`.
pub fn of(id: &str) -> Value {
    all()
        .into_iter()
        .find(|(f, _)| *f == id)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no sample for {id}"))
}
