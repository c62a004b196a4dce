//! Programme checks. Field pointers follow `workflows/sampling-disposal/workflow.yaml`;
//! each check receives only the fields its `plugin.toml` entry `reads`, from the case
//! data as the action would leave it (stored data with the action's input over it).
//!
//! Opening a case by hand runs its form's generic constraints and its checks; a case
//! the workflow spawns (a disposal case from a reported batch) has no form but runs its
//! checks, refusing the parent's action when they fail: so the checks of `create` state
//! every item the rest of the programme relies on, and never demand of a spawned case
//! what its parent cannot give it.
//!
//! # Layout
//! - `plan`: `plan-quotas-consistent`, `plan-quotas-met` (a count query per batch
//!   category), `plan-monthly-quotas-met` (two per month), `self-evaluation-complete`;
//! - `batch`: `sampling-record-complete`, `max-batches-per-business`,
//!   `samplers-at-least-two`, `recheck-done-for-nonconforming`, `report-upload-complete`;
//! - `disposal`: each step of a non-conforming sample, from the notice to production
//!   resuming; `dossier`: `dossier-complete`;
//! - `county`: `publication-record-complete`, `lab-inspection-complete`.

mod batch;
mod county;
mod disposal;
mod dossier;
mod plan;
#[cfg(test)]
pub(crate) mod testing;

use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value};

pub use batch::{MAX_BATCHES_PER_BUSINESS, batches_query, round_query};
pub use plan::{category_query, month_query};

/// Runs check `id`.
pub fn run(ctx: &Context<'_>, id: &str, input: &Value) -> Result<Vec<Finding>, CallError> {
    Ok(match id {
        "plan-quotas-consistent" => plan::plan_quotas_consistent(input),
        "plan-quotas-met" => plan::plan_quotas_met(ctx, input)?,
        "plan-monthly-quotas-met" => plan::plan_monthly_quotas_met(ctx, input)?,
        "self-evaluation-complete" => plan::self_evaluation_complete(input),
        "sampling-record-complete" => batch::sampling_record_complete(ctx, input),
        "max-batches-per-business" => batch::max_batches_per_business(ctx, input)?,
        "samplers-at-least-two" => batch::samplers_at_least_two(input),
        "recheck-done-for-nonconforming" => batch::recheck_done_for_nonconforming(input),
        "report-upload-complete" => batch::report_upload_complete(ctx, input),
        "notice-record-complete" => disposal::notice_record_complete(ctx, input),
        "start-disposal" => disposal::start_disposal(ctx, input),
        "product-control-complete" => disposal::product_control_complete(input),
        "objection-record-complete" => disposal::objection_record_complete(ctx, input),
        "cause-investigation-complete" => disposal::cause_investigation_complete(input),
        "penalty-record-complete" => disposal::penalty_record_complete(input),
        "reinspection-record-complete" => disposal::reinspection_record_complete(ctx, input),
        "production-resumption-allowed" => disposal::production_resumption_allowed(ctx, input),
        "dossier-complete" => dossier::dossier_complete(input),
        "publication-record-complete" => county::publication_record_complete(ctx, input),
        "lab-inspection-complete" => county::lab_inspection_complete(input),
        other => return Err(CallError::UnknownId(other.into())),
    })
}

/// An item a record must carry: (pointer, 中文, English).
pub(crate) type ItemSpec = (&'static str, &'static str, &'static str);

/// One `missing-item` error for each blank item, naming the record it belongs to.
pub(crate) fn missing_items(
    input: &Value,
    items: &[ItemSpec],
    (record_zh, record_en): (&str, &str),
) -> Vec<Finding> {
    items
        .iter()
        .filter(|(p, ..)| input.is_blank_at(p))
        .map(|(p, zh, en)| {
            Finding::error(
                p,
                "missing-item",
                &format!("{record_zh}缺少「{zh}」"),
                &format!("The {record_en} lacks the {en}"),
            )
        })
        .collect()
}
