//! Programme checks. Field pointers follow `workflows/risk-monitoring/workflow.yaml`;
//! each check receives only the fields its `plugin.toml` entry `reads`.

mod disease;
mod outbreak;
mod plan;
mod quality;
mod sample;

use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value};

pub use plan::{collected_query, local_collected_query};
pub use sample::{MIN_SAMPLES_FOR_CONCENTRATION, samples_at_point_query, samples_query};

/// Runs check `id`.
pub fn run(ctx: &Context<'_>, id: &str, input: &Value) -> Result<Vec<Finding>, CallError> {
    Ok(match id {
        "plan-not-below-city-task" => plan::plan_not_below_city_task(input),
        "local-products-at-least-60-percent" => plan::local_products_at_least_60_percent(input),
        "sampling-points-cover-county" => plan::sampling_points_cover_county(input),
        "samples-collected-meet-city-task" => plan::samples_collected_meet_city_task(ctx, input)?,
        "sampling-record-complete" => sample::sampling_record_complete(ctx, input),
        "sampling-not-concentrated" => sample::sampling_not_concentrated(ctx, input)?,
        "hazard-report-complete" => sample::hazard_report_complete(ctx, input),
        "expansion-plan-complete" => sample::expansion_plan_complete(input),
        "case-report-complete" => disease::case_report_complete(ctx, input),
        "online-start-report-filed" => outbreak::online_start_report_filed(ctx, input),
        "online-completion-report-filed" => outbreak::online_completion_report_filed(ctx, input),
        "attribution-complete" => outbreak::attribution_complete(input),
        "report-attached" => quality::report_attached(ctx, input),
        "supervision-recorded" => quality::supervision_recorded(ctx, input),
        "training-at-least-two-working-days" => {
            quality::training_at_least_two_working_days(ctx, input)?
        }
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
