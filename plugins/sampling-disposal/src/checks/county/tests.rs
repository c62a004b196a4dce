use super::*;
use crate::checks::testing::{at, check};
use anjuan_plugin_sdk::{Severity, json};

fn published(on: &str) -> Value {
    json!({
        "product": "散装白酒（高粱酒）", "business_name": "清河县桃源酒坊", "report_no": "QHJC-2026-09-1187",
        "report_issued_on": "2026-09-14", "published_on": on,
        "publication_url": "https://amr.qinghe.gov.cn/cjxx/2026-118", "impact_assessed": false,
    })
}

#[test]
fn a_publication_records_what_where_and_when() {
    assert_eq!(
        check(
            "publication-record-complete",
            "publication",
            &published("2026-09-28")
        ),
        vec![]
    );
    let mut gaps = published("2026-09-28");
    gaps.as_object_mut().map(|o| o.remove("impact_assessed"));
    gaps["publication_url"] = json!("");
    let f = check("publication-record-complete", "publication", &gaps);
    assert_eq!(
        at(&f),
        vec![
            ("/publication_url", "missing-item"),
            ("/impact_assessed", "missing-item")
        ]
    );
}

#[test]
fn publication_follows_the_report_and_the_retest_and_not_after_today() {
    let f = check(
        "publication-record-complete",
        "publication",
        &published("2026-09-13"),
    );
    assert_eq!(at(&f), vec![("/published_on", "date-out-of-order")]);
    let mut after_retest = published("2026-09-28");
    after_retest["retest_completed_on"] = json!("2026-09-29");
    let f = check("publication-record-complete", "publication", &after_retest);
    assert_eq!(at(&f), vec![("/published_on", "date-out-of-order")]);
    assert!(f[0].message_zh.contains("异议复检"), "{}", f[0].message_zh);
    let f = check(
        "publication-record-complete",
        "publication",
        &published("2026-10-02"),
    );
    assert_eq!(at(&f), vec![("/published_on", "date-in-future")]);
}

fn inspection() -> Value {
    json!({
        "lab": "清河县食品检验检测中心", "focus": ["progress", "sampling-conduct", "system-entry"],
        "methods": ["document-review", "on-site"], "findings": "样品流转记录不全",
        "rectification_required": true,
    })
}

#[test]
fn a_laboratory_inspection_records_its_focus_methods_findings_and_rectification() {
    assert_eq!(
        check("lab-inspection-complete", "lab-inspection", &inspection()),
        vec![]
    );
    let mut gaps = inspection();
    gaps["findings"] = json!(" ");
    gaps.as_object_mut()
        .map(|o| o.remove("rectification_required"));
    let f = check("lab-inspection-complete", "lab-inspection", &gaps);
    assert_eq!(
        at(&f),
        vec![
            ("/findings", "missing-item"),
            ("/rectification_required", "missing-item")
        ]
    );
    let mut clean = inspection();
    clean["rectification_required"] = json!(false);
    assert_eq!(
        check("lab-inspection-complete", "lab-inspection", &clean),
        vec![]
    );
}

#[test]
fn a_laboratory_inspection_combines_document_review_and_on_site() {
    let mut desk = inspection();
    desk["methods"] = json!(["document-review"]);
    let f = check("lab-inspection-complete", "lab-inspection", &desk);
    assert_eq!(at(&f), vec![("/methods", "one-method-only")]);
    assert_eq!(f[0].severity, Severity::Warning);
}
