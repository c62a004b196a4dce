//! The clock a plugin sees: the envelope's time zone and local time (interface 0.2.0),
//! plugins built against 0.1.0 still running, and `plugin run`'s fixed clock.

use crate::common::{built, env, host_for};
use anjuan_plugin_host::{Envelope, Finding};
use std::process::Command;

/// The English message of the finding with `code`.
fn said<'a>(findings: &'a [Finding], code: &str) -> &'a str {
    findings
        .iter()
        .find(|f| f.code == code)
        .map(|f| f.message_en.as_str())
        .unwrap_or_else(|| panic!("no `{code}` in {findings:?}"))
}

#[test]
fn the_envelope_carries_the_time_zone_and_the_local_time() {
    let (_d, host) = host_for(&["probe"]);
    let data = serde_json::json!({});
    // 21:30 UTC on the 30th is 05:30 on the 1st in Beijing: the UTC date is a day behind.
    let at = env("p").at("2026-09-30T21:30:00Z");
    let r = host
        .check("probe", "clock", &at, &data)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(said(&r.findings, "now"), "2026-09-30T21:30:00Z");
    assert_eq!(said(&r.findings, "time-zone"), "Asia/Shanghai");
    assert_eq!(said(&r.findings, "local-now"), "2026-10-01T05:30:00+08:00");
    assert_eq!(said(&r.findings, "today"), "2026-10-01");

    // The zone is the deployment's, not a constant: in Berlin it is still the 30th.
    let mut berlin = at.clone();
    berlin.time_zone = "Europe/Berlin".into();
    let r = host
        .check("probe", "clock", &berlin, &data)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(said(&r.findings, "local-now"), "2026-09-30T23:30:00+02:00");
    assert_eq!(said(&r.findings, "today"), "2026-09-30");

    // What the server sends is passed through unchanged.
    let sent = Envelope {
        time_zone: "Asia/Shanghai".into(),
        local_now: "2026-10-01T05:30:00+08:00".into(),
        ..at
    };
    let r = host
        .check("probe", "clock", &sent, &data)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(said(&r.findings, "local-now"), "2026-10-01T05:30:00+08:00");
}

#[test]
fn a_plugin_built_against_interface_0_1_0_still_loads_and_runs() {
    let (_d, host) = host_for(&["old-interface", "probe"]);
    let versions: Vec<(String, String)> = host
        .plugins()
        .into_iter()
        .map(|p| (p.id, p.interface_version))
        .collect();
    assert_eq!(
        versions,
        vec![
            ("old-interface".to_owned(), "0.1.0".to_owned()),
            ("probe".to_owned(), "0.2.0".to_owned())
        ]
    );
    let desc = host
        .describe("old-interface")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(desc.interface_version, "0.1.0");
    let at = env("p").at("2026-09-30T21:30:00Z");
    let r = host
        .check("old-interface", "clock", &at, &serde_json::json!({}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(said(&r.findings, "clock"), "2026-09-30T21:30:00Z");
    let fields = host
        .derive("old-interface", &at, &serde_json::json!({}))
        .unwrap_or_else(|e| panic!("{e}"))
        .fields;
    assert_eq!(fields, serde_json::json!({}));
}

/// `anjuan-plugin run … check clock --json`: the findings (usage holds timings, which vary).
fn run_clock(extra: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let input = dir.path().join("input.json");
    std::fs::write(&input, "{}").unwrap_or_else(|e| panic!("{e}"));
    let wasm = built().join("probe.wasm");
    let o = Command::new(env!("CARGO_BIN_EXE_anjuan-plugin"))
        .args(["run", wasm.to_str().unwrap_or_default(), "--json"])
        .args(extra)
        .args([
            "check",
            "clock",
            "--input",
            input.to_str().unwrap_or_default(),
        ])
        .output()
        .unwrap_or_else(|e| panic!("anjuan-plugin: {e}"));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings: {out}"))
        .iter()
        .map(|f| (f["code"].clone(), f["message_en"].clone()))
        .map(|(c, m)| serde_json::json!([c, m]))
        .collect()
}

#[test]
fn plugin_run_has_a_fixed_clock_that_now_and_time_zone_set() {
    let default = run_clock(&[]);
    assert_eq!(default, run_clock(&[]), "the same on every run");
    assert_eq!(
        default,
        serde_json::json!([
            ["now", "2026-10-01T10:00:00+08:00"],
            ["time-zone", "Asia/Shanghai"],
            ["local-now", "2026-10-01T10:00:00+08:00"],
            ["today", "2026-10-01"]
        ])
    );
    let early = run_clock(&["--now", "2026-09-30T21:30:00Z"]);
    assert_eq!(early, run_clock(&["--now", "2026-09-30T21:30:00Z"]));
    assert_eq!(
        early[2],
        serde_json::json!(["local-now", "2026-10-01T05:30:00+08:00"])
    );
    assert_eq!(early[3], serde_json::json!(["today", "2026-10-01"]));
    let berlin = run_clock(&[
        "--now",
        "2026-09-30T21:30:00Z",
        "--timezone",
        "Europe/Berlin",
    ]);
    assert_eq!(berlin[3], serde_json::json!(["today", "2026-09-30"]));
}
