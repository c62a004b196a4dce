//! Text output of the CLI.

use crate::report::Usage;
use crate::{CheckReport, Finding, Manifest, Severity};
use anjuan_plugin_sdk::Description;
use std::io::Write;

/// `1536` → `1.5 KiB`.
pub(crate) fn bytes(n: u64) -> String {
    #[allow(clippy::cast_precision_loss)] // display only
    let f = n as f64;
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KiB", f / 1024.0),
        _ => format!("{:.1} MiB", f / 1_048_576.0),
    }
}

/// `1234567` → `1,234,567`.
pub(crate) fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(crate) fn usage(out: &mut dyn Write, u: &Usage) -> std::io::Result<()> {
    #[allow(clippy::cast_precision_loss)] // display only
    let ms = u.wall_time_us as f64 / 1000.0;
    writeln!(out, "usage (used / limit):")?;
    writeln!(
        out,
        "  fuel    {} / {}",
        count(u.fuel_used),
        count(u.fuel_limit)
    )?;
    writeln!(
        out,
        "  memory  {} / {}",
        bytes(u.peak_memory_bytes),
        bytes(u.memory_limit_bytes)
    )?;
    writeln!(
        out,
        "  input   {} / {}",
        bytes(u.input_bytes),
        bytes(u.max_input_bytes)
    )?;
    writeln!(
        out,
        "  output  {} / {}",
        bytes(u.output_bytes),
        bytes(u.max_output_bytes)
    )?;
    writeln!(out, "  time    {ms:.2} ms / {} ms", u.wall_clock_limit_ms)
}

fn finding(out: &mut dyn Write, f: &Finding) -> std::io::Result<()> {
    let sev = match f.severity {
        Severity::Error => "error  ",
        Severity::Warning => "warning",
    };
    let field = if f.field.is_empty() {
        "(case)"
    } else {
        &f.field
    };
    writeln!(
        out,
        "  {sev} {field} [{}]\n          {}\n          {}",
        f.code, f.message_zh, f.message_en
    )
}

pub(crate) fn check(out: &mut dyn Write, r: &CheckReport) -> std::io::Result<()> {
    let errors = r.findings.iter().filter(|f| f.is_error()).count();
    let warnings = r.findings.len() - errors;
    let verdict = if r.passed() { "PASSED" } else { "REFUSED" };
    writeln!(
        out,
        "check {} of {} {}: {verdict} ({errors} errors, {warnings} warnings)",
        r.check, r.plugin.id, r.plugin.version
    )?;
    for f in &r.findings {
        finding(out, f)?;
    }
    usage(out, &r.usage)
}

pub(crate) fn describe(
    out: &mut dyn Write,
    d: &Description,
    m: &Manifest,
    sha256: &str,
) -> std::io::Result<()> {
    writeln!(
        out,
        "plugin {} {} — {} / {}",
        d.id, d.version, d.title_zh, d.title_en
    )?;
    writeln!(out, "  interface anjuan:plugin@{}", d.interface_version)?;
    writeln!(out, "  sha256    {sha256}")?;
    writeln!(out, "forms:")?;
    for f in &d.forms {
        writeln!(out, "  {:<28} {} / {}", f.id, f.title_zh, f.title_en)?;
    }
    writeln!(out, "checks:")?;
    for c in &d.checks {
        let spec = m.checks.get(&c.id);
        let policy = spec
            .map(|s| format!("{:?}", s.on_failure).to_lowercase())
            .unwrap_or_default();
        let reads = spec.map(|s| s.reads.join(" ")).unwrap_or_default();
        writeln!(
            out,
            "  {:<28} {} / {}\n  {:<28} on_failure={policy} reads: {reads}",
            c.id, c.title_zh, c.title_en, ""
        )?;
    }
    if !d.derived_fields.is_empty() {
        writeln!(out, "derives: {}", d.derived_fields.join(" "))?;
    }
    for (name, q) in &m.counts {
        let params: Vec<String> = q.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        writeln!(
            out,
            "count query {name}: {} cases where {}",
            q.case_type,
            params.join(", ")
        )?;
    }
    Ok(())
}
