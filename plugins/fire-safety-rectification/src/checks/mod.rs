//! Programme checks. Field pointers follow
//! `workflows/fire-safety-rectification/workflow.yaml`; each check receives only the
//! fields its `plugin.toml` entry `reads`.

mod building;
mod hazard;
mod rectification;

use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value};

pub use rectification::{
    MAX_ROWS_LISTED, closed_by_description_query, closed_hazards_query, hazards_query,
};

/// Runs check `id`.
pub fn run(ctx: &Context<'_>, id: &str, input: &Value) -> Result<Vec<Finding>, CallError> {
    Ok(match id {
        "building-record-complete" => building::building_record_complete(input),
        "building-in-scope" => building::building_in_scope(input),
        "campaign-dates-consistent" => building::campaign_dates_consistent(input),
        "commitment-letter-signed" => rectification::commitment_letter_signed(ctx, input),
        "hazard-list-complete" => rectification::hazard_list_complete(ctx, input),
        "hazard-deadlines-within-stages" => {
            rectification::hazard_deadlines_within_stages(ctx, input)
        }
        "inspection-record-complete" => rectification::inspection_record_complete(ctx, input),
        "acceptance-all-hazards-closed" => {
            rectification::acceptance_all_hazards_closed(ctx, input)?
        }
        "listed-supervision-plan-complete" => hazard::listed_supervision_plan_complete(ctx, input),
        "rectification-evidence-attached" => hazard::rectification_evidence_attached(ctx, input),
        other => return Err(CallError::UnknownId(other.into())),
    })
}

/// An item a record must carry: (pointer below the record, 中文, English).
pub(crate) type ItemSpec = (&'static str, &'static str, &'static str);

/// One `missing-item` error for each blank item of `items` under `base` (`""` for the
/// top level), naming the record it belongs to.
pub(crate) fn missing_items(
    input: &Value,
    base: &str,
    items: &[ItemSpec],
    (record_zh, record_en): (&str, &str),
) -> Vec<Finding> {
    items
        .iter()
        .map(|(p, zh, en)| (format!("{base}{p}"), zh, en))
        .filter(|(p, ..)| input.is_blank_at(p))
        .map(|(p, zh, en)| {
            Finding::error(
                &p,
                "missing-item",
                &format!("{record_zh}缺少「{zh}」"),
                &format!("The {record_en} lacks the {en}"),
            )
        })
        .collect()
}
