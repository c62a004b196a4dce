//! anjuan programme plugin for 食品安全抽检不合格核查处置 (disposal of non-conforming food
//! samples): its forms and programme checks.
//!
//! # Layout
//! - `forms`: `start-disposal` (核查处置启动) and `sampling-record` (抽样单).
//! - `checks`: `max-batches-per-business` (one business gives at most 6 batches to a
//!   plan, through the declared count query) and `sampling-record-complete` (a sampling
//!   record with any required item missing is refused: 不得漏项).

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
            ],
            derived_fields: vec![],
        }
    }

    fn form(_ctx: &Context<'_>, form_id: &str) -> Result<FormDef, CallError> {
        match form_id {
            "start-disposal" => Ok(forms::start_disposal()),
            "sampling-record" => Ok(forms::sampling_record()),
            other => Err(CallError::UnknownId(other.into())),
        }
    }

    fn check(ctx: &Context<'_>, check_id: &str, input: &Value) -> Result<Vec<Finding>, CallError> {
        match check_id {
            "max-batches-per-business" => checks::max_batches_per_business(ctx, input),
            "sampling-record-complete" => Ok(checks::sampling_record_complete(input)),
            other => Err(CallError::UnknownId(other.into())),
        }
    }
}

anjuan_plugin_sdk::export_plugin!(SamplingDisposal);
