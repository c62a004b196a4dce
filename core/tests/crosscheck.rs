//! The shipped workflows fit their plugins (built by `scripts/build-plugins` into
//! `target/plugins`), and a workflow that names a missing form or check, or declares a
//! field with another type than its form fills, is reported at the line that says so.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

use std::path::{Path, PathBuf};

use anjuan::workflow;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn plugins() -> PathBuf {
    let dir = root().join("target/plugins");
    assert!(
        dir.join("special-family-care.wasm").is_file(),
        "build the plugins first: scripts/build-plugins (scripts/test does)"
    );
    dir
}

#[test]
fn the_shipped_workflows_fit_their_plugins() {
    let (defs, errors) = workflow::load_dir(&root().join("workflows"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(defs.len(), 4);
    let found = anjuan::crosscheck::check_dir(&defs, &plugins()).unwrap();
    let text: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(text.is_empty(), "{}", text.join("\n"));
}

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` not in the workflow"))
        + 1
}

#[tokio::test]
async fn mismatches_are_reported_where_the_workflow_names_them() {
    let original =
        std::fs::read_to_string(root().join("workflows/special-family-care/workflow.yaml"))
            .unwrap();
    let broken = original
        .replacen("form: family-record", "form: family-recrod", 1)
        .replacen(
            "checks: [family-not-already-registered]",
            "checks: [family-not-registered-yet]",
            1,
        )
        .replacen(
            "psych_consent_form: { type: file",
            "psych_consent_form: { type: text",
            1,
        );
    assert_ne!(broken, original);
    let dir = std::env::temp_dir().join(format!("anjuan-crosscheck-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("special-family-care")).unwrap();
    std::fs::write(dir.join("special-family-care/workflow.yaml"), &broken).unwrap();
    let (defs, errors) = workflow::load_dir(&dir);
    assert!(
        errors.is_empty(),
        "still a valid workflow on its own: {errors:?}"
    );
    let found = anjuan::crosscheck::check_dir(&defs, &plugins()).unwrap();
    let text: Vec<String> = found.iter().map(ToString::to_string).collect();
    let expect = [
        (
            line_of(&broken, "form: family-recrod"),
            "plugin `special-family-care` has no form `family-recrod` (did you mean `family-record`?)",
        ),
        (
            line_of(&broken, "checks: [family-not-registered-yet]"),
            "plugin `special-family-care` has no check `family-not-registered-yet`",
        ),
        (
            line_of(&broken, "psych_consent_form: { type: text"),
            "`psych_consent_form` is declared `text` but form",
        ),
    ];
    for (line, message) in expect {
        assert!(
            found
                .iter()
                .any(|d| d.line == line && d.message.contains(message)),
            "expected line {line}: {message}\ngot:\n{}",
            text.join("\n")
        );
    }
    assert_eq!(found.len(), 3, "{}", text.join("\n"));

    // The server's plugin adapter reports the same, for its start-up log and the
    // administrator's validation report.
    let config = anjuan::config::ServeArgs {
        data: Some(dir.clone()),
        calendar: Some(root().join("calendar")),
        ..Default::default()
    }
    .resolve()
    .unwrap();
    let services = std::sync::Arc::new(anjuan::plugins::ServerServices::new(
        anjuan::server::load_calendar(&config).unwrap(),
        anjuan::store::connect(&config.database_url).await.unwrap(),
        tokio::runtime::Handle::current(),
    ));
    let host = anjuan::plugins::HostPlugins::start(&plugins(), dir.join("plugin-cache"), services)
        .unwrap();
    let from_server = anjuan::state::Plugins::crosscheck(&host, &defs.iter().collect::<Vec<_>>());
    assert_eq!(from_server, found);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_derived_field_of_another_type_is_reported_at_its_declaration() {
    let original =
        std::fs::read_to_string(root().join("workflows/fire-safety-rectification/workflow.yaml"))
            .unwrap();
    let broken = original.replacen("in_scope: { type: boolean", "in_scope: { type: text", 1);
    assert_ne!(broken, original);
    let dir = std::env::temp_dir().join(format!("anjuan-derived-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("fire-safety-rectification")).unwrap();
    std::fs::write(dir.join("fire-safety-rectification/workflow.yaml"), &broken).unwrap();
    let (defs, errors) = workflow::load_dir(&dir);
    assert!(errors.is_empty(), "{errors:?}");
    let found = anjuan::crosscheck::check_dir(&defs, &plugins()).unwrap();
    let text: Vec<String> = found.iter().map(ToString::to_string).collect();
    let line = line_of(&broken, "in_scope: { type: text");
    assert!(
        found.iter().any(|d| d.line == line
            && d.message
                .contains("plugin `fire-safety-rectification` derives `in_scope` as ")
            && d.message.contains("which does not fit")),
        "expected line {line}\ngot:\n{}",
        text.join("\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}
