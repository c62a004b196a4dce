//! Every command of `docs/api.md` works as written: the guide's `$ ` lines (a line ending
//! in `\`, or with a single quote still open, continues on the next) run in order, as one bash script, against a demo server
//! started with `anjuan serve --demo`, with `ANJUAN` set to its address and
//! `ANJUAN_DATA` to its data folder (so `anjuan token create` reaches its database).

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The guide's commands, each echoed to stderr before it runs.
fn script(doc: &str) -> (String, usize) {
    let mut out = String::from("set -euo pipefail\n");
    let mut count = 0;
    for block in doc
        .split("```console")
        .skip(1)
        .filter_map(|b| b.split("```").next())
    {
        let mut lines = block.lines();
        while let Some(line) = lines.next() {
            let Some(first) = line.strip_prefix("$ ") else {
                continue;
            };
            let mut command = first.to_owned();
            loop {
                if command.ends_with('\\') {
                    command.pop();
                    command.push(' ');
                    command.push_str(lines.next().unwrap_or("").trim());
                } else if command.matches('\'').count() % 2 == 1 {
                    // A quoted argument (a jq program, say) spans lines as written.
                    command.push('\n');
                    command.push_str(lines.next().unwrap_or(""));
                } else {
                    break;
                }
            }
            let shown = command.replace('\'', "'\\''");
            out.push_str(&format!("echo '$ {shown}' >&2\n{command}\n"));
            count += 1;
        }
    }
    (out, count)
}

#[test]
fn every_command_in_docs_api_md_works() {
    let root = root();
    if std::env::var_os("ANJUAN_TEST_SKIP_PLUGIN_BUILD").is_none() {
        let built = Command::new(root.join("scripts/build-plugins"))
            .arg("--quiet")
            .status()
            .unwrap();
        assert!(built.success(), "scripts/build-plugins failed");
    }
    let doc = std::fs::read_to_string(root.join("docs/api.md")).unwrap();
    let (script, count) = script(&doc);
    assert!(count >= 10, "only {count} commands in docs/api.md");

    let work = std::env::temp_dir().join(format!("anjuan-api-guide-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let data = work.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_anjuan"));
    let mut server = Command::new(&bin)
        .arg("serve")
        .arg("--demo")
        .args(["--bind", "127.0.0.1:0"])
        .arg("--data")
        .arg(&data)
        .arg("--workflows")
        .arg(root.join("workflows"))
        .arg("--plugins")
        .arg(root.join("target/plugins"))
        .arg("--calendar")
        .arg(root.join("calendar"))
        .env("ANJUAN_WORKER_INTERVAL", "3600")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let mut url = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.split("anjuan is running: open ").nth(1) {
            url = rest
                .split_whitespace()
                .next()
                .map(|u| u.trim_end_matches('/').to_owned());
            break;
        }
    }
    let Some(url) = url else {
        let _ = server.kill();
        panic!("the demo server stopped before it was running");
    };
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let ran = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&work)
        .env("ANJUAN", &url)
        .env("ANJUAN_DATA", &data)
        .env("PATH", path)
        .env_remove("DATABASE_URL")
        .env_remove("ANJUAN_CONFIG")
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        ran.status.success(),
        "a command of docs/api.md failed (the last one shown):\n{}\n{}",
        String::from_utf8_lossy(&ran.stderr),
        String::from_utf8_lossy(&ran.stdout)
    );
    let _ = std::fs::remove_dir_all(&work);
}
