//! Each purpose-built bad plugin yields the right error, and the host keeps serving.

use crate::common::{env, host_for, host_with, install, with_limits};
use anjuan_plugin_host::{ErrorKind, HostConfig, MemoryServices, OnFailure, PluginHost};
use serde_json::json;
use std::sync::Arc;

fn run(host: &PluginHost, id: &str) -> ErrorKind {
    match host.check(id, "run", &env(id), &json!({"sample": 7})) {
        Ok(r) => panic!("{id} passed: {r:?}"),
        Err(e) => {
            assert_eq!(e.plugin, id);
            assert_eq!(e.call, "check run");
            e.kind
        }
    }
}

fn still_serving(host: &PluginHost) {
    let r = host
        .check("noop", "pass", &env("noop"), &json!({}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(r.passed());
}

#[test]
fn a_trapping_plugin_is_a_trap() {
    let (_d, host) = host_for(&["bad-trap", "noop"]);
    assert!(matches!(run(&host, "bad-trap"), ErrorKind::Trap(_)));
    still_serving(&host);
}

#[test]
fn an_infinite_loop_runs_out_of_fuel() {
    let (_d, host) = host_for(&["bad-loop", "noop"]);
    assert_eq!(
        run(&host, "bad-loop"),
        ErrorKind::OutOfFuel { limit: 20_000_000 }
    );
    still_serving(&host);
}

#[test]
fn an_infinite_loop_with_ample_fuel_hits_the_wall_clock_deadline() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Fuel so large the loop cannot exhaust it even on a starved machine: only the
    // epoch deadline can stop it.
    install(
        "bad-loop",
        "bad-loop",
        dir.path(),
        with_limits("fuel = 1000000000000000\nwall_clock_ms = 30"),
    );
    install("noop", "noop", dir.path(), |m| m);
    let mut config = HostConfig {
        cache_dir: None,
        max_concurrent_instances: 8,
        ..HostConfig::default()
    };
    config.ceilings.fuel = u64::MAX / 2;
    let host = PluginHost::new(config, Arc::new(MemoryServices::new()))
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(host.load_dir(dir.path()).failed.is_empty());
    let started = std::time::Instant::now();
    assert_eq!(run(&host, "bad-loop"), ErrorKind::Deadline { limit_ms: 30 });
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
    still_serving(&host);
}

#[test]
fn unbounded_allocation_runs_out_of_memory() {
    let (_d, host) = host_for(&["bad-alloc", "noop"]);
    match run(&host, "bad-alloc") {
        ErrorKind::OutOfMemory { limit, requested } => {
            assert_eq!(limit, 32 << 20);
            assert!(requested > limit);
        }
        other => panic!("{other:?}"),
    }
    still_serving(&host);
}

#[test]
fn a_panic_reports_its_message() {
    let (_d, host) = host_for(&["bad-panic", "noop"]);
    match run(&host, "bad-panic") {
        ErrorKind::Panic(m) => assert!(m.starts_with("boom: sample 7 is missing (at "), "{m}"),
        other => panic!("{other:?}"),
    }
    still_serving(&host);
}

#[test]
fn malformed_output_is_refused_in_every_call() {
    let (_d, host) = host_for(&["bad-json", "noop"]);
    assert!(
        matches!(run(&host, "bad-json"), ErrorKind::MalformedOutput(m) if m.contains("not-a-pointer"))
    );
    let form = host.form("bad-json", "f", &env("x")).err().map(|e| e.kind);
    assert!(
        matches!(form, Some(ErrorKind::MalformedOutput(_))),
        "{form:?}"
    );
    let derive = host
        .derive("bad-json", &env("x"), &json!({}))
        .err()
        .map(|e| e.kind);
    assert!(
        matches!(derive, Some(ErrorKind::MalformedOutput(_))),
        "{derive:?}"
    );
    still_serving(&host);
}

#[test]
fn an_incompatible_interface_version_is_refused_naming_both_versions() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    install("bad-version", "bad-version", dir.path(), |m| m);
    let host = host_with(None, Arc::new(MemoryServices::new()));
    let report = host.load_dir(dir.path());
    assert!(report.loaded.is_empty());
    let e = &report.failed[0];
    assert_eq!(
        e.kind,
        ErrorKind::IncompatibleInterface {
            needed: "0.1.x (up to 0.1.0) or 0.2.x (up to 0.2.0)".into(),
            declared: "0.3.0".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "plugin bad-version@0.1.0 load: needs anjuan:plugin 0.1.x (up to 0.1.0) or 0.2.x (up to 0.2.0), plugin declares 0.3.0"
    );

    // A manifest claiming 0.2.0 does not help: the component's own stamp says 0.3.0.
    install("bad-version", "bad-version", dir.path(), |m| {
        m.replace("interface = \"0.3.0\"", "interface = \"0.2.0\"")
    });
    let report = host.load_dir(dir.path());
    assert!(
        matches!(&report.failed[0].kind, ErrorKind::IncompatibleInterface { declared, .. } if declared == "0.3.0")
    );
}

#[test]
fn a_manifest_whose_sha256_does_not_match_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    install("noop", "noop", dir.path(), |m| {
        let line = m
            .lines()
            .find(|l| l.starts_with("sha256"))
            .unwrap_or_default()
            .to_string();
        m.replace(&line, &format!("sha256 = \"{}\"", "0".repeat(64)))
    });
    let host = host_with(None, Arc::new(MemoryServices::new()));
    let report = host.load_dir(dir.path());
    assert!(
        matches!(&report.failed[0].kind, ErrorKind::ManifestMismatch(m) if m.contains("sha256"))
    );
}

#[test]
fn oversized_input_and_output_are_refused_and_warn_checks_do_not_block() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    install(
        "probe",
        "probe",
        dir.path(),
        with_limits("max_input_bytes = 100\nmax_output_bytes = 1000"),
    );
    let host = host_with(None, Arc::new(MemoryServices::new()));
    assert!(host.load_dir(dir.path()).failed.is_empty());

    let e = host
        .check(
            "probe",
            "echo",
            &env("p"),
            &json!({"keep": "x".repeat(200)}),
        )
        .err();
    let e = e.unwrap_or_else(|| panic!("input limit not enforced"));
    assert!(
        matches!(e.kind, ErrorKind::InputTooLarge { limit: 100, .. }),
        "{e}"
    );
    assert!(e.blocks());

    let e = host
        .check("probe", "big", &env("p"), &json!({"size": 5000}))
        .err();
    let e = e.unwrap_or_else(|| panic!("output limit not enforced"));
    assert!(
        matches!(e.kind, ErrorKind::OutputTooLarge { limit: 1000, .. }),
        "{e}"
    );
    assert_eq!(e.on_failure, OnFailure::Warn);
    assert!(!e.blocks(), "probe's `big` check is on_failure = warn");
}

#[test]
fn unknown_plugins_and_checks_are_named() {
    let (_d, host) = host_for(&["noop"]);
    let e = host
        .check("nope", "x", &env("p"), &json!({}))
        .err()
        .map(|e| (e.blocks(), e.kind));
    assert_eq!(e, Some((true, ErrorKind::UnknownPlugin)));
    let e = host
        .check("noop", "nope", &env("p"), &json!({}))
        .err()
        .map(|e| e.kind);
    assert_eq!(e, Some(ErrorKind::UnknownCheck("nope".into())));
    let e = host.form("noop", "nope", &env("p")).err().map(|e| e.kind);
    assert_eq!(e, Some(ErrorKind::UnknownForm("nope".into())));
}
