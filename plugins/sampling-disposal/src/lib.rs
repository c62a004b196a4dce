//! anjuan programme plugin for 食品安全抽检不合格核查处置 (disposal of non-conforming food
//! samples): its forms and programme checks.
//!
//! # Layout
//! - `forms`: `start-disposal` (核查处置启动), `sampling-record` (抽样单),
//!   `police-transfer` (移送公安机关) and `self-evaluation` (效果自评); the members of the
//!   workflow's object fields in `forms::objects`.
//! - `checks`: `max-batches-per-business` (one business gives at most 6 batches to a
//!   plan, through the declared count query), `sampling-record-complete` (a sampling
//!   record with any required item missing is refused: 不得漏项),
//!   `samplers-at-least-two` (two regulators sample on site) and `start-disposal` (a
//!   high-risk item started after 24 hours is recorded as late).

mod checks;
mod forms;

use anjuan_plugin_sdk::{CallError, Context, Description, Finding, FormDef, Item, Plugin, Value};

pub use checks::{MAX_BATCHES_PER_BUSINESS, batches_query};

/// The plugin.
pub struct SamplingDisposal;

impl Plugin for SamplingDisposal {
    fn describe() -> Description {
        Description {
            id: "sampling-disposal".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            interface_version: String::new(),
            title_zh: "食品安全抽检不合格核查处置".into(),
            title_en: "Disposal of non-conforming food samples".into(),
            forms: vec![
                Item::new("start-disposal", "启动核查处置", "Start disposal"),
                Item::new("sampling-record", "抽样单", "Sampling record"),
                Item::new("police-transfer", "移送公安机关", "Transfer to the police"),
                Item::new("self-evaluation", "报送效果自评", "Self-evaluation"),
            ],
            checks: vec![
                Item::new(
                    "max-batches-per-business",
                    "同一被抽样单位不超过6批次",
                    "At most 6 batches per business in a plan",
                ),
                Item::new(
                    "sampling-record-complete",
                    "抽样单不得漏项",
                    "Sampling record complete",
                ),
                Item::new(
                    "samplers-at-least-two",
                    "不少于2名监管人员抽样",
                    "At least two regulators sample",
                ),
                Item::new(
                    "start-disposal",
                    "24小时内启动核查处置",
                    "Started within 24 hours when urgent",
                ),
            ],
            derived_fields: vec![],
        }
    }

    fn form(_ctx: &Context<'_>, form_id: &str) -> Result<FormDef, CallError> {
        forms::form(form_id).ok_or_else(|| CallError::UnknownId(form_id.into()))
    }

    fn check(ctx: &Context<'_>, check_id: &str, input: &Value) -> Result<Vec<Finding>, CallError> {
        match check_id {
            "max-batches-per-business" => checks::max_batches_per_business(ctx, input),
            "sampling-record-complete" => Ok(checks::sampling_record_complete(input)),
            "samplers-at-least-two" => Ok(checks::samplers_at_least_two(input)),
            "start-disposal" => Ok(checks::start_disposal(ctx, input)),
            other => Err(CallError::UnknownId(other.into())),
        }
    }
}

anjuan_plugin_sdk::export_plugin!(SamplingDisposal);

#[cfg(test)]
mod tests {
    use super::*;

    /// The host refuses a plugin whose manifest and description disagree; catch it here.
    #[test]
    fn every_described_check_has_a_manifest_entry() {
        let manifest = include_str!("../plugin.toml");
        let checks = SamplingDisposal::describe().checks;
        for c in &checks {
            assert!(manifest.contains(&format!("[checks.{}]", c.id)), "{}", c.id);
        }
        assert_eq!(manifest.matches("[checks.").count(), checks.len());
    }
}
