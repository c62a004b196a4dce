//! `anjuan plugin run | package | list`.

use super::{ListArgs, PackageArgs, RunArgs, RunCall, print};
use crate::{Envelope, HostConfig, MemoryServices, PluginError, PluginHost, PluginInfo};
use anyhow::{Context as _, anyhow, bail};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The manifest for a `.wasm`: `--manifest`, `<file>.toml` beside it, or the nearest
/// `plugin.toml` in the directories above it (a plugin crate's template).
fn find_manifest(wasm: &Path, explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(m) = explicit {
        return Ok(m.to_path_buf());
    }
    let beside = wasm.with_extension("toml");
    if beside.is_file() {
        return Ok(beside);
    }
    let abs = std::path::absolute(wasm)?;
    abs.ancestors()
        .map(|d| d.join("plugin.toml"))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            anyhow!(
                "no manifest for {}: pass --manifest, or put {} beside it",
                wasm.display(),
                beside.display()
            )
        })
}

fn host(services: MemoryServices) -> anyhow::Result<PluginHost> {
    // The server's limits and engine, without a disk cache.
    let config = HostConfig {
        cache_dir: None,
        ..HostConfig::default()
    };
    PluginHost::new(config, Arc::new(services))
}

fn load(host: &PluginHost, wasm: &Path, manifest: Option<&Path>) -> anyhow::Result<PluginInfo> {
    let manifest = find_manifest(wasm, manifest)?;
    host.load_file(wasm, &manifest)
        .with_context(|| format!("loading {} with {}", wasm.display(), manifest.display()))
}

fn read_json(path: &Path) -> anyhow::Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// The envelope of a call: the `--envelope` file, else a test envelope; `--now` and
/// `--timezone` set its clock. Without them, `now` is `Envelope::for_test`'s fixed time
/// in Asia/Shanghai, so the same command gives the same answer on any day. `local_now`
/// is filled in from `now` and the zone unless the file gives it (and no flag changes
/// the clock).
fn envelope(path: Option<&Path>, a: &RunArgs, plugin: &str) -> anyhow::Result<Envelope> {
    let mut e: Envelope = match path {
        Some(p) => serde_json::from_value(read_json(p)?)
            .with_context(|| format!("{} is not an envelope", p.display()))?,
        None => {
            let mut e = Envelope::for_test(plugin, "");
            e.actor_id = "anjuan-plugin-run".into();
            e
        }
    };
    if let Some(now) = &a.now {
        e = e.at(now);
    }
    if let Some(zone) = &a.time_zone {
        e.time_zone = zone.clone();
        e.local_now.clear();
    }
    crate::fill_clock(&mut e);
    Ok(e)
}

/// Reports a plugin failure the way the server would treat it; exit code 2.
fn failed(out: &mut dyn Write, e: &PluginError) -> anyhow::Result<i32> {
    let effect = if e.blocks() {
        "the server would refuse the action"
    } else {
        "on_failure = warn: the server would let the action pass with a warning"
    };
    writeln!(out, "plugin failed [{}]: {e}\n  ({effect})", e.kind.code())?;
    Ok(2)
}

pub(super) fn run(a: &RunArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    let services = match &a.call {
        RunCall::Check {
            counts: Some(c), ..
        } => MemoryServices::new()
            .with_counts_file(c)
            .map_err(|e| anyhow!(e))?,
        _ => MemoryServices::new(),
    };
    let host = host(services)?;
    let info = load(&host, &a.wasm, a.manifest.as_deref())?;
    match &a.call {
        RunCall::Describe => {
            let d = host.describe(&info.id)?;
            let m = host.manifest(&info.id)?;
            if a.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({"description": d, "manifest": m, "sha256": info.sha256, "limits": info.limits})
                    )?
                )?;
            } else {
                print::describe(out, &d, &m, &info.sha256)?;
                let l = info.limits;
                writeln!(
                    out,
                    "limits: fuel {}, memory {}, wall clock {} ms, input {}, output {}",
                    print::count(l.fuel),
                    print::bytes(l.memory_bytes),
                    l.wall_clock_ms,
                    print::bytes(l.max_input_bytes),
                    print::bytes(l.max_output_bytes)
                )?;
            }
            Ok(0)
        }
        RunCall::Form { form, envelope: e } => {
            match host.form(&info.id, form, &envelope(e.as_deref(), a, &info.id)?) {
                Ok(f) => {
                    writeln!(out, "{}", serde_json::to_string_pretty(&f)?)?;
                    Ok(0)
                }
                Err(e) => failed(out, &e),
            }
        }
        RunCall::Check {
            check,
            input,
            envelope: e,
            ..
        } => {
            let data = read_json(input)?;
            match host.check(
                &info.id,
                check,
                &envelope(e.as_deref(), a, &info.id)?,
                &data,
            ) {
                Ok(r) if a.json => {
                    writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?;
                    Ok(if r.passed() { 0 } else { 1 })
                }
                Ok(r) => {
                    print::check(out, &r)?;
                    Ok(if r.passed() { 0 } else { 1 })
                }
                Err(e) => failed(out, &e),
            }
        }
        RunCall::Derive { input, envelope: e } => {
            let data = read_json(input)?;
            match host.derive(&info.id, &envelope(e.as_deref(), a, &info.id)?, &data) {
                Ok(r) if a.json => {
                    writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?;
                    Ok(0)
                }
                Ok(r) => {
                    writeln!(out, "{}", serde_json::to_string_pretty(&r.fields)?)?;
                    print::usage(out, &r.usage)?;
                    Ok(0)
                }
                Err(e) => failed(out, &e),
            }
        }
    }
}

