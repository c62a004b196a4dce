use super::*;
use anjuan_plugin_sdk::{Envelope, FakeHost, Severity, json};

fn with_ctx<T>(f: impl FnOnce(&Context<'_>) -> T) -> T {
    // now = 2026-10-01T10:00+08:00
    let env = Envelope::for_test("fire-safety-rectification", "hazard").with_state("rectifying");
    let host = FakeHost::new();
    f(&Context::new(&env, &host))
}

#[test]
fn listed_supervision_has_plan_responsibility_measures_funds_and_safeguards() {
    let ok = json!({"listed_supervision": {"listed_on": "2026-09-30", "plan": "分两期改造", "responsibility": "院长负责",
                    "measures": "更换防火门", "funds": 30, "temporary_safeguards": "24小时巡查"}});
    assert_eq!(
        with_ctx(|c| listed_supervision_plan_complete(c, &ok)),
        vec![]
    );
    let bare = json!({"listed_supervision": {"listed_on": "2026-09-30", "plan": "x", "funds": 0}});
    let fields: Vec<String> = with_ctx(|c| listed_supervision_plan_complete(c, &bare))
        .into_iter()
        .map(|f| f.field)
        .collect();
    assert_eq!(
        fields,
        vec![
            "/listed_supervision/responsibility",
            "/listed_supervision/measures",
            "/listed_supervision/temporary_safeguards"
        ]
    );
}

#[test]
fn a_rectification_is_submitted_only_with_evidence() {
    let ok = json!({"evidence": "f1", "rectified_on": "2026-09-30", "rectify_by": "2026-12-31"});
    assert_eq!(
        with_ctx(|c| rectification_evidence_attached(c, &ok)),
        vec![]
    );
    let none = json!({"rectified_on": "2026-10-03"});
    let codes: Vec<String> = with_ctx(|c| rectification_evidence_attached(c, &none))
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert_eq!(codes, vec!["missing-item", "date-in-future"]);
}

#[test]
fn a_rectification_after_its_deadline_is_warned_about() {
    let late = json!({"evidence": "f1", "rectified_on": "2026-09-30", "rectify_by": "2026-09-01"});
    let f = with_ctx(|c| rectification_evidence_attached(c, &late));
    assert_eq!(
        (f[0].code.as_str(), f[0].severity),
        ("rectified-late", Severity::Warning)
    );
}
