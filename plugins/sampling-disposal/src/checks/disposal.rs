//! Disposal of a non-conforming sample (核查处置): starting it.

use crate::days::time_at;
use anjuan_plugin_sdk::{Context, DataExt, Finding, Value};

/// `start-disposal`: a high-risk or seriously hazardous item must be started within 24
/// hours of the notice; a later start goes ahead (the work must be done) but is recorded
/// with a warning, next to the deadline breach the workflow records.
pub fn start_disposal(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    let urgent =
        input.bool_at("/high_risk") == Some(true) || input.bool_at("/serious_hazard") == Some(true);
    let received = time_at(input, "/notice_received_at");
    let (true, Some(received), Some(now)) = (urgent, received, ctx.envelope().now()) else {
        return Vec::new();
    };
    let hours = (now - received).num_hours();
    if hours < 24 {
        return Vec::new();
    }
    vec![Finding::warning(
        "/notice_received_at",
        "started-late",
        &format!(
            "高风险或可能严重危害健康的不合格食品应在24小时内启动核查处置，本案在收到通知 {hours} 小时后启动"
        ),
        &format!(
            "High-risk items must be started within 24 hours of the notice; this one starts {hours} hours after it"
        ),
    )]
}

#[cfg(test)]
mod tests;
