//! The `anjuan plugin` commands, driven through the `anjuan-plugin` binary (the same code
//! the `anjuan` binary mounts), and the docs/plugins.md walkthrough run line by line.

use crate::common::{built, repo_root, shipped};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn anjuan_plugin(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anjuan-plugin"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| panic!("anjuan-plugin: {e}"))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn run_check_prints_findings_and_usage_against_the_limits() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let case = dir.path().join("case.json");
    std::fs::write(&case, r#"{"business_credit_code": "91330100MA0001"}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    let env = dir.path().join("env.json");
    std::fs::write(&env, r#"{"programme": "sampling-disposal", "parent_id": "plan-1", "now": "2026-10-01T10:00:00+08:00"}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    let counts = dir.path().join("counts.json");
    std::fs::write(&counts, r#"{"batches-in-plan-from-business": 6}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    let wasm = shipped().join("sampling-disposal.wasm");
    let args = [
        "run",
        wasm.to_str().unwrap_or_default(),
        "check",
        "max-batches-per-business",
        "--input",
        case.to_str().unwrap_or_default(),
        "--envelope",
        env.to_str().unwrap_or_default(),
        "--counts",
        counts.to_str().unwrap_or_default(),
    ];
    let o = anjuan_plugin(&args, dir.path());
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(
        t.contains("REFUSED (1 errors, 0 warnings)") && t.contains("too-many-batches"),
        "{t}"
    );
    assert!(
        t.contains("fuel ")
            && t.contains(" / 20,000,000")
            && t.contains("memory")
            && t.contains(" / 32.0 MiB"),
        "{t}"
    );
}

#[test]
fn run_reports_a_failing_plugin_like_the_server_would() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let case = dir.path().join("case.json");
    std::fs::write(&case, "{}").unwrap_or_else(|e| panic!("{e}"));
    let wasm = built().join("bad-loop.wasm");
    let o = anjuan_plugin(
        &[
            "run",
            wasm.to_str().unwrap_or_default(),
            "check",
            "run",
            "--input",
            case.to_str().unwrap_or_default(),
        ],
        dir.path(),
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(
        t.contains("[out-of-fuel]") && t.contains("refuse the action"),
        "{t}"
    );

    let wasm = built().join("bad-version.wasm");
    let o = anjuan_plugin(
        &["run", wasm.to_str().unwrap_or_default(), "describe"],
        dir.path(),
    );
    assert!(
        text(&o).contains(
            "needs anjuan:plugin 0.1.x (up to 0.1.0) or 0.2.x (up to 0.2.0), plugin declares 0.3.0"
        ),
        "{}",
        text(&o)
    );
}

/// Runs every `$ ` line of the ```console blocks in docs/plugins.md, in order, in a scratch
/// directory (`anjuan plugin` is this crate's `anjuan-plugin` binary). `cd` moves the
/// walkthrough along, across blocks; a block whose first line is
/// `# in the anjuan repository` runs at the repository root instead. Every command must
/// succeed.
#[test]
fn every_command_in_docs_plugins_md_works() {
    built();
    let root = repo_root();
    let doc = std::fs::read_to_string(root.join("docs/plugins.md"))
        .unwrap_or_else(|e| panic!("docs/plugins.md: {e}"));
    let work = root.join("target/doc-walkthrough/work");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap_or_else(|e| panic!("{e}"));
    // Keep the scaffold's build products between runs, so this test is incremental
    // (beside the other build products when they are kept outside the repository).
    let cache = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("doc-walkthrough/cargo-target");
    std::fs::create_dir_all(work.join("hello-plugin")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(&cache).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(&cache, work.join("hello-plugin/target"))
        .unwrap_or_else(|e| panic!("{e}"));

    let mut ran = 0;
    let mut walk: PathBuf = work.clone();
    for block in doc
        .split("```console")
        .skip(1)
        .filter_map(|b| b.split("```").next())
    {
        let in_repo = block.trim_start().starts_with("# in the anjuan repository");
        let mut cwd: PathBuf = if in_repo { root.clone() } else { walk.clone() };
        for line in block.lines().filter_map(|l| l.strip_prefix("$ ")) {
            if let Some(dir) = line.strip_prefix("cd ") {
                cwd = cwd.join(dir.trim());
                continue;
            }
            let o = match line.strip_prefix("anjuan plugin ") {
                Some(rest) => anjuan_plugin(&rest.split_whitespace().collect::<Vec<_>>(), &cwd),
                None => Command::new("sh")
                    .args(["-c", line])
                    .current_dir(&cwd)
                    .env_remove("CARGO_TARGET_DIR")
                    .output()
                    .unwrap_or_else(|e| panic!("{line}: {e}")),
            };
            assert!(
                o.status.success(),
                "`{line}` (in {}) failed:\n{}",
                cwd.display(),
                text(&o)
            );
            ran += 1;
        }
        if !in_repo {
            walk = cwd;
        }
    }
    assert!(ran >= 8, "only {ran} commands found in docs/plugins.md");
}
