//! SVG drawn on the server: bar charts for the dashboards and the state diagram of a
//! case type. Plain shapes and text with explicit fills, so they print and need no
//! script; every chart carries a `<title>` and `role="img"` for screen readers.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write;

use super::render::Lang;
use crate::workflow::model::CaseType;

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

/// A case type's states and transitions: states in columns by their distance from
/// the initial state, forward moves as curves to the right, moves back bowed below,
/// final states with a double border, the initial state with a dot.
pub fn state_diagram(ct: &CaseType, lang: Lang, title: &str) -> String {
    let layers = layers(ct);
    let (node_w, node_h, gap_x, gap_y, pad) = (150.0, 40.0, 90.0, 26.0, 30.0);
    let mut pos: HashMap<&str, (f64, f64)> = HashMap::new();
    let mut columns: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (name, _) in &ct.states {
        columns
            .entry(layers.get(name.as_str()).copied().unwrap_or(usize::MAX))
            .or_default()
            .push(name.as_str());
    }
    let rows = columns.values().map(Vec::len).max().unwrap_or(1) as f64;
    for (ci, (_, names)) in columns.iter().enumerate() {
        for (ri, n) in names.iter().enumerate() {
            pos.insert(
                n,
                (
                    pad + ci as f64 * (node_w + gap_x),
                    pad + ri as f64 * (node_h + gap_y),
                ),
            );
        }
    }
    let width = pad * 2.0 + columns.len() as f64 * (node_w + gap_x) - gap_x;
    let height = pad * 2.0 + rows * (node_h + gap_y) - gap_y + 40.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="diagram" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"><title>{}</title><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#44515a"/></marker></defs>"##,
        esc(title)
    );
    for t in &ct.transitions {
        let label = t
            .title
            .as_ref()
            .map(|x| lang.pick(x))
            .unwrap_or_else(|| t.action.to_string());
        for from in &t.from {
            let (Some(&(x1, y1)), Some(&(x2, y2))) =
                (pos.get(from.as_str()), pos.get(t.to.as_str()))
            else {
                continue;
            };
            let path = if from.as_str() == t.to.as_str() {
                format!(
                    "M{:.0},{:.0} C{:.0},{:.0} {:.0},{:.0} {:.0},{:.0}",
                    x1 + 50.0,
                    y1,
                    x1 + 40.0,
                    y1 - 28.0,
                    x1 + 110.0,
                    y1 - 28.0,
                    x1 + 100.0,
                    y1
                )
            } else if (x2 - x1).abs() < 1.0 {
                let (sx, sy, ey) = (x1 + node_w, y1 + node_h / 2.0, y2 + node_h / 2.0);
                let bulge = sx + 28.0 + (sy - ey).abs() / 6.0;
                format!("M{sx:.0},{sy:.0} C{bulge:.0},{sy:.0} {bulge:.0},{ey:.0} {sx:.0},{ey:.0}")
            } else if x2 > x1 {
                let (sx, sy, ex, ey) = (x1 + node_w, y1 + node_h / 2.0, x2, y2 + node_h / 2.0);
                format!(
                    "M{sx:.0},{sy:.0} C{:.0},{sy:.0} {:.0},{ey:.0} {ex:.0},{ey:.0}",
                    sx + gap_x / 2.0,
                    ex - gap_x / 2.0
                )
            } else {
                let (sx, sy, ex, ey) = (
                    x1 + node_w / 2.0,
                    y1 + node_h,
                    x2 + node_w / 2.0,
                    y2 + node_h,
                );
                let dip = sy.max(ey) + 30.0;
                format!("M{sx:.0},{sy:.0} C{sx:.0},{dip:.0} {ex:.0},{dip:.0} {ex:.0},{ey:.0}")
            };
            let _ = write!(
                s,
                r##"<path d="{path}" fill="none" stroke="#44515a" stroke-width="1.4" marker-end="url(#arrow)"><title>{}</title></path>"##,
                esc(&label)
            );
        }
    }
    for (name, state) in &ct.states {
        let Some(&(x, y)) = pos.get(name.as_str()) else {
            continue;
        };
        let text = lang.pick(&ct.state_title(name));
        let stroke = if state.is_final { 3.0 } else { 1.5 };
        let _ = write!(
            s,
            r##"<g><title>{id}</title><rect x="{x}" y="{y}" width="{node_w}" height="{node_h}" rx="8" fill="#f4f7f9" stroke="#1d2327" stroke-width="{stroke}"/><text x="{tx}" y="{ty}" text-anchor="middle" font-size="12" fill="#1d2327">{label}</text></g>"##,
            id = esc(name),
            tx = x + node_w / 2.0,
            ty = y + node_h / 2.0 + 4.0,
            label = esc(&shorten(&text, 12)),
        );
        if name.as_str() == ct.initial.as_str() {
            let _ = write!(
                s,
                r##"<circle cx="{}" cy="{}" r="5" fill="#1f6f43"/>"##,
                x - 8.0,
                y + node_h / 2.0
            );
        }
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

/// Distance of each state from the initial one (breadth-first over transitions).
fn layers(ct: &CaseType) -> HashMap<&str, usize> {
    let mut out = HashMap::new();
    let mut queue = VecDeque::from([(ct.initial.as_str(), 0usize)]);
    while let Some((s, d)) = queue.pop_front() {
        if out.contains_key(s) {
            continue;
        }
        out.insert(s, d);
        for t in ct
            .transitions
            .iter()
            .filter(|t| t.from.iter().any(|f| f.as_str() == s))
        {
            queue.push_back((t.to.as_str(), d + 1));
        }
    }
    out
}
