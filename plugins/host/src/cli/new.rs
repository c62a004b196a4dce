//! `anjuan plugin new`: scaffold a plugin crate that builds and passes its tests at once.

use super::NewArgs;
use anyhow::{Context as _, bail};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

const CARGO_TOML: &str = include_str!("templates/Cargo.toml.txt");
const PLUGIN_TOML: &str = include_str!("templates/plugin.toml.txt");
const LIB_RS: &str = include_str!("templates/lib.rs.txt");
const WORKFLOW: &str = include_str!("templates/workflow.yaml.txt");
const CASE: &str = "{ \"applicant\": \"张三\", \"quantity\": 3 }\n";
const ENVELOPE: &str = r#"{
  "programme": "__NAME__",
  "case_type": "application",
  "action": "approve",
  "actor_id": "clerk-1",
  "actor_roles": ["clerk"],
  "org_unit": "county",
  "now": "2026-10-09T09:30:00+08:00",
  "locale": "zh-CN"
}
"#;

/// `hello-plugin` → `HelloPlugin`.
fn camel(name: &str) -> String {
    name.split('-')
        .filter(|p| !p.is_empty())
        .map(|p| p[..1].to_uppercase() + &p[1..])
        .collect()
}

/// `to` relative to `from` (both absolute), e.g. `../../plugins/sdk`.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let (f, t): (Vec<Component>, Vec<Component>) =
        (from.components().collect(), to.components().collect());
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    t[common..].iter().for_each(|c| out.push(c));
    out
}

/// Where anjuan-plugin-sdk is: `--sdk`, else `plugins/sdk` of a repository above the new
/// crate, else the SDK this binary was built from (if it is still on disk).
fn sdk_dependency(args: &NewArgs, crate_dir: &Path) -> anyhow::Result<String> {
    let found = match &args.sdk {
        Some(p) => Some(std::path::absolute(p)?),
        None => crate_dir
            .ancestors()
            .map(|a| a.join("plugins/sdk"))
            .find(|p| p.join("Cargo.toml").is_file())
            .or_else(|| {
                Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk"))
                    .filter(|p| p.join("Cargo.toml").is_file())
            }),
    };
    Ok(match found {
        Some(p) => {
            let p = p
                .canonicalize()
                .with_context(|| format!("SDK path {}", p.display()))?;
            let rel = relative(crate_dir, &p);
            format!("{{ path = \"{}\" }}", rel.display())
        }
        None => format!("\"{}\"", env!("CARGO_PKG_VERSION")),
    })
}

pub(super) fn new(args: &NewArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    let name = args.name.as_str();
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        bail!(
            "`{name}`: a plugin name is lowercase letters, digits and `-`, starting with a letter"
        );
    }
    let dir = std::path::absolute(args.dir.join(name))?;
    if dir.join("Cargo.toml").exists() || dir.join("src").exists() {
        bail!(
            "{} already holds a crate; not overwriting it",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir.join("src"))?;
    let dir = dir.canonicalize()?;
    let fill = |t: &str| {
        t.replace("__NAME__", name)
            .replace("__CAMEL__", &camel(name))
            .replace("__INTERFACE__", anjuan_plugin_sdk::INTERFACE_VERSION)
    };
    let sdk = sdk_dependency(args, &dir)?;
    let files = [
        ("Cargo.toml", fill(CARGO_TOML).replace("__SDK__", &sdk)),
        ("plugin.toml", fill(PLUGIN_TOML)),
        ("src/lib.rs", fill(LIB_RS)),
        (
            &format!("workflows/{name}/workflow.yaml") as &str,
            fill(WORKFLOW),
        ),
        ("fixtures/case.json", CASE.to_string()),
        ("fixtures/envelope.json", fill(ENVELOPE)),
        (".gitignore", "/target\n".to_string()),
    ];
    for (path, text) in files {
        let p = dir.join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))?;
    }
    writeln!(out, "created plugin crate {} (SDK: {sdk})", dir.display())?;
    writeln!(
        out,
        "next: cd {name} && cargo test && cargo build --release --target wasm32-wasip2"
    )?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        assert_eq!(camel("hello-plugin"), "HelloPlugin");
        assert_eq!(
            relative(Path::new("/a/b/c"), Path::new("/a/x")),
            PathBuf::from("../../x")
        );
    }
}