pub(super) fn package(a: &PackageArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    let manifest = find_manifest(&a.wasm, a.manifest.as_deref())?;
    let host = host(MemoryServices::new())?;
    let info = load(&host, &a.wasm, Some(&manifest))?;
    let template = std::fs::read_to_string(&manifest)?;
    let body: Vec<&str> = template
        .lines()
        .filter(|l| !l.trim_start().starts_with("sha256"))
        .collect();
    std::fs::create_dir_all(&a.out)?;
    let wasm_out = a.out.join(format!("{}.wasm", info.id));
    let toml_out = a.out.join(format!("{}.toml", info.id));
    if std::fs::canonicalize(&a.wasm).ok() != std::fs::canonicalize(&wasm_out).ok() {
        std::fs::copy(&a.wasm, &wasm_out)
            .with_context(|| format!("writing {}", wasm_out.display()))?;
    }
    std::fs::write(
        &toml_out,
        format!("sha256 = \"{}\"\n{}\n", info.sha256, body.join("\n")),
    )?;
    writeln!(
        out,
        "packaged {} {} (sha256 {})\n  {}\n  {}",
        info.id,
        info.version,
        info.sha256,
        wasm_out.display(),
        toml_out.display()
    )?;
    Ok(0)
}

pub(super) fn list(a: &ListArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    if !a.dir.is_dir() {
        bail!("{} is not a directory", a.dir.display());
    }
    let host = host(MemoryServices::new())?;
    let report = host.load_dir(&a.dir);
    for p in &report.loaded {
        writeln!(
            out,
            "loaded  {:<28} {:<8} interface {}  sha256 {}…  {}",
            p.id,
            p.version,
            p.interface_version,
            &p.sha256[..12.min(p.sha256.len())],
            p.title_zh
        )?;
    }
    for e in &report.failed {
        writeln!(out, "FAILED  {e}")?;
    }
    writeln!(
        out,
        "{} loaded, {} failed",
        report.loaded.len(),
        report.failed.len()
    )?;
    Ok(if report.failed.is_empty() { 0 } else { 2 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(now: Option<&str>, zone: Option<&str>) -> RunArgs {
        RunArgs {
            wasm: "probe.wasm".into(),
            manifest: None,
            json: false,
            now: now.map(str::to_owned),
            time_zone: zone.map(str::to_owned),
            call: RunCall::Describe,
        }
    }

    #[test]
    fn the_default_envelope_has_a_fixed_clock_that_now_replaces() {
        let e = envelope(None, &args(None, None), "probe").unwrap();
        assert_eq!(
            (e.now.as_str(), e.time_zone.as_str(), e.local_now.as_str()),
            (
                "2026-10-01T10:00:00+08:00",
                "Asia/Shanghai",
                "2026-10-01T10:00:00+08:00"
            )
        );
        assert_eq!(
            e,
            envelope(None, &args(None, None), "probe").unwrap(),
            "the same every run"
        );
        // 23:30 UTC is 07:30 the next morning in the deployment's zone.
        let e = envelope(None, &args(Some("2026-03-01T23:30:00Z"), None), "probe").unwrap();
        assert_eq!(e.now, "2026-03-01T23:30:00Z");
        assert_eq!(e.local_now, "2026-03-02T07:30:00+08:00");
        let e = envelope(
            None,
            &args(Some("2026-03-01T23:30:00Z"), Some("Europe/Berlin")),
            "probe",
        )
        .unwrap();
        assert_eq!(
            (e.time_zone.as_str(), e.local_now.as_str()),
            ("Europe/Berlin", "2026-03-02T00:30:00+01:00")
        );
        let file = std::env::temp_dir().join(format!("anjuan-env-{}.json", std::process::id()));
        std::fs::write(
            &file,
            r#"{"now": "2026-01-01T00:00:00+08:00", "local_now": "2026-01-01T00:00:00+08:00", "locale": "en"}"#,
        )
        .unwrap();
        let now = Some("2026-03-02T07:30:00+08:00");
        let e = envelope(Some(&file), &args(now, None), "probe").unwrap();
        assert_eq!(
            (e.now.as_str(), e.local_now.as_str(), e.locale.as_str()),
            (
                "2026-03-02T07:30:00+08:00",
                "2026-03-02T07:30:00+08:00",
                "en"
            )
        );
        let _ = std::fs::remove_file(&file);
    }
}
