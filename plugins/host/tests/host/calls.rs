//! Calls that work: the shipped sampling-disposal plugin end to end, declared reads,
//! host imports and their capability checks, forms and validation.

use crate::common::{env, host_for, host_with, install, shipped};
use anjuan_plugin_host::{Envelope, ErrorKind, MemoryServices, Severity, validate_form_data};
use serde_json::json;
use std::sync::Arc;

#[test]
fn sampling_disposal_refuses_a_seventh_batch_from_one_business() {
    let counts = json!({"batches-in-plan-from-business": [
        {"params": {"plan": "plan-2026", "business": "91330100MA0001"}, "count": 6},
        {"params": {"plan": "plan-2026", "business": "91330100MA0002"}, "count": 1}
    ]});
    let services = MemoryServices::new()
        .with_counts_json(&counts)
        .unwrap_or_else(|e| panic!("{e}"));
    let host = host_with(None, Arc::new(services));
    let report = host.load_dir(&shipped());
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(report.loaded.iter().any(|p| p.id == "sampling-disposal"));

    let env = Envelope::for_test("sampling-disposal", "sampled-batch").with_parent("plan-2026");
    let case =
        |b: &str| json!({"business_credit_code": b, "business_name": "某超市", "notes": "x"});
    let r = host
        .check(
            "sampling-disposal",
            "max-batches-per-business",
            &env,
            &case("91330100MA0001"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!r.passed());
    assert_eq!(r.findings[0].code, "too-many-batches");
    assert_eq!(r.plugin.id, "sampling-disposal");
    assert_eq!(r.plugin.sha256.len(), 64);
    assert!(r.usage.fuel_used > 0 && r.usage.peak_memory_bytes > 0);
    // Only the declared reads crossed the boundary.
    assert_eq!(
        r.usage.input_bytes,
        json!({"business_credit_code": "91330100MA0001"})
            .to_string()
            .len() as u64
    );

    let r = host
        .check(
            "sampling-disposal",
            "max-batches-per-business",
            &env,
            &case("91330100MA0002"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(r.passed() && r.findings.is_empty());

    let r = host
        .check(
            "sampling-disposal",
            "sampling-record-complete",
            &env,
            &json!({}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        r.findings
            .iter()
            .any(|f| f.field == "/product" && f.severity == Severity::Error)
    );

    let form = host
        .form("sampling-disposal", "start-disposal", &env)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(form.id, "start-disposal");
    let findings = validate_form_data(&form, &json!({"serious_hazard": true}));
    assert!(
        findings
            .iter()
            .any(|f| f.field == "/control_measures" && f.code == "required")
    );
}

#[test]
fn a_check_receives_only_the_fields_it_declares() {
    let (_d, host) = host_for(&["probe"]);
    let data = json!({"keep": 1, "secret": "身份证号", "nested": {"keep": [1, 2], "drop": true}});
    let r = host
        .check("probe", "echo", &env("p"), &data)
        .unwrap_or_else(|e| panic!("{e}"));
    let seen: serde_json::Value =
        serde_json::from_str(&r.findings[0].message_en).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(seen, json!({"keep": 1, "nested": {"keep": [1, 2]}}));

    let d = host
        .derive("probe", &env("p"), &json!({"floors": 12, "other": 1}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.fields, json!({"echo": {"floors": 12}}));
}

#[test]
fn count_queries_must_be_declared_with_their_parameters() {
    let services = MemoryServices::new().with_count("batches", 4);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    install("probe", "probe", dir.path(), |m| m);
    let host = host_with(None, Arc::new(services));
    assert!(host.load_dir(dir.path()).failed.is_empty());
    let call = |q: &str, params: serde_json::Value| {
        host.check(
            "probe",
            "count",
            &env("p"),
            &json!({"query": q, "params": params}),
        )
    };

    let ok =
        call("batches", json!({"plan": "P", "business": "B"})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.findings[0].message_en, "4");

    let e = call("all-cases", json!({})).err().map(|e| e.kind);
    assert!(
        matches!(&e, Some(ErrorKind::CapabilityDenied(m)) if m.contains("`all-cases` is not declared")),
        "{e:?}"
    );
    let e = call("batches", json!({"plan": "P"})).err().map(|e| e.kind);
    assert!(
        matches!(&e, Some(ErrorKind::CapabilityDenied(m)) if m.contains("takes parameters")),
        "{e:?}"
    );
    let e = host
        .check(
            "probe",
            "count",
            &env("p"),
            &json!({"query": "batches", "params": {"plan": "P", "business": "B"}, "repeat": 17}),
        )
        .err()
        .map(|e| e.kind);
    assert!(
        matches!(&e, Some(ErrorKind::CapabilityDenied(m)) if m.contains("more than 16")),
        "{e:?}"
    );
    // The host is still fine.
    assert!(call("batches", json!({"plan": "P", "business": "B"})).is_ok());
}

#[test]
fn working_days_come_from_the_host_calendar() {
    let services = MemoryServices::new().with_calendar(|d| {
        d != chrono::NaiveDate::from_ymd_opt(2026, 10, 5).unwrap_or_default()
            && chrono::Datelike::weekday(&d).number_from_monday() <= 5
    });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    install("probe", "probe", dir.path(), |m| m);
    let host = host_with(None, Arc::new(services));
    assert!(host.load_dir(dir.path()).failed.is_empty());
    let r = host
        .check(
            "probe",
            "workdays",
            &env("p"),
            &json!({"date": "2026-10-02", "days": 2}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.findings[0].message_en, "2026-10-07 2");
}

#[test]
fn forms_cross_the_boundary_intact_and_drive_validation() {
    let (_d, host) = host_for(&["probe"]);
    let form = host
        .form("probe", "f", &env("p"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(form.fields.len(), 14);
    let data = json!({"text": "ok", "count": 9, "flag": true, "rows": [{}, {}, {}, {}],
                      "record": {"on": "2026-10-01"}});
    let codes: Vec<String> = validate_form_data(&form, &data)
        .into_iter()
        .map(|f| format!("{} {}", f.field, f.code))
        .collect();
    assert_eq!(
        codes,
        vec!["/count max", "/rows max-items", "/record/why required"]
    );
    let desc = host.describe("probe").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(desc.interface_version, "0.2.0");
    assert_eq!(desc.checks.len(), 5);
}

/// Released interface versions are frozen: this pins each plugins/wit/<version>. If you
/// need to change the interface, add a new version folder instead (docs/plugins.md,
/// versioning).
#[test]
fn the_released_wit_versions_are_unchanged() {
    use sha2::Digest;
    for (version, pinned) in [
        (
            "0.1.0",
            "d04472daca220d447f75f7c477d9d52e3cf1049d892aa55e0018f68ca5ae891e",
        ),
        (
            "0.2.0",
            "8d5f0239523e07e8212b0b17d9396a6f132ceec759ae15bb487dba0daaea1b16",
        ),
    ] {
        let path = format!("plugins/wit/{version}/plugin.wit");
        let wit = std::fs::read(crate::common::repo_root().join(&path))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let sum = hex::encode(sha2::Sha256::digest(&wit));
        assert_eq!(sum, pinned, "{path} changed");
    }
}
