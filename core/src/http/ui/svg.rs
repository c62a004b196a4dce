//! SVG drawn on the server: bar charts for the dashboards. Plain shapes and text with
//! explicit fills, so they print and need no script; every chart carries a `<title>` and
//! `role="img"` for screen readers.

use std::fmt::Write;

/// Escape text for SVG.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One bar.
pub struct Bar {
    /// Label on the left.
    pub label: String,
    /// Value.
    pub value: f64,
    /// Text after the bar (the value, or a percentage).
    pub text: String,
    /// Colour class: `ok`, `late`, `soon`, `done`, `muted`.
    pub tone: &'static str,
}

fn fill(tone: &str) -> &'static str {
    match tone {
        "late" => "#b3261e",
        "soon" => "#b26a00",
        "done" => "#5b6770",
        "muted" => "#9aa5ad",
        _ => "#1f6f43",
    }
}

/// Horizontal bars, scaled to the largest value (or to `max` when given).
pub fn bars(title: &str, items: &[Bar], max: Option<f64>) -> String {
    let (label_w, bar_w, row_h) = (160.0, 230.0, 28.0);
    let top = max
        .unwrap_or_else(|| items.iter().map(|b| b.value).fold(0.0, f64::max))
        .max(1.0);
    let height = row_h * items.len().max(1) as f64 + 8.0;
    let width = label_w + bar_w + 100.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet"><title>{}</title>"#,
        esc(title)
    );
    for (i, b) in items.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let w = (b.value / top * bar_w).max(if b.value > 0.0 { 2.0 } else { 0.0 });
        let _ = write!(
            s,
            r##"<g><title>{full}</title><text x="{lx}" y="{ty}" text-anchor="end" font-size="13" fill="#1d2327">{label}</text><rect x="{label_w}" y="{y}" width="{w:.1}" height="{bh}" rx="3" fill="{color}"/><text x="{vx:.1}" y="{ty}" font-size="13" fill="#1d2327">{text}</text></g>"##,
            full = esc(&format!("{}: {}", b.label, b.text)),
            lx = label_w - 8.0,
            ty = y + 15.0,
            label = esc(&shorten(&b.label, 11)),
            bh = row_h - 8.0,
            color = fill(b.tone),
            vx = label_w + w + 6.0,
            text = esc(&b.text),
        );
    }
    s.push_str("</svg>");
    s
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(n - 1).collect();
        out.push('…');
        out
    }
}
